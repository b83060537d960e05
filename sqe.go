//go:build linux && cgo

package liburing

/*
#include "liburing_cgo.h"
*/
import "C"

// SQESetData64 wraps io_uring_sqe_set_data64: it sets the SQE's user_data,
// returned in its CQE. Linux 5.1.
func SQESetData64(sqe *SQE, data uint64) {
	C.io_uring_sqe_set_data64(sqe.c(), C.__u64(data))
}

// SQESetFlags wraps io_uring_sqe_set_flags: it sets the SQE's IOSQE_* flags
// (replacing those it had). Linux 5.1.
func SQESetFlags(sqe *SQE, flags uint32) {
	C.io_uring_sqe_set_flags(sqe.c(), C.uint(flags))
}
