//go:build linux && cgo

package liburing

import (
	"errors"
	"sync/atomic"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

func TestFutexConstants(t *testing.T) {
	tests := []struct {
		name string
		got  uint64
		want uint64
	}{
		{"FUTEX_WAIT", FUTEX_WAIT, 0}, {"FUTEX_WAKE", FUTEX_WAKE, 1}, {"FUTEX_FD", FUTEX_FD, 2},
		{"FUTEX_REQUEUE", FUTEX_REQUEUE, 3}, {"FUTEX_CMP_REQUEUE", FUTEX_CMP_REQUEUE, 4},
		{"FUTEX_WAKE_OP", FUTEX_WAKE_OP, 5}, {"FUTEX_LOCK_PI", FUTEX_LOCK_PI, 6},
		{"FUTEX_UNLOCK_PI", FUTEX_UNLOCK_PI, 7}, {"FUTEX_TRYLOCK_PI", FUTEX_TRYLOCK_PI, 8},
		{"FUTEX_WAIT_BITSET", FUTEX_WAIT_BITSET, 9}, {"FUTEX_WAKE_BITSET", FUTEX_WAKE_BITSET, 10},
		{"FUTEX_WAIT_REQUEUE_PI", FUTEX_WAIT_REQUEUE_PI, 11}, {"FUTEX_CMP_REQUEUE_PI", FUTEX_CMP_REQUEUE_PI, 12},
		{"FUTEX_LOCK_PI2", FUTEX_LOCK_PI2, 13},
		{"FUTEX2_SIZE_U8", FUTEX2_SIZE_U8, 0}, {"FUTEX2_SIZE_U16", FUTEX2_SIZE_U16, 1},
		{"FUTEX2_SIZE_U32", FUTEX2_SIZE_U32, 2}, {"FUTEX2_SIZE_U64", FUTEX2_SIZE_U64, 3},
		{"FUTEX2_NUMA", FUTEX2_NUMA, 4}, {"FUTEX2_PRIVATE", FUTEX2_PRIVATE, 128},
		{"FUTEX_WAITV_MAX", FUTEX_WAITV_MAX, 128}, {"FUTEX_BITSET_MATCH_ANY", FUTEX_BITSET_MATCH_ANY, 0xffffffff},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s = %d, want %d", tt.name, tt.got, tt.want)
		}
	}
}

func TestFutexState(t *testing.T) {
	for _, private := range []bool{false, true} {
		f, err := NewFutexState(3, private)
		if err != nil {
			t.Fatal(err)
		}
		if f.Len() != 3 || f.Private() != private || f.State() != 0 {
			t.Errorf("new state: len %d private %v state %d", f.Len(), f.Private(), f.State())
		}
		wantFlags := uint32(FUTEX2_SIZE_U32)
		if private {
			wantFlags |= FUTEX2_PRIVATE
		}
		if f.FutexFlags() != wantFlags {
			t.Errorf("FutexFlags = %#x, want %#x", f.FutexFlags(), wantFlags)
		}
		f.SetState(123)
		atomic.StoreUint32(f.Word(2), 7)
		if f.State() != 123 || *f.Word(0) != 123 || *f.Word(1) != 0 || *f.Word(2) != 7 {
			t.Errorf("words %d %d %d", *f.Word(0), *f.Word(1), *f.Word(2))
		}
		if uintptr(unsafe.Pointer(f.Word(1)))-uintptr(unsafe.Pointer(f.Word(0))) != 4 {
			t.Error("words are not contiguous")
		}
		if f.Word(3) != nil || f.Word(-1) != nil {
			t.Error("Word out of range is not nil")
		}
		want := "FutexState(state=123, private=false)"
		if private {
			want = "FutexState(state=123, private=true)"
		}
		if f.String() != want {
			t.Errorf("String() = %q, want %q", f.String(), want)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); !errors.Is(err, ErrClosed) {
			t.Errorf("second Close = %v", err)
		}
		f.SetState(1) // no-op after Close
		if f.Len() != 0 || f.Word(0) != nil || f.State() != 0 || f.String() != "FutexState(closed)" {
			t.Errorf("closed state: %d %v %q", f.Len(), f.Word(0), f.String())
		}
	}
	for _, num := range []int{-1, 0, FUTEX_WAITV_MAX + 1} {
		if _, err := NewFutexState(num, false); !errors.Is(err, unix.EINVAL) {
			t.Errorf("NewFutexState(%d) = %v, want EINVAL", num, err)
		}
	}
	var nilState *FutexState
	if nilState.Len() != 0 || nilState.Private() || nilState.FutexFlags() != FUTEX2_SIZE_U32 || !errors.Is(nilState.Close(), ErrClosed) {
		t.Error("nil FutexState")
	}
}

func TestFutexWaitvArray(t *testing.T) {
	shared, _ := NewFutexState(1, false)
	defer shared.Close()
	priv, _ := NewFutexState(2, true)
	defer priv.Close()
	w, err := NewFutexWaitv(shared, priv)
	if err != nil {
		t.Fatal(err)
	}
	if w.Len() != 3 || w.Ptr() != w.At(0) {
		t.Fatalf("Len %d", w.Len())
	}
	want := []FutexWaitv{
		{Uaddr: uint64(uintptr(unsafe.Pointer(shared.Word(0)))), Flags: FUTEX2_SIZE_U32},
		{Uaddr: uint64(uintptr(unsafe.Pointer(priv.Word(0)))), Flags: FUTEX2_SIZE_U32 | FUTEX2_PRIVATE},
		{Uaddr: uint64(uintptr(unsafe.Pointer(priv.Word(1)))), Flags: FUTEX2_SIZE_U32 | FUTEX2_PRIVATE},
	}
	for i, e := range want {
		if *w.At(i) != e {
			t.Errorf("entry %d = %+v, want %+v", i, *w.At(i), e)
		}
	}
	if w.At(3) != nil || w.At(-1) != nil {
		t.Error("At out of range is not nil")
	}
	w.At(0).Val = 5
	w.At(0).AddFlags(0x100)
	if *w.At(0) != (FutexWaitv{Val: 5, Uaddr: want[0].Uaddr, Flags: FUTEX2_SIZE_U32 | 0x100}) {
		t.Errorf("after set: %+v", *w.At(0))
	}
	(*FutexWaitv)(nil).AddFlags(1) // no crash
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); !errors.Is(err, ErrClosed) {
		t.Errorf("second Close = %v", err)
	}
	if w.Len() != 0 || w.Ptr() != nil || w.At(0) != nil {
		t.Error("closed array still has entries")
	}

	closed, _ := NewFutexState(1, false)
	closed.Close()
	big, _ := NewFutexState(FUTEX_WAITV_MAX, false)
	defer big.Close()
	for name, args := range map[string][]*FutexState{
		"none": nil, "closed": {closed}, "nil": {nil}, "too many": {big, shared},
	} {
		if _, err := NewFutexWaitv(args...); !errors.Is(err, unix.EINVAL) {
			t.Errorf("NewFutexWaitv(%s) = %v, want EINVAL", name, err)
		}
	}
	if wb, err := NewFutexWaitv(big); err != nil || wb.Len() != FUTEX_WAITV_MAX {
		t.Errorf("NewFutexWaitv(128 words) = %v", err)
	} else {
		wb.Close()
	}
}

// TestFutexLive waits on a FutexState word and on a FutexWaitvArray, and
// wakes them through io_uring.
func TestFutexLive(t *testing.T) {
	requireOp(t, IORING_OP_FUTEX_WAIT)
	requireOp(t, IORING_OP_FUTEX_WAKE)
	requireOp(t, IORING_OP_FUTEX_WAITV)
	for _, private := range []bool{false, true} {
		ring := newRing(t, 8, 0)
		a, err := NewFutexState(1, private)
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		b, err := NewFutexState(2, private)
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		w, err := NewFutexWaitv(b)
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()

		sqe := GetSQE(ring)
		PrepFutexWait(sqe, a.Word(0), 0, FUTEX_BITSET_MATCH_ANY, a.FutexFlags(), 0)
		sqe.UserData = 1
		sqe = GetSQE(ring)
		PrepFutexWaitv(sqe, w.Ptr(), uint32(w.Len()), 0)
		sqe.UserData = 2
		if _, err := Submit(ring); err != nil {
			t.Fatal(err)
		}
		sqe = GetSQE(ring)
		PrepFutexWake(sqe, a.Word(0), 1, FUTEX_BITSET_MATCH_ANY, a.FutexFlags(), 0)
		sqe.UserData = 3
		sqe = GetSQE(ring)
		PrepFutexWake(sqe, b.Word(1), 1, FUTEX_BITSET_MATCH_ANY, b.FutexFlags(), 0)
		sqe.UserData = 4
		if _, err := SubmitAndWait(ring, 4); err != nil {
			t.Fatal(err)
		}
		// A signal during the wait ends it early once the SQEs are
		// submitted: wait for all four.
		testWaitReady(t, ring, 4)
		got := map[uint64]int32{}
		for cqe := range ForEachCQE(ring) {
			got[cqe.UserData] = cqe.Res
		}
		CQAdvance(ring, uint32(len(got)))
		// The wait is woken (0), the waitv by its entry 1; each wake woke
		// one waiter.
		want := map[uint64]int32{1: 0, 2: 1, 3: 1, 4: 1}
		if len(got) != len(want) {
			t.Fatalf("private %v: completions %v, want %v", private, got, want)
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("private %v: user_data %d res %d, want %d", private, k, got[k], v)
			}
		}
	}
}
