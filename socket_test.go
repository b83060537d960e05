//go:build linux && cgo

package liburing

import (
	"errors"
	"strings"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Tests never ask a name service: every getaddrinfo call here passes
// AI_NUMERICHOST, every getnameinfo call NI_NUMERICHOST.

type sockAI struct {
	family, socktype, protocol int
	canon, addr                string
}

func sockAIs(l AddrInfos) []sockAI {
	var out []sockAI
	for _, ai := range l {
		out = append(out, sockAI{ai.Family, ai.Socktype, ai.Protocol, ai.Canonname, ai.Addr.String()})
	}
	return out
}

func TestGetaddrinfo(t *testing.T) {
	const num = AI_NUMERICHOST | AI_NUMERICSERV
	v4 := func(st, proto int, canon string) sockAI {
		return sockAI{unix.AF_INET, st, proto, canon, "127.0.0.1:12345"}
	}
	tests := []struct {
		name                    string
		host, service           string
		family, socktype, proto int
		flags                   int
		want                    []sockAI
	}{
		// glibc gives one result per socket type: all three are returned
		// (Python liburing's iterator dropped the last).
		{"numeric v4 all types", "127.0.0.1", "12345", 0, 0, 0, num,
			[]sockAI{v4(unix.SOCK_STREAM, unix.IPPROTO_TCP, ""), v4(unix.SOCK_DGRAM, unix.IPPROTO_UDP, ""), v4(unix.SOCK_RAW, 0, "")}},
		{"single result", "127.0.0.1", "12345", 0, unix.SOCK_DGRAM, 0, num,
			[]sockAI{v4(unix.SOCK_DGRAM, unix.IPPROTO_UDP, "")}},
		{"canonname", "127.0.0.1", "12345", unix.AF_INET, unix.SOCK_STREAM, 0, num | AI_CANONNAME,
			[]sockAI{v4(unix.SOCK_STREAM, unix.IPPROTO_TCP, "127.0.0.1")}},
		{"v6", "::1", "80", unix.AF_INET6, unix.SOCK_STREAM, unix.IPPROTO_TCP, num,
			[]sockAI{{unix.AF_INET6, unix.SOCK_STREAM, unix.IPPROTO_TCP, "", "[::1]:80"}}},
		{"passive no host", "", "7", unix.AF_INET, unix.SOCK_STREAM, 0, num | AI_PASSIVE,
			[]sockAI{{unix.AF_INET, unix.SOCK_STREAM, unix.IPPROTO_TCP, "", "0.0.0.0:7"}}},
		{"no service", "10.0.0.1", "", unix.AF_INET, unix.SOCK_DGRAM, 0, num,
			[]sockAI{{unix.AF_INET, unix.SOCK_DGRAM, unix.IPPROTO_UDP, "", "10.0.0.1:0"}}},
		{"v4 mapped", "1.2.3.4", "1", unix.AF_INET6, unix.SOCK_STREAM, 0, num | AI_V4MAPPED,
			[]sockAI{{unix.AF_INET6, unix.SOCK_STREAM, unix.IPPROTO_TCP, "", "[::ffff:1.2.3.4]:1"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := Getaddrinfo(tt.host, tt.service, tt.family, tt.socktype, tt.proto, tt.flags)
			if err != nil {
				t.Fatal(err)
			}
			defer l.Close()
			got := sockAIs(l)
			if len(got) != len(tt.want) {
				t.Fatalf("got %+v\nwant %+v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("result %d: got %+v, want %+v", i, got[i], tt.want[i])
				}
				if l[i].Addr.Family() != l[i].Family {
					t.Errorf("result %d: address family %d, ai_family %d", i, l[i].Addr.Family(), l[i].Family)
				}
			}
			l.Close()
			for i := range l {
				if l[i].Addr.Ptr() != nil {
					t.Errorf("result %d still open after Close", i)
				}
			}
		})
	}
}

func TestGetaddrinfoErrors(t *testing.T) {
	tests := []struct {
		name          string
		host, service string
		family        int
		flags         int
		code          int
		msg           string
	}{
		// Service lookup only reads the services database, never DNS.
		{"bad service", "127.0.0.1", "123abc45", 0, AI_NUMERICHOST, EAI_SERVICE, "Servname not supported for ai_socktype"},
		{"non-numeric service", "127.0.0.1", "http", 0, AI_NUMERICHOST | AI_NUMERICSERV, EAI_NONAME, ""},
		{"non-numeric host", "host.invalid", "80", 0, AI_NUMERICHOST, EAI_NONAME, "Name or service not known"},
		{"nothing", "", "", 0, AI_NUMERICHOST, EAI_NONAME, ""},
		{"bad family", "127.0.0.1", "80", 12345, AI_NUMERICHOST, EAI_FAMILY, ""},
		{"bad flags", "127.0.0.1", "80", 0, AI_NUMERICHOST | 0x40000000, EAI_BADFLAGS, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := Getaddrinfo(tt.host, tt.service, tt.family, 0, 0, tt.flags)
			var ge *GaiError
			if !errors.As(err, &ge) {
				l.Close()
				t.Fatalf("Getaddrinfo = %v, %v; want a *GaiError", l, err)
			}
			if ge.Code != tt.code || ge.Func != "getaddrinfo" || ge.Unwrap() != nil {
				t.Errorf("GaiError %+v, want code %d", ge, tt.code)
			}
			if !strings.HasPrefix(err.Error(), "getaddrinfo: ") || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("message %q, want it to hold %q", err, tt.msg)
			}
		})
	}
	for _, bad := range [][2]string{{"1.2.3.4\x00", "1"}, {"1.2.3.4", "1\x00"}} {
		if _, err := Getaddrinfo(bad[0], bad[1], 0, 0, 0, AI_NUMERICHOST); !errors.Is(err, unix.EINVAL) {
			t.Errorf("Getaddrinfo(%q, %q): %v, want EINVAL", bad[0], bad[1], err)
		}
	}
}

func TestGaiErrorSystem(t *testing.T) {
	e := newGaiError("getnameinfo", EAI_SYSTEM, unix.EMFILE)
	if !errors.Is(e, unix.EMFILE) || e.Errno != unix.EMFILE || !strings.Contains(e.Error(), unix.EMFILE.Error()) {
		t.Errorf("EAI_SYSTEM error %+v (%v)", e, e)
	}
	if e := newGaiError("getnameinfo", EAI_AGAIN, unix.EMFILE); e.Errno != 0 || e.Unwrap() != nil {
		t.Errorf("non-system error keeps errno: %+v", e)
	}
}

func TestGetnameinfo(t *testing.T) {
	const num = NI_NUMERICHOST | NI_NUMERICSERV
	tests := []struct {
		family int
		addr   string
		port   uint16
		flags  int
		want   NameInfo
	}{
		{unix.AF_INET, "0.0.0.0", 12345, num, NameInfo{"0.0.0.0", "12345", 12345}},
		{unix.AF_INET, "127.0.0.1", 0, num, NameInfo{"127.0.0.1", "0", 0}},
		{unix.AF_INET, "255.255.255.255", 65535, num | NI_DGRAM, NameInfo{"255.255.255.255", "65535", 65535}},
		{unix.AF_INET6, "::", 12345, num, NameInfo{"::", "12345", 12345}},
		{unix.AF_INET6, "::ffff:10.0.0.1", 1, num, NameInfo{"::ffff:10.0.0.1", "1", 1}},
	}
	for _, tt := range tests {
		sa, err := NewSockaddr(tt.family, tt.addr, tt.port, 0)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Getnameinfo(sa, tt.flags)
		if err != nil || got != tt.want {
			t.Errorf("Getnameinfo(%s) = %+v, %v; want %+v", sa, got, err, tt.want)
		}
		sa.Close()
	}

	un, err := NewSockaddrUnix("/x")
	if err != nil {
		t.Fatal(err)
	}
	defer un.Close()
	// glibc names an AF_UNIX address too: its service is the path.
	if ni, err := Getnameinfo(un, num); err != nil || ni.Service != "/x" || ni.Port != -1 {
		t.Errorf("Getnameinfo(AF_UNIX) = %+v, %v", ni, err)
	}
	empty, err := NewSockaddr(unix.AF_UNSPEC, "", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer empty.Close()
	var ge *GaiError
	if _, err := Getnameinfo(empty, num); !errors.As(err, &ge) || ge.Code != EAI_FAMILY || ge.Func != "getnameinfo" {
		t.Errorf("Getnameinfo(AF_UNSPEC): %v", err)
	}
	if _, err := Getnameinfo(nil, num); !errors.Is(err, unix.EINVAL) {
		t.Errorf("Getnameinfo(nil): %v", err)
	}
}

func TestIsDigits(t *testing.T) {
	for s, want := range map[string]bool{"": false, "0": true, "12345": true, "http": false, "12a": false, " 1": false} {
		if isDigits(s) != want {
			t.Errorf("isDigits(%q) = %v", s, !want)
		}
	}
}

func TestBindListenNameErrors(t *testing.T) {
	in4, err := NewSockaddr(unix.AF_INET, "127.0.0.1", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer in4.Close()
	un, err := NewSockaddrUnix("./path")
	if err != nil {
		t.Fatal(err)
	}
	defer un.Close()
	empty, err := NewSockaddr(unix.AF_UNSPEC, "", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer empty.Close()
	udp, _ := netUDP(t)

	tests := []struct {
		name string
		err  error
		want error
	}{
		{"bind bad fd", Bind(-1, in4), unix.EBADF},
		{"bind nil", Bind(udp, nil), unix.EINVAL},
		{"bind twice", Bind(udp, in4), unix.EINVAL},
		{"listen bad fd", Listen(-1, 1), unix.EBADF},
		{"listen udp", Listen(udp, 1), unix.EOPNOTSUPP},
		{"getpeername bad fd", Getpeername(-1, empty), unix.EBADF},
		{"getpeername unconnected", Getpeername(udp, empty), unix.ENOTCONN},
		{"getpeername nil", Getpeername(udp, nil), unix.EINVAL},
	}
	for _, tt := range tests {
		if !errors.Is(tt.err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, tt.err, tt.want)
		}
	}
	// getsockname checks the family before the system call (so fd -1
	// gives EAFNOSUPPORT, not EBADF), as Python's TypeError does.
	for name, sa := range map[string]*Sockaddr{"unix": un, "unspec": empty, "nil": nil} {
		if _, _, err := Getsockname(-1, sa); !errors.Is(err, unix.EAFNOSUPPORT) {
			t.Errorf("Getsockname(-1, %s): %v", name, err)
		}
	}
	if _, _, err := Getsockname(-1, in4); !errors.Is(err, unix.EBADF) {
		t.Errorf("Getsockname(-1, AF_INET): %v", err)
	}
	// A socket of the other family is decoded by what the kernel reports.
	s6, err := unix.Socket(unix.AF_INET6, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Skipf("no IPv6: %v", err)
	}
	testCloseLater(t, s6)
	ip, port, err := Getsockname(s6, in4)
	if err != nil || ip != "::" || port != 0 || in4.Family() != unix.AF_INET6 {
		t.Errorf("Getsockname(unbound v6 socket) = %q, %d, %v (family %d)", ip, port, err, in4.Family())
	}
}

func TestSockopt(t *testing.T) {
	i, err := NewSockoptInt(-2)
	if err != nil {
		t.Fatal(err)
	}
	if i.Len() != 4 || i.Int() != -2 || i.Ptr() == nil || len(i.Bytes()) != 4 {
		t.Errorf("int option: len %d int %d bytes %v", i.Len(), i.Int(), i.Bytes())
	}
	b, err := NewSockoptBytes([]byte{1, 2, 3, 4, 5, 6})
	if err != nil {
		t.Fatal(err)
	}
	if b.Len() != 6 || string(b.Bytes()) != "\x01\x02\x03\x04\x05\x06" {
		t.Errorf("byte option: len %d bytes %v", b.Len(), b.Bytes())
	}
	short, err := NewSockoptBytes([]byte{7})
	if err != nil {
		t.Fatal(err)
	}
	if short.Int() != 7 {
		t.Errorf("1-byte option as int: %d", short.Int())
	}
	short.Close()
	if _, err := NewSockoptBytes(nil); !errors.Is(err, unix.EINVAL) {
		t.Errorf("empty option: %v", err)
	}

	optA := uint64(uintptr(i.Ptr()))
	bA := uint64(uintptr(b.Ptr()))
	tests := []struct {
		name string
		prep func(*SQE) error
		want SQE
	}{
		{"setsockopt", func(s *SQE) error { return i.PrepSetsockopt(s, 3, unix.SOL_SOCKET, unix.SO_REUSEADDR) },
			SQE{Opcode: IORING_OP_URING_CMD, Fd: 3, Off: netPair32(SOCKET_URING_OP_SETSOCKOPT, 0),
				Addr: netPair32(unix.SOL_SOCKET, unix.SO_REUSEADDR), SpliceFdIn: 4, Addr3: optA}},
		{"getsockopt", func(s *SQE) error { return b.PrepGetsockopt(s, 9, unix.IPPROTO_TCP, unix.TCP_INFO) },
			SQE{Opcode: IORING_OP_URING_CMD, Fd: 9, Off: netPair32(SOCKET_URING_OP_GETSOCKOPT, 0),
				Addr: netPair32(unix.IPPROTO_TCP, unix.TCP_INFO), SpliceFdIn: 6, Addr3: bA}},
		{"cmd sock", func(s *SQE) error { return i.PrepCmdSock(s, -1, -1, -1, -1) },
			SQE{Opcode: IORING_OP_URING_CMD, Fd: -1, Off: netPair32(0xffffffff, 0),
				Addr: netPair32(0xffffffff, 0xffffffff), SpliceFdIn: 4, Addr3: optA}},
	}
	for _, tt := range tests {
		sqe := freshSQE()
		if err := tt.prep(sqe); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		want := tt.want
		want.UserData = userDataMarker
		if *sqe != want {
			t.Errorf("%s SQE\n got %+v\nwant %+v", tt.name, *sqe, want)
		}
	}
	if err := i.PrepSetsockopt(nil, 0, 0, 0); err != nil {
		t.Errorf("nil SQE: %v", err)
	}

	i.Close()
	i.Close()
	b.Close()
	var none *Sockopt
	for name, o := range map[string]*Sockopt{"closed": i, "nil": none} {
		if o.Len() != 0 || o.Ptr() != nil || o.Bytes() != nil || o.Int() != 0 {
			t.Errorf("%s option: len %d ptr %v", name, o.Len(), o.Ptr())
		}
		sqe := freshSQE()
		before := *sqe
		for _, err := range []error{o.PrepSetsockopt(sqe, 0, 0, 0), o.PrepGetsockopt(sqe, 0, 0, 0), o.PrepCmdSock(sqe, 0, 0, 0, 0)} {
			if !errors.Is(err, unix.EINVAL) {
				t.Errorf("%s option: %v, want EINVAL", name, err)
			}
		}
		if *sqe != before {
			t.Errorf("%s option changed the SQE", name)
		}
		o.Close()
	}
}

// sockRequireCmdSock skips unless the kernel runs socket getsockopt and
// setsockopt commands (Linux 6.7).
func sockRequireCmdSock(t *testing.T, res int32) {
	t.Helper()
	if res == -int32(unix.EOPNOTSUPP) || res == -int32(unix.EINVAL) {
		t.Skipf("kernel lacks SOCKET_URING_OP_GETSOCKOPT/SETSOCKOPT (Linux 6.7): %v", testErr(res))
	}
}

func TestSockoptLive(t *testing.T) {
	requireOp(t, IORING_OP_URING_CMD)
	ring := newRing(t, 4, 0)
	fd, _ := netUDP(t)
	get, err := NewSockoptInt(-1)
	if err != nil {
		t.Fatal(err)
	}
	defer get.Close()
	testPrep(t, ring, 1, func(s *SQE) {
		if err := get.PrepGetsockopt(s, fd, unix.SOL_SOCKET, unix.SO_TYPE); err != nil {
			t.Fatal(err)
		}
	})
	res, _ := testRun(t, ring, 1)
	sockRequireCmdSock(t, res)
	testWantRes(t, "getsockopt SO_TYPE", res, 4)
	if get.Int() != unix.SOCK_DGRAM {
		t.Errorf("SO_TYPE %d, want SOCK_DGRAM", get.Int())
	}

	// The kernel checks optlen: 2 bytes for an int option is EINVAL.
	set, err := NewSockoptBytes([]byte("lo"))
	if err != nil {
		t.Fatal(err)
	}
	defer set.Close()
	testPrep(t, ring, 2, func(s *SQE) { _ = set.PrepSetsockopt(s, fd, unix.SOL_SOCKET, unix.SO_RCVBUF) })
	res, _ = testRun(t, ring, 2)
	testWantRes(t, "setsockopt with 2 bytes for an int option", res, -int32(unix.EINVAL))

	// A byte option: an unbound socket's SO_BINDTODEVICE name is empty.
	name, err := NewSockoptBytes(make([]byte, 16))
	if err != nil {
		t.Fatal(err)
	}
	defer name.Close()
	testPrep(t, ring, 3, func(s *SQE) { _ = name.PrepGetsockopt(s, fd, unix.SOL_SOCKET, unix.SO_BINDTODEVICE) })
	res, _ = testRun(t, ring, 3)
	testWantRes(t, "getsockopt SO_BINDTODEVICE unbound", res, 0)

	testPrep(t, ring, 4, func(s *SQE) { _ = get.PrepCmdSock(s, SOCKET_URING_OP_GETSOCKOPT, -1, unix.SOL_SOCKET, unix.SO_TYPE) })
	res, _ = testRun(t, ring, 4)
	testWantRes(t, "getsockopt on a bad fd", res, -int32(unix.EBADF))
}

func TestEpollEvent(t *testing.T) {
	ev, err := NewEpollEvent(unix.EPOLLIN|unix.EPOLLET, 42)
	if err != nil {
		t.Fatal(err)
	}
	if p := ev.Ptr(); p.Events != unix.EPOLLIN|unix.EPOLLET || p.Fd != 42 || p.Pad != 0 {
		t.Errorf("event %+v", *p)
	}
	evA := uint64(uintptr(unsafe.Pointer(ev.Ptr())))
	var none *EpollEvent
	tests := []struct {
		name string
		prep func(*SQE)
		want SQE
	}{
		{"add", func(s *SQE) { ev.PrepEpollCtl(s, 7, 42, unix.EPOLL_CTL_ADD) },
			SQE{Opcode: IORING_OP_EPOLL_CTL, Fd: 7, Off: 42, Len: unix.EPOLL_CTL_ADD, Addr: evA}},
		{"del nil", func(s *SQE) { none.PrepEpollCtl(s, 7, 42, unix.EPOLL_CTL_DEL) },
			SQE{Opcode: IORING_OP_EPOLL_CTL, Fd: 7, Off: 42, Len: unix.EPOLL_CTL_DEL}},
	}
	for _, tt := range tests {
		sqe := freshSQE()
		tt.prep(sqe)
		want := tt.want
		want.UserData = userDataMarker
		if *sqe != want {
			t.Errorf("%s SQE\n got %+v\nwant %+v", tt.name, *sqe, want)
		}
	}
	ev.PrepEpollCtl(nil, 0, 0, 0)

	// Live: register an eventfd through the ring, see it fire, remove it.
	requireOp(t, IORING_OP_EPOLL_CTL)
	ring := newRing(t, 4, 0)
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		t.Fatal(err)
	}
	testCloseLater(t, epfd)
	efd, err := unix.Eventfd(0, unix.EFD_CLOEXEC)
	if err != nil {
		t.Fatal(err)
	}
	testCloseLater(t, efd)
	ev.Ptr().Fd = int32(efd)
	testPrep(t, ring, 1, func(s *SQE) { ev.PrepEpollCtl(s, epfd, efd, unix.EPOLL_CTL_ADD) })
	res, _ := testRun(t, ring, 1)
	testWantRes(t, "EPOLL_CTL_ADD", res, 0)
	ev.Close() // read at submit; no longer needed
	ev.Close()
	if ev.Ptr() != nil {
		t.Error("closed event has a pointer")
	}
	if _, err := unix.Write(efd, []byte{1, 0, 0, 0, 0, 0, 0, 0}); err != nil {
		t.Fatal(err)
	}
	got := make([]unix.EpollEvent, 2)
	var n int
	err = testRetryEINTR(func() (err error) { n, err = unix.EpollWait(epfd, got, 1000); return err })
	if err != nil || n != 1 || got[0].Fd != int32(efd) || got[0].Events&unix.EPOLLIN == 0 {
		t.Fatalf("EpollWait = %d, %v, %+v", n, err, got[:max(n, 0)])
	}
	testPrep(t, ring, 2, func(s *SQE) { none.PrepEpollCtl(s, epfd, efd, unix.EPOLL_CTL_DEL) })
	res, _ = testRun(t, ring, 2)
	testWantRes(t, "EPOLL_CTL_DEL", res, 0)
	if n, _ := unix.EpollWait(epfd, got, 0); n != 0 {
		t.Errorf("event still registered: %d", n)
	}
}
