//go:build linux && cgo

package tests

// liburing 2.6 test/ programs marked "maybe" because they fork: here the
// second process is the test binary re-executed (ltChild). Where the C test
// shares one ring between parent and child, the child gets the ring's fd
// and the io_uring_params, maps the same rings with io_uring_queue_mmap
// and reaps through liburing; SQEs are published straight into the shared
// SQ ring at the kernel's tail (procSQ), because liburing keeps its SQ
// bookkeeping in each process's own struct io_uring, which C's fork copies
// and an exec cannot.

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
	"unsafe"

	lu "github.com/liburing-go/liburing"
	"golang.org/x/sys/unix"
)

const procParamsEnv = "LT_RING_PARAMS"

// procEncodeParams turns p into an environment variable for a child.
func procEncodeParams(p *lu.Params) string {
	b := unsafe.Slice((*byte)(unsafe.Pointer(p)), unsafe.Sizeof(*p))
	return procParamsEnv + "=" + hex.EncodeToString(b)
}

// procDecodeParams reads the parent's params in a child.
func procDecodeParams() (lu.Params, error) {
	var p lu.Params
	b, err := hex.DecodeString(os.Getenv(procParamsEnv))
	if err != nil || len(b) != int(unsafe.Sizeof(p)) {
		return p, fmt.Errorf("bad %s: %v", procParamsEnv, err)
	}
	copy(unsafe.Slice((*byte)(unsafe.Pointer(&p)), len(b)), b)
	return p, nil
}

// procSQ publishes SQEs directly into a ring's mapped SQ ring.
type procSQ struct {
	fd    int
	ring  []byte
	sqeM  []byte
	tail  *uint32
	mask  uint32
	array []uint32
	sqes  []lu.SQE
}

// procMapSQ maps the SQ ring and SQE array of the io_uring fd described
// by p.
func procMapSQ(fd int, p *lu.Params) (*procSQ, error) {
	if p.Flags&(lu.IORING_SETUP_NO_SQARRAY|lu.IORING_SETUP_SQE128) != 0 {
		return nil, errors.New("procSQ needs an SQ array and 64-byte SQEs")
	}
	ring, err := unix.Mmap(fd, lu.IORING_OFF_SQ_RING, int(p.SQOff.Array+p.SQEntries*4),
		unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED|unix.MAP_POPULATE)
	if err != nil {
		return nil, err
	}
	sqeM, err := unix.Mmap(fd, lu.IORING_OFF_SQES, int(p.SQEntries)*int(unsafe.Sizeof(lu.SQE{})),
		unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED|unix.MAP_POPULATE)
	if err != nil {
		unix.Munmap(ring)
		return nil, err
	}
	return &procSQ{
		fd:    fd,
		ring:  ring,
		sqeM:  sqeM,
		tail:  (*uint32)(unsafe.Pointer(&ring[p.SQOff.Tail])),
		mask:  *(*uint32)(unsafe.Pointer(&ring[p.SQOff.RingMask])),
		array: unsafe.Slice((*uint32)(unsafe.Pointer(&ring[p.SQOff.Array])), p.SQEntries),
		sqes:  unsafe.Slice((*lu.SQE)(unsafe.Pointer(&sqeM[0])), p.SQEntries),
	}, nil
}

func (s *procSQ) unmap() {
	unix.Munmap(s.ring)
	unix.Munmap(s.sqeM)
}

// submit writes one SQE per prep at the SQ tail, publishes them with a
// release store of the tail and enters the kernel, waiting for wait
// completions. The caller must be the ring's only submitter meanwhile.
func (s *procSQ) submit(enterFlags, wait uint32, preps ...func(*lu.SQE)) (int, error) {
	tail := atomic.LoadUint32(s.tail)
	for i, prep := range preps {
		idx := (tail + uint32(i)) & s.mask
		s.sqes[idx] = lu.SQE{}
		prep(&s.sqes[idx])
		s.array[idx] = idx
	}
	atomic.StoreUint32(s.tail, tail+uint32(len(preps)))
	if wait > 0 {
		enterFlags |= lu.IORING_ENTER_GETEVENTS
	}
	return lu.Enter(uint32(s.fd), uint32(len(preps)), wait, enterFlags, nil)
}

// procShared is a ring set up with io_uring_setup and mapped with
// io_uring_queue_mmap, whose fd and params a child can share.
type procShared struct {
	ring *lu.Ring
	p    lu.Params
	sq   *procSQ
}

func procSetup(t *testing.T, entries, flags uint32) *procShared {
	t.Helper()
	s := &procShared{ring: new(lu.Ring), p: lu.Params{Flags: flags}}
	fd, err := lu.Setup(entries, &s.p)
	if err != nil {
		ltSkipSetup(t, flags, err)
		t.Fatalf("Setup: %v", err)
	}
	if err := lu.QueueMmap(fd, &s.p, s.ring); err != nil {
		unix.Close(fd)
		t.Fatalf("QueueMmap: %v", err)
	}
	t.Cleanup(func() { lu.QueueExit(s.ring) })
	if s.sq, err = procMapSQ(fd, &s.p); err != nil {
		t.Fatalf("mapping the SQ ring: %v", err)
	}
	t.Cleanup(s.sq.unmap)
	return s
}

// child prepares a child process that gets the ring's fd as fd 3 (and the
// extra files after it) and the params in its environment.
func (s *procShared) child(t *testing.T, role string, extra ...*os.File) *exec.Cmd {
	t.Helper()
	dup, err := unix.Dup(s.ring.Fd())
	if err != nil {
		t.Fatal(err)
	}
	f := os.NewFile(uintptr(dup), "io_uring")
	t.Cleanup(func() { f.Close() })
	cmd := ltChild(t, role, append([]*os.File{f}, extra...)...)
	cmd.Env = append(cmd.Env, procEncodeParams(&s.p))
	return cmd
}

// procChildRing maps the shared ring in a child (fd 3).
func procChildRing() (*lu.Ring, *procSQ) {
	p, err := procDecodeParams()
	if err != nil {
		ltChildExit(1, "%v", err)
	}
	sq, err := procMapSQ(3, &p)
	if err != nil {
		ltChildExit(1, "mapping the SQ ring: %v", err)
	}
	ring := new(lu.Ring)
	if err := lu.QueueMmap(3, &p, ring); err != nil {
		ltChildExit(1, "QueueMmap: %v", err)
	}
	return ring, sq
}

// procIovecs holds the C memory of procWritev's writes; the parent frees it
// when its test ends (procFreeIovecs), a child simply exits.
var procIovecs []*lu.Iovec

// procFreeIovecs frees what procWritev allocated, once its writes are done.
func procFreeIovecs() {
	for _, v := range procIovecs {
		v.Close()
	}
	procIovecs = nil
}

// procWritev returns a prep of a writev of s to fd from C memory.
func procWritev(fd int, s string) func(*lu.SQE) {
	v, _ := lu.NewIovecSizes(len(s))
	procIovecs = append(procIovecs, v)
	b, _ := v.Bytes(0)
	copy(b, s)
	return func(sqe *lu.SQE) { lu.PrepWritev(sqe, fd, v.Ptr(), 1, 0) }
}

// procReap waits for n completions with res >= 0 (in a child).
func procReap(ring *lu.Ring, n int, what string) {
	for i := range n {
		c, err := ltWaitErr(ring, ltWaitLimit)
		if err != nil || c.Res < 0 {
			ltChildExit(1, "%s: completion %d: %v %v", what, i, c, err)
		}
	}
}

// TestLiburing_across_fork covers test/across-fork.c: one ring used by two
// processes: the child reaps the completions of writes the parent
// submitted (one before the child existed), then submits writes of its own
// (to its file and to a shared one), which the parent reaps after the
// child exited; the parent can still submit afterwards. Each write uses the
// submitter's file table; the files end up with exactly the expected
// lines.
func TestLiburing_across_fork(t *testing.T) {
	if ltChildRole() == "across-fork" {
		acrossForkChild()
	}
	dir := t.TempDir()
	open := func(name string) int {
		return ltOpen(t, filepath.Join(dir, name), unix.O_RDWR|unix.O_CREAT|unix.O_APPEND, 0o600)
	}
	s := procSetup(t, 10, 0)
	t.Cleanup(procFreeIovecs) // every write has completed when the test ends
	shared := open("shared")
	const before = "before fork: write shared fd\n"
	if _, err := s.sq.submit(0, 0, procWritev(shared, before)); err != nil {
		t.Fatal(err)
	}
	// The child reaps this write's completion. The write itself may run
	// in an io-wq worker that a loaded machine schedules late, after the
	// parent's next write to the same file: wait until it is in the file
	// (without reaping it), as the C test's fork and barrier do by time.
	ltEventually(t, "the write before the fork lands", func() bool {
		var st unix.Stat_t
		if err := unix.Fstat(shared, &st); err != nil {
			t.Fatal(err)
		}
		return st.Size == int64(len(before))
	})
	p1, p2 := open("parent1"), open("parent2")
	readyR, readyW, _ := os.Pipe()
	goR, goW, _ := os.Pipe()
	defer readyR.Close()
	defer goW.Close()
	sharedDup, err := unix.Dup(shared)
	if err != nil {
		t.Fatal(err)
	}
	sharedF := os.NewFile(uintptr(sharedDup), "shared")
	defer sharedF.Close()
	cmd := s.child(t, "across-fork", sharedF, readyW, goR)
	cmd.Env = append(cmd.Env, "LT_DIR="+dir)
	var output bytes.Buffer
	cmd.Stdout, cmd.Stderr = &output, &output
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	out := make(chan error, 1)
	go func() {
		err := cmd.Wait()
		if err != nil {
			err = fmt.Errorf("%v: %s", err, output.Bytes())
		}
		out <- err
	}()
	readyW.Close()
	goR.Close()
	if _, err := readyR.Read(make([]byte, 1)); err != nil {
		t.Fatalf("child did not start: %v / %v", err, <-out)
	}
	for _, w := range []struct {
		fd int
		s  string
	}{{shared, "parent: write shared fd\n"}, {p1, "parent: write parent fd 1\n"}, {p2, "parent: write parent fd 2\n"}} {
		if _, err := s.sq.submit(0, 0, procWritev(w.fd, w.s)); err != nil {
			t.Fatal(err)
		}
	}
	goW.Write([]byte{1})
	if err := <-out; err != nil {
		t.Fatalf("child: %v", err)
	}
	for range 2 { // the child's writes
		if c := ltWait(t, s.ring); c.Res <= 0 {
			t.Fatalf("child's write: %v", c)
		}
	}
	if _, err := s.sq.submit(0, 0, procWritev(shared, "parent: write shared fd after child exit\n")); err != nil {
		t.Fatal(err)
	}
	if c := ltWait(t, s.ring); c.Res <= 0 {
		t.Fatalf("write after the child exited: %v", c)
	}
	for name, want := range map[string]string{
		"shared": before + "parent: write shared fd\nchild: write shared fd\n" +
			"parent: write shared fd after child exit\n",
		"parent1": "parent: write parent fd 1\n",
		"parent2": "parent: write parent fd 2\n",
		"child":   "child: write child fd\n",
	} {
		if got, _ := os.ReadFile(filepath.Join(dir, name)); string(got) != want {
			t.Errorf("%s holds %q, want %q", name, got, want)
		}
	}
}

func acrossForkChild() {
	ring, sq := procChildRing()
	childFd, err := unix.Open(filepath.Join(os.Getenv("LT_DIR"), "child"), unix.O_RDWR|unix.O_CREAT|unix.O_APPEND, 0o600)
	if err != nil {
		ltChildExit(1, "open: %v", err)
	}
	unix.Write(5, []byte{1}) // ready
	if n, _ := unix.Read(6, make([]byte, 1)); n != 1 {
		ltChildExit(1, "no go from the parent")
	}
	procReap(ring, 4, "parent's writes") // before fork + 3
	if _, err := sq.submit(0, 0, procWritev(childFd, "child: write child fd\n")); err != nil {
		ltChildExit(1, "submit: %v", err)
	}
	if _, err := sq.submit(0, 2, procWritev(4, "child: write shared fd\n")); err != nil {
		ltChildExit(1, "submit: %v", err)
	}
	// A signal ends the enter's wait early once it submitted; exiting with
	// the writes in flight would cancel them. Wait for both completions,
	// leaving them for the parent to reap (one WaitCQENr can return with
	// one of them: see ltWaitReady).
	for lu.CQReady(ring) < 2 {
		if _, err := lu.WaitCQENr(ring, 2); err != nil {
			ltChildExit(1, "waiting for the child's writes: %v", err)
		}
	}
	ltChildExit(0, "")
}

// TestLiburing_coredump covers test/coredump.c: a process that crashes with
// a request pending on io-wq (an async pipe read) dies, dumping core,
// instead of hanging. The child is a Go program, so it crashes with
// GOTRACEBACK=crash (SIGABRT after the panic) in a temporary folder with
// a small core size limit.
func TestLiburing_coredump(t *testing.T) {
	if ltChildRole() == "coredump" {
		coredumpChild()
	}
	cmd := ltChild(t, "coredump")
	cmd.Dir = t.TempDir() // core files land here (core_pattern "core")
	cmd.Env = append(cmd.Env, "GOTRACEBACK=crash")
	start := time.Now()
	err := cmd.Run()
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("crashing child took %v to die", d)
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("child did not crash: %v", err)
	}
	ws := ee.Sys().(syscall.WaitStatus)
	if !ws.Signaled() || (ws.Signal() != syscall.SIGABRT && ws.Signal() != syscall.SIGSEGV) {
		t.Errorf("child ended with %v, want death by SIGABRT or SIGSEGV", ws)
	}
}

func coredumpChild() {
	lim := unix.Rlimit{Cur: 1 << 20, Max: 1 << 20}
	unix.Setrlimit(unix.RLIMIT_CORE, &lim) // dump, but keep it small
	var p [2]int
	unix.Pipe(p[:])
	var ring lu.Ring
	if err := lu.QueueInit(8, &ring, 0); err != nil {
		ltChildExit(0, "") // nothing to test
	}
	buf, _ := lu.AllocBuffer(1)
	sqe := lu.GetSQE(&ring)
	lu.PrepRead(sqe, p[0], ltPtr(buf), 1, 0)
	lu.SQESetFlags(sqe, lu.IOSQE_ASYNC)
	lu.SQESetData64(sqe, 1)
	lu.Submit(&ring)
	time.Sleep(5 * time.Millisecond)
	debug.SetTraceback("crash")
	var ptr *int
	*ptr = 0 // the NULL dereference of the C test
	ltChildExit(1, "still alive")
}

// procTrySubmit submits a NOP (user_data 42) through the raw SQ, waits for
// it, and reaps it; the enter's error is returned (EEXIST for a task that
// may not submit).
func procTrySubmit(ring *lu.Ring, sq *procSQ, enterFlags uint32) error {
	if _, err := sq.submit(enterFlags, 1, func(sqe *lu.SQE) {
		lu.PrepNop(sqe)
		lu.SQESetData64(sqe, 42)
	}); err != nil {
		return err
	}
	c, err := ltWaitErr(ring, ltWaitLimit)
	if err != nil || c.Res != 0 || c.UserData != 42 {
		return fmt.Errorf("nop completion %v %v", c, err)
	}
	return nil
}

// TestLiburing_single_issuer covers test/single-issuer.c: on an
// IORING_SETUP_SINGLE_ISSUER ring the creator submits and another process
// gets EEXIST; with R_DISABLED the first task to enable it becomes the
// submitter (another process), and after the parent enabled it another
// process gets EEXIST; with SQPOLL anyone may submit.
func TestLiburing_single_issuer(t *testing.T) {
	if role := ltChildRole(); strings.HasPrefix(role, "issuer") {
		singleIssuerChild(role)
	}
	const si = lu.IORING_SETUP_SINGLE_ISSUER
	run := func(t *testing.T, s *procShared, role string) {
		t.Helper()
		ltRunChild(t, s.child(t, role))
	}
	// The kernel's submitter is a thread, and t.Run runs each subtest on a
	// goroutine of its own: every subtest locks its own thread before it
	// creates or enables a ring.
	t.Run("creator", func(t *testing.T) {
		ltLockThread(t)
		s := procSetup(t, 8, si)
		if err := procTrySubmit(s.ring, s.sq, 0); err != nil {
			t.Fatalf("creator's submit: %v", err)
		}
		run(t, s, "issuer-eexist")
	})
	t.Run("first_enabler", func(t *testing.T) {
		s := procSetup(t, 8, si|lu.IORING_SETUP_R_DISABLED)
		run(t, s, "issuer-enable-submit")
	})
	t.Run("parent_enabled", func(t *testing.T) {
		ltLockThread(t)
		s := procSetup(t, 8, si|lu.IORING_SETUP_R_DISABLED)
		if err := lu.EnableRings(s.ring); err != nil {
			t.Fatal(err)
		}
		run(t, s, "issuer-eexist")
	})
	t.Run("sqpoll", func(t *testing.T) {
		ltLockThread(t)
		s := procSetup(t, 8, si|lu.IORING_SETUP_SQPOLL)
		if err := procTrySubmit(s.ring, s.sq, lu.IORING_ENTER_SQ_WAKEUP); err != nil {
			t.Fatalf("parent's submit: %v", err)
		}
		run(t, s, "issuer-sqpoll")
	})
}

func singleIssuerChild(role string) {
	runtime.LockOSThread()
	ring, sq := procChildRing()
	var err error
	switch role {
	case "issuer-eexist":
		if err = procTrySubmit(ring, sq, 0); !errors.Is(err, unix.EEXIST) {
			ltChildExit(1, "submit from a second task: %v, want EEXIST", err)
		}
		ltChildExit(0, "")
	case "issuer-enable-submit":
		if err = lu.EnableRings(ring); err == nil {
			err = procTrySubmit(ring, sq, 0)
		}
	case "issuer-sqpoll":
		err = procTrySubmit(ring, sq, lu.IORING_ENTER_SQ_WAKEUP)
	}
	if err != nil {
		ltChildExit(1, "%s: %v", role, err)
	}
	ltChildExit(0, "")
}

// TestLiburing_teardowns covers test/teardowns.c: 12 processes at once each
// set up and tear down 100 rings of 0xa4 entries; setup either succeeds or
// fails with ENOMEM.
func TestLiburing_teardowns(t *testing.T) {
	if ltChildRole() == "teardowns" {
		bad := 0
		for range 100 {
			var ring lu.Ring
			if err := lu.QueueInit(0xa4, &ring, 0); err != nil {
				if !errors.Is(err, unix.ENOMEM) {
					bad++
				}
				continue
			}
			lu.QueueExit(&ring)
		}
		ltChildExit(bad, "")
	}
	cmds := make([]*exec.Cmd, 12)
	for i := range cmds {
		cmds[i] = ltChild(t, "teardowns")
		if err := cmds[i].Start(); err != nil {
			t.Fatal(err)
		}
	}
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Errorf("child %d: %v", i, err)
		}
	}
}

// defCanRead reports whether fd is readable within d.
func defCanRead(fd int, d time.Duration) bool {
	pfd := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	n, _ := pollRetry(d, func(ms int) (int, error) { return unix.Poll(pfd, ms) })
	return n == 1
}

// TestLiburing_defer_taskrun covers test/defer-taskrun.c (a "maybe" test:
// it forks and execs): on IORING_SETUP_DEFER_TASKRUN rings, only the
// submitter task may get events (EEXIST otherwise, EBADFD while disabled);
// a process can exec with a DEFER_TASKRUN read pending; the registered
// eventfd fires for completions posted inline and for deferred task work,
// whose CQE only appears once the submitter gets events; peeking gets them
// with IORING_SETUP_TASKRUN_FLAG; exit with deferred work pending does not
// hang; a drained writev copied its iovecs at submit.
func TestLiburing_defer_taskrun(t *testing.T) {
	if ltChildRole() == "defer-exec" {
		deferExecChild()
	}
	const deferFlags = lu.IORING_SETUP_SINGLE_ISSUER | lu.IORING_SETUP_DEFER_TASKRUN
	t.Run("thread_shutdown", func(t *testing.T) {
		ring := ltRing(t, 8, deferFlags|lu.IORING_SETUP_R_DISABLED)
		if _, err := lu.GetEvents(ring); !errors.Is(err, unix.EBADFD) {
			t.Fatalf("GetEvents on a disabled ring: %v, want EBADFD", err)
		}
		efd := ltEventfd(t, 0)
		buf := ltCBuf(t, 8)
		done := make(chan error, 1)
		tid := make(chan int, 1)
		go func() {
			runtime.LockOSThread() // never unlocked: the thread exits with the goroutine
			tid <- unix.Gettid()
			err := lu.EnableRings(ring)
			if err == nil {
				lu.PrepRead(lu.GetSQE(ring), efd, ltPtr(buf), 8, 0)
				_, err = lu.Submit(ring)
			}
			done <- err
		}()
		if err := <-done; err != nil {
			t.Fatalf("enabling and submitting from another thread: %v", err)
		}
		// The C test joins its thread. Here the thread exits some time
		// after the goroutine's last send; an exiting submitter runs the
		// ring's deferred task work, so if the eventfd were written before
		// it was gone, the read's CQE would be posted after all. Wait until
		// the thread has left the process, unless it is the main thread,
		// which Go parks for good instead.
		submitter := <-tid
		task := fmt.Sprintf("/proc/self/task/%d", submitter)
		if submitter != os.Getpid() {
			ltEventually(t, "the submitting thread exits", func() bool {
				_, err := os.Stat(task)
				return errors.Is(err, os.ErrNotExist)
			})
		}
		if _, err := lu.GetEvents(ring); !errors.Is(err, unix.EEXIST) {
			t.Fatalf("GetEvents from a task that is not the submitter: %v, want EEXIST", err)
		}
		unix.Write(efd, []byte{1, 0, 0, 0, 0, 0, 0, 0})
		_, err := lu.WaitCQE(ring)
		for errors.Is(err, unix.EINTR) {
			_, err = lu.WaitCQE(ring)
		}
		if !errors.Is(err, unix.EEXIST) {
			t.Fatalf("WaitCQE from a task that is not the submitter: %v, want EEXIST", err)
		}
	})
	t.Run("exec", func(t *testing.T) {
		cmd := ltChild(t, "defer-exec")
		cmd.Env = append(cmd.Env, "LT_DIR="+t.TempDir())
		ltWithin(t, 10*time.Second, "exec with a DEFER_TASKRUN read pending", func() {
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("child: %v\n%s", err, out)
			}
		})
	})
	t.Run("eventfd", func(t *testing.T) {
		ring := ltDeferRing(t, 8, 0)
		fda, fdb := ltEventfd(t, unix.EFD_NONBLOCK), ltEventfd(t, unix.EFD_NONBLOCK)
		if err := lu.RegisterEventfd(ring, fda); err != nil {
			t.Fatal(err)
		}
		if defCanRead(fda, 0) || defCanRead(fdb, 0) {
			t.Fatal("eventfds readable before anything happened")
		}
		lu.PrepPollAdd(ltSQE(t, ring), fdb, unix.POLLIN)
		ltSubmit(t, ring, 1)
		if defCanRead(fda, 0) {
			t.Fatal("eventfd signalled before the poll completed")
		}
		ltNop(t, ring, 0, 0)
		ltSubmit(t, ring, 1)
		if !defCanRead(fda, 0) {
			t.Fatal("eventfd not signalled by the NOP's completion")
		}
		cqe, err := lu.PeekCQE(ring)
		if err != nil || cqe.Res != 0 {
			t.Fatalf("PeekCQE: %v", err)
		}
		lu.CQESeen(ring, cqe)
		unix.Read(fda, make([]byte, 8))
		unix.Write(fdb, []byte{1, 0, 0, 0, 0, 0, 0, 0})
		if !defCanRead(fda, time.Second) {
			t.Fatal("eventfd not signalled for the deferred poll completion")
		}
		if r := lu.CQReady(ring); r != 0 {
			t.Fatalf("deferred completion visible before getting events (%d ready)", r)
		}
		lu.GetEvents(ring)
		if r := lu.CQReady(ring); r != 1 {
			t.Fatalf("%d completions after GetEvents, want 1", r)
		}
	})
	t.Run("flag", func(t *testing.T) {
		ring := ltDeferRing(t, 8, lu.IORING_SETUP_TASKRUN_FLAG)
		fd := ltEventfd(t, unix.EFD_NONBLOCK)
		lu.PrepPollAdd(ltSQE(t, ring), fd, unix.POLLIN)
		ltSubmit(t, ring, 1)
		if defCanRead(fd, 0) {
			t.Fatal("eventfd readable before the trigger")
		}
		unix.Write(fd, []byte{1, 0, 0, 0, 0, 0, 0, 0})
		if r := lu.CQReady(ring); r != 0 {
			t.Fatalf("poll completion processed before getting events (%d ready)", r)
		}
		// The CQ is empty, but IORING_SQ_TASKRUN tells liburing to enter.
		cqe, err := lu.PeekCQE(ring)
		if err != nil {
			t.Fatalf("PeekCQE with task work pending: %v", err)
		}
		lu.CQESeen(ring, cqe)
	})
	t.Run("ring_shutdown", func(t *testing.T) {
		fds := ltSocketPair(t, true)
		buf := ltCBuf(t, 1)
		ring := new(lu.Ring)
		ltLockThread(t)
		if err := lu.QueueInit(8, ring, deferFlags|lu.IORING_SETUP_TASKRUN_FLAG); err != nil {
			t.Fatal(err)
		}
		lu.PrepRecv(ltSQE(t, ring), fds[0], ltPtr(buf), 1, 0)
		ltSubmit(t, ring, 1)
		unix.Write(fds[1], []byte{'X'})
		if r := lu.CQReady(ring); r != 0 {
			t.Fatalf("recv completion processed before getting events (%d ready)", r)
		}
		ltWithin(t, ltWaitLimit, "exit with deferred task work", func() { lu.QueueExit(ring) })
	})
	t.Run("drain", func(t *testing.T) {
		const n = 128
		fds := ltSocketPair(t, true)
		data := ltCBuf(t, n)
		iovs := unsafe.Slice(ltCNew[[n]unix.Iovec](t), 1)[0][:]
		for i := range iovs {
			iovs[i].Base = &data[i]
			iovs[i].SetLen(1)
		}
		ring := ltDeferRing(t, 8, lu.IORING_SETUP_TASKRUN_FLAG)
		sqe := ltSQE(t, ring)
		lu.PrepWritev(sqe, fds[1], &iovs[0], n, 0)
		lu.SQESetFlags(sqe, lu.IOSQE_IO_DRAIN)
		ltSubmit(t, ring, 1)
		for i := range iovs {
			iovs[i].Base = nil
		}
		if c := ltWait(t, ring); c.Res != n {
			t.Fatalf("drained writev: %v, want %d", c, n)
		}
	})
}

func deferExecChild() {
	runtime.LockOSThread()
	var ring lu.Ring
	if err := lu.QueueInit(8, &ring, lu.IORING_SETUP_SINGLE_ISSUER|lu.IORING_SETUP_DEFER_TASKRUN); err != nil {
		ltChildExit(1, "QueueInit: %v", err)
	}
	const size = 1 << 20
	path := filepath.Join(os.Getenv("LT_DIR"), ".defer-taskrun")
	if err := os.WriteFile(path, ltPattern(size, 0), 0o644); err != nil {
		ltChildExit(1, "%v", err)
	}
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_DIRECT, 0)
	if err != nil {
		fd, err = unix.Open(path, unix.O_RDONLY, 0) // no O_DIRECT here
		if err != nil {
			ltChildExit(1, "open: %v", err)
		}
	}
	buf, _ := unix.Mmap(-1, 0, size, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
	lu.PrepRead(lu.GetSQE(&ring), fd, ltPtr(buf), size, 0)
	lu.Submit(&ring)
	// exec the test binary again, running no test: it exits 0 at once.
	err = unix.Exec(os.Args[0], []string{os.Args[0], "-test.run=^$"}, []string{"GORACE=atexit_sleep_ms=0"})
	ltChildExit(1, "exec: %v", err)
}

// TestLiburing_io_cancel covers test/io-cancel.c (a "maybe" test: it
// forks): ASYNC_CANCEL of O_DIRECT reads and writes in flight, all or every
// other one, inline or async (the uncancelled ones complete in full);
// cancelling a user_data of another ring finds nothing (ENOENT) and leaves
// it alone; a child process cancels a read the parent submitted on a
// shared ring; requests a child submitted to a shared ring are cancelled
// when it exits, except a plain timeout; a SQPOLL ring's io-wq requests are
// cancelled when the ring exits.
func TestLiburing_io_cancel(t *testing.T) {
	switch ltChildRole() {
	case "cancel-across-fork":
		cancelAcrossForkChild()
	case "cancel-inflight-exit":
		cancelInflightExitChild()
	}
	t.Run("dont_cancel_another_ring", func(t *testing.T) {
		r, _ := ltPipe(t, 0)
		buf := ltCBuf(t, 128)
		ring1, ring2 := ltRing(t, 8, 0), ltRing(t, 8, 0)
		sqe := ltSQE(t, ring1)
		lu.PrepRead(sqe, r, ltPtr(buf), 10, 0)
		lu.SQESetFlags(sqe, lu.IOSQE_ASYNC)
		lu.SQESetData64(sqe, 1)
		ltSubmit(t, ring1, 1)
		sqe = ltSQE(t, ring2)
		lu.PrepCancel64(sqe, 1, 0)
		lu.SQESetData64(sqe, 2)
		ltExpect(t, ltRun(t, ring2), 2, ltErrno(unix.ENOENT))
		ltNoCQE(t, ring1, 10*time.Millisecond)
	})
	t.Run("cancel_req_across_fork", func(t *testing.T) {
		r, _ := ltPipe(t, 0)
		buf := ltCBuf(t, 128)
		s := procSetup(t, 8, 0)
		if _, err := s.sq.submit(0, 0, func(sqe *lu.SQE) {
			lu.PrepRead(sqe, r, ltPtr(buf), 10, 0)
			lu.SQESetFlags(sqe, lu.IOSQE_ASYNC)
			lu.SQESetData64(sqe, 1)
		}); err != nil {
			t.Fatal(err)
		}
		ltRunChild(t, s.child(t, "cancel-across-fork"))
	})
	t.Run("cancel_inflight_exit", func(t *testing.T) {
		s := procSetup(t, 8, 0)
		ltRunChild(t, s.child(t, "cancel-inflight-exit"))
		for ud, c := range ltWaitByUD(t, s.ring, 3) {
			want := ltErrno(unix.ECANCELED)
			if ud == 3 {
				want = ltErrno(unix.ETIME)
			}
			ltExpect(t, c, ud, want)
		}
	})
	t.Run("sqpoll_cancel_iowq_requests", func(t *testing.T) {
		var p [2]int
		if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
			t.Fatal(err)
		}
		buf := ltCBuf(t, 16)
		ring := new(lu.Ring)
		if err := lu.QueueInit(8, ring, lu.IORING_SETUP_SQPOLL); err != nil {
			t.Skipf("SQPOLL: %v", err)
		}
		sqe := ltSQE(t, ring)
		lu.PrepRead(sqe, p[0], ltPtr(buf), 10, 0)
		lu.SQESetFlags(sqe, lu.IOSQE_ASYNC|lu.IOSQE_IO_LINK)
		sqe = ltSQE(t, ring)
		lu.PrepWrite(sqe, p[1], ltPtr(buf), 10, 0)
		lu.SQESetFlags(sqe, lu.IOSQE_ASYNC)
		ltSubmit(t, ring, 2)
		time.Sleep(20 * time.Millisecond) // the SQ thread submits them
		ltWithin(t, ltWaitLimit, "exit and pipe read after cancelling io-wq requests", func() {
			lu.QueueExit(ring)
			unix.Close(p[1])
			unix.Read(p[0], make([]byte, 10)) // EOF: the ring let go of the write end
			unix.Close(p[0])
		})
	})
	t.Run("io", func(t *testing.T) {
		const bs, nbuf = 4096, 32
		fd := sqDirectFileRW(t, nbuf*bs)
		mem := sqAligned(t, nbuf*bs)
		iovs := unsafe.Slice(ltCNew[[nbuf]unix.Iovec](t), 1)[0][:]
		for i := range iovs {
			iovs[i].Base = &mem[i*bs]
			iovs[i].SetLen(bs)
		}
		for v := range 8 {
			write, partial, async := v&1 != 0, v&2 != 0, v&4 != 0
			ring := ltRing(t, 4*nbuf, 0)
			start := func() {
				for i := range nbuf {
					sqe := ltSQE(t, ring)
					off := uint64(bs * ((i * 7) % nbuf))
					if write {
						lu.PrepWritev(sqe, fd, &iovs[i], 1, off)
					} else {
						lu.PrepReadv(sqe, fd, &iovs[i], 1, off)
					}
					lu.SQESetData64(sqe, uint64(i+1))
				}
				ltSubmit(t, ring, nbuf)
			}
			doIO := func() {
				start()
				for range nbuf {
					if c := ltWait(t, ring); c.Res != bs {
						t.Fatalf("I/O: %v", c)
					}
				}
			}
			doIO()
			t0 := time.Now()
			doIO()
			took := time.Since(t0)
			start()
			time.Sleep(took / 3)
			cancels := 0
			for i := range nbuf {
				if partial && i&1 != 0 {
					continue
				}
				sqe := ltSQE(t, ring)
				lu.PrepCancel64(sqe, uint64(i+1), 0)
				if async {
					lu.SQESetFlags(sqe, lu.IOSQE_ASYNC)
				}
				lu.SQESetData64(sqe, 0)
				cancels++
			}
			ltSubmit(t, ring, cancels)
			for range nbuf + cancels {
				c := ltWait(t, ring)
				// With partial, the odd user_data (even i) were cancelled;
				// the others must complete in full.
				if partial && c.UserData != 0 && c.UserData&1 == 0 && c.Res != bs {
					t.Fatalf("write %v async %v: uncancelled I/O %v, want %d", write, async, c, bs)
				}
			}
		}
	})
}

// sqDirectFileRW is sqDirectFile opened for reading and writing.
func sqDirectFileRW(t *testing.T, size int) int {
	t.Helper()
	path := ltTempFile(t, size)
	fd := ltOpenDirect(t, path, unix.O_RDWR)
	return fd
}

func cancelAcrossForkChild() {
	ring, sq := procChildRing()
	if _, err := sq.submit(0, 0, func(sqe *lu.SQE) {
		lu.PrepCancel64(sqe, 1, 0)
		lu.SQESetData64(sqe, 2)
	}); err != nil {
		ltChildExit(1, "submit: %v", err)
	}
	for range 2 {
		c, err := ltWaitErr(ring, ltWaitLimit)
		switch {
		case err != nil:
			ltChildExit(1, "wait: %v", err)
		case c.UserData == 1 && c.Res != ltErrno(unix.EINTR) && c.Res != ltErrno(unix.ECANCELED):
			ltChildExit(1, "parent's read: %v, want EINTR or ECANCELED", c)
		case c.UserData == 2 && c.Res != 0 && c.Res != ltErrno(unix.EALREADY):
			ltChildExit(1, "cancel: %v, want 0 or EALREADY", c)
		case c.UserData != 1 && c.UserData != 2:
			ltChildExit(1, "unexpected completion %v", c)
		}
	}
	ltChildExit(0, "")
}

func cancelInflightExitChild() {
	_, sq := procChildRing()
	b, _ := lu.AllocBuffer(16)
	ts := (*lu.KernelTimespec)(unsafe.Pointer(&b[0]))
	ts.Nsec = int64(100 * time.Millisecond) // the C test: 1 s; the exit comes first
	if _, err := sq.submit(0, 0,
		func(sqe *lu.SQE) {
			lu.PrepPollAdd(sqe, 3, unix.POLLIN) // the ring itself
			lu.SQESetData64(sqe, 1)
			lu.SQESetFlags(sqe, lu.IOSQE_IO_LINK)
		},
		func(sqe *lu.SQE) {
			lu.PrepTimeout(sqe, ts, 0, 0)
			lu.SQESetData64(sqe, 2)
		},
		func(sqe *lu.SQE) {
			lu.PrepTimeout(sqe, ts, 0, 0)
			lu.SQESetData64(sqe, 3)
		}); err != nil {
		ltChildExit(1, "submit: %v", err)
	}
	ltChildExit(0, "")
}

// waitidChild starts a child process that exits after ms milliseconds.
func waitidChild(t *testing.T, ms int, pgid int) *exec.Cmd {
	t.Helper()
	cmd := ltChild(t, "waitid-child")
	cmd.Env = append(cmd.Env, "LT_SLEEP_MS="+strconv.Itoa(ms))
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pgid: pgid}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	t.Cleanup(func() {
		var ws unix.WaitStatus
		unix.Wait4(pid, &ws, 0, nil) // reap it unless the ring did
		cmd.Process.Release()
	})
	return cmd
}

// siPid is siginfo_t's si_pid.
func siPid(si *unix.Siginfo) int32 {
	return *(*int32)(unsafe.Add(unsafe.Pointer(si), 16))
}

// TestLiburing_waitid covers test/waitid.c (a "maybe" test: it forks):
// IORING_OP_WAITID reaps an exiting child and fills in its siginfo; linked
// to a timeout that fires first it is cancelled; it waits for the child it
// names even when another exits first; it reaps an already exited child;
// ASYNC_CANCEL cancels it; and cancel races with children exiting end in
// one of the allowed ways. Children are the test binary re-executed.
func TestLiburing_waitid(t *testing.T) {
	if ltChildRole() == "waitid-child" {
		ms, _ := strconv.Atoi(os.Getenv("LT_SLEEP_MS"))
		time.Sleep(time.Duration(ms) * time.Millisecond)
		ltChildExit(0, "")
	}
	ltRequireOp(t, lu.IORING_OP_WAITID)
	ring := ltRing(t, 8, 0)
	waitid := func(pid int, si *unix.Siginfo, ud uint64) *lu.SQE {
		sqe := ltSQE(t, ring)
		lu.PrepWaitid(sqe, unix.P_PID, uint32(pid), si, unix.WEXITED, 0)
		lu.SQESetData64(sqe, ud)
		return sqe
	}
	t.Run("basic", func(t *testing.T) {
		cmd := waitidChild(t, 0, 0)
		si := ltCNew[unix.Siginfo](t)
		waitid(cmd.Process.Pid, si, 1)
		ltExpect(t, ltRun(t, ring), 1, 0)
		if siPid(si) != int32(cmd.Process.Pid) {
			t.Errorf("si_pid %d, want %d", siPid(si), cmd.Process.Pid)
		}
	})
	t.Run("noexit", func(t *testing.T) {
		for range 2 {
			cmd := waitidChild(t, 300, 0) // long past the 20 ms timeout, even under load
			si := ltCNew[unix.Siginfo](t)
			lu.SQESetFlags(waitid(cmd.Process.Pid, si, 1), lu.IOSQE_IO_LINK)
			sqe := ltSQE(t, ring)
			lu.PrepLinkTimeout(sqe, ltTimespec(t, 20*time.Millisecond), 0)
			lu.SQESetData64(sqe, 2)
			ltSubmit(t, ring, 2)
			got := ltWaitByUD(t, ring, 2)
			ltExpect(t, got[1], 1, ltErrno(unix.ECANCELED))
			if got[2].Res != 1 && got[2].Res != ltErrno(unix.ETIME) {
				t.Errorf("link timeout: %v, want 1 (as the C test) or ETIME", got[2])
			}
		}
	})
	t.Run("double", func(t *testing.T) {
		waitidChild(t, 10, 0)
		p2 := waitidChild(t, 60, 0)
		si := ltCNew[unix.Siginfo](t)
		waitid(p2.Process.Pid, si, 1)
		ltExpect(t, ltRun(t, ring), 1, 0)
		if siPid(si) != int32(p2.Process.Pid) {
			t.Errorf("si_pid %d, want %d", siPid(si), p2.Process.Pid)
		}
	})
	t.Run("ready", func(t *testing.T) {
		cmd := waitidChild(t, 0, 0)
		var si unix.Siginfo // the child has exited when the waitid(2) returns
		for {
			err := unix.Waitid(unix.P_PID, cmd.Process.Pid, &si, unix.WEXITED|unix.WNOWAIT, nil)
			if err != unix.EINTR {
				break
			}
		}
		csi := ltCNew[unix.Siginfo](t)
		waitid(cmd.Process.Pid, csi, 1)
		ltExpect(t, ltRun(t, ring), 1, 0)
		if siPid(csi) != int32(cmd.Process.Pid) {
			t.Errorf("si_pid %d, want %d", siPid(csi), cmd.Process.Pid)
		}
	})
	t.Run("cancel", func(t *testing.T) {
		cmd := waitidChild(t, 20, 0)
		waitid(cmd.Process.Pid, nil, 1)
		// One submit for both: the cancel must reach the waitid before
		// the child exits, however late this goroutine runs.
		sqe := ltSQE(t, ring)
		lu.PrepCancel64(sqe, 1, 0)
		lu.SQESetData64(sqe, 2)
		ltSubmit(t, ring, 2)
		got := ltWaitByUD(t, ring, 2)
		ltExpect(t, got[1], 1, ltErrno(unix.ECANCELED))
		ltExpect(t, got[2], 2, 1)
	})
	t.Run("cancel_race", func(t *testing.T) {
		for i := range 3 { // the C test runs 1000 rounds of 10 children
			first := waitidChild(t, 0, 0)
			pgid := first.Process.Pid
			for range 4 {
				waitidChild(t, 0, pgid)
			}
			sqe := ltSQE(t, ring)
			lu.PrepWaitid(sqe, unix.P_PGID, uint32(pgid), nil, unix.WEXITED, 0)
			if i&1 != 0 {
				lu.SQESetFlags(sqe, lu.IOSQE_ASYNC)
			}
			lu.SQESetData64(sqe, 1)
			ltSubmit(t, ring, 1)
			sqe = ltSQE(t, ring)
			lu.PrepCancel64(sqe, 1, 0)
			lu.SQESetData64(sqe, 2)
			ltSubmit(t, ring, 1)
			got := ltWaitByUD(t, ring, 2)
			if r := got[1].Res; r != 0 && r != ltErrno(unix.ECANCELED) {
				t.Errorf("waitid: %v, want 0 or ECANCELED", got[1])
			}
			switch got[2].Res {
			case 0, 1, ltErrno(unix.ENOENT), ltErrno(unix.EALREADY):
			default:
				t.Errorf("cancel: %v", got[2])
			}
		}
	})
}

// TestLiburing_fsnotify covers test/fsnotify.c (a "maybe" test: it
// forks): an O_DIRECT read through the ring raises a fanotify FAN_ACCESS
// event attributed to the reading process (a task context, not pid 0),
// which a child process reads from the inherited fanotify fd.
func TestLiburing_fsnotify(t *testing.T) {
	if ltChildRole() == "fsnotify" {
		fsnotifyChild()
	}
	fan, err := unix.FanotifyInit(unix.FAN_CLASS_NOTIF|unix.FAN_CLOEXEC, unix.O_RDONLY)
	if err != nil {
		t.Skipf("fanotify: %v", err)
	}
	fanF := os.NewFile(uintptr(fan), "fanotify")
	defer fanF.Close()
	fd := sqDirectFile(t, 8192)
	if err := unix.FanotifyMark(fan, unix.FAN_MARK_ADD, unix.FAN_ACCESS|unix.FAN_MODIFY, fd, ""); err != nil {
		t.Skipf("fanotify_mark: %v", err)
	}
	cmd := ltChild(t, "fsnotify", fanF) // fd 3 in the child
	cmd.Env = append(cmd.Env, "LT_READER_PID="+strconv.Itoa(os.Getpid()))
	var output bytes.Buffer
	cmd.Stdout, cmd.Stderr = &output, &output
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	buf := sqAligned(t, 4096)
	ring := ltRing(t, 1, 0)
	lu.PrepRead(ltSQE(t, ring), fd, ltPtr(buf), 4096, 0)
	if c := ltRun(t, ring); c.Res != 4096 {
		t.Fatalf("O_DIRECT read: %s", ltResName(c.Res))
	}
	ltWithin(t, ltWaitLimit, "the child reading the fanotify event", func() {
		if err := cmd.Wait(); err != nil {
			t.Errorf("child: %v\n%s", err, output.Bytes())
		}
	})
}

func fsnotifyChild() {
	ev := make([]byte, 4096)
	n, err := unix.Read(3, ev)
	if err != nil || n < int(unsafe.Sizeof(unix.FanotifyEventMetadata{})) {
		ltChildExit(1, "read of the fanotify fd: %d, %v", n, err)
	}
	m := (*unix.FanotifyEventMetadata)(unsafe.Pointer(&ev[0]))
	want, _ := strconv.Atoi(os.Getenv("LT_READER_PID"))
	if m.Mask&unix.FAN_ACCESS == 0 || m.Pid != int32(want) {
		ltChildExit(1, "fanotify event mask %#x pid %d, want FAN_ACCESS from pid %d", m.Mask, m.Pid, want)
	}
	ltChildExit(0, "")
}
