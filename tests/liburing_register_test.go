//go:build linux && cgo

package tests

// liburing 2.6 test/ programs of the register area: personalities, file
// tables, registered ring fds, restrictions.

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"unsafe"

	lu "github.com/liburing-go/liburing"
	"golang.org/x/sys/unix"
)

// regSetEuid sets the effective uid of the calling OS thread only (the raw
// system call; Go's own setters change every thread).
func regSetEuid(uid int) error {
	_, _, e := unix.RawSyscall(unix.SYS_SETRESUID, ^uintptr(0), uintptr(uid), ^uintptr(0))
	if e != 0 {
		return e
	}
	return nil
}

// TestLiburing_personality covers test/personality.c: credentials
// registered with IORING_REGISTER_PERSONALITY and named in an SQE open a
// file that the current (lowered) credentials cannot, alone and as the
// second of a link; an unknown personality id is EINVAL in the CQE and to
// unregister.
func TestLiburing_personality(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to switch credentials")
	}
	dir := t.TempDir()
	os.Chmod(dir, 0o755)
	fname := filepath.Join(dir, ".tmp.access")
	if err := os.WriteFile(fname, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	name := ltCStr(t, fname)
	ring := ltRing(t, 8, 0)
	open := func(cred int, withLink bool) int32 {
		n := 1
		if withLink {
			ltNop(t, ring, 1, lu.IOSQE_IO_LINK)
			n++
		}
		sqe := ltSQE(t, ring)
		lu.PrepOpenat(sqe, -1, name, unix.O_RDONLY, 0)
		lu.SQESetData64(sqe, 2)
		if cred >= 0 {
			sqe.Personality = uint16(cred)
		}
		ltSubmit(t, ring, n)
		got := ltWaitByUD(t, ring, n)
		if withLink {
			ltExpect(t, got[1], 1, 0)
		}
		if res := got[2].Res; res >= 0 {
			unix.Close(int(res))
		}
		return got[2].Res
	}

	id, err := lu.RegisterPersonality(ring)
	if err != nil {
		if errors.Is(err, unix.EINVAL) {
			t.Skip("kernel lacks personalities")
		}
		t.Fatalf("RegisterPersonality: %v", err)
	}
	if id <= 0 {
		t.Fatalf("RegisterPersonality id %d, want > 0", id)
	}
	if res := open(-1, false); res < 0 {
		t.Fatalf("open as root: %s", ltResName(res))
	}

	func() {
		// Lower this thread's credentials only; the ring is entered from it.
		runtime.LockOSThread()
		if err := regSetEuid(1000); err != nil {
			runtime.UnlockOSThread()
			t.Skipf("cannot switch to uid 1000: %v", err)
		}
		defer func() {
			if regSetEuid(0) == nil { // else the thread dies with the goroutine
				runtime.UnlockOSThread()
			}
		}()
		if res := open(-1, false); res != ltErrno(unix.EACCES) {
			t.Errorf("open as uid 1000: %s, want EACCES", ltResName(res))
		}
		if res := open(id, false); res < 0 {
			t.Errorf("open with the registered personality: %s", ltResName(res))
		}
		if res := open(id, true); res < 0 {
			t.Errorf("linked open with the registered personality: %s", ltResName(res))
		}
	}()
	if err := lu.UnregisterPersonality(ring, id); err != nil {
		t.Fatalf("UnregisterPersonality: %v", err)
	}
	if res := open(id+1, false); res != ltErrno(unix.EINVAL) {
		t.Errorf("open with an unknown personality: %s, want EINVAL", ltResName(res))
	}
	if err := lu.UnregisterPersonality(ring, id+1); !errors.Is(err, unix.EINVAL) {
		t.Errorf("UnregisterPersonality(unknown) = %v, want EINVAL", err)
	}
}

// TestLiburing_reg_hint covers test/reg-hint.c: after a sparse file table
// is unregistered, a SOCKET direct-alloc request finds no table and fails
// with ENFILE (the allocation hint was reset).
func TestLiburing_reg_hint(t *testing.T) {
	ltRequireOp(t, lu.IORING_OP_SOCKET)
	ring := ltRing(t, 1, 0)
	if err := lu.RegisterFilesSparse(ring, 16); err != nil {
		if errors.Is(err, unix.EINVAL) {
			t.Skip("kernel lacks sparse file tables")
		}
		t.Fatal(err)
	}
	if err := lu.UnregisterFiles(ring); err != nil {
		t.Fatal(err)
	}
	lu.PrepSocketDirectAlloc(ltSQE(t, ring), unix.AF_UNIX, unix.SOCK_DGRAM, 0, 0)
	if c := ltRun(t, ring); c.Res != ltErrno(unix.ENFILE) {
		t.Fatalf("socket direct alloc without a table: %s, want ENFILE", ltResName(c.Res))
	}
}

// TestLiburing_reg_reg_ring covers test/reg-reg-ring.c: closing or
// unregistering a ring fd that is not registered is EINVAL; registering it
// twice is EEXIST; register calls keep working through the registered fd
// (IORING_REGISTER_USE_REGISTERED_RING) before and after the plain fd is
// closed, and closing it twice is EBADF.
func TestLiburing_reg_reg_ring(t *testing.T) {
	ltLockThread(t) // registered ring fds belong to the thread
	ring := ltRing(t, 8, 0)
	ltRequireFeature(t, ring, lu.IORING_FEAT_REG_REG_RING, "IORING_FEAT_REG_REG_RING")
	if _, err := lu.CloseRingFd(ring); !errors.Is(err, unix.EINVAL) {
		t.Fatalf("CloseRingFd before registering: %v, want EINVAL", err)
	}
	if _, err := lu.UnregisterRingFd(ring); !errors.Is(err, unix.EINVAL) {
		t.Fatalf("UnregisterRingFd before registering: %v, want EINVAL", err)
	}
	if idx, err := lu.RegisterRingFd(ring); err != nil || idx < 0 {
		t.Fatalf("RegisterRingFd = %d, %v", idx, err)
	}
	if _, err := lu.RegisterRingFd(ring); !errors.Is(err, unix.EEXIST) {
		t.Fatalf("second RegisterRingFd: %v, want EEXIST", err)
	}
	workers := func(when string) {
		var v [2]uint32
		if err := lu.RegisterIowqMaxWorkers(ring, &v); err != nil || (v[0] == 0 && v[1] == 0) {
			t.Fatalf("%s: RegisterIowqMaxWorkers = %v, %v", when, v, err)
		}
	}
	workers("registered ring fd")
	if n, err := lu.CloseRingFd(ring); n != 1 || err != nil {
		t.Fatalf("CloseRingFd = %d, %v; want 1", n, err)
	}
	if ring.Fd() != -1 {
		t.Errorf("Fd() = %d after CloseRingFd, want -1", ring.Fd())
	}
	workers("plain fd closed")
	if _, err := lu.CloseRingFd(ring); !errors.Is(err, unix.EBADF) {
		t.Fatalf("second CloseRingFd: %v, want EBADF", err)
	}
	ltNop(t, ring, 9, 0) // the ring still works through the registered fd
	ltExpect(t, ltRun(t, ring), 9, 0)
}

// regRestrictedRing sets up an IORING_SETUP_R_DISABLED ring, registers
// res on it (skipping the test when the kernel has no restrictions) and
// optionally files, then enables it.
func regRestrictedRing(t *testing.T, res []lu.Restriction, files []int32) *lu.Ring {
	t.Helper()
	ring := ltRing(t, 8, lu.IORING_SETUP_R_DISABLED)
	if err := lu.RegisterRestrictions(ring, res); err != nil {
		if errors.Is(err, unix.EINVAL) && len(res) > 0 {
			t.Skipf("kernel lacks restrictions: %v", err)
		}
		t.Fatalf("RegisterRestrictions(%d entries): %v", len(res), err)
	}
	if files != nil {
		if err := lu.RegisterFiles(ring, files); err != nil {
			t.Fatalf("RegisterFiles before enabling: %v", err)
		}
	}
	if err := lu.EnableRings(ring); err != nil {
		t.Fatalf("EnableRings: %v", err)
	}
	return ring
}

func sqeOp(op uint8) lu.Restriction {
	return lu.Restriction{Opcode: lu.IORING_RESTRICTION_SQE_OP, Op: op}
}

// regWritev queues a WRITEV of the 8-byte iovec with the IOSQE flags.
func regWritev(t *testing.T, ring *lu.Ring, fd int, iov *lu.Iovec, flags uint32, ud uint64) {
	sqe := ltSQE(t, ring)
	lu.PrepWritev(sqe, fd, iov.Ptr(), 1, 0)
	lu.SQESetFlags(sqe, flags)
	lu.SQESetData64(sqe, ud)
}

// TestLiburing_register_restrictions covers test/register-restrictions.c:
// on a ring set up disabled, registered restrictions limit the SQE opcodes
// (others fail with EACCES), the register opcodes (EACCES), and the SQE
// flags (allowed and required sets); an empty set denies everything;
// restrictions on an enabled ring are EBADFD, and submitting to a disabled
// ring is EBADFD.
func TestLiburing_register_restrictions(t *testing.T) {
	eacces := ltErrno(unix.EACCES)
	t.Run("sqe_op", func(t *testing.T) {
		r, w := ltPipe(t, 0)
		iov := ltIovecs(t, 8)
		ring := regRestrictedRing(t, []lu.Restriction{sqeOp(lu.IORING_OP_WRITEV), sqeOp(lu.IORING_OP_WRITE)}, nil)
		regWritev(t, ring, w, iov, 0, 1)
		sqe := ltSQE(t, ring)
		lu.PrepReadv(sqe, r, iov.Ptr(), 1, 0)
		lu.SQESetData64(sqe, 2)
		ltSubmit(t, ring, 2)
		got := ltWaitByUD(t, ring, 2)
		ltExpect(t, got[1], 1, 8)
		ltExpect(t, got[2], 2, eacces)
	})
	t.Run("register_op", func(t *testing.T) {
		r, w := ltPipe(t, 0)
		iov := ltIovecs(t, 8)
		ring := regRestrictedRing(t, []lu.Restriction{{Opcode: lu.IORING_RESTRICTION_REGISTER_OP, Op: lu.IORING_REGISTER_BUFFERS}}, nil)
		if err := lu.RegisterBuffers(ring, iov.Slice()); err != nil {
			t.Errorf("allowed RegisterBuffers: %v", err)
		}
		if err := lu.RegisterFiles(ring, []int32{int32(r), int32(w)}); !errors.Is(err, unix.EACCES) {
			t.Errorf("denied RegisterFiles: %v, want EACCES", err)
		}
	})
	t.Run("fixed_file", func(t *testing.T) {
		r, w := ltPipe(t, 0)
		iov := ltIovecs(t, 8)
		ring := regRestrictedRing(t, []lu.Restriction{
			sqeOp(lu.IORING_OP_WRITEV), sqeOp(lu.IORING_OP_READV),
			{Opcode: lu.IORING_RESTRICTION_SQE_FLAGS_REQUIRED, Op: lu.IOSQE_FIXED_FILE},
			{Opcode: lu.IORING_RESTRICTION_REGISTER_OP, Op: lu.IORING_REGISTER_FILES},
		}, nil)
		if err := lu.RegisterFiles(ring, []int32{int32(r), int32(w)}); err != nil {
			t.Fatalf("allowed RegisterFiles: %v", err)
		}
		regWritev(t, ring, 1, iov, lu.IOSQE_FIXED_FILE, 1)
		sqe := ltSQE(t, ring)
		lu.PrepReadv(sqe, 0, iov.Ptr(), 1, 0)
		lu.SQESetFlags(sqe, lu.IOSQE_FIXED_FILE)
		lu.SQESetData64(sqe, 2)
		regWritev(t, ring, w, iov, 0, 3)
		ltSubmit(t, ring, 3)
		got := ltWaitByUD(t, ring, 3)
		ltExpect(t, got[1], 1, 8)
		ltExpect(t, got[2], 2, 8)
		ltExpect(t, got[3], 3, eacces)
	})
	t.Run("flags", func(t *testing.T) {
		r, w := ltPipe(t, 0)
		iov := ltIovecs(t, 8)
		ring := regRestrictedRing(t, []lu.Restriction{
			sqeOp(lu.IORING_OP_WRITEV),
			{Opcode: lu.IORING_RESTRICTION_SQE_FLAGS_ALLOWED, Op: lu.IOSQE_ASYNC | lu.IOSQE_IO_LINK},
			{Opcode: lu.IORING_RESTRICTION_SQE_FLAGS_REQUIRED, Op: lu.IOSQE_FIXED_FILE},
		}, []int32{int32(r), int32(w)})
		const fixed = lu.IOSQE_FIXED_FILE
		regWritev(t, ring, 1, iov, fixed, 1)
		regWritev(t, ring, 1, iov, fixed|lu.IOSQE_ASYNC, 2)
		regWritev(t, ring, 1, iov, fixed|lu.IOSQE_IO_LINK, 3)
		ltSubmit(t, ring, 3)
		for i, f := range []uint32{fixed | lu.IOSQE_IO_DRAIN, lu.IOSQE_IO_DRAIN, lu.IOSQE_ASYNC, 0} {
			fd := 1
			if f&fixed == 0 {
				fd = w
			}
			regWritev(t, ring, fd, iov, f, uint64(4+i))
			ltSubmit(t, ring, 1)
		}
		got := ltWaitByUD(t, ring, 7)
		for ud := uint64(1); ud <= 7; ud++ {
			want := int32(8)
			if ud >= 4 {
				want = eacces
			}
			ltExpect(t, got[ud], ud, want)
		}
	})
	t.Run("empty", func(t *testing.T) {
		// A set with no entries is valid for the kernel and liburing, and
		// denies every register opcode and every SQE opcode.
		r, w := ltPipe(t, 0)
		iov := ltIovecs(t, 8)
		ring := ltRing(t, 8, lu.IORING_SETUP_R_DISABLED)
		if err := lu.RegisterRestrictions(ring, []lu.Restriction{}); err != nil {
			t.Errorf("RegisterRestrictions(empty set) = %v, want nil (liburing passes nr 0 to the kernel)", err)
			// Check the rest of the scenario with the raw system call.
			arg := ltCNew[lu.Restriction](t)
			if _, err := lu.Register(uint32(ring.Fd()), lu.IORING_REGISTER_RESTRICTIONS, unsafe.Pointer(arg), 0); err != nil {
				t.Fatalf("IORING_REGISTER_RESTRICTIONS with nr 0: %v", err)
			}
		}
		if err := lu.EnableRings(ring); err != nil {
			t.Fatal(err)
		}
		if err := lu.RegisterBuffers(ring, iov.Slice()); !errors.Is(err, unix.EACCES) {
			t.Errorf("RegisterBuffers: %v, want EACCES", err)
		}
		if err := lu.RegisterFiles(ring, []int32{int32(r), int32(w)}); !errors.Is(err, unix.EACCES) {
			t.Errorf("RegisterFiles: %v, want EACCES", err)
		}
		regWritev(t, ring, w, iov, 0, 1)
		ltExpect(t, ltRun(t, ring), 1, eacces)
	})
	t.Run("rings_not_disabled", func(t *testing.T) {
		ring := ltRing(t, 8, 0)
		err := lu.RegisterRestrictions(ring, []lu.Restriction{sqeOp(lu.IORING_OP_WRITEV)})
		if !errors.Is(err, unix.EBADFD) {
			t.Errorf("RegisterRestrictions on an enabled ring: %v, want EBADFD", err)
		}
	})
	t.Run("rings_disabled", func(t *testing.T) {
		ring := ltRing(t, 8, lu.IORING_SETUP_R_DISABLED)
		ltNop(t, ring, 1, 0)
		if n, err := lu.Submit(ring); !errors.Is(err, unix.EBADFD) {
			t.Errorf("Submit to a disabled ring = %d, %v; want EBADFD", n, err)
		}
	})
}
