//go:build linux && cgo

package liburing

/*
#include "liburing_cgo.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"math"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// ErrClosed is returned by the C-memory holders of this package (Timespec,
// OpenHow, Statx, FutexState, FutexWaitvArray, CQEBatch) when Close is
// called a second time.
var ErrClosed = errors.New("liburing: already closed")

// cNew returns a zeroed T in C memory, which the kernel may use for as long
// as an operation needs; T must hold no Go pointers. Release it with cFree.
func cNew[T any](n int) (*T, error) {
	b, err := AllocBuffer(n * int(unsafe.Sizeof(*new(T))))
	if err != nil {
		return nil, err
	}
	return (*T)(unsafe.Pointer(unsafe.SliceData(b))), nil
}

// cFree releases memory from cNew; nil is ErrClosed.
func cFree[T any](p *T) error {
	if p == nil {
		return ErrClosed
	}
	C.free(unsafe.Pointer(p))
	return nil
}

// Timespec is a struct __kernel_timespec in C memory (Python liburing's
// timespec class), for timeouts the kernel reads after the call returns:
// PrepTimeout, PrepLinkTimeout and PrepTimeoutUpdate keep its address in the
// SQE, so it must stay open until the operation completes. WaitCQEs and
// friends accept it too. Read or change the fields through Ptr; Close it
// when no operation uses it.
type Timespec struct {
	p *KernelTimespec
}

// NewTimespec returns a Timespec holding d, split into seconds and
// nanoseconds. A negative d is EINVAL: the kernel rejects negative
// timeouts.
func NewTimespec(d time.Duration) (*Timespec, error) {
	if d < 0 {
		return nil, fmt.Errorf("liburing: timespec of %v: %w", d, unix.EINVAL)
	}
	p, err := cNew[KernelTimespec](1)
	if err != nil {
		return nil, err
	}
	t := &Timespec{p: p}
	t.Set(d)
	return t, nil
}

// NewTimespecSeconds returns a Timespec holding sec seconds, as Python
// liburing's timespec(second): timespec(1.5) is 1 s and 500000000 ns. The
// fraction is rounded to the nearest nanosecond (Python truncates, so its
// timespec(0.3) is 299999999 ns). A negative, NaN or infinite sec, or one
// beyond int64 seconds, is EINVAL.
func NewTimespecSeconds(sec float64) (*Timespec, error) {
	if !(sec >= 0 && sec < math.MaxInt64) {
		return nil, fmt.Errorf("liburing: timespec of %v seconds: %w", sec, unix.EINVAL)
	}
	whole, frac := math.Modf(sec)
	s, ns := int64(whole), int64(math.Round(frac*1e9))
	if ns >= 1e9 {
		s, ns = s+1, ns-1e9
	}
	p, err := cNew[KernelTimespec](1)
	if err != nil {
		return nil, err
	}
	p.Sec, p.Nsec = s, ns
	return &Timespec{p: p}, nil
}

// Ptr is the struct __kernel_timespec in C memory, for the Prep* and wait
// functions and to read or set tv_sec (Sec) and tv_nsec (Nsec) directly as
// Python's properties do; nil after Close.
func (t *Timespec) Ptr() *KernelTimespec {
	if t == nil {
		return nil
	}
	return t.p
}

// Set stores d (which should not be negative) into the timespec. It does
// nothing after Close.
func (t *Timespec) Set(d time.Duration) {
	if t == nil || t.p == nil {
		return
	}
	t.p.Sec, t.p.Nsec = int64(d/time.Second), int64(d%time.Second)
}

// Duration returns the time the timespec holds (0 after Close); values
// beyond time.Duration's range of about 292 years saturate.
func (t *Timespec) Duration() time.Duration {
	if t == nil || t.p == nil {
		return 0
	}
	if t.p.Sec > int64(math.MaxInt64/time.Second)-1 {
		return math.MaxInt64
	}
	return time.Duration(t.p.Sec)*time.Second + time.Duration(t.p.Nsec)
}

// Close frees the C memory; ErrClosed the second time. No operation that
// uses the timespec may still be in flight.
func (t *Timespec) Close() error {
	if t == nil {
		return ErrClosed
	}
	err := cFree(t.p)
	t.p = nil
	return err
}
