//go:build linux && cgo

package liburing

/*
#include "liburing_cgo.h"
*/
import "C"

import "unsafe"

// CQEGetData wraps io_uring_cqe_get_data: the CQE's user_data as a pointer,
// the C pointer SQESetData stored. Only call it on completions whose SQE got
// one: any other number would become a bogus unsafe.Pointer, which Go's
// garbage collector may reject. Go values travel as a runtime/cgo.Handle
// through SQESetData64 and CQEGetData64 (see SQESetData). nil for a nil
// cqe. Linux 5.1.
func CQEGetData(cqe *CQE) unsafe.Pointer {
	if cqe == nil {
		return nil
	}
	return C.io_uring_cqe_get_data(cqe.c())
}
