//go:build linux && cgo

package liburing

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// futex2 flags and the match-all bitset (linux/futex.h); x/sys/unix does
// not define the futex2 ones.
const (
	prepMiscFutex2SizeU32  = 0x02
	prepMiscFutex2Private  = 128
	prepMiscFutexMatchAny  = 0xffffffff
	prepMiscFutex2U32Local = prepMiscFutex2SizeU32 | prepMiscFutex2Private
)

func TestPrepMiscSQE(t *testing.T) {
	mem := testCMem(t, 256)
	p := unsafe.Pointer(&mem[0])
	addr := testAddr(&mem[0])
	word := (*uint32)(p)
	waitv := (*FutexWaitv)(unsafe.Pointer(&mem[64]))
	fds := (*int32)(unsafe.Pointer(&mem[128]))
	info := (*unix.Siginfo)(unsafe.Pointer(&mem[128]))
	const all = ^uint64(0)

	tests := []testSQECase{
		// io_uring_prep_rw: opcode (8 bits), fd, addr, len, off.
		{"rw", func(s *SQE) { PrepRw(IORING_OP_READ, s, 5, p, 128, 4096) },
			SQE{Opcode: IORING_OP_READ, Fd: 5, Addr: addr, Len: 128, Off: 4096}},
		{"rw zero", func(s *SQE) { PrepRw(0, s, 0, nil, 0, 0) }, SQE{}},
		{"rw max and negative", func(s *SQE) { PrepRw(0x1ff, s, -100, p, ^uint32(0), all) },
			SQE{Opcode: 0xff, Fd: -100, Addr: addr, Len: ^uint32(0), Off: all}},
		{"rw unknown opcode", func(s *SQE) { PrepRw(250, s, -1, nil, 0, 0) }, SQE{Opcode: 250, Fd: -1}},

		// Cancel: fd -1, addr = user_data to match, cancel_flags.
		{"cancel64", func(s *SQE) { PrepCancel64(s, 0xdead, 0) },
			SQE{Opcode: IORING_OP_ASYNC_CANCEL, Fd: -1, Addr: 0xdead}},
		{"cancel64 all any", func(s *SQE) { PrepCancel64(s, all, IORING_ASYNC_CANCEL_ALL|IORING_ASYNC_CANCEL_ANY) },
			SQE{Opcode: IORING_OP_ASYNC_CANCEL, Fd: -1, Addr: all, OpFlags: IORING_ASYNC_CANCEL_ALL | IORING_ASYNC_CANCEL_ANY}},
		{"cancel64 negative flags", func(s *SQE) { PrepCancel64(s, 1, -1) },
			SQE{Opcode: IORING_OP_ASYNC_CANCEL, Fd: -1, Addr: 1, OpFlags: ^uint32(0)}},
		{"cancel pointer", func(s *SQE) { PrepCancel(s, p, IORING_ASYNC_CANCEL_ALL) },
			SQE{Opcode: IORING_OP_ASYNC_CANCEL, Fd: -1, Addr: addr, OpFlags: IORING_ASYNC_CANCEL_ALL}},
		{"cancel nil", func(s *SQE) { PrepCancel(s, nil, 0) }, SQE{Opcode: IORING_OP_ASYNC_CANCEL, Fd: -1}},
		{"cancel_fd", func(s *SQE) { PrepCancelFd(s, 9, 0) },
			SQE{Opcode: IORING_OP_ASYNC_CANCEL, Fd: 9, OpFlags: IORING_ASYNC_CANCEL_FD}},
		{"cancel_fd fixed all", func(s *SQE) { PrepCancelFd(s, 0, IORING_ASYNC_CANCEL_FD_FIXED|IORING_ASYNC_CANCEL_ALL) },
			SQE{Opcode: IORING_OP_ASYNC_CANCEL, Fd: 0, OpFlags: IORING_ASYNC_CANCEL_FD | IORING_ASYNC_CANCEL_FD_FIXED | IORING_ASYNC_CANCEL_ALL}},

		// files_update: fd -1, addr = fds, len = nr, off = offset (sign-extended).
		{"files_update", func(s *SQE) { PrepFilesUpdate(s, fds, 3, 7) },
			SQE{Opcode: IORING_OP_FILES_UPDATE, Fd: -1, Addr: testAddr(fds), Len: 3, Off: 7}},
		{"files_update nil negative offset", func(s *SQE) { PrepFilesUpdate(s, nil, 0, -1) },
			SQE{Opcode: IORING_OP_FILES_UPDATE, Fd: -1, Off: all}},
		{"files_update max", func(s *SQE) { PrepFilesUpdate(s, fds, ^uint32(0), 1<<31-1) },
			SQE{Opcode: IORING_OP_FILES_UPDATE, Fd: -1, Addr: testAddr(fds), Len: ^uint32(0), Off: 1<<31 - 1}},

		// Futex: fd = futex2 flags, addr = word, off = val, addr3 = mask,
		// futex_flags = io_uring flags.
		{"futex_wait", func(s *SQE) { PrepFutexWait(s, word, 5, prepMiscFutexMatchAny, prepMiscFutex2U32Local, 0) },
			SQE{Opcode: IORING_OP_FUTEX_WAIT, Fd: prepMiscFutex2U32Local, Addr: addr, Off: 5, Addr3: prepMiscFutexMatchAny}},
		{"futex_wait max", func(s *SQE) { PrepFutexWait(s, word, all, all, ^uint32(0), 7) },
			SQE{Opcode: IORING_OP_FUTEX_WAIT, Fd: -1, Addr: addr, Off: all, Addr3: all, OpFlags: 7}},
		{"futex_wake", func(s *SQE) { PrepFutexWake(s, word, 1, 0x1, prepMiscFutex2SizeU32, 0) },
			SQE{Opcode: IORING_OP_FUTEX_WAKE, Fd: prepMiscFutex2SizeU32, Addr: addr, Off: 1, Addr3: 1}},
		{"futex_wake nil zero", func(s *SQE) { PrepFutexWake(s, nil, 0, 0, 0, 0) }, SQE{Opcode: IORING_OP_FUTEX_WAKE}},
		{"futex_waitv", func(s *SQE) { PrepFutexWaitv(s, waitv, 2, 0) },
			SQE{Opcode: IORING_OP_FUTEX_WAITV, Addr: testAddr(waitv), Len: 2}},
		{"futex_waitv max", func(s *SQE) { PrepFutexWaitv(s, nil, ^uint32(0), ^uint32(0)) },
			SQE{Opcode: IORING_OP_FUTEX_WAITV, Len: ^uint32(0), OpFlags: ^uint32(0)}},

		// madvise: fd -1, addr, len = low 32 bits of length, fadvise_advice.
		{"madvise", func(s *SQE) { PrepMadvise(s, p, 4096, unix.MADV_DONTNEED) },
			SQE{Opcode: IORING_OP_MADVISE, Fd: -1, Addr: addr, Len: 4096, OpFlags: unix.MADV_DONTNEED}},
		{"madvise length over 32 bits", func(s *SQE) { PrepMadvise(s, p, 1<<32+5, unix.MADV_WILLNEED) },
			SQE{Opcode: IORING_OP_MADVISE, Fd: -1, Addr: addr, Len: 5, OpFlags: unix.MADV_WILLNEED}},
		{"madvise negative", func(s *SQE) { PrepMadvise(s, nil, -1, -1) },
			SQE{Opcode: IORING_OP_MADVISE, Fd: -1, Len: ^uint32(0), OpFlags: ^uint32(0)}},

		// msg_ring: fd = target ring, len, off = data, msg_ring_flags.
		{"msg_ring", func(s *SQE) { PrepMsgRing(s, 4, 0x1234, 0xabcd, 0) },
			SQE{Opcode: IORING_OP_MSG_RING, Fd: 4, Len: 0x1234, Off: 0xabcd}},
		{"msg_ring max skip", func(s *SQE) { PrepMsgRing(s, 4, ^uint32(0), all, IORING_MSG_RING_CQE_SKIP) },
			SQE{Opcode: IORING_OP_MSG_RING, Fd: 4, Len: ^uint32(0), Off: all, OpFlags: IORING_MSG_RING_CQE_SKIP}},
		// msg_ring_cqe_flags: FLAGS_PASS added, cqe_flags in file_index.
		{"msg_ring_cqe_flags", func(s *SQE) { PrepMsgRingCQEFlags(s, 4, 1, 2, 0, 0x30000) },
			SQE{Opcode: IORING_OP_MSG_RING, Fd: 4, Len: 1, Off: 2, OpFlags: IORING_MSG_RING_FLAGS_PASS, SpliceFdIn: 0x30000}},
		{"msg_ring_cqe_flags max skip", func(s *SQE) { PrepMsgRingCQEFlags(s, 0, 0, 0, IORING_MSG_RING_CQE_SKIP, ^uint32(0)) },
			SQE{Opcode: IORING_OP_MSG_RING, OpFlags: IORING_MSG_RING_FLAGS_PASS | IORING_MSG_RING_CQE_SKIP, SpliceFdIn: -1}},
		// msg_ring_fd: addr = IORING_MSG_SEND_FD, addr3 = source index,
		// file_index = target + 1 (IORING_FILE_INDEX_ALLOC stays as is).
		{"msg_ring_fd", func(s *SQE) { PrepMsgRingFd(s, 4, 1, 2, 0x99, 0) },
			SQE{Opcode: IORING_OP_MSG_RING, Fd: 4, Addr: IORING_MSG_SEND_FD, Off: 0x99, Addr3: 1, SpliceFdIn: 3}},
		{"msg_ring_fd alloc index", func(s *SQE) { PrepMsgRingFd(s, 4, -1, IORING_FILE_INDEX_ALLOC, all, IORING_MSG_RING_CQE_SKIP) },
			SQE{Opcode: IORING_OP_MSG_RING, Fd: 4, Addr: IORING_MSG_SEND_FD, Off: all, Addr3: all, SpliceFdIn: -1, OpFlags: IORING_MSG_RING_CQE_SKIP}},
		{"msg_ring_fd_alloc", func(s *SQE) { PrepMsgRingFdAlloc(s, 4, 5, 7, 0) },
			SQE{Opcode: IORING_OP_MSG_RING, Fd: 4, Addr: IORING_MSG_SEND_FD, Off: 7, Addr3: 5, SpliceFdIn: -1}},

		// provide_buffers: fd = nr, addr, len, off = bid, buf_group = bgid.
		{"provide_buffers", func(s *SQE) { PrepProvideBuffers(s, p, 64, 4, 3, 10) },
			SQE{Opcode: IORING_OP_PROVIDE_BUFFERS, Fd: 4, Addr: addr, Len: 64, Off: 10, BufIndex: 3}},
		{"provide_buffers truncated and negative", func(s *SQE) { PrepProvideBuffers(s, p, -1, 0, 0x1ffff, -1) },
			SQE{Opcode: IORING_OP_PROVIDE_BUFFERS, Addr: addr, Len: ^uint32(0), Off: all, BufIndex: 0xffff}},
		{"remove_buffers", func(s *SQE) { PrepRemoveBuffers(s, 8, 3) },
			SQE{Opcode: IORING_OP_REMOVE_BUFFERS, Fd: 8, BufIndex: 3}},
		{"remove_buffers negative max", func(s *SQE) { PrepRemoveBuffers(s, -1, 65535) },
			SQE{Opcode: IORING_OP_REMOVE_BUFFERS, Fd: -1, BufIndex: 0xffff}},

		// waitid: fd = id, len = idtype, addr2 (off) = infop,
		// file_index = options, waitid_flags.
		{"waitid", func(s *SQE) { PrepWaitid(s, unix.P_PID, 1234, info, unix.WEXITED, 0) },
			SQE{Opcode: IORING_OP_WAITID, Fd: 1234, Len: unix.P_PID, Off: testAddr(info), SpliceFdIn: unix.WEXITED}},
		{"waitid all options", func(s *SQE) { PrepWaitid(s, unix.P_ALL, 0, nil, unix.WEXITED|unix.WNOHANG|unix.WNOWAIT, 0) },
			SQE{Opcode: IORING_OP_WAITID, Len: unix.P_ALL, SpliceFdIn: unix.WEXITED | unix.WNOHANG | unix.WNOWAIT}},
		{"waitid max", func(s *SQE) { PrepWaitid(s, unix.P_PIDFD, ^uint32(0), info, -1, ^uint32(0)) },
			SQE{Opcode: IORING_OP_WAITID, Fd: -1, Len: unix.P_PIDFD, Off: testAddr(info), SpliceFdIn: -1, OpFlags: ^uint32(0)}},
	}
	testCheckSQE(t, tests)
}

// TestPrepMiscNilSQE: every helper of this area ignores a nil SQE.
func TestPrepMiscNilSQE(t *testing.T) {
	PrepRw(IORING_OP_NOP, nil, 0, nil, 0, 0)
	PrepCancel(nil, nil, 0)
	PrepCancel64(nil, 0, 0)
	PrepCancelFd(nil, 0, 0)
	PrepFilesUpdate(nil, nil, 0, 0)
	PrepFutexWait(nil, nil, 0, 0, 0, 0)
	PrepFutexWake(nil, nil, 0, 0, 0, 0)
	PrepFutexWaitv(nil, nil, 0, 0)
	PrepMadvise(nil, nil, 0, 0)
	PrepMsgRing(nil, 0, 0, 0, 0)
	PrepMsgRingCQEFlags(nil, 0, 0, 0, 0, 0)
	PrepMsgRingFd(nil, 0, 0, 0, 0, 0)
	PrepMsgRingFdAlloc(nil, 0, 0, 0, 0)
	PrepProvideBuffers(nil, nil, 0, 0, 0, 0)
	PrepRemoveBuffers(nil, 0, 0)
	PrepWaitid(nil, 0, 0, nil, 0, 0)
	PrepTimeout(nil, nil, 0, 0)
	PrepTimeoutRemove(nil, 0, 0)
	PrepTimeoutUpdate(nil, nil, 0, 0)
	PrepLinkTimeout(nil, nil, 0)
	SQESetData(nil, nil)
	SQESetData64(nil, 0)
	SQESetFlags(nil, 0)
	if CQEGetData(nil) != nil {
		t.Error("CQEGetData(nil) is not nil")
	}
}

// TestPrepMiscRwLive: io_uring_prep_rw builds working requests, and an
// opcode the kernel does not know completes with -EINVAL instead of failing
// the submission or crashing.
func TestPrepMiscRwLive(t *testing.T) {
	buf := testCMem(t, 16)
	r, w := testPipe(t)
	ring := newRing(t, 8, 0)

	// A request that fails to initialise ends the submission batch (no
	// IORING_SETUP_SUBMIT_ALL), so it goes alone.
	PrepRw(250, testSQE(t, ring, 1), -1, nil, 0, 0)
	testWantCQE(t, testReap(t, ring, 1), 1, -int32(unix.EINVAL))

	PrepRw(IORING_OP_NOP, testSQE(t, ring, 2), -1, nil, 0, 0)
	copy(buf, "rw-op")
	PrepRw(IORING_OP_WRITE, testSQE(t, ring, 3), w, unsafe.Pointer(&buf[0]), 5, 0)
	cqes := testReap(t, ring, 2)
	testWantCQE(t, cqes, 2, 0)
	testWantCQE(t, cqes, 3, 5)

	got := make([]byte, 8)
	if n, err := unix.Read(r, got); err != nil || string(got[:n]) != "rw-op" {
		t.Errorf("pipe holds %q (%v), want rw-op", got[:n], err)
	}
}

// TestPrepMiscCancelLive cancels a pipe read that is waiting for data, by
// user_data (number and pointer) and by file descriptor.
func TestPrepMiscCancelLive(t *testing.T) {
	buf := testCMem(t, 64)
	r, _ := testPipe(t)
	ring := newRing(t, 8, 0)
	read := func(ud uint64) *SQE {
		sqe := testSQE(t, ring, ud)
		PrepRead(sqe, r, unsafe.Pointer(&buf[0]), 16, 0)
		return sqe
	}
	ecanceled := -int32(unix.ECANCELED)

	t.Run("cancel64", func(t *testing.T) {
		read(100)
		testPending(t, ring)
		PrepCancel64(testSQE(t, ring, 101), 100, 0)
		cqes := testReap(t, ring, 2)
		testWantCQE(t, cqes, 100, ecanceled)
		testWantCQE(t, cqes, 101, 0)

		PrepCancel64(testSQE(t, ring, 102), 100, 0)
		testWantCQE(t, testReap(t, ring, 1), 102, -int32(unix.ENOENT))
	})
	t.Run("cancel pointer", func(t *testing.T) {
		key := unsafe.Pointer(&buf[32]) // C memory, stable
		SQESetData(read(0), key)
		testPending(t, ring)
		PrepCancel(testSQE(t, ring, 111), key, 0)
		cqes := testReap(t, ring, 2)
		c := testWantCQE(t, cqes, testAddr((*byte)(key)), ecanceled)
		if CQEGetData(&c) != key {
			t.Errorf("CQEGetData = %p, want %p", CQEGetData(&c), key)
		}
		testWantCQE(t, cqes, 111, 0)
	})
	t.Run("cancel_fd", func(t *testing.T) {
		read(120)
		testPending(t, ring)
		PrepCancelFd(testSQE(t, ring, 121), r, 0)
		cqes := testReap(t, ring, 2)
		testWantCQE(t, cqes, 120, ecanceled)
		testWantCQE(t, cqes, 121, 0)
	})
	t.Run("cancel_fd all", func(t *testing.T) {
		read(130)
		read(131)
		testPending(t, ring)
		PrepCancelFd(testSQE(t, ring, 132), r, IORING_ASYNC_CANCEL_ALL)
		cqes := testReap(t, ring, 3)
		testWantCQE(t, cqes, 130, ecanceled)
		testWantCQE(t, cqes, 131, ecanceled)
		testWantCQE(t, cqes, 132, 2)

		PrepCancelFd(testSQE(t, ring, 133), r, 0)
		testWantCQE(t, testReap(t, ring, 1), 133, -int32(unix.ENOENT))
	})
}

// TestPrepMiscMsgRingLive passes data and flags from one ring to another.
func TestPrepMiscMsgRingLive(t *testing.T) {
	requireOp(t, IORING_OP_MSG_RING)
	src := newRing(t, 8, 0)
	dst := newRing(t, 8, 0)
	dstFd := dst.Fd()

	PrepMsgRing(testSQE(t, src, 1), dstFd, 0x1234, 0xfeedface, 0)
	testWantCQE(t, testReap(t, src, 1), 1, 0)
	got := testWantCQE(t, testReap(t, dst, 1), 0xfeedface, 0x1234)
	if got.Flags != 0 {
		t.Errorf("target CQE flags %#x, want 0", got.Flags)
	}

	t.Run("cqe flags", func(t *testing.T) {
		if !kverAtLeast(6, 3) {
			t.Skip("kernel before 6.3 lacks IORING_MSG_RING_FLAGS_PASS (PrepMsgRingCQEFlags)")
		}
		const cqeFlags = 0x5a0000
		PrepMsgRingCQEFlags(testSQE(t, src, 2), dstFd, 7, 0xbeef, 0, cqeFlags)
		testWantCQE(t, testReap(t, src, 1), 2, 0)
		got := testWantCQE(t, testReap(t, dst, 1), 0xbeef, 7)
		if got.Flags&cqeFlags != cqeFlags {
			t.Errorf("target CQE flags %#x, want %#x set", got.Flags, cqeFlags)
		}
	})

	// IORING_MSG_RING_CQE_SKIP (no target CQE) only applies to sending
	// files; with data the kernel rejects it.
	PrepMsgRing(testSQE(t, src, 3), dstFd, 9, 0xcafe, IORING_MSG_RING_CQE_SKIP)
	testWantCQE(t, testReap(t, src, 1), 3, -int32(unix.EINVAL))

	// The target must be an io_uring.
	r, _ := testPipe(t)
	PrepMsgRing(testSQE(t, src, 4), r, 0, 0, 0)
	testWantCQE(t, testReap(t, src, 1), 4, -int32(unix.EBADFD))
}

// TestPrepMiscMsgRingFdLive sends a registered file from one ring's table to
// another's: first without tables (the kernel's error), then with them.
func TestPrepMiscMsgRingFdLive(t *testing.T) {
	requireOp(t, IORING_OP_MSG_RING)
	buf := testCMem(t, 16)
	r, w := testPipe(t)
	src := newRing(t, 8, 0)
	dst := newRing(t, 8, 0)
	dstFd := dst.Fd()

	// No registered file in the sender: index 0 does not name a file.
	PrepMsgRingFd(testSQE(t, src, 1), dstFd, 0, 0, 0x71, 0)
	testWantCQE(t, testReap(t, src, 1), 1, -int32(unix.EBADF))

	if err := RegisterFiles(src, []int32{int32(r)}); err != nil {
		t.Fatalf("RegisterFiles: %v", err)
	}
	// The sender has the file, the target has no table: no slot to give.
	PrepMsgRingFd(testSQE(t, src, 2), dstFd, 0, 0, 0x72, 0)
	testWantCQE(t, testReap(t, src, 1), 2, -int32(unix.ENXIO))
	PrepMsgRingFdAlloc(testSQE(t, src, 2), dstFd, 0, 0x72, 0)
	testWantCQE(t, testReap(t, src, 1), 2, -int32(unix.ENFILE))

	if err := RegisterFilesSparse(dst, 3); err != nil {
		t.Fatalf("RegisterFilesSparse: %v", err)
	}
	PrepMsgRingFd(testSQE(t, src, 3), dstFd, 0, 2, 0x73, 0)
	testWantCQE(t, testReap(t, src, 1), 3, 0)
	testWantCQE(t, testReap(t, dst, 1), 0x73, 0)

	PrepMsgRingFdAlloc(testSQE(t, src, 4), dstFd, 0, 0x74, 0)
	testWantCQE(t, testReap(t, src, 1), 4, 0)
	testWantCQE(t, testReap(t, dst, 1), 0x74, 0) // first free slot

	// IORING_MSG_RING_CQE_SKIP: the target gets the file but no CQE.
	PrepMsgRingFd(testSQE(t, src, 6), dstFd, 0, 1, 0x76, IORING_MSG_RING_CQE_SKIP)
	testWantCQE(t, testReap(t, src, 1), 6, 0)
	testNoCQE(t, dst, "target after a send with CQE_SKIP")

	// Slot 2 of the target now holds the pipe's read end.
	if _, err := unix.Write(w, []byte("via-msg")); err != nil {
		t.Fatal(err)
	}
	sqe := testSQE(t, dst, 5)
	PrepRead(sqe, 2, unsafe.Pointer(&buf[0]), 16, 0)
	SQESetFlags(sqe, IOSQE_FIXED_FILE)
	testWantCQE(t, testReap(t, dst, 1), 5, 7)
	if string(buf[:7]) != "via-msg" {
		t.Errorf("read %q through the sent file", buf[:7])
	}
}

// TestPrepMiscFutexLive waits on and wakes a futex word in C memory.
func TestPrepMiscFutexLive(t *testing.T) {
	requireOp(t, IORING_OP_FUTEX_WAIT)
	requireOp(t, IORING_OP_FUTEX_WAKE)
	mem := testCMem(t, 8)
	word := (*uint32)(unsafe.Pointer(&mem[0]))
	ring := newRing(t, 8, 0)

	PrepFutexWait(testSQE(t, ring, 1), word, 0, prepMiscFutexMatchAny, prepMiscFutex2U32Local, 0)
	testPending(t, ring)
	PrepFutexWake(testSQE(t, ring, 2), word, 1, prepMiscFutexMatchAny, prepMiscFutex2U32Local, 0)
	cqes := testReap(t, ring, 2)
	testWantCQE(t, cqes, 1, 0)
	testWantCQE(t, cqes, 2, 1) // one waiter woken

	// The word no longer holds val: the wait fails at once.
	*word = 7
	PrepFutexWait(testSQE(t, ring, 3), word, 0, prepMiscFutexMatchAny, prepMiscFutex2U32Local, 0)
	testWantCQE(t, testReap(t, ring, 1), 3, -int32(unix.EAGAIN))
	// Nobody waits: zero woken.
	PrepFutexWake(testSQE(t, ring, 4), word, 1, prepMiscFutexMatchAny, prepMiscFutex2U32Local, 0)
	testWantCQE(t, testReap(t, ring, 1), 4, 0)
	// A zero mask matches nothing and is rejected.
	PrepFutexWait(testSQE(t, ring, 5), word, 7, 0, prepMiscFutex2U32Local, 0)
	testWantCQE(t, testReap(t, ring, 1), 5, -int32(unix.EINVAL))
}

// TestPrepMiscFutexWaitvLive waits on two futexes and wakes the second.
func TestPrepMiscFutexWaitvLive(t *testing.T) {
	requireOp(t, IORING_OP_FUTEX_WAITV)
	requireOp(t, IORING_OP_FUTEX_WAKE)
	mem := testCMem(t, 8+2*int(unsafe.Sizeof(FutexWaitv{})))
	words := (*[2]uint32)(unsafe.Pointer(&mem[0]))
	vec := (*[2]FutexWaitv)(unsafe.Pointer(&mem[8]))
	for i := range vec {
		vec[i] = FutexWaitv{Val: 0, Uaddr: testAddr(&words[i]), Flags: prepMiscFutex2U32Local}
	}
	ring := newRing(t, 8, 0)

	PrepFutexWaitv(testSQE(t, ring, 1), &vec[0], 2, 0)
	testPending(t, ring)
	PrepFutexWake(testSQE(t, ring, 2), &words[1], 1, prepMiscFutexMatchAny, prepMiscFutex2U32Local, 0)
	cqes := testReap(t, ring, 2)
	testWantCQE(t, cqes, 1, 1) // index of the futex that woke it
	testWantCQE(t, cqes, 2, 1)

	words[0] = 3 // no longer the expected value
	PrepFutexWaitv(testSQE(t, ring, 3), &vec[0], 2, 0)
	testWantCQE(t, testReap(t, ring, 1), 3, -int32(unix.EAGAIN))
}

// TestPrepMiscWaitidLive waits for a child started with os/exec.
func TestPrepMiscWaitidLive(t *testing.T) {
	requireOp(t, IORING_OP_WAITID)
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skipf("no sh to start a child: %v", err)
	}
	mem := testCMem(t, int(unsafe.Sizeof(unix.Siginfo{})))
	info := (*unix.Siginfo)(unsafe.Pointer(&mem[0]))
	ring := newRing(t, 8, 0)

	cmd := exec.Command(sh, "-c", "exit 3")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	// WNOWAIT leaves the child to cmd.Wait, which reaps it.
	PrepWaitid(testSQE(t, ring, 1), unix.P_PID, uint32(pid), info, unix.WEXITED|unix.WNOWAIT, 0)
	testWantCQE(t, testReap(t, ring, 1), 1, 0)
	// siginfo_t for SIGCHLD: si_pid at byte 16, si_status at 24.
	sipid := *(*int32)(unsafe.Add(unsafe.Pointer(info), 16))
	status := *(*int32)(unsafe.Add(unsafe.Pointer(info), 24))
	const cldExited = 1
	if info.Signo != int32(unix.SIGCHLD) || info.Code != cldExited || int(sipid) != pid || status != 3 {
		t.Errorf("siginfo signo %d code %d pid %d status %d, want %d %d %d 3",
			info.Signo, info.Code, sipid, status, unix.SIGCHLD, cldExited, pid)
	}
	err = cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 3 {
		t.Errorf("cmd.Wait = %v, want exit status 3", err)
	}

	// Our parent is not our child.
	PrepWaitid(testSQE(t, ring, 2), unix.P_PID, uint32(os.Getppid()), info, unix.WEXITED, 0)
	testWantCQE(t, testReap(t, ring, 1), 2, -int32(unix.ECHILD))
}

// TestPrepMiscProvideBuffersLive provides buffers, reads into one the kernel
// picks (IOSQE_BUFFER_SELECT) and removes the rest.
func TestPrepMiscProvideBuffersLive(t *testing.T) {
	requireOp(t, IORING_OP_PROVIDE_BUFFERS)
	requireOp(t, IORING_OP_REMOVE_BUFFERS)
	const size, nr, bgid, bid = 64, 4, 7, 10
	bufs := testCMem(t, size*nr)
	r, w := testPipe(t)
	ring := newRing(t, 8, 0)

	PrepProvideBuffers(testSQE(t, ring, 1), unsafe.Pointer(&bufs[0]), size, nr, bgid, bid)
	if res := testReap(t, ring, 1)[1].Res; res != 0 && res != nr {
		t.Fatalf("provide_buffers res %d, want 0 or %d", res, nr)
	}

	if _, err := unix.Write(w, []byte("selected")); err != nil {
		t.Fatal(err)
	}
	sqe := testSQE(t, ring, 2)
	PrepRead(sqe, r, nil, size, 0)
	SQESetFlags(sqe, IOSQE_BUFFER_SELECT)
	sqe.BufIndex = bgid // buf_group
	c := testWantCQE(t, testReap(t, ring, 1), 2, 8)
	if c.Flags&IORING_CQE_F_BUFFER == 0 {
		t.Fatalf("CQE flags %#x lack IORING_CQE_F_BUFFER", c.Flags)
	}
	id := int(c.Flags >> IORING_CQE_BUFFER_SHIFT)
	if id < bid || id >= bid+nr {
		t.Fatalf("buffer id %d outside %d..%d", id, bid, bid+nr-1)
	}
	if got := bufs[(id-bid)*size:][:8]; !bytes.Equal(got, []byte("selected")) {
		t.Errorf("buffer %d holds %q", id, got)
	}

	PrepRemoveBuffers(testSQE(t, ring, 3), 100, bgid)
	testWantCQE(t, testReap(t, ring, 1), 3, nr-1)
	// The group is empty now: nothing (or, on kernels that drop empty
	// groups, -ENOENT) to remove. A group never provided is unknown.
	PrepRemoveBuffers(testSQE(t, ring, 4), 1, bgid)
	if res := testReap(t, ring, 1)[4].Res; res != 0 && res != -int32(unix.ENOENT) {
		t.Errorf("remove_buffers on the emptied group: res %d, want 0 or -ENOENT", res)
	}
	PrepRemoveBuffers(testSQE(t, ring, 4), 1, bgid+1)
	if res := testReap(t, ring, 1)[4].Res; res != -int32(unix.ENOENT) && (kverAtLeast(6, 9) || res != 0) {
		// Kernels before 6.9 keep groups 0-63 in a fixed array: an unknown
		// one there is empty (0 removed) rather than unknown.
		t.Errorf("remove_buffers on a group never provided: res %d, want -ENOENT", res)
	}

	// No buffers left in the group.
	if _, err := unix.Write(w, []byte("x")); err != nil {
		t.Fatal(err)
	}
	sqe = testSQE(t, ring, 5)
	PrepRead(sqe, r, nil, size, 0)
	SQESetFlags(sqe, IOSQE_BUFFER_SELECT)
	sqe.BufIndex = bgid
	testWantCQE(t, testReap(t, ring, 1), 5, -int32(unix.ENOBUFS))
}

// TestPrepMiscMadviseLive drops a page of AllocBuffer memory with
// MADV_DONTNEED (it reads back as zeros) and checks bad arguments.
func TestPrepMiscMadviseLive(t *testing.T) {
	requireOp(t, IORING_OP_MADVISE)
	page := os.Getpagesize()
	mem := testCMem(t, 3*page)
	skip := (page - int(uintptr(unsafe.Pointer(&mem[0]))%uintptr(page))) % page
	region := mem[skip : skip+page] // one whole page inside the buffer
	for i := range region {
		region[i] = 0x5a
	}
	ring := newRing(t, 8, 0)

	PrepMadvise(testSQE(t, ring, 1), unsafe.Pointer(&region[0]), int64(page), unix.MADV_DONTNEED)
	testWantCQE(t, testReap(t, ring, 1), 1, 0)
	if !bytes.Equal(region, make([]byte, page)) {
		t.Error("page still holds data after MADV_DONTNEED")
	}
	PrepMadvise(testSQE(t, ring, 2), unsafe.Pointer(&region[0]), int64(page), unix.MADV_WILLNEED)
	testWantCQE(t, testReap(t, ring, 1), 2, 0)
	PrepMadvise(testSQE(t, ring, 3), unsafe.Pointer(&region[1]), int64(page-1), unix.MADV_DONTNEED)
	testWantCQE(t, testReap(t, ring, 1), 3, -int32(unix.EINVAL))
	PrepMadvise(testSQE(t, ring, 4), unsafe.Pointer(&region[0]), int64(page), 12345)
	testWantCQE(t, testReap(t, ring, 1), 4, -int32(unix.EINVAL))
}

// TestPrepMiscFilesUpdateLive: -ENXIO without a registered file table, the
// count of updated slots with one, -EINVAL past its end.
func TestPrepMiscFilesUpdateLive(t *testing.T) {
	requireOp(t, IORING_OP_FILES_UPDATE)
	mem := testCMem(t, 8)
	fds := (*[2]int32)(unsafe.Pointer(&mem[0]))
	r, w := testPipe(t)
	fds[0], fds[1] = int32(r), int32(w)
	ring := newRing(t, 8, 0)

	PrepFilesUpdate(testSQE(t, ring, 1), &fds[0], 2, 0)
	testWantCQE(t, testReap(t, ring, 1), 1, -int32(unix.ENXIO))

	if err := RegisterFilesSparse(ring, 3); err != nil {
		t.Fatalf("RegisterFilesSparse: %v", err)
	}
	PrepFilesUpdate(testSQE(t, ring, 2), &fds[0], 2, 1)
	testWantCQE(t, testReap(t, ring, 1), 2, 2)
	PrepFilesUpdate(testSQE(t, ring, 3), &fds[0], 2, 2)
	testWantCQE(t, testReap(t, ring, 1), 3, -int32(unix.EINVAL))

	// Slot 2 now is the pipe's write end.
	copy(mem, "ok") // fds are no longer needed
	sqe := testSQE(t, ring, 4)
	PrepWrite(sqe, 2, unsafe.Pointer(&mem[0]), 2, 0)
	SQESetFlags(sqe, IOSQE_FIXED_FILE)
	testWantCQE(t, testReap(t, ring, 1), 4, 2)
	got := make([]byte, 4)
	if n, err := unix.Read(r, got); err != nil || string(got[:n]) != "ok" {
		t.Errorf("pipe holds %q (%v)", got[:n], err)
	}
}
