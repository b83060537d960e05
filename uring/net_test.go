//go:build linux && cgo

package uring

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/nettest"
	"golang.org/x/sys/unix"
)

// pipe returns both ends of a loopback TCP connection made with the ring:
// a Dial and an Accept.
func pipe(r *Ring, network string) (c1, c2 net.Conn, stop func(), err error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	addr := "127.0.0.1:0"
	if network == "unix" {
		addr = "@uring-test-" + fmt.Sprint(time.Now().UnixNano())
	}
	ln, err := r.Listen(ctx, network, addr)
	if err != nil {
		return nil, nil, nil, err
	}
	defer ln.Close()
	type res struct {
		c   net.Conn
		err error
	}
	ch := make(chan res, 1)
	go func() {
		c, err := ln.Accept()
		ch <- res{c, err}
	}()
	d, err := r.Dial(ctx, network, ln.Addr().String())
	if err != nil {
		return nil, nil, nil, err
	}
	a := <-ch
	if a.err != nil {
		d.Close()
		return nil, nil, nil, a.err
	}
	return d, a.c, func() { d.Close(); a.c.Close() }, nil
}

func TestNettestConn(t *testing.T) {
	r := newRing(t)
	for _, network := range []string{"tcp", "unix"} {
		t.Run(network, func(t *testing.T) {
			nettest.TestConn(t, func() (net.Conn, net.Conn, func(), error) { return pipe(r, network) })
		})
	}
}

// TestNettestConnMixed pairs a ring Conn with a net.Conn, both ways.
func TestNettestConnMixed(t *testing.T) {
	r := newRing(t)
	mp := func(ringDials bool) nettest.MakePipe {
		return func() (net.Conn, net.Conn, func(), error) {
			ctx := context.Background()
			if ringDials {
				ln, err := net.Listen("tcp", "127.0.0.1:0")
				if err != nil {
					return nil, nil, nil, err
				}
				defer ln.Close()
				c1, err := r.Dial(ctx, "tcp", ln.Addr().String())
				if err != nil {
					return nil, nil, nil, err
				}
				c2, err := ln.Accept()
				if err != nil {
					return nil, nil, nil, err
				}
				return c1, c2, func() { c1.Close(); c2.Close() }, nil
			}
			ln, err := r.Listen(ctx, "tcp", "127.0.0.1:0")
			if err != nil {
				return nil, nil, nil, err
			}
			defer ln.Close()
			c1, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				return nil, nil, nil, err
			}
			c2, err := ln.Accept()
			if err != nil {
				return nil, nil, nil, err
			}
			return c2, c1, func() { c1.Close(); c2.Close() }, nil
		}
	}
	t.Run("RingDials", func(t *testing.T) { nettest.TestConn(t, mp(true)) })
	t.Run("RingAccepts", func(t *testing.T) { nettest.TestConn(t, mp(false)) })
}

// TestListener checks what net.Listener promises, in the spirit of the
// standard library's listener tests.
func TestListener(t *testing.T) {
	r := newRing(t)
	ctx := testCtx(t)
	ln, err := r.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var _ net.Listener = ln
	addr, ok := ln.Addr().(*net.TCPAddr)
	if !ok || !addr.IP.IsLoopback() || addr.Port == 0 {
		t.Fatalf("Addr: %v", ln.Addr())
	}

	// Many clients, several concurrent Accept callers: every connection
	// is accepted exactly once, with the right addresses.
	const clients = 50
	accepted := make(chan net.Conn, clients)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				c, err := ln.Accept()
				if err != nil {
					if !errors.Is(err, net.ErrClosed) {
						t.Errorf("Accept: %v", err)
					}
					return
				}
				accepted <- c
			}
		}()
	}
	var dialed []net.Conn
	for i := range clients {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(c, "%03d", i)
		dialed = append(dialed, c)
	}
	seen := map[string]bool{}
	for range clients {
		c := <-accepted
		buf := make([]byte, 3)
		if _, err := io.ReadFull(c, buf); err != nil {
			t.Fatal(err)
		}
		if seen[string(buf)] {
			t.Errorf("connection %s accepted twice", buf)
		}
		seen[string(buf)] = true
		if c.LocalAddr().String() != ln.Addr().String() {
			t.Errorf("LocalAddr %v, want %v", c.LocalAddr(), ln.Addr())
		}
		c.Close()
	}
	for _, c := range dialed {
		c.Close()
	}

	// Close wakes the Accept callers with net.ErrClosed; later Accepts
	// fail too; a second Close fails.
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if _, err := ln.Accept(); !errors.Is(err, net.ErrClosed) {
		t.Errorf("Accept after Close: %v", err)
	}
	if err := ln.Close(); err == nil {
		t.Error("second Close succeeded")
	}
	if c, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second); err == nil {
		c.Close()
		t.Error("dial after Close succeeded")
	}

	// AcceptContext ends with its context.
	ln2, err := r.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln2.Close()
	cctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if _, err := ln2.AcceptContext(cctx); err != context.DeadlineExceeded {
		t.Errorf("AcceptContext: %v", err)
	}
}

// TestListenerBacklog: connections made while nobody accepts wait in the
// queue; Close closes the ones never accepted.
func TestListenerBacklog(t *testing.T) {
	r := newRing(t)
	before := openFds(t)
	ln, err := r.Listen(testCtx(t), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var cs []net.Conn
	for range 5 {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		cs = append(cs, c)
	}
	c, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	if !eventually(5*time.Second, func() bool {
		ln.mu.Lock()
		defer ln.mu.Unlock()
		return len(ln.queue) == 4
	}) {
		t.Fatal("the other connections did not reach the queue")
	}
	ln.Close()
	for _, c := range cs {
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, err := c.Read(make([]byte, 1)); err == nil {
			t.Error("read from a connection never accepted succeeded")
		}
		c.Close()
	}
	if after := openFds(t); after != before {
		t.Errorf("fds: %d before, %d after", before, after)
	}
}

func TestConnOps(t *testing.T) {
	r := newRing(t)
	ctx := testCtx(t)
	c1, c2, stop, err := pipe(r, "tcp")
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	a, b := c1.(*Conn), c2.(*Conn)
	if err := a.SetsockoptInt(ctx, unix.SOL_SOCKET, unix.SO_KEEPALIVE, 1); err != nil {
		t.Fatal(err)
	}
	if v, err := unix.GetsockoptInt(a.Fd(), unix.SOL_SOCKET, unix.SO_KEEPALIVE); err != nil || v != 1 {
		t.Fatalf("SO_KEEPALIVE: %d, %v", v, err)
	}
	if err := a.SetsockoptInt(ctx, unix.SOL_SOCKET, 12345, 1); err == nil {
		t.Error("an unknown option was accepted")
	}
	big := bytes.Repeat([]byte("x"), 4<<20)
	done := make(chan error, 1)
	go func() {
		_, err := a.SendAll(ctx, big)
		if err == nil {
			err = a.CloseWrite()
		}
		done <- err
	}()
	got, err := io.ReadAll(b)
	if err != nil || !bytes.Equal(got, big) {
		t.Fatalf("ReadAll: %d bytes, %v", len(got), err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n, err := a.SendContext(ctx, []byte("ping"), 0); n != 0 || !errors.Is(err, unix.EPIPE) {
		// The writing side is shut down.
		t.Errorf("send after CloseWrite: %d, %v", n, err)
	}
	if _, err := b.Write([]byte("pong")); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4)
	if n, err := a.RecvContext(ctx, buf, unix.MSG_WAITALL); n != 4 || err != nil || string(buf) != "pong" {
		t.Fatalf("RecvContext: %d %q %v", n, buf, err)
	}
	if err := b.Shutdown(ctx, unix.SHUT_RDWR); err != nil {
		t.Fatal(err)
	}
	if n, err := a.Read(buf); n != 0 || err != io.EOF {
		t.Fatalf("read after the peer's shutdown: %d, %v", n, err)
	}
	a.Close()
	if _, err := a.Write([]byte("x")); !errors.Is(err, net.ErrClosed) {
		t.Errorf("Write after Close: %v", err)
	}
	if err := a.SetDeadline(time.Now()); !errors.Is(err, net.ErrClosed) {
		t.Errorf("SetDeadline after Close: %v", err)
	}
}

func TestConnReadDeadline(t *testing.T) {
	r := newRing(t)
	c1, c2, stop, err := pipe(r, "tcp")
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	c1.SetReadDeadline(time.Now().Add(30 * time.Millisecond))
	start := time.Now()
	_, err = c1.Read(make([]byte, 10))
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("Read: %v", err)
	}
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("not a timeout: %v", err)
	}
	if d := time.Since(start); d < 25*time.Millisecond {
		t.Errorf("timed out after %v", d)
	}
	// Extending the deadline of a pending read keeps it going.
	c1.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	go func() {
		time.Sleep(5 * time.Millisecond)
		c1.SetReadDeadline(time.Now().Add(time.Minute))
		time.Sleep(400 * time.Millisecond)
		c2.Write([]byte("late"))
	}()
	buf := make([]byte, 10)
	n, err := c1.Read(buf)
	if err != nil || string(buf[:n]) != "late" {
		t.Fatalf("read with a moved deadline: %q, %v", buf[:n], err)
	}
}

func TestDialErrors(t *testing.T) {
	r := newRing(t)
	ctx := testCtx(t)
	// A port nobody listens on.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	if _, err := r.Dial(ctx, "tcp", addr); !errors.Is(err, unix.ECONNREFUSED) {
		t.Errorf("Dial refused: %v", err)
	}
	if _, err := r.Dial(ctx, "udp", addr); err == nil {
		t.Error("udp dial succeeded")
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := r.Dial(cctx, "tcp", addr); err != context.Canceled {
		t.Errorf("Dial cancelled: %v", err)
	}
	c, err := r.Dial(ctx, "tcp4", "localhost:"+fmt.Sprint(mustListen(t, r).Addr().(*net.TCPAddr).Port))
	if err != nil {
		t.Fatalf("Dial localhost: %v", err)
	}
	c.Close()
}

func mustListen(t *testing.T, r *Ring) *Listener {
	ln, err := r.Listen(testCtx(t), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	return ln
}

func TestHTTPServer(t *testing.T) {
	r := newRing(t)
	ln := mustListen(t, r)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		io.Copy(io.Discard, req.Body)
		fmt.Fprintf(w, "hello %s", req.URL.Path[1:])
	})}
	go srv.Serve(ln)
	defer srv.Close()
	client := &http.Client{Timeout: 30 * time.Second}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 20 {
				body := bytes.NewReader(bytes.Repeat([]byte("b"), j*100))
				resp, err := client.Post(fmt.Sprintf("http://%s/%d-%d", ln.Addr(), i, j), "text/plain", body)
				if err != nil {
					t.Error(err)
					return
				}
				b, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if want := fmt.Sprintf("hello %d-%d", i, j); err != nil || string(b) != want {
					t.Errorf("got %q, %v; want %q", b, err, want)
				}
			}
		}()
	}
	wg.Wait()
}
