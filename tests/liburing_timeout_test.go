//go:build linux && cgo

package tests

// liburing 2.6 test/ programs about timeouts and link timeouts.

import (
	"testing"
	"time"

	lu "github.com/liburing-go/liburing"
	"golang.org/x/sys/unix"
)

// linkTimeoutPair queues prep's request linked to a link timeout of d and
// submits both; user_data 1 and 2.
func linkTimeoutPair(t *testing.T, ring *lu.Ring, d time.Duration, prep func(*lu.SQE)) {
	t.Helper()
	sqe := ltSQE(t, ring)
	prep(sqe)
	lu.SQESetFlags(sqe, lu.IOSQE_IO_LINK)
	lu.SQESetData64(sqe, 1)
	sqe = ltSQE(t, ring)
	lu.PrepLinkTimeout(sqe, ltTimespec(t, d), 0)
	lu.SQESetData64(sqe, 2)
	ltSubmit(t, ring, 2)
}

// TestLiburing_accept_link covers test/accept-link.c: an ACCEPT linked to a
// link timeout: with nobody connecting the timeout fires (ETIME) and
// cancels the accept (ECANCELED with IORING_FEAT_FAST_POLL, else EINTR and
// EALREADY); with a connection the accept succeeds and the timeout is
// cancelled. (The C test's timeouts are 200 ms and 1 s; here 20 ms and 1 s.)
func TestLiburing_accept_link(t *testing.T) {
	ltRequireOp(t, lu.IORING_OP_ACCEPT, lu.IORING_OP_LINK_TIMEOUT)
	p := lu.Params{}
	probe := ltRingParams(t, 1, &p)
	fastPoll := probe.Features()&lu.IORING_FEAT_FAST_POLL != 0
	accept := func(lfd int) func(*lu.SQE) {
		return func(sqe *lu.SQE) { lu.PrepAccept(sqe, lfd, nil, nil, 0) }
	}
	t.Run("timeout", func(t *testing.T) {
		ring := ltRing(t, 8, 0)
		lfd, _ := ltListener(t, 0)
		linkTimeoutPair(t, ring, 20*time.Millisecond, accept(lfd))
		got := ltWaitByUD(t, ring, 2)
		if fastPoll {
			ltExpect(t, got[1], 1, ltErrno(unix.ECANCELED))
			ltExpect(t, got[2], 2, ltErrno(unix.ETIME))
		} else {
			ltExpect(t, got[1], 1, ltErrno(unix.EINTR))
			ltExpect(t, got[2], 2, ltErrno(unix.EALREADY))
		}
	})
	t.Run("connect", func(t *testing.T) {
		ring := ltRing(t, 8, 0)
		lfd, sa := ltListener(t, 0)
		linkTimeoutPair(t, ring, time.Second, accept(lfd))
		netClient(t, sa)
		got := ltWaitByUD(t, ring, 2)
		if got[1].Res <= 0 {
			t.Fatalf("accept: %v, want a connection", got[1])
		}
		unix.Close(int(got[1].Res))
		ltExpect(t, got[2], 2, ltErrno(unix.ECANCELED))
	})
}

// TestLiburing_poll_link covers test/poll-link.c: a POLL_ADD on a listener
// linked to a link timeout: without a connection the timeout fires (ETIME)
// and cancels the poll (ECANCELED); with one the poll reports POLLIN and
// the timeout is cancelled.
func TestLiburing_poll_link(t *testing.T) {
	ltRequireOp(t, lu.IORING_OP_LINK_TIMEOUT)
	poll := func(lfd int) func(*lu.SQE) {
		return func(sqe *lu.SQE) { lu.PrepPollAdd(sqe, lfd, unix.POLLIN|unix.POLLHUP|unix.POLLERR) }
	}
	t.Run("timeout", func(t *testing.T) {
		ring := ltRing(t, 8, 0)
		lfd, _ := ltListener(t, 0)
		linkTimeoutPair(t, ring, 20*time.Millisecond, poll(lfd))
		got := ltWaitByUD(t, ring, 2)
		ltExpect(t, got[1], 1, ltErrno(unix.ECANCELED))
		ltExpect(t, got[2], 2, ltErrno(unix.ETIME))
	})
	t.Run("connect", func(t *testing.T) {
		ring := ltRing(t, 8, 0)
		lfd, sa := ltListener(t, 0)
		linkTimeoutPair(t, ring, time.Second, poll(lfd))
		netClient(t, sa)
		got := ltWaitByUD(t, ring, 2)
		if got[1].Res&unix.POLLIN == 0 {
			t.Fatalf("poll: %v, want POLLIN", got[1])
		}
		ltExpect(t, got[2], 2, ltErrno(unix.ECANCELED))
	})
}

// TestLiburing_7ad0e4b2f83c covers test/7ad0e4b2f83c.c: after a
// io_uring_wait_cqe_timeout that returned at once with a NOP's completion,
// a TIMEOUT request of 50 ms (the C test: 1 s) completes after its own
// time, neither early nor late.
func TestLiburing_7ad0e4b2f83c(t *testing.T) {
	ltNoPreempt(t)
	ring := ltRing(t, 32, 0)
	ltNop(t, ring, 1, 0)
	ltSubmit(t, ring, 1)
	ts := lu.KernelTimespec{Sec: 5}
	cqe, err := lu.WaitCQETimeout(ring, &ts)
	if err != nil {
		t.Fatalf("WaitCQETimeout: %v", err)
	}
	lu.CQESeen(ring, cqe)
	const d = 50 * time.Millisecond
	start := time.Now()
	sqe := ltSQE(t, ring)
	lu.PrepTimeout(sqe, ltTimespec(t, d), 0, 0)
	lu.SQESetData64(sqe, 89)
	ltSubmit(t, ring, 1)
	ltExpect(t, ltWait(t, ring), 89, ltErrno(unix.ETIME))
	// Late means far beyond what a loaded machine's scheduling adds.
	if el := time.Since(start); el < d*9/10 || el > d+time.Second {
		t.Errorf("a %v timeout completed after %v", d, el)
	}
}

// TestLiburing_b5837bd5311d covers test/b5837bd5311d.c:
// io_uring_submit_and_wait honours wait_nr: with a 10 ms timeout pending,
// submitting a NOP and waiting for 2 returns only once both completed.
func TestLiburing_b5837bd5311d(t *testing.T) {
	ltNoPreempt(t) // one uninterrupted wait for 2
	ring := ltRing(t, 4, 0)
	sqe := ltSQE(t, ring)
	lu.PrepTimeout(sqe, ltTimespec(t, 10*time.Millisecond), ^uint32(0), 0)
	lu.SQESetData64(sqe, 1)
	ltSubmit(t, ring, 1)
	ltNop(t, ring, 2, 0)
	if n, err := lu.SubmitAndWait(ring, 2); n != 1 || err != nil {
		t.Fatalf("SubmitAndWait(2) = %d, %v; want 1", n, err)
	}
	if r := lu.CQReady(ring); r != 2 {
		t.Fatalf("%d completions ready after waiting for 2", r)
	}
	got := ltWaitByUD(t, ring, 2)
	ltExpect(t, got[2], 2, 0)
	ltExpect(t, got[1], 1, ltErrno(unix.ETIME))
}
