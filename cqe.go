//go:build linux && cgo

package liburing

/*
#include "liburing_cgo.h"
*/
import "C"

import "unsafe"

// WaitCQE wraps io_uring_wait_cqe: it waits for a completion and returns it
// without consuming it; call CQESeen when done with it. Linux 5.1.
func WaitCQE(ring *Ring) (*CQE, error) {
	c, err := ring.get()
	if err != nil {
		return nil, err
	}
	var cqe *C.struct_io_uring_cqe
	if err := errOnly(C.io_uring_wait_cqe(c, &cqe)); err != nil {
		return nil, err
	}
	return (*CQE)(unsafe.Pointer(cqe)), nil
}

// PeekCQE wraps io_uring_peek_cqe: the next completion if one is ready, or
// unix.EAGAIN when none is. Like WaitCQE it does not consume it. Linux 5.1.
func PeekCQE(ring *Ring) (*CQE, error) {
	c, err := ring.get()
	if err != nil {
		return nil, err
	}
	var cqe *C.struct_io_uring_cqe
	if err := errOnly(C.io_uring_peek_cqe(c, &cqe)); err != nil {
		return nil, err
	}
	return (*CQE)(unsafe.Pointer(cqe)), nil
}

// CQESeen wraps io_uring_cqe_seen: it marks cqe consumed, so the kernel may
// reuse its slot. cqe must not be used afterwards. Linux 5.1.
func CQESeen(ring *Ring, cqe *CQE) {
	c, err := ring.get()
	if err != nil || cqe == nil {
		return
	}
	C.io_uring_cqe_seen(c, cqe.c())
}

// CQAdvance wraps io_uring_cq_advance: it marks the next nr completions
// consumed. Linux 5.1.
func CQAdvance(ring *Ring, nr uint32) {
	c, err := ring.get()
	if err != nil {
		return
	}
	C.io_uring_cq_advance(c, C.uint(nr))
}

// CQEGetData64 wraps io_uring_cqe_get_data64: the user_data of cqe, as set by
// SQESetData64. Linux 5.1.
func CQEGetData64(cqe *CQE) uint64 {
	return uint64(C.io_uring_cqe_get_data64(cqe.c()))
}
