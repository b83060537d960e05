//go:build linux && cgo

package liburing

/*
#include "liburing_cgo.h"
*/
import "C"

import "golang.org/x/sys/unix"

// Registered (fixed) buffers: IORING_OP_READ_FIXED and IORING_OP_WRITE_FIXED
// name a slot of the ring's buffer table in buf_index and must stay inside
// that buffer. The kernel pins the buffers' pages, so the memory the iovecs
// point to must stay valid while registered: C memory (AllocBuffer,
// NewIovecSizes, whose Iovec.Slice is a ready []unix.Iovec) or Go memory
// pinned with runtime.Pinner until unregistered. The iovec array itself is
// only read during the call. Tags work as for files: a non-zero tag makes
// the kernel post a CQE with user_data = tag once the buffer in that slot has
// been replaced or unregistered and no request uses it any more.

// RegisterBuffers wraps io_uring_register_buffers: it registers iovecs as the
// ring's fixed buffer table. EBUSY when a table is already registered,
// EINVAL for an empty slice. Linux 5.1.
func RegisterBuffers(ring *Ring, iovecs []unix.Iovec) error {
	c, err := ring.get()
	if err != nil {
		return err
	}
	p, n, err := sliceArg(iovecs)
	if err != nil {
		return err
	}
	return errOnly(C.io_uring_register_buffers(c, (*C.struct_iovec)(p), n))
}

// RegisterBuffersTags wraps io_uring_register_buffers_tags: as
// RegisterBuffers, with tags[i] as the tag of iovecs[i]. tags must be as long
// as iovecs, or nil (no tags); otherwise EINVAL. Linux 5.13.
func RegisterBuffersTags(ring *Ring, iovecs []unix.Iovec, tags []uint64) error {
	c, err := ring.get()
	if err != nil {
		return err
	}
	p, n, err := sliceArg(iovecs)
	if err != nil {
		return err
	}
	t, err := tagsArg(tags, n)
	if err != nil {
		return err
	}
	return errOnly(C.io_uring_register_buffers_tags(c, (*C.struct_iovec)(p), t, n))
}

// RegisterBuffersSparse wraps io_uring_register_buffers_sparse: it registers
// a buffer table of nr empty slots, to fill with RegisterBuffersUpdateTag.
// Linux 5.19.
func RegisterBuffersSparse(ring *Ring, nr uint32) error {
	c, err := ring.get()
	if err != nil {
		return err
	}
	return errOnly(C.io_uring_register_buffers_sparse(c, C.uint(nr)))
}

// RegisterBuffersUpdateTag wraps io_uring_register_buffers_update_tag: it
// replaces the fixed buffers from slot off on with iovecs (a nil base with
// length 0 empties a slot), tagged with tags (as long as iovecs, or nil), and
// returns the number of slots updated. ENXIO without a buffer table, EINVAL
// for an empty slice or a range past the table. Linux 5.13.
func RegisterBuffersUpdateTag(ring *Ring, off uint32, iovecs []unix.Iovec, tags []uint64) (int, error) {
	c, err := ring.get()
	if err != nil {
		return 0, err
	}
	p, n, err := sliceArg(iovecs)
	if err != nil {
		return 0, err
	}
	t, err := tagsArg(tags, n)
	if err != nil {
		return 0, err
	}
	return errno(C.io_uring_register_buffers_update_tag(c, C.uint(off), (*C.struct_iovec)(p), t, n))
}

// UnregisterBuffers wraps io_uring_unregister_buffers: it drops the fixed
// buffer table, unpinning its pages; ENXIO when none is registered. Before
// Linux 6.13 the kernel waits interruptibly for requests still using the
// table, so Go's own signals could fail it with EINTR: the call is repeated
// then, as the waits are (intr.go). Linux 5.1.
func UnregisterBuffers(ring *Ring) error {
	c, err := ring.get()
	if err != nil {
		return err
	}
	return errOnly(retryEINTR(func() C.int { return C.io_uring_unregister_buffers(c) }))
}
