//go:build linux && cgo

package liburing

import (
	"bytes"
	"math"
	"testing"
	"unsafe"

	"github.com/liburing-go/liburing/internal/ctest"
	"golang.org/x/sys/unix"
)

// fuzzArgs are one set of arguments for every prep helper: the Go wrapper
// gets them through the typed accessors below, and liburing's C helper (in
// internal/ctest) gets the same raw values, converted by C's prototypes.
type fuzzArgs struct {
	ctest.PrepArgs                   // raw values, as C gets them
	ptrs           [4]unsafe.Pointer // the same addresses as P, for Go
}

func (a *fuzzArgs) int(i int) int            { return int(int64(a.V[i])) }
func (a *fuzzArgs) i64(i int) int64          { return int64(a.V[i]) }
func (a *fuzzArgs) u64(i int) uint64         { return a.V[i] }
func (a *fuzzArgs) u32(i int) uint32         { return uint32(a.V[i]) }
func (a *fuzzArgs) u16(i int) uint16         { return uint16(a.V[i]) }
func (a *fuzzArgs) ptr(i int) unsafe.Pointer { return a.ptrs[i] }
func (a *fuzzArgs) str(i int) *byte          { return (*byte)(a.ptr(i)) }
func (a *fuzzArgs) iov(i int) *unix.Iovec    { return (*unix.Iovec)(a.ptr(i)) }
func (a *fuzzArgs) msg(i int) *unix.Msghdr   { return (*unix.Msghdr)(a.ptr(i)) }
func (a *fuzzArgs) ts(i int) *KernelTimespec { return (*KernelTimespec)(a.ptr(i)) }
func (a *fuzzArgs) sa(i int) *unix.RawSockaddrAny {
	return (*unix.RawSockaddrAny)(a.ptr(i))
}
func (a *fuzzArgs) socklen(i int) *uint32 { return (*uint32)(a.ptr(i)) }

// fuzzPrepCalls calls each Go wrapper with the argument slots its row in
// internal/ctest's CT_PREPS uses, keyed by the same name.
var fuzzPrepCalls = map[string]func(s *SQE, a *fuzzArgs){
	"nop":         func(s *SQE, a *fuzzArgs) { PrepNop(s) },
	"rw":          func(s *SQE, a *fuzzArgs) { PrepRw(a.int(0), s, a.int(1), a.ptr(0), a.u32(2), a.u64(3)) },
	"splice":      func(s *SQE, a *fuzzArgs) { PrepSplice(s, a.int(0), a.i64(1), a.int(2), a.i64(3), a.u32(4), a.u32(5)) },
	"tee":         func(s *SQE, a *fuzzArgs) { PrepTee(s, a.int(0), a.int(1), a.u32(2), a.u32(3)) },
	"readv":       func(s *SQE, a *fuzzArgs) { PrepReadv(s, a.int(0), a.iov(0), a.u32(1), a.u64(2)) },
	"readv2":      func(s *SQE, a *fuzzArgs) { PrepReadv2(s, a.int(0), a.iov(0), a.u32(1), a.u64(2), a.int(3)) },
	"read_fixed":  func(s *SQE, a *fuzzArgs) { PrepReadFixed(s, a.int(0), a.ptr(0), a.u32(1), a.u64(2), a.int(3)) },
	"writev":      func(s *SQE, a *fuzzArgs) { PrepWritev(s, a.int(0), a.iov(0), a.u32(1), a.u64(2)) },
	"writev2":     func(s *SQE, a *fuzzArgs) { PrepWritev2(s, a.int(0), a.iov(0), a.u32(1), a.u64(2), a.int(3)) },
	"write_fixed": func(s *SQE, a *fuzzArgs) { PrepWriteFixed(s, a.int(0), a.ptr(0), a.u32(1), a.u64(2), a.int(3)) },
	"recvmsg":     func(s *SQE, a *fuzzArgs) { PrepRecvmsg(s, a.int(0), a.msg(0), a.u32(1)) },
	"recvmsg_multishot": func(s *SQE, a *fuzzArgs) {
		PrepRecvmsgMultishot(s, a.int(0), a.msg(0), a.u32(1))
	},
	"sendmsg":          func(s *SQE, a *fuzzArgs) { PrepSendmsg(s, a.int(0), a.msg(0), a.u32(1)) },
	"poll_add":         func(s *SQE, a *fuzzArgs) { PrepPollAdd(s, a.int(0), a.u32(1)) },
	"poll_multishot":   func(s *SQE, a *fuzzArgs) { PrepPollMultishot(s, a.int(0), a.u32(1)) },
	"poll_remove":      func(s *SQE, a *fuzzArgs) { PrepPollRemove(s, a.u64(0)) },
	"poll_update":      func(s *SQE, a *fuzzArgs) { PrepPollUpdate(s, a.u64(0), a.u64(1), a.u32(2), a.u32(3)) },
	"fsync":            func(s *SQE, a *fuzzArgs) { PrepFsync(s, a.int(0), a.u32(1)) },
	"timeout":          func(s *SQE, a *fuzzArgs) { PrepTimeout(s, a.ts(0), a.u32(0), a.u32(1)) },
	"timeout_remove":   func(s *SQE, a *fuzzArgs) { PrepTimeoutRemove(s, a.u64(0), a.u32(1)) },
	"timeout_update":   func(s *SQE, a *fuzzArgs) { PrepTimeoutUpdate(s, a.ts(0), a.u64(0), a.u32(1)) },
	"accept":           func(s *SQE, a *fuzzArgs) { PrepAccept(s, a.int(0), a.sa(0), a.socklen(1), a.int(1)) },
	"accept_direct":    func(s *SQE, a *fuzzArgs) { PrepAcceptDirect(s, a.int(0), a.sa(0), a.socklen(1), a.int(1), a.u32(2)) },
	"multishot_accept": func(s *SQE, a *fuzzArgs) { PrepMultishotAccept(s, a.int(0), a.sa(0), a.socklen(1), a.int(1)) },
	"multishot_accept_direct": func(s *SQE, a *fuzzArgs) {
		PrepMultishotAcceptDirect(s, a.int(0), a.sa(0), a.socklen(1), a.int(1))
	},
	"cancel64":      func(s *SQE, a *fuzzArgs) { PrepCancel64(s, a.u64(0), a.int(1)) },
	"cancel":        func(s *SQE, a *fuzzArgs) { PrepCancel(s, a.ptr(0), a.int(0)) },
	"cancel_fd":     func(s *SQE, a *fuzzArgs) { PrepCancelFd(s, a.int(0), a.u32(1)) },
	"link_timeout":  func(s *SQE, a *fuzzArgs) { PrepLinkTimeout(s, a.ts(0), a.u32(0)) },
	"connect":       func(s *SQE, a *fuzzArgs) { PrepConnect(s, a.int(0), a.sa(0), a.u32(1)) },
	"files_update":  func(s *SQE, a *fuzzArgs) { PrepFilesUpdate(s, (*int32)(a.ptr(0)), a.u32(0), a.int(1)) },
	"fallocate":     func(s *SQE, a *fuzzArgs) { PrepFallocate(s, a.int(0), a.int(1), a.u64(2), a.u64(3)) },
	"openat":        func(s *SQE, a *fuzzArgs) { PrepOpenat(s, a.int(0), a.str(0), a.int(1), a.u32(2)) },
	"openat_direct": func(s *SQE, a *fuzzArgs) { PrepOpenatDirect(s, a.int(0), a.str(0), a.int(1), a.u32(2), a.u32(3)) },
	"close":         func(s *SQE, a *fuzzArgs) { PrepClose(s, a.int(0)) },
	"close_direct":  func(s *SQE, a *fuzzArgs) { PrepCloseDirect(s, a.u32(0)) },
	"read":          func(s *SQE, a *fuzzArgs) { PrepRead(s, a.int(0), a.ptr(0), a.u32(1), a.u64(2)) },
	"read_multishot": func(s *SQE, a *fuzzArgs) {
		PrepReadMultishot(s, a.int(0), a.u32(1), a.u64(2), a.int(3))
	},
	"write": func(s *SQE, a *fuzzArgs) { PrepWrite(s, a.int(0), a.ptr(0), a.u32(1), a.u64(2)) },
	"statx": func(s *SQE, a *fuzzArgs) {
		PrepStatx(s, a.int(0), a.str(0), a.int(1), a.u32(2), (*unix.Statx_t)(a.ptr(1)))
	},
	"fadvise":       func(s *SQE, a *fuzzArgs) { PrepFadvise(s, a.int(0), a.u64(1), a.i64(2), a.int(3)) },
	"madvise":       func(s *SQE, a *fuzzArgs) { PrepMadvise(s, a.ptr(0), a.i64(0), a.int(1)) },
	"send":          func(s *SQE, a *fuzzArgs) { PrepSend(s, a.int(0), a.ptr(0), a.u64(1), a.int(2)) },
	"send_set_addr": func(s *SQE, a *fuzzArgs) { PrepSendSetAddr(s, a.sa(0), a.u16(0)) },
	"sendto": func(s *SQE, a *fuzzArgs) {
		PrepSendto(s, a.int(0), a.ptr(0), a.u64(1), a.int(2), a.sa(1), a.u32(3))
	},
	"send_zc": func(s *SQE, a *fuzzArgs) { PrepSendZc(s, a.int(0), a.ptr(0), a.u64(1), a.int(2), a.u32(3)) },
	"send_zc_fixed": func(s *SQE, a *fuzzArgs) {
		PrepSendZcFixed(s, a.int(0), a.ptr(0), a.u64(1), a.int(2), a.u32(3), a.u32(4))
	},
	"sendmsg_zc":     func(s *SQE, a *fuzzArgs) { PrepSendmsgZc(s, a.int(0), a.msg(0), a.u32(1)) },
	"recv":           func(s *SQE, a *fuzzArgs) { PrepRecv(s, a.int(0), a.ptr(0), a.u64(1), a.int(2)) },
	"recv_multishot": func(s *SQE, a *fuzzArgs) { PrepRecvMultishot(s, a.int(0), a.ptr(0), a.u64(1), a.int(2)) },
	"openat2": func(s *SQE, a *fuzzArgs) {
		PrepOpenat2(s, a.int(0), a.str(0), (*unix.OpenHow)(a.ptr(1)))
	},
	"openat2_direct": func(s *SQE, a *fuzzArgs) {
		PrepOpenat2Direct(s, a.int(0), a.str(0), (*unix.OpenHow)(a.ptr(1)), a.u32(1))
	},
	"epoll_ctl": func(s *SQE, a *fuzzArgs) {
		PrepEpollCtl(s, a.int(0), a.int(1), a.int(2), (*unix.EpollEvent)(a.ptr(0)))
	},
	"provide_buffers": func(s *SQE, a *fuzzArgs) {
		PrepProvideBuffers(s, a.ptr(0), a.int(0), a.int(1), a.int(2), a.int(3))
	},
	"remove_buffers":  func(s *SQE, a *fuzzArgs) { PrepRemoveBuffers(s, a.int(0), a.int(1)) },
	"shutdown":        func(s *SQE, a *fuzzArgs) { PrepShutdown(s, a.int(0), a.int(1)) },
	"unlinkat":        func(s *SQE, a *fuzzArgs) { PrepUnlinkat(s, a.int(0), a.str(0), a.int(1)) },
	"unlink":          func(s *SQE, a *fuzzArgs) { PrepUnlink(s, a.str(0), a.int(0)) },
	"renameat":        func(s *SQE, a *fuzzArgs) { PrepRenameat(s, a.int(0), a.str(0), a.int(1), a.str(1), a.u32(2)) },
	"rename":          func(s *SQE, a *fuzzArgs) { PrepRename(s, a.str(0), a.str(1)) },
	"sync_file_range": func(s *SQE, a *fuzzArgs) { PrepSyncFileRange(s, a.int(0), a.u32(1), a.u64(2), a.int(3)) },
	"mkdirat":         func(s *SQE, a *fuzzArgs) { PrepMkdirat(s, a.int(0), a.str(0), a.u32(1)) },
	"mkdir":           func(s *SQE, a *fuzzArgs) { PrepMkdir(s, a.str(0), a.u32(0)) },
	"symlinkat":       func(s *SQE, a *fuzzArgs) { PrepSymlinkat(s, a.str(0), a.int(0), a.str(1)) },
	"symlink":         func(s *SQE, a *fuzzArgs) { PrepSymlink(s, a.str(0), a.str(1)) },
	"linkat":          func(s *SQE, a *fuzzArgs) { PrepLinkat(s, a.int(0), a.str(0), a.int(1), a.str(1), a.int(2)) },
	"link":            func(s *SQE, a *fuzzArgs) { PrepLink(s, a.str(0), a.str(1), a.int(0)) },
	"msg_ring_cqe_flags": func(s *SQE, a *fuzzArgs) {
		PrepMsgRingCQEFlags(s, a.int(0), a.u32(1), a.u64(2), a.u32(3), a.u32(4))
	},
	"msg_ring": func(s *SQE, a *fuzzArgs) { PrepMsgRing(s, a.int(0), a.u32(1), a.u64(2), a.u32(3)) },
	"msg_ring_fd": func(s *SQE, a *fuzzArgs) {
		PrepMsgRingFd(s, a.int(0), a.int(1), a.int(2), a.u64(3), a.u32(4))
	},
	"msg_ring_fd_alloc": func(s *SQE, a *fuzzArgs) {
		PrepMsgRingFdAlloc(s, a.int(0), a.int(1), a.u64(2), a.u32(3))
	},
	"getxattr":  func(s *SQE, a *fuzzArgs) { PrepGetxattr(s, a.str(0), a.str(1), a.str(2), a.u32(0)) },
	"setxattr":  func(s *SQE, a *fuzzArgs) { PrepSetxattr(s, a.str(0), a.str(1), a.str(2), a.int(0), a.u32(1)) },
	"fgetxattr": func(s *SQE, a *fuzzArgs) { PrepFgetxattr(s, a.int(0), a.str(0), a.str(1), a.u32(1)) },
	"fsetxattr": func(s *SQE, a *fuzzArgs) { PrepFsetxattr(s, a.int(0), a.str(0), a.str(1), a.int(1), a.u32(2)) },
	"socket":    func(s *SQE, a *fuzzArgs) { PrepSocket(s, a.int(0), a.int(1), a.int(2), a.u32(3)) },
	"socket_direct": func(s *SQE, a *fuzzArgs) {
		PrepSocketDirect(s, a.int(0), a.int(1), a.int(2), a.u32(3), a.u32(4))
	},
	"socket_direct_alloc": func(s *SQE, a *fuzzArgs) {
		PrepSocketDirectAlloc(s, a.int(0), a.int(1), a.int(2), a.u32(3))
	},
	"cmd_sock": func(s *SQE, a *fuzzArgs) {
		PrepCmdSock(s, a.int(0), a.int(1), a.int(2), a.int(3), a.ptr(0), a.int(4))
	},
	"waitid": func(s *SQE, a *fuzzArgs) {
		PrepWaitid(s, a.int(0), a.u32(1), (*unix.Siginfo)(a.ptr(0)), a.int(2), a.u32(3))
	},
	"futex_wake": func(s *SQE, a *fuzzArgs) {
		PrepFutexWake(s, (*uint32)(a.ptr(0)), a.u64(0), a.u64(1), a.u32(2), a.u32(3))
	},
	"futex_wait": func(s *SQE, a *fuzzArgs) {
		PrepFutexWait(s, (*uint32)(a.ptr(0)), a.u64(0), a.u64(1), a.u32(2), a.u32(3))
	},
	"futex_waitv": func(s *SQE, a *fuzzArgs) {
		PrepFutexWaitv(s, (*FutexWaitv)(a.ptr(0)), a.u32(0), a.u32(1))
	},
	"fixed_fd_install": func(s *SQE, a *fuzzArgs) { PrepFixedFdInstall(s, a.int(0), a.u32(1)) },
	"ftruncate":        func(s *SQE, a *fuzzArgs) { PrepFtruncate(s, a.int(0), a.i64(1)) },
	"sqe_set_data":     func(s *SQE, a *fuzzArgs) { SQESetData(s, a.ptr(0)) },
	"sqe_set_data64":   func(s *SQE, a *fuzzArgs) { SQESetData64(s, a.u64(0)) },
	"sqe_set_flags":    func(s *SQE, a *fuzzArgs) { SQESetFlags(s, a.u32(0)) },
}

// fuzzArena is C memory the pointer arguments point into, so that every
// address is stable and none is a Go pointer (prep helpers only store them).
type fuzzArena struct {
	buf  []byte // pointer targets
	sqes []byte // two SQE128-sized slots: [0,128) for Go, [128,256) for C
}

const fuzzSQESlot = 128

func newFuzzArena(tb testing.TB) *fuzzArena {
	buf, err := AllocBuffer(4096)
	if err != nil {
		tb.Fatal(err)
	}
	sqes, err := AllocBuffer(2 * fuzzSQESlot)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { FreeBuffer(buf); FreeBuffer(sqes) })
	return &fuzzArena{buf: buf, sqes: sqes}
}

// pointer turns one selector byte into an argument: nil for 0, else an
// 8-byte aligned address in the arena with room for the largest struct a
// helper names (struct statx, 256 bytes).
func (fa *fuzzArena) pointer(sel byte) unsafe.Pointer {
	if sel == 0 {
		return nil
	}
	return unsafe.Pointer(&fa.buf[8*int(sel%224)])
}

// fuzzPrepOne runs one helper from the same starting SQE through the Go
// wrapper and through liburing in C, and fails when the 128-byte slots
// differ (which also catches a write past the 64-byte SQE).
func fuzzPrepOne(t *testing.T, fa *fuzzArena, which int, name string, init []byte, a *fuzzArgs) {
	goSlot, cSlot := fa.sqes[:fuzzSQESlot], fa.sqes[fuzzSQESlot:]
	for i := range goSlot {
		b := byte(0xa5)
		if len(init) > 0 {
			b = init[i%len(init)]
		}
		goSlot[i], cSlot[i] = b, b
	}
	call, ok := fuzzPrepCalls[name]
	if !ok {
		t.Fatalf("no Go wrapper row for liburing helper %q", name)
	}
	call((*SQE)(unsafe.Pointer(&goSlot[0])), a)
	call(nil, a) // a nil SQE is a no-op
	if !ctest.PrepC(which, unsafe.Pointer(&cSlot[0]), &a.PrepArgs) {
		t.Fatalf("ctest.PrepC(%d) does not know %q", which, name)
	}
	if !bytes.Equal(goSlot, cSlot) {
		t.Fatalf("%s(v=%#x p=%#x): Go wrapper built\n% x\nliburing (C) built\n% x", name, a.V, a.P, goSlot, cSlot)
	}
}

// TestFuzzPrepTable: the Go table and the C table name the same helpers,
// and together they cover every Prep wrapper of the package.
func TestFuzzPrepTable(t *testing.T) {
	names := ctest.PrepNames()
	if len(names) != len(fuzzPrepCalls) {
		t.Errorf("C table has %d helpers, Go table %d", len(names), len(fuzzPrepCalls))
	}
	for _, n := range names {
		if _, ok := fuzzPrepCalls[n]; !ok {
			t.Errorf("liburing helper %q has no Go row", n)
		}
	}
	// 85 io_uring_prep_* helpers in liburing 2.6, plus 3 SQE setters.
	if len(names) != 88 {
		t.Errorf("%d helpers in the C table, want 88", len(names))
	}
}

// FuzzPrep runs every prep helper and SQE setter with the same random
// arguments and random stale SQE contents through the Go wrapper and
// through liburing's C helper on a separate SQE: the bytes must be equal.
func FuzzPrep(f *testing.F) {
	maxU := uint64(math.MaxUint64)
	f.Add([]byte{}, uint64(0), uint64(0), uint64(0), uint64(0), uint64(0), uint64(0), uint64(0), uint32(0))
	f.Add([]byte{0xa5}, maxU, maxU, maxU, maxU, maxU, maxU, maxU, uint32(0x01020304))
	f.Add([]byte{0, 0xff}, uint64(1<<31), uint64(1<<32), uint64(1<<63), uint64(1<<16), uint64(0xffff),
		uint64(0x7fffffff), uint64(0x80000000), uint32(0xffffffff))
	f.Add([]byte("stale sqe bytes"), uint64(3), uint64(IORING_OP_READ), uint64(4096), uint64(1<<40),
		uint64(IOSQE_FIXED_FILE|IOSQE_IO_LINK), uint64(unix.POLLIN), uint64(7), uint32(0x00ff00ff))
	f.Add([]byte{1, 2, 3}, uint64(math.MaxInt64), uint64(1)<<63|5, uint64(0xdeadbeefcafe), uint64(255),
		uint64(256), uint64(65536), uint64(1<<31-1), uint32(0x80808080))
	fa := newFuzzArena(f)
	names := ctest.PrepNames()
	f.Fuzz(func(t *testing.T, init []byte, v0, v1, v2, v3, v4, v5, v6 uint64, ptrs uint32) {
		a := &fuzzArgs{}
		a.V = [8]uint64{v0, v1, v2, v3, v4, v5, v6, v0 ^ v6}
		for i := range a.P {
			a.ptrs[i] = fa.pointer(byte(ptrs >> (8 * i)))
			a.P[i] = uintptr(a.ptrs[i])
		}
		for which, name := range names {
			fuzzPrepOne(t, fa, which, name, init, a)
		}
	})
}
