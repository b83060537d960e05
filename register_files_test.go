//go:build linux && cgo

package liburing

import (
	"testing"

	"golang.org/x/sys/unix"
)

// regFixedWrite writes data at offset 0 through fixed file slot idx and
// returns the CQE's res.
func regFixedWrite(t *testing.T, ring *Ring, idx int, data string) int32 {
	t.Helper()
	buf := testCBytes(t, len(data), data)
	return testRunPrep(t, ring, func(s *SQE) {
		PrepWrite(s, idx, unsafePointer(buf), uint32(len(data)), 0)
		SQESetFlags(s, IOSQE_FIXED_FILE)
	})
}

// TestRegisterFiles registers a file table and writes through a fixed file
// whose own fd is already closed.
func TestRegisterFiles(t *testing.T) {
	ring := newRing(t, 4, 0)
	regWantErr(t, "UnregisterFiles with none", UnregisterFiles(ring), unix.ENXIO)
	regWantErr(t, "RegisterFiles(bad fd)", RegisterFiles(ring, []int32{1 << 28}), unix.EBADF)

	path, _ := testTempFile(t, "fixed")
	fd, err := unix.Open(path, unix.O_WRONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	err = RegisterFiles(ring, []int32{-1, int32(fd)})
	unix.Close(fd) // the table holds its own reference
	if err != nil {
		t.Fatalf("RegisterFiles: %v", err)
	}
	regWantErr(t, "second RegisterFiles", RegisterFiles(ring, []int32{-1}), unix.EBUSY)

	if res := regFixedWrite(t, ring, 1, "fixed file"); res != int32(len("fixed file")) {
		t.Fatalf("write through fixed file 1: res %d", res)
	}
	testFileHolds(t, path, "fixed file")
	if res := regFixedWrite(t, ring, 0, "x"); res != -int32(unix.EBADF) {
		t.Errorf("write through the empty slot 0: res %d, want -EBADF", res)
	}
	if res := regFixedWrite(t, ring, 2, "x"); res != -int32(unix.EBADF) {
		t.Errorf("write through slot 2 past the table: res %d, want -EBADF", res)
	}

	if err := UnregisterFiles(ring); err != nil {
		t.Fatalf("UnregisterFiles: %v", err)
	}
	regWantErr(t, "second UnregisterFiles", UnregisterFiles(ring), unix.ENXIO)
	if res := regFixedWrite(t, ring, 1, "x"); res != -int32(unix.EBADF) {
		t.Errorf("write through a fixed file after UnregisterFiles: res %d, want -EBADF", res)
	}
	testFileHolds(t, path, "fixed file")
}

// TestRegisterFilesSparseUpdate fills and empties slots of a sparse table.
func TestRegisterFilesSparseUpdate(t *testing.T) {
	ring := newRing(t, 4, 0)
	path, fd := testTempFile(t, "sparse")
	_, err := RegisterFilesUpdate(ring, 0, []int32{int32(fd)})
	regWantErr(t, "RegisterFilesUpdate without a table", err, unix.ENXIO)

	if err := RegisterFilesSparse(ring, 4); err != nil {
		t.Fatalf("RegisterFilesSparse: %v", err)
	}
	regWantErr(t, "RegisterFilesSparse over a table", RegisterFilesSparse(ring, 4), unix.EBUSY)
	if res := regFixedWrite(t, ring, 2, "x"); res != -int32(unix.EBADF) {
		t.Fatalf("write through an empty sparse slot: res %d, want -EBADF", res)
	}
	if n, err := RegisterFilesUpdate(ring, 2, []int32{int32(fd)}); err != nil || n != 1 {
		t.Fatalf("RegisterFilesUpdate(2) = %d, %v; want 1", n, err)
	}
	if res := regFixedWrite(t, ring, 2, "sparse"); res != 6 {
		t.Fatalf("write through updated slot 2: res %d", res)
	}
	testFileHolds(t, path, "sparse")

	// IORING_REGISTER_FILES_SKIP leaves slot 2 alone and counts as updated.
	if n, err := RegisterFilesUpdate(ring, 1, []int32{int32(fd), IORING_REGISTER_FILES_SKIP}); err != nil || n != 2 {
		t.Fatalf("RegisterFilesUpdate(1, fd, SKIP) = %d, %v; want 2", n, err)
	}
	if res := regFixedWrite(t, ring, 2, "SPARSE"); res != 6 {
		t.Fatalf("slot 2 after a skipped update: res %d", res)
	}
	if n, err := RegisterFilesUpdate(ring, 2, []int32{-1}); err != nil || n != 1 {
		t.Fatalf("RegisterFilesUpdate(2, -1) = %d, %v", n, err)
	}
	if res := regFixedWrite(t, ring, 2, "x"); res != -int32(unix.EBADF) {
		t.Errorf("write through emptied slot 2: res %d, want -EBADF", res)
	}
	if res := regFixedWrite(t, ring, 1, "sparse"); res != 6 {
		t.Errorf("write through slot 1: res %d", res)
	}
	_, err = RegisterFilesUpdate(ring, 3, []int32{-1, -1})
	regWantErr(t, "RegisterFilesUpdate past the table", err, unix.EINVAL)
	_, err = RegisterFilesUpdate(ring, 0, []int32{1 << 28})
	regWantErr(t, "RegisterFilesUpdate(bad fd)", err, unix.EBADF)
}

// TestRegisterFilesTags: a tag CQE arrives once a tagged file is replaced or
// unregistered, and untagged files post none.
func TestRegisterFilesTags(t *testing.T) {
	ring := newRing(t, 8, 0)
	pathA, fdA := testTempFile(t, "a")
	pathB, fdB := testTempFile(t, "b")

	if err := RegisterFilesTags(ring, []int32{int32(fdA), int32(fdB)}, []uint64{0x7a61, 0}); err != nil {
		t.Fatalf("RegisterFilesTags: %v", err)
	}
	if res := regFixedWrite(t, ring, 0, "to a"); res != 4 {
		t.Fatalf("write through slot 0: res %d", res)
	}
	testFileHolds(t, pathA, "to a")
	testNoCQE(t, ring, "")

	if n, err := RegisterFilesUpdateTag(ring, 0, []int32{int32(fdB)}, []uint64{0x7a62}); err != nil || n != 1 {
		t.Fatalf("RegisterFilesUpdateTag = %d, %v; want 1", n, err)
	}
	regCollectTags(t, ring, 0x7a61) // file a left slot 0
	if res := regFixedWrite(t, ring, 0, "to b"); res != 4 {
		t.Fatalf("write through updated slot 0: res %d", res)
	}
	testFileHolds(t, pathB, "to b")
	testFileHolds(t, pathA, "to a")

	_, err := RegisterFilesUpdateTag(ring, 1, []int32{-1}, []uint64{0x7a63})
	regWantErr(t, "tagging an empty slot", err, unix.EINVAL)
	if n, err := RegisterFilesUpdateTag(ring, 1, []int32{int32(fdA)}, nil); err != nil || n != 1 {
		t.Fatalf("RegisterFilesUpdateTag(nil tags) = %d, %v", n, err)
	}
	if err := UnregisterFiles(ring); err != nil {
		t.Fatal(err)
	}
	if kverAtLeast(6, 13) { // before 6.13, unregistering posts no tag CQEs
		regCollectTags(t, ring, 0x7a62) // only slot 0 carried a tag
	}
	testNoCQE(t, ring, "")

	// Untagged registration through the FILES2 path.
	if err := RegisterFilesTags(ring, []int32{int32(fdA)}, nil); err != nil {
		t.Fatalf("RegisterFilesTags(nil tags): %v", err)
	}
	if res := regFixedWrite(t, ring, 0, "TO A"); res != 4 {
		t.Fatalf("write: res %d", res)
	}
	testFileHolds(t, pathA, "TO A")
	if err := UnregisterFiles(ring); err != nil {
		t.Fatal(err)
	}
	regWantErr(t, "RegisterFilesTags(-1 with a tag)", RegisterFilesTags(ring, []int32{-1}, []uint64{1}), unix.EINVAL)
}

// TestRegisterFileAllocRange: direct opens with IORING_FILE_INDEX_ALLOC take
// slots from the registered range only.
func TestRegisterFileAllocRange(t *testing.T) {
	ring := newRing(t, 4, 0)
	path, _ := testTempFile(t, "alloc")
	cpath := testCString(t, path)
	openDirect := func() int32 {
		t.Helper()
		return testRunPrep(t, ring, func(s *SQE) {
			PrepOpenatDirect(s, unix.AT_FDCWD, cpath, unix.O_RDONLY, 0, IORING_FILE_INDEX_ALLOC)
		})
	}

	regWantErr(t, "RegisterFileAllocRange without a table", RegisterFileAllocRange(ring, 0, 1), unix.EINVAL)
	if err := RegisterFilesSparse(ring, 8); err != nil {
		t.Fatal(err)
	}
	if res := openDirect(); res != 0 {
		t.Fatalf("direct open before setting a range: res %d, want slot 0", res)
	}
	if err := RegisterFileAllocRange(ring, 4, 2); err != nil {
		t.Fatalf("RegisterFileAllocRange(4, 2): %v", err)
	}
	for _, want := range []int32{4, 5, -int32(unix.ENFILE)} {
		if res := openDirect(); res != want {
			t.Errorf("direct open: res %d, want %d", res, want)
		}
	}
	regWantErr(t, "RegisterFileAllocRange past the table", RegisterFileAllocRange(ring, 6, 4), unix.EINVAL)
}
