//go:build linux && cgo

package uring

import (
	"context"
	"time"

	"golang.org/x/sys/unix"
)

// run submits o, with a linked timeout at dl unless dl is zero, and waits
// for its completion. When ctx ends first it cancels o in the kernel and
// still waits for the completion, so the kernel is done with o's memory
// when run returns. err is set only when o never reached the kernel.
func (r *Ring) run(ctx context.Context, o *op, dl time.Time) (res int32, ctxEnded bool, err error) {
	if !dl.IsZero() {
		o.link = true
		o.setTimeout(time.Until(dl))
	}
	if err := r.start(o); err != nil {
		return 0, false, err
	}
	res, ended := r.await(ctx, o)
	return res, ended, nil
}

// do runs o under ctx (its deadline becomes a linked timeout) and returns
// the result or the error a caller reports: ctx.Err() when ctx ended or its
// deadline cancelled o, ErrClosed when the ring closed, errFileClosing when
// o's file is closing, else the errno.
func (r *Ring) do(ctx context.Context, o *op) (int32, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	dl, hasDL := ctx.Deadline()
	if hasDL && !time.Now().Before(dl) {
		return 0, context.DeadlineExceeded
	}
	f := o.fdr
	res, ended, err := r.run(ctx, o, dl)
	if err != nil {
		return 0, err
	}
	if res >= 0 {
		return res, nil
	}
	if ended {
		return 0, ctx.Err()
	}
	if cancelled(res) {
		switch {
		case r.isClosing():
			return 0, ErrClosed
		case f != nil && f.closed():
			return 0, errFileClosing
		case hasDL && !time.Now().Before(dl):
			return 0, context.DeadlineExceeded
		}
	}
	return 0, unix.Errno(-res)
}

// cancelled reports whether res is what a cancelled operation completes
// with.
func cancelled(res int32) bool {
	return res == -int32(unix.ECANCELED) || res == -int32(unix.EINTR)
}

// simple runs a prepared operation without a file and returns its result.
func (r *Ring) simple(ctx context.Context, o *op) (int32, error) {
	defer r.put(o)
	return r.do(ctx, o)
}
