//go:build linux && cgo

package liburing

import (
	"encoding/binary"
	"errors"
	"net"
	"net/netip"
	"strings"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// saBytes is the address bytes a Sockaddr holds (its length's worth).
func saBytes(sa *Sockaddr) []byte {
	return append([]byte(nil), unsafe.Slice((*byte)(unsafe.Pointer(sa.Ptr())), sa.Len())...)
}

// saWant builds the expected struct bytes: family in native order, then the
// given bytes, zero-padded to n.
func saWant(family uint16, n int, rest ...byte) []byte {
	b := make([]byte, n)
	binary.NativeEndian.PutUint16(b, family)
	copy(b[2:], rest)
	return b
}

// saInet4 is struct sockaddr_in: family, port (network order), address.
func saInet4(port uint16, ip ...byte) []byte {
	return saWant(unix.AF_INET, unix.SizeofSockaddrInet4, append([]byte{byte(port >> 8), byte(port)}, ip...)...)
}

// saInet6 is struct sockaddr_in6: family, port, flowinfo 0, address, scope.
func saInet6(port uint16, ip [16]byte, scope uint32) []byte {
	b := saWant(unix.AF_INET6, unix.SizeofSockaddrInet6, byte(port>>8), byte(port))
	copy(b[8:], ip[:])
	binary.NativeEndian.PutUint32(b[24:], scope)
	return b
}

func saUnix(path string, n int) []byte {
	return saWant(unix.AF_UNIX, n, []byte(path)...)
}

func TestSockaddrNew(t *testing.T) {
	v6one := [16]byte{15: 1}
	mapped := [16]byte{10: 0xff, 11: 0xff, 12: 1, 13: 2, 14: 3, 15: 4}
	long := strings.Repeat("p", 108)
	tests := []struct {
		name   string
		family int
		addr   string
		port   uint16
		scope  uint32
		want   []byte // nil when an error is expected
		err    error
	}{
		{"inet any", unix.AF_INET, "0.0.0.0", 123, 0, saInet4(123, 0, 0, 0, 0), nil},
		{"inet loopback", unix.AF_INET, "127.0.0.1", 80, 0, saInet4(80, 127, 0, 0, 1), nil},
		{"inet max port", unix.AF_INET, "255.255.255.255", 65535, 7, saInet4(65535, 255, 255, 255, 255), nil},
		{"inet empty", unix.AF_INET, "", 123, 0, nil, unix.EINVAL},
		{"inet path", unix.AF_INET, "./path", 0, 0, nil, unix.EINVAL},
		{"inet bad", unix.AF_INET, "bad. ad.dre.ss", 123, 0, nil, unix.EINVAL},
		{"inet ipv6 literal", unix.AF_INET, "::1", 123, 0, nil, unix.EINVAL},
		{"inet leading zero", unix.AF_INET, "01.2.3.4", 0, 0, nil, unix.EINVAL},
		{"inet hostname", unix.AF_INET, "localhost", 0, 0, nil, unix.EINVAL},
		{"inet NUL", unix.AF_INET, "1.2.3.4\x00", 0, 0, nil, unix.EINVAL},
		{"inet6 any", unix.AF_INET6, "::", 123, 321, saInet6(123, [16]byte{}, 321), nil},
		{"inet6 loopback", unix.AF_INET6, "::1", 65535, 0, saInet6(65535, v6one, 0), nil},
		{"inet6 mapped", unix.AF_INET6, "::ffff:1.2.3.4", 1, 0, saInet6(1, mapped, 0), nil},
		{"inet6 scope max", unix.AF_INET6, "::1", 0, 0xffffffff, saInet6(0, v6one, 0xffffffff), nil},
		{"inet6 empty", unix.AF_INET6, "", 123, 0, nil, unix.EINVAL},
		{"inet6 path", unix.AF_INET6, "./path", 0, 0, nil, unix.EINVAL},
		{"inet6 ipv4 literal", unix.AF_INET6, "123.123.123.123", 123, 234, nil, unix.EINVAL},
		{"inet6 zone", unix.AF_INET6, "fe80::1%1", 0, 0, nil, unix.EINVAL},
		{"unix path", unix.AF_UNIX, "./path", 0, 0, saUnix("./path", 2+6+1), nil},
		{"unix 108 bytes", unix.AF_UNIX, long, 0, 0, saUnix(long, 110), nil},
		{"unix 109 bytes", unix.AF_UNIX, long + "p", 0, 0, nil, unix.EINVAL},
		{"unix empty", unix.AF_UNIX, "", 0, 0, nil, unix.EINVAL},
		{"unix NUL inside", unix.AF_UNIX, "a\x00b", 0, 0, nil, unix.EINVAL},
		{"unix abstract @", unix.AF_UNIX, "@name", 0, 0, saUnix("\x00name", 2+5), nil},
		{"unix abstract NUL", unix.AF_UNIX, "\x00na\x00me", 0, 0, saUnix("\x00na\x00me", 2+6), nil},
		{"unix abstract 108 bytes", unix.AF_UNIX, "@" + long[1:], 0, 0, saUnix("\x00"+long[1:], 110), nil},
		{"unspec", unix.AF_UNSPEC, "ignored", 9, 9, make([]byte, 128), nil},
		{"unknown family", 123, "", 0, 0, nil, unix.EAFNOSUPPORT},
		{"negative family", -1, "", 0, 0, nil, unix.EAFNOSUPPORT},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sa, err := NewSockaddr(tt.family, tt.addr, tt.port, tt.scope)
			if tt.want == nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("NewSockaddr: %v, want %v", err, tt.err)
				}
				if sa != nil {
					t.Fatalf("NewSockaddr returned %v with its error", sa)
				}
				return
			}
			if err != nil {
				t.Fatalf("NewSockaddr: %v", err)
			}
			defer sa.Close()
			if got := saBytes(sa); string(got) != string(tt.want) {
				t.Errorf("struct bytes\n got %v\nwant %v", got, tt.want)
			}
			if sa.Family() != tt.family {
				t.Errorf("Family %d, want %d", sa.Family(), tt.family)
			}
			if *sa.LenPtr() != sa.Len() {
				t.Errorf("LenPtr %d, Len %d", *sa.LenPtr(), sa.Len())
			}
		})
	}
}

// TestSockaddrRawFields reads the typed struct views (the fields of Python's
// sockaddr._test) and checks only the family's view is offered.
func TestSockaddrRawFields(t *testing.T) {
	in4, err := NewSockaddrInet4([4]byte{127, 0, 0, 1}, 80)
	if err != nil {
		t.Fatal(err)
	}
	defer in4.Close()
	r4 := in4.RawInet4()
	if r4 == nil || r4.Family != unix.AF_INET || r4.Addr != [4]byte{127, 0, 0, 1} || r4.Port != htons(80) {
		t.Errorf("RawInet4 %+v", r4)
	}
	if in4.RawInet6() != nil || in4.RawUnix() != nil {
		t.Error("AF_INET address offers another family's view")
	}
	in6, err := NewSockaddrInet6([16]byte{0: 0xfe, 1: 0x80, 15: 1}, 443, 3)
	if err != nil {
		t.Fatal(err)
	}
	defer in6.Close()
	r6 := in6.RawInet6()
	if r6 == nil || r6.Family != unix.AF_INET6 || r6.Scope_id != 3 || r6.Flowinfo != 0 || r6.Port != htons(443) {
		t.Errorf("RawInet6 %+v", r6)
	}
	if in6.RawInet4() != nil || in6.RawUnix() != nil {
		t.Error("AF_INET6 address offers another family's view")
	}
	un, err := NewSockaddrUnix("/tmp/x")
	if err != nil {
		t.Fatal(err)
	}
	defer un.Close()
	if ru := un.RawUnix(); ru == nil || ru.Family != unix.AF_UNIX || ru.Path[0] != '/' || ru.Path[6] != 0 {
		t.Errorf("RawUnix %+v", ru)
	}
	if un.RawInet4() != nil || un.RawInet6() != nil {
		t.Error("AF_UNIX address offers another family's view")
	}
}

func TestSockaddrByteOrder(t *testing.T) {
	for _, port := range []uint16{0, 1, 123, 0x1234, 0xff00, 65535} {
		n := htons(port)
		b := (*[2]byte)(unsafe.Pointer(&n))
		if binary.BigEndian.Uint16(b[:]) != port {
			t.Errorf("htons(%d) stores %v", port, b)
		}
		if ntohs(n) != port {
			t.Errorf("ntohs(htons(%d)) = %d", port, ntohs(n))
		}
	}
}

func TestSockaddrConversions(t *testing.T) {
	tests := []struct {
		name    string
		ap      netip.AddrPort
		family  int
		str     string
		network string
		netStr  string
	}{
		{"v4", netip.MustParseAddrPort("127.0.0.1:8080"), unix.AF_INET, "127.0.0.1:8080", "tcp", "127.0.0.1:8080"},
		{"v4 udp", netip.MustParseAddrPort("10.1.2.3:0"), unix.AF_INET, "10.1.2.3:0", "udp4", "10.1.2.3:0"},
		{"v6", netip.MustParseAddrPort("[::1]:65535"), unix.AF_INET6, "[::1]:65535", "tcp6", "[::1]:65535"},
		{"v6 zone", netip.MustParseAddrPort("[fe80::1%7]:53"), unix.AF_INET6, "[fe80::1%7]:53", "udp", "[fe80::1%7]:53"},
		{"v4 mapped stays v6", netip.MustParseAddrPort("[::ffff:1.2.3.4]:9"), unix.AF_INET6, "[::ffff:1.2.3.4]:9", "ip", "1.2.3.4"}, // net.IP prints mapped as IPv4,
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sa, err := NewSockaddrAddrPort(tt.ap)
			if err != nil {
				t.Fatal(err)
			}
			defer sa.Close()
			if sa.Family() != tt.family {
				t.Errorf("Family %d, want %d", sa.Family(), tt.family)
			}
			got, err := sa.AddrPort()
			if err != nil || got != tt.ap {
				t.Errorf("AddrPort %v, %v; want %v", got, err, tt.ap)
			}
			if s := sa.String(); s != tt.str {
				t.Errorf("String %q, want %q", s, tt.str)
			}
			na, err := sa.NetAddr(tt.network)
			if err != nil || na.String() != tt.netStr {
				t.Fatalf("NetAddr(%q) = %v, %v; want %s", tt.network, na, err, tt.netStr)
			}
			if _, err := sa.Path(); !errors.Is(err, unix.EAFNOSUPPORT) {
				t.Errorf("Path of an IP address: %v", err)
			}
			if _, err := sa.NetAddr("unix"); !errors.Is(err, unix.EAFNOSUPPORT) {
				t.Errorf("NetAddr(unix) of an IP address: %v", err)
			}
			back, err := NewSockaddrNetAddr(na)
			if err != nil {
				t.Fatal(err)
			}
			defer back.Close()
			wantBack := tt.ap
			if tt.network == "ip" {
				wantBack = netip.AddrPortFrom(tt.ap.Addr().Unmap(), 0)
			}
			if ap, _ := back.AddrPort(); ap != wantBack {
				t.Errorf("NewSockaddrNetAddr(%v).AddrPort = %v, want %v", na, ap, wantBack)
			}
		})
	}

	// net.IP cannot tell IPv4 from IPv4-mapped: it always gives AF_INET.
	sa, err := NewSockaddrNetAddr(&net.TCPAddr{IP: net.ParseIP("127.0.0.1"), Port: 7})
	if err != nil {
		t.Fatal(err)
	}
	if sa.Family() != unix.AF_INET || sa.String() != "127.0.0.1:7" {
		t.Errorf("16-byte IPv4 TCPAddr gave %s %s", familyName(sa.Family()), sa)
	}
	sa.Close()

	// An interface name as the zone is looked up (lo always exists).
	lo, err := net.InterfaceByName("lo")
	if err == nil {
		sa, err := NewSockaddrNetAddr(&net.UDPAddr{IP: net.ParseIP("fe80::1"), Port: 1, Zone: "lo"})
		if err != nil {
			t.Fatal(err)
		}
		if got := sa.RawInet6().Scope_id; got != uint32(lo.Index) {
			t.Errorf("zone lo gave scope %d, want %d", got, lo.Index)
		}
		sa.Close()
	}

	bad := []net.Addr{
		&net.TCPAddr{IP: net.IP{1, 2, 3}, Port: 1},
		&net.TCPAddr{IP: net.IPv4(1, 2, 3, 4), Port: 65536},
		&net.UDPAddr{IP: net.IPv4(1, 2, 3, 4), Port: -1},
		&net.UnixAddr{Name: "", Net: "unix"},
	}
	for _, a := range bad {
		if sa, err := NewSockaddrNetAddr(a); !errors.Is(err, unix.EINVAL) {
			t.Errorf("NewSockaddrNetAddr(%#v) = %v, %v; want EINVAL", a, sa, err)
		}
	}
	if _, err := NewSockaddrNetAddr(nil); !errors.Is(err, unix.EAFNOSUPPORT) {
		t.Errorf("NewSockaddrNetAddr(nil): %v", err)
	}
	if _, err := NewSockaddrAddrPort(netip.AddrPort{}); !errors.Is(err, unix.EINVAL) {
		t.Errorf("NewSockaddrAddrPort(zero): %v", err)
	}
	if _, err := NewSockaddrAddrPort(netip.MustParseAddrPort("[fe80::1%no-such-if0]:1")); err == nil {
		t.Error("unknown interface zone accepted")
	}
}

func TestSockaddrUnixPaths(t *testing.T) {
	tests := []struct {
		path, want, network string
	}{
		{"/run/x.sock", "/run/x.sock", "unix"},
		{"@abstract", "@abstract", "unixgram"},
		{"\x00abstract", "@abstract", "unixpacket"},
		{strings.Repeat("z", 108), strings.Repeat("z", 108), "unix"},
	}
	for _, tt := range tests {
		sa, err := NewSockaddrUnix(tt.path)
		if err != nil {
			t.Fatal(err)
		}
		if p, err := sa.Path(); err != nil || p != tt.want {
			t.Errorf("Path of %q = %q, %v; want %q", tt.path, p, err, tt.want)
		}
		if s := sa.String(); s != tt.want {
			t.Errorf("String of %q = %q", tt.path, s)
		}
		na, err := sa.NetAddr(tt.network)
		if ua, ok := na.(*net.UnixAddr); err != nil || !ok || ua.Name != tt.want || ua.Net != tt.network {
			t.Errorf("NetAddr(%q) of %q = %#v, %v", tt.network, tt.path, na, err)
		}
		if _, err := sa.NetAddr("tcp"); !errors.Is(err, unix.EAFNOSUPPORT) {
			t.Errorf("NetAddr(tcp) of a unix address: %v", err)
		}
		if _, err := sa.AddrPort(); !errors.Is(err, unix.EAFNOSUPPORT) {
			t.Errorf("AddrPort of a unix address: %v", err)
		}
		back, err := NewSockaddrNetAddr(na)
		if err != nil || string(saBytes(back)) != string(saBytes(sa)) {
			t.Errorf("NewSockaddrNetAddr(%v) = %v, %v", na, back, err)
		}
		back.Close()
		sa.Close()
	}
}

func TestSockaddrNilAndClosed(t *testing.T) {
	var nilSA *Sockaddr
	closed, err := NewSockaddr(unix.AF_INET, "1.2.3.4", 5, 0)
	if err != nil {
		t.Fatal(err)
	}
	closed.Close()
	closed.Close() // twice is fine
	for name, sa := range map[string]*Sockaddr{"nil": nilSA, "closed": closed} {
		if sa.Ptr() != nil || sa.LenPtr() != nil || sa.Len() != 0 || sa.Family() != unix.AF_UNSPEC {
			t.Errorf("%s: Ptr %v LenPtr %v Len %d Family %d", name, sa.Ptr(), sa.LenPtr(), sa.Len(), sa.Family())
		}
		if sa.RawInet4() != nil || sa.RawInet6() != nil || sa.RawUnix() != nil {
			t.Errorf("%s: raw views not nil", name)
		}
		if sa.String() != "AF_UNSPEC" {
			t.Errorf("%s: String %q", name, sa.String())
		}
		if _, err := sa.AddrPort(); !errors.Is(err, unix.EAFNOSUPPORT) {
			t.Errorf("%s: AddrPort %v", name, err)
		}
		if _, err := sa.NetAddr("tcp"); !errors.Is(err, unix.EAFNOSUPPORT) {
			t.Errorf("%s: NetAddr %v", name, err)
		}
		sa.Close()
	}
}

// TestSockaddrPrepSQE checks the SQE each Sockaddr prep method builds: the C
// helper's fields with the address and its length, the length reset to the
// full storage for accepts, and NULL for a nil Sockaddr.
func TestSockaddrPrepSQE(t *testing.T) {
	sa, err := NewSockaddr(unix.AF_INET, "127.0.0.1", 80, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer sa.Close()
	saA, lenA := testAddr(sa.Ptr()), testAddr(sa.LenPtr())
	buf := testCMem(t, 16)
	bufP := unsafe.Pointer(&buf[0])
	bufA := uint64(uintptr(bufP))
	var none *Sockaddr
	const storage = 128

	tests := []struct {
		name    string
		prep    func(*SQE)
		want    SQE
		wantLen uint32 // sa.Len() afterwards
	}{
		{"connect", func(s *SQE) { sa.PrepConnect(s, 4) },
			SQE{Opcode: IORING_OP_CONNECT, Fd: 4, Addr: saA, Off: unix.SizeofSockaddrInet4}, unix.SizeofSockaddrInet4},
		{"connect nil", func(s *SQE) { none.PrepConnect(s, 4) },
			SQE{Opcode: IORING_OP_CONNECT, Fd: 4}, unix.SizeofSockaddrInet4},
		{"sendto", func(s *SQE) { sa.PrepSendto(s, 8, bufP, 16, unix.MSG_DONTWAIT) },
			SQE{Opcode: IORING_OP_SEND, Fd: 8, Addr: bufA, Len: 16, OpFlags: unix.MSG_DONTWAIT, Off: saA,
				SpliceFdIn: netPair16(unix.SizeofSockaddrInet4, 0)}, unix.SizeofSockaddrInet4},
		{"send set addr", func(s *SQE) { PrepSend(s, 8, bufP, 3, 0); sa.PrepSendSetAddr(s) },
			SQE{Opcode: IORING_OP_SEND, Fd: 8, Addr: bufA, Len: 3, Off: saA,
				SpliceFdIn: netPair16(unix.SizeofSockaddrInet4, 0)}, unix.SizeofSockaddrInet4},
		{"accept", func(s *SQE) { sa.PrepAccept(s, 5, unix.SOCK_CLOEXEC) },
			SQE{Opcode: IORING_OP_ACCEPT, Fd: 5, Addr: saA, Off: lenA, OpFlags: unix.SOCK_CLOEXEC}, storage},
		{"accept nil", func(s *SQE) { none.PrepAccept(s, 5, 0) },
			SQE{Opcode: IORING_OP_ACCEPT, Fd: 5}, unix.SizeofSockaddrInet4},
		{"accept direct", func(s *SQE) { sa.PrepAcceptDirect(s, 5, 0, 9) },
			SQE{Opcode: IORING_OP_ACCEPT, Fd: 5, Addr: saA, Off: lenA, SpliceFdIn: 10}, storage},
		{"accept direct nil alloc", func(s *SQE) { none.PrepAcceptDirect(s, 5, 0, IORING_FILE_INDEX_ALLOC) },
			SQE{Opcode: IORING_OP_ACCEPT, Fd: 5, SpliceFdIn: -1}, unix.SizeofSockaddrInet4},
		{"multishot accept", func(s *SQE) { sa.PrepMultishotAccept(s, 6, unix.SOCK_NONBLOCK) },
			SQE{Opcode: IORING_OP_ACCEPT, Fd: 6, Ioprio: IORING_ACCEPT_MULTISHOT, Addr: saA, Off: lenA, OpFlags: unix.SOCK_NONBLOCK}, storage},
		{"multishot accept nil", func(s *SQE) { none.PrepMultishotAccept(s, 6, 0) },
			SQE{Opcode: IORING_OP_ACCEPT, Fd: 6, Ioprio: IORING_ACCEPT_MULTISHOT}, unix.SizeofSockaddrInet4},
		{"multishot accept direct", func(s *SQE) { sa.PrepMultishotAcceptDirect(s, 6, 0) },
			SQE{Opcode: IORING_OP_ACCEPT, Fd: 6, Ioprio: IORING_ACCEPT_MULTISHOT, Addr: saA, Off: lenA, SpliceFdIn: -1}, storage},
		{"multishot accept direct nil", func(s *SQE) { none.PrepMultishotAcceptDirect(s, 6, 0) },
			SQE{Opcode: IORING_OP_ACCEPT, Fd: 6, Ioprio: IORING_ACCEPT_MULTISHOT, SpliceFdIn: -1}, unix.SizeofSockaddrInet4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			*sa.LenPtr() = unix.SizeofSockaddrInet4
			sqe := freshSQE()
			tt.prep(sqe)
			want := tt.want
			want.UserData = userDataMarker
			if *sqe != want {
				t.Errorf("SQE\n got %+v\nwant %+v", *sqe, want)
			}
			if sa.Len() != tt.wantLen {
				t.Errorf("Len after prep %d, want %d", sa.Len(), tt.wantLen)
			}
		})
	}
	// A nil SQE is ignored, as by the C helpers.
	sa.PrepConnect(nil, 0)
	sa.PrepAccept(nil, 0, 0)
	sa.PrepSendto(nil, 0, nil, 0, 0)
	sa.PrepSendSetAddr(nil)
}

// TestSockaddrLive connects, accepts and exchanges datagrams over loopback
// with Sockaddr and the synchronous socket helpers.
func TestSockaddrLive(t *testing.T) {
	requireOp(t, IORING_OP_CONNECT)
	requireOp(t, IORING_OP_ACCEPT)
	ring := newRing(t, 8, 0)
	for _, family := range []int{unix.AF_INET, unix.AF_INET6} {
		t.Run(familyName(family), func(t *testing.T) {
			host := map[int]string{unix.AF_INET: "127.0.0.1", unix.AF_INET6: "::1"}[family]
			lfd, err := unix.Socket(family, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
			if err != nil {
				t.Skipf("socket: %v", err)
			}
			testCloseLater(t, lfd)
			laddr, err := NewSockaddr(family, host, 0, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer laddr.Close()
			if err := Bind(lfd, laddr); err != nil {
				t.Skipf("bind %s: %v (no loopback for this family)", host, err)
			}
			if err := Listen(lfd, 4); err != nil {
				t.Fatal(err)
			}
			ip, port, err := Getsockname(lfd, laddr)
			if err != nil || ip != host || port == 0 {
				t.Fatalf("Getsockname = %q, %d, %v", ip, port, err)
			}

			cfd, err := unix.Socket(family, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
			if err != nil {
				t.Fatal(err)
			}
			testCloseLater(t, cfd)
			peer, err := NewSockaddr(unix.AF_UNSPEC, "", 0, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer peer.Close()
			testPrep(t, ring, 1, func(s *SQE) { peer.PrepAccept(s, lfd, unix.SOCK_CLOEXEC) })
			testPrep(t, ring, 2, func(s *SQE) { laddr.PrepConnect(s, cfd) })
			if _, err := SubmitAndWait(ring, 2); err != nil {
				t.Fatal(err)
			}
			var afd int32 = -1
			for range 2 {
				cqe, err := WaitCQE(ring)
				if err != nil {
					t.Fatal(err)
				}
				switch cqe.UserData {
				case 1:
					afd = cqe.Res
				case 2:
					testWantRes(t, "connect", cqe.Res, 0)
				}
				CQESeen(ring, cqe)
			}
			if afd < 0 {
				t.Fatalf("accept: %v", testErr(afd))
			}
			testCloseLater(t, int(afd))

			// The accepted peer address is the client's local address.
			caddr, err := NewSockaddr(family, host, 0, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer caddr.Close()
			cip, cport, err := Getsockname(cfd, caddr)
			if err != nil {
				t.Fatal(err)
			}
			if peer.Family() != family || peer.String() != caddr.String() || peer.Len() != caddr.Len() {
				t.Errorf("accepted peer %s (len %d), client is %s:%d (len %d)", peer, peer.Len(), cip, cport, caddr.Len())
			}
			got, err := NewSockaddr(unix.AF_UNSPEC, "", 0, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer got.Close()
			if err := Getpeername(cfd, got); err != nil || got.String() != laddr.String() {
				t.Errorf("Getpeername of the client = %s, %v; want %s", got, err, laddr)
			}
		})
	}
}

func TestSockaddrSendtoLive(t *testing.T) {
	requireOp(t, IORING_OP_SEND)
	ring := newRing(t, 8, 0)
	rfd, rport := netUDP(t)
	sfd, _ := netUDP(t)
	dst, err := NewSockaddrAddrPort(netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), uint16(rport)))
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	buf := testCMem(t, 5)
	copy(buf, "hello")
	testPrep(t, ring, 1, func(s *SQE) { dst.PrepSendto(s, sfd, unsafe.Pointer(&buf[0]), 5, 0) })
	res, _ := testRun(t, ring, 1)
	if res == -int32(unix.EINVAL) {
		t.Skip("kernel's IORING_OP_SEND takes no destination address (Linux 6.1)")
	}
	testWantRes(t, "sendto", res, 5)
	testPrep(t, ring, 2, func(s *SQE) {
		PrepSend(s, sfd, unsafe.Pointer(&buf[1]), 4, 0)
		dst.PrepSendSetAddr(s)
	})
	res, _ = testRun(t, ring, 2)
	testWantRes(t, "send with address", res, 4)
	got := make([]byte, 8)
	for _, want := range []string{"hello", "ello"} {
		n, err := unix.Read(rfd, got)
		if err != nil || string(got[:n]) != want {
			t.Errorf("datagram %q, %v; want %q", got[:n], err, want)
		}
	}
}
