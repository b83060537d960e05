//go:build linux && cgo

package liburing

/*
#include "liburing_cgo.h"
*/
import "C"

import (
	"math"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Register-style calls: unless a doc comment says otherwise, the kernel
// reads (or writes) the arguments only during the call. The files and
// buffers they name are a different matter: see RegisterBuffers.

// sliceArg turns a Go slice into C's (array, count) pair. An empty slice, or
// one longer than a C unsigned can count, is EINVAL.
func sliceArg[T any](s []T) (unsafe.Pointer, C.uint, error) {
	if len(s) == 0 || uint64(len(s)) > math.MaxUint32 {
		return nil, 0, unix.EINVAL
	}
	return unsafe.Pointer(unsafe.SliceData(s)), C.uint(len(s)), nil
}

// tagsArg returns the C array for optional tags that go with n entries: NULL
// for no tags, EINVAL when the lengths differ.
func tagsArg(tags []uint64, n C.uint) (*C.__u64, error) {
	if len(tags) == 0 {
		return nil, nil
	}
	if uint64(len(tags)) != uint64(n) {
		return nil, unix.EINVAL
	}
	return (*C.__u64)(unsafe.Pointer(unsafe.SliceData(tags))), nil
}

// Register wraps io_uring_register: the raw io_uring_register(2) system call
// on the ring file descriptor fd, with an IORING_REGISTER_* opcode. What arg
// points to and what nrArgs counts depend on the opcode; arg is read (or
// written) during the call, and must be C memory or pinned if the kernel
// keeps using what it names. Returns the opcode's non-negative result.
// Linux 5.1.
func Register(fd uint32, opcode uint32, arg unsafe.Pointer, nrArgs uint32) (int, error) {
	return errno(C.io_uring_register(C.uint(fd), C.uint(opcode), arg, C.uint(nrArgs)))
}

// RegisterProbe wraps io_uring_register_probe: the kernel fills p (which
// must be zeroed, as from NewProbe) with the opcodes it supports, for the
// first nr of them (capped at the kernel's IORING_OP_LAST). nr larger than
// the probe's room is EINVAL; a nil or freed probe is EFAULT. Linux 5.6.
func RegisterProbe(ring *Ring, p *Probe, nr uint32) error {
	c, err := ring.get()
	if err != nil {
		return err
	}
	if p == nil || p.c == nil {
		return unix.EFAULT
	}
	if nr > p.nops {
		return unix.EINVAL
	}
	return errOnly(C.io_uring_register_probe(c, p.c, C.uint(nr)))
}

// RegisterEventfd wraps io_uring_register_eventfd: the kernel signals the
// eventfd fd each time it posts completions to ring. EBUSY when one is
// already registered. Linux 5.2.
func RegisterEventfd(ring *Ring, fd int) error {
	c, err := ring.get()
	if err != nil {
		return err
	}
	return errOnly(C.io_uring_register_eventfd(c, C.int(fd)))
}

// RegisterEventfdAsync wraps io_uring_register_eventfd_async: as
// RegisterEventfd, but the eventfd is only signalled for completions posted
// asynchronously (from io-wq workers), not for those completed inline at
// submit. Linux 5.6.
func RegisterEventfdAsync(ring *Ring, fd int) error {
	c, err := ring.get()
	if err != nil {
		return err
	}
	return errOnly(C.io_uring_register_eventfd_async(c, C.int(fd)))
}

// UnregisterEventfd wraps io_uring_unregister_eventfd: it removes the
// registered eventfd; ENXIO when there is none. Linux 5.2.
func UnregisterEventfd(ring *Ring) error {
	c, err := ring.get()
	if err != nil {
		return err
	}
	return errOnly(C.io_uring_unregister_eventfd(c))
}

// RegisterPersonality wraps io_uring_register_personality: it registers the
// calling thread's credentials and returns their id (> 0), which an SQE's
// Personality field selects. Linux 5.6.
func RegisterPersonality(ring *Ring) (int, error) {
	c, err := ring.get()
	if err != nil {
		return 0, err
	}
	return errno(C.io_uring_register_personality(c))
}

// UnregisterPersonality wraps io_uring_unregister_personality: it drops the
// credentials registered as id; EINVAL for an unknown id. Linux 5.6.
func UnregisterPersonality(ring *Ring, id int) error {
	c, err := ring.get()
	if err != nil {
		return err
	}
	return errOnly(C.io_uring_unregister_personality(c, C.int(id)))
}

// RegisterRestrictions wraps io_uring_register_restrictions: it limits the
// register opcodes, SQE opcodes and SQE flags the ring accepts once enabled.
// Only valid on a ring set up with IORING_SETUP_R_DISABLED and not yet
// enabled (EBADFD otherwise), once (EBUSY the second time). An empty res
// registers a set that allows nothing, as in C. Linux 5.10.
func RegisterRestrictions(ring *Ring, res []Restriction) error {
	c, err := ring.get()
	if err != nil {
		return err
	}
	if len(res) == 0 {
		var none Restriction
		return errOnly(C.io_uring_register_restrictions(c, (*C.struct_io_uring_restriction)(unsafe.Pointer(&none)), 0))
	}
	p, n, err := sliceArg(res)
	if err != nil {
		return err
	}
	return errOnly(C.io_uring_register_restrictions(c, (*C.struct_io_uring_restriction)(p), n))
}

// EnableRings wraps io_uring_enable_rings: it enables a ring set up with
// IORING_SETUP_R_DISABLED, applying its restrictions; EBADFD when the ring
// is already enabled. Linux 5.10.
func EnableRings(ring *Ring) error {
	c, err := ring.get()
	if err != nil {
		return err
	}
	return errOnly(C.io_uring_enable_rings(c))
}

// RegisterIowqAff wraps io_uring_register_iowq_aff: it sets the CPU affinity
// of the io-wq workers of the calling OS thread (or of the SQPOLL thread)
// that start afterwards to the first cpusz bytes of mask; io-wq is per
// thread, so lock the goroutine with runtime.LockOSThread to choose which.
// A nil mask is EFAULT, and cpusz larger than unix.CPUSet is EINVAL (the
// kernel would read past it). Linux 5.14.
func RegisterIowqAff(ring *Ring, cpusz uint64, mask *unix.CPUSet) error {
	c, err := ring.get()
	if err != nil {
		return err
	}
	if mask == nil {
		return unix.EFAULT
	}
	if cpusz > uint64(unsafe.Sizeof(*mask)) {
		return unix.EINVAL
	}
	return errOnly(C.io_uring_register_iowq_aff(c, C.size_t(cpusz), (*C.cpu_set_t)(unsafe.Pointer(mask))))
}

// UnregisterIowqAff wraps io_uring_unregister_iowq_aff: it restores the
// io-wq workers' default CPU affinity. Linux 5.14.
func UnregisterIowqAff(ring *Ring) error {
	c, err := ring.get()
	if err != nil {
		return err
	}
	return errOnly(C.io_uring_unregister_iowq_aff(c))
}

// RegisterIowqMaxWorkers wraps io_uring_register_iowq_max_workers: values
// holds the new limits of bounded and unbounded io-wq workers (0 leaves one
// unchanged); on return it holds the previous limits. The limits apply to
// the ring and to the io-wq of the calling OS thread (see RegisterIowqAff).
// A nil values is EFAULT. Linux 5.15.
func RegisterIowqMaxWorkers(ring *Ring, values *[2]uint32) error {
	c, err := ring.get()
	if err != nil {
		return err
	}
	if values == nil {
		return unix.EFAULT
	}
	return errOnly(C.io_uring_register_iowq_max_workers(c, (*C.uint)(unsafe.Pointer(values))))
}

// RegisterRingFd wraps io_uring_register_ring_fd: it registers the ring's own
// file descriptor, so that liburing then enters (and, from Linux 6.3,
// registers) through the registered index instead of the fd. C returns 1
// (one fd registered); RegisterRingFd returns the index the kernel chose.
// EEXIST when already registered. The kernel keeps the index per thread:
// call runtime.LockOSThread first and use the ring (including
// UnregisterRingFd and QueueExit) only from that goroutine, since from
// another OS thread entering fails with EBADF or EINVAL. Linux 5.18.
func RegisterRingFd(ring *Ring) (int, error) {
	c, err := ring.get()
	if err != nil {
		return 0, err
	}
	if _, err := errno(C.io_uring_register_ring_fd(c)); err != nil {
		return 0, err
	}
	return int(c.enter_ring_fd), nil
}

// UnregisterRingFd wraps io_uring_unregister_ring_fd: it drops the ring fd
// registration, returning 1 (the number unregistered); EINVAL when the ring
// fd is not registered. Linux 5.18.
func UnregisterRingFd(ring *Ring) (int, error) {
	c, err := ring.get()
	if err != nil {
		return 0, err
	}
	return errno(C.io_uring_unregister_ring_fd(c))
}

// RegisterSyncCancel wraps io_uring_register_sync_cancel: it cancels the
// requests reg matches (by user_data, fd or opcode, see
// IORING_ASYNC_CANCEL_*) and waits until they are gone or reg.Timeout
// expires (ETIME; -1 in both fields for no timeout). Returns 0, or the number
// cancelled with IORING_ASYNC_CANCEL_ALL or ANY; ENOENT when nothing
// matched. A nil reg is EFAULT. Linux 6.0.
func RegisterSyncCancel(ring *Ring, reg *SyncCancelReg) (int, error) {
	c, err := ring.get()
	if err != nil {
		return 0, err
	}
	if reg == nil {
		return 0, unix.EFAULT
	}
	return errno(C.io_uring_register_sync_cancel(c, (*C.struct_io_uring_sync_cancel_reg)(unsafe.Pointer(reg))))
}

// RegisterNapi wraps io_uring_register_napi: it turns on NAPI busy polling
// for the ring's network requests with napi's timeout and preference. A nil
// napi is EFAULT. Linux 6.9.
func RegisterNapi(ring *Ring, napi *Napi) error {
	c, err := ring.get()
	if err != nil {
		return err
	}
	if napi == nil {
		return unix.EFAULT
	}
	return errOnly(C.io_uring_register_napi(c, (*C.struct_io_uring_napi)(unsafe.Pointer(napi))))
}

// UnregisterNapi wraps io_uring_unregister_napi: it turns NAPI busy polling
// off and, when napi is not nil, stores the settings that were in effect
// there. Linux 6.9.
func UnregisterNapi(ring *Ring, napi *Napi) error {
	c, err := ring.get()
	if err != nil {
		return err
	}
	return errOnly(C.io_uring_unregister_napi(c, (*C.struct_io_uring_napi)(unsafe.Pointer(napi))))
}
