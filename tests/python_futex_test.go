//go:build linux && cgo

// Python liburing 2024.5.3's futex_test.py ported to Go: futex_state is
// FutexState and futex_waitv is FutexWaitvArray.

package tests

import (
	"errors"
	"testing"

	"github.com/liburing-go/liburing"
	"golang.org/x/sys/unix"
)

// pycRequireOps skips the test unless the kernel supports every op.
func pycRequireOps(t *testing.T, ops ...int) {
	t.Helper()
	p, err := liburing.GetProbe()
	if err != nil {
		t.Skipf("probe: %v", err)
	}
	defer liburing.FreeProbe(p)
	for _, op := range ops {
		if !liburing.OpcodeSupported(p, op) {
			t.Skipf("kernel lacks %s", liburing.OpcodeName(op))
		}
	}
}

// pycFutexState is futex_state(num, private), unmapped when the test ends.
func pycFutexState(t *testing.T, num int, private bool) *liburing.FutexState {
	t.Helper()
	f, err := liburing.NewFutexState(num, private)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// pycFutexWaitv is futex_waitv(futex), freed when the test ends.
func pycFutexWaitv(t *testing.T, futex *liburing.FutexState) *liburing.FutexWaitvArray {
	t.Helper()
	w, err := liburing.NewFutexWaitv(futex)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w
}

// pycPrepUD prepares one SQE with prep and user_data ud.
func pycPrepUD(t *testing.T, ring *liburing.Ring, ud uint64, prep func(*liburing.SQE)) {
	t.Helper()
	sqe := pycSQE(t, ring)
	prep(sqe)
	sqe.UserData = ud
}

// pycSubmitN submits and checks that n SQEs went in.
func pycSubmitN(t *testing.T, ring *liburing.Ring, n int) {
	t.Helper()
	if got, err := liburing.Submit(ring); got != n || err != nil {
		t.Fatalf("Submit = %d, %v; want %d", got, err, n)
	}
}

// pycReapNonNegative waits for n CQEs, each with res >= 0, then checks the
// CQ is empty (io_uring_peek_cqe == -EAGAIN).
func pycReapNonNegative(t *testing.T, ring *liburing.Ring, n int) {
	t.Helper()
	for range n {
		cqe, err := liburing.WaitCQE(ring)
		if err != nil {
			t.Fatal(err)
		}
		if cqe.Res < 0 {
			t.Errorf("cqe %v: negative res", cqe)
		}
		liburing.CQESeen(ring, cqe)
	}
	if _, err := liburing.PeekCQE(ring); !errors.Is(err, unix.EAGAIN) {
		t.Errorf("PeekCQE = %v, want EAGAIN", err)
	}
}

// futex_test.py: test_futex_6_7. Python refuses futex_state() when built
// without futex2 headers; in Go the state is plain memory on any kernel and
// the futex operations are what old kernels lack, so this checks the probe.
func TestPython_futex_6_7(t *testing.T) {
	older, err := liburing.LinuxVersionCheck("6.7")
	if err != nil {
		t.Fatal(err)
	}
	if !older {
		return
	}
	p, err := liburing.GetProbe()
	if err != nil {
		t.Skip(err)
	}
	defer liburing.FreeProbe(p)
	if liburing.OpcodeSupported(p, liburing.IORING_OP_FUTEX_WAIT) {
		t.Error("a kernel older than 6.7 claims IORING_OP_FUTEX_WAIT")
	}
}

// futex_test.py: test_futex_state. Differences, on purpose: Python's
// OverflowError cases (state -1, num -1) and the read-only private
// attribute are compile-time matters in Go (uint32 state, no setter),
// except num -1, which is EINVAL; futex_state(2) is NotImplementedError in
// Python and two futex words in Go; futex_state(0), a state without memory
// (MemoryError on access), is EINVAL, and a closed state reads 0.
func TestPython_futex_state(t *testing.T) {
	pycSkipOlder(t, "6.7")
	f := pycFutexState(t, 1, false)
	if f.State() != 0 || f.Private() {
		t.Errorf("new state: %v", f)
	}
	f.SetState(123)
	if f.State() != 123 {
		t.Errorf("state %d, want 123", f.State())
	}
	if s := f.String(); s != "FutexState(state=123, private=false)" {
		t.Errorf("String() = %q", s)
	}
	if _, err := liburing.NewFutexState(-1, false); !errors.Is(err, unix.EINVAL) {
		t.Errorf("NewFutexState(-1) = %v, want EINVAL", err)
	}
	if two := pycFutexState(t, 2, false); two.Len() != 2 {
		t.Errorf("NewFutexState(2): Len %d", two.Len())
	}
	priv := pycFutexState(t, 1, true)
	if !priv.Private() || priv.String() != "FutexState(state=0, private=true)" {
		t.Errorf("private state: %v", priv)
	}
	if _, err := liburing.NewFutexState(0, false); !errors.Is(err, unix.EINVAL) {
		t.Errorf("NewFutexState(0) = %v, want EINVAL", err)
	}
	closed, _ := liburing.NewFutexState(1, false)
	closed.Close()
	closed.SetState(123)
	if closed.Private() || closed.State() != 0 || closed.String() != "FutexState(closed)" {
		t.Errorf("closed state: %v", closed)
	}
}

// futex_test.py: test_futex_waitv_class. Python's entries start with flags
// 0 (FUTEX2_PRIVATE when private), which the kernel refuses until
// FUTEX2_SIZE_U32 is added; Go's start with FUTEX2_SIZE_U32 as well.
// AddFlags is Python's OR-ing flags setter. futex_waitv() without a state
// (TypeError) is EINVAL.
func TestPython_futex_waitv_class(t *testing.T) {
	pycSkipOlder(t, "6.7")
	if _, err := liburing.NewFutexWaitv(); !errors.Is(err, unix.EINVAL) {
		t.Errorf("NewFutexWaitv() = %v, want EINVAL", err)
	}
	fw := pycFutexWaitv(t, pycFutexState(t, 1, false))
	if e := fw.At(0); e.Val != 0 || e.Flags != liburing.FUTEX2_SIZE_U32 {
		t.Errorf("shared entry %+v", *e)
	}
	fw.At(0).Val, fw.At(0).Flags = 1, 2
	if e := fw.At(0); e.Val != 1 || e.Flags != 2 {
		t.Errorf("after set: %+v", *e)
	}
	fw = pycFutexWaitv(t, pycFutexState(t, 1, true))
	want := uint32(liburing.FUTEX2_SIZE_U32 | liburing.FUTEX2_PRIVATE)
	if e := fw.At(0); e.Val != 0 || e.Flags != want {
		t.Errorf("private entry %+v", *e)
	}
	fw.At(0).AddFlags(123)
	if e := fw.At(0); e.Flags != want|123 {
		t.Errorf("after AddFlags(123): %#x, want %#x", e.Flags, want|123)
	}
}

// futex_test.py: test_multi_wake.
func TestPython_multi_wake(t *testing.T) {
	pycSkipOlder(t, "6.7")
	pycRequireOps(t, liburing.IORING_OP_FUTEX_WAIT, liburing.IORING_OP_FUTEX_WAKE)
	futex := pycFutexState(t, 1, false)
	ring := pycRing(t, 32, 0)
	const mask = liburing.FUTEX_BITSET_MATCH_ANY
	const flags = liburing.FUTEX2_SIZE_U32
	for ud := uint64(1); ud <= 2; ud++ {
		pycPrepUD(t, ring, ud, func(sqe *liburing.SQE) {
			liburing.PrepFutexWait(sqe, futex.Word(0), 0, mask, flags, 0)
		})
	}
	pycSubmitN(t, ring, 2)
	futex.SetState(1)
	pycPrepUD(t, ring, 100, func(sqe *liburing.SQE) {
		liburing.PrepFutexWake(sqe, futex.Word(0), 2, mask, flags, 0)
	})
	pycSubmitN(t, ring, 1)
	pycReapNonNegative(t, ring, 3)
}

// futex_test.py: test_multi_wake_waitv.
func TestPython_multi_wake_waitv(t *testing.T) {
	pycSkipOlder(t, "6.7")
	pycRequireOps(t, liburing.IORING_OP_FUTEX_WAITV, liburing.IORING_OP_FUTEX_WAKE)
	futex := pycFutexState(t, 1, false)
	f0 := pycFutexWaitv(t, futex)
	f0.At(0).Flags = liburing.FUTEX2_SIZE_U32
	ring := pycRing(t, 32, 0)
	for ud := uint64(1); ud <= 2; ud++ {
		pycPrepUD(t, ring, ud, func(sqe *liburing.SQE) {
			liburing.PrepFutexWaitv(sqe, f0.Ptr(), uint32(f0.Len()), 0)
		})
	}
	pycSubmitN(t, ring, 2)
	futex.SetState(1)
	pycPrepUD(t, ring, 100, func(sqe *liburing.SQE) {
		liburing.PrepFutexWake(sqe, futex.Word(0), 2, liburing.FUTEX_BITSET_MATCH_ANY, liburing.FUTEX2_SIZE_U32, 0)
	})
	pycSubmitN(t, ring, 1)
	pycReapNonNegative(t, ring, 3)
}

// futex_test.py: test_futex_wake_zero.
func TestPython_futex_wake_zero(t *testing.T) {
	pycSkipOlder(t, "6.7")
	pycRequireOps(t, liburing.IORING_OP_FUTEX_WAIT, liburing.IORING_OP_FUTEX_WAKE)
	futex := pycFutexState(t, 1, false)
	ring := pycRing(t, 32, 0)
	const mask = liburing.FUTEX_BITSET_MATCH_ANY
	const flags = liburing.FUTEX2_SIZE_U32
	pycPrepUD(t, ring, 1, func(sqe *liburing.SQE) {
		liburing.PrepFutexWait(sqe, futex.Word(0), 0, mask, flags, 0)
	})
	pycSubmitN(t, ring, 1)
	pycPrepUD(t, ring, 2, func(sqe *liburing.SQE) {
		liburing.PrepFutexWake(sqe, futex.Word(0), 0, mask, flags, 0) // wake nobody
	})
	pycSubmitN(t, ring, 1)
	cqe, err := liburing.WaitCQE(ring)
	if err != nil || cqe.Res != 0 || cqe.UserData != 2 {
		t.Fatalf("WaitCQE = %v, %v; want the wake (user_data 2, res 0)", cqe, err)
	}
	liburing.CQESeen(ring, cqe)
	if _, err := liburing.PeekCQE(ring); !errors.Is(err, unix.EAGAIN) {
		t.Errorf("PeekCQE = %v, want EAGAIN (the wait is still pending)", err)
	}
}
