//go:build linux && cgo

package uring

import (
	"context"
	"net"
	"os"
	"sync"

	"github.com/liburing-go/liburing"
	"golang.org/x/sys/unix"
)

// Listener is a listening stream socket that takes connections with one
// multishot accept. It implements net.Listener, so net/http can serve on
// it. Accepted connections wait in a queue until Accept takes them; the
// multishot accept keeps taking connections while nobody calls Accept, so
// the queue is bounded by the clients, not by the listen backlog.
type Listener struct {
	r       *Ring
	fdr     *fdRef
	network string
	addr    net.Addr

	mu       sync.Mutex
	queue    []int // accepted fds
	err      error // how the last multishot accept ended, for Accept to report
	armed    bool
	isClosed bool
	wake     chan struct{} // a token when the queue or err changed
	closedCh chan struct{}
	once     sync.Once
}

// NewListener wraps a listening socket fd; the Listener owns it.
func (r *Ring) NewListener(fd int, network string) (*Listener, error) {
	l := &Listener{r: r, network: network, wake: make(chan struct{}, 1), closedCh: make(chan struct{})}
	fdr, err := r.newFdRef(fd, l.markClosed)
	if err != nil {
		return nil, err
	}
	l.fdr = fdr
	if sa, err := unix.Getsockname(fd); err == nil {
		l.addr = netAddr(network, sa)
	}
	l.mu.Lock()
	l.armed = true
	l.mu.Unlock()
	if err := l.arm(); err != nil {
		l.Close()
		return nil, err
	}
	return l, nil
}

// Addr is the address the listener is bound to.
func (l *Listener) Addr() net.Addr { return l.addr }

// Fd is the listening socket's file descriptor, valid until Close.
func (l *Listener) Fd() int { return l.fdr.fd }

// arm submits the multishot accept; l.armed is already set.
func (l *Listener) arm() error {
	o, err := l.r.get()
	if err != nil {
		l.disarm()
		return err
	}
	o.fdr = l.fdr
	o.handler, o.ctx = accepted, l
	fd := l.fdr.fd
	o.prep = func(sqe *liburing.SQE) {
		liburing.PrepMultishotAccept(sqe, fd, nil, nil, unix.SOCK_CLOEXEC)
	}
	if err := l.r.start(o); err != nil {
		l.r.put(o)
		l.disarm()
		return err
	}
	return nil
}

func (l *Listener) disarm() {
	l.mu.Lock()
	l.armed = false
	l.mu.Unlock()
}

// accepted runs on the reaper for each completion of the multishot accept.
func accepted(o *op, res int32, flags uint32) bool {
	l := o.ctx.(*Listener)
	final := flags&liburing.IORING_CQE_F_MORE == 0
	l.mu.Lock()
	switch {
	case res >= 0 && l.isClosed:
		unix.Close(int(res))
	case res >= 0:
		l.queue = append(l.queue, int(res))
	case res != -int32(unix.ECANCELED) && !l.isClosed:
		l.err = os.NewSyscallError("accept", unix.Errno(-res))
	}
	if final {
		l.armed = false
	}
	l.mu.Unlock()
	select {
	case l.wake <- struct{}{}:
	default:
	}
	return final
}

// Accept waits for the next connection (net.Listener).
func (l *Listener) Accept() (net.Conn, error) {
	c, err := l.AcceptContext(context.Background())
	if err != nil {
		return nil, err
	}
	return c, nil
}

// AcceptContext waits for the next connection under ctx.
func (l *Listener) AcceptContext(ctx context.Context) (*Conn, error) {
	for {
		l.mu.Lock()
		if l.isClosed {
			l.mu.Unlock()
			return nil, l.opError(l.closedErr())
		}
		if len(l.queue) > 0 {
			fd := l.queue[0]
			l.queue = l.queue[1:]
			more := len(l.queue) > 0
			l.mu.Unlock()
			if more {
				select {
				case l.wake <- struct{}{}:
				default:
				}
			}
			c, err := l.r.NewConn(fd, l.network)
			if err != nil {
				return nil, l.opError(err)
			}
			return c, nil
		}
		if err := l.err; err != nil {
			l.err = nil
			l.mu.Unlock()
			return nil, l.opError(err)
		}
		rearm := !l.armed
		l.armed = true
		l.mu.Unlock()
		if rearm {
			if err := l.arm(); err != nil {
				return nil, l.opError(err)
			}
		}
		select {
		case <-l.wake:
		case <-l.closedCh:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

func (l *Listener) closedErr() error {
	if l.r.isClosing() {
		return ErrClosed
	}
	return net.ErrClosed
}

func (l *Listener) opError(err error) error { return l.opErrorOp("accept", err) }

func (l *Listener) opErrorOp(op string, err error) error {
	if err == errFileClosing {
		err = net.ErrClosed
	}
	return &net.OpError{Op: op, Net: l.network, Addr: l.addr, Err: err}
}

// markClosed stops Accept and closes the connections nobody accepted.
func (l *Listener) markClosed() {
	l.mu.Lock()
	l.isClosed = true
	q := l.queue
	l.queue = nil
	l.mu.Unlock()
	for _, fd := range q {
		unix.Close(fd)
	}
	l.once.Do(func() { close(l.closedCh) })
}

// Close stops listening: it cancels the multishot accept, closes the
// socket and the connections nobody accepted yet, and makes Accept return
// an error that wraps net.ErrClosed.
func (l *Listener) Close() error {
	l.markClosed()
	if err := l.fdr.close(); err != nil {
		return l.opErrorOp("close", err)
	}
	return nil
}

// Ring is the ring the listener's operations go through.
func (l *Listener) Ring() *Ring { return l.r }
