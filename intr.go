//go:build linux && cgo

package liburing

/*
#include "liburing_cgo.h"
*/
import "C"

import (
	"math"
	"time"
)

// The Go runtime interrupts threads with its own signals (SIGURG for
// goroutine preemption, sent with tgkill). When one lands while a thread
// waits in io_uring_enter, the kernel ends the wait and liburing returns
// -EINTR, as it would to a C program whose signal handler ran. A Go program
// has no handler of its own behind such an EINTR, so the waiting wrappers
// go on waiting instead of failing at random; only the calls given a signal
// mask (WaitCQEs, SubmitAndWaitTimeout), where a signal is meant to end the
// wait, and the raw Enter and Enter2 return it.
//
// Not every interruption is an EINTR. The kernel reports success when the
// wait ends with the CQ not empty, and io_uring_enter returns the submit
// count once it submitted. So a wait for several completions that a signal
// ends while some are ready returns early, as it does in C. The wrappers
// cannot tell that from a timeout request waking the waiters, so they
// return it as it is, and their docs say so.

// retryEINTR runs wait until it returns anything but -EINTR.
func retryEINTR(wait func() C.int) C.int {
	for {
		if ret := wait(); ret != -C.EINTR {
			return ret
		}
	}
}

// retryEINTRTimeout is retryEINTR for a wait with the relative timeout ts
// (nil: none): each retry waits for what is left of ts, and once nothing is
// left the result is -ETIME, as for a timeout that passed.
func retryEINTRTimeout(ts *KernelTimespec, wait func(ts *KernelTimespec) C.int) C.int {
	if ts == nil || ts.Sec < 0 || ts.Nsec < 0 || ts.Sec >= math.MaxInt64/int64(time.Second)-1 {
		return retryEINTR(func() C.int { return wait(ts) })
	}
	deadline := time.Now().Add(time.Duration(ts.Sec)*time.Second + time.Duration(ts.Nsec))
	cur := ts
	for {
		ret := wait(cur)
		if ret != -C.EINTR {
			return ret
		}
		left := time.Until(deadline)
		if left <= 0 {
			return -C.ETIME
		}
		cur = &KernelTimespec{Sec: int64(left / time.Second), Nsec: int64(left % time.Second)}
	}
}
