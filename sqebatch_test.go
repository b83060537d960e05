//go:build linux && cgo

package liburing

import (
	"errors"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

func TestSQEBatchNew(t *testing.T) {
	for _, n := range []int{0, 1, 2, SQEBatchMax} {
		b, err := NewSQEBatch(n)
		if err != nil || len(b) != n {
			t.Fatalf("NewSQEBatch(%d) = len %d, %v", n, len(b), err)
		}
		for i := range b {
			if b[i] != (SQE{}) {
				t.Fatalf("NewSQEBatch(%d)[%d] is not zeroed", n, i)
			}
		}
		if n >= 2 && &b[1] != &b[1] {
			t.Error("element address is not stable")
		}
	}
	for _, n := range []int{-3, -1, SQEBatchMax + 1} {
		if _, err := NewSQEBatch(n); !errors.Is(err, unix.EINVAL) {
			t.Errorf("NewSQEBatch(%d) = %v, want EINVAL", n, err)
		}
	}
}

// sqeBatchNops prepares n NOPs with user_data 1..n.
func sqeBatchNops(t *testing.T, n int) SQEBatch {
	t.Helper()
	b, err := NewSQEBatch(n)
	if err != nil {
		t.Fatal(err)
	}
	for i := range b {
		PrepNop(&b[i])
		b[i].UserData = uint64(i + 1)
	}
	return b
}

func TestSQEBatchPutSQE(t *testing.T) {
	tests := []struct {
		entries uint32 // ring size
		queued  int    // SQEs taken with GetSQE first
		num     int    // SQEs to put
		ok      bool
		err     error
	}{
		{1, 0, 0, true, nil},
		{1, 0, 1, true, nil},
		{1, 0, 2, false, unix.EINVAL}, // can never fit
		{2, 0, 2, true, nil},
		{8, 0, 2, true, nil},
		{8, 7, 1, true, nil},
		{8, 7, 2, false, nil}, // full: nothing copied, submit and retry
		{8, 8, 1, false, nil},
		{1024, 0, 1024, true, nil},
	}
	for _, tt := range tests {
		ring := newRing(t, tt.entries, 0)
		for range tt.queued {
			sqe := GetSQE(ring)
			PrepNop(sqe)
			sqe.UserData = 1000
		}
		b := sqeBatchNops(t, tt.num)
		ok, err := PutSQE(ring, b)
		if ok != tt.ok || !errors.Is(err, tt.err) || (tt.err == nil) != (err == nil) {
			t.Fatalf("ring %d, queued %d: PutSQE(%d) = %v, %v; want %v, %v", tt.entries, tt.queued, tt.num, ok, err, tt.ok, tt.err)
		}
		wantReady := tt.queued
		if ok {
			wantReady += tt.num
		}
		if got := SQReady(ring); got != uint32(wantReady) {
			t.Fatalf("SQReady = %d, want %d", got, wantReady)
		}
		if wantReady == 0 {
			continue
		}
		if n, err := SubmitAndWait(ring, uint32(wantReady)); err != nil || n != wantReady {
			t.Fatalf("SubmitAndWait = %d, %v", n, err)
		}
		// The copies complete in order, after the SQEs queued before them.
		i := 0
		for cqe := range ForEachCQE(ring) {
			want := uint64(1000)
			if i >= tt.queued {
				want = uint64(i - tt.queued + 1)
			}
			if cqe.UserData != want || cqe.Res != 0 {
				t.Errorf("CQE %d: %v, want user_data %d", i, cqe, want)
			}
			i++
		}
		CQAdvance(ring, uint32(i))
		if i != wantReady {
			t.Errorf("%d completions, want %d", i, wantReady)
		}
	}
}

// TestSQEBatchPutSQEContent checks that every byte of each SQE reaches the
// ring.
func TestSQEBatchPutSQEContent(t *testing.T) {
	ring := newRing(t, 4, 0)
	b, _ := NewSQEBatch(2)
	for i := range b {
		p := unsafe.Slice((*byte)(unsafe.Pointer(&b[i])), unsafe.Sizeof(b[i]))
		for j := range p {
			p[j] = byte(i*64 + j + 1)
		}
	}
	if ok, err := PutSQE(ring, b[:1]); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if ok, err := PutSQE(ring, b[1:]); !ok || err != nil {
		t.Fatal(ok, err)
	}
	// The SQEs sit in ring slots 0 and 1; GetSQE's next slot is 2.
	next := GetSQE(ring)
	slot0 := (*SQE)(unsafe.Add(unsafe.Pointer(next), -2*int(unsafe.Sizeof(SQE{}))))
	for i := range b {
		got := (*SQE)(unsafe.Add(unsafe.Pointer(slot0), i*int(unsafe.Sizeof(SQE{}))))
		if *got != b[i] {
			t.Errorf("slot %d = %+v, want %+v", i, *got, b[i])
		}
	}
}

// TestSQEBatchPutSQE128 puts SQEs into an IORING_SETUP_SQE128 ring: the
// second half of each slot is zeroed, and the NOPs complete.
func TestSQEBatchPutSQE128(t *testing.T) {
	ring := newRing(t, 4, IORING_SETUP_SQE128)
	sqe := GetSQE(ring) // slot 0
	PrepNop(sqe)
	sqe.UserData = 9
	if _, res, _ := submitWait(t, ring); res != 0 {
		t.Fatal(res)
	}
	// Slot 1, 128 bytes on, is where b[0] goes: dirty its big half first.
	slot1 := (*SQE)(unsafe.Add(unsafe.Pointer(sqe), 128))
	for i := range slot1.Cmd(true) {
		slot1.Cmd(true)[i] = 0xff
	}
	b := sqeBatchNops(t, 4)
	if ok, err := PutSQE(ring, b); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if slot1.UserData != 1 {
		t.Fatalf("slot 1 user_data %d", slot1.UserData)
	}
	for i, c := range slot1.Cmd(true)[16:] {
		if c != 0 {
			t.Fatalf("slot 1 byte %d of the big half = %#x, want 0", 64+i, c)
		}
	}
	if n, err := SubmitAndWait(ring, 4); n != 4 || err != nil {
		t.Fatal(n, err)
	}
	n := uint32(0)
	for cqe := range ForEachCQE(ring) {
		if cqe.Res != 0 || cqe.UserData != uint64(n+1) {
			t.Errorf("CQE %v", cqe)
		}
		n++
	}
	CQAdvance(ring, n)
}

func TestSQEBatchPutSQEClosedRing(t *testing.T) {
	b := sqeBatchNops(t, 1)
	if ok, err := PutSQE(nil, b); ok || !errors.Is(err, ErrNilRing) {
		t.Errorf("nil ring: %v, %v", ok, err)
	}
	var ring Ring
	if ok, err := PutSQE(&ring, b); ok || !errors.Is(err, ErrRingClosed) {
		t.Errorf("closed ring: %v, %v", ok, err)
	}
}
