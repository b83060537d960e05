//go:build linux && cgo

package liburing

/*
#include "liburing_cgo.h"
*/
import "C"

import (
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"
)

// AllocBuffer returns n zeroed bytes of C memory, which the kernel may use
// for as long as an operation needs (no pinning, the garbage collector never
// moves or frees it). Release it with FreeBuffer.
func AllocBuffer(n int) ([]byte, error) {
	if n <= 0 {
		return nil, unix.EINVAL
	}
	p := C.calloc(C.size_t(n), 1)
	if p == nil {
		return nil, unix.ENOMEM
	}
	return unsafe.Slice((*byte)(p), n), nil
}

// FreeBuffer releases a buffer from AllocBuffer. Only call it once no
// operation uses the buffer any more.
func FreeBuffer(b []byte) {
	if cap(b) > 0 {
		C.free(unsafe.Pointer(unsafe.SliceData(b[:1])))
	}
}

// CString copies s into C memory with a terminating NUL, for paths and names
// that the kernel reads at submit time. It fails with EINVAL when s holds a
// NUL byte. Release it with Free.
func CString(s string) (*byte, error) {
	if strings.IndexByte(s, 0) >= 0 {
		return nil, unix.EINVAL
	}
	p := C.malloc(C.size_t(len(s) + 1))
	if p == nil {
		return nil, unix.ENOMEM
	}
	b := unsafe.Slice((*byte)(p), len(s)+1)
	copy(b, s)
	b[len(s)] = 0
	return (*byte)(p), nil
}

// Free releases C memory from CString.
func Free(p *byte) {
	C.free(unsafe.Pointer(p))
}
