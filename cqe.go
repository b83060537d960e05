//go:build linux && cgo

package liburing

/*
#include "liburing_cgo.h"

// These C functions only write their out-parameters during the call and
// never call Go: the Go locals they write stay on the stack, so fetching a
// CQE allocates nothing.
#cgo noescape io_uring_wait_cqe
#cgo noescape io_uring_peek_cqe
#cgo noescape io_uring_wait_cqe_nr
#cgo noescape io_uring_wait_cqes
#cgo noescape io_uring_wait_cqe_timeout
#cgo noescape lg_core_cqe_first
#cgo nocallback io_uring_wait_cqe
#cgo nocallback io_uring_peek_cqe
#cgo nocallback io_uring_wait_cqe_nr
#cgo nocallback io_uring_wait_cqes
#cgo nocallback io_uring_wait_cqe_timeout
#cgo nocallback lg_core_cqe_first

// One step of io_uring_for_each_cqe, for ForEachCQE: the CQE at head, or
// NULL once head reaches the tail. As in liburing 2.6's macro, the tail is
// loaded with acquire semantics on every step, which orders the CQE reads
// after it, and the index honours IORING_SETUP_CQE32 (io_uring_cqe_index).
static inline struct io_uring_cqe *lg_core_cqe_at(struct io_uring *ring, unsigned head)
{
	if (head == io_uring_smp_load_acquire(ring->cq.ktail))
		return NULL;
	return &ring->cq.cqes[io_uring_cqe_index(ring, head, ring->cq.ring_mask)];
}

// The first step: the macro reads *khead once, when the loop starts.
static inline struct io_uring_cqe *lg_core_cqe_first(struct io_uring *ring, unsigned *head)
{
	*head = *ring->cq.khead;
	return lg_core_cqe_at(ring, *head);
}
*/
import "C"

import (
	"iter"
	"unsafe"

	"golang.org/x/sys/unix"
)

// cqeResult turns a liburing "wait for a CQE" result into Go's: an error for
// -errno, else the CQE. liburing can return success without a CQE (its wait
// loop reports the submitted count instead of -ETIME); that becomes
// unix.ETIME when a timeout was given and unix.EAGAIN otherwise, so a nil
// *CQE always comes with an error.
func cqeResult(ret C.int, cqe *C.struct_io_uring_cqe, ts *KernelTimespec) (*CQE, error) {
	if ret < 0 {
		return nil, unix.Errno(-ret)
	}
	if cqe == nil {
		if ts != nil {
			return nil, unix.ETIME
		}
		return nil, unix.EAGAIN
	}
	return (*CQE)(unsafe.Pointer(cqe)), nil
}

// cTimespec and cSigset convert the optional wait arguments for cgo; nil
// stays NULL.
func cTimespec(ts *KernelTimespec) *C.struct___kernel_timespec {
	return (*C.struct___kernel_timespec)(unsafe.Pointer(ts))
}

func cSigset(s *unix.Sigset_t) *C.sigset_t { return (*C.sigset_t)(unsafe.Pointer(s)) }

// WaitCQE wraps io_uring_wait_cqe: it waits for a completion and returns it
// without consuming it; call CQESeen when done with it. A wait interrupted by
// the Go runtime's signals goes on (see intr.go). Linux 5.1.
func WaitCQE(ring *Ring) (*CQE, error) {
	c, err := ring.get()
	if err != nil {
		return nil, err
	}
	var cqe *C.struct_io_uring_cqe
	ret := retryEINTR(func() C.int { return C.io_uring_wait_cqe(c, &cqe) })
	return cqeResult(ret, cqe, nil)
}

// PeekCQE wraps io_uring_peek_cqe: the next completion if one is ready, or
// unix.EAGAIN when none is. Like WaitCQE it does not consume it. Linux 5.1.
func PeekCQE(ring *Ring) (*CQE, error) {
	c, err := ring.get()
	if err != nil {
		return nil, err
	}
	var cqe *C.struct_io_uring_cqe
	return cqeResult(C.io_uring_peek_cqe(c, &cqe), cqe, nil)
}

// WaitCQENr wraps io_uring_wait_cqe_nr: it waits until at least waitNr
// completions are ready and returns the first, without consuming it. With
// waitNr 0 it only peeks (unix.EAGAIN when none is ready). A wait
// interrupted by the Go runtime's signals goes on, except when some
// completions are already ready: then, as in C, it returns the first, and a
// caller that needs waitNr loops on CQReady. Linux 5.1.
func WaitCQENr(ring *Ring, waitNr uint32) (*CQE, error) {
	c, err := ring.get()
	if err != nil {
		return nil, err
	}
	var cqe *C.struct_io_uring_cqe
	ret := retryEINTR(func() C.int { return C.io_uring_wait_cqe_nr(c, &cqe, C.uint(waitNr)) })
	return cqeResult(ret, cqe, nil)
}

// WaitCQEs wraps io_uring_wait_cqes: it waits until waitNr completions are
// ready, ts passes or a signal outside sigmask arrives, and returns the
// first completion without consuming it. When ts passes with none ready it
// returns unix.ETIME; with some but fewer than waitNr it returns the first
// (check CQReady). ts and sigmask may be nil (no timeout, keep the current
// mask); they are read during the call only. With IORING_FEAT_EXT_ARG
// (Linux 5.11) the wait is one io_uring_enter; older kernels get an
// internal timeout SQE that submits pending SQEs too (never use user_data
// LIBURING_UDATA_TIMEOUT there). With a nil sigmask, a wait interrupted by
// the Go runtime's signals goes on for what is left of ts, unless some
// completions are already ready (then it returns the first, as at the
// timeout); with a sigmask, an interruption is unix.EINTR. Linux 5.1.
func WaitCQEs(ring *Ring, waitNr uint32, ts *KernelTimespec, sigmask *unix.Sigset_t) (*CQE, error) {
	c, err := ring.get()
	if err != nil {
		return nil, err
	}
	var cqe *C.struct_io_uring_cqe
	wait := func(ts *KernelTimespec) C.int {
		return C.io_uring_wait_cqes(c, &cqe, C.uint(waitNr), cTimespec(ts), cSigset(sigmask))
	}
	var ret C.int
	if sigmask == nil {
		ret = retryEINTRTimeout(ts, wait)
	} else {
		ret = wait(ts)
	}
	return cqeResult(ret, cqe, ts)
}

// WaitCQETimeout wraps io_uring_wait_cqe_timeout: WaitCQEs for one
// completion with timeout ts (nil waits forever); unix.ETIME when ts passes
// first. ts is read during the call only. A wait interrupted by the Go
// runtime's signals goes on for what is left of ts. Linux 5.1 (5.11 without
// a timeout SQE).
func WaitCQETimeout(ring *Ring, ts *KernelTimespec) (*CQE, error) {
	c, err := ring.get()
	if err != nil {
		return nil, err
	}
	var cqe *C.struct_io_uring_cqe
	ret := retryEINTRTimeout(ts, func(ts *KernelTimespec) C.int {
		return C.io_uring_wait_cqe_timeout(c, &cqe, cTimespec(ts))
	})
	return cqeResult(ret, cqe, ts)
}

// PeekBatchCQE wraps io_uring_peek_batch_cqe: it fills cqes with up to
// len(cqes) ready completions, in order, and returns how many; it never
// writes past that count. It flushes overflowed completions once when none
// are ready. The CQEs are not consumed: call CQAdvance(ring, n) after use.
// Linux 5.1.
func PeekBatchCQE(ring *Ring, cqes []*CQE) int {
	c, err := ring.get()
	if err != nil || len(cqes) == 0 {
		return 0
	}
	// C writes the pointers into the ring's scratch array in C memory (a Go
	// slice of pointers must not be handed to C), then they are copied.
	arr := ring.scratchCQEs(len(cqes))
	if arr == nil {
		return 0
	}
	n := int(C.io_uring_peek_batch_cqe(c, arr, C.uint(len(cqes))))
	for i, p := range unsafe.Slice(arr, n) {
		cqes[i] = (*CQE)(unsafe.Pointer(p))
	}
	return n
}

// scratchCQEs returns the ring's C array of at least n CQE pointers, grown
// as needed and freed by QueueExit, so that PeekBatchCQE allocates nothing
// per call.
func (r *Ring) scratchCQEs(n int) **C.struct_io_uring_cqe {
	if n > r.scratchLen {
		p := C.realloc(r.scratch, C.size_t(n)*C.size_t(unsafe.Sizeof(uintptr(0))))
		if p == nil {
			return nil
		}
		r.scratch, r.scratchLen = p, n
	}
	return (**C.struct_io_uring_cqe)(r.scratch)
}

// freeScratch releases the scratch array (QueueExit).
func (r *Ring) freeScratch() {
	C.free(r.scratch)
	r.scratch, r.scratchLen = nil, 0
}

// CQESeen wraps io_uring_cqe_seen: it marks cqe consumed, so the kernel may
// reuse its slot. cqe must not be used afterwards. Linux 5.1.
func CQESeen(ring *Ring, cqe *CQE) {
	c, err := ring.get()
	if err != nil || cqe == nil {
		return
	}
	C.io_uring_cqe_seen(c, cqe.c())
}

// CQAdvance wraps io_uring_cq_advance: it marks the next nr completions
// consumed, after ForEachCQE or PeekBatchCQE. Linux 5.1.
func CQAdvance(ring *Ring, nr uint32) {
	c, err := ring.get()
	if err != nil {
		return
	}
	C.io_uring_cq_advance(c, C.uint(nr))
}

// CQEGetData64 wraps io_uring_cqe_get_data64: the user_data of cqe, as set by
// SQESetData64. Linux 5.1.
func CQEGetData64(cqe *CQE) uint64 {
	if cqe == nil {
		return 0
	}
	return uint64(C.io_uring_cqe_get_data64(cqe.c()))
}

// CQEShift wraps io_uring_cqe_shift: the macro's value, 1 on an
// IORING_SETUP_CQE32 ring, whose CQEs take two 16-byte slots, else 0 (also
// for a nil or exited ring). Linux 5.19 for CQE32.
func CQEShift(ring *Ring) uint32 {
	c, err := ring.get()
	if err != nil {
		return 0
	}
	return uint32(C.lg_cqe_shift(c))
}

// CQEIndex wraps io_uring_cqe_index: the macro's value, the slot in the
// ring's CQE array of ring position ptr, (ptr & mask) << CQEShift(ring) (0
// for a nil or exited ring). Linux 5.1.
func CQEIndex(ring *Ring, ptr, mask uint32) uint32 {
	c, err := ring.get()
	if err != nil {
		return 0
	}
	return uint32(C.lg_cqe_index(c, C.uint(ptr), C.uint(mask)))
}

// ForEachCQE wraps io_uring_for_each_cqe: Go's form of the loop macro, an
// iterator over every ready completion in order, which it does not consume
// (Linux 5.1):
//
//	n := uint32(0)
//	for cqe := range liburing.ForEachCQE(ring) {
//		handle(cqe)
//		n++
//	}
//	liburing.CQAdvance(ring, n)
//
// As in C, it reads the CQ head once when the loop starts and loads the tail
// with acquire semantics on every step (liburing 2.6's semantics; 2.8+
// snapshots the tail once), indexing with io_uring_cqe_index, so CQE32 rings
// work. Each step is one cgo call into a static inline C helper built from
// liburing's macros. Do not call CQESeen or CQAdvance inside the loop; the
// loop ends early if the ring is exited.
func ForEachCQE(ring *Ring) iter.Seq[*CQE] {
	return func(yield func(*CQE) bool) {
		c, err := ring.get()
		if err != nil {
			return
		}
		var head C.uint
		cqe := C.lg_core_cqe_first(c, &head)
		for cqe != nil && yield((*CQE)(unsafe.Pointer(cqe))) && ring.c == c {
			head++
			cqe = C.lg_core_cqe_at(c, head)
		}
	}
}
