//go:build linux && cgo

package tests

// liburing 2.6 test/ programs of the setup, version and probe areas.

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
	"unsafe"

	lu "github.com/liburing-go/liburing"
	"golang.org/x/sys/unix"
)

// possibleCPUs is get_nprocs_conf(): one past the last possible CPU.
func possibleCPUs(t *testing.T) uint32 {
	b, err := os.ReadFile("/sys/devices/system/cpu/possible")
	if err != nil {
		t.Skipf("no CPU list: %v", err)
	}
	s := strings.TrimSpace(string(b))
	if i := strings.LastIndexAny(s, "-,"); i >= 0 {
		s = s[i+1:]
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("parse %q: %v", b, err)
	}
	return uint32(n + 1)
}

// TestLiburing_io_uring_setup covers test/io_uring_setup.c: the
// io_uring_setup(2) system call rejects bad arguments with the documented
// errno, and the ring fd it returns cannot be read like a file.
func TestLiburing_io_uring_setup(t *testing.T) {
	cases := []struct {
		name    string
		entries uint32
		p       *lu.Params
		want    unix.Errno
	}{
		{"zero entries", 0, &lu.Params{}, unix.EINVAL},
		{"nil params", 1, nil, unix.EFAULT},
		{"resv not zero", 1, &lu.Params{Resv: [3]uint32{1, 1, 1}}, unix.EINVAL},
		{"unknown flags", 1, &lu.Params{Flags: ^uint32(0)}, unix.EINVAL},
		{"SQ_AFF without SQPOLL", 1, &lu.Params{Flags: lu.IORING_SETUP_SQ_AFF}, unix.EINVAL},
		{"SQ_AFF on a CPU that does not exist", 1, &lu.Params{
			Flags:       lu.IORING_SETUP_SQPOLL | lu.IORING_SETUP_SQ_AFF,
			SQThreadCpu: possibleCPUs(t),
		}, unix.EINVAL},
	}
	for _, c := range cases {
		fd, err := lu.Setup(c.entries, c.p)
		if err == nil {
			unix.Close(fd)
			t.Errorf("%s: Setup succeeded (fd %d), want %v", c.name, fd, c.want)
			continue
		}
		if !errors.Is(err, c.want) {
			t.Errorf("%s: Setup error %v, want %v", c.name, err, c.want)
		}
	}

	var p lu.Params
	fd, err := lu.Setup(1, &p)
	if err != nil {
		t.Fatalf("Setup(1): %v", err)
	}
	defer unix.Close(fd)
	if p.SQEntries != 1 || p.CQEntries != 2 {
		t.Errorf("Setup(1) sized the rings %d/%d, want 1/2", p.SQEntries, p.CQEntries)
	}
	buf := make([]byte, 4096)
	if n, err := unix.Read(fd, buf); err == nil {
		t.Errorf("read of an io_uring fd returned %d bytes, want an error", n)
	}
}

// TestLiburing_no_mmap_inval covers test/no-mmap-inval.c: a
// IORING_SETUP_NO_MMAP ring with a CQ user address that does not suit the
// kernel either fails with EFAULT or (liburing replacing the addresses with
// its own memory) sets up; it never crashes.
func TestLiburing_no_mmap_inval(t *testing.T) {
	mem := ltCBuf(t, 3*8192) // posix_memalign(pagesize, 8192) in C
	page := uintptr(os.Getpagesize())
	addr := (uintptr(ltPtr(mem)) + page - 1) &^ (page - 1)
	p := lu.Params{SQEntries: 2, CQEntries: 4, Flags: lu.IORING_SETUP_NO_MMAP}
	p.CQOff.UserAddr = uint64(addr)
	ring := new(lu.Ring)
	err := lu.QueueInitParams(2, ring, &p)
	switch {
	case err == nil:
		lu.QueueExit(ring)
	case errors.Is(err, unix.EINVAL):
		t.Skip("kernel lacks IORING_SETUP_NO_MMAP (Linux 6.5)")
	case errors.Is(err, unix.ENOMEM):
		t.Skip("liburing found no huge page for the rings (2.7 and later put even a small NO_MMAP ring on one; 2.6 passes)")
	case !errors.Is(err, unix.EFAULT):
		t.Fatalf("QueueInitParams(NO_MMAP, bad address) = %v, want nil or EFAULT", err)
	}
}

// TestLiburing_ring_leak2 covers test/ring-leak2.c: two rings whose
// requests wait on each other's eventfds and on a listening socket, with
// io-wq workers blocked in reads, must not keep the process from exiting.
// The scenario runs in a child process that exits with everything pending;
// the parent checks that it is gone promptly.
func TestLiburing_ring_leak2(t *testing.T) {
	if ltChildRole() == "ring-leak2" {
		ringLeak2Child()
	}
	cmd := ltChild(t, "ring-leak2")
	start := time.Now()
	ltRunChild(t, cmd)
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("child with two cross-waiting rings took %v to exit", d)
	}
}

func ringLeak2Child() {
	fail := func(what string, err error) { ltChildExit(1, "%s: %v", what, err) }
	lfd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_NONBLOCK, 0)
	if err != nil {
		fail("socket", err)
	}
	if err := unix.Bind(lfd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		fail("bind", err)
	}
	if err := unix.Listen(lfd, 1); err != nil {
		fail("listen", err)
	}
	var rings [2]lu.Ring
	var evfds [2]int
	buf, _ := lu.AllocBuffer(16)
	for i := range rings {
		if err := lu.QueueInitParams(8, &rings[i], &lu.Params{}); err != nil {
			fail("QueueInitParams", err)
		}
		if evfds[i], err = unix.Eventfd(0, unix.EFD_CLOEXEC); err != nil {
			fail("eventfd", err)
		}
	}
	for i := range rings {
		// A read of the other ring's eventfd, forced to io-wq, plus a poll
		// on the listener: each ring pins files the other one uses.
		sqe := lu.GetSQE(&rings[i])
		lu.PrepRead(sqe, evfds[1-i], unsafe.Pointer(&buf[8*i]), 8, 0)
		lu.SQESetFlags(sqe, lu.IOSQE_ASYNC)
		sqe = lu.GetSQE(&rings[i])
		lu.PrepPollAdd(sqe, lfd, unix.POLLIN)
		if n, err := lu.Submit(&rings[i]); n != 2 || err != nil {
			fail("Submit", err)
		}
	}
	time.Sleep(20 * time.Millisecond) // let the io-wq workers block
	ltChildExit(0, "")
}

// TestLiburing_shared_wq covers test/shared-wq.c: IORING_SETUP_ATTACH_WQ
// with a wq_fd that is not an io_uring fails with EINVAL, and with a ring's
// fd it shares that ring's io-wq.
func TestLiburing_shared_wq(t *testing.T) {
	ring := ltRing(t, 8, 0)

	bad := new(lu.Ring)
	err := lu.QueueInitParams(1, bad, &lu.Params{Flags: lu.IORING_SETUP_ATTACH_WQ, WqFd: 2})
	if err == nil {
		lu.QueueExit(bad)
	}
	if !errors.Is(err, unix.EINVAL) {
		t.Errorf("ATTACH_WQ to stderr: %v, want EINVAL", err)
	}

	p := lu.Params{Flags: lu.IORING_SETUP_ATTACH_WQ, WqFd: uint32(ring.Fd())}
	shared := ltRingParams(t, 1, &p)
	ltNop(t, shared, 7, lu.IOSQE_ASYNC) // runs on the shared io-wq
	ltSubmit(t, shared, 1)
	ltExpect(t, ltWait(t, shared), 7, 0)
}

// TestLiburing_version covers test/version.c: the runtime version of the
// linked liburing matches the header it was built with, and
// io_uring_check_version agrees with both.
func TestLiburing_version(t *testing.T) {
	major, minor := lu.MajorVersion(), lu.MinorVersion()
	if major != lu.IO_URING_VERSION_MAJOR || minor != lu.IO_URING_VERSION_MINOR {
		t.Errorf("runtime version %d.%d, header %d.%d", major, minor,
			lu.IO_URING_VERSION_MAJOR, lu.IO_URING_VERSION_MINOR)
	}
	if lu.CheckVersion(major, minor) {
		t.Errorf("CheckVersion(%d, %d) = true (older than itself)", major, minor)
	}
	if lu.CheckVersion(lu.IO_URING_VERSION_MAJOR, lu.IO_URING_VERSION_MINOR) {
		t.Errorf("CheckVersion(header version) = true")
	}
	if !lu.CheckVersion(major, minor+1) || !lu.CheckVersion(major+1, 0) {
		t.Errorf("CheckVersion of a newer release = false")
	}
	if lu.CheckVersion(major, minor-1) {
		t.Errorf("CheckVersion(%d, %d) = true", major, minor-1)
	}
}

// TestLiburing_probe covers test/probe.c: IORING_REGISTER_PROBE with room
// for no ops reports last_op but no ops; with room for 256 it marks NOP,
// READV and WRITE supported; io_uring_get_probe_ring agrees.
func TestLiburing_probe(t *testing.T) {
	ring := ltRing(t, 8, 0)
	p, err := lu.NewProbe(256)
	if err != nil {
		t.Fatal(err)
	}
	defer lu.FreeProbe(p)
	if err := lu.RegisterProbe(ring, p, 0); err != nil {
		if errors.Is(err, unix.EINVAL) {
			t.Skip("kernel lacks IORING_REGISTER_PROBE (Linux 5.6)")
		}
		t.Fatalf("RegisterProbe(0): %v", err)
	}
	if len(p.Ops()) != 0 || p.LastOp() == 0 {
		t.Errorf("probe with no room: %d ops, last_op %d; want 0 ops and last_op > 0", len(p.Ops()), p.LastOp())
	}
	full, err := lu.NewProbe(256)
	if err != nil {
		t.Fatal(err)
	}
	defer lu.FreeProbe(full)
	if err := lu.RegisterProbe(ring, full, 256); err != nil {
		t.Fatalf("RegisterProbe(256): %v", err)
	}
	helper, err := lu.GetProbeRing(ring)
	if err != nil {
		t.Fatal(err)
	}
	defer lu.FreeProbe(helper)
	for _, pr := range []*lu.Probe{full, helper} {
		if pr.LastOp() != p.LastOp() || len(pr.Ops()) != int(pr.LastOp())+1 {
			t.Errorf("probe: last_op %d, %d ops; want last_op %d and last_op+1 ops", pr.LastOp(), len(pr.Ops()), p.LastOp())
		}
		for _, op := range []int{lu.IORING_OP_NOP, lu.IORING_OP_READV, lu.IORING_OP_WRITE} {
			if !lu.OpcodeSupported(pr, op) || pr.Ops()[op].Flags&lu.IO_URING_OP_SUPPORTED == 0 {
				t.Errorf("probe says %s is not supported", lu.OpcodeName(op))
			}
		}
	}
	for i, o := range full.Ops() {
		if o.Op != uint8(i) {
			t.Errorf("ops[%d].op = %d", i, o.Op)
		}
		if (o.Flags&lu.IO_URING_OP_SUPPORTED != 0) != lu.OpcodeSupported(helper, i) {
			t.Errorf("raw probe and io_uring_get_probe_ring disagree on %s", lu.OpcodeName(i))
		}
	}
}

// TestLiburing_cq_size covers test/cq-size.c: IORING_SETUP_CQSIZE gives a
// CQ ring of at least the asked size, and a zero size is EINVAL.
func TestLiburing_cq_size(t *testing.T) {
	p := lu.Params{Flags: lu.IORING_SETUP_CQSIZE, CQEntries: 64}
	ltRingParams(t, 4, &p)
	if p.CQEntries < 64 || p.SQEntries != 4 {
		t.Errorf("CQSIZE 64 on a 4-entry ring gave sq %d cq %d", p.SQEntries, p.CQEntries)
	}
	ring := new(lu.Ring)
	err := lu.QueueInitParams(4, ring, &lu.Params{Flags: lu.IORING_SETUP_CQSIZE})
	if err == nil {
		lu.QueueExit(ring)
	}
	if !errors.Is(err, unix.EINVAL) {
		t.Errorf("CQSIZE 0: %v, want EINVAL", err)
	}
}
