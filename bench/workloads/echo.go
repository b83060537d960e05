//go:build linux && cgo

package workloads

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"testing"
	"unsafe"

	"github.com/liburing-go/liburing"
	"github.com/liburing-go/liburing/bench/ctwin"
	"github.com/pawelgaczynski/giouring"
	"golang.org/x/sys/unix"
)

// The Echo workload measures a loopback TCP round trip: the client sends
// size bytes and receives them back; one operation is one round trip.
//
// The echo peer. Every contender, the C twin included, talks to the same
// peer: a C thread (ctwin.EchoPeer) doing blocking recv and send on the
// server end of a loopback TCP pair, TCP_NODELAY on both ends, echoing each
// chunk as it arrives. It is neither Go nor io_uring on purpose: a Go
// server would share the Go runtime (scheduler, netpoller, garbage
// collector) with the Go contenders but not with the C twin, and an
// io_uring server would add a second ring's behaviour to every number. A
// plain blocking thread costs every contender the same wake-up, so the
// differences left are those of the client side. Each contender run gets a
// fresh pair and thread, so no socket state (O_NONBLOCK that net.FileConn
// sets, queued bytes after a failure) carries over from one contender to
// the next.
//
// The client stamps the first and last byte of what it sends with the round
// trip's number and checks them in what comes back, so a contender cannot
// pass on stale or foreign bytes; short receives are completed with more
// receives (io.ReadFull for net.Conn).

// User data of the two requests of a round trip.
const (
	echoSend = 0
	echoRecv = 1
)

// echoConn is one client connection to a fresh echo peer, with its buffers
// in C memory, and the progress of the round trip under way.
type echoConn struct {
	peer    *ctwin.EchoPeer
	fd      int
	out, in []byte // size bytes each, C memory
	got     int    // bytes received back in this round trip
}

func openEcho(b *testing.B, size int) *echoConn {
	peer, err := ctwin.StartEchoPeer()
	if err != nil {
		b.Fatal(err)
	}
	bufs, err := liburing.AllocBuffer(2 * size)
	if err != nil {
		peer.Stop()
		b.Fatal(err)
	}
	return &echoConn{peer: peer, fd: peer.Fd(), out: bufs[:size:size], in: bufs[size:]}
}

// close stops the peer (its thread is gone afterwards) and frees the
// buffers; call it once the ring that used them is gone.
func (c *echoConn) close(b *testing.B) {
	if err := c.peer.Stop(); err != nil {
		b.Error(err)
	}
	liburing.FreeBuffer(c.out)
}

// stamp marks round trip i in the first and last byte of out.
func (c *echoConn) stamp(i int) {
	c.out[0] = byte(i)
	c.out[len(c.out)-1] = ^byte(i)
	c.got = 0
}

// verify checks that the stamped bytes came back.
func (c *echoConn) verify() error {
	n := len(c.in)
	if c.in[0] != c.out[0] || c.in[n-1] != c.out[n-1] {
		return fmt.Errorf("echo: got %#x..%#x back, sent %#x..%#x", c.in[0], c.in[n-1], c.out[0], c.out[n-1])
	}
	return nil
}

// complete accounts for one completion of the round trip.
func (c *echoConn) complete(userData uint64, res int32) error {
	switch {
	case res < 0:
		return fmt.Errorf("echo request %d: %w", userData, unix.Errno(-res))
	case userData == echoSend:
		if int(res) != len(c.out) {
			return fmt.Errorf("echo: short send, %d of %d bytes", res, len(c.out))
		}
	case res == 0:
		return errors.New("echo: the peer closed the connection")
	default:
		c.got += int(res)
	}
	return nil
}

// echoRing is what a round trip needs from an io_uring API.
type echoRing interface {
	// sendRecv queues a send of out linked to a recv into in, submits
	// both and waits for both completions.
	sendRecv(fd int, out, in []byte) error
	// recv queues a recv into in, submits it and waits for it.
	recv(fd int, in []byte) error
	// reap hands the n completions due to c.complete.
	reap(n int, c *echoConn) error
	close()
}

// roundTrip is round trip i through r.
func (c *echoConn) roundTrip(r echoRing, i int) error {
	c.stamp(i)
	if err := r.sendRecv(c.fd, c.out, c.in); err != nil {
		return err
	}
	if err := r.reap(2, c); err != nil {
		return err
	}
	for c.got < len(c.in) {
		if err := r.recv(c.fd, c.in[c.got:]); err != nil {
			return err
		}
		if err := r.reap(1, c); err != nil {
			return err
		}
	}
	return c.verify()
}

// echoUring runs round trips through the io_uring API that open sets up.
func echoUring(size int, open func(b *testing.B) echoRing) func(b *testing.B) {
	return func(b *testing.B) {
		c := openEcho(b, size)
		defer c.close(b)
		r := open(b)
		defer r.close()
		b.SetBytes(int64(size))
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if err := c.roundTrip(r, i); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func ptr(p []byte) unsafe.Pointer { return unsafe.Pointer(unsafe.SliceData(p)) }

// apiEcho: the 1:1 API, one cgo call per liburing function.
type apiEcho struct{ ring *liburing.Ring }

func openAPIEcho(b *testing.B) echoRing { return &apiEcho{newRing(b)} }

func (a *apiEcho) sendRecv(fd int, out, in []byte) error {
	sqe := liburing.GetSQE(a.ring)
	liburing.PrepSend(sqe, fd, ptr(out), uint64(len(out)), 0)
	liburing.SQESetFlags(sqe, liburing.IOSQE_IO_LINK)
	liburing.SQESetData64(sqe, echoSend)
	return a.recvAndWait(fd, in, 2)
}

func (a *apiEcho) recv(fd int, in []byte) error { return a.recvAndWait(fd, in, 1) }

// recvAndWait queues a recv into in, submits and waits for wait completions.
func (a *apiEcho) recvAndWait(fd int, in []byte, wait uint32) error {
	sqe := liburing.GetSQE(a.ring)
	liburing.PrepRecv(sqe, fd, ptr(in), uint64(len(in)), 0)
	liburing.SQESetData64(sqe, echoRecv)
	_, err := liburing.SubmitAndWait(a.ring, wait)
	return err
}

func (a *apiEcho) reap(n int, c *echoConn) error {
	var first error
	for ; n > 0; n-- {
		cqe, err := liburing.WaitCQE(a.ring)
		if err != nil {
			return err
		}
		if err := c.complete(cqe.UserData, cqe.Res); err != nil && first == nil {
			first = err
		}
		liburing.CQESeen(a.ring, cqe)
	}
	return first
}

func (a *apiEcho) close() { liburing.QueueExit(a.ring) }

// hotEcho: the hot path, a Batch submitted in one cgo call and completions
// reaped from Go.
type hotEcho struct {
	ring *liburing.Ring
	bt   *liburing.Batch
	cqes []liburing.CQE
}

func openHotEcho(b *testing.B) echoRing {
	ring := newRing(b)
	bt, err := liburing.NewBatch(2)
	if err != nil {
		liburing.QueueExit(ring)
		b.Fatal(err)
	}
	return &hotEcho{ring: ring, bt: bt, cqes: make([]liburing.CQE, 2)}
}

func (h *hotEcho) sendRecv(fd int, out, in []byte) error {
	h.bt.Send(fd, ptr(out), uint32(len(out)), 0, echoSend)
	h.bt.SetFlags(liburing.IOSQE_IO_LINK)
	h.bt.Recv(fd, ptr(in), uint32(len(in)), 0, echoRecv)
	_, err := h.bt.SubmitAndWait(h.ring, 2)
	return err
}

func (h *hotEcho) recv(fd int, in []byte) error {
	h.bt.Recv(fd, ptr(in), uint32(len(in)), 0, echoRecv)
	_, err := h.bt.SubmitAndWait(h.ring, 1)
	return err
}

func (h *hotEcho) reap(n int, c *echoConn) error {
	var first error
	for n > 0 {
		k := h.ring.ReapCQEs(h.cqes[:n])
		for _, cqe := range h.cqes[:k] {
			if err := c.complete(cqe.UserData, cqe.Res); err != nil && first == nil {
				first = err
			}
		}
		if k == 0 {
			if _, err := liburing.SubmitAndWait(h.ring, 1); err != nil {
				return err
			}
		}
		n -= k
	}
	return first
}

func (h *hotEcho) close() {
	h.bt.Close()
	liburing.QueueExit(h.ring)
}

// giouringEcho: the pure-Go port.
type giouringEcho struct {
	ring *giouring.Ring
	cqes []*giouring.CompletionQueueEvent
}

func openGiouringEcho(b *testing.B) echoRing {
	return &giouringEcho{ring: newGiouring(b), cqes: make([]*giouring.CompletionQueueEvent, 2)}
}

func (g *giouringEcho) sendRecv(fd int, out, in []byte) error {
	sqe := g.ring.GetSQE()
	sqe.PrepareSend(fd, uintptr(ptr(out)), uint32(len(out)), 0)
	sqe.SetFlags(uint32(giouring.SqeIOLink))
	sqe.SetData64(echoSend)
	return g.recvAndWait(fd, in, 2)
}

func (g *giouringEcho) recv(fd int, in []byte) error { return g.recvAndWait(fd, in, 1) }

// recvAndWait queues a recv into in, submits and waits for wait completions.
func (g *giouringEcho) recvAndWait(fd int, in []byte, wait uint32) error {
	sqe := g.ring.GetSQE()
	sqe.PrepareRecv(fd, uintptr(ptr(in)), uint32(len(in)), 0)
	sqe.SetData64(echoRecv)
	_, err := g.ring.SubmitAndWait(wait)
	return err
}

// reap waits with WaitCQE when the completions are not there yet (the
// kernel ends a wait early when a signal arrives after it submitted).
func (g *giouringEcho) reap(n int, c *echoConn) error {
	var first error
	for n > 0 {
		k := int(g.ring.PeekBatchCQE(g.cqes[:n]))
		for _, cqe := range g.cqes[:k] {
			if err := c.complete(cqe.UserData, cqe.Res); err != nil && first == nil {
				first = err
			}
		}
		g.ring.CQAdvance(uint32(k))
		if k == 0 {
			if _, err := g.ring.WaitCQE(); err != nil && !errors.Is(err, syscall.EINTR) {
				return err
			}
		}
		n -= k
	}
	return first
}

func (g *giouringEcho) close() { g.ring.QueueExit() }

// echoC: the C twin, every round trip inside one cgo call.
func echoC(size int) func(b *testing.B) {
	return func(b *testing.B) {
		c := openEcho(b, size)
		defer c.close(b)
		ring := newRing(b)
		defer liburing.QueueExit(ring)
		b.SetBytes(int64(size))
		b.ReportAllocs()
		b.ResetTimer()
		if err := ctwin.Echo(ring.CPtr(), c.fd, ptr(c.out), ptr(c.in), size, b.N); err != nil {
			b.Fatal(err)
		}
	}
}

// echoNetConn: what a Go user would write instead, a *net.TCPConn on the
// same client socket (Write, then io.ReadFull).
func echoNetConn(size int) func(b *testing.B) {
	return func(b *testing.B) {
		c := openEcho(b, size)
		defer c.close(b)
		conn := tcpConn(b, c.fd)
		defer conn.Close()
		b.SetBytes(int64(size))
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			c.stamp(i)
			if _, err := conn.Write(c.out); err != nil {
				b.Fatal(err)
			}
			if _, err := io.ReadFull(conn, c.in); err != nil {
				b.Fatal(err)
			}
			if err := c.verify(); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// tcpConn wraps a duplicate of fd in a *net.TCPConn (net.FileConn
// duplicates the descriptor it gets), leaving fd to the echo peer.
func tcpConn(b *testing.B, fd int) *net.TCPConn {
	dup, err := unix.Dup(fd)
	if err != nil {
		b.Fatal(err)
	}
	f := os.NewFile(uintptr(dup), "echo-client")
	defer f.Close()
	conn, err := net.FileConn(f)
	if err != nil {
		b.Fatal(err)
	}
	return conn.(*net.TCPConn)
}

// Echo is the loopback TCP echo workload at one message size (at least 1).
func Echo(size int) Workload {
	return Workload{
		Name: fmt.Sprintf("Echo/size=%d", size),
		Contenders: []Contender{
			{"c", echoC(size)},
			{"go-hot", echoUring(size, openHotEcho)},
			{"go-1to1", echoUring(size, openAPIEcho)},
			{"giouring", echoUring(size, openGiouringEcho)},
			{"net.Conn", echoNetConn(size)},
		},
	}
}
