module github.com/liburing-go/liburing/bench

go 1.26.0

require (
	github.com/liburing-go/liburing v0.0.0
	github.com/pawelgaczynski/giouring v0.0.0-20230826085535-69588b89acb9
	golang.org/x/sys v0.50.0
)

replace github.com/liburing-go/liburing => ../
