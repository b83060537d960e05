//go:build linux && cgo

package tests

// liburing 2.6 test/ programs of the submit and CQE areas: NOPs, SQ and CQ
// accounting, submission stopping at a bad SQE.

import (
	"errors"
	"testing"
	"time"

	lu "github.com/liburing-go/liburing"
	"golang.org/x/sys/unix"
)

// TestLiburing_drop_submit covers test/drop-submit.c: a submission with a
// failing SQE stops at it (5 of 6 consumed), unless the ring was set up with
// IORING_SETUP_SUBMIT_ALL (all 6 consumed, the bad ones fail in their CQE).
func TestLiburing_drop_submit(t *testing.T) {
	buf := ltCBuf(t, 32)
	for _, c := range []struct {
		flags uint32
		want  int
	}{{lu.IORING_SETUP_SUBMIT_ALL, 6}, {0, 5}} {
		ring := ltRing(t, 8, c.flags)
		for i := range 4 {
			ltNop(t, ring, uint64(i), 0)
		}
		for i := range 2 {
			sqe := ltSQE(t, ring)
			lu.PrepRead(sqe, 128, ltPtr(buf), uint32(len(buf)), 0)
			sqe.Ioprio = 0xffff // (short)-1: rejected at prep
			lu.SQESetData64(sqe, uint64(10+i))
		}
		ltSubmit(t, ring, c.want)
		got := ltWaitByUD(t, ring, c.want)
		for i := range 4 {
			ltExpect(t, got[uint64(i)], uint64(i), 0)
		}
		for i := 10; i < 10+c.want-4; i++ {
			if got[uint64(i)].Res >= 0 {
				t.Errorf("flags %#x: bad read %d completed with %d, want an error", c.flags, i, got[uint64(i)].Res)
			}
		}
	}
}

// nopRound is one round of test/nop.c on ring: a single NOP, then eight
// with the fifth draining, each with reqFlags; every CQE has a user_data and
// res 0, and on a CQE32 ring zero big_cqe words.
func nopRound(t *testing.T, ring *lu.Ring, seq *uint64, reqFlags uint32) {
	t.Helper()
	cqe32 := ring.Flags()&lu.IORING_SETUP_CQE32 != 0
	check := func(n int) {
		for range n {
			ts := lu.KernelTimespec{Sec: 5}
			cqe, err := lu.WaitCQETimeout(ring, &ts)
			for errors.Is(err, unix.EINTR) { // a signal for the Go runtime
				cqe, err = lu.WaitCQETimeout(ring, &ts)
			}
			if err != nil {
				t.Fatalf("WaitCQETimeout: %v", err)
			}
			if cqe.UserData == 0 || cqe.Res != 0 {
				t.Fatalf("NOP completion user_data %d res %d", cqe.UserData, cqe.Res)
			}
			if cqe32 && (cqe.BigCQE()[0] != 0 || cqe.BigCQE()[1] != 0) {
				t.Fatalf("NOP big_cqe = %v, want zeros", *cqe.BigCQE())
			}
			lu.CQESeen(ring, cqe)
		}
	}
	*seq++
	ltNop(t, ring, *seq, reqFlags)
	ltSubmit(t, ring, 1)
	check(1)
	for i := range 8 {
		flags := reqFlags
		if i == 4 {
			flags |= lu.IOSQE_IO_DRAIN
		}
		*seq++
		ltNop(t, ring, *seq, flags)
	}
	ltSubmit(t, ring, 8)
	check(8)
}

// TestLiburing_nop covers test/nop.c: NOPs, single and batched with a
// drain in the middle, inline and forced async, on rings with normal,
// 128-byte SQEs, 32-byte CQEs and both.
func TestLiburing_nop(t *testing.T) {
	for _, cfg := range []struct {
		name  string
		flags uint32
	}{
		{"default", 0},
		{"large SQE", lu.IORING_SETUP_SQE128},
		{"large CQE", lu.IORING_SETUP_CQE32},
		{"large SQE/CQE", lu.IORING_SETUP_SQE128 | lu.IORING_SETUP_CQE32},
	} {
		t.Run(cfg.name, func(t *testing.T) {
			ring := ltRingParams(t, 8, &lu.Params{Flags: cfg.flags})
			var seq uint64
			for i := range 100 { // the C test runs 1000 rounds
				var flags uint32
				if i&1 != 0 {
					flags = lu.IOSQE_ASYNC
				}
				nopRound(t, ring, &seq, flags)
			}
		})
	}
}

// TestLiburing_nop_all_sizes covers test/nop-all-sizes.c: for every ring
// size from 1 to 32768, GetSQE hands out exactly the SQ's entries, a
// submission consumes them all, twice in a row (filling the 2x CQ), and
// every NOP completes.
func TestLiburing_nop_all_sizes(t *testing.T) {
	fill := func(ring *lu.Ring) int {
		n := 0
		for sqe := lu.GetSQE(ring); sqe != nil; sqe = lu.GetSQE(ring) {
			lu.PrepNop(sqe)
			n++
		}
		return n
	}
	for depth := uint32(1); depth <= 32768; depth <<= 1 {
		ring := new(lu.Ring)
		if err := lu.QueueInit(depth, ring, 0); err != nil {
			if errors.Is(err, unix.ENOMEM) {
				break
			}
			t.Fatalf("QueueInit(%d): %v", depth, err)
		}
		total := 0
		for range 2 {
			n := fill(ring)
			if n != int(depth) {
				t.Fatalf("depth %d: GetSQE handed out %d SQEs", depth, n)
			}
			if got, err := lu.Submit(ring); got != n || err != nil {
				t.Fatalf("depth %d: Submit = %d, %v; want %d", depth, got, err, n)
			}
			total += n
		}
		if r := lu.CQReady(ring); r != uint32(total) {
			t.Fatalf("depth %d: %d CQEs ready, want %d", depth, r, total)
		}
		for range total {
			if _, err := ltWaitErr(ring, ltWaitLimit); err != nil {
				t.Fatalf("depth %d: %v", depth, err)
			}
		}
		lu.QueueExit(ring)
	}
}

// TestLiburing_sq_full covers test/sq-full.c: GetSQE returns nil once the
// 8 entries of an 8-entry SQ are taken.
func TestLiburing_sq_full(t *testing.T) {
	ring := ltRing(t, 8, 0)
	n := 0
	for lu.GetSQE(ring) != nil {
		n++
		if n > 8 {
			break
		}
	}
	if n != 8 {
		t.Fatalf("GetSQE handed out %d SQEs from an 8-entry SQ", n)
	}
}

// TestLiburing_sq_space_left covers test/sq-space_left.c: SQSpaceLeft counts
// down as SQEs are taken, and a submission stops at an SQE with an unknown
// opcode (8 submitted + the bad one), leaving the rest ready (SQReady) for
// the next submit.
func TestLiburing_sq_space_left(t *testing.T) {
	t.Run("left", func(t *testing.T) {
		ring := ltRing(t, 8, 0)
		if s := lu.SQSpaceLeft(ring); s != 8 {
			t.Fatalf("SQSpaceLeft = %d, want 8", s)
		}
		for i := 1; lu.GetSQE(ring) != nil; i++ {
			if s := lu.SQSpaceLeft(ring); s != uint32(8-i) {
				t.Fatalf("after %d SQEs SQSpaceLeft = %d, want %d", i, s, 8-i)
			}
		}
		if s := lu.SQSpaceLeft(ring); s != 0 {
			t.Fatalf("full SQ: SQSpaceLeft = %d", s)
		}
	})
	t.Run("sync", func(t *testing.T) {
		ring := ltRing(t, 32, 0)
		for i := range 8 {
			ltNop(t, ring, uint64(i+1), 0)
		}
		bad := ltNop(t, ring, 100, 0)
		bad.Opcode = 0xfe
		for i := range 8 {
			ltNop(t, ring, uint64(i+11), 0)
		}
		if r := lu.SQReady(ring); r != 17 {
			t.Fatalf("SQReady = %d, want 17", r)
		}
		ltSubmit(t, ring, 9)
		if r := lu.SQReady(ring); r != 8 {
			t.Fatalf("after the bad SQE SQReady = %d, want 8", r)
		}
		ltSubmit(t, ring, 8)
		if r := lu.SQReady(ring); r != 0 {
			t.Fatalf("SQReady = %d, want 0", r)
		}
		got := ltWaitByUD(t, ring, 17)
		ltExpect(t, got[100], 100, ltErrno(unix.EINVAL))
	})
}

// TestLiburing_submit_and_wait covers test/submit-and-wait.c:
// io_uring_submit_and_wait_timeout waiting for 2 completions when only 1
// comes returns the submit count once the timeout passes, and waits only
// once (the C test uses 1 s; here 300 ms, so that a loaded machine's
// scheduling delay cannot pass for a second wait).
func TestLiburing_submit_and_wait(t *testing.T) {
	ltNoPreempt(t) // a signal would end the wait early
	ring := ltRingParams(t, 8, &lu.Params{})
	ltNop(t, ring, 1, 0)
	const timeout = 300 * time.Millisecond
	ts := lu.KernelTimespec{Nsec: int64(timeout)}
	start := time.Now()
	cqe, submitted, err := lu.SubmitAndWaitTimeout(ring, 2, &ts, nil)
	elapsed := time.Since(start)
	if submitted != 1 {
		t.Errorf("SubmitAndWaitTimeout submitted %d, want 1 (err %v)", submitted, err)
	}
	if err != nil && !errors.Is(err, unix.ETIME) {
		t.Fatalf("SubmitAndWaitTimeout: %v", err)
	}
	if cqe != nil && (cqe.UserData != 1 || cqe.Res != 0) {
		t.Errorf("cqe user_data %d res %d", cqe.UserData, cqe.Res)
	}
	if elapsed < timeout*3/4 || elapsed > 2*timeout-10*time.Millisecond {
		t.Errorf("waited %v for a %v timeout: want it once", elapsed, timeout)
	}
}

// TestLiburing_submit_link_fail covers test/submit-link-fail.c: a link
// chain (soft or hard, with or without drain, last SQE linked or not) whose
// member fails at submission: the failing member gets its error and every
// other member -ECANCELED; a drain in front is not disturbed.
func TestLiburing_submit_link_fail(t *testing.T) {
	const drainUD = 42
	buf := ltCBuf(t, 1)
	for size := 1; size < 3; size++ {
		for fail := 0; fail < size; fail++ {
			for i := range 8 {
				hard, drain, linkLast := i&1 != 0, i&2 != 0, i&4 != 0
				linkFlags := uint32(lu.IOSQE_IO_LINK)
				if drain {
					linkFlags |= lu.IOSQE_IO_DRAIN
				}
				if hard {
					linkFlags |= lu.IOSQE_IO_HARDLINK
				}
				ring := ltRing(t, 8, 0)
				r, w := ltPipe(t, 0)
				total := size
				if drain { // clog the drain: a read waiting on the pipe
					sqe := ltSQE(t, ring)
					lu.PrepRead(sqe, r, ltPtr(buf), 1, 0)
					lu.SQESetData64(sqe, drainUD)
					lu.SQESetFlags(sqe, lu.IOSQE_IO_DRAIN)
					total++
				}
				for j := range size {
					sqe := ltSQE(t, ring)
					if j == fail {
						lu.PrepRead(sqe, 42, ltPtr(buf), 1, 0)
						sqe.Ioprio = 0xffff
					} else {
						lu.PrepNop(sqe)
					}
					if j != size-1 || !linkLast {
						sqe.Flags |= uint8(linkFlags)
					}
					lu.SQESetData64(sqe, uint64(j))
				}
				ltSubmit(t, ring, total)
				if drain {
					unix.Write(w, []byte{1})
				}
				got := ltWaitByUD(t, ring, total)
				for ud, c := range got {
					switch {
					case ud == drainUD:
						ltExpect(t, c, drainUD, 1)
					case ud == uint64(fail):
						if c.Res == 0 || c.Res == ltErrno(unix.ECANCELED) {
							t.Errorf("hard %v drain %v last %v size %d fail %d: failing SQE got %s",
								hard, drain, linkLast, size, fail, ltResName(c.Res))
						}
					default:
						if c.Res != ltErrno(unix.ECANCELED) {
							t.Errorf("hard %v drain %v last %v size %d fail %d: member %d got %s, want ECANCELED",
								hard, drain, linkLast, size, fail, ud, ltResName(c.Res))
						}
					}
				}
			}
		}
	}
}

// TestLiburing_cq_peek_batch covers test/cq-peek-batch.c: PeekBatchCQE
// returns nothing on an empty CQ, then the ready CQEs in order, and after
// CQAdvance the next ones.
func TestLiburing_cq_peek_batch(t *testing.T) {
	ring := ltRing(t, 4, 0)
	cqes := make([]*lu.CQE, 8)
	if n := lu.PeekBatchCQE(ring, cqes[:4]); n != 0 {
		t.Fatalf("empty CQ: PeekBatchCQE = %d", n)
	}
	queue := func(off int) {
		for i := range 4 {
			ltNop(t, ring, uint64(i+off), 0)
		}
		ltSubmit(t, ring, 4)
	}
	check := func(off int) {
		if n := lu.PeekBatchCQE(ring, cqes[:4]); n != 4 {
			t.Fatalf("PeekBatchCQE = %d, want 4", n)
		}
		for i := range 4 {
			if cqes[i].UserData != uint64(i+off) {
				t.Fatalf("cqes[%d].user_data = %d, want %d", i, cqes[i].UserData, i+off)
			}
		}
	}
	queue(0)
	check(0)
	queue(4)
	lu.CQAdvance(ring, 4)
	check(4)
	lu.CQAdvance(ring, 4)
	if r := lu.CQReady(ring); r != 0 {
		t.Fatalf("CQReady = %d after consuming all", r)
	}
}

// TestLiburing_cq_ready covers test/cq-ready.c: CQReady counts completions
// as they arrive and as CQAdvance consumes them.
func TestLiburing_cq_ready(t *testing.T) {
	ring := ltRing(t, 4, 0)
	want := func(n uint32) {
		t.Helper()
		if r := lu.CQReady(ring); r != n {
			t.Fatalf("CQReady = %d, want %d", r, n)
		}
	}
	queue := func() {
		for range 4 {
			ltNop(t, ring, 1, 0)
		}
		ltSubmit(t, ring, 4)
	}
	want(0)
	queue()
	want(4)
	lu.CQAdvance(ring, 4)
	want(0)
	queue()
	want(4)
	lu.CQAdvance(ring, 1)
	want(3)
	lu.CQAdvance(ring, 2)
	want(1)
	lu.CQAdvance(ring, 1)
	want(0)
}
