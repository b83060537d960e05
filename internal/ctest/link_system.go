//go:build linux && cgo && liburing_system

package ctest

// Build tag liburing_system, as the liburing package's link_system.go: the
// system's liburing through pkg-config.

/*
#cgo CFLAGS: -D_GNU_SOURCE
#cgo pkg-config: liburing
*/
import "C"
