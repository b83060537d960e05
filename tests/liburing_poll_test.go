//go:build linux && cgo

package tests

// liburing 2.6 test/ programs of the poll area.

import (
	"errors"
	"os"
	"runtime"
	"sync"
	"testing"
	"time"
	"unsafe"

	lu "github.com/liburing-go/liburing"
	"golang.org/x/sys/unix"
)

// TestLiburing_eploop covers test/eploop.c: a multishot poll on an epoll
// fd that watches the ring's own fd does not feed itself: after the NOP and
// the poll's completion no more CQEs arrive.
func TestLiburing_eploop(t *testing.T) {
	ring := ltRing(t, 8, 0)
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		t.Fatal(err)
	}
	ltClose(t, epfd)
	ev := unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(ring.Fd())}
	if err := unix.EpollCtl(epfd, unix.EPOLL_CTL_ADD, ring.Fd(), &ev); err != nil {
		t.Fatal(err)
	}
	sqe := ltSQE(t, ring)
	lu.PrepPollMultishot(sqe, epfd, unix.POLLIN)
	lu.SQESetData64(sqe, 1)
	ltSubmit(t, ring, 1)
	ltNop(t, ring, 2, 0)
	ltSubmit(t, ring, 1)
	got := ltWaitByUD(t, ring, 2)
	ltExpect(t, got[2], 2, 0)
	if got[1].Res != unix.POLLIN {
		t.Errorf("poll of the epoll fd: %v, want POLLIN", got[1])
	}
	if _, err := lu.PeekCQE(ring); !errors.Is(err, unix.EAGAIN) {
		t.Fatalf("PeekCQE: %v, want EAGAIN (the poll must not loop)", err)
	}
	ltNoCQE(t, ring, 10*time.Millisecond)
}

// TestLiburing_poll_cancel_ton covers test/poll-cancel-ton.c: 30000 polls on
// a pipe, added 1024 at a time, then removed 1024 at a time: every poll
// ends with ECANCELED and every remove succeeds (the C test removes random
// ones; here each exactly once).
func TestLiburing_poll_cancel_ton(t *testing.T) {
	const count, batch = 30000, 1024
	r, _ := ltPipe(t, 0)
	p := lu.Params{Flags: lu.IORING_SETUP_CQSIZE, CQEntries: 16384}
	ring := ltRingParams(t, batch, &p)
	for done := 0; done < count; {
		n := min(batch, count-done)
		for i := range n {
			sqe := ltSQE(t, ring)
			lu.PrepPollAdd(sqe, r, unix.POLLIN)
			lu.SQESetData64(sqe, uint64(done+i+1))
		}
		ltSubmit(t, ring, n)
		done += n
	}
	if r := lu.CQReady(ring); r != 0 {
		t.Fatalf("%d polls completed on an empty pipe", r)
	}
	const removeTag = 1 << 32
	for done := 0; done < count; {
		n := min(batch, count-done)
		for i := range n {
			sqe := ltSQE(t, ring)
			lu.PrepPollRemove(sqe, uint64(done+i+1))
			lu.SQESetData64(sqe, removeTag|uint64(done+i+1))
		}
		ltSubmit(t, ring, n)
		for range 2 * n {
			c := ltWait(t, ring)
			if c.UserData&removeTag != 0 && c.Res != 0 {
				t.Fatalf("poll remove: %v", c)
			}
			if c.UserData&removeTag == 0 && c.Res != ltErrno(unix.ECANCELED) {
				t.Fatalf("removed poll: %v, want ECANCELED", c)
			}
		}
		done += n
	}
}

// TestLiburing_poll_mshot_overflow covers test/poll-mshot-overflow.c: a
// multishot poll whose completion overflows a 2-entry CQ keeps posting in
// order and, once removed, ends with one CQE without IORING_CQE_F_MORE,
// with plain and DEFER_TASKRUN single-issuer rings; and a multishot poll
// that fires 8 times into a 2-entry CQ is downgraded (last CQE without
// F_MORE) rather than losing events.
func TestLiburing_poll_mshot_overflow(t *testing.T) {
	t.Run("downgrade", func(t *testing.T) {
		// Submitting and writing from one OS thread makes the kernel run
		// the poll's task work as each write returns: one CQE per write.
		ltLockThread(t)
		r, w := ltPipe(t, 0)
		ring := ltRingParams(t, 2, &lu.Params{Flags: lu.IORING_SETUP_CQSIZE, CQEntries: 2})
		sqe := ltSQE(t, ring)
		lu.PrepPollMultishot(sqe, r, unix.POLLIN)
		lu.SQESetData64(sqe, 1)
		ltSubmit(t, ring, 1)
		b := make([]byte, 4)
		for range 8 {
			unix.Write(w, b)
			unix.Read(r, b)
		}
		var cqes []ltCQE
		for {
			cqe, err := lu.PeekCQE(ring)
			if err != nil {
				break
			}
			cqes = append(cqes, ltCQE{cqe.UserData, cqe.Res, cqe.Flags})
			lu.CQESeen(ring, cqe)
		}
		if len(cqes) < 3 || len(cqes) == 8 {
			t.Fatalf("%d completions of 8 events into a 2-entry CQ: want the poll downgraded after 3 or more", len(cqes))
		}
		last := cqes[len(cqes)-1]
		if last.Flags&lu.IORING_CQE_F_MORE != 0 {
			t.Errorf("last completion %v still has F_MORE", last)
		}
		for _, c := range cqes[:len(cqes)-1] {
			if c.Flags&lu.IORING_CQE_F_MORE == 0 || c.Res < 0 {
				t.Errorf("completion %v: want F_MORE and res >= 0", c)
			}
		}
	})
	for _, defer_ := range []bool{false, true} {
		name := "single_issuer"
		if defer_ {
			name = "defer_taskrun"
		}
		t.Run(name, func(t *testing.T) {
			ltLockThread(t)
			r, w := ltPipe(t, 0)
			flags := uint32(lu.IORING_SETUP_CQSIZE | lu.IORING_SETUP_SINGLE_ISSUER)
			if defer_ {
				flags |= lu.IORING_SETUP_DEFER_TASKRUN
			}
			ring := ltRingParams(t, 2, &lu.Params{Flags: flags, CQEntries: 2})
			sqe := ltSQE(t, ring)
			lu.PrepPollMultishot(sqe, r, unix.POLLIN)
			lu.SQESetData64(sqe, 1)
			if lu.CQReady(ring) != 0 {
				t.Fatal("CQEs before submitting")
			}
			for range 2 {
				ltNop(t, ring, 2, 0)
				ltSubmit(t, ring, -1)
			}
			if n, err := unix.Write(w, []byte("foo")); n != 3 {
				t.Fatal(err)
			}
			for range 2 { // 2 NOP CQEs in the ring, the poll's in overflow
				cqe, err := lu.PeekCQE(ring)
				if err != nil {
					t.Fatalf("PeekCQE: %v", err)
				}
				if cqe.UserData != 2 {
					t.Fatalf("completion user_data %d, want the NOPs (2) first", cqe.UserData)
				}
				lu.CQESeen(ring, cqe)
			}
			lu.GetEvents(ring)
			sqe = ltSQE(t, ring)
			lu.PrepPollRemove(sqe, 1)
			lu.SQESetData64(sqe, 3)
			ltSubmit(t, ring, 1)
			polls, ended, removed := 0, false, false
			for {
				cqe, err := lu.PeekCQE(ring)
				if err != nil {
					break
				}
				c := ltCQE{cqe.UserData, cqe.Res, cqe.Flags}
				lu.CQESeen(ring, cqe)
				switch c.UserData {
				case 1:
					if ended {
						t.Errorf("poll completion %v after its final one", c)
					}
					polls++
					ended = c.Flags&lu.IORING_CQE_F_MORE == 0
				case 3:
					removed = true
				default:
					t.Errorf("unexpected completion %v", c)
				}
			}
			if polls == 0 || !removed {
				t.Errorf("%d poll completions, remove seen %v: want at least one of each", polls, removed)
			}
		})
	}
}

// TestLiburing_poll_race covers test/poll-race.c: 64 RECVs queued on one
// socket while another thread writes 64 x 64 bytes all complete (racing
// wakeups do not stall any), 100 rounds (the C test runs 1000).
func TestLiburing_poll_race(t *testing.T) {
	const nreqs = 64
	buf := ltCBuf(t, 64)
	ring := ltRing(t, nreqs, 0)
	for round := range 100 {
		fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			t.Fatal(err)
		}
		start := make(chan struct{})
		done := make(chan struct{})
		go func() {
			defer close(done)
			b := make([]byte, 64)
			<-start
			for range nreqs {
				unix.Write(fds[1], b)
			}
		}()
		for range nreqs {
			lu.PrepRecv(ltSQE(t, ring), fds[0], ltPtr(buf), 64, 0)
		}
		close(start)
		ltSubmit(t, ring, nreqs)
		total := int32(0)
		for range nreqs {
			c := ltWait(t, ring)
			if c.Res < 0 {
				t.Fatalf("round %d: recv %s", round, ltResName(c.Res))
			}
			total += c.Res
		}
		<-done
		unix.Close(fds[0])
		unix.Close(fds[1])
		if total != nreqs*64 {
			t.Fatalf("round %d: received %d bytes, want %d", round, total, nreqs*64)
		}
	}
}

// TestLiburing_poll_ring covers test/poll-ring.c: a poll of the ring's own
// fd does not keep the ring (and its workers) from exiting.
func TestLiburing_poll_ring(t *testing.T) {
	ring := new(lu.Ring)
	if err := lu.QueueInit(1, ring, 0); err != nil {
		t.Fatal(err)
	}
	sqe := ltSQE(t, ring)
	lu.PrepPollAdd(sqe, ring.Fd(), unix.POLLIN)
	lu.SQESetData64(sqe, 1)
	ltSubmit(t, ring, 1)
	ltWithin(t, ltWaitLimit, "exit of a ring polling itself", func() { lu.QueueExit(ring) })
}

// pollRetry calls a poll(2)-like wait with a timeout in milliseconds until
// it returns something other than EINTR, within d in all. poll(2) and
// epoll_wait(2) are never restarted after a signal handler, and the Go
// runtime signals its threads (SIGURG, for preemption) at any time.
func pollRetry(d time.Duration, wait func(ms int) (int, error)) (int, error) {
	deadline := time.Now().Add(d)
	for {
		n, err := wait(int(max(time.Until(deadline), 0) / time.Millisecond))
		if !errors.Is(err, unix.EINTR) {
			return n, err
		}
	}
}

// pollBoth polls fd for events with the ring (in one goroutine) and with
// poll(2) (in another), runs trigger, and returns both results.
func pollBoth(t *testing.T, ring *lu.Ring, fd int, events int16, trigger func()) (int32, int16) {
	t.Helper()
	var wg sync.WaitGroup
	var uring int32 = -1
	var sys int16 = -1
	wg.Add(2)
	go func() {
		defer wg.Done()
		lu.PrepPollAdd(lu.GetSQE(ring), fd, uint32(uint16(events)))
		lu.Submit(ring)
		if c, err := ltWaitErr(ring, ltWaitLimit); err == nil {
			uring = c.Res & 0x3f
		}
	}()
	go func() {
		defer wg.Done()
		pfd := []unix.PollFd{{Fd: int32(fd), Events: events}}
		if _, err := pollRetry(ltWaitLimit, func(ms int) (int, error) { return unix.Poll(pfd, ms) }); err == nil {
			sys = pfd[0].Revents
		}
	}()
	if trigger != nil {
		time.Sleep(10 * time.Millisecond) // the C test waits 100 ms
		trigger()
	}
	wg.Wait()
	return uring, sys
}

// TestLiburing_poll_v_poll covers test/poll-v-poll.c: io_uring's poll and
// poll(2) report the same events for the read end (POLLIN) and write end
// (POLLOUT) of a pipe and for a regular file (POLLIN, POLLOUT, both), and
// a poll of an epoll fd completes with epoll_wait(2), whether the pipe was
// added with epoll_ctl(2) or IORING_OP_EPOLL_CTL.
func TestLiburing_poll_v_poll(t *testing.T) {
	ring := ltRing(t, 1, 0)
	write := func(w int) func() { return func() { unix.Write(w, []byte{0x89}) } }
	r, w := ltPipe(t, 0)
	if u, s := pollBoth(t, ring, r, unix.POLLIN, write(w)); u != int32(s) || s <= 0 {
		t.Errorf("pipe POLLIN: io_uring %#x, poll(2) %#x", u, s)
	}
	_, w = ltPipe(t, 0)
	if u, s := pollBoth(t, ring, w, unix.POLLOUT, write(w)); u != int32(s) || s <= 0 {
		t.Errorf("pipe POLLOUT: io_uring %#x, poll(2) %#x", u, s)
	}
	for _, viaRing := range []bool{false, true} {
		epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
		if err != nil {
			t.Fatal(err)
		}
		ltClose(t, epfd)
		r, w := ltPipe(t, 0)
		if viaRing {
			ltRequireOp(t, lu.IORING_OP_EPOLL_CTL)
			ev := ltCNew[unix.EpollEvent](t)
			ev.Events, ev.Fd = unix.EPOLLIN, int32(r)
			lu.PrepEpollCtl(ltSQE(t, ring), epfd, r, unix.EPOLL_CTL_ADD, ev)
			if c := ltRun(t, ring); c.Res != 0 {
				t.Fatalf("IORING_OP_EPOLL_CTL: %s", ltResName(c.Res))
			}
		} else if err := unix.EpollCtl(epfd, unix.EPOLL_CTL_ADD, r, &unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(r)}); err != nil {
			t.Fatal(err)
		}
		var got int
		done := make(chan struct{})
		go func() {
			defer close(done)
			evs := make([]unix.EpollEvent, 1)
			got, _ = pollRetry(ltWaitLimit, func(ms int) (int, error) { return unix.EpollWait(epfd, evs, ms) })
		}()
		u, _ := pollBoth(t, ring, epfd, unix.POLLIN, write(w))
		<-done
		if u&unix.POLLIN == 0 || got != 1 {
			t.Errorf("epoll (added through the ring %v): io_uring poll %#x, epoll_wait %d events", viaRing, u, got)
		}
	}
	self, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	fd := ltOpen(t, self, unix.O_RDONLY, 0)
	for _, ev := range []int16{unix.POLLIN, unix.POLLOUT, unix.POLLIN | unix.POLLOUT} {
		if u, s := pollBoth(t, ring, fd, ev, nil); u != int32(s) {
			t.Errorf("regular file %#x: io_uring %#x, poll(2) %#x", ev, u, s)
		}
	}
}

// TestLiburing_sigfd_deadlock covers test/sigfd-deadlock.c: a poll on a
// signalfd completes with POLLIN when the signal arrives, without
// deadlocking on the signal lock. It runs in a child process whose locked
// thread blocks SIGUSR1 (the C test blocks SIGINT process-wide, which the
// Go runtime does not allow) and sends it to itself.
func TestLiburing_sigfd_deadlock(t *testing.T) {
	if ltChildRole() == "sigfd" {
		sigfdChild()
	}
	ltRunChild(t, ltChild(t, "sigfd"))
}

func sigfdChild() {
	runtime.LockOSThread()
	var set unix.Sigset_t
	sig := uint(unix.SIGUSR1) - 1
	set.Val[sig/64] |= 1 << (sig % 64)
	if err := unix.PthreadSigmask(unix.SIG_BLOCK, &set, nil); err != nil {
		ltChildExit(1, "sigprocmask: %v", err)
	}
	sfd, err := unix.Signalfd(-1, &set, unix.SFD_NONBLOCK)
	if err != nil {
		ltChildExit(1, "signalfd: %v", err)
	}
	var ring lu.Ring
	if err := lu.QueueInit(32, &ring, 0); err != nil {
		ltChildExit(1, "QueueInit: %v", err)
	}
	lu.PrepPollAdd(lu.GetSQE(&ring), sfd, unix.POLLIN)
	if _, err := lu.Submit(&ring); err != nil {
		ltChildExit(1, "Submit: %v", err)
	}
	unix.Tgkill(os.Getpid(), unix.Gettid(), unix.SIGUSR1)
	c, err := ltWaitErr(&ring, ltWaitLimit)
	switch {
	case err != nil:
		ltChildExit(1, "waiting for the signalfd poll: %v", err)
	case c.Res == ltErrno(unix.EOPNOTSUPP):
		ltChildExit(0, "") // no signalfd polling: the C test skips
	case c.Res < 0 || c.Res&unix.POLLIN == 0:
		ltChildExit(1, "signalfd poll: %v, want POLLIN", c)
	}
	lu.QueueExit(&ring)
	ltChildExit(0, "")
}

// TestLiburing_poll covers test/poll.c (a "maybe" test: it forks): a poll
// on a pipe in a child process completes with POLLIN when the parent
// writes; a multishot poll on a DEFER_TASKRUN ring reports both POLLIN and
// POLLOUT; a poll of a disabled DEFER_TASKRUN ring, armed before or after
// it is enabled, fires once the ring posts a CQE (Linux 6.3; on older
// kernels it stays pending); and 65536 polls of a ring on itself do not get
// in the way of a NOP.
func TestLiburing_poll(t *testing.T) {
	if ltChildRole() == "poll-basic" {
		pollBasicChild()
	}
	t.Run("basic", func(t *testing.T) {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		defer w.Close()
		cmd := ltChild(t, "poll-basic", r) // the read end is fd 3 there
		out := make(chan error, 1)
		go func() {
			b, err := cmd.CombinedOutput()
			if err != nil {
				err = errors.New(err.Error() + ": " + string(b))
			}
			out <- err
		}()
		time.Sleep(20 * time.Millisecond)
		if _, err := w.Write([]byte("foo")); err != nil {
			t.Fatal(err)
		}
		if err := <-out; err != nil {
			t.Fatalf("child: %v", err)
		}
	})
	t.Run("missing_events", func(t *testing.T) {
		ring := ltDeferRing(t, 8, 0)
		sp, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			t.Fatal(err)
		}
		ltClose(t, sp[0], sp[1])
		unix.SetsockoptInt(sp[0], unix.SOL_SOCKET, unix.SO_SNDBUF, 1)
		buf := []byte{0, 0}
		if n, _ := unix.Write(sp[0], buf); n != 2 {
			t.Fatal("send")
		}
		lu.PrepPollMultishot(ltSQE(t, ring), sp[0], unix.POLLIN|unix.POLLOUT)
		ltSubmit(t, ring, 1)
		unix.Write(sp[1], buf) // POLLIN
		unix.Read(sp[1], buf)  // POLLOUT
		mask := ltWait(t, ring).Res
		for {
			cqe, err := lu.PeekCQE(ring)
			if err != nil {
				break
			}
			mask |= cqe.Res
			lu.CQESeen(ring, cqe)
		}
		if mask&(unix.POLLIN|unix.POLLOUT) != unix.POLLIN|unix.POLLOUT {
			t.Errorf("multishot poll reported %#x, want POLLIN and POLLOUT", mask)
		}
	})
	for _, early := range []bool{false, true} {
		t.Run(map[bool]string{false: "lazy_polling", true: "lazy_polling_early"}[early], func(t *testing.T) {
			ring := ltDeferRing(t, 8, lu.IORING_SETUP_R_DISABLED)
			ring2 := ltRing(t, 8, 0)
			arm := func() {
				lu.PrepPollAdd(ltSQE(t, ring2), ring.Fd(), unix.POLLIN)
				ltSubmit(t, ring2, 1)
				if _, err := lu.PeekCQE(ring2); !errors.Is(err, unix.EAGAIN) {
					t.Fatalf("poll of a quiet ring completed: %v", err)
				}
			}
			if early {
				arm()
			}
			if err := lu.EnableRings(ring); err != nil {
				t.Fatal(err)
			}
			if !early {
				arm()
			}
			ltNop(t, ring, 1, 0)
			ltSubmit(t, ring, 1)
			if ltKernelBefore(t, "6.3") {
				// Before Linux 6.3 a completion on a DEFER_TASKRUN ring
				// never wakes the ring's pollers (enabled early or late
				// alike). 6.3 gave ring polling its own wait queue,
				// activated lazily on the first poll ("io_uring: separate
				// wq for ring polling", "io_uring: add lazy poll_wq
				// activation"), which the C test came with.
				ltNoCQE(t, ring2, 100*time.Millisecond)
				t.Log("kernel before 6.3: the poll of a DEFER_TASKRUN ring stays pending")
				return
			}
			if c := ltWait(t, ring2); c.Res&unix.POLLIN == 0 {
				t.Errorf("poll of the ring: %v, want POLLIN", c)
			}
			ltNoCQE(t, ring2, 5*time.Millisecond)
		})
	}
	t.Run("self_poll", func(t *testing.T) {
		const nr = 2048
		ring := ltRing(t, nr, 0)
		for range 32 {
			for range nr {
				lu.PrepPollAdd(ltSQE(t, ring), ring.Fd(), unix.POLLIN)
			}
			ltSubmit(t, ring, nr)
		}
		ltNop(t, ring, 1, 0)
		ltSubmit(t, ring, 1)
		ltWait(t, ring)
	})
}

func pollBasicChild() {
	var ring lu.Ring
	if err := lu.QueueInit(1, &ring, 0); err != nil {
		ltChildExit(1, "QueueInit: %v", err)
	}
	sqe := lu.GetSQE(&ring)
	lu.PrepPollAdd(sqe, 3, unix.POLLIN)
	lu.SQESetData64(sqe, uint64(uintptr(unsafe.Pointer(sqe))))
	want := sqe.UserData
	lu.Submit(&ring)
	c, err := ltWaitErr(&ring, ltWaitLimit)
	if err != nil || c.UserData != want || c.Res&unix.POLLIN == 0 {
		ltChildExit(1, "poll in the child: %v %v", c, err)
	}
	ltChildExit(0, "")
}

// TestLiburing_poll_cancel covers test/poll-cancel.c (a "maybe" test: it
// forks): POLL_REMOVE of a pending poll succeeds and the poll ends with
// ECANCELED; and a child that exits with a timeout, a poll of another ring
// and its link timeout pending exits cleanly.
func TestLiburing_poll_cancel(t *testing.T) {
	if ltChildRole() == "poll-cancel" {
		pollCancelChild()
	}
	r, _ := ltPipe(t, 0)
	ring := ltRing(t, 2, 0)
	sqe := ltSQE(t, ring)
	lu.PrepPollAdd(sqe, r, unix.POLLIN)
	lu.SQESetData64(sqe, 1)
	ltSubmit(t, ring, 1)
	sqe = ltSQE(t, ring)
	lu.PrepPollRemove(sqe, 1)
	lu.SQESetData64(sqe, 2)
	ltSubmit(t, ring, 1)
	got := ltWaitByUD(t, ring, 2)
	ltExpect(t, got[1], 1, ltErrno(unix.ECANCELED))
	ltExpect(t, got[2], 2, 0)

	ltExitChild(t, "poll-cancel")
}

func pollCancelChild() {
	var ring, ring2 lu.Ring
	if lu.QueueInit(8, &ring, 0) != nil || lu.QueueInit(1, &ring2, 0) != nil {
		ltChildExit(1, "QueueInit")
	}
	b, _ := lu.AllocBuffer(16)
	ts := (*lu.KernelTimespec)(unsafe.Pointer(&b[0]))
	ts.Sec = 10
	lu.PrepTimeout(lu.GetSQE(&ring), ts, 1000, 0) // offset timeout
	sqe := lu.GetSQE(&ring)
	lu.PrepPollAdd(sqe, ring2.Fd(), unix.POLLIN) // cancelled on exit
	lu.SQESetFlags(sqe, lu.IOSQE_IO_LINK)
	lu.PrepLinkTimeout(lu.GetSQE(&ring), ts, 0)
	if n, err := lu.Submit(&ring); n != 3 {
		ltChildExit(1, "Submit = %d, %v", n, err)
	}
	ltChildExit(0, "") // leave everything to the exit
}
