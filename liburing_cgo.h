/* liburing_cgo.h: the C side of the Go binding.
 *
 * Include this header (after pointing the compiler at build/liburing/include)
 * to use the same liburing as the Go package. It holds only what cgo cannot
 * call directly: function-like macros of liburing.h become small static
 * inline functions here, and the batched entry points live in liburing_cgo.c.
 */
#ifndef LIBURING_GO_CGO_H
#define LIBURING_GO_CGO_H

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <linux/futex.h>
#include <sched.h>
#include <signal.h>
#include <liburing.h>
#if defined(__has_include) && !__has_include(<liburing/io_uring_version.h>)
#error "liburing-go needs liburing 2.6 or newer; this liburing predates 2.4 (no io_uring_version.h)"
#else
#include <liburing/io_uring_version.h>
#endif

#if !defined(IO_URING_VERSION_MAJOR) || IO_URING_VERSION_MAJOR < 2 || \
	(IO_URING_VERSION_MAJOR == 2 && IO_URING_VERSION_MINOR < 6)
#error "liburing-go needs liburing 2.6 or newer"
#endif

/* io_uring_cqe_shift(ring): 1 on IORING_SETUP_CQE32 rings, else 0. */
static inline unsigned lg_cqe_shift(const struct io_uring *ring)
{
	return io_uring_cqe_shift(ring);
}

/* io_uring_cqe_index(ring, ptr, mask): the CQE array index of ptr. */
static inline unsigned lg_cqe_index(const struct io_uring *ring, unsigned ptr, unsigned mask)
{
	return io_uring_cqe_index(ring, ptr, mask);
}

/* A zeroed struct io_uring in C memory, so that every cgo call that takes
 * the ring passes a C pointer (no cgo pointer checks) and the kernel-shared
 * pointers inside it never live in Go memory. */
static inline struct io_uring *lg_ring_alloc(void)
{
	return calloc(1, sizeof(struct io_uring));
}

/* The hot path (batch.go): Go fills an array of lg_op in C memory, and one
 * cgo call turns it into SQEs with liburing's own prep helpers and submits.
 * An op is five 64-bit words, so that Go records one with five stores; the
 * small fields are packed by value (shifts), not by byte layout, so the
 * packing does not depend on the byte order. */
#define LG_OP_FLAGS_SHIFT 8  /* sqe_flags in lg_op.head */
#define LG_OP_BUF_SHIFT 16   /* buf_index in lg_op.head */
#define LG_OP_FD_SHIFT 32    /* fd in lg_op.head */
#define LG_OP_OPFLAGS_SHIFT 32 /* op_flags in lg_op.len_flags */
struct lg_op {
	__u64 head;      /* opcode | sqe_flags, buf_index, (__u32)fd at the shifts above */
	__u64 addr;      /* buffer, iovec array or timespec */
	__u64 len_flags; /* len (bytes, iovec or timeout count) | op_flags */
	__u64 off;
	__u64 user_data;
};

/* A batch of ops in C memory: n ops to submit; queued is set by
 * lg_submit_batch to how many became SQEs (all, unless the SQ stayed full),
 * and ret to its result. ring is the struct io_uring * to submit to, stored
 * as an integer so that the cgo call passes no pointer that cgo's pointer
 * check has to inspect. lg_submit_batch returns nothing, because a cgo call
 * with a result costs two more calls into the Go runtime (_cgo_topofstack)
 * around the C function. */
struct lg_batch {
	uintptr_t ring;
	unsigned n;
	unsigned queued;
	int ret;
	struct lg_op ops[];
};

void lg_submit_batch(struct lg_batch *b, unsigned wait_nr);

#endif
