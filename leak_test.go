//go:build linux && cgo

package liburing

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Leaks: setting up and tearing down rings, buffer rings, registered
// buffers and registered files many times leaves no file descriptor, no
// mapping and no pinned memory behind.
//
// Each check runs LIBURING_GO_LEAKS cycles, 10,000 by default (about a
// second in all, under the race detector too; make test-leaks LEAKS=n runs
// only these tests, n cycles each).

// leakCycles is the number of set-up and tear-down cycles per test.
func leakCycles(t *testing.T) int {
	if s := os.Getenv("LIBURING_GO_LEAKS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			t.Fatalf("LIBURING_GO_LEAKS=%q: want a positive count", s)
		}
		return n
	}
	return 10000
}

// procState is what a leak would grow: open descriptors, mappings of
// io_uring memory, all mappings and their size, and pinned memory.
type procState struct {
	fds       int
	uringMaps int    // mappings of an io_uring fd (SQ/CQ rings, SQEs)
	maps      int    // all mappings
	mapped    uint64 // bytes mapped with some access (not PROT_NONE reservations)
	vmPinKB   uint64 // VmPin of /proc/self/status
	threads   int    // Threads of /proc/self/status
}

func (s procState) String() string {
	return fmt.Sprintf("%d fds, %d io_uring mappings, %d mappings of %d KiB, VmPin %d KiB, %d threads",
		s.fds, s.uringMaps, s.maps, s.mapped>>10, s.vmPinKB, s.threads)
}

// readProcState reads /proc/self after a collection (so that finalizers of
// os.File and friends have run).
func readProcState(t *testing.T) procState {
	t.Helper()
	runtime.GC()
	var s procState
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	s.fds = len(ents) - 1 // minus the directory's own descriptor
	maps, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(bytes.NewReader(maps))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		var lo, hi uint64
		if _, err := fmt.Sscanf(f[0], "%x-%x", &lo, &hi); err != nil {
			t.Fatalf("maps line %q: %v", sc.Text(), err)
		}
		s.maps++
		if f[1] != "---p" {
			s.mapped += hi - lo
		}
		if len(f) >= 6 && strings.Contains(f[5], "io_uring") {
			s.uringMaps++
		}
	}
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmPin:"); ok {
			s.vmPinKB, _ = strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
		}
		if v, ok := strings.CutPrefix(line, "Threads:"); ok {
			s.threads, _ = strconv.Atoi(strings.TrimSpace(v))
		}
	}
	return s
}

// leakCheck runs cycle n times after a few warm-up cycles and fails if
// descriptors, io_uring mappings or pinned memory grew at all, or if the
// other mappings grew in both halves of the run beyond what new threads
// explain: a leak grows with every cycle, while the process grows in steps
// (a new thread's stack and malloc arena, Go's heap). It stays on one OS
// thread, so that C's malloc does not open arenas for other threads.
func leakCheck(t *testing.T, what string, cycle func(i int) error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	n := leakCycles(t)
	for i := 0; i < 3; i++ {
		if err := cycle(i); err != nil {
			t.Fatalf("%s warm-up: %v", what, err)
		}
	}
	run := func(from, to int) {
		for i := from; i < to; i++ {
			if err := cycle(i); err != nil {
				t.Fatalf("%s cycle %d: %v", what, i, err)
			}
		}
	}
	before := readProcState(t)
	start := time.Now()
	run(0, n/2)
	mid := readProcState(t)
	run(n/2, n)
	took := time.Since(start)
	after := readProcState(t)
	t.Logf("%d cycles of %s in %v\nbefore: %v\nhalf:   %v\nafter:  %v", n, what, took.Round(time.Millisecond), before, mid, after)
	// A half grew if it mapped more than a little slack plus, for each new
	// thread, its stack, guard and arena (8 MiB stacks here; 16 MiB allowed).
	grewIn := func(a, b procState) bool {
		threads := uint64(max(b.threads-a.threads, 0))
		return b.maps > a.maps+2+6*int(threads) || b.mapped > a.mapped+(1<<20)+threads*(16<<20)
	}
	// Under -asan the C allocator's quarantine grows the mappings by design.
	// Counts may fall: the kernel tears down an earlier test's rings and
	// unpins their pages asynchronously.
	if after.fds > before.fds || after.uringMaps > before.uringMaps || after.vmPinKB > before.vmPinKB ||
		(!asanEnabled && grewIn(before, mid) && grewIn(mid, after)) {
		t.Errorf("%s leaks over %d cycles:\nbefore: %v\nhalf:   %v\nafter:  %v", what, n, before, mid, after)
	}
}

// TestLeakRings sets up and exits rings, with and without a registered ring
// fd and with a CQ larger than the SQ.
func TestLeakRings(t *testing.T) {
	leakCheck(t, "QueueInit/QueueExit", func(i int) error {
		var ring Ring
		if err := QueueInit(4, &ring, 0); err != nil {
			return err
		}
		return QueueExit(&ring)
	})
	leakCheck(t, "QueueInitParams(CQSIZE)/RegisterRingFd/QueueExit", func(i int) error {
		var ring Ring
		p := Params{Flags: IORING_SETUP_CQSIZE, CQEntries: 64}
		if err := QueueInitParams(8, &ring, &p); err != nil {
			return err
		}
		if _, err := RegisterRingFd(&ring); err != nil {
			QueueExit(&ring)
			return err
		}
		return QueueExit(&ring)
	})
}

// TestLeakBufRings sets up and frees buffer rings on one ring.
func TestLeakBufRings(t *testing.T) {
	ring := newRing(t, 4, 0)
	leakCheck(t, "SetupBufRing/FreeBufRing", func(i int) error {
		bgid := i % 4
		br, err := SetupBufRing(ring, 16, bgid, 0)
		if err != nil {
			return err
		}
		return FreeBufRing(ring, br, 16, bgid)
	})
}

// TestLeakRegistered registers and unregisters buffers (pinned by the
// kernel, in VmPin) and files on one ring.
func TestLeakRegistered(t *testing.T) {
	ring := newRing(t, 4, 0)
	buf, err := AllocBuffer(64 << 10)
	if err != nil {
		t.Fatal(err)
	}
	defer FreeBuffer(buf)
	iov := []unix.Iovec{
		{Base: &buf[0], Len: 32 << 10},
		{Base: (*byte)(unsafe.Add(unsafe.Pointer(&buf[0]), 32<<10)), Len: 32 << 10},
	}
	leakCheck(t, "RegisterBuffers/UnregisterBuffers", func(i int) error {
		if err := RegisterBuffers(ring, iov); err != nil {
			return err
		}
		if i == 0 {
			leakFdinfo(t, ring, "UserBufs:", 2)
		}
		return UnregisterBuffers(ring)
	})
	leakFdinfo(t, ring, "UserBufs:", 0)
	rfd, wfd := testPipe(t)
	leakCheck(t, "RegisterFiles/UnregisterFiles", func(i int) error {
		if err := RegisterFiles(ring, []int32{int32(rfd), int32(wfd), -1}); err != nil {
			return err
		}
		if i == 0 {
			leakFdinfo(t, ring, "UserFiles:", 3)
		}
		return UnregisterFiles(ring)
	})
	leakFdinfo(t, ring, "UserFiles:", 0)
	leakCheck(t, "NewIovec/Close", func(i int) error {
		v, err := NewIovecSizes(1, 4096, 65536)
		if err != nil {
			return err
		}
		return v.Close()
	})
}

// leakFdinfo checks a count the kernel shows for the ring in
// /proc/self/fdinfo (UserFiles, UserBufs: the registered tables).
func leakFdinfo(t *testing.T, ring *Ring, key string, want int) {
	t.Helper()
	info, err := os.ReadFile(fmt.Sprintf("/proc/self/fdinfo/%d", ring.Fd()))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(info), "\n") {
		if v, ok := strings.CutPrefix(line, key); ok {
			if got, err := strconv.Atoi(strings.TrimSpace(v)); err != nil || got != want {
				t.Errorf("fdinfo %s %q, want %d", key, strings.TrimSpace(v), want)
			}
			return
		}
	}
	t.Logf("fdinfo has no %s line (older kernel)", key)
}
