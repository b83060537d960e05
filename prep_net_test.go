//go:build linux && cgo

package liburing

import (
	"bytes"
	"encoding/binary"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// netBigEndian reports whether this machine stores the first of two packed
// SQE sub-fields in the high half of the word they share.
var netBigEndian = binary.NativeEndian.Uint16([]byte{0, 1}) == 1

// netPair32 is the 64-bit SQE word holding two 32-bit members, first at the
// lower address (cmd_op+__pad1 in off, level+optname in addr).
func netPair32(first, second uint32) uint64 {
	if netBigEndian {
		return uint64(first)<<32 | uint64(second)
	}
	return uint64(second)<<32 | uint64(first)
}

// netPair16 is the 32-bit SQE word holding addr_len (first) and __pad3[0].
func netPair16(first, second uint16) int32 {
	if netBigEndian {
		return int32(uint32(first)<<16 | uint32(second))
	}
	return int32(uint32(second)<<16 | uint32(first))
}

// TestPrepNetSQEFields checks every socket prep helper's SQE against the
// io_uring ABI and the man pages: the fields it writes, user_data kept,
// everything else as GetSQE left it. liburing 2.6 and 2.9 prepare these
// SQEs identically (in particular neither sets IOSQE_BUFFER_SELECT for the
// multishot receives).
func TestPrepNetSQEFields(t *testing.T) {
	sa := testCNew[unix.RawSockaddrAny](t)
	salen := testCNew[uint32](t)
	msg := testCNew[unix.Msghdr](t)
	buf := testCMem(t, 64)
	optval := testCNew[int32](t)
	saA, lenA, msgA := testAddr(sa), testAddr(salen), testAddr(msg)
	bufP := unsafe.Pointer(&buf[0])
	bufA := uint64(uintptr(bufP))
	optA := testAddr(optval)
	const alloc = IORING_FILE_INDEX_ALLOC
	nonblock := unix.SOCK_NONBLOCK | unix.SOCK_CLOEXEC

	// stale is freshSQE's leftover in the fields a helper may not write.
	stale := *freshSQE()

	tests := []struct {
		name string
		prep func(*SQE)
		want SQE
		keep bool // want starts from the stale SQE instead of zero
	}{
		{name: "accept", prep: func(s *SQE) { PrepAccept(s, 5, sa, salen, nonblock) },
			want: SQE{Opcode: IORING_OP_ACCEPT, Fd: 5, Addr: saA, Off: lenA, OpFlags: uint32(nonblock)}},
		{name: "accept no address", prep: func(s *SQE) { PrepAccept(s, 0, nil, nil, 0) },
			want: SQE{Opcode: IORING_OP_ACCEPT}},
		{name: "accept negative fd and flags", prep: func(s *SQE) { PrepAccept(s, -1, sa, nil, -1) },
			want: SQE{Opcode: IORING_OP_ACCEPT, Fd: -1, Addr: saA, OpFlags: 0xffffffff}},
		{name: "accept direct slot 0", prep: func(s *SQE) { PrepAcceptDirect(s, 3, sa, salen, 0, 0) },
			want: SQE{Opcode: IORING_OP_ACCEPT, Fd: 3, Addr: saA, Off: lenA, SpliceFdIn: 1}},
		{name: "accept direct slot 41", prep: func(s *SQE) { PrepAcceptDirect(s, 3, nil, nil, unix.SOCK_NONBLOCK, 41) },
			want: SQE{Opcode: IORING_OP_ACCEPT, Fd: 3, OpFlags: unix.SOCK_NONBLOCK, SpliceFdIn: 42}},
		// IORING_FILE_INDEX_ALLOC is encoded as itself (~0U): liburing
		// subtracts one before the usual +1.
		{name: "accept direct alloc", prep: func(s *SQE) { PrepAcceptDirect(s, 3, nil, nil, 0, alloc) },
			want: SQE{Opcode: IORING_OP_ACCEPT, Fd: 3, SpliceFdIn: -1}},
		// The largest real slot, ~0U-1, wraps to the same encoding.
		{name: "accept direct max slot", prep: func(s *SQE) { PrepAcceptDirect(s, 3, nil, nil, 0, alloc-1) },
			want: SQE{Opcode: IORING_OP_ACCEPT, Fd: 3, SpliceFdIn: -1}},
		{name: "multishot accept", prep: func(s *SQE) { PrepMultishotAccept(s, 9, sa, salen, unix.SOCK_CLOEXEC) },
			want: SQE{Opcode: IORING_OP_ACCEPT, Fd: 9, Ioprio: IORING_ACCEPT_MULTISHOT, Addr: saA, Off: lenA, OpFlags: unix.SOCK_CLOEXEC}},
		{name: "multishot accept direct", prep: func(s *SQE) { PrepMultishotAcceptDirect(s, 9, nil, nil, 0) },
			want: SQE{Opcode: IORING_OP_ACCEPT, Fd: 9, Ioprio: IORING_ACCEPT_MULTISHOT, SpliceFdIn: -1}},
		{name: "connect", prep: func(s *SQE) { PrepConnect(s, 4, sa, unix.SizeofSockaddrInet4) },
			want: SQE{Opcode: IORING_OP_CONNECT, Fd: 4, Addr: saA, Off: unix.SizeofSockaddrInet4}},
		{name: "connect max addrlen", prep: func(s *SQE) { PrepConnect(s, 4, sa, 0xffffffff) },
			want: SQE{Opcode: IORING_OP_CONNECT, Fd: 4, Addr: saA, Off: 0xffffffff}},
		{name: "send", prep: func(s *SQE) { PrepSend(s, 6, bufP, 64, unix.MSG_NOSIGNAL|unix.MSG_WAITALL) },
			want: SQE{Opcode: IORING_OP_SEND, Fd: 6, Addr: bufA, Len: 64, OpFlags: unix.MSG_NOSIGNAL | unix.MSG_WAITALL}},
		// size_t len is stored in the 32-bit len field.
		{name: "send length truncated", prep: func(s *SQE) { PrepSend(s, 6, bufP, 1<<32|7, -1) },
			want: SQE{Opcode: IORING_OP_SEND, Fd: 6, Addr: bufA, Len: 7, OpFlags: 0xffffffff}},
		{name: "send max length", prep: func(s *SQE) { PrepSend(s, 6, nil, ^uint64(0), 0) },
			want: SQE{Opcode: IORING_OP_SEND, Fd: 6, Len: 0xffffffff}},
		{name: "send then set addr", prep: func(s *SQE) {
			PrepSend(s, 6, bufP, 10, 0)
			PrepSendSetAddr(s, sa, unix.SizeofSockaddrInet6)
		}, want: SQE{Opcode: IORING_OP_SEND, Fd: 6, Addr: bufA, Len: 10, Off: saA, SpliceFdIn: netPair16(unix.SizeofSockaddrInet6, 0)}},
		// On its own, send_set_addr writes only addr2 and addr_len.
		{name: "set addr alone", keep: true, prep: func(s *SQE) { PrepSendSetAddr(s, sa, 0xffff) },
			want: SQE{Off: saA, SpliceFdIn: netPair16(0xffff, 0)}},
		{name: "set addr nil", keep: true, prep: func(s *SQE) { PrepSendSetAddr(s, nil, 0) },
			want: SQE{Off: 0, SpliceFdIn: 0}},
		{name: "sendto", prep: func(s *SQE) { PrepSendto(s, 8, bufP, 33, unix.MSG_DONTWAIT, sa, unix.SizeofSockaddrInet4) },
			want: SQE{Opcode: IORING_OP_SEND, Fd: 8, Addr: bufA, Len: 33, OpFlags: unix.MSG_DONTWAIT, Off: saA, SpliceFdIn: netPair16(unix.SizeofSockaddrInet4, 0)}},
		// socklen_t addrlen is narrowed to the 16-bit addr_len.
		{name: "sendto addrlen narrowed", prep: func(s *SQE) { PrepSendto(s, 8, bufP, 1, 0, sa, 0x10010) },
			want: SQE{Opcode: IORING_OP_SEND, Fd: 8, Addr: bufA, Len: 1, Off: saA, SpliceFdIn: netPair16(0x10, 0)}},
		{name: "send zc", prep: func(s *SQE) { PrepSendZc(s, 7, bufP, 64, unix.MSG_WAITALL, IORING_SEND_ZC_REPORT_USAGE) },
			want: SQE{Opcode: IORING_OP_SEND_ZC, Fd: 7, Addr: bufA, Len: 64, OpFlags: unix.MSG_WAITALL, Ioprio: IORING_SEND_ZC_REPORT_USAGE}},
		// zc_flags land in the 16-bit ioprio.
		{name: "send zc flags truncated", prep: func(s *SQE) { PrepSendZc(s, 7, bufP, 0, 0, 0x10000|IORING_RECVSEND_POLL_FIRST) },
			want: SQE{Opcode: IORING_OP_SEND_ZC, Fd: 7, Addr: bufA, Ioprio: IORING_RECVSEND_POLL_FIRST}},
		{name: "send zc fixed", prep: func(s *SQE) { PrepSendZcFixed(s, 7, bufP, 16, 0, IORING_RECVSEND_POLL_FIRST, 3) },
			want: SQE{Opcode: IORING_OP_SEND_ZC, Fd: 7, Addr: bufA, Len: 16, Ioprio: IORING_RECVSEND_POLL_FIRST | IORING_RECVSEND_FIXED_BUF, BufIndex: 3}},
		// buf_index is 16 bits wide.
		{name: "send zc fixed index truncated", prep: func(s *SQE) { PrepSendZcFixed(s, 7, bufP, 16, -1, 0, 0x1ffff) },
			want: SQE{Opcode: IORING_OP_SEND_ZC, Fd: 7, Addr: bufA, Len: 16, OpFlags: 0xffffffff, Ioprio: IORING_RECVSEND_FIXED_BUF, BufIndex: 0xffff}},
		{name: "sendmsg", prep: func(s *SQE) { PrepSendmsg(s, 2, msg, unix.MSG_NOSIGNAL) },
			want: SQE{Opcode: IORING_OP_SENDMSG, Fd: 2, Addr: msgA, Len: 1, OpFlags: unix.MSG_NOSIGNAL}},
		{name: "sendmsg zc", prep: func(s *SQE) { PrepSendmsgZc(s, 2, msg, 0xffffffff) },
			want: SQE{Opcode: IORING_OP_SENDMSG_ZC, Fd: 2, Addr: msgA, Len: 1, OpFlags: 0xffffffff}},
		{name: "recv", prep: func(s *SQE) { PrepRecv(s, 11, bufP, 64, unix.MSG_PEEK) },
			want: SQE{Opcode: IORING_OP_RECV, Fd: 11, Addr: bufA, Len: 64, OpFlags: unix.MSG_PEEK}},
		{name: "recv provided buffers", prep: func(s *SQE) { PrepRecv(s, 11, nil, 0, 0) },
			want: SQE{Opcode: IORING_OP_RECV, Fd: 11}},
		{name: "recv multishot", prep: func(s *SQE) { PrepRecvMultishot(s, 11, nil, 0, unix.MSG_WAITALL) },
			want: SQE{Opcode: IORING_OP_RECV, Fd: 11, Ioprio: IORING_RECV_MULTISHOT, OpFlags: unix.MSG_WAITALL}},
		{name: "recv multishot with buffer", prep: func(s *SQE) { PrepRecvMultishot(s, 11, bufP, 1<<40, 0) },
			want: SQE{Opcode: IORING_OP_RECV, Fd: 11, Addr: bufA, Ioprio: IORING_RECV_MULTISHOT}},
		{name: "recvmsg", prep: func(s *SQE) { PrepRecvmsg(s, 12, msg, unix.MSG_TRUNC) },
			want: SQE{Opcode: IORING_OP_RECVMSG, Fd: 12, Addr: msgA, Len: 1, OpFlags: unix.MSG_TRUNC}},
		{name: "recvmsg multishot", prep: func(s *SQE) { PrepRecvmsgMultishot(s, 12, msg, 0) },
			want: SQE{Opcode: IORING_OP_RECVMSG, Fd: 12, Addr: msgA, Len: 1, Ioprio: IORING_RECV_MULTISHOT}},
		{name: "shutdown", prep: func(s *SQE) { PrepShutdown(s, 13, unix.SHUT_RDWR) },
			want: SQE{Opcode: IORING_OP_SHUTDOWN, Fd: 13, Len: unix.SHUT_RDWR}},
		{name: "shutdown negative how", prep: func(s *SQE) { PrepShutdown(s, 13, -1) },
			want: SQE{Opcode: IORING_OP_SHUTDOWN, Fd: 13, Len: 0xffffffff}},
		// socket: domain in fd, type in off, protocol in len.
		{name: "socket", prep: func(s *SQE) { PrepSocket(s, unix.AF_INET6, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, unix.IPPROTO_UDP, 0) },
			want: SQE{Opcode: IORING_OP_SOCKET, Fd: unix.AF_INET6, Off: unix.SOCK_DGRAM | unix.SOCK_CLOEXEC, Len: unix.IPPROTO_UDP}},
		// The int type is widened with its sign to the 64-bit off.
		{name: "socket negative values", prep: func(s *SQE) { PrepSocket(s, -1, -1, -1, 0xffffffff) },
			want: SQE{Opcode: IORING_OP_SOCKET, Fd: -1, Off: ^uint64(0), Len: 0xffffffff, OpFlags: 0xffffffff}},
		{name: "socket direct", prep: func(s *SQE) { PrepSocketDirect(s, unix.AF_INET, unix.SOCK_STREAM, 0, 5, 0) },
			want: SQE{Opcode: IORING_OP_SOCKET, Fd: unix.AF_INET, Off: unix.SOCK_STREAM, SpliceFdIn: 6}},
		{name: "socket direct alloc index", prep: func(s *SQE) { PrepSocketDirect(s, unix.AF_INET, unix.SOCK_STREAM, 0, alloc, 0) },
			want: SQE{Opcode: IORING_OP_SOCKET, Fd: unix.AF_INET, Off: unix.SOCK_STREAM, SpliceFdIn: -1}},
		{name: "socket direct alloc", prep: func(s *SQE) { PrepSocketDirectAlloc(s, unix.AF_UNIX, unix.SOCK_SEQPACKET, 0, 0) },
			want: SQE{Opcode: IORING_OP_SOCKET, Fd: unix.AF_UNIX, Off: unix.SOCK_SEQPACKET, SpliceFdIn: -1}},
		// cmd_sock: cmd_op in off's low word, level and optname in addr,
		// optlen in splice_fd_in, optval in addr3; len and op flags zero.
		{name: "cmd sock getsockopt", prep: func(s *SQE) {
			PrepCmdSock(s, SOCKET_URING_OP_GETSOCKOPT, 14, unix.SOL_SOCKET, unix.SO_RCVBUF, unsafe.Pointer(optval), 4)
		}, want: SQE{Opcode: IORING_OP_URING_CMD, Fd: 14, Off: netPair32(SOCKET_URING_OP_GETSOCKOPT, 0),
			Addr: netPair32(unix.SOL_SOCKET, unix.SO_RCVBUF), SpliceFdIn: 4, Addr3: optA}},
		{name: "cmd sock siocinq", prep: func(s *SQE) { PrepCmdSock(s, SOCKET_URING_OP_SIOCINQ, 14, 0, 0, nil, 0) },
			want: SQE{Opcode: IORING_OP_URING_CMD, Fd: 14, Off: netPair32(SOCKET_URING_OP_SIOCINQ, 0)}},
		{name: "cmd sock negative values", prep: func(s *SQE) { PrepCmdSock(s, -1, -1, -1, -2, nil, -3) },
			want: SQE{Opcode: IORING_OP_URING_CMD, Fd: -1, Off: netPair32(0xffffffff, 0), Addr: netPair32(0xffffffff, 0xfffffffe), SpliceFdIn: -3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sqe := freshSQE()
			tt.prep(sqe)
			want := tt.want
			if tt.keep {
				want = stale
				want.Off, want.SpliceFdIn = tt.want.Off, tt.want.SpliceFdIn
			}
			want.UserData = userDataMarker
			if *sqe != want {
				t.Errorf("SQE\n got %+v\nwant %+v", *sqe, want)
			}
		})
	}
}

// TestPrepNetNilSQE: every socket prep helper ignores a nil SQE.
func TestPrepNetNilSQE(t *testing.T) {
	PrepAccept(nil, 0, nil, nil, 0)
	PrepAcceptDirect(nil, 0, nil, nil, 0, 0)
	PrepMultishotAccept(nil, 0, nil, nil, 0)
	PrepMultishotAcceptDirect(nil, 0, nil, nil, 0)
	PrepConnect(nil, 0, nil, 0)
	PrepSend(nil, 0, nil, 0, 0)
	PrepSendSetAddr(nil, nil, 0)
	PrepSendto(nil, 0, nil, 0, 0, nil, 0)
	PrepSendZc(nil, 0, nil, 0, 0, 0)
	PrepSendZcFixed(nil, 0, nil, 0, 0, 0, 0)
	PrepSendmsgZc(nil, 0, nil, 0)
	PrepSendmsg(nil, 0, nil, 0)
	PrepRecv(nil, 0, nil, 0, 0)
	PrepRecvMultishot(nil, 0, nil, 0, 0)
	PrepRecvmsg(nil, 0, nil, 0)
	PrepRecvmsgMultishot(nil, 0, nil, 0)
	PrepShutdown(nil, 0, 0)
	PrepSocket(nil, 0, 0, 0, 0)
	PrepSocketDirect(nil, 0, 0, 0, 0, 0)
	PrepSocketDirectAlloc(nil, 0, 0, 0, 0)
	PrepCmdSock(nil, 0, 0, 0, 0, nil, 0)
}

// ---- live helpers ----

var netLoopbackIP = [4]byte{127, 0, 0, 1}

// netListen opens a TCP listener on 127.0.0.1 with an ephemeral port (unix
// calls) and returns it with its port.
func netListen(t testing.TB) (int, int) {
	t.Helper()
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	testCloseLater(t, fd)
	if err := unix.Bind(fd, &unix.SockaddrInet4{Addr: netLoopbackIP}); err != nil {
		t.Fatal(err)
	}
	if err := unix.Listen(fd, 16); err != nil {
		t.Fatal(err)
	}
	return fd, netPort(t, fd)
}

// netPort is the local port of socket fd.
func netPort(t testing.TB, fd int) int {
	t.Helper()
	sa, err := unix.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	return sa.(*unix.SockaddrInet4).Port
}

// netSockaddr returns 127.0.0.1:port as a struct sockaddr_in in C memory,
// with its length.
func netSockaddr(t testing.TB, port int) (*unix.RawSockaddrAny, uint32) {
	t.Helper()
	sa := testCNew[unix.RawSockaddrAny](t)
	in := (*unix.RawSockaddrInet4)(unsafe.Pointer(sa))
	in.Family = unix.AF_INET
	in.Addr = netLoopbackIP
	binary.BigEndian.PutUint16((*[2]byte)(unsafe.Pointer(&in.Port))[:], uint16(port))
	return sa, unix.SizeofSockaddrInet4
}

// netSockaddrPort reads the port of a struct sockaddr_in.
func netSockaddrPort(sa *unix.RawSockaddrAny) int {
	in := (*unix.RawSockaddrInet4)(unsafe.Pointer(sa))
	return int(binary.BigEndian.Uint16((*[2]byte)(unsafe.Pointer(&in.Port))[:]))
}

// netDial connects a new blocking TCP socket (unix calls) to port.
func netDial(t testing.TB, port int) int {
	t.Helper()
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	testCloseLater(t, fd)
	if err := unix.Connect(fd, &unix.SockaddrInet4{Addr: netLoopbackIP, Port: port}); err != nil {
		t.Fatal(err)
	}
	return fd
}

// netTCPPair returns a connected loopback TCP pair (client, server) made
// with unix calls.
func netTCPPair(t testing.TB) (int, int) {
	t.Helper()
	lfd, port := netListen(t)
	c := netDial(t, port)
	s, _, err := unix.Accept4(lfd, unix.SOCK_CLOEXEC)
	if err != nil {
		t.Fatal(err)
	}
	testCloseLater(t, s)
	return c, s
}

// netUDP opens a UDP socket bound to 127.0.0.1 with an ephemeral port.
func netUDP(t testing.TB) (int, int) {
	t.Helper()
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	testCloseLater(t, fd)
	if err := unix.Bind(fd, &unix.SockaddrInet4{Addr: netLoopbackIP}); err != nil {
		t.Fatal(err)
	}
	return fd, netPort(t, fd)
}

// netRecvAll reads exactly len(want) bytes from fd (unix calls) and compares.
func netRecvAll(t testing.TB, fd int, want []byte) {
	t.Helper()
	got := make([]byte, 0, len(want))
	tmp := make([]byte, len(want))
	for len(got) < len(want) {
		n, err := unix.Read(fd, tmp[:len(want)-len(got)])
		if err != nil || n == 0 {
			t.Fatalf("read after %d bytes: %d, %v", len(got), n, err)
		}
		got = append(got, tmp[:n]...)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("received %q, want %q", got, want)
	}
}

// ---- live tests ----

// TestNetSocketConnectAccept: socket via io_uring, bind and listen with unix
// calls, connect and accept via io_uring, then bytes both ways with send and
// recv, and shutdown giving the peer EOF.
func TestNetSocketConnectAccept(t *testing.T) {
	for _, op := range []int{IORING_OP_SOCKET, IORING_OP_CONNECT, IORING_OP_ACCEPT, IORING_OP_SEND, IORING_OP_RECV, IORING_OP_SHUTDOWN} {
		requireOp(t, op)
	}
	peer := testCNew[unix.RawSockaddrAny](t)
	peerLen := testCNew[uint32](t)
	out := testCMem(t, 64)
	in := testCMem(t, 64)
	ring := newRing(t, 8, 0)

	testPrep(t, ring, 1, func(s *SQE) { PrepSocket(s, unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0, 0) })
	res, _ := testRun(t, ring, 1)
	if res < 0 {
		t.Fatalf("socket: %v", testErr(res))
	}
	lfd := int(res)
	testCloseLater(t, lfd)
	if typ, err := unix.GetsockoptInt(lfd, unix.SOL_SOCKET, unix.SO_TYPE); err != nil || typ != unix.SOCK_STREAM {
		t.Fatalf("SO_TYPE of the io_uring socket: %d, %v", typ, err)
	}
	if err := unix.Bind(lfd, &unix.SockaddrInet4{Addr: netLoopbackIP}); err != nil {
		t.Fatal(err)
	}
	if err := unix.Listen(lfd, 4); err != nil {
		t.Fatal(err)
	}
	port := netPort(t, lfd)

	testPrep(t, ring, 2, func(s *SQE) { PrepSocket(s, unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, unix.IPPROTO_TCP, 0) })
	res, _ = testRun(t, ring, 2)
	if res < 0 {
		t.Fatalf("socket: %v", testErr(res))
	}
	cfd := int(res)
	testCloseLater(t, cfd)

	sa, salen := netSockaddr(t, port)
	testPrep(t, ring, 3, func(s *SQE) { PrepConnect(s, cfd, sa, salen) })
	res, _ = testRun(t, ring, 3)
	testWantRes(t, "connect", res, 0)

	*peerLen = uint32(unsafe.Sizeof(*peer))
	testPrep(t, ring, 4, func(s *SQE) { PrepAccept(s, lfd, peer, peerLen, unix.SOCK_CLOEXEC) })
	res, _ = testRun(t, ring, 4)
	if res < 0 {
		t.Fatalf("accept: %v", testErr(res))
	}
	sfd := int(res)
	testCloseLater(t, sfd)
	if *peerLen != unix.SizeofSockaddrInet4 || peer.Addr.Family != unix.AF_INET {
		t.Errorf("accept address: len %d family %d", *peerLen, peer.Addr.Family)
	}
	if got, want := netSockaddrPort(peer), netPort(t, cfd); got != want {
		t.Errorf("accepted peer port %d, want the client's %d", got, want)
	}

	msg := []byte("ping over io_uring")
	copy(out, msg)
	testPrep(t, ring, 5, func(s *SQE) { PrepSend(s, cfd, unsafe.Pointer(&out[0]), uint64(len(msg)), unix.MSG_NOSIGNAL) })
	res, _ = testRun(t, ring, 5)
	testWantRes(t, "send", res, int32(len(msg)))
	testPrep(t, ring, 6, func(s *SQE) { PrepRecv(s, sfd, unsafe.Pointer(&in[0]), uint64(len(in)), 0) })
	res, _ = testRun(t, ring, 6)
	testWantRes(t, "recv", res, int32(len(msg)))
	if !bytes.Equal(in[:res], msg) {
		t.Errorf("recv %q, want %q", in[:res], msg)
	}

	// Reply the other way, the server's recv armed before the data exists.
	testPrep(t, ring, 7, func(s *SQE) { PrepRecv(s, cfd, unsafe.Pointer(&in[0]), 4, 0) })
	testSubmit(t, ring)
	copy(out, "pong")
	testPrep(t, ring, 8, func(s *SQE) { PrepSend(s, sfd, unsafe.Pointer(&out[0]), 4, 0) })
	cqes := testReap(t, ring, 2)
	testWantCQE(t, cqes, 7, 4) // recv
	testWantCQE(t, cqes, 8, 4) // send
	if string(in[:4]) != "pong" {
		t.Errorf("client got %q", in[:4])
	}

	testPrep(t, ring, 9, func(s *SQE) { PrepShutdown(s, cfd, unix.SHUT_WR) })
	res, _ = testRun(t, ring, 9)
	testWantRes(t, "shutdown", res, 0)
	testPrep(t, ring, 10, func(s *SQE) { PrepRecv(s, sfd, unsafe.Pointer(&in[0]), uint64(len(in)), 0) })
	res, _ = testRun(t, ring, 10)
	testWantRes(t, "recv after peer shutdown (EOF)", res, 0)
}

// TestNetErrors: the kernel's errno for bad input, in the CQE.
func TestNetErrors(t *testing.T) {
	requireOp(t, IORING_OP_SOCKET)
	requireOp(t, IORING_OP_SHUTDOWN)
	ring := newRing(t, 8, 0)
	buf := testCMem(t, 16)
	closedPort := func() int { // a port nothing listens on
		fd, port := netListen(t)
		unix.Close(fd)
		return port
	}()
	sa, salen := netSockaddr(t, closedPort)
	udp, _ := netUDP(t)
	lfd, _ := netListen(t)
	c, _ := netTCPPair(t)
	pipeR, _ := testPipe(t)

	tests := []struct {
		name string
		prep func(*SQE)
		want unix.Errno
	}{
		{"socket bad domain", func(q *SQE) { PrepSocket(q, 9999, unix.SOCK_STREAM, 0, 0) }, unix.EAFNOSUPPORT},
		{"socket nonzero flags", func(q *SQE) { PrepSocket(q, unix.AF_INET, unix.SOCK_STREAM, 0, 1) }, unix.EINVAL},
		{"connect refused", func(q *SQE) {
			fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
			if err != nil {
				t.Fatal(err)
			}
			testCloseLater(t, fd)
			PrepConnect(q, fd, sa, salen)
		}, unix.ECONNREFUSED},
		{"connect bad fd", func(q *SQE) { PrepConnect(q, -1, sa, salen) }, unix.EBADF},
		{"accept on a non-listening socket", func(q *SQE) { PrepAccept(q, c, nil, nil, 0) }, unix.EINVAL},
		{"accept on UDP", func(q *SQE) { PrepAccept(q, udp, nil, nil, 0) }, unix.EOPNOTSUPP},
		{"send bad fd", func(q *SQE) { PrepSend(q, -1, unsafe.Pointer(&buf[0]), 1, 0) }, unix.EBADF},
		{"send on a listener", func(q *SQE) { PrepSend(q, lfd, unsafe.Pointer(&buf[0]), 1, unix.MSG_NOSIGNAL) }, unix.EPIPE},
		{"recv on a non-socket", func(q *SQE) { PrepRecv(q, pipeR, unsafe.Pointer(&buf[0]), 1, 0) }, unix.ENOTSOCK},
		{"shutdown not connected", func(q *SQE) { PrepShutdown(q, udp, unix.SHUT_RDWR) }, unix.ENOTCONN},
		{"shutdown bad how", func(q *SQE) { PrepShutdown(q, c, 7) }, unix.EINVAL},
		// A multishot recv needs provided buffers (IOSQE_BUFFER_SELECT).
		{"recv multishot without buffer select", func(q *SQE) { PrepRecvMultishot(q, c, unsafe.Pointer(&buf[0]), 16, 0) }, unix.EINVAL},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ud := uint64(100 + i)
			testPrep(t, ring, ud, tt.prep)
			res, _ := testRun(t, ring, ud)
			testWantRes(t, tt.name, res, -int32(tt.want))
		})
	}
}

// TestNetMultishotAccept: one multishot accept yields a CQE with
// IORING_CQE_F_MORE per connection, with the peer address rewritten each
// time; shutting the listener down ends it with a CQE without F_MORE.
func TestNetMultishotAccept(t *testing.T) {
	requireOp(t, IORING_OP_ACCEPT)
	peer := testCNew[unix.RawSockaddrAny](t)
	peerLen := testCNew[uint32](t)
	ring := newRing(t, 8, 0)
	lfd, port := netListen(t)

	*peerLen = uint32(unsafe.Sizeof(*peer))
	testPrep(t, ring, 77, func(s *SQE) { PrepMultishotAccept(s, lfd, peer, peerLen, unix.SOCK_CLOEXEC) })
	testSubmit(t, ring)
	for i := range 3 {
		c := netDial(t, port)
		res, flags := testWaitUD(t, ring, 77)
		if res < 0 {
			t.Fatalf("connection %d: res %d (%v)", i, res, testErr(res))
		}
		testCloseLater(t, int(res))
		if flags&IORING_CQE_F_MORE == 0 {
			t.Fatalf("connection %d: flags %#x lack IORING_CQE_F_MORE", i, flags)
		}
		if got, want := netSockaddrPort(peer), netPort(t, c); got != want {
			t.Errorf("connection %d: peer port %d, want %d", i, got, want)
		}
		// The accepted fd is the server end of c.
		if _, err := unix.Write(c, []byte{byte(i)}); err != nil {
			t.Fatal(err)
		}
		netRecvAll(t, int(res), []byte{byte(i)})
	}
	if err := unix.Shutdown(lfd, unix.SHUT_RDWR); err != nil {
		t.Fatal(err)
	}
	res, flags := testWaitUD(t, ring, 77)
	if res != -int32(unix.EINVAL) || flags&IORING_CQE_F_MORE != 0 {
		t.Errorf("after shutdown: res %d flags %#x, want the final -EINVAL without F_MORE", res, flags)
	}
}

// TestNetSendmsgRecvmsg: sendmsg and recvmsg with a msghdr, its iovecs and
// buffers in C memory; the bytes and lengths come back exact.
func TestNetSendmsgRecvmsg(t *testing.T) {
	requireOp(t, IORING_OP_SENDMSG)
	requireOp(t, IORING_OP_RECVMSG)
	smsg := testCNew[unix.Msghdr](t)
	rmsg := testCNew[unix.Msghdr](t)
	name := testCNew[unix.RawSockaddrAny](t)
	siov := testIovecSizes(t, 5, 7)
	riov := testIovecSizes(t, 4, 64)
	ring := newRing(t, 8, 0)

	b0, _ := siov.Bytes(0)
	b1, _ := siov.Bytes(1)
	copy(b0, "hello")
	copy(b1, ", world")
	smsg.Iov = siov.Ptr()
	smsg.SetIovlen(siov.Len())
	rmsg.Iov = riov.Ptr()
	rmsg.SetIovlen(riov.Len())

	// TCP: the stream is split across the receive iovecs.
	c, s := netTCPPair(t)
	testPrep(t, ring, 1, func(q *SQE) { PrepSendmsg(q, c, smsg, unix.MSG_NOSIGNAL) })
	res, _ := testRun(t, ring, 1)
	testWantRes(t, "sendmsg", res, 12)
	testPrep(t, ring, 2, func(q *SQE) { PrepRecvmsg(q, s, rmsg, 0) })
	res, _ = testRun(t, ring, 2)
	testWantRes(t, "recvmsg", res, 12)
	r0, _ := riov.Bytes(0)
	r1, _ := riov.Bytes(1)
	if got := string(r0) + string(r1[:8]); got != "hello, world" {
		t.Errorf("recvmsg data %q", got)
	}

	// UDP: sendmsg with a destination name, recvmsg reports the sender.
	u1, p1 := netUDP(t)
	u2, p2 := netUDP(t)
	dst, dstLen := netSockaddr(t, p2)
	smsg.Name = (*byte)(unsafe.Pointer(dst))
	smsg.Namelen = dstLen
	rmsg.Name = (*byte)(unsafe.Pointer(name))
	rmsg.Namelen = uint32(unsafe.Sizeof(*name))
	testPrep(t, ring, 3, func(q *SQE) { PrepSendmsg(q, u1, smsg, 0) })
	res, _ = testRun(t, ring, 3)
	testWantRes(t, "sendmsg udp", res, 12)
	testPrep(t, ring, 4, func(q *SQE) { PrepRecvmsg(q, u2, rmsg, 0) })
	res, _ = testRun(t, ring, 4)
	testWantRes(t, "recvmsg udp", res, 12)
	if rmsg.Namelen != unix.SizeofSockaddrInet4 || netSockaddrPort(name) != p1 {
		t.Errorf("recvmsg name: len %d port %d, want %d and %d", rmsg.Namelen, netSockaddrPort(name), unix.SizeofSockaddrInet4, p1)
	}
	if got := string(r0) + string(r1[:8]); got != "hello, world" {
		t.Errorf("recvmsg udp data %q", got)
	}

	// A datagram longer than the buffers is truncated: MSG_TRUNC in flags.
	rmsg.SetIovlen(1)
	testPrep(t, ring, 5, func(q *SQE) { PrepSendmsg(q, u1, smsg, 0) })
	testRun(t, ring, 5)
	testPrep(t, ring, 6, func(q *SQE) { PrepRecvmsg(q, u2, rmsg, 0) })
	res, _ = testRun(t, ring, 6)
	testWantRes(t, "recvmsg truncated", res, 4)
	if rmsg.Flags&unix.MSG_TRUNC == 0 {
		t.Errorf("msg_flags %#x lack MSG_TRUNC", rmsg.Flags)
	}

	testPrep(t, ring, 7, func(q *SQE) { PrepSendmsg(q, -1, smsg, 0) })
	res, _ = testRun(t, ring, 7)
	testWantRes(t, "sendmsg bad fd", res, -int32(unix.EBADF))
}

// TestNetSendtoSetAddr: sendto, and send plus send_set_addr, on an
// unconnected UDP socket reach the given address.
func TestNetSendtoSetAddr(t *testing.T) {
	requireOp(t, IORING_OP_SEND)
	buf := testCMem(t, 16)
	ring := newRing(t, 8, 0)
	u1, _ := netUDP(t)
	u2, p2 := netUDP(t)
	dst, dstLen := netSockaddr(t, p2)

	copy(buf, "sendto")
	testPrep(t, ring, 1, func(q *SQE) { PrepSendto(q, u1, unsafe.Pointer(&buf[0]), 6, 0, dst, dstLen) })
	res, _ := testRun(t, ring, 1)
	if res == -int32(unix.EINVAL) {
		t.Skip("kernel rejects IORING_OP_SEND with an address (before Linux 6.1)")
	}
	testWantRes(t, "sendto", res, 6)
	netRecvAll(t, u2, []byte("sendto"))

	copy(buf, "set addr")
	testPrep(t, ring, 2, func(q *SQE) {
		PrepSend(q, u1, unsafe.Pointer(&buf[0]), 8, 0)
		PrepSendSetAddr(q, dst, uint16(dstLen))
	})
	res, _ = testRun(t, ring, 2)
	testWantRes(t, "send + set_addr", res, 8)
	netRecvAll(t, u2, []byte("set addr"))

	// Without an address an unconnected UDP socket has nowhere to send.
	testPrep(t, ring, 3, func(q *SQE) { PrepSend(q, u1, unsafe.Pointer(&buf[0]), 8, 0) })
	res, _ = testRun(t, ring, 3)
	testWantRes(t, "send without address", res, -int32(unix.EDESTADDRREQ))
	// A short address length is rejected.
	testPrep(t, ring, 4, func(q *SQE) { PrepSendto(q, u1, unsafe.Pointer(&buf[0]), 8, 0, dst, 2) })
	res, _ = testRun(t, ring, 4)
	testWantRes(t, "sendto short addrlen", res, -int32(unix.EINVAL))
}

// netNotifUsageZCCopied is IORING_NOTIF_USAGE_ZC_COPIED from io_uring.h:
// the notification's res bit saying the data was copied after all.
const netNotifUsageZCCopied = 1 << 31

// netWaitZC reaps a zero-copy send: the result CQE (with F_MORE, res want)
// and the IORING_CQE_F_NOTIF CQE; it returns the notification's res.
func netWaitZC(t testing.TB, ring *Ring, ud uint64, want int32) int32 {
	t.Helper()
	res, flags := testRun(t, ring, ud)
	testWantRes(t, "zero-copy send", res, want)
	if flags&IORING_CQE_F_MORE == 0 {
		t.Fatalf("result CQE flags %#x lack F_MORE (no notification would follow)", flags)
	}
	nres, nflags := testWaitUD(t, ring, ud)
	if nflags&IORING_CQE_F_NOTIF == 0 || nflags&IORING_CQE_F_MORE != 0 {
		t.Fatalf("notification: flags %#x, want F_NOTIF and not F_MORE", nflags)
	}
	return nres
}

// TestNetSendZc: send_zc and sendmsg_zc post the result and then the
// IORING_CQE_F_NOTIF notification; the bytes arrive exact. On loopback the
// data is copied, which IORING_SEND_ZC_REPORT_USAGE reports.
func TestNetSendZc(t *testing.T) {
	requireOp(t, IORING_OP_SEND_ZC)
	buf := testCMem(t, 4096)
	msg := testCNew[unix.Msghdr](t)
	iov := testIovecSizes(t, 3, 4)
	ring := newRing(t, 8, 0)
	c, s := netTCPPair(t)

	for i := range buf {
		buf[i] = byte(i * 7)
	}
	testPrep(t, ring, 1, func(q *SQE) { PrepSendZc(q, c, unsafe.Pointer(&buf[0]), uint64(len(buf)), unix.MSG_NOSIGNAL, 0) })
	if nres := netWaitZC(t, ring, 1, int32(len(buf))); nres != 0 {
		t.Errorf("notification res %#x, want 0 without REPORT_USAGE", nres)
	}
	netRecvAll(t, s, buf)

	testPrep(t, ring, 2, func(q *SQE) { PrepSendZc(q, c, unsafe.Pointer(&buf[0]), 100, 0, IORING_SEND_ZC_REPORT_USAGE) })
	if nres := netWaitZC(t, ring, 2, 100); uint32(nres) != netNotifUsageZCCopied {
		t.Errorf("notification res %#x, want IORING_NOTIF_USAGE_ZC_COPIED on loopback", uint32(nres))
	}
	netRecvAll(t, s, buf[:100])

	// send_zc with a destination (send_set_addr) on UDP.
	u1, _ := netUDP(t)
	u2, p2 := netUDP(t)
	dst, dstLen := netSockaddr(t, p2)
	testPrep(t, ring, 3, func(q *SQE) {
		PrepSendZc(q, u1, unsafe.Pointer(&buf[0]), 9, 0, 0)
		PrepSendSetAddr(q, dst, uint16(dstLen))
	})
	netWaitZC(t, ring, 3, 9)
	netRecvAll(t, u2, buf[:9])

	if !testHasOp(IORING_OP_SENDMSG_ZC) {
		t.Log("skipping sendmsg_zc: kernel lacks IORING_OP_SENDMSG_ZC")
		return
	}
	b0, _ := iov.Bytes(0)
	b1, _ := iov.Bytes(1)
	copy(b0, "zc-")
	copy(b1, "msg!")
	msg.Iov = iov.Ptr()
	msg.SetIovlen(iov.Len())
	testPrep(t, ring, 4, func(q *SQE) { PrepSendmsgZc(q, c, msg, unix.MSG_NOSIGNAL) })
	netWaitZC(t, ring, 4, 7)
	netRecvAll(t, s, []byte("zc-msg!"))

	// An unknown zc flag fails with -EINVAL; this kernel still posts the
	// notification (F_MORE on the result), which is reaped if promised.
	testPrep(t, ring, 5, func(q *SQE) { PrepSendZc(q, s, nil, 1, 0, 1<<15) })
	res, flags := testRun(t, ring, 5)
	testWantRes(t, "send_zc unknown zc flag", res, -int32(unix.EINVAL))
	if flags&IORING_CQE_F_MORE != 0 {
		if _, nflags := testWaitUD(t, ring, 5); nflags&IORING_CQE_F_NOTIF == 0 {
			t.Errorf("CQE after F_MORE has flags %#x, want F_NOTIF", nflags)
		}
	}
}

// netProvideBuffers hands n buffers of size bytes (C memory, ids 0..n-1) to
// buffer group bgid with IORING_OP_PROVIDE_BUFFERS, and returns the memory.
func netProvideBuffers(t testing.TB, ring *Ring, bgid uint16, n, size int) []byte {
	t.Helper()
	requireOp(t, IORING_OP_PROVIDE_BUFFERS)
	mem := testCMem(t, n*size)
	testPrep(t, ring, 0xb0f, func(q *SQE) { PrepProvideBuffers(q, unsafe.Pointer(&mem[0]), size, n, int(bgid), 0) })
	if res, _ := testRun(t, ring, 0xb0f); res != 0 && res != int32(n) {
		t.Fatalf("provide buffers: res %d (%v), want 0 or %d", res, testErr(res), n)
	}
	return mem
}

// TestNetRecvMultishot: a multishot recv with provided buffers posts one CQE
// per arrival, each naming its buffer (IORING_CQE_F_BUFFER) and carrying
// IORING_CQE_F_MORE, until the peer's shutdown ends it (res 0, no F_MORE).
// It also reads into a plain buffer with a single recv.
func TestNetRecvMultishot(t *testing.T) {
	requireOp(t, IORING_OP_RECV)
	const bgid, nbufs, size = 5, 4, 32
	ring := newRing(t, 8, 0)
	mem := netProvideBuffers(t, ring, bgid, nbufs, size)
	c, s := netTCPPair(t)

	testPrep(t, ring, 50, func(q *SQE) {
		PrepRecvMultishot(q, s, nil, 0, 0)
		SQESetFlags(q, IOSQE_BUFFER_SELECT)
		q.BufIndex = bgid // buf_group
	})
	testSubmit(t, ring)
	seen := map[uint32]bool{}
	for i, word := range []string{"alpha", "beta", "gamma"} {
		if _, err := unix.Write(c, []byte(word)); err != nil {
			t.Fatal(err)
		}
		res, flags := testWaitUD(t, ring, 50)
		if res != int32(len(word)) || flags&IORING_CQE_F_BUFFER == 0 || flags&IORING_CQE_F_MORE == 0 {
			t.Fatalf("arrival %d: res %d (%v) flags %#x, want %d with F_BUFFER|F_MORE", i, res, testErr(res), flags, len(word))
		}
		bid := flags >> IORING_CQE_BUFFER_SHIFT
		if bid >= nbufs || seen[bid] {
			t.Fatalf("arrival %d: buffer id %d (seen %v)", i, bid, seen)
		}
		seen[bid] = true
		if got := string(mem[int(bid)*size:][:res]); got != word {
			t.Errorf("buffer %d holds %q, want %q", bid, got, word)
		}
	}
	if err := unix.Shutdown(c, unix.SHUT_WR); err != nil {
		t.Fatal(err)
	}
	res, flags := testWaitUD(t, ring, 50)
	if res != 0 || flags&IORING_CQE_F_MORE != 0 {
		t.Errorf("after peer shutdown: res %d flags %#x, want 0 without F_MORE", res, flags)
	}

	// Plain buffer, single shot, on a fresh pair.
	c2, s2 := netTCPPair(t)
	plain := testCMem(t, 8)
	if _, err := unix.Write(c2, []byte("plain")); err != nil {
		t.Fatal(err)
	}
	testPrep(t, ring, 51, func(q *SQE) { PrepRecv(q, s2, unsafe.Pointer(&plain[0]), 8, 0) })
	res, _ = testRun(t, ring, 51)
	testWantRes(t, "recv plain", res, 5)
	if string(plain[:5]) != "plain" {
		t.Errorf("recv plain %q", plain[:5])
	}
}

// TestNetRecvmsgMultishot: a multishot recvmsg on UDP puts each datagram in
// a provided buffer behind a struct io_uring_recvmsg_out header and the
// sender's address; the datagrams are sent with io_uring sendto. Running out
// of buffers ends it.
func TestNetRecvmsgMultishot(t *testing.T) {
	requireOp(t, IORING_OP_RECVMSG)
	const bgid, nbufs, size = 9, 2, 128
	msg := testCNew[unix.Msghdr](t)
	out := testCMem(t, 16)
	ring := newRing(t, 8, 0)
	mem := netProvideBuffers(t, ring, bgid, nbufs, size)
	u1, p1 := netUDP(t)
	u2, p2 := netUDP(t)
	dst, dstLen := netSockaddr(t, p2)

	msg.Namelen = unix.SizeofSockaddrInet4
	testPrep(t, ring, 60, func(q *SQE) {
		PrepRecvmsgMultishot(q, u2, msg, 0)
		SQESetFlags(q, IOSQE_BUFFER_SELECT)
		q.BufIndex = bgid // buf_group
	})
	testSubmit(t, ring)
	for i, word := range []string{"one", "three"} {
		copy(out, word)
		testPrep(t, ring, 61, func(q *SQE) { PrepSendto(q, u1, unsafe.Pointer(&out[0]), uint64(len(word)), 0, dst, dstLen) })
		testSubmit(t, ring)
		// The send's CQE and the multishot's may come in either order.
		var gotSend, gotRecv bool
		for !gotSend || !gotRecv {
			cqe := testWaitCQE(t, ring)
			ud, res, flags := cqe.UserData, cqe.Res, cqe.Flags
			switch {
			case ud == 61 && !gotSend:
				gotSend = true
				testWantRes(t, "sendto", res, int32(len(word)))
			case ud == 60 && !gotRecv:
				gotRecv = true
				if res < 0 || flags&IORING_CQE_F_BUFFER == 0 || flags&IORING_CQE_F_MORE == 0 {
					t.Fatalf("datagram %d: res %d (%v) flags %#x", i, res, testErr(res), flags)
				}
				netCheckRecvmsgOut(t, mem[int(flags>>IORING_CQE_BUFFER_SHIFT)*size:][:res], word, p1)
			default:
				t.Fatalf("unexpected CQE user_data %d res %d", ud, res)
			}
		}
	}
	// Both buffers are used: the next datagram ends the multishot with
	// -ENOBUFS and no F_MORE.
	if err := unix.Sendto(u1, []byte("spare"), 0, &unix.SockaddrInet4{Addr: netLoopbackIP, Port: p2}); err != nil {
		t.Fatal(err)
	}
	res, flags := testWaitUD(t, ring, 60)
	if res != -int32(unix.ENOBUFS) || flags&IORING_CQE_F_MORE != 0 {
		t.Errorf("out of buffers: res %d flags %#x, want -ENOBUFS without F_MORE", res, flags)
	}
}

// netCheckRecvmsgOut checks one multishot recvmsg buffer: header, sockaddr
// of the sender on port, then the payload word.
func netCheckRecvmsgOut(t testing.TB, b []byte, word string, port int) {
	t.Helper()
	hdr := (*RecvmsgOut)(unsafe.Pointer(&b[0]))
	hlen := int(unsafe.Sizeof(*hdr))
	if hdr.Namelen != unix.SizeofSockaddrInet4 || hdr.Controllen != 0 || hdr.Payloadlen != uint32(len(word)) || hdr.Flags != 0 {
		t.Fatalf("recvmsg_out %+v, want namelen 16, payload %d", *hdr, len(word))
	}
	name := (*unix.RawSockaddrAny)(unsafe.Pointer(&b[hlen]))
	if name.Addr.Family != unix.AF_INET || netSockaddrPort(name) != port {
		t.Errorf("sender family %d port %d, want %d", name.Addr.Family, netSockaddrPort(name), port)
	}
	if got := string(b[hlen+unix.SizeofSockaddrInet4:]); got != word || len(b) != hlen+16+len(word) {
		t.Errorf("payload %q (buffer %d bytes), want %q", got, len(b), word)
	}
}

// TestNetDirectWithoutTable: the direct-descriptor variants need a
// registered file table. This ring has none, so the kernel answers -ENXIO
// for a given slot and -ENFILE when asked to allocate one; the SQE encoding
// itself is checked in TestPrepNetSQEFields and the success path in
// TestNetDirectWithTable.
func TestNetDirectWithoutTable(t *testing.T) {
	requireOp(t, IORING_OP_SOCKET)
	ring := newRing(t, 8, 0)
	lfd, port := netListen(t)
	tests := []struct {
		name    string
		connect bool // a pending connection for the accept to take
		prep    func(*SQE)
		want    unix.Errno
	}{
		{"socket direct slot", false, func(q *SQE) { PrepSocketDirect(q, unix.AF_INET, unix.SOCK_STREAM, 0, 0, 0) }, unix.ENXIO},
		{"socket direct alloc index", false, func(q *SQE) {
			PrepSocketDirect(q, unix.AF_INET, unix.SOCK_STREAM, 0, IORING_FILE_INDEX_ALLOC, 0)
		}, unix.ENFILE},
		{"socket direct alloc", false, func(q *SQE) { PrepSocketDirectAlloc(q, unix.AF_INET, unix.SOCK_STREAM, 0, 0) }, unix.ENFILE},
		{"accept direct slot", true, func(q *SQE) { PrepAcceptDirect(q, lfd, nil, nil, 0, 3) }, unix.ENXIO},
		{"accept direct alloc", true, func(q *SQE) { PrepAcceptDirect(q, lfd, nil, nil, 0, IORING_FILE_INDEX_ALLOC) }, unix.ENFILE},
		{"multishot accept direct", true, func(q *SQE) { PrepMultishotAcceptDirect(q, lfd, nil, nil, 0) }, unix.ENFILE},
		// A direct descriptor cannot be close-on-exec.
		{"accept direct cloexec", false, func(q *SQE) { PrepAcceptDirect(q, lfd, nil, nil, unix.SOCK_CLOEXEC, 0) }, unix.EINVAL},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.connect {
				netDial(t, port)
			}
			ud := uint64(200 + i)
			testPrep(t, ring, ud, tt.prep)
			res, flags := testRun(t, ring, ud)
			testWantRes(t, tt.name, res, -int32(tt.want))
			if flags&IORING_CQE_F_MORE != 0 {
				t.Errorf("flags %#x: a failed request must not promise more CQEs", flags)
			}
		})
	}
}

// TestNetDirectWithTable registers a sparse file table (RegisterFilesSparse)
// and a buffer (RegisterBuffers) and runs the direct variants and
// send_zc_fixed for real: sockets and accepted connections land in the
// chosen or allocated slots and carry data when used with IOSQE_FIXED_FILE.
func TestNetDirectWithTable(t *testing.T) {
	requireOp(t, IORING_OP_SOCKET)
	const slots = 8
	iov := testIovecSizes(t, 64)
	fixed, _ := iov.Bytes(0)
	in := testCMem(t, 64)
	ring := newRing(t, 8, 0)

	if err := RegisterFilesSparse(ring, slots); err != nil {
		t.Fatalf("RegisterFilesSparse(%d): %v", slots, err)
	}
	if err := RegisterBuffers(ring, iov.Slice()); err != nil {
		t.Fatalf("RegisterBuffers: %v", err)
	}

	// Direct sockets in slot 2 and in an allocated slot. The listener is a
	// normal socket (bind and listen here use unix calls, which need a real
	// fd); the direct socket in slot 2 is checked by connecting it.
	lfd, port := netListen(t)
	testPrep(t, ring, 1, func(q *SQE) { PrepSocketDirect(q, unix.AF_INET, unix.SOCK_STREAM, 0, 2, 0) })
	res, _ := testRun(t, ring, 1)
	testWantRes(t, "socket_direct slot 2", res, 0)
	testPrep(t, ring, 2, func(q *SQE) { PrepSocketDirectAlloc(q, unix.AF_INET, unix.SOCK_STREAM, 0, 0) })
	res, _ = testRun(t, ring, 2)
	if res < 0 || res >= slots || res == 2 {
		t.Fatalf("socket_direct_alloc: res %d (%v), want a free slot other than 2", res, testErr(res))
	}
	allocSlot := int(res)

	// Connect the direct socket in slot 2 (IOSQE_FIXED_FILE).
	sa, salen := netSockaddr(t, port)
	testPrep(t, ring, 3, func(q *SQE) {
		PrepConnect(q, 2, sa, salen)
		SQESetFlags(q, IOSQE_FIXED_FILE)
	})
	res, _ = testRun(t, ring, 3)
	testWantRes(t, "connect direct socket", res, 0)

	// Accept it into slot 5.
	testPrep(t, ring, 4, func(q *SQE) { PrepAcceptDirect(q, lfd, nil, nil, 0, 5) })
	res, _ = testRun(t, ring, 4)
	testWantRes(t, "accept_direct slot 5", res, 0)

	// Zero-copy send from the registered buffer through direct slot 2,
	// received through direct slot 5.
	copy(fixed, "fixed and direct")
	testPrep(t, ring, 5, func(q *SQE) {
		PrepSendZcFixed(q, 2, unsafe.Pointer(&fixed[6]), 10, 0, 0, 0)
		SQESetFlags(q, IOSQE_FIXED_FILE)
	})
	netWaitZC(t, ring, 5, 10)
	testPrep(t, ring, 6, func(q *SQE) {
		PrepRecv(q, 5, unsafe.Pointer(&in[0]), 64, 0)
		SQESetFlags(q, IOSQE_FIXED_FILE)
	})
	res, _ = testRun(t, ring, 6)
	testWantRes(t, "recv on direct slot 5", res, 10)
	if string(in[:10]) != "and direct" {
		t.Errorf("received %q", in[:10])
	}
	// Outside the registered buffer: -EFAULT, then the notification.
	testPrep(t, ring, 7, func(q *SQE) {
		PrepSendZcFixed(q, 2, unsafe.Pointer(&in[0]), 10, 0, 0, 0)
		SQESetFlags(q, IOSQE_FIXED_FILE)
	})
	res, flags := testRun(t, ring, 7)
	testWantRes(t, "send_zc_fixed outside the buffer", res, -int32(unix.EFAULT))
	if flags&IORING_CQE_F_MORE != 0 {
		testWaitUD(t, ring, 7)
	}

	// accept_direct with IORING_FILE_INDEX_ALLOC and multishot direct
	// accept: each connection gets a fresh slot.
	netDial(t, port)
	testPrep(t, ring, 8, func(q *SQE) { PrepAcceptDirect(q, lfd, nil, nil, 0, IORING_FILE_INDEX_ALLOC) })
	res, _ = testRun(t, ring, 8)
	if res < 0 || res >= slots || res == 2 || res == 5 || int(res) == allocSlot {
		t.Fatalf("accept_direct alloc: res %d (%v), want a free slot", res, testErr(res))
	}
	used := map[int32]bool{2: true, 5: true, int32(allocSlot): true, res: true}
	testPrep(t, ring, 9, func(q *SQE) { PrepMultishotAcceptDirect(q, lfd, nil, nil, 0) })
	testSubmit(t, ring)
	for i := range 2 {
		netDial(t, port)
		res, flags := testWaitUD(t, ring, 9)
		if res < 0 || res >= slots || used[res] || flags&IORING_CQE_F_MORE == 0 {
			t.Fatalf("multishot accept direct %d: res %d (%v) flags %#x", i, res, testErr(res), flags)
		}
		used[res] = true
	}
	// Fill the table: the next connection finds no free slot, -ENFILE
	// ends the multishot.
	for len(used) < slots {
		netDial(t, port)
		res, _ := testWaitUD(t, ring, 9)
		if res < 0 || res >= slots || used[res] {
			t.Fatalf("filling slot %d: res %d (%v), want a free slot (used %v)", len(used), res, testErr(res), used)
		}
		used[res] = true
	}
	netDial(t, port)
	res, flags = testWaitUD(t, ring, 9)
	if res != -int32(unix.ENFILE) || flags&IORING_CQE_F_MORE != 0 {
		t.Errorf("full table: res %d flags %#x, want -ENFILE without F_MORE", res, flags)
	}
}

// TestNetCmdSock: socket commands through IORING_OP_URING_CMD (Linux 6.7):
// SIOCINQ and SIOCOUTQ on a TCP socket, and getsockopt/setsockopt.
func TestNetCmdSock(t *testing.T) {
	requireOp(t, IORING_OP_URING_CMD)
	optval := testCNew[int32](t)
	ring := newRing(t, 8, 0)
	c, s := netTCPPair(t)
	lfd, _ := netListen(t)

	run := func(ud uint64, cmd, fd, level, optname int, optval unsafe.Pointer, optlen int) int32 {
		t.Helper()
		testPrep(t, ring, ud, func(q *SQE) { PrepCmdSock(q, cmd, fd, level, optname, optval, optlen) })
		res, _ := testRun(t, ring, ud)
		return res
	}
	if res := run(1, SOCKET_URING_OP_SIOCINQ, s, 0, 0, nil, 0); res == -int32(unix.EOPNOTSUPP) {
		t.Skipf("socket uring_cmd: %v (kernel before 6.7)", testErr(res))
	} else {
		testWantRes(t, "SIOCINQ on an empty socket", res, 0)
	}
	if _, err := unix.Write(c, []byte("0123456789")); err != nil {
		t.Fatal(err)
	}
	// Loopback delivers synchronously, so the data is queued now.
	testWantRes(t, "SIOCINQ with 10 bytes queued", run(2, SOCKET_URING_OP_SIOCINQ, s, 0, 0, nil, 0), 10)
	testWantRes(t, "SIOCOUTQ", run(3, SOCKET_URING_OP_SIOCOUTQ, c, 0, 0, nil, 0), 0)
	testWantRes(t, "SIOCINQ on a listener", run(4, SOCKET_URING_OP_SIOCINQ, lfd, 0, 0, nil, 0), -int32(unix.EINVAL))
	testWantRes(t, "SIOCINQ on a bad fd", run(5, SOCKET_URING_OP_SIOCINQ, -1, 0, 0, nil, 0), -int32(unix.EBADF))
	testWantRes(t, "unknown socket command", run(6, 1000, s, 0, 0, nil, 0), -int32(unix.EOPNOTSUPP))

	// getsockopt: the CQE's res is the option length.
	*optval = -1
	testWantRes(t, "GETSOCKOPT SO_TYPE", run(7, SOCKET_URING_OP_GETSOCKOPT, s, unix.SOL_SOCKET, unix.SO_TYPE, unsafe.Pointer(optval), 4), 4)
	if *optval != unix.SOCK_STREAM {
		t.Errorf("SO_TYPE %d, want SOCK_STREAM", *optval)
	}
	*optval = 1
	testWantRes(t, "SETSOCKOPT SO_KEEPALIVE", run(8, SOCKET_URING_OP_SETSOCKOPT, s, unix.SOL_SOCKET, unix.SO_KEEPALIVE, unsafe.Pointer(optval), 4), 0)
	if v, err := unix.GetsockoptInt(s, unix.SOL_SOCKET, unix.SO_KEEPALIVE); err != nil || v != 1 {
		t.Errorf("SO_KEEPALIVE after SETSOCKOPT: %d, %v", v, err)
	}
	// getsockopt through io_uring is limited to SOL_SOCKET.
	res := run(9, SOCKET_URING_OP_GETSOCKOPT, s, unix.IPPROTO_TCP, unix.TCP_NODELAY, unsafe.Pointer(optval), 4)
	testWantRes(t, "GETSOCKOPT at IPPROTO_TCP", res, -int32(unix.EOPNOTSUPP))
}
