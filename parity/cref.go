//go:build linux && cgo

package parity

/*
#include "liburing_cgo.h"
*/
import "C"

import (
	"fmt"
	"unsafe"

	lu "github.com/liburing-go/liburing"
	"golang.org/x/sys/unix"
)

// Reference is the implementation that defines the truth: the liburing
// package, whose every prep helper calls the linked C liburing. Its SQEs are
// the vectors' SQEs, and its rings run the live scenarios' reference side.
var Reference Implementation = cImpl{}

type cImpl struct{}

// LiburingVersion is the linked liburing's version, "2.6" or "2.9".
func LiburingVersion() string { return fmt.Sprintf("%d.%d", lu.MajorVersion(), lu.MinorVersion()) }

func (cImpl) Name() string { return "liburing " + LiburingVersion() + " (C)" }

// ResetSQE does what io_uring_get_sqe does to the SQE it hands out.
func (cImpl) ResetSQE(sqe *SQE) {
	C.io_uring_initialize_sqe((*C.struct_io_uring_sqe)(unsafe.Pointer(sqe)))
}

func lsqe(s *SQE) *lu.SQE { return (*lu.SQE)(unsafe.Pointer(s)) }

func (cImpl) Preps() map[string]PrepFunc { return cPreps }

// cPreps calls the liburing package's wrapper of each helper.
var cPreps = map[string]PrepFunc{
	"io_uring_prep_rw": func(s *SQE, a Args) {
		lu.PrepRw(a.Int(0), lsqe(s), a.Int(1), a.Pointer(2), a.Uint32(3), a.Uint64(4))
	},
	"io_uring_prep_splice": func(s *SQE, a Args) {
		lu.PrepSplice(lsqe(s), a.Int(0), a.Int64(1), a.Int(2), a.Int64(3), a.Uint32(4), a.Uint32(5))
	},
	"io_uring_prep_tee": func(s *SQE, a Args) { lu.PrepTee(lsqe(s), a.Int(0), a.Int(1), a.Uint32(2), a.Uint32(3)) },
	"io_uring_prep_readv": func(s *SQE, a Args) {
		lu.PrepReadv(lsqe(s), a.Int(0), (*unix.Iovec)(a.Pointer(1)), a.Uint32(2), a.Uint64(3))
	},
	"io_uring_prep_readv2": func(s *SQE, a Args) {
		lu.PrepReadv2(lsqe(s), a.Int(0), (*unix.Iovec)(a.Pointer(1)), a.Uint32(2), a.Uint64(3), a.Int(4))
	},
	"io_uring_prep_read_fixed": func(s *SQE, a Args) {
		lu.PrepReadFixed(lsqe(s), a.Int(0), a.Pointer(1), a.Uint32(2), a.Uint64(3), a.Int(4))
	},
	"io_uring_prep_writev": func(s *SQE, a Args) {
		lu.PrepWritev(lsqe(s), a.Int(0), (*unix.Iovec)(a.Pointer(1)), a.Uint32(2), a.Uint64(3))
	},
	"io_uring_prep_writev2": func(s *SQE, a Args) {
		lu.PrepWritev2(lsqe(s), a.Int(0), (*unix.Iovec)(a.Pointer(1)), a.Uint32(2), a.Uint64(3), a.Int(4))
	},
	"io_uring_prep_write_fixed": func(s *SQE, a Args) {
		lu.PrepWriteFixed(lsqe(s), a.Int(0), a.Pointer(1), a.Uint32(2), a.Uint64(3), a.Int(4))
	},
	"io_uring_prep_recvmsg": func(s *SQE, a Args) {
		lu.PrepRecvmsg(lsqe(s), a.Int(0), (*unix.Msghdr)(a.Pointer(1)), a.Uint32(2))
	},
	"io_uring_prep_recvmsg_multishot": func(s *SQE, a Args) {
		lu.PrepRecvmsgMultishot(lsqe(s), a.Int(0), (*unix.Msghdr)(a.Pointer(1)), a.Uint32(2))
	},
	"io_uring_prep_sendmsg": func(s *SQE, a Args) {
		lu.PrepSendmsg(lsqe(s), a.Int(0), (*unix.Msghdr)(a.Pointer(1)), a.Uint32(2))
	},
	"io_uring_prep_poll_add":       func(s *SQE, a Args) { lu.PrepPollAdd(lsqe(s), a.Int(0), a.Uint32(1)) },
	"io_uring_prep_poll_multishot": func(s *SQE, a Args) { lu.PrepPollMultishot(lsqe(s), a.Int(0), a.Uint32(1)) },
	"io_uring_prep_poll_remove":    func(s *SQE, a Args) { lu.PrepPollRemove(lsqe(s), a.Uint64(0)) },
	"io_uring_prep_poll_update": func(s *SQE, a Args) {
		lu.PrepPollUpdate(lsqe(s), a.Uint64(0), a.Uint64(1), a.Uint32(2), a.Uint32(3))
	},
	"io_uring_prep_fsync": func(s *SQE, a Args) { lu.PrepFsync(lsqe(s), a.Int(0), a.Uint32(1)) },
	"io_uring_prep_nop":   func(s *SQE, a Args) { lu.PrepNop(lsqe(s)) },
	"io_uring_prep_timeout": func(s *SQE, a Args) {
		lu.PrepTimeout(lsqe(s), (*lu.KernelTimespec)(a.Pointer(0)), a.Uint32(1), a.Uint32(2))
	},
	"io_uring_prep_timeout_remove": func(s *SQE, a Args) { lu.PrepTimeoutRemove(lsqe(s), a.Uint64(0), a.Uint32(1)) },
	"io_uring_prep_timeout_update": func(s *SQE, a Args) {
		lu.PrepTimeoutUpdate(lsqe(s), (*lu.KernelTimespec)(a.Pointer(0)), a.Uint64(1), a.Uint32(2))
	},
	"io_uring_prep_accept": func(s *SQE, a Args) {
		lu.PrepAccept(lsqe(s), a.Int(0), (*unix.RawSockaddrAny)(a.Pointer(1)), (*uint32)(a.Pointer(2)), a.Int(3))
	},
	"io_uring_prep_accept_direct": func(s *SQE, a Args) {
		lu.PrepAcceptDirect(lsqe(s), a.Int(0), (*unix.RawSockaddrAny)(a.Pointer(1)), (*uint32)(a.Pointer(2)), a.Int(3), a.Uint32(4))
	},
	"io_uring_prep_multishot_accept": func(s *SQE, a Args) {
		lu.PrepMultishotAccept(lsqe(s), a.Int(0), (*unix.RawSockaddrAny)(a.Pointer(1)), (*uint32)(a.Pointer(2)), a.Int(3))
	},
	"io_uring_prep_multishot_accept_direct": func(s *SQE, a Args) {
		lu.PrepMultishotAcceptDirect(lsqe(s), a.Int(0), (*unix.RawSockaddrAny)(a.Pointer(1)), (*uint32)(a.Pointer(2)), a.Int(3))
	},
	"io_uring_prep_cancel64":  func(s *SQE, a Args) { lu.PrepCancel64(lsqe(s), a.Uint64(0), a.Int(1)) },
	"io_uring_prep_cancel":    func(s *SQE, a Args) { lu.PrepCancel(lsqe(s), a.Pointer(0), a.Int(1)) },
	"io_uring_prep_cancel_fd": func(s *SQE, a Args) { lu.PrepCancelFd(lsqe(s), a.Int(0), a.Uint32(1)) },
	"io_uring_prep_link_timeout": func(s *SQE, a Args) {
		lu.PrepLinkTimeout(lsqe(s), (*lu.KernelTimespec)(a.Pointer(0)), a.Uint32(1))
	},
	"io_uring_prep_connect": func(s *SQE, a Args) {
		lu.PrepConnect(lsqe(s), a.Int(0), (*unix.RawSockaddrAny)(a.Pointer(1)), a.Uint32(2))
	},
	"io_uring_prep_files_update": func(s *SQE, a Args) {
		lu.PrepFilesUpdate(lsqe(s), (*int32)(a.Pointer(0)), a.Uint32(1), a.Int(2))
	},
	"io_uring_prep_fallocate": func(s *SQE, a Args) {
		lu.PrepFallocate(lsqe(s), a.Int(0), a.Int(1), a.Uint64(2), a.Uint64(3))
	},
	"io_uring_prep_openat": func(s *SQE, a Args) {
		lu.PrepOpenat(lsqe(s), a.Int(0), (*byte)(a.Pointer(1)), a.Int(2), a.Uint32(3))
	},
	"io_uring_prep_openat_direct": func(s *SQE, a Args) {
		lu.PrepOpenatDirect(lsqe(s), a.Int(0), (*byte)(a.Pointer(1)), a.Int(2), a.Uint32(3), a.Uint32(4))
	},
	"io_uring_prep_close":        func(s *SQE, a Args) { lu.PrepClose(lsqe(s), a.Int(0)) },
	"io_uring_prep_close_direct": func(s *SQE, a Args) { lu.PrepCloseDirect(lsqe(s), a.Uint32(0)) },
	"io_uring_prep_read": func(s *SQE, a Args) {
		lu.PrepRead(lsqe(s), a.Int(0), a.Pointer(1), a.Uint32(2), a.Uint64(3))
	},
	"io_uring_prep_read_multishot": func(s *SQE, a Args) {
		lu.PrepReadMultishot(lsqe(s), a.Int(0), a.Uint32(1), a.Uint64(2), a.Int(3))
	},
	"io_uring_prep_write": func(s *SQE, a Args) {
		lu.PrepWrite(lsqe(s), a.Int(0), a.Pointer(1), a.Uint32(2), a.Uint64(3))
	},
	"io_uring_prep_statx": func(s *SQE, a Args) {
		lu.PrepStatx(lsqe(s), a.Int(0), (*byte)(a.Pointer(1)), a.Int(2), a.Uint32(3), (*unix.Statx_t)(a.Pointer(4)))
	},
	"io_uring_prep_fadvise": func(s *SQE, a Args) {
		lu.PrepFadvise(lsqe(s), a.Int(0), a.Uint64(1), a.Int64(2), a.Int(3))
	},
	"io_uring_prep_madvise": func(s *SQE, a Args) { lu.PrepMadvise(lsqe(s), a.Pointer(0), a.Int64(1), a.Int(2)) },
	"io_uring_prep_send": func(s *SQE, a Args) {
		lu.PrepSend(lsqe(s), a.Int(0), a.Pointer(1), a.Uint64(2), a.Int(3))
	},
	"io_uring_prep_send_set_addr": func(s *SQE, a Args) {
		lu.PrepSendSetAddr(lsqe(s), (*unix.RawSockaddrAny)(a.Pointer(0)), a.Uint16(1))
	},
	"io_uring_prep_sendto": func(s *SQE, a Args) {
		lu.PrepSendto(lsqe(s), a.Int(0), a.Pointer(1), a.Uint64(2), a.Int(3), (*unix.RawSockaddrAny)(a.Pointer(4)), a.Uint32(5))
	},
	"io_uring_prep_send_zc": func(s *SQE, a Args) {
		lu.PrepSendZc(lsqe(s), a.Int(0), a.Pointer(1), a.Uint64(2), a.Int(3), a.Uint32(4))
	},
	"io_uring_prep_send_zc_fixed": func(s *SQE, a Args) {
		lu.PrepSendZcFixed(lsqe(s), a.Int(0), a.Pointer(1), a.Uint64(2), a.Int(3), a.Uint32(4), a.Uint32(5))
	},
	"io_uring_prep_sendmsg_zc": func(s *SQE, a Args) {
		lu.PrepSendmsgZc(lsqe(s), a.Int(0), (*unix.Msghdr)(a.Pointer(1)), a.Uint32(2))
	},
	"io_uring_prep_recv": func(s *SQE, a Args) {
		lu.PrepRecv(lsqe(s), a.Int(0), a.Pointer(1), a.Uint64(2), a.Int(3))
	},
	"io_uring_prep_recv_multishot": func(s *SQE, a Args) {
		lu.PrepRecvMultishot(lsqe(s), a.Int(0), a.Pointer(1), a.Uint64(2), a.Int(3))
	},
	"io_uring_prep_openat2": func(s *SQE, a Args) {
		lu.PrepOpenat2(lsqe(s), a.Int(0), (*byte)(a.Pointer(1)), (*unix.OpenHow)(a.Pointer(2)))
	},
	"io_uring_prep_openat2_direct": func(s *SQE, a Args) {
		lu.PrepOpenat2Direct(lsqe(s), a.Int(0), (*byte)(a.Pointer(1)), (*unix.OpenHow)(a.Pointer(2)), a.Uint32(3))
	},
	"io_uring_prep_epoll_ctl": func(s *SQE, a Args) {
		lu.PrepEpollCtl(lsqe(s), a.Int(0), a.Int(1), a.Int(2), (*unix.EpollEvent)(a.Pointer(3)))
	},
	"io_uring_prep_provide_buffers": func(s *SQE, a Args) {
		lu.PrepProvideBuffers(lsqe(s), a.Pointer(0), a.Int(1), a.Int(2), a.Int(3), a.Int(4))
	},
	"io_uring_prep_remove_buffers": func(s *SQE, a Args) { lu.PrepRemoveBuffers(lsqe(s), a.Int(0), a.Int(1)) },
	"io_uring_prep_shutdown":       func(s *SQE, a Args) { lu.PrepShutdown(lsqe(s), a.Int(0), a.Int(1)) },
	"io_uring_prep_unlinkat": func(s *SQE, a Args) {
		lu.PrepUnlinkat(lsqe(s), a.Int(0), (*byte)(a.Pointer(1)), a.Int(2))
	},
	"io_uring_prep_unlink": func(s *SQE, a Args) { lu.PrepUnlink(lsqe(s), (*byte)(a.Pointer(0)), a.Int(1)) },
	"io_uring_prep_renameat": func(s *SQE, a Args) {
		lu.PrepRenameat(lsqe(s), a.Int(0), (*byte)(a.Pointer(1)), a.Int(2), (*byte)(a.Pointer(3)), a.Uint32(4))
	},
	"io_uring_prep_rename": func(s *SQE, a Args) {
		lu.PrepRename(lsqe(s), (*byte)(a.Pointer(0)), (*byte)(a.Pointer(1)))
	},
	"io_uring_prep_sync_file_range": func(s *SQE, a Args) {
		lu.PrepSyncFileRange(lsqe(s), a.Int(0), a.Uint32(1), a.Uint64(2), a.Int(3))
	},
	"io_uring_prep_mkdirat": func(s *SQE, a Args) {
		lu.PrepMkdirat(lsqe(s), a.Int(0), (*byte)(a.Pointer(1)), a.Uint32(2))
	},
	"io_uring_prep_mkdir": func(s *SQE, a Args) { lu.PrepMkdir(lsqe(s), (*byte)(a.Pointer(0)), a.Uint32(1)) },
	"io_uring_prep_symlinkat": func(s *SQE, a Args) {
		lu.PrepSymlinkat(lsqe(s), (*byte)(a.Pointer(0)), a.Int(1), (*byte)(a.Pointer(2)))
	},
	"io_uring_prep_symlink": func(s *SQE, a Args) {
		lu.PrepSymlink(lsqe(s), (*byte)(a.Pointer(0)), (*byte)(a.Pointer(1)))
	},
	"io_uring_prep_linkat": func(s *SQE, a Args) {
		lu.PrepLinkat(lsqe(s), a.Int(0), (*byte)(a.Pointer(1)), a.Int(2), (*byte)(a.Pointer(3)), a.Int(4))
	},
	"io_uring_prep_link": func(s *SQE, a Args) {
		lu.PrepLink(lsqe(s), (*byte)(a.Pointer(0)), (*byte)(a.Pointer(1)), a.Int(2))
	},
	"io_uring_prep_msg_ring_cqe_flags": func(s *SQE, a Args) {
		lu.PrepMsgRingCQEFlags(lsqe(s), a.Int(0), a.Uint32(1), a.Uint64(2), a.Uint32(3), a.Uint32(4))
	},
	"io_uring_prep_msg_ring": func(s *SQE, a Args) {
		lu.PrepMsgRing(lsqe(s), a.Int(0), a.Uint32(1), a.Uint64(2), a.Uint32(3))
	},
	"io_uring_prep_msg_ring_fd": func(s *SQE, a Args) {
		lu.PrepMsgRingFd(lsqe(s), a.Int(0), a.Int(1), a.Int(2), a.Uint64(3), a.Uint32(4))
	},
	"io_uring_prep_msg_ring_fd_alloc": func(s *SQE, a Args) {
		lu.PrepMsgRingFdAlloc(lsqe(s), a.Int(0), a.Int(1), a.Uint64(2), a.Uint32(3))
	},
	"io_uring_prep_getxattr": func(s *SQE, a Args) {
		lu.PrepGetxattr(lsqe(s), (*byte)(a.Pointer(0)), (*byte)(a.Pointer(1)), (*byte)(a.Pointer(2)), a.Uint32(3))
	},
	"io_uring_prep_setxattr": func(s *SQE, a Args) {
		lu.PrepSetxattr(lsqe(s), (*byte)(a.Pointer(0)), (*byte)(a.Pointer(1)), (*byte)(a.Pointer(2)), a.Int(3), a.Uint32(4))
	},
	"io_uring_prep_fgetxattr": func(s *SQE, a Args) {
		lu.PrepFgetxattr(lsqe(s), a.Int(0), (*byte)(a.Pointer(1)), (*byte)(a.Pointer(2)), a.Uint32(3))
	},
	"io_uring_prep_fsetxattr": func(s *SQE, a Args) {
		lu.PrepFsetxattr(lsqe(s), a.Int(0), (*byte)(a.Pointer(1)), (*byte)(a.Pointer(2)), a.Int(3), a.Uint32(4))
	},
	"io_uring_prep_socket": func(s *SQE, a Args) {
		lu.PrepSocket(lsqe(s), a.Int(0), a.Int(1), a.Int(2), a.Uint32(3))
	},
	"io_uring_prep_socket_direct": func(s *SQE, a Args) {
		lu.PrepSocketDirect(lsqe(s), a.Int(0), a.Int(1), a.Int(2), a.Uint32(3), a.Uint32(4))
	},
	"io_uring_prep_socket_direct_alloc": func(s *SQE, a Args) {
		lu.PrepSocketDirectAlloc(lsqe(s), a.Int(0), a.Int(1), a.Int(2), a.Uint32(3))
	},
	"io_uring_prep_cmd_sock": func(s *SQE, a Args) {
		lu.PrepCmdSock(lsqe(s), a.Int(0), a.Int(1), a.Int(2), a.Int(3), a.Pointer(4), a.Int(5))
	},
	"io_uring_prep_waitid": func(s *SQE, a Args) {
		lu.PrepWaitid(lsqe(s), a.Int(0), a.Uint32(1), (*unix.Siginfo)(a.Pointer(2)), a.Int(3), a.Uint32(4))
	},
	"io_uring_prep_futex_wake": func(s *SQE, a Args) {
		lu.PrepFutexWake(lsqe(s), (*uint32)(a.Pointer(0)), a.Uint64(1), a.Uint64(2), a.Uint32(3), a.Uint32(4))
	},
	"io_uring_prep_futex_wait": func(s *SQE, a Args) {
		lu.PrepFutexWait(lsqe(s), (*uint32)(a.Pointer(0)), a.Uint64(1), a.Uint64(2), a.Uint32(3), a.Uint32(4))
	},
	"io_uring_prep_futex_waitv": func(s *SQE, a Args) {
		lu.PrepFutexWaitv(lsqe(s), (*lu.FutexWaitv)(a.Pointer(0)), a.Uint32(1), a.Uint32(2))
	},
	"io_uring_prep_fixed_fd_install": func(s *SQE, a Args) { lu.PrepFixedFdInstall(lsqe(s), a.Int(0), a.Uint32(1)) },
	"io_uring_prep_ftruncate":        func(s *SQE, a Args) { lu.PrepFtruncate(lsqe(s), a.Int(0), a.Int64(1)) },
}

// ComputeVectors runs every canonical argument set through the linked C
// liburing and returns the vectors with C's SQEs: what the golden file of
// this liburing version must hold.
func ComputeVectors() ([]Vector, error) {
	ar, err := NewArena()
	if err != nil {
		return nil, err
	}
	defer ar.Close()
	vs := AllCases()
	for i := range vs {
		prep := cPreps[vs[i].Func]
		if prep == nil {
			return nil, fmt.Errorf("parity: no C prep for %s", vs[i].Func)
		}
		sqe, err := RunPrep(Reference, prep, &vs[i], ar)
		if err != nil {
			return nil, fmt.Errorf("parity: C %s: %w", vs[i].ID(), err)
		}
		vs[i].SQE = sqe
	}
	return vs, nil
}

// CGolden is the golden file of the linked liburing.
func CGolden() (*Golden, error) {
	vs, err := ComputeVectors()
	if err != nil {
		return nil, err
	}
	return NewGolden(LiburingVersion(), vs, CLayout(), CConstants()), nil
}
