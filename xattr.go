//go:build linux && cgo

package liburing

/*
#include "liburing_cgo.h"
*/
import "C"

import (
	"strings"

	"golang.org/x/sys/unix"
)

// Xattr holds an extended attribute's name and value buffer in C memory for
// the xattr prep helpers (Python liburing's xattr functions, which take
// bytes and add a flags default): the kernel reads the name and value, and
// writes the value of a get, until the operation completes, so the Xattr
// must stay open until then. The methods call the 1:1 functions in C's
// argument order. An Xattr is not safe for concurrent use.
type Xattr struct {
	name  *byte
	value []byte // the C buffer: room for a get
	set   int    // bytes of value a set writes: len(value) given to NewXattr
}

// NewXattr returns an Xattr for name (e.g. "user.comment") with a value
// buffer holding value, or size bytes of room when value is shorter (size is
// what a get may return). An empty name, or one holding NUL, is EINVAL.
func NewXattr(name string, value []byte, size int) (*Xattr, error) {
	if name == "" || strings.IndexByte(name, 0) >= 0 || size < 0 {
		return nil, unix.EINVAL
	}
	n, err := CString(name)
	if err != nil {
		return nil, err
	}
	x := &Xattr{name: n, set: len(value)}
	if room := max(len(value), size); room > 0 {
		if x.value, err = AllocBuffer(room); err != nil {
			Free(n)
			return nil, err
		}
		copy(x.value, value)
	}
	return x, nil
}

// valuePtr is the value buffer's address, nil when it is empty.
func (x *Xattr) valuePtr() *byte {
	if len(x.value) == 0 {
		return nil
	}
	return &x.value[0]
}

// Value returns the first n bytes of the value buffer (n from a get's CQE
// res), bounded by the buffer.
func (x *Xattr) Value(n int) []byte {
	if x == nil || n <= 0 {
		return nil
	}
	return x.value[:min(n, len(x.value))]
}

// PrepSetxattr prepares io_uring_prep_setxattr(sqe, name, value, path, flags,
// len) with the value given to NewXattr and path a NUL-terminated C string
// (CString); flags are XATTR_CREATE or XATTR_REPLACE, 0 for either.
func (x *Xattr) PrepSetxattr(sqe *SQE, path *byte, flags int) error {
	if x == nil || x.name == nil {
		return ErrClosed
	}
	PrepSetxattr(sqe, x.name, x.valuePtr(), path, flags, uint32(x.set))
	return nil
}

// PrepGetxattr prepares io_uring_prep_getxattr(sqe, name, value, path,
// len(value)): the CQE's res is the value's length.
func (x *Xattr) PrepGetxattr(sqe *SQE, path *byte) error {
	if x == nil || x.name == nil {
		return ErrClosed
	}
	PrepGetxattr(sqe, x.name, x.valuePtr(), path, uint32(len(x.value)))
	return nil
}

// PrepFsetxattr prepares io_uring_prep_fsetxattr(sqe, fd, name, value,
// flags, len) with the value given to NewXattr.
func (x *Xattr) PrepFsetxattr(sqe *SQE, fd int, flags int) error {
	if x == nil || x.name == nil {
		return ErrClosed
	}
	PrepFsetxattr(sqe, fd, x.name, x.valuePtr(), flags, uint32(x.set))
	return nil
}

// PrepFgetxattr prepares io_uring_prep_fgetxattr(sqe, fd, name, value,
// len(value)).
func (x *Xattr) PrepFgetxattr(sqe *SQE, fd int) error {
	if x == nil || x.name == nil {
		return ErrClosed
	}
	PrepFgetxattr(sqe, fd, x.name, x.valuePtr(), uint32(len(x.value)))
	return nil
}

// Close releases the C memory; a second Close returns ErrClosed.
func (x *Xattr) Close() error {
	if x == nil || x.name == nil {
		return ErrClosed
	}
	Free(x.name)
	if x.value != nil {
		FreeBuffer(x.value)
	}
	x.name, x.value = nil, nil
	return nil
}
