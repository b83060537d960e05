//go:build linux && cgo

// Command report runs every benchmark workload, alternating the contenders
// round by round so that they share the machine's noise, and prints one
// table per workload from that one run, followed by benchstat-compatible
// lines. ns/op and operations per second are medians over the rounds; "vs
// C" is the median of the per-round ratios (C's ns/op over the contender's,
// both measured in the same round), which cancels the host's slow drifts.
//
//	go run -ldflags=-checklinkname=0 ./cmd/report [-rounds 11] [-benchtime 100ms] [-run Nop]
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
	rounds := flag.Int("rounds", 11, "rounds per workload; medians are reported")
	benchtime := flag.String("benchtime", "100ms", "time per contender per round")
	filter := flag.String("run", "", "only workloads whose name contains this")
	flag.Parse()
	flag.Set("test.benchtime", *benchtime)

	rf, err := workloads.OpenReadFile(os.TempDir())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer rf.Close()
	ws := []workloads.Workload{workloads.Boundary()}
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
	fmt.Printf("machine: %d CPUs, %s, Linux %s; liburing %d.%d; %s; %d rounds of %s; medians, ratios per round\n\n",
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
		cIdx := -1
		for i, c := range w.Contenders {
			if c.Name == "c" {
				cIdx = i
			}
		}
		fmt.Printf("%s\n\n| contender | ns/op | ops/s | vs C |\n|---|---:|---:|---:|\n", w.Name)
		for i, c := range w.Contenders {
			ns := median(nsPerOp(res[i]))
			ratio := "-"
			if cIdx >= 0 {
				ratio = fmt.Sprintf("%.2fx", median(ratios(res[cIdx], res[i])))
			}
			fmt.Printf("| %s | %.1f | %s | %s |\n", c.Name, ns, human(1e9/ns), ratio)
		}
		fmt.Println()
	}
	fmt.Println("benchstat lines:")
	for _, l := range lines {
		fmt.Println(l)
	}
}

// nsPerOp is each round's time per operation.
func nsPerOp(rs []testing.BenchmarkResult) []float64 {
	v := make([]float64, len(rs))
	for i, r := range rs {
		if r.N > 0 {
			v[i] = float64(r.T.Nanoseconds()) / float64(r.N)
		}
	}
	return v
}

// ratios is, round by round, the throughput of rs relative to c: the two
// ran back to back in the same round, so slow drifts of the machine (other
// tenants of the host) cancel out of each ratio.
func ratios(c, rs []testing.BenchmarkResult) []float64 {
	tc, tr := nsPerOp(c), nsPerOp(rs)
	v := make([]float64, 0, len(tr))
	for i := range tr {
		if tc[i] > 0 && tr[i] > 0 {
			v = append(v, tc[i]/tr[i])
		}
	}
	return v
}

func median(v []float64) float64 {
	v = append([]float64(nil), v...)
	sort.Float64s(v)
	for len(v) > 0 && v[0] == 0 {
		v = v[1:]
	}
	if len(v) == 0 {
		return 0
	}
	if len(v)%2 == 0 {
		return (v[len(v)/2-1] + v[len(v)/2]) / 2
	}
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
