//go:build linux && cgo

package liburing

import (
	"runtime"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// regReadFixed submits a read_fixed into registered buffer bufIndex and
// returns its res.
func regReadFixed(t *testing.T, ring *Ring, fd int, addr unsafe.Pointer, n uint32, off uint64, bufIndex int) int32 {
	t.Helper()
	return testRunPrep(t, ring, func(s *SQE) { PrepReadFixed(s, fd, addr, n, off, bufIndex) })
}

// regWriteFixed submits a write_fixed from registered buffer bufIndex and
// returns its res.
func regWriteFixed(t *testing.T, ring *Ring, fd int, addr unsafe.Pointer, n uint32, off uint64, bufIndex int) int32 {
	t.Helper()
	return testRunPrep(t, ring, func(s *SQE) { PrepWriteFixed(s, fd, addr, n, off, bufIndex) })
}

// TestRegisterBuffers writes from one registered buffer and reads back into
// another with the fixed-buffer opcodes.
func TestRegisterBuffers(t *testing.T) {
	iov := testIovecSizes(t, 4096, 4096)
	ring := newRing(t, 4, 0)
	path, fd := testTempFile(t, "bufs")
	regWantErr(t, "UnregisterBuffers with none", UnregisterBuffers(ring), unix.ENXIO)

	if err := RegisterBuffers(ring, iov.Slice()); err != nil {
		t.Fatalf("RegisterBuffers: %v", err)
	}
	regWantErr(t, "second RegisterBuffers", RegisterBuffers(ring, iov.Slice()), unix.EBUSY)

	out, _ := iov.Bytes(0)
	in, _ := iov.Bytes(1)
	const data = "registered buffers"
	copy(out, data)
	if res := regWriteFixed(t, ring, fd, unsafePointer(out), uint32(len(data)), 0, 0); res != int32(len(data)) {
		t.Fatalf("WRITE_FIXED from buffer 0: res %d", res)
	}
	testFileHolds(t, path, data)
	// Read into the middle of buffer 1.
	if res := regReadFixed(t, ring, fd, unsafePointer(in[100:]), 64, 11, 1); res != int32(len(data)-11) {
		t.Fatalf("READ_FIXED into buffer 1: res %d", res)
	}
	if got := string(in[100 : 100+len(data)-11]); got != "buffers" {
		t.Errorf("buffer 1 holds %q", got)
	}
	// The address must lie inside the buffer the index names.
	if res := regReadFixed(t, ring, fd, unsafePointer(in), 8, 0, 0); res != -int32(unix.EFAULT) {
		t.Errorf("READ_FIXED outside buffer 0: res %d, want -EFAULT", res)
	}
	if res := regReadFixed(t, ring, fd, unsafePointer(in), 8, 0, 2); res != -int32(unix.EFAULT) {
		t.Errorf("READ_FIXED with buf_index 2 past the table: res %d, want -EFAULT", res)
	}

	if err := UnregisterBuffers(ring); err != nil {
		t.Fatalf("UnregisterBuffers: %v", err)
	}
	regWantErr(t, "second UnregisterBuffers", UnregisterBuffers(ring), unix.ENXIO)
	if res := regReadFixed(t, ring, fd, unsafePointer(in), 8, 0, 1); res != -int32(unix.EFAULT) {
		t.Errorf("READ_FIXED after UnregisterBuffers: res %d, want -EFAULT", res)
	}
}

// TestRegisterBuffersPinned registers pinned Go memory through a Go-memory
// iovec array.
func TestRegisterBuffersPinned(t *testing.T) {
	buf := make([]byte, 512)
	var pin runtime.Pinner
	pin.Pin(&buf[0])
	t.Cleanup(pin.Unpin)
	ring := newRing(t, 4, 0)
	path, fd := testTempFile(t, "pinned")

	iovecs := []unix.Iovec{{Base: &buf[0]}}
	iovecs[0].SetLen(len(buf))
	if err := RegisterBuffers(ring, iovecs); err != nil {
		t.Fatalf("RegisterBuffers(pinned Go memory): %v", err)
	}
	copy(buf, "pinned")
	if res := regWriteFixed(t, ring, fd, unsafePointer(buf), 6, 0, 0); res != 6 {
		t.Fatalf("WRITE_FIXED: res %d", res)
	}
	testFileHolds(t, path, "pinned")
	if err := UnregisterBuffers(ring); err != nil {
		t.Fatal(err)
	}
}

// TestRegisterBuffersSparseTags fills a sparse buffer table with tagged
// buffers and checks the tag CQEs of replaced and unregistered buffers.
func TestRegisterBuffersSparseTags(t *testing.T) {
	iov := testIovecSizes(t, 256, 256)
	ring := newRing(t, 8, 0)
	path, fd := testTempFile(t, "tags")
	b0, _ := iov.Bytes(0)
	b1, _ := iov.Bytes(1)
	copy(b0, "first")
	copy(b1, "second")

	_, err := RegisterBuffersUpdateTag(ring, 0, iov.Slice()[:1], nil)
	regWantErr(t, "RegisterBuffersUpdateTag without a table", err, unix.ENXIO)
	if err := RegisterBuffersSparse(ring, 4); err != nil {
		t.Fatalf("RegisterBuffersSparse: %v", err)
	}
	regWantErr(t, "RegisterBuffersSparse over a table", RegisterBuffersSparse(ring, 4), unix.EBUSY)
	if res := regWriteFixed(t, ring, fd, unsafePointer(b0), 5, 0, 1); res != -int32(unix.EFAULT) {
		t.Fatalf("WRITE_FIXED from an empty slot: res %d, want -EFAULT", res)
	}

	if n, err := RegisterBuffersUpdateTag(ring, 1, iov.Slice()[:1], []uint64{0xb1}); err != nil || n != 1 {
		t.Fatalf("RegisterBuffersUpdateTag(1, buffer 0) = %d, %v; want 1", n, err)
	}
	if res := regWriteFixed(t, ring, fd, unsafePointer(b0), 5, 0, 1); res != 5 {
		t.Fatalf("WRITE_FIXED from slot 1: res %d", res)
	}
	testFileHolds(t, path, "first")
	testNoCQE(t, ring, "")

	if n, err := RegisterBuffersUpdateTag(ring, 1, iov.Slice()[1:], []uint64{0xb2}); err != nil || n != 1 {
		t.Fatalf("RegisterBuffersUpdateTag(1, buffer 1) = %d, %v; want 1", n, err)
	}
	regCollectTags(t, ring, 0xb1)
	if res := regWriteFixed(t, ring, fd, unsafePointer(b1), 6, 0, 1); res != 6 {
		t.Fatalf("WRITE_FIXED from replaced slot 1: res %d", res)
	}
	testFileHolds(t, path, "second")
	if res := regWriteFixed(t, ring, fd, unsafePointer(b0), 5, 0, 1); res != -int32(unix.EFAULT) {
		t.Errorf("WRITE_FIXED from the old buffer through slot 1: res %d, want -EFAULT", res)
	}

	_, err = RegisterBuffersUpdateTag(ring, 3, iov.Slice(), nil)
	regWantErr(t, "RegisterBuffersUpdateTag past the table", err, unix.EINVAL)
	if n, err := RegisterBuffersUpdateTag(ring, 2, iov.Slice(), nil); err != nil || n != 2 {
		t.Fatalf("RegisterBuffersUpdateTag(2, both, no tags) = %d, %v; want 2", n, err)
	}
	if err := UnregisterBuffers(ring); err != nil {
		t.Fatal(err)
	}
	if kverAtLeast(6, 13) { // before 6.13, unregistering posts no tag CQEs
		regCollectTags(t, ring, 0xb2)
	}
	testNoCQE(t, ring, "")

	// A full table with tags in one call.
	if err := RegisterBuffersTags(ring, iov.Slice(), []uint64{0xc0, 0xc1}); err != nil {
		t.Fatalf("RegisterBuffersTags: %v", err)
	}
	if res := regReadFixed(t, ring, fd, unsafePointer(b0[10:]), 6, 0, 0); res != 6 {
		t.Fatalf("READ_FIXED into tagged buffer 0: res %d", res)
	}
	if string(b0[10:16]) != "second" {
		t.Errorf("buffer 0 holds %q", b0[10:16])
	}
	if err := UnregisterBuffers(ring); err != nil {
		t.Fatal(err)
	}
	if kverAtLeast(6, 13) {
		regCollectTags(t, ring, 0xc0, 0xc1)
	}
	testNoCQE(t, ring, "")
	if err := RegisterBuffersTags(ring, iov.Slice(), nil); err != nil {
		t.Fatalf("RegisterBuffersTags(nil tags): %v", err)
	}
}
