//go:build linux && cgo

package uring

import (
	"context"
	"errors"
	"io/fs"
	"net"
	"sync"
	"sync/atomic"

	"github.com/liburing-go/liburing"
	"golang.org/x/sys/unix"
)

var (
	errNetClosed   = net.ErrClosed
	errFileClosing = errors.New("uring: file is closing")
	errTooManyOps  = errors.New("uring: too many operations in flight")
)

// fdRef guards a file descriptor that operations use: an operation enters
// it before reaching the kernel and leaves it after its completion, so Close
// can cancel what is in flight, wait for it, and only then close the fd
// (which the kernel could otherwise hand to a new file while an operation
// still names it).
type fdRef struct {
	r        *Ring
	fd       int
	closing  bool // under r.mu
	isClosed atomic.Bool
	inflight atomic.Int32
	idle     chan struct{}
	idleOnce sync.Once
	onClose  func() // run when the ring closes (wakes Accept callers)
}

func (r *Ring) newFdRef(fd int, onClose func()) (*fdRef, error) {
	// onClose is set before the ref is published: closeAll reads it.
	f := &fdRef{r: r, fd: fd, idle: make(chan struct{}), onClose: onClose}
	if !r.fds.add(f) {
		unix.Close(fd)
		return nil, ErrClosed
	}
	return f, nil
}

// enterLocked counts one more operation on the fd unless it is closing.
func (f *fdRef) enterLocked() bool {
	if f.closing {
		return false
	}
	f.inflight.Add(1)
	return true
}

// enter counts one more user of the fd outside the ring (a syscall on it)
// unless it is closing; done ends it.
func (f *fdRef) enter() bool {
	f.r.mu.Lock()
	defer f.r.mu.Unlock()
	return !f.r.closed && f.enterLocked()
}

// done counts one operation less.
func (f *fdRef) done() {
	if f.inflight.Add(-1) == 0 && f.isClosed.Load() {
		f.idleOnce.Do(func() { close(f.idle) })
	}
}

// closed reports whether Close began.
func (f *fdRef) closed() bool { return f.isClosed.Load() }

// close cancels the operations in flight on the fd, waits until the kernel
// finished them, and closes the fd with IORING_OP_CLOSE. It returns
// errFileClosing when the fd was closed before and ErrClosed when the ring
// closed it.
func (f *fdRef) close() error {
	r := f.r
	r.mu.Lock()
	if f.closing {
		r.mu.Unlock()
		return errFileClosing
	}
	f.closing = true
	f.isClosed.Store(true)
	if r.closed {
		r.mu.Unlock()
		return ErrClosed
	}
	r.reserveLocked(1)
	r.addLocked(liburing.IORING_OP_ASYNC_CANCEL, f.fd, nil, 0, 0, liburing.IORING_ASYNC_CANCEL_FD|liburing.IORING_ASYNC_CANCEL_ALL, udIgnore, 0)
	r.kickLocked()
	if f.inflight.Load() == 0 {
		f.idleOnce.Do(func() { close(f.idle) })
	}
	<-f.idle
	if !r.fds.remove(f) {
		return nil // the ring closed it
	}
	o, err := r.get()
	if err != nil {
		return unix.Close(f.fd)
	}
	defer r.put(o)
	o.rw(liburing.IORING_OP_CLOSE, f.fd, nil, 0, 0, 0)
	if err := r.start(o); err != nil {
		return unix.Close(f.fd)
	}
	<-o.done
	if o.res < 0 {
		return errnoErr(o.res)
	}
	return nil
}

// fdSet is the set of fds opened through a ring, which Close closes.
type fdSet struct {
	mu     sync.Mutex
	m      map[*fdRef]struct{}
	closed bool
}

func (s *fdSet) add(f *fdRef) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	if s.m == nil {
		s.m = make(map[*fdRef]struct{})
	}
	s.m[f] = struct{}{}
	return true
}

func (s *fdSet) remove(f *fdRef) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.m[f]
	delete(s.m, f)
	return ok
}

// closeAll marks every fd closed (the ring is closing) and runs their
// onClose hooks.
func (s *fdSet) closeAll() {
	s.mu.Lock()
	s.closed = true
	var hooks []func()
	for f := range s.m {
		f.isClosed.Store(true)
		if f.onClose != nil {
			hooks = append(hooks, f.onClose)
		}
	}
	s.mu.Unlock()
	for _, h := range hooks {
		h()
	}
}

// release closes the fds still open, once no operation uses them.
func (s *fdSet) release() {
	s.mu.Lock()
	m := s.m
	s.m = nil
	s.mu.Unlock()
	for f := range m {
		unix.Close(f.fd)
	}
}

// errnoErr turns a negative CQE result into a unix.Errno.
func errnoErr(res int32) error {
	if res >= 0 {
		return nil
	}
	return unix.Errno(-res)
}

// pathError wraps err as os does for calls on a path; the errors of an
// ended context stay bare, so that a cancelled call returns ctx.Err().
func pathError(op, path string, err error) error {
	if isCtxErr(err) {
		return err
	}
	return &fs.PathError{Op: op, Path: path, Err: err}
}

// isCtxErr reports whether err is, or wraps, a context's error.
func isCtxErr(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
