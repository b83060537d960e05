//go:build linux && cgo

package liburing

import (
	"encoding/binary"
	"errors"
	"slices"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// regWantErr fails the test unless err is want.
func regWantErr(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("%s: %v, want %v", what, err, want)
	}
}

// regNop submits a NOP with the given SQE flags and personality and returns
// its res.
func regNop(t *testing.T, ring *Ring, flags uint8, personality uint16) int32 {
	t.Helper()
	testPrep(t, ring, 0x4e4f50, func(s *SQE) {
		PrepNop(s)
		SQESetFlags(s, uint32(flags))
		s.Personality = personality // liburing has no setter for it
	})
	res, _ := testRun(t, ring, 0x4e4f50)
	return res
}

// regCollectTags waits until CQEs with each of the user_data values in want
// have arrived (resource tag CQEs, posted when a tagged file or buffer is
// released), submitting NOPs to drive the ring, and fails on any other
// non-NOP CQE or after a few seconds. Tag CQEs have res 0.
func regCollectTags(t *testing.T, ring *Ring, want ...uint64) {
	t.Helper()
	var got []uint64
	deadline := time.Now().Add(5 * time.Second)
	for len(got) < len(want) && time.Now().Before(deadline) {
		PrepNop(testSQE(t, ring, 0x4e4f50))
		if _, err := SubmitAndWait(ring, 1); err != nil {
			t.Fatalf("SubmitAndWait: %v", err)
		}
		for {
			cqe, err := PeekCQE(ring)
			if err != nil {
				break
			}
			ud, res := cqe.UserData, cqe.Res
			CQESeen(ring, cqe)
			if ud == 0x4e4f50 {
				continue
			}
			if !slices.Contains(want, ud) || res != 0 {
				t.Fatalf("unexpected CQE user_data %#x res %d (want tags %#x)", ud, res, want)
			}
			got = append(got, ud)
		}
		if len(got) < len(want) {
			time.Sleep(10 * time.Millisecond)
		}
	}
	slices.Sort(got)
	want = slices.Sorted(slices.Values(want))
	if !slices.Equal(got, want) {
		t.Fatalf("tag CQEs %#x, want %#x", got, want)
	}
}

// regNoCQE fails if a CQE is waiting.
func regNoCQE(t *testing.T, ring *Ring) {
	t.Helper()
	if cqe, err := PeekCQE(ring); err == nil {
		t.Fatalf("unexpected CQE user_data %#x res %d", cqe.UserData, cqe.Res)
	}
}

// TestRegisterRaw drives io_uring_register(2) through Register on a ring
// set up with the raw io_uring_setup(2) system call (Setup), without a
// struct io_uring.
func TestRegisterRaw(t *testing.T) {
	var params Params
	ringFd, err := Setup(4, &params)
	if err != nil {
		t.Fatalf("Setup: %v", err)
	}
	defer unix.Close(ringFd)
	fd := uint32(ringFd)

	p, err := NewProbe(probeOpsMax)
	if err != nil {
		t.Fatal(err)
	}
	defer FreeProbe(p)
	if n, err := Register(fd, IORING_REGISTER_PROBE, p.CPtr(), probeOpsMax); err != nil || n != 0 {
		t.Fatalf("Register(PROBE) = %d, %v", n, err)
	}
	if !OpcodeSupported(p, IORING_OP_NOP) || !OpcodeSupported(p, IORING_OP_READ) || p.LastOp() < IORING_OP_READ {
		t.Errorf("raw probe: last_op %d, NOP %v, READ %v", p.LastOp(), OpcodeSupported(p, IORING_OP_NOP), OpcodeSupported(p, IORING_OP_READ))
	}

	id, err := Register(fd, IORING_REGISTER_PERSONALITY, nil, 0)
	if err != nil || id <= 0 {
		t.Fatalf("Register(PERSONALITY) = %d, %v", id, err)
	}
	if n, err := Register(fd, IORING_UNREGISTER_PERSONALITY, nil, uint32(id)); err != nil || n != 0 {
		t.Fatalf("Register(UNREGISTER_PERSONALITY, %d) = %d, %v", id, n, err)
	}
	_, err = Register(fd, IORING_UNREGISTER_PERSONALITY, nil, uint32(id))
	regWantErr(t, "second UNREGISTER_PERSONALITY", err, unix.EINVAL)

	var vals [2]uint32 // in/out argument in Go memory, read and written during the call
	if _, err := Register(fd, IORING_REGISTER_IOWQ_MAX_WORKERS, unsafe.Pointer(&vals), 2); err != nil {
		t.Errorf("Register(IOWQ_MAX_WORKERS): %v", err)
	}
	_, err = Register(fd, IORING_UNREGISTER_FILES, nil, 0)
	regWantErr(t, "UNREGISTER_FILES without files", err, unix.ENXIO)
	_, err = Register(fd, IORING_REGISTER_LAST+100, nil, 0)
	regWantErr(t, "unknown opcode", err, unix.EINVAL)

	rfd, _ := testPipe(t)
	_, err = Register(uint32(rfd), IORING_REGISTER_PERSONALITY, nil, 0)
	regWantErr(t, "Register on a pipe", err, unix.EOPNOTSUPP)
	_, err = Register(^uint32(0)>>2, IORING_REGISTER_PERSONALITY, nil, 0)
	regWantErr(t, "Register on a bad fd", err, unix.EBADF)
}

func TestRegisterProbe(t *testing.T) {
	ring := newRing(t, 2, 0)
	ref, err := GetProbeRing(ring)
	if err != nil {
		t.Fatal(err)
	}
	defer FreeProbe(ref)

	p, err := NewProbe(probeOpsMax)
	if err != nil {
		t.Fatal(err)
	}
	defer FreeProbe(p)
	if p.LastOp() != 0 || len(p.Ops()) != 0 || OpcodeSupported(p, IORING_OP_NOP) {
		t.Fatal("a new probe is not empty")
	}
	if err := RegisterProbe(ring, p, probeOpsMax); err != nil {
		t.Fatalf("RegisterProbe: %v", err)
	}
	if p.LastOp() != ref.LastOp() || !slices.Equal(p.Ops(), ref.Ops()) {
		t.Errorf("RegisterProbe: last_op %d, %d ops; GetProbeRing: last_op %d, %d ops",
			p.LastOp(), len(p.Ops()), ref.LastOp(), len(ref.Ops()))
	}
	// The kernel insists on a zeroed probe.
	regWantErr(t, "RegisterProbe on a filled probe", RegisterProbe(ring, p, probeOpsMax), unix.EINVAL)

	// A probe with room for 4 ops: the kernel fills 4, and the ops past its
	// room read as unsupported.
	small, err := NewProbe(4)
	if err != nil {
		t.Fatal(err)
	}
	defer FreeProbe(small)
	regWantErr(t, "RegisterProbe past the probe's room", RegisterProbe(ring, small, 5), unix.EINVAL)
	if err := RegisterProbe(ring, small, 4); err != nil {
		t.Fatalf("RegisterProbe(4): %v", err)
	}
	if ops := small.Ops(); len(ops) != 4 || !slices.Equal(ops, ref.Ops()[:4]) {
		t.Errorf("small probe ops %v, want %v", ops, ref.Ops()[:4])
	}
	if small.LastOp() != ref.LastOp() {
		t.Errorf("small probe last_op %d, want %d", small.LastOp(), ref.LastOp())
	}
	if !OpcodeSupported(small, IORING_OP_NOP) || OpcodeSupported(small, IORING_OP_READ) || OpcodeSupported(small, -1) {
		t.Error("small probe: NOP must be supported, READ (past its room) and -1 not")
	}

	for _, n := range []uint32{0, probeOpsMax + 1} {
		if _, err := NewProbe(n); !errors.Is(err, unix.EINVAL) {
			t.Errorf("NewProbe(%d) = %v, want EINVAL", n, err)
		}
	}
	FreeProbe(small)
	FreeProbe(small)
	regWantErr(t, "RegisterProbe on a freed probe", RegisterProbe(ring, small, 1), unix.EFAULT)
}

func TestRegisterEventfd(t *testing.T) {
	ring := newRing(t, 4, 0)
	efd, err := unix.Eventfd(0, unix.EFD_NONBLOCK|unix.EFD_CLOEXEC)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(efd)
	count := func() (uint64, error) {
		var b [8]byte
		if _, err := unix.Read(efd, b[:]); err != nil {
			return 0, err
		}
		return binary.NativeEndian.Uint64(b[:]), nil
	}

	regWantErr(t, "UnregisterEventfd with none", UnregisterEventfd(ring), unix.ENXIO)
	if err := RegisterEventfd(ring, efd); err != nil {
		t.Fatalf("RegisterEventfd: %v", err)
	}
	regWantErr(t, "second RegisterEventfd", RegisterEventfd(ring, efd), unix.EBUSY)
	if res := regNop(t, ring, 0, 0); res != 0 {
		t.Fatalf("NOP res %d", res)
	}
	if n, err := count(); err != nil || n < 1 {
		t.Fatalf("eventfd after a NOP: %d, %v; want >= 1", n, err)
	}
	if err := UnregisterEventfd(ring); err != nil {
		t.Fatalf("UnregisterEventfd: %v", err)
	}
	regWantErr(t, "second UnregisterEventfd", UnregisterEventfd(ring), unix.ENXIO)
	regNop(t, ring, 0, 0)
	if n, err := count(); !errors.Is(err, unix.EAGAIN) {
		t.Fatalf("eventfd after unregister: %d, %v; want EAGAIN", n, err)
	}
	rfd, _ := testPipe(t)
	regWantErr(t, "RegisterEventfd(pipe)", RegisterEventfd(ring, rfd), unix.EINVAL)
	regWantErr(t, "RegisterEventfd(-1)", RegisterEventfd(ring, -1), unix.EBADF)
}

// TestRegisterEventfdAsync: an async eventfd is signalled only for
// completions posted from io-wq, as a NOP with IOSQE_ASYNC is.
func TestRegisterEventfdAsync(t *testing.T) {
	ring := newRing(t, 4, 0)
	efd, err := unix.Eventfd(0, unix.EFD_NONBLOCK|unix.EFD_CLOEXEC)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(efd)
	var b [8]byte

	if err := RegisterEventfdAsync(ring, efd); err != nil {
		t.Fatalf("RegisterEventfdAsync: %v", err)
	}
	regNop(t, ring, 0, 0)
	if _, err := unix.Read(efd, b[:]); !errors.Is(err, unix.EAGAIN) {
		t.Fatalf("eventfd after an inline NOP: %v, want EAGAIN", err)
	}
	if res := regNop(t, ring, IOSQE_ASYNC, 0); res != 0 {
		t.Fatalf("async NOP res %d", res)
	}
	// The worker signals right after posting the CQE: wait for it.
	pfd := []unix.PollFd{{Fd: int32(efd), Events: unix.POLLIN}}
	var n int
	err = testRetryEINTR(func() (err error) { n, err = unix.Poll(pfd, 5000); return err })
	if err != nil || n != 1 {
		t.Fatalf("eventfd not signalled after an async NOP: poll %d, %v", n, err)
	}
	if _, err := unix.Read(efd, b[:]); err != nil || binary.NativeEndian.Uint64(b[:]) < 1 {
		t.Fatalf("eventfd read %d, %v", binary.NativeEndian.Uint64(b[:]), err)
	}
	regWantErr(t, "RegisterEventfd over an async one", RegisterEventfd(ring, efd), unix.EBUSY)
	if err := UnregisterEventfd(ring); err != nil {
		t.Fatal(err)
	}
}

// TestRegisterPersonality: a registered personality is usable in an SQE
// until it is unregistered.
func TestRegisterPersonality(t *testing.T) {
	ring := newRing(t, 4, 0)
	id, err := RegisterPersonality(ring)
	if err != nil || id <= 0 {
		t.Fatalf("RegisterPersonality = %d, %v; want an id > 0", id, err)
	}
	id2, err := RegisterPersonality(ring)
	if err != nil || id2 <= 0 || id2 == id {
		t.Fatalf("second RegisterPersonality = %d, %v (first %d)", id2, err, id)
	}
	if res := regNop(t, ring, 0, uint16(id)); res != 0 {
		t.Fatalf("NOP with personality %d: res %d", id, res)
	}
	if err := UnregisterPersonality(ring, id); err != nil {
		t.Fatalf("UnregisterPersonality(%d): %v", id, err)
	}
	regWantErr(t, "second UnregisterPersonality", UnregisterPersonality(ring, id), unix.EINVAL)
	if res := regNop(t, ring, 0, uint16(id)); res != -int32(unix.EINVAL) {
		t.Fatalf("NOP with an unregistered personality: res %d, want -EINVAL", res)
	}
	if err := UnregisterPersonality(ring, id2); err != nil {
		t.Fatal(err)
	}
}
