//go:build linux && cgo

package liburing

import (
	"errors"
	"runtime"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// intrWait runs wait on a locked OS thread while SIGURG, the signal the Go
// runtime preempts goroutines with, hits that thread every millisecond, and
// after delay calls fire (which should end the wait). It returns wait's
// error and how long it took.
func intrWait(t *testing.T, delay time.Duration, fire func(), wait func() error) (error, time.Duration) {
	t.Helper()
	tids := make(chan int)
	done := make(chan error)
	var took time.Duration
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		tids <- unix.Gettid()
		start := time.Now()
		err := wait()
		took = time.Since(start)
		done <- err
	}()
	tid := <-tids
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	fired := time.After(delay)
	signals := 0
	for {
		select {
		case err := <-done:
			if signals < 10 {
				t.Logf("only %d signals were sent during the wait", signals)
			}
			return err, took
		case <-fired:
			if fire != nil {
				fire()
			}
		case <-tick.C:
			unix.Tgkill(unix.Getpid(), tid, unix.SIGURG)
			signals++
		case <-time.After(10 * time.Second):
			t.Fatal("the wait never ended")
		}
	}
}

// TestIntrRetried: the Go runtime's signals do not end the waits that have
// no signal mask: they go on until their completion or their timeout, and
// only a wait given a sigmask reports EINTR.
func TestIntrRetried(t *testing.T) {
	ring := newRing(t, 4, 0)
	rfd, wfd := testPipe(t)
	buf, err := AllocBuffer(8)
	if err != nil {
		t.Fatal(err)
	}
	defer FreeBuffer(buf)
	armRead := func() {
		sqe := GetSQE(ring)
		PrepRead(sqe, rfd, unsafe.Pointer(&buf[0]), 8, 0)
		SQESetData64(sqe, 9)
		if _, err := Submit(ring); err != nil {
			t.Fatal(err)
		}
	}
	write := func() { unix.Write(wfd, []byte("x")) }
	reap := func(what string, cqe *CQE, err error) {
		t.Helper()
		if err != nil || cqe == nil || cqe.UserData != 9 || cqe.Res != 1 {
			t.Fatalf("%s = %v, %v; want the read's CQE", what, cqe, err)
		}
		CQESeen(ring, cqe)
	}

	armRead()
	var cqe *CQE
	err, _ = intrWait(t, 50*time.Millisecond, write, func() (err error) { cqe, err = WaitCQE(ring); return })
	reap("WaitCQE", cqe, err)

	armRead()
	err, _ = intrWait(t, 50*time.Millisecond, write, func() (err error) { cqe, err = WaitCQENr(ring, 1); return })
	reap("WaitCQENr", cqe, err)

	armRead()
	err, _ = intrWait(t, 50*time.Millisecond, write, func() error { _, err := SubmitAndWait(ring, 1); return err })
	if err != nil {
		t.Fatalf("SubmitAndWait = %v", err)
	}
	cqe, err = PeekCQE(ring)
	reap("SubmitAndWait", cqe, err)

	const timeout = 150 * time.Millisecond
	ts := &KernelTimespec{Nsec: int64(timeout)}
	for name, wait := range map[string]func() error{
		"WaitCQETimeout": func() error { _, err := WaitCQETimeout(ring, ts); return err },
		"WaitCQEs":       func() error { _, err := WaitCQEs(ring, 1, ts, nil); return err },
		"SubmitAndWaitTimeout": func() error {
			_, _, err := SubmitAndWaitTimeout(ring, 1, ts, nil)
			return err
		},
	} {
		err, took := intrWait(t, time.Hour, nil, wait)
		if !errors.Is(err, unix.ETIME) || took < timeout-10*time.Millisecond || took > timeout+time.Second {
			t.Errorf("%s(%v) on an empty ring = %v after %v; want ETIME after the timeout", name, timeout, err, took)
		}
	}

	var none unix.Sigset_t // a mask that lets every signal end the wait
	err, took := intrWait(t, time.Hour, nil, func() error { _, err := WaitCQEs(ring, 1, &KernelTimespec{Sec: 5}, &none); return err })
	if !errors.Is(err, unix.EINTR) || took > 4*time.Second {
		t.Errorf("WaitCQEs with a sigmask = %v after %v; want EINTR from the first signal", err, took)
	}
}
