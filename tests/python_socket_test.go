//go:build linux && cgo

package tests

// Python liburing 2024.5.3's socket tests (test/socket/*.py) in Go. Every
// address is numeric and on loopback: no name service, no outside network.

import (
	"encoding/binary"
	"errors"
	"strings"
	"testing"
	"unsafe"

	"github.com/liburing-go/liburing"
	"golang.org/x/sys/unix"
)

// sockRing is the Python tests' `ring` fixture: a 32-entry ring, exited when
// the test ends.
func sockRing(t *testing.T) *liburing.Ring {
	t.Helper()
	ring := new(liburing.Ring)
	if err := liburing.QueueInit(32, ring, 0); err != nil {
		t.Fatalf("io_uring_queue_init: %v", err)
	}
	t.Cleanup(func() { liburing.QueueExit(ring) })
	return ring
}

// sockRequireOp skips the test when the kernel lacks op.
func sockRequireOp(t *testing.T, op int) {
	t.Helper()
	ops, err := liburing.SupportedOps()
	if err != nil {
		t.Skipf("probe: %v", err)
	}
	if !ops[liburing.OpcodeName(op)] {
		t.Skipf("kernel lacks %s", liburing.OpcodeName(op))
	}
}

// sockSQE gets an SQE (failing the test when the SQ is full), lets prep
// fill it and sets its user_data, as the Python tests do with
// `sqe.user_data = n`.
func sockSQE(t *testing.T, ring *liburing.Ring, userData uint64, prep func(*liburing.SQE)) {
	t.Helper()
	sqe := liburing.GetSQE(ring)
	if sqe == nil {
		t.Fatal("io_uring_get_sqe: submission queue full")
	}
	prep(sqe)
	liburing.SQESetData64(sqe, userData)
}

// sockSubmitWait is `io_uring_submit_and_wait_timeout(ring, cqe, 1, ts) ==
// 1`, the check of cqe.user_data and io_uring_cqe_seen; it returns the
// CQE's res.
func sockSubmitWait(t *testing.T, ring *liburing.Ring, userData uint64) int32 {
	t.Helper()
	ts := liburing.KernelTimespec{Sec: 3} // timespec(3)
	cqe, n, err := liburing.SubmitAndWaitTimeout(ring, 1, &ts, nil)
	if err != nil || n != 1 {
		t.Fatalf("io_uring_submit_and_wait_timeout = %d, %v; want 1", n, err)
	}
	res, ud := cqe.Res, cqe.UserData
	liburing.CQESeen(ring, cqe)
	if ud != userData {
		t.Fatalf("cqe.user_data %d, want %d", ud, userData)
	}
	return res
}

// sockTrap is trap_error(res) that must not fail.
func sockTrap(t *testing.T, what string, res int32) int {
	t.Helper()
	n, err := liburing.TrapError(res)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return n
}

// sockOpenTCP creates an AF_INET TCP socket through io_uring (user_data 1)
// and returns its fd. The Python test passes SOL_SOCKET as the type, which
// equals SOCK_STREAM (1).
func sockOpenTCP(t *testing.T, ring *liburing.Ring) int {
	t.Helper()
	sockSQE(t, ring, 1, func(s *liburing.SQE) { liburing.PrepSocket(s, unix.AF_INET, unix.SOL_SOCKET, 0, 0) })
	fd := sockTrap(t, "socket", sockSubmitWait(t, ring, 1))
	if fd <= 0 {
		t.Fatalf("socket fd %d", fd)
	}
	return fd
}

// sockClose closes fd through io_uring with the given user_data and checks
// res 0.
func sockClose(t *testing.T, ring *liburing.Ring, fd int, userData uint64) {
	t.Helper()
	sockSQE(t, ring, userData, func(s *liburing.SQE) { liburing.PrepClose(s, fd) })
	if res := sockTrap(t, "close", sockSubmitWait(t, ring, userData)); res != 0 {
		t.Fatalf("close res %d", res)
	}
}

// sockSkipNoCmdSock skips when the kernel runs no socket getsockopt or
// setsockopt command (Python: skip_linux('6.7')).
func sockSkipNoCmdSock(t *testing.T, res int32) {
	t.Helper()
	if res == -int32(unix.EOPNOTSUPP) || res == -int32(unix.EINVAL) {
		t.Skipf("kernel lacks SOCKET_URING_OP_SETSOCKOPT (Linux 6.7): res %d", res)
	}
}

// sockBadOptval checks that an option value Python would reject (an array
// of another typecode) is refused before the SQE is touched. Go's types
// cannot build such an array: NewSockoptInt is array('i'), NewSockoptBytes
// array('B'); what remains to reject is an empty or closed value.
func sockBadOptval(t *testing.T, prep func(o *liburing.Sockopt, sqe *liburing.SQE) error) {
	t.Helper()
	if _, err := liburing.NewSockoptBytes(nil); !errors.Is(err, unix.EINVAL) {
		t.Errorf("NewSockoptBytes(empty): %v, want EINVAL", err)
	}
	closed, err := liburing.NewSockoptInt(0)
	if err != nil {
		t.Fatal(err)
	}
	closed.Close()
	var sqe liburing.SQE
	if err := prep(closed, &sqe); !errors.Is(err, unix.EINVAL) {
		t.Errorf("prep with a closed option value: %v, want EINVAL", err)
	}
	if sqe != (liburing.SQE{}) {
		t.Errorf("a refused option value changed the SQE: %+v", sqe)
	}
}

// sockSetGet runs the body of test_set_getsockopt and test_cmd_sock: set
// SO_REUSEADDR to 1 and read it back, with set and get preparing the
// commands.
func sockSetGet(t *testing.T, set, get func(o *liburing.Sockopt, sqe *liburing.SQE, fd int) error, crossCheck bool) {
	sockRequireOp(t, liburing.IORING_OP_SOCKET)
	sockRequireOp(t, liburing.IORING_OP_URING_CMD)
	ring := sockRing(t)
	sockfd := sockOpenTCP(t, ring)
	closed := false
	t.Cleanup(func() {
		if !closed {
			unix.Close(sockfd)
		}
	})
	if crossCheck {
		if v, err := unix.GetsockoptInt(sockfd, unix.SOL_SOCKET, unix.SO_REUSEADDR); err != nil || v != 0 {
			t.Fatalf("SO_REUSEADDR before = %d, %v; want 0", v, err)
		}
	}

	sockBadOptval(t, func(o *liburing.Sockopt, sqe *liburing.SQE) error { return set(o, sqe, sockfd) })
	sockBadOptval(t, func(o *liburing.Sockopt, sqe *liburing.SQE) error { return get(o, sqe, sockfd) })

	valSet, err := liburing.NewSockoptInt(1)
	if err != nil {
		t.Fatal(err)
	}
	defer valSet.Close()
	sockSQE(t, ring, 2, func(s *liburing.SQE) {
		if err := set(valSet, s, sockfd); err != nil {
			t.Fatal(err)
		}
	})
	res := sockSubmitWait(t, ring, 2)
	sockSkipNoCmdSock(t, res)
	if n := sockTrap(t, "setsockopt", res); n != 0 {
		t.Fatalf("setsockopt res %d, want 0", n)
	}
	if valSet.Int() != 1 {
		t.Errorf("val_set changed to %d", valSet.Int())
	}

	valGet, err := liburing.NewSockoptInt(0)
	if err != nil {
		t.Fatal(err)
	}
	defer valGet.Close()
	sockSQE(t, ring, 3, func(s *liburing.SQE) {
		if err := get(valGet, s, sockfd); err != nil {
			t.Fatal(err)
		}
	})
	if n := sockTrap(t, "getsockopt", sockSubmitWait(t, ring, 3)); n < 2 || n != 4 {
		t.Errorf("getsockopt res %d, want the length written (4)", n)
	}
	if valGet.Int() != 1 {
		t.Errorf("val_get %d, want 1", valGet.Int())
	}
	if crossCheck {
		if v, err := unix.GetsockoptInt(sockfd, unix.SOL_SOCKET, unix.SO_REUSEADDR); err != nil || v != 1 {
			t.Errorf("SO_REUSEADDR after = %d, %v; want 1", v, err)
		}
	}

	sockClose(t, ring, sockfd, 4)
	closed = true
}

// TestPython_set_getsockopt is test/socket/cmd_sock_test.py::test_set_getsockopt:
// io_uring_prep_setsockopt and io_uring_prep_getsockopt, here the Sockopt
// methods PrepSetsockopt and PrepGetsockopt.
func TestPython_set_getsockopt(t *testing.T) {
	sockSetGet(t,
		func(o *liburing.Sockopt, sqe *liburing.SQE, fd int) error {
			return o.PrepSetsockopt(sqe, fd, unix.SOL_SOCKET, unix.SO_REUSEADDR)
		},
		func(o *liburing.Sockopt, sqe *liburing.SQE, fd int) error {
			return o.PrepGetsockopt(sqe, fd, unix.SOL_SOCKET, unix.SO_REUSEADDR)
		}, true)
}

// TestPython_cmd_sock is test/socket/cmd_sock_test.py::test_cmd_sock: the
// same through io_uring_prep_cmd_sock, here Sockopt.PrepCmdSock (which
// calls PrepCmdSock with the value and its length).
func TestPython_cmd_sock(t *testing.T) {
	sockSetGet(t,
		func(o *liburing.Sockopt, sqe *liburing.SQE, fd int) error {
			return o.PrepCmdSock(sqe, liburing.SOCKET_URING_OP_SETSOCKOPT, fd, unix.SOL_SOCKET, unix.SO_REUSEADDR)
		},
		func(o *liburing.Sockopt, sqe *liburing.SQE, fd int) error {
			return o.PrepCmdSock(sqe, liburing.SOCKET_URING_OP_GETSOCKOPT, fd, unix.SOL_SOCKET, unix.SO_REUSEADDR)
		}, false)
}

// TestPython_getaddrinfo is test/socket/getaddinfo_test.py::test_getaddrinfo.
// Differences, on purpose:
//   - Python's iterator drops the last result, so its test expects 2 entries
//     for 127.0.0.1/12345 where glibc gives 3 (stream, dgram, raw); Go
//     returns all 3 and the test expects 3.
//   - The python.org lookup needs DNS and the outside network; it is left out.
//     The numeric lookups pass AI_NUMERICHOST so that no name service is
//     asked.
func TestPython_getaddrinfo(t *testing.T) {
	l, err := liburing.Getaddrinfo("127.0.0.1", "12345", 0, 0, 0, liburing.AI_NUMERICHOST|liburing.AI_NUMERICSERV)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if len(l) != 3 {
		t.Fatalf("%d results, want 3 (stream, dgram, raw)", len(l))
	}
	first := l[0]
	if first.Family != unix.AF_INET || first.Socktype != unix.SOCK_STREAM || first.Protocol != unix.IPPROTO_TCP || first.Canonname != "" {
		t.Errorf("first result %+v, want AF_INET, SOCK_STREAM, IPPROTO_TCP, \"\"", first)
	}
	if first.Addr == nil || first.Addr.Family() != unix.AF_INET || first.Addr.String() != "127.0.0.1:12345" {
		t.Errorf("first address %v, want an AF_INET Sockaddr 127.0.0.1:12345", first.Addr)
	}
	if l[2].Socktype != unix.SOCK_RAW {
		t.Errorf("last result %+v, want SOCK_RAW", l[2])
	}

	// A service that is not a number and no known name: EAI_SERVICE (the
	// services database is a local file, not a network lookup).
	_, err = liburing.Getaddrinfo("127.0.0.1", "123abc45", 0, 0, 0, liburing.AI_NUMERICHOST)
	var ge *liburing.GaiError
	if !errors.As(err, &ge) || ge.Code != liburing.EAI_SERVICE {
		t.Fatalf("bad service: %v, want a GaiError EAI_SERVICE", err)
	}
	if !strings.Contains(err.Error(), "Servname not supported for ai_socktype") {
		t.Errorf("message %q", err)
	}
}

// TestPython_getnameinfo is test/socket/getnameinfo_test.py::test_getnameinfo:
// the numeric service comes back as a number (NameInfo.Port), and an
// address of the wrong family is refused (Python's ValueError, here
// unix.EINVAL).
func TestPython_getnameinfo(t *testing.T) {
	const flags = liburing.NI_NUMERICHOST | liburing.NI_NUMERICSERV
	for _, tt := range []struct {
		family int
		addr   string
	}{{unix.AF_INET, "0.0.0.0"}, {unix.AF_INET6, "::"}} {
		sa, err := liburing.NewSockaddr(tt.family, tt.addr, 12345, 0)
		if err != nil {
			t.Fatal(err)
		}
		ni, err := liburing.Getnameinfo(sa, flags)
		sa.Close()
		if err != nil || ni.Host != tt.addr || ni.Port != 12345 || ni.Service != "12345" {
			t.Errorf("getnameinfo(%s) = %+v, %v; want (%s, 12345)", tt.addr, ni, err, tt.addr)
		}
	}
	if _, err := liburing.NewSockaddr(unix.AF_INET, "::", 12345, 0); !errors.Is(err, unix.EINVAL) {
		t.Errorf("sockaddr(AF_INET, ::): %v, want EINVAL", err)
	}
	if _, err := liburing.NewSockaddr(unix.AF_INET6, "0.0.0.0", 12345, 0); !errors.Is(err, unix.EINVAL) {
		t.Errorf("sockaddr(AF_INET6, 0.0.0.0): %v, want EINVAL", err)
	}
}

// TestPython_getsockname is test/socket/getsockname_test.py::test_getsockname:
// a socket made through io_uring, bound to port 0 on loopback, reports its
// address and the port the kernel chose. An AF_UNIX Sockaddr is refused
// before any system call (Python's TypeError, here unix.EAFNOSUPPORT).
func TestPython_getsockname(t *testing.T) {
	sockRequireOp(t, liburing.IORING_OP_SOCKET)
	ring := sockRing(t)
	un, err := liburing.NewSockaddr(unix.AF_UNIX, "./path", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer un.Close()
	if _, _, err := liburing.Getsockname(-1, un); !errors.Is(err, unix.EAFNOSUPPORT) {
		t.Errorf("getsockname(-1, AF_UNIX): %v, want EAFNOSUPPORT", err)
	}

	for i, tt := range []struct {
		family int
		ip     string
	}{{unix.AF_INET, "127.0.0.1"}, {unix.AF_INET6, "::1"}} {
		ud := uint64(i + 1)
		addr, err := liburing.NewSockaddr(tt.family, tt.ip, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer addr.Close()
		sockSQE(t, ring, ud, func(s *liburing.SQE) { liburing.PrepSocket(s, tt.family, unix.SOCK_STREAM, 0, 0) })
		sockfd := sockTrap(t, "socket", sockSubmitWait(t, ring, ud))
		if err := liburing.Bind(sockfd, addr); err != nil {
			unix.Close(sockfd)
			if tt.family == unix.AF_INET6 && errors.Is(err, unix.EADDRNOTAVAIL) {
				t.Skipf("no IPv6 loopback: %v", err)
			}
			t.Fatalf("bind %s: %v", tt.ip, err)
		}
		ip, port, err := liburing.Getsockname(sockfd, addr)
		if err != nil || ip != tt.ip || port < 1000 {
			t.Errorf("getsockname = %q, %d, %v; want %s and a port >= 1000", ip, port, err, tt.ip)
		}
		sockClose(t, ring, sockfd, ud)
	}
}

// sockPort reads a port stored in network byte order.
func sockPort(p *uint16) uint16 {
	b := (*[2]byte)(unsafe.Pointer(p))
	return binary.BigEndian.Uint16(b[:])
}

// TestPython_sockaddr_class is test/socket/socket_connect_test.py::test_sockaddr_class.
// Python compares sockaddr._test, a dict of the struct fields; Go reads the
// same fields through RawUnix, RawInet4 and RawInet6. Python's integers are
// the fields read as little-endian host integers (sin_port 31488 is
// htons(123)); the test checks the bytes in network order, and Python's
// exact integers too on little-endian machines.
func TestPython_sockaddr_class(t *testing.T) {
	little := binary.NativeEndian.Uint16([]byte{1, 0}) == 1
	if _, err := liburing.NewSockaddr(123, "", 0, 0); !errors.Is(err, unix.EAFNOSUPPORT) {
		t.Errorf("sockaddr(123): %v, want EAFNOSUPPORT (Python's NotImplementedError)", err)
	}

	bad := []struct {
		family int
		addr   string
		port   uint16
		scope  uint32
	}{
		{unix.AF_UNIX, "", 0, 0},
		{unix.AF_UNIX, strings.Repeat(" ", 109), 0, 0},
		{unix.AF_INET, "", 0, 0},
		{unix.AF_INET, "", 123, 0},
		{unix.AF_INET, "./path", 0, 0},
		{unix.AF_INET, "bad. ad.dre.ss", 123, 0},
		{unix.AF_INET, "::1", 123, 0},
		{unix.AF_INET6, "", 0, 0},
		{unix.AF_INET6, "", 123, 0},
		{unix.AF_INET6, "./path", 0, 0},
		{unix.AF_INET6, "123.123.123.123", 123, 234},
	}
	for _, b := range bad {
		if sa, err := liburing.NewSockaddr(b.family, b.addr, b.port, b.scope); !errors.Is(err, unix.EINVAL) {
			sa.Close()
			t.Errorf("sockaddr(%d, %q, %d, %d): %v, want EINVAL (Python's ValueError)", b.family, b.addr, b.port, b.scope, err)
		}
	}

	un, err := liburing.NewSockaddr(unix.AF_UNIX, "./path", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer un.Close()
	if r := un.RawUnix(); r == nil || r.Family != 1 {
		t.Errorf("sun_family: %+v", r)
	}
	if p, err := un.Path(); err != nil || p != "./path" {
		t.Errorf("sun_path %q, %v", p, err)
	}

	for _, tt := range []struct {
		addr   string
		port   uint16
		ip     [4]byte
		pyPort uint16
		pyAddr uint32
	}{
		{"0.0.0.0", 123, [4]byte{}, 31488, 0},
		{"127.0.0.1", 80, [4]byte{127, 0, 0, 1}, 20480, 16777343},
	} {
		sa, err := liburing.NewSockaddr(unix.AF_INET, tt.addr, tt.port, 0)
		if err != nil {
			t.Fatal(err)
		}
		r := sa.RawInet4()
		if r == nil || r.Family != 2 || sockPort(&r.Port) != tt.port || r.Addr != tt.ip {
			t.Errorf("sockaddr(AF_INET, %s, %d) = %+v", tt.addr, tt.port, r)
		} else if little && (r.Port != tt.pyPort || binary.NativeEndian.Uint32(r.Addr[:]) != tt.pyAddr) {
			t.Errorf("sockaddr(AF_INET, %s, %d): sin_port %d s_addr %d, Python has %d %d",
				tt.addr, tt.port, r.Port, binary.NativeEndian.Uint32(r.Addr[:]), tt.pyPort, tt.pyAddr)
		}
		sa.Close()
	}

	for _, tt := range []struct {
		addr   string
		port   uint16
		scope  uint32
		ip     [16]byte
		pyPort uint16
	}{
		{"::", 123, 321, [16]byte{}, 31488},
		{"::1", 65535, 0, [16]byte{15: 1}, 65535},
	} {
		sa, err := liburing.NewSockaddr(unix.AF_INET6, tt.addr, tt.port, tt.scope)
		if err != nil {
			t.Fatal(err)
		}
		r := sa.RawInet6()
		if r == nil || r.Family != 10 || sockPort(&r.Port) != tt.port || r.Flowinfo != 0 || r.Addr != tt.ip || r.Scope_id != tt.scope {
			t.Errorf("sockaddr(AF_INET6, %s, %d, %d) = %+v", tt.addr, tt.port, tt.scope, r)
		} else if little && r.Port != tt.pyPort {
			t.Errorf("sockaddr(AF_INET6, %s): sin6_port %d, Python has %d", tt.addr, r.Port, tt.pyPort)
		}
		sa.Close()
	}
}
