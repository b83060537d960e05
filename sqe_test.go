//go:build linux && cgo

package liburing

import (
	"runtime/cgo"
	"testing"
	"unsafe"
)

func TestSQESetDataSQE(t *testing.T) {
	mem := testCMem(t, 8)
	p := unsafe.Pointer(&mem[0])
	fresh := *freshSQE()
	with := func(f func(*SQE)) SQE { s := fresh; f(&s); return s }
	tests := []testSQECase{
		// Only user_data (or flags) changes; stale fields stay.
		{"set_data", func(s *SQE) { SQESetData(s, p) }, with(func(s *SQE) { s.UserData = testAddr(&mem[0]) })},
		{"set_data nil", func(s *SQE) { SQESetData(s, nil) }, with(func(s *SQE) { s.UserData = 0 })},
		{"set_data64 max", func(s *SQE) { SQESetData64(s, ^uint64(0)) }, with(func(s *SQE) { s.UserData = ^uint64(0) })},
		{"set_flags", func(s *SQE) { SQESetFlags(s, IOSQE_IO_LINK|IOSQE_BUFFER_SELECT) },
			with(func(s *SQE) { s.Flags = IOSQE_IO_LINK | IOSQE_BUFFER_SELECT })},
		{"set_flags truncated to 8 bits", func(s *SQE) { SQESetFlags(s, 0x1ff) }, with(func(s *SQE) { s.Flags = 0xff })},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sqe := freshSQE()
			tt.prep(sqe)
			if *sqe != tt.want {
				t.Errorf("SQE\n got %+v\nwant %+v", *sqe, tt.want)
			}
		})
	}
}

// TestSQESetDataRoundTrip: a C pointer set with SQESetData comes back from
// CQEGetData after a NOP.
func TestSQESetDataRoundTrip(t *testing.T) {
	mem := testCMem(t, 8)
	p := unsafe.Pointer(&mem[3])
	ring := newRing(t, 4, 0)
	sqe := GetSQE(ring)
	PrepNop(sqe)
	SQESetData(sqe, p)
	if _, err := Submit(ring); err != nil {
		t.Fatal(err)
	}
	cqe, err := WaitCQE(ring)
	if err != nil {
		t.Fatal(err)
	}
	defer CQESeen(ring, cqe)
	if got := CQEGetData(cqe); got != p || cqe.Res != 0 {
		t.Errorf("CQEGetData = %p res %d, want %p and 0", got, cqe.Res, p)
	}
	if CQEGetData64(cqe) != uint64(uintptr(p)) {
		t.Errorf("CQEGetData64 = %#x, want %p", CQEGetData64(cqe), p)
	}
}

// TestSQESetDataCgoHandle: the way to carry a Go value through user_data.
func TestSQESetDataCgoHandle(t *testing.T) {
	type request struct{ name string }
	want := &request{"nop"}
	ring := newRing(t, 4, 0)
	h := cgo.NewHandle(want)
	sqe := GetSQE(ring)
	PrepNop(sqe)
	SQESetData64(sqe, uint64(h))
	if _, err := Submit(ring); err != nil {
		t.Fatal(err)
	}
	cqe, err := WaitCQE(ring)
	if err != nil {
		t.Fatal(err)
	}
	back := cgo.Handle(CQEGetData64(cqe))
	CQESeen(ring, cqe)
	got, ok := back.Value().(*request)
	back.Delete()
	if !ok || got != want {
		t.Errorf("handle value %v, want %v", got, want)
	}
}
