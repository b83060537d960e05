//go:build linux && cgo

// Python liburing 2024.5.3's file, statx and os tests ported to Go. Paths
// are bytes in Python; here they are C strings (pycCString). Python opens
// relative to the current directory; these tests use a temporary
// directory, through its fd where the Python test used ".".

package tests

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/liburing-go/liburing"
	"golang.org/x/sys/unix"
)

// pycOpen is os.open: it opens path and closes the fd when the test ends
// (unless the test closed it already).
func pycOpen(t *testing.T, path string, flags int, mode uint32) int {
	t.Helper()
	fd, err := unix.Open(path, flags|unix.O_CLOEXEC, mode)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	t.Cleanup(func() { unix.Close(fd) })
	return fd
}

// pycWaitRes submits, waits for one CQE and checks its user_data; it
// returns res after marking the CQE seen.
func pycWaitRes(t *testing.T, ring *liburing.Ring, userData uint64) int32 {
	t.Helper()
	if n, err := liburing.Submit(ring); n != 1 || err != nil {
		t.Fatalf("Submit = %d, %v", n, err)
	}
	cqe, err := liburing.WaitCQE(ring)
	if err != nil {
		t.Fatal(err)
	}
	res, ud := cqe.Res, cqe.UserData
	liburing.CQESeen(ring, cqe)
	if ud != userData {
		t.Fatalf("user_data %d, want %d", ud, userData)
	}
	return res
}

// pycWantRes is pycWaitRes plus trap_error(cqe.res) == want.
func pycWantRes(t *testing.T, ring *liburing.Ring, userData uint64, want int) {
	t.Helper()
	res := pycWaitRes(t, ring, userData)
	if n, err := liburing.TrapError(res); err != nil || n != want {
		t.Fatalf("user_data %d: res %d, %v; want %d", userData, n, err, want)
	}
}

// pycPtr is the address of b's first byte, for the Prep* helpers.
func pycPtr(b []byte) unsafe.Pointer { return unsafe.Pointer(unsafe.SliceData(b)) }

// pycTmpDirFd is the fd of a fresh temporary directory, the "." of the
// Python open tests.
func pycTmpDirFd(t *testing.T) int {
	t.Helper()
	return pycOpen(t, t.TempDir(), unix.O_RDONLY|unix.O_DIRECTORY, 0)
}

// file/file_test.py: test_file_registration.
func TestPython_file_registration(t *testing.T) {
	ring := pycRing(t, 32, 0)
	dir := t.TempDir()
	fd1 := pycOpen(t, filepath.Join(dir, "1.txt"), unix.O_CREAT, 0o777)
	fd2 := pycOpen(t, filepath.Join(dir, "2.txt"), unix.O_CREAT, 0o777)
	if err := liburing.RegisterFiles(ring, []int32{int32(fd1), int32(fd2)}); err != nil {
		t.Fatal(err)
	}
	if err := liburing.UnregisterFiles(ring); err != nil {
		t.Fatal(err)
	}
}

// file/file_test.py: test_files_write_read_mix. The Go buffers are pinned by
// the Iovecs, so the kernel writes into them in place, as into Python's
// bytearrays.
func TestPython_files_write_read_mix(t *testing.T) {
	ring := pycRing(t, 32, 0)
	fd := pycOpen(t, filepath.Join(t.TempDir(), "1.txt"), unix.O_RDWR|unix.O_CREAT, 0o660)
	one, two := []byte("hello"), []byte("world")
	vecOne, err := liburing.NewIovec([][]byte{one})
	if err != nil {
		t.Fatal(err)
	}
	defer vecOne.Close()
	vecTwo, err := liburing.NewIovec([][]byte{two})
	if err != nil {
		t.Fatal(err)
	}
	defer vecTwo.Close()
	base := func(v *liburing.Iovec) (b []byte) { b, _ = v.Bytes(0); return b }

	sqe := pycSQE(t, ring)
	liburing.PrepWrite(sqe, fd, pycPtr(base(vecOne)), uint32(len(base(vecOne))), 0)
	sqe.UserData = 1
	sqe = pycSQE(t, ring)
	liburing.PrepWritev(sqe, fd, vecTwo.Ptr(), uint32(vecTwo.Len()), 5)
	sqe.UserData = 2
	if n, err := liburing.Submit(ring); n != 2 || err != nil {
		t.Fatalf("Submit = %d, %v", n, err)
	}
	// The two writes are not linked: either may complete first (one may
	// go to an io-wq worker), so the completions are matched by user_data.
	res := map[uint64]int32{}
	for i := range uint32(2) {
		cqe, err := liburing.WaitCQEs(ring, 2-i, nil, nil)
		if err != nil {
			t.Fatalf("WaitCQEs(%d): %v", 2-i, err)
		}
		res[cqe.UserData] = cqe.Res
		liburing.CQESeen(ring, cqe)
	}
	if len(res) != 2 || res[1] != 5 || res[2] != 5 {
		t.Fatalf("write completions by user_data %v, want 1 and 2 with res 5", res)
	}

	// Read back into the swapped buffers: readv at offset 5, then read.
	preps := []func(*liburing.SQE){
		func(sqe *liburing.SQE) { liburing.PrepReadv(sqe, fd, vecOne.Ptr(), uint32(vecOne.Len()), 5) },
		func(sqe *liburing.SQE) {
			liburing.PrepRead(sqe, fd, pycPtr(base(vecTwo)), uint32(len(base(vecTwo))), 0)
		},
	}
	for i, prep := range preps {
		ud := uint64(i + 3)
		sqe := pycSQE(t, ring)
		prep(sqe)
		sqe.UserData = ud
		if n, err := liburing.Submit(ring); n != 1 || err != nil {
			t.Fatalf("Submit = %d, %v", n, err)
		}
		cqe, err := liburing.WaitCQE(ring)
		if err != nil || cqe.Res != 5 || cqe.UserData != ud {
			t.Fatalf("WaitCQE: %v, %v; want res 5, user_data %d", cqe, err, ud)
		}
		liburing.CQAdvance(ring, 1)
	}
	if string(one) != "world" || string(two) != "hello" {
		t.Errorf("buffers %q %q, want world hello", one, two)
	}
}

// pycRwfNowaitRead is _onwait_flag of file/file_test.py: it writes "hello
// world" to a new file at path and reads it back into two buffers with
// readv2(RWF_NOWAIT), peeking for the completion. It returns the error of
// trap_error(cqe.res), after checking the data when there is none.
func pycRwfNowaitRead(t *testing.T, ring *liburing.Ring, path string) error {
	t.Helper()
	fd := pycOpen(t, path, unix.O_RDWR|unix.O_CREAT|unix.O_NONBLOCK, 0o660)
	defer os.Remove(path)
	if _, err := unix.Write(fd, []byte("hello world")); err != nil {
		t.Fatal(err)
	}
	if err := unix.Fsync(fd); err != nil {
		t.Fatal(err)
	}
	a, b := make([]byte, 6), make([]byte, 5)
	vec, err := liburing.NewIovec([][]byte{a, b})
	if err != nil {
		t.Fatal(err)
	}
	defer vec.Close()
	sqe := pycSQE(t, ring)
	liburing.PrepReadv2(sqe, fd, vec.Ptr(), uint32(vec.Len()), 0, unix.RWF_NOWAIT)
	sqe.UserData = 1
	if n, err := liburing.Submit(ring); n != 1 || err != nil {
		t.Fatalf("Submit = %d, %v", n, err)
	}
	cqe := pycPeekLoop(t, ring)
	res, ud := cqe.Res, cqe.UserData
	liburing.CQESeen(ring, cqe)
	if ud != 1 {
		t.Fatalf("user_data %d", ud)
	}
	n, err := liburing.TrapError(res)
	if err != nil {
		return err
	}
	if n != 11 || string(a) != "hello " || string(b) != "world" {
		t.Errorf("readv2: %d bytes, %q %q", n, a, b)
	}
	return nil
}

// pycPeekLoop peeks until a CQE is ready (the Python tests loop on
// io_uring_peek_cqe), giving up after five seconds.
func pycPeekLoop(t *testing.T, ring *liburing.Ring) *liburing.CQE {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		cqe, err := liburing.PeekCQE(ring)
		if err == nil {
			return cqe
		}
		if !errors.Is(err, unix.EAGAIN) || time.Now().After(deadline) {
			t.Fatalf("PeekCQE: %v", err)
		}
		time.Sleep(time.Millisecond)
	}
}

// file/file_test.py: test_rwf_nowait_flag. Python works in the current
// directory, which must be on a disk file system; this test uses the
// temporary directory when it is not tmpfs, and skips that part otherwise.
// Python expects RWF_NOWAIT to fail on /dev/shm (tmpfs, EOPNOTSUPP: the VFS
// takes RWF_NOWAIT only for files with FMODE_NOWAIT, which tmpfs files lack
// up to 6.18 at least); a kernel that supports it there passes too, and the
// test logs which.
func TestPython_rwf_nowait_flag(t *testing.T) {
	ring := pycRing(t, 32, 0)
	dir := t.TempDir()
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		t.Fatal(err)
	}
	tmpfs := st.Type == unix.TMPFS_MAGIC
	if tmpfs {
		t.Logf("%s is tmpfs: skipping the disk part", dir)
	} else if err := pycRwfNowaitRead(t, ring, filepath.Join(dir, "test_rwf_nowait_flag.txt")); err != nil {
		t.Errorf("RWF_NOWAIT read on disk: %v", err)
	}

	// _onwait_flag_empty_file, with RWF_NOWAIT and without.
	for _, flag := range []int{unix.RWF_NOWAIT, 0} {
		path := filepath.Join(dir, "test_rwf_nowait_flag_empty_file.txt")
		fd := pycOpen(t, path, unix.O_RDWR|unix.O_CREAT|unix.O_NONBLOCK, 0o660)
		buf := make([]byte, 5)
		vec, err := liburing.NewIovec([][]byte{buf})
		if err != nil {
			t.Fatal(err)
		}
		sqe := pycSQE(t, ring)
		liburing.PrepReadv2(sqe, fd, vec.Ptr(), 1, 0, flag)
		sqe.UserData = 1
		if n, err := liburing.Submit(ring); n != 1 || err != nil {
			t.Fatalf("Submit = %d, %v", n, err)
		}
		cqe := pycPeekLoop(t, ring)
		switch {
		case cqe.Res == 0:
		case tmpfs && flag == unix.RWF_NOWAIT && cqe.Res == -int32(unix.EOPNOTSUPP):
			t.Logf("flag %#x: read of an empty file on tmpfs: EOPNOTSUPP, as on /dev/shm", flag)
		default:
			t.Errorf("flag %#x: read of an empty file res %d, want 0", flag, cqe.Res)
		}
		liburing.CQESeen(ring, cqe)
		if got, _ := vec.Bytes(0); !bytes.Equal(got, make([]byte, 5)) || !bytes.Equal(buf, make([]byte, 5)) {
			t.Errorf("flag %#x: buffer %q", flag, buf)
		}
		vec.Close()
		unix.Close(fd)
		os.Remove(path)
	}

	if _, err := os.Stat("/dev/shm"); err != nil {
		t.Logf("no /dev/shm: %v", err)
		return
	}
	shm := filepath.Join("/dev/shm", "liburing-go-rwf-nowait-"+filepath.Base(dir))
	switch err := pycRwfNowaitRead(t, ring, shm); {
	case err == nil:
		t.Log("this kernel supports RWF_NOWAIT reads on tmpfs (Python's test expects OSError)")
	case errors.Is(err, unix.EOPNOTSUPP), errors.Is(err, unix.EAGAIN):
		t.Logf("RWF_NOWAIT on tmpfs: %v (%s), as Python's test expects", err, liburing.PythonErrorClass(err))
	default:
		t.Errorf("RWF_NOWAIT on tmpfs: unexpected %v", err)
	}
}

// file/open_close_test.py: test_openat_close.
func TestPython_openat_close(t *testing.T) {
	ring := pycRing(t, 32, 0)
	dfd := pycTmpDirFd(t)
	sqe := pycSQE(t, ring)
	liburing.PrepOpenat(sqe, dfd, pycCString(t, "."), unix.O_TMPFILE|unix.O_WRONLY, 0o777)
	sqe.UserData = 123
	fd, err := liburing.TrapError(pycWaitRes(t, ring, 123))
	if err != nil {
		t.Fatalf("openat: %v", err)
	}
	sqe = pycSQE(t, ring)
	liburing.PrepClose(sqe, fd)
	sqe.UserData = 321
	pycWantRes(t, ring, 321, 0)
}

// file/open_close_test.py: test_openat2_close.
func TestPython_openat2_close(t *testing.T) {
	ring := pycRing(t, 32, 0)
	dfd := pycTmpDirFd(t)
	how, err := liburing.NewOpenHow(unix.O_TMPFILE|unix.O_WRONLY, 0o777, unix.RESOLVE_IN_ROOT)
	if err != nil {
		t.Fatal(err)
	}
	defer how.Close()
	sqe := pycSQE(t, ring)
	liburing.PrepOpenat2(sqe, dfd, pycCString(t, "."), how.Ptr())
	sqe.UserData = 123
	fd, err := liburing.TrapError(pycWaitRes(t, ring, 123))
	if err != nil {
		t.Fatalf("openat2: %v", err)
	}
	sqe = pycSQE(t, ring)
	liburing.PrepClose(sqe, fd)
	sqe.UserData = 321
	pycWantRes(t, ring, 321, 0)
}

// file/open_close_test.py: test_openat_close_direct.
func TestPython_openat_close_direct(t *testing.T) {
	ring := pycRing(t, 32, 0)
	dfd := pycTmpDirFd(t)
	if err := liburing.RegisterFiles(ring, []int32{0, 1, 2, 3}); err != nil {
		t.Fatal(err)
	}
	sqe := pycSQE(t, ring)
	liburing.PrepOpenatDirect(sqe, dfd, pycCString(t, "."), unix.O_TMPFILE|unix.O_WRONLY, 0o777, 0)
	sqe.UserData = 123
	pycWantRes(t, ring, 123, 0)
	sqe = pycSQE(t, ring)
	liburing.PrepCloseDirect(sqe, 0)
	sqe.UserData = 321
	pycWantRes(t, ring, 321, 0)
	if err := liburing.UnregisterFiles(ring); err != nil {
		t.Fatal(err)
	}
}

// file/open_close_test.py: test_openat2_close_direct.
func TestPython_openat2_close_direct(t *testing.T) {
	ring := pycRing(t, 32, 0)
	dfd := pycTmpDirFd(t)
	how, err := liburing.NewOpenHow(unix.O_TMPFILE|unix.O_WRONLY, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer how.Close()
	if err := liburing.RegisterFiles(ring, []int32{0, 1, 2, 3}); err != nil {
		t.Fatal(err)
	}
	sqe := pycSQE(t, ring)
	liburing.PrepOpenat2Direct(sqe, dfd, pycCString(t, "."), how.Ptr(), 3)
	sqe.UserData = 123
	pycWantRes(t, ring, 123, 0)
	sqe = pycSQE(t, ring)
	liburing.PrepCloseDirect(sqe, 3)
	sqe.UserData = 321
	pycWantRes(t, ring, 321, 0)
	if err := liburing.UnregisterFiles(ring); err != nil {
		t.Fatal(err)
	}
}

// file/open_close_test.py: test_openat2_close_direct_auto_file_index_alloc.
// Python's default file_index is IORING_FILE_INDEX_ALLOC; Go passes it.
func TestPython_openat2_close_direct_auto_file_index_alloc(t *testing.T) {
	ring := pycRing(t, 32, 0)
	dfd := pycTmpDirFd(t)
	how, err := liburing.NewOpenHow(unix.O_TMPFILE|unix.O_RDWR, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer how.Close()
	if err := liburing.RegisterFiles(ring, []int32{0, 1, 2, -1}); err != nil {
		t.Fatal(err)
	}
	sqe := pycSQE(t, ring)
	liburing.PrepOpenat2Direct(sqe, dfd, pycCString(t, "."), how.Ptr(), liburing.IORING_FILE_INDEX_ALLOC)
	sqe.UserData = 123
	pycWantRes(t, ring, 123, 3) // the free slot the kernel picked
	sqe = pycSQE(t, ring)
	liburing.PrepCloseDirect(sqe, 0)
	sqe.UserData = 321
	pycWantRes(t, ring, 321, 0)
	if err := liburing.UnregisterFiles(ring); err != nil {
		t.Fatal(err)
	}
}

// file/open_how_test.py: test_open_how. Python's repr is
// "open_how(flags=1, mode=2, resolve=3)"; Go's String uses the type name.
func TestPython_open_how(t *testing.T) {
	how, err := liburing.NewOpenHow(unix.O_RDWR, 0o777, liburing.RESOLVE_CACHED)
	if err != nil {
		t.Fatal(err)
	}
	defer how.Close()
	if p := how.Ptr(); p.Flags != unix.O_RDWR || p.Mode != 0o777 || p.Resolve != liburing.RESOLVE_CACHED {
		t.Errorf("fields %+v", *p)
	}
	empty, err := liburing.NewOpenHow(0, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer empty.Close()
	p := empty.Ptr()
	p.Flags, p.Mode, p.Resolve = unix.O_RDWR, 0o777, liburing.RESOLVE_CACHED
	if *p != *how.Ptr() {
		t.Errorf("after set: %+v", *p)
	}
	h123, err := liburing.NewOpenHow(1, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	defer h123.Close()
	if s := h123.String(); s != "OpenHow(flags=1, mode=2, resolve=3)" {
		t.Errorf("String() = %q", s)
	}
}

// statx_test.py: test_io_uring_prep_statx. Python compares float times
// (sec + nsec*1e-9); Go compares seconds and nanoseconds.
func TestPython_io_uring_prep_statx(t *testing.T) {
	pycSkipOlder(t, "5.6")
	ring := pycRing(t, 32, 0)
	cqes := pycCQEs(t, 1)
	path := filepath.Join(t.TempDir(), "statx_test.txt")
	if err := os.WriteFile(path, []byte("hello world"), 0o644); err != nil {
		t.Fatal(err)
	}
	st, err := liburing.NewStatx()
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sqe := pycSQE(t, ring)
	liburing.PrepStatx(sqe, unix.AT_FDCWD, pycCString(t, path), unix.AT_STATX_FORCE_SYNC,
		unix.STATX_BASIC_STATS|unix.STATX_BTIME, st.Ptr())
	sqe.UserData = 1
	pycSubmitAndWaitTimeout(t, ring, cqes, 1, nil)
	if c := cqes.At(0); c.Res != 0 || c.UserData != 1 {
		t.Fatalf("cqe %v", c)
	}
	cqes.Seen(ring)

	if st.IsLnk() || !st.IsReg() || st.IsDir() || st.IsChr() || st.IsBlk() || st.IsFIFO() || st.IsSock() {
		t.Errorf("type predicates wrong for mode %#o", st.Mode())
	}
	if st.Size() != 11 {
		t.Errorf("size %d", st.Size())
	}
	fi, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	ls := fi.Sys().(*syscall.Stat_t)
	atime := time.Unix(ls.Atim.Sec, ls.Atim.Nsec)
	if !st.Atime().Equal(atime) {
		t.Errorf("atime %v, lstat %v", st.Atime(), atime)
	}
	if st.Mask()&unix.STATX_BTIME == 0 {
		t.Logf("the file system of %s reports no btime", path)
	} else if !st.Btime().Equal(st.Atime()) {
		t.Errorf("btime %v != atime %v", st.Btime(), st.Atime())
	}
	if ctime := time.Unix(ls.Ctim.Sec, ls.Ctim.Nsec); !st.Ctime().Equal(ctime) {
		t.Errorf("ctime %v, lstat %v", st.Ctime(), ctime)
	}
	if !st.Mtime().Equal(fi.ModTime()) {
		t.Errorf("mtime %v, lstat %v", st.Mtime(), fi.ModTime())
	}
}

// os/splice_test.py: test_clone_file_using_splice.
func TestPython_clone_file_using_splice(t *testing.T) {
	pycSkipOlder(t, "5.7")
	ring := pycRing(t, 32, 0)
	cqes := pycCQEs(t, 2)
	data := []byte("hello world")
	flags := uint32(unix.SPLICE_F_MOVE | unix.SPLICE_F_MORE)
	ts, err := liburing.NewTimespecSeconds(3)
	if err != nil {
		t.Fatal(err)
	}
	defer ts.Close()
	dir := t.TempDir()
	fdIn := pycOpen(t, filepath.Join(dir, "splice-1.txt"), unix.O_RDWR|unix.O_CREAT, 0o660)
	if _, err := unix.Write(fdIn, data); err != nil {
		t.Fatal(err)
	}
	fdOut := pycOpen(t, filepath.Join(dir, "splice-2.txt"), unix.O_RDWR|unix.O_CREAT, 0o660)
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
		t.Fatal(err)
	}
	defer unix.Close(p[0])
	defer unix.Close(p[1])

	sqe := pycSQE(t, ring)
	liburing.PrepSplice(sqe, fdIn, 0, p[1], -1, uint32(len(data)), flags)
	sqe.UserData = 1
	sqe.Flags |= liburing.IOSQE_IO_LINK
	sqe = pycSQE(t, ring)
	liburing.PrepSplice(sqe, p[0], -1, fdOut, 0, uint32(len(data)), flags)
	sqe.UserData = 2
	pycSubmitAndWaitTimeout(t, ring, cqes, 2, ts.Ptr())
	for i := range 2 {
		if res, ud := cqes.GetIndex(i); res != int32(len(data)) || ud != uint64(i+1) {
			t.Errorf("cqe[%d] = res %d, user_data %d", i, res, ud)
		}
	}
	cqes.Seen(ring)
	got := make([]byte, len(data))
	if n, err := unix.Read(fdOut, got); err != nil || !bytes.Equal(got[:n], data) {
		t.Errorf("read %q, %v", got[:n], err)
	}
}

// pycUnlinkTest is the shared body of test_unlink and test_unlinkat: unlink a
// file (linked, async) and remove a directory in one submission.
func pycUnlinkTest(t *testing.T, prep func(sqe *liburing.SQE, path *byte, flags int)) {
	pycSkipOlder(t, "5.11")
	ring := pycRing(t, 32, 0)
	cqes := pycCQEs(t, 2)
	dir := t.TempDir()
	file, sub := filepath.Join(dir, "file.txt"), filepath.Join(dir, "directory")
	if err := os.WriteFile(file, []byte("test"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	sqe := pycSQE(t, ring)
	prep(sqe, pycCString(t, file), 0)
	sqe.Flags = liburing.IOSQE_IO_LINK | liburing.IOSQE_ASYNC
	sqe.UserData = 1
	sqe = pycSQE(t, ring)
	prep(sqe, pycCString(t, sub), unix.AT_REMOVEDIR)
	sqe.UserData = 2
	pycSubmitAndWaitTimeout(t, ring, cqes, 2, nil)
	for i := range 2 {
		c := cqes.At(i)
		if _, err := liburing.TrapError(c.Res); err != nil || c.UserData != uint64(i+1) {
			t.Errorf("cqe[%d]: %v, user_data %d", i, err, c.UserData)
		}
	}
	cqes.Seen(ring)
	for _, p := range []string{file, sub} {
		if _, err := os.Lstat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s still exists: %v", p, err)
		}
	}
}

// os/unlink_test.py: test_unlink.
func TestPython_unlink(t *testing.T) {
	pycUnlinkTest(t, liburing.PrepUnlink)
}

// os/unlink_test.py: test_unlinkat. Python's order is (path, flags, dfd)
// with dfd defaulting to AT_FDCWD; Go keeps C's (dfd, path, flags).
func TestPython_unlinkat(t *testing.T) {
	pycUnlinkTest(t, func(sqe *liburing.SQE, path *byte, flags int) {
		liburing.PrepUnlinkat(sqe, unix.AT_FDCWD, path, flags)
	})
}

// os/unlink_test.py: test_unlinkat_error. Python's TypeError for a str path
// cannot happen in Go: a path is a *byte.
func TestPython_unlinkat_error(t *testing.T) {
	pycSkipOlder(t, "5.11")
	ring := pycRing(t, 32, 0)
	dir := t.TempDir()
	file, sub := filepath.Join(dir, "file3.txt"), filepath.Join(dir, "directory3")
	if err := os.WriteFile(file, []byte("test3"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path  string
		flags int
		errno unix.Errno
		class string
	}{
		{file, unix.AT_REMOVEDIR, unix.ENOTDIR, "NotADirectoryError"},
		{sub, 0, unix.EISDIR, "IsADirectoryError"},
	}
	for _, tt := range tests {
		sqe := pycSQE(t, ring)
		liburing.PrepUnlinkat(sqe, unix.AT_FDCWD, pycCString(t, tt.path), tt.flags)
		sqe.UserData = 1
		_, err := liburing.TrapError(pycWaitRes(t, ring, 1))
		if !errors.Is(err, tt.errno) || liburing.PythonErrorClass(err) != tt.class {
			t.Errorf("unlinkat(%s, %#x) = %v (%s), want %v (%s)", tt.path, tt.flags, err,
				liburing.PythonErrorClass(err), tt.errno, tt.class)
		}
	}
	for _, p := range []string{file, sub} {
		if _, err := os.Lstat(p); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
}
