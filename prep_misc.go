//go:build linux && cgo

package liburing

/*
#include "liburing_cgo.h"
*/
import "C"

// PrepNop wraps io_uring_prep_nop: an operation that does nothing and
// completes with res 0. IORING_OP_NOP, Linux 5.1.
func PrepNop(sqe *SQE) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_nop(sqe.c())
}
