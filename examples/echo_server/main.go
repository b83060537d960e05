// Command echo_server is a TCP echo server driven by one io_uring: a
// multishot accept takes every connection, a multishot receive per
// connection picks its buffers from a provided buffer ring, and each buffer
// goes back out with a send before it returns to the ring.
//
//	go run ./examples/echo_server [-addr 127.0.0.1:0] [-max-conns N]
//
// The first line of output is "listening on ADDR" with the bound address.
// The server stops on SIGINT or SIGTERM (it then closes every connection),
// or, with -max-conns N, once N connections have been served and closed.
// The address must be numeric (no name lookups).
package main

import (
	"errors"
	"flag"
	"fmt"
	"log"
	"net/netip"
	"os"
	"os/signal"
	"unsafe"

	"github.com/liburing-go/liburing"
	"golang.org/x/sys/unix"
)

// A request's user_data is its kind in the high 32 bits and its fd below.
const (
	kindAccept = iota + 1
	kindRecv
	kindSend
	kindClose
	kindStop
	kindCancel
)

func userData(kind int, fd int) uint64 { return uint64(kind)<<32 | uint64(uint32(fd)) }

const bgid = 0 // the provided buffer group

// chunk is a received buffer waiting to be sent back, from off to n.
type chunk struct {
	bid    uint16
	off, n int
}

type conn struct {
	fd      int
	queue   []chunk // in arrival order; queue[0] is being sent when sending
	sending bool
	armed   bool // a multishot receive is pending
	eof     bool // the peer is done (or the connection failed)
	broken  bool // sending failed or the server stops: drop, don't send
	closing bool
}

type server struct {
	ring     *liburing.Ring
	br       *liburing.BufRing
	bufs     []byte // nbufs buffers of size bytes, C memory
	nbufs    int
	size     int
	lfd      int
	stopR    int // read end of the pipe the signal handler writes to
	maxConns int

	conns       map[int]*conn
	outstanding int     // buffers taken from the ring and not yet returned
	starved     []*conn // receives that ended with ENOBUFS, to re-arm
	accepting   bool    // a multishot accept is pending
	stopping    bool
	accepted    int
	served      int
	rearmed     int  // receives re-armed after running out of buffers
	acceptLimit bool // the accept was cancelled for -max-conns
}

// sqe returns a free SQE, submitting what is queued when the SQ is full.
func (s *server) sqe(kind, fd int) *liburing.SQE {
	sqe := liburing.GetSQE(s.ring)
	for sqe == nil {
		if _, err := liburing.Submit(s.ring); err != nil && !errors.Is(err, unix.EINTR) {
			log.Fatalf("io_uring_submit: %v", err)
		}
		sqe = liburing.GetSQE(s.ring)
	}
	liburing.SQESetData64(sqe, userData(kind, fd))
	return sqe
}

func (s *server) buf(bid uint16) unsafe.Pointer {
	return unsafe.Pointer(&s.bufs[int(bid)*s.size])
}

func (s *server) armAccept() {
	liburing.PrepMultishotAccept(s.sqe(kindAccept, s.lfd), s.lfd, nil, nil, unix.SOCK_CLOEXEC)
	s.accepting = true
}

func (s *server) armRecv(c *conn) {
	sqe := s.sqe(kindRecv, c.fd)
	liburing.PrepRecvMultishot(sqe, c.fd, nil, 0, 0)
	sqe.Flags |= liburing.IOSQE_BUFFER_SELECT
	sqe.BufIndex = bgid
	c.armed = true
}

// recycle hands buffer bid back to the kernel and re-arms the receives that
// ran out of buffers.
func (s *server) recycle(bid uint16) {
	liburing.BufRingAdd(s.br, s.buf(bid), uint32(s.size), bid, liburing.BufRingMask(uint32(s.nbufs)), 0)
	liburing.BufRingAdvance(s.br, 1)
	s.outstanding--
	for _, c := range s.starved {
		if !c.eof && !c.armed {
			s.armRecv(c)
			s.rearmed++
		}
	}
	s.starved = s.starved[:0]
}

// trySend sends the oldest waiting chunk unless a send is in flight: one
// send at a time per connection keeps the bytes in order.
func (s *server) trySend(c *conn) {
	if c.sending || len(c.queue) == 0 || c.broken {
		s.maybeClose(c)
		return
	}
	ch := c.queue[0]
	p := unsafe.Add(s.buf(ch.bid), ch.off)
	liburing.PrepSend(s.sqe(kindSend, c.fd), c.fd, p, uint64(ch.n-ch.off), unix.MSG_NOSIGNAL)
	c.sending = true
}

func (s *server) maybeClose(c *conn) {
	if c.eof && !c.sending && len(c.queue) == 0 && !c.armed && !c.closing {
		liburing.PrepClose(s.sqe(kindClose, c.fd), c.fd)
		c.closing = true
	}
}

// fail drops what a connection still had to send (but the chunk of a send
// in flight, which onSend drops) and shuts it down, which ends its pending
// receive; it is closed once nothing is in flight.
func (s *server) fail(c *conn) {
	c.eof, c.broken = true, true
	keep := 0
	if c.sending {
		keep = 1
	}
	for _, ch := range c.queue[keep:] {
		s.recycle(ch.bid)
	}
	c.queue = c.queue[:keep]
	unix.Shutdown(c.fd, unix.SHUT_RDWR)
	s.maybeClose(c)
}

func (s *server) onAccept(res int32, flags uint32) {
	if flags&liburing.IORING_CQE_F_MORE == 0 {
		s.accepting = false
	}
	if res < 0 {
		if res != -int32(unix.ECANCELED) {
			log.Printf("accept: %v", unix.Errno(-res))
		}
	} else {
		c := &conn{fd: int(res)}
		s.conns[c.fd] = c
		s.accepted++
		s.armRecv(c)
		if s.maxConns > 0 && s.accepted >= s.maxConns && s.accepting && !s.acceptLimit {
			liburing.PrepCancel64(s.sqe(kindCancel, s.lfd), userData(kindAccept, s.lfd), 0)
			s.acceptLimit = true
		}
	}
	if !s.accepting && !s.stopping && !s.acceptLimit {
		s.armAccept() // the kernel ended the multishot accept: start another
	}
}

func (s *server) onRecv(c *conn, res int32, flags uint32) {
	if flags&liburing.IORING_CQE_F_MORE == 0 {
		c.armed = false
	}
	switch {
	case res > 0:
		bid := uint16(flags >> liburing.IORING_CQE_BUFFER_SHIFT)
		s.outstanding++
		if c.broken {
			s.recycle(bid)
			return
		}
		c.queue = append(c.queue, chunk{bid: bid, n: int(res)})
		if !c.armed && !s.stopping {
			s.armRecv(c)
		}
		s.trySend(c)
	case res == -int32(unix.ENOBUFS):
		if s.outstanding == 0 {
			s.armRecv(c) // every buffer is back already
			s.rearmed++
		} else {
			s.starved = append(s.starved, c) // re-armed when one returns
		}
	case res == 0:
		c.eof = true
		s.maybeClose(c)
	default:
		if !s.stopping && res != -int32(unix.ECANCELED) {
			log.Printf("recv on fd %d: %v", c.fd, unix.Errno(-res))
		}
		s.fail(c)
	}
}

func (s *server) onSend(c *conn, res int32) {
	c.sending = false
	ch := &c.queue[0]
	if res > 0 {
		ch.off += int(res)
	}
	if ch.off == ch.n || res < 0 || c.broken {
		c.queue = c.queue[1:]
		s.recycle(ch.bid)
	}
	if res < 0 && !c.broken {
		if !s.stopping {
			log.Printf("send on fd %d: %v", c.fd, unix.Errno(-res))
		}
		s.fail(c)
		return
	}
	s.trySend(c)
}

func (s *server) onStop() {
	s.stopping = true
	if s.accepting {
		liburing.PrepCancel64(s.sqe(kindCancel, s.lfd), userData(kindAccept, s.lfd), 0)
	}
	for _, c := range s.conns {
		if !c.closing {
			s.fail(c) // ends the pending receive, closes when idle
		}
	}
}

// done reports whether the server has nothing left to do.
func (s *server) done() bool {
	if len(s.conns) > 0 || s.accepting {
		return false
	}
	return s.stopping || (s.maxConns > 0 && s.accepted >= s.maxConns)
}

func (s *server) handle(cqe *liburing.CQE) {
	kind, fd := int(cqe.UserData>>32), int(int32(uint32(cqe.UserData)))
	res, flags := cqe.Res, cqe.Flags
	switch kind {
	case kindAccept:
		s.onAccept(res, flags)
	case kindStop:
		s.onStop()
	case kindRecv, kindSend:
		c := s.conns[fd]
		if c == nil {
			return
		}
		if kind == kindRecv {
			s.onRecv(c, res, flags)
		} else {
			s.onSend(c, res)
		}
	case kindClose:
		delete(s.conns, fd)
		s.served++
	case kindCancel:
		// The cancelled accept reports itself (-ECANCELED, no F_MORE).
	}
}

func (s *server) loop() {
	for !s.done() {
		if _, err := liburing.SubmitAndWait(s.ring, 1); err != nil {
			if errors.Is(err, unix.EINTR) {
				continue
			}
			log.Fatalf("io_uring_submit_and_wait: %v", err)
		}
		for {
			cqe, err := liburing.PeekCQE(s.ring)
			if err != nil {
				break // EAGAIN: none left
			}
			s.handle(cqe)
			liburing.CQESeen(s.ring, cqe)
		}
	}
}

// listen creates the listening socket through the ring and binds it.
func listen(ring *liburing.Ring, addr netip.AddrPort) (int, netip.AddrPort, error) {
	sa, err := liburing.NewSockaddrAddrPort(addr)
	if err != nil {
		return -1, addr, err
	}
	defer sa.Close()
	sqe := liburing.GetSQE(ring)
	liburing.PrepSocket(sqe, sa.Family(), unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0, 0)
	if _, err := liburing.SubmitAndWait(ring, 1); err != nil {
		return -1, addr, err
	}
	cqe, err := liburing.WaitCQE(ring)
	if err != nil {
		return -1, addr, err
	}
	fd, err := liburing.TrapError(cqe.Res)
	liburing.CQESeen(ring, cqe)
	if err != nil {
		return -1, addr, fmt.Errorf("socket: %w", err)
	}
	if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1); err != nil {
		unix.Close(fd)
		return -1, addr, err
	}
	if err := liburing.Bind(fd, sa); err != nil {
		unix.Close(fd)
		return -1, addr, fmt.Errorf("bind %s: %w", addr, err)
	}
	if err := liburing.Listen(fd, 128); err != nil {
		unix.Close(fd)
		return -1, addr, fmt.Errorf("listen: %w", err)
	}
	if _, _, err := liburing.Getsockname(fd, sa); err != nil {
		unix.Close(fd)
		return -1, addr, fmt.Errorf("getsockname: %w", err)
	}
	bound, err := sa.AddrPort()
	return fd, bound, err
}

// stopPipe returns the read end of a pipe that gets a byte on SIGINT or
// SIGTERM, for the ring to poll.
func stopPipe() (int, error) {
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
		return -1, err
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, unix.SIGINT, unix.SIGTERM)
	go func() {
		<-sigs
		unix.Write(p[1], []byte{1})
	}()
	return p[0], nil
}

func main() {
	addrFlag := flag.String("addr", "127.0.0.1:0", "numeric `host:port` to listen on")
	maxConns := flag.Int("max-conns", 0, "stop after serving this many connections (0: run until SIGINT/SIGTERM)")
	size := flag.Int("buf-size", 4096, "size of each provided buffer")
	nbufs := flag.Int("bufs", 64, "number of provided buffers (a power of two)")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("echo_server: ")
	if *nbufs <= 0 || *nbufs > 32768 || *nbufs&(*nbufs-1) != 0 || *size <= 0 || *size > 1<<20 {
		log.Fatal("-bufs must be a power of two up to 32768 and -buf-size 1..1048576")
	}
	addr, err := netip.ParseAddrPort(*addrFlag)
	if err != nil {
		log.Fatalf("-addr: %v", err)
	}

	ring := new(liburing.Ring)
	if err := liburing.QueueInit(256, ring, 0); err != nil {
		log.Fatalf("io_uring_queue_init: %v", err)
	}
	s := &server{ring: ring, nbufs: *nbufs, size: *size, maxConns: *maxConns, conns: map[int]*conn{}}
	if s.stopR, err = stopPipe(); err != nil {
		log.Fatal(err)
	}
	lfd, bound, err := listen(ring, addr)
	if err != nil {
		log.Fatal(err)
	}
	s.lfd = lfd
	if s.br, err = liburing.SetupBufRing(ring, uint32(s.nbufs), bgid, 0); err != nil {
		log.Fatalf("io_uring_setup_buf_ring: %v", err)
	}
	if s.bufs, err = liburing.AllocBuffer(s.nbufs * s.size); err != nil {
		log.Fatal(err)
	}
	mask := liburing.BufRingMask(uint32(s.nbufs))
	for i := range s.nbufs {
		liburing.BufRingAdd(s.br, s.buf(uint16(i)), uint32(s.size), uint16(i), mask, i)
	}
	liburing.BufRingAdvance(s.br, s.nbufs)

	fmt.Println("listening on", bound)
	liburing.PrepPollAdd(s.sqe(kindStop, s.stopR), s.stopR, unix.POLLIN)
	s.armAccept()
	s.loop()

	unix.Close(lfd)
	liburing.FreeBufRing(ring, s.br, uint32(s.nbufs), bgid)
	liburing.QueueExit(ring) // also cancels the stop poll if still armed
	liburing.FreeBuffer(s.bufs)
	fmt.Fprintf(os.Stderr, "echo_server: served %d connections (%d receives re-armed after running out of buffers)\n", s.served, s.rearmed)
}
