//go:build linux && cgo

// Package liburing is the Go binding of the C liburing library: Go programs
// get io_uring with exactly the ABI and semantics of liburing, because every
// function here calls liburing itself through cgo.
//
// # Names
//
// Every C name maps to one Go name: drop leading underscores and io_uring_,
// split on '_', capitalise each word, writing sq, cq, sqe, cqe and cqes as
// SQ, CQ, SQE, CQE and CQEs. So io_uring_prep_read is PrepRead and
// io_uring_get_sqe is GetSQE. Constants keep their C names (IORING_OP_NOP).
// Structs follow the same rule: struct io_uring is Ring, struct io_uring_sqe
// is SQE, struct io_uring_params is Params.
//
// # Errors
//
// Where C returns a negative errno, Go returns a unix.Errno error beside any
// non-negative result, so errors.Is(err, unix.EAGAIN) works. C out-parameters
// become Go results: WaitCQE(ring) returns (*CQE, error). CQE.Res stays the
// raw int32 of the kernel; TrapError turns it into (int, error). A nil ring,
// a ring used after QueueExit and a second QueueExit return ErrRingClosed or
// ErrNilRing; they never crash.
//
// # Memory
//
// The ring (struct io_uring) lives in C memory; SQEs and CQEs live in the
// rings the kernel maps. Memory that the kernel reads or writes after a call
// returns (buffers in flight, iovec arrays, paths until submission) must be C
// memory (AllocBuffer, Iovec) or Go memory pinned with runtime.Pinner until
// the completion arrives. Each function's documentation says how long.
//
// # Concurrency
//
// As in C, a Ring is not safe for concurrent use: one goroutine at a time
// submits, and one at a time reaps.
package liburing

/*
#include "liburing_cgo.h"
*/
import "C"

import (
	"errors"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Errors for misuse of a Ring that never reaches liburing.
var (
	// ErrNilRing is returned when a function is given a nil *Ring.
	ErrNilRing = errors.New("liburing: nil ring")
	// ErrRingClosed is returned when a ring is used before QueueInit
	// or after QueueExit (including a second QueueExit).
	ErrRingClosed = errors.New("liburing: ring is not initialised or was exited")
	// ErrRingInUse is returned by QueueInit* on a ring that is still set up.
	ErrRingInUse = errors.New("liburing: ring is already initialised")
)

// Ring is struct io_uring: one io_uring instance with its SQ and CQ rings.
// The zero value is ready for QueueInit. The C struct it wraps lives in C
// memory, so C code can share it (see CPtr and RingFromC).
type Ring struct {
	c     *C.struct_io_uring
	owned bool   // c was allocated here and is freed by QueueExit
	cq    cqView // the CQ ring as ReapCQEs reads it (batch.go)

	scratch    unsafe.Pointer // C array of CQE pointers for PeekBatchCQE
	scratchLen int
}

// CPtr returns the ring's struct io_uring * for C code, or nil when the ring
// is not set up. It stays valid until QueueExit.
func (r *Ring) CPtr() unsafe.Pointer {
	if r == nil {
		return nil
	}
	return unsafe.Pointer(r.c)
}

// RingFromC wraps a struct io_uring that C code set up (with
// io_uring_queue_init or similar). The C side keeps ownership of the memory:
// QueueExit on the returned Ring tears the ring down but does not free the
// struct, and C must not use the ring after that.
func RingFromC(p unsafe.Pointer) *Ring {
	if p == nil {
		return nil
	}
	return &Ring{c: (*C.struct_io_uring)(p)}
}

// get returns the C ring, or an error for a nil or closed ring.
func (r *Ring) get() (*C.struct_io_uring, error) {
	if r == nil {
		return nil, ErrNilRing
	}
	if r.c == nil {
		return nil, ErrRingClosed
	}
	return r.c, nil
}

// errno turns a liburing return value into Go's convention: a negative value
// is -errno, anything else is a result.
func errno(ret C.int) (int, error) {
	if ret < 0 {
		return 0, unix.Errno(-ret)
	}
	return int(ret), nil
}

// errOnly is errno for calls whose only result is success or failure.
func errOnly(ret C.int) error {
	if ret < 0 {
		return unix.Errno(-ret)
	}
	return nil
}

// TrapError returns res as an int when it is a result, and a unix.Errno error
// when it is a negative errno, as a CQE's res or a raw liburing return value
// are (Python liburing's trap_error). errors.Is(err, fs.ErrNotExist) and
// errors.Is(err, unix.ENOENT) both hold for -ENOENT.
func TrapError(res int32) (int, error) {
	if res < 0 {
		return 0, unix.Errno(-int64(res)) // int64: -math.MinInt32 does not fit an int32
	}
	return int(res), nil
}
