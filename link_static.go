//go:build linux && cgo && !liburing_system

package liburing

// Default build mode: link the static liburing that build.sh built from the
// vendored submodule (or LIBURING_SRC, or the offline fallback) into
// build/liburing. Run `make` (or ./build.sh) once before `go build`.

/*
#cgo CFLAGS: -D_GNU_SOURCE -I${SRCDIR}/build/liburing/include
#cgo LDFLAGS: ${SRCDIR}/build/liburing/lib/liburing.a
*/
import "C"
