// liburing_cgo.c: C entry points of the Go binding that are not inline
// (batched paths that turn one cgo call into many liburing calls).
#include "liburing_cgo.h"

/* Prepare one SQE from op with liburing's prep helper for its opcode; other
 * opcodes go through liburing's generic io_uring_prep_rw, with op_flags as
 * the SQE's op flags (the kernel answers -EINVAL for what it does not know). */
static inline void lg_prep_op(struct io_uring_sqe *sqe, const struct lg_op *op)
{
	__u64 head = op->head;
	__u8 opcode = (__u8)head, sqe_flags = (__u8)(head >> LG_OP_FLAGS_SHIFT);
	__u16 buf_index = (__u16)(head >> LG_OP_BUF_SHIFT);
	int fd = (int)(__u32)(head >> LG_OP_FD_SHIFT);
	unsigned len = (__u32)op->len_flags, op_flags = (__u32)(op->len_flags >> LG_OP_OPFLAGS_SHIFT);
	void *addr = (void *)(uintptr_t)op->addr;

	switch (opcode) {
	case IORING_OP_NOP:
		io_uring_prep_nop(sqe);
		break;
	case IORING_OP_READ:
		io_uring_prep_read(sqe, fd, addr, len, op->off);
		break;
	case IORING_OP_WRITE:
		io_uring_prep_write(sqe, fd, addr, len, op->off);
		break;
	case IORING_OP_READV:
		io_uring_prep_readv2(sqe, fd, addr, len, op->off, (int)op_flags);
		break;
	case IORING_OP_WRITEV:
		io_uring_prep_writev2(sqe, fd, addr, len, op->off, (int)op_flags);
		break;
	case IORING_OP_READ_FIXED:
		io_uring_prep_read_fixed(sqe, fd, addr, len, op->off, buf_index);
		break;
	case IORING_OP_WRITE_FIXED:
		io_uring_prep_write_fixed(sqe, fd, addr, len, op->off, buf_index);
		break;
	case IORING_OP_FSYNC:
		io_uring_prep_fsync(sqe, fd, op_flags);
		break;
	case IORING_OP_SEND:
		io_uring_prep_send(sqe, fd, addr, len, (int)op_flags);
		break;
	case IORING_OP_RECV:
		io_uring_prep_recv(sqe, fd, addr, len, (int)op_flags);
		break;
	case IORING_OP_CLOSE:
		io_uring_prep_close(sqe, fd);
		break;
	case IORING_OP_POLL_ADD:
		io_uring_prep_poll_add(sqe, fd, op_flags);
		break;
	case IORING_OP_TIMEOUT:
		io_uring_prep_timeout(sqe, addr, len, op_flags);
		break;
	default:
		io_uring_prep_rw(opcode, sqe, fd, addr, len, op->off);
		sqe->rw_flags = op_flags;
		break;
	}
	if (sqe_flags) {
		if (sqe_flags & IOSQE_BUFFER_SELECT)
			sqe->buf_group = buf_index;
		io_uring_sqe_set_flags(sqe, sqe_flags);
	}
	io_uring_sqe_set_data64(sqe, op->user_data);
}

/* Turn b->ops[0..n) into SQEs and submit them to b->ring, waiting for wait_nr
 * completions. When the SQ fills up midway, what is queued is submitted
 * first. b->queued tells how many ops became SQEs: fewer than n only when the
 * SQ stayed full (an SQPOLL thread behind), and then the call does not wait.
 * b->ret is the number of SQEs the kernel consumed, or -errno. */
void lg_submit_batch(struct lg_batch *b, unsigned wait_nr)
{
	struct io_uring *ring = (struct io_uring *)b->ring;
	int submitted = 0, ret;
	unsigned i, n = b->n;

	for (i = 0; i < n; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

		if (!sqe) {
			ret = io_uring_submit(ring);
			if (ret < 0) {
				b->queued = i;
				b->ret = ret;
				return;
			}
			submitted += ret;
			sqe = io_uring_get_sqe(ring);
			if (!sqe)
				break;
		}
		lg_prep_op(sqe, &b->ops[i]);
	}
	b->queued = i;
	ret = i == n ? io_uring_submit_and_wait(ring, wait_nr) : io_uring_submit(ring);
	b->ret = ret < 0 ? ret : submitted + ret;
}
