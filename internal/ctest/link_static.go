//go:build linux && cgo && !liburing_system

package ctest

// Default build mode, as the liburing package's link_static.go: the static
// liburing that build.sh built into build/liburing.

/*
#cgo CFLAGS: -D_GNU_SOURCE -I${SRCDIR}/../../build/liburing/include
#cgo LDFLAGS: ${SRCDIR}/../../build/liburing/lib/liburing.a
*/
import "C"
