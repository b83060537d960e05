//go:build linux && cgo

package liburing

/*
#include "liburing_cgo.h"
*/
import "C"

import (
	"errors"
	"runtime"
	"sync/atomic"
	"time"
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
	ops []batchOp // the C array b.c.ops
	n   int

	calls       uint32        // submissions, to look at the clock every yieldEvery
	lastYield   time.Time     // when this batch last yielded its P (see yieldP)
	yieldPeriod time.Duration // 0: never yield
}

// batchOp is struct lg_op as Go writes it: five 64-bit words, so that adding
// an operation costs five stores. The small fields are packed by value into
// head and lenFlags (see liburing_cgo.h), which C unpacks with shifts.
type batchOp struct {
	head     uint64 // opcode | sqe_flags<<8 | buf_index<<16 | uint32(fd)<<32
	addr     uint64
	lenFlags uint64 // len | op_flags<<32
	off      uint64
	userData uint64
}

// The packing of batchOp, from liburing_cgo.h (zlayout.go asserts the
// layout itself).
const (
	opFlagsShift  = C.LG_OP_FLAGS_SHIFT
	opBufShift    = C.LG_OP_BUF_SHIFT
	opFdShift     = C.LG_OP_FD_SHIFT
	opLenFlagsTop = C.LG_OP_OPFLAGS_SHIFT
	opFlagsMask   = 0xff << opFlagsShift
	opBufMask     = 0xffff << opBufShift
)

// opHead packs an operation's opcode and fd (as C's int, two's complement).
func opHead(opcode uint8, fd int) uint64 {
	return uint64(opcode) | uint64(uint32(int32(fd)))<<opFdShift
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
	ops := unsafe.Slice((*batchOp)(unsafe.Add(unsafe.Pointer(p), C.sizeof_struct_lg_batch)), capacity)
	return &Batch{c: p, ops: ops, yieldPeriod: DefaultYieldPeriod}, nil
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

// add records one operation; it returns ErrBatchFull or ErrBatchClosed. It
// is small enough to inline into every adding method and their callers.
func (b *Batch) add(head uint64, addr unsafe.Pointer, length, opFlags uint32, off, userData uint64) error {
	n := b.n
	if uint(n) >= uint(len(b.ops)) {
		return b.full()
	}
	b.ops[n] = batchOp{head, uint64(uintptr(addr)), uint64(length) | uint64(opFlags)<<opLenFlagsTop, off, userData}
	b.n = n + 1
	return nil
}

func (b *Batch) full() error {
	if b.c == nil {
		return ErrBatchClosed
	}
	return ErrBatchFull
}

// SetFlags sets the IOSQE_* flags of the operation added last (IOSQE_IO_LINK
// to link it to the next one, IOSQE_FIXED_FILE, IOSQE_ASYNC, ...).
func (b *Batch) SetFlags(flags uint8) {
	if b.n > 0 {
		op := &b.ops[b.n-1]
		op.head = op.head&^opFlagsMask | uint64(flags)<<opFlagsShift
	}
}

// SetBufIndex sets buf_index (fixed buffers) or, with IOSQE_BUFFER_SELECT
// among its flags, buf_group of the operation added last.
func (b *Batch) SetBufIndex(index uint16) {
	if b.n > 0 {
		op := &b.ops[b.n-1]
		op.head = op.head&^opBufMask | uint64(index)<<opBufShift
	}
}

// Nop adds io_uring_prep_nop.
func (b *Batch) Nop(userData uint64) error {
	return b.add(opHead(IORING_OP_NOP, -1), nil, 0, 0, 0, userData)
}

// Read adds io_uring_prep_read: nbytes from fd at offset into buf.
func (b *Batch) Read(fd int, buf unsafe.Pointer, nbytes uint32, offset uint64, userData uint64) error {
	return b.add(opHead(IORING_OP_READ, fd), buf, nbytes, 0, offset, userData)
}

// Write adds io_uring_prep_write: nbytes from buf to fd at offset.
func (b *Batch) Write(fd int, buf unsafe.Pointer, nbytes uint32, offset uint64, userData uint64) error {
	return b.add(opHead(IORING_OP_WRITE, fd), buf, nbytes, 0, offset, userData)
}

// Readv adds io_uring_prep_readv2 with the RWF_* flags.
func (b *Batch) Readv(fd int, iovecs *unix.Iovec, nrVecs uint32, offset uint64, flags int, userData uint64) error {
	return b.add(opHead(IORING_OP_READV, fd), unsafe.Pointer(iovecs), nrVecs, uint32(flags), offset, userData)
}

// Writev adds io_uring_prep_writev2 with the RWF_* flags.
func (b *Batch) Writev(fd int, iovecs *unix.Iovec, nrVecs uint32, offset uint64, flags int, userData uint64) error {
	return b.add(opHead(IORING_OP_WRITEV, fd), unsafe.Pointer(iovecs), nrVecs, uint32(flags), offset, userData)
}

// ReadFixed adds io_uring_prep_read_fixed from registered buffer bufIndex.
func (b *Batch) ReadFixed(fd int, buf unsafe.Pointer, nbytes uint32, offset uint64, bufIndex uint16, userData uint64) error {
	return b.add(opHead(IORING_OP_READ_FIXED, fd)|uint64(bufIndex)<<opBufShift, buf, nbytes, 0, offset, userData)
}

// WriteFixed adds io_uring_prep_write_fixed from registered buffer bufIndex.
func (b *Batch) WriteFixed(fd int, buf unsafe.Pointer, nbytes uint32, offset uint64, bufIndex uint16, userData uint64) error {
	return b.add(opHead(IORING_OP_WRITE_FIXED, fd)|uint64(bufIndex)<<opBufShift, buf, nbytes, 0, offset, userData)
}

// Fsync adds io_uring_prep_fsync with IORING_FSYNC_* flags.
func (b *Batch) Fsync(fd int, flags uint32, userData uint64) error {
	return b.add(opHead(IORING_OP_FSYNC, fd), nil, 0, flags, 0, userData)
}

// Send adds io_uring_prep_send with MSG_* flags.
func (b *Batch) Send(sockfd int, buf unsafe.Pointer, length uint32, flags int, userData uint64) error {
	return b.add(opHead(IORING_OP_SEND, sockfd), buf, length, uint32(flags), 0, userData)
}

// Recv adds io_uring_prep_recv with MSG_* flags.
func (b *Batch) Recv(sockfd int, buf unsafe.Pointer, length uint32, flags int, userData uint64) error {
	return b.add(opHead(IORING_OP_RECV, sockfd), buf, length, uint32(flags), 0, userData)
}

// CloseFd adds io_uring_prep_close.
func (b *Batch) CloseFd(fd int, userData uint64) error {
	return b.add(opHead(IORING_OP_CLOSE, fd), nil, 0, 0, 0, userData)
}

// PollAdd adds io_uring_prep_poll_add with a POLL* mask.
func (b *Batch) PollAdd(fd int, pollMask uint32, userData uint64) error {
	return b.add(opHead(IORING_OP_POLL_ADD, fd), nil, 0, pollMask, 0, userData)
}

// Timeout adds io_uring_prep_timeout: ts must stay valid until submit.
func (b *Batch) Timeout(ts *KernelTimespec, count uint32, flags uint32, userData uint64) error {
	return b.add(opHead(IORING_OP_TIMEOUT, -1), unsafe.Pointer(ts), count, flags, 0, userData)
}

// Rw adds any read/write-style opcode through io_uring_prep_rw, with opFlags
// as the SQE's op flags.
func (b *Batch) Rw(opcode uint8, fd int, addr unsafe.Pointer, length uint32, offset uint64, opFlags uint32, userData uint64) error {
	return b.add(opHead(opcode, fd), addr, length, opFlags, offset, userData)
}

// Submit turns the batch into SQEs and submits them in one cgo call, and
// returns how many SQEs the kernel consumed. See SubmitAndWait.
func (b *Batch) Submit(ring *Ring) (int, error) { return b.SubmitAndWait(ring, 0) }

// SubmitAndWait turns the batch into SQEs with liburing's prep helpers,
// submits them and waits for waitNr completions, all in one cgo call. The
// batch is empty afterwards, except when the SQ stayed full (an SQPOLL ring
// falling behind): then the operations that found no SQE stay in the batch,
// in order, and the error is unix.EBUSY. When the kernel refuses to submit
// (its errno is returned), the operations that became SQEs wait in the SQ
// ring for the next submit, and the others stay in the batch, in order.
func (b *Batch) SubmitAndWait(ring *Ring, waitNr uint32) (int, error) {
	c, err := ring.get()
	if err != nil {
		return 0, err
	}
	if b.c == nil {
		return 0, ErrBatchClosed
	}
	b.yieldP()
	b.c.ring = C.uintptr_t(uintptr(unsafe.Pointer(c)))
	b.c.n = C.uint(b.n)
	b.c.queued = 0
	C.lg_submit_batch(b.c, C.uint(waitNr))
	ret, queued := int(b.c.ret), int(b.c.queued)
	if queued < b.n {
		copy(b.ops, b.ops[queued:b.n])
	}
	b.n -= queued
	if ret < 0 {
		return 0, unix.Errno(-ret)
	}
	if b.n > 0 {
		return ret, unix.EBUSY
	}
	return ret, nil
}

// A goroutine that submits batch after batch without ever blocking in Go
// keeps its P for good, and Go's sysmon thread treats that as a goroutine to
// preempt: every time it finds it inside a cgo call after 10 ms on the same
// scheduling tick it takes the P away (handoffp), and each such retake
// resets sysmon to polling every 20 microseconds. On a small machine that
// polling competes with the submitting thread itself (on a 2-vCPU VM it
// cost 5-8% of NOP throughput). Yielding the P with runtime.Gosched every
// few milliseconds starts a new scheduling tick, so sysmon finds nothing to
// retake and backs off to sleeping 10 ms. It costs a clock read every 64
// submissions and a Gosched every yield period.

// DefaultYieldPeriod is how often a new Batch yields its P from Submit and
// SubmitAndWait (see SetYieldPeriod).
const DefaultYieldPeriod = 4 * time.Millisecond

const yieldEvery = 64 // submissions between looks at the clock

// SetYieldPeriod sets how often Submit and SubmitAndWait yield the calling
// goroutine's P with runtime.Gosched (DefaultYieldPeriod for a new Batch),
// which keeps Go's sysmon from repeatedly retaking the P of a goroutine that
// does nothing but submit. 0 turns it off: do that when the submitting
// goroutine holds something other goroutines wait for (a lock, a submitter
// role), since a yield can hand the CPU to every runnable goroutine first.
func (b *Batch) SetYieldPeriod(d time.Duration) { b.yieldPeriod = max(d, 0) }

func (b *Batch) yieldP() {
	b.calls++
	if b.calls%yieldEvery != 0 || b.yieldPeriod == 0 {
		return
	}
	if now := time.Now(); now.Sub(b.lastYield) >= b.yieldPeriod {
		runtime.Gosched()
		b.lastYield = now
	}
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
	if n := r.reap(dst); n > 0 {
		return n
	}
	return r.reapFlushed(dst)
}

// reapFlushed is ReapCQEs on an empty CQ: when the kernel holds completions
// back, it asks for them with io_uring_get_events and reaps again.
func (r *Ring) reapFlushed(dst []CQE) int {
	v := r.view()
	if atomic.LoadUint32(v.kflags)&(IORING_SQ_CQ_OVERFLOW|IORING_SQ_TASKRUN) == 0 {
		return 0
	}
	C.io_uring_get_events(r.c)
	return r.reap(dst)
}

func (r *Ring) reap(dst []CQE) int {
	v := r.view()
	head := atomic.LoadUint32(v.head)
	ready := atomic.LoadUint32(v.tail) - head
	n := uint32(len(dst))
	if ready < n {
		n = ready
	}
	switch {
	case n == 0:
		return 0
	case v.shift == 0 && n > 4:
		// The ready CQEs are at most two runs of the array: from head to
		// the end of the ring, then from its start.
		ring := unsafe.Slice((*CQE)(v.cqes), v.mask+1)
		k := copy(dst[:n], ring[head&v.mask:])
		copy(dst[k:n], ring)
	default: // a few CQEs (cheaper than memmove), or 32-byte CQEs
		for k := range dst[:n] {
			dst[k] = *(*CQE)(unsafe.Add(v.cqes, uintptr(((head+uint32(k))&v.mask)<<v.shift)*unsafe.Sizeof(CQE{})))
		}
	}
	atomic.StoreUint32(v.head, head+n)
	return int(n)
}
