//go:build linux && cgo

package liburing

import (
	"testing"

	"golang.org/x/sys/unix"
)

// pollMaskABI is how a poll mask sits in the SQE's poll32_events: as is on
// little-endian machines, half-words swapped on big-endian ones.
func pollMaskABI(m uint32) uint32 {
	if netBigEndian {
		return m<<16 | m>>16
	}
	return m
}

// TestPrepPollSQEFields checks the poll and epoll prep helpers' SQEs against
// the io_uring ABI and the man pages. liburing 2.6 and 2.9 prepare them
// identically.
func TestPrepPollSQEFields(t *testing.T) {
	ev := testCNew[unix.EpollEvent](t)
	evA := testAddr(ev)
	const in, out = unix.POLLIN, unix.POLLOUT
	// A 32-bit mask: EPOLLEXCLUSIVE and EPOLLONESHOT live in the high half.
	const high = unix.EPOLLIN | unix.EPOLLEXCLUSIVE | unix.EPOLLONESHOT

	tests := []testSQECase{
		{"poll add", func(s *SQE) { PrepPollAdd(s, 3, in|out) },
			SQE{Opcode: IORING_OP_POLL_ADD, Fd: 3, OpFlags: pollMaskABI(in | out)}},
		{"poll add 32-bit mask", func(s *SQE) { PrepPollAdd(s, 3, high) },
			SQE{Opcode: IORING_OP_POLL_ADD, Fd: 3, OpFlags: pollMaskABI(high)}},
		{"poll add zero", func(s *SQE) { PrepPollAdd(s, 0, 0) },
			SQE{Opcode: IORING_OP_POLL_ADD}},
		{"poll add max", func(s *SQE) { PrepPollAdd(s, -1, 0xffffffff) },
			SQE{Opcode: IORING_OP_POLL_ADD, Fd: -1, OpFlags: 0xffffffff}},
		{"poll multishot", func(s *SQE) { PrepPollMultishot(s, 4, in) },
			SQE{Opcode: IORING_OP_POLL_ADD, Fd: 4, Len: IORING_POLL_ADD_MULTI, OpFlags: pollMaskABI(in)}},
		{"poll multishot 32-bit mask", func(s *SQE) { PrepPollMultishot(s, 4, 0x12345678) },
			SQE{Opcode: IORING_OP_POLL_ADD, Fd: 4, Len: IORING_POLL_ADD_MULTI, OpFlags: pollMaskABI(0x12345678)}},
		// poll_remove: the target's user_data in addr, fd -1.
		{"poll remove", func(s *SQE) { PrepPollRemove(s, 0xfeedface) },
			SQE{Opcode: IORING_OP_POLL_REMOVE, Fd: -1, Addr: 0xfeedface}},
		{"poll remove zero", func(s *SQE) { PrepPollRemove(s, 0) },
			SQE{Opcode: IORING_OP_POLL_REMOVE, Fd: -1}},
		{"poll remove max", func(s *SQE) { PrepPollRemove(s, ^uint64(0)) },
			SQE{Opcode: IORING_OP_POLL_REMOVE, Fd: -1, Addr: ^uint64(0)}},
		// poll_update: old user_data in addr, new in off, flags in len,
		// mask in poll32_events.
		{"poll update", func(s *SQE) {
			PrepPollUpdate(s, 10, 11, in, IORING_POLL_UPDATE_EVENTS|IORING_POLL_UPDATE_USER_DATA)
		}, SQE{Opcode: IORING_OP_POLL_REMOVE, Fd: -1, Addr: 10, Off: 11, Len: IORING_POLL_UPDATE_EVENTS | IORING_POLL_UPDATE_USER_DATA, OpFlags: pollMaskABI(in)}},
		{"poll update to multishot", func(s *SQE) {
			PrepPollUpdate(s, 1, 0, out, IORING_POLL_UPDATE_EVENTS|IORING_POLL_ADD_MULTI)
		}, SQE{Opcode: IORING_OP_POLL_REMOVE, Fd: -1, Addr: 1, Len: IORING_POLL_UPDATE_EVENTS | IORING_POLL_ADD_MULTI, OpFlags: pollMaskABI(out)}},
		{"poll update max", func(s *SQE) { PrepPollUpdate(s, ^uint64(0), ^uint64(0), 0xffffffff, 0xffffffff) },
			SQE{Opcode: IORING_OP_POLL_REMOVE, Fd: -1, Addr: ^uint64(0), Off: ^uint64(0), Len: 0xffffffff, OpFlags: 0xffffffff}},
		{"poll update zero", func(s *SQE) { PrepPollUpdate(s, 0, 0, 0, 0) },
			SQE{Opcode: IORING_OP_POLL_REMOVE, Fd: -1}},
		// epoll_ctl: epfd in fd, the event in addr, op in len, the target
		// fd in off (as a 32-bit value: -1 is not sign-extended).
		{"epoll ctl add", func(s *SQE) { PrepEpollCtl(s, 5, 6, unix.EPOLL_CTL_ADD, ev) },
			SQE{Opcode: IORING_OP_EPOLL_CTL, Fd: 5, Addr: evA, Len: unix.EPOLL_CTL_ADD, Off: 6}},
		{"epoll ctl del nil event", func(s *SQE) { PrepEpollCtl(s, 5, 6, unix.EPOLL_CTL_DEL, nil) },
			SQE{Opcode: IORING_OP_EPOLL_CTL, Fd: 5, Len: unix.EPOLL_CTL_DEL, Off: 6}},
		{"epoll ctl negative", func(s *SQE) { PrepEpollCtl(s, -1, -1, -1, ev) },
			SQE{Opcode: IORING_OP_EPOLL_CTL, Fd: -1, Addr: evA, Len: 0xffffffff, Off: 0xffffffff}},
	}
	testCheckSQE(t, tests)
}

// TestPrepPollNilSQE: the poll prep helpers ignore a nil SQE.
func TestPrepPollNilSQE(t *testing.T) {
	PrepPollAdd(nil, 0, 0)
	PrepPollMultishot(nil, 0, 0)
	PrepPollRemove(nil, 0)
	PrepPollUpdate(nil, 0, 0, 0, 0)
	PrepEpollCtl(nil, 0, 0, 0, nil)
}

// pollPipe returns a non-blocking pipe (read end, write end) closed when the
// test ends.
func pollPipe(t testing.TB) (int, int) {
	t.Helper()
	return testPipeFlags(t, unix.O_NONBLOCK)
}

func pollWrite(t testing.TB, fd int) {
	t.Helper()
	if _, err := unix.Write(fd, []byte{'x'}); err != nil {
		t.Fatal(err)
	}
}

func pollDrain(t testing.TB, fd int) {
	t.Helper()
	var b [64]byte
	if _, err := unix.Read(fd, b[:]); err != nil {
		t.Fatal(err)
	}
}

// TestPollAdd: a one-shot poll on a pipe waits until data arrives and then
// reports POLLIN, once; polling a bad fd gives -EBADF.
func TestPollAdd(t *testing.T) {
	requireOp(t, IORING_OP_POLL_ADD)
	ring := newRing(t, 8, 0)
	r, w := pollPipe(t)

	testPrep(t, ring, 1, func(s *SQE) { PrepPollAdd(s, r, unix.POLLIN) })
	testSubmit(t, ring)
	testNoCQE(t, ring, "poll on an empty pipe")
	pollWrite(t, w)
	res, flags := testWaitUD(t, ring, 1)
	if res < 0 || res&unix.POLLIN == 0 || flags&IORING_CQE_F_MORE != 0 {
		t.Fatalf("poll_add: res %#x flags %#x, want POLLIN without F_MORE", res, flags)
	}

	// Already readable: completes at once. The write end is writable.
	testPrep(t, ring, 2, func(s *SQE) { PrepPollAdd(s, r, unix.POLLIN|unix.POLLOUT) })
	res, _ = testRun(t, ring, 2)
	if res != unix.POLLIN {
		t.Errorf("poll on a readable read end: res %#x, want POLLIN only", res)
	}
	testPrep(t, ring, 3, func(s *SQE) { PrepPollAdd(s, w, unix.POLLOUT) })
	if res, _ = testRun(t, ring, 3); res&unix.POLLOUT == 0 {
		t.Errorf("poll on the write end: res %#x, want POLLOUT", res)
	}

	testPrep(t, ring, 4, func(s *SQE) { PrepPollAdd(s, -1, unix.POLLIN) })
	res, _ = testRun(t, ring, 4)
	testWantRes(t, "poll_add bad fd", res, -int32(unix.EBADF))
}

// TestPollMultishot: a multishot poll posts a CQE with IORING_CQE_F_MORE
// each time the pipe becomes readable, until poll_remove cancels it
// (-ECANCELED, no F_MORE). Removing it again, or anything unknown, gives
// -ENOENT.
func TestPollMultishot(t *testing.T) {
	requireOp(t, IORING_OP_POLL_ADD)
	requireOp(t, IORING_OP_POLL_REMOVE)
	ring := newRing(t, 8, 0)
	r, w := pollPipe(t)

	testPrep(t, ring, 7, func(s *SQE) { PrepPollMultishot(s, r, unix.POLLIN) })
	testSubmit(t, ring)
	for i := range 3 {
		pollWrite(t, w)
		res, flags := testWaitUD(t, ring, 7)
		if res < 0 || res&unix.POLLIN == 0 || flags&IORING_CQE_F_MORE == 0 {
			t.Fatalf("event %d: res %#x flags %#x, want POLLIN with F_MORE", i, res, flags)
		}
		pollDrain(t, r)
		testNoCQE(t, ring, "drained pipe")
	}

	testPrep(t, ring, 8, func(s *SQE) { PrepPollRemove(s, 7) })
	got := testReap(t, ring, 2)
	if c := got[8]; c.Res != 0 {
		t.Errorf("poll_remove: res %d (%v), want 0", c.Res, testErr(c.Res))
	}
	if c := got[7]; c.Res != -int32(unix.ECANCELED) || c.Flags&IORING_CQE_F_MORE != 0 {
		t.Errorf("cancelled multishot: res %d flags %#x, want -ECANCELED without F_MORE", c.Res, c.Flags)
	}
	pollWrite(t, w)
	testNoCQE(t, ring, "write after remove")

	for _, ud := range []uint64{7, 0, ^uint64(0)} {
		testPrep(t, ring, 9, func(s *SQE) { PrepPollRemove(s, ud) })
		res, _ := testRun(t, ring, 9)
		testWantRes(t, "poll_remove of an unknown request", res, -int32(unix.ENOENT))
	}
}

// TestPollUpdate: poll_update changes an armed poll's user_data, its events
// and one-shot/multishot mode; an unknown target gives -ENOENT.
func TestPollUpdate(t *testing.T) {
	requireOp(t, IORING_OP_POLL_ADD)
	requireOp(t, IORING_OP_POLL_REMOVE)
	ring := newRing(t, 8, 0)
	r, w := pollPipe(t)

	testPrep(t, ring, 1, func(s *SQE) {
		PrepPollUpdate(s, 12345, 1, unix.POLLIN, IORING_POLL_UPDATE_EVENTS|IORING_POLL_UPDATE_USER_DATA)
	})
	res, _ := testRun(t, ring, 1)
	testWantRes(t, "poll_update of an unknown request", res, -int32(unix.ENOENT))

	// New user_data: the event arrives under 11.
	testPrep(t, ring, 10, func(s *SQE) { PrepPollAdd(s, r, unix.POLLIN) })
	testPrep(t, ring, 2, func(s *SQE) { PrepPollUpdate(s, 10, 11, 0, IORING_POLL_UPDATE_USER_DATA) })
	res, _ = testRun(t, ring, 2)
	testWantRes(t, "poll_update user_data", res, 0)
	testNoCQE(t, ring, "updated poll on an empty pipe")
	pollWrite(t, w)
	res, _ = testWaitUD(t, ring, 11)
	if res&unix.POLLIN == 0 {
		t.Errorf("updated poll: res %#x, want POLLIN", res)
	}
	pollDrain(t, r)

	// New events: a poll for POLLIN on the write end never fires; updated
	// to POLLOUT it fires at once.
	testPrep(t, ring, 20, func(s *SQE) { PrepPollAdd(s, w, unix.POLLIN) })
	testSubmit(t, ring)
	testNoCQE(t, ring, "POLLIN on a write end")
	testPrep(t, ring, 3, func(s *SQE) { PrepPollUpdate(s, 20, 0, unix.POLLOUT, IORING_POLL_UPDATE_EVENTS) })
	got := testReap(t, ring, 2)
	if c := got[3]; c.Res != 0 {
		t.Errorf("poll_update events: res %d (%v)", c.Res, testErr(c.Res))
	}
	if c := got[20]; c.Res&unix.POLLOUT == 0 {
		t.Errorf("poll after update to POLLOUT: res %#x", c.Res)
	}

	// IORING_POLL_ADD_MULTI alone updates nothing: -EINVAL.
	testPrep(t, ring, 6, func(s *SQE) { PrepPollUpdate(s, 30, 0, unix.POLLIN, IORING_POLL_ADD_MULTI) })
	res, _ = testRun(t, ring, 6)
	testWantRes(t, "poll_update with only ADD_MULTI", res, -int32(unix.EINVAL))

	// With UPDATE_EVENTS the kernel accepts ADD_MULTI (res 0), but it
	// only replaces the low 16 event bits and EPOLLONESHOT sits above
	// them, so the poll stays one-shot (io_uring_prep_poll_update(3) says
	// it would turn multishot). Either way the event arrives; a poll that
	// did become multishot is removed.
	testPrep(t, ring, 30, func(s *SQE) { PrepPollAdd(s, r, unix.POLLIN) })
	testPrep(t, ring, 4, func(s *SQE) {
		PrepPollUpdate(s, 30, 0, unix.POLLIN, IORING_POLL_UPDATE_EVENTS|IORING_POLL_ADD_MULTI)
	})
	res, _ = testRun(t, ring, 4)
	testWantRes(t, "poll_update with ADD_MULTI", res, 0)
	pollWrite(t, w)
	res, flags := testWaitUD(t, ring, 30)
	if res&unix.POLLIN == 0 {
		t.Fatalf("event after update: res %#x flags %#x", res, flags)
	}
	if flags&IORING_CQE_F_MORE != 0 {
		t.Log("this kernel turned the poll multishot; removing it")
		testPrep(t, ring, 5, func(s *SQE) { PrepPollRemove(s, 30) })
		if got := testReap(t, ring, 2); got[5].Res != 0 || got[30].Res != -int32(unix.ECANCELED) {
			t.Errorf("remove after update: %+v", got)
		}
	}
}

// TestEpollCtl: epoll_ctl through io_uring adds, modifies and deletes a pipe
// fd in an epoll instance, with the kernel's errno for bad requests.
func TestEpollCtl(t *testing.T) {
	requireOp(t, IORING_OP_EPOLL_CTL)
	ev := testCNew[unix.EpollEvent](t)
	ring := newRing(t, 8, 0)
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		t.Fatal(err)
	}
	testCloseLater(t, epfd)
	r, w := pollPipe(t)

	ctl := func(ud uint64, fd, op int, ev *unix.EpollEvent) int32 {
		t.Helper()
		testPrep(t, ring, ud, func(s *SQE) { PrepEpollCtl(s, epfd, fd, op, ev) })
		res, _ := testRun(t, ring, ud)
		return res
	}
	wait := func() []unix.EpollEvent {
		t.Helper()
		evs := make([]unix.EpollEvent, 4)
		n, err := unix.EpollWait(epfd, evs, 0)
		if err != nil {
			t.Fatal(err)
		}
		return evs[:n]
	}

	ev.Events, ev.Fd = unix.EPOLLIN, int32(r)
	testWantRes(t, "EPOLL_CTL_ADD", ctl(1, r, unix.EPOLL_CTL_ADD, ev), 0)
	if evs := wait(); len(evs) != 0 {
		t.Fatalf("events on an empty pipe: %+v", evs)
	}
	pollWrite(t, w)
	if evs := wait(); len(evs) != 1 || evs[0].Fd != int32(r) || evs[0].Events != unix.EPOLLIN {
		t.Fatalf("after a write: %+v, want one EPOLLIN for fd %d", evs, r)
	}
	testWantRes(t, "EPOLL_CTL_ADD twice", ctl(2, r, unix.EPOLL_CTL_ADD, ev), -int32(unix.EEXIST))

	// MOD: the read end never reports POLLOUT, so nothing is ready.
	ev.Events = unix.EPOLLOUT
	testWantRes(t, "EPOLL_CTL_MOD", ctl(3, r, unix.EPOLL_CTL_MOD, ev), 0)
	if evs := wait(); len(evs) != 0 {
		t.Errorf("after MOD to EPOLLOUT: %+v", evs)
	}
	testWantRes(t, "EPOLL_CTL_DEL", ctl(4, r, unix.EPOLL_CTL_DEL, nil), 0)
	testWantRes(t, "EPOLL_CTL_DEL twice", ctl(5, r, unix.EPOLL_CTL_DEL, nil), -int32(unix.ENOENT))
	testWantRes(t, "EPOLL_CTL_MOD unknown fd", ctl(6, w, unix.EPOLL_CTL_MOD, ev), -int32(unix.ENOENT))
	testWantRes(t, "epoll fd added to itself", ctl(7, epfd, unix.EPOLL_CTL_ADD, ev), -int32(unix.EINVAL))
	testWantRes(t, "bad target fd", ctl(8, -1, unix.EPOLL_CTL_ADD, ev), -int32(unix.EBADF))
	testWantRes(t, "bad op", ctl(9, r, 99, ev), -int32(unix.EINVAL))

	// A non-epoll fd as epfd.
	testPrep(t, ring, 10, func(s *SQE) { PrepEpollCtl(s, r, w, unix.EPOLL_CTL_ADD, ev) })
	res, _ := testRun(t, ring, 10)
	testWantRes(t, "epfd that is a pipe", res, -int32(unix.EINVAL))
}
