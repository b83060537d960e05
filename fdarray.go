//go:build linux && cgo

package liburing

/*
#include "liburing_cgo.h"
*/
import "C"

import (
	"fmt"
	"math"
	"unsafe"

	"golang.org/x/sys/unix"
)

// FdArray is an array of int32 file descriptors in C memory for
// PrepFilesUpdate, which keeps its address in the SQE: the kernel reads it
// when the update runs, so it must stay open until the completion arrives.
// It stands for the fd list that Python liburing's
// io_uring_prep_files_update(sqe, fds, offset) takes (Python frees its
// temporary array before submit). Close it afterwards.
type FdArray struct {
	p *int32
	n int
}

// NewFdArray copies fds (-1 clears a slot, IORING_REGISTER_FILES_SKIP
// leaves it) into C memory. An empty fds is EINVAL.
func NewFdArray(fds []int32) (*FdArray, error) {
	if len(fds) == 0 || len(fds) > math.MaxUint32/4 {
		return nil, fmt.Errorf("liburing: fd array of %d: %w", len(fds), unix.EINVAL)
	}
	p, err := cNew[int32](len(fds))
	if err != nil {
		return nil, err
	}
	a := &FdArray{p: p, n: len(fds)}
	copy(a.Slice(), fds)
	return a, nil
}

// Ptr is the array for PrepFilesUpdate's fds; nil after Close.
func (a *FdArray) Ptr() *int32 {
	if a == nil {
		return nil
	}
	return a.p
}

// Len is the number of fds, for PrepFilesUpdate's nrFds; 0 after Close.
func (a *FdArray) Len() int {
	if a == nil || a.p == nil {
		return 0
	}
	return a.n
}

// Slice is the array as a Go slice over the same C memory, to read or
// change entries before the SQE is submitted; nil after Close.
func (a *FdArray) Slice() []int32 {
	if a.Len() == 0 {
		return nil
	}
	return unsafe.Slice(a.p, a.n)
}

// Close frees the C memory; ErrClosed the second time. No files update
// that reads it may still be in flight.
func (a *FdArray) Close() error {
	if a == nil {
		return ErrClosed
	}
	err := cFree(a.p)
	a.p, a.n = nil, 0
	return err
}
