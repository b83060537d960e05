//go:build linux && cgo

// Command uringreport measures package uring against the standard library
// and prints one table per workload, from one run each:
//
//   - HTTP hello: net/http on an io_uring Listener vs on net.Listen, under
//     wrk on loopback: requests/s, p50 and p99 latency, the server's OS
//     threads;
//   - TCP echo: 64 connections doing round trips of 64 bytes, io_uring
//     Conns at both ends vs net.Conns; and 8 connections streaming 64 KiB;
//   - 64 goroutines doing 4 KiB random reads of a 1 GiB file, uring
//     File.ReadAt vs os.File.ReadAt, page-cached and cold (the file's pages
//     dropped with posix_fadvise DONTNEED first): reads/s and OS threads.
//
// Every measurement runs in a child process of its own, so that OS threads
// created for one contender are not counted for the next.
//
//	go run ./cmd/uringreport [-d 5s] [-run http|echo|read]
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"

	"github.com/liburing-go/liburing"
	"github.com/liburing-go/liburing/bench/uringbench"
	"github.com/liburing-go/liburing/bench/workloads"
	"golang.org/x/sys/unix"
)

var (
	dur     = flag.Duration("d", 5*time.Second, "duration of each measurement")
	filter  = flag.String("run", "", "only workloads whose name contains this (http, echo, stream, read)")
	dir     = flag.String("dir", os.TempDir(), "where the read workload's file goes")
	fileMiB = flag.Int64("file-mib", 1024, "size of the read workload's file in MiB")

	child      = flag.String("child", "", "internal: run one measurement (http-server, echo, read)")
	contender  = flag.String("contender", "", "internal: uring or std")
	conns      = flag.Int("conns", 64, "internal: connections")
	size       = flag.Int("size", 64, "internal: message size")
	goroutines = flag.Int("goroutines", 64, "internal: reading goroutines")
	file       = flag.String("file", "", "internal: the file to read")
	cold       = flag.Bool("cold", false, "internal: drop the file's pages first")
)

func main() {
	flag.Parse()
	if *child != "" {
		if err := runChild(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	var uts unix.Utsname
	unix.Uname(&uts)
	fmt.Printf("machine: %d CPUs, %s, %s, Linux %s; liburing %d.%d; %s; GOMAXPROCS %d; %s per measurement, one run each\n\n",
		runtime.NumCPU(), workloads.CPUModel(), memTotal(), unix.ByteSliceToString(uts.Release[:]),
		liburing.MajorVersion(), liburing.MinorVersion(), runtime.Version(), runtime.GOMAXPROCS(0), *dur)
	failed := false
	for _, w := range []struct {
		name string
		run  func() error
	}{
		{"http", reportHTTP},
		{"echo", func() error { return reportEcho(64, 64, "TCP echo: 64 connections, round trips of 64 bytes") }},
		{"stream", func() error { return reportEcho(8, 64<<10, "TCP echo: 8 connections, round trips of 64 KiB") }},
		{"read", reportRead},
	} {
		if !strings.Contains(w.name, *filter) {
			continue
		}
		if err := w.run(); err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", w.name, err)
			failed = true
		}
	}
	if failed {
		os.Exit(1)
	}
}

// runChild is one measurement in this (child) process; it prints a JSON
// Result.
func runChild() error {
	switch *child {
	case "http-server":
		sampler := uringbench.StartThreadSampler()
		addr, stop, err := uringbench.ServeHTTP(*contender)
		if err != nil {
			return err
		}
		fmt.Println(addr)
		io.Copy(io.Discard, os.Stdin) // the parent closes stdin when wrk is done
		threads := sampler.Stop()
		created := uringbench.ThreadsCreated()
		stop()
		return uringbench.WriteJSON(os.Stdout, uringbench.Result{Contender: *contender, Threads: threads, Created: created})
	case "echo":
		r, err := uringbench.Echo(*contender, *conns, *size, *dur)
		if err != nil {
			return err
		}
		return uringbench.WriteJSON(os.Stdout, r)
	case "read":
		if err := uringbench.Cache(*file, *cold); err != nil {
			return err
		}
		r, err := uringbench.RandomReads(*contender, *file, *goroutines, *dur)
		if err != nil {
			return err
		}
		return uringbench.WriteJSON(os.Stdout, r)
	}
	return fmt.Errorf("unknown child %q", *child)
}

// spawn runs this program as a child with args and returns its command
// with stdin and stdout pipes.
func spawn(args ...string) (*exec.Cmd, io.WriteCloser, *bufio.Reader, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, nil, nil, err
	}
	cmd := exec.Command(self, append([]string{"-d", dur.String()}, args...)...)
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, nil, nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, nil, nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, nil, nil, err
	}
	return cmd, in, bufio.NewReader(out), nil
}

// measure runs a child to completion and decodes its Result.
func measure(args ...string) (uringbench.Result, error) {
	cmd, in, out, err := spawn(args...)
	if err != nil {
		return uringbench.Result{}, err
	}
	in.Close()
	var r uringbench.Result
	derr := json.NewDecoder(out).Decode(&r)
	if err := cmd.Wait(); err != nil {
		return r, fmt.Errorf("%v: %v", args, err)
	}
	return r, derr
}

var contenders = []string{uringbench.Uring, uringbench.Std}

func label(c string) string {
	if c == uringbench.Uring {
		return "io_uring (package uring)"
	}
	return "standard library"
}

func ratio(a, b float64) string {
	if b == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2fx", a/b)
}

func reportHTTP() error {
	if _, err := exec.LookPath("wrk"); err != nil {
		return fmt.Errorf("wrk is not installed (apt-get install wrk): %v", err)
	}
	const wrkThreads, wrkConns = 2, 64
	res := map[string]uringbench.Result{}
	for _, c := range contenders {
		cmd, in, out, err := spawn("-child", "http-server", "-contender", c)
		if err != nil {
			return err
		}
		line, err := out.ReadString('\n')
		if err != nil {
			cmd.Process.Kill()
			return fmt.Errorf("server: %v", err)
		}
		addr := strings.TrimSpace(line)
		secs := max(int(dur.Seconds()), 1)
		reqs, p50, p99, wout, werr := uringbench.Wrk("http://"+addr+"/", wrkThreads, wrkConns, time.Duration(secs)*time.Second)
		in.Close()
		var r uringbench.Result
		derr := json.NewDecoder(out).Decode(&r)
		cmd.Wait()
		if werr != nil {
			return werr
		}
		if derr != nil {
			return derr
		}
		_ = wout
		r.Ops, r.P50us, r.P99us = reqs, p50, p99
		res[c] = r
	}
	fmt.Printf("HTTP hello (net/http; wrk -t%d -c%d -d%ds on loopback)\n\n", wrkThreads, wrkConns, max(int(dur.Seconds()), 1))
	fmt.Println("| server listener | requests/s | p50 latency | p99 latency | server OS threads | vs standard |")
	fmt.Println("|---|---:|---:|---:|---:|---:|")
	for _, c := range contenders {
		r := res[c]
		fmt.Printf("| %s | %.0f | %s | %s | %d | %s |\n", label(c), r.Ops, us(r.P50us), us(r.P99us), r.Threads, ratio(r.Ops, res[uringbench.Std].Ops))
	}
	fmt.Println()
	return nil
}

func reportEcho(conns, size int, title string) error {
	res := map[string]uringbench.Result{}
	for _, c := range contenders {
		r, err := measure("-child", "echo", "-contender", c, "-conns", fmt.Sprint(conns), "-size", fmt.Sprint(size))
		if err != nil {
			return err
		}
		res[c] = r
	}
	fmt.Printf("%s (server and clients in one process)\n\n", title)
	fmt.Println("| both ends | round trips/s | MB/s (both directions) | p50 | p99 | OS threads | vs standard |")
	fmt.Println("|---|---:|---:|---:|---:|---:|---:|")
	for _, c := range contenders {
		r := res[c]
		fmt.Printf("| %s | %.0f | %.1f | %s | %s | %d | %s |\n", label(c), r.Ops, r.MBps, us(r.P50us), us(r.P99us), r.Threads, ratio(r.Ops, res[uringbench.Std].Ops))
	}
	fmt.Println()
	return nil
}

func reportRead() error {
	name, err := uringbench.PrepareFile(*dir, *fileMiB<<20)
	if err != nil {
		return err
	}
	defer os.Remove(name)
	for _, coldRun := range []bool{false, true} {
		res := map[string]uringbench.Result{}
		for _, c := range contenders {
			r, err := measure("-child", "read", "-contender", c, "-file", name, "-goroutines", "64", fmt.Sprintf("-cold=%v", coldRun))
			if err != nil {
				return err
			}
			res[c] = r
		}
		state := "page-cached"
		if coldRun {
			state = "cold: pages dropped with posix_fadvise DONTNEED before the run"
		}
		fmt.Printf("64 goroutines, 4 KiB random reads of a %d MiB file (%s)\n\n", *fileMiB, state)
		fmt.Println("| ReadAt of | reads/s | MB/s | p50 | p99 | OS threads (peak) | threads Go created | vs standard |")
		fmt.Println("|---|---:|---:|---:|---:|---:|---:|---:|")
		for _, c := range contenders {
			r := res[c]
			what := "uring.File"
			if c == uringbench.Std {
				what = "os.File"
			}
			fmt.Printf("| %s | %.0f | %.1f | %s | %s | %d | %d | %s |\n", what, r.Ops, r.MBps, us(r.P50us), us(r.P99us), r.Threads, r.Created, ratio(r.Ops, res[uringbench.Std].Ops))
		}
		fmt.Println()
	}
	return nil
}

func us(v float64) string {
	if v >= 1000 {
		return fmt.Sprintf("%.2f ms", v/1000)
	}
	return fmt.Sprintf("%.0f µs", v)
}

func memTotal() string {
	var si unix.Sysinfo_t
	if unix.Sysinfo(&si) != nil {
		return "? GiB"
	}
	return fmt.Sprintf("%d GiB RAM", (uint64(si.Totalram)*uint64(si.Unit)+(1<<29))>>30)
}
