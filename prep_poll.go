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

// Poll prep helpers. poll masks are POLLIN, POLLOUT and friends (32 bits
// since IORING_FEAT_POLL_32BITS, Linux 5.9); liburing swaps their half-words
// on big-endian machines. A nil sqe is ignored.

// PrepPollAdd wraps io_uring_prep_poll_add: a one-shot poll of fd for
// pollMask; res is the events that fired. IORING_OP_POLL_ADD, Linux 5.1.
func PrepPollAdd(sqe *SQE, fd int, pollMask uint32) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_poll_add(sqe.c(), C.int(fd), C.uint(pollMask))
}

// PrepPollMultishot wraps io_uring_prep_poll_multishot: a poll that stays
// armed and posts a CQE (with IORING_CQE_F_MORE) each time fd becomes ready.
// IORING_OP_POLL_ADD with IORING_POLL_ADD_MULTI, Linux 5.13.
func PrepPollMultishot(sqe *SQE, fd int, pollMask uint32) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_poll_multishot(sqe.c(), C.int(fd), C.uint(pollMask))
}

// PrepPollRemove wraps io_uring_prep_poll_remove: it cancels the poll
// request whose user_data is userData; res is 0, or -ENOENT when no such
// request is armed. IORING_OP_POLL_REMOVE, Linux 5.1.
func PrepPollRemove(sqe *SQE, userData uint64) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_poll_remove(sqe.c(), C.__u64(userData))
}

// PrepPollUpdate wraps io_uring_prep_poll_update: it changes the armed poll
// request oldUserData; flags (IORING_POLL_UPDATE_EVENTS,
// IORING_POLL_UPDATE_USER_DATA, IORING_POLL_ADD_MULTI) say whether to take
// pollMask and newUserData, and only the low 16 bits of the events can
// change. res is 0, or -ENOENT when no such request is armed.
// IORING_OP_POLL_REMOVE with update flags, Linux 5.13.
func PrepPollUpdate(sqe *SQE, oldUserData uint64, newUserData uint64, pollMask uint32, flags uint32) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_poll_update(sqe.c(), C.__u64(oldUserData), C.__u64(newUserData), C.uint(pollMask), C.uint(flags))
}

// PrepEpollCtl wraps io_uring_prep_epoll_ctl: epoll_ctl(epfd, op, fd, ev).
// ev (nil for EPOLL_CTL_DEL) must stay valid until submit.
// IORING_OP_EPOLL_CTL, Linux 5.6.
func PrepEpollCtl(sqe *SQE, epfd int, fd int, op int, ev *unix.EpollEvent) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_epoll_ctl(sqe.c(), C.int(epfd), C.int(fd), C.int(op), (*C.struct_epoll_event)(unsafe.Pointer(ev)))
}
