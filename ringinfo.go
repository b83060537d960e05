//go:build linux && cgo

package liburing

/*
#include "liburing_cgo.h"
*/
import "C"

import "fmt"

// EnterRingFd returns the fd liburing passes to io_uring_enter (struct
// io_uring's enter_ring_fd, Python's io_uring.enter_ring_fd): the ring fd,
// or its registered index after RegisterRingFd. It is -1 for a nil or
// exited ring.
func (r *Ring) EnterRingFd() int {
	c, err := r.get()
	if err != nil {
		return -1
	}
	return int(c.enter_ring_fd)
}

// IntFlags returns liburing's internal flags for the ring (struct
// io_uring's int_flags, Python's io_uring.int_flags), such as
// INT_FLAG_REG_RING after RegisterRingFd. It is 0 for a nil or exited ring.
func (r *Ring) IntFlags() uint8 {
	c, err := r.get()
	if err != nil {
		return 0
	}
	return uint8(c.int_flags)
}

// String describes a set-up ring with the fields of Python liburing's
// io_uring repr, under the Go type's name:
// "Ring(flags=0, ring_fd=5, features=16383, enter_ring_fd=5, int_flags=0)";
// "Ring(closed)" before QueueInit and after QueueExit, "Ring(nil)" for nil.
func (r *Ring) String() string {
	if r == nil {
		return "Ring(nil)"
	}
	if r.c == nil {
		return "Ring(closed)"
	}
	return fmt.Sprintf("Ring(flags=%d, ring_fd=%d, features=%d, enter_ring_fd=%d, int_flags=%d)",
		r.Flags(), r.Fd(), r.Features(), r.EnterRingFd(), r.IntFlags())
}

// String formats the CQE as Python liburing's io_uring_cqe repr does,
// under the Go type's name: "CQE(user_data=1, res=0, flags=0)", or
// "CQE(nil)".
func (c *CQE) String() string {
	if c == nil {
		return "CQE(nil)"
	}
	return fmt.Sprintf("CQE(user_data=%d, res=%d, flags=%d)", c.UserData, c.Res, c.Flags)
}
