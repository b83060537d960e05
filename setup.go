//go:build linux && cgo

package liburing

/*
#include "liburing_cgo.h"
*/
import "C"

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// initC allocates the ring's C struct for a QueueInit* call and hands it to
// f; on failure the struct is freed again and the ring stays unset.
func (r *Ring) initC(f func(*C.struct_io_uring) C.int) error {
	if r == nil {
		return ErrNilRing
	}
	if r.c != nil {
		return ErrRingInUse
	}
	c := C.lg_ring_alloc()
	if c == nil {
		return unix.ENOMEM
	}
	if ret := f(c); ret < 0 {
		C.free(unsafe.Pointer(c))
		return unix.Errno(-ret)
	}
	r.c, r.owned = c, true
	return nil
}

// QueueInit wraps io_uring_queue_init: it sets up ring with room for entries
// SQEs and the IORING_SETUP_* flags. Linux 5.1.
func QueueInit(entries uint32, ring *Ring, flags uint32) error {
	return ring.initC(func(c *C.struct_io_uring) C.int {
		return C.io_uring_queue_init(C.uint(entries), c, C.uint(flags))
	})
}

// QueueInitParams wraps io_uring_queue_init_params: as QueueInit, with p
// passed to io_uring_setup; the kernel fills in p's output fields. Linux 5.1.
func QueueInitParams(entries uint32, ring *Ring, p *Params) error {
	if p == nil {
		return unix.EFAULT
	}
	return ring.initC(func(c *C.struct_io_uring) C.int {
		return C.io_uring_queue_init_params(C.uint(entries), c, (*C.struct_io_uring_params)(unsafe.Pointer(p)))
	})
}

// QueueExit wraps io_uring_queue_exit: it unmaps the rings and closes the
// ring's file descriptor. A second QueueExit returns ErrRingClosed. Linux 5.1.
func QueueExit(ring *Ring) error {
	c, err := ring.get()
	if err != nil {
		return err
	}
	C.io_uring_queue_exit(c)
	if ring.owned {
		C.free(unsafe.Pointer(c))
	}
	ring.c, ring.owned = nil, false
	return nil
}
