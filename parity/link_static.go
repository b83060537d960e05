//go:build linux && cgo && !liburing_system

package parity

// Default build mode, as the liburing package's link_static.go: the static
// liburing that build.sh built into build/liburing (the C tables and the
// SQE reset here need its headers).

/*
#cgo CFLAGS: -D_GNU_SOURCE -I${SRCDIR}/.. -I${SRCDIR}/../build/liburing/include
#cgo LDFLAGS: ${SRCDIR}/../build/liburing/lib/liburing.a
*/
import "C"
