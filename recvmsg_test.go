//go:build linux && cgo

package liburing

import (
	"bytes"
	"slices"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The multishot recvmsg buffer layout, from the io_uring ABI: a 16-byte
// struct io_uring_recvmsg_out, msg_namelen bytes for the name,
// msg_controllen bytes for control messages, then the payload.
const recvmsgHdrLen = int(unsafe.Sizeof(RecvmsgOut{}))

// recvmsgOff is the offset of p inside buf, or -1 for nil.
func recvmsgOff(buf []byte, p unsafe.Pointer) int {
	if p == nil {
		return -1
	}
	return int(uintptr(p) - uintptr(unsafe.Pointer(&buf[0])))
}

// recvmsgMsghdr returns a msghdr that reserves namelen and controllen bytes.
func recvmsgMsghdr(namelen uint32, controllen int) *unix.Msghdr {
	m := new(unix.Msghdr)
	m.Namelen = namelen
	m.SetControllen(controllen)
	return m
}

func TestRecvmsgLayout(t *testing.T) {
	if recvmsgHdrLen != 16 {
		t.Fatalf("sizeof(struct io_uring_recvmsg_out) = %d, want 16", recvmsgHdrLen)
	}
	buf := testCMem(t, 512)
	tests := []struct {
		name       string
		namelen    uint32 // msgh.Namelen: name area
		controllen int    // msgh.Controllen: control area
		out        RecvmsgOut
		bufLen     int
		valid      bool
		first      int // offset of the first cmsghdr, -1 for none
		payload    int // offset of the payload
		payloadLen uint32
	}{
		{"name control payload", 16, 48, RecvmsgOut{16, 40, 10, 0}, 90, true, 32, 80, 10},
		{"exactly the header", 16, 48, RecvmsgOut{16, 40, 0, 0}, 80, true, 32, 80, 0},
		{"one byte short", 16, 48, RecvmsgOut{16, 40, 0, 0}, 79, false, 32, 80, 1<<32 - 1},
		{"negative length", 16, 48, RecvmsgOut{}, -1, false, -1, 80, 1<<32 - 81},
		{"zero length", 0, 0, RecvmsgOut{}, 0, false, -1, 16, 1<<32 - 16},
		{"header only", 0, 0, RecvmsgOut{}, 16, true, -1, 16, 0},
		{"no name or control", 0, 0, RecvmsgOut{0, 0, 5, 0}, 21, true, -1, 16, 5},
		{"short name written", 28, 0, RecvmsgOut{16, 0, 3, 0}, 47, true, -1, 44, 3},
		{"control less than a cmsghdr", 16, 32, RecvmsgOut{16, 15, 0, 0}, 64, true, -1, 64, 0},
		{"control exactly a cmsghdr", 16, 32, RecvmsgOut{16, 16, 0, 0}, 64, true, 32, 64, 0},
		{"control only", 0, 24, RecvmsgOut{0, 24, 7, 0}, 47, true, 16, 40, 7},
		{"truncated datagram", 16, 0, RecvmsgOut{16, 0, 300, unix.MSG_TRUNC}, 256, true, -1, 32, 224},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clear(buf)
			*(*RecvmsgOut)(unsafe.Pointer(&buf[0])) = tt.out
			msgh := recvmsgMsghdr(tt.namelen, tt.controllen)
			p := unsafe.Pointer(&buf[0])

			o := RecvmsgValidate(p, tt.bufLen, msgh)
			if got := o != nil; got != tt.valid {
				t.Fatalf("RecvmsgValidate(len %d) = %p, want valid=%v", tt.bufLen, o, tt.valid)
			}
			if o != nil && unsafe.Pointer(o) != p {
				t.Fatalf("RecvmsgValidate = %p, want the buffer %p", o, p)
			}
			// The other helpers only do arithmetic; check them on the
			// buffer even where validation fails, as C would compute.
			o = (*RecvmsgOut)(p)
			if *o != tt.out {
				t.Fatalf("header reads %+v, want %+v", *o, tt.out)
			}
			if got := recvmsgOff(buf, RecvmsgName(o)); got != recvmsgHdrLen {
				t.Errorf("RecvmsgName at %d, want %d", got, recvmsgHdrLen)
			}
			if got := recvmsgOff(buf, unsafe.Pointer(RecvmsgCmsgFirsthdr(o, msgh))); got != tt.first {
				t.Errorf("RecvmsgCmsgFirsthdr at %d, want %d", got, tt.first)
			}
			if got := recvmsgOff(buf, RecvmsgPayload(o, msgh)); got != tt.payload {
				t.Errorf("RecvmsgPayload at %d, want %d", got, tt.payload)
			}
			if got := RecvmsgPayloadLength(o, tt.bufLen, msgh); got != tt.payloadLen {
				t.Errorf("RecvmsgPayloadLength(len %d) = %d, want %d", tt.bufLen, got, tt.payloadLen)
			}
		})
	}
}

// recvmsgPutCmsg writes a cmsghdr with cmsg_len l at buf[off:].
func recvmsgPutCmsg(buf []byte, off int, l uint64, level, typ int32) *unix.Cmsghdr {
	c := (*unix.Cmsghdr)(unsafe.Pointer(&buf[off]))
	c.Len, c.Level, c.Type = l, level, typ
	return c
}

// TestRecvmsgCmsgIteration walks two SCM entries: an SCM_RIGHTS with one fd
// (cmsg_len 20, aligned to 24) then an SCM_CREDENTIALS (cmsg_len 28, aligned
// to 32), in a control area of 64 bytes after a 16-byte name.
func TestRecvmsgCmsgIteration(t *testing.T) {
	const (
		ctrl    = 32 // 16-byte header + 16-byte name
		second  = ctrl + 24
		written = 24 + 32 // both entries, as the kernel's controllen
	)
	buf := testCMem(t, 256)
	msgh := recvmsgMsghdr(16, 64)
	o := (*RecvmsgOut)(unsafe.Pointer(&buf[0]))

	tests := []struct {
		name       string
		controllen uint32 // o.Controllen
		len1, len2 uint64 // cmsg_len of the two entries
		want       []int  // offsets visited
	}{
		{"both entries", written, 20, 28, []int{ctrl, second}},
		{"slack after the last", 64, 20, 28, []int{ctrl, second}},
		{"second ends one byte late", written - 1, 20, 28, []int{ctrl}},
		{"second header does not fit", 24 + 15, 20, 28, []int{ctrl}},
		{"second header just fits", 24 + 16, 20, 16, []int{ctrl, second}},
		{"first cmsg_len below a header", written, 15, 28, []int{ctrl}},
		{"second cmsg_len below a header", written, 20, 0, []int{ctrl, second}},
		{"only one entry written", 24, 20, 28, []int{ctrl}},
		{"nothing written", 0, 20, 28, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clear(buf)
			*o = RecvmsgOut{Namelen: 16, Controllen: tt.controllen, Payloadlen: 0}
			recvmsgPutCmsg(buf, ctrl, tt.len1, unix.SOL_SOCKET, unix.SCM_RIGHTS)
			*(*int32)(unsafe.Pointer(&buf[ctrl+16])) = 0x11223344
			recvmsgPutCmsg(buf, second, tt.len2, unix.SOL_SOCKET, unix.SCM_CREDENTIALS)
			var got []int
			for c := RecvmsgCmsgFirsthdr(o, msgh); c != nil; c = RecvmsgCmsgNexthdr(o, msgh, c) {
				got = append(got, recvmsgOff(buf, unsafe.Pointer(c)))
				if len(got) > 4 {
					break
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("cmsg offsets %v, want %v", got, tt.want)
			}
			if len(got) >= 2 {
				first := RecvmsgCmsgFirsthdr(o, msgh)
				if first.Level != unix.SOL_SOCKET || first.Type != unix.SCM_RIGHTS || first.Len != tt.len1 {
					t.Errorf("first cmsg %+v", *first)
				}
				if fd := *(*int32)(unsafe.Add(unsafe.Pointer(first), unix.SizeofCmsghdr)); fd != 0x11223344 {
					t.Errorf("first cmsg data %#x", fd)
				}
				next := RecvmsgCmsgNexthdr(o, msgh, first)
				if next.Type != unix.SCM_CREDENTIALS || next.Len != tt.len2 {
					t.Errorf("second cmsg %+v", *next)
				}
			}
		})
	}
}

func TestRecvmsgNilAndGoPointers(t *testing.T) {
	buf := testCMem(t, 128)
	o := (*RecvmsgOut)(unsafe.Pointer(&buf[0]))
	*o = RecvmsgOut{Namelen: 0, Controllen: 16, Payloadlen: 4}
	msgh := recvmsgMsghdr(0, 16)
	c := (*unix.Cmsghdr)(unsafe.Pointer(&buf[16]))

	if RecvmsgValidate(nil, 100, msgh) != nil || RecvmsgValidate(unsafe.Pointer(o), 100, nil) != nil {
		t.Error("RecvmsgValidate with a nil argument is not nil")
	}
	if RecvmsgName(nil) != nil {
		t.Error("RecvmsgName(nil) is not nil")
	}
	if RecvmsgCmsgFirsthdr(nil, msgh) != nil || RecvmsgCmsgFirsthdr(o, nil) != nil {
		t.Error("RecvmsgCmsgFirsthdr with a nil argument is not nil")
	}
	if RecvmsgCmsgNexthdr(nil, msgh, c) != nil || RecvmsgCmsgNexthdr(o, nil, c) != nil || RecvmsgCmsgNexthdr(o, msgh, nil) != nil {
		t.Error("RecvmsgCmsgNexthdr with a nil argument is not nil")
	}
	if RecvmsgPayload(nil, msgh) != nil || RecvmsgPayload(o, nil) != nil {
		t.Error("RecvmsgPayload with a nil argument is not nil")
	}
	if RecvmsgPayloadLength(nil, 100, msgh) != 0 || RecvmsgPayloadLength(o, 100, nil) != 0 {
		t.Error("RecvmsgPayloadLength with a nil argument is not 0")
	}

	// A msghdr in Go memory whose pointers lead to Go memory is fine (only
	// the two lengths reach C), and so is a buffer in Go memory.
	name := make([]byte, 16)
	control := make([]byte, 16)
	iov := []unix.Iovec{{Base: &name[0], Len: 16}}
	gm := &unix.Msghdr{Name: &name[0], Namelen: 0, Iov: &iov[0], Iovlen: 1, Control: &control[0]}
	gm.SetControllen(16)
	gbuf := make([]byte, 64)
	copy(gbuf, buf[:64])
	gp := unsafe.Pointer(&gbuf[0])
	goOut := RecvmsgValidate(gp, 36, gm)
	if goOut == nil {
		t.Fatal("RecvmsgValidate(Go buffer, Go msghdr) = nil")
	}
	if got := recvmsgOff(gbuf, unsafe.Pointer(RecvmsgCmsgFirsthdr(goOut, gm))); got != 16 {
		t.Errorf("RecvmsgCmsgFirsthdr at %d, want 16", got)
	}
	if got := RecvmsgPayloadLength(goOut, 36, gm); got != 4 {
		t.Errorf("RecvmsgPayloadLength = %d, want 4", got)
	}
}

// recvmsgUDPPair returns a bound UDP receiver and a sender connected to it,
// on 127.0.0.1, closed when the test ends, and the sender's port.
func recvmsgUDPPair(t *testing.T) (rx, tx, txPort int) {
	t.Helper()
	rx, rxPort := netUDP(t)
	tx, txPort = netUDP(t)
	if err := unix.Connect(tx, &unix.SockaddrInet4{Addr: netLoopbackIP, Port: rxPort}); err != nil {
		t.Fatalf("connect: %v", err)
	}
	return rx, tx, txPort
}

// TestRecvmsgMultishotUDP receives three datagrams with one multishot
// recvmsg that picks buffers from a buffer ring, and parses each buffer with
// the recvmsg helpers: source address, IP_PKTINFO and IP_TTL control
// messages, payload, and truncation of a datagram larger than the buffer.
func TestRecvmsgMultishotUDP(t *testing.T) {
	requireOp(t, IORING_OP_RECVMSG)
	const (
		entries    = 4
		size       = 256
		bgid       = 5
		namelen    = unix.SizeofSockaddrInet4
		controllen = 64
	)
	pool := testCMem(t, entries*size)
	cmsgh := testCMem(t, unix.SizeofMsghdr)
	ring := newRing(t, 8, 0)
	rx, tx, txPort := recvmsgUDPPair(t)
	for _, opt := range []int{unix.IP_PKTINFO, unix.IP_RECVTTL} {
		if err := unix.SetsockoptInt(rx, unix.IPPROTO_IP, opt, 1); err != nil {
			t.Fatalf("setsockopt(%d): %v", opt, err)
		}
	}
	br, err := SetupBufRing(ring, entries, bgid, 0)
	if err != nil {
		t.Fatalf("SetupBufRing: %v", err)
	}
	bufringFill(br, pool, entries, entries, size)

	// The msghdr reserves the name and control areas; the kernel reads it
	// when it takes the SQE, and it is C memory anyway.
	msgh := (*unix.Msghdr)(unsafe.Pointer(&cmsgh[0]))
	msgh.Namelen = namelen
	msgh.SetControllen(controllen)

	// A multishot recvmsg with buffer selection from group bgid. MSG_TRUNC
	// in msg_flags makes the kernel report a datagram's full length in
	// Payloadlen even when the buffer holds less.
	sqe := testSQE(t, ring, 0x2ec7)
	PrepRecvmsgMultishot(sqe, rx, msgh, unix.MSG_TRUNC)
	SQESetFlags(sqe, IOSQE_BUFFER_SELECT)
	sqe.BufIndex = bgid // buf_group
	testSubmit(t, ring)

	big := bytes.Repeat([]byte("x"), 300)
	msgs := [][]byte{[]byte("first"), []byte("second!"), big}
	for _, m := range msgs {
		if _, err := unix.Write(tx, m); err != nil {
			t.Fatalf("send: %v", err)
		}
	}
	for i, m := range msgs {
		cqe := testPeekWait(t, ring)
		if cqe.Res == -int32(unix.EINVAL) && i == 0 {
			t.Skipf("multishot recvmsg unsupported (Linux 6.0): %v", unix.EINVAL)
		}
		if cqe.UserData != 0x2ec7 || cqe.Res < 0 {
			t.Fatalf("CQE %d: user_data %#x res %d", i, cqe.UserData, cqe.Res)
		}
		want := IORING_CQE_F_BUFFER | IORING_CQE_F_MORE
		if cqe.Flags&uint32(want) != uint32(want) {
			t.Fatalf("CQE %d flags %#x, want F_BUFFER|F_MORE", i, cqe.Flags)
		}
		bid := int(cqe.Flags >> IORING_CQE_BUFFER_SHIFT)
		if bid != i {
			t.Fatalf("CQE %d buffer id %d, want %d", i, bid, i)
		}
		res := int(cqe.Res)
		buf := pool[bid*size : (bid+1)*size]
		recvmsgCheckUDP(t, buf, res, msgh, m, txPort)
		CQESeen(ring, cqe)
	}
	head, err := BufRingHead(ring, bgid)
	if err == nil && head != uint16(len(msgs)) {
		t.Errorf("BufRingHead = %d, want %d", head, len(msgs))
	}
}

// recvmsgCheckUDP checks one multishot recvmsg buffer (res bytes) that holds
// datagram m from 127.0.0.1:port.
func recvmsgCheckUDP(t *testing.T, buf []byte, res int, msgh *unix.Msghdr, m []byte, port int) {
	t.Helper()
	const payloadOff = 16 + unix.SizeofSockaddrInet4 + 64
	p := unsafe.Pointer(&buf[0])
	o := RecvmsgValidate(p, res, msgh)
	if o == nil || unsafe.Pointer(o) != p {
		t.Fatalf("RecvmsgValidate(res %d) = %p, want %p", res, o, p)
	}
	inBuf := min(len(m), len(buf)-payloadOff)
	if res != payloadOff+inBuf {
		t.Errorf("res %d, want %d", res, payloadOff+inBuf)
	}
	if o.Payloadlen != uint32(len(m)) {
		t.Errorf("Payloadlen %d, want %d", o.Payloadlen, len(m))
	}
	if truncated := o.Flags&unix.MSG_TRUNC != 0; truncated != (inBuf < len(m)) {
		t.Errorf("Flags %#x, truncated=%v, want %v", o.Flags, truncated, inBuf < len(m))
	}

	if o.Namelen != unix.SizeofSockaddrInet4 {
		t.Errorf("Namelen %d", o.Namelen)
	}
	name := RecvmsgName(o)
	if recvmsgOff(buf, name) != 16 {
		t.Errorf("RecvmsgName at %d, want 16", recvmsgOff(buf, name))
	}
	sa := (*unix.RawSockaddrInet4)(name)
	pb := (*[2]byte)(unsafe.Pointer(&sa.Port))
	if sa.Family != unix.AF_INET || int(pb[0])<<8|int(pb[1]) != port || sa.Addr != [4]byte{127, 0, 0, 1} {
		t.Errorf("source %+v, want 127.0.0.1:%d", *sa, port)
	}

	// IP_PKTINFO (cmsg_len 28, space 32) then IP_TTL (cmsg_len 20, space 24).
	if o.Controllen != 32+24 {
		t.Errorf("Controllen %d, want 56", o.Controllen)
	}
	var types []int32
	for c := RecvmsgCmsgFirsthdr(o, msgh); c != nil; c = RecvmsgCmsgNexthdr(o, msgh, c) {
		if c.Level != unix.IPPROTO_IP {
			t.Errorf("cmsg level %d", c.Level)
		}
		data := unsafe.Add(unsafe.Pointer(c), unix.SizeofCmsghdr)
		switch c.Type {
		case unix.IP_PKTINFO:
			pi := (*unix.Inet4Pktinfo)(data)
			if recvmsgOff(buf, unsafe.Pointer(c)) != 32 || c.Len != unix.SizeofCmsghdr+unix.SizeofInet4Pktinfo || pi.Addr != [4]byte{127, 0, 0, 1} {
				t.Errorf("IP_PKTINFO at %d: %+v %+v", recvmsgOff(buf, unsafe.Pointer(c)), *c, *pi)
			}
		case unix.IP_TTL:
			if recvmsgOff(buf, unsafe.Pointer(c)) != 64 || c.Len != unix.SizeofCmsghdr+4 || *(*int32)(data) <= 0 {
				t.Errorf("IP_TTL at %d: %+v ttl %d", recvmsgOff(buf, unsafe.Pointer(c)), *c, *(*int32)(data))
			}
		}
		types = append(types, c.Type)
		if len(types) > 3 {
			break
		}
	}
	if len(types) != 2 || types[0] != unix.IP_PKTINFO || types[1] != unix.IP_TTL {
		t.Errorf("cmsg types %v, want [IP_PKTINFO IP_TTL]", types)
	}

	payload := RecvmsgPayload(o, msgh)
	if recvmsgOff(buf, payload) != payloadOff {
		t.Errorf("RecvmsgPayload at %d, want %d", recvmsgOff(buf, payload), payloadOff)
	}
	n := RecvmsgPayloadLength(o, res, msgh)
	if n != uint32(inBuf) {
		t.Fatalf("RecvmsgPayloadLength = %d, want %d", n, inBuf)
	}
	if got := unsafe.Slice((*byte)(payload), n); !bytes.Equal(got, m[:inBuf]) {
		t.Errorf("payload %q, want %q", got, m[:inBuf])
	}
}
