module github.com/liburing-go/liburing/crosscheck

go 1.26.0

require (
	github.com/liburing-go/liburing v0.0.0
	github.com/pawelgaczynski/giouring v0.0.0-20230826085535-69588b89acb9
	golang.org/x/sys v0.50.0
)

require (
	github.com/godzie44/go-uring v0.0.0-20250501163612-d16a9e597639
	github.com/libp2p/go-sockaddr v0.1.1 // indirect
)

replace github.com/liburing-go/liburing => ../
