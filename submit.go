//go:build linux && cgo

package liburing

/*
#include "liburing_cgo.h"

// Writes its out-parameter during the call only (see cqe.go).
#cgo noescape io_uring_submit_and_wait_timeout
#cgo nocallback io_uring_submit_and_wait_timeout

// io_uring_enter2 with its sigset_t * slot taken as void *: with
// IORING_ENTER_EXT_ARG it carries a struct io_uring_getevents_arg *, which
// Go must not convert to a (larger) sigset_t pointer.
static inline int lg_core_enter2(unsigned fd, unsigned to_submit, unsigned min_complete,
				 unsigned flags, void *arg, size_t sz)
{
	return io_uring_enter2(fd, to_submit, min_complete, flags, arg, sz);
}
*/
import "C"

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

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
// at least waitNr completions are available. A wait interrupted by the Go
// runtime's signals goes on (the kernel reports the interruption only when
// it submitted nothing). Linux 5.1.
func SubmitAndWait(ring *Ring, waitNr uint32) (int, error) {
	c, err := ring.get()
	if err != nil {
		return 0, err
	}
	return errno(retryEINTR(func() C.int { return C.io_uring_submit_and_wait(c, C.uint(waitNr)) }))
}

// SubmitAndWaitTimeout wraps io_uring_submit_and_wait_timeout: it submits
// the prepared SQEs and waits until waitNr completions are ready, ts passes
// or a signal outside sigmask arrives; it returns the first completion
// (not consumed) and how many SQEs were submitted. ts and sigmask may be nil
// and are read during the call only. When the timeout passes after SQEs were
// submitted, liburing reports the count instead of -ETIME: then cqe is nil,
// submitted holds the count and err is unix.ETIME (unix.EAGAIN without ts),
// so a nil cqe always comes with an error. With a nil sigmask, a wait
// interrupted by the Go runtime's signals goes on for what is left of ts;
// with a sigmask, an interruption is unix.EINTR. Linux 5.11
// (IORING_FEAT_EXT_ARG; older kernels get an internal timeout SQE).
func SubmitAndWaitTimeout(ring *Ring, waitNr uint32, ts *KernelTimespec, sigmask *unix.Sigset_t) (cqe *CQE, submitted int, err error) {
	c, err := ring.get()
	if err != nil {
		return nil, 0, err
	}
	var p *C.struct_io_uring_cqe
	wait := func(ts *KernelTimespec) C.int {
		return C.io_uring_submit_and_wait_timeout(c, &p, C.uint(waitNr), cTimespec(ts), cSigset(sigmask))
	}
	var ret C.int
	if sigmask == nil {
		ret = retryEINTRTimeout(ts, wait)
	} else {
		ret = wait(ts)
	}
	cqe, err = cqeResult(ret, p, ts)
	if ret > 0 {
		submitted = int(ret)
	}
	return cqe, submitted, err
}

// GetEvents wraps io_uring_get_events: it enters the kernel with
// IORING_ENTER_GETEVENTS and nothing to submit, which flushes overflowed
// completions into the CQ ring and runs pending task work. Linux 5.1
// (liburing 2.3).
func GetEvents(ring *Ring) (int, error) {
	c, err := ring.get()
	if err != nil {
		return 0, err
	}
	return errno(C.io_uring_get_events(c))
}

// SubmitAndGetEvents wraps io_uring_submit_and_get_events: as Submit, but
// always enters the kernel with IORING_ENTER_GETEVENTS, so completions and
// overflow are flushed too. It returns how many SQEs were submitted.
// Linux 5.1 (liburing 2.3).
func SubmitAndGetEvents(ring *Ring) (int, error) {
	c, err := ring.get()
	if err != nil {
		return 0, err
	}
	return errno(C.io_uring_submit_and_get_events(c))
}

// Enter wraps io_uring_enter, the raw io_uring_enter(2) system call on ring
// fd (Ring.Fd, or a registered index with IORING_ENTER_REGISTERED_RING): it
// submits toSubmit SQEs already published in the SQ ring, waits for
// minComplete completions with IORING_ENTER_GETEVENTS, and returns how many
// SQEs were consumed. sig (may be nil) is the signal mask during the wait,
// read during the call only. Linux 5.1.
func Enter(fd uint32, toSubmit, minComplete, flags uint32, sig *unix.Sigset_t) (int, error) {
	return errno(C.io_uring_enter(C.uint(fd), C.uint(toSubmit), C.uint(minComplete), C.uint(flags), cSigset(sig)))
}

// Enter2 wraps io_uring_enter2: Enter with the size of the last argument.
// C declares arg as sigset_t *: without IORING_ENTER_EXT_ARG it is a signal
// mask of sz bytes (8 on Linux, _NSIG/8); with IORING_ENTER_EXT_ARG
// (Linux 5.11) it is a *GeteventsArg and sz is its size (24), whose Sigmask
// and Ts fields hold the addresses of a signal mask and a KernelTimespec.
// The kernel reads arg and what it points to during the call only; memory
// named by address in a GeteventsArg must be C memory or pinned Go memory
// (runtime.Pinner). Linux 5.1.
func Enter2(fd, toSubmit, minComplete, flags uint32, arg unsafe.Pointer, sz uint64) (int, error) {
	return errno(C.lg_core_enter2(C.uint(fd), C.uint(toSubmit), C.uint(minComplete), C.uint(flags), arg, C.size_t(sz)))
}
