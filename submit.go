//go:build linux && cgo

package liburing

/*
#include "liburing_cgo.h"
*/
import "C"

import "unsafe"

// GetSQE wraps io_uring_get_sqe: the next free SQE of ring's submission
// queue, or nil when the queue is full (submit, then try again) or the ring
// is nil or exited. The SQE lives in the kernel-shared ring. Linux 5.1.
func GetSQE(ring *Ring) *SQE {
	c, err := ring.get()
	if err != nil {
		return nil
	}
	return (*SQE)(unsafe.Pointer(C.io_uring_get_sqe(c)))
}

// Submit wraps io_uring_submit: it hands the prepared SQEs to the kernel and
// returns how many it consumed. Linux 5.1.
func Submit(ring *Ring) (int, error) {
	c, err := ring.get()
	if err != nil {
		return 0, err
	}
	return errno(C.io_uring_submit(c))
}

// SubmitAndWait wraps io_uring_submit_and_wait: as Submit, then waits until
// at least waitNr completions are available. Linux 5.1.
func SubmitAndWait(ring *Ring, waitNr uint32) (int, error) {
	c, err := ring.get()
	if err != nil {
		return 0, err
	}
	return errno(C.io_uring_submit_and_wait(c, C.uint(waitNr)))
}
