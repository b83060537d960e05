//go:build linux && cgo

package liburing

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Helpers shared by the test files of the package, beside the ones in
// helpers_test.go (newRing, freshSQE, submitWait, requireOp).

// testWaitTimeout bounds every wait for a completion, so that a missing CQE
// fails the test instead of hanging it.
const testWaitTimeout = 10 * time.Second

// ---- memory ----

// testCMem returns n zeroed bytes of C memory (AllocBuffer), freed when the
// test ends. Cleanups run last-in first-out: allocate memory a request may
// still use before newRing, so that the ring is gone before it is freed.
func testCMem(t testing.TB, n int) []byte {
	t.Helper()
	b, err := AllocBuffer(n)
	if err != nil {
		t.Fatalf("AllocBuffer(%d): %v", n, err)
	}
	t.Cleanup(func() { FreeBuffer(b) })
	return b
}

// testCBytes is testCMem(n) holding data at its start.
func testCBytes(t testing.TB, n int, data string) []byte {
	t.Helper()
	b := testCMem(t, n)
	copy(b, data)
	return b
}

// testCNew returns a zeroed T in C memory, freed when the test ends.
func testCNew[T any](t testing.TB) *T {
	t.Helper()
	var zero T
	return (*T)(unsafe.Pointer(&testCMem(t, int(unsafe.Sizeof(zero)))[0]))
}

// testCString is CString(s), freed when the test ends.
func testCString(t testing.TB, s string) *byte {
	t.Helper()
	p, err := CString(s)
	if err != nil {
		t.Fatalf("CString(%q): %v", s, err)
	}
	t.Cleanup(func() { Free(p) })
	return p
}

// testIovecSizes is NewIovecSizes(sizes...) (C-memory buffers), closed when
// the test ends. Create it before the ring that registers or uses it.
func testIovecSizes(t testing.TB, sizes ...int) *Iovec {
	t.Helper()
	iov, err := NewIovecSizes(sizes...)
	if err != nil {
		t.Fatalf("NewIovecSizes(%v): %v", sizes, err)
	}
	t.Cleanup(func() { iov.Close() })
	return iov
}

// testAddr is the address of p as an SQE stores it.
func testAddr[T any](p *T) uint64 { return uint64(uintptr(unsafe.Pointer(p))) }

// ---- file descriptors ----

// testCloseLater closes fd when the test ends.
func testCloseLater(t testing.TB, fd int) {
	t.Cleanup(func() { unix.Close(fd) })
}

// testPipe returns a pipe's read and write ends (O_CLOEXEC), closed when the
// test ends.
func testPipe(t testing.TB) (r, w int) {
	t.Helper()
	return testPipeFlags(t, 0)
}

// testPipeFlags is testPipe with extra pipe2 flags (such as O_NONBLOCK).
func testPipeFlags(t testing.TB, flags int) (r, w int) {
	t.Helper()
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC|flags); err != nil {
		t.Fatalf("pipe2: %v", err)
	}
	testCloseLater(t, p[0])
	testCloseLater(t, p[1])
	return p[0], p[1]
}

// testOpen opens name with flags (plus O_CLOEXEC, mode 0600 for O_CREAT)
// for the test's duration.
func testOpen(t testing.TB, name string, flags int) int {
	t.Helper()
	fd, err := unix.Open(name, flags|unix.O_CLOEXEC, 0o600)
	if err != nil {
		t.Fatalf("open %s: %v", name, err)
	}
	testCloseLater(t, fd)
	return fd
}

// testTempFile creates an empty file in a new temp dir and returns its path
// and an O_RDWR fd, closed when the test ends.
func testTempFile(t testing.TB, name string) (string, int) {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	return path, testOpen(t, path, unix.O_RDWR|unix.O_CREAT)
}

// testFileHolds fails unless the file at path holds exactly want.
func testFileHolds(t testing.TB, path, want string) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil || string(got) != want {
		t.Fatalf("%s holds %q (%v), want %q", path, got, err, want)
	}
}

// ---- submitting and reaping ----

// testSQE returns the ring's next SQE with user_data ud.
func testSQE(t testing.TB, ring *Ring, ud uint64) *SQE {
	t.Helper()
	sqe := GetSQE(ring)
	if sqe == nil {
		t.Fatal("GetSQE: submission queue full")
	}
	SQESetData64(sqe, ud)
	return sqe
}

// testPrep gets an SQE with user_data ud and lets prep fill it.
func testPrep(t testing.TB, ring *Ring, ud uint64, prep func(*SQE)) *SQE {
	t.Helper()
	sqe := testSQE(t, ring, ud)
	prep(sqe)
	return sqe
}

// testSubmit submits everything prepared.
func testSubmit(t testing.TB, ring *Ring) {
	t.Helper()
	if _, err := Submit(ring); err != nil {
		t.Fatalf("Submit: %v", err)
	}
}

// testPeekWait waits up to testWaitTimeout for the next CQE and returns it
// without consuming it. Interrupted waits are retried.
func testPeekWait(t testing.TB, ring *Ring) *CQE {
	t.Helper()
	deadline := time.Now().Add(testWaitTimeout)
	for {
		left := time.Until(deadline)
		if left <= 0 {
			left = 1
		}
		ts := KernelTimespec{Sec: int64(left / time.Second), Nsec: int64(left % time.Second)}
		cqe, err := WaitCQETimeout(ring, &ts)
		if err == nil {
			return cqe
		}
		if !errors.Is(err, unix.EINTR) || time.Now().After(deadline) {
			t.Fatalf("no CQE within %v: %v", testWaitTimeout, err)
		}
	}
}

// testRetryEINTR calls f again while it fails with EINTR. A blocking
// io_uring_enter fails with EINTR when a signal reaches its thread, and the
// Go runtime sends SIGURG to threads to preempt goroutines (asynchronous
// preemption), so a Go test sees EINTR where a C program without signal
// handlers would not. Timed waits that expect ETIME retry, as Go's own
// system call wrappers do.
func testRetryEINTR(f func() error) error {
	for {
		if err := f(); !errors.Is(err, unix.EINTR) {
			return err
		}
	}
}

// testNoPreempt keeps the Go runtime's preemption signal (SIGURG) away from the
// test's thread until the test ends, for a wait that must last its whole
// timeout although a completion is already there: a signal would end it
// early with success, which the waiting wrappers cannot tell from the
// timeout.
func testNoPreempt(t testing.TB) {
	t.Helper()
	runtime.LockOSThread()
	var set, old unix.Sigset_t
	sig := uint(unix.SIGURG) - 1
	set.Val[sig/64] |= 1 << (sig % 64)
	if err := unix.PthreadSigmask(unix.SIG_BLOCK, &set, &old); err != nil {
		runtime.UnlockOSThread()
		t.Fatalf("pthread_sigmask: %v", err)
	}
	t.Cleanup(func() {
		unix.PthreadSigmask(unix.SIG_SETMASK, &old, nil)
		runtime.UnlockOSThread()
	})
}

// testWaitReady waits until n completions are ready. One WaitCQENr(n) is
// not enough: when a signal ends its io_uring_enter while fewer than n are
// there, the kernel reports success (the CQ is not empty) and liburing
// returns the first completion.
func testWaitReady(t testing.TB, ring *Ring, n uint32) {
	t.Helper()
	for CQReady(ring) < n {
		if _, err := WaitCQENr(ring, n); err != nil {
			t.Fatalf("WaitCQENr(%d): %v", n, err)
		}
	}
}

// testWaitCQE waits for the next CQE, marks it seen and returns a copy.
func testWaitCQE(t testing.TB, ring *Ring) CQE {
	t.Helper()
	p := testPeekWait(t, ring)
	cqe := *p
	CQESeen(ring, p)
	return cqe
}

// testWaitUD waits for the next CQE, which must carry user_data ud, and
// returns its res and flags.
func testWaitUD(t testing.TB, ring *Ring, ud uint64) (int32, uint32) {
	t.Helper()
	cqe := testWaitCQE(t, ring)
	if cqe.UserData != ud {
		t.Fatalf("CQE user_data %d (res %d), want %d", cqe.UserData, cqe.Res, ud)
	}
	return cqe.Res, cqe.Flags
}

// testRun submits what is prepared and waits for one CQE, which must carry
// user_data ud; it returns its res and flags.
func testRun(t testing.TB, ring *Ring, ud uint64) (int32, uint32) {
	t.Helper()
	testSubmit(t, ring)
	return testWaitUD(t, ring, ud)
}

// testRunUD is the user_data of testRunPrep's requests.
const testRunUD = 0x5eed

// testRunPrep prepares one SQE with prep, submits it and returns its res.
func testRunPrep(t testing.TB, ring *Ring, prep func(*SQE)) int32 {
	t.Helper()
	testPrep(t, ring, testRunUD, prep)
	res, _ := testRun(t, ring, testRunUD)
	return res
}

// testReap submits what is prepared, waits for n completions and returns
// them by user_data; two CQEs with the same user_data fail the test.
func testReap(t testing.TB, ring *Ring, n int) map[uint64]CQE {
	t.Helper()
	testSubmit(t, ring)
	got := make(map[uint64]CQE, n)
	for len(got) < n {
		cqe := testWaitCQE(t, ring)
		if _, dup := got[cqe.UserData]; dup {
			t.Fatalf("two CQEs with user_data %#x (got %v)", cqe.UserData, got)
		}
		got[cqe.UserData] = cqe
	}
	return got
}

// testNoCQE fails unless the completion queue is empty now.
func testNoCQE(t testing.TB, ring *Ring, what string) {
	t.Helper()
	if cqe, err := PeekCQE(ring); !errors.Is(err, unix.EAGAIN) {
		if err == nil {
			t.Fatalf("%s: unexpected CQE user_data %#x res %d", what, cqe.UserData, cqe.Res)
		}
		t.Fatalf("%s: PeekCQE = %v, want EAGAIN", what, err)
	}
}

// testPending submits what is prepared and checks that nothing has
// completed yet.
func testPending(t testing.TB, ring *Ring) {
	t.Helper()
	testSubmit(t, ring)
	testNoCQE(t, ring, "just submitted")
}

// ---- checking results ----

// testErr is res as an error: nil for a result, the unix.Errno for -errno.
func testErr(res int32) error {
	_, err := TrapError(res)
	return err
}

// testWantRes fails the test unless res is want (a result or -errno).
func testWantRes(t testing.TB, what string, res, want int32) {
	t.Helper()
	if res != want {
		t.Fatalf("%s: res %d (%v), want %d", what, res, testErr(res), want)
	}
}

// testWantCQE checks the res of the CQE with user_data ud in cqes (from
// testReap) and returns that CQE.
func testWantCQE(t testing.TB, cqes map[uint64]CQE, ud uint64, want int32) CQE {
	t.Helper()
	cqe, ok := cqes[ud]
	if !ok {
		t.Fatalf("no CQE with user_data %#x (got %v)", ud, cqes)
	}
	if cqe.Res != want {
		t.Errorf("user_data %#x: res %d (%v), want %d", ud, cqe.Res, testErr(cqe.Res), want)
	}
	return cqe
}

// testSQECase is one prep helper call and the whole SQE it must produce
// from freshSQE (user_data is always userDataMarker).
type testSQECase struct {
	name string
	prep func(*SQE)
	want SQE
}

// testCheckSQE runs each case on a fresh SQE and compares the whole SQE.
func testCheckSQE(t *testing.T, cases []testSQECase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			sqe := freshSQE()
			tt.prep(sqe)
			want := tt.want
			want.UserData = userDataMarker
			if *sqe != want {
				t.Errorf("SQE\n got %+v\nwant %+v", *sqe, want)
			}
		})
	}
}

// testHasOp reports whether the kernel supports op (for tests that check
// an optional part; requireOp skips the whole test).
func testHasOp(op int) bool {
	p, err := GetProbe()
	if err != nil {
		return false
	}
	defer FreeProbe(p)
	return OpcodeSupported(p, op)
}
