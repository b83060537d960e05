//go:build linux && cgo && liburing_system

package liburing

// Build tag liburing_system: link the system's liburing through pkg-config.
// liburing_cgo.h stops the build at compile time when it is older than 2.6.

/*
#cgo CFLAGS: -D_GNU_SOURCE
#cgo pkg-config: liburing
*/
import "C"
