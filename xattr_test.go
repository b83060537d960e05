//go:build linux && cgo

package liburing

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

// TestXattrSQE: each method prepares the 1:1 helper with the holder's C
// memory: name, value address and the right length.
func TestXattrSQE(t *testing.T) {
	x, err := NewXattr("user.k", []byte("abc"), 16)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	path, _ := CString("/p")
	defer Free(path)
	name, val := testAddr(x.name), testAddr(&x.value[0])
	tests := []struct {
		name string
		prep func(*SQE) error
		want SQE
	}{
		{"setxattr", func(s *SQE) error { return x.PrepSetxattr(s, path, unix.XATTR_CREATE) },
			SQE{Opcode: IORING_OP_SETXATTR, Addr: name, Off: val, Addr3: testAddr(path), Len: 3, OpFlags: unix.XATTR_CREATE}},
		{"getxattr", func(s *SQE) error { return x.PrepGetxattr(s, path) },
			SQE{Opcode: IORING_OP_GETXATTR, Addr: name, Off: val, Addr3: testAddr(path), Len: 16}},
		{"fsetxattr", func(s *SQE) error { return x.PrepFsetxattr(s, 7, unix.XATTR_REPLACE) },
			SQE{Opcode: IORING_OP_FSETXATTR, Fd: 7, Addr: name, Off: val, Len: 3, OpFlags: unix.XATTR_REPLACE}},
		{"fgetxattr", func(s *SQE) error { return x.PrepFgetxattr(s, 7) },
			SQE{Opcode: IORING_OP_FGETXATTR, Fd: 7, Addr: name, Off: val, Len: 16}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sqe := new(SQE)
			if err := tt.prep(sqe); err != nil {
				t.Fatal(err)
			}
			if *sqe != tt.want {
				t.Errorf("SQE\n got %+v\nwant %+v", *sqe, tt.want)
			}
		})
	}
}

// TestXattrLive sets an attribute by path, reads it by fd, checks the bytes.
func TestXattrLive(t *testing.T) {
	requireOp(t, IORING_OP_SETXATTR)
	name := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(name, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	ring := newRing(t, 4, 0)
	path := testCString(t, name)
	set, err := NewXattr("user.liburing", []byte("value-1"), 0)
	if err != nil {
		t.Fatal(err)
	}
	defer set.Close()
	set.PrepSetxattr(testSQE(t, ring, 1), path, 0)
	if res, _ := testRun(t, ring, 1); res != 0 {
		if res == -int32(unix.EOPNOTSUPP) {
			t.Skip("the temp filesystem has no user xattrs")
		}
		t.Fatalf("setxattr res %d", res)
	}
	get, err := NewXattr("user.liburing", nil, 64)
	if err != nil {
		t.Fatal(err)
	}
	defer get.Close()
	fd := testOpen(t, name, unix.O_RDONLY)
	get.PrepFgetxattr(testSQE(t, ring, 2), fd)
	res, _ := testRun(t, ring, 2)
	if string(get.Value(int(res))) != "value-1" {
		t.Errorf("fgetxattr res %d value %q", res, get.Value(int(res)))
	}
	// XATTR_CREATE on an existing attribute: -EEXIST.
	set.PrepFsetxattr(testSQE(t, ring, 3), fd, unix.XATTR_CREATE)
	if res, _ := testRun(t, ring, 3); res != -int32(unix.EEXIST) {
		t.Errorf("fsetxattr XATTR_CREATE res %d, want -EEXIST", res)
	}
	get.PrepGetxattr(testSQE(t, ring, 4), path)
	if res, _ := testRun(t, ring, 4); res != 7 {
		t.Errorf("getxattr res %d", res)
	}
}

func TestXattrErrors(t *testing.T) {
	for _, name := range []string{"", "a\x00b"} {
		if _, err := NewXattr(name, nil, 1); !errors.Is(err, unix.EINVAL) {
			t.Errorf("NewXattr(%q) = %v, want EINVAL", name, err)
		}
	}
	if _, err := NewXattr("user.x", nil, -1); !errors.Is(err, unix.EINVAL) {
		t.Errorf("negative size: %v", err)
	}
	x, _ := NewXattr("user.x", nil, 0) // no value at all: NULL and length 0
	sqe := new(SQE)
	x.PrepFgetxattr(sqe, 3)
	if sqe.Off != 0 || sqe.Len != 0 || x.Value(5) != nil {
		t.Errorf("empty value: off %#x len %d", sqe.Off, sqe.Len)
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	if err := x.Close(); !errors.Is(err, ErrClosed) {
		t.Errorf("second Close = %v", err)
	}
	for name, f := range map[string]func() error{
		"set":  func() error { return x.PrepSetxattr(sqe, nil, 0) },
		"get":  func() error { return x.PrepGetxattr(sqe, nil) },
		"fset": func() error { return x.PrepFsetxattr(sqe, 1, 0) },
		"fget": func() error { return x.PrepFgetxattr(sqe, 1) },
	} {
		if err := f(); !errors.Is(err, ErrClosed) {
			t.Errorf("%s after Close = %v", name, err)
		}
	}
}
