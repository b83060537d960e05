//go:build linux && cgo

package tests

// Shared helpers of the liburing scenario tests (liburing_*_test.go): each
// of those tests re-states, in Go and through the public API only, one test
// program of liburing 2.6's test/ directory. Helper names start with "lt"
// so that they never collide with the other test files of this package.

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
	"unsafe"

	lu "github.com/liburing-go/liburing"
	"golang.org/x/sys/unix"
)

// ltWaitLimit bounds every wait for a completion, so that a kernel or
// binding bug fails a test instead of hanging the whole run.
const ltWaitLimit = 5 * time.Second

// ltRing sets up a ring for one test and exits it when the test ends. When
// the kernel refuses setup flags with EINVAL (or EPERM for privileged ones)
// the test is skipped with that reason.
func ltRing(t testing.TB, entries uint32, flags uint32) *lu.Ring {
	t.Helper()
	ring := new(lu.Ring)
	if err := lu.QueueInit(entries, ring, flags); err != nil {
		ltSkipSetup(t, flags, err)
		t.Fatalf("QueueInit(%d, %#x): %v", entries, flags, err)
	}
	t.Cleanup(func() { lu.QueueExit(ring) })
	return ring
}

// ltRingParams is ltRing with a full Params (the kernel fills in p).
func ltRingParams(t testing.TB, entries uint32, p *lu.Params) *lu.Ring {
	t.Helper()
	ring := new(lu.Ring)
	if err := lu.QueueInitParams(entries, ring, p); err != nil {
		ltSkipSetup(t, p.Flags, err)
		t.Fatalf("QueueInitParams(%d, flags %#x): %v", entries, p.Flags, err)
	}
	t.Cleanup(func() { lu.QueueExit(ring) })
	return ring
}

func ltSkipSetup(t testing.TB, flags uint32, err error) {
	t.Helper()
	if flags != 0 && (errors.Is(err, unix.EINVAL) || errors.Is(err, unix.EPERM)) {
		t.Skipf("ring setup flags %#x refused: %v (kernel lacks the feature)", flags, err)
	}
}

// ltDeferRing sets up an IORING_SETUP_SINGLE_ISSUER|DEFER_TASKRUN ring. Such
// a ring belongs to one kernel task, so the goroutine is locked to its OS
// thread for the rest of the test (and unlocked again, so the thread
// survives and its requests are not cancelled).
func ltDeferRing(t testing.TB, entries uint32, extra uint32) *lu.Ring {
	t.Helper()
	ltLockThread(t)
	return ltRing(t, entries, lu.IORING_SETUP_SINGLE_ISSUER|lu.IORING_SETUP_DEFER_TASKRUN|extra)
}

// ltLockThread pins the test's goroutine to its OS thread until the test
// ends; io_uring keeps per-task state (io-wq, registered ring fds, the
// single issuer).
func ltLockThread(t testing.TB) {
	runtime.LockOSThread()
	t.Cleanup(runtime.UnlockOSThread)
}

// ltNoPreempt keeps the Go runtime's preemption signal (SIGURG) away from
// the test's thread until the test ends, for scenarios that check how long
// or for how many completions a single io_uring_enter waits: a signal
// ends such a wait early (EINTR, or the submit count without the
// completions), which C test programs never see.
func ltNoPreempt(t testing.TB) {
	t.Helper()
	ltLockThread(t)
	var set, old unix.Sigset_t
	sig := uint(unix.SIGURG) - 1
	set.Val[sig/64] |= 1 << (sig % 64)
	if err := unix.PthreadSigmask(unix.SIG_BLOCK, &set, &old); err != nil {
		t.Fatalf("pthread_sigmask: %v", err)
	}
	t.Cleanup(func() { unix.PthreadSigmask(unix.SIG_SETMASK, &old, nil) })
}

// ltEventually checks cond every millisecond until it holds, and fails the
// test when it still does not after ltWaitLimit.
func ltEventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(ltWaitLimit); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, ltWaitLimit)
		}
	}
}

// ltWaitReady waits until n completions are ready. One WaitCQENr(n) is not
// enough: when a signal ends its io_uring_enter while fewer than n are
// there, the kernel reports success (the CQ is not empty) and liburing
// returns the first completion.
func ltWaitReady(t testing.TB, ring *lu.Ring, n uint32) {
	t.Helper()
	for lu.CQReady(ring) < n {
		if _, err := lu.WaitCQENr(ring, n); err != nil {
			t.Fatalf("WaitCQENr(%d): %v", n, err)
		}
	}
}

// ltWaitCQEs is io_uring_wait_cqes for one completion without a timeout,
// retried when a signal interrupts it; it returns the completion's res.
func ltWaitCQEs(t testing.TB, ring *lu.Ring) int32 {
	t.Helper()
	for {
		cqe, err := lu.WaitCQEs(ring, 1, nil, nil)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			t.Fatalf("WaitCQEs: %v", err)
		}
		res := cqe.Res
		lu.CQESeen(ring, cqe)
		return res
	}
}

// ltRequireOp skips the test unless the kernel supports every opcode.
func ltRequireOp(t testing.TB, ops ...int) {
	t.Helper()
	p, err := lu.GetProbe()
	if err != nil {
		t.Skipf("probe unavailable: %v", err)
	}
	defer lu.FreeProbe(p)
	for _, op := range ops {
		if !lu.OpcodeSupported(p, op) {
			t.Skipf("kernel does not support %s (probe)", lu.OpcodeName(op))
		}
	}
}

// ltKernelBefore reports whether the running kernel is older than version
// ("6.3"). Tests use it only where a kernel changed behaviour that neither
// the opcode probe nor a feature flag shows, to expect the older behaviour
// there (the kernel matrix, make kernel-matrix, runs them on 6.1 and 6.12).
func ltKernelBefore(t testing.TB, version string) bool {
	t.Helper()
	older, err := lu.LinuxVersionCheck(version)
	if err != nil {
		t.Fatalf("LinuxVersionCheck(%q): %v", version, err)
	}
	return older
}

// ltRequireFeature skips the test unless the ring reports the IORING_FEAT_*
// bit.
func ltRequireFeature(t testing.TB, ring *lu.Ring, feat uint32, name string) {
	t.Helper()
	if ring.Features()&feat == 0 {
		t.Skipf("kernel lacks %s", name)
	}
}

// ltSQE returns the next SQE or fails the test when the SQ is full.
func ltSQE(t testing.TB, ring *lu.Ring) *lu.SQE {
	t.Helper()
	sqe := lu.GetSQE(ring)
	if sqe == nil {
		t.Fatalf("GetSQE: submission queue full")
	}
	return sqe
}

// ltNop queues a NOP with user_data ud and the IOSQE_* flags.
func ltNop(t testing.TB, ring *lu.Ring, ud uint64, flags uint32) *lu.SQE {
	t.Helper()
	sqe := ltSQE(t, ring)
	lu.PrepNop(sqe)
	lu.SQESetData64(sqe, ud)
	lu.SQESetFlags(sqe, flags)
	return sqe
}

// ltSubmit submits and checks the count of SQEs the kernel consumed (want
// < 0 accepts any count).
func ltSubmit(t testing.TB, ring *lu.Ring, want int) int {
	t.Helper()
	n, err := lu.Submit(ring)
	if err != nil {
		t.Fatalf("Submit: %v", err)
	}
	if want >= 0 && n != want {
		t.Fatalf("Submit = %d, want %d", n, want)
	}
	return n
}

// ltRun submits what is prepared and waits for one completion.
func ltRun(t testing.TB, ring *lu.Ring) ltCQE {
	t.Helper()
	ltSubmit(t, ring, -1)
	return ltWait(t, ring)
}

// ltTimespec returns a KernelTimespec in C memory (the kernel reads a
// timeout's timespec at submit, after the prep call returned), freed when
// the test ends.
func ltTimespec(t testing.TB, d time.Duration) *lu.KernelTimespec {
	t.Helper()
	ts := ltCNew[lu.KernelTimespec](t)
	ts.Sec = int64(d / time.Second)
	ts.Nsec = int64(d % time.Second)
	return ts
}

// ltCNew returns a zeroed T in C memory, freed when the test ends. Use it
// for anything the kernel reads or writes after a call returns.
func ltCNew[T any](t testing.TB) *T {
	t.Helper()
	var zero T
	b := ltCBuf(t, int(unsafe.Sizeof(zero)))
	return (*T)(unsafe.Pointer(unsafe.SliceData(b)))
}

// ltCBuf returns n zeroed bytes of C memory, freed when the test ends.
// Cleanups run last-in first-out, so allocate buffers before the ring that
// uses them: then the ring is torn down first.
func ltCBuf(t testing.TB, n int) []byte {
	t.Helper()
	b, err := lu.AllocBuffer(n)
	if err != nil {
		t.Fatalf("AllocBuffer(%d): %v", n, err)
	}
	t.Cleanup(func() { lu.FreeBuffer(b) })
	return b
}

// ltCStr returns s as a NUL-terminated C string, freed when the test ends.
func ltCStr(t testing.TB, s string) *byte {
	t.Helper()
	p, err := lu.CString(s)
	if err != nil {
		t.Fatalf("CString(%q): %v", s, err)
	}
	t.Cleanup(func() { lu.Free(p) })
	return p
}

// ltPtr is the address of a buffer's first byte.
func ltPtr(b []byte) unsafe.Pointer { return unsafe.Pointer(unsafe.SliceData(b)) }

// ltIovecs builds an iovec array in C memory over C buffers of the given
// sizes; the Iovec is closed when the test ends.
func ltIovecs(t testing.TB, sizes ...int) *lu.Iovec {
	t.Helper()
	v, err := lu.NewIovecSizes(sizes...)
	if err != nil {
		t.Fatalf("NewIovecSizes: %v", err)
	}
	t.Cleanup(func() { v.Close() })
	return v
}

// ltIovBytes returns buffer i of v.
func ltIovBytes(t testing.TB, v *lu.Iovec, i int) []byte {
	t.Helper()
	b, err := v.Bytes(i)
	if err != nil {
		t.Fatalf("Iovec.Bytes(%d): %v", i, err)
	}
	return b
}

// ltCQE is a completion copied out of the CQ ring.
type ltCQE struct {
	UserData uint64
	Res      int32
	Flags    uint32
}

func (c ltCQE) String() string {
	return fmt.Sprintf("{user_data %d res %d flags %#x}", c.UserData, c.Res, c.Flags)
}

// ltWait waits (at most ltWaitLimit) for the next completion, copies it and
// marks it seen.
func ltWait(t testing.TB, ring *lu.Ring) ltCQE {
	t.Helper()
	c, err := ltWaitErr(ring, ltWaitLimit)
	if err != nil {
		t.Fatalf("waiting for a completion: %v", err)
	}
	return c
}

// ltWaitErr is ltWait that returns the error (unix.ETIME when nothing
// arrived within d). liburing enters the kernel once per timed wait, and
// the kernel may return before the timeout without a completion (an IOPOLL
// ring with nothing to poll, task work that ran); so it waits again until d
// has really passed.
func ltWaitErr(ring *lu.Ring, d time.Duration) (ltCQE, error) {
	deadline := time.Now().Add(d)
	for {
		left := max(time.Until(deadline), 0)
		ts := lu.KernelTimespec{Sec: int64(left / time.Second), Nsec: int64(left % time.Second)}
		cqe, err := lu.WaitCQETimeout(ring, &ts)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if errors.Is(err, unix.ETIME) && time.Now().Before(deadline) {
			time.Sleep(min(time.Until(deadline), 50*time.Microsecond))
			continue
		}
		if err != nil {
			return ltCQE{}, err
		}
		c := ltCQE{cqe.UserData, cqe.Res, cqe.Flags}
		lu.CQESeen(ring, cqe)
		return c, nil
	}
}

// ltWaitN collects n completions in arrival order.
func ltWaitN(t testing.TB, ring *lu.Ring, n int) []ltCQE {
	t.Helper()
	out := make([]ltCQE, 0, n)
	for range n {
		out = append(out, ltWait(t, ring))
	}
	return out
}

// ltWaitByUD collects n completions keyed by user_data; a duplicate
// user_data fails the test.
func ltWaitByUD(t testing.TB, ring *lu.Ring, n int) map[uint64]ltCQE {
	t.Helper()
	m := make(map[uint64]ltCQE, n)
	for range n {
		c := ltWait(t, ring)
		if prev, dup := m[c.UserData]; dup {
			t.Fatalf("two completions for user_data %d: %v and %v", c.UserData, prev, c)
		}
		m[c.UserData] = c
	}
	return m
}

// ltNoCQE asserts that no completion arrives within d.
func ltNoCQE(t testing.TB, ring *lu.Ring, d time.Duration) {
	t.Helper()
	c, err := ltWaitErr(ring, d)
	if err == nil {
		t.Fatalf("unexpected completion %v", c)
	}
	if !errors.Is(err, unix.ETIME) {
		t.Fatalf("waiting for no completion: %v", err)
	}
}

// ltExpect checks a completion's user_data and res.
func ltExpect(t testing.TB, c ltCQE, ud uint64, res int32) {
	t.Helper()
	if c.UserData != ud || c.Res != res {
		t.Fatalf("completion %v, want user_data %d res %d (%s)", c, ud, res, ltResName(res))
	}
}

// ltResName spells a CQE res: an errno name for negative values.
func ltResName(res int32) string {
	if res < 0 {
		return unix.ErrnoName(unix.Errno(-res))
	}
	return fmt.Sprint(res)
}

// ltErrno is -errno as a CQE res.
func ltErrno(e unix.Errno) int32 { return -int32(e) }

// ltClose closes fd when the test ends (errors ignored: the test may have
// closed it already).
func ltClose(t testing.TB, fds ...int) {
	t.Cleanup(func() {
		for _, fd := range fds {
			if fd >= 0 {
				unix.Close(fd)
			}
		}
	})
}

// ltPipe returns a pipe (read end, write end) closed when the test ends.
func ltPipe(t testing.TB, flags int) (int, int) {
	t.Helper()
	var p [2]int
	if err := unix.Pipe2(p[:], flags|unix.O_CLOEXEC); err != nil {
		t.Fatalf("pipe2: %v", err)
	}
	ltClose(t, p[0], p[1])
	return p[0], p[1]
}

// ltEventfd returns an eventfd closed when the test ends.
func ltEventfd(t testing.TB, flags int) int {
	t.Helper()
	fd, err := unix.Eventfd(0, flags|unix.EFD_CLOEXEC)
	if err != nil {
		t.Fatalf("eventfd: %v", err)
	}
	ltClose(t, fd)
	return fd
}

// ltTempFile creates a file of size bytes in the test's temporary folder,
// filled with ltPattern, and returns its path.
func ltTempFile(t testing.TB, size int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "liburing-test-file")
	if err := os.WriteFile(path, ltPattern(size, 0), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// ltOnTmpfs reports whether path is on tmpfs (the kernel matrix's guests,
// for one, may keep /tmp there). tmpfs files live only in the page cache:
// fadvise is accepted and ignored, RWF_NOWAIT fails with EOPNOTSUPP (no
// FMODE_NOWAIT), and O_DIRECT opens fail with EINVAL before Linux 6.6.
func ltOnTmpfs(t testing.TB, path string) bool {
	t.Helper()
	var st unix.Statfs_t
	if err := unix.Statfs(path, &st); err != nil {
		t.Fatalf("statfs %s: %v", path, err)
	}
	return st.Type == unix.TMPFS_MAGIC
}

// ltOpenDirect opens path with O_DIRECT (and flags), closed when the test
// ends; it skips the test when the file system refuses O_DIRECT.
func ltOpenDirect(t testing.TB, path string, flags int) int {
	t.Helper()
	fd, err := unix.Open(path, flags|unix.O_DIRECT|unix.O_CLOEXEC, 0)
	switch {
	case err == nil:
		ltClose(t, fd)
		return fd
	case errors.Is(err, unix.EINVAL) && ltOnTmpfs(t, path):
		t.Skipf("O_DIRECT open of %s: %v (tmpfs takes O_DIRECT since Linux 6.6)", path, err)
	default:
		t.Skipf("O_DIRECT open of %s: %v (the file system refuses O_DIRECT)", path, err)
	}
	return -1
}

// ltOpen opens path with open(2) and closes it when the test ends.
func ltOpen(t testing.TB, path string, flags int, mode uint32) int {
	t.Helper()
	fd, err := unix.Open(path, flags|unix.O_CLOEXEC, mode)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	ltClose(t, fd)
	return fd
}

// ltPattern is n bytes of a recognisable pattern that depends on the offset
// (so misplaced data shows), starting at byte off.
func ltPattern(n int, off int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte((off+i)*7 + (off+i)/251)
	}
	return b
}

// ltSocketPair returns two connected loopback sockets (TCP when stream,
// else UDP), as liburing's t_create_socket_pair: fds[0] is the accepted
// (or bound) side, fds[1] the connecting side. Both close with the test.
func ltSocketPair(t testing.TB, stream bool) [2]int {
	t.Helper()
	typ := unix.SOCK_DGRAM
	if stream {
		typ = unix.SOCK_STREAM
	}
	a, err := unix.Socket(unix.AF_INET, typ|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatalf("socket: %v", err)
	}
	ltClose(t, a)
	b, err := unix.Socket(unix.AF_INET, typ|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatalf("socket: %v", err)
	}
	ltClose(t, b)
	loop := &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}
	if err := unix.Bind(a, loop); err != nil {
		t.Fatalf("bind: %v", err)
	}
	if stream {
		if err := unix.Listen(a, 16); err != nil {
			t.Fatalf("listen: %v", err)
		}
	}
	sa, err := unix.Getsockname(a)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.Connect(b, sa); err != nil {
		t.Fatalf("connect: %v", err)
	}
	if !stream {
		bsa, err := unix.Getsockname(b)
		if err != nil {
			t.Fatal(err)
		}
		if err := unix.Connect(a, bsa); err != nil {
			t.Fatalf("connect: %v", err)
		}
		return [2]int{a, b}
	}
	c, _, err := unix.Accept4(a, unix.SOCK_CLOEXEC)
	if err != nil {
		t.Fatalf("accept: %v", err)
	}
	ltClose(t, c)
	return [2]int{c, b}
}

// ltListener returns a listening loopback TCP socket and its address.
func ltListener(t testing.TB, flags int) (int, *unix.SockaddrInet4) {
	t.Helper()
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC|flags, 0)
	if err != nil {
		t.Fatalf("socket: %v", err)
	}
	ltClose(t, fd)
	unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1)
	if err := unix.Bind(fd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatalf("bind: %v", err)
	}
	if err := unix.Listen(fd, 128); err != nil {
		t.Fatalf("listen: %v", err)
	}
	sa, err := unix.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	return fd, sa.(*unix.SockaddrInet4)
}

// ltRawInet4 returns a sockaddr_in in C memory for PrepConnect and friends,
// and its length.
func ltRawInet4(t testing.TB, sa *unix.SockaddrInet4) (*unix.RawSockaddrAny, uint32) {
	t.Helper()
	raw := ltCNew[unix.RawSockaddrAny](t)
	in := (*unix.RawSockaddrInet4)(unsafe.Pointer(raw))
	in.Family = unix.AF_INET
	port := (*[2]byte)(unsafe.Pointer(&in.Port)) // network byte order
	port[0], port[1] = byte(sa.Port>>8), byte(sa.Port)
	in.Addr = sa.Addr
	return raw, uint32(unsafe.Sizeof(*in))
}

// ltFreePort returns a loopback TCP port that nothing listens on (bound
// and released at once).
func ltFreePort(t testing.TB) *unix.SockaddrInet4 {
	t.Helper()
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return &unix.SockaddrInet4{Port: port, Addr: [4]byte{127, 0, 0, 1}}
}

// ltWithin fails the test when f does not return within d, so a scenario
// that used to hang a buggy kernel fails instead of stalling the run.
func ltWithin(t testing.TB, d time.Duration, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("%s did not finish within %v", what, d)
	}
}

// Child processes. liburing's tests fork; Go cannot fork a running
// runtime, so a test that needs a second process re-executes the test
// binary with -test.run selecting itself and ltChildEnv naming the role the
// child plays. The test calls ltChildRole first: in the child it gets the
// role (and must end with os.Exit), in the parent "".

const ltChildEnv = "LIBURING_GO_SCENARIO_CHILD"

// ltChildRole returns the role this process plays when it is a child
// started by ltChild, or "" in the test process itself.
func ltChildRole() string { return os.Getenv(ltChildEnv) }

// ltChild prepares a child process that runs test (the calling test's
// name) with role; extra files become its fds 3, 4, ...
func ltChild(t testing.TB, role string, extra ...*os.File) *exec.Cmd {
	t.Helper()
	name := t.Name()
	if i := strings.IndexByte(name, '/'); i >= 0 {
		name = name[:i]
	}
	cmd := exec.Command(os.Args[0], "-test.run=^"+name+"$", "-test.count=1", "-test.timeout=30s")
	// Race-enabled binaries sleep 1 s at exit (ThreadSanitizer's
	// atexit_sleep_ms) unless told otherwise.
	gorace := strings.TrimSpace(os.Getenv("GORACE") + " atexit_sleep_ms=0")
	// Children end with os.Exit while rings and C buffers are still open
	// (that is what several scenarios test), so under -asan LeakSanitizer's
	// exit-time report would be about the scenario, not a leak.
	asan := strings.TrimLeft(os.Getenv("ASAN_OPTIONS")+":detect_leaks=0", ":")
	cmd.Env = append(os.Environ(), "GORACE="+gorace, "ASAN_OPTIONS="+asan, ltChildEnv+"="+role)
	cmd.ExtraFiles = extra
	return cmd
}

// ltChildExit ends a child process: code 0 for success; a message goes to
// stderr, which the parent reports.
func ltChildExit(code int, format string, args ...any) {
	if format != "" {
		fmt.Fprintf(os.Stderr, format+"\n", args...)
	}
	os.Exit(code)
}

// ltRunChild runs a child and fails the test unless it exits with 0.
func ltRunChild(t testing.TB, cmd *exec.Cmd) {
	t.Helper()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child %v: %v\n%s", cmd.Args, err, out)
	}
}
