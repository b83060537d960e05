//go:build linux && cgo

package liburing

import (
	"errors"
	"testing"

	"golang.org/x/sys/unix"
)

func TestAllocBuffer(t *testing.T) {
	b, err := AllocBuffer(4096)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) != 4096 {
		t.Fatalf("len %d", len(b))
	}
	for i, c := range b {
		if c != 0 {
			t.Fatalf("byte %d is %d, want zeroed memory", i, c)
		}
	}
	b[4095] = 1
	FreeBuffer(b)
	for _, n := range []int{0, -1} {
		if _, err := AllocBuffer(n); !errors.Is(err, unix.EINVAL) {
			t.Errorf("AllocBuffer(%d) = %v, want EINVAL", n, err)
		}
	}
}

func TestCString(t *testing.T) {
	p, err := CString("abc")
	if err != nil {
		t.Fatal(err)
	}
	if got := unix.BytePtrToString(p); got != "abc" {
		t.Errorf("CString round trip %q", got)
	}
	Free(p)
	if _, err := CString("a\x00b"); !errors.Is(err, unix.EINVAL) {
		t.Errorf("CString with NUL = %v, want EINVAL", err)
	}
}

func TestIovec(t *testing.T) {
	a, b := []byte("first"), []byte("second buffer")
	v, err := NewIovec([][]byte{a, {}, b})
	if err != nil {
		t.Fatal(err)
	}
	if v.Len() != 3 || v.Ptr() == nil {
		t.Fatalf("Len %d Ptr %p", v.Len(), v.Ptr())
	}
	for i, want := range []string{"first", "", "second buffer"} {
		got, err := v.Bytes(i)
		if err != nil || string(got) != want {
			t.Errorf("Bytes(%d) = %q, %v; want %q", i, got, err, want)
		}
		if n, _ := v.IovLen(i); n != len(want) {
			t.Errorf("IovLen(%d) = %d", i, n)
		}
	}
	// The iovec points at the Go memory itself.
	if base, _ := v.Base(2); base != unsafePointer(b) {
		t.Error("Base(2) is not the Go buffer")
	}
	for _, i := range []int{-1, 3} {
		if _, err := v.Bytes(i); err == nil {
			t.Errorf("Bytes(%d) gave no error", i)
		}
	}
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	if err := v.Close(); !errors.Is(err, ErrIovecClosed) {
		t.Errorf("second Close = %v", err)
	}
	if v.Slice() != nil {
		t.Error("Slice after Close is not nil")
	}
	if _, err := v.Bytes(0); !errors.Is(err, ErrIovecClosed) || v.Len() != 0 {
		t.Errorf("Bytes after Close = %v", err)
	}

	s, err := NewIovecSizes(1, 4096)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := s.IovLen(1); n != 4096 {
		t.Errorf("IovLen(1) = %d", n)
	}
	if sl := s.Slice(); len(sl) != 2 || sl[1].Len != 4096 || &sl[0] != s.Ptr() {
		t.Errorf("Slice = %v", sl)
	}
	s.Close()
}
