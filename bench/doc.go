// Package bench measures liburing-go against C liburing, the pure-Go
// giouring and what a Go user would use instead (os.File, net.Conn). It is
// a separate module so that the main module does not depend on giouring.
// Run it with `make bench` from the repository root.
package bench
