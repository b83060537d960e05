//go:build linux && cgo

package liburing

import (
	"testing"
	"unsafe"
)

// TestIovecAt checks Iovec.At for every index (Python's iovec[i] fails for
// i >= 1) and that changes through it reach the C array.
func TestIovecAt(t *testing.T) {
	bufs := [][]byte{[]byte("a"), []byte("bb"), []byte("ccc")}
	v, err := NewIovec(bufs)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	for i, b := range bufs {
		e := v.At(i)
		if e == nil || unsafe.Pointer(e.Base) != unsafePointer(b) || e.Len != uint64(len(b)) {
			t.Fatalf("At(%d) = %+v", i, e)
		}
		if e != &v.Slice()[i] {
			t.Errorf("At(%d) is not the array element", i)
		}
	}
	for _, i := range []int{-1, 3} {
		if v.At(i) != nil {
			t.Errorf("At(%d) is not nil", i)
		}
	}
	v.At(2).Len = 1
	if n, _ := v.IovLen(2); n != 1 {
		t.Errorf("IovLen(2) after At(2).Len = 1: %d", n)
	}
	v.Close()
	if v.At(0) != nil {
		t.Error("At after Close is not nil")
	}
	var nilIov *Iovec
	if nilIov.At(0) != nil {
		t.Error("At on nil Iovec is not nil")
	}
}
