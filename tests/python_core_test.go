//go:build linux && cgo

// Python liburing 2024.5.3's core tests (error, iovec, version, probe, time,
// queue and helper) ported to Go. Each test names its Python file and test;
// where the Python test relied on a Python bug, the Go test checks the
// correct behaviour and says so.

package tests

import (
	"errors"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"testing"
	"unsafe"

	"github.com/liburing-go/liburing"
	"golang.org/x/sys/unix"
)

// pycRing is conftest.py's ring fixture: a ring set up with entries and
// flags, exited when the test ends.
func pycRing(t *testing.T, entries, flags uint32) *liburing.Ring {
	t.Helper()
	ring := new(liburing.Ring)
	if err := liburing.QueueInit(entries, ring, flags); err != nil {
		t.Fatalf("QueueInit(%d, %#x): %v", entries, flags, err)
	}
	t.Cleanup(func() { liburing.QueueExit(ring) })
	return ring
}

// pycSkipOlder is conftest.py's skip_linux(version) marker: it skips the
// test when the running kernel is older than version.
func pycSkipOlder(t *testing.T, version string) {
	t.Helper()
	older, err := liburing.LinuxVersionCheck(version)
	if err != nil {
		t.Fatal(err)
	}
	if older {
		v, _ := liburing.LinuxVersion()
		t.Skipf("Kernel `%d.%d < %s`", v.Major, v.Minor, version)
	}
}

// pycSQE returns the next SQE of ring, failing the test when the SQ is full.
func pycSQE(t *testing.T, ring *liburing.Ring) *liburing.SQE {
	t.Helper()
	sqe := liburing.GetSQE(ring)
	if sqe == nil {
		t.Fatal("GetSQE: submission queue full")
	}
	return sqe
}

// pycCString is the bytes path of the Python tests: s in C memory, freed
// when the test ends.
func pycCString(t *testing.T, s string) *byte {
	t.Helper()
	p, err := liburing.CString(s)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { liburing.Free(p) })
	return p
}

// pycCQEs is the io_uring_cqe fixture, a holder for up to n CQEs.
func pycCQEs(t *testing.T, n int) *liburing.CQEBatch {
	t.Helper()
	b, err := liburing.NewCQEBatch(n)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

// pycSubmitAndWaitTimeout is io_uring_submit_and_wait_timeout(ring, cqe, n,
// ts) followed by filling the holder: it fails unless n SQEs were submitted
// and n CQEs are ready.
func pycSubmitAndWaitTimeout(t *testing.T, ring *liburing.Ring, cqes *liburing.CQEBatch, n uint32, ts *liburing.KernelTimespec) {
	t.Helper()
	_, submitted, err := liburing.SubmitAndWaitTimeout(ring, n, ts, nil)
	if err != nil || submitted != int(n) {
		t.Fatalf("SubmitAndWaitTimeout(%d) = %d, %v", n, submitted, err)
	}
	if got := cqes.Peek(ring); got < int(n) {
		t.Fatalf("%d CQEs ready, want %d", got, n)
	}
}

// pycPanics reports whether f panics (Python's IndexError on a Go slice).
func pycPanics(f func()) (panicked bool) {
	defer func() { panicked = recover() != nil }()
	f()
	return false
}

type pycMyClass struct{}

// error_test.py: test_trap_error.
func TestPython_trap_error(t *testing.T) {
	for _, n := range []int32{0, 1} {
		if got, err := liburing.TrapError(n); got != int(n) || err != nil {
			t.Errorf("TrapError(%d) = %d, %v", n, got, err)
		}
	}
	_, err := liburing.TrapError(-11)
	if !errors.Is(err, unix.EAGAIN) || liburing.PythonErrorClass(err) != "BlockingIOError" {
		t.Errorf("TrapError(-11) = %v (%s), want BlockingIOError EAGAIN", err, liburing.PythonErrorClass(err))
	}
	// Python: -1 is an OSError (PermissionError, EPERM, when errno is 0).
	// Go maps only the value passed, never a stale errno.
	_, err = liburing.TrapError(-1)
	if !errors.Is(err, unix.EPERM) || liburing.PythonErrorClass(err) != "PermissionError" {
		t.Errorf("TrapError(-1) = %v, want EPERM", err)
	}
	_, err = liburing.TrapErrorMsg(-11, "testing `msg` returns")
	if !errors.Is(err, unix.EAGAIN) || liburing.PythonErrorClass(err) != "BlockingIOError" ||
		!strings.Contains(err.Error(), "testing `msg` returns") {
		t.Errorf("TrapErrorMsg(-11, msg) = %v", err)
	}
}

// error_test.py: test_memory_error.
func TestPython_memory_error(t *testing.T) {
	for _, tc := range []struct{ msg, want string }{
		{"", "`pycMyClass()` is out of memory!"},
		{"message", "`pycMyClass()` message"},
	} {
		err := liburing.MemoryError(pycMyClass{}, tc.msg)
		if err.Error() != tc.want || !errors.Is(err, unix.ENOMEM) {
			t.Errorf("MemoryError(%q) = %q, want %q (ENOMEM)", tc.msg, err, tc.want)
		}
	}
}

// error_test.py: test_index_error. Python's index_error(obj, -1) raises
// OverflowError; in Go the index is a uint, so a negative one does not
// compile.
func TestPython_index_error(t *testing.T) {
	for _, tc := range []struct{ msg, want string }{
		{"", "`pycMyClass()[1]` out of range!"},
		{"message!", "`pycMyClass()[1]` message!"},
	} {
		err := liburing.IndexError(&pycMyClass{}, 1, tc.msg)
		if err.Error() != tc.want || !errors.Is(err, liburing.ErrIndexOutOfRange) {
			t.Errorf("IndexError(%q) = %q, want %q", tc.msg, err, tc.want)
		}
	}
}

// iovec_test.py: test_iovec. Differences, on purpose: the limit is
// liburing.IovMax (1024, the kernel's UIO_MAXIOV), not Python's SC_IOV_MAX
// of 60 (the sysconf name, not its value); an empty buffer is allowed
// (nil base), where Python raises ValueError, and NewIovecSizes rejects
// size 0; there is no empty Iovec, but a nil *Iovec has Len 0.
func TestPython_iovec(t *testing.T) {
	newIovec := func(bufs ...[]byte) *liburing.Iovec {
		t.Helper()
		v, err := liburing.NewIovec(bufs)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { v.Close() })
		return v
	}
	tests := []struct {
		bufs   [][]byte
		len    int
		iovLen int
	}{
		{[][]byte{make([]byte, 1)}, 1, 1},
		{[][]byte{make([]byte, 2)}, 1, 2},
		{[][]byte{make([]byte, 3)}, 1, 3},
		{[][]byte{make([]byte, 1), make([]byte, 2), make([]byte, 3)}, 3, 1},
		{[][]byte{make([]byte, 2), make([]byte, 1)}, 2, 2},
	}
	for _, tt := range tests {
		v := newIovec(tt.bufs...)
		if n, _ := v.IovLen(0); v.Len() != tt.len || n != tt.iovLen {
			t.Errorf("Len %d IovLen(0) %d, want %d %d", v.Len(), n, tt.len, tt.iovLen)
		}
		// iovec[i] for i >= 1 works (it fails in Python 2024.5.3).
		for i, b := range tt.bufs {
			if e := v.At(i); e == nil || e.Len != uint64(len(b)) {
				t.Errorf("At(%d) = %+v, want len %d", i, e, len(b))
			}
		}
	}
	var empty *liburing.Iovec
	if empty.Len() != 0 {
		t.Error("nil Iovec has a length")
	}
	if _, err := liburing.NewIovec(nil); !errors.Is(err, unix.EINVAL) {
		t.Errorf("NewIovec(nil) = %v, want EINVAL", err)
	}

	// Write buffers: iov_base is the caller's own memory.
	for _, s := range []string{"a", "bb", "ccc"} {
		b := []byte(s)
		v := newIovec(b)
		got, _ := v.Bytes(0)
		if n, _ := v.IovLen(0); n != len(s) || string(got) != s || &got[0] != &b[0] {
			t.Errorf("iovec(%q): IovLen %d, Bytes %q", s, n, got)
		}
	}

	// The limit: Python allows 60 buffers, Go the kernel's 1024.
	many := make([][]byte, liburing.IovMax+1)
	for i := range many {
		many[i] = []byte{1}
	}
	if _, err := liburing.NewIovec(many); !errors.Is(err, unix.EINVAL) {
		t.Errorf("NewIovec(%d buffers) = %v, want EINVAL", len(many), err)
	}
	if v := newIovec(many[:61]...); v.Len() != 61 {
		t.Errorf("61 buffers: Len %d", v.Len())
	}
	if v := newIovec([]byte{}); v.Len() != 1 {
		t.Errorf("empty buffer: Len %d", v.Len())
	} else if n, _ := v.IovLen(0); n != 0 {
		t.Errorf("empty buffer: IovLen %d", n)
	}
	if _, err := liburing.NewIovecSizes(0); !errors.Is(err, unix.EINVAL) {
		t.Errorf("NewIovecSizes(0) = %v, want EINVAL", err)
	}
}

// version_test.py: test_set_linux_version_define.
func TestPython_set_linux_version_define(t *testing.T) {
	b, err := os.ReadFile("/proc/version")
	if err != nil {
		t.Skipf("no /proc/version: %v", err)
	}
	fields := strings.Fields(string(b))
	if len(fields) < 3 {
		t.Fatalf("/proc/version: %q", b)
	}
	parts := strings.Split(fields[2], ".")
	major, _ := strconv.Atoi(parts[0])
	minor, _ := strconv.Atoi(parts[1])
	v, err := liburing.LinuxVersion()
	if err != nil || v.Major != major || v.Minor != minor {
		t.Errorf("LinuxVersion() = %v, %v; /proc/version says %d.%d", v, err, major, minor)
	}
}

// version_test.py: test_linux_version.
func TestPython_linux_version(t *testing.T) {
	v, err := liburing.LinuxVersion()
	if err != nil {
		t.Fatal(err)
	}
	orOne := func(n int) int {
		if n == 0 {
			return 1
		}
		return n
	}
	M, m := v.Major, v.Minor
	tests := []struct {
		version string
		older   bool
	}{
		{strconv.Itoa(orOne(M - 1)), false},
		{strconv.Itoa(orOne(M-1)) + "." + strconv.Itoa(orOne(m)), false},
		{strconv.Itoa(M) + "." + strconv.Itoa(m), false},
		{strconv.Itoa(M + 1), true},
		{strconv.Itoa(M+1) + "." + strconv.Itoa(orOne(m)), true},
	}
	for _, tt := range tests {
		if got, err := liburing.LinuxVersionCheck(tt.version); got != tt.older || err != nil {
			t.Errorf("LinuxVersionCheck(%q) = %v, %v; want %v", tt.version, got, err, tt.older)
		}
	}
}

// version_test.py: test_liburing_version.
func TestPython_liburing_version(t *testing.T) {
	if liburing.MajorVersion() < 2 || (liburing.MajorVersion() == 2 && liburing.MinorVersion() < 4) {
		t.Errorf("liburing %s, want 2.4 or newer", liburing.LiburingVersion())
	}
	if !liburing.CheckVersion(10, 10) {
		t.Error("CheckVersion(10, 10) is false")
	}
}

// probe_test.py: test_probe. Python's dict is in opcode order; Go's map is
// not (use OpcodeName to walk opcodes in order).
func TestPython_probe(t *testing.T) {
	ops, err := liburing.SupportedOps()
	if err != nil {
		t.Fatal(err)
	}
	if !ops["IORING_OP_NOP"] {
		t.Error("IORING_OP_NOP not supported")
	}
	if _, ok := ops["IORING_OP_LAST"]; ok {
		t.Error("IORING_OP_LAST is a key")
	}
	// Python drops a probe and lets the collector free it; Go frees it
	// explicitly, and a second free is harmless.
	p, err := liburing.GetProbe()
	if err != nil {
		t.Fatal(err)
	}
	liburing.FreeProbe(p)
	liburing.FreeProbe(p)
}

// probe_test.py: test_probe_ring.
func TestPython_probe_ring(t *testing.T) {
	ring := pycRing(t, 32, 0)
	p, err := liburing.GetProbeRing(ring)
	if err != nil {
		t.Fatal(err)
	}
	defer liburing.FreeProbe(p)
	if p.OpsLen() <= 31 || p.LastOp() <= 30 || int(p.LastOp()) != p.OpsLen()-1 {
		t.Errorf("ops_len %d, last_op %d", p.OpsLen(), p.LastOp())
	}
}

// probe_test.py: test_probe_register. Python's io_uring_probe(1) is 16
// bytes, too small for 256 ops, so the kernel reads heap garbage and says
// EINVAL. Go's NewProbe sizes by ops and RegisterProbe refuses nr beyond
// them; the kernel's own EINVAL (non-zero bytes in the probe) is checked
// with a probe dirtied on purpose.
func TestPython_probe_register(t *testing.T) {
	ring := pycRing(t, 32, 0)
	p, err := liburing.NewProbe(1)
	if err != nil {
		t.Fatal(err)
	}
	if err := liburing.RegisterProbe(ring, p, 256); !errors.Is(err, unix.EINVAL) {
		t.Errorf("RegisterProbe(room 1, nr 256) = %v, want EINVAL", err)
	}
	liburing.FreeProbe(p)

	p, err = liburing.NewProbe(256)
	if err != nil {
		t.Fatal(err)
	}
	*(*byte)(unsafe.Add(p.CPtr(), 16+8*10)) = 1 // op 10's entry, not zero
	if err := liburing.RegisterProbe(ring, p, 256); !errors.Is(err, unix.EINVAL) {
		t.Errorf("RegisterProbe(dirty probe) = %v, want EINVAL", err)
	}
	liburing.FreeProbe(p)

	p, err = liburing.NewProbe(4)
	if err != nil {
		t.Fatal(err)
	}
	if err := liburing.RegisterProbe(ring, p, 4); err != nil {
		t.Errorf("RegisterProbe(4) = %v", err)
	}
	liburing.FreeProbe(p)
}

// time_test.py: test_timespec.
func TestPython_timespec(t *testing.T) {
	for _, tc := range []struct {
		sec      float64
		wantSec  int64
		wantNsec int64
	}{{1, 1, 0}, {1.5, 1, 500000000}, {0, 0, 0}} {
		ts, err := liburing.NewTimespecSeconds(tc.sec)
		if err != nil {
			t.Fatal(err)
		}
		if p := ts.Ptr(); p.Sec != tc.wantSec || p.Nsec != tc.wantNsec {
			t.Errorf("timespec(%v) = %+v", tc.sec, *p)
		}
		ts.Ptr().Sec, ts.Ptr().Nsec = 1, 500000000
		if p := ts.Ptr(); p.Sec != 1 || p.Nsec != 500000000 {
			t.Errorf("after set: %+v", *p)
		}
		ts.Close()
	}
}

// queue/init_exit_test.py: test_io_uring_init_exit. Python's RuntimeError
// for a second init or exit is ErrRingInUse or ErrRingClosed. Python keeps
// a ring "active" after a failed init, so its exit returns 0; Go's ring was
// never set up, so QueueExit returns ErrRingClosed.
func TestPython_io_uring_init_exit(t *testing.T) {
	var ring liburing.Ring
	if ring.Flags() != 0 || ring.Fd() != -1 || ring.Features() != 0 || ring.EnterRingFd() != -1 || ring.IntFlags() != 0 {
		t.Errorf("fresh ring: %v", &ring)
	}
	if err := liburing.QueueInit(8, &ring, 0); err != nil {
		t.Fatal(err)
	}
	if ring.Fd() <= 0 || ring.EnterRingFd() <= 0 {
		t.Errorf("ring_fd %d enter_ring_fd %d", ring.Fd(), ring.EnterRingFd())
	}
	if err := liburing.QueueInit(4, &ring, 0); !errors.Is(err, liburing.ErrRingInUse) {
		t.Errorf("second QueueInit = %v, want ErrRingInUse", err)
	}
	if s := ring.String(); !strings.HasPrefix(s, "Ring(flags=") {
		t.Errorf("String() = %q", s)
	}
	if err := liburing.QueueExit(&ring); err != nil {
		t.Fatal(err)
	}
	if s := ring.String(); s != "Ring(closed)" {
		t.Errorf("String() after exit = %q", s)
	}
	if err := liburing.QueueExit(&ring); !errors.Is(err, liburing.ErrRingClosed) {
		t.Errorf("second QueueExit = %v, want ErrRingClosed", err)
	}

	var bad liburing.Ring
	if err := liburing.QueueInit(0, &bad, 0); !errors.Is(err, unix.EINVAL) {
		t.Errorf("QueueInit(0) = %v, want EINVAL", err)
	}
	if err := liburing.QueueExit(&bad); !errors.Is(err, liburing.ErrRingClosed) {
		t.Errorf("QueueExit after failed init = %v, want ErrRingClosed", err)
	}
}

// queue/init_exit_test.py: test_setup_iopoll_sqpoll.
func TestPython_setup_iopoll_sqpoll(t *testing.T) {
	for _, flag := range []uint32{liburing.IORING_SETUP_IOPOLL, liburing.IORING_SETUP_SQPOLL} {
		var ring liburing.Ring
		err := liburing.QueueInit(1, &ring, flag)
		if errors.Is(err, fs.ErrPermission) && flag == liburing.IORING_SETUP_SQPOLL {
			t.Logf("SQPOLL needs privileges on this kernel: %v", err)
			continue
		}
		if err != nil {
			t.Fatalf("QueueInit(1, %#x) = %v", flag, err)
		}
		if err := liburing.QueueExit(&ring); err != nil {
			t.Fatal(err)
		}
	}
}

// queue/init_exit_test.py: test_init_max. Python reads cqe[i] by pointer
// arithmetic from the CQ head; Go indexes a CQEBatch.
func TestPython_init_max(t *testing.T) {
	const n = 32768
	ring := pycRing(t, n, 0)
	for i := range n {
		sqe := pycSQE(t, ring)
		liburing.PrepNop(sqe)
		if i < n-1 {
			sqe.Flags = liburing.IOSQE_IO_LINK | liburing.IOSQE_ASYNC
		} else {
			sqe.Flags = liburing.IOSQE_ASYNC
		}
		sqe.UserData = uint64(i + 1)
	}
	cqes := pycCQEs(t, n)
	pycSubmitAndWaitTimeout(t, ring, cqes, n, nil)
	for i := range n {
		if ud := cqes.At(i).UserData; ud != uint64(i+1) {
			t.Fatalf("cqe[%d].user_data = %d, want %d", i, ud, i+1)
		}
	}
	liburing.CQAdvance(ring, n)
	if _, err := liburing.PeekCQE(ring); !errors.Is(err, unix.EAGAIN) {
		t.Errorf("PeekCQE on an empty CQ = %v, want EAGAIN", err)
	}
}

// queue/init_exit_test.py: test_max_entries_plus. As in
// test_io_uring_init_exit, Go's QueueExit after the failed init returns
// ErrRingClosed where Python returns 0.
func TestPython_max_entries_plus(t *testing.T) {
	var ring liburing.Ring
	if err := liburing.QueueInit(32769, &ring, 0); !errors.Is(err, unix.EINVAL) {
		t.Errorf("QueueInit(32769) = %v, want EINVAL", err)
	}
	if err := liburing.QueueExit(&ring); !errors.Is(err, liburing.ErrRingClosed) {
		t.Errorf("QueueExit = %v, want ErrRingClosed", err)
	}
}

// queue/init_exit_test.py: test_io_uring_submit_and_wait. The SQE is not
// prepared: fresh ring memory is zero, so its opcode is IORING_OP_NOP.
func TestPython_io_uring_submit_and_wait(t *testing.T) {
	ring := pycRing(t, 32, 0)
	pycSQE(t, ring).UserData = 123
	if n := liburing.SQReady(ring); n != 1 {
		t.Errorf("SQReady = %d, want 1", n)
	}
	if n, err := liburing.SubmitAndWait(ring, 1); n != 1 || err != nil {
		t.Fatalf("SubmitAndWait = %d, %v", n, err)
	}
	if n := liburing.SQReady(ring); n != 0 {
		t.Errorf("SQReady = %d, want 0", n)
	}
	cqe, err := liburing.PeekCQE(ring)
	if err != nil || cqe.UserData != 123 {
		t.Fatalf("PeekCQE = %v, %v", cqe, err)
	}
}

// queue/macro_test.py: test_io_uring_for_each_cqe. Python 2024.5.3's
// io_uring_for_each_cqe returns the absolute CQ tail (1, then 3); Go's
// ForEachCQE yields the ready CQEs (1, then 2), whose running total is that
// tail.
func TestPython_io_uring_for_each_cqe(t *testing.T) {
	ring := pycRing(t, 32, 0)
	cqes := pycCQEs(t, 2)
	forEach := func() (n uint32, uds []uint64) {
		for cqe := range liburing.ForEachCQE(ring) {
			n++
			uds = append(uds, cqe.UserData)
		}
		return n, uds
	}

	sqe := pycSQE(t, ring)
	liburing.PrepNop(sqe)
	sqe.UserData = 1
	pycSubmitAndWaitTimeout(t, ring, cqes, 1, nil)
	n1, uds := forEach()
	if n1 != 1 || uds[0] != 1 {
		t.Errorf("ForEachCQE: %d CQEs %v, want [1]", n1, uds)
	}
	if c := cqes.At(0); c.Res != 0 || c.UserData != 1 {
		t.Errorf("cqe %v", c)
	}
	liburing.CQAdvance(ring, 1)

	sqe = pycSQE(t, ring)
	liburing.PrepNop(sqe)
	sqe.UserData = 2
	sqe.Flags = liburing.IOSQE_IO_LINK
	sqe = pycSQE(t, ring)
	liburing.PrepNop(sqe)
	sqe.UserData = 3
	pycSubmitAndWaitTimeout(t, ring, cqes, 2, nil)
	n2, uds := forEach()
	if n2 != 2 || n1+n2 != 3 || uds[0] != 2 || uds[1] != 3 {
		t.Errorf("ForEachCQE: %d CQEs %v, want [2 3]", n2, uds)
	}
	if c := cqes.At(0); c.Res != 0 || c.UserData != 2 {
		t.Errorf("cqe[0] %v", c)
	}
	if c := cqes.At(1); c.Res != 0 || c.UserData != 3 {
		t.Errorf("cqe[1] %v", c)
	}
	liburing.CQAdvance(ring, 2)
}

// queue/macro_test.py: test_io_uring_cqe_shift (Python's
// _io_uring_cqe_shift).
func TestPython_io_uring_cqe_shift(t *testing.T) {
	for _, tc := range []struct {
		flags uint32
		want  uint32
	}{{0, 0}, {liburing.IORING_SETUP_CQE32, 1}} {
		ring := pycRing(t, 1, tc.flags)
		if got := liburing.CQEShift(ring); got != tc.want {
			t.Errorf("flags %#x: CQEShift = %d, want %d", tc.flags, got, tc.want)
		}
		liburing.QueueExit(ring)
	}
}

// queue/macro_test.py: test_io_uring_cqe_index (Python's
// _io_uring_cqe_index).
func TestPython_io_uring_cqe_index(t *testing.T) {
	for _, tc := range []struct {
		flags uint32
		want1 uint32
	}{{0, 1}, {liburing.IORING_SETUP_CQE32, 2}} {
		ring := pycRing(t, 1, tc.flags)
		if got := liburing.CQEIndex(ring, 0, 0); got != 0 {
			t.Errorf("flags %#x: CQEIndex(0, 0) = %d", tc.flags, got)
		}
		if got := liburing.CQEIndex(ring, 1, 1); got != tc.want1 {
			t.Errorf("flags %#x: CQEIndex(1, 1) = %d, want %d", tc.flags, got, tc.want1)
		}
		liburing.QueueExit(ring)
	}
}

// queue/sqe_cqe_test.py: test_io_uring_sqe. Python's io_uring_sqe(num) is
// an SQEBatch: indexing is Go's (out of range panics where Python raises
// IndexError), and a negative num is EINVAL (Python: OverflowError).
// io_uring_sqe(None) has no Go counterpart.
func TestPython_io_uring_sqe(t *testing.T) {
	if b, err := liburing.NewSQEBatch(0); err != nil || len(b) != 0 {
		t.Errorf("NewSQEBatch(0) = %d, %v", len(b), err)
	}
	if b, err := liburing.NewSQEBatch(1); err != nil || len(b) != 1 {
		t.Errorf("NewSQEBatch(1) = %d, %v", len(b), err)
	}
	b, err := liburing.NewSQEBatch(2)
	if err != nil || len(b) != 2 {
		t.Fatalf("NewSQEBatch(2) = %d, %v", len(b), err)
	}
	a := &b[1]
	if a == &b[0] || &b[1] != a {
		t.Error("element 1 is not a stable, distinct SQE")
	}
	if !pycPanics(func() { _ = b[len(b)] }) {
		t.Error("b[2] did not panic")
	}
	if _, err := liburing.NewSQEBatch(-3); !errors.Is(err, unix.EINVAL) {
		t.Errorf("NewSQEBatch(-3) = %v, want EINVAL", err)
	}
}

// queue/sqe_cqe_test.py: test_io_uring_cqe. Python's empty holder raises
// IndexError or MemoryError; CQEBatch.At returns nil.
func TestPython_io_uring_cqe(t *testing.T) {
	ring := pycRing(t, 32, 0)
	cqes := pycCQEs(t, 32)
	if cqes.At(0) != nil || cqes.At(1) != nil || cqes.Len() != 0 {
		t.Error("empty holder has CQEs")
	}
	for i := range 2 {
		sqe := pycSQE(t, ring)
		liburing.PrepNop(sqe)
		sqe.UserData = uint64(i + 1)
	}
	pycSubmitAndWaitTimeout(t, ring, cqes, 2, nil)
	if cqes.Len() != 2 || cqes.At(0).UserData != 1 || cqes.At(1).UserData != 2 {
		t.Errorf("holder: %v %v", cqes.At(0), cqes.At(1))
	}
	if cqes.At(2) != nil {
		t.Errorf("cqe[2] = %v, want none", cqes.At(2))
	}
	if s := cqes.At(0).String(); s != "CQE(user_data=1, res=0, flags=0)" {
		t.Errorf("String() = %q", s)
	}
}

// queue/sqe_cqe_test.py: test_cqe_get_index (the compiled
// liburing.test_cqe_get_index). Python's get_index(2) reads the unused,
// zeroed next slot; Go's is bounded by the ready count and gives (0, 0)
// too.
func TestPython_cqe_get_index(t *testing.T) {
	ring := pycRing(t, 2, 0)
	cqes := pycCQEs(t, 4)
	for i := range 2 {
		if res, ud := cqes.GetIndex(i); res != 0 || ud != 0 {
			t.Errorf("empty GetIndex(%d) = %d, %d", i, res, ud)
		}
	}
	for i := range 2 {
		sqe := pycSQE(t, ring)
		liburing.PrepNop(sqe)
		sqe.UserData = uint64(i + 1)
	}
	pycSubmitAndWaitTimeout(t, ring, cqes, 2, nil)
	for i, want := range []uint64{1, 2, 0} {
		if res, ud := cqes.GetIndex(i); res != 0 || ud != want {
			t.Errorf("GetIndex(%d) = %d, %d; want 0, %d", i, res, ud, want)
		}
	}
}

// helper/io_uring_put_sqe_test.py: test_io_uring_put_sqe. Where Python's
// io_uring_put_sqe returns False for a batch larger than the ring, Go's
// PutSQE also says why: unix.EINVAL, as it can never fit (a full SQ gives
// false with no error).
func TestPython_io_uring_put_sqe(t *testing.T) {
	loop := func(entries uint32, num int) (bool, error) {
		var ring liburing.Ring
		if err := liburing.QueueInit(entries, &ring, 0); err != nil {
			t.Fatal(err)
		}
		defer liburing.QueueExit(&ring)
		sqes, err := liburing.NewSQEBatch(num)
		if err != nil {
			t.Fatal(err)
		}
		for i := range sqes {
			liburing.PrepNop(&sqes[i])
			sqes[i].UserData = uint64(i + 1)
		}
		if ok, err := liburing.PutSQE(&ring, sqes); !ok {
			return false, err
		}
		if _, err := liburing.Submit(&ring); err != nil {
			t.Fatal(err)
		}
		if num > 0 {
			cqes := pycCQEs(t, num)
			if n, err := cqes.Wait(&ring, uint32(num), nil, nil); err != nil || n != num {
				t.Fatalf("Wait(%d) = %d, %v", num, n, err)
			}
			for i := range num {
				if ud := cqes.At(i).UserData; ud != uint64(i+1) {
					t.Fatalf("cqe[%d].user_data = %d", i, ud)
				}
			}
			cqes.Seen(&ring)
		}
		return true, nil
	}
	tests := []struct {
		entries uint32
		num     int
		ok      bool
		err     error
	}{
		{1, 2, false, unix.EINVAL},
		{2, 2, true, nil},
		{8, 2, true, nil},
		{1, 0, true, nil},
		{1024, 1024, true, nil},
	}
	for _, tt := range tests {
		ok, err := loop(tt.entries, tt.num)
		if ok != tt.ok || !errors.Is(err, tt.err) || (err == nil) != (tt.err == nil) {
			t.Errorf("loop(%d, %d) = %v, %v; want %v, %v", tt.entries, tt.num, ok, err, tt.ok, tt.err)
		}
	}
}
