//go:build linux && cgo

// Package ctwin holds the C twins of the benchmarks: the same workloads
// written in C against the same liburing that package liburing links, each
// run entirely inside one cgo call so that Go adds nothing per operation.
package ctwin

/*
#cgo CFLAGS: -O2 -D_GNU_SOURCE -I${SRCDIR}/../../build/liburing/include
#cgo LDFLAGS: ${SRCDIR}/../../build/liburing/lib/liburing.a
#include <liburing.h>

// Submit batch NOPs, wait for them, reap them with io_uring_for_each_cqe and
// io_uring_cq_advance; iters times. Returns 0 or -errno.
static int lgb_nop(struct io_uring *ring, unsigned batch, long iters)
{
	for (long it = 0; it < iters; it++) {
		for (unsigned i = 0; i < batch; i++) {
			struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
			io_uring_prep_nop(sqe);
			io_uring_sqe_set_data64(sqe, i);
		}
		int ret = io_uring_submit_and_wait(ring, batch);
		if (ret < 0)
			return ret;
		unsigned seen = 0;
		while (seen < batch) {
			struct io_uring_cqe *cqe;
			unsigned head, n = 0;
			io_uring_for_each_cqe(ring, head, cqe) {
				if (cqe->res < 0)
					return cqe->res;
				n++;
			}
			io_uring_cq_advance(ring, n);
			seen += n;
			if (seen < batch && (ret = io_uring_wait_cqe_nr(ring, &cqe, batch - seen)) < 0)
				return ret;
		}
	}
	return 0;
}

// qd reads of 4 KiB at offsets[] (cycled) into bufs (qd * 4096 bytes); iters
// rounds. Returns 0 or -errno.
static int lgb_read(struct io_uring *ring, int fd, char *bufs, unsigned qd,
		    const unsigned long long *offsets, unsigned noffsets, long iters)
{
	unsigned next = 0;
	for (long it = 0; it < iters; it++) {
		for (unsigned i = 0; i < qd; i++) {
			struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
			io_uring_prep_read(sqe, fd, bufs + (size_t)i * 4096, 4096, offsets[next]);
			io_uring_sqe_set_data64(sqe, i);
			next = (next + 1) % noffsets;
		}
		int ret = io_uring_submit_and_wait(ring, qd);
		if (ret < 0)
			return ret;
		unsigned seen = 0;
		while (seen < qd) {
			struct io_uring_cqe *cqe;
			unsigned head, n = 0;
			io_uring_for_each_cqe(ring, head, cqe) {
				if (cqe->res != 4096)
					return cqe->res < 0 ? cqe->res : -5;
				n++;
			}
			io_uring_cq_advance(ring, n);
			seen += n;
			if (seen < qd && (ret = io_uring_wait_cqe_nr(ring, &cqe, qd - seen)) < 0)
				return ret;
		}
	}
	return 0;
}
*/
import "C"

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

func errno(ret C.int) error {
	if ret < 0 {
		return unix.Errno(-ret)
	}
	return nil
}

// Nop runs iters rounds of batch NOPs on ring (a struct io_uring *).
func Nop(ring unsafe.Pointer, batch int, iters int) error {
	return errno(C.lgb_nop((*C.struct_io_uring)(ring), C.uint(batch), C.long(iters)))
}

// Read runs iters rounds of qd 4 KiB reads of fd at offsets (C memory,
// cycled) into bufs (C memory, qd*4096 bytes).
func Read(ring unsafe.Pointer, fd int, bufs unsafe.Pointer, qd int, offsets unsafe.Pointer, noffsets int, iters int) error {
	return errno(C.lgb_read((*C.struct_io_uring)(ring), C.int(fd), (*C.char)(bufs), C.uint(qd),
		(*C.ulonglong)(offsets), C.uint(noffsets), C.long(iters)))
}
