//go:build linux && cgo

package liburing

/*
#include "liburing_cgo.h"
*/
import "C"

import "unsafe"

// SQE is struct io_uring_sqe, the 64-byte submission queue entry (128 bytes
// on IORING_SETUP_SQE128 rings, where Cmd reaches the extra 64). Fields that
// are C unions carry the name of their first member; the doc lists the rest.
// Layout is asserted against the C struct by the tests.
type SQE struct {
	Opcode uint8  // IORING_OP_*
	Flags  uint8  // IOSQE_*
	Ioprio uint16 // ioprio; also recv/send/accept flags for some opcodes
	Fd     int32  // file descriptor, or fixed file index with IOSQE_FIXED_FILE
	Off    uint64 // union: off, addr2, cmd_op+__pad1
	Addr   uint64 // union: addr, splice_off_in, level+optname
	Len    uint32 // buffer size or number of iovecs
	// OpFlags is the union of rw_flags, fsync_flags, poll_events,
	// poll32_events, sync_range_flags, msg_flags, timeout_flags,
	// accept_flags, cancel_flags, open_flags, statx_flags, fadvise_advice,
	// splice_flags, rename_flags, unlink_flags, hardlink_flags, xattr_flags,
	// msg_ring_flags, uring_cmd_flags, waitid_flags, futex_flags and
	// install_fd_flags.
	OpFlags  uint32
	UserData uint64 // user_data, returned in the CQE
	BufIndex uint16 // union: buf_index (fixed buffer), buf_group (provided buffers)
	// Personality is the credentials id from RegisterPersonality.
	Personality uint16
	SpliceFdIn  int32  // union: splice_fd_in, file_index, optlen, addr_len+__pad3
	Addr3       uint64 // union: addr3+__pad2[0], optval, cmd[0] starts here
	Pad2        uint64 // __pad2[0]
}

// Cmd returns the SQE's cmd area (struct io_uring_sqe.cmd), which starts at
// Addr3: 16 bytes on a normal ring, 80 bytes on an IORING_SETUP_SQE128 ring.
// Only call it with the size of the ring the SQE belongs to.
func (s *SQE) Cmd(sqe128 bool) []byte {
	n := 16
	if sqe128 {
		n = 80
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&s.Addr3)), n)
}

// c returns the SQE as the C type for cgo calls.
func (s *SQE) c() *C.struct_io_uring_sqe { return (*C.struct_io_uring_sqe)(unsafe.Pointer(s)) }

// CQE is struct io_uring_cqe, the 16-byte completion queue entry (32 bytes
// on IORING_SETUP_CQE32 rings, where BigCQE reaches the extra 16).
type CQE struct {
	UserData uint64 // the SQE's user_data
	Res      int32  // result: >= 0, or -errno (see TrapError)
	Flags    uint32 // IORING_CQE_F_*
}

// BigCQE returns big_cqe[0..1], the extra 16 bytes of a CQE on an
// IORING_SETUP_CQE32 ring. Only call it on CQEs of such a ring.
func (c *CQE) BigCQE() *[2]uint64 {
	return (*[2]uint64)(unsafe.Add(unsafe.Pointer(c), unsafe.Sizeof(CQE{})))
}

func (c *CQE) c() *C.struct_io_uring_cqe { return (*C.struct_io_uring_cqe)(unsafe.Pointer(c)) }

// IoSqringOffsets is struct io_sqring_offsets: where io_uring_setup put the
// SQ ring's fields in its mapping.
type IoSqringOffsets struct {
	Head        uint32
	Tail        uint32
	RingMask    uint32
	RingEntries uint32
	Flags       uint32
	Dropped     uint32
	Array       uint32
	Resv1       uint32
	UserAddr    uint64
}

// IoCqringOffsets is struct io_cqring_offsets: where io_uring_setup put the
// CQ ring's fields in its mapping.
type IoCqringOffsets struct {
	Head        uint32
	Tail        uint32
	RingMask    uint32
	RingEntries uint32
	Overflow    uint32
	Cqes        uint32
	Flags       uint32
	Resv1       uint32
	UserAddr    uint64
}

// Params is struct io_uring_params, passed to io_uring_setup and filled in
// by the kernel.
type Params struct {
	SQEntries    uint32
	CQEntries    uint32
	Flags        uint32 // IORING_SETUP_*
	SQThreadCpu  uint32
	SQThreadIdle uint32
	Features     uint32 // IORING_FEAT_*, set by the kernel
	WqFd         uint32
	Resv         [3]uint32
	SQOff        IoSqringOffsets
	CQOff        IoCqringOffsets
}
