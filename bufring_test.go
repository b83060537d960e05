//go:build linux && cgo

package liburing

import (
	"bytes"
	"errors"
	"slices"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// bufringFill adds count buffers of size bytes from pool, buffer id i at
// pool[i*size:], and publishes them.
func bufringFill(br *BufRing, pool []byte, entries uint32, count, size int) {
	mask := BufRingMask(entries)
	for i := 0; i < count; i++ {
		BufRingAdd(br, unsafe.Pointer(&pool[i*size]), uint32(size), uint16(i), mask, i)
	}
	BufRingAdvance(br, count)
}

// bufringNoStatus reports whether err is the EINVAL of a kernel before 6.8,
// which lacks IORING_REGISTER_PBUF_STATUS (BufRingHead, BufRingAvailable)
// but has buffer rings (5.19): the tests then go on without those checks.
func bufringNoStatus(err error) bool {
	return errors.Is(err, unix.EINVAL) && !kverAtLeast(6, 8)
}

// bufringGone reports whether err says that the ring has no buffer group
// bgid: ENOENT, or, for groups 0-63 on kernels before 6.9 (which keep those
// in a fixed array), EINVAL.
func bufringGone(err error, bgid int) bool {
	return errors.Is(err, unix.ENOENT) || bgid < 64 && !kverAtLeast(6, 9) && errors.Is(err, unix.EINVAL)
}

// bufringRead submits a read of fd that picks a buffer of group bgid and
// returns its CQE, not yet consumed.
func bufringRead(t testing.TB, ring *Ring, fd int, bgid uint16, n uint32) *CQE {
	t.Helper()
	sqe := testSQE(t, ring, 0xb0f)
	PrepRead(sqe, fd, nil, n, ^uint64(0))
	SQESetFlags(sqe, IOSQE_BUFFER_SELECT)
	sqe.BufIndex = bgid // buf_group
	testSubmit(t, ring)
	cqe := testPeekWait(t, ring)
	if cqe.UserData != 0xb0f {
		t.Fatalf("CQE user_data %#x, want 0xb0f", cqe.UserData)
	}
	return cqe
}

// bufringExpectSelected checks that cqe read want into the buffer bid of a
// pool of size-byte buffers.
func bufringExpectSelected(t testing.TB, cqe *CQE, pool []byte, size int, bid uint16, want string) {
	t.Helper()
	if cqe.Res != int32(len(want)) {
		t.Fatalf("CQE res %d (%v), want %d", cqe.Res, unix.Errno(-cqe.Res), len(want))
	}
	if cqe.Flags&IORING_CQE_F_BUFFER == 0 {
		t.Fatalf("CQE flags %#x lack IORING_CQE_F_BUFFER", cqe.Flags)
	}
	if got := uint16(cqe.Flags >> IORING_CQE_BUFFER_SHIFT); got != bid {
		t.Fatalf("CQE buffer id %d, want %d", got, bid)
	}
	if got := pool[int(bid)*size : int(bid)*size+len(want)]; !bytes.Equal(got, []byte(want)) {
		t.Fatalf("buffer %d holds %q, want %q", bid, got, want)
	}
}

func bufringExpectHead(t testing.TB, ring *Ring, br *BufRing, bgid uint16, head uint16, avail int) {
	t.Helper()
	got, err := BufRingHead(ring, int(bgid))
	if bufringNoStatus(err) {
		return
	}
	if err != nil {
		t.Fatalf("BufRingHead(%d): %v", bgid, err)
	}
	if got != head {
		t.Errorf("BufRingHead(%d) = %d, want %d", bgid, got, head)
	}
	n, err := BufRingAvailable(ring, br, bgid)
	if err != nil || n != avail {
		t.Errorf("BufRingAvailable(%d) = %d, %v; want %d", bgid, n, err, avail)
	}
}

func TestBufRingMask(t *testing.T) {
	for _, tt := range []struct {
		entries uint32
		want    int
	}{
		{1, 0}, {2, 1}, {8, 7}, {4096, 4095}, {32768, 32767},
		{1 << 31, 1<<31 - 1},
		{0, -1},               // C: 0u - 1 converted to int
		{1<<32 - 1, -2},       // likewise wraps to -2
		{1<<31 + 1, -1 << 31}, // INT_MIN
	} {
		if got := BufRingMask(tt.entries); got != tt.want {
			t.Errorf("BufRingMask(%d) = %d, want %d", tt.entries, got, tt.want)
		}
	}
}

// TestBufRingAddAdvanceInit checks the ring helpers on a ring in plain C
// memory against the io_uring_buf_ring layout: 16-byte slots {addr, len,
// bid, resv}, with the tail overlaying slot 0's resv.
func TestBufRingAddAdvanceInit(t *testing.T) {
	const entries = 4
	mem := testCMem(t, entries*int(unsafe.Sizeof(Buf{})))
	pool := testCMem(t, 256)
	br := (*BufRing)(unsafe.Pointer(&mem[0]))
	slots := br.Bufs(entries)
	if unsafe.Pointer(&slots[0].Resv) != unsafe.Pointer(&br.Tail) {
		t.Fatal("tail does not overlay bufs[0].resv")
	}

	br.Tail = 0xbeef
	BufRingInit(br)
	if br.Tail != 0 {
		t.Fatalf("BufRingInit: tail %#x, want 0", br.Tail)
	}
	// Slot resv fields (other than slot 0's, the tail) are never written.
	for i := 1; i < entries; i++ {
		slots[i].Resv = 0x5a5a
	}

	mask := BufRingMask(entries)
	BufRingAdd(br, unsafe.Pointer(&pool[0]), 16, 100, mask, 0)
	BufRingAdd(br, unsafe.Pointer(&pool[16]), 32, 0xffff, mask, 1)
	BufRingAdd(br, nil, 0, 0, mask, 2)
	want := []Buf{
		{Addr: testAddr(&pool[0]), Len: 16, Bid: 100, Resv: 0},
		{Addr: testAddr(&pool[16]), Len: 32, Bid: 0xffff, Resv: 0x5a5a},
		{Addr: 0, Len: 0, Bid: 0, Resv: 0x5a5a},
		{Resv: 0x5a5a},
	}
	if got := br.Bufs(entries); !slices.Equal(got, want) {
		t.Fatalf("after BufRingAdd: %+v, want %+v", got, want)
	}
	if br.Tail != 0 {
		t.Fatalf("BufRingAdd moved the tail to %d", br.Tail)
	}

	BufRingAdvance(br, 3)
	if br.Tail != 3 {
		t.Fatalf("BufRingAdvance(3): tail %d, want 3", br.Tail)
	}
	// Slot (tail + offset) & mask wraps: tail 3, offset 2 -> slot 1.
	BufRingAdd(br, unsafe.Pointer(&pool[64]), 1<<32-1, 7, mask, 2)
	want[1] = Buf{Addr: testAddr(&pool[64]), Len: 1<<32 - 1, Bid: 7, Resv: 0x5a5a}
	want[0].Resv = 3 // the tail
	if got := br.Bufs(entries); !slices.Equal(got, want) {
		t.Fatalf("after wrapping BufRingAdd: %+v, want %+v", got, want)
	}

	// The tail is a free-running 16-bit counter.
	br.Tail = 0xfffe
	BufRingAdvance(br, 3)
	if br.Tail != 1 {
		t.Errorf("BufRingAdvance wrap: tail %d, want 1", br.Tail)
	}
	BufRingAdvance(br, -2)
	if br.Tail != 0xffff {
		t.Errorf("BufRingAdvance(-2): tail %#x, want 0xffff", br.Tail)
	}
	BufRingAdvance(br, 0)
	if br.Tail != 0xffff {
		t.Errorf("BufRingAdvance(0): tail %#x, want 0xffff", br.Tail)
	}

	// Nil arguments are ignored.
	BufRingInit(nil)
	BufRingAdd(nil, unsafe.Pointer(&pool[0]), 1, 1, mask, 0)
	BufRingAdvance(nil, 1)
	BufRingCQAdvance(nil, br, 1)
	BufRingCQAdvance(new(Ring), br, 1)
	if br.Tail != 0xffff {
		t.Errorf("BufRingCQAdvance without a ring moved the tail to %#x", br.Tail)
	}
}

// TestSetupBufRingRead is the provided-buffer round trip: a liburing-mapped
// ring of 8 buffers of 64 bytes, pipe reads that select buffers from it,
// buffers handed back with BufRingCQAdvance, and the kernel head moving.
func TestSetupBufRingRead(t *testing.T) {
	requireOp(t, IORING_OP_READ)
	const (
		entries = 8
		size    = 64
		bgid    = 3
	)
	pool := testCMem(t, entries*size)
	ring := newRing(t, 8, 0)
	br, err := SetupBufRing(ring, entries, bgid, 0)
	if err != nil {
		t.Fatalf("SetupBufRing: %v", err)
	}
	if br.Tail != 0 {
		t.Fatalf("SetupBufRing left tail %d, want 0", br.Tail)
	}
	bufringFill(br, pool, entries, entries, size)
	if br.Tail != entries {
		t.Fatalf("tail %d after filling, want %d", br.Tail, entries)
	}
	for i, b := range br.Bufs(entries) {
		if b.Addr != testAddr(&pool[i*size]) || b.Len != size || b.Bid != uint16(i) {
			t.Fatalf("slot %d = %+v", i, b)
		}
	}
	head, err := BufRingHead(ring, bgid)
	if !bufringNoStatus(err) && (err != nil || head != 0) {
		t.Fatalf("BufRingHead = %d, %v; want 0", head, err)
	}
	bufringExpectHead(t, ring, br, bgid, 0, entries)

	r, w := testPipe(t)
	if _, err := unix.Write(w, []byte("hello")); err != nil {
		t.Fatal(err)
	}
	cqe := bufringRead(t, ring, r, bgid, size)
	bufringExpectSelected(t, cqe, pool, size, 0, "hello")
	bufringExpectHead(t, ring, br, bgid, 1, entries-1)

	// Hand buffer 0 back and consume its CQE in one step.
	BufRingAdd(br, unsafe.Pointer(&pool[0]), size, 0, BufRingMask(entries), 0)
	BufRingCQAdvance(ring, br, 1)
	if br.Tail != entries+1 {
		t.Errorf("tail %d after BufRingCQAdvance, want %d", br.Tail, entries+1)
	}
	if _, err := PeekCQE(ring); !errors.Is(err, unix.EAGAIN) {
		t.Errorf("PeekCQE after BufRingCQAdvance: %v, want EAGAIN (CQE consumed)", err)
	}
	bufringExpectHead(t, ring, br, bgid, 1, entries)

	// The next read takes the next buffer in ring order, id 1; a shorter
	// read length than the buffer caps the bytes read.
	if _, err := unix.Write(w, []byte("world, again")); err != nil {
		t.Fatal(err)
	}
	cqe = bufringRead(t, ring, r, bgid, 5)
	bufringExpectSelected(t, cqe, pool, size, 1, "world")
	CQESeen(ring, cqe)
	bufringExpectHead(t, ring, br, bgid, 2, entries-1)

	if err := FreeBufRing(ring, br, entries, bgid); err != nil {
		t.Fatalf("FreeBufRing: %v", err)
	}
	if _, err := BufRingHead(ring, bgid); !errors.Is(err, unix.ENOENT) && !bufringNoStatus(err) {
		t.Errorf("BufRingHead after FreeBufRing: %v, want ENOENT", err)
	}
	// Without a buffer group the selecting read fails with ENOBUFS.
	cqe = bufringRead(t, ring, r, bgid, size)
	if cqe.Res != -int32(unix.ENOBUFS) {
		t.Errorf("read after FreeBufRing: res %d, want -ENOBUFS", cqe.Res)
	}
	CQESeen(ring, cqe)
}

// TestSetupBufRingExhausted checks that the kernel fails a selecting read
// with ENOBUFS once every buffer is in use.
func TestSetupBufRingExhausted(t *testing.T) {
	requireOp(t, IORING_OP_READ)
	const size = 16
	pool := testCMem(t, 2*size)
	ring := newRing(t, 4, 0)
	br, err := SetupBufRing(ring, 2, 0, 0)
	if err != nil {
		t.Fatalf("SetupBufRing: %v", err)
	}
	t.Cleanup(func() { FreeBufRing(ring, br, 2, 0) })
	bufringFill(br, pool, 2, 2, size)
	r, w := testPipe(t)
	for i, msg := range []string{"a", "bc"} {
		if _, err := unix.Write(w, []byte(msg)); err != nil {
			t.Fatal(err)
		}
		cqe := bufringRead(t, ring, r, 0, size)
		bufringExpectSelected(t, cqe, pool, size, uint16(i), msg)
		CQESeen(ring, cqe)
	}
	n, err := BufRingAvailable(ring, br, 0)
	if !bufringNoStatus(err) && (err != nil || n != 0) {
		t.Fatalf("BufRingAvailable = %d, %v; want 0", n, err)
	}
	if _, err := unix.Write(w, []byte("d")); err != nil {
		t.Fatal(err)
	}
	cqe := bufringRead(t, ring, r, 0, size)
	if cqe.Res != -int32(unix.ENOBUFS) || cqe.Flags&IORING_CQE_F_BUFFER != 0 {
		t.Errorf("read with no buffer left: res %d flags %#x, want -ENOBUFS, no buffer", cqe.Res, cqe.Flags)
	}
	CQESeen(ring, cqe)
}

// TestRegisterBufRingMmap registers a ring the application mapped itself.
func TestRegisterBufRingMmap(t *testing.T) {
	requireOp(t, IORING_OP_READ)
	const (
		entries = 4
		size    = 32
		bgid    = 7
	)
	mem, err := unix.Mmap(-1, 0, unix.Getpagesize(), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_ANONYMOUS|unix.MAP_PRIVATE)
	if err != nil {
		t.Fatalf("mmap: %v", err)
	}
	t.Cleanup(func() { unix.Munmap(mem) })
	pool := testCMem(t, entries*size)
	ring := newRing(t, 4, 0)

	br := (*BufRing)(unsafe.Pointer(&mem[0]))
	br.Tail = 0x1234
	BufRingInit(br)
	if br.Tail != 0 {
		t.Fatalf("BufRingInit: tail %#x", br.Tail)
	}
	reg := BufReg{RingAddr: uint64(uintptr(unsafe.Pointer(&mem[0]))), RingEntries: entries, Bgid: bgid}
	if err := RegisterBufRing(ring, &reg, 0); err != nil {
		t.Fatalf("RegisterBufRing: %v", err)
	}
	if reg.Flags != 0 {
		t.Errorf("RegisterBufRing with flags 0 changed reg.Flags to %#x", reg.Flags)
	}
	// The same group twice is refused.
	if err := RegisterBufRing(ring, &reg, 0); !errors.Is(err, unix.EEXIST) {
		t.Errorf("second RegisterBufRing: %v, want EEXIST", err)
	}
	bufringFill(br, pool, entries, entries, size)

	r, w := testPipe(t)
	if _, err := unix.Write(w, []byte("mmap'd ring")); err != nil {
		t.Fatal(err)
	}
	cqe := bufringRead(t, ring, r, bgid, size)
	bufringExpectSelected(t, cqe, pool, size, 0, "mmap'd ring")
	CQESeen(ring, cqe)
	if head, err := BufRingHead(ring, bgid); err == nil && head != 1 {
		t.Errorf("BufRingHead = %d, want 1", head)
	}

	if err := UnregisterBufRing(ring, bgid); err != nil {
		t.Fatalf("UnregisterBufRing: %v", err)
	}
	if err := UnregisterBufRing(ring, bgid); !bufringGone(err, bgid) {
		t.Errorf("second UnregisterBufRing: %v, want ENOENT", err)
	}
}

// TestRegisterBufRingFlags documents the flags argument: liburing 2.6
// ignores it, 2.8 and later OR it into reg.Flags before registering. With
// IOU_PBUF_RING_MMAP and no ring address, the kernel allocates the ring only
// when the flag reaches it.
func TestRegisterBufRingFlags(t *testing.T) {
	ring := newRing(t, 4, 0)
	reg := BufReg{RingEntries: 8, Bgid: 9}
	err := RegisterBufRing(ring, &reg, IOU_PBUF_RING_MMAP)
	if MinorVersion() >= 8 && errors.Is(err, unix.EINVAL) && !kverAtLeast(6, 4) {
		t.Skipf("kernel before 6.4 lacks IOU_PBUF_RING_MMAP: %v", err)
	}
	t.Logf("liburing 2.%d: RegisterBufRing(addr 0, IOU_PBUF_RING_MMAP) = %v, reg.Flags %#x", MinorVersion(), err, reg.Flags)
	if MinorVersion() >= 8 {
		if reg.Flags != IOU_PBUF_RING_MMAP {
			t.Errorf("liburing 2.%d: reg.Flags = %#x, want IOU_PBUF_RING_MMAP", MinorVersion(), reg.Flags)
		}
		if err != nil {
			t.Fatalf("liburing 2.%d: RegisterBufRing(IOU_PBUF_RING_MMAP): %v", MinorVersion(), err)
		}
		if err := UnregisterBufRing(ring, 9); err != nil {
			t.Errorf("UnregisterBufRing: %v", err)
		}
		return
	}
	if reg.Flags != 0 {
		t.Errorf("liburing 2.%d: reg.Flags = %#x, want 0 (flags ignored)", MinorVersion(), reg.Flags)
	}
	if !errors.Is(err, unix.EFAULT) {
		t.Errorf("liburing 2.%d: RegisterBufRing(addr 0, flags ignored) = %v, want EFAULT", MinorVersion(), err)
	}
}

func TestBufRingErrors(t *testing.T) {
	ring := newRing(t, 4, 0)
	for _, n := range []uint32{0, 3, 6, 1 << 16} {
		if br, err := SetupBufRing(ring, n, 1, 0); !errors.Is(err, unix.EINVAL) || br != nil {
			t.Errorf("SetupBufRing(%d entries) = %p, %v; want nil, EINVAL", n, br, err)
		}
	}
	br, err := SetupBufRing(ring, 2, 1, 0)
	if err != nil {
		t.Fatalf("SetupBufRing: %v", err)
	}
	if br2, err := SetupBufRing(ring, 2, 1, 0); !errors.Is(err, unix.EEXIST) || br2 != nil {
		t.Errorf("SetupBufRing(same bgid) = %p, %v; want nil, EEXIST", br2, err)
	}
	if err := FreeBufRing(ring, br, 2, 1); err != nil {
		t.Fatalf("FreeBufRing: %v", err)
	}
	if err := FreeBufRing(ring, br, 2, 1); !bufringGone(err, 1) {
		t.Errorf("second FreeBufRing: %v, want ENOENT (nothing unmapped)", err)
	}
	if err := UnregisterBufRing(ring, 42); !bufringGone(err, 42) {
		t.Errorf("UnregisterBufRing(unknown bgid) = %v, want ENOENT", err)
	}
	if _, err := BufRingHead(ring, 42); !errors.Is(err, unix.ENOENT) && !bufringNoStatus(err) {
		t.Errorf("BufRingHead(unknown bgid) = %v, want ENOENT", err)
	}
	var stub BufRing
	if n, err := BufRingAvailable(ring, &stub, 42); !errors.Is(err, unix.ENOENT) && !bufringNoStatus(err) || n != 0 {
		t.Errorf("BufRingAvailable(unknown bgid) = %d, %v; want ENOENT", n, err)
	}
}
