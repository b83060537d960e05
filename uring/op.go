//go:build linux && cgo

package uring

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/liburing-go/liburing"
)

// user_data: an operation with a slot carries udOp, its generation and its
// slot index; internal operations whose completion nobody awaits (cancels,
// linked timeouts) carry udIgnore. Both keep bit 62 or 63 set, so that a
// user_data never looks like a Go pointer when it travels as an SQE address
// (the target of IORING_OP_ASYNC_CANCEL).
const (
	udOp     = 1 << 63
	udIgnore = 1 << 62
)

// Per-slot C memory for what the kernel reads or writes through a pointer
// and that the caller does not own: timespecs, socket addresses, statx.
const (
	scratchSize   = 512
	scratchTS     = 0   // liburing.KernelTimespec, 16 bytes
	scratchAddr   = 16  // a socket address, up to 128 bytes (sockaddr_storage)
	scratchAddrNS = 144 // its length, 4 bytes
	scratchOpt    = 152 // a socket option value, up to 64 bytes
	scratchStatx  = 256 // unix.Statx_t, 256 bytes
)

// op is one operation slot. Slots live in chunks that are never freed
// before the ring, so the reaper finds a slot from its index without a
// lock; free slots form a lock-free stack.
type op struct {
	idx     uint32
	gen     uint32
	next    atomic.Uint32 // free-stack link: index+1 of the next free slot
	armed   atomic.Uint32 // gen while the kernel may complete the slot
	scratch unsafe.Pointer
	done    chan struct{} // one token per completion of a waited operation

	// The SQE, as liburing.Batch.Rw takes it.
	opcode  uint8
	flags   uint8
	fd      int32
	addr    unsafe.Pointer
	length  uint32
	off     uint64
	opFlags uint32
	link    bool                    // follow with IORING_OP_LINK_TIMEOUT (the timespec in scratch)
	prep    func(sqe *liburing.SQE) // set for operations a Batch cannot express

	// handler, when set, runs on the reaper for each completion instead of
	// waking a waiter; it returns true on the last one, and the reaper then
	// releases the slot. It must not block or submit.
	handler func(o *op, res int32, flags uint32) bool
	ctx     any // the handler's state

	res     int32
	cflags  uint32
	pin     runtime.Pinner
	pinned  bool
	fdr     *fdRef // the file the operation uses
	entered bool   // start counted the operation in fdr's in-flight count
}

func (o *op) userData() uint64 { return udOp | uint64(o.gen)<<32 | uint64(o.idx) }

func (o *op) ts() *liburing.KernelTimespec {
	return (*liburing.KernelTimespec)(unsafe.Add(o.scratch, scratchTS))
}

func (o *op) setTimeout(d time.Duration) {
	if d < 0 {
		d = 0
	}
	ts := o.ts()
	ts.Sec = int64(d / time.Second)
	ts.Nsec = int64(d % time.Second)
}

// pinBytes pins b until the slot is released and returns its address.
func (o *op) pinBytes(b []byte) unsafe.Pointer {
	p := unsafe.Pointer(unsafe.SliceData(b))
	o.pin.Pin(p)
	o.pinned = true
	return p
}

// rw describes the SQE as io_uring_prep_rw would fill it.
func (o *op) rw(opcode uint8, fd int, addr unsafe.Pointer, length uint32, off uint64, opFlags uint32) {
	o.opcode, o.fd, o.addr, o.length, o.off, o.opFlags = opcode, int32(fd), addr, length, off, opFlags
}

const (
	chunkShift = 8
	chunkSize  = 1 << chunkShift
	maxChunks  = 1 << 12 // a million operations in flight at most
)

type chunk struct {
	ops [chunkSize]op
	mem []byte // chunkSize*scratchSize bytes of C memory
}

type opTable struct {
	chunks [maxChunks]atomic.Pointer[chunk]
	n      int // chunks in use, under grow
	grow   sync.Mutex
	head   atomic.Uint64 // free stack: tag<<32 | (index+1)
}

func (t *opTable) slot(idx uint32) *op {
	c := t.chunks[idx>>chunkShift].Load()
	if c == nil {
		return nil
	}
	return &c.ops[idx&(chunkSize-1)]
}

func (t *opTable) pop() (*op, error) {
	for {
		h := t.head.Load()
		if uint32(h) == 0 {
			if err := t.addChunk(h); err != nil {
				return nil, err
			}
			continue
		}
		o := t.slot(uint32(h) - 1)
		next := o.next.Load()
		if t.head.CompareAndSwap(h, (h>>32+1)<<32|uint64(next)) {
			return o, nil
		}
	}
}

func (t *opTable) push(o *op) {
	for {
		h := t.head.Load()
		o.next.Store(uint32(h))
		if t.head.CompareAndSwap(h, (h>>32+1)<<32|uint64(o.idx+1)) {
			return
		}
	}
}

// addChunk adds a chunk of free slots unless another goroutine did since
// the stack head was seen empty as h.
func (t *opTable) addChunk(h uint64) error {
	t.grow.Lock()
	defer t.grow.Unlock()
	if t.head.Load() != h {
		return nil
	}
	if t.n == maxChunks {
		return errTooManyOps
	}
	mem, err := liburing.AllocBuffer(chunkSize * scratchSize)
	if err != nil {
		return err
	}
	c := &chunk{mem: mem}
	base := uint32(t.n) << chunkShift
	for i := range c.ops {
		o := &c.ops[i]
		o.idx = base + uint32(i)
		o.scratch = unsafe.Pointer(&mem[i*scratchSize])
		o.done = make(chan struct{}, 1)
	}
	t.chunks[t.n].Store(c)
	t.n++
	for i := chunkSize - 1; i >= 0; i-- {
		t.push(&c.ops[i])
	}
	return nil
}

func (t *opTable) free() {
	t.grow.Lock()
	defer t.grow.Unlock()
	for i := 0; i < t.n; i++ {
		if c := t.chunks[i].Load(); c != nil {
			liburing.FreeBuffer(c.mem)
			c.mem = nil
		}
	}
}

// get takes a free slot for a new operation, or fails with ErrClosed.
func (r *Ring) get() (*op, error) {
	r.inflight.Add(1)
	if r.isClosing() {
		r.put(nil)
		return nil, ErrClosed
	}
	o, err := r.ops.pop()
	if err != nil {
		r.put(nil)
		return nil, err
	}
	if o.gen = (o.gen + 1) & 0x3fffffff; o.gen == 0 {
		o.gen = 1
	}
	o.flags, o.link, o.prep, o.handler, o.ctx = 0, false, nil, nil, nil
	return o, nil
}

// put releases a slot once the kernel is done with it (o may be nil when
// get failed).
func (r *Ring) put(o *op) {
	if o != nil {
		o.armed.Store(0)
		if o.pinned {
			o.pin.Unpin()
			o.pinned = false
		}
		o.addr = nil
		if o.entered {
			o.entered = false
			o.fdr.done()
		}
		o.fdr = nil
		o.ctx = nil
		r.ops.push(o)
	}
	if r.inflight.Add(-1) == 0 && r.isClosing() {
		r.idleOnce.Do(func() { close(r.idle) })
	}
}

// start queues o for submission: the submitter of the moment takes it, or
// this goroutine becomes the submitter.
func (r *Ring) start(o *op) error {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return ErrClosed
	}
	if f := o.fdr; f != nil {
		if !f.enterLocked() {
			r.mu.Unlock()
			return errFileClosing
		}
		o.entered = true
	}
	if o.prep != nil {
		r.special = append(r.special, o)
	} else {
		need := 1
		if o.link {
			need = 2
		}
		r.reserveLocked(need)
		flags := o.flags
		if o.link {
			flags |= liburing.IOSQE_IO_LINK
		}
		r.addLocked(o.opcode, int(o.fd), o.addr, o.length, o.off, o.opFlags, o.userData(), flags)
		if o.link {
			r.addLocked(liburing.IORING_OP_LINK_TIMEOUT, -1, unsafe.Pointer(o.ts()), 1, 0, 0, udIgnore, 0)
		}
		// The reaper's load of armed orders this goroutine's reads of o
		// before the reaper's writes (the kernel's round trip is no
		// synchronisation the race detector sees).
		o.armed.Store(o.gen)
	}
	r.kickLocked()
	return nil
}

// cancel asks the kernel to cancel o (IORING_OP_ASYNC_CANCEL on its
// user_data). o's own completion still arrives.
func (r *Ring) cancel(o *op) {
	r.cancelUserData(o.userData())
}

func (r *Ring) cancelUserData(ud uint64) {
	r.mu.Lock()
	if r.closed {
		// Close cancels everything in flight itself.
		r.mu.Unlock()
		return
	}
	r.reserveLocked(1)
	r.addLocked(liburing.IORING_OP_ASYNC_CANCEL, -1, udPointer(ud), 0, 0, 0, udIgnore, 0)
	r.kickLocked()
}

// udPointer turns a user_data into the SQE address of a cancel. Every
// user_data has bit 62 or 63 set, so the value is never mistaken for a Go
// pointer, and it only passes through to C memory.
func udPointer(ud uint64) unsafe.Pointer {
	return *(*unsafe.Pointer)(unsafe.Pointer(&ud))
}

// reserveLocked waits, with mu held, until the batch has room for n ops.
func (r *Ring) reserveLocked(n int) {
	for r.cur.Len()+n > r.cur.Cap() {
		if !r.submitting {
			r.flushLocked()
			continue
		}
		r.roomWaiters++
		r.room.Wait()
		r.roomWaiters--
	}
}

// addLocked records one SQE in the current batch; mu is held and room was
// reserved (a failure is a bug).
func (r *Ring) addLocked(opcode uint8, fd int, addr unsafe.Pointer, length uint32, off uint64, opFlags uint32, ud uint64, flags uint8) {
	if r.cur.Len() == r.cur.Cap() {
		r.reserveLocked(1)
	}
	if err := r.cur.Rw(opcode, fd, addr, length, off, opFlags, ud); err != nil {
		panic("uring: batch: " + err.Error())
	}
	if flags != 0 {
		r.cur.SetFlags(flags)
	}
}

// kickLocked submits what is queued unless a submitter is at work (it will
// see the new operations before it stops), and releases mu.
func (r *Ring) kickLocked() {
	if !r.submitting {
		r.flushLocked()
	}
	r.mu.Unlock()
}

// flushLocked is the submitter's loop: with mu held on entry and exit, it
// submits batches until none is waiting, without mu during the cgo calls.
func (r *Ring) flushLocked() {
	r.submitting = true
	for {
		// While this goroutine submits, the ring does not signal the
		// eventfd: what completes during the submit is reaped here, so
		// the reaper is not woken for it. Only the submitter (one at a
		// time) writes the flag.
		r.eventfd(false)
		for r.cur.Len() > 0 || len(r.special) > 0 {
			b := r.cur
			r.cur, r.spare = r.spare, b
			special := r.special
			r.special, r.specialNext = r.specialNext[:0], nil
			if r.roomWaiters > 0 {
				r.room.Broadcast()
			}
			r.mu.Unlock()
			// Operations a batch cannot express go first, so that a
			// cancel added after them (in the batch) reaches the kernel
			// after them.
			for _, o := range special {
				r.prepSpecial(o)
			}
			clear(special)
			r.submitBatch(b)
			// Operations that completed during the submit (cached
			// reads, sends with room) are in the CQ ring now: hand them
			// out here rather than through the reaper.
			r.tryReap()
			r.mu.Lock()
			r.specialNext = special[:0]
		}
		r.eventfd(true)
		r.mu.Unlock()
		// Completions posted while the eventfd was off signalled
		// nothing: reap them now, waiting for a reaper at work (it may
		// have looked before they came).
		r.reapMu.Lock()
		r.reapLocked()
		r.reapMu.Unlock()
		r.mu.Lock()
		if r.cur.Len() == 0 && len(r.special) == 0 {
			break
		}
	}
	r.submitting = false
}

// eventfd turns the ring's eventfd notifications on or off
// (IORING_CQ_EVENTFD_DISABLED); only the submitter calls it.
func (r *Ring) eventfd(on bool) {
	if r.efdToggle {
		liburing.CQEventfdToggle(r.ring, on)
	}
}

// prepSpecial fills an SQE with the 1:1 API (only the submitter touches the
// SQ ring); the next batch submit sends it.
func (r *Ring) prepSpecial(o *op) {
	sqe := liburing.GetSQE(r.ring)
	for sqe == nil {
		r.submitRetry()
		sqe = liburing.GetSQE(r.ring)
	}
	o.prep(sqe)
	liburing.SQESetData64(sqe, o.userData())
	o.armed.Store(o.gen) // after the submitter's last read of o
}

// submitBatch submits b (and whatever waits in the SQ ring), retrying on
// the transient errors of io_uring_enter: EINTR, EAGAIN, EBUSY.
func (r *Ring) submitBatch(b *liburing.Batch) {
	for try := 0; ; try++ {
		_, err := b.Submit(r.ring)
		if err == nil {
			return
		}
		if b.Len() == 0 {
			// Everything is in the SQ ring; the kernel did not take it.
			r.submitRetry()
			return
		}
		backoff(try)
	}
}

// submitRetry submits the SQ ring until the kernel takes it.
func (r *Ring) submitRetry() {
	for try := 0; ; try++ {
		if _, err := liburing.Submit(r.ring); err == nil {
			return
		}
		backoff(try)
	}
}

func backoff(try int) {
	if try < 3 {
		runtime.Gosched()
		return
	}
	time.Sleep(time.Duration(min(try, 100)) * 10 * time.Microsecond)
}

// reapLoop is the reaper: it drains the CQ ring from Go, wakes the waiters
// and parks on the eventfd in the netpoller when the ring is empty.
func (r *Ring) reapLoop() {
	defer close(r.reaperDone)
	var buf [8]byte
	for {
		r.reapMu.Lock()
		r.reapLocked()
		r.reapMu.Unlock()
		if r.stopReaper.Load() {
			return
		}
		if _, err := r.efile.Read(buf[:]); err != nil {
			return
		}
	}
}

// tryReap reaps unless another goroutine is reaping (it then sees what
// this one would have).
func (r *Ring) tryReap() {
	if r.reapMu.TryLock() {
		r.reapLocked()
		r.reapMu.Unlock()
	}
}

// reapLocked drains the CQ ring; reapMu is held.
func (r *Ring) reapLocked() {
	for {
		n := r.ring.ReapCQEs(r.cqes[:])
		for i := range r.cqes[:n] {
			r.dispatch(&r.cqes[i])
		}
		if n < len(r.cqes) {
			return
		}
	}
}

// dispatch hands one completion to its operation.
func (r *Ring) dispatch(c *liburing.CQE) {
	ud := c.UserData
	if ud&udOp == 0 {
		return
	}
	o := r.ops.slot(uint32(ud))
	if o == nil || o.armed.Load() != uint32(ud>>32)&0x3fffffff {
		return
	}
	if h := o.handler; h != nil {
		if h(o, c.Res, c.Flags) {
			r.put(o)
		}
		return
	}
	o.res, o.cflags = c.Res, c.Flags
	o.done <- struct{}{}
}
