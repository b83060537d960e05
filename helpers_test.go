//go:build linux && cgo

package liburing

import (
	"errors"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// newRing sets up a ring of the given size for one test and tears it down
// when the test ends.
func newRing(t testing.TB, entries uint32, flags uint32) *Ring {
	t.Helper()
	ring := new(Ring)
	if err := QueueInit(entries, ring, flags); err != nil {
		if errors.Is(err, unix.EINVAL) && flags != 0 {
			t.Skipf("io_uring_queue_init flags %#x: %v (kernel lacks the setup flag)", flags, err)
		}
		t.Fatalf("QueueInit(%d, %#x): %v", entries, flags, err)
	}
	t.Cleanup(func() { QueueExit(ring) })
	return ring
}

// userDataMarker is the user_data freshSQE sets; prep helpers leave it.
const userDataMarker = 0x1122334455667788

// freshSQE returns an SQE (in Go memory) in the state GetSQE hands one out:
// the fields io_uring_get_sqe clears are zero (flags, ioprio, op flags,
// buf_index, personality, file_index, addr3, pad2), while opcode, fd, off,
// addr, len and splice_fd_in's upper half keep stale 0xa5 bytes from an
// earlier use, so a test sees which of those a prep helper writes.
func freshSQE() *SQE {
	sqe := new(SQE)
	b := unsafe.Slice((*byte)(unsafe.Pointer(sqe)), unsafe.Sizeof(*sqe))
	for i := range b {
		b[i] = 0xa5
	}
	sqe.Flags, sqe.Ioprio, sqe.OpFlags, sqe.BufIndex, sqe.Personality = 0, 0, 0, 0, 0
	sqe.SpliceFdIn, sqe.Addr3, sqe.Pad2 = 0, 0, 0
	sqe.UserData = userDataMarker
	return sqe
}

// submitWait submits everything prepared and returns the next CQE's
// user_data and res, marking it seen.
func submitWait(t testing.TB, ring *Ring) (uint64, int32, uint32) {
	t.Helper()
	if _, err := Submit(ring); err != nil {
		t.Fatalf("Submit: %v", err)
	}
	cqe, err := WaitCQE(ring)
	if err != nil {
		t.Fatalf("WaitCQE: %v", err)
	}
	ud, res, fl := cqe.UserData, cqe.Res, cqe.Flags
	CQESeen(ring, cqe)
	return ud, res, fl
}

// requireOp skips the test when the kernel does not support op.
func requireOp(t testing.TB, op int) {
	t.Helper()
	p, err := GetProbe()
	if err != nil {
		t.Skipf("probe unavailable: %v", err)
	}
	defer FreeProbe(p)
	if !OpcodeSupported(p, op) {
		t.Skipf("kernel does not support %s (probe)", OpcodeName(op))
	}
}

func unsafePointer(b []byte) unsafe.Pointer { return unsafe.Pointer(unsafe.SliceData(b)) }
