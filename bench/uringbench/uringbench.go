//go:build linux && cgo

// Package uringbench measures the goroutine layer (package uring) against
// the standard library: an HTTP hello server under wrk (net/http on an
// io_uring Listener vs on net.Listen), a raw TCP echo (io_uring Conns at
// both ends vs net.Conns), and 64 goroutines doing 4 KiB random reads
// (uring File.ReadAt vs os.File.ReadAt), with the OS threads each uses.
// cmd/uringreport runs every measurement in a child process of its own, so
// that thread counts do not carry over from one contender to the next.
package uringbench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/liburing-go/liburing/uring"
	"golang.org/x/sys/unix"
)

// Contenders.
const (
	Uring = "uring"
	Std   = "std"
)

// Result is one measurement.
type Result struct {
	Contender string  `json:"contender"`
	Ops       float64 `json:"ops"`  // operations (requests, round trips, reads) per second
	MBps      float64 `json:"mbps"` // payload MB/s, where it means something
	P50us     float64 `json:"p50_us"`
	P99us     float64 `json:"p99_us"`
	Threads   int     `json:"threads"`         // peak Threads of /proc/self/status during the run
	Created   int     `json:"threads_created"` // runtime/pprof threadcreate count at the end
	Note      string  `json:"note,omitempty"`
}

// ThreadSampler records the peak of the process's OS threads.
type ThreadSampler struct {
	peak atomic.Int64
	stop chan struct{}
	done chan struct{}
}

// StartThreadSampler samples Threads every 5 ms until Stop.
func StartThreadSampler() *ThreadSampler {
	s := &ThreadSampler{stop: make(chan struct{}), done: make(chan struct{})}
	s.sample()
	go func() {
		defer close(s.done)
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-s.stop:
				return
			case <-t.C:
				s.sample()
			}
		}
	}()
	return s
}

func (s *ThreadSampler) sample() {
	if n := int64(Threads()); n > s.peak.Load() {
		s.peak.Store(n)
	}
}

// Stop ends sampling and returns the peak.
func (s *ThreadSampler) Stop() int {
	close(s.stop)
	<-s.done
	s.sample() // after the sampling goroutine, so no two samples race
	return int(s.peak.Load())
}

// Threads is the Threads line of /proc/self/status: every OS thread of the
// process (Go's Ms, cgo threads, io_uring's io-wq workers).
func Threads() int {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "Threads:"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(v))
			return n
		}
	}
	return 0
}

// ThreadsCreated is the count of runtime/pprof's threadcreate profile: the
// OS threads the Go runtime created.
func ThreadsCreated() int { return pprof.Lookup("threadcreate").Count() }

// percentile returns the p-th percentile of the sorted durations, in µs.
func percentile(sorted []time.Duration, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted)-1) * p)
	return float64(sorted[i]) / 1e3
}

// ---- HTTP ----

// HelloHandler answers every request with a short text, as Shakti's HTTP
// benchmark does.
var HelloHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain")
	io.WriteString(w, "Hello world!\n")
})

// summarise turns a run of ops operations in elapsed into a Result, or
// returns the first error a worker sent on errs. lat holds each worker's
// latencies; bytesPerOp counts the bytes one operation moves.
func summarise(contender string, errs <-chan error, lat [][]time.Duration, ops int64, elapsed time.Duration, threads int, bytesPerOp float64) (Result, error) {
	select {
	case err := <-errs:
		return Result{}, err
	default:
	}
	all := slices.Concat(lat...)
	slices.Sort(all)
	n := float64(ops)
	return Result{
		Contender: contender,
		Ops:       n / elapsed.Seconds(),
		MBps:      n * bytesPerOp / elapsed.Seconds() / 1e6,
		P50us:     percentile(all, 0.50),
		P99us:     percentile(all, 0.99),
		Threads:   threads,
		Created:   ThreadsCreated(),
	}, nil
}

// Listen returns a listener of the contender on 127.0.0.1.
func Listen(contender string) (net.Listener, func(), error) {
	if contender == Uring {
		ring, err := uring.New(nil)
		if err != nil {
			return nil, nil, err
		}
		ln, err := ring.Listen(context.Background(), "tcp", "127.0.0.1:0")
		if err != nil {
			ring.Close()
			return nil, nil, err
		}
		return ln, func() { ln.Close(); ring.Close() }, nil
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, err
	}
	return ln, func() { ln.Close() }, nil
}

// ServeHTTP serves HelloHandler on a listener of the contender and returns
// its address and a function that stops it.
func ServeHTTP(contender string) (string, func(), error) {
	ln, closeLn, err := Listen(contender)
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: HelloHandler}
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Serve(ln)
	}()
	return ln.Addr().String(), func() {
		srv.Close()
		<-done
		closeLn()
	}, nil
}

// Wrk runs wrk against url and returns requests/s, the 50th and 99th
// percentile latencies in µs, and wrk's output.
func Wrk(url string, threads, conns int, d time.Duration) (reqs, p50, p99 float64, out string, err error) {
	cmd := execCommand("wrk", "-t"+strconv.Itoa(threads), "-c"+strconv.Itoa(conns),
		"-d"+strconv.Itoa(int(d.Seconds()))+"s", "--latency", url)
	b, err := cmd.CombinedOutput()
	out = string(b)
	if err != nil {
		return 0, 0, 0, out, fmt.Errorf("wrk: %v: %s", err, out)
	}
	return parseWrk(out)
}

// parseWrk reads Requests/sec and the latency distribution of wrk's
// --latency output.
func parseWrk(out string) (reqs, p50, p99 float64, _ string, err error) {
	for _, l := range strings.Split(out, "\n") {
		f := strings.Fields(l)
		switch {
		case len(f) == 2 && f[0] == "Requests/sec:":
			reqs, _ = strconv.ParseFloat(f[1], 64)
		case len(f) == 2 && f[0] == "50%":
			p50 = wrkDuration(f[1])
		case len(f) == 2 && f[0] == "99%":
			p99 = wrkDuration(f[1])
		}
	}
	if reqs == 0 {
		return 0, 0, 0, out, errors.New("wrk reported no requests:\n" + out)
	}
	if strings.Contains(out, "Socket errors") || strings.Contains(out, "Non-2xx") {
		return reqs, p50, p99, out, errors.New("wrk reported errors:\n" + out)
	}
	return reqs, p50, p99, out, nil
}

// wrkDuration parses wrk's "1.23ms" style into µs.
func wrkDuration(s string) float64 {
	for _, u := range []struct {
		suffix string
		us     float64
	}{{"us", 1}, {"ms", 1e3}, {"s", 1e6}, {"m", 60e6}} {
		if v, ok := strings.CutSuffix(s, u.suffix); ok {
			x, err := strconv.ParseFloat(v, 64)
			if err == nil {
				return x * u.us
			}
		}
	}
	return 0
}

// ---- TCP echo ----

// conn is what the echo workload needs of either contender's connection.
type conn interface {
	io.ReadWriteCloser
}

// Echo runs conns connections to an echo server, each a client doing
// round trips of size-byte messages for d, with the server and the clients
// of the contender in this process.
func Echo(contender string, conns, size int, d time.Duration) (Result, error) {
	ln, closeLn, err := Listen(contender)
	if err != nil {
		return Result{}, err
	}
	defer closeLn()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				buf := make([]byte, 64<<10)
				for {
					n, err := c.Read(buf)
					if n > 0 {
						if _, err := c.Write(buf[:n]); err != nil {
							return
						}
					}
					if err != nil {
						return
					}
				}
			}()
		}
	}()
	dial := func() (conn, error) { return net.Dial("tcp", ln.Addr().String()) }
	if contender == Uring {
		ring := ln.(*uring.Listener).Ring()
		dial = func() (conn, error) { return ring.Dial(context.Background(), "tcp", ln.Addr().String()) }
	}
	clients := make([]conn, conns)
	for i := range clients {
		if clients[i], err = dial(); err != nil {
			return Result{}, err
		}
	}
	sampler := StartThreadSampler()
	var wg sync.WaitGroup
	lat := make([][]time.Duration, conns)
	var total atomic.Int64
	errs := make(chan error, conns)
	start := time.Now()
	end := start.Add(d)
	for i, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			msg := make([]byte, size)
			buf := make([]byte, size)
			for {
				t0 := time.Now()
				if !t0.Before(end) {
					return
				}
				if _, err := c.Write(msg); err != nil {
					errs <- err
					return
				}
				if _, err := io.ReadFull(c, buf); err != nil {
					errs <- err
					return
				}
				lat[i] = append(lat[i], time.Since(t0))
				total.Add(1)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	threads := sampler.Stop()
	for _, c := range clients {
		c.Close()
	}
	return summarise(contender, errs, lat, total.Load(), elapsed, threads, 2*float64(size))
}

// ---- file reads ----

// BlockSize is the size of one random read.
const BlockSize = 4096

// PrepareFile writes a file of size random bytes under dir and returns its
// name.
func PrepareFile(dir string, size int64) (string, error) {
	name := fmt.Sprintf("%s/uringbench-%d.dat", dir, size)
	if fi, err := os.Stat(name); err == nil && fi.Size() == size {
		return name, nil
	}
	f, err := os.Create(name)
	if err != nil {
		return "", err
	}
	defer f.Close()
	r := rand.New(rand.NewPCG(1, 2))
	buf := make([]byte, 1<<20)
	for off := int64(0); off < size; off += int64(len(buf)) {
		for i := 0; i < len(buf); i += 8 {
			v := r.Uint64()
			for j := 0; j < 8; j++ {
				buf[i+j] = byte(v >> (8 * j))
			}
		}
		if _, err := f.Write(buf); err != nil {
			return "", err
		}
	}
	return name, f.Sync()
}

// Cache pages name in (cold false) or drops its pages from the page cache
// (cold true, posix_fadvise DONTNEED: the file's pages are clean).
func Cache(name string, cold bool) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	if cold {
		return unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED)
	}
	_, err = io.Copy(io.Discard, f)
	return err
}

// readerAt is what the read workload needs of either contender's file.
type readerAt interface {
	io.ReaderAt
	io.Closer
}

// RandomReads runs goroutines that each read BlockSize bytes at random
// aligned offsets of name for d.
func RandomReads(contender, name string, goroutines int, d time.Duration) (Result, error) {
	var f readerAt
	var ring *uring.Ring
	var err error
	if contender == Uring {
		if ring, err = uring.New(nil); err != nil {
			return Result{}, err
		}
		defer ring.Close()
		f, err = ring.Open(context.Background(), name)
	} else {
		f, err = os.Open(name)
	}
	if err != nil {
		return Result{}, err
	}
	defer f.Close()
	fi, err := os.Stat(name)
	if err != nil {
		return Result{}, err
	}
	blocks := fi.Size() / BlockSize
	sampler := StartThreadSampler()
	var wg sync.WaitGroup
	var total atomic.Int64
	lat := make([][]time.Duration, goroutines)
	errs := make(chan error, goroutines)
	start := time.Now()
	end := start.Add(d)
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(g), 99))
			buf := make([]byte, BlockSize)
			for i := 0; ; i++ {
				// The clock is read for one read in 16 only: it costs a
				// noticeable share of a page-cached read.
				var t0 time.Time
				if i%16 == 0 {
					if t0 = time.Now(); !t0.Before(end) {
						return
					}
				}
				if _, err := f.ReadAt(buf, r.Int64N(blocks)*BlockSize); err != nil {
					errs <- err
					return
				}
				if i%16 == 0 {
					lat[g] = append(lat[g], time.Since(t0))
				}
				total.Add(1)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	threads := sampler.Stop()
	return summarise(contender, errs, lat, total.Load(), elapsed, threads, BlockSize)
}

var execCommand = exec.Command

// WriteJSON prints r as one JSON line (the child's answer to the report).
func WriteJSON(w io.Writer, r Result) error {
	return json.NewEncoder(w).Encode(r)
}
