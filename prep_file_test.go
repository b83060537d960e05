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

// prepFileCStr is CString, freed when the test ends.
func prepFileCStr(t testing.TB, s string) *byte {
	t.Helper()
	p, err := CString(s)
	if err != nil {
		t.Fatalf("CString(%q): %v", s, err)
	}
	t.Cleanup(func() { Free(p) })
	return p
}

// prepFileBuf is AllocBuffer, freed when the test ends.
func prepFileBuf(t testing.TB, n int) []byte {
	t.Helper()
	b, err := AllocBuffer(n)
	if err != nil {
		t.Fatalf("AllocBuffer(%d): %v", n, err)
	}
	t.Cleanup(func() { FreeBuffer(b) })
	return b
}

// prepFileAddr is the address the SQE stores for p.
func prepFileAddr[T any](p *T) uint64 { return uint64(uintptr(unsafe.Pointer(p))) }

// prepFileRun prepares one SQE with prep, submits it and returns its res.
func prepFileRun(t testing.TB, ring *Ring, prep func(*SQE)) int32 {
	t.Helper()
	sqe := GetSQE(ring)
	if sqe == nil {
		t.Fatal("GetSQE returned nil")
	}
	prep(sqe)
	SQESetData64(sqe, 0x5eed)
	ud, res, _ := submitWait(t, ring)
	if ud != 0x5eed {
		t.Fatalf("CQE user_data %#x, want 0x5eed", ud)
	}
	return res
}

// prepFileWant fails the test unless res is want (a result or -errno).
func prepFileWant(t testing.TB, what string, res, want int32) {
	t.Helper()
	if res != want {
		_, err := TrapError(res)
		t.Fatalf("%s: res %d (%v), want %d", what, res, err, want)
	}
}

// prepFileOpen opens name with flags for the test's duration.
func prepFileOpen(t testing.TB, name string, flags int) int {
	t.Helper()
	fd, err := unix.Open(name, flags|unix.O_CLOEXEC, 0o600)
	if err != nil {
		t.Fatalf("open %s: %v", name, err)
	}
	t.Cleanup(func() { unix.Close(fd) })
	return fd
}

// prepFilePipe returns a pipe closed when the test ends.
func prepFilePipe(t testing.TB) (r, w int) {
	t.Helper()
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(p[0]); unix.Close(p[1]) })
	return p[0], p[1]
}

// TestPrepFileSQEFields checks the whole SQE each prep-file helper writes,
// against the io_uring ABI: starting from the state GetSQE hands out, the
// fields the operation uses are set and every other field is zero.
func TestPrepFileSQEFields(t *testing.T) {
	buf := prepFileBuf(t, 256)
	baddr := prepFileAddr(&buf[0])
	iov, err := NewIovecSizes(8, 16)
	if err != nil {
		t.Fatal(err)
	}
	defer iov.Close()
	iaddr := prepFileAddr(iov.Ptr())
	p1, p2, p3 := prepFileCStr(t, "/tmp/a"), prepFileCStr(t, "b"), prepFileCStr(t, "user.x")
	a1, a2, a3 := prepFileAddr(p1), prepFileAddr(p2), prepFileAddr(p3)
	sbuf := prepFileBuf(t, int(unsafe.Sizeof(unix.Statx_t{})))
	stx := (*unix.Statx_t)(unsafe.Pointer(&sbuf[0]))
	hbuf := prepFileBuf(t, int(unsafe.Sizeof(unix.OpenHow{})))
	how := (*unix.OpenHow)(unsafe.Pointer(&hbuf[0]))
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
			SQE{Opcode: IORING_OP_OPENAT2, Fd: cwd, Addr: a1, Len: uint32(unsafe.Sizeof(unix.OpenHow{})), Off: prepFileAddr(how)}},
		{"openat2 nil how", func(s *SQE) { PrepOpenat2(s, 3, p2, nil) },
			SQE{Opcode: IORING_OP_OPENAT2, Fd: 3, Addr: a2, Len: 24}},
		{"openat2_direct", func(s *SQE) { PrepOpenat2Direct(s, 3, p2, how, 7) },
			SQE{Opcode: IORING_OP_OPENAT2, Fd: 3, Addr: a2, Len: 24, Off: prepFileAddr(how), SpliceFdIn: 8}},
		{"openat2_direct alloc", func(s *SQE) { PrepOpenat2Direct(s, 3, p2, how, IORING_FILE_INDEX_ALLOC) },
			SQE{Opcode: IORING_OP_OPENAT2, Fd: 3, Addr: a2, Len: 24, Off: prepFileAddr(how), SpliceFdIn: -1}},
		{"close_direct", func(s *SQE) { PrepCloseDirect(s, 0) }, SQE{Opcode: IORING_OP_CLOSE, SpliceFdIn: 1}},
		{"close_direct slot 99", func(s *SQE) { PrepCloseDirect(s, 99) }, SQE{Opcode: IORING_OP_CLOSE, SpliceFdIn: 100}},
		{"fixed_fd_install", func(s *SQE) { PrepFixedFdInstall(s, 2, 0) },
			SQE{Opcode: IORING_OP_FIXED_FD_INSTALL, Flags: IOSQE_FIXED_FILE, Fd: 2}},
		{"fixed_fd_install no cloexec", func(s *SQE) { PrepFixedFdInstall(s, 0, IORING_FIXED_FD_NO_CLOEXEC) },
			SQE{Opcode: IORING_OP_FIXED_FD_INSTALL, Flags: IOSQE_FIXED_FILE, OpFlags: IORING_FIXED_FD_NO_CLOEXEC}},
		{"statx", func(s *SQE) {
			PrepStatx(s, unix.AT_FDCWD, p1, unix.AT_SYMLINK_NOFOLLOW|unix.AT_STATX_SYNC_AS_STAT, unix.STATX_BASIC_STATS, stx)
		}, SQE{Opcode: IORING_OP_STATX, Fd: cwd, Addr: a1, Len: unix.STATX_BASIC_STATS, Off: prepFileAddr(stx),
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
	fd := prepFileOpen(t, name, unix.O_CREAT|unix.O_RDWR)

	out, err := NewIovec([][]byte{[]byte("hello, "), []byte("vectored "), []byte("world")})
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	prepFileWant(t, "writev", prepFileRun(t, ring, func(s *SQE) { PrepWritev(s, fd, out.Ptr(), 3, 0) }), 21)
	prepFileWant(t, "writev2 RWF_APPEND", prepFileRun(t, ring, func(s *SQE) {
		PrepWritev2(s, fd, out.Ptr(), 1, 0, unix.RWF_APPEND)
	}), 7)
	if got, _ := os.ReadFile(name); string(got) != "hello, vectored worldhello, " {
		t.Fatalf("file holds %q", got)
	}

	in, err := NewIovecSizes(5, 4)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	prepFileWant(t, "readv", prepFileRun(t, ring, func(s *SQE) { PrepReadv(s, fd, in.Ptr(), 2, 7) }), 9)
	b0, _ := in.Bytes(0)
	b1, _ := in.Bytes(1)
	if string(b0)+"|"+string(b1) != "vecto|red " {
		t.Errorf("readv got %q|%q", b0, b1)
	}
	prepFileWant(t, "readv2", prepFileRun(t, ring, func(s *SQE) { PrepReadv2(s, fd, in.Ptr(), 1, 16, 0) }), 5)
	if b0, _ = in.Bytes(0); string(b0) != "world" {
		t.Errorf("readv2 got %q", b0)
	}
	prepFileWant(t, "readv2 unknown RWF flag", prepFileRun(t, ring, func(s *SQE) {
		PrepReadv2(s, fd, in.Ptr(), 1, 0, 1<<30)
	}), -int32(unix.EOPNOTSUPP))
	prepFileWant(t, "readv bad fd", prepFileRun(t, ring, func(s *SQE) { PrepReadv(s, -1, in.Ptr(), 1, 0) }), -int32(unix.EBADF))
	prepFileWant(t, "writev read-only fd", prepFileRun(t, ring, func(s *SQE) {
		PrepWritev(s, prepFileOpen(t, name, unix.O_RDONLY), out.Ptr(), 1, 0)
	}), -int32(unix.EBADF))
}

// TestPrepFileFixedUnregistered: read_fixed and write_fixed on a ring with no
// registered buffers fail with EFAULT.
func TestPrepFileFixedUnregistered(t *testing.T) {
	ring := newRing(t, 4, 0)
	fd := prepFileOpen(t, filepath.Join(t.TempDir(), "x"), unix.O_CREAT|unix.O_RDWR)
	buf := prepFileBuf(t, 64)
	prepFileWant(t, "read_fixed", prepFileRun(t, ring, func(s *SQE) {
		PrepReadFixed(s, fd, unsafe.Pointer(&buf[0]), 64, 0, 0)
	}), -int32(unix.EFAULT))
	prepFileWant(t, "write_fixed", prepFileRun(t, ring, func(s *SQE) {
		PrepWriteFixed(s, fd, unsafe.Pointer(&buf[0]), 64, 0, 3)
	}), -int32(unix.EFAULT))
}

// TestPrepFileSync runs fsync, sync_file_range, fallocate, fadvise and
// ftruncate on a temp file and checks their effects and errors.
func TestPrepFileSync(t *testing.T) {
	ring := newRing(t, 4, 0)
	name := filepath.Join(t.TempDir(), "s")
	fd := prepFileOpen(t, name, unix.O_CREAT|unix.O_RDWR)
	size := func() int64 {
		t.Helper()
		fi, err := os.Stat(name)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}

	prepFileWant(t, "fallocate", prepFileRun(t, ring, func(s *SQE) { PrepFallocate(s, fd, 0, 0, 8192) }), 0)
	if n := size(); n != 8192 {
		t.Errorf("size after fallocate %d, want 8192", n)
	}
	prepFileWant(t, "fallocate keep size", prepFileRun(t, ring, func(s *SQE) {
		PrepFallocate(s, fd, unix.FALLOC_FL_KEEP_SIZE, 8192, 4096)
	}), 0)
	if n := size(); n != 8192 {
		t.Errorf("size after FALLOC_FL_KEEP_SIZE %d, want 8192", n)
	}
	prepFileWant(t, "fallocate bad mode", prepFileRun(t, ring, func(s *SQE) {
		PrepFallocate(s, fd, unix.FALLOC_FL_PUNCH_HOLE, 0, 4096) // PUNCH_HOLE needs KEEP_SIZE
	}), -int32(unix.EOPNOTSUPP))

	prepFileWant(t, "fsync", prepFileRun(t, ring, func(s *SQE) { PrepFsync(s, fd, 0) }), 0)
	prepFileWant(t, "fdatasync", prepFileRun(t, ring, func(s *SQE) { PrepFsync(s, fd, IORING_FSYNC_DATASYNC) }), 0)
	prepFileWant(t, "fsync bad flags", prepFileRun(t, ring, func(s *SQE) { PrepFsync(s, fd, 1<<20) }), -int32(unix.EINVAL))
	prepFileWant(t, "fsync bad fd", prepFileRun(t, ring, func(s *SQE) { PrepFsync(s, -1, 0) }), -int32(unix.EBADF))

	prepFileWant(t, "sync_file_range", prepFileRun(t, ring, func(s *SQE) {
		PrepSyncFileRange(s, fd, 4096, 0, unix.SYNC_FILE_RANGE_WRITE|unix.SYNC_FILE_RANGE_WAIT_AFTER)
	}), 0)
	prepFileWant(t, "sync_file_range bad flags", prepFileRun(t, ring, func(s *SQE) {
		PrepSyncFileRange(s, fd, 0, 0, 1<<10)
	}), -int32(unix.EINVAL))

	prepFileWant(t, "fadvise", prepFileRun(t, ring, func(s *SQE) { PrepFadvise(s, fd, 0, 4096, unix.FADV_DONTNEED) }), 0)
	prepFileWant(t, "fadvise bad advice", prepFileRun(t, ring, func(s *SQE) { PrepFadvise(s, fd, 0, 0, 99) }), -int32(unix.EINVAL))

	requireOp(t, IORING_OP_FTRUNCATE)
	prepFileWant(t, "ftruncate", prepFileRun(t, ring, func(s *SQE) { PrepFtruncate(s, fd, 100) }), 0)
	if n := size(); n != 100 {
		t.Errorf("size after ftruncate %d, want 100", n)
	}
	prepFileWant(t, "ftruncate negative", prepFileRun(t, ring, func(s *SQE) { PrepFtruncate(s, fd, -1) }), -int32(unix.EINVAL))
	prepFileWant(t, "ftruncate bad fd", prepFileRun(t, ring, func(s *SQE) { PrepFtruncate(s, -1, 0) }), -int32(unix.EBADF))
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
	sbuf := prepFileBuf(t, int(unsafe.Sizeof(unix.Statx_t{})))
	stx := (*unix.Statx_t)(unsafe.Pointer(&sbuf[0]))
	path := prepFileCStr(t, name)
	prepFileWant(t, "statx", prepFileRun(t, ring, func(s *SQE) {
		PrepStatx(s, unix.AT_FDCWD, path, 0, unix.STATX_BASIC_STATS, stx)
	}), 0)
	if stx.Size != 1234 || stx.Mode&unix.S_IFMT != unix.S_IFREG || stx.Mode&0o7777 != 0o640 {
		t.Errorf("statx: size %d mode %#o, want 1234 and regular 0640", stx.Size, stx.Mode)
	}
	if stx.Mask&unix.STATX_SIZE == 0 {
		t.Errorf("statx mask %#x lacks STATX_SIZE", stx.Mask)
	}

	dfd := prepFileOpen(t, dir, unix.O_RDONLY|unix.O_DIRECTORY)
	rel := prepFileCStr(t, "st")
	*stx = unix.Statx_t{}
	prepFileWant(t, "statx relative", prepFileRun(t, ring, func(s *SQE) {
		PrepStatx(s, dfd, rel, unix.AT_STATX_SYNC_AS_STAT, unix.STATX_SIZE, stx)
	}), 0)
	if stx.Size != 1234 {
		t.Errorf("relative statx size %d", stx.Size)
	}
	empty := prepFileCStr(t, "")
	prepFileWant(t, "statx AT_EMPTY_PATH", prepFileRun(t, ring, func(s *SQE) {
		PrepStatx(s, dfd, empty, unix.AT_EMPTY_PATH, unix.STATX_TYPE, stx)
	}), 0)
	if stx.Mode&unix.S_IFMT != unix.S_IFDIR {
		t.Errorf("AT_EMPTY_PATH on a directory fd: mode %#o", stx.Mode)
	}
	missing := prepFileCStr(t, filepath.Join(dir, "missing"))
	prepFileWant(t, "statx missing", prepFileRun(t, ring, func(s *SQE) {
		PrepStatx(s, unix.AT_FDCWD, missing, 0, unix.STATX_BASIC_STATS, stx)
	}), -int32(unix.ENOENT))
}

// TestPrepFileOpenat2 opens files with openat2 and its RESOLVE_* rules.
func TestPrepFileOpenat2(t *testing.T) {
	ring := newRing(t, 4, 0)
	dir := t.TempDir()
	dfd := prepFileOpen(t, dir, unix.O_RDONLY|unix.O_DIRECTORY)
	hbuf := prepFileBuf(t, int(unsafe.Sizeof(unix.OpenHow{})))
	how := (*unix.OpenHow)(unsafe.Pointer(&hbuf[0]))

	*how = unix.OpenHow{Flags: unix.O_CREAT | unix.O_WRONLY | unix.O_CLOEXEC, Mode: 0o600}
	name := prepFileCStr(t, "o2")
	res := prepFileRun(t, ring, func(s *SQE) { PrepOpenat2(s, dfd, name, how) })
	if res < 0 {
		t.Fatalf("openat2: %v", unix.Errno(-res))
	}
	unix.Close(int(res))
	if _, err := os.Stat(filepath.Join(dir, "o2")); err != nil {
		t.Errorf("openat2 did not create the file: %v", err)
	}

	*how = unix.OpenHow{Flags: unix.O_RDONLY, Resolve: unix.RESOLVE_BENEATH}
	up := prepFileCStr(t, "../o2")
	prepFileWant(t, "openat2 RESOLVE_BENEATH escape", prepFileRun(t, ring, func(s *SQE) {
		PrepOpenat2(s, dfd, up, how)
	}), -int32(unix.EXDEV))
	*how = unix.OpenHow{Flags: unix.O_RDONLY, Mode: 0o600} // mode without O_CREAT
	prepFileWant(t, "openat2 mode without O_CREAT", prepFileRun(t, ring, func(s *SQE) {
		PrepOpenat2(s, dfd, name, how)
	}), -int32(unix.EINVAL))
}

// TestPrepFileDirectNoTable: the direct-descriptor operations on a ring
// without a registered file table fail with the kernel's errno.
func TestPrepFileDirectNoTable(t *testing.T) {
	ring := newRing(t, 4, 0)
	dir := t.TempDir()
	name := prepFileCStr(t, filepath.Join(dir, "d"))
	hbuf := prepFileBuf(t, int(unsafe.Sizeof(unix.OpenHow{})))
	how := (*unix.OpenHow)(unsafe.Pointer(&hbuf[0]))
	*how = unix.OpenHow{Flags: unix.O_CREAT | unix.O_RDWR, Mode: 0o600}

	prepFileWant(t, "openat_direct slot 0", prepFileRun(t, ring, func(s *SQE) {
		PrepOpenatDirect(s, unix.AT_FDCWD, name, unix.O_CREAT|unix.O_RDWR, 0o600, 0)
	}), -int32(unix.ENXIO))
	// The kernel opened (created) the file before failing to install it.
	if _, err := os.Stat(filepath.Join(dir, "d")); err != nil {
		t.Errorf("openat_direct did not create the file: %v", err)
	}
	prepFileWant(t, "openat_direct alloc", prepFileRun(t, ring, func(s *SQE) {
		PrepOpenatDirect(s, unix.AT_FDCWD, name, unix.O_RDONLY, 0, IORING_FILE_INDEX_ALLOC)
	}), -int32(unix.ENFILE))
	prepFileWant(t, "openat2_direct slot 3", prepFileRun(t, ring, func(s *SQE) {
		PrepOpenat2Direct(s, unix.AT_FDCWD, name, how, 3)
	}), -int32(unix.ENXIO))
	prepFileWant(t, "openat2_direct alloc", prepFileRun(t, ring, func(s *SQE) {
		PrepOpenat2Direct(s, unix.AT_FDCWD, name, how, IORING_FILE_INDEX_ALLOC)
	}), -int32(unix.ENFILE))
	prepFileWant(t, "close_direct", prepFileRun(t, ring, func(s *SQE) { PrepCloseDirect(s, 0) }), -int32(unix.ENXIO))

	requireOp(t, IORING_OP_FIXED_FD_INSTALL)
	prepFileWant(t, "fixed_fd_install", prepFileRun(t, ring, func(s *SQE) { PrepFixedFdInstall(s, 0, 0) }), -int32(unix.EBADF))
	prepFileWant(t, "fixed_fd_install bad flags", prepFileRun(t, ring, func(s *SQE) {
		PrepFixedFdInstall(s, 0, 1<<5)
	}), -int32(unix.EINVAL))
}

// TestPrepFilePathOps creates, renames, links and removes directory entries
// through the ring and checks each effect on the file system.
func TestPrepFilePathOps(t *testing.T) {
	requireOp(t, IORING_OP_MKDIRAT)
	requireOp(t, IORING_OP_SYMLINKAT)
	requireOp(t, IORING_OP_LINKAT)
	ring := newRing(t, 4, 0)
	dir := t.TempDir()
	dfd := prepFileOpen(t, dir, unix.O_RDONLY|unix.O_DIRECTORY)
	abs := func(s string) string { return filepath.Join(dir, s) }
	rel := func(s string) *byte { return prepFileCStr(t, s) }
	absC := func(s string) *byte { return prepFileCStr(t, abs(s)) }
	run := func(what string, want int32, prep func(*SQE)) {
		t.Helper()
		prepFileWant(t, what, prepFileRun(t, ring, prep), want)
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
	fd := prepFileOpen(t, name, unix.O_CREAT|unix.O_RDWR)
	r1, w1 := prepFilePipe(t)
	r2, w2 := prepFilePipe(t)
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
	prepFileWant(t, "splice pipe to file", prepFileRun(t, ring, func(s *SQE) {
		PrepSplice(s, r1, -1, fd, 100, 12, 0)
	}), 12)
	if got, _ := os.ReadFile(name); len(got) != 112 || string(got[100:]) != "spliced data" {
		t.Fatalf("file after splice: %d bytes, tail %q", len(got), got[min(len(got), 100):])
	}
	prepFileWant(t, "splice file to pipe", prepFileRun(t, ring, func(s *SQE) {
		PrepSplice(s, fd, 108, w2, -1, 100, unix.SPLICE_F_MOVE)
	}), 4)
	if got := readPipe(r2, 16); got != "data" {
		t.Errorf("pipe after splice holds %q", got)
	}
	prepFileWant(t, "splice pipe with offset", prepFileRun(t, ring, func(s *SQE) {
		PrepSplice(s, r1, 0, fd, 0, 1, 0)
	}), -int32(unix.ESPIPE))
	prepFileWant(t, "splice bad fd_in", prepFileRun(t, ring, func(s *SQE) {
		PrepSplice(s, -1, -1, w2, -1, 1, 0)
	}), -int32(unix.EBADF))

	if _, err := unix.Write(w1, []byte("tee me")); err != nil {
		t.Fatal(err)
	}
	prepFileWant(t, "tee", prepFileRun(t, ring, func(s *SQE) { PrepTee(s, r1, w2, 3, 0) }), 3)
	if got := readPipe(r2, 16); got != "tee" {
		t.Errorf("tee copy holds %q", got)
	}
	if got := readPipe(r1, 16); got != "tee me" {
		t.Errorf("tee source holds %q (tee must not consume)", got)
	}
	prepFileWant(t, "tee from a file", prepFileRun(t, ring, func(s *SQE) { PrepTee(s, fd, w2, 3, 0) }), -int32(unix.EINVAL))
}

// TestPrepFileReadMultishot: a multishot read on a pipe with data but no
// provided buffers in its group ends at once with ENOBUFS.
func TestPrepFileReadMultishot(t *testing.T) {
	requireOp(t, IORING_OP_READ_MULTISHOT)
	ring := newRing(t, 4, 0)
	r, w := prepFilePipe(t)
	if _, err := unix.Write(w, []byte("x")); err != nil {
		t.Fatal(err)
	}
	prepFileWant(t, "read_multishot without buffers", prepFileRun(t, ring, func(s *SQE) {
		PrepReadMultishot(s, r, 0, 0, 7)
		s.Flags |= IOSQE_BUFFER_SELECT // liburing 2.6 leaves it to the caller
	}), -int32(unix.ENOBUFS))
	prepFileWant(t, "read_multishot without buffer select", prepFileRun(t, ring, func(s *SQE) {
		PrepReadMultishot(s, r, 0, 0, 7)
		s.Flags = 0
	}), -int32(unix.EINVAL))
}

// TestPrepFileXattr sets and reads back extended attributes by path and by
// fd. It skips when the temp file system has no user xattrs.
func TestPrepFileXattr(t *testing.T) {
	requireOp(t, IORING_OP_SETXATTR)
	requireOp(t, IORING_OP_FGETXATTR)
	ring := newRing(t, 4, 0)
	name := filepath.Join(t.TempDir(), "xa")
	fd := prepFileOpen(t, name, unix.O_CREAT|unix.O_RDWR)
	path := prepFileCStr(t, name)
	attr := prepFileCStr(t, "user.liburing")
	attr2 := prepFileCStr(t, "user.liburing2")
	missing := prepFileCStr(t, "user.missing")
	val := prepFileBuf(t, 5)
	copy(val, "value")
	out := prepFileBuf(t, 64)

	res := prepFileRun(t, ring, func(s *SQE) { PrepSetxattr(s, attr, &val[0], path, unix.XATTR_CREATE, 5) })
	if res == -int32(unix.EOPNOTSUPP) {
		t.Skipf("setxattr: %v (no user xattrs on %s)", unix.Errno(-res), filepath.Dir(name))
	}
	prepFileWant(t, "setxattr", res, 0)
	prepFileWant(t, "setxattr XATTR_CREATE again", prepFileRun(t, ring, func(s *SQE) {
		PrepSetxattr(s, attr, &val[0], path, unix.XATTR_CREATE, 5)
	}), -int32(unix.EEXIST))
	prepFileWant(t, "getxattr", prepFileRun(t, ring, func(s *SQE) { PrepGetxattr(s, attr, &out[0], path, 64) }), 5)
	if string(out[:5]) != "value" {
		t.Errorf("getxattr read %q", out[:5])
	}
	prepFileWant(t, "getxattr size query", prepFileRun(t, ring, func(s *SQE) { PrepGetxattr(s, attr, nil, path, 0) }), 5)
	prepFileWant(t, "getxattr short buffer", prepFileRun(t, ring, func(s *SQE) {
		PrepGetxattr(s, attr, &out[0], path, 2)
	}), -int32(unix.ERANGE))
	prepFileWant(t, "getxattr missing", prepFileRun(t, ring, func(s *SQE) {
		PrepGetxattr(s, missing, &out[0], path, 64)
	}), -int32(unix.ENODATA))

	prepFileWant(t, "fsetxattr", prepFileRun(t, ring, func(s *SQE) { PrepFsetxattr(s, fd, attr2, &val[0], 0, 3) }), 0)
	prepFileWant(t, "fsetxattr XATTR_REPLACE", prepFileRun(t, ring, func(s *SQE) {
		PrepFsetxattr(s, fd, attr, &val[1], unix.XATTR_REPLACE, 4)
	}), 0)
	prepFileWant(t, "fsetxattr XATTR_REPLACE missing", prepFileRun(t, ring, func(s *SQE) {
		PrepFsetxattr(s, fd, missing, &val[0], unix.XATTR_REPLACE, 1)
	}), -int32(unix.ENODATA))
	for _, c := range []struct {
		name *byte
		want string
	}{{attr, "alue"}, {attr2, "val"}} {
		n := prepFileRun(t, ring, func(s *SQE) { PrepFgetxattr(s, fd, c.name, &out[0], 64) })
		if n < 0 || string(out[:n]) != c.want {
			t.Errorf("fgetxattr: res %d, value %q; want %q", n, out[:max(n, 0)], c.want)
		}
	}
	prepFileWant(t, "fgetxattr bad fd", prepFileRun(t, ring, func(s *SQE) { PrepFgetxattr(s, -1, attr, &out[0], 64) }), -int32(unix.EBADF))
	b := make([]byte, 16)
	n, err := unix.Getxattr(name, "user.liburing2", b)
	if err != nil || string(b[:max(n, 0)]) != "val" {
		t.Errorf("getxattr(2) after fsetxattr: %q, %v", b[:max(n, 0)], err)
	}
}
