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

// The Echo workload measures a loopback TCP echo round trip of size bytes
// driven entirely by the benchmark loop, with no peer thread: one
// connected pair of sockets (client end, server end, TCP_NODELAY on both)
// and, per operation, four requests:
//
//	send(client, out) -> recv(server, sbuf, MSG_WAITALL) ->
//	send(server, sbuf) -> recv(client, in, MSG_WAITALL)
//
// The io_uring contenders link the four (IOSQE_IO_LINK on the first three),
// submit them with one submit-and-wait for 4 and check that each completed
// with size; the user_data of a request is its step (ctwin.EchoSteps).
// net.Conn does the same four calls on two *net.TCPConn in one goroutine.
//
// Why no peer: loopback TCP hands the bytes to the receiving socket inside
// the send, so every recv finds its data already there and all four
// requests normally complete inside the one io_uring_enter. Nothing sleeps
// and no thread wakes up. An earlier design echoed through a C thread
// blocked in recv; each round trip then paid two wake-ups (peer and client)
// of 20-70 us that varied 3x from run to run and swamped the client side.
// Now the numbers are deterministic and measure what a library costs to
// drive four TCP operations per round trip.
//
// The buffers are C memory. The first and last byte of out carry the round
// trip's number and must come back in in, so a contender cannot pass on
// stale bytes. Every contender run gets a fresh pair, closed at its end, so
// no socket state (O_NONBLOCK that net.FileConn sets, queued bytes after a
// failure) carries over.

// echoPair is one fresh connection and the buffers of a round trip.
type echoPair struct {
	out, sbuf, in []byte            // size bytes each, C memory
	fd            [4]int            // socket of each step: client, server, server, client
	buf           [4]unsafe.Pointer // buffer of each step: out, sbuf, sbuf, in
}

// openEcho connects a fresh pair and allocates the buffers. b.Cleanup
// closes and frees them after the run's deferred calls (ring exits) ran.
func openEcho(b *testing.B, size int) *echoPair {
	cfd, sfd, err := ctwin.TCPPair()
	if err != nil {
		b.Fatal(err)
	}
	p := &echoPair{fd: [4]int{cfd, sfd, sfd, cfd}}
	b.Cleanup(func() { unix.Close(p.fd[0]); unix.Close(p.fd[1]) })
	bufs, err := liburing.AllocBuffer(3 * size)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { liburing.FreeBuffer(bufs) })
	p.out, p.sbuf, p.in = bufs[:size:size], bufs[size:2*size:2*size], bufs[2*size:]
	p.buf = [4]unsafe.Pointer{ptr(p.out), ptr(p.sbuf), ptr(p.sbuf), ptr(p.in)}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	return p
}

func ptr(p []byte) unsafe.Pointer { return unsafe.Pointer(unsafe.SliceData(p)) }

// stamp marks round trip i in the first and last byte of out.
func (p *echoPair) stamp(i int) {
	p.out[0] = byte(i)
	p.out[len(p.out)-1] = ^byte(i)
}

// verify fails b unless the stamped bytes came back.
func (p *echoPair) verify(b *testing.B) {
	if n := len(p.in); p.in[0] != p.out[0] || p.in[n-1] != p.out[n-1] {
		b.Fatal(ctwin.ErrEchoMismatch)
	}
}

// check fails b unless request step completed with size bytes.
func (p *echoPair) check(b *testing.B, step uint64, res int32) {
	if int(res) != len(p.out) {
		b.Fatal(&ctwin.EchoError{Step: step, Res: res, Size: int32(len(p.out))})
	}
}

// echoC: the C twin, every round trip inside one cgo call.
//
//go:noinline
func echoC(size int) func(b *testing.B) {
	return func(b *testing.B) {
		p := openEcho(b, size)
		ring := newRing(b)
		defer liburing.QueueExit(ring)
		b.ResetTimer()
		err := ctwin.Echo(ring.CPtr(), p.fd[0], p.fd[1], p.buf[0], p.buf[1], p.buf[3], size, b.N)
		if err != nil {
			b.Fatal(err)
		}
	}
}

// echoHot: the hot path, a Batch submitted in one cgo call and completions
// reaped from Go.
//
//go:noinline
func echoHot(size int) func(b *testing.B) {
	return func(b *testing.B) {
		p := openEcho(b, size)
		ring := newRing(b)
		defer liburing.QueueExit(ring)
		bt := newBatch(b, 4)
		cqes := make([]liburing.CQE, 4)
		n := uint32(size)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			p.stamp(i)
			for s := range 4 {
				if s%2 == 0 {
					bt.Send(p.fd[s], p.buf[s], n, 0, uint64(s))
				} else {
					bt.Recv(p.fd[s], p.buf[s], n, unix.MSG_WAITALL, uint64(s))
				}
				if s < 3 {
					bt.SetFlags(liburing.IOSQE_IO_LINK)
				}
			}
			if _, err := bt.SubmitAndWait(ring, 4); err != nil {
				b.Fatal(err)
			}
			for got := 0; got < 4; {
				k := ring.ReapCQEs(cqes[:4-got])
				for _, c := range cqes[:k] {
					p.check(b, c.UserData, c.Res)
				}
				got += k
				if k == 0 {
					if _, err := liburing.WaitCQENr(ring, uint32(4-got)); err != nil {
						b.Fatal(err)
					}
				}
			}
			p.verify(b)
		}
	}
}

// echoAPI: the 1:1 API, one cgo call per liburing function.
//
//go:noinline
func echoAPI(size int) func(b *testing.B) {
	return func(b *testing.B) {
		p := openEcho(b, size)
		ring := newRing(b)
		defer liburing.QueueExit(ring)
		n := uint64(size)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			p.stamp(i)
			for s := range 4 {
				sqe := liburing.GetSQE(ring)
				if s%2 == 0 {
					liburing.PrepSend(sqe, p.fd[s], p.buf[s], n, 0)
				} else {
					liburing.PrepRecv(sqe, p.fd[s], p.buf[s], n, unix.MSG_WAITALL)
				}
				if s < 3 {
					liburing.SQESetFlags(sqe, liburing.IOSQE_IO_LINK)
				}
				liburing.SQESetData64(sqe, uint64(s))
			}
			if _, err := liburing.SubmitAndWait(ring, 4); err != nil {
				b.Fatal(err)
			}
			for range 4 {
				cqe, err := liburing.WaitCQE(ring)
				if err != nil {
					b.Fatal(err)
				}
				p.check(b, cqe.UserData, cqe.Res)
				liburing.CQESeen(ring, cqe)
			}
			p.verify(b)
		}
	}
}

// echoGiouring: the pure-Go port.
//
//go:noinline
func echoGiouring(size int) func(b *testing.B) {
	return func(b *testing.B) {
		p := openEcho(b, size)
		ring := newGiouring(b)
		defer ring.QueueExit()
		cqes := make([]*giouring.CompletionQueueEvent, 4)
		n := uint32(size)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			p.stamp(i)
			for s := range 4 {
				sqe := ring.GetSQE()
				if s%2 == 0 {
					sqe.PrepareSend(p.fd[s], uintptr(p.buf[s]), n, 0)
				} else {
					sqe.PrepareRecv(p.fd[s], uintptr(p.buf[s]), n, unix.MSG_WAITALL)
				}
				if s < 3 {
					sqe.SetFlags(uint32(giouring.SqeIOLink))
				}
				sqe.SetData64(uint64(s))
			}
			if _, err := ring.SubmitAndWait(4); err != nil {
				b.Fatal(err)
			}
			for got := 0; got < 4; {
				k := int(ring.PeekBatchCQE(cqes[:4-got]))
				for _, c := range cqes[:k] {
					p.check(b, c.UserData, c.Res)
				}
				ring.CQAdvance(uint32(k))
				got += k
				// The kernel ends a wait early when a signal arrives
				// after it submitted.
				if k == 0 {
					if _, err := ring.WaitCQENr(uint32(4 - got)); err != nil && !errors.Is(err, syscall.EINTR) {
						b.Fatal(err)
					}
				}
			}
			p.verify(b)
		}
	}
}

// echoNetConn: what a Go user would write instead, two *net.TCPConn
// (Write, then io.ReadFull), in one goroutine: the bytes are always there
// already, so nothing parks.
//
//go:noinline
func echoNetConn(size int) func(b *testing.B) {
	return func(b *testing.B) {
		p := openEcho(b, size)
		client, server := tcpConn(b, &p.fd[0]), tcpConn(b, &p.fd[1])
		defer client.Close()
		defer server.Close()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			p.stamp(i)
			if _, err := client.Write(p.out); err != nil {
				b.Fatal(err)
			}
			if _, err := io.ReadFull(server, p.sbuf); err != nil {
				b.Fatal(err)
			}
			if _, err := server.Write(p.sbuf); err != nil {
				b.Fatal(err)
			}
			if _, err := io.ReadFull(client, p.in); err != nil {
				b.Fatal(err)
			}
			p.verify(b)
		}
	}
}

// tcpConn turns *fd into a *net.TCPConn: net.FileConn works on a
// duplicate, the original is closed (and *fd set to -1 for openEcho's
// cleanup).
func tcpConn(b *testing.B, fd *int) *net.TCPConn {
	f := os.NewFile(uintptr(*fd), "echo")
	*fd = -1
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
			{"go-hot", echoHot(size)},
			{"go-1to1", echoAPI(size)},
			{"giouring", echoGiouring(size)},
			{"net.Conn", echoNetConn(size)},
		},
	}
}
