//go:build linux && cgo

package liburing

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

func TestOpenHow(t *testing.T) {
	tests := []struct {
		flags, mode, resolve uint64
		str                  string
	}{
		{0, 0, 0, "OpenHow(flags=0, mode=0, resolve=0)"},
		{1, 2, 3, "OpenHow(flags=1, mode=2, resolve=3)"},
		{unix.O_RDWR, 0o777, RESOLVE_CACHED, "OpenHow(flags=2, mode=511, resolve=32)"},
		{^uint64(0), ^uint64(0), ^uint64(0), "OpenHow(flags=18446744073709551615, mode=18446744073709551615, resolve=18446744073709551615)"},
	}
	for _, tt := range tests {
		h, err := NewOpenHow(tt.flags, tt.mode, tt.resolve)
		if err != nil {
			t.Fatal(err)
		}
		if got := *h.Ptr(); got != (unix.OpenHow{Flags: tt.flags, Mode: tt.mode, Resolve: tt.resolve}) {
			t.Errorf("fields %+v", got)
		}
		if h.String() != tt.str {
			t.Errorf("String() = %q, want %q", h.String(), tt.str)
		}
		h.Ptr().Flags, h.Ptr().Mode, h.Ptr().Resolve = 7, 8, 9
		if h.String() != "OpenHow(flags=7, mode=8, resolve=9)" {
			t.Errorf("after set: %q", h.String())
		}
		if err := h.Close(); err != nil {
			t.Fatal(err)
		}
		if err := h.Close(); !errors.Is(err, ErrClosed) {
			t.Errorf("second Close = %v", err)
		}
		if h.Ptr() != nil || h.String() != "OpenHow(closed)" {
			t.Errorf("closed: %v %q", h.Ptr(), h.String())
		}
	}
	var nilHow *OpenHow
	if nilHow.Ptr() != nil || nilHow.String() != "OpenHow(closed)" || !errors.Is(nilHow.Close(), ErrClosed) {
		t.Error("nil OpenHow")
	}
	if RESOLVE_CACHED != 0x20 {
		t.Errorf("RESOLVE_CACHED = %#x, want 0x20", RESOLVE_CACHED)
	}
}

// TestOpenHowLive opens a file with openat2 through an OpenHow, and checks
// RESOLVE_BENEATH through it.
func TestOpenHowLive(t *testing.T) {
	requireOp(t, IORING_OP_OPENAT2)
	ring := newRing(t, 4, 0)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "f"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	dfd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(dfd)
	h, err := NewOpenHow(unix.O_RDONLY|unix.O_CLOEXEC, 0, unix.RESOLVE_BENEATH)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	for _, tc := range []struct {
		path string
		ok   bool
	}{{"f", true}, {"../f", false}} {
		p, _ := CString(tc.path)
		PrepOpenat2(GetSQE(ring), dfd, p, h.Ptr())
		_, res, _ := submitWait(t, ring)
		Free(p)
		fd, err := TrapError(res)
		if tc.ok {
			if err != nil {
				t.Fatalf("openat2 %q: %v", tc.path, err)
			}
			unix.Close(fd)
		} else if !errors.Is(err, unix.EXDEV) {
			t.Errorf("openat2 %q beneath: %v, want EXDEV", tc.path, err)
		}
	}
}
