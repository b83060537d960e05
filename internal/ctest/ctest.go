//go:build linux && cgo

// Package ctest is C code for the liburing package's tests: it drives
// rings from C, so the tests can check that C and Go share a struct
// io_uring, its SQEs and its CQEs in both directions (a ring set up in Go
// and used from C, and the other way round). It links the same liburing as
// the liburing package and traffics only in unsafe.Pointer to C memory, so
// it does not import that package.
package ctest

/*
#include <errno.h>
#include <stdlib.h>
#include <liburing.h>

static struct io_uring *ct_init_ring(unsigned entries)
{
	struct io_uring *ring = calloc(1, sizeof(*ring));

	if (ring && io_uring_queue_init(entries, ring, 0) < 0) {
		free(ring);
		ring = NULL;
	}
	return ring;
}

static void ct_exit_ring(struct io_uring *ring)
{
	io_uring_queue_exit(ring);
	free(ring);
}

static int ct_submit_nop(struct io_uring *ring, unsigned long long user_data)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

	if (!sqe)
		return -EBUSY;
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_data64(sqe, user_data);
	return io_uring_submit(ring);
}

static int ct_reap_one(struct io_uring *ring, unsigned long long *user_data)
{
	struct io_uring_cqe *cqe;
	int ret = io_uring_wait_cqe(ring, &cqe);

	if (ret < 0)
		return ret;
	*user_data = cqe->user_data;
	ret = cqe->res;
	io_uring_cqe_seen(ring, cqe);
	return ret;
}

static void ct_prep_nop(struct io_uring_sqe *sqe, unsigned long long user_data)
{
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_data64(sqe, user_data);
}

static unsigned long long ct_cqe_user_data(const struct io_uring_cqe *cqe)
{
	return io_uring_cqe_get_data64(cqe);
}

static struct io_uring_cqe *ct_peek_cqe(struct io_uring *ring)
{
	struct io_uring_cqe *cqe = NULL;

	if (io_uring_peek_cqe(ring, &cqe) < 0)
		return NULL;
	return cqe;
}
*/
import "C"

import "unsafe"

// InitRing sets up a ring of entries SQEs in C (calloc and
// io_uring_queue_init) and returns its struct io_uring *, or nil on failure.
// Release it with ExitRing.
func InitRing(entries uint32) unsafe.Pointer {
	return unsafe.Pointer(C.ct_init_ring(C.uint(entries)))
}

// ExitRing tears down and frees a ring from InitRing.
func ExitRing(ring unsafe.Pointer) {
	C.ct_exit_ring((*C.struct_io_uring)(ring))
}

// SubmitNop gets an SQE in C, preps a NOP with userData and submits it on
// ring (a struct io_uring * from either side). It returns io_uring_submit's
// result, or -EBUSY when the SQ is full.
func SubmitNop(ring unsafe.Pointer, userData uint64) int {
	return int(C.ct_submit_nop((*C.struct_io_uring)(ring), C.ulonglong(userData)))
}

// ReapOne waits in C for the next CQE on ring, marks it seen and returns its
// user_data and res; res is io_uring_wait_cqe's -errno if waiting failed.
func ReapOne(ring unsafe.Pointer) (userData uint64, res int32) {
	var ud C.ulonglong
	res = int32(C.ct_reap_one((*C.struct_io_uring)(ring), &ud))
	return uint64(ud), res
}

// PrepNop preps, in C, a NOP with userData in sqe, a struct io_uring_sqe *
// that Go code obtained.
func PrepNop(sqe unsafe.Pointer, userData uint64) {
	C.ct_prep_nop((*C.struct_io_uring_sqe)(sqe), C.ulonglong(userData))
}

// PeekCQE returns, from C, the next ready CQE of ring without consuming it,
// or nil when none is ready.
func PeekCQE(ring unsafe.Pointer) unsafe.Pointer {
	return unsafe.Pointer(C.ct_peek_cqe((*C.struct_io_uring)(ring)))
}

// CQEUserData reads the user_data of cqe, a struct io_uring_cqe * that Go
// code obtained, in C (io_uring_cqe_get_data64).
func CQEUserData(cqe unsafe.Pointer) uint64 {
	return uint64(C.ct_cqe_user_data((*C.struct_io_uring_cqe)(cqe)))
}

// CQESeen marks cqe consumed from C (io_uring_cqe_seen).
func CQESeen(ring, cqe unsafe.Pointer) {
	C.io_uring_cqe_seen((*C.struct_io_uring)(ring), (*C.struct_io_uring_cqe)(cqe))
}

// RegisterRingFd registers ring's fd with io_uring_register_ring_fd and
// returns its result (1 on success, -errno on failure).
func RegisterRingFd(ring unsafe.Pointer) int {
	return int(C.io_uring_register_ring_fd((*C.struct_io_uring)(ring)))
}

// RegisterEventfd registers fd for completion notifications on ring with
// io_uring_register_eventfd and returns its result (0 or -errno).
func RegisterEventfd(ring unsafe.Pointer, fd int) int {
	return int(C.io_uring_register_eventfd((*C.struct_io_uring)(ring), C.int(fd)))
}
