//go:build linux && cgo

package liburing

import (
	"errors"
	"io/fs"
	"path/filepath"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

func TestQueueInitExit(t *testing.T) {
	var ring Ring
	if err := QueueInit(8, &ring, 0); err != nil {
		t.Fatalf("QueueInit: %v", err)
	}
	if ring.CPtr() == nil {
		t.Fatal("CPtr is nil after QueueInit")
	}
	if err := QueueInit(8, &ring, 0); !errors.Is(err, ErrRingInUse) {
		t.Errorf("second QueueInit: %v, want ErrRingInUse", err)
	}
	if err := QueueExit(&ring); err != nil {
		t.Fatalf("QueueExit: %v", err)
	}
	if err := QueueExit(&ring); !errors.Is(err, ErrRingClosed) {
		t.Errorf("second QueueExit: %v, want ErrRingClosed", err)
	}
	// A ring can be set up again after QueueExit, as in C.
	if err := QueueInit(4, &ring, 0); err != nil {
		t.Fatalf("QueueInit after exit: %v", err)
	}
	if err := QueueExit(&ring); err != nil {
		t.Fatal(err)
	}
}

func TestQueueInitErrors(t *testing.T) {
	tests := []struct {
		name    string
		entries uint32
		flags   uint32
		want    error
	}{
		{"zero entries", 0, 0, unix.EINVAL},
		{"too many entries", 1 << 20, 0, unix.EINVAL},
		{"unknown setup flag", 8, 1 << 30, unix.EINVAL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ring Ring
			err := QueueInit(tt.entries, &ring, tt.flags)
			if !errors.Is(err, tt.want) {
				QueueExit(&ring)
				t.Fatalf("QueueInit(%d, %#x) = %v, want %v", tt.entries, tt.flags, err, tt.want)
			}
			if ring.CPtr() != nil {
				t.Error("failed QueueInit left the ring set up")
			}
		})
	}
	if err := QueueInit(8, nil, 0); !errors.Is(err, ErrNilRing) {
		t.Errorf("QueueInit(nil ring) = %v, want ErrNilRing", err)
	}
	if err := QueueInitParams(8, new(Ring), nil); !errors.Is(err, unix.EFAULT) {
		t.Errorf("QueueInitParams(nil params) = %v, want EFAULT", err)
	}
}

func TestQueueInitParams(t *testing.T) {
	var ring Ring
	p := Params{Flags: IORING_SETUP_CQSIZE, CQEntries: 64}
	if err := QueueInitParams(8, &ring, &p); err != nil {
		t.Fatalf("QueueInitParams: %v", err)
	}
	defer QueueExit(&ring)
	if p.SQEntries != 8 || p.CQEntries != 64 {
		t.Errorf("sq_entries %d cq_entries %d, want 8 and 64", p.SQEntries, p.CQEntries)
	}
	if p.Features&IORING_FEAT_NODROP == 0 || p.Features&IORING_FEAT_SINGLE_MMAP == 0 {
		t.Errorf("features %#x lack NODROP or SINGLE_MMAP", p.Features)
	}
	if p.SQOff.Array == 0 && p.Flags&IORING_SETUP_NO_SQARRAY == 0 {
		t.Errorf("sq_off.array is 0")
	}
	if p.CQOff.Cqes == 0 {
		t.Errorf("cq_off.cqes is 0")
	}
}

// TestNopRoundTrip submits NOPs and reaps their CQEs: res 0, user_data back.
func TestNopRoundTrip(t *testing.T) {
	ring := newRing(t, 8, 0)
	for i := uint64(1); i <= 3; i++ {
		sqe := GetSQE(ring)
		if sqe == nil {
			t.Fatal("GetSQE returned nil on an empty ring")
		}
		PrepNop(sqe)
		SQESetData64(sqe, i*100)
	}
	n, err := SubmitAndWait(ring, 3)
	if err != nil || n != 3 {
		t.Fatalf("SubmitAndWait = %d, %v; want 3", n, err)
	}
	for i := uint64(1); i <= 3; i++ {
		cqe, err := PeekCQE(ring)
		if err != nil {
			t.Fatalf("PeekCQE %d: %v", i, err)
		}
		if cqe.Res != 0 || CQEGetData64(cqe) != i*100 || cqe.UserData != i*100 {
			t.Errorf("cqe %d: res %d user_data %d, want 0 and %d", i, cqe.Res, cqe.UserData, i*100)
		}
		CQESeen(ring, cqe)
	}
	if _, err := PeekCQE(ring); !errors.Is(err, unix.EAGAIN) {
		t.Errorf("PeekCQE on an empty CQ = %v, want EAGAIN", err)
	}
}

// TestPrepSQEFields checks each core prep helper's SQE against the io_uring
// ABI: the fields it sets, user_data untouched, every other field zero.
func TestPrepSQEFields(t *testing.T) {
	buf := testCMem(t, 64)
	addr := testAddr(&buf[0])
	path := testCString(t, "/tmp/x")
	paddr := testAddr(path)

	tests := []testSQECase{
		{"nop", func(s *SQE) { PrepNop(s) }, SQE{Opcode: IORING_OP_NOP, Fd: -1}},
		{"read", func(s *SQE) { PrepRead(s, 7, unsafe.Pointer(&buf[0]), 64, 4096) },
			SQE{Opcode: IORING_OP_READ, Fd: 7, Addr: addr, Len: 64, Off: 4096}},
		{"read at current position", func(s *SQE) { PrepRead(s, 3, unsafe.Pointer(&buf[0]), 1, ^uint64(0)) },
			SQE{Opcode: IORING_OP_READ, Fd: 3, Addr: addr, Len: 1, Off: ^uint64(0)}},
		{"write", func(s *SQE) { PrepWrite(s, 9, unsafe.Pointer(&buf[0]), 33, 1) },
			SQE{Opcode: IORING_OP_WRITE, Fd: 9, Addr: addr, Len: 33, Off: 1}},
		{"openat", func(s *SQE) { PrepOpenat(s, unix.AT_FDCWD, path, unix.O_CREAT|unix.O_RDWR, 0o640) },
			SQE{Opcode: IORING_OP_OPENAT, Fd: unix.AT_FDCWD, Addr: paddr, Len: 0o640, OpFlags: unix.O_CREAT | unix.O_RDWR}},
		{"close", func(s *SQE) { PrepClose(s, 12) }, SQE{Opcode: IORING_OP_CLOSE, Fd: 12}},
	}
	testCheckSQE(t, tests)
}

// TestGetSQEInitializes: io_uring_get_sqe clears the fields a previous use
// of the same slot left behind, except user_data and the fields every prep
// helper writes.
func TestGetSQEInitializes(t *testing.T) {
	ring := newRing(t, 1, 0)
	sqe := GetSQE(ring)
	PrepNop(sqe)
	sqe.Ioprio, sqe.OpFlags, sqe.BufIndex, sqe.Personality = 1, 2, 3, 4
	sqe.SpliceFdIn, sqe.Addr3, sqe.Pad2, sqe.UserData = 5, 6, 7, 99
	// The kernel rejects the stale fields, which is fine: only the slot's
	// reuse matters here.
	submitWait(t, ring)
	again := GetSQE(ring)
	if again != sqe {
		t.Fatalf("a one-entry ring handed out %p, then %p", sqe, again)
	}
	want := SQE{Opcode: IORING_OP_NOP, Fd: -1, UserData: 99}
	if *again != want {
		t.Errorf("reused SQE\n got %+v\nwant %+v", *again, want)
	}
}

func TestSQESetters(t *testing.T) {
	sqe := new(SQE)
	SQESetData64(sqe, 0xdeadbeefcafef00d)
	SQESetFlags(sqe, IOSQE_IO_LINK|IOSQE_ASYNC)
	if sqe.UserData != 0xdeadbeefcafef00d {
		t.Errorf("user_data %#x", sqe.UserData)
	}
	if sqe.Flags != IOSQE_IO_LINK|IOSQE_ASYNC || IOSQE_IO_LINK != 4 || IOSQE_ASYNC != 16 {
		t.Errorf("flags %#x", sqe.Flags)
	}
	if CQEGetData64(nil) != 0 {
		t.Error("CQEGetData64(nil) != 0")
	}
	cqe := &CQE{UserData: 42}
	if CQEGetData64(cqe) != 42 {
		t.Errorf("CQEGetData64 = %d", CQEGetData64(cqe))
	}
}

// TestFileRoundTrip opens, writes, reads back and closes a file through the
// ring, checking every result and the bytes on disk.
func TestFileRoundTrip(t *testing.T) {
	ring := newRing(t, 8, 0)
	name := filepath.Join(t.TempDir(), "f")
	path := testCString(t, name)

	PrepOpenat(GetSQE(ring), unix.AT_FDCWD, path, unix.O_CREAT|unix.O_RDWR, 0o600)
	_, res, _ := submitWait(t, ring)
	fd, err := TrapError(res)
	if err != nil {
		t.Fatalf("openat: %v", err)
	}

	data := []byte("hello, io_uring")
	iov, err := NewIovec([][]byte{data})
	if err != nil {
		t.Fatal(err)
	}
	defer iov.Close()
	base, _ := iov.Base(0)
	PrepWrite(GetSQE(ring), fd, base, uint32(len(data)), 0)
	if _, res, _ := submitWait(t, ring); res != int32(len(data)) {
		t.Fatalf("write res %d, want %d", res, len(data))
	}
	testFileHolds(t, name, string(data))

	out, err := NewIovecSizes(64)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	obase, _ := out.Base(0)
	PrepRead(GetSQE(ring), fd, obase, 64, 7)
	_, res, _ = submitWait(t, ring)
	if n, err := TrapError(res); err != nil || n != len(data)-7 {
		t.Fatalf("read res %d, %v; want %d", n, err, len(data)-7)
	}
	got, _ := out.Bytes(0)
	if string(got[:len(data)-7]) != "io_uring" {
		t.Errorf("read %q", got[:len(data)-7])
	}

	PrepClose(GetSQE(ring), fd)
	if _, res, _ := submitWait(t, ring); res != 0 {
		t.Fatalf("close res %d", res)
	}
	PrepClose(GetSQE(ring), fd)
	if _, res, _ := submitWait(t, ring); res != -int32(unix.EBADF) {
		t.Fatalf("second close res %d, want -EBADF", res)
	}
}

func TestTrapError(t *testing.T) {
	tests := []struct {
		res   int32
		n     int
		errno unix.Errno
		is    error
	}{
		{0, 0, 0, nil},
		{4096, 4096, 0, nil},
		{-int32(unix.ENOENT), 0, unix.ENOENT, fs.ErrNotExist},
		{-int32(unix.EAGAIN), 0, unix.EAGAIN, unix.EAGAIN},
		{-int32(unix.EEXIST), 0, unix.EEXIST, fs.ErrExist},
		{-int32(unix.EACCES), 0, unix.EACCES, fs.ErrPermission},
		{-int32(unix.ECANCELED), 0, unix.ECANCELED, unix.ECANCELED},
	}
	for _, tt := range tests {
		n, err := TrapError(tt.res)
		if n != tt.n {
			t.Errorf("TrapError(%d) n = %d, want %d", tt.res, n, tt.n)
		}
		if tt.errno == 0 {
			if err != nil {
				t.Errorf("TrapError(%d) = %v", tt.res, err)
			}
			continue
		}
		var e unix.Errno
		if !errors.As(err, &e) || e != tt.errno || !errors.Is(err, tt.is) {
			t.Errorf("TrapError(%d) = %v, want %v (is %v)", tt.res, err, tt.errno, tt.is)
		}
	}
}

func TestProbe(t *testing.T) {
	p, err := GetProbe()
	if err != nil {
		t.Fatalf("GetProbe: %v", err)
	}
	defer FreeProbe(p)
	if p.LastOp() < IORING_OP_SENDMSG_ZC {
		t.Errorf("last_op %d: older than Linux 6.1, the oldest kernel the package supports", p.LastOp())
	}
	ops := p.Ops()
	if len(ops) != int(p.LastOp())+1 {
		t.Errorf("%d ops for last_op %d", len(ops), p.LastOp())
	}
	for i, op := range ops {
		if int(op.Op) != i {
			t.Errorf("ops[%d].op = %d", i, op.Op)
		}
		if got := OpcodeSupported(p, i); got != (op.Flags&IO_URING_OP_SUPPORTED != 0) {
			t.Errorf("OpcodeSupported(%d) = %v, flags %#x", i, got, op.Flags)
		}
	}
	for _, op := range []int{IORING_OP_NOP, IORING_OP_READ, IORING_OP_WRITE, IORING_OP_OPENAT, IORING_OP_CLOSE} {
		if !OpcodeSupported(p, op) {
			t.Errorf("%s not supported", OpcodeName(op))
		}
	}
	if OpcodeSupported(p, int(p.LastOp())+1) || OpcodeSupported(p, 255) {
		t.Error("an opcode past last_op is reported supported")
	}

	ring := newRing(t, 2, 0)
	pr, err := GetProbeRing(ring)
	if err != nil {
		t.Fatal(err)
	}
	if pr.LastOp() != p.LastOp() {
		t.Errorf("GetProbeRing last_op %d, GetProbe %d", pr.LastOp(), p.LastOp())
	}
	FreeProbe(pr)
	FreeProbe(pr) // twice is harmless
	if pr.Ops() != nil || OpcodeSupported(pr, IORING_OP_NOP) || pr.CPtr() != nil {
		t.Error("a freed probe still answers")
	}

	m, err := SupportedOps()
	if err != nil {
		t.Fatal(err)
	}
	if len(m) != len(opcodeNames) || !m["IORING_OP_NOP"] || !m["IORING_OP_READ"] {
		t.Errorf("SupportedOps: %d entries, NOP %v READ %v", len(m), m["IORING_OP_NOP"], m["IORING_OP_READ"])
	}
}

func TestOpcodeName(t *testing.T) {
	for op, want := range map[int]string{
		IORING_OP_NOP: "IORING_OP_NOP", IORING_OP_READ: "IORING_OP_READ", 1: "IORING_OP_READV",
		IORING_OP_FTRUNCATE: "IORING_OP_FTRUNCATE", 56: "IORING_OP_BIND", 200: "IORING_OP_200", -1: "IORING_OP_-1",
	} {
		if got := OpcodeName(op); got != want {
			t.Errorf("OpcodeName(%d) = %q, want %q", op, got, want)
		}
	}
}

func TestVersion(t *testing.T) {
	if MajorVersion() != IO_URING_VERSION_MAJOR || MinorVersion() != IO_URING_VERSION_MINOR {
		t.Errorf("library %d.%d, headers %d.%d", MajorVersion(), MinorVersion(), IO_URING_VERSION_MAJOR, IO_URING_VERSION_MINOR)
	}
	if MajorVersion() != 2 || MinorVersion() < 6 {
		t.Errorf("linked liburing %d.%d, want 2.6 or newer", MajorVersion(), MinorVersion())
	}
	if CheckVersion(2, 6) {
		t.Error("CheckVersion(2, 6): the library claims to be older than 2.6")
	}
	if !CheckVersion(3, 0) || !CheckVersion(2, MinorVersion()+1) {
		t.Error("CheckVersion for a newer release is false")
	}
}
