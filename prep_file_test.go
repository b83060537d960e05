//go:build linux && cgo

package liburing

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// prepFileU32 converts an int (possibly negative) to the uint32 a C cast
// to unsigned gives.
func prepFileU32(v int) uint32 { return uint32(int32(v)) }

// TestPrepFileSQEFields checks the whole SQE each prep-file helper writes,
// against the io_uring ABI: starting from the state GetSQE hands out, the
// fields the operation uses are set and every other field is zero.
func TestPrepFileSQEFields(t *testing.T) {
	buf := testCMem(t, 256)
	baddr := testAddr(&buf[0])
	iov := testIovecSizes(t, 8, 16)
	iaddr := testAddr(iov.Ptr())
	p1, p2, p3 := testCString(t, "/tmp/a"), testCString(t, "b"), testCString(t, "user.x")
	a1, a2, a3 := testAddr(p1), testAddr(p2), testAddr(p3)
	stx := testCNew[unix.Statx_t](t)
	how := testCNew[unix.OpenHow](t)
	const maxU64, maxU32 = ^uint64(0), ^uint32(0)
	cwd := int32(unix.AT_FDCWD)
	ucwd := prepFileU32(unix.AT_FDCWD)

	// read_multishot sets IOSQE_BUFFER_SELECT itself from liburing 2.7 on.
	var mshotFlags uint8
	if MinorVersion() >= 7 {
		mshotFlags = IOSQE_BUFFER_SELECT
	}

	tests := []struct {
		name string
		prep func(*SQE)
		want SQE
	}{
		{"readv", func(s *SQE) { PrepReadv(s, 5, iov.Ptr(), 2, 4096) },
			SQE{Opcode: IORING_OP_READV, Fd: 5, Addr: iaddr, Len: 2, Off: 4096}},
		{"readv current position", func(s *SQE) { PrepReadv(s, 0, iov.Ptr(), 0, maxU64) },
			SQE{Opcode: IORING_OP_READV, Addr: iaddr, Off: maxU64}},
		{"readv nil iovec", func(s *SQE) { PrepReadv(s, -1, nil, maxU32, 0) },
			SQE{Opcode: IORING_OP_READV, Fd: -1, Len: maxU32}},
		{"readv2", func(s *SQE) { PrepReadv2(s, 6, iov.Ptr(), 1, 8, unix.RWF_HIPRI|unix.RWF_NOWAIT) },
			SQE{Opcode: IORING_OP_READV, Fd: 6, Addr: iaddr, Len: 1, Off: 8, OpFlags: unix.RWF_HIPRI | unix.RWF_NOWAIT}},
		{"readv2 negative flags", func(s *SQE) { PrepReadv2(s, 6, iov.Ptr(), 1, 0, -1) },
			SQE{Opcode: IORING_OP_READV, Fd: 6, Addr: iaddr, Len: 1, OpFlags: maxU32}},
		{"writev", func(s *SQE) { PrepWritev(s, 7, iov.Ptr(), 2, 1) },
			SQE{Opcode: IORING_OP_WRITEV, Fd: 7, Addr: iaddr, Len: 2, Off: 1}},
		{"writev2", func(s *SQE) { PrepWritev2(s, 7, iov.Ptr(), 2, maxU64, unix.RWF_APPEND|unix.RWF_DSYNC) },
			SQE{Opcode: IORING_OP_WRITEV, Fd: 7, Addr: iaddr, Len: 2, Off: maxU64, OpFlags: unix.RWF_APPEND | unix.RWF_DSYNC}},
		{"read_fixed", func(s *SQE) { PrepReadFixed(s, 3, unsafe.Pointer(&buf[0]), 256, 512, 9) },
			SQE{Opcode: IORING_OP_READ_FIXED, Fd: 3, Addr: baddr, Len: 256, Off: 512, BufIndex: 9}},
		{"read_fixed index narrowed to 16 bits", func(s *SQE) { PrepReadFixed(s, 3, unsafe.Pointer(&buf[0]), 0, 0, 0x12345) },
			SQE{Opcode: IORING_OP_READ_FIXED, Fd: 3, Addr: baddr, BufIndex: 0x2345}},
		{"write_fixed", func(s *SQE) { PrepWriteFixed(s, 4, unsafe.Pointer(&buf[8]), 16, 0, 65535) },
			SQE{Opcode: IORING_OP_WRITE_FIXED, Fd: 4, Addr: baddr + 8, Len: 16, BufIndex: 65535}},
		{"write_fixed negative index", func(s *SQE) { PrepWriteFixed(s, 4, nil, maxU32, maxU64, -1) },
			SQE{Opcode: IORING_OP_WRITE_FIXED, Fd: 4, Len: maxU32, Off: maxU64, BufIndex: 0xffff}},
		{"read_multishot", func(s *SQE) { PrepReadMultishot(s, 8, 0, maxU64, 3) },
			SQE{Opcode: IORING_OP_READ_MULTISHOT, Flags: mshotFlags, Fd: 8, Off: maxU64, BufIndex: 3}},
		{"read_multishot max group", func(s *SQE) { PrepReadMultishot(s, 8, 4096, 0, 65535) },
			SQE{Opcode: IORING_OP_READ_MULTISHOT, Flags: mshotFlags, Fd: 8, Len: 4096, BufIndex: 65535}},
		{"fsync", func(s *SQE) { PrepFsync(s, 10, 0) }, SQE{Opcode: IORING_OP_FSYNC, Fd: 10}},
		{"fsync datasync", func(s *SQE) { PrepFsync(s, 10, IORING_FSYNC_DATASYNC) },
			SQE{Opcode: IORING_OP_FSYNC, Fd: 10, OpFlags: IORING_FSYNC_DATASYNC}},
		{"sync_file_range", func(s *SQE) {
			PrepSyncFileRange(s, 11, 4096, 1<<40, unix.SYNC_FILE_RANGE_WAIT_BEFORE|unix.SYNC_FILE_RANGE_WRITE)
		}, SQE{Opcode: IORING_OP_SYNC_FILE_RANGE, Fd: 11, Len: 4096, Off: 1 << 40,
			OpFlags: unix.SYNC_FILE_RANGE_WAIT_BEFORE | unix.SYNC_FILE_RANGE_WRITE}},
		{"fallocate", func(s *SQE) { PrepFallocate(s, 12, unix.FALLOC_FL_KEEP_SIZE|unix.FALLOC_FL_PUNCH_HOLE, 4096, 1<<33) },
			SQE{Opcode: IORING_OP_FALLOCATE, Fd: 12, Len: unix.FALLOC_FL_KEEP_SIZE | unix.FALLOC_FL_PUNCH_HOLE, Off: 4096, Addr: 1 << 33}},
		{"fallocate max", func(s *SQE) { PrepFallocate(s, 12, -1, maxU64, maxU64) },
			SQE{Opcode: IORING_OP_FALLOCATE, Fd: 12, Len: maxU32, Off: maxU64, Addr: maxU64}},
		{"fadvise", func(s *SQE) { PrepFadvise(s, 13, 100, 200, unix.FADV_DONTNEED) },
			SQE{Opcode: IORING_OP_FADVISE, Fd: 13, Off: 100, Len: 200, OpFlags: unix.FADV_DONTNEED}},
		{"fadvise len truncated to 32 bits", func(s *SQE) { PrepFadvise(s, 13, maxU64, 1<<32|5, unix.FADV_WILLNEED) },
			SQE{Opcode: IORING_OP_FADVISE, Fd: 13, Off: maxU64, Len: 5, OpFlags: unix.FADV_WILLNEED}},
		{"fadvise negative len", func(s *SQE) { PrepFadvise(s, 13, 0, -1, -1) },
			SQE{Opcode: IORING_OP_FADVISE, Fd: 13, Len: maxU32, OpFlags: maxU32}},
		{"ftruncate", func(s *SQE) { PrepFtruncate(s, 14, 12345) }, SQE{Opcode: IORING_OP_FTRUNCATE, Fd: 14, Off: 12345}},
		{"ftruncate negative", func(s *SQE) { PrepFtruncate(s, 14, -1) }, SQE{Opcode: IORING_OP_FTRUNCATE, Fd: 14, Off: maxU64}},
		{"splice", func(s *SQE) { PrepSplice(s, 3, -1, 4, 1<<35, 65536, unix.SPLICE_F_MOVE|unix.SPLICE_F_NONBLOCK) },
			SQE{Opcode: IORING_OP_SPLICE, Fd: 4, SpliceFdIn: 3, Addr: maxU64, Off: 1 << 35, Len: 65536,
				OpFlags: unix.SPLICE_F_MOVE | unix.SPLICE_F_NONBLOCK}},
		{"splice fixed fd_in", func(s *SQE) { PrepSplice(s, 0, 77, 9, -1, maxU32, SPLICE_F_FD_IN_FIXED) },
			SQE{Opcode: IORING_OP_SPLICE, Fd: 9, Addr: 77, Off: maxU64, Len: maxU32, OpFlags: SPLICE_F_FD_IN_FIXED}},
		{"tee", func(s *SQE) { PrepTee(s, 5, 6, 100, unix.SPLICE_F_NONBLOCK) },
			SQE{Opcode: IORING_OP_TEE, Fd: 6, SpliceFdIn: 5, Len: 100, OpFlags: unix.SPLICE_F_NONBLOCK}},
		{"openat_direct", func(s *SQE) { PrepOpenatDirect(s, unix.AT_FDCWD, p1, unix.O_RDONLY, 0, 0) },
			SQE{Opcode: IORING_OP_OPENAT, Fd: cwd, Addr: a1, SpliceFdIn: 1}},
		{"openat_direct slot 41", func(s *SQE) { PrepOpenatDirect(s, 3, p2, unix.O_CREAT|unix.O_WRONLY, 0o644, 41) },
			SQE{Opcode: IORING_OP_OPENAT, Fd: 3, Addr: a2, Len: 0o644, OpFlags: unix.O_CREAT | unix.O_WRONLY, SpliceFdIn: 42}},
		// IORING_FILE_INDEX_ALLOC is stored as is (index-1+1): the kernel
		// reads it as "pick a free slot".
		{"openat_direct alloc", func(s *SQE) { PrepOpenatDirect(s, 3, p2, 0, 0, IORING_FILE_INDEX_ALLOC) },
			SQE{Opcode: IORING_OP_OPENAT, Fd: 3, Addr: a2, SpliceFdIn: int32(prepFileU32(-1))}},
		{"openat2", func(s *SQE) { PrepOpenat2(s, unix.AT_FDCWD, p1, how) },
			SQE{Opcode: IORING_OP_OPENAT2, Fd: cwd, Addr: a1, Len: uint32(unsafe.Sizeof(unix.OpenHow{})), Off: testAddr(how)}},
		{"openat2 nil how", func(s *SQE) { PrepOpenat2(s, 3, p2, nil) },
			SQE{Opcode: IORING_OP_OPENAT2, Fd: 3, Addr: a2, Len: 24}},
		{"openat2_direct", func(s *SQE) { PrepOpenat2Direct(s, 3, p2, how, 7) },
			SQE{Opcode: IORING_OP_OPENAT2, Fd: 3, Addr: a2, Len: 24, Off: testAddr(how), SpliceFdIn: 8}},
		{"openat2_direct alloc", func(s *SQE) { PrepOpenat2Direct(s, 3, p2, how, IORING_FILE_INDEX_ALLOC) },
			SQE{Opcode: IORING_OP_OPENAT2, Fd: 3, Addr: a2, Len: 24, Off: testAddr(how), SpliceFdIn: -1}},
		{"close_direct", func(s *SQE) { PrepCloseDirect(s, 0) }, SQE{Opcode: IORING_OP_CLOSE, SpliceFdIn: 1}},
		{"close_direct slot 99", func(s *SQE) { PrepCloseDirect(s, 99) }, SQE{Opcode: IORING_OP_CLOSE, SpliceFdIn: 100}},
		{"fixed_fd_install", func(s *SQE) { PrepFixedFdInstall(s, 2, 0) },
			SQE{Opcode: IORING_OP_FIXED_FD_INSTALL, Flags: IOSQE_FIXED_FILE, Fd: 2}},
		{"fixed_fd_install no cloexec", func(s *SQE) { PrepFixedFdInstall(s, 0, IORING_FIXED_FD_NO_CLOEXEC) },
			SQE{Opcode: IORING_OP_FIXED_FD_INSTALL, Flags: IOSQE_FIXED_FILE, OpFlags: IORING_FIXED_FD_NO_CLOEXEC}},
		{"statx", func(s *SQE) {
			PrepStatx(s, unix.AT_FDCWD, p1, unix.AT_SYMLINK_NOFOLLOW|unix.AT_STATX_SYNC_AS_STAT, unix.STATX_BASIC_STATS, stx)
		}, SQE{Opcode: IORING_OP_STATX, Fd: cwd, Addr: a1, Len: unix.STATX_BASIC_STATS, Off: testAddr(stx),
			OpFlags: unix.AT_SYMLINK_NOFOLLOW | unix.AT_STATX_SYNC_AS_STAT}},
		{"statx empty path", func(s *SQE) { PrepStatx(s, 5, p2, unix.AT_EMPTY_PATH, maxU32, nil) },
			SQE{Opcode: IORING_OP_STATX, Fd: 5, Addr: a2, Len: maxU32, OpFlags: unix.AT_EMPTY_PATH}},
		{"unlinkat", func(s *SQE) { PrepUnlinkat(s, 3, p2, unix.AT_REMOVEDIR) },
			SQE{Opcode: IORING_OP_UNLINKAT, Fd: 3, Addr: a2, OpFlags: unix.AT_REMOVEDIR}},
		{"unlink", func(s *SQE) { PrepUnlink(s, p1, 0) }, SQE{Opcode: IORING_OP_UNLINKAT, Fd: cwd, Addr: a1}},
		{"renameat", func(s *SQE) { PrepRenameat(s, 3, p1, 4, p2, unix.RENAME_NOREPLACE) },
			SQE{Opcode: IORING_OP_RENAMEAT, Fd: 3, Addr: a1, Len: 4, Off: a2, OpFlags: unix.RENAME_NOREPLACE}},
		{"renameat exchange", func(s *SQE) { PrepRenameat(s, unix.AT_FDCWD, p1, unix.AT_FDCWD, p2, unix.RENAME_EXCHANGE) },
			SQE{Opcode: IORING_OP_RENAMEAT, Fd: cwd, Addr: a1, Len: ucwd, Off: a2, OpFlags: unix.RENAME_EXCHANGE}},
		{"rename", func(s *SQE) { PrepRename(s, p1, p2) },
			SQE{Opcode: IORING_OP_RENAMEAT, Fd: cwd, Addr: a1, Len: ucwd, Off: a2}},
		{"mkdirat", func(s *SQE) { PrepMkdirat(s, 3, p2, 0o755) },
			SQE{Opcode: IORING_OP_MKDIRAT, Fd: 3, Addr: a2, Len: 0o755}},
		{"mkdir", func(s *SQE) { PrepMkdir(s, p1, 0o7777) },
			SQE{Opcode: IORING_OP_MKDIRAT, Fd: cwd, Addr: a1, Len: 0o7777}},
		{"symlinkat", func(s *SQE) { PrepSymlinkat(s, p1, 3, p2) },
			SQE{Opcode: IORING_OP_SYMLINKAT, Fd: 3, Addr: a1, Off: a2}},
		{"symlink", func(s *SQE) { PrepSymlink(s, p2, p1) },
			SQE{Opcode: IORING_OP_SYMLINKAT, Fd: cwd, Addr: a2, Off: a1}},
		{"linkat", func(s *SQE) { PrepLinkat(s, 3, p1, 4, p2, unix.AT_SYMLINK_FOLLOW) },
			SQE{Opcode: IORING_OP_LINKAT, Fd: 3, Addr: a1, Len: 4, Off: a2, OpFlags: unix.AT_SYMLINK_FOLLOW}},
		{"link", func(s *SQE) { PrepLink(s, p1, p2, 0) },
			SQE{Opcode: IORING_OP_LINKAT, Fd: cwd, Addr: a1, Len: ucwd, Off: a2}},
		{"getxattr", func(s *SQE) { PrepGetxattr(s, p3, &buf[0], p1, 256) },
			SQE{Opcode: IORING_OP_GETXATTR, Addr: a3, Off: baddr, Len: 256, Addr3: a1}},
		{"getxattr size query", func(s *SQE) { PrepGetxattr(s, p3, nil, p1, 0) },
			SQE{Opcode: IORING_OP_GETXATTR, Addr: a3, Addr3: a1}},
		{"setxattr", func(s *SQE) { PrepSetxattr(s, p3, &buf[0], p1, unix.XATTR_CREATE, 5) },
			SQE{Opcode: IORING_OP_SETXATTR, Addr: a3, Off: baddr, Len: 5, Addr3: a1, OpFlags: unix.XATTR_CREATE}},
		{"fgetxattr", func(s *SQE) { PrepFgetxattr(s, 9, p3, &buf[0], maxU32) },
			SQE{Opcode: IORING_OP_FGETXATTR, Fd: 9, Addr: a3, Off: baddr, Len: maxU32}},
		{"fsetxattr", func(s *SQE) { PrepFsetxattr(s, 9, p3, &buf[0], unix.XATTR_REPLACE, 0) },
			SQE{Opcode: IORING_OP_FSETXATTR, Fd: 9, Addr: a3, Off: baddr, OpFlags: unix.XATTR_REPLACE}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sqe := freshSQE()
			tt.prep(sqe)
			want := tt.want
			want.UserData = userDataMarker
			if *sqe != want {
				t.Errorf("SQE\n got %+v\nwant %+v", *sqe, want)
			}
			tt.prep(nil) // a nil SQE is ignored
		})
	}

	// Flags set before the prep call: most helpers keep them, while
	// fixed_fd_install (and read_multishot from liburing 2.7 on) replace them.
	keep := freshSQE()
	keep.Flags = IOSQE_IO_LINK | IOSQE_ASYNC
	PrepFsync(keep, 1, 0)
	if keep.Flags != IOSQE_IO_LINK|IOSQE_ASYNC {
		t.Errorf("fsync changed flags to %#x", keep.Flags)
	}
	inst := freshSQE()
	inst.Flags = IOSQE_IO_LINK | IOSQE_ASYNC
	PrepFixedFdInstall(inst, 1, 0)
	if inst.Flags != IOSQE_FIXED_FILE {
		t.Errorf("fixed_fd_install left flags %#x, want IOSQE_FIXED_FILE only", inst.Flags)
	}
	ms := freshSQE()
	ms.Flags = IOSQE_IO_LINK
	PrepReadMultishot(ms, 1, 0, 0, 0)
	want := uint8(IOSQE_IO_LINK)
	if MinorVersion() >= 7 {
		want = IOSQE_BUFFER_SELECT
	}
	if ms.Flags != want {
		t.Errorf("read_multishot left flags %#x, want %#x (liburing 2.%d)", ms.Flags, want, MinorVersion())
	}
}

// TestPrepFileVectored writes with writev/writev2 and reads back with
// readv/readv2 through the ring.
func TestPrepFileVectored(t *testing.T) {
	ring := newRing(t, 8, 0)
	name := filepath.Join(t.TempDir(), "v")
	fd := testOpen(t, name, unix.O_CREAT|unix.O_RDWR)

	out, err := NewIovec([][]byte{[]byte("hello, "), []byte("vectored "), []byte("world")})
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	testWantRes(t, "writev", testRunPrep(t, ring, func(s *SQE) { PrepWritev(s, fd, out.Ptr(), 3, 0) }), 21)
	testWantRes(t, "writev2 RWF_APPEND", testRunPrep(t, ring, func(s *SQE) {
		PrepWritev2(s, fd, out.Ptr(), 1, 0, unix.RWF_APPEND)
	}), 7)
	testFileHolds(t, name, "hello, vectored worldhello, ")

	in := testIovecSizes(t, 5, 4)
	testWantRes(t, "readv", testRunPrep(t, ring, func(s *SQE) { PrepReadv(s, fd, in.Ptr(), 2, 7) }), 9)
	b0, _ := in.Bytes(0)
	b1, _ := in.Bytes(1)
	if string(b0)+"|"+string(b1) != "vecto|red " {
		t.Errorf("readv got %q|%q", b0, b1)
	}
	testWantRes(t, "readv2", testRunPrep(t, ring, func(s *SQE) { PrepReadv2(s, fd, in.Ptr(), 1, 16, 0) }), 5)
	if b0, _ = in.Bytes(0); string(b0) != "world" {
		t.Errorf("readv2 got %q", b0)
	}
	testWantRes(t, "readv2 unknown RWF flag", testRunPrep(t, ring, func(s *SQE) {
		PrepReadv2(s, fd, in.Ptr(), 1, 0, 1<<30)
	}), -int32(unix.EOPNOTSUPP))
	testWantRes(t, "readv bad fd", testRunPrep(t, ring, func(s *SQE) { PrepReadv(s, -1, in.Ptr(), 1, 0) }), -int32(unix.EBADF))
	testWantRes(t, "writev read-only fd", testRunPrep(t, ring, func(s *SQE) {
		PrepWritev(s, testOpen(t, name, unix.O_RDONLY), out.Ptr(), 1, 0)
	}), -int32(unix.EBADF))
}

// TestPrepFileFixedUnregistered: read_fixed and write_fixed on a ring with no
// registered buffers fail with EFAULT (with buffers: TestPrepFileFixedBuffers).
func TestPrepFileFixedUnregistered(t *testing.T) {
	ring := newRing(t, 4, 0)
	fd := testOpen(t, filepath.Join(t.TempDir(), "x"), unix.O_CREAT|unix.O_RDWR)
	buf := testCMem(t, 64)
	testWantRes(t, "read_fixed", testRunPrep(t, ring, func(s *SQE) {
		PrepReadFixed(s, fd, unsafe.Pointer(&buf[0]), 64, 0, 0)
	}), -int32(unix.EFAULT))
	testWantRes(t, "write_fixed", testRunPrep(t, ring, func(s *SQE) {
		PrepWriteFixed(s, fd, unsafe.Pointer(&buf[0]), 64, 0, 3)
	}), -int32(unix.EFAULT))
}

// TestPrepFileFixedBuffers writes from and reads into registered buffers
// (C memory from NewIovecSizes, registered with RegisterBuffers) with
// write_fixed and read_fixed, by fd and through a registered file, and
// checks the bytes on disk and in the buffers, and the kernel's errors for
// addresses outside the buffer buf_index names.
func TestPrepFileFixedBuffers(t *testing.T) {
	iov := testIovecSizes(t, 4096, 4096)
	ring := newRing(t, 4, 0)
	name, fd := testTempFile(t, "fixed")
	if err := RegisterBuffers(ring, iov.Slice()); err != nil {
		t.Fatalf("RegisterBuffers: %v", err)
	}
	out, _ := iov.Bytes(0)
	in, _ := iov.Bytes(1)
	ptr := func(b []byte, off int) unsafe.Pointer { return unsafe.Pointer(&b[off]) }

	const data = "fixed buffer round trip"
	copy(out, data)
	testWantRes(t, "write_fixed", testRunPrep(t, ring, func(s *SQE) {
		PrepWriteFixed(s, fd, ptr(out, 0), uint32(len(data)), 0, 0)
	}), int32(len(data)))
	// A part from the middle of buffer 0, past the end of the file.
	testWantRes(t, "write_fixed from inside the buffer", testRunPrep(t, ring, func(s *SQE) {
		PrepWriteFixed(s, fd, ptr(out, 6), 6, 100, 0)
	}), 6)
	want := make([]byte, 106)
	copy(want, data)
	copy(want[100:], "buffer")
	testFileHolds(t, name, string(want))

	// Read the whole file into buffer 1 at offset 10 (short read at EOF),
	// then a part into its start.
	testWantRes(t, "read_fixed", testRunPrep(t, ring, func(s *SQE) {
		PrepReadFixed(s, fd, ptr(in, 10), 200, 0, 1)
	}), 106)
	if got := in[10 : 10+106]; string(got) != string(want) {
		t.Errorf("buffer 1 holds %q, want %q", got, want)
	}
	testWantRes(t, "read_fixed at an offset", testRunPrep(t, ring, func(s *SQE) {
		PrepReadFixed(s, fd, ptr(in, 0), 6, 100, 1)
	}), 6)
	if string(in[:6]) != "buffer" {
		t.Errorf("buffer 1 starts with %q, want \"buffer\"", in[:6])
	}

	// Through a registered file: slot 0 of the file table is fd.
	if err := RegisterFiles(ring, []int32{int32(fd)}); err != nil {
		t.Fatalf("RegisterFiles: %v", err)
	}
	copy(out, "FIXED")
	testWantRes(t, "write_fixed on a fixed file", testRunPrep(t, ring, func(s *SQE) {
		PrepWriteFixed(s, 0, ptr(out, 0), 5, 0, 0)
		SQESetFlags(s, IOSQE_FIXED_FILE)
	}), 5)
	clear(in)
	testWantRes(t, "read_fixed on a fixed file", testRunPrep(t, ring, func(s *SQE) {
		PrepReadFixed(s, 0, ptr(in, 0), 12, 0, 1)
		SQESetFlags(s, IOSQE_FIXED_FILE)
	}), 12)
	if string(in[:12]) != "FIXED buffer" {
		t.Errorf("read back %q, want \"FIXED buffer\"", in[:12])
	}

	// The range must lie inside the buffer buf_index names.
	for _, c := range []struct {
		name string
		prep func(*SQE)
		want unix.Errno
	}{
		{"read_fixed into buffer 0 with index 1", func(s *SQE) { PrepReadFixed(s, fd, ptr(out, 0), 8, 0, 1) }, unix.EFAULT},
		{"read_fixed past the end of buffer 1", func(s *SQE) { PrepReadFixed(s, fd, ptr(in, 4000), 200, 0, 1) }, unix.EFAULT},
		{"write_fixed with index 2 past the table", func(s *SQE) { PrepWriteFixed(s, fd, ptr(out, 0), 8, 0, 2) }, unix.EFAULT},
		{"read_fixed bad fd", func(s *SQE) { PrepReadFixed(s, -1, ptr(in, 0), 8, 0, 1) }, unix.EBADF},
	} {
		testWantRes(t, c.name, testRunPrep(t, ring, c.prep), -int32(c.want))
	}

	if err := UnregisterBuffers(ring); err != nil {
		t.Fatalf("UnregisterBuffers: %v", err)
	}
	testWantRes(t, "read_fixed after UnregisterBuffers", testRunPrep(t, ring, func(s *SQE) {
		PrepReadFixed(s, fd, ptr(in, 0), 8, 0, 1)
	}), -int32(unix.EFAULT))
}

// TestPrepFileSync runs fsync, sync_file_range, fallocate, fadvise and
// ftruncate on a temp file and checks their effects and errors.
func TestPrepFileSync(t *testing.T) {
	ring := newRing(t, 4, 0)
	name := filepath.Join(t.TempDir(), "s")
	fd := testOpen(t, name, unix.O_CREAT|unix.O_RDWR)
	size := func() int64 {
		t.Helper()
		fi, err := os.Stat(name)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}

	testWantRes(t, "fallocate", testRunPrep(t, ring, func(s *SQE) { PrepFallocate(s, fd, 0, 0, 8192) }), 0)
	if n := size(); n != 8192 {
		t.Errorf("size after fallocate %d, want 8192", n)
	}
	testWantRes(t, "fallocate keep size", testRunPrep(t, ring, func(s *SQE) {
		PrepFallocate(s, fd, unix.FALLOC_FL_KEEP_SIZE, 8192, 4096)
	}), 0)
	if n := size(); n != 8192 {
		t.Errorf("size after FALLOC_FL_KEEP_SIZE %d, want 8192", n)
	}
	testWantRes(t, "fallocate bad mode", testRunPrep(t, ring, func(s *SQE) {
		PrepFallocate(s, fd, unix.FALLOC_FL_PUNCH_HOLE, 0, 4096) // PUNCH_HOLE needs KEEP_SIZE
	}), -int32(unix.EOPNOTSUPP))

	testWantRes(t, "fsync", testRunPrep(t, ring, func(s *SQE) { PrepFsync(s, fd, 0) }), 0)
	testWantRes(t, "fdatasync", testRunPrep(t, ring, func(s *SQE) { PrepFsync(s, fd, IORING_FSYNC_DATASYNC) }), 0)
	testWantRes(t, "fsync bad flags", testRunPrep(t, ring, func(s *SQE) { PrepFsync(s, fd, 1<<20) }), -int32(unix.EINVAL))
	testWantRes(t, "fsync bad fd", testRunPrep(t, ring, func(s *SQE) { PrepFsync(s, -1, 0) }), -int32(unix.EBADF))

	testWantRes(t, "sync_file_range", testRunPrep(t, ring, func(s *SQE) {
		PrepSyncFileRange(s, fd, 4096, 0, unix.SYNC_FILE_RANGE_WRITE|unix.SYNC_FILE_RANGE_WAIT_AFTER)
	}), 0)
	testWantRes(t, "sync_file_range bad flags", testRunPrep(t, ring, func(s *SQE) {
		PrepSyncFileRange(s, fd, 0, 0, 1<<10)
	}), -int32(unix.EINVAL))

	testWantRes(t, "fadvise", testRunPrep(t, ring, func(s *SQE) { PrepFadvise(s, fd, 0, 4096, unix.FADV_DONTNEED) }), 0)
	testWantRes(t, "fadvise bad advice", testRunPrep(t, ring, func(s *SQE) { PrepFadvise(s, fd, 0, 0, 99) }), -int32(unix.EINVAL))

	requireOp(t, IORING_OP_FTRUNCATE)
	testWantRes(t, "ftruncate", testRunPrep(t, ring, func(s *SQE) { PrepFtruncate(s, fd, 100) }), 0)
	if n := size(); n != 100 {
		t.Errorf("size after ftruncate %d, want 100", n)
	}
	testWantRes(t, "ftruncate negative", testRunPrep(t, ring, func(s *SQE) { PrepFtruncate(s, fd, -1) }), -int32(unix.EINVAL))
	testWantRes(t, "ftruncate bad fd", testRunPrep(t, ring, func(s *SQE) { PrepFtruncate(s, -1, 0) }), -int32(unix.EBADF))
}

// TestPrepFileStatx stats a temp file through the ring into C memory.
func TestPrepFileStatx(t *testing.T) {
	ring := newRing(t, 4, 0)
	dir := t.TempDir()
	name := filepath.Join(dir, "st")
	if err := os.WriteFile(name, make([]byte, 1234), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(name, 0o640); err != nil {
		t.Fatal(err)
	}
	stx := testCNew[unix.Statx_t](t)
	path := testCString(t, name)
	testWantRes(t, "statx", testRunPrep(t, ring, func(s *SQE) {
		PrepStatx(s, unix.AT_FDCWD, path, 0, unix.STATX_BASIC_STATS, stx)
	}), 0)
	if stx.Size != 1234 || stx.Mode&unix.S_IFMT != unix.S_IFREG || stx.Mode&0o7777 != 0o640 {
		t.Errorf("statx: size %d mode %#o, want 1234 and regular 0640", stx.Size, stx.Mode)
	}
	if stx.Mask&unix.STATX_SIZE == 0 {
		t.Errorf("statx mask %#x lacks STATX_SIZE", stx.Mask)
	}

	dfd := testOpen(t, dir, unix.O_RDONLY|unix.O_DIRECTORY)
	rel := testCString(t, "st")
	*stx = unix.Statx_t{}
	testWantRes(t, "statx relative", testRunPrep(t, ring, func(s *SQE) {
		PrepStatx(s, dfd, rel, unix.AT_STATX_SYNC_AS_STAT, unix.STATX_SIZE, stx)
	}), 0)
	if stx.Size != 1234 {
		t.Errorf("relative statx size %d", stx.Size)
	}
	empty := testCString(t, "")
	testWantRes(t, "statx AT_EMPTY_PATH", testRunPrep(t, ring, func(s *SQE) {
		PrepStatx(s, dfd, empty, unix.AT_EMPTY_PATH, unix.STATX_TYPE, stx)
	}), 0)
	if stx.Mode&unix.S_IFMT != unix.S_IFDIR {
		t.Errorf("AT_EMPTY_PATH on a directory fd: mode %#o", stx.Mode)
	}
	missing := testCString(t, filepath.Join(dir, "missing"))
	testWantRes(t, "statx missing", testRunPrep(t, ring, func(s *SQE) {
		PrepStatx(s, unix.AT_FDCWD, missing, 0, unix.STATX_BASIC_STATS, stx)
	}), -int32(unix.ENOENT))
}

// TestPrepFileOpenat2 opens files with openat2 and its RESOLVE_* rules.
func TestPrepFileOpenat2(t *testing.T) {
	ring := newRing(t, 4, 0)
	dir := t.TempDir()
	dfd := testOpen(t, dir, unix.O_RDONLY|unix.O_DIRECTORY)
	how := testCNew[unix.OpenHow](t)

	*how = unix.OpenHow{Flags: unix.O_CREAT | unix.O_WRONLY | unix.O_CLOEXEC, Mode: 0o600}
	name := testCString(t, "o2")
	res := testRunPrep(t, ring, func(s *SQE) { PrepOpenat2(s, dfd, name, how) })
	if res < 0 {
		t.Fatalf("openat2: %v", unix.Errno(-res))
	}
	unix.Close(int(res))
	if _, err := os.Stat(filepath.Join(dir, "o2")); err != nil {
		t.Errorf("openat2 did not create the file: %v", err)
	}

	*how = unix.OpenHow{Flags: unix.O_RDONLY, Resolve: unix.RESOLVE_BENEATH}
	up := testCString(t, "../o2")
	testWantRes(t, "openat2 RESOLVE_BENEATH escape", testRunPrep(t, ring, func(s *SQE) {
		PrepOpenat2(s, dfd, up, how)
	}), -int32(unix.EXDEV))
	*how = unix.OpenHow{Flags: unix.O_RDONLY, Mode: 0o600} // mode without O_CREAT
	testWantRes(t, "openat2 mode without O_CREAT", testRunPrep(t, ring, func(s *SQE) {
		PrepOpenat2(s, dfd, name, how)
	}), -int32(unix.EINVAL))
}

// TestPrepFileDirectNoTable: the direct-descriptor operations on a ring
// without a registered file table fail with the kernel's errno (the same
// operations with a table: TestPrepFileDirectWithTable).
func TestPrepFileDirectNoTable(t *testing.T) {
	ring := newRing(t, 4, 0)
	dir := t.TempDir()
	name := testCString(t, filepath.Join(dir, "d"))
	how := testCNew[unix.OpenHow](t)
	*how = unix.OpenHow{Flags: unix.O_CREAT | unix.O_RDWR, Mode: 0o600}

	testWantRes(t, "openat_direct slot 0", testRunPrep(t, ring, func(s *SQE) {
		PrepOpenatDirect(s, unix.AT_FDCWD, name, unix.O_CREAT|unix.O_RDWR, 0o600, 0)
	}), -int32(unix.ENXIO))
	// The kernel opened (created) the file before failing to install it.
	if _, err := os.Stat(filepath.Join(dir, "d")); err != nil {
		t.Errorf("openat_direct did not create the file: %v", err)
	}
	testWantRes(t, "openat_direct alloc", testRunPrep(t, ring, func(s *SQE) {
		PrepOpenatDirect(s, unix.AT_FDCWD, name, unix.O_RDONLY, 0, IORING_FILE_INDEX_ALLOC)
	}), -int32(unix.ENFILE))
	testWantRes(t, "openat2_direct slot 3", testRunPrep(t, ring, func(s *SQE) {
		PrepOpenat2Direct(s, unix.AT_FDCWD, name, how, 3)
	}), -int32(unix.ENXIO))
	testWantRes(t, "openat2_direct alloc", testRunPrep(t, ring, func(s *SQE) {
		PrepOpenat2Direct(s, unix.AT_FDCWD, name, how, IORING_FILE_INDEX_ALLOC)
	}), -int32(unix.ENFILE))
	testWantRes(t, "close_direct", testRunPrep(t, ring, func(s *SQE) { PrepCloseDirect(s, 0) }), -int32(unix.ENXIO))

	requireOp(t, IORING_OP_FIXED_FD_INSTALL)
	testWantRes(t, "fixed_fd_install", testRunPrep(t, ring, func(s *SQE) { PrepFixedFdInstall(s, 0, 0) }), -int32(unix.EBADF))
	testWantRes(t, "fixed_fd_install bad flags", testRunPrep(t, ring, func(s *SQE) {
		PrepFixedFdInstall(s, 0, 1<<5)
	}), -int32(unix.EINVAL))
}

// TestPrepFileDirectWithTable runs the direct-descriptor operations on a
// ring with a sparse file table (RegisterFilesSparse): openat_direct and
// openat2_direct into a chosen slot and into one the kernel allocates
// (IORING_FILE_INDEX_ALLOC, the slot comes back in res), reads through those
// slots with IOSQE_FIXED_FILE, close_direct, and fixed_fd_install turning a
// slot into a regular fd.
func TestPrepFileDirectWithTable(t *testing.T) {
	const slots = 8
	const content = "direct descriptors"
	name := filepath.Join(t.TempDir(), "direct")
	if err := os.WriteFile(name, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	path := testCString(t, name)
	missing := testCString(t, name+".missing")
	how := testCNew[unix.OpenHow](t)
	*how = unix.OpenHow{Flags: unix.O_RDONLY}
	buf := testCMem(t, 64)
	ring := newRing(t, 8, 0)
	if err := RegisterFilesSparse(ring, slots); err != nil {
		t.Fatalf("RegisterFilesSparse(%d): %v", slots, err)
	}
	readSlot := func(slot int, off uint64) int32 {
		t.Helper()
		clear(buf)
		return testRunPrep(t, ring, func(s *SQE) {
			PrepRead(s, slot, unsafe.Pointer(&buf[0]), 64, off)
			SQESetFlags(s, IOSQE_FIXED_FILE)
		})
	}
	wantRead := func(what string, slot int, off uint64) {
		t.Helper()
		testWantRes(t, what, readSlot(slot, off), int32(len(content)-int(off)))
		if got := string(buf[:len(content)-int(off)]); got != content[off:] {
			t.Fatalf("%s: read %q, want %q", what, got, content[off:])
		}
	}

	testWantRes(t, "read through an empty slot", readSlot(3, 0), -int32(unix.EBADF))
	testWantRes(t, "openat_direct slot 3", testRunPrep(t, ring, func(s *SQE) {
		PrepOpenatDirect(s, unix.AT_FDCWD, path, unix.O_RDONLY, 0, 3)
	}), 0)
	wantRead("read through slot 3", 3, 0)
	testWantRes(t, "openat2_direct slot 5", testRunPrep(t, ring, func(s *SQE) {
		PrepOpenat2Direct(s, unix.AT_FDCWD, path, how, 5)
	}), 0)
	wantRead("read through slot 5", 5, 7)
	testWantRes(t, "openat_direct past the table", testRunPrep(t, ring, func(s *SQE) {
		PrepOpenatDirect(s, unix.AT_FDCWD, path, unix.O_RDONLY, 0, slots)
	}), -int32(unix.EINVAL))
	testWantRes(t, "openat_direct of a missing file", testRunPrep(t, ring, func(s *SQE) {
		PrepOpenatDirect(s, unix.AT_FDCWD, missing, unix.O_RDONLY, 0, 0)
	}), -int32(unix.ENOENT))
	testWantRes(t, "read through slot 0 after the failed open", readSlot(0, 0), -int32(unix.EBADF))

	// IORING_FILE_INDEX_ALLOC: res is the slot; fill the table with both
	// variants until no slot is left.
	used := map[int32]bool{3: true, 5: true}
	for i := 0; len(used) < slots; i++ {
		res := testRunPrep(t, ring, func(s *SQE) {
			if i%2 == 0 {
				PrepOpenatDirect(s, unix.AT_FDCWD, path, unix.O_RDONLY, 0, IORING_FILE_INDEX_ALLOC)
			} else {
				PrepOpenat2Direct(s, unix.AT_FDCWD, path, how, IORING_FILE_INDEX_ALLOC)
			}
		})
		if res < 0 || res >= slots || used[res] {
			t.Fatalf("allocating open %d: res %d (%v), want a free slot (used %v)", i, res, testErr(res), used)
		}
		used[res] = true
		wantRead("read through an allocated slot", int(res), 1)
	}
	testWantRes(t, "openat_direct alloc on a full table", testRunPrep(t, ring, func(s *SQE) {
		PrepOpenatDirect(s, unix.AT_FDCWD, path, unix.O_RDONLY, 0, IORING_FILE_INDEX_ALLOC)
	}), -int32(unix.ENFILE))
	testWantRes(t, "openat2_direct alloc on a full table", testRunPrep(t, ring, func(s *SQE) {
		PrepOpenat2Direct(s, unix.AT_FDCWD, path, how, IORING_FILE_INDEX_ALLOC)
	}), -int32(unix.ENFILE))

	// fixed_fd_install: a regular fd for the file in slot 5, close-on-exec
	// unless IORING_FIXED_FD_NO_CLOEXEC. Every fd installed from a slot
	// shares the slot's open file and so its position, which the
	// explicit-offset reads above left at 0: the first unix.Read gets the
	// whole file, a read on the second fd is then at EOF.
	if testHasOp(IORING_OP_FIXED_FD_INSTALL) {
		for i, c := range []struct {
			flags   uint32
			cloexec bool
			read    string
		}{{0, true, content}, {IORING_FIXED_FD_NO_CLOEXEC, false, ""}} {
			res := testRunPrep(t, ring, func(s *SQE) { PrepFixedFdInstall(s, 5, c.flags) })
			if res < 0 {
				t.Fatalf("fixed_fd_install(slot 5, %#x): %v", c.flags, testErr(res))
			}
			fd := int(res)
			testCloseLater(t, fd)
			fl, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0)
			if err != nil || (fl&unix.FD_CLOEXEC != 0) != c.cloexec {
				t.Errorf("fixed_fd_install(%#x): fd flags %#x, %v; want close-on-exec %v", c.flags, fl, err, c.cloexec)
			}
			b := make([]byte, 64)
			n, err := unix.Read(fd, b)
			if err != nil || string(b[:n]) != c.read {
				t.Errorf("install %d: unix.Read = %q, %v; want %q", i, b[:max(n, 0)], err, c.read)
			}
			if n, err := unix.Pread(fd, b, 7); err != nil || string(b[:n]) != content[7:] {
				t.Errorf("install %d: unix.Pread at 7 = %q, %v; want %q", i, b[:max(n, 0)], err, content[7:])
			}
		}
	} else {
		t.Log("kernel lacks IORING_OP_FIXED_FD_INSTALL (Linux 6.8): not installing")
	}

	// close_direct empties a slot; the slot is then free for allocation.
	testWantRes(t, "close_direct slot 3", testRunPrep(t, ring, func(s *SQE) { PrepCloseDirect(s, 3) }), 0)
	testWantRes(t, "read through the closed slot 3", readSlot(3, 0), -int32(unix.EBADF))
	testWantRes(t, "close_direct slot 3 again", testRunPrep(t, ring, func(s *SQE) { PrepCloseDirect(s, 3) }), -int32(unix.EBADF))
	testWantRes(t, "close_direct past the table", testRunPrep(t, ring, func(s *SQE) { PrepCloseDirect(s, slots) }), -int32(unix.EINVAL))
	testWantRes(t, "openat_direct alloc after close_direct", testRunPrep(t, ring, func(s *SQE) {
		PrepOpenatDirect(s, unix.AT_FDCWD, path, unix.O_RDONLY, 0, IORING_FILE_INDEX_ALLOC)
	}), 3)
	wantRead("read through the reallocated slot 3", 3, 0)
	if testHasOp(IORING_OP_FIXED_FD_INSTALL) {
		testWantRes(t, "close_direct slot 5", testRunPrep(t, ring, func(s *SQE) { PrepCloseDirect(s, 5) }), 0)
		testWantRes(t, "fixed_fd_install of the closed slot 5", testRunPrep(t, ring, func(s *SQE) {
			PrepFixedFdInstall(s, 5, 0)
		}), -int32(unix.EBADF))
	}
}

// TestPrepFilePathOps creates, renames, links and removes directory entries
// through the ring and checks each effect on the file system.
func TestPrepFilePathOps(t *testing.T) {
	requireOp(t, IORING_OP_MKDIRAT)
	requireOp(t, IORING_OP_SYMLINKAT)
	requireOp(t, IORING_OP_LINKAT)
	ring := newRing(t, 4, 0)
	dir := t.TempDir()
	dfd := testOpen(t, dir, unix.O_RDONLY|unix.O_DIRECTORY)
	abs := func(s string) string { return filepath.Join(dir, s) }
	rel := func(s string) *byte { return testCString(t, s) }
	absC := func(s string) *byte { return testCString(t, abs(s)) }
	run := func(what string, want int32, prep func(*SQE)) {
		t.Helper()
		testWantRes(t, what, testRunPrep(t, ring, prep), want)
	}
	isDir := func(s string, perm os.FileMode) {
		t.Helper()
		fi, err := os.Stat(abs(s))
		if err != nil || !fi.IsDir() || fi.Mode().Perm() != perm {
			t.Fatalf("%s: %v, %v; want a directory with mode %v", s, fi, err, perm)
		}
	}
	gone := func(s string) {
		t.Helper()
		if _, err := os.Lstat(abs(s)); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("%s still exists (%v)", s, err)
		}
	}

	run("mkdirat", 0, func(s *SQE) { PrepMkdirat(s, dfd, rel("d1"), 0o700) })
	isDir("d1", 0o700)
	run("mkdir", 0, func(s *SQE) { PrepMkdir(s, absC("d2"), 0o500) })
	isDir("d2", 0o500)
	run("mkdirat existing", -int32(unix.EEXIST), func(s *SQE) { PrepMkdirat(s, dfd, rel("d1"), 0o700) })
	run("mkdir missing parent", -int32(unix.ENOENT), func(s *SQE) { PrepMkdir(s, absC("no/d"), 0o700) })

	run("renameat", 0, func(s *SQE) { PrepRenameat(s, dfd, rel("d1"), dfd, rel("d3"), 0) })
	gone("d1")
	isDir("d3", 0o700)
	run("renameat RENAME_NOREPLACE", -int32(unix.EEXIST), func(s *SQE) {
		PrepRenameat(s, dfd, rel("d3"), dfd, rel("d2"), unix.RENAME_NOREPLACE)
	})
	run("rename", 0, func(s *SQE) { PrepRename(s, absC("d3"), absC("d4")) })
	gone("d3")
	isDir("d4", 0o700)
	run("rename missing", -int32(unix.ENOENT), func(s *SQE) { PrepRename(s, absC("nope"), absC("d5")) })

	if err := os.WriteFile(abs("f"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	same := func(a, b string) {
		t.Helper()
		fa, err1 := os.Stat(abs(a))
		fb, err2 := os.Stat(abs(b))
		if err1 != nil || err2 != nil || !os.SameFile(fa, fb) {
			t.Fatalf("%s and %s are not the same file (%v, %v)", a, b, err1, err2)
		}
	}
	run("linkat", 0, func(s *SQE) { PrepLinkat(s, dfd, rel("f"), dfd, rel("h1"), 0) })
	same("f", "h1")
	run("link", 0, func(s *SQE) { PrepLink(s, absC("f"), absC("h2"), 0) })
	same("f", "h2")
	run("linkat existing", -int32(unix.EEXIST), func(s *SQE) { PrepLinkat(s, dfd, rel("f"), dfd, rel("h1"), 0) })
	run("linkat bad flags", -int32(unix.EINVAL), func(s *SQE) { PrepLinkat(s, dfd, rel("f"), dfd, rel("h3"), 1<<20) })

	run("symlinkat", 0, func(s *SQE) { PrepSymlinkat(s, rel("f"), dfd, rel("s1")) })
	run("symlink", 0, func(s *SQE) { PrepSymlink(s, rel("/no/such/target"), absC("s2")) })
	for name, want := range map[string]string{"s1": "f", "s2": "/no/such/target"} {
		if got, err := os.Readlink(abs(name)); err != nil || got != want {
			t.Errorf("readlink %s = %q, %v; want %q", name, got, err, want)
		}
	}
	run("linkat AT_SYMLINK_FOLLOW", 0, func(s *SQE) {
		PrepLinkat(s, dfd, rel("s1"), dfd, rel("h3"), unix.AT_SYMLINK_FOLLOW)
	})
	same("f", "h3")
	run("symlink existing", -int32(unix.EEXIST), func(s *SQE) { PrepSymlink(s, rel("f"), absC("s1")) })

	run("unlinkat", 0, func(s *SQE) { PrepUnlinkat(s, dfd, rel("h1"), 0) })
	gone("h1")
	run("unlinkat AT_REMOVEDIR", 0, func(s *SQE) { PrepUnlinkat(s, dfd, rel("d4"), unix.AT_REMOVEDIR) })
	gone("d4")
	run("unlinkat directory without AT_REMOVEDIR", -int32(unix.EISDIR), func(s *SQE) { PrepUnlinkat(s, dfd, rel("d2"), 0) })
	run("unlink", 0, func(s *SQE) { PrepUnlink(s, absC("s2"), 0) })
	gone("s2")
	run("unlink AT_REMOVEDIR", 0, func(s *SQE) { PrepUnlink(s, absC("d2"), unix.AT_REMOVEDIR) })
	gone("d2")
	run("unlink missing", -int32(unix.ENOENT), func(s *SQE) { PrepUnlink(s, absC("missing"), 0) })
	run("unlink bad flags", -int32(unix.EINVAL), func(s *SQE) { PrepUnlink(s, absC("f"), 1) })
}

// TestPrepFileSpliceTee moves data between pipes and a file with splice and
// duplicates it with tee.
func TestPrepFileSpliceTee(t *testing.T) {
	requireOp(t, IORING_OP_SPLICE)
	requireOp(t, IORING_OP_TEE)
	ring := newRing(t, 4, 0)
	name := filepath.Join(t.TempDir(), "sp")
	fd := testOpen(t, name, unix.O_CREAT|unix.O_RDWR)
	r1, w1 := testPipe(t)
	r2, w2 := testPipe(t)
	readPipe := func(fd, n int) string {
		t.Helper()
		b := make([]byte, n)
		got, err := unix.Read(fd, b)
		if err != nil {
			t.Fatal(err)
		}
		return string(b[:got])
	}

	if _, err := unix.Write(w1, []byte("spliced data")); err != nil {
		t.Fatal(err)
	}
	testWantRes(t, "splice pipe to file", testRunPrep(t, ring, func(s *SQE) {
		PrepSplice(s, r1, -1, fd, 100, 12, 0)
	}), 12)
	if got, _ := os.ReadFile(name); len(got) != 112 || string(got[100:]) != "spliced data" {
		t.Fatalf("file after splice: %d bytes, tail %q", len(got), got[min(len(got), 100):])
	}
	testWantRes(t, "splice file to pipe", testRunPrep(t, ring, func(s *SQE) {
		PrepSplice(s, fd, 108, w2, -1, 100, unix.SPLICE_F_MOVE)
	}), 4)
	if got := readPipe(r2, 16); got != "data" {
		t.Errorf("pipe after splice holds %q", got)
	}
	testWantRes(t, "splice pipe with offset", testRunPrep(t, ring, func(s *SQE) {
		PrepSplice(s, r1, 0, fd, 0, 1, 0)
	}), -int32(unix.ESPIPE))
	testWantRes(t, "splice bad fd_in", testRunPrep(t, ring, func(s *SQE) {
		PrepSplice(s, -1, -1, w2, -1, 1, 0)
	}), -int32(unix.EBADF))

	if _, err := unix.Write(w1, []byte("tee me")); err != nil {
		t.Fatal(err)
	}
	testWantRes(t, "tee", testRunPrep(t, ring, func(s *SQE) { PrepTee(s, r1, w2, 3, 0) }), 3)
	if got := readPipe(r2, 16); got != "tee" {
		t.Errorf("tee copy holds %q", got)
	}
	if got := readPipe(r1, 16); got != "tee me" {
		t.Errorf("tee source holds %q (tee must not consume)", got)
	}
	testWantRes(t, "tee from a file", testRunPrep(t, ring, func(s *SQE) { PrepTee(s, fd, w2, 3, 0) }), -int32(unix.EINVAL))
}

// TestPrepFileReadMultishot: a multishot read on a pipe with data but no
// provided buffers in its group ends at once with ENOBUFS.
func TestPrepFileReadMultishot(t *testing.T) {
	requireOp(t, IORING_OP_READ_MULTISHOT)
	ring := newRing(t, 4, 0)
	r, w := testPipe(t)
	if _, err := unix.Write(w, []byte("x")); err != nil {
		t.Fatal(err)
	}
	testWantRes(t, "read_multishot without buffers", testRunPrep(t, ring, func(s *SQE) {
		PrepReadMultishot(s, r, 0, 0, 7)
		SQESetFlags(s, IOSQE_BUFFER_SELECT) // liburing 2.6 leaves it to the caller
	}), -int32(unix.ENOBUFS))
	testWantRes(t, "read_multishot without buffer select", testRunPrep(t, ring, func(s *SQE) {
		PrepReadMultishot(s, r, 0, 0, 7)
		SQESetFlags(s, 0)
	}), -int32(unix.EINVAL))
}

// TestPrepFileXattr sets and reads back extended attributes by path and by
// fd. It skips when the temp file system has no user xattrs.
func TestPrepFileXattr(t *testing.T) {
	requireOp(t, IORING_OP_SETXATTR)
	requireOp(t, IORING_OP_FGETXATTR)
	ring := newRing(t, 4, 0)
	name := filepath.Join(t.TempDir(), "xa")
	fd := testOpen(t, name, unix.O_CREAT|unix.O_RDWR)
	path := testCString(t, name)
	attr := testCString(t, "user.liburing")
	attr2 := testCString(t, "user.liburing2")
	missing := testCString(t, "user.missing")
	val := testCMem(t, 5)
	copy(val, "value")
	out := testCMem(t, 64)

	res := testRunPrep(t, ring, func(s *SQE) { PrepSetxattr(s, attr, &val[0], path, unix.XATTR_CREATE, 5) })
	if res == -int32(unix.EOPNOTSUPP) {
		t.Skipf("setxattr: %v (no user xattrs on %s)", unix.Errno(-res), filepath.Dir(name))
	}
	testWantRes(t, "setxattr", res, 0)
	testWantRes(t, "setxattr XATTR_CREATE again", testRunPrep(t, ring, func(s *SQE) {
		PrepSetxattr(s, attr, &val[0], path, unix.XATTR_CREATE, 5)
	}), -int32(unix.EEXIST))
	testWantRes(t, "getxattr", testRunPrep(t, ring, func(s *SQE) { PrepGetxattr(s, attr, &out[0], path, 64) }), 5)
	if string(out[:5]) != "value" {
		t.Errorf("getxattr read %q", out[:5])
	}
	testWantRes(t, "getxattr size query", testRunPrep(t, ring, func(s *SQE) { PrepGetxattr(s, attr, nil, path, 0) }), 5)
	testWantRes(t, "getxattr short buffer", testRunPrep(t, ring, func(s *SQE) {
		PrepGetxattr(s, attr, &out[0], path, 2)
	}), -int32(unix.ERANGE))
	testWantRes(t, "getxattr missing", testRunPrep(t, ring, func(s *SQE) {
		PrepGetxattr(s, missing, &out[0], path, 64)
	}), -int32(unix.ENODATA))

	testWantRes(t, "fsetxattr", testRunPrep(t, ring, func(s *SQE) { PrepFsetxattr(s, fd, attr2, &val[0], 0, 3) }), 0)
	testWantRes(t, "fsetxattr XATTR_REPLACE", testRunPrep(t, ring, func(s *SQE) {
		PrepFsetxattr(s, fd, attr, &val[1], unix.XATTR_REPLACE, 4)
	}), 0)
	testWantRes(t, "fsetxattr XATTR_REPLACE missing", testRunPrep(t, ring, func(s *SQE) {
		PrepFsetxattr(s, fd, missing, &val[0], unix.XATTR_REPLACE, 1)
	}), -int32(unix.ENODATA))
	for _, c := range []struct {
		name *byte
		want string
	}{{attr, "alue"}, {attr2, "val"}} {
		n := testRunPrep(t, ring, func(s *SQE) { PrepFgetxattr(s, fd, c.name, &out[0], 64) })
		if n < 0 || string(out[:n]) != c.want {
			t.Errorf("fgetxattr: res %d, value %q; want %q", n, out[:max(n, 0)], c.want)
		}
	}
	testWantRes(t, "fgetxattr bad fd", testRunPrep(t, ring, func(s *SQE) { PrepFgetxattr(s, -1, attr, &out[0], 64) }), -int32(unix.EBADF))
	b := make([]byte, 16)
	n, err := unix.Getxattr(name, "user.liburing2", b)
	if err != nil || string(b[:max(n, 0)]) != "val" {
		t.Errorf("getxattr(2) after fsetxattr: %q, %v", b[:max(n, 0)], err)
	}
}
