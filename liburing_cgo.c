// liburing_cgo.c: C entry points of the Go binding that are not inline
// (batched paths that turn one cgo call into many liburing calls).
#include "liburing_cgo.h"

/* Drain up to max CQEs into out[] with io_uring_for_each_cqe, mark them seen
 * with one io_uring_cq_advance, and return how many were copied. */
unsigned lg_copy_cqes(struct io_uring *ring, struct io_uring_cqe *out, unsigned max)
{
	struct io_uring_cqe *cqe;
	unsigned head, n = 0;

	io_uring_for_each_cqe(ring, head, cqe) {
		if (n == max)
			break;
		out[n++] = *cqe;
	}
	io_uring_cq_advance(ring, n);
	return n;
}
