//go:build linux && cgo

package liburing

import (
	"runtime"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// prepTimeoutCTS returns d as a KernelTimespec in C memory, freed when the
// test ends.
func prepTimeoutCTS(t testing.TB, d time.Duration) *KernelTimespec {
	t.Helper()
	ts := testCNew[KernelTimespec](t)
	ts.Sec, ts.Nsec = int64(d/time.Second), int64(d%time.Second)
	return ts
}

func TestPrepTimeoutSQE(t *testing.T) {
	ts := prepTimeoutCTS(t, time.Second)
	tsAddr := testAddr(ts)
	const all = ^uint64(0)
	tests := []testSQECase{
		// timeout: fd -1, addr = ts, len 1, off = count, timeout_flags.
		{"timeout", func(s *SQE) { PrepTimeout(s, ts, 0, 0) },
			SQE{Opcode: IORING_OP_TIMEOUT, Fd: -1, Addr: tsAddr, Len: 1}},
		{"timeout count abs realtime", func(s *SQE) { PrepTimeout(s, ts, 3, IORING_TIMEOUT_ABS|IORING_TIMEOUT_REALTIME) },
			SQE{Opcode: IORING_OP_TIMEOUT, Fd: -1, Addr: tsAddr, Len: 1, Off: 3, OpFlags: IORING_TIMEOUT_ABS | IORING_TIMEOUT_REALTIME}},
		{"timeout nil max", func(s *SQE) {
			PrepTimeout(s, nil, ^uint32(0), IORING_TIMEOUT_ETIME_SUCCESS|IORING_TIMEOUT_MULTISHOT)
		}, SQE{Opcode: IORING_OP_TIMEOUT, Fd: -1, Len: 1, Off: uint64(^uint32(0)), OpFlags: IORING_TIMEOUT_ETIME_SUCCESS | IORING_TIMEOUT_MULTISHOT}},
		// timeout_remove: addr = user_data of the timeout.
		{"timeout_remove", func(s *SQE) { PrepTimeoutRemove(s, 0x42, 0) },
			SQE{Opcode: IORING_OP_TIMEOUT_REMOVE, Fd: -1, Addr: 0x42}},
		{"timeout_remove max", func(s *SQE) { PrepTimeoutRemove(s, all, ^uint32(0)) },
			SQE{Opcode: IORING_OP_TIMEOUT_REMOVE, Fd: -1, Addr: all, OpFlags: ^uint32(0)}},
		// timeout_update: the ts pointer goes in off, UPDATE is added.
		{"timeout_update", func(s *SQE) { PrepTimeoutUpdate(s, ts, 0x42, 0) },
			SQE{Opcode: IORING_OP_TIMEOUT_REMOVE, Fd: -1, Off: tsAddr, Addr: 0x42, OpFlags: IORING_TIMEOUT_UPDATE}},
		{"timeout_update link abs", func(s *SQE) { PrepTimeoutUpdate(s, ts, all, IORING_LINK_TIMEOUT_UPDATE|IORING_TIMEOUT_ABS) },
			SQE{Opcode: IORING_OP_TIMEOUT_REMOVE, Fd: -1, Off: tsAddr, Addr: all,
				OpFlags: IORING_LINK_TIMEOUT_UPDATE | IORING_TIMEOUT_ABS | IORING_TIMEOUT_UPDATE}},
		{"timeout_update nil", func(s *SQE) { PrepTimeoutUpdate(s, nil, 0, 0) },
			SQE{Opcode: IORING_OP_TIMEOUT_REMOVE, Fd: -1, OpFlags: IORING_TIMEOUT_UPDATE}},
		// link_timeout: fd -1, addr = ts, len 1, off 0.
		{"link_timeout", func(s *SQE) { PrepLinkTimeout(s, ts, 0) },
			SQE{Opcode: IORING_OP_LINK_TIMEOUT, Fd: -1, Addr: tsAddr, Len: 1}},
		{"link_timeout boottime", func(s *SQE) { PrepLinkTimeout(s, ts, IORING_TIMEOUT_BOOTTIME) },
			SQE{Opcode: IORING_OP_LINK_TIMEOUT, Fd: -1, Addr: tsAddr, Len: 1, OpFlags: IORING_TIMEOUT_BOOTTIME}},
	}
	testCheckSQE(t, tests)
}

func TestPrepTimeoutLive(t *testing.T) {
	requireOp(t, IORING_OP_TIMEOUT)
	etime, ecanceled := -int32(unix.ETIME), -int32(unix.ECANCELED)
	short := prepTimeoutCTS(t, 20*time.Millisecond)
	long := prepTimeoutCTS(t, time.Minute)
	ring := newRing(t, 8, 0)

	t.Run("relative", func(t *testing.T) {
		start := time.Now()
		PrepTimeout(testSQE(t, ring, 1), short, 0, 0)
		testWantCQE(t, testReap(t, ring, 1), 1, etime)
		if d := time.Since(start); d < 15*time.Millisecond {
			t.Errorf("timeout fired after %v, want about 20ms", d)
		}
	})
	t.Run("pinned Go timespec", func(t *testing.T) {
		var pin runtime.Pinner
		defer pin.Unpin()
		ts := &KernelTimespec{Nsec: int64(time.Millisecond)}
		pin.Pin(ts) // the kernel reads it at submit
		PrepTimeout(testSQE(t, ring, 2), ts, 0, 0)
		testWantCQE(t, testReap(t, ring, 1), 2, etime)
	})
	t.Run("absolute", func(t *testing.T) {
		var now unix.Timespec
		if err := unix.ClockGettime(unix.CLOCK_MONOTONIC, &now); err != nil {
			t.Fatal(err)
		}
		abs := prepTimeoutCTS(t, time.Duration(now.Nano())+10*time.Millisecond)
		PrepTimeout(testSQE(t, ring, 3), abs, 0, IORING_TIMEOUT_ABS)
		testWantCQE(t, testReap(t, ring, 1), 3, etime)
	})
	t.Run("count", func(t *testing.T) {
		// Completes (res 0) once one other request has completed.
		PrepTimeout(testSQE(t, ring, 4), long, 1, 0)
		PrepNop(testSQE(t, ring, 5))
		cqes := testReap(t, ring, 2)
		testWantCQE(t, cqes, 4, 0)
		testWantCQE(t, cqes, 5, 0)
	})
	t.Run("remove", func(t *testing.T) {
		requireOp(t, IORING_OP_TIMEOUT_REMOVE)
		PrepTimeout(testSQE(t, ring, 6), long, 0, 0)
		testPending(t, ring)
		PrepTimeoutRemove(testSQE(t, ring, 7), 6, 0)
		cqes := testReap(t, ring, 2)
		testWantCQE(t, cqes, 6, ecanceled)
		testWantCQE(t, cqes, 7, 0)
		PrepTimeoutRemove(testSQE(t, ring, 8), 6, 0)
		testWantCQE(t, testReap(t, ring, 1), 8, -int32(unix.ENOENT))
	})
	t.Run("update", func(t *testing.T) {
		requireOp(t, IORING_OP_TIMEOUT_REMOVE)
		start := time.Now()
		PrepTimeout(testSQE(t, ring, 9), long, 0, 0)
		testPending(t, ring)
		PrepTimeoutUpdate(testSQE(t, ring, 10), short, 9, 0)
		cqes := testReap(t, ring, 2)
		testWantCQE(t, cqes, 9, etime)
		testWantCQE(t, cqes, 10, 0)
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("updated timeout fired after %v", d)
		}
		PrepTimeoutUpdate(testSQE(t, ring, 11), short, 9, 0)
		testWantCQE(t, testReap(t, ring, 1), 11, -int32(unix.ENOENT))
	})
}

// TestPrepTimeoutLinkLive bounds a pipe read with a linked timeout.
func TestPrepTimeoutLinkLive(t *testing.T) {
	requireOp(t, IORING_OP_LINK_TIMEOUT)
	buf := testCMem(t, 16)
	short := prepTimeoutCTS(t, 20*time.Millisecond)
	long := prepTimeoutCTS(t, time.Minute)
	r, w := testPipe(t)
	ring := newRing(t, 8, 0)
	linkedRead := func(ud uint64, ts *KernelTimespec) {
		sqe := testSQE(t, ring, ud)
		PrepRead(sqe, r, unsafe.Pointer(&buf[0]), 16, 0)
		SQESetFlags(sqe, IOSQE_IO_LINK)
		PrepLinkTimeout(testSQE(t, ring, ud+1), ts, 0)
	}

	// The pipe stays empty: the read is cancelled, the timeout expires.
	linkedRead(1, short)
	cqes := testReap(t, ring, 2)
	testWantCQE(t, cqes, 1, -int32(unix.ECANCELED))
	testWantCQE(t, cqes, 2, -int32(unix.ETIME))

	// Data arrives in time: the read completes, the timeout is cancelled.
	if _, err := unix.Write(w, []byte("in time")); err != nil {
		t.Fatal(err)
	}
	linkedRead(3, long)
	cqes = testReap(t, ring, 2)
	testWantCQE(t, cqes, 3, 7)
	testWantCQE(t, cqes, 4, -int32(unix.ECANCELED))

	// IORING_LINK_TIMEOUT_UPDATE shortens a pending linked timeout.
	requireOp(t, IORING_OP_TIMEOUT_REMOVE)
	linkedRead(5, long)
	testPending(t, ring)
	PrepTimeoutUpdate(testSQE(t, ring, 7), short, 6, IORING_LINK_TIMEOUT_UPDATE)
	cqes = testReap(t, ring, 3)
	testWantCQE(t, cqes, 5, -int32(unix.ECANCELED))
	testWantCQE(t, cqes, 6, -int32(unix.ETIME))
	testWantCQE(t, cqes, 7, 0)
}
