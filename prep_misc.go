//go:build linux && cgo

package liburing

/*
#include "liburing_cgo.h"

// io_uring_prep_madvise takes its length as off_t in liburing 2.6 and as
// __u32 from 2.7 on; this is the type of the linked header, so one Go
// conversion compiles against both.
#if IO_URING_VERSION_MAJOR == 2 && IO_URING_VERSION_MINOR < 7
typedef off_t lg_misc_madvise_len_t;
#else
typedef __u32 lg_misc_madvise_len_t;
#endif
*/
import "C"

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// PrepNop wraps io_uring_prep_nop: an operation that does nothing and
// completes with res 0. IORING_OP_NOP, Linux 5.1.
func PrepNop(sqe *SQE) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_nop(sqe.c())
}

// PrepRw wraps io_uring_prep_rw: the generic filler every prep helper builds
// on. It sets the opcode (truncated to 8 bits), fd, addr, len and off of sqe
// and leaves the other fields alone. Whether and how long the kernel uses
// addr depends on op; for a read or write buffer it must stay valid until
// completion. An opcode the kernel does not know completes with -EINVAL.
// Linux 5.1.
func PrepRw(op int, sqe *SQE, fd int, addr unsafe.Pointer, len uint32, offset uint64) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_rw(C.int(op), sqe.c(), C.int(fd), addr, C.uint(len), C.__u64(offset))
}

// PrepCancel wraps io_uring_prep_cancel: cancel the request whose user_data
// equals the pointer userData, as set with SQESetData. The pointer is only
// compared, never dereferenced; it must be a C pointer (see SQESetData; Go
// code uses PrepCancel64 with a cgo.Handle or another number). flags are
// IORING_ASYNC_CANCEL_*. The CQE's res is 0 (or, with
// IORING_ASYNC_CANCEL_ALL, the count) when a request was cancelled, -ENOENT
// when none matched and -EALREADY when it was already running.
// IORING_OP_ASYNC_CANCEL, Linux 5.5.
func PrepCancel(sqe *SQE, userData unsafe.Pointer, flags int) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_cancel(sqe.c(), userData, C.int(flags))
}

// PrepCancel64 wraps io_uring_prep_cancel64: cancel the request whose
// user_data equals userData; results as for PrepCancel.
// IORING_OP_ASYNC_CANCEL, Linux 5.5.
func PrepCancel64(sqe *SQE, userData uint64, flags int) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_cancel64(sqe.c(), C.__u64(userData), C.int(flags))
}

// PrepCancelFd wraps io_uring_prep_cancel_fd: cancel requests on file
// descriptor fd (IORING_ASYNC_CANCEL_FD is added to flags; add
// IORING_ASYNC_CANCEL_FD_FIXED for a registered file index and
// IORING_ASYNC_CANCEL_ALL for all of them). IORING_OP_ASYNC_CANCEL with
// IORING_ASYNC_CANCEL_FD, Linux 5.19.
func PrepCancelFd(sqe *SQE, fd int, flags uint32) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_cancel_fd(sqe.c(), C.int(fd), C.uint(flags))
}

// PrepFilesUpdate wraps io_uring_prep_files_update: replace nrFds entries of
// the ring's registered file table, starting at index offset, with the file
// descriptors of the int32 array fds (-1 clears a slot). The CQE's res is the
// number of entries updated; a ring without a registered table gives
// -ENXIO. fds must stay valid until completion. IORING_OP_FILES_UPDATE,
// Linux 5.6.
func PrepFilesUpdate(sqe *SQE, fds *int32, nrFds uint32, offset int) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_files_update(sqe.c(), (*C.int)(unsafe.Pointer(fds)), C.uint(nrFds), C.int(offset))
}

// PrepFutexWait wraps io_uring_prep_futex_wait: wait on the 32-bit futex
// word at futex while it holds val, with bitset mask (FUTEX_BITSET_MATCH_ANY
// matches every waker) and futex2 flags futexFlags (FUTEX2_SIZE_U32,
// FUTEX2_PRIVATE). flags is reserved (0). The CQE's res is 0 once woken, or
// -EAGAIN when the word did not hold val. futex must stay valid until
// completion. IORING_OP_FUTEX_WAIT, Linux 6.7.
func PrepFutexWait(sqe *SQE, futex *uint32, val uint64, mask uint64, futexFlags uint32, flags uint32) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_futex_wait(sqe.c(), (*C.uint32_t)(unsafe.Pointer(futex)), C.uint64_t(val),
		C.uint64_t(mask), C.uint32_t(futexFlags), C.uint(flags))
}

// PrepFutexWake wraps io_uring_prep_futex_wake: wake up to val waiters on
// the futex word at futex whose bitset shares a bit with mask; futexFlags
// are futex2 flags and flags is reserved (0). The CQE's res is the number
// woken. futex must stay valid until completion. IORING_OP_FUTEX_WAKE,
// Linux 6.7.
func PrepFutexWake(sqe *SQE, futex *uint32, val uint64, mask uint64, futexFlags uint32, flags uint32) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_futex_wake(sqe.c(), (*C.uint32_t)(unsafe.Pointer(futex)), C.uint64_t(val),
		C.uint64_t(mask), C.uint32_t(futexFlags), C.uint(flags))
}

// PrepFutexWaitv wraps io_uring_prep_futex_waitv: wait on the nrFutex futexes
// of the array futex (each with its own value and futex2 flags); flags is
// reserved (0). The CQE's res is the index of the futex that woke it. The
// array and the futex words must stay valid until completion.
// IORING_OP_FUTEX_WAITV, Linux 6.7.
func PrepFutexWaitv(sqe *SQE, futex *FutexWaitv, nrFutex uint32, flags uint32) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_futex_waitv(sqe.c(), (*C.struct_futex_waitv)(unsafe.Pointer(futex)), C.uint32_t(nrFutex), C.uint(flags))
}

// PrepMadvise wraps io_uring_prep_madvise: madvise(addr, length, advice)
// (unix.MADV_*). The SQE holds the length in its 32-bit len field, so only
// the low 32 bits of length count (liburing 2.6 truncates it, 2.7 and later
// take a __u32). addr must stay valid until completion.
// IORING_OP_MADVISE, Linux 5.6.
func PrepMadvise(sqe *SQE, addr unsafe.Pointer, length int64, advice int) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_madvise(sqe.c(), addr, C.lg_misc_madvise_len_t(length), C.int(advice))
}

// PrepMsgRing wraps io_uring_prep_msg_ring: post a CQE on the ring with file
// descriptor fd, whose res is len and whose user_data is data. flags are
// reserved (0; IORING_MSG_RING_CQE_SKIP only applies to PrepMsgRingFd). The
// sender's CQE has res 0, or -EBADFD when fd is not an io_uring.
// IORING_OP_MSG_RING, Linux 5.18.
func PrepMsgRing(sqe *SQE, fd int, len uint32, data uint64, flags uint32) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_msg_ring(sqe.c(), C.int(fd), C.uint(len), C.__u64(data), C.uint(flags))
}

// PrepMsgRingCQEFlags wraps io_uring_prep_msg_ring_cqe_flags: as PrepMsgRing,
// and the target CQE's flags are cqeFlags (IORING_MSG_RING_FLAGS_PASS is
// added to flags). IORING_OP_MSG_RING, Linux 6.3.
func PrepMsgRingCQEFlags(sqe *SQE, fd int, len uint32, data uint64, flags uint32, cqeFlags uint32) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_msg_ring_cqe_flags(sqe.c(), C.int(fd), C.uint(len), C.__u64(data), C.uint(flags), C.uint(cqeFlags))
}

// PrepMsgRingFd wraps io_uring_prep_msg_ring_fd: install the sender's
// registered file sourceFd (an index into its file table) into slot
// targetFd of the registered file table of the ring with file descriptor fd
// (IORING_FILE_INDEX_ALLOC picks a free slot), and post a CQE there with
// user_data data (none with flags IORING_MSG_RING_CQE_SKIP). The target
// needs a registered file table (-ENXIO without one; -ENFILE when
// allocating). IORING_OP_MSG_RING with IORING_MSG_SEND_FD, Linux 6.0.
func PrepMsgRingFd(sqe *SQE, fd int, sourceFd int, targetFd int, data uint64, flags uint32) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_msg_ring_fd(sqe.c(), C.int(fd), C.int(sourceFd), C.int(targetFd), C.__u64(data), C.uint(flags))
}

// PrepMsgRingFdAlloc wraps io_uring_prep_msg_ring_fd_alloc: PrepMsgRingFd
// into a free slot of the target's file table; the target CQE's res is the
// slot. IORING_OP_MSG_RING with IORING_MSG_SEND_FD, Linux 6.0.
func PrepMsgRingFdAlloc(sqe *SQE, fd int, sourceFd int, data uint64, flags uint32) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_msg_ring_fd_alloc(sqe.c(), C.int(fd), C.int(sourceFd), C.__u64(data), C.uint(flags))
}

// PrepProvideBuffers wraps io_uring_prep_provide_buffers: hand the kernel nr
// buffers of len bytes each, laid out back to back from addr, as buffer
// group bgid with ids bid, bid+1, ... A request with IOSQE_BUFFER_SELECT and
// SQE.BufIndex = bgid then picks one; its id comes back in
// cqe.Flags >> IORING_CQE_BUFFER_SHIFT. The memory must stay valid until
// every buffer has been consumed or removed (use C memory).
// IORING_OP_PROVIDE_BUFFERS, Linux 5.7.
func PrepProvideBuffers(sqe *SQE, addr unsafe.Pointer, len int, nr int, bgid int, bid int) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_provide_buffers(sqe.c(), addr, C.int(len), C.int(nr), C.int(bgid), C.int(bid))
}

// PrepRemoveBuffers wraps io_uring_prep_remove_buffers: take up to nr unused
// buffers of group bgid back from the kernel. The CQE's res is the number
// removed, or -ENOENT for an unknown group. IORING_OP_REMOVE_BUFFERS,
// Linux 5.7.
func PrepRemoveBuffers(sqe *SQE, nr int, bgid int) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_remove_buffers(sqe.c(), C.int(nr), C.int(bgid))
}

// PrepWaitid wraps io_uring_prep_waitid: waitid(idtype, id, infop, options)
// (unix.P_*, unix.W*); flags is reserved (0). The CQE's res is 0 and infop
// describes the child, or -ECHILD when there is no such child. infop must
// stay valid until completion. IORING_OP_WAITID, Linux 6.7.
func PrepWaitid(sqe *SQE, idtype int, id uint32, infop *unix.Siginfo, options int, flags uint32) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_waitid(sqe.c(), C.idtype_t(idtype), C.id_t(id), (*C.siginfo_t)(unsafe.Pointer(infop)), C.int(options), C.uint(flags))
}
