//go:build linux && cgo

package tests

// liburing 2.6 test/ programs of the net area: accept, connect, send and
// receive, shutdown, socket commands, over loopback only.

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"
	"unsafe"

	lu "github.com/liburing-go/liburing"
	"golang.org/x/sys/unix"
)

// netClient starts a TCP connection to sa without waiting for it (a
// non-blocking connect, then blocking mode again), as accept.c does.
func netClient(t *testing.T, sa *unix.SockaddrInet4) int {
	t.Helper()
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK, 0)
	if err != nil {
		t.Fatal(err)
	}
	ltClose(t, fd)
	unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1)
	if err := unix.Connect(fd, sa); err != nil && !errors.Is(err, unix.EINPROGRESS) {
		t.Fatalf("connect: %v", err)
	}
	unix.SetNonblock(fd, false)
	return fd
}

// netRing sets up a ring of the given kind: "default", "sqpoll" or
// "defer" (SINGLE_ISSUER|DEFER_TASKRUN, thread locked).
func netRing(t *testing.T, kind string, entries uint32) *lu.Ring {
	t.Helper()
	switch kind {
	case "sqpoll":
		return ltRingParams(t, entries, &lu.Params{Flags: lu.IORING_SETUP_SQPOLL, SQThreadIdle: 10})
	case "defer":
		return ltDeferRing(t, entries, 0)
	}
	return ltRing(t, entries, 0)
}

// netExchange writes 128 bytes from one socket and reads them on the
// other through the ring (readv of fd, FIXED_FILE when fixed), both 128.
func netExchange(t *testing.T, ring *lu.Ring, from, to int, fixed bool) {
	t.Helper()
	iov := ltIovecs(t, 128, 128)
	copy(ltIovBytes(t, iov, 0), ltPattern(128, 3))
	iovs := iov.Slice()
	sqe := ltSQE(t, ring)
	lu.PrepWritev(sqe, from, &iovs[0], 1, 0)
	lu.SQESetData64(sqe, 1)
	sqe = ltSQE(t, ring)
	lu.PrepReadv(sqe, to, &iovs[1], 1, 0)
	if fixed {
		lu.SQESetFlags(sqe, lu.IOSQE_FIXED_FILE)
	}
	lu.SQESetData64(sqe, 2)
	ltSubmit(t, ring, 2)
	got := ltWaitByUD(t, ring, 2)
	ltExpect(t, got[1], 1, 128)
	ltExpect(t, got[2], 2, 128)
	if !bytes.Equal(ltIovBytes(t, iov, 1), ltPattern(128, 3)) {
		t.Errorf("data read differs from data written")
	}
}

// TestLiburing_accept covers test/accept.c: IORING_OP_ACCEPT queued before
// or after the connection, on blocking and non-blocking listeners, into the
// fd table or a fixed slot, single or multishot (32 connections into 32
// direct slots), through SQPOLL; a multishot direct accept with a slot set
// is EINVAL; cancelled accepts end with ECANCELED or EINTR; many pending
// accepts do not hold up ring exit.
func TestLiburing_accept(t *testing.T) {
	ltRequireOp(t, lu.IORING_OP_ACCEPT)
	accept := func(t *testing.T, ring *lu.Ring, lfd int, fixed bool) {
		sqe := ltSQE(t, ring)
		if fixed {
			lu.PrepAcceptDirect(sqe, lfd, nil, nil, 0, 0)
		} else {
			lu.PrepAccept(sqe, lfd, nil, nil, 0)
		}
		lu.SQESetData64(sqe, 100)
		ltSubmit(t, ring, 1)
	}
	connection := func(t *testing.T, ring *lu.Ring, sa *unix.SockaddrInet4, fixed bool) {
		c := netClient(t, sa)
		cqe := ltWait(t, ring)
		if cqe.UserData != 100 || cqe.Res < 0 {
			t.Fatalf("accept: %v", cqe)
		}
		if fixed {
			ltExpect(t, cqe, 100, 0) // slot 0
			netExchange(t, ring, c, 0, true)
			return
		}
		ltClose(t, int(cqe.Res))
		netExchange(t, ring, c, int(cqe.Res), false)
	}
	for _, v := range []struct {
		name            string
		count           int
		before, nonblck bool
	}{
		{"once", 1, false, false}, {"twice", 2, false, false}, {"twice_queued_before", 2, true, false},
		{"nonblock", 1, false, true}, {"nonblock_queued_before", 1, true, true}, {"nonblock_3_queued_before", 3, true, true},
	} {
		t.Run(v.name, func(t *testing.T) {
			ring := ltRing(t, 32, 0)
			flags := 0
			if v.nonblck {
				flags = unix.SOCK_NONBLOCK
			}
			lfd, sa := ltListener(t, flags)
			if v.before {
				for range v.count {
					accept(t, ring, lfd, false)
				}
			}
			for range v.count {
				if !v.before {
					accept(t, ring, lfd, false)
				}
				connection(t, ring, sa, false)
			}
		})
	}
	t.Run("fixed", func(t *testing.T) {
		ring := ltRing(t, 32, 0)
		if err := lu.RegisterFiles(ring, []int32{-1}); err != nil {
			t.Skipf("sparse file table: %v", err)
		}
		lfd, sa := ltListener(t, 0)
		accept(t, ring, lfd, true)
		connection(t, ring, sa, true)
	})
	for _, fixed := range []bool{false, true} {
		t.Run(fmt.Sprintf("multishot_fixed_%v", fixed), func(t *testing.T) {
			const nr = 32
			ring := ltRing(t, nr+10, 0)
			if fixed {
				if err := lu.RegisterFilesSparse(ring, nr); err != nil {
					t.Skipf("sparse file table: %v", err)
				}
			}
			lfd, sa := ltListener(t, 0)
			sqe := ltSQE(t, ring)
			if fixed {
				lu.PrepMultishotAcceptDirect(sqe, lfd, nil, nil, 0)
			} else {
				lu.PrepMultishotAccept(sqe, lfd, nil, nil, 0)
			}
			lu.SQESetData64(sqe, 1000)
			ltSubmit(t, ring, 1)
			mask := uint64(0)
			for i := range nr {
				netClient(t, sa)
				c := ltWait(t, ring)
				if c.UserData != 1000 || c.Res < 0 || c.Flags&lu.IORING_CQE_F_MORE == 0 {
					t.Fatalf("multishot accept %d: %v, want a connection with F_MORE", i, c)
				}
				if fixed {
					if c.Res >= nr {
						t.Fatalf("multishot direct accept slot %d out of range", c.Res)
					}
					mask |= 1 << c.Res
				} else {
					unix.Close(int(c.Res))
				}
			}
			if fixed && mask != 1<<nr-1 {
				t.Errorf("slots used %#x, want all %d", mask, nr)
			}
		})
	}
	t.Run("multishot_wrong_arg", func(t *testing.T) {
		ring := ltRing(t, 4, 0)
		lfd, _ := ltListener(t, 0)
		sqe := ltSQE(t, ring)
		lu.PrepMultishotAcceptDirect(sqe, lfd, nil, nil, 0)
		sqe.SpliceFdIn = 1 // file_index: a fixed slot is not allowed
		if c := ltRun(t, ring); c.Res != ltErrno(unix.EINVAL) {
			t.Fatalf("multishot direct accept with a slot: %s, want EINVAL", ltResName(c.Res))
		}
	})
	t.Run("sqpoll", func(t *testing.T) {
		p := lu.Params{Flags: lu.IORING_SETUP_SQPOLL}
		ring := ltRingParams(t, 32, &p)
		ltRequireFeature(t, ring, lu.IORING_FEAT_SQPOLL_NONFIXED, "IORING_FEAT_SQPOLL_NONFIXED")
		lfd, sa := ltListener(t, 0)
		accept(t, ring, lfd, false)
		connection(t, ring, sa, false)
	})
	for _, v := range []struct {
		wait      time.Duration
		nr        int
		multishot bool
	}{{0, 1, false}, {10 * time.Millisecond, 1, false}, {0, 4, false}, {10 * time.Millisecond, 4, false},
		{0, 1, true}, {10 * time.Millisecond, 1, true}, {0, 4, true}, {10 * time.Millisecond, 4, true}} {
		t.Run(fmt.Sprintf("cancel_%v_%d_multishot_%v", v.wait, v.nr, v.multishot), func(t *testing.T) {
			ring := ltRing(t, 32, 0)
			lfd, _ := ltListener(t, 0)
			for i := 1; i <= v.nr; i++ {
				sqe := ltSQE(t, ring)
				if v.multishot {
					lu.PrepMultishotAccept(sqe, lfd, nil, nil, 0)
				} else {
					lu.PrepAccept(sqe, lfd, nil, nil, 0)
				}
				lu.SQESetData64(sqe, uint64(i))
				ltSubmit(t, ring, 1)
			}
			time.Sleep(v.wait)
			for i := 1; i <= v.nr; i++ {
				sqe := ltSQE(t, ring)
				lu.PrepCancel64(sqe, uint64(i), 0)
				lu.SQESetData64(sqe, uint64(v.nr+i))
				ltSubmit(t, ring, 1)
			}
			for ud, c := range ltWaitByUD(t, ring, 2*v.nr) {
				switch {
				case ud >= 1 && ud <= uint64(v.nr):
					if c.Res != ltErrno(unix.EINTR) && c.Res != ltErrno(unix.ECANCELED) {
						t.Errorf("cancelled accept: %v, want EINTR or ECANCELED", c)
					}
				case c.Res != 0 && c.Res != ltErrno(unix.EALREADY):
					t.Errorf("cancel: %v, want 0 or EALREADY", c)
				}
			}
		})
	}
	for _, v := range []struct {
		wait             time.Duration
		nonblock, single bool
		closeBeforeExit  bool
		name             string
	}{{0, false, false, false, "many"}, {10 * time.Millisecond, false, false, false, "many_wait"},
		{0, true, false, false, "many_nonblock"}, {0, true, true, true, "many_single_closed"}} {
		t.Run(v.name, func(t *testing.T) {
			const nr = 128
			ring := new(lu.Ring)
			if err := lu.QueueInit(2*nr, ring, 0); err != nil {
				t.Fatal(err)
			}
			flags := 0
			if v.nonblock {
				flags = unix.SOCK_NONBLOCK
			}
			socks := nr
			if v.single {
				socks = 1
			}
			lfds := make([]int, socks)
			for i := range lfds {
				lfds[i], _ = ltListener(t, flags)
			}
			for i := range nr {
				sqe := ltSQE(t, ring)
				lu.PrepAccept(sqe, lfds[i%socks], nil, nil, 0)
				lu.SQESetData64(sqe, uint64(1+i))
				ltSubmit(t, ring, 1)
			}
			time.Sleep(v.wait)
			if v.closeBeforeExit {
				for _, fd := range lfds {
					unix.Shutdown(fd, unix.SHUT_RDWR)
				}
			}
			for {
				cqe, err := lu.PeekCQE(ring)
				if err != nil {
					break
				}
				c := ltCQE{cqe.UserData, cqe.Res, cqe.Flags}
				lu.CQESeen(ring, cqe)
				if c.Res != ltErrno(unix.ECANCELED) && !v.closeBeforeExit {
					t.Errorf("pending accept completed early: %v", c)
				}
			}
			ltWithin(t, ltWaitLimit, "ring exit with 128 pending accepts", func() { lu.QueueExit(ring) })
		})
	}
}

// TestLiburing_accept_test covers test/accept-test.c: IORING_OP_ACCEPT on an
// AF_UNIX listener fills in the peer address and its length.
func TestLiburing_accept_test(t *testing.T) {
	ltRequireOp(t, lu.IORING_OP_ACCEPT)
	ring := ltRing(t, 4, 0)
	lfd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	ltClose(t, lfd)
	name := fmt.Sprintf("@liburing-go-accept-%d", os.Getpid()) // abstract
	if err := unix.Bind(lfd, &unix.SockaddrUnix{Name: name}); err != nil {
		t.Fatal(err)
	}
	if err := unix.Listen(lfd, 128); err != nil {
		t.Fatal(err)
	}
	addr := ltCNew[unix.RawSockaddrAny](t)
	addr.Addr.Family = 0xffff
	addrlen := ltCNew[uint32](t)
	*addrlen = uint32(unsafe.Sizeof(unix.RawSockaddrUnix{}))
	sqe := ltSQE(t, ring)
	lu.PrepAccept(sqe, lfd, addr, addrlen, 0)
	lu.SQESetData64(sqe, 1)
	ltSubmit(t, ring, 1)
	if c, err := ltWaitErr(ring, time.Millisecond); err == nil {
		t.Fatalf("accept completed before any connection: %v", c)
	}
	cfd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	ltClose(t, cfd)
	if err := unix.Connect(cfd, &unix.SockaddrUnix{Name: name}); err != nil {
		t.Fatal(err)
	}
	c := ltWait(t, ring)
	if c.Res < 0 {
		t.Fatalf("accept: %s", ltResName(c.Res))
	}
	ltClose(t, int(c.Res))
	// An unbound client: the address is just the family.
	if addr.Addr.Family != unix.AF_UNIX || *addrlen != 2 {
		t.Errorf("peer address family %d length %d, want AF_UNIX and 2", addr.Addr.Family, *addrlen)
	}
}

// netConnect connects fd to sa through the ring (IOSQE_ASYNC optionally)
// and returns the connection's error code, waiting with a POLLOUT poll
// when the connect is in progress.
func netConnect(t *testing.T, ring *lu.Ring, fd int, sa *unix.SockaddrInet4, async bool) int32 {
	t.Helper()
	raw, n := ltRawInet4(t, sa)
	sqe := ltSQE(t, ring)
	lu.PrepConnect(sqe, fd, raw, n)
	if async {
		lu.SQESetFlags(sqe, lu.IOSQE_ASYNC)
	}
	lu.SQESetData64(sqe, 1)
	c := ltRun(t, ring)
	if c.Res != ltErrno(unix.EINPROGRESS) {
		return c.Res
	}
	sqe = ltSQE(t, ring)
	lu.PrepPollAdd(sqe, fd, unix.POLLOUT|unix.POLLHUP|unix.POLLERR)
	lu.SQESetData64(sqe, 2)
	if c := ltRun(t, ring); c.Res <= 0 {
		t.Fatalf("poll for the connection: %v", c)
	}
	code, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ERROR)
	if err != nil {
		t.Fatal(err)
	}
	return -int32(code)
}

func netSocket(t *testing.T) int {
	t.Helper()
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, unix.IPPROTO_TCP)
	if err != nil {
		t.Fatal(err)
	}
	ltClose(t, fd)
	return fd
}

// TestLiburing_connect covers test/connect.c: IORING_OP_CONNECT to a port
// nobody listens on is ECONNREFUSED; to a listener it succeeds (inline and
// async); a connect stuck on a full accept queue is cancelled by its link
// timeout (ECANCELED / ETIME); on default, SQPOLL and DEFER_TASKRUN rings.
func TestLiburing_connect(t *testing.T) {
	ltRequireOp(t, lu.IORING_OP_CONNECT)
	for _, kind := range []string{"default", "sqpoll", "defer"} {
		t.Run(kind, func(t *testing.T) {
			ring := netRing(t, kind, 8)
			if res := netConnect(t, ring, netSocket(t), ltFreePort(t), false); res != ltErrno(unix.ECONNREFUSED) {
				t.Errorf("connect without a peer: %s, want ECONNREFUSED", ltResName(res))
			}
			for _, async := range []bool{false, true} {
				_, sa := ltListener(t, 0)
				if res := netConnect(t, ring, netSocket(t), sa, async); res != 0 {
					t.Errorf("connect (async %v): %s", async, ltResName(res))
				}
			}
			if _, err := os.Stat("/proc/sys/net/ipv4/tcp_syncookies"); err != nil {
				return // the stuck connect relies on syncookies
			}
			lfd := netSocket(t)
			sa := &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}
			unix.Bind(lfd, sa)
			unix.Listen(lfd, 0) // no backlog: the second connect stalls
			got, _ := unix.Getsockname(lfd)
			sa = got.(*unix.SockaddrInet4)
			if res := netConnect(t, ring, netSocket(t), sa, false); res != 0 {
				t.Fatalf("first connect: %s", ltResName(res))
			}
			raw, n := ltRawInet4(t, sa)
			sqe := ltSQE(t, ring)
			lu.PrepConnect(sqe, netSocket(t), raw, n)
			lu.SQESetFlags(sqe, lu.IOSQE_IO_LINK)
			lu.SQESetData64(sqe, 1)
			sqe = ltSQE(t, ring)
			lu.PrepLinkTimeout(sqe, ltTimespec(t, 100*time.Microsecond), 0)
			lu.SQESetData64(sqe, 2)
			ltSubmit(t, ring, 2)
			got2 := ltWaitByUD(t, ring, 2)
			ltExpect(t, got2[1], 1, ltErrno(unix.ECANCELED))
			ltExpect(t, got2[2], 2, ltErrno(unix.ETIME))
		})
	}
}

// TestLiburing_connect_rep covers test/connect-rep.c: 32 connects in a row
// to a bound socket that does not listen all fail with ECONNREFUSED (never
// ECONNABORTED), also on an SQPOLL ring whose thread went idle.
func TestLiburing_connect_rep(t *testing.T) {
	ltRequireOp(t, lu.IORING_OP_CONNECT)
	for _, kind := range []string{"default", "sqpoll"} {
		t.Run(kind, func(t *testing.T) {
			ring := netRing(t, kind, 8)
			srv := netSocket(t)
			if err := unix.Bind(srv, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
				t.Fatal(err)
			}
			got, _ := unix.Getsockname(srv)
			raw, n := ltRawInet4(t, got.(*unix.SockaddrInet4))
			cli := netSocket(t)
			if err := unix.Bind(cli, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
				t.Fatal(err)
			}
			if kind == "sqpoll" {
				time.Sleep(20 * time.Millisecond) // let the SQ thread go idle
			}
			for i := range 32 {
				sqe := ltSQE(t, ring)
				lu.PrepConnect(sqe, cli, raw, n)
				lu.SQESetData64(sqe, uint64(i+1))
				if n, err := lu.SubmitAndWait(ring, 1); n != 1 || err != nil {
					t.Fatalf("SubmitAndWait = %d, %v", n, err)
				}
				ltExpect(t, ltWait(t, ring), uint64(i+1), ltErrno(unix.ECONNREFUSED))
			}
		})
	}
}

// ltExitChild runs a child that leaves requests pending and exits, and
// checks that it is gone promptly with status 0.
func ltExitChild(t *testing.T, role string) {
	t.Helper()
	start := time.Now()
	ltRunChild(t, ltChild(t, role))
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("child took %v to exit with requests pending", d)
	}
}

// netExitChild sets up a ring with a listener and lets prep queue the
// linked requests, then exits the process with them pending.
func netExitChild(prep func(ring *lu.Ring, lfd int)) {
	lfd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_NONBLOCK, 0)
	if err != nil {
		ltChildExit(1, "socket: %v", err)
	}
	unix.SetsockoptInt(lfd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1)
	if err := unix.Bind(lfd, &unix.SockaddrInet4{}); err != nil {
		ltChildExit(1, "bind: %v", err)
	}
	if err := unix.Listen(lfd, 512); err != nil {
		ltChildExit(1, "listen: %v", err)
	}
	var ring lu.Ring
	if err := lu.QueueInit(16, &ring, 0); err != nil {
		ltChildExit(1, "QueueInit: %v", err)
	}
	prep(&ring, lfd)
	if n, err := lu.Submit(&ring); n != 2 || err != nil {
		ltChildExit(1, "Submit = %d, %v", n, err)
	}
	if c, err := ltWaitErr(&ring, 20*time.Millisecond); err == nil {
		ltChildExit(1, "unexpected completion %v", c)
	}
	ltChildExit(0, "") // exit with the file table pinned by the requests
}

// TestLiburing_files_exit_hang_poll covers test/files-exit-hang-poll.c: a
// process exits while a poll on a listener, linked to an accept, pins its
// file table; the exit must not hang (child process).
func TestLiburing_files_exit_hang_poll(t *testing.T) {
	if ltChildRole() == "files-exit-hang-poll" {
		netExitChild(func(ring *lu.Ring, lfd int) {
			sqe := lu.GetSQE(ring)
			lu.PrepPollAdd(sqe, lfd, unix.POLLIN)
			lu.SQESetFlags(sqe, lu.IOSQE_IO_LINK)
			lu.PrepAccept(lu.GetSQE(ring), lfd, nil, nil, unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC)
		})
	}
	ltExitChild(t, "files-exit-hang-poll")
}

// TestLiburing_files_exit_hang_timeout covers
// test/files-exit-hang-timeout.c: as files-exit-hang-poll, with a 300 s
// timeout (count 100) linked to the accept.
func TestLiburing_files_exit_hang_timeout(t *testing.T) {
	if ltChildRole() == "files-exit-hang-timeout" {
		netExitChild(func(ring *lu.Ring, lfd int) {
			ts, _ := lu.AllocBuffer(16)
			(*lu.KernelTimespec)(unsafe.Pointer(&ts[0])).Sec = 300
			sqe := lu.GetSQE(ring)
			lu.PrepTimeout(sqe, (*lu.KernelTimespec)(unsafe.Pointer(&ts[0])), 100, 0)
			lu.SQESetFlags(sqe, lu.IOSQE_IO_LINK)
			sqe = lu.GetSQE(ring)
			lu.PrepAccept(sqe, lfd, nil, nil, unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC)
			lu.SQESetFlags(sqe, lu.IOSQE_IO_LINK)
		})
	}
	ltExitChild(t, "files-exit-hang-timeout")
}

// netRecvAll queues a MSG_WAITALL recv (or recvmsg) of 512 bytes on fd,
// has the sender ring send 2 x 256 bytes 5 ms apart, and returns the
// receive's res and buffer.
func netRecvAll(t *testing.T, rfd, sfd int, useRecvmsg bool) (int32, []byte) {
	t.Helper()
	const size = 128 * 4
	buf := ltCBuf(t, size)
	data := ltCBuf(t, size)
	for i := range 128 {
		binary.NativeEndian.PutUint32(data[4*i:], uint32(i))
	}
	recvRing := ltRingParams(t, 1, &lu.Params{})
	sendRing := ltRing(t, 2, 0)
	sqe := ltSQE(t, recvRing)
	if useRecvmsg {
		iov := ltCNew[unix.Iovec](t)
		iov.Base = &buf[0]
		iov.SetLen(size)
		msg := ltCNew[unix.Msghdr](t)
		msg.Namelen = uint32(unsafe.Sizeof(unix.RawSockaddrInet4{}))
		msg.Iov = iov
		msg.SetIovlen(1)
		lu.PrepRecvmsg(sqe, rfd, msg, unix.MSG_WAITALL)
	} else {
		lu.PrepRecv(sqe, rfd, ltPtr(buf), size, unix.MSG_WAITALL)
	}
	lu.SQESetData64(sqe, 2)
	ltSubmit(t, recvRing, 1)
	for i := range 2 {
		sqe := ltSQE(t, sendRing)
		lu.PrepSend(sqe, sfd, ltPtr(data[i*size/2:]), size/2, 0)
		lu.SQESetData64(sqe, 1)
		ltSubmit(t, sendRing, 1)
		time.Sleep(5 * time.Millisecond)
	}
	for range 2 {
		ltExpect(t, ltWait(t, sendRing), 1, size/2)
	}
	c := ltWait(t, recvRing)
	if c.UserData != 2 || c.Res < 0 {
		t.Fatalf("receive: %v", c)
	}
	if !bytes.Equal(buf[:c.Res], data[:c.Res]) {
		t.Errorf("received data differs")
	}
	return c.Res, buf
}

// TestLiburing_recv_msgall covers test/recv-msgall.c: MSG_WAITALL on a
// datagram socket returns one datagram (the first half), for RECV and
// RECVMSG.
func TestLiburing_recv_msgall(t *testing.T) {
	for _, useRecvmsg := range []bool{false, true} {
		fds := ltSocketPair(t, false)
		if res, _ := netRecvAll(t, fds[0], fds[1], useRecvmsg); res != 256 {
			t.Errorf("recvmsg %v: MSG_WAITALL datagram receive returned %d, want 256", useRecvmsg, res)
		}
	}
}

// TestLiburing_recv_msgall_stream covers test/recv-msgall-stream.c:
// MSG_WAITALL on a TCP socket waits for all 512 bytes sent in two parts,
// for RECV and RECVMSG.
func TestLiburing_recv_msgall_stream(t *testing.T) {
	for _, useRecvmsg := range []bool{false, true} {
		fds := ltSocketPair(t, true)
		if res, _ := netRecvAll(t, fds[0], fds[1], useRecvmsg); res != 512 {
			t.Errorf("recvmsg %v: MSG_WAITALL stream receive returned %d, want 512", useRecvmsg, res)
		}
	}
}

const netStr = "This is a test of send and recv over io_uring!"

// netUDPReceiver binds a UDP socket on loopback and queues a 128-byte recv
// on recvRing (through fixed slot 0 when fixed); it returns the buffer
// and the address to send to.
func netUDPReceiver(t *testing.T, recvRing *lu.Ring, fixed bool) ([]byte, *unix.SockaddrInet4) {
	t.Helper()
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	ltClose(t, fd)
	if err := unix.Bind(fd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	sa, _ := unix.Getsockname(fd)
	buf := ltCBuf(t, 129)
	use := fd
	if fixed {
		if err := lu.RegisterFiles(recvRing, []int32{int32(fd)}); err != nil {
			t.Fatal(err)
		}
		use = 0
	}
	sqe := ltSQE(t, recvRing)
	lu.PrepRecv(sqe, use, ltPtr(buf), 128, 0)
	if fixed {
		lu.SQESetFlags(sqe, lu.IOSQE_FIXED_FILE)
	}
	lu.SQESetData64(sqe, 2)
	ltSubmit(t, recvRing, 1)
	return buf, sa.(*unix.SockaddrInet4)
}

// netCheckRecv waits for the receive of netStr (with its NUL).
func netCheckRecv(t *testing.T, recvRing *lu.Ring, buf []byte) {
	t.Helper()
	ltExpect(t, ltWait(t, recvRing), 2, int32(len(netStr)+1))
	if string(buf[:len(netStr)]) != netStr || buf[len(netStr)] != 0 {
		t.Errorf("received %q", buf[:len(netStr)+1])
	}
}

// TestLiburing_send_recv covers test/send_recv.c: SENDMSG and RECVMSG with a
// NULL msghdr fail with EFAULT (async, SUBMIT_ALL ring); SEND on one ring is
// received by a RECV queued on another, which is a plain, an SQPOLL with a
// registered socket, or an SQPOLL ring with a plain fd.
func TestLiburing_send_recv(t *testing.T) {
	t.Run("invalid", func(t *testing.T) {
		ring := ltRing(t, 8, lu.IORING_SETUP_SUBMIT_ALL)
		fds := ltSocketPair(t, true)
		sqe := ltSQE(t, ring)
		lu.PrepSendmsg(sqe, fds[0], nil, unix.MSG_WAITALL)
		lu.SQESetFlags(sqe, lu.IOSQE_ASYNC)
		sqe = ltSQE(t, ring)
		lu.PrepRecvmsg(sqe, fds[1], nil, 0)
		lu.SQESetFlags(sqe, lu.IOSQE_ASYNC)
		if n, err := lu.SubmitAndWait(ring, 2); n != 2 || err != nil {
			t.Fatalf("SubmitAndWait = %d, %v", n, err)
		}
		for range 2 {
			if c := ltWait(t, ring); c.Res != ltErrno(unix.EFAULT) {
				t.Errorf("sendmsg/recvmsg with a NULL msghdr: %s, want EFAULT", ltResName(c.Res))
			}
		}
	})
	msg := ltCBuf(t, len(netStr)+1)
	copy(msg, netStr)
	for _, v := range []struct {
		name         string
		sqpoll, regd bool
	}{{"plain", false, false}, {"sqpoll_registered", true, true}, {"sqpoll", true, false}} {
		t.Run(v.name, func(t *testing.T) {
			p := lu.Params{}
			if v.sqpoll {
				p.Flags = lu.IORING_SETUP_SQPOLL
			}
			recvRing := ltRingParams(t, 1, &p)
			if v.sqpoll && !v.regd {
				ltRequireFeature(t, recvRing, lu.IORING_FEAT_SQPOLL_NONFIXED, "IORING_FEAT_SQPOLL_NONFIXED")
			}
			buf, sa := netUDPReceiver(t, recvRing, v.regd)
			sendRing := ltRing(t, 1, 0)
			sfd, _ := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
			ltClose(t, sfd)
			if err := unix.Connect(sfd, sa); err != nil {
				t.Fatal(err)
			}
			lu.PrepSend(ltSQE(t, sendRing), sfd, ltPtr(msg), uint64(len(msg)), 0)
			if c := ltRun(t, sendRing); c.Res != int32(len(msg)) {
				t.Fatalf("send: %s", ltResName(c.Res))
			}
			netCheckRecv(t, recvRing, buf)
		})
	}
}

// TestLiburing_send_recvmsg covers test/send_recvmsg.c: SENDMSG on one ring
// is received by RECVMSG on another, into 1 or 10 iovecs, into a classic
// provided buffer or a buffer ring (buffer id 89), inline or async; with
// buffer selection but no buffer the receive fails.
func TestLiburing_send_recvmsg(t *testing.T) {
	const str = "This is a test of sendmsg and recvmsg over io_uring!"
	const maxMsg, bgid, bid = 128, 10, 89
	cases := []struct {
		bufSelect, bufRing, noBufAdd bool
		iovs                         int
		async                        bool
	}{
		{false, false, false, 1, false}, {false, false, false, 10, false},
		{true, false, false, 1, false}, {true, false, true, 1, false},
		{false, true, false, 1, false}, {true, true, false, 1, false}, {true, true, true, 1, false},
		{false, false, false, 1, true}, {false, false, false, 10, true},
		{true, false, false, 1, true}, {true, false, true, 1, true},
		{false, true, false, 1, true}, {true, true, false, 1, true}, {true, true, true, 1, true},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("select_%v_ring_%v_nobuf_%v_iovs_%d_async_%v", c.bufSelect, c.bufRing, c.noBufAdd, c.iovs, c.async), func(t *testing.T) {
			buf := ltCBuf(t, maxMsg+1)
			iovs := unsafe.Slice(ltCNew[[10]unix.Iovec](t), 1)[0][:c.iovs]
			for i := range iovs {
				iovs[i].Base = &buf[i]
				iovs[i].SetLen(1)
			}
			iovs[len(iovs)-1].SetLen(maxMsg - (len(iovs) - 1))
			recvRing := ltRing(t, 1, 0)
			selecting := c.bufSelect || c.bufRing
			if selecting && !c.noBufAdd {
				if c.bufRing {
					br := brSetup(t, recvRing, 1, bgid)
					lu.BufRingAdd(br, ltPtr(buf), uint32(len(buf)), bid, lu.BufRingMask(1), 0)
					lu.BufRingAdvance(br, 1)
				} else {
					lu.PrepProvideBuffers(ltSQE(t, recvRing), ltPtr(buf), maxMsg, 1, bgid, bid)
					if r := ltRun(t, recvRing); r.Res < 0 {
						t.Fatalf("provide buffers: %s", ltResName(r.Res))
					}
				}
			}
			rfd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
			if err != nil {
				t.Fatal(err)
			}
			ltClose(t, rfd)
			unix.Bind(rfd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}})
			sa, _ := unix.Getsockname(rfd)
			rmsg := ltCNew[unix.Msghdr](t)
			rmsg.Namelen = uint32(unsafe.Sizeof(unix.RawSockaddrInet4{}))
			rmsg.Iov = &iovs[0]
			rmsg.SetIovlen(len(iovs))
			sqe := ltSQE(t, recvRing)
			lu.PrepRecvmsg(sqe, rfd, rmsg, 0)
			var flags uint32
			if selecting {
				iovs[0].Base = nil
				flags |= lu.IOSQE_BUFFER_SELECT
				sqe.BufIndex = bgid
			}
			if c.async {
				flags |= lu.IOSQE_ASYNC
			}
			lu.SQESetFlags(sqe, flags)
			lu.SQESetData64(sqe, 2)
			ltSubmit(t, recvRing, 1)

			data := ltCBuf(t, len(str)+1)
			copy(data, str)
			siov := ltCNew[unix.Iovec](t)
			siov.Base = &data[0]
			siov.SetLen(len(data))
			dst, dstLen := ltRawInet4(t, sa.(*unix.SockaddrInet4))
			smsg := ltCNew[unix.Msghdr](t)
			smsg.Name = (*byte)(unsafe.Pointer(dst))
			smsg.Namelen = dstLen
			smsg.Iov = siov
			smsg.SetIovlen(1)
			sendRing := ltRing(t, 1, 0)
			sfd, _ := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
			ltClose(t, sfd)
			lu.PrepSendmsg(ltSQE(t, sendRing), sfd, smsg, 0)
			if r := ltRun(t, sendRing); r.Res != int32(len(data)) {
				t.Fatalf("sendmsg: %s", ltResName(r.Res))
			}

			r := ltWait(t, recvRing)
			if selecting && c.noBufAdd {
				if r.Res >= 0 {
					t.Fatalf("recvmsg selecting from an empty group: %v, want an error", r)
				}
				return
			}
			if r.Res != int32(len(data)) {
				t.Fatalf("recvmsg: %v, want %d bytes", r, len(data))
			}
			if selecting && (r.Flags&lu.IORING_CQE_F_BUFFER == 0 || r.Flags>>lu.IORING_CQE_BUFFER_SHIFT != bid) {
				t.Errorf("recvmsg flags %#x, want buffer %d", r.Flags, bid)
			}
			if string(buf[:len(str)]) != str {
				t.Errorf("received %q", buf[:len(str)])
			}
		})
	}
}

// TestLiburing_shutdown covers test/shutdown.c: IORING_OP_SHUTDOWN with
// SHUT_WR on a connected TCP socket succeeds, and a writev after it fails
// with EPIPE.
func TestLiburing_shutdown(t *testing.T) {
	ltRequireOp(t, lu.IORING_OP_SHUTDOWN)
	fds := ltSocketPair(t, true)
	ring := ltRing(t, 32, 0)
	sqe := ltSQE(t, ring)
	lu.PrepShutdown(sqe, fds[1], unix.SHUT_WR)
	lu.SQESetData64(sqe, 1)
	ltExpect(t, ltRun(t, ring), 1, 0)
	iov := ltIovecs(t, 128)
	sqe = ltSQE(t, ring)
	lu.PrepWritev(sqe, fds[1], iov.Ptr(), 1, 0)
	lu.SQESetData64(sqe, 2)
	ltExpect(t, ltRun(t, ring), 2, ltErrno(unix.EPIPE))
}

// TestLiburing_socket covers test/socket.c: IORING_OP_SOCKET makes a UDP
// socket that CONNECT and SEND (through the ring) use to reach a RECV on
// another ring (plain, SQPOLL with a registered socket, SQPOLL plain); the
// direct variants put the socket into fixed slot 0 or an allocated slot.
func TestLiburing_socket(t *testing.T) {
	ltRequireOp(t, lu.IORING_OP_SOCKET)
	msg := ltCBuf(t, len(netStr)+1)
	copy(msg, netStr)
	for _, v := range []struct {
		name                 string
		sqpoll, regd, direct bool
		alloc                bool
	}{{"plain", false, false, false, false}, {"sqpoll_registered", true, true, false, false},
		{"sqpoll", true, false, false, false}, {"direct", false, false, true, false}, {"direct_alloc", false, false, true, true}} {
		t.Run(v.name, func(t *testing.T) {
			p := lu.Params{}
			if v.sqpoll {
				p.Flags = lu.IORING_SETUP_SQPOLL
			}
			recvRing := ltRingParams(t, 1, &p)
			if v.sqpoll && !v.regd {
				ltRequireFeature(t, recvRing, lu.IORING_FEAT_SQPOLL_NONFIXED, "IORING_FEAT_SQPOLL_NONFIXED")
			}
			buf, sa := netUDPReceiver(t, recvRing, v.regd)
			ring := ltRing(t, 1, 0)
			if v.direct {
				if err := lu.RegisterFiles(ring, []int32{-1}); err != nil {
					t.Fatal(err)
				}
			}
			sqe := ltSQE(t, ring)
			switch {
			case v.alloc:
				lu.PrepSocketDirectAlloc(sqe, unix.AF_INET, unix.SOCK_DGRAM, 0, 0)
			case v.direct:
				lu.PrepSocketDirect(sqe, unix.AF_INET, unix.SOCK_DGRAM, 0, 0, 0)
			default:
				lu.PrepSocket(sqe, unix.AF_INET, unix.SOCK_DGRAM, 0, 0)
			}
			c := ltRun(t, ring)
			if c.Res < 0 {
				t.Fatalf("socket: %s", ltResName(c.Res))
			}
			fd := int(c.Res)
			var fixed uint32
			if v.direct {
				fixed = lu.IOSQE_FIXED_FILE
				if !v.alloc && fd != 0 {
					t.Fatalf("socket into slot 0 returned %d", fd)
				}
			} else {
				ltClose(t, fd)
			}
			raw, n := ltRawInet4(t, sa)
			sqe = ltSQE(t, ring)
			lu.PrepConnect(sqe, fd, raw, n)
			lu.SQESetFlags(sqe, fixed)
			if c := ltRun(t, ring); c.Res < 0 {
				t.Fatalf("connect: %s", ltResName(c.Res))
			}
			sqe = ltSQE(t, ring)
			lu.PrepSend(sqe, fd, ltPtr(msg), uint64(len(msg)), 0)
			lu.SQESetFlags(sqe, fixed)
			if c := ltRun(t, ring); c.Res != int32(len(msg)) {
				t.Fatalf("send: %s", ltResName(c.Res))
			}
			netCheckRecv(t, recvRing, buf)
		})
	}
}

// netCmdSock runs a socket uring_cmd (SIOCINQ/SIOCOUTQ) on fd.
func netCmdSock(t *testing.T, ring *lu.Ring, fd, op int) int32 {
	t.Helper()
	sqe := ltSQE(t, ring)
	lu.PrepCmdSock(sqe, op, fd, 0, 0, nil, 0)
	lu.SQESetData64(sqe, 0x1234)
	c := ltRun(t, ring)
	if c.UserData != 0x1234 {
		t.Fatalf("user_data %#x", c.UserData)
	}
	return c.Res
}

// TestLiburing_socket_io_cmd covers test/socket-io-cmd.c: the
// SOCKET_URING_OP_SIOCINQ and SIOCOUTQ socket commands account for every
// byte written (in flight or queued) on TCP and UDP pairs, and agree with
// ioctl(2) on a raw socket.
func TestLiburing_socket_io_cmd(t *testing.T) {
	ltRequireOp(t, lu.IORING_OP_URING_CMD)
	const msg = "foobarbaz"
	for _, stream := range []bool{true, false} {
		fds := ltSocketPair(t, stream)
		tx, rx := fds[0], fds[1]
		if n, err := unix.Write(tx, []byte(msg)); n != len(msg) {
			t.Fatalf("write: %v", err)
		}
		ring := ltRing(t, 1, 0)
		in := netCmdSock(t, ring, rx, lu.SOCKET_URING_OP_SIOCINQ)
		if in == ltErrno(unix.EINVAL) || in == ltErrno(unix.EOPNOTSUPP) {
			t.Skipf("kernel lacks socket uring commands: %s", ltResName(in))
		}
		out := netCmdSock(t, ring, tx, lu.SOCKET_URING_OP_SIOCOUTQ)
		if in < 0 || out < 0 || in+out != int32(len(msg)) {
			t.Errorf("stream %v: SIOCINQ %s + SIOCOUTQ %s, want %d in all", stream, ltResName(in), ltResName(out), len(msg))
		}
	}
	raw, err := unix.Socket(unix.AF_INET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.IPPROTO_TCP)
	if err != nil {
		t.Logf("raw socket part skipped: %v", err)
		return
	}
	ltClose(t, raw)
	ring := ltRing(t, 1, 0)
	for retry := 0; ; retry++ {
		ioOut, err1 := unix.IoctlGetInt(raw, unix.SIOCOUTQ)
		ioIn, err2 := unix.IoctlGetInt(raw, unix.SIOCINQ)
		if err1 != nil || err2 != nil {
			t.Fatalf("ioctl: %v %v", err1, err2)
		}
		out := netCmdSock(t, ring, raw, lu.SOCKET_URING_OP_SIOCOUTQ)
		in := netCmdSock(t, ring, raw, lu.SOCKET_URING_OP_SIOCINQ)
		if int(out) == ioOut && int(in) == ioIn {
			break
		}
		if retry > 0 { // traffic may change the queues between the calls
			t.Fatalf("raw socket: uring cmd in %d out %d, ioctl in %d out %d", in, out, ioIn, ioOut)
		}
	}
}

// netRW queues a readv on the accepted side (offset off) before a writev
// on the client and checks both completions.
func netRW(t *testing.T, fds [2]int, off uint64, wantRead int32) {
	t.Helper()
	iov := ltIovecs(t, 128, 128)
	iovs := iov.Slice()
	ring := ltRingParams(t, 32, &lu.Params{})
	sqe := ltSQE(t, ring)
	lu.PrepReadv(sqe, fds[0], &iovs[0], 1, off)
	lu.SQESetData64(sqe, 1)
	sqe = ltSQE(t, ring)
	lu.PrepWritev(sqe, fds[1], &iovs[1], 1, 0)
	lu.SQESetData64(sqe, 2)
	if n, err := lu.SubmitAndWait(ring, 2); n != 2 || err != nil {
		t.Fatalf("SubmitAndWait = %d, %v", n, err)
	}
	got := ltWaitByUD(t, ring, 2)
	ltExpect(t, got[1], 1, wantRead)
	ltExpect(t, got[2], 2, 128)
}

// TestLiburing_socket_rw covers test/socket-rw.c: a readv of a TCP socket
// queued before the writev that feeds it does not hang; both move 128
// bytes.
func TestLiburing_socket_rw(t *testing.T) {
	netRW(t, ltSocketPair(t, true), 0, 128)
}

// TestLiburing_socket_rw_eagain covers test/socket-rw-eagain.c: a readv of a
// non-blocking TCP socket queued before the writev that feeds it. Kernels
// without IORING_FEAT_FAST_POLL fail it with EAGAIN instead of waiting (the
// C test checks only those); kernels with it poll and read the 128 bytes.
func TestLiburing_socket_rw_eagain(t *testing.T) {
	fds := ltSocketPair(t, true)
	unix.SetNonblock(fds[0], true)
	probe := ltRingParams(t, 1, &lu.Params{})
	want := ltErrno(unix.EAGAIN)
	if probe.Features()&lu.IORING_FEAT_FAST_POLL != 0 {
		want = 128
	}
	netRW(t, fds, 0, want)
}

// TestLiburing_socket_rw_offset covers test/socket-rw-offset.c: as
// socket-rw, with the readv at offset -1 (the file position), which
// IORING_FEAT_RW_CUR_POS kernels accept on sockets.
func TestLiburing_socket_rw_offset(t *testing.T) {
	fds := ltSocketPair(t, true)
	netRW(t, fds, ^uint64(0), 128)
}
