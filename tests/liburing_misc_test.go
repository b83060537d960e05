//go:build linux && cgo

package tests

// liburing 2.6 test/ programs named after the kernel commits they guard
// (the regression area).

import (
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	lu "github.com/liburing-go/liburing"
	"golang.org/x/sys/unix"
)

// TestLiburing_8a9973408177 covers test/8a9973408177.c: registering and
// unregistering a file table leaves the ring working: an fsync completes
// with 0.
func TestLiburing_8a9973408177(t *testing.T) {
	dir := t.TempDir()
	ring := ltRing(t, 8, 0)
	fd := ltOpen(t, filepath.Join(dir, "a"), unix.O_RDWR|unix.O_CREAT, 0o600)
	if err := lu.RegisterFiles(ring, []int32{int32(fd)}); err != nil {
		t.Fatal(err)
	}
	if err := lu.UnregisterFiles(ring); err != nil {
		t.Fatal(err)
	}
	fd2 := ltOpen(t, filepath.Join(dir, "b"), unix.O_RDWR|unix.O_CREAT, 0o600)
	sqe := ltSQE(t, ring)
	lu.PrepFsync(sqe, fd2, 0)
	lu.SQESetData64(sqe, 1)
	ltExpect(t, ltRun(t, ring), 1, 0)
}

// TestLiburing_ce593a6c480a covers test/ce593a6c480a.c: task work runs while
// the submitting thread is blocked in a read(2) of the eventfd registered
// with the ring: a poll on another eventfd, triggered by another thread
// 20 ms later (the C test: 1 s), completes and signals the blocked read.
func TestLiburing_ce593a6c480a(t *testing.T) {
	ltLockThread(t) // submit and block on the same thread, as in C
	loopFd, otherFd := ltEventfd(t, 0), ltEventfd(t, 0)
	ring := ltRingParams(t, 8, &lu.Params{})
	if err := lu.RegisterEventfd(ring, loopFd); err != nil {
		t.Fatal(err)
	}
	sqe := ltSQE(t, ring)
	lu.PrepPollAdd(sqe, otherFd, unix.POLLIN)
	lu.SQESetData64(sqe, 1)
	ltSubmit(t, ring, 1)
	go func() {
		time.Sleep(20 * time.Millisecond)
		unix.Write(otherFd, []byte{0, 0, 0, 0, 0, 0, 1, 0})
	}()
	// Block in read(2) on the submitting thread; a watchdog unblocks it
	// (and fails the test) should the task work never run.
	var stuck atomic.Bool
	watchdog := time.AfterFunc(ltWaitLimit, func() {
		stuck.Store(true)
		unix.Write(loopFd, []byte{1, 0, 0, 0, 0, 0, 0, 0})
	})
	buf := make([]byte, 8)
	n, err := unix.Read(loopFd, buf)
	for err == unix.EINTR {
		n, err = unix.Read(loopFd, buf)
	}
	watchdog.Stop()
	if n != 8 || stuck.Load() {
		t.Fatalf("read of the ring's eventfd: %d, %v (stuck %v)", n, err, stuck.Load())
	}
	if c := ltWait(t, ring); c.UserData != 1 || c.Res < 0 {
		t.Fatalf("poll: %v", c)
	}
}

// TestLiburing_eeed8b54e0df covers test/eeed8b54e0df.c: a readv with
// RWF_NOWAIT of a file whose page is not cached returns EAGAIN (or, if the
// kernel retried it internally, the 4096 bytes), never another error.
func TestLiburing_eeed8b54e0df(t *testing.T) {
	path := ltTempFile(t, 4096)
	fd := ltOpen(t, path, unix.O_RDWR, 0)
	unix.Fsync(fd)
	if err := unix.Fadvise(fd, 0, 4096, unix.FADV_DONTNEED); err != nil {
		t.Fatal(err)
	}
	iov := ltIovecs(t, 4096)
	ring := ltRing(t, 2, 0)
	lu.PrepReadv2(ltSQE(t, ring), fd, iov.Ptr(), 1, 0, unix.RWF_NOWAIT)
	c := ltRun(t, ring)
	switch c.Res {
	case ltErrno(unix.EAGAIN), 4096:
	case ltErrno(unix.EOPNOTSUPP):
		// The VFS takes RWF_NOWAIT only for files with FMODE_NOWAIT; the
		// C test skips too.
		if ltOnTmpfs(t, path) {
			t.Skipf("%s is on tmpfs, whose files do not take RWF_NOWAIT (EOPNOTSUPP)", filepath.Dir(path))
		}
		t.Skipf("the file system of %s does not take RWF_NOWAIT (EOPNOTSUPP)", filepath.Dir(path))
	default:
		t.Fatalf("RWF_NOWAIT readv of an uncached page: %s, want EAGAIN or 4096", ltResName(c.Res))
	}
}
