//go:build linux && cgo

package bench

import (
	"flag"
	"os"
	"testing"

	"github.com/liburing-go/liburing/bench/workloads"
)

func run(b *testing.B, w workloads.Workload) {
	for _, c := range w.Contenders {
		b.Run(c.Name, c.Run)
	}
}

// BenchmarkBoundary: entering the kernel from C, cgo and Go.
func BenchmarkBoundary(b *testing.B) { run(b, workloads.Boundary()) }

// BenchmarkNop: NOP submit and reap at batch 1, 8, 32, 128.
func BenchmarkNop(b *testing.B) {
	for _, batch := range []int{1, 8, 32, 128} {
		w := workloads.Nop(batch)
		b.Run(w.Name[len("Nop/"):], func(b *testing.B) { run(b, w) })
	}
}

// BenchmarkRead4K: 4 KiB random reads of a page-cached file.
func BenchmarkRead4K(b *testing.B) {
	rf, err := workloads.OpenReadFile(os.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer rf.Close()
	for _, qd := range []int{1, 32, 128} {
		w := workloads.Read4K(rf, qd)
		b.Run(w.Name[len("Read4K/"):], func(b *testing.B) { run(b, w) })
	}
}

// BenchmarkEcho: loopback TCP round trips of 64 and 4096 bytes.
func BenchmarkEcho(b *testing.B) {
	for _, size := range []int{64, 4096} {
		w := workloads.Echo(size)
		b.Run(w.Name[len("Echo/"):], func(b *testing.B) { run(b, w) })
	}
}

// TestWorkloadsRun runs every contender of every workload briefly, so that
// a broken contender fails the tests, not only the benchmarks.
func TestWorkloadsRun(t *testing.T) {
	rf, err := workloads.OpenReadFile(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer rf.Close()
	old := flag.Lookup("test.benchtime").Value.String()
	flag.Set("test.benchtime", "64x")
	defer flag.Set("test.benchtime", old)
	for _, w := range []workloads.Workload{workloads.Boundary(), workloads.Nop(8), workloads.Read4K(rf, 8), workloads.Echo(64)} {
		for _, c := range w.Contenders {
			failed := false // b.Fatal in any pass, not only the first
			r := testing.Benchmark(func(b *testing.B) {
				defer func() { failed = failed || b.Failed() }()
				c.Run(b)
			})
			if r.N == 0 || failed {
				t.Errorf("%s/%s failed or did not run", w.Name, c.Name)
			}
		}
	}
}
