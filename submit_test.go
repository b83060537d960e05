//go:build linux && cgo

package liburing

import (
	"errors"
	"runtime"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

func TestSubmitAndGetEvents(t *testing.T) {
	ring := newRing(t, 8, 0)
	coreNops(t, ring, 1, 2)
	if n, err := SubmitAndGetEvents(ring); n != 2 || err != nil {
		t.Fatalf("SubmitAndGetEvents = %d, %v; want 2", n, err)
	}
	if got := CQReady(ring); got != 2 {
		t.Errorf("CQReady after SubmitAndGetEvents = %d, want 2", got)
	}
	CQAdvance(ring, 2)
	// Nothing to submit: it still enters the kernel, and submits nothing.
	if n, err := SubmitAndGetEvents(ring); n != 0 || err != nil {
		t.Errorf("SubmitAndGetEvents with nothing queued = %d, %v", n, err)
	}
	if n, err := GetEvents(ring); n != 0 || err != nil {
		t.Errorf("GetEvents = %d, %v; want 0", n, err)
	}
}

func TestSubmitAndWaitTimeout(t *testing.T) {
	ring := newRing(t, 8, 0)
	var mask unix.Sigset_t // empty mask: no signal blocked during the wait
	coreNops(t, ring, 7, 3)
	cqe, n, err := SubmitAndWaitTimeout(ring, 3, &KernelTimespec{Sec: 5}, &mask)
	if err != nil || n != 3 || cqe == nil {
		t.Fatalf("SubmitAndWaitTimeout = %v, %d, %v; want a CQE and 3", cqe, n, err)
	}
	if cqe.UserData != 7 || CQReady(ring) != 3 {
		t.Errorf("first CQE user_data %d, CQReady %d; want 7 and 3", cqe.UserData, CQReady(ring))
	}
	CQAdvance(ring, 3)

	// Nothing queued and nothing completes: -ETIME after the timeout.
	start := time.Now()
	err = testRetryEINTR(func() error {
		_, _, err := SubmitAndWaitTimeout(ring, 1, &KernelTimespec{Nsec: 20e6}, nil)
		return err
	})
	if !errors.Is(err, unix.ETIME) {
		t.Errorf("SubmitAndWaitTimeout on an idle ring = %v, want ETIME", err)
	}
	if d := time.Since(start); d < 15*time.Millisecond || d > 2*time.Second {
		t.Errorf("timeout of 20ms took %v", d)
	}

	// A read of an empty pipe is submitted but does not complete: liburing
	// returns the submitted count without a CQE; Go adds ETIME.
	r, w := testPipe(t)
	buf := testCMem(t, 16)
	sqe := GetSQE(ring)
	PrepRead(sqe, r, unsafe.Pointer(&buf[0]), 16, 0)
	SQESetData64(sqe, 99)
	cqe, n, err = SubmitAndWaitTimeout(ring, 1, &KernelTimespec{Nsec: 20e6}, nil)
	if cqe != nil || n != 1 || !errors.Is(err, unix.ETIME) {
		t.Errorf("SubmitAndWaitTimeout with a blocked read = %v, %d, %v; want nil, 1, ETIME", cqe, n, err)
	}
	if _, err := unix.Write(w, []byte("x")); err != nil {
		t.Fatal(err)
	}
	if ud, res, _ := submitWait(t, ring); ud != 99 || res != 1 || buf[0] != 'x' {
		t.Errorf("read completed with user_data %d res %d byte %q", ud, res, buf[0])
	}
}

// TestEnter drives the ring with the raw system call: waiting for a
// completion, and errors for a bad fd and a non-io_uring fd.
func TestEnter(t *testing.T) {
	ring := newRing(t, 8, 0)
	coreNops(t, ring, 1, 1)
	if n, err := Submit(ring); n != 1 || err != nil {
		t.Fatalf("Submit = %d, %v", n, err)
	}
	fd := uint32(ring.Fd())
	var mask unix.Sigset_t
	if n, err := Enter(fd, 0, 1, IORING_ENTER_GETEVENTS, &mask); n != 0 || err != nil {
		t.Errorf("Enter(GETEVENTS, 1) = %d, %v", n, err)
	}
	if CQReady(ring) != 1 {
		t.Errorf("CQReady after Enter = %d, want 1", CQReady(ring))
	}
	CQAdvance(ring, 1)
	if n, err := Enter(fd, 0, 0, 0, nil); n != 0 || err != nil {
		t.Errorf("Enter with nothing to do = %d, %v", n, err)
	}
	if _, err := Enter(1<<30, 0, 0, 0, nil); !errors.Is(err, unix.EBADF) {
		t.Errorf("Enter(bad fd) = %v, want EBADF", err)
	}
	r, _ := testPipe(t)
	if _, err := Enter(uint32(r), 0, 0, 0, nil); !errors.Is(err, unix.EOPNOTSUPP) {
		t.Errorf("Enter(pipe) = %v, want EOPNOTSUPP", err)
	}
}

// TestEnter2 passes the last argument both ways: a signal mask, and with
// IORING_ENTER_EXT_ARG a GeteventsArg with a timeout.
func TestEnter2(t *testing.T) {
	ring := newRing(t, 8, 0)
	fd := uint32(ring.Fd())
	var mask unix.Sigset_t
	if n, err := Enter2(fd, 0, 0, IORING_ENTER_GETEVENTS, unsafe.Pointer(&mask), 8); n != 0 || err != nil {
		t.Errorf("Enter2(sigset) = %d, %v", n, err)
	}
	if ring.Features()&IORING_FEAT_EXT_ARG == 0 {
		t.Skip("kernel lacks IORING_FEAT_EXT_ARG (Linux 5.11)")
	}
	// The kernel reads ts and the mask through addresses in arg: pin them.
	ts := &KernelTimespec{Nsec: 20e6}
	var pin runtime.Pinner
	pin.Pin(ts)
	pin.Pin(&mask)
	defer pin.Unpin()
	arg := &GeteventsArg{
		Sigmask:   uint64(uintptr(unsafe.Pointer(&mask))),
		SigmaskSz: 8,
		Ts:        uint64(uintptr(unsafe.Pointer(ts))),
	}
	start := time.Now()
	err := testRetryEINTR(func() error {
		_, err := Enter2(fd, 0, 1, IORING_ENTER_GETEVENTS|IORING_ENTER_EXT_ARG, unsafe.Pointer(arg), uint64(unsafe.Sizeof(*arg)))
		return err
	})
	if !errors.Is(err, unix.ETIME) {
		t.Errorf("Enter2(EXT_ARG, 20ms) on an idle ring = %v, want ETIME", err)
	}
	if d := time.Since(start); d < 15*time.Millisecond || d > 2*time.Second {
		t.Errorf("timeout of 20ms took %v", d)
	}
	if _, err := Enter2(fd, 0, 1, IORING_ENTER_GETEVENTS|IORING_ENTER_EXT_ARG, unsafe.Pointer(arg), 7); !errors.Is(err, unix.EINVAL) {
		t.Errorf("Enter2(EXT_ARG, wrong size) = %v, want EINVAL", err)
	}
}
