//go:build linux && cgo

package liburing

import (
	"errors"
	"testing"

	"golang.org/x/sys/unix"
)

func TestFdArray(t *testing.T) {
	tests := [][]int32{{0}, {3, -1, IORING_REGISTER_FILES_SKIP}, make([]int32, 1024)}
	for _, fds := range tests {
		a, err := NewFdArray(fds)
		if err != nil {
			t.Fatal(err)
		}
		if a.Len() != len(fds) || a.Ptr() != &a.Slice()[0] {
			t.Errorf("Len %d, want %d", a.Len(), len(fds))
		}
		for i, fd := range fds {
			if a.Slice()[i] != fd {
				t.Errorf("entry %d = %d, want %d", i, a.Slice()[i], fd)
			}
		}
		fds[0] = 99 // a copy: the caller's slice is free again
		if a.Slice()[0] == 99 {
			t.Error("FdArray aliases the Go slice")
		}
		if err := a.Close(); err != nil {
			t.Fatal(err)
		}
		if err := a.Close(); !errors.Is(err, ErrClosed) {
			t.Errorf("second Close = %v", err)
		}
		if a.Len() != 0 || a.Ptr() != nil || a.Slice() != nil {
			t.Error("closed FdArray still has entries")
		}
	}
	if _, err := NewFdArray(nil); !errors.Is(err, unix.EINVAL) {
		t.Errorf("NewFdArray(nil) = %v, want EINVAL", err)
	}
	var nilArr *FdArray
	if nilArr.Len() != 0 || nilArr.Ptr() != nil || nilArr.Slice() != nil || !errors.Is(nilArr.Close(), ErrClosed) {
		t.Error("nil FdArray")
	}
}

// TestFdArrayFilesUpdate updates a sparse file table through an FdArray
// and writes through the new slot.
func TestFdArrayFilesUpdate(t *testing.T) {
	requireOp(t, IORING_OP_FILES_UPDATE)
	ring := newRing(t, 4, 0)
	if err := RegisterFilesSparse(ring, 4); err != nil {
		t.Fatal(err)
	}
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
		t.Fatal(err)
	}
	defer unix.Close(p[0])
	defer unix.Close(p[1])
	a, err := NewFdArray([]int32{IORING_REGISTER_FILES_SKIP, int32(p[1])})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	PrepFilesUpdate(GetSQE(ring), a.Ptr(), uint32(a.Len()), 1)
	if _, res, _ := submitWait(t, ring); res != 2 {
		t.Fatalf("files update res %d, want 2", res)
	}
	msg, _ := AllocBuffer(2)
	defer FreeBuffer(msg)
	copy(msg, "ok")
	sqe := GetSQE(ring)
	PrepWrite(sqe, 2, unsafePointer(msg), 2, 0) // slot 2: the pipe's write end
	SQESetFlags(sqe, IOSQE_FIXED_FILE)
	if _, res, _ := submitWait(t, ring); res != 2 {
		t.Fatalf("write through slot 2: res %d", res)
	}
	got := make([]byte, 4)
	if n, err := unix.Read(p[0], got); err != nil || string(got[:n]) != "ok" {
		t.Errorf("pipe holds %q, %v", got[:n], err)
	}
}
