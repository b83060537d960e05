//go:build linux && cgo

package uring

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"time"
	"unsafe"

	"github.com/liburing-go/liburing"
	"golang.org/x/sys/unix"
)

// Socket creates a socket (IORING_OP_SOCKET, Linux 5.19) and returns its
// fd, close-on-exec. The caller owns the fd; NewConn and NewListener wrap
// it.
func (r *Ring) Socket(ctx context.Context, domain, typ, proto int) (int, error) {
	o, err := r.get()
	if err != nil {
		return -1, err
	}
	o.rw(liburing.IORING_OP_SOCKET, domain, nil, uint32(proto), uint64(typ|unix.SOCK_CLOEXEC), 0)
	res, err := r.simple(ctx, o)
	if err != nil {
		if errno, ok := err.(unix.Errno); ok {
			err = os.NewSyscallError("socket", errno)
		}
		return -1, err
	}
	return int(res), nil
}

// connect connects fd to a (IORING_OP_CONNECT).
func (r *Ring) connect(ctx context.Context, fd int, a sockAddr) error {
	o, err := r.get()
	if err != nil {
		return err
	}
	dst := unsafe.Add(o.scratch, scratchAddr)
	n, err := a.put(dst)
	if err != nil {
		r.put(o)
		return err
	}
	o.rw(liburing.IORING_OP_CONNECT, fd, dst, 0, uint64(n), 0)
	_, err = r.simple(ctx, o)
	return err
}

// Dial connects to address on network ("tcp", "tcp4", "tcp6" or "unix"):
// socket and connect go through the ring, and ctx bounds both (and a name
// lookup). TCP connections get TCP_NODELAY, as in package net.
func (r *Ring) Dial(ctx context.Context, network, address string) (*Conn, error) {
	opErr := func(err error) error {
		if isCtxErr(err) {
			return err
		}
		return &net.OpError{Op: "dial", Net: network, Err: err}
	}
	addrs, err := resolve(ctx, network, address, false)
	if err != nil {
		return nil, opErr(err)
	}
	var firstErr error
	for _, a := range addrs {
		c, err := r.dialOne(ctx, network, a)
		if err == nil {
			return c, nil
		}
		if firstErr == nil {
			firstErr = err
		}
		if ctx.Err() != nil || err == ErrClosed {
			break
		}
	}
	return nil, opErr(firstErr)
}

func (r *Ring) dialOne(ctx context.Context, network string, a sockAddr) (*Conn, error) {
	fd, err := r.Socket(ctx, a.family(), unix.SOCK_STREAM, 0)
	if err != nil {
		return nil, err
	}
	if err := r.connect(ctx, fd, a); err != nil {
		unix.Close(fd)
		if errno, ok := err.(unix.Errno); ok {
			err = os.NewSyscallError("connect", errno)
		}
		return nil, err
	}
	return r.NewConn(fd, network)
}

// Listen listens on address ("tcp", "tcp4", "tcp6" or "unix"; an empty
// host means every IPv4 address, or IPv6 for tcp6). The socket comes from
// IORING_OP_SOCKET; bind(2) and listen(2) never block. Connections are
// taken by one multishot accept (IORING_OP_ACCEPT with
// IORING_ACCEPT_MULTISHOT), armed while Accept is called.
func (r *Ring) Listen(ctx context.Context, network, address string) (*Listener, error) {
	opErr := func(err error) error {
		return &net.OpError{Op: "listen", Net: network, Err: err}
	}
	addrs, err := resolve(ctx, network, address, true)
	if err != nil {
		return nil, opErr(err)
	}
	a := addrs[0]
	fd, err := r.Socket(ctx, a.family(), unix.SOCK_STREAM, 0)
	if err != nil {
		return nil, opErr(err)
	}
	if err := bindListen(fd, a); err != nil {
		unix.Close(fd)
		return nil, opErr(err)
	}
	return r.NewListener(fd, network)
}

func bindListen(fd int, a sockAddr) error {
	if !a.unix {
		if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1); err != nil {
			return os.NewSyscallError("setsockopt", err)
		}
	}
	var raw [128]byte
	n, err := a.put(unsafe.Pointer(&raw[0]))
	if err != nil {
		return err
	}
	if _, _, e := unix.Syscall(unix.SYS_BIND, uintptr(fd), uintptr(unsafe.Pointer(&raw[0])), uintptr(n)); e != 0 {
		return os.NewSyscallError("bind", e)
	}
	if err := unix.Listen(fd, 4096); err != nil {
		return os.NewSyscallError("listen", err)
	}
	return nil
}

// Conn is a connected stream socket whose reads and writes go through the
// ring. It implements net.Conn, with deadlines: a read or write still in
// flight when its deadline passes (or is moved into the past) is cancelled
// and returns an error that satisfies os.ErrDeadlineExceeded and
// net.Error's Timeout. Close cancels what is in flight.
type Conn struct {
	r       *Ring
	fdr     *fdRef
	network string

	addrMu       sync.Mutex
	laddr, raddr net.Addr

	rd, wr half
}

// half is one direction of a Conn: its calls are serialised, and its
// deadline cancels the operation in flight.
type half struct {
	lock     sync.Mutex // one Read (or Write) at a time, as in package net
	mu       sync.Mutex // deadline and pending
	deadline time.Time
	pending  uint64    // user_data of the operation in flight, 0 when none
	pendDL   time.Time // the deadline its linked timeout carries
}

// NewConn wraps a connected stream socket fd; the Conn owns it.
func (r *Ring) NewConn(fd int, network string) (*Conn, error) {
	fdr, err := r.newFdRef(fd, nil)
	if err != nil {
		return nil, err
	}
	if network != "unix" {
		unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1)
	}
	return &Conn{r: r, fdr: fdr, network: network}, nil
}

// Fd is the socket's file descriptor, valid until Close.
func (c *Conn) Fd() int { return c.fdr.fd }

func (c *Conn) addrs() (net.Addr, net.Addr) {
	c.addrMu.Lock()
	defer c.addrMu.Unlock()
	if c.laddr == nil || c.raddr == nil {
		if c.fdr.enter() {
			if sa, err := unix.Getsockname(c.fdr.fd); err == nil && c.laddr == nil {
				c.laddr = netAddr(c.network, sa)
			}
			if sa, err := unix.Getpeername(c.fdr.fd); err == nil && c.raddr == nil {
				c.raddr = netAddr(c.network, sa)
			}
			c.fdr.done()
		}
	}
	return c.laddr, c.raddr
}

// LocalAddr is the local address (getsockname(2), once).
func (c *Conn) LocalAddr() net.Addr { l, _ := c.addrs(); return l }

// RemoteAddr is the peer's address (getpeername(2), once).
func (c *Conn) RemoteAddr() net.Addr { _, r := c.addrs(); return r }

func (c *Conn) opError(op string, err error) error {
	switch {
	case err == nil, err == io.EOF:
		return err
	case isCtxErr(err):
		return err
	case err == errFileClosing:
		err = net.ErrClosed
	case err == errTimeout:
		err = os.ErrDeadlineExceeded
	case err == ErrClosed:
	default:
		if errno, ok := err.(unix.Errno); ok {
			err = os.NewSyscallError(op, errno)
		}
	}
	l, r := c.addrs()
	return &net.OpError{Op: op, Net: c.network, Source: l, Addr: r, Err: err}
}

var errTimeout = errors.New("i/o timeout")

// io runs one receive or send of p under ctx and the half's deadline. A
// cancellation by a deadline that moved later is retried.
func (c *Conn) io(ctx context.Context, h *half, opcode uint8, p []byte, flags int) (int, error) {
	for {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		if c.fdr.closed() {
			return 0, c.closedErr()
		}
		o, err := c.r.get()
		if err != nil {
			return 0, err
		}
		o.fdr = c.fdr
		o.rw(opcode, c.fdr.fd, o.pinBytes(p), uint32(len(p)), 0, uint32(flags))
		h.mu.Lock()
		dl := h.deadline
		now := time.Now()
		if !dl.IsZero() && !now.Before(dl) {
			h.mu.Unlock()
			c.r.put(o)
			return 0, errTimeout
		}
		link := dl
		ctxDL, hasCtxDL := ctx.Deadline()
		if hasCtxDL && (link.IsZero() || ctxDL.Before(link)) {
			link = ctxDL
		}
		if !link.IsZero() {
			o.link = true
			o.setTimeout(link.Sub(now))
		}
		if err := c.r.start(o); err != nil {
			h.mu.Unlock()
			c.r.put(o)
			if err == errFileClosing {
				return 0, c.closedErr()
			}
			return 0, err
		}
		h.pending, h.pendDL = o.userData(), dl
		h.mu.Unlock()

		res, ended := c.r.await(ctx, o)
		h.mu.Lock()
		h.pending = 0
		dl = h.deadline
		h.mu.Unlock()
		c.r.put(o)
		switch {
		case res >= 0:
			return int(res), nil
		case ended:
			return 0, ctx.Err()
		case !cancelled(res):
			return 0, unix.Errno(-res)
		case c.r.isClosing():
			return 0, ErrClosed
		case c.fdr.closed():
			return 0, c.closedErr()
		case !dl.IsZero() && !time.Now().Before(dl):
			return 0, errTimeout
		case hasCtxDL && !time.Now().Before(ctxDL):
			return 0, context.DeadlineExceeded
		}
		// The deadline moved; go again.
	}
}

func (c *Conn) closedErr() error {
	if c.r.isClosing() {
		return ErrClosed
	}
	return errFileClosing
}

// await waits for o's completion, cancelling o when ctx ends first; it
// reports whether ctx ended.
func (r *Ring) await(ctx context.Context, o *op) (int32, bool) {
	done := ctx.Done()
	if done == nil {
		<-o.done
		return o.res, false
	}
	select {
	case <-o.done:
		return o.res, false
	case <-done:
		r.cancel(o)
		<-o.done
		return o.res, true
	}
}

// Read receives up to len(p) bytes (IORING_OP_RECV) under the read
// deadline. It returns io.EOF when the peer closed its side.
func (c *Conn) Read(p []byte) (int, error) { return c.RecvContext(context.Background(), p, 0) }

// RecvContext is recv(2) with MSG_* flags under ctx and the read deadline.
func (c *Conn) RecvContext(ctx context.Context, p []byte, flags int) (int, error) {
	c.rd.lock.Lock()
	defer c.rd.lock.Unlock()
	if len(p) > maxRW {
		p = p[:maxRW]
	}
	if len(p) == 0 {
		if c.fdr.closed() {
			return 0, c.opError("read", c.closedErr())
		}
		return 0, nil
	}
	n, err := c.io(ctx, &c.rd, liburing.IORING_OP_RECV, p, flags)
	if err == nil && n == 0 {
		err = io.EOF
	}
	return n, c.opError("read", err)
}

// Write sends all of p (IORING_OP_SEND, looping over short sends) under
// the write deadline.
func (c *Conn) Write(p []byte) (int, error) { return c.SendAll(context.Background(), p) }

// SendContext is one send(2) with MSG_* flags (MSG_NOSIGNAL is always
// added) under ctx and the write deadline; it may send less than p.
func (c *Conn) SendContext(ctx context.Context, p []byte, flags int) (int, error) {
	c.wr.lock.Lock()
	defer c.wr.lock.Unlock()
	if len(p) > maxRW {
		p = p[:maxRW]
	}
	if len(p) == 0 {
		return 0, nil
	}
	n, err := c.io(ctx, &c.wr, liburing.IORING_OP_SEND, p, flags|unix.MSG_NOSIGNAL)
	return n, c.opError("write", err)
}

// SendAll sends all of p under ctx and the write deadline, as Write.
func (c *Conn) SendAll(ctx context.Context, p []byte) (int, error) {
	c.wr.lock.Lock()
	defer c.wr.lock.Unlock()
	n := 0
	for {
		chunk := p[n:]
		if len(chunk) > maxRW {
			chunk = chunk[:maxRW]
		}
		if len(chunk) == 0 {
			if n == 0 && c.fdr.closed() {
				return 0, c.opError("write", c.closedErr())
			}
			return n, nil
		}
		m, err := c.io(ctx, &c.wr, liburing.IORING_OP_SEND, chunk, unix.MSG_NOSIGNAL)
		n += m
		if err != nil {
			return n, c.opError("write", err)
		}
	}
}

// setDeadline sets h's deadline and cancels the operation in flight when
// its linked timeout comes later than the new deadline.
func (c *Conn) setDeadline(h *half, t time.Time) {
	h.mu.Lock()
	h.deadline = t
	var ud uint64
	if h.pending != 0 && !t.IsZero() && (h.pendDL.IsZero() || t.Before(h.pendDL)) {
		ud = h.pending
	}
	h.mu.Unlock()
	if ud != 0 {
		c.r.cancelUserData(ud)
	}
}

// SetDeadline sets the read and write deadlines.
func (c *Conn) SetDeadline(t time.Time) error {
	if err := c.deadlineCheck(); err != nil {
		return err
	}
	c.setDeadline(&c.rd, t)
	c.setDeadline(&c.wr, t)
	return nil
}

// SetReadDeadline sets the deadline of Read calls, including one in
// flight. The zero time means none.
func (c *Conn) SetReadDeadline(t time.Time) error {
	if err := c.deadlineCheck(); err != nil {
		return err
	}
	c.setDeadline(&c.rd, t)
	return nil
}

// SetWriteDeadline sets the deadline of Write calls, including one in
// flight.
func (c *Conn) SetWriteDeadline(t time.Time) error {
	if err := c.deadlineCheck(); err != nil {
		return err
	}
	c.setDeadline(&c.wr, t)
	return nil
}

func (c *Conn) deadlineCheck() error {
	if c.fdr.closed() {
		return c.opError("set", c.closedErr())
	}
	return nil
}

// Close cancels the reads and writes in flight, waits for them and closes
// the socket (IORING_OP_CLOSE).
func (c *Conn) Close() error {
	c.addrs() // keep the addresses for errors after Close
	if err := c.fdr.close(); err != nil {
		return c.opError("close", err)
	}
	return nil
}

// Shutdown shuts down the reading (unix.SHUT_RD), writing (SHUT_WR) or both
// (SHUT_RDWR) sides (IORING_OP_SHUTDOWN).
func (c *Conn) Shutdown(ctx context.Context, how int) error {
	o, err := c.r.get()
	if err != nil {
		return c.opError("shutdown", err)
	}
	o.fdr = c.fdr
	o.rw(liburing.IORING_OP_SHUTDOWN, c.fdr.fd, nil, uint32(how), 0, 0)
	_, err = c.r.simple(ctx, o)
	return c.opError("shutdown", err)
}

// CloseRead shuts down the reading side.
func (c *Conn) CloseRead() error { return c.Shutdown(context.Background(), unix.SHUT_RD) }

// CloseWrite shuts down the writing side: the peer reads EOF.
func (c *Conn) CloseWrite() error { return c.Shutdown(context.Background(), unix.SHUT_WR) }

// SetsockoptInt sets an integer socket option (see Setsockopt).
func (c *Conn) SetsockoptInt(ctx context.Context, level, opt, value int) error {
	var b [4]byte
	*(*int32)(unsafe.Pointer(&b[0])) = int32(value)
	return c.Setsockopt(ctx, level, opt, b[:])
}

// Setsockopt sets a socket option of at most 64 bytes: through io_uring
// (IORING_OP_URING_CMD, SOCKET_URING_OP_SETSOCKOPT) on Linux 6.7 and later,
// through setsockopt(2) before.
func (c *Conn) Setsockopt(ctx context.Context, level, opt int, value []byte) error {
	return c.r.setsockopt(ctx, c.fdr, level, opt, value)
}

func (r *Ring) setsockopt(ctx context.Context, fdr *fdRef, level, opt int, value []byte) error {
	if len(value) > 64 {
		return os.NewSyscallError("setsockopt", unix.EINVAL)
	}
	if r.sockoptCmd.Load() >= 0 && r.probe[liburing.IORING_OP_URING_CMD] {
		o, err := r.get()
		if err != nil {
			return err
		}
		o.fdr = fdr
		optval := unsafe.Add(o.scratch, scratchOpt)
		copy(unsafe.Slice((*byte)(optval), 64), value)
		fd, n := fdr.fd, len(value)
		o.prep = func(sqe *liburing.SQE) {
			liburing.PrepCmdSock(sqe, liburing.SOCKET_URING_OP_SETSOCKOPT, fd, level, opt, optval, n)
		}
		_, err = r.simple(ctx, o)
		if err == nil {
			r.sockoptCmd.Store(1)
			return nil
		}
		if !(r.sockoptCmd.Load() == 0 && (err == unix.EOPNOTSUPP || err == unix.EINVAL)) {
			return os.NewSyscallError("setsockopt", err)
		}
		r.sockoptCmd.Store(-1) // this kernel has no socket commands
	}
	if !fdr.enter() {
		return errFileClosing
	}
	defer fdr.done()
	if _, _, e := unix.Syscall6(unix.SYS_SETSOCKOPT, uintptr(fdr.fd), uintptr(level), uintptr(opt),
		uintptr(unsafe.Pointer(unsafe.SliceData(value))), uintptr(len(value)), 0); e != 0 {
		return os.NewSyscallError("setsockopt", e)
	}
	return nil
}

// Ring is the ring the connection's operations go through.
func (c *Conn) Ring() *Ring { return c.r }
