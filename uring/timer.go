//go:build linux && cgo

package uring

import (
	"context"
	"sync"
	"time"
	"unsafe"

	"github.com/liburing-go/liburing"
	"golang.org/x/sys/unix"
)

// Sleep waits d with an io_uring timeout (IORING_OP_TIMEOUT). It returns
// ctx.Err() when ctx ends first (context.DeadlineExceeded when ctx's
// deadline comes before d is over).
func (r *Ring) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	deadlineFirst := false
	if dl, ok := ctx.Deadline(); ok {
		if left := time.Until(dl); left < d {
			d, deadlineFirst = left, true
		}
	}
	if d <= 0 {
		if deadlineFirst {
			return context.DeadlineExceeded
		}
		return nil
	}
	o, err := r.get()
	if err != nil {
		return err
	}
	defer r.put(o)
	o.setTimeout(d)
	o.rw(liburing.IORING_OP_TIMEOUT, -1, unsafe.Pointer(o.ts()), 0, 0, 0)
	res, ended, err := r.run(ctx, o, time.Time{})
	switch {
	case err != nil:
		return err
	case ended:
		return ctx.Err()
	case res == -int32(unix.ETIME) || res >= 0:
		if deadlineFirst {
			return context.DeadlineExceeded
		}
		return nil
	case r.isClosing():
		return ErrClosed
	}
	return unix.Errno(-res)
}

// Timer is time.Timer on io_uring timeouts: when it fires, the current
// time is sent on C (or f runs in its own goroutine, for AfterFunc). The
// kernel keeps the time; no goroutine waits for it.
type Timer struct {
	C <-chan time.Time

	r  *Ring
	c  chan time.Time
	f  func()
	mu sync.Mutex
	o  *op // the armed timeout, nil when stopped or fired
}

// NewTimer returns a Timer that fires after d.
func (r *Ring) NewTimer(d time.Duration) (*Timer, error) {
	c := make(chan time.Time, 1)
	t := &Timer{C: c, r: r, c: c}
	if err := t.arm(d); err != nil {
		return nil, err
	}
	return t, nil
}

// AfterFunc runs f in its own goroutine after d.
func (r *Ring) AfterFunc(d time.Duration, f func()) (*Timer, error) {
	t := &Timer{r: r, f: f}
	if err := t.arm(d); err != nil {
		return nil, err
	}
	return t, nil
}

// After returns a channel that receives the time after d.
func (r *Ring) After(d time.Duration) (<-chan time.Time, error) {
	t, err := r.NewTimer(d)
	if err != nil {
		return nil, err
	}
	return t.C, nil
}

func (t *Timer) arm(d time.Duration) error {
	o, err := t.r.get()
	if err != nil {
		return err
	}
	o.setTimeout(d)
	o.rw(liburing.IORING_OP_TIMEOUT, -1, unsafe.Pointer(o.ts()), 0, 0, 0)
	o.handler, o.ctx = timerFired, t
	t.mu.Lock()
	t.o = o
	t.mu.Unlock()
	if err := t.r.start(o); err != nil {
		t.mu.Lock()
		t.o = nil
		t.mu.Unlock()
		t.r.put(o)
		return err
	}
	return nil
}

// timerFired runs on the reaper when a timer's timeout completes.
func timerFired(o *op, res int32, _ uint32) bool {
	t := o.ctx.(*Timer)
	t.mu.Lock()
	fire := t.o == o && res == -int32(unix.ETIME)
	if t.o == o {
		t.o = nil
	}
	t.mu.Unlock()
	if fire {
		if t.f != nil {
			go t.f()
		} else {
			select {
			case t.c <- time.Now():
			default:
			}
		}
	}
	return true
}

// Stop stops the timer; it reports whether the call stopped it before it
// fired.
func (t *Timer) Stop() bool {
	t.mu.Lock()
	o := t.o
	t.o = nil
	var ud uint64
	if o != nil {
		ud = o.userData()
	}
	t.mu.Unlock()
	if o == nil {
		return false
	}
	t.r.cancelUserData(ud)
	return true
}

// Reset makes the timer fire after d, stopping it first; it reports
// whether the timer was active. A failure to rearm (the ring closed) leaves
// the timer stopped.
func (t *Timer) Reset(d time.Duration) bool {
	active := t.Stop()
	t.arm(d)
	return active
}
