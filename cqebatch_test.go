//go:build linux && cgo

package liburing

import (
	"errors"
	"runtime"
	"strconv"
	"testing"

	"golang.org/x/sys/unix"
)

// cqeBatchNops queues n NOPs with user_data first, first+1, ... and submits.
func cqeBatchNops(t *testing.T, ring *Ring, first uint64, n int) {
	t.Helper()
	for i := range n {
		sqe := GetSQE(ring)
		if sqe == nil {
			t.Fatal("SQ full")
		}
		PrepNop(sqe)
		sqe.UserData = first + uint64(i)
	}
	if _, err := Submit(ring); err != nil {
		t.Fatal(err)
	}
}

func TestCQEBatchNew(t *testing.T) {
	for _, n := range []int{0, -1, 65537} {
		if _, err := NewCQEBatch(n); !errors.Is(err, unix.EINVAL) {
			t.Errorf("NewCQEBatch(%d) = %v, want EINVAL", n, err)
		}
	}
	b, err := NewCQEBatch(4)
	if err != nil {
		t.Fatal(err)
	}
	if b.Len() != 0 || b.Cap() != 4 || b.At(0) != nil {
		t.Errorf("empty holder: len %d cap %d", b.Len(), b.Cap())
	}
	if res, ud := b.GetIndex(0); res != 0 || ud != 0 {
		t.Errorf("GetIndex on empty = %d, %d", res, ud)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); !errors.Is(err, ErrClosed) {
		t.Errorf("second Close = %v", err)
	}
	var nilBatch *CQEBatch
	if nilBatch.Len() != 0 || nilBatch.Cap() != 0 || nilBatch.At(0) != nil || !errors.Is(nilBatch.Close(), ErrClosed) {
		t.Error("nil CQEBatch")
	}
}

func TestCQEBatchPeekWait(t *testing.T) {
	ring := newRing(t, 8, 0)
	b, err := NewCQEBatch(4)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()

	if n := b.Peek(ring); n != 0 {
		t.Fatalf("Peek on an empty CQ = %d", n)
	}
	cqeBatchNops(t, ring, 1, 6)
	tests := []struct {
		name string
		fill func() (int, error)
		want []uint64
	}{
		// Six ready: the holder takes its capacity, then the rest.
		{"wait 2", func() (int, error) { return b.Wait(ring, 2, nil, nil) }, []uint64{1, 2, 3, 4}},
		{"peek", func() (int, error) { return b.Peek(ring), nil }, []uint64{5, 6}},
	}
	for _, tt := range tests {
		n, err := tt.fill()
		if err != nil || n != len(tt.want) || b.Len() != n {
			t.Fatalf("%s: %d, %v; want %d", tt.name, n, err, len(tt.want))
		}
		for i, ud := range tt.want {
			if cqe := b.At(i); cqe == nil || cqe.UserData != ud || cqe.Res != 0 {
				t.Errorf("%s: At(%d) = %v, want user_data %d", tt.name, i, cqe, ud)
			}
			if res, got := b.GetIndex(i); res != 0 || got != ud {
				t.Errorf("%s: GetIndex(%d) = %d, %d", tt.name, i, res, got)
			}
		}
		if b.At(n) != nil || b.At(-1) != nil {
			t.Errorf("%s: At out of range is not nil", tt.name)
		}
		if res, ud := b.GetIndex(n); res != 0 || ud != 0 {
			t.Errorf("%s: GetIndex(%d) = %d, %d; want 0, 0", tt.name, n, res, ud)
		}
		i := 0
		for j, cqe := range b.All() {
			if j != i || cqe.UserData != tt.want[i] {
				t.Errorf("%s: All yields %d, %v", tt.name, j, cqe)
			}
			i++
		}
		b.Seen(ring)
		if b.Len() != 0 {
			t.Errorf("%s: Len after Seen = %d", tt.name, b.Len())
		}
	}
	if CQReady(ring) != 0 {
		t.Errorf("CQReady after Seen = %d", CQReady(ring))
	}

	// A timeout with nothing ready leaves the holder empty.
	ts := KernelTimespec{Nsec: 1e6}
	if n, err := b.Wait(ring, 1, &ts, nil); n != 0 || !errors.Is(err, unix.ETIME) || b.Len() != 0 {
		t.Errorf("Wait with timeout = %d, %v", n, err)
	}
	if _, err := b.Wait(ring, 5, nil, nil); !errors.Is(err, unix.EINVAL) {
		t.Errorf("Wait beyond Cap = %v, want EINVAL", err)
	}
	if n := b.Peek(nil); n != 0 {
		t.Errorf("Peek(nil) = %d", n)
	}
	if _, err := b.Wait(nil, 1, nil, nil); !errors.Is(err, ErrNilRing) {
		t.Errorf("Wait(nil) = %v", err)
	}
	b.Close()
	if _, err := b.Wait(ring, 1, nil, nil); !errors.Is(err, ErrClosed) {
		t.Errorf("Wait on closed holder = %v", err)
	}
	if n := b.Peek(ring); n != 0 {
		t.Errorf("Peek on closed holder = %d", n)
	}
}

// TestCQEBatchWrapAndCQE32 checks what Python's pointer arithmetic gets
// wrong: indexing across the end of the CQ array and on CQE32 rings.
func TestCQEBatchWrapAndCQE32(t *testing.T) {
	for _, flags := range []uint32{0, IORING_SETUP_CQE32} {
		ring := newRing(t, 2, flags) // 4 CQ entries
		b, err := NewCQEBatch(4)
		if err != nil {
			t.Fatal(err)
		}
		// Move the CQ head to 3, so the next four CQEs wrap.
		cqeBatchNops(t, ring, 100, 2)
		if n, _ := b.Wait(ring, 2, nil, nil); n != 2 {
			t.Fatal(n)
		}
		b.Seen(ring)
		cqeBatchNops(t, ring, 100, 1)
		if n, _ := b.Wait(ring, 1, nil, nil); n != 1 {
			t.Fatal(n)
		}
		b.Seen(ring)
		cqeBatchNops(t, ring, 1, 2)
		cqeBatchNops(t, ring, 3, 2)
		if n, err := b.Wait(ring, 4, nil, nil); n != 4 || err != nil {
			t.Fatalf("flags %#x: Wait = %d, %v", flags, n, err)
		}
		for i := range 4 {
			if res, ud := b.GetIndex(i); res != 0 || ud != uint64(i+1) {
				t.Errorf("flags %#x: GetIndex(%d) = %d, %d; want 0, %d", flags, i, res, ud, i+1)
			}
		}
		b.Seen(ring)
		b.Close()
	}
}

func TestRingInfoStrings(t *testing.T) {
	var ring Ring
	if ring.String() != "Ring(closed)" || ring.EnterRingFd() != -1 || ring.IntFlags() != 0 {
		t.Errorf("unset ring: %q %d %d", ring.String(), ring.EnterRingFd(), ring.IntFlags())
	}
	var nilRing *Ring
	if nilRing.String() != "Ring(nil)" || nilRing.EnterRingFd() != -1 {
		t.Errorf("nil ring: %q", nilRing.String())
	}
	// The ring fd registered below belongs to this thread: QueueExit must
	// run on it to unregister it.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := QueueInit(4, &ring, 0); err != nil {
		t.Fatal(err)
	}
	defer QueueExit(&ring)
	fd := ring.Fd()
	if ring.EnterRingFd() != fd || ring.IntFlags() != 0 {
		t.Errorf("EnterRingFd %d (fd %d), IntFlags %d", ring.EnterRingFd(), fd, ring.IntFlags())
	}
	want := "Ring(flags=" + strconv.Itoa(int(ring.Flags())) + ", ring_fd=" + strconv.Itoa(fd) + ", features=" +
		strconv.Itoa(int(ring.Features())) + ", enter_ring_fd=" + strconv.Itoa(fd) + ", int_flags=0)"
	if ring.String() != want {
		t.Errorf("String() = %q, want %q", ring.String(), want)
	}
	// A registered ring fd: enter_ring_fd becomes the index, int_flags gets
	// INT_FLAG_REG_RING, and INT_FLAG_REG_REG_RING too when the kernel has
	// IORING_FEAT_REG_REG_RING (Linux 6.3). liburing 2.8 renumbered them
	// (REG_RING became IORING_ENTER_REGISTERED_RING, 0x10, REG_REG_RING 1);
	// up to 2.7 they were 1 and 2.
	regRing, regRegRing := uint8(1), uint8(2)
	if MinorVersion() >= 8 {
		regRing, regRegRing = IORING_ENTER_REGISTERED_RING, 1
	}
	if _, err := RegisterRingFd(&ring); err == nil {
		want := regRing
		if ring.Features()&IORING_FEAT_REG_REG_RING != 0 {
			want |= regRegRing
		}
		if ring.EnterRingFd() == fd || ring.IntFlags() != want {
			t.Errorf("after RegisterRingFd: enter_ring_fd %d (ring fd %d), int_flags %#x, want %#x",
				ring.EnterRingFd(), fd, ring.IntFlags(), want)
		}
	}

	tests := []struct {
		cqe  *CQE
		want string
	}{
		{nil, "CQE(nil)"},
		{&CQE{}, "CQE(user_data=0, res=0, flags=0)"},
		{&CQE{UserData: 1<<64 - 1, Res: -62, Flags: 3}, "CQE(user_data=18446744073709551615, res=-62, flags=3)"},
	}
	for _, tt := range tests {
		if got := tt.cqe.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}
