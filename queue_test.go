//go:build linux && cgo

package liburing

import (
	"errors"
	"testing"

	"golang.org/x/sys/unix"
)

// TestSQCQCounts follows SQReady, SQSpaceLeft and CQReady through taking
// SQEs, submitting, completing and consuming.
func TestSQCQCounts(t *testing.T) {
	ring := newRing(t, 8, 0)
	check := func(step string, sqReady, space, cqReady uint32) {
		t.Helper()
		if got := SQReady(ring); got != sqReady {
			t.Errorf("%s: SQReady = %d, want %d", step, got, sqReady)
		}
		if got := SQSpaceLeft(ring); got != space {
			t.Errorf("%s: SQSpaceLeft = %d, want %d", step, got, space)
		}
		if got := CQReady(ring); got != cqReady {
			t.Errorf("%s: CQReady = %d, want %d", step, got, cqReady)
		}
	}
	check("new ring", 0, 8, 0)
	coreNops(t, ring, 1, 3)
	check("3 SQEs taken", 3, 5, 0)
	coreNops(t, ring, 4, 5)
	check("SQ full", 8, 0, 0)
	if GetSQE(ring) != nil {
		t.Fatal("GetSQE on a full SQ returned an SQE")
	}
	if n, err := SubmitAndWait(ring, 8); n != 8 || err != nil {
		t.Fatalf("SubmitAndWait = %d, %v", n, err)
	}
	check("submitted", 0, 8, 8)
	CQAdvance(ring, 5)
	check("5 consumed", 0, 8, 3)
	CQAdvance(ring, 3)
	check("all consumed", 0, 8, 0)
}

// TestCQOverflow sends 32 NOPs to a ring whose CQ holds 8 without reaping:
// the kernel keeps the rest (IORING_FEAT_NODROP), CQHasOverflow reports
// them, and after flushing with GetEvents every NOP completes exactly once.
func TestCQOverflow(t *testing.T) {
	var ring Ring
	p := Params{Flags: IORING_SETUP_CQSIZE, CQEntries: 8}
	if err := QueueInitParams(4, &ring, &p); err != nil {
		t.Fatalf("QueueInitParams: %v", err)
	}
	defer QueueExit(&ring)
	if p.Features&IORING_FEAT_NODROP == 0 {
		t.Skip("kernel lacks IORING_FEAT_NODROP")
	}
	const total = 32
	for i := 0; i < total; i += 4 {
		coreNops(t, &ring, uint64(i+1), 4)
		if n, err := Submit(&ring); n != 4 || err != nil {
			t.Fatalf("Submit after %d NOPs = %d, %v", i, n, err)
		}
	}
	if !CQHasOverflow(&ring) {
		t.Fatal("CQHasOverflow = false with 32 NOPs in flight on an 8-entry CQ")
	}
	if got := CQReady(&ring); got != 8 {
		t.Errorf("CQReady with a full CQ = %d, want 8", got)
	}
	seen := make(map[uint64]int)
	for rounds := 0; len(seen) < total && rounds < 2*total; rounds++ {
		n := uint32(0)
		for cqe := range ForEachCQE(&ring) {
			if cqe.Res != 0 {
				t.Errorf("NOP %d: res %d", cqe.UserData, cqe.Res)
			}
			seen[cqe.UserData]++
			n++
		}
		CQAdvance(&ring, n)
		if _, err := GetEvents(&ring); err != nil {
			t.Fatalf("GetEvents: %v", err)
		}
	}
	for ud := uint64(1); ud <= total; ud++ {
		if seen[ud] != 1 {
			t.Errorf("NOP %d completed %d times", ud, seen[ud])
		}
	}
	if len(seen) != total {
		t.Errorf("%d distinct completions, want %d", len(seen), total)
	}
	if CQHasOverflow(&ring) || CQReady(&ring) != 0 {
		t.Errorf("after draining: overflow %v, CQReady %d", CQHasOverflow(&ring), CQReady(&ring))
	}
}

// TestSqringWait fills the SQ of an SQPOLL ring and waits for the kernel
// thread to consume it.
func TestSqringWait(t *testing.T) {
	plain := newRing(t, 2, 0)
	coreNops(t, plain, 1, 2)
	if n, err := SqringWait(plain); n != 0 || err != nil {
		t.Errorf("SqringWait without SQPOLL = %d, %v; want 0 at once", n, err)
	}
	Submit(plain)

	var ring Ring
	p := Params{Flags: IORING_SETUP_SQPOLL, SQThreadIdle: 1000}
	if err := QueueInitParams(4, &ring, &p); err != nil {
		if errors.Is(err, unix.EPERM) || errors.Is(err, unix.EINVAL) {
			t.Skipf("SQPOLL ring: %v", err)
		}
		t.Fatalf("QueueInitParams(SQPOLL): %v", err)
	}
	defer QueueExit(&ring)
	if n, err := SqringWait(&ring); n != 0 || err != nil {
		t.Errorf("SqringWait with free SQ space = %d, %v; want 0", n, err)
	}
	coreNops(t, &ring, 1, 4)
	if SQSpaceLeft(&ring) != 0 {
		t.Fatalf("SQSpaceLeft = %d after taking every SQE", SQSpaceLeft(&ring))
	}
	if n, err := Submit(&ring); n != 4 || err != nil {
		t.Fatalf("Submit on SQPOLL = %d, %v", n, err)
	}
	// The kernel also ends the wait, with success, when a signal or a task
	// work notification is pending on the thread (the teardown of a ring
	// that an earlier test exited queues one): wait again then.
	for try := 1; ; try++ {
		if _, err := SqringWait(&ring); err != nil {
			t.Fatalf("SqringWait: %v", err)
		}
		if SQSpaceLeft(&ring) != 0 {
			break
		}
		if try == 100 {
			t.Fatalf("SQ still full after %d SqringWait calls", try)
		}
		t.Logf("SqringWait returned with the SQ still full (interrupted, try %d); waiting again", try)
	}
	for i := 0; i < 4; i++ {
		testWaitUD(t, &ring, uint64(i+1))
	}
}

// TestCQEventfd toggles eventfd notification on a ring with a registered
// eventfd: completions signal it only while enabled.
func TestCQEventfd(t *testing.T) {
	ring := newRing(t, 4, 0)
	efd, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(efd)
	if err := RegisterEventfd(ring, efd); err != nil {
		t.Fatalf("RegisterEventfd: %v", err)
	}
	signalled := func() bool {
		var b [8]byte
		_, err := unix.Read(efd, b[:])
		return err == nil
	}
	if !CQEventfdEnabled(ring) {
		t.Fatal("CQEventfdEnabled = false on a new ring")
	}
	if err := CQEventfdToggle(ring, true); err != nil {
		t.Errorf("CQEventfdToggle(true) when enabled: %v", err)
	}
	coreRoundTrip(t, ring, 1)
	if !signalled() {
		t.Error("eventfd not signalled while enabled")
	}
	if err := CQEventfdToggle(ring, false); err != nil {
		t.Fatalf("CQEventfdToggle(false): %v", err)
	}
	if CQEventfdEnabled(ring) {
		t.Error("CQEventfdEnabled = true after disabling")
	}
	coreRoundTrip(t, ring, 1)
	if signalled() {
		t.Error("eventfd signalled while disabled")
	}
	if err := CQEventfdToggle(ring, true); err != nil || !CQEventfdEnabled(ring) {
		t.Fatalf("CQEventfdToggle(true) = %v, enabled %v", err, CQEventfdEnabled(ring))
	}
	coreRoundTrip(t, ring, 1)
	if !signalled() {
		t.Error("eventfd not signalled after re-enabling")
	}
}
