//go:build linux && cgo

package liburing

/*
#include "liburing_cgo.h"
*/
import "C"

import (
	"fmt"
	"iter"
	"unsafe"

	"golang.org/x/sys/unix"
)

// CQEBatch holds up to Cap pointers to ready completions, in C memory, and
// is filled by Peek or Wait (Python liburing's io_uring_cqe holder and its
// cqe[i] indexing): At(0) is the oldest ready CQE, At(Len()-1) the newest.
// Unlike Python's, indexing is bounded by the number of ready CQEs, follows
// the ring when it wraps and honours IORING_SETUP_CQE32. The CQEs stay in
// the ring: Seen consumes them. Reuse the holder for the next batch; Close
// frees it. A CQEBatch is not safe for concurrent use.
type CQEBatch struct {
	c   **C.struct_io_uring_cqe
	cap int
	n   int
}

// NewCQEBatch returns an empty holder with room for capacity CQEs
// (1..65536, the largest CQ ring); other values are EINVAL.
func NewCQEBatch(capacity int) (*CQEBatch, error) {
	if capacity < 1 || capacity > 65536 {
		return nil, fmt.Errorf("liburing: CQE batch of %d (want 1..65536): %w", capacity, unix.EINVAL)
	}
	p, err := cNew[*C.struct_io_uring_cqe](capacity)
	if err != nil {
		return nil, err
	}
	return &CQEBatch{c: p, cap: capacity}, nil
}

// Peek fills the holder by calling io_uring_peek_batch_cqe: up to Cap ready
// completions, in order, without waiting; it returns how many (Len). A nil
// or exited ring, or a closed holder, gives 0.
func (b *CQEBatch) Peek(ring *Ring) int {
	b.n = 0
	c, err := ring.get()
	if err != nil || b.c == nil {
		return 0
	}
	b.n = int(C.io_uring_peek_batch_cqe(c, b.c, C.uint(b.cap)))
	return b.n
}

// Wait waits as WaitCQEs does until waitNr completions are ready (ts and
// sigmask may be nil), then fills the holder with Peek and returns Len,
// which can exceed waitNr. On error the holder is empty. waitNr above Cap
// is EINVAL, as the holder could not take them all.
func (b *CQEBatch) Wait(ring *Ring, waitNr uint32, ts *KernelTimespec, sigmask *unix.Sigset_t) (int, error) {
	b.n = 0
	if b.c == nil {
		return 0, ErrClosed
	}
	if uint64(waitNr) > uint64(b.cap) {
		return 0, unix.EINVAL
	}
	if _, err := WaitCQEs(ring, waitNr, ts, sigmask); err != nil {
		return 0, err
	}
	return b.Peek(ring), nil
}

// Len is how many CQEs the last Peek or Wait found; 0 for an empty holder.
func (b *CQEBatch) Len() int {
	if b == nil {
		return 0
	}
	return b.n
}

// Cap is the most CQEs the holder takes.
func (b *CQEBatch) Cap() int {
	if b == nil {
		return 0
	}
	return b.cap
}

// At returns ready CQE i, or nil when i is outside 0..Len()-1 (where Python
// raises IndexError, or MemoryError for an empty holder). The CQE lives in
// the ring: do not use it after Seen, CQESeen or CQAdvance consumed it.
func (b *CQEBatch) At(i int) *CQE {
	if i < 0 || i >= b.Len() {
		return nil
	}
	return (*CQE)(unsafe.Pointer(unsafe.Slice(b.c, b.n)[i]))
}

// GetIndex returns ready CQE i's res and user_data, or (0, 0) when i is
// outside 0..Len()-1 (Python liburing's io_uring_cqe.get_index, which gives
// (0, 0) for an empty holder).
func (b *CQEBatch) GetIndex(i int) (res int32, userData uint64) {
	if cqe := b.At(i); cqe != nil {
		return cqe.Res, cqe.UserData
	}
	return 0, 0
}

// All iterates over the ready CQEs with their indexes, in order.
func (b *CQEBatch) All() iter.Seq2[int, *CQE] {
	return func(yield func(int, *CQE) bool) {
		for i := range b.Len() {
			if !yield(i, b.At(i)) {
				return
			}
		}
	}
}

// Seen consumes the Len CQEs with io_uring_cq_advance and empties the
// holder.
func (b *CQEBatch) Seen(ring *Ring) {
	CQAdvance(ring, uint32(b.n))
	b.n = 0
}

// Close frees the C memory; ErrClosed the second time.
func (b *CQEBatch) Close() error {
	if b == nil {
		return ErrClosed
	}
	err := cFree(b.c)
	b.c, b.n, b.cap = nil, 0, 0
	return err
}
