//go:build linux && cgo

package liburing

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// TestRegisterRestrictions: on a ring set up disabled, restrictions decide
// which SQE and register opcodes work once the ring is enabled.
func TestRegisterRestrictions(t *testing.T) {
	plain := newRing(t, 2, 0)
	regWantErr(t, "RegisterRestrictions on an enabled ring",
		RegisterRestrictions(plain, []Restriction{{Opcode: IORING_RESTRICTION_SQE_OP, Op: IORING_OP_NOP}}), unix.EBADFD)
	regWantErr(t, "EnableRings on an enabled ring", EnableRings(plain), unix.EBADFD)

	// A disabled ring refuses submissions until enabled; the SQE waits.
	disabled := newRing(t, 2, IORING_SETUP_R_DISABLED)
	PrepNop(GetSQE(disabled))
	if _, err := Submit(disabled); !errors.Is(err, unix.EBADFD) {
		t.Fatalf("Submit on a disabled ring: %v, want EBADFD", err)
	}
	if err := EnableRings(disabled); err != nil {
		t.Fatalf("EnableRings: %v", err)
	}
	regWantErr(t, "second EnableRings", EnableRings(disabled), unix.EBADFD)
	if _, r, _ := submitWait(t, disabled); r != 0 {
		t.Fatalf("NOP queued before EnableRings: res %d", r)
	}

	ring := newRing(t, 4, IORING_SETUP_R_DISABLED)
	res := []Restriction{
		{Opcode: IORING_RESTRICTION_SQE_OP, Op: IORING_OP_NOP},
		{Opcode: IORING_RESTRICTION_REGISTER_OP, Op: IORING_REGISTER_PROBE},
	}
	if err := RegisterRestrictions(ring, res); err != nil {
		t.Fatalf("RegisterRestrictions: %v", err)
	}
	regWantErr(t, "second RegisterRestrictions", RegisterRestrictions(ring, res), unix.EBUSY)
	if err := EnableRings(ring); err != nil {
		t.Fatalf("EnableRings: %v", err)
	}
	// ENABLE_RINGS is not among the allowed register opcodes.
	regWantErr(t, "EnableRings on the restricted ring", EnableRings(ring), unix.EACCES)

	if r := regNop(t, ring, 0, 0); r != 0 {
		t.Errorf("allowed NOP: res %d", r)
	}
	PrepRead(GetSQE(ring), 0, nil, 0, 0)
	if _, r, _ := submitWait(t, ring); r != -int32(unix.EACCES) {
		t.Errorf("READ on a ring that allows only NOP: res %d, want -EACCES", r)
	}
	if r := regNop(t, ring, IOSQE_IO_DRAIN, 0); r != -int32(unix.EACCES) {
		t.Errorf("NOP with a flag the ring does not allow: res %d, want -EACCES", r)
	}
	p, err := NewProbe(8)
	if err != nil {
		t.Fatal(err)
	}
	defer FreeProbe(p)
	if err := RegisterProbe(ring, p, 8); err != nil {
		t.Errorf("allowed register op PROBE: %v", err)
	}
	_, err = RegisterPersonality(ring)
	regWantErr(t, "register op the ring does not allow", err, unix.EACCES)
}

// TestRegisterIowqMaxWorkers: the call returns the previous limits. io-wq
// is per thread, so the test keeps its goroutine on one OS thread (never
// unlocked: the thread exits with the test, taking its io-wq limits along).
func TestRegisterIowqMaxWorkers(t *testing.T) {
	runtime.LockOSThread()
	ring := newRing(t, 4, 0)
	regNop(t, ring, IOSQE_ASYNC, 0) // this thread now has an io-wq

	var cur [2]uint32
	if err := RegisterIowqMaxWorkers(ring, &cur); err != nil {
		t.Fatalf("RegisterIowqMaxWorkers(query): %v", err)
	}
	if cur[0] == 0 || cur[1] == 0 {
		t.Fatalf("current limits %v, want both > 0", cur)
	}
	vals := [2]uint32{2, 3}
	if err := RegisterIowqMaxWorkers(ring, &vals); err != nil {
		t.Fatalf("RegisterIowqMaxWorkers(%v): %v", [2]uint32{2, 3}, err)
	}
	if vals != cur {
		t.Errorf("setting returned %v, want the previous limits %v", vals, cur)
	}
	vals = [2]uint32{0, 0}
	if err := RegisterIowqMaxWorkers(ring, &vals); err != nil {
		t.Fatal(err)
	}
	if vals != [2]uint32{2, 3} {
		t.Errorf("limits now %v, want [2 3]", vals)
	}
	if r := regNop(t, ring, IOSQE_ASYNC, 0); r != 0 {
		t.Errorf("async NOP under the new limits: res %d", r)
	}
	if err := RegisterIowqMaxWorkers(ring, &cur); err != nil {
		t.Fatal(err)
	}
}

// TestRegisterIowqAff pins this thread's io-wq workers to one CPU and checks
// the affinity of a worker an async NOP starts. The kernel applies the mask
// to workers it starts afterwards, and Go may have run io_uring work on this
// thread before, so workers that existed once the mask was set are left
// out (one that an earlier test's work was still starting could appear
// between an earlier look and the registration, with the old mask).
func TestRegisterIowqAff(t *testing.T) {
	runtime.LockOSThread() // io-wq is per thread; never unlocked, see above
	var mine unix.CPUSet
	if err := unix.SchedGetaffinity(0, &mine); err != nil {
		t.Fatal(err)
	}
	cpu := -1
	for i := 0; i < len(mine)*64 && cpu < 0; i++ {
		if mine.IsSet(i) {
			cpu = i
		}
	}
	var set unix.CPUSet
	set.Set(cpu)

	ring := newRing(t, 4, 0)
	regWantErr(t, "RegisterIowqAff(cpusz 0)", RegisterIowqAff(ring, 0, &set), unix.EINVAL)
	if err := RegisterIowqAff(ring, uint64(unsafe.Sizeof(set)), &set); err != nil {
		t.Fatalf("RegisterIowqAff(CPU %d): %v", cpu, err)
	}
	before := regIowqWorkers(t)
	if r := regNop(t, ring, IOSQE_ASYNC, 0); r != 0 {
		t.Fatalf("async NOP: res %d", r)
	}
	workers := slices.DeleteFunc(regIowqWorkers(t), func(tid int) bool { return slices.Contains(before, tid) })
	if len(workers) == 0 {
		t.Logf("an io-wq worker that predates the registration (%v) ran the NOP; nothing to inspect", before)
	}
	for _, tid := range workers {
		var got unix.CPUSet
		if err := unix.SchedGetaffinity(tid, &got); err != nil {
			t.Fatalf("sched_getaffinity(%d): %v", tid, err)
		}
		if got != set {
			t.Errorf("io-wq worker %d runs on %d CPUs, want only CPU %d", tid, got.Count(), cpu)
		}
	}
	if err := UnregisterIowqAff(ring); err != nil {
		t.Fatalf("UnregisterIowqAff: %v", err)
	}
}

// regIowqWorkers lists the io-wq worker threads of the calling thread
// (named iou-wrk-<tid>).
func regIowqWorkers(t *testing.T) []int {
	t.Helper()
	want := fmt.Sprintf("iou-wrk-%d", unix.Gettid())
	ents, err := os.ReadDir("/proc/self/task")
	if err != nil {
		t.Fatal(err)
	}
	var tids []int
	for _, e := range ents {
		comm, err := os.ReadFile(filepath.Join("/proc/self/task", e.Name(), "comm"))
		if err != nil || strings.TrimSpace(string(comm)) != want {
			continue
		}
		var tid int
		fmt.Sscan(e.Name(), &tid)
		tids = append(tids, tid)
	}
	return tids
}

// TestRegisterRingFd: after RegisterRingFd liburing enters the ring through
// the registered index, which belongs to the registering thread.
func TestRegisterRingFd(t *testing.T) {
	runtime.LockOSThread() // the registration is per thread; never unlocked
	ring := newRing(t, 4, 0)
	if _, err := UnregisterRingFd(ring); !errors.Is(err, unix.EINVAL) {
		t.Fatalf("UnregisterRingFd before registering: %v, want EINVAL", err)
	}
	idx, err := RegisterRingFd(ring)
	if err != nil {
		t.Fatalf("RegisterRingFd: %v", err)
	}
	if idx < 0 || idx >= 16 {
		t.Errorf("registered index %d, want 0..15", idx)
	}
	_, err = RegisterRingFd(ring)
	regWantErr(t, "second RegisterRingFd", err, unix.EEXIST)

	for i := 0; i < 3; i++ {
		if r := regNop(t, ring, 0, 0); r != 0 {
			t.Fatalf("NOP through the registered ring: res %d", r)
		}
	}
	// Register calls go through the registered ring too (Linux 6.3).
	id, err := RegisterPersonality(ring)
	if err != nil {
		t.Fatalf("RegisterPersonality through the registered ring: %v", err)
	}
	UnregisterPersonality(ring, id)

	// Another thread does not own the index: entering from it fails, and
	// the SQE stays queued for the owner.
	PrepNop(GetSQE(ring))
	done := make(chan error)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		_, err := Submit(ring)
		done <- err
	}()
	if err := <-done; !errors.Is(err, unix.EBADF) && !errors.Is(err, unix.EINVAL) {
		t.Errorf("Submit from another thread: %v, want EBADF or EINVAL", err)
	}
	if _, r, _ := submitWait(t, ring); r != 0 {
		t.Errorf("queued NOP: res %d", r)
	}

	if n, err := UnregisterRingFd(ring); err != nil || n != 1 {
		t.Fatalf("UnregisterRingFd = %d, %v; want 1", n, err)
	}
	if _, err := UnregisterRingFd(ring); !errors.Is(err, unix.EINVAL) {
		t.Errorf("second UnregisterRingFd: %v, want EINVAL", err)
	}
	if r := regNop(t, ring, 0, 0); r != 0 {
		t.Fatalf("NOP after UnregisterRingFd: res %d", r)
	}
}

// TestRegisterSyncCancel cancels pending pipe reads synchronously.
func TestRegisterSyncCancel(t *testing.T) {
	// A cancelled read that waited on a poll completes through task work
	// of the thread that submitted it: submit and cancel on one thread, so
	// that its CQE is there when RegisterSyncCancel returns.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	ring := newRing(t, 4, 0)
	rfd, _ := testPipe(t)
	buf := testCBytes(t, 16, "")
	noTimeout := KernelTimespec{Sec: -1, Nsec: -1}

	_, err := RegisterSyncCancel(ring, &SyncCancelReg{Addr: 0x5ca1, Timeout: noTimeout})
	regWantErr(t, "RegisterSyncCancel with nothing to cancel", err, unix.ENOENT)

	PrepRead(testSQE(t, ring, 0x5ca1), rfd, unsafePointer(buf), 16, ^uint64(0))
	testSubmit(t, ring)
	n, err := RegisterSyncCancel(ring, &SyncCancelReg{Addr: 0x5ca1, Timeout: noTimeout})
	if err != nil || n != 0 {
		t.Fatalf("RegisterSyncCancel(user_data) = %d, %v; want 0", n, err)
	}
	cqe, err := PeekCQE(ring) // the cancel waited for the read to finish
	if err != nil {
		t.Fatalf("no CQE after the sync cancel: %v", err)
	}
	if cqe.UserData != 0x5ca1 || cqe.Res != -int32(unix.ECANCELED) {
		t.Fatalf("read CQE user_data %#x res %d, want 0x5ca1 and -ECANCELED", cqe.UserData, cqe.Res)
	}
	CQESeen(ring, cqe)

	// Two reads on the same fd, cancelled together by fd.
	for i := uint64(1); i <= 2; i++ {
		PrepRead(testSQE(t, ring, i), rfd, unsafePointer(buf), 16, ^uint64(0))
	}
	testSubmit(t, ring)
	n, err = RegisterSyncCancel(ring, &SyncCancelReg{Fd: int32(rfd), Flags: IORING_ASYNC_CANCEL_FD | IORING_ASYNC_CANCEL_ALL, Timeout: noTimeout})
	if err != nil || n != 2 {
		t.Fatalf("RegisterSyncCancel(fd, all) = %d, %v; want 2", n, err)
	}
	cqes := testReap(t, ring, 2)
	testWantCQE(t, cqes, 1, -int32(unix.ECANCELED))
	testWantCQE(t, cqes, 2, -int32(unix.ECANCELED))
	_, err = RegisterSyncCancel(ring, &SyncCancelReg{Addr: 1, Timeout: noTimeout, Pad2: [3]uint64{1}})
	regWantErr(t, "RegisterSyncCancel with non-zero pad", err, unix.EINVAL)
}

// TestRegisterNapi turns NAPI busy polling on and reads the settings back
// when turning it off (Linux 6.9).
func TestRegisterNapi(t *testing.T) {
	ring := newRing(t, 4, 0)
	in := Napi{BusyPollTo: 50, PreferBusyPoll: 1}
	if err := RegisterNapi(ring, &in); err != nil {
		t.Skipf("RegisterNapi: %v (kernel before 6.9 or without busy polling)", err)
	}
	var out Napi
	if err := UnregisterNapi(ring, &out); err != nil {
		t.Fatalf("UnregisterNapi: %v", err)
	}
	if out.BusyPollTo != 50 || out.PreferBusyPoll != 1 {
		t.Errorf("UnregisterNapi returned %+v, want busy_poll_to 50, prefer_busy_poll 1", out)
	}
	if err := UnregisterNapi(ring, nil); err != nil {
		t.Errorf("UnregisterNapi(nil): %v", err)
	}
	bad := Napi{BusyPollTo: 1, Pad: [3]uint8{0, 1, 0}}
	regWantErr(t, "RegisterNapi with non-zero resv", RegisterNapi(ring, &bad), unix.EINVAL)
}
