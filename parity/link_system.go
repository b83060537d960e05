//go:build linux && cgo && liburing_system

package parity

// Build tag liburing_system, as the liburing package's link_system.go: the
// system's liburing through pkg-config.

/*
#cgo CFLAGS: -D_GNU_SOURCE -I${SRCDIR}/..
#cgo pkg-config: liburing
*/
import "C"
