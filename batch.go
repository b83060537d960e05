//go:build linux && cgo

package liburing

/*
#include "liburing_cgo.h"
*/
import "C"

import (
	"errors"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The hot path. The 1:1 API costs one cgo call per C function, about 50-60
// ns each, so an operation built with GetSQE, a prep helper and SQESetData64
// pays three. A Batch records operations in C memory from Go (plain stores,
// no cgo) and Submit turns the whole batch into SQEs with liburing's own prep
// helpers and submits it in one cgo call. ReapCQEs reads completions straight
// from the mapped CQ ring with the same memory ordering as liburing's inline
// helpers (an acquire load of the tail, a release store of the head), so
// reaping costs no cgo call at all.

// ErrBatchFull is returned when an operation is added to a full Batch.
var ErrBatchFull = errors.New("liburing: batch is full")

// ErrBatchClosed is returned by a Batch after Close.
var ErrBatchClosed = errors.New("liburing: batch is closed")

// Batch is a submission builder in C memory. Add operations with its
// methods, then Submit or SubmitAndWait them on a ring in one cgo call. The
// memory an operation points to (buffers, iovecs, timespecs) must stay valid
// until its completion, exactly as with the prep helpers: C memory or pinned
// Go memory. A Batch is not safe for concurrent use.
type Batch struct {
	c   *C.struct_lg_batch
	ops []C.struct_lg_op
	n   int
}

// NewBatch returns a Batch with room for capacity operations.
func NewBatch(capacity int) (*Batch, error) {
	if capacity <= 0 || capacity > 1<<16 {
		return nil, unix.EINVAL
	}
	size := C.size_t(C.sizeof_struct_lg_batch) + C.size_t(capacity)*C.sizeof_struct_lg_op
	p := (*C.struct_lg_batch)(C.calloc(1, size))
	if p == nil {
		return nil, unix.ENOMEM
	}
	ops := unsafe.Slice((*C.struct_lg_op)(unsafe.Add(unsafe.Pointer(p), C.sizeof_struct_lg_batch)), capacity)
	return &Batch{c: p, ops: ops}, nil
}

// Close releases the batch's C memory. Operations already submitted are not
// affected.
func (b *Batch) Close() error {
	if b == nil || b.c == nil {
		return ErrBatchClosed
	}
	C.free(unsafe.Pointer(b.c))
	b.c, b.ops, b.n = nil, nil, 0
	return nil
}

// Len is the number of operations waiting in the batch.
func (b *Batch) Len() int { return b.n }

// Cap is the number of operations the batch holds.
func (b *Batch) Cap() int { return len(b.ops) }

// Reset drops the operations waiting in the batch.
func (b *Batch) Reset() { b.n = 0 }

// add records one operation; it returns ErrBatchFull or ErrBatchClosed.
func (b *Batch) add(opcode uint8, fd int, addr unsafe.Pointer, length uint32, off uint64, opFlags uint32, userData uint64) error {
	if b.n == len(b.ops) {
		if b.c == nil {
			return ErrBatchClosed
		}
		return ErrBatchFull
	}
	op := &b.ops[b.n]
	op.opcode = C.__u8(opcode)
	op.sqe_flags = 0
	op.buf_index = 0
	op.fd = C.__s32(fd)
	op.addr = C.__u64(uintptr(addr))
	op.len = C.__u32(length)
	op.op_flags = C.__u32(opFlags)
	op.off = C.__u64(off)
	op.user_data = C.__u64(userData)
	b.n++
	return nil
}

// SetFlags sets the IOSQE_* flags of the operation added last (IOSQE_IO_LINK
// to link it to the next one, IOSQE_FIXED_FILE, IOSQE_ASYNC, ...).
func (b *Batch) SetFlags(flags uint8) {
	if b.n > 0 {
		b.ops[b.n-1].sqe_flags = C.__u8(flags)
	}
}

// SetBufIndex sets buf_index (fixed buffers) or, with IOSQE_BUFFER_SELECT
// among its flags, buf_group of the operation added last.
func (b *Batch) SetBufIndex(index uint16) {
	if b.n > 0 {
		b.ops[b.n-1].buf_index = C.__u16(index)
	}
}

// Nop adds io_uring_prep_nop.
func (b *Batch) Nop(userData uint64) error {
	return b.add(IORING_OP_NOP, -1, nil, 0, 0, 0, userData)
}

// Read adds io_uring_prep_read: nbytes from fd at offset into buf.
func (b *Batch) Read(fd int, buf unsafe.Pointer, nbytes uint32, offset uint64, userData uint64) error {
	return b.add(IORING_OP_READ, fd, buf, nbytes, offset, 0, userData)
}

// Write adds io_uring_prep_write: nbytes from buf to fd at offset.
func (b *Batch) Write(fd int, buf unsafe.Pointer, nbytes uint32, offset uint64, userData uint64) error {
	return b.add(IORING_OP_WRITE, fd, buf, nbytes, offset, 0, userData)
}

// Readv adds io_uring_prep_readv2 with the RWF_* flags.
func (b *Batch) Readv(fd int, iovecs *unix.Iovec, nrVecs uint32, offset uint64, flags int, userData uint64) error {
	return b.add(IORING_OP_READV, fd, unsafe.Pointer(iovecs), nrVecs, offset, uint32(flags), userData)
}

// Writev adds io_uring_prep_writev2 with the RWF_* flags.
func (b *Batch) Writev(fd int, iovecs *unix.Iovec, nrVecs uint32, offset uint64, flags int, userData uint64) error {
	return b.add(IORING_OP_WRITEV, fd, unsafe.Pointer(iovecs), nrVecs, offset, uint32(flags), userData)
}

// ReadFixed adds io_uring_prep_read_fixed from registered buffer bufIndex.
func (b *Batch) ReadFixed(fd int, buf unsafe.Pointer, nbytes uint32, offset uint64, bufIndex uint16, userData uint64) error {
	if err := b.add(IORING_OP_READ_FIXED, fd, buf, nbytes, offset, 0, userData); err != nil {
		return err
	}
	b.SetBufIndex(bufIndex)
	return nil
}

// WriteFixed adds io_uring_prep_write_fixed from registered buffer bufIndex.
func (b *Batch) WriteFixed(fd int, buf unsafe.Pointer, nbytes uint32, offset uint64, bufIndex uint16, userData uint64) error {
	if err := b.add(IORING_OP_WRITE_FIXED, fd, buf, nbytes, offset, 0, userData); err != nil {
		return err
	}
	b.SetBufIndex(bufIndex)
	return nil
}

// Fsync adds io_uring_prep_fsync with IORING_FSYNC_* flags.
func (b *Batch) Fsync(fd int, flags uint32, userData uint64) error {
	return b.add(IORING_OP_FSYNC, fd, nil, 0, 0, flags, userData)
}

// Send adds io_uring_prep_send with MSG_* flags.
func (b *Batch) Send(sockfd int, buf unsafe.Pointer, length uint32, flags int, userData uint64) error {
	return b.add(IORING_OP_SEND, sockfd, buf, length, 0, uint32(flags), userData)
}

// Recv adds io_uring_prep_recv with MSG_* flags.
func (b *Batch) Recv(sockfd int, buf unsafe.Pointer, length uint32, flags int, userData uint64) error {
	return b.add(IORING_OP_RECV, sockfd, buf, length, 0, uint32(flags), userData)
}

// CloseFd adds io_uring_prep_close.
func (b *Batch) CloseFd(fd int, userData uint64) error {
	return b.add(IORING_OP_CLOSE, fd, nil, 0, 0, 0, userData)
}

// PollAdd adds io_uring_prep_poll_add with a POLL* mask.
func (b *Batch) PollAdd(fd int, pollMask uint32, userData uint64) error {
	return b.add(IORING_OP_POLL_ADD, fd, nil, 0, 0, pollMask, userData)
}

// Timeout adds io_uring_prep_timeout: ts must stay valid until submit.
func (b *Batch) Timeout(ts *KernelTimespec, count uint32, flags uint32, userData uint64) error {
	return b.add(IORING_OP_TIMEOUT, -1, unsafe.Pointer(ts), count, 0, flags, userData)
}

// Rw adds any read/write-style opcode through io_uring_prep_rw, with opFlags
// as the SQE's op flags.
func (b *Batch) Rw(opcode uint8, fd int, addr unsafe.Pointer, length uint32, offset uint64, opFlags uint32, userData uint64) error {
	return b.add(opcode, fd, addr, length, offset, opFlags, userData)
}

// Submit turns the batch into SQEs and submits them in one cgo call, and
// returns how many SQEs the kernel consumed. See SubmitAndWait.
func (b *Batch) Submit(ring *Ring) (int, error) { return b.SubmitAndWait(ring, 0) }

// SubmitAndWait turns the batch into SQEs with liburing's prep helpers,
// submits them and waits for waitNr completions, all in one cgo call. The
// batch is empty afterwards, except when the SQ stayed full (an SQPOLL ring
// falling behind): then the operations that found no SQE stay in the batch,
// in order, and the error is unix.EBUSY.
func (b *Batch) SubmitAndWait(ring *Ring, waitNr uint32) (int, error) {
	c, err := ring.get()
	if err != nil {
		return 0, err
	}
	if b.c == nil {
		return 0, ErrBatchClosed
	}
	b.c.n = C.uint(b.n)
	b.c.queued = 0
	ret := C.lg_submit_batch(c, b.c, C.uint(waitNr))
	queued := int(b.c.queued)
	if queued < b.n {
		copy(b.ops, b.ops[queued:b.n])
	}
	b.n -= queued
	if ret < 0 {
		return 0, unix.Errno(-ret)
	}
	if b.n > 0 {
		return int(ret), unix.EBUSY
	}
	return int(ret), nil
}

// cqView caches where ring's CQ lives in the mapping, so that reaping reads
// it from Go. It is refreshed whenever the ring's C struct changes.
type cqView struct {
	ring   *C.struct_io_uring
	head   *uint32
	tail   *uint32
	cqes   unsafe.Pointer
	kflags *uint32 // the SQ ring's flags: CQ overflow and task-run hints
	mask   uint32
	shift  uint32
}

func (r *Ring) view() *cqView {
	v := &r.cq
	if v.ring != r.c {
		c := r.c
		v.ring = c
		v.head = (*uint32)(unsafe.Pointer(c.cq.khead))
		v.tail = (*uint32)(unsafe.Pointer(c.cq.ktail))
		v.cqes = unsafe.Pointer(c.cq.cqes)
		v.kflags = (*uint32)(unsafe.Pointer(c.sq.kflags))
		v.mask = uint32(c.cq.ring_mask)
		v.shift = 0
		if uint32(c.flags)&IORING_SETUP_CQE32 != 0 {
			v.shift = 1
		}
	}
	return v
}

// ReapCQEs copies up to len(dst) ready completions into dst, marks them
// seen, and returns how many it copied, without a cgo call: it reads the
// mapped CQ ring with an acquire load of the tail and publishes the new head
// with a release store, as io_uring_peek_batch_cqe and io_uring_cq_advance
// do. On IORING_SETUP_CQE32 rings only the first 16 bytes of each CQE are
// copied. When the CQ is empty but the kernel holds back completions (CQ
// overflow, or task work on IORING_SETUP_TASKRUN_FLAG rings), it asks the
// kernel to flush them with one io_uring_get_events call and looks again.
func (r *Ring) ReapCQEs(dst []CQE) int {
	if r == nil || r.c == nil || len(dst) == 0 {
		return 0
	}
	n := r.reap(dst)
	if n == 0 {
		v := r.view()
		if atomic.LoadUint32(v.kflags)&(IORING_SQ_CQ_OVERFLOW|IORING_SQ_TASKRUN) != 0 {
			C.io_uring_get_events(r.c)
			n = r.reap(dst)
		}
	}
	return n
}

func (r *Ring) reap(dst []CQE) int {
	v := r.view()
	head := atomic.LoadUint32(v.head)
	tail := atomic.LoadUint32(v.tail)
	n := 0
	for head != tail && n < len(dst) {
		dst[n] = *(*CQE)(unsafe.Add(v.cqes, uintptr((head&v.mask)<<v.shift)*unsafe.Sizeof(CQE{})))
		head++
		n++
	}
	if n > 0 {
		atomic.StoreUint32(v.head, head)
	}
	return n
}
