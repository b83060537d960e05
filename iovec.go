//go:build linux && cgo

package liburing

/*
#include "liburing_cgo.h"
#include <sys/uio.h>
*/
import "C"

import (
	"errors"
	"fmt"
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"
)

// IovMax is the largest number of buffers one Iovec may hold (the kernel's
// UIO_MAXIOV).
const IovMax = 1024

// ErrIovecClosed is returned by an Iovec after Close.
var ErrIovecClosed = errors.New("liburing: iovec is closed")

// Iovec is an array of struct iovec in C memory whose buffers the kernel may
// use until the operations that name them complete (Python liburing's
// iovec). Buffers come either from Go slices, which stay pinned until Close,
// or from C memory that Close releases. Close it once no operation uses it.
// An Iovec is not safe for concurrent use.
type Iovec struct {
	c     *C.struct_iovec
	n     int
	pin   runtime.Pinner
	cbufs []unsafe.Pointer
}

func newIovec(n int) (*Iovec, error) {
	if n <= 0 || n > IovMax {
		return nil, fmt.Errorf("liburing: iovec of %d buffers (want 1..%d): %w", n, IovMax, unix.EINVAL)
	}
	p := C.calloc(C.size_t(n), C.sizeof_struct_iovec)
	if p == nil {
		return nil, unix.ENOMEM
	}
	return &Iovec{c: (*C.struct_iovec)(p), n: n}, nil
}

// NewIovec builds an Iovec over bufs. Each buffer is pinned (runtime.Pinner)
// until Close, so the kernel can read or write it in place. Empty buffers are
// allowed and get a nil base.
func NewIovec(bufs [][]byte) (*Iovec, error) {
	v, err := newIovec(len(bufs))
	if err != nil {
		return nil, err
	}
	iov := v.slice()
	for i, b := range bufs {
		if len(b) == 0 {
			continue
		}
		p := unsafe.Pointer(unsafe.SliceData(b))
		v.pin.Pin(p)
		iov[i].iov_base = p
		iov[i].iov_len = C.size_t(len(b))
	}
	return v, nil
}

// NewIovecSizes builds an Iovec of zeroed C-memory buffers of the given sizes
// (Python liburing's iovec from lengths). Each size must be at least 1.
func NewIovecSizes(sizes ...int) (*Iovec, error) {
	v, err := newIovec(len(sizes))
	if err != nil {
		return nil, err
	}
	iov := v.slice()
	for i, n := range sizes {
		if n <= 0 {
			v.Close()
			return nil, fmt.Errorf("liburing: iovec buffer %d has size %d: %w", i, n, unix.EINVAL)
		}
		p := C.calloc(C.size_t(n), 1)
		if p == nil {
			v.Close()
			return nil, unix.ENOMEM
		}
		v.cbufs = append(v.cbufs, p)
		iov[i].iov_base = p
		iov[i].iov_len = C.size_t(n)
	}
	return v, nil
}

func (v *Iovec) slice() []C.struct_iovec { return unsafe.Slice(v.c, v.n) }

func (v *Iovec) check(i int) error {
	if v == nil || v.c == nil {
		return ErrIovecClosed
	}
	if i < 0 || i >= v.n {
		return fmt.Errorf("liburing: iovec index %d out of range [0,%d)", i, v.n)
	}
	return nil
}

// Len is the number of buffers (iovcnt); 0 after Close.
func (v *Iovec) Len() int {
	if v == nil || v.c == nil {
		return 0
	}
	return v.n
}

// Ptr is the struct iovec array (in C memory) to pass to PrepReadv,
// PrepWritev and friends; nil after Close.
func (v *Iovec) Ptr() *unix.Iovec {
	if v == nil {
		return nil
	}
	return (*unix.Iovec)(unsafe.Pointer(v.c))
}

// Slice is the struct iovec array as a Go slice over the same C memory (for
// RegisterBuffers); nil after Close.
func (v *Iovec) Slice() []unix.Iovec {
	if v == nil || v.c == nil {
		return nil
	}
	return unsafe.Slice(v.Ptr(), v.n)
}

// At returns buffer i's struct iovec in the C array, for reading or
// changing its Base and Len in place: Python liburing's iovec[i], which
// works for every i here (Python 2024.5.3 fails for i >= 1). It is nil when
// i is out of range or after Close.
func (v *Iovec) At(i int) *unix.Iovec {
	if v.check(i) != nil {
		return nil
	}
	return &v.Slice()[i]
}

// Base returns buffer i's iov_base.
func (v *Iovec) Base(i int) (unsafe.Pointer, error) {
	if err := v.check(i); err != nil {
		return nil, err
	}
	return v.slice()[i].iov_base, nil
}

// IovLen returns buffer i's iov_len.
func (v *Iovec) IovLen(i int) (int, error) {
	if err := v.check(i); err != nil {
		return 0, err
	}
	return int(v.slice()[i].iov_len), nil
}

// Bytes returns buffer i as a slice over the same memory (no copy).
func (v *Iovec) Bytes(i int) ([]byte, error) {
	if err := v.check(i); err != nil {
		return nil, err
	}
	e := v.slice()[i]
	if e.iov_base == nil {
		return []byte{}, nil
	}
	return unsafe.Slice((*byte)(e.iov_base), int(e.iov_len)), nil
}

// Close unpins the Go buffers and frees the C memory. Calling it again
// returns ErrIovecClosed.
func (v *Iovec) Close() error {
	if v == nil || v.c == nil {
		return ErrIovecClosed
	}
	for _, p := range v.cbufs {
		C.free(p)
	}
	v.cbufs = nil
	C.free(unsafe.Pointer(v.c))
	v.c, v.n = nil, 0
	v.pin.Unpin()
	return nil
}
