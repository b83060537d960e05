//go:build linux && cgo

package uring

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

func TestSleep(t *testing.T) {
	r := newRing(t)
	start := time.Now()
	if err := r.Sleep(context.Background(), 20*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 20*time.Millisecond {
		t.Errorf("slept %v", d)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if err := r.Sleep(ctx, time.Hour); err != context.DeadlineExceeded {
		t.Errorf("Sleep past the deadline: %v", err)
	}
	ctx2, cancel2 := context.WithCancel(context.Background())
	time.AfterFunc(10*time.Millisecond, cancel2)
	if err := r.Sleep(ctx2, time.Hour); err != context.Canceled {
		t.Errorf("Sleep cancelled: %v", err)
	}
	if err := r.Sleep(context.Background(), 0); err != nil {
		t.Errorf("Sleep(0): %v", err)
	}
	// Many sleepers share the ring without a thread each.
	var wg sync.WaitGroup
	for range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := r.Sleep(context.Background(), 30*time.Millisecond); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
}

func TestTimer(t *testing.T) {
	r := newRing(t)
	tm, err := r.NewTimer(10 * time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-tm.C:
	case <-time.After(30 * time.Second):
		t.Fatal("timer did not fire")
	}
	if tm.Stop() {
		t.Error("Stop after firing reported true")
	}
	tm.Reset(time.Hour)
	if !tm.Stop() {
		t.Error("Stop of an armed timer reported false")
	}
	if tm.Stop() {
		t.Error("second Stop reported true")
	}
	if tm.Reset(5 * time.Millisecond) {
		t.Error("Reset of a stopped timer reported true")
	}
	<-tm.C
	c, err := r.After(time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	<-c
	fired := make(chan struct{})
	if _, err := r.AfterFunc(time.Millisecond, func() { close(fired) }); err != nil {
		t.Fatal(err)
	}
	<-fired
	// A timer that Stop stopped never fires. (On a loaded machine the
	// 20 ms may pass before Stop; Stop then reports false.)
	tm2, err := r.NewTimer(20 * time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if tm2.Stop() {
		select {
		case <-tm2.C:
			t.Error("stopped timer fired")
		case <-time.After(60 * time.Millisecond):
		}
	} else {
		t.Log("the timer fired before Stop")
	}
}

// TestPackageLevel runs the package-level functions on the default ring.
func TestPackageLevel(t *testing.T) {
	ctx := testCtx(t)
	dir := t.TempDir()
	p := filepath.Join(dir, "x")
	if err := WriteFile(ctx, p, []byte("data"), 0o600); err != nil {
		t.Fatal(err)
	}
	if b, err := ReadFile(ctx, p); err != nil || string(b) != "data" {
		t.Fatalf("ReadFile: %q %v", b, err)
	}
	f, err := Open(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	f, err = Create(ctx, filepath.Join(dir, "y"))
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	f, err = OpenFile(ctx, filepath.Join(dir, "z"), os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := Mkdir(ctx, filepath.Join(dir, "d"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := Rename(ctx, filepath.Join(dir, "d"), filepath.Join(dir, "e")); err != nil {
		t.Fatal(err)
	}
	if ok, err := Exists(ctx, filepath.Join(dir, "e")); !ok || err != nil {
		t.Fatalf("Exists: %v %v", ok, err)
	}
	if fi, err := Stat(ctx, p); err != nil || fi.Size() != 4 {
		t.Fatalf("Stat: %v %v", fi, err)
	}
	if err := Remove(ctx, filepath.Join(dir, "e")); err != nil {
		t.Fatal(err)
	}
	fsys, err := DirFS(dir)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := fsys.ReadFile("x"); err != nil || string(b) != "data" {
		t.Fatalf("FS.ReadFile: %q %v", b, err)
	}
	if err := Sleep(ctx, time.Millisecond); err != nil {
		t.Fatal(err)
	}
	tm, err := NewTimer(time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	<-tm.C
	c, err := After(time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	<-c
	ln, err := Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	// The server's connection is closed before the test returns, so that a
	// later test that counts descriptors does not see it go.
	served := make(chan struct{})
	t.Cleanup(func() { <-served })
	defer ln.Close()
	go func() {
		defer close(served)
		c, err := ln.Accept()
		if err == nil {
			io.Copy(c, c)
			c.Close()
		}
	}()
	conn, err := Dial(ctx, "tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.Write([]byte("echo"))
	buf := make([]byte, 4)
	if _, err := io.ReadFull(conn, buf); err != nil || string(buf) != "echo" {
		t.Fatalf("echo: %q %v", buf, err)
	}
	if r, _ := Default(); !r.Supports(0) {
		t.Error("NOP not supported")
	}
}

// TestRingClose: Close cancels what is in flight (a blocked read, a
// pending accept, a sleep, a timer), closes what the ring opened, and
// leaves no goroutine and no fd behind; afterwards every call fails with
// ErrClosed.
func TestRingClose(t *testing.T) {
	runtime.GC()
	fdsBefore := openFds(t)
	goBefore := runtime.NumGoroutine()
	r, err := New(&Options{Entries: 64})
	if err != nil {
		t.Fatal(err)
	}
	ctx := testCtx(t)
	ln, err := r.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c1, err := r.Dial(ctx, "tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	c2, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	f, err := r.Create(ctx, filepath.Join(t.TempDir(), "f"))
	if err != nil {
		t.Fatal(err)
	}
	tm, err := r.NewTimer(time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 4)
	go func() { _, err := c1.Read(make([]byte, 10)); errs <- err }()
	go func() { _, err := ln.Accept(); errs <- err }()
	go func() { errs <- r.Sleep(context.Background(), time.Hour) }()
	go func() {
		// A write that blocks: nobody reads c2.
		_, err := c1.Write(make([]byte, 64<<20))
		errs <- err
	}()
	time.Sleep(50 * time.Millisecond)
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	for range 4 {
		select {
		case err := <-errs:
			if !errors.Is(err, ErrClosed) || !errors.Is(err, net.ErrClosed) {
				t.Errorf("call interrupted by Close: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("a call did not return after Close")
		}
	}
	select {
	case <-tm.C:
		t.Error("timer fired after Close")
	default:
	}
	if err := r.Close(); err != ErrClosed {
		t.Errorf("second Close: %v", err)
	}
	checks := map[string]error{
		"Sleep":    r.Sleep(ctx, time.Millisecond),
		"Open":     second(r.Open(ctx, "/")),
		"Stat":     second(r.Stat(ctx, "/")),
		"Mkdir":    r.Mkdir(ctx, "/tmp/x", 0),
		"Remove":   r.Remove(ctx, "/tmp/nonexistent-uring"),
		"Rename":   r.Rename(ctx, "/a", "/b"),
		"Dial":     second(r.Dial(ctx, "tcp", "127.0.0.1:1")),
		"Listen":   second(r.Listen(ctx, "tcp", "127.0.0.1:0")),
		"Timer":    second(r.NewTimer(time.Second)),
		"Read":     second(c1.Read(make([]byte, 1))),
		"Write":    second(c2.Write([]byte("x"))),
		"Accept":   second(ln.Accept()),
		"FileRead": second(f.Read(make([]byte, 1))),
		"FileSync": f.Sync(),
		"Close":    f.Close(),
	}
	for name, err := range checks {
		if !errors.Is(err, ErrClosed) {
			t.Errorf("%s after Close: %v", name, err)
		}
	}
	if !eventually(10*time.Second, func() bool { return runtime.NumGoroutine() <= goBefore }) {
		buf := make([]byte, 1<<20)
		t.Errorf("goroutines: %d before, %d after\n%s", goBefore, runtime.NumGoroutine(), buf[:runtime.Stack(buf, true)])
	}
	if after := openFds(t); after != fdsBefore {
		t.Errorf("fds: %d before, %d after", fdsBefore, after)
	}
}

func second[T any](_ T, err error) error { return err }

// TestCancelRacesCompletion cancels operations at every moment relative to
// their completion, many times: each call either succeeds with the right
// data or returns ctx.Err(), and its buffer is never written after it
// returned (the race detector and the checks below would see it).
func TestCancelRacesCompletion(t *testing.T) {
	r := newRing(t)
	ctx := testCtx(t)
	path := filepath.Join(t.TempDir(), "data")
	content := bytes.Repeat([]byte("0123456789"), 420)
	os.WriteFile(path, content, 0o600)
	f, err := r.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c1, c2, stop, err := pipe(r, "tcp")
	if err != nil {
		t.Fatal(err)
	}
	defer stop()

	var ok, cancelled atomic.Int64
	var wg sync.WaitGroup
	const rounds = 400
	// Files: reads that complete at once, cancelled at random moments.
	wg.Add(1)
	go func() {
		defer wg.Done()
		buf := make([]byte, 4096)
		for i := range rounds {
			cctx, cancel := context.WithCancel(ctx)
			if i%2 == 0 {
				go cancel()
			} else {
				time.AfterFunc(time.Duration(i%7)*time.Microsecond, cancel)
			}
			n, err := f.ReadAtContext(cctx, buf, int64(i%10))
			switch {
			case err == nil && n == 4096 && bytes.Equal(buf, content[i%10:i%10+4096]):
				ok.Add(1)
			case err == context.Canceled:
				cancelled.Add(1)
			default:
				t.Errorf("file read: %d, %v", n, err)
				return
			}
			clear(buf) // the kernel must be done with buf
			cancel()
		}
	}()
	// Sockets: a receive racing the peer's send and the cancel.
	wg.Add(1)
	go func() {
		defer wg.Done()
		rc := c2.(*Conn)
		buf := make([]byte, 8)
		var want uint64
		for i := range rounds {
			cctx, cancel := context.WithCancel(ctx)
			go func() {
				fmt.Fprintf(c1, "%08d", i)
			}()
			time.AfterFunc(time.Duration(i%50)*time.Microsecond, cancel)
			got := 0
			for got < 8 {
				n, err := rc.RecvContext(cctx, buf[got:], 0)
				got += n
				if err == context.Canceled {
					cancelled.Add(1)
					cctx = ctx // keep the stream in step
					continue
				}
				if err != nil {
					t.Errorf("recv: %v", err)
					return
				}
			}
			if string(buf) != fmt.Sprintf("%08d", want) {
				t.Errorf("recv %q, want %08d: data lost or reordered", buf, want)
				return
			}
			want++
			ok.Add(1)
			clear(buf)
			cancel()
		}
	}()
	// Sleeps cancelled around their expiry.
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range rounds {
			cctx, cancel := context.WithCancel(ctx)
			time.AfterFunc(time.Duration(i%20)*time.Microsecond, cancel)
			switch err := r.Sleep(cctx, time.Duration(i%20)*time.Microsecond+time.Microsecond); err {
			case nil:
				ok.Add(1)
			case context.Canceled:
				cancelled.Add(1)
			default:
				t.Errorf("sleep: %v", err)
				return
			}
			cancel()
		}
	}()
	wg.Wait()
	t.Logf("%d completed, %d cancelled", ok.Load(), cancelled.Load())
}

// TestStress: 1,000 goroutines mix file and socket operations on one ring.
func TestStress(t *testing.T) {
	r := newRing(t)
	ctx := testCtx(t)
	dir := t.TempDir()
	ln, err := r.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				io.Copy(c, c)
			}()
		}
	}()
	threadsBefore := osThreads(t)
	const workers = 1000
	var wg sync.WaitGroup
	var ops atomic.Int64
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			switch w % 4 {
			case 0, 1: // a file: write, sync, read back, stat, remove
				p := filepath.Join(dir, fmt.Sprintf("f%d", w))
				data := bytes.Repeat([]byte{byte(w)}, 1000+w)
				f, err := r.OpenFile(ctx, p, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o600)
				if err != nil {
					t.Error(err)
					return
				}
				defer f.Close()
				if _, err := f.WriteAtContext(ctx, data, 0); err != nil {
					t.Error(err)
					return
				}
				if w%16 == 0 {
					if err := f.SyncContext(ctx); err != nil {
						t.Error(err)
					}
				}
				got := make([]byte, len(data))
				if _, err := f.ReadAtContext(ctx, got, 0); err != nil || !bytes.Equal(got, data) {
					t.Errorf("read back: %v", err)
				}
				if fi, err := f.StatContext(ctx); err != nil || fi.Size() != int64(len(data)) {
					t.Errorf("stat: %v %v", fi, err)
				}
				if err := r.Remove(ctx, p); err != nil {
					t.Error(err)
				}
				ops.Add(6)
			case 2: // a connection: echo round trips
				c, err := r.Dial(ctx, "tcp", ln.Addr().String())
				if err != nil {
					t.Error(err)
					return
				}
				defer c.Close()
				msg := []byte(fmt.Sprintf("worker %d says hello", w))
				buf := make([]byte, len(msg))
				for range 5 {
					if _, err := c.Write(msg); err != nil {
						t.Error(err)
						return
					}
					if _, err := io.ReadFull(c, buf); err != nil || !bytes.Equal(buf, msg) {
						t.Errorf("echo: %q %v", buf, err)
						return
					}
				}
				ops.Add(12)
			case 3: // sleeps and stats
				for range 3 {
					if err := r.Sleep(ctx, time.Millisecond); err != nil {
						t.Error(err)
					}
					if _, err := r.Stat(ctx, dir); err != nil {
						t.Error(err)
					}
				}
				ops.Add(6)
			}
		}()
	}
	wg.Wait()
	threadsAfter := osThreads(t)
	t.Logf("%d operations; OS threads %d before, %d after", ops.Load(), threadsBefore, threadsAfter)
	// Waiting goroutines park; they do not hold threads. The bound is
	// loose (the runtime, io-wq workers), far below one per goroutine.
	if threadsAfter > threadsBefore+100 {
		t.Errorf("OS threads grew from %d to %d for %d goroutines", threadsBefore, threadsAfter, workers)
	}
}

// TestAllocs: an operation costs few allocations (slots, waiters and
// batches are reused).
func TestAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	r := newRing(t)
	path := filepath.Join(t.TempDir(), "data")
	os.WriteFile(path, make([]byte, 8192), 0o600)
	f, err := r.Open(testCtx(t), path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 4096)
	allocs := testing.AllocsPerRun(200, func() {
		if _, err := f.ReadAt(buf, 4096); err != nil {
			t.Fatal(err)
		}
	})
	t.Logf("%.1f allocations per ReadAt", allocs)
	if allocs > 1 {
		t.Errorf("%.1f allocations per ReadAt", allocs)
	}
}

// TestEINTR: Go's preemption signals hit the submitter and the reaper all
// the time; operations go on. Here a signal storm runs during I/O.
func TestEINTR(t *testing.T) {
	r := newRing(t)
	ctx := testCtx(t)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
				unix.Kill(os.Getpid(), unix.SIGURG) // what the runtime preempts with
				time.Sleep(50 * time.Microsecond)
			}
		}
	}()
	for i := range 200 {
		// Each sleep lasts its whole time although signals keep coming:
		// an interrupted submit or wait must not end it early.
		start := time.Now()
		if err := r.Sleep(ctx, 100*time.Microsecond); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d < 100*time.Microsecond {
			t.Fatalf("sleep %d of 100µs returned after %v", i, d)
		}
	}
	close(stop)
	wg.Wait()
}
