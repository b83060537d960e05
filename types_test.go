//go:build linux && cgo

package liburing

import (
	"testing"
	"unsafe"
)

// TestSQECmd: on an IORING_SETUP_SQE128 ring the cmd area is 80 bytes from
// addr3 (offset 48) to the end of the 128-byte SQE, 16 bytes on a normal one.
func TestSQECmd(t *testing.T) {
	ring := newRing(t, 4, IORING_SETUP_SQE128)
	sqe := GetSQE(ring)
	cmd := sqe.Cmd(true)
	if len(cmd) != 80 || unsafe.Pointer(&cmd[0]) != unsafe.Add(unsafe.Pointer(sqe), 48) {
		t.Fatalf("cmd: len %d at offset %d", len(cmd), uintptr(unsafe.Pointer(&cmd[0]))-uintptr(unsafe.Pointer(sqe)))
	}
	cmd[79] = 0x5a // the last byte of the 128-byte SQE
	if b := (*[128]byte)(unsafe.Pointer(sqe)); b[127] != 0x5a {
		t.Error("cmd[79] is not byte 127 of the SQE")
	}
	PrepNop(sqe)
	if got := len(new(SQE).Cmd(false)); got != 16 {
		t.Errorf("Cmd(false) has %d bytes, want 16", got)
	}
	// The next SQE of an SQE128 ring starts 128 bytes on.
	if next := GetSQE(ring); uintptr(unsafe.Pointer(next))-uintptr(unsafe.Pointer(sqe)) != 128 {
		t.Errorf("SQE128 stride %d", uintptr(unsafe.Pointer(next))-uintptr(unsafe.Pointer(sqe)))
	} else {
		PrepNop(next)
	}
	if _, err := SubmitAndWait(ring, 2); err != nil {
		t.Fatal(err)
	}
}

// TestBigCQE: on an IORING_SETUP_CQE32 ring each CQE has 16 more bytes,
// which BigCQE reaches; a NOP leaves them zero.
func TestBigCQE(t *testing.T) {
	ring := newRing(t, 4, IORING_SETUP_CQE32)
	sqe := GetSQE(ring)
	PrepNop(sqe)
	SQESetData64(sqe, 77)
	if _, err := Submit(ring); err != nil {
		t.Fatal(err)
	}
	cqe, err := WaitCQE(ring)
	if err != nil {
		t.Fatal(err)
	}
	big := cqe.BigCQE()
	if unsafe.Pointer(big) != unsafe.Add(unsafe.Pointer(cqe), 16) {
		t.Error("BigCQE is not at offset 16")
	}
	if cqe.UserData != 77 || big[0] != 0 || big[1] != 0 {
		t.Errorf("NOP big_cqe = %#x", *big)
	}
	CQESeen(ring, cqe)
}

// TestBufRingOverlay: the buffer ring's tail overlays bufs[0].resv
// (offset 14), as the ABI defines.
func TestBufRingOverlay(t *testing.T) {
	var mem [4]Buf
	br := (*BufRing)(unsafe.Pointer(&mem[0]))
	bufs := br.Bufs(4)
	if len(bufs) != 4 || &bufs[3] != &mem[3] {
		t.Fatal("Bufs does not cover the ring's slots")
	}
	bufs[0].Resv = 7
	if br.Tail != 7 {
		t.Errorf("tail %d after bufs[0].resv = 7", br.Tail)
	}
}

// TestRingFromC: a Ring wrapping the same struct io_uring submits on it.
func TestRingFromC(t *testing.T) {
	if RingFromC(nil) != nil {
		t.Error("RingFromC(nil) is not nil")
	}
	ring := newRing(t, 2, 0)
	alias := RingFromC(ring.CPtr())
	if alias.CPtr() != ring.CPtr() {
		t.Fatal("CPtr differs")
	}
	sqe := GetSQE(alias)
	PrepNop(sqe)
	SQESetData64(sqe, 5)
	// Submitted through the alias, reaped through the original.
	if n, err := Submit(alias); n != 1 || err != nil {
		t.Fatalf("Submit through the alias = %d, %v", n, err)
	}
	cqe, err := WaitCQE(ring)
	if err != nil {
		t.Fatal(err)
	}
	if cqe.Res != 0 || cqe.UserData != 5 {
		t.Errorf("cqe through the alias: res %d user_data %d", cqe.Res, cqe.UserData)
	}
	CQESeen(ring, cqe)
}
