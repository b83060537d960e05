//go:build linux && cgo

package uringbench

import (
	"io"
	"net/http"
	"testing"
	"time"
)

// TestWorkloadsRun runs every workload of both contenders briefly.
func TestWorkloadsRun(t *testing.T) {
	name, err := PrepareFile(t.TempDir(), 8<<20)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{Uring, Std} {
		t.Run(c, func(t *testing.T) {
			r, err := Echo(c, 4, 64, 100*time.Millisecond)
			if err != nil || r.Ops <= 0 || r.Threads <= 0 {
				t.Errorf("Echo: %+v, %v", r, err)
			}
			for _, cold := range []bool{false, true} {
				if err := Cache(name, cold); err != nil {
					t.Fatal(err)
				}
				r, err = RandomReads(c, name, 8, 100*time.Millisecond)
				if err != nil || r.Ops <= 0 || r.MBps <= 0 {
					t.Errorf("RandomReads: %+v, %v", r, err)
				}
			}
			addr, stop, err := ServeHTTP(c)
			if err != nil {
				t.Fatal(err)
			}
			defer stop()
			for range 3 {
				resp, err := http.Get("http://" + addr + "/")
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if string(b) != "Hello world!\n" {
					t.Errorf("body %q", b)
				}
			}
		})
	}
}

func TestParseWrk(t *testing.T) {
	out := `Running 2s test @ http://127.0.0.1:40000/
  2 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   826.00us  1.06ms  22.84ms   91.81%
    Req/Sec    41.06k     3.36k   46.12k    77.50%
  Latency Distribution
     50%  631.00us
     75%    0.89ms
     90%    1.38ms
     99%    5.62ms
  163421 requests in 2.00s, 20.10MB read
Requests/sec:  81640.17
Transfer/sec:     10.04MB
`
	reqs, p50, p99, _, err := parseWrk(out)
	if err != nil || reqs != 81640.17 || p50 != 631 || p99 != 5620 {
		t.Errorf("parseWrk: %v %v %v %v", reqs, p50, p99, err)
	}
	if _, _, _, _, err := parseWrk(out + "  Socket errors: connect 0, read 1, write 0, timeout 0\n"); err == nil {
		t.Error("socket errors not reported")
	}
}
