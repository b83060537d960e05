//go:build linux && cgo

package liburing

/*
#include "liburing_cgo.h"
*/
import "C"

// SQReady wraps io_uring_sq_ready: how many SQEs were taken with GetSQE and
// not yet consumed by the kernel (0 for a nil or exited ring). Linux 5.1.
func SQReady(ring *Ring) uint32 {
	c, err := ring.get()
	if err != nil {
		return 0
	}
	return uint32(C.io_uring_sq_ready(c))
}

// SQSpaceLeft wraps io_uring_sq_space_left: how many more SQEs GetSQE can
// hand out before a submit (0 for a nil or exited ring). Linux 5.1.
func SQSpaceLeft(ring *Ring) uint32 {
	c, err := ring.get()
	if err != nil {
		return 0
	}
	return uint32(C.io_uring_sq_space_left(c))
}

// SqringWait wraps io_uring_sqring_wait: on an IORING_SETUP_SQPOLL ring
// with a full SQ, it waits until the kernel's submission thread frees an
// entry (IORING_ENTER_SQ_WAIT); otherwise it returns 0 at once. A wait
// interrupted by the Go runtime's signals goes on. Linux 5.10.
func SqringWait(ring *Ring) (int, error) {
	c, err := ring.get()
	if err != nil {
		return 0, err
	}
	return errno(retryEINTR(func() C.int { return C.io_uring_sqring_wait(c) }))
}

// CQReady wraps io_uring_cq_ready: how many completions are in the CQ ring
// and not yet consumed (0 for a nil or exited ring). Completions waiting in
// the kernel's overflow list are not counted (see CQHasOverflow). Linux 5.1.
func CQReady(ring *Ring) uint32 {
	c, err := ring.get()
	if err != nil {
		return 0
	}
	return uint32(C.io_uring_cq_ready(c))
}

// CQHasOverflow wraps io_uring_cq_has_overflow: whether completions that did
// not fit in the CQ ring wait in the kernel (IORING_SQ_CQ_OVERFLOW) to be
// flushed, for example by GetEvents. Only meaningful with
// IORING_FEAT_NODROP. Linux 5.8.
func CQHasOverflow(ring *Ring) bool {
	c, err := ring.get()
	if err != nil {
		return false
	}
	return bool(C.io_uring_cq_has_overflow(c))
}

// CQEventfdEnabled wraps io_uring_cq_eventfd_enabled: whether completions
// signal the eventfd registered with the ring, that is whether
// IORING_CQ_EVENTFD_DISABLED is clear (false for a nil or exited ring).
// Linux 5.8.
func CQEventfdEnabled(ring *Ring) bool {
	c, err := ring.get()
	if err != nil {
		return false
	}
	return bool(C.io_uring_cq_eventfd_enabled(c))
}

// CQEventfdToggle wraps io_uring_cq_eventfd_toggle: it turns the eventfd
// notification of completions on or off by flipping
// IORING_CQ_EVENTFD_DISABLED in the CQ ring flags; unix.EOPNOTSUPP when the
// kernel has no CQ ring flags. Linux 5.8.
func CQEventfdToggle(ring *Ring, enabled bool) error {
	c, err := ring.get()
	if err != nil {
		return err
	}
	return errOnly(C.io_uring_cq_eventfd_toggle(c, C.bool(enabled)))
}
