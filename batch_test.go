//go:build linux && cgo

package liburing

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

func newBatch(t testing.TB, n int) *Batch {
	t.Helper()
	b, err := NewBatch(n)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

// reapAll reaps until want completions arrived and returns them by user_data.
func reapAll(t *testing.T, ring *Ring, want int) map[uint64]CQE {
	t.Helper()
	got := map[uint64]CQE{}
	buf := make([]CQE, 16)
	for len(got) < want {
		n := ring.ReapCQEs(buf)
		if n == 0 {
			if _, err := SubmitAndWait(ring, 1); err != nil {
				t.Fatal(err)
			}
			continue
		}
		for _, c := range buf[:n] {
			if _, dup := got[c.UserData]; dup {
				t.Fatalf("user_data %d completed twice", c.UserData)
			}
			got[c.UserData] = c
		}
	}
	if n := ring.ReapCQEs(buf); n != 0 {
		t.Fatalf("%d unexpected extra completions", n)
	}
	return got
}

func TestBatchNop(t *testing.T) {
	for _, size := range []int{1, 8, 32, 128} {
		ring := newRing(t, 128, 0)
		b := newBatch(t, size)
		for i := 0; i < size; i++ {
			if err := b.Nop(uint64(1000 + i)); err != nil {
				t.Fatal(err)
			}
		}
		if b.Len() != size {
			t.Fatalf("Len %d", b.Len())
		}
		n, err := b.SubmitAndWait(ring, uint32(size))
		if n != size || err != nil || b.Len() != 0 {
			t.Fatalf("batch %d: SubmitAndWait = %d, %v; Len %d", size, n, err, b.Len())
		}
		if r := CQReady(ring); r != uint32(size) {
			t.Errorf("batch %d: %d ready", size, r)
		}
		got := reapAll(t, ring, size)
		for i := 0; i < size; i++ {
			c, ok := got[uint64(1000+i)]
			if !ok || c.Res != 0 || c.Flags != 0 {
				t.Errorf("batch %d: op %d: %+v, %v", size, i, c, ok)
			}
		}
	}
}

// TestBatchSQEs: the SQEs a batch builds equal those of the 1:1 API, field
// by field (the batch uses the same liburing prep helpers).
func TestBatchSQEs(t *testing.T) {
	buf := testCMem(t, 4096)
	p := unsafe.Pointer(&buf[0])
	iov := testIovecSizes(t, 8, 8)
	ts := (*KernelTimespec)(p)
	tests := []struct {
		name string
		add  func(*Batch)
		want SQE
	}{
		{"nop", func(b *Batch) { b.Nop(1) }, SQE{Opcode: IORING_OP_NOP, Fd: -1, UserData: 1}},
		{"read", func(b *Batch) { b.Read(5, p, 4096, 8192, 2) },
			SQE{Opcode: IORING_OP_READ, Fd: 5, Addr: uint64(uintptr(p)), Len: 4096, Off: 8192, UserData: 2}},
		{"write linked", func(b *Batch) { b.Write(6, p, 10, 0, 3); b.SetFlags(IOSQE_IO_LINK) },
			SQE{Opcode: IORING_OP_WRITE, Flags: IOSQE_IO_LINK, Fd: 6, Addr: uint64(uintptr(p)), Len: 10, UserData: 3}},
		{"readv2", func(b *Batch) { b.Readv(7, iov.Ptr(), 2, 100, unix.RWF_NOWAIT, 4) },
			SQE{Opcode: IORING_OP_READV, Fd: 7, Addr: uint64(uintptr(unsafe.Pointer(iov.Ptr()))), Len: 2, Off: 100, OpFlags: unix.RWF_NOWAIT, UserData: 4}},
		{"writev2", func(b *Batch) { b.Writev(7, iov.Ptr(), 1, 0, unix.RWF_DSYNC, 5) },
			SQE{Opcode: IORING_OP_WRITEV, Fd: 7, Addr: uint64(uintptr(unsafe.Pointer(iov.Ptr()))), Len: 1, OpFlags: unix.RWF_DSYNC, UserData: 5}},
		{"read_fixed", func(b *Batch) { b.ReadFixed(8, p, 512, 4096, 3, 6) },
			SQE{Opcode: IORING_OP_READ_FIXED, Fd: 8, Addr: uint64(uintptr(p)), Len: 512, Off: 4096, BufIndex: 3, UserData: 6}},
		{"write_fixed", func(b *Batch) { b.WriteFixed(8, p, 512, 0, 65535, 7) },
			SQE{Opcode: IORING_OP_WRITE_FIXED, Fd: 8, Addr: uint64(uintptr(p)), Len: 512, BufIndex: 65535, UserData: 7}},
		{"fsync", func(b *Batch) { b.Fsync(9, IORING_FSYNC_DATASYNC, 8) },
			SQE{Opcode: IORING_OP_FSYNC, Fd: 9, OpFlags: IORING_FSYNC_DATASYNC, UserData: 8}},
		{"send", func(b *Batch) { b.Send(10, p, 100, unix.MSG_NOSIGNAL, 9) },
			SQE{Opcode: IORING_OP_SEND, Fd: 10, Addr: uint64(uintptr(p)), Len: 100, OpFlags: unix.MSG_NOSIGNAL, UserData: 9}},
		{"recv buffer select", func(b *Batch) { b.Recv(11, nil, 64, 0, 10); b.SetFlags(IOSQE_BUFFER_SELECT); b.SetBufIndex(4) },
			SQE{Opcode: IORING_OP_RECV, Flags: IOSQE_BUFFER_SELECT, Fd: 11, Len: 64, BufIndex: 4, UserData: 10}},
		{"close", func(b *Batch) { b.CloseFd(12, 11) }, SQE{Opcode: IORING_OP_CLOSE, Fd: 12, UserData: 11}},
		{"poll_add", func(b *Batch) { b.PollAdd(13, unix.POLLIN, 12) }, SQE{Opcode: IORING_OP_POLL_ADD, Fd: 13, OpFlags: unix.POLLIN, UserData: 12}},
		{"timeout", func(b *Batch) { b.Timeout(ts, 2, IORING_TIMEOUT_ABS, 13) },
			SQE{Opcode: IORING_OP_TIMEOUT, Fd: -1, Addr: uint64(uintptr(p)), Len: 1, Off: 2, OpFlags: IORING_TIMEOUT_ABS, UserData: 13}},
		{"rw generic", func(b *Batch) { b.Rw(IORING_OP_FADVISE, 14, nil, 4096, 0, unix.FADV_DONTNEED, 14) },
			SQE{Opcode: IORING_OP_FADVISE, Fd: 14, Len: 4096, OpFlags: unix.FADV_DONTNEED, UserData: 14}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A one-entry ring has a single SQE slot: learn its address
			// with a NOP, then let the batch fill the same slot and read
			// it back after submit (the kernel copies SQEs when it
			// consumes them; the slot keeps its bytes).
			ring := newRing(t, 1, 0)
			b := newBatch(t, 1)
			tt.add(b)
			first := GetSQE(ring)
			PrepNop(first)
			if _, err := SubmitAndWait(ring, 1); err != nil {
				t.Fatal(err)
			}
			CQAdvance(ring, 1)
			if n, err := b.Submit(ring); n != 1 || err != nil {
				t.Fatalf("Submit = %d, %v", n, err)
			}
			if *first != tt.want {
				t.Errorf("SQE\n got %+v\nwant %+v", *first, tt.want)
			}
			ring.ReapCQEs(make([]CQE, 4))
		})
	}
}

func TestBatchReadWrite(t *testing.T) {
	ring := newRing(t, 32, 0)
	name := filepath.Join(t.TempDir(), "data")
	content := make([]byte, 16*4096)
	for i := range content {
		content[i] = byte(i * 7)
	}
	if err := os.WriteFile(name, content, 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	buf := testCMem(t, 16*4096)
	b := newBatch(t, 16)
	for i := 15; i >= 0; i-- { // out of order on purpose
		b.Read(int(f.Fd()), unsafe.Pointer(&buf[i*4096]), 4096, uint64(i*4096), uint64(i))
	}
	if n, err := b.SubmitAndWait(ring, 16); n != 16 || err != nil {
		t.Fatalf("SubmitAndWait = %d, %v", n, err)
	}
	got := reapAll(t, ring, 16)
	for i := 0; i < 16; i++ {
		if got[uint64(i)].Res != 4096 {
			t.Errorf("read %d: res %d", i, got[uint64(i)].Res)
		}
	}
	if string(buf) != string(content) {
		t.Error("bytes read differ from the file")
	}
	// A read of a bad fd completes with -EBADF.
	b.Read(-1, unsafe.Pointer(&buf[0]), 1, 0, 99)
	b.SubmitAndWait(ring, 1)
	if c := reapAll(t, ring, 1)[99]; c.Res != -int32(unix.EBADF) {
		t.Errorf("bad fd: res %d", c.Res)
	}
}

// TestBatchLargerThanSQ: a batch of 20 on an SQ of 8 is submitted in parts
// inside the one call, and every operation completes once.
func TestBatchLargerThanSQ(t *testing.T) {
	ring := newRing(t, 8, 0)
	b := newBatch(t, 20)
	for i := 0; i < 20; i++ {
		b.Nop(uint64(i))
	}
	n, err := b.SubmitAndWait(ring, 0)
	if n != 20 || err != nil || b.Len() != 0 {
		t.Fatalf("SubmitAndWait = %d, %v, Len %d", n, err, b.Len())
	}
	if got := reapAll(t, ring, 20); len(got) != 20 {
		t.Fatalf("%d completions", len(got))
	}
}

// TestBatchSubmitError: the kernel refuses to submit on a disabled ring
// (EBADFD) when a batch of 4 has filled an SQ of 2. SubmitAndWait returns
// the errno; the 2 ops that became SQEs wait in the SQ ring and the other 2
// stay in the batch, in order. Once the ring is enabled, the next submit
// sends all four, the SQ's first.
func TestBatchSubmitError(t *testing.T) {
	ring := newRing(t, 2, IORING_SETUP_R_DISABLED)
	b := newBatch(t, 4)
	for i := range 4 {
		b.Nop(uint64(i + 1))
	}
	n, err := b.SubmitAndWait(ring, 4)
	if n != 0 || !errors.Is(err, unix.EBADFD) {
		t.Fatalf("SubmitAndWait on a disabled ring = %d, %v; want 0, EBADFD", n, err)
	}
	if b.Len() != 2 || SQReady(ring) != 2 {
		t.Fatalf("after the error: %d ops in the batch, %d SQEs ready; want 2 and 2", b.Len(), SQReady(ring))
	}
	if err := EnableRings(ring); err != nil {
		t.Fatal(err)
	}
	if n, err := b.SubmitAndWait(ring, 4); n != 4 || err != nil || b.Len() != 0 {
		t.Fatalf("SubmitAndWait after EnableRings = %d, %v, Len %d; want 4, nil, 0", n, err, b.Len())
	}
	cqes := make([]CQE, 8)
	if n := ring.ReapCQEs(cqes); n != 4 {
		t.Fatalf("%d completions ready, want 4", n)
	}
	for i, c := range cqes[:4] {
		if c.UserData != uint64(i+1) || c.Res != 0 {
			t.Errorf("completion %d: %+v, want user_data %d res 0", i, c, i+1)
		}
	}
}

// TestBatchOverflow: 64 NOPs on a ring whose CQ holds 8, reaped only at the
// end: the kernel keeps the overflow (IORING_FEAT_NODROP) and ReapCQEs
// flushes it, so every NOP completes exactly once.
func TestBatchOverflow(t *testing.T) {
	ring := new(Ring)
	p := Params{Flags: IORING_SETUP_CQSIZE, CQEntries: 8}
	if err := QueueInitParams(8, ring, &p); err != nil {
		t.Fatal(err)
	}
	defer QueueExit(ring)
	if p.Features&IORING_FEAT_NODROP == 0 {
		t.Skip("kernel lacks IORING_FEAT_NODROP")
	}
	b := newBatch(t, 8)
	for round := 0; round < 8; round++ {
		for i := 0; i < 8; i++ {
			b.Nop(uint64(round*8 + i))
		}
		if _, err := b.Submit(ring); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
	}
	if got := reapAll(t, ring, 64); len(got) != 64 {
		t.Fatalf("%d completions", len(got))
	}
}

func TestBatchErrors(t *testing.T) {
	b, err := NewBatch(2)
	if err != nil {
		t.Fatal(err)
	}
	b.Nop(1)
	b.Nop(2)
	if err := b.Nop(3); !errors.Is(err, ErrBatchFull) {
		t.Errorf("third Nop on a batch of 2: %v", err)
	}
	if b.Cap() != 2 {
		t.Errorf("Cap %d", b.Cap())
	}
	b.Reset()
	if b.Len() != 0 {
		t.Error("Reset left operations")
	}
	b.Close()
	if err := b.Close(); !errors.Is(err, ErrBatchClosed) {
		t.Errorf("second Close = %v", err)
	}
	if err := b.Nop(1); !errors.Is(err, ErrBatchClosed) {
		t.Errorf("Nop after Close = %v", err)
	}
	if _, err := b.Submit(newRing(t, 2, 0)); !errors.Is(err, ErrBatchClosed) {
		t.Errorf("Submit after Close = %v", err)
	}
	for _, n := range []int{0, -1, 1<<16 + 1} {
		if _, err := NewBatch(n); !errors.Is(err, unix.EINVAL) {
			t.Errorf("NewBatch(%d) = %v", n, err)
		}
	}
}

// TestBatchNoAllocs: building, submitting and reaping a batch allocates
// nothing on the Go heap.
func TestBatchNoAllocs(t *testing.T) {
	ring := newRing(t, 64, 0)
	b := newBatch(t, 32)
	cqes := make([]CQE, 32)
	allocs := testing.AllocsPerRun(100, func() {
		for i := 0; i < 32; i++ {
			b.Nop(uint64(i))
		}
		b.SubmitAndWait(ring, 32)
		for got := 0; got < 32; {
			got += ring.ReapCQEs(cqes)
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per batch of 32", allocs)
	}
}

// TestReapCQEsOrder: over many rounds the CQ head wraps around the ring;
// ReapCQEs must hand out every completion once, in the order the kernel
// posted them (NOPs complete in submission order), whatever the size of the
// destination, on 16- and 32-byte CQE rings.
func TestReapCQEsOrder(t *testing.T) {
	tests := []struct {
		name  string
		flags uint32
		batch int
		dst   int
	}{
		{"cqe16 dst 3", 0, 5, 3},
		{"cqe16 dst 7", 0, 6, 7},
		{"cqe16 dst 1", 0, 3, 1},
		{"cqe16 full ring", 0, 16, 16},
		{"cqe32 dst 3", IORING_SETUP_CQE32, 5, 3},
		{"cqe32 dst 16", IORING_SETUP_CQE32, 16, 16},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ring := new(Ring)
			if err := QueueInit(8, ring, tt.flags); err != nil { // CQ of 16
				if tt.flags != 0 && errors.Is(err, unix.EINVAL) {
					t.Skipf("kernel refuses setup flags %#x: %v", tt.flags, err)
				}
				t.Fatal(err)
			}
			defer QueueExit(ring)
			b := newBatch(t, tt.batch)
			dst := make([]CQE, tt.dst)
			next, want := uint64(0), uint64(0)
			for round := 0; round < 40; round++ {
				for i := 0; i < tt.batch; i++ {
					b.Nop(next)
					next++
				}
				if _, err := b.SubmitAndWait(ring, uint32(tt.batch)); err != nil {
					t.Fatal(err)
				}
				for want < next {
					n := ring.ReapCQEs(dst)
					if n == 0 || n > len(dst) {
						t.Fatalf("round %d: ReapCQEs = %d with %d pending", round, n, next-want)
					}
					for _, c := range dst[:n] {
						if c.UserData != want || c.Res != 0 {
							t.Fatalf("round %d: got %+v, want user_data %d res 0", round, c, want)
						}
						want++
					}
				}
				if r := CQReady(ring); r != 0 {
					t.Fatalf("round %d: %d CQEs left", round, r)
				}
			}
		})
	}
}

// TestBatchYieldsP: a goroutine that only submits batches yields its P
// every yieldPeriod (checked every yieldEvery submissions), so that Go's
// sysmon does not keep retaking it (see yieldP).
func TestBatchYieldsP(t *testing.T) {
	ring := newRing(t, 8, 0)
	b := newBatch(t, 1)
	submit := func(n int) {
		for i := 0; i < n; i++ {
			b.Nop(uint64(i))
			if _, err := b.SubmitAndWait(ring, 1); err != nil {
				t.Fatal(err)
			}
			CQAdvance(ring, 1)
		}
	}
	submit(yieldEvery - 1)
	if !b.lastYield.IsZero() {
		t.Fatalf("yielded after %d submissions, before the first check", yieldEvery-1)
	}
	submit(1)
	first := b.lastYield
	if first.IsZero() {
		t.Fatalf("no yield at submission %d", yieldEvery)
	}
	submit(yieldEvery)
	// A loaded machine may take longer than the period for these, and
	// then yields again: only a yield sooner than the period is wrong.
	if again := b.lastYield; again != first && again.Sub(first) < DefaultYieldPeriod {
		t.Fatalf("yielded again after %v, within %v", again.Sub(first), DefaultYieldPeriod)
	}
	time.Sleep(DefaultYieldPeriod)
	submit(yieldEvery)
	second := b.lastYield
	if !second.After(first) {
		t.Fatalf("no yield %v later", DefaultYieldPeriod)
	}
	b.SetYieldPeriod(0)
	time.Sleep(DefaultYieldPeriod)
	submit(2 * yieldEvery)
	if b.lastYield != second {
		t.Fatal("yielded with the yield period set to 0")
	}
}
