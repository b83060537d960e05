//go:build linux && cgo

package liburing

import (
	"errors"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/liburing-go/liburing/internal/ctest"
)

func TestWaitCQETimeout(t *testing.T) {
	ring := newRing(t, 4, 0)
	start := time.Now()
	var cqe *CQE
	err := testRetryEINTR(func() (err error) {
		cqe, err = WaitCQETimeout(ring, &KernelTimespec{Nsec: 10e6})
		return err
	})
	if cqe != nil || !errors.Is(err, unix.ETIME) {
		t.Errorf("WaitCQETimeout on an empty ring = %v, %v; want ETIME", cqe, err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("a 10ms timeout took %v", d)
	}
	coreNops(t, ring, 5, 1)
	Submit(ring)
	for _, ts := range []*KernelTimespec{{Sec: 5}, nil} {
		cqe, err := WaitCQETimeout(ring, ts)
		if err != nil || cqe.UserData != 5 {
			t.Fatalf("WaitCQETimeout(%v) = %v, %v; want the NOP", ts, cqe, err)
		}
	}
	CQAdvance(ring, 1)
}

func TestWaitCQEs(t *testing.T) {
	ring := newRing(t, 8, 0)
	coreNops(t, ring, 1, 3)
	if n, err := Submit(ring); n != 3 || err != nil {
		t.Fatalf("Submit = %d, %v", n, err)
	}
	var mask unix.Sigset_t
	cqe, err := WaitCQEs(ring, 3, &KernelTimespec{Sec: 5}, &mask)
	if err != nil || cqe.UserData != 1 {
		t.Fatalf("WaitCQEs(3) = %v, %v", cqe, err)
	}
	if got := CQReady(ring); got != 3 {
		t.Errorf("CQReady after WaitCQEs(3) = %d, want 3", got)
	}
	CQAdvance(ring, 3)
	// Waiting for more than will ever arrive: after the timeout the kernel
	// reports success because a completion is there, and it is returned.
	// A signal would end the wait early the same way: block SIGURG.
	testNoPreempt(t)
	coreNops(t, ring, 10, 1)
	Submit(ring)
	start := time.Now()
	err = testRetryEINTR(func() (err error) {
		cqe, err = WaitCQEs(ring, 2, &KernelTimespec{Nsec: 20e6}, nil)
		return err
	})
	if err != nil || cqe.UserData != 10 {
		t.Errorf("WaitCQEs(2) with one completion = %v, %v; want it after the timeout", cqe, err)
	}
	if d := time.Since(start); d < 15*time.Millisecond {
		t.Errorf("WaitCQEs(2) returned after %v, before the 20ms timeout", d)
	}
	if got := CQReady(ring); got != 1 {
		t.Errorf("CQReady = %d, want the one NOP", got)
	}
	// With none at all it is ETIME.
	CQAdvance(ring, 1)
	err = testRetryEINTR(func() error {
		_, err := WaitCQEs(ring, 2, &KernelTimespec{Nsec: 10e6}, nil)
		return err
	})
	if !errors.Is(err, unix.ETIME) {
		t.Errorf("WaitCQEs(2) on an empty ring = %v, want ETIME", err)
	}
	coreNops(t, ring, 10, 1)
	Submit(ring)
	// Without a timeout the one available completion satisfies wait_nr 1.
	if cqe, err := WaitCQEs(ring, 1, nil, nil); err != nil || cqe.UserData != 10 {
		t.Errorf("WaitCQEs(1, no timeout) = %v, %v", cqe, err)
	}
	CQAdvance(ring, 1)
}

func TestWaitCQENr(t *testing.T) {
	ring := newRing(t, 8, 0)
	if _, err := WaitCQENr(ring, 0); !errors.Is(err, unix.EAGAIN) {
		t.Errorf("WaitCQENr(0) on an empty ring = %v, want EAGAIN", err)
	}
	coreNops(t, ring, 1, 4)
	Submit(ring)
	cqe, err := WaitCQENr(ring, 4)
	if err != nil || cqe.UserData != 1 || CQReady(ring) != 4 {
		t.Fatalf("WaitCQENr(4) = %v, %v; CQReady %d", cqe, err, CQReady(ring))
	}
	CQAdvance(ring, 4)
}

// TestPeekBatchCQE: up to len(cqes) CQEs in order, and nothing written past
// the slice.
func TestPeekBatchCQE(t *testing.T) {
	ring := newRing(t, 8, 0)
	if n := PeekBatchCQE(ring, make([]*CQE, 4)); n != 0 {
		t.Errorf("PeekBatchCQE on an empty ring = %d", n)
	}
	coreNops(t, ring, 1, 5)
	SubmitAndWait(ring, 5)
	sentinel := &CQE{UserData: 0xdead}
	all := []*CQE{nil, nil, nil, sentinel, sentinel}
	if n := PeekBatchCQE(ring, all[:3]); n != 3 {
		t.Fatalf("PeekBatchCQE(3 of 5) = %d", n)
	}
	for i, cqe := range all[:3] {
		if cqe == nil || cqe.UserData != uint64(i+1) {
			t.Errorf("cqes[%d] = %+v, want user_data %d", i, cqe, i+1)
		}
	}
	if all[3] != sentinel || all[4] != sentinel {
		t.Error("PeekBatchCQE wrote past the slice")
	}
	if n := PeekBatchCQE(ring, nil); n != 0 {
		t.Errorf("PeekBatchCQE(nil slice) = %d", n)
	}
	CQAdvance(ring, 3)
	many := make([]*CQE, 8)
	if n := PeekBatchCQE(ring, many); n != 2 || many[0].UserData != 4 || many[1].UserData != 5 || many[2] != nil {
		t.Errorf("PeekBatchCQE(8) with 2 ready = %d, %+v %+v %v", n, many[0], many[1], many[2])
	}
	CQAdvance(ring, 2)
}

// TestForEachCQE iterates over 5 ready NOPs without consuming them, stops
// early on break, then consumes them with CQAdvance(5).
func TestForEachCQE(t *testing.T) {
	ring := newRing(t, 8, 0)
	for range ForEachCQE(ring) {
		t.Fatal("ForEachCQE yielded on an empty ring")
	}
	coreNops(t, ring, 1, 5)
	SubmitAndWait(ring, 5)
	var got []uint64
	for cqe := range ForEachCQE(ring) {
		got = append(got, cqe.UserData)
	}
	if len(got) != 5 {
		t.Fatalf("ForEachCQE yielded %v, want 5 CQEs", got)
	}
	for i, ud := range got {
		if ud != uint64(i+1) {
			t.Errorf("CQE %d: user_data %d", i, ud)
		}
	}
	if CQReady(ring) != 5 {
		t.Errorf("CQReady after ForEachCQE = %d: it consumed CQEs", CQReady(ring))
	}
	n := 0
	for range ForEachCQE(ring) {
		if n++; n == 2 {
			break
		}
	}
	if n != 2 {
		t.Errorf("break after 2: %d iterations", n)
	}
	CQAdvance(ring, 5)
	if CQReady(ring) != 0 {
		t.Errorf("CQReady after CQAdvance(5) = %d", CQReady(ring))
	}
	// Wrap-around: the ring positions keep counting past the CQ size.
	for round := uint64(0); round < 5; round++ {
		coreNops(t, ring, 100*round, 7)
		SubmitAndWait(ring, 7)
		i := uint64(0)
		for cqe := range ForEachCQE(ring) {
			if cqe.UserData != 100*round+i {
				t.Errorf("round %d CQE %d: user_data %d", round, i, cqe.UserData)
			}
			i++
		}
		CQAdvance(ring, uint32(i))
	}
}

// TestCQE32 checks CQEShift and CQEIndex against the io_uring ABI, and that
// ForEachCQE and PeekBatchCQE step over 32-byte CQEs.
func TestCQE32(t *testing.T) {
	plain := newRing(t, 4, 0)
	big := newRing(t, 4, IORING_SETUP_CQE32)
	if CQEShift(plain) != 0 || CQEShift(big) != 1 {
		t.Errorf("CQEShift: plain %d, CQE32 %d; want 0 and 1", CQEShift(plain), CQEShift(big))
	}
	for _, tt := range []struct{ ptr, mask, plain, big uint32 }{
		{0, 7, 0, 0}, {5, 7, 5, 10}, {13, 7, 5, 10}, {7, 7, 7, 14}, {^uint32(0), 15, 15, 30}, {9, 0, 0, 0},
	} {
		if got := CQEIndex(plain, tt.ptr, tt.mask); got != tt.plain {
			t.Errorf("CQEIndex(plain, %d, %d) = %d, want %d", tt.ptr, tt.mask, got, tt.plain)
		}
		if got := CQEIndex(big, tt.ptr, tt.mask); got != tt.big {
			t.Errorf("CQEIndex(CQE32, %d, %d) = %d, want %d", tt.ptr, tt.mask, got, tt.big)
		}
	}
	for round := uint64(0); round < 3; round++ {
		coreNops(t, big, 10*round+1, 4)
		SubmitAndWait(big, 4)
		i := uint64(1)
		for cqe := range ForEachCQE(big) {
			if cqe.UserData != 10*round+i || cqe.Res != 0 || *cqe.BigCQE() != [2]uint64{} {
				t.Errorf("round %d CQE %d: %+v big %v", round, i, *cqe, *cqe.BigCQE())
			}
			i++
		}
		if i != 5 {
			t.Errorf("round %d: ForEachCQE yielded %d CQEs, want 4", round, i-1)
		}
		cqes := make([]*CQE, 4)
		if n := PeekBatchCQE(big, cqes); n != 4 || cqes[3].UserData != 10*round+4 {
			t.Fatalf("round %d: PeekBatchCQE = %d", round, n)
		}
		if round == 0 {
			// Slots 0 and 1 of a fresh ring: 32 bytes apart.
			if d := uintptr(unsafe.Pointer(cqes[1])) - uintptr(unsafe.Pointer(cqes[0])); d != 32 {
				t.Errorf("CQE32 entries %d bytes apart, want 32", d)
			}
		}
		CQAdvance(big, 4)
	}
}

// TestMixedCGo shares rings, SQEs and CQEs between Go and C code: a Go ring
// driven from C, a C ring driven from Go, and SQE/CQE pointers crossing.
func TestMixedCGo(t *testing.T) {
	t.Run("Go ring, C submits, Go reaps", func(t *testing.T) {
		ring := newRing(t, 8, 0)
		for i := uint64(1); i <= 3; i++ {
			if ret := ctest.SubmitNop(ring.CPtr(), 40+i); ret != 1 {
				t.Fatalf("C submit %d = %d", i, ret)
			}
		}
		cqe, err := WaitCQENr(ring, 3)
		if err != nil {
			t.Fatal(err)
		}
		if cqe.UserData != 41 {
			t.Errorf("first CQE user_data %d, want 41", cqe.UserData)
		}
		var got []uint64
		for cqe := range ForEachCQE(ring) {
			got = append(got, cqe.UserData)
		}
		CQAdvance(ring, uint32(len(got)))
		if len(got) != 3 || got[0] != 41 || got[2] != 43 {
			t.Errorf("Go reaped %v, want [41 42 43]", got)
		}
	})
	t.Run("C ring, Go submits, C reaps", func(t *testing.T) {
		p := ctest.InitRing(8)
		if p == nil {
			t.Fatal("C io_uring_queue_init failed")
		}
		defer ctest.ExitRing(p)
		ring := RingFromC(p)
		if ring.Fd() < 0 || !coreIsRingFd(ring.Fd()) {
			t.Fatalf("RingFromC: Fd %d", ring.Fd())
		}
		coreNops(t, ring, 77, 2)
		if SQReady(ring) != 2 {
			t.Errorf("SQReady = %d", SQReady(ring))
		}
		if n, err := Submit(ring); n != 2 || err != nil {
			t.Fatalf("Go Submit on the C ring = %d, %v", n, err)
		}
		for _, want := range []uint64{77, 78} {
			if ud, res := ctest.ReapOne(p); ud != want || res != 0 {
				t.Errorf("C reaped user_data %d res %d, want %d and 0", ud, res, want)
			}
		}
		if CQReady(ring) != 0 {
			t.Errorf("CQReady = %d after C reaped", CQReady(ring))
		}
	})
	t.Run("SQE and CQE pointers", func(t *testing.T) {
		ring := newRing(t, 4, 0)
		// Go takes the SQE, C preps it, Go submits.
		sqe := GetSQE(ring)
		ctest.PrepNop(unsafe.Pointer(sqe), 0xabc)
		if sqe.Opcode != IORING_OP_NOP || sqe.UserData != 0xabc {
			t.Errorf("SQE prepped by C: %+v", *sqe)
		}
		if n, err := SubmitAndWait(ring, 1); n != 1 || err != nil {
			t.Fatalf("SubmitAndWait = %d, %v", n, err)
		}
		// C peeks the CQE, Go reads it through the same pointer.
		cp := ctest.PeekCQE(ring.CPtr())
		cqe, err := PeekCQE(ring)
		if cp == nil || err != nil || unsafe.Pointer(cqe) != cp {
			t.Fatalf("C CQE %p, Go CQE %p (%v)", cp, cqe, err)
		}
		if cqe.UserData != 0xabc || ctest.CQEUserData(unsafe.Pointer(cqe)) != 0xabc {
			t.Errorf("user_data: Go %#x, C %#x", cqe.UserData, ctest.CQEUserData(unsafe.Pointer(cqe)))
		}
		ctest.CQESeen(ring.CPtr(), unsafe.Pointer(cqe))
		if CQReady(ring) != 0 {
			t.Errorf("CQReady = %d after C marked the CQE seen", CQReady(ring))
		}
	})
}
