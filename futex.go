//go:build linux && cgo

package liburing

/*
#include "liburing_cgo.h"

// futex2 flags (linux/futex.h since Linux 6.7); older headers lack them,
// the values are the kernel ABI.
#ifndef FUTEX2_SIZE_U8
#define FUTEX2_SIZE_U8		0x00
#define FUTEX2_SIZE_U16		0x01
#define FUTEX2_SIZE_U32		0x02
#define FUTEX2_SIZE_U64		0x03
#define FUTEX2_NUMA		0x04
#define FUTEX2_PRIVATE		FUTEX_PRIVATE_FLAG
#endif
#ifndef FUTEX_LOCK_PI2
#define FUTEX_LOCK_PI2		13
#endif
#ifndef FUTEX_WAITV_MAX
#define FUTEX_WAITV_MAX		128
#endif
*/
import "C"

import (
	"fmt"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"
)

// futex(2) operations, futex2 flags and limits from linux/futex.h, which
// golang.org/x/sys/unix does not define (Python liburing exports them). The
// FUTEX2_* values are the kernel ABI even where the C headers predate
// Linux 6.7.
const (
	FUTEX_WAIT            = C.FUTEX_WAIT
	FUTEX_WAKE            = C.FUTEX_WAKE
	FUTEX_FD              = C.FUTEX_FD
	FUTEX_REQUEUE         = C.FUTEX_REQUEUE
	FUTEX_CMP_REQUEUE     = C.FUTEX_CMP_REQUEUE
	FUTEX_WAKE_OP         = C.FUTEX_WAKE_OP
	FUTEX_LOCK_PI         = C.FUTEX_LOCK_PI
	FUTEX_UNLOCK_PI       = C.FUTEX_UNLOCK_PI
	FUTEX_TRYLOCK_PI      = C.FUTEX_TRYLOCK_PI
	FUTEX_WAIT_BITSET     = C.FUTEX_WAIT_BITSET
	FUTEX_WAKE_BITSET     = C.FUTEX_WAKE_BITSET
	FUTEX_WAIT_REQUEUE_PI = C.FUTEX_WAIT_REQUEUE_PI
	FUTEX_CMP_REQUEUE_PI  = C.FUTEX_CMP_REQUEUE_PI
	FUTEX_LOCK_PI2        = C.FUTEX_LOCK_PI2

	FUTEX2_SIZE_U8  = C.FUTEX2_SIZE_U8
	FUTEX2_SIZE_U16 = C.FUTEX2_SIZE_U16
	FUTEX2_SIZE_U32 = C.FUTEX2_SIZE_U32 // the only size Linux supports so far
	FUTEX2_SIZE_U64 = C.FUTEX2_SIZE_U64
	FUTEX2_NUMA     = C.FUTEX2_NUMA
	FUTEX2_PRIVATE  = C.FUTEX2_PRIVATE

	FUTEX_WAITV_MAX        = C.FUTEX_WAITV_MAX // futexes in one futex_waitv
	FUTEX_BITSET_MATCH_ANY = C.FUTEX_BITSET_MATCH_ANY
)

// FutexState is an array of 32-bit futex words in their own anonymous
// mapping (Python liburing's futex_state class), for PrepFutexWait,
// PrepFutexWake and NewFutexWaitv. The words start at 0; the mapping is
// shared with child processes unless private, and private futexes need
// FUTEX2_PRIVATE (see FutexFlags). It must stay open while any futex
// operation on it is in flight. Close it when done.
type FutexState struct {
	mem     []byte
	private bool
}

// NewFutexState maps num zeroed futex words (1..FUTEX_WAITV_MAX), as
// MAP_SHARED or, when private, MAP_PRIVATE anonymous memory (Python's
// futex_state(num, private), which supports only num 1). Other num values
// are EINVAL.
func NewFutexState(num int, private bool) (*FutexState, error) {
	if num < 1 || num > FUTEX_WAITV_MAX {
		return nil, fmt.Errorf("liburing: futex state of %d words (want 1..%d): %w", num, FUTEX_WAITV_MAX, unix.EINVAL)
	}
	flags := unix.MAP_ANONYMOUS | unix.MAP_SHARED
	if private {
		flags = unix.MAP_ANONYMOUS | unix.MAP_PRIVATE
	}
	mem, err := unix.Mmap(-1, 0, 4*num, unix.PROT_READ|unix.PROT_WRITE, flags)
	if err != nil {
		return nil, err
	}
	return &FutexState{mem: mem, private: private}, nil
}

// Len is the number of futex words; 0 after Close.
func (f *FutexState) Len() int {
	if f == nil {
		return 0
	}
	return len(f.mem) / 4
}

// Word returns the address of futex word i for the Prep* helpers and for
// sync/atomic, or nil when i is out of range or after Close.
func (f *FutexState) Word(i int) *uint32 {
	if i < 0 || i >= f.Len() {
		return nil
	}
	return (*uint32)(unsafe.Pointer(&f.mem[4*i]))
}

// State atomically loads word 0 (Python's state property); 0 after Close.
func (f *FutexState) State() uint32 {
	if w := f.Word(0); w != nil {
		return atomic.LoadUint32(w)
	}
	return 0
}

// SetState atomically stores v into word 0 (Python's state setter); it
// does nothing after Close.
func (f *FutexState) SetState(v uint32) {
	if w := f.Word(0); w != nil {
		atomic.StoreUint32(w, v)
	}
}

// Private reports whether the words are process-private (read-only, as in
// Python).
func (f *FutexState) Private() bool { return f != nil && f.private }

// FutexFlags returns the futex2 flags the words need: FUTEX2_SIZE_U32, with
// FUTEX2_PRIVATE for a private state. Pass them as futexFlags to
// PrepFutexWait and PrepFutexWake.
func (f *FutexState) FutexFlags() uint32 {
	if f.Private() {
		return FUTEX2_SIZE_U32 | FUTEX2_PRIVATE
	}
	return FUTEX2_SIZE_U32
}

// String formats word 0 and the privacy as Python's repr does, with the Go
// type's name: "FutexState(state=123, private=false)", or
// "FutexState(closed)".
func (f *FutexState) String() string {
	if f.Len() == 0 {
		return "FutexState(closed)"
	}
	return fmt.Sprintf("FutexState(state=%d, private=%t)", f.State(), f.private)
}

// Close unmaps the words; ErrClosed the second time. No futex operation on
// them may still be in flight.
func (f *FutexState) Close() error {
	if f == nil || f.mem == nil {
		return ErrClosed
	}
	err := unix.Munmap(f.mem)
	f.mem = nil
	return err
}

// FutexWaitvArray is an array of struct futex_waitv in C memory for
// PrepFutexWaitv (Python liburing's futex_waitv class). The SQE keeps its
// address, so it must stay open until the operation completes; so must the
// futex words it names. Close it when done.
type FutexWaitvArray struct {
	p *FutexWaitv
	n int
}

// NewFutexWaitv returns a futex_waitv array with one entry per word of each
// futex state, in order (Python's futex_waitv(futex) for a state of one
// word). Each entry gets the word's address, Val 0 and the state's
// FutexFlags, so it is ready for PrepFutexWaitv once Val holds the value
// to wait on. (Python starts with flags 0, or FUTEX2_PRIVATE, and the
// kernel rejects an entry without FUTEX2_SIZE_U32.) At most
// FUTEX_WAITV_MAX entries in all; EINVAL for none, too many, or a closed
// state.
func NewFutexWaitv(futexes ...*FutexState) (*FutexWaitvArray, error) {
	n := 0
	for _, f := range futexes {
		if f.Len() == 0 {
			return nil, fmt.Errorf("liburing: futex_waitv of a closed futex state: %w", unix.EINVAL)
		}
		n += f.Len()
	}
	if n < 1 || n > FUTEX_WAITV_MAX {
		return nil, fmt.Errorf("liburing: futex_waitv of %d futexes (want 1..%d): %w", n, FUTEX_WAITV_MAX, unix.EINVAL)
	}
	p, err := cNew[FutexWaitv](n)
	if err != nil {
		return nil, err
	}
	w := &FutexWaitvArray{p: p, n: n}
	i := 0
	for _, f := range futexes {
		for j := range f.Len() {
			e := w.At(i)
			e.Uaddr = uint64(uintptr(unsafe.Pointer(f.Word(j))))
			e.Flags = f.FutexFlags()
			i++
		}
	}
	return w, nil
}

// Len is the number of entries, for PrepFutexWaitv's nrFutex; 0 after
// Close.
func (w *FutexWaitvArray) Len() int {
	if w == nil || w.p == nil {
		return 0
	}
	return w.n
}

// Ptr is the first entry, the array to pass to PrepFutexWaitv; nil after
// Close.
func (w *FutexWaitvArray) Ptr() *FutexWaitv {
	if w == nil {
		return nil
	}
	return w.p
}

// At returns entry i, to read or set its Val and Flags (Python's val and
// flags properties), or nil when i is out of range or after Close.
func (w *FutexWaitvArray) At(i int) *FutexWaitv {
	if i < 0 || i >= w.Len() {
		return nil
	}
	return &unsafe.Slice(w.p, w.n)[i]
}

// Close frees the C memory; ErrClosed the second time. No futex_waitv
// operation that uses it may still be in flight.
func (w *FutexWaitvArray) Close() error {
	if w == nil {
		return ErrClosed
	}
	err := cFree(w.p)
	w.p, w.n = nil, 0
	return err
}

// AddFlags ORs flags into the entry's Flags, as Python liburing's
// futex_waitv.flags setter does (assign Flags to replace them).
func (e *FutexWaitv) AddFlags(flags uint32) {
	if e != nil {
		e.Flags |= flags
	}
}
