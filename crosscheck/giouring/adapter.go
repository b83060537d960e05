// Package giouring adapts github.com/pawelgaczynski/giouring to the oracle:
// its Prepare* methods as parity.PrepFunc, its Ring as parity.Ring, and its
// constants and struct layouts. Where giouring's API takes Go values
// (slices, time.Duration, *syscall.Sockaddr) the adapter builds them from
// the vector's arguments the way a caller would; what giouring then stores
// in the SQE is its own doing.
package giouring

import (
	"reflect"
	"syscall"
	"time"
	"unsafe"

	"github.com/liburing-go/liburing/parity"
	g "github.com/pawelgaczynski/giouring"
	"golang.org/x/sys/unix"
)

// Impl is giouring as a parity.Implementation (and RingMaker,
// MemRingMaker, ConstantProvider, LayoutProvider). giouring's GetSQE hands
// out the slot as it is, so it has no ResetSQE.
type Impl struct{}

// Name is "giouring".
func (Impl) Name() string { return "giouring" }

func e(s *parity.SQE) *g.SubmissionQueueEntry { return (*g.SubmissionQueueEntry)(unsafe.Pointer(s)) }

// duration reads the struct __kernel_timespec a pointer argument points
// to, for giouring calls that take a time.Duration.
func duration(a parity.Args, i int) time.Duration {
	p := (*[2]int64)(a.Pointer(i))
	if p == nil {
		return 0
	}
	return time.Duration(p[0])*time.Second + time.Duration(p[1])
}

// sockaddr builds the *syscall.Sockaddr giouring takes from the struct
// sockaddr_in a pointer argument points to (nil for NULL).
func sockaddr(a parity.Args, i int) *syscall.Sockaddr {
	p := (*unix.RawSockaddrInet4)(a.Pointer(i))
	if p == nil {
		return nil
	}
	var sa syscall.Sockaddr = &syscall.SockaddrInet4{Port: int(p.Port>>8 | p.Port<<8), Addr: p.Addr}
	return &sa
}

// ints is the int array a pointer argument points to, as the []int giouring
// takes (n elements; no copy).
func ints(a parity.Args, i int, n uint32) []int {
	if a.Pointer(i) == nil {
		return nil
	}
	return unsafe.Slice((*int)(a.Pointer(i)), n)
}

// str is a NUL-terminated string argument as the []byte giouring takes.
func str(a parity.Args, i int) []byte { return a.Bytes(i, 16) }

// Preps maps the C helpers to giouring's Prepare* methods.
func (Impl) Preps() map[string]parity.PrepFunc {
	return map[string]parity.PrepFunc{
		"io_uring_prep_splice": func(s *parity.SQE, a parity.Args) {
			e(s).PrepareSplice(a.Int(0), a.Int64(1), a.Int(2), a.Int64(3), a.Uint32(4), a.Uint32(5))
		},
		"io_uring_prep_tee": func(s *parity.SQE, a parity.Args) { e(s).PrepareTee(a.Int(0), a.Int(1), a.Uint32(2), a.Uint32(3)) },
		"io_uring_prep_readv": func(s *parity.SQE, a parity.Args) {
			e(s).PrepareReadv(a.Int(0), a.Uintptr(1), a.Uint32(2), a.Uint64(3))
		},
		"io_uring_prep_readv2": func(s *parity.SQE, a parity.Args) {
			e(s).PrepareReadv2(a.Int(0), a.Uintptr(1), a.Uint32(2), a.Uint64(3), a.Int(4))
		},
		"io_uring_prep_read_fixed": func(s *parity.SQE, a parity.Args) {
			e(s).PrepareReadFixed(a.Int(0), a.Uintptr(1), a.Uint32(2), a.Uint64(3), a.Int(4))
		},
		"io_uring_prep_writev": func(s *parity.SQE, a parity.Args) {
			e(s).PrepareWritev(a.Int(0), a.Uintptr(1), a.Uint32(2), a.Uint64(3))
		},
		"io_uring_prep_writev2": func(s *parity.SQE, a parity.Args) {
			e(s).PrepareWritev2(a.Int(0), a.Uintptr(1), a.Uint32(2), a.Uint64(3), a.Int(4))
		},
		"io_uring_prep_write_fixed": func(s *parity.SQE, a parity.Args) {
			e(s).PrepareWriteFixed(a.Int(0), a.Uintptr(1), a.Uint32(2), a.Uint64(3), a.Int(4))
		},
		"io_uring_prep_recvmsg": func(s *parity.SQE, a parity.Args) {
			e(s).PrepareRecvMsg(a.Int(0), (*syscall.Msghdr)(a.Pointer(1)), a.Uint32(2))
		},
		"io_uring_prep_recvmsg_multishot": func(s *parity.SQE, a parity.Args) {
			e(s).PrepareRecvMsgMultishot(a.Int(0), (*syscall.Msghdr)(a.Pointer(1)), a.Uint32(2))
		},
		"io_uring_prep_sendmsg": func(s *parity.SQE, a parity.Args) {
			e(s).PrepareSendMsg(a.Int(0), (*syscall.Msghdr)(a.Pointer(1)), a.Uint32(2))
		},
		"io_uring_prep_sendmsg_zc": func(s *parity.SQE, a parity.Args) {
			e(s).PrepareSendmsgZC(a.Int(0), (*syscall.Msghdr)(a.Pointer(1)), a.Uint32(2))
		},
		"io_uring_prep_poll_add":       func(s *parity.SQE, a parity.Args) { e(s).PreparePollAdd(a.Int(0), a.Uint32(1)) },
		"io_uring_prep_poll_multishot": func(s *parity.SQE, a parity.Args) { e(s).PreparePollMultishot(a.Int(0), a.Uint32(1)) },
		"io_uring_prep_poll_remove":    func(s *parity.SQE, a parity.Args) { e(s).PreparePollRemove(a.Uint64(0)) },
		"io_uring_prep_poll_update": func(s *parity.SQE, a parity.Args) {
			e(s).PreparePollUpdate(a.Uint64(0), a.Uint64(1), a.Uint32(2), a.Uint32(3))
		},
		"io_uring_prep_fsync": func(s *parity.SQE, a parity.Args) { e(s).PrepareFsync(a.Int(0), a.Uint32(1)) },
		"io_uring_prep_nop":   func(s *parity.SQE, a parity.Args) { e(s).PrepareNop() },
		"io_uring_prep_timeout": func(s *parity.SQE, a parity.Args) {
			e(s).PrepareTimeout((*syscall.Timespec)(a.Pointer(0)), a.Uint32(1), a.Uint32(2))
		},
		// giouring's PrepareTimeoutRemove and PrepareTimeoutUpdate take
		// (duration, count, flags); the C user_data goes to count.
		"io_uring_prep_timeout_remove": func(s *parity.SQE, a parity.Args) {
			e(s).PrepareTimeoutRemove(0, a.Uint64(0), a.Uint32(1))
		},
		"io_uring_prep_timeout_update": func(s *parity.SQE, a parity.Args) {
			e(s).PrepareTimeoutUpdate(duration(a, 0), a.Uint64(1), a.Uint32(2))
		},
		"io_uring_prep_accept": func(s *parity.SQE, a parity.Args) {
			e(s).PrepareAccept(a.Int(0), a.Uintptr(1), uint64(a.Uintptr(2)), a.Uint32(3))
		},
		"io_uring_prep_accept_direct": func(s *parity.SQE, a parity.Args) {
			e(s).PrepareAcceptDirect(a.Int(0), a.Uintptr(1), uint64(a.Uintptr(2)), a.Uint32(3), a.Uint32(4))
		},
		"io_uring_prep_multishot_accept": func(s *parity.SQE, a parity.Args) {
			e(s).PrepareMultishotAccept(a.Int(0), a.Uintptr(1), uint64(a.Uintptr(2)), a.Int(3))
		},
		"io_uring_prep_multishot_accept_direct": func(s *parity.SQE, a parity.Args) {
			e(s).PrepareMultishotAcceptDirect(a.Int(0), a.Uintptr(1), uint64(a.Uintptr(2)), a.Int(3))
		},
		"io_uring_prep_cancel64":  func(s *parity.SQE, a parity.Args) { e(s).PrepareCancel64(a.Uint64(0), a.Int(1)) },
		"io_uring_prep_cancel":    func(s *parity.SQE, a parity.Args) { e(s).PrepareCancel(a.Uintptr(0), a.Int(1)) },
		"io_uring_prep_cancel_fd": func(s *parity.SQE, a parity.Args) { e(s).PrepareCancelFd(a.Int(0), a.Uint32(1)) },
		"io_uring_prep_link_timeout": func(s *parity.SQE, a parity.Args) {
			e(s).PrepareLinkTimeout(duration(a, 0), a.Uint32(1))
		},
		"io_uring_prep_connect": func(s *parity.SQE, a parity.Args) {
			e(s).PrepareConnect(a.Int(0), sockaddr(a, 1), uint64(a.Uint32(2)))
		},
		"io_uring_prep_files_update": func(s *parity.SQE, a parity.Args) {
			e(s).PrepareFilesUpdate(ints(a, 0, a.Uint32(1)), a.Int(2))
		},
		"io_uring_prep_fallocate": func(s *parity.SQE, a parity.Args) {
			e(s).PrepareFallocate(a.Int(0), a.Int(1), a.Uint64(2), a.Uint64(3))
		},
		"io_uring_prep_openat": func(s *parity.SQE, a parity.Args) {
			e(s).PrepareOpenat(a.Int(0), str(a, 1), a.Int(2), a.Uint32(3))
		},
		"io_uring_prep_openat_direct": func(s *parity.SQE, a parity.Args) {
			e(s).PrepareOpenatDirect(a.Int(0), str(a, 1), a.Int(2), a.Uint32(3), a.Uint32(4))
		},
		"io_uring_prep_close":        func(s *parity.SQE, a parity.Args) { e(s).PrepareClose(a.Int(0)) },
		"io_uring_prep_close_direct": func(s *parity.SQE, a parity.Args) { e(s).PrepareCloseDirect(a.Uint32(0)) },
		"io_uring_prep_read": func(s *parity.SQE, a parity.Args) {
			e(s).PrepareRead(a.Int(0), a.Uintptr(1), a.Uint32(2), a.Uint64(3))
		},
		"io_uring_prep_write": func(s *parity.SQE, a parity.Args) {
			e(s).PrepareWrite(a.Int(0), a.Uintptr(1), a.Uint32(2), a.Uint64(3))
		},
		"io_uring_prep_statx": func(s *parity.SQE, a parity.Args) {
			e(s).PrepareStatx(a.Int(0), str(a, 1), a.Int(2), a.Uint32(3), (*unix.Statx_t)(a.Pointer(4)))
		},
		"io_uring_prep_fadvise": func(s *parity.SQE, a parity.Args) {
			e(s).PrepareFadvise(a.Int(0), a.Uint64(1), int(a.Int64(2)), a.Uint32(3))
		},
		"io_uring_prep_madvise": func(s *parity.SQE, a parity.Args) {
			e(s).PrepareMadvise(a.Uintptr(0), uint(a.Int64(1)), a.Int(2))
		},
		"io_uring_prep_send": func(s *parity.SQE, a parity.Args) {
			e(s).PrepareSend(a.Int(0), a.Uintptr(1), uint32(a.Uint64(2)), a.Int(3))
		},
		"io_uring_prep_send_set_addr": func(s *parity.SQE, a parity.Args) {
			e(s).PrepareSendSetAddr(sockaddr(a, 0), a.Uint16(1))
		},
		"io_uring_prep_sendto": func(s *parity.SQE, a parity.Args) {
			e(s).PrepareSendto(a.Int(0), a.Bytes(1, a.Uint64(2)), a.Int(3), sockaddr(a, 4), a.Uint32(5))
		},
		"io_uring_prep_send_zc": func(s *parity.SQE, a parity.Args) {
			e(s).PrepareSendZC(a.Int(0), a.Bytes(1, a.Uint64(2)), a.Int(3), a.Uint32(4))
		},
		"io_uring_prep_send_zc_fixed": func(s *parity.SQE, a parity.Args) {
			e(s).PrepareSendZCFixed(a.Int(0), a.Bytes(1, a.Uint64(2)), a.Int(3), a.Uint32(4), a.Uint32(5))
		},
		"io_uring_prep_recv": func(s *parity.SQE, a parity.Args) {
			e(s).PrepareRecv(a.Int(0), a.Uintptr(1), uint32(a.Uint64(2)), a.Int(3))
		},
		"io_uring_prep_recv_multishot": func(s *parity.SQE, a parity.Args) {
			e(s).PrepareRecvMultishot(a.Int(0), a.Uintptr(1), uint32(a.Uint64(2)), a.Int(3))
		},
		"io_uring_prep_openat2": func(s *parity.SQE, a parity.Args) {
			e(s).PrepareOpenat2(a.Int(0), str(a, 1), (*unix.OpenHow)(a.Pointer(2)))
		},
		"io_uring_prep_openat2_direct": func(s *parity.SQE, a parity.Args) {
			e(s).PrepareOpenat2Direct(a.Int(0), str(a, 1), (*unix.OpenHow)(a.Pointer(2)), a.Uint32(3))
		},
		"io_uring_prep_provide_buffers": func(s *parity.SQE, a parity.Args) {
			e(s).PrepareProvideBuffers(a.Uintptr(0), a.Int(1), a.Int(2), a.Int(3), a.Int(4))
		},
		"io_uring_prep_remove_buffers": func(s *parity.SQE, a parity.Args) { e(s).PrepareRemoveBuffers(a.Int(0), a.Int(1)) },
		"io_uring_prep_shutdown":       func(s *parity.SQE, a parity.Args) { e(s).PrepareShutdown(a.Int(0), a.Int(1)) },
		"io_uring_prep_unlinkat": func(s *parity.SQE, a parity.Args) {
			e(s).PrepareUnlinkat(a.Int(0), a.Uintptr(1), a.Int(2))
		},
		"io_uring_prep_unlink": func(s *parity.SQE, a parity.Args) { e(s).PrepareUnlink(a.Uintptr(0), a.Int(1)) },
		"io_uring_prep_renameat": func(s *parity.SQE, a parity.Args) {
			e(s).PrepareRenameat(a.Int(0), str(a, 1), a.Int(2), str(a, 3), a.Uint32(4))
		},
		"io_uring_prep_rename": func(s *parity.SQE, a parity.Args) { e(s).PrepareRename(str(a, 0), str(a, 1)) },
		"io_uring_prep_sync_file_range": func(s *parity.SQE, a parity.Args) {
			e(s).PrepareSyncFileRange(a.Int(0), a.Uint32(1), a.Uint64(2), a.Int(3))
		},
		"io_uring_prep_mkdirat": func(s *parity.SQE, a parity.Args) { e(s).PrepareMkdirat(a.Int(0), str(a, 1), a.Uint32(2)) },
		"io_uring_prep_mkdir":   func(s *parity.SQE, a parity.Args) { e(s).PrepareMkdir(str(a, 0), a.Uint32(1)) },
		"io_uring_prep_symlinkat": func(s *parity.SQE, a parity.Args) {
			e(s).PrepareSymlinkat(str(a, 0), a.Int(1), str(a, 2))
		},
		"io_uring_prep_symlink": func(s *parity.SQE, a parity.Args) { e(s).PrepareSymlink(str(a, 0), str(a, 1)) },
		"io_uring_prep_linkat": func(s *parity.SQE, a parity.Args) {
			e(s).PrepareLinkat(a.Int(0), str(a, 1), a.Int(2), str(a, 3), a.Int(4))
		},
		"io_uring_prep_link": func(s *parity.SQE, a parity.Args) { e(s).PrepareLink(str(a, 0), str(a, 1), a.Int(2)) },
		"io_uring_prep_msg_ring_cqe_flags": func(s *parity.SQE, a parity.Args) {
			e(s).PrepareMsgRingCqeFlags(a.Int(0), a.Uint32(1), a.Uint64(2), a.Uint32(3), a.Uint32(4))
		},
		"io_uring_prep_msg_ring": func(s *parity.SQE, a parity.Args) {
			e(s).PrepareMsgRing(a.Int(0), a.Uint32(1), a.Uint64(2), a.Uint32(3))
		},
		"io_uring_prep_msg_ring_fd": func(s *parity.SQE, a parity.Args) {
			e(s).PrepareMsgRingFd(a.Int(0), a.Int(1), a.Int(2), a.Uint64(3), a.Uint32(4))
		},
		"io_uring_prep_msg_ring_fd_alloc": func(s *parity.SQE, a parity.Args) {
			e(s).PrepareMsgRingFdAlloc(a.Int(0), a.Int(1), a.Uint64(2), a.Uint32(3))
		},
		"io_uring_prep_getxattr": func(s *parity.SQE, a parity.Args) {
			e(s).PrepareGetxattr(str(a, 0), a.Bytes(1, uint64(a.Uint32(3))), str(a, 2))
		},
		"io_uring_prep_setxattr": func(s *parity.SQE, a parity.Args) {
			e(s).PrepareSetxattr(str(a, 0), a.Bytes(1, uint64(a.Uint32(4))), str(a, 2), a.Int(3), a.Uint32(4))
		},
		"io_uring_prep_fgetxattr": func(s *parity.SQE, a parity.Args) {
			e(s).PrepareFgetxattr(a.Int(0), str(a, 1), a.Bytes(2, uint64(a.Uint32(3))))
		},
		"io_uring_prep_fsetxattr": func(s *parity.SQE, a parity.Args) {
			e(s).PrepareFsetxattr(a.Int(0), str(a, 1), a.Bytes(2, uint64(a.Uint32(4))), a.Int(3))
		},
		"io_uring_prep_socket": func(s *parity.SQE, a parity.Args) {
			e(s).PrepareSocket(a.Int(0), a.Int(1), a.Int(2), a.Uint32(3))
		},
		"io_uring_prep_socket_direct": func(s *parity.SQE, a parity.Args) {
			e(s).PrepareSocketDirect(a.Int(0), a.Int(1), a.Int(2), a.Uint32(3), a.Uint32(4))
		},
		"io_uring_prep_socket_direct_alloc": func(s *parity.SQE, a parity.Args) {
			e(s).PrepareSocketDirectAlloc(a.Int(0), a.Int(1), a.Int(2), a.Uint32(3))
		},
		"io_uring_prep_cmd_sock": func(s *parity.SQE, a parity.Args) {
			e(s).PrepareCmdSock(a.Int(0), a.Int(1), a.Int(2), a.Int(3), a.Pointer(4), a.Int(5))
		},
	}
}

// ring adapts *giouring.Ring to parity.Ring and the registrars.
type ring struct {
	r       *g.Ring
	eventfd int
}

// NewRing is giouring's QueueInit.
func (Impl) NewRing(entries, flags uint32) (parity.Ring, error) {
	r := g.NewRing()
	if err := r.QueueInit(entries, flags); err != nil {
		return nil, err
	}
	return &ring{r: r}, nil
}

// NewRingMem is giouring's QueueInitMem. giouring's Params has no exported
// fields (flags cannot be set) and QueueInitMem returns no byte count.
func (Impl) NewRingMem(entries, flags uint32, mem unsafe.Pointer, size uint64) (parity.Ring, int, error) {
	r := g.NewRing()
	if err := r.QueueInitMem(entries, &g.Params{}, mem, size); err != nil {
		return nil, -1, err
	}
	return &ring{r: r}, -1, nil
}

func (r *ring) GetSQE() *parity.SQE { return (*parity.SQE)(unsafe.Pointer(r.r.GetSQE())) }

func (r *ring) Submit() (int, error) {
	n, err := r.r.Submit()
	return int(n), err
}

func (r *ring) PeekCQE() (parity.CQE, bool) {
	c, err := r.r.PeekCQE()
	if err != nil || c == nil {
		return parity.CQE{}, false
	}
	out := parity.CQE{UserData: c.UserData, Res: c.Res, Flags: c.Flags}
	r.r.CQESeen(c)
	return out, true
}

// Fd reads giouring's unexported ring fd: giouring has no accessor.
func (r *ring) Fd() int { return int(reflect.ValueOf(r.r).Elem().FieldByName("ringFd").Int()) }

func (r *ring) Close() error { r.r.QueueExit(); return nil }

func toInts(fds []int32) []int {
	out := make([]int, len(fds))
	for i, fd := range fds {
		out[i] = int(fd)
	}
	return out
}

func (r *ring) RegisterFiles(fds []int32) error {
	_, err := r.r.RegisterFiles(toInts(fds))
	return err
}

func (r *ring) RegisterFilesUpdate(off uint32, fds []int32) (int, error) {
	n, err := r.r.RegisterFilesUpdate(uint(off), toInts(fds))
	return int(n), err
}

func (r *ring) UnregisterFiles() error { _, err := r.r.UnregisterFiles(); return err }

func (r *ring) RegisterEventfd(fd int) error {
	r.eventfd = fd
	_, err := r.r.RegisterEventFd(fd)
	return err
}

// UnregisterEventfd passes the fd registered last: giouring's
// UnregisterEventFd takes one where C takes none.
func (r *ring) UnregisterEventfd() error { _, err := r.r.UnregisterEventFd(r.eventfd); return err }

func (r *ring) RegisterBuffers(iov []unix.Iovec) error {
	_, err := r.r.RegisterBuffers(*(*[]syscall.Iovec)(unsafe.Pointer(&iov)))
	return err
}

func (r *ring) UnregisterBuffers() error { _, err := r.r.UnregisterBuffers(); return err }

func (r *ring) RegisterRingFd() (int, error) {
	n, err := r.r.RegisterRingFd()
	return int(n), err
}

func (r *ring) UnregisterRingFd() (int, error) {
	n, err := r.r.UnregisterRingFd()
	return int(n), err
}

func (r *ring) RegisterBufRing(reg *parity.BufReg, flags uint32) error {
	_, err := r.r.RegisterBufferRing((*g.BufReg)(unsafe.Pointer(reg)), flags)
	return err
}

func (r *ring) UnregisterBufRing(bgid int) error {
	_, err := r.r.UnregisterBufferRing(bgid)
	return err
}
