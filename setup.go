//go:build linux && cgo

package liburing

/*
#include "liburing_cgo.h"

// lg_core_queue_mmap maps the rings of an fd from io_uring_setup with
// io_uring_queue_mmap, then records in ring what io_uring_queue_init records
// after its own mapping and what io_uring_queue_mmap leaves zero since
// liburing 2.4: the fd (so submissions and io_uring_queue_exit use it instead
// of fd 0), flags, features and the identity SQ index array.
static inline int lg_core_queue_mmap(int fd, struct io_uring_params *p, struct io_uring *ring)
{
	unsigned i;
	int ret = io_uring_queue_mmap(fd, p, ring);

	if (ret)
		return ret;
	ring->flags = p->flags;
	ring->features = p->features;
	ring->ring_fd = fd;
	ring->enter_ring_fd = fd;
	if (!(p->flags & IORING_SETUP_NO_SQARRAY) && ring->sq.array)
		for (i = 0; i < ring->sq.ring_entries; i++)
			ring->sq.array[i] = i;
	return 0;
}
*/
import "C"

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// initC allocates the ring's C struct for a QueueInit* call and hands it to
// f; on failure the struct is freed again and the ring stays unset.
func (r *Ring) initC(f func(*C.struct_io_uring) C.int) error {
	if r == nil {
		return ErrNilRing
	}
	if r.c != nil {
		return ErrRingInUse
	}
	c := C.lg_ring_alloc()
	if c == nil {
		return unix.ENOMEM
	}
	if ret := f(c); ret < 0 {
		C.free(unsafe.Pointer(c))
		return unix.Errno(-ret)
	}
	r.c, r.owned = c, true
	return nil
}

// Fd returns the ring's file descriptor (struct io_uring's ring_fd), for raw
// calls such as Enter. It is -1 for a nil or exited ring and after
// CloseRingFd.
func (r *Ring) Fd() int {
	c, err := r.get()
	if err != nil {
		return -1
	}
	return int(c.ring_fd)
}

// Flags returns the IORING_SETUP_* flags the ring was set up with (struct
// io_uring's flags), including any liburing added such as
// IORING_SETUP_NO_SQARRAY. It is 0 for a nil or exited ring.
func (r *Ring) Flags() uint32 {
	c, err := r.get()
	if err != nil {
		return 0
	}
	return uint32(c.flags)
}

// Features returns the IORING_FEAT_* flags the kernel reported when the ring
// was set up (struct io_uring's features). It is 0 for a nil or exited ring.
func (r *Ring) Features() uint32 {
	c, err := r.get()
	if err != nil {
		return 0
	}
	return uint32(c.features)
}

// cParams converts p for cgo.
func cParams(p *Params) *C.struct_io_uring_params {
	return (*C.struct_io_uring_params)(unsafe.Pointer(p))
}

// QueueInit wraps io_uring_queue_init: it sets up ring with room for entries
// SQEs and the IORING_SETUP_* flags. Linux 5.1.
//
// With IORING_SETUP_SINGLE_ISSUER (Linux 6.0), the calling OS thread becomes
// the only one that may submit (others get EEXIST), unless the ring starts
// disabled (IORING_SETUP_R_DISABLED) and EnableRings chooses the thread:
// lock the goroutine with runtime.LockOSThread first.
func QueueInit(entries uint32, ring *Ring, flags uint32) error {
	return ring.initC(func(c *C.struct_io_uring) C.int {
		return C.io_uring_queue_init(C.uint(entries), c, C.uint(flags))
	})
}

// QueueInitParams wraps io_uring_queue_init_params: as QueueInit, with p
// passed to io_uring_setup; the kernel fills in p's output fields. Linux 5.1.
func QueueInitParams(entries uint32, ring *Ring, p *Params) error {
	if p == nil {
		return unix.EFAULT
	}
	return ring.initC(func(c *C.struct_io_uring) C.int {
		return C.io_uring_queue_init_params(C.uint(entries), c, cParams(p))
	})
}

// QueueInitMem wraps io_uring_queue_init_mem: as QueueInitParams, but the
// SQEs and both rings live in buf, memory the application provides
// (IORING_SETUP_NO_MMAP is added to p.Flags). It returns how many bytes of
// buf the rings use, so the rest can host more rings; unix.ENOMEM means buf
// is too small. buf must be page-aligned C memory of its own mapping (for
// example from unix.Mmap with MAP_SHARED|MAP_ANONYMOUS, ideally a huge page)
// and stay mapped until QueueExit: liburing before 2.8 munmaps the SQE part
// of buf in QueueExit, so never pass Go heap or malloc memory. A nil buf lets
// liburing map the memory itself, possibly a huge page (unix.ENOMEM when
// none is available). The byte count depends on the liburing release (2.7
// and 2.9 changed the sizing). Linux 6.5.
func QueueInitMem(entries uint32, ring *Ring, p *Params, buf unsafe.Pointer, bufSize uint64) (int, error) {
	if p == nil {
		return 0, unix.EFAULT
	}
	var used C.int
	err := ring.initC(func(c *C.struct_io_uring) C.int {
		used = C.io_uring_queue_init_mem(C.uint(entries), c, cParams(p), buf, C.size_t(bufSize))
		return used
	})
	if err != nil {
		return 0, err
	}
	return int(used), nil
}

// Setup wraps io_uring_setup, the raw io_uring_setup(2) system call: it
// creates an io_uring instance with room for entries SQEs and returns its
// file descriptor, filling in p's output fields. Map its rings with
// QueueMmap (or close the fd). Linux 5.1.
func Setup(entries uint32, p *Params) (int, error) {
	if p == nil {
		return 0, unix.EFAULT
	}
	return errno(C.io_uring_setup(C.uint(entries), cParams(p)))
}

// QueueMmap wraps io_uring_queue_mmap: it maps the rings of fd, an io_uring
// file descriptor from Setup with the same p, into ring. liburing's
// function only maps; this wrapper also records fd, p.Flags and p.Features
// in ring and fills the SQ index array as io_uring_queue_init does, so the
// ring is ready for GetSQE and Submit. On success ring owns fd and QueueExit
// closes it; on failure fd stays the caller's. Linux 5.1.
func QueueMmap(fd int, p *Params, ring *Ring) error {
	if p == nil {
		return unix.EFAULT
	}
	return ring.initC(func(c *C.struct_io_uring) C.int {
		return C.lg_core_queue_mmap(C.int(fd), cParams(p), c)
	})
}

// RingDontfork wraps io_uring_ring_dontfork: it marks the ring's mappings
// MADV_DONTFORK, so a child created by fork does not inherit them. Linux 5.1.
func RingDontfork(ring *Ring) error {
	c, err := ring.get()
	if err != nil {
		return err
	}
	return errOnly(C.io_uring_ring_dontfork(c))
}

// CloseRingFd wraps io_uring_close_ring_fd: once the ring's fd is registered
// (RegisterRingFd), it closes the plain fd and keeps using the registered
// one, so Fd returns -1 afterwards. It returns 1 on success, unix.EINVAL
// when the fd is not registered and unix.EOPNOTSUPP when the kernel lacks
// IORING_FEAT_REG_REG_RING (Linux 6.3).
func CloseRingFd(ring *Ring) (int, error) {
	c, err := ring.get()
	if err != nil {
		return 0, err
	}
	return errno(C.io_uring_close_ring_fd(c))
}

// ssizeErrno is errno for liburing calls that return ssize_t.
func ssizeErrno(ret C.ssize_t) (int, error) {
	if ret < 0 {
		return 0, unix.Errno(-ret)
	}
	return int(ret), nil
}

// MlockSize wraps io_uring_mlock_size: the bytes of RLIMIT_MEMLOCK a ring of
// entries SQEs with the IORING_SETUP_* flags needs. It sets up a probe ring
// and returns 0 on kernels that account ring memory to the cgroup instead
// (IORING_FEAT_NATIVE_WORKERS, Linux 5.12). Linux 5.1.
func MlockSize(entries, flags uint32) (int, error) {
	return ssizeErrno(C.io_uring_mlock_size(C.uint(entries), C.uint(flags)))
}

// MlockSizeParams wraps io_uring_mlock_size_params: as MlockSize, with the
// ring described by p (flags, cq_entries with IORING_SETUP_CQSIZE). p is
// only read. Linux 5.1.
func MlockSizeParams(entries uint32, p *Params) (int, error) {
	if p == nil {
		return 0, unix.EFAULT
	}
	return ssizeErrno(C.io_uring_mlock_size_params(C.uint(entries), cParams(p)))
}

// QueueExit wraps io_uring_queue_exit: it unmaps the rings and closes the
// ring's file descriptor. A second QueueExit returns ErrRingClosed. Linux 5.1.
func QueueExit(ring *Ring) error {
	c, err := ring.get()
	if err != nil {
		return err
	}
	C.io_uring_queue_exit(c)
	if ring.owned {
		C.free(unsafe.Pointer(c))
	}
	ring.freeScratch()
	ring.c, ring.owned = nil, false
	return nil
}
