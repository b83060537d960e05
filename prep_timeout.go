//go:build linux && cgo

package liburing

/*
#include "liburing_cgo.h"
*/
import "C"

import "unsafe"

// prepTimeoutTS returns ts as the C type; nil stays nil.
func prepTimeoutTS(ts *KernelTimespec) *C.struct___kernel_timespec {
	return (*C.struct___kernel_timespec)(unsafe.Pointer(ts))
}

// PrepTimeout wraps io_uring_prep_timeout: a timeout that completes with
// -ETIME after ts (an absolute time with IORING_TIMEOUT_ABS), or with res 0
// once count other requests have completed (count 0: only the time counts).
// flags are IORING_TIMEOUT_* (clock, ABS, ETIME_SUCCESS, MULTISHOT). ts must
// stay valid until submit. IORING_OP_TIMEOUT, Linux 5.4.
func PrepTimeout(sqe *SQE, ts *KernelTimespec, count uint32, flags uint32) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_timeout(sqe.c(), prepTimeoutTS(ts), C.uint(count), C.uint(flags))
}

// PrepTimeoutRemove wraps io_uring_prep_timeout_remove: cancel the timeout
// whose user_data is userData. Its CQE's res is 0, and the timeout completes
// with -ECANCELED; -ENOENT when no such timeout is pending, -EALREADY when it
// is already firing. IORING_OP_TIMEOUT_REMOVE, Linux 5.5.
func PrepTimeoutRemove(sqe *SQE, userData uint64, flags uint32) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_timeout_remove(sqe.c(), C.__u64(userData), C.uint(flags))
}

// PrepTimeoutUpdate wraps io_uring_prep_timeout_update: give the pending
// timeout whose user_data is userData the new expiry ts (IORING_TIMEOUT_UPDATE
// is added to flags; add IORING_LINK_TIMEOUT_UPDATE for a linked timeout).
// Results as for PrepTimeoutRemove, except that the timeout stays pending.
// ts must stay valid until submit. IORING_OP_TIMEOUT_REMOVE with
// IORING_TIMEOUT_UPDATE, Linux 5.11.
func PrepTimeoutUpdate(sqe *SQE, ts *KernelTimespec, userData uint64, flags uint32) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_timeout_update(sqe.c(), prepTimeoutTS(ts), C.__u64(userData), C.uint(flags))
}

// PrepLinkTimeout wraps io_uring_prep_link_timeout: a timeout for the
// request before it in a link chain (that one has IOSQE_IO_LINK). If the
// request does not complete within ts it is cancelled (-ECANCELED) and this
// SQE completes with -ETIME; otherwise this one completes with -ECANCELED.
// ts must stay valid until submit. IORING_OP_LINK_TIMEOUT, Linux 5.5.
func PrepLinkTimeout(sqe *SQE, ts *KernelTimespec, flags uint32) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_link_timeout(sqe.c(), prepTimeoutTS(ts), C.uint(flags))
}
