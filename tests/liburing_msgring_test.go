//go:build linux && cgo

package tests

// liburing 2.6 test/ programs of the msg-ring area: IORING_OP_MSG_RING
// messages and fixed file passing between rings.

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"runtime"
	"testing"

	lu "github.com/liburing-go/liburing"
	"golang.org/x/sys/unix"
)

// msgRequire skips the test unless the kernel has IORING_OP_MSG_RING.
func msgRequire(t *testing.T) { ltRequireOp(t, lu.IORING_OP_MSG_RING) }

// msgFixedRead reads 128 bytes through fixed slot slot and checks them.
func msgFixedRead(t *testing.T, ring *lu.Ring, slot int, buf []byte, wantFail bool) {
	t.Helper()
	sqe := ltSQE(t, ring)
	lu.PrepRead(sqe, slot, ltPtr(buf), 128, 0)
	lu.SQESetFlags(sqe, lu.IOSQE_FIXED_FILE)
	c := ltRun(t, ring)
	if wantFail {
		if c.Res != ltErrno(unix.EBADF) {
			t.Fatalf("read of closed slot %d: %s, want EBADF", slot, ltResName(c.Res))
		}
		return
	}
	if c.Res != 128 || !bytes.Equal(buf[:128], bytes.Repeat([]byte{0x9a}, 128)) {
		t.Fatalf("read of slot %d: %s", slot, ltResName(c.Res))
	}
}

// TestLiburing_fd_pass covers test/fd-pass.c: a file opened directly into a
// fixed slot of one ring is passed with MSG_RING into a slot of another
// (given, or allocated from a range starting at 1), which then reads it,
// also after the source ring closed its slot.
func TestLiburing_fd_pass(t *testing.T) {
	msgRequire(t)
	dir := t.TempDir()
	path := dir + "/fd-pass"
	if err := os.WriteFile(path, bytes.Repeat([]byte{0x9a}, 128), 0o644); err != nil {
		t.Fatal(err)
	}
	name := ltCStr(t, path)
	buf := ltCBuf(t, 128)
	for _, v := range []struct{ src, dst int }{{0, 1}, {0, 2}, {1, 1}, {1, 0}, {1, -1}} {
		t.Run(fmt.Sprintf("%d_to_%d", v.src, v.dst), func(t *testing.T) {
			sring, dring := ltRing(t, 8, 0), ltRing(t, 8, 0)
			if err := lu.RegisterFilesSparse(sring, 8); err != nil {
				t.Skipf("sparse file tables: %v", err)
			}
			if err := lu.RegisterFilesSparse(dring, 8); err != nil {
				t.Fatal(err)
			}
			alloc := v.dst < 0
			if alloc {
				if err := lu.RegisterFileAllocRange(dring, 1, 1); err != nil {
					t.Fatal(err)
				}
			}
			lu.PrepOpenatDirect(ltSQE(t, sring), unix.AT_FDCWD, name, 0, 0o644, uint32(v.src))
			if c := ltRun(t, sring); c.Res != 0 {
				t.Fatalf("openat direct: %s", ltResName(c.Res))
			}
			msgFixedRead(t, sring, v.src, buf, false)
			sqe := ltSQE(t, sring)
			if alloc {
				lu.PrepMsgRingFdAlloc(sqe, dring.Fd(), v.src, 0x89, 0)
			} else {
				lu.PrepMsgRingFd(sqe, dring.Fd(), v.src, v.dst, 0x89, 0)
			}
			if c := ltRun(t, sring); c.Res < 0 {
				if c.Res == ltErrno(unix.EINVAL) {
					t.Skip("kernel cannot pass fixed files")
				}
				t.Fatalf("msg_ring fd: %s", ltResName(c.Res))
			}
			c := ltWait(t, dring)
			if c.UserData != 0x89 || c.Res < 0 {
				t.Fatalf("passing completion: %v", c)
			}
			dst := v.dst
			if alloc {
				if c.Res != 1 {
					t.Fatalf("allocated slot %d, want 1 (the range)", c.Res)
				}
				dst = int(c.Res)
			}
			msgFixedRead(t, dring, dst, buf, false)
			lu.PrepCloseDirect(ltSQE(t, sring), uint32(v.src))
			if c := ltRun(t, sring); c.Res != 0 {
				t.Fatalf("close_direct: %s", ltResName(c.Res))
			}
			msgFixedRead(t, sring, v.src, buf, true)
			msgFixedRead(t, dring, dst, buf, false)
		})
	}
}

// msgOwn sends a message to the ring itself: the MSG_RING request
// completes with 0 and the message arrives as user_data 0x1234, res 0x10.
func msgOwn(t *testing.T, ring *lu.Ring) {
	t.Helper()
	sqe := ltSQE(t, ring)
	lu.PrepMsgRing(sqe, ring.Fd(), 0x10, 0x1234, 0)
	lu.SQESetData64(sqe, 1)
	ltSubmit(t, ring, 1)
	got := ltWaitByUD(t, ring, 2)
	ltExpect(t, got[1], 1, 0)
	ltExpect(t, got[0x1234], 0x1234, 0x10)
}

// msgInvalid sends to fd 1 (not a ring), directly or as fixed file 0:
// EBADFD.
func msgInvalid(t *testing.T, ring *lu.Ring, fixed bool) {
	t.Helper()
	sqe := ltSQE(t, ring)
	if fixed {
		if err := lu.RegisterFiles(ring, []int32{1}); err != nil {
			t.Fatal(err)
		}
		defer lu.UnregisterFiles(ring)
		lu.PrepMsgRing(sqe, 0, 0, 0x8989, 0)
		lu.SQESetFlags(sqe, lu.IOSQE_FIXED_FILE)
	} else {
		lu.PrepMsgRing(sqe, 1, 0, 0x8989, 0)
	}
	lu.SQESetData64(sqe, 1)
	if c := ltRun(t, ring); c.Res != ltErrno(unix.EBADFD) {
		t.Fatalf("msg_ring to a non-ring fd (fixed %v): %s, want EBADFD", fixed, ltResName(c.Res))
	}
}

// TestLiburing_msg_ring covers test/msg-ring.c: MSG_RING to the ring itself
// (also an IOPOLL ring), to a non-ring fd (EBADFD, plain and fixed), to a
// ring another goroutine waits on, from another goroutine's ring into a
// DEFER_TASKRUN ring, and to a disabled ring (0 or EBADFD); for default and
// SINGLE_ISSUER|DEFER_TASKRUN rings.
func TestLiburing_msg_ring(t *testing.T) {
	msgRequire(t)
	for _, flags := range []uint32{0, lu.IORING_SETUP_SINGLE_ISSUER | lu.IORING_SETUP_DEFER_TASKRUN} {
		t.Run(fmt.Sprintf("flags_%#x", flags), func(t *testing.T) {
			ltLockThread(t)
			ring, ring2 := ltRing(t, 8, flags), ltRing(t, 8, flags)
			pring := ltRing(t, 8, flags|lu.IORING_SETUP_IOPOLL)
			msgOwn(t, ring)
			msgOwn(t, pring)
			msgInvalid(t, ring, false)
			msgInvalid(t, ring, true)
			msgInvalid(t, ring, true)

			if flags == 0 { // ring2 is waited on from another goroutine
				done := make(chan error, 1)
				go func() {
					c, err := ltWaitErr(ring2, ltWaitLimit)
					if err == nil && (c.UserData != 0x5aa5 || c.Res != 0x20) {
						err = fmt.Errorf("remote message %v", c)
					}
					done <- err
				}()
				sqe := ltSQE(t, ring)
				lu.PrepMsgRing(sqe, ring2.Fd(), 0x20, 0x5aa5, 0)
				lu.SQESetData64(sqe, 1)
				ltExpect(t, ltRun(t, ring), 1, 0)
				if err := <-done; err != nil {
					t.Fatal(err)
				}
			}

			// A DEFER_TASKRUN target gets a message from another thread's ring.
			target := ltDeferRing(t, 8, 0)
			msgOwn(t, target)
			msgInvalid(t, target, false)
			msgInvalid(t, target, true)
			errc := make(chan error, 1)
			go func() {
				var r lu.Ring
				if err := lu.QueueInit(8, &r, 0); err != nil {
					errc <- err
					return
				}
				defer lu.QueueExit(&r)
				sqe := lu.GetSQE(&r)
				lu.PrepMsgRing(sqe, target.Fd(), 0x20, 0x5aa5, 0)
				lu.SQESetData64(sqe, 1)
				lu.Submit(&r)
				c, err := ltWaitErr(&r, ltWaitLimit)
				if err == nil && (c.Res != 0 || c.UserData != 1) {
					err = fmt.Errorf("sender completion %v", c)
				}
				errc <- err
			}()
			ltExpect(t, ltWait(t, target), 0x5aa5, 0x20)
			if err := <-errc; err != nil {
				t.Fatal(err)
			}

			for _, dflags := range []uint32{0, lu.IORING_SETUP_SINGLE_ISSUER | lu.IORING_SETUP_DEFER_TASKRUN} {
				disabled := ltRing(t, 8, dflags|lu.IORING_SETUP_R_DISABLED)
				sqe := ltSQE(t, ring2)
				lu.PrepMsgRing(sqe, disabled.Fd(), 0x10, 0x1234, 0)
				lu.SQESetData64(sqe, 1)
				if c := ltRun(t, ring2); c.UserData != 1 || (c.Res != 0 && c.Res != ltErrno(unix.EBADFD)) {
					t.Errorf("msg_ring to a disabled ring (%#x): %v, want 0 or EBADFD", dflags, c)
				}
			}
		})
	}
}

// msgSendFlags sends a message with CQE flags 0x42 to target.
func msgSendFlags(t *testing.T, ring *lu.Ring, target int) {
	t.Helper()
	sqe := ltSQE(t, ring)
	lu.PrepMsgRingCQEFlags(sqe, target, 0x20, 0x5aa5, 0, 0x42)
	lu.SQESetData64(sqe, 1)
	c := ltRun(t, ring)
	if c.Res == ltErrno(unix.EINVAL) {
		t.Skip("kernel lacks IORING_MSG_RING_FLAGS_PASS (Linux 6.3)")
	}
	ltExpect(t, c, 1, 0)
}

// msgRecvFlags checks a received message: user_data 0x5aa5, res 0x20,
// flags exactly 0x42.
func msgRecvFlags(t *testing.T, c ltCQE) {
	t.Helper()
	if c.UserData != 0x5aa5 || c.Res != 0x20 || c.Flags != 0x42 {
		t.Fatalf("message %v, want user_data 0x5aa5 res 0x20 flags 0x42", c)
	}
}

// TestLiburing_msg_ring_flags covers test/msg-ring-flags.c:
// io_uring_prep_msg_ring_cqe_flags passes the given CQE flags to the
// target, once and 8 times in a row (into a 4-entry CQ), and to a
// DEFER_TASKRUN ring owned by another thread; for default and
// DEFER_TASKRUN senders.
func TestLiburing_msg_ring_flags(t *testing.T) {
	msgRequire(t)
	for _, flags := range []uint32{0, lu.IORING_SETUP_SINGLE_ISSUER | lu.IORING_SETUP_DEFER_TASKRUN} {
		t.Run(fmt.Sprintf("flags_%#x", flags), func(t *testing.T) {
			ltLockThread(t)
			ring, ring2 := ltRing(t, 2, flags), ltRing(t, 2, flags)
			msgSendFlags(t, ring, ring2.Fd())
			msgRecvFlags(t, ltWait(t, ring2))
			for range 8 {
				msgSendFlags(t, ring, ring2.Fd())
			}
			for range 8 {
				msgRecvFlags(t, ltWait(t, ring2))
			}
			fdc := make(chan int)
			res := make(chan error, 1)
			go func() {
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
				var r lu.Ring
				if err := lu.QueueInit(2, &r, lu.IORING_SETUP_DEFER_TASKRUN|lu.IORING_SETUP_SINGLE_ISSUER); err != nil {
					fdc <- -1
					res <- err
					return
				}
				defer lu.QueueExit(&r)
				fdc <- r.Fd()
				c, err := ltWaitErr(&r, ltWaitLimit)
				if err == nil && (c.UserData != 0x5aa5 || c.Res != 0x20 || c.Flags != 0x42) {
					err = fmt.Errorf("message %v", c)
				}
				res <- err
			}()
			fd := <-fdc
			if fd >= 0 {
				msgSendFlags(t, ring, fd)
			}
			if err := <-res; err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestLiburing_msg_ring_overflow covers test/msg-ring-overflow.c: 8
// messages into a target whose CQ holds 4 all arrive (overflow), for
// default, IOPOLL, DEFER_TASKRUN and DEFER_TASKRUN|IOPOLL targets.
func TestLiburing_msg_ring_overflow(t *testing.T) {
	msgRequire(t)
	ltLockThread(t)
	src := ltRing(t, 8, 0)
	defer_ := uint32(lu.IORING_SETUP_DEFER_TASKRUN | lu.IORING_SETUP_SINGLE_ISSUER)
	for _, dflags := range []uint32{0, lu.IORING_SETUP_IOPOLL, defer_, defer_ | lu.IORING_SETUP_IOPOLL} {
		p := lu.Params{Flags: dflags | lu.IORING_SETUP_CQSIZE, CQEntries: 4}
		dst := new(lu.Ring)
		if err := lu.QueueInitParams(4, dst, &p); err != nil {
			if errors.Is(err, unix.EINVAL) {
				t.Skipf("target flags %#x: %v", dflags, err)
			}
			t.Fatal(err)
		}
		for i := range 8 {
			sqe := ltSQE(t, src)
			lu.PrepMsgRing(sqe, dst.Fd(), 0x10, 0x1234, 0)
			lu.SQESetData64(sqe, uint64(i+1))
		}
		ltSubmit(t, src, 8)
		for ud, c := range ltWaitByUD(t, src, 8) {
			if c.Res != 0 {
				t.Fatalf("target %#x: message %d: %s", dflags, ud, ltResName(c.Res))
			}
		}
		for range 8 {
			ltExpect(t, ltWait(t, dst), 0x1234, 0x10)
		}
		lu.QueueExit(dst)
	}
}
