//go:build linux && cgo

// Command report runs every benchmark workload, alternating the contenders
// round by round so that they share the machine's noise, and prints one
// table per workload (ns/op, operations per second, throughput relative to
// C) from that one run, followed by benchstat-compatible lines.
//
//	go run -ldflags=-checklinkname=0 ./cmd/report [-rounds 3] [-benchtime 300ms]
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/liburing-go/liburing"
	"github.com/liburing-go/liburing/bench/workloads"
	"golang.org/x/sys/unix"
)

func main() {
	testing.Init()
	rounds := flag.Int("rounds", 5, "rounds per workload; the median is reported")
	benchtime := flag.String("benchtime", "200ms", "time per contender per round")
	filter := flag.String("run", "", "only workloads whose name contains this")
	flag.Parse()
	flag.Set("test.benchtime", *benchtime)

	rf, err := workloads.OpenReadFile(os.TempDir())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer rf.Close()
	var ws []workloads.Workload
	for _, b := range []int{1, 8, 32, 128} {
		ws = append(ws, workloads.Nop(b))
	}
	for _, qd := range []int{1, 32, 128} {
		ws = append(ws, workloads.Read4K(rf, qd))
	}
	for _, size := range []int{64, 4096} {
		ws = append(ws, workloads.Echo(size))
	}

	var uts unix.Utsname
	unix.Uname(&uts)
	fmt.Printf("machine: %d CPUs, %s, Linux %s; liburing %d.%d; %s; %d rounds of %s, median\n\n",
		runtime.NumCPU(), workloads.CPUModel(), unix.ByteSliceToString(uts.Release[:]),
		liburing.MajorVersion(), liburing.MinorVersion(), runtime.Version(), *rounds, *benchtime)

	var lines []string
	for _, w := range ws {
		if !strings.Contains(w.Name, *filter) {
			continue
		}
		res := make([][]testing.BenchmarkResult, len(w.Contenders))
		for r := 0; r < *rounds; r++ {
			// Rotate the order every round, so that no contender always
			// runs first (or right after the same neighbour).
			for k := range w.Contenders {
				i := (k + r) % len(w.Contenders)
				c := w.Contenders[i]
				br := testing.Benchmark(c.Run)
				res[i] = append(res[i], br)
				lines = append(lines, fmt.Sprintf("Benchmark%s/%s-%d\t%s\t%s", strings.Replace(w.Name, "/", "/", 1),
					c.Name, runtime.GOMAXPROCS(0), br.String(), br.MemString()))
			}
		}
		med := make([]float64, len(w.Contenders))
		for i := range res {
			med[i] = median(res[i])
		}
		cIdx := -1
		for i, c := range w.Contenders {
			if c.Name == "c" {
				cIdx = i
			}
		}
		fmt.Printf("%s\n\n| contender | ns/op | ops/s | vs C |\n|---|---:|---:|---:|\n", w.Name)
		for i, c := range w.Contenders {
			ratio := "-"
			if cIdx >= 0 && med[i] > 0 {
				ratio = fmt.Sprintf("%.2fx", med[cIdx]/med[i])
			}
			fmt.Printf("| %s | %.1f | %s | %s |\n", c.Name, med[i], human(1e9/med[i]), ratio)
		}
		fmt.Println()
	}
	fmt.Println("benchstat lines:")
	for _, l := range lines {
		fmt.Println(l)
	}
}

func median(rs []testing.BenchmarkResult) float64 {
	v := make([]float64, 0, len(rs))
	for _, r := range rs {
		if r.N > 0 {
			v = append(v, float64(r.T.Nanoseconds())/float64(r.N))
		}
	}
	if len(v) == 0 {
		return 0
	}
	sort.Float64s(v)
	return v[len(v)/2]
}

func human(x float64) string {
	switch {
	case x >= 1e6:
		return fmt.Sprintf("%.2fM", x/1e6)
	case x >= 1e3:
		return fmt.Sprintf("%.1fk", x/1e3)
	}
	return fmt.Sprintf("%.0f", x)
}
