//go:build linux && cgo

package tests

// liburing 2.6 test/ programs of the SQPOLL area.

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unsafe"

	lu "github.com/liburing-go/liburing"
	"golang.org/x/sys/unix"
)

// sqpollRing sets up an SQPOLL ring with the given idle time in ms,
// skipping when SQPOLL is not allowed.
func sqpollRing(t *testing.T, entries uint32, idleMs uint32, extra uint32) (*lu.Ring, *lu.Params) {
	t.Helper()
	p := &lu.Params{Flags: lu.IORING_SETUP_SQPOLL | extra, SQThreadIdle: idleMs}
	return ltRingParams(t, entries, p), p
}

// sqDirectFile creates a file of size bytes (ltPattern) and opens it with
// O_DIRECT, skipping when the file system refuses.
func sqDirectFile(t *testing.T, size int) int {
	t.Helper()
	path := ltTempFile(t, size)
	fd := ltOpenDirect(t, path, unix.O_RDONLY)
	return fd
}

// sqAligned returns n page-aligned bytes outside the Go heap.
func sqAligned(t *testing.T, n int) []byte {
	t.Helper()
	m, err := unix.Mmap(-1, 0, n, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Munmap(m) })
	return m
}

// TestLiburing_d4ae271dfaae covers test/d4ae271dfaae.c: O_DIRECT readvs of a
// registered file submitted one by one, 1 ms apart, to an SQPOLL ring all
// read 4096 bytes (the SQ thread clears its error state when busy).
func TestLiburing_d4ae271dfaae(t *testing.T) {
	fd := sqDirectFile(t, 128*1024)
	buf := sqAligned(t, 10*4096)
	iovs := unsafe.Slice(ltCNew[[10]unix.Iovec](t), 1)[0][:]
	for i := range iovs {
		iovs[i].Base = &buf[i*4096]
		iovs[i].SetLen(4096)
	}
	ring, _ := sqpollRing(t, 16, 0, 0)
	if err := lu.RegisterFiles(ring, []int32{int32(fd)}); err != nil {
		t.Fatal(err)
	}
	for i := range iovs {
		sqe := ltSQE(t, ring)
		lu.PrepReadv(sqe, 0, &iovs[i], 1, 0)
		lu.SQESetFlags(sqe, lu.IOSQE_FIXED_FILE)
		lu.SQESetData64(sqe, uint64(i))
		ltSubmit(t, ring, -1) // counts SQEs the SQ thread has not taken yet too
		time.Sleep(time.Millisecond)
	}
	for range iovs {
		if c := ltWait(t, ring); c.Res != 4096 {
			t.Fatalf("O_DIRECT readv: %v, want 4096", c)
		}
	}
	for i := range iovs {
		if !bytes.Equal(buf[i*4096:(i+1)*4096], ltPattern(4096, 0)) {
			t.Fatalf("buffer %d does not hold the file's first page", i)
		}
	}
}

// TestLiburing_d77a67ed5f27 covers test/d77a67ed5f27.c: a NOP submitted
// (with io_uring_submit_and_wait) after the SQPOLL thread went idle wakes
// it and completes promptly with its user data pointer.
func TestLiburing_d77a67ed5f27(t *testing.T) {
	ring, _ := sqpollRing(t, 4, 10, 0)
	time.Sleep(30 * time.Millisecond) // the SQ thread sleeps now
	data := ltCBuf(t, 1)
	sqe := ltSQE(t, ring)
	lu.PrepNop(sqe)
	lu.SQESetData(sqe, ltPtr(data))
	ltWithin(t, time.Second, "SubmitAndWait after the SQ thread idled", func() {
		if n, err := lu.SubmitAndWait(ring, 1); n != 1 || err != nil {
			t.Errorf("SubmitAndWait = %d, %v", n, err)
		}
	})
	cqe, err := lu.WaitCQE(ring) // the C test peeks; a signal may have cut the wait
	for errors.Is(err, unix.EINTR) {
		cqe, err = lu.WaitCQE(ring)
	}
	if err != nil {
		t.Fatalf("WaitCQE: %v", err)
	}
	if lu.CQEGetData(cqe) != ltPtr(data) {
		t.Errorf("CQEGetData = %p, want %p", lu.CQEGetData(cqe), ltPtr(data))
	}
	lu.CQESeen(ring, cqe)
}

// TestLiburing_empty_eownerdead covers test/empty-eownerdead.c: entering an
// SQPOLL ring with nothing to submit or wait for succeeds (no EOWNERDEAD).
func TestLiburing_empty_eownerdead(t *testing.T) {
	ring, _ := sqpollRing(t, 1, 100, 0)
	if n, err := lu.Enter(uint32(ring.Fd()), 0, 0, 0, nil); err != nil {
		t.Fatalf("io_uring_enter with nothing to do = %d, %v", n, err)
	}
}

// sqRead queues n reads of 4096 bytes (offsets 0, 4096, ...) on ring and
// submits them; it returns how many were queued.
func sqRead(t *testing.T, ring *lu.Ring, fd int, buf []byte, n int) int {
	t.Helper()
	i := 0
	for ; i < n; i++ {
		sqe := lu.GetSQE(ring)
		if sqe == nil {
			break
		}
		lu.PrepRead(sqe, fd, ltPtr(buf[i*4096:]), 4096, uint64(i*4096))
	}
	if _, err := lu.Submit(ring); err != nil {
		t.Fatalf("Submit: %v", err)
	}
	return i
}

// sqWaitReads waits for n reads of 4096 bytes.
func sqWaitReads(t *testing.T, ring *lu.Ring, n int) {
	t.Helper()
	for range n {
		if c := ltWait(t, ring); c.Res != 4096 {
			t.Fatalf("read: %v, want 4096", c)
		}
	}
}

// sqSharedRings sets up nr SQPOLL rings sharing the first one's SQ thread
// (IORING_SETUP_ATTACH_WQ).
func sqSharedRings(t *testing.T, nr int, entries uint32, idleMs uint32) []*lu.Ring {
	t.Helper()
	rings := make([]*lu.Ring, nr)
	for i := range rings {
		p := lu.Params{Flags: lu.IORING_SETUP_SQPOLL, SQThreadIdle: idleMs}
		if i > 0 {
			p.Flags |= lu.IORING_SETUP_ATTACH_WQ
			p.WqFd = uint32(rings[0].Fd())
		}
		rings[i] = ltRingParams(t, entries, &p)
		ltRequireFeature(t, rings[i], lu.IORING_FEAT_SQPOLL_NONFIXED, "IORING_FEAT_SQPOLL_NONFIXED")
	}
	// fdinfo shows the creating thread until the SQ thread has started and
	// noted itself: let it run a NOP for every ring first.
	for _, r := range rings {
		ltNop(t, r, 7, 0)
		ltExpect(t, ltRun(t, r), 7, 0)
	}
	first := sqThread(t, rings[0])
	for i, r := range rings[1:] {
		if tid := sqThread(t, r); tid != first {
			t.Errorf("ring %d runs on SQ thread %q, the first one on %q", i+1, tid, first)
		}
	}
	return rings
}

// sqThread is the SqThread line of the ring's /proc fdinfo: the SQ
// thread's pid ("" if the kernel does not show it). The kernel only
// try-locks for it and shows -1 when a lock is busy, and 6.1 takes the SQ
// thread's own lock, which that thread holds all the time it runs, idle
// spin included (sq_thread_idle, a second by default): so it reads again,
// up to ltWaitLimit, while the line says -1.
func sqThread(t *testing.T, ring *lu.Ring) string {
	t.Helper()
	deadline := time.Now().Add(ltWaitLimit)
	for {
		b, err := os.ReadFile("/proc/self/fdinfo/" + strconv.Itoa(ring.Fd()))
		if err != nil {
			t.Fatal(err)
		}
		v := ""
		for _, line := range strings.Split(string(b), "\n") {
			if s, ok := strings.CutPrefix(line, "SqThread:"); ok {
				v = strings.TrimSpace(s)
			}
		}
		if v != "-1" || time.Now().After(deadline) {
			return v
		}
		time.Sleep(time.Millisecond)
	}
}

// sqRounds runs rounds of 64 reads on each of rings, all queued before
// any is reaped.
func sqRounds(t *testing.T, rings []*lu.Ring, fd int, bufs [][]byte, rounds int) {
	t.Helper()
	for range rounds {
		n := make([]int, len(rings))
		for i, r := range rings {
			n[i] = sqRead(t, r, fd, bufs[i], 64)
		}
		for i, r := range rings {
			sqWaitReads(t, r, n[i])
		}
	}
}

// TestLiburing_sq_poll_dup covers test/sq-poll-dup.c: four SQPOLL rings
// sharing one SQ thread keep working when the first ring's original fd is
// closed, and the first ring too (after the thread idles). The C test dups
// the fd and patches struct io_uring; here the ring keeps its registered
// fd (io_uring_register_ring_fd + io_uring_close_ring_fd), the supported
// way to drop the plain fd, which needs IORING_FEAT_REG_REG_RING (Linux
// 6.3). The C test's file is 128 MiB; here 256 KiB.
func TestLiburing_sq_poll_dup(t *testing.T) {
	fd := sqDirectFile(t, 64*4096)
	for _, closeFd := range []bool{false, true} {
		t.Run(map[bool]string{false: "keep_fd", true: "close_fd"}[closeFd], func(t *testing.T) {
			ltLockThread(t) // registered ring fds belong to the thread
			rings := sqSharedRings(t, 4, 64, 10)
			bufs := make([][]byte, len(rings))
			for i := range bufs {
				bufs[i] = sqAligned(t, 64*4096)
			}
			sqRounds(t, rings, fd, bufs, 1)
			if closeFd {
				ltRequireFeature(t, rings[0], lu.IORING_FEAT_REG_REG_RING, "IORING_FEAT_REG_REG_RING (Linux 6.3): io_uring_close_ring_fd needs it")
				if _, err := lu.RegisterRingFd(rings[0]); err != nil {
					t.Fatalf("RegisterRingFd: %v", err)
				}
				if n, err := lu.CloseRingFd(rings[0]); n != 1 || err != nil {
					t.Fatalf("CloseRingFd = %d, %v", n, err)
				}
			}
			sqRounds(t, rings[1:], fd, bufs[1:], 1)
			sqRounds(t, rings[:1], fd, bufs[:1], 1)
			time.Sleep(20 * time.Millisecond) // the SQ thread idles: entering wakes it
			sqRounds(t, rings[:1], fd, bufs[:1], 1)
		})
	}
}

// TestLiburing_sq_poll_share covers test/sq-poll-share.c: four SQPOLL rings
// attached to one SQ thread run O_DIRECT reads side by side, every read
// complete (1 MiB file; the C test reads 128 MiB).
func TestLiburing_sq_poll_share(t *testing.T) {
	const size = 1 << 20
	fd := sqDirectFile(t, size)
	rings := sqSharedRings(t, 4, 64, 0)
	bufs := make([][]byte, len(rings))
	for i := range bufs {
		bufs[i] = sqAligned(t, 64*4096)
	}
	sqRounds(t, rings, fd, bufs, size/4096/64)
	for i := range bufs {
		if !bytes.Equal(bufs[i], ltPattern(64*4096, 0)) {
			t.Errorf("ring %d read other data", i)
		}
	}
}

// TestLiburing_sqpoll_exit_hang covers test/sqpoll-exit-hang.c: a process
// whose SQPOLL ring polls its own fd exits without hanging (child process).
func TestLiburing_sqpoll_exit_hang(t *testing.T) {
	if ltChildRole() == "sqpoll-exit-hang" {
		var ring lu.Ring
		p := lu.Params{Flags: lu.IORING_SETUP_SQPOLL, SQThreadIdle: 10}
		if err := lu.QueueInitParams(1, &ring, &p); err != nil {
			ltChildExit(0, "") // SQPOLL not allowed: the C test skips
		}
		lu.PrepPollAdd(lu.GetSQE(&ring), ring.Fd(), unix.POLLIN)
		lu.Submit(&ring)
		time.Sleep(20 * time.Millisecond)
		ltChildExit(0, "")
	}
	ltExitChild(t, "sqpoll-exit-hang")
}

// TestLiburing_sq_poll_kthread covers test/sq-poll-kthread.c (a "maybe"
// test: it forks): the SQPOLL thread (2 s idle time) of a process that
// wrote through it is gone once the process exits, whether it exited its
// ring or not. Current kernels run it as the process's iou-sqp-<pid>
// thread; old ones as an io_uring-sq kernel thread.
func TestLiburing_sq_poll_kthread(t *testing.T) {
	if role := ltChildRole(); strings.HasPrefix(role, "sq-poll-kthread") {
		sqPollKthreadChild(role == "sq-poll-kthread-exit")
	}
	for _, role := range []string{"sq-poll-kthread-exit", "sq-poll-kthread-noexit"} {
		cmd := ltChild(t, role)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		pid := cmd.Process.Pid
		if err := cmd.Wait(); err != nil {
			t.Fatalf("%s child: %v", role, err)
		}
		if _, err := os.Stat("/proc/" + strconv.Itoa(pid)); err == nil {
			t.Errorf("%s: process %d still there after exit", role, pid)
		}
		dirs, _ := filepath.Glob("/proc/[0-9]*/comm")
		for _, d := range dirs {
			b, _ := os.ReadFile(d)
			name := strings.TrimSpace(string(b))
			if name == "iou-sqp-"+strconv.Itoa(pid) || strings.HasPrefix(name, "io_uring-sq") {
				t.Errorf("%s: SQ thread %q (%s) survived its process", role, name, d)
			}
		}
	}
}

func sqPollKthreadChild(exit bool) {
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
		ltChildExit(1, "pipe: %v", err)
	}
	var ring lu.Ring
	params := lu.Params{Flags: lu.IORING_SETUP_SQPOLL, SQThreadIdle: 2000}
	if err := lu.QueueInitParams(16, &ring, &params); err != nil {
		ltChildExit(1, "QueueInitParams: %v", err)
	}
	if err := lu.RegisterFiles(&ring, []int32{int32(p[1])}); err != nil {
		ltChildExit(1, "RegisterFiles: %v", err)
	}
	iov, _ := lu.NewIovecSizes(128)
	sqe := lu.GetSQE(&ring)
	lu.PrepWritev(sqe, 0, iov.Ptr(), 1, 0)
	lu.SQESetFlags(sqe, lu.IOSQE_FIXED_FILE)
	lu.Submit(&ring)
	if c, err := ltWaitErr(&ring, ltWaitLimit); err != nil || c.Res != 128 {
		ltChildExit(1, "writev through SQPOLL: %v %v", c, err)
	}
	if exit {
		lu.QueueExit(&ring)
	}
	ltChildExit(0, "")
}
