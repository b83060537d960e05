//go:build linux && cgo

package liburing

/*
#include "liburing_cgo.h"
*/
import "C"

import "unsafe"

// SQESetData wraps io_uring_sqe_set_data (Linux 5.1): it stores the pointer
// data as the SQE's user_data, which CQEGetData returns from its CQE. The
// kernel and Go's garbage collector see only a number, so data must be a C
// pointer (C.malloc, AllocBuffer) that stays valid until the CQE is handled,
// never a Go pointer. Go values go through a runtime/cgo.Handle and the 64-bit pair:
//
//	h := cgo.NewHandle(v)
//	SQESetData64(sqe, uint64(h))
//	// ... after the completion:
//	h := cgo.Handle(CQEGetData64(cqe))
//	v := h.Value()
//	h.Delete()
func SQESetData(sqe *SQE, data unsafe.Pointer) {
	if sqe == nil {
		return
	}
	C.io_uring_sqe_set_data(sqe.c(), data)
}

// SQESetData64 wraps io_uring_sqe_set_data64: it sets the SQE's user_data,
// returned in its CQE. Linux 5.1.
func SQESetData64(sqe *SQE, data uint64) {
	if sqe == nil {
		return
	}
	C.io_uring_sqe_set_data64(sqe.c(), C.__u64(data))
}

// SQESetFlags wraps io_uring_sqe_set_flags: it sets the SQE's IOSQE_* flags
// (replacing those it had). Linux 5.1.
func SQESetFlags(sqe *SQE, flags uint32) {
	if sqe == nil {
		return
	}
	C.io_uring_sqe_set_flags(sqe.c(), C.uint(flags))
}
