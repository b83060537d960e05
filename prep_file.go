//go:build linux && cgo

package liburing

/*
#include "liburing_cgo.h"
*/
import "C"

import "unsafe"

// Pointer lifetimes, for every prep helper: "until submit" means the kernel
// reads the memory when it consumes the SQE (Submit*), "until completion"
// means it may read or write it until the operation's CQE arrives. Such
// memory is C memory (AllocBuffer, CString, Iovec) or Go memory pinned with
// runtime.Pinner for that long. A nil sqe is ignored.

// PrepRead wraps io_uring_prep_read: read nbytes from fd at offset (-1 for the
// current position) into buf. buf must stay valid until completion.
// IORING_OP_READ, Linux 5.6.
func PrepRead(sqe *SQE, fd int, buf unsafe.Pointer, nbytes uint32, offset uint64) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_read(sqe.c(), C.int(fd), buf, C.uint(nbytes), C.__u64(offset))
}

// PrepWrite wraps io_uring_prep_write: write nbytes from buf to fd at offset
// (-1 for the current position). buf must stay valid until completion.
// IORING_OP_WRITE, Linux 5.6.
func PrepWrite(sqe *SQE, fd int, buf unsafe.Pointer, nbytes uint32, offset uint64) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_write(sqe.c(), C.int(fd), buf, C.uint(nbytes), C.__u64(offset))
}

// PrepOpenat wraps io_uring_prep_openat: openat(dfd, path, flags, mode); the
// CQE's res is the new fd. path is a NUL-terminated string that must stay
// valid until submit. IORING_OP_OPENAT, Linux 5.6.
func PrepOpenat(sqe *SQE, dfd int, path *byte, flags int, mode uint32) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_openat(sqe.c(), C.int(dfd), (*C.char)(unsafe.Pointer(path)), C.int(flags), C.mode_t(mode))
}

// PrepClose wraps io_uring_prep_close: close(fd). IORING_OP_CLOSE, Linux 5.6.
func PrepClose(sqe *SQE, fd int) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_close(sqe.c(), C.int(fd))
}
