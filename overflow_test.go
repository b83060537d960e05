//go:build linux && cgo

package liburing

import (
	"encoding/binary"
	"errors"
	"runtime"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// CQ overflow: with IORING_FEAT_NODROP the kernel keeps the completions
// that do not fit in the CQ and hands them out once there is room, so every
// operation completes exactly once. Multishot requests cannot overflow: when
// their next CQE does not fit they stop, and their last CQE (without
// IORING_CQE_F_MORE) says so.

// overflowRing sets up a ring of sq SQEs whose CQ holds cq entries.
func overflowRing(t *testing.T, sq, cq uint32) *Ring {
	t.Helper()
	ring := new(Ring)
	p := Params{Flags: IORING_SETUP_CQSIZE, CQEntries: cq}
	if err := QueueInitParams(sq, ring, &p); err != nil {
		t.Fatalf("QueueInitParams(%d, cq %d): %v", sq, cq, err)
	}
	t.Cleanup(func() { QueueExit(ring) })
	if p.Features&IORING_FEAT_NODROP == 0 {
		t.Skip("kernel lacks IORING_FEAT_NODROP")
	}
	if p.CQEntries != cq {
		t.Fatalf("CQ of %d entries, asked for %d", p.CQEntries, cq)
	}
	return ring
}

// waitCQE is WaitCQE that retries when a signal of the Go runtime
// interrupts the wait (EINTR, see stress_test.go).
func waitCQE(t testing.TB, ring *Ring) *CQE {
	t.Helper()
	for {
		cqe, err := WaitCQE(ring)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			t.Fatalf("WaitCQE: %v", err)
		}
		return cqe
	}
}

// TestOverflowManyOps submits 10,000 operations, half NOPs and half 8-byte
// reads of distinct file offsets, on a ring whose CQ holds 16, reaping
// nothing until all are submitted: each completes exactly once, and each
// read brings back its own bytes.
func TestOverflowManyOps(t *testing.T) {
	const total, cq = 10000, 16
	ring := overflowRing(t, 16, cq)
	fd := badTempFile(t)
	content := make([]byte, 8*total)
	for i := 0; i < total; i++ {
		binary.LittleEndian.PutUint64(content[8*i:], uint64(i)*0x9e3779b97f4a7c15)
	}
	if _, err := unix.Pwrite(fd, content, 0); err != nil {
		t.Fatal(err)
	}
	dst, err := AllocBuffer(8 * total)
	if err != nil {
		t.Fatal(err)
	}
	defer FreeBuffer(dst)

	for i := 0; i < total; {
		for ; i < total; i++ {
			sqe := GetSQE(ring)
			if sqe == nil {
				break
			}
			if i%2 == 0 {
				PrepNop(sqe)
			} else {
				PrepRead(sqe, fd, unsafe.Pointer(&dst[8*i]), 8, uint64(8*i))
			}
			SQESetData64(sqe, uint64(i))
		}
		if _, err := Submit(ring); err != nil {
			t.Fatalf("Submit at op %d: %v", i, err)
		}
	}
	if !CQHasOverflow(ring) {
		t.Error("CQHasOverflow = false with 10,000 completions on a 16-entry CQ")
	}
	seen := make([]int, total)
	for n := 0; n < total; n++ {
		cqe := waitCQE(t, ring)
		ud, res := cqe.UserData, cqe.Res
		CQESeen(ring, cqe)
		if ud >= total {
			t.Fatalf("CQE with unknown user_data %d", ud)
		}
		seen[ud]++
		if want := int32(8 * (ud % 2)); res != want {
			t.Errorf("op %d: res %d, want %d", ud, res, want)
		}
	}
	for i, n := range seen {
		if n != 1 {
			t.Errorf("op %d completed %d times", i, n)
		}
		if i%2 == 1 && string(dst[8*i:8*i+8]) != string(content[8*i:8*i+8]) {
			t.Errorf("op %d read % x, want % x", i, dst[8*i:8*i+8], content[8*i:8*i+8])
		}
	}
	if cqe, err := PeekCQE(ring); err == nil {
		t.Errorf("an extra CQE: user_data %d res %d", cqe.UserData, cqe.Res)
	}
	if CQHasOverflow(ring) || CQReady(ring) != 0 {
		t.Errorf("after draining: overflow %v, CQReady %d", CQHasOverflow(ring), CQReady(ring))
	}
}

// overflowCQE is a reaped CQE.
type overflowCQE struct {
	ud    uint64
	res   int32
	flags uint32
}

// overflowDrain reaps every CQE that is ready or waiting in the overflow
// list, in order.
func overflowDrain(t *testing.T, ring *Ring) []overflowCQE {
	t.Helper()
	var got []overflowCQE
	for {
		cqe, err := PeekCQE(ring)
		if errors.Is(err, unix.EAGAIN) {
			return got
		}
		if err != nil {
			t.Fatalf("PeekCQE: %v", err)
		}
		got = append(got, overflowCQE{cqe.UserData, cqe.Res, cqe.Flags})
		CQESeen(ring, cqe)
	}
}

// TestOverflowMultishotPoll arms a multishot poll on a pipe of a ring whose
// CQ holds 4 and makes it fire 32 times without reaping: 4 CQEs carry
// IORING_CQE_F_MORE, then the poll stops with one last CQE without it
// (kept in the overflow list), and later writes post nothing.
func TestOverflowMultishotPoll(t *testing.T) {
	requireOp(t, IORING_OP_POLL_ADD)
	const cq = 4
	// Submitting and writing from one OS thread makes the kernel run the
	// poll's task work on each write's return, one CQE per write.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	ring := overflowRing(t, 4, cq)
	rfd, wfd := testPipe(t)
	sqe := GetSQE(ring)
	PrepPollMultishot(sqe, rfd, unix.POLLIN)
	SQESetData64(sqe, 42)
	if _, err := Submit(ring); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 32; i++ {
		if _, err := unix.Write(wfd, []byte{byte(i)}); err != nil {
			t.Fatal(err)
		}
		GetEvents(ring) // let the kernel post what it can
	}
	if !CQHasOverflow(ring) || CQReady(ring) != cq {
		t.Errorf("after 32 events: overflow %v, CQReady %d; want the last CQE in the overflow list behind %d",
			CQHasOverflow(ring), CQReady(ring), cq)
	}
	got := overflowDrain(t, ring)
	if len(got) != cq+1 {
		t.Fatalf("%d CQEs, want %d with F_MORE and the last one: %+v", len(got), cq, got)
	}
	for i, c := range got {
		more := c.flags&IORING_CQE_F_MORE != 0
		if c.ud != 42 || c.res&unix.POLLIN == 0 || more != (i < cq) {
			t.Errorf("CQE %d: user_data %d res %#x flags %#x; want 42, POLLIN, F_MORE %v", i, c.ud, c.res, c.flags, i < cq)
		}
	}
	unix.Write(wfd, []byte{1})
	GetEvents(ring)
	if late := overflowDrain(t, ring); len(late) != 0 {
		t.Errorf("the stopped poll still posts: %+v", late)
	}
}

// TestOverflowMultishotAccept connects 32 clients to a listener whose
// multishot accept runs on a ring with a 4-entry CQ, reaping nothing: the
// accept stops when the CQ is full, its last CQE (without F_MORE) still
// carries an accepted socket, and re-arming accepts the rest from the
// backlog. Every client is accepted exactly once.
func TestOverflowMultishotAccept(t *testing.T) {
	requireOp(t, IORING_OP_ACCEPT)
	const clients, cq = 32, 4
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	ring := overflowRing(t, 4, cq)
	lfd, addr := overflowListener(t, clients)
	arm := func() {
		sqe := GetSQE(ring)
		PrepMultishotAccept(sqe, lfd, nil, nil, unix.SOCK_CLOEXEC)
		SQESetData64(sqe, 7)
		if _, err := Submit(ring); err != nil {
			t.Fatal(err)
		}
	}
	arm()
	var conns []int
	defer func() {
		for _, fd := range conns {
			unix.Close(fd)
		}
	}()
	for i := 0; i < clients; i++ {
		fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, fd)
		if err := unix.Connect(fd, addr); err != nil {
			t.Fatalf("connect %d: %v", i, err)
		}
		GetEvents(ring)
	}
	accepted, arms := 0, 1
	for accepted < clients && arms <= clients {
		got := overflowDrain(t, ring)
		if len(got) == 0 {
			waitCQE(t, ring) // the re-armed accept has not fired yet
			continue
		}
		stopped := false
		for i, c := range got {
			more := c.flags&IORING_CQE_F_MORE != 0
			if c.ud != 7 || c.res < 0 {
				t.Fatalf("arm %d, CQE %d: user_data %d res %d", arms, i, c.ud, c.res)
			}
			if stopped {
				t.Fatalf("arm %d: a CQE after the one without F_MORE: %+v", arms, got)
			}
			conns = append(conns, int(c.res))
			accepted++
			stopped = !more
		}
		if stopped && accepted < clients {
			if len(got) > cq+1 {
				t.Errorf("arm %d: %d CQEs before stopping, the CQ holds %d", arms, len(got), cq)
			}
			arm()
			arms++
		}
	}
	if accepted != clients {
		t.Fatalf("accepted %d of %d clients after %d arms", accepted, clients, arms)
	}
	if arms < 2 {
		t.Errorf("the multishot accept never stopped on a full CQ (%d arms)", arms)
	}
	t.Logf("%d clients accepted over %d arms of the multishot accept", accepted, arms)
	// No client is left in the backlog.
	if nfd, _, err := unix.Accept4(lfd, unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC); err == nil {
		unix.Close(nfd)
		t.Error("a connection was left in the backlog")
	}
}

// overflowListener opens a non-blocking TCP listener on a loopback port.
func overflowListener(t *testing.T, backlog int) (int, unix.Sockaddr) {
	t.Helper()
	lfd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(lfd) })
	if err := unix.Bind(lfd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	if err := unix.Listen(lfd, backlog); err != nil {
		t.Fatal(err)
	}
	sa, err := unix.Getsockname(lfd)
	if err != nil {
		t.Fatal(err)
	}
	return lfd, sa
}
