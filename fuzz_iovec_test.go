//go:build linux && cgo

package liburing

import (
	"errors"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// FuzzIovec builds Iovecs of random counts and sizes, over Go buffers
// (NewIovec) and over C buffers (NewIovecSizes), and checks every accessor
// against what went in, the refusal of empty and oversized ones, and Close.
func FuzzIovec(f *testing.F) {
	f.Add(uint16(1), []byte{1})
	f.Add(uint16(3), []byte{5, 0, 13})
	f.Add(uint16(0), []byte{})
	f.Add(uint16(IovMax), []byte{1, 2, 3})
	f.Add(uint16(IovMax+1), []byte{8})
	f.Add(uint16(4), []byte{0x80, 0xff, 1}) // negative sizes for NewIovecSizes
	f.Fuzz(func(t *testing.T, n uint16, sizes []byte) {
		size := func(i int) int {
			if len(sizes) == 0 {
				return 0
			}
			return int(int8(sizes[i%len(sizes)]))
		}
		fuzzIovecGo(t, int(n), func(i int) int { return max(size(i), 0) })
		fuzzIovecC(t, int(n), size)
	})
}

// fuzzIovecGo checks NewIovec over n Go buffers of the given sizes.
func fuzzIovecGo(t *testing.T, n int, size func(int) int) {
	bufs := make([][]byte, n)
	for i := range bufs {
		bufs[i] = make([]byte, size(i))
		for j := range bufs[i] {
			bufs[i][j] = byte(i + j)
		}
	}
	v, err := NewIovec(bufs)
	if n == 0 || n > IovMax {
		if !errors.Is(err, unix.EINVAL) || v != nil {
			t.Fatalf("NewIovec(%d buffers) = %v, %v; want EINVAL", n, v, err)
		}
		return
	}
	if err != nil {
		t.Fatalf("NewIovec(%d buffers): %v", n, err)
	}
	fuzzIovecCheck(t, v, n, size)
	for i, b := range bufs {
		base, _ := v.Base(i)
		if len(b) > 0 && base != unsafe.Pointer(&b[0]) {
			t.Fatalf("Base(%d) = %p, not the Go buffer %p", i, base, &b[0])
		}
		if len(b) == 0 && base != nil {
			t.Fatalf("Base(%d) of an empty buffer = %p, want nil", i, base)
		}
		got, _ := v.Bytes(i)
		for j := range got {
			if got[j] != byte(i+j) {
				t.Fatalf("Bytes(%d)[%d] = %d, want %d", i, j, got[j], byte(i+j))
			}
		}
	}
	fuzzIovecClose(t, v)
}

// fuzzIovecC checks NewIovecSizes, which refuses sizes below 1.
func fuzzIovecC(t *testing.T, n int, size func(int) int) {
	sizes := make([]int, n)
	bad := n == 0 || n > IovMax
	for i := range sizes {
		sizes[i] = size(i)
		bad = bad || sizes[i] <= 0
	}
	v, err := NewIovecSizes(sizes...)
	if bad {
		if !errors.Is(err, unix.EINVAL) || v != nil {
			t.Fatalf("NewIovecSizes(%v) = %v, %v; want EINVAL", sizes, v, err)
		}
		return
	}
	if err != nil {
		t.Fatalf("NewIovecSizes(%d sizes): %v", n, err)
	}
	fuzzIovecCheck(t, v, n, size)
	for i := range sizes {
		got, _ := v.Bytes(i)
		for j, c := range got {
			if c != 0 {
				t.Fatalf("C buffer %d byte %d = %d, want zeroed memory", i, j, c)
			}
		}
		if base, _ := v.Base(i); base == nil {
			t.Fatalf("Base(%d) of a C buffer is nil", i)
		}
	}
	fuzzIovecClose(t, v)
}

// fuzzIovecCheck checks the count, the struct iovec array and each length.
func fuzzIovecCheck(t *testing.T, v *Iovec, n int, size func(int) int) {
	sl := v.Slice()
	if v.Len() != n || len(sl) != n || &sl[0] != v.Ptr() {
		t.Fatalf("Len %d, Slice %d entries at %p, Ptr %p; want %d", v.Len(), len(sl), &sl[0], v.Ptr(), n)
	}
	for i := 0; i < n; i++ {
		l, err := v.IovLen(i)
		b, err2 := v.Bytes(i)
		if err != nil || err2 != nil || l != size(i) || len(b) != l || sl[i].Len != uint64(l) {
			t.Fatalf("buffer %d: IovLen %d (%v), Bytes %d (%v), iov_len %d; want %d", i, l, err, len(b), err2, sl[i].Len, size(i))
		}
	}
	for _, i := range []int{-1, n, n + 1} {
		if _, err := v.Bytes(i); err == nil {
			t.Fatalf("Bytes(%d) of %d buffers gave no error", i, n)
		}
		if _, err := v.Base(i); err == nil {
			t.Fatalf("Base(%d) of %d buffers gave no error", i, n)
		}
		if _, err := v.IovLen(i); err == nil {
			t.Fatalf("IovLen(%d) of %d buffers gave no error", i, n)
		}
	}
}

// fuzzIovecClose closes v twice and checks that nothing answers after.
func fuzzIovecClose(t *testing.T, v *Iovec) {
	if err := v.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := v.Close(); !errors.Is(err, ErrIovecClosed) {
		t.Fatalf("second Close = %v, want ErrIovecClosed", err)
	}
	if v.Len() != 0 || v.Slice() != nil || v.Ptr() != nil {
		t.Fatalf("closed Iovec: Len %d, Slice %v, Ptr %p", v.Len(), v.Slice(), v.Ptr())
	}
	if _, err := v.Bytes(0); !errors.Is(err, ErrIovecClosed) {
		t.Fatalf("Bytes after Close = %v", err)
	}
}
