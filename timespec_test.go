//go:build linux && cgo

package liburing

import (
	"errors"
	"math"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

func TestTimespecSeconds(t *testing.T) {
	tests := []struct {
		sec       float64
		wantSec   int64
		wantNsec  int64
		wantError bool
	}{
		{0, 0, 0, false},
		{1, 1, 0, false},
		{1.5, 1, 500000000, false},
		{0.3, 0, 300000000, false}, // Python truncates to 299999999
		{2.000000001, 2, 1, false},
		{0.9999999999, 1, 0, false}, // rounds up into the next second
		{1e9, 1e9, 0, false},
		{-1, 0, 0, true},
		{-0.5, 0, 0, true},
		{math.NaN(), 0, 0, true},
		{math.Inf(1), 0, 0, true},
		{1e19, 0, 0, true},
	}
	for _, tt := range tests {
		ts, err := NewTimespecSeconds(tt.sec)
		if tt.wantError {
			if !errors.Is(err, unix.EINVAL) {
				t.Errorf("NewTimespecSeconds(%v) = %v, want EINVAL", tt.sec, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("NewTimespecSeconds(%v): %v", tt.sec, err)
		}
		if got := *ts.Ptr(); got != (KernelTimespec{tt.wantSec, tt.wantNsec}) {
			t.Errorf("NewTimespecSeconds(%v) = %+v, want {%d %d}", tt.sec, got, tt.wantSec, tt.wantNsec)
		}
		if err := ts.Close(); err != nil {
			t.Error(err)
		}
	}
}

func TestTimespecDuration(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want KernelTimespec
	}{
		{0, KernelTimespec{0, 0}},
		{time.Nanosecond, KernelTimespec{0, 1}},
		{1500 * time.Millisecond, KernelTimespec{1, 500000000}},
		{3 * time.Second, KernelTimespec{3, 0}},
		{math.MaxInt64, KernelTimespec{9223372036, 854775807}},
	}
	for _, tt := range tests {
		ts, err := NewTimespec(tt.d)
		if err != nil {
			t.Fatalf("NewTimespec(%v): %v", tt.d, err)
		}
		if *ts.Ptr() != tt.want {
			t.Errorf("NewTimespec(%v) = %+v, want %+v", tt.d, *ts.Ptr(), tt.want)
		}
		if got := ts.Duration(); got != tt.d {
			t.Errorf("Duration() = %v, want %v", got, tt.d)
		}
		ts.Set(2 * time.Second)
		if *ts.Ptr() != (KernelTimespec{2, 0}) || ts.Duration() != 2*time.Second {
			t.Errorf("after Set(2s): %+v", *ts.Ptr())
		}
		ts.Close()
	}
	if _, err := NewTimespec(-time.Second); !errors.Is(err, unix.EINVAL) {
		t.Errorf("NewTimespec(-1s) = %v, want EINVAL", err)
	}
	// Fields written through Ptr read back (Python's tv_sec/tv_nsec setters),
	// and a huge tv_sec saturates Duration.
	ts, _ := NewTimespec(0)
	ts.Ptr().Sec, ts.Ptr().Nsec = math.MaxInt64, 0
	if ts.Duration() != math.MaxInt64 {
		t.Errorf("saturated Duration = %v", ts.Duration())
	}
	if err := ts.Close(); err != nil {
		t.Fatal(err)
	}
	if err := ts.Close(); !errors.Is(err, ErrClosed) {
		t.Errorf("second Close = %v, want ErrClosed", err)
	}
	if ts.Ptr() != nil || ts.Duration() != 0 {
		t.Error("closed Timespec still has memory")
	}
	ts.Set(time.Second) // no-op, no crash
	var nilTS *Timespec
	if nilTS.Ptr() != nil || nilTS.Duration() != 0 || !errors.Is(nilTS.Close(), ErrClosed) {
		t.Error("nil Timespec")
	}
}

// TestTimespecLive uses a Timespec as a timeout SQE's argument: the kernel
// reads it after PrepTimeout returns.
func TestTimespecLive(t *testing.T) {
	ring := newRing(t, 4, 0)
	ts, err := NewTimespecSeconds(0.01)
	if err != nil {
		t.Fatal(err)
	}
	defer ts.Close()
	PrepTimeout(GetSQE(ring), ts.Ptr(), 0, 0)
	start := time.Now()
	if _, res, _ := submitWait(t, ring); res != -int32(unix.ETIME) {
		t.Fatalf("timeout res %d, want -ETIME", res)
	}
	if el := time.Since(start); el < 10*time.Millisecond {
		t.Errorf("timeout fired after %v, want >= 10ms", el)
	}
}
