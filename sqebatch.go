//go:build linux && cgo

package liburing

/*
#include "liburing_cgo.h"

// lg_py_put_sqes copies n prepared SQEs into ring's SQ, all or none: it
// returns -EINVAL when n exceeds the SQ size, 0 when fewer than n slots are
// free, else the number copied (n, unless io_uring_get_sqe fails part-way).
// On an IORING_SETUP_SQE128 ring the second half of each slot is zeroed.
static inline int lg_py_put_sqes(struct io_uring *ring, const struct io_uring_sqe *src, unsigned n)
{
	unsigned i;

	if (n > ring->sq.ring_entries)
		return -EINVAL;
	if (io_uring_sq_space_left(ring) < n)
		return 0;
	for (i = 0; i < n; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

		if (!sqe)
			break;
		memcpy(sqe, &src[i], sizeof(*sqe));
		if (ring->flags & IORING_SETUP_SQE128)
			memset(sqe + 1, 0, sizeof(*sqe));
	}
	return i;
}
*/
import "C"

import (
	"fmt"
	"math"

	"golang.org/x/sys/unix"
)

// SQEBatchMax is the most SQEs NewSQEBatch makes, Python liburing's limit
// for io_uring_sqe(num).
const SQEBatchMax = 1024

// SQEBatch is an array of SQEs outside any ring (Python liburing's
// io_uring_sqe(num) holder): prepare them with the Prep* helpers on &b[i],
// then copy them into a ring with PutSQE and submit. The kernel only sees
// the copies, so it is plain Go memory, reusable at once; indexing is Go's
// (b[i] for any i < len(b), &b[i] is stable).
type SQEBatch []SQE

// NewSQEBatch returns num zeroed SQEs, 0..SQEBatchMax; other values are
// EINVAL. An empty batch is valid and PutSQE accepts it as a no-op.
func NewSQEBatch(num int) (SQEBatch, error) {
	if num < 0 || num > SQEBatchMax {
		return nil, fmt.Errorf("liburing: SQE batch of %d (want 0..%d): %w", num, SQEBatchMax, unix.EINVAL)
	}
	return make(SQEBatch, num), nil
}

// PutSQE copies prepared SQEs into ring's submission queue in order, each
// into a slot from io_uring_get_sqe (Python liburing's io_uring_put_sqe,
// which is not a C liburing function). It does not submit. It copies all or
// nothing: with fewer than len(sqes) free slots it returns false and copies
// none, so submit and try again; when len(sqes) exceeds the SQ size, so
// that it can never fit, it returns unix.EINVAL. Empty sqes return true. On
// an IORING_SETUP_SQE128 ring the second 64 bytes of each slot are zeroed.
// Linux 5.1.
func PutSQE(ring *Ring, sqes []SQE) (bool, error) {
	c, err := ring.get()
	if err != nil {
		return false, err
	}
	if len(sqes) == 0 {
		return true, nil
	}
	if len(sqes) > math.MaxUint32 {
		return false, unix.EINVAL
	}
	n, err := errno(C.lg_py_put_sqes(c, sqes[0].c(), C.uint(len(sqes))))
	return err == nil && n == len(sqes), err
}
