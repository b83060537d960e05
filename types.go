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

// KernelTimespec is struct __kernel_timespec: the 64-bit timespec io_uring
// uses for timeouts and waits, on every architecture.
type KernelTimespec struct {
	Sec  int64 // tv_sec
	Nsec int64 // tv_nsec
}

// FutexWaitv is struct futex_waitv, one futex of IORING_OP_FUTEX_WAITV.
type FutexWaitv struct {
	Val      uint64
	Uaddr    uint64
	Flags    uint32
	Reserved uint32 // __reserved
}

// Restriction is struct io_uring_restriction, one entry for
// RegisterRestrictions. Op is the union of register_op, sqe_op and
// sqe_flags, chosen by Opcode (IORING_RESTRICTION_*).
type Restriction struct {
	Opcode uint16
	Op     uint8
	Resv   uint8
	Resv2  [3]uint32
}

// Buf is struct io_uring_buf, one provided buffer in a buffer ring.
type Buf struct {
	Addr uint64
	Len  uint32
	Bid  uint16
	Resv uint16
}

// BufRing is struct io_uring_buf_ring: the head of a provided-buffer ring.
// Its tail overlays the resv field of the ring's first Buf.
type BufRing struct {
	Resv1 uint64
	Resv2 uint32
	Resv3 uint16
	Tail  uint16
}

// Bufs returns the ring's n buffer slots (bufs[0..n-1]); n must be the
// number of entries the ring was set up with.
func (br *BufRing) Bufs(n int) []Buf {
	return unsafe.Slice((*Buf)(unsafe.Pointer(br)), n)
}

// BufReg is struct io_uring_buf_reg, the argument of RegisterBufRing.
type BufReg struct {
	RingAddr    uint64
	RingEntries uint32
	Bgid        uint16
	Flags       uint16 // IOU_PBUF_RING_*
	Resv        [3]uint64
}

// BufStatus is struct io_uring_buf_status, the argument of
// IORING_REGISTER_PBUF_STATUS.
type BufStatus struct {
	BufGroup uint32
	Head     uint32
	Resv     [8]uint32
}

// Napi is struct io_uring_napi, the argument of RegisterNapi.
type Napi struct {
	BusyPollTo     uint32
	PreferBusyPoll uint8
	Pad            [3]uint8
	Resv           uint64
}

// GeteventsArg is struct io_uring_getevents_arg, passed with
// IORING_ENTER_EXT_ARG. MinWaitUsec is pad in liburing 2.6's header.
type GeteventsArg struct {
	Sigmask     uint64
	SigmaskSz   uint32
	MinWaitUsec uint32
	Ts          uint64
}

// SyncCancelReg is struct io_uring_sync_cancel_reg, the argument of
// RegisterSyncCancel. Opcode (with IORING_ASYNC_CANCEL_OP) and the pads are
// pad[4] in liburing 2.6's header.
type SyncCancelReg struct {
	Addr    uint64
	Fd      int32
	Flags   uint32 // IORING_ASYNC_CANCEL_*
	Timeout KernelTimespec
	Opcode  uint8
	Pad     [7]uint8
	Pad2    [3]uint64
}

// FileIndexRange is struct io_uring_file_index_range, the argument of
// IORING_REGISTER_FILE_ALLOC_RANGE.
type FileIndexRange struct {
	Off  uint32
	Len  uint32
	Resv uint64
}

// RecvmsgOut is struct io_uring_recvmsg_out, the header a multishot recvmsg
// writes at the start of each buffer.
type RecvmsgOut struct {
	Namelen    uint32
	Controllen uint32
	Payloadlen uint32
	Flags      uint32
}

// RsrcRegister is struct io_uring_rsrc_register, the argument of
// IORING_REGISTER_FILES2 and IORING_REGISTER_BUFFERS2.
type RsrcRegister struct {
	Nr    uint32
	Flags uint32 // IORING_RSRC_REGISTER_*
	Resv2 uint64
	Data  uint64
	Tags  uint64
}

// RsrcUpdate is struct io_uring_rsrc_update, the argument of
// IORING_REGISTER_RING_FDS and IORING_REGISTER_FILES_UPDATE.
type RsrcUpdate struct {
	Offset uint32
	Resv   uint32
	Data   uint64
}

// RsrcUpdate2 is struct io_uring_rsrc_update2, the argument of
// IORING_REGISTER_FILES_UPDATE2 and IORING_REGISTER_BUFFERS_UPDATE.
type RsrcUpdate2 struct {
	Offset uint32
	Resv   uint32
	Data   uint64
	Tags   uint64
	Nr     uint32
	Resv2  uint32
}

// FilesUpdate is struct io_uring_files_update, the legacy argument of
// IORING_REGISTER_FILES_UPDATE.
type FilesUpdate struct {
	Offset uint32
	Resv   uint32
	Fds    uint64
}
