//go:build linux && cgo

package liburing

/*
#include "liburing_cgo.h"
*/
import "C"

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// Provided buffer rings (IORING_REGISTER_PBUF_RING): the application hands
// the kernel a ring of buffers for buffer group bgid; a read or receive with
// IOSQE_BUFFER_SELECT and SQE.BufIndex = bgid picks the next one, and its
// CQE carries IORING_CQE_F_BUFFER and the buffer id in
// Flags >> IORING_CQE_BUFFER_SHIFT. The buffers added with BufRingAdd are
// used by the kernel until it hands them back in a CQE, so they must be C
// memory (AllocBuffer) or pinned Go memory for as long as they are in the
// ring. A nil *BufRing is ignored by the void helpers.

// c returns the buffer ring as the C type for cgo calls.
func (br *BufRing) c() *C.struct_io_uring_buf_ring {
	return (*C.struct_io_uring_buf_ring)(unsafe.Pointer(br))
}

// RegisterBufRing wraps io_uring_register_buf_ring: it registers the buffer
// ring described by reg (ring address, entries, group id). reg.RingAddr must
// be page-aligned memory outside the Go heap (unix.Mmap, or C memory) of
// reg.RingEntries*16 bytes that stays valid while registered; with
// IOU_PBUF_RING_MMAP in reg.Flags the kernel allocates it instead (map it at
// IORING_OFF_PBUF_RING). reg is only read during the call. liburing 2.6
// ignores flags; 2.8 and later OR them into reg.Flags (which the caller then
// sees), so pass 0 and set reg.Flags for portable code.
// IORING_REGISTER_PBUF_RING, Linux 5.19.
func RegisterBufRing(ring *Ring, reg *BufReg, flags uint32) error {
	c, err := ring.get()
	if err != nil {
		return err
	}
	if reg == nil {
		return unix.EFAULT
	}
	return errOnly(C.io_uring_register_buf_ring(c, (*C.struct_io_uring_buf_reg)(unsafe.Pointer(reg)), C.uint(flags)))
}

// UnregisterBufRing wraps io_uring_unregister_buf_ring: it unregisters the
// buffer ring of group bgid; the kernel fails with ENOENT when no group bgid
// exists. The ring memory may be released afterwards.
// IORING_UNREGISTER_PBUF_RING, Linux 5.19.
func UnregisterBufRing(ring *Ring, bgid int) error {
	c, err := ring.get()
	if err != nil {
		return err
	}
	return errOnly(C.io_uring_unregister_buf_ring(c, C.int(bgid)))
}

// BufRingHead wraps io_uring_buf_ring_head: the kernel's head index of the
// buffer ring of group bufGroup, i.e. how far it has consumed buffers.
// IORING_REGISTER_PBUF_STATUS, Linux 6.8.
func BufRingHead(ring *Ring, bufGroup int) (uint16, error) {
	c, err := ring.get()
	if err != nil {
		return 0, err
	}
	var head C.uint16_t
	if err := errOnly(C.io_uring_buf_ring_head(c, C.int(bufGroup), &head)); err != nil {
		return 0, err
	}
	return uint16(head), nil
}

// SetupBufRing wraps io_uring_setup_buf_ring: it allocates a buffer ring of
// nentries (a power of two, at most 32768) for group bgid, registers it and
// initialises it; the C out-parameter ret becomes the error. liburing maps
// the ring memory (mmap, not the Go heap); it stays valid until FreeBufRing.
// flags is passed to RegisterBufRing (ignored by liburing 2.6, ORed into the
// registration flags by 2.8 and later). Linux 5.19 (kernel-allocated ring
// with IOU_PBUF_RING_MMAP from Linux 6.4).
func SetupBufRing(ring *Ring, nentries uint32, bgid int, flags uint32) (*BufRing, error) {
	c, err := ring.get()
	if err != nil {
		return nil, err
	}
	var ret C.int
	br := C.io_uring_setup_buf_ring(c, C.uint(nentries), C.int(bgid), C.uint(flags), &ret)
	if br == nil {
		if ret == 0 {
			ret = -C.ENOMEM
		}
		return nil, errOnly(ret)
	}
	return (*BufRing)(unsafe.Pointer(br)), nil
}

// FreeBufRing wraps io_uring_free_buf_ring: it unregisters group bgid and
// unmaps br, which SetupBufRing returned with the same nentries. br and its
// buffers' slots must not be used afterwards. A nil br fails with EFAULT.
// Linux 5.19.
func FreeBufRing(ring *Ring, br *BufRing, nentries uint32, bgid int) error {
	c, err := ring.get()
	if err != nil {
		return err
	}
	if br == nil {
		return unix.EFAULT
	}
	return errOnly(C.io_uring_free_buf_ring(c, br.c(), C.uint(nentries), C.int(bgid)))
}

// BufRingMask wraps io_uring_buf_ring_mask: the index mask (ringEntries-1)
// that BufRingAdd takes for a ring of ringEntries entries. Linux 5.19.
func BufRingMask(ringEntries uint32) int {
	return int(C.io_uring_buf_ring_mask(C.__u32(ringEntries)))
}

// BufRingInit wraps io_uring_buf_ring_init: it resets the ring's tail to 0,
// as needed once for a ring registered with RegisterBufRing (SetupBufRing
// does it itself). Linux 5.19.
func BufRingInit(br *BufRing) {
	if br == nil {
		return
	}
	C.io_uring_buf_ring_init(br.c())
}

// BufRingAdd wraps io_uring_buf_ring_add: it writes buffer addr (len bytes,
// buffer id bid) into the slot bufOffset places past the tail, without
// publishing it; BufRingAdvance makes added buffers visible. mask is
// BufRingMask(entries). addr must stay valid (C memory or pinned) until the
// kernel hands the buffer back in a CQE or the ring is unregistered.
// Linux 5.19.
func BufRingAdd(br *BufRing, addr unsafe.Pointer, len uint32, bid uint16, mask int, bufOffset int) {
	if br == nil {
		return
	}
	C.io_uring_buf_ring_add(br.c(), addr, C.uint(len), C.ushort(bid), C.int(mask), C.int(bufOffset))
}

// BufRingAdvance wraps io_uring_buf_ring_advance: it publishes count buffers
// added with BufRingAdd by moving the tail (a release store). Linux 5.19.
func BufRingAdvance(br *BufRing, count int) {
	if br == nil {
		return
	}
	C.io_uring_buf_ring_advance(br.c(), C.int(count))
}

// BufRingCQAdvance wraps io_uring_buf_ring_cq_advance: BufRingAdvance(br,
// count) and CQAdvance(ring, count) in one step, for returning buffers while
// consuming their CQEs. Linux 5.19.
func BufRingCQAdvance(ring *Ring, br *BufRing, count int) {
	c, err := ring.get()
	if err != nil || br == nil {
		return
	}
	C.io_uring_buf_ring_cq_advance(c, br.c(), C.int(count))
}

// BufRingAvailable wraps io_uring_buf_ring_available: how many published
// buffers of group bgid (whose ring is br) the kernel has not consumed yet,
// tail minus BufRingHead. IORING_REGISTER_PBUF_STATUS, Linux 6.8.
func BufRingAvailable(ring *Ring, br *BufRing, bgid uint16) (int, error) {
	c, err := ring.get()
	if err != nil {
		return 0, err
	}
	if br == nil {
		return 0, unix.EFAULT
	}
	return errno(C.io_uring_buf_ring_available(c, br.c(), C.ushort(bgid)))
}
