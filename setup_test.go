//go:build linux && cgo

package liburing

import (
	"errors"
	"os"
	"runtime"
	"strconv"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// coreNops takes n SQEs and preps NOPs with user_data first, first+1, ...
// without submitting them.
func coreNops(t testing.TB, ring *Ring, first uint64, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		sqe := GetSQE(ring)
		if sqe == nil {
			t.Fatalf("GetSQE returned nil for NOP %d of %d", i, n)
		}
		PrepNop(sqe)
		SQESetData64(sqe, first+uint64(i))
	}
}

// coreIsRingFd reports whether fd is currently an io_uring file descriptor
// of this process.
func coreIsRingFd(fd int) bool {
	link, err := os.Readlink("/proc/self/fd/" + strconv.Itoa(fd))
	return err == nil && link == "anon_inode:[io_uring]"
}

// coreRoundTrip submits n NOPs and checks that each comes back once.
func coreRoundTrip(t testing.TB, ring *Ring, n int) {
	t.Helper()
	coreNops(t, ring, 1000, n)
	if got, err := SubmitAndWait(ring, uint32(n)); err != nil || got != n {
		t.Fatalf("SubmitAndWait = %d, %v; want %d", got, err, n)
	}
	for i := 0; i < n; i++ {
		cqe, err := PeekCQE(ring)
		if err != nil {
			t.Fatalf("PeekCQE %d: %v", i, err)
		}
		if cqe.UserData != 1000+uint64(i) || cqe.Res != 0 {
			t.Errorf("cqe %d: user_data %d res %d", i, cqe.UserData, cqe.Res)
		}
		CQESeen(ring, cqe)
	}
}

func TestCoreRingAccessors(t *testing.T) {
	ring := newRing(t, 8, 0)
	if fd := ring.Fd(); fd < 0 || !coreIsRingFd(fd) {
		t.Errorf("Fd() = %d, not an io_uring fd", fd)
	}
	if ring.Features()&IORING_FEAT_NODROP == 0 {
		t.Errorf("Features() = %#x lacks IORING_FEAT_NODROP", ring.Features())
	}
	if ring.Flags()&^IORING_SETUP_NO_SQARRAY != 0 {
		t.Errorf("Flags() = %#x, want 0 or IORING_SETUP_NO_SQARRAY", ring.Flags())
	}
	cq := newRing(t, 4, IORING_SETUP_CQE32)
	if cq.Flags()&IORING_SETUP_CQE32 == 0 {
		t.Errorf("CQE32 ring: Flags() = %#x", cq.Flags())
	}
	exited := new(Ring)
	if err := QueueInit(2, exited, 0); err != nil {
		t.Fatal(err)
	}
	QueueExit(exited)
	for name, r := range map[string]*Ring{"nil": nil, "zero": new(Ring), "exited": exited} {
		if r.Fd() != -1 || r.Flags() != 0 || r.Features() != 0 {
			t.Errorf("%s ring: Fd %d Flags %#x Features %#x, want -1, 0, 0", name, r.Fd(), r.Flags(), r.Features())
		}
	}
}

// TestSetupQueueMmap sets a ring up with the raw Setup, maps it with
// QueueMmap, runs NOPs through it and checks that QueueExit closes the fd.
func TestSetupQueueMmap(t *testing.T) {
	for _, flags := range []uint32{0, IORING_SETUP_NO_SQARRAY} {
		t.Run("flags="+strconv.FormatUint(uint64(flags), 16), func(t *testing.T) {
			p := Params{Flags: flags}
			fd, err := Setup(8, &p)
			if errors.Is(err, unix.EINVAL) && flags != 0 {
				t.Skipf("io_uring_setup flags %#x: %v (IORING_SETUP_NO_SQARRAY is Linux 6.6)", flags, err)
			}
			if err != nil || fd < 0 {
				t.Fatalf("Setup = %d, %v", fd, err)
			}
			if p.SQEntries != 8 || p.CQEntries != 16 || p.Features&IORING_FEAT_NODROP == 0 {
				t.Errorf("params: sq %d cq %d features %#x", p.SQEntries, p.CQEntries, p.Features)
			}
			var ring Ring
			if err := QueueMmap(fd, &p, &ring); err != nil {
				unix.Close(fd)
				t.Fatalf("QueueMmap: %v", err)
			}
			if ring.Fd() != fd || ring.Flags() != p.Flags || ring.Features() != p.Features {
				t.Errorf("ring fd %d flags %#x features %#x, want %d %#x %#x",
					ring.Fd(), ring.Flags(), ring.Features(), fd, p.Flags, p.Features)
			}
			if err := QueueMmap(fd, &p, &ring); !errors.Is(err, ErrRingInUse) {
				t.Errorf("QueueMmap on a set-up ring = %v, want ErrRingInUse", err)
			}
			// More NOPs than SQ entries: the SQ index array must map every slot.
			coreRoundTrip(t, &ring, 8)
			coreRoundTrip(t, &ring, 5)
			if err := QueueExit(&ring); err != nil {
				t.Fatal(err)
			}
			if coreIsRingFd(fd) {
				t.Errorf("fd %d is still open after QueueExit", fd)
			}
		})
	}
}

func TestSetupErrors(t *testing.T) {
	if _, err := Setup(0, &Params{}); !errors.Is(err, unix.EINVAL) {
		t.Errorf("Setup(0) = %v, want EINVAL", err)
	}
	if _, err := Setup(8, &Params{Flags: 1 << 31}); !errors.Is(err, unix.EINVAL) {
		t.Errorf("Setup(unknown flag) = %v, want EINVAL", err)
	}
	if _, err := Setup(8, nil); !errors.Is(err, unix.EFAULT) {
		t.Errorf("Setup(nil params) = %v, want EFAULT", err)
	}
	var ring Ring
	if err := QueueMmap(0, nil, &ring); !errors.Is(err, unix.EFAULT) {
		t.Errorf("QueueMmap(nil params) = %v, want EFAULT", err)
	}
	if err := QueueMmap(0, &Params{}, nil); !errors.Is(err, ErrNilRing) {
		t.Errorf("QueueMmap(nil ring) = %v, want ErrNilRing", err)
	}
	// A pipe is no io_uring: mapping it fails and leaves the ring unset.
	pr, _ := testPipe(t)
	p := Params{SQEntries: 8, CQEntries: 16, Features: IORING_FEAT_SINGLE_MMAP}
	p.SQOff.Array, p.CQOff.Cqes = 64, 64
	if err := QueueMmap(pr, &p, &ring); err == nil {
		QueueExit(&ring)
		t.Fatal("QueueMmap on a pipe succeeded")
	}
	if ring.CPtr() != nil {
		t.Error("failed QueueMmap left the ring set up")
	}
}

// coreMmap maps size bytes of shared anonymous memory for QueueInitMem.
func coreMmap(t testing.TB, size int) []byte {
	t.Helper()
	buf, err := unix.Mmap(-1, 0, size, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED|unix.MAP_ANONYMOUS)
	if err != nil {
		t.Fatalf("mmap: %v", err)
	}
	// liburing before 2.8 unmaps part of the buffer in QueueExit; munmap
	// of the whole range is still valid.
	t.Cleanup(func() { unix.Munmap(buf) })
	return buf
}

func TestQueueInitMem(t *testing.T) {
	page := os.Getpagesize()
	buf := coreMmap(t, 16*page)
	base := uintptr(unsafe.Pointer(&buf[0]))
	var ring Ring
	var p Params
	n, err := QueueInitMem(8, &ring, &p, unsafe.Pointer(&buf[0]), uint64(len(buf)))
	if errors.Is(err, unix.EINVAL) {
		t.Skipf("IORING_SETUP_NO_MMAP: %v (needs Linux 6.5)", err)
	}
	if err != nil {
		t.Fatalf("QueueInitMem: %v", err)
	}
	// 8 SQEs take a page and the rings another, however liburing rounds.
	if n < 2*page || n > len(buf) || n%page != 0 {
		t.Errorf("QueueInitMem used %d bytes of %d, want a page multiple >= %d", n, len(buf), 2*page)
	}
	if p.Flags&IORING_SETUP_NO_MMAP == 0 || ring.Flags()&IORING_SETUP_NO_MMAP == 0 {
		t.Errorf("params flags %#x ring flags %#x lack IORING_SETUP_NO_MMAP", p.Flags, ring.Flags())
	}
	sqe := GetSQE(&ring)
	if at := uintptr(unsafe.Pointer(sqe)); at < base || at >= base+uintptr(n) {
		t.Errorf("SQE at %#x is outside the buffer [%#x, %#x)", at, base, base+uintptr(n))
	}
	PrepNop(sqe)
	submitWait(t, &ring)
	coreRoundTrip(t, &ring, 8)
	if err := QueueExit(&ring); err != nil {
		t.Fatal(err)
	}

	// A nil buffer lets liburing allocate the memory. liburing 2.9 sizes
	// the ring mapping so that even a small ring asks for a huge page,
	// which fails with ENOMEM where none are reserved.
	p = Params{}
	n, err = QueueInitMem(4, &ring, &p, nil, 0)
	switch {
	case errors.Is(err, unix.ENOMEM) && MinorVersion() >= 7:
		t.Logf("QueueInitMem(nil buffer) with liburing 2.%d: %v (no huge page available)", MinorVersion(), err)
	case err != nil || n <= 0:
		t.Errorf("QueueInitMem(nil buffer) = %d, %v", n, err)
	default:
		coreRoundTrip(t, &ring, 4)
		QueueExit(&ring)
	}
}

func TestQueueInitMemErrors(t *testing.T) {
	page := os.Getpagesize()
	buf := coreMmap(t, page)
	var ring Ring
	if _, err := QueueInitMem(8, &ring, &Params{}, unsafe.Pointer(&buf[0]), uint64(len(buf))); !errors.Is(err, unix.ENOMEM) {
		QueueExit(&ring)
		t.Errorf("QueueInitMem(one page) = %v, want ENOMEM", err)
	}
	if ring.CPtr() != nil {
		t.Error("failed QueueInitMem left the ring set up")
	}
	if _, err := QueueInitMem(8, &ring, nil, unsafe.Pointer(&buf[0]), uint64(len(buf))); !errors.Is(err, unix.EFAULT) {
		t.Errorf("QueueInitMem(nil params) = %v, want EFAULT", err)
	}
	if _, err := QueueInitMem(8, nil, &Params{}, unsafe.Pointer(&buf[0]), uint64(len(buf))); !errors.Is(err, ErrNilRing) {
		t.Errorf("QueueInitMem(nil ring) = %v, want ErrNilRing", err)
	}
}

func TestRingDontfork(t *testing.T) {
	ring := newRing(t, 8, 0)
	if err := RingDontfork(ring); err != nil {
		t.Fatalf("RingDontfork: %v", err)
	}
	// The mappings stay usable in this process.
	coreRoundTrip(t, ring, 3)
}

// TestCloseRingFd: without a registered ring fd CloseRingFd fails with
// EINVAL; after RegisterRingFd the plain fd is closed and the ring keeps
// working through the registered one.
func TestCloseRingFd(t *testing.T) {
	runtime.LockOSThread() // the registration is per thread; never unlocked
	ring := newRing(t, 8, 0)
	if ring.Features()&IORING_FEAT_REG_REG_RING == 0 {
		if _, err := CloseRingFd(ring); !errors.Is(err, unix.EOPNOTSUPP) {
			t.Errorf("CloseRingFd without IORING_FEAT_REG_REG_RING = %v, want EOPNOTSUPP", err)
		}
		t.Skip("kernel lacks IORING_FEAT_REG_REG_RING (Linux 6.3)")
	}
	if n, err := CloseRingFd(ring); !errors.Is(err, unix.EINVAL) {
		t.Errorf("CloseRingFd before registering = %d, %v; want EINVAL", n, err)
	}
	if _, err := RegisterRingFd(ring); err != nil {
		t.Fatalf("RegisterRingFd: %v", err)
	}
	fd := ring.Fd()
	if n, err := CloseRingFd(ring); err != nil || n != 1 {
		t.Fatalf("CloseRingFd = %d, %v; want 1", n, err)
	}
	if ring.Fd() != -1 {
		t.Errorf("Fd() after CloseRingFd = %d, want -1", ring.Fd())
	}
	if coreIsRingFd(fd) {
		t.Errorf("fd %d still open after CloseRingFd", fd)
	}
	coreRoundTrip(t, ring, 4)
	if _, err := CloseRingFd(ring); !errors.Is(err, unix.EBADF) {
		t.Errorf("second CloseRingFd = %v, want EBADF", err)
	}
}

func TestMlockSize(t *testing.T) {
	ring := newRing(t, 2, 0)
	page := os.Getpagesize()
	if ring.Features()&IORING_FEAT_NATIVE_WORKERS != 0 {
		// Ring memory is charged to the cgroup, not RLIMIT_MEMLOCK.
		if n, err := MlockSize(8, 0); n != 0 || err != nil {
			t.Errorf("MlockSize(8, 0) = %d, %v; want 0", n, err)
		}
		if n, err := MlockSizeParams(64, &Params{Flags: IORING_SETUP_CQSIZE, CQEntries: 256}); n != 0 || err != nil {
			t.Errorf("MlockSizeParams(64, CQSIZE 256) = %d, %v; want 0", n, err)
		}
	}
	if _, err := MlockSize(0, 0); !errors.Is(err, unix.EINVAL) {
		t.Errorf("MlockSize(0, 0) = %v, want EINVAL", err)
	}
	if _, err := MlockSize(1<<20, 0); !errors.Is(err, unix.EINVAL) {
		t.Errorf("MlockSize(1<<20, 0) = %v, want EINVAL", err)
	}
	// The probe ring cannot be set up with that many entries, so liburing
	// computes the size for the clamped ring.
	if n, err := MlockSize(1<<20, IORING_SETUP_CLAMP); err != nil || n <= 0 || n%page != 0 {
		t.Errorf("MlockSize(1<<20, CLAMP) = %d, %v; want a positive page multiple", n, err)
	}
	small, err1 := MlockSizeParams(1<<20, &Params{Flags: IORING_SETUP_CLAMP})
	big, err2 := MlockSizeParams(1<<20, &Params{Flags: IORING_SETUP_CLAMP | IORING_SETUP_CQE32})
	if err1 != nil || err2 != nil || big <= small {
		t.Errorf("MlockSizeParams clamped: %d, %v; with CQE32 %d, %v; want the CQE32 ring larger", small, err1, big, err2)
	}
	if _, err := MlockSizeParams(8, nil); !errors.Is(err, unix.EFAULT) {
		t.Errorf("MlockSizeParams(nil) = %v, want EFAULT", err)
	}
}
