//go:build linux && cgo

package tests

// liburing 2.6 test/ programs of the link area: IOSQE_IO_LINK chains, hard
// links, links with drains and with fixed buffers.

import (
	"bytes"
	"path/filepath"
	"testing"
	"time"

	lu "github.com/liburing-go/liburing"
	"golang.org/x/sys/unix"
)

// ltBadFd is a file descriptor number no test process has open.
const ltBadFd = 1 << 20

// TestLiburing_fixed_link covers test/fixed-link.c: two READ_FIXED requests
// from /dev/zero into registered buffers, the first linked to the second,
// both read the asked 18 bytes.
func TestLiburing_fixed_link(t *testing.T) {
	const n = 18 // strlen("#include <errno.h>")
	iov := ltIovecs(t, 64, 64)
	for i := range 2 {
		b := ltIovBytes(t, iov, i)
		for j := range b {
			b[j] = 0xee
		}
	}
	fd := ltOpen(t, "/dev/zero", unix.O_RDONLY, 0)
	ring := ltRing(t, 32, 0)
	if err := lu.RegisterBuffers(ring, iov.Slice()); err != nil {
		t.Fatalf("RegisterBuffers: %v", err)
	}
	for i := range 2 {
		sqe := ltSQE(t, ring)
		base, _ := iov.Base(i)
		lu.PrepReadFixed(sqe, fd, base, n, 0, i)
		if i == 0 {
			lu.SQESetFlags(sqe, lu.IOSQE_IO_LINK)
		}
		lu.SQESetData64(sqe, uint64(i+1))
	}
	if got, err := lu.SubmitAndWait(ring, 2); got != 2 || err != nil {
		t.Fatalf("SubmitAndWait = %d, %v", got, err)
	}
	for i := range 2 {
		ltExpect(t, ltWait(t, ring), uint64(i+1), n)
		b := ltIovBytes(t, iov, i)
		if !bytes.Equal(b[:n], make([]byte, n)) || b[n] != 0xee {
			t.Errorf("buffer %d: % x", i, b[:n+1])
		}
	}
}

// TestLiburing_link covers test/link.c: a single link, two dependents, two
// independent chains; a failing head (REMOVE_BUFFERS on a group that does
// not exist, on an IOPOLL ring) cancels its dependent; hard links go on
// after a timeout expires (-ETIME); an early failing readv in a link does
// not hang io_uring_submit_and_wait.
func TestLiburing_link(t *testing.T) {
	ring := ltRing(t, 8, 0)
	chain := func(t *testing.T, flags ...uint32) {
		for i, f := range flags {
			ltNop(t, ring, uint64(i+1), f)
		}
		ltSubmit(t, ring, len(flags))
		got := ltWaitByUD(t, ring, len(flags))
		for i := range flags {
			ltExpect(t, got[uint64(i+1)], uint64(i+1), 0)
		}
	}
	t.Run("single_link", func(t *testing.T) { chain(t, lu.IOSQE_IO_LINK, 0) })
	t.Run("double_link", func(t *testing.T) { chain(t, lu.IOSQE_IO_LINK, lu.IOSQE_IO_LINK, 0) })
	t.Run("double_chain", func(t *testing.T) { chain(t, lu.IOSQE_IO_LINK, 0, lu.IOSQE_IO_LINK, 0) })

	t.Run("single_link_fail", func(t *testing.T) {
		ltRequireOp(t, lu.IORING_OP_REMOVE_BUFFERS)
		poll := ltRing(t, 8, lu.IORING_SETUP_IOPOLL)
		sqe := ltSQE(t, poll)
		lu.PrepRemoveBuffers(sqe, 10, 1)
		lu.SQESetData64(sqe, 1)
		lu.SQESetFlags(sqe, lu.IOSQE_IO_LINK)
		ltNop(t, poll, 2, 0)
		ltSubmit(t, poll, 2)
		ltExpect(t, ltWait(t, poll), 1, ltErrno(unix.ENOENT))
		ltExpect(t, ltWait(t, poll), 2, ltErrno(unix.ECANCELED))
	})

	hardlink := func(t *testing.T, timeouts ...time.Duration) {
		for i, d := range timeouts {
			sqe := ltSQE(t, ring)
			lu.PrepTimeout(sqe, ltTimespec(t, d), 0, 0)
			lu.SQESetFlags(sqe, lu.IOSQE_IO_LINK|lu.IOSQE_IO_HARDLINK)
			lu.SQESetData64(sqe, uint64(i+1))
		}
		last := uint64(len(timeouts) + 1)
		ltNop(t, ring, last, 0)
		ltSubmit(t, ring, len(timeouts)+1)
		for i := range timeouts { // chains complete in order
			ltExpect(t, ltWait(t, ring), uint64(i+1), ltErrno(unix.ETIME))
		}
		ltExpect(t, ltWait(t, ring), last, 0)
	}
	t.Run("single_hardlink", func(t *testing.T) { hardlink(t, 10*time.Millisecond) })
	t.Run("double_hardlink", func(t *testing.T) { hardlink(t, 10*time.Millisecond, 15*time.Millisecond) })

	t.Run("early_fail_and_wait", func(t *testing.T) {
		r := ltRing(t, 8, 0)
		iov := ltCNew[unix.Iovec](t) // {NULL, 0}
		sqe := ltSQE(t, r)
		lu.PrepReadv(sqe, ltBadFd, iov, 1, 0)
		lu.SQESetFlags(sqe, lu.IOSQE_IO_LINK)
		lu.SQESetData64(sqe, 1)
		ltNop(t, r, 2, 0)
		ltWithin(t, ltWaitLimit, "SubmitAndWait(2)", func() {
			if n, err := lu.SubmitAndWait(r, 2); n != 2 || err != nil {
				t.Errorf("SubmitAndWait = %d, %v; want 2", n, err)
			}
		})
		got := ltWaitByUD(t, r, 2)
		ltExpect(t, got[1], 1, ltErrno(unix.EBADF))
		ltExpect(t, got[2], 2, ltErrno(unix.ECANCELED))
	})
}

// TestLiburing_link_drain covers test/link_drain.c: a link chain with
// IOSQE_IO_DRAIN on a member waits for every request before it (a writev
// to a file), and the requests after it wait for the chain, so CQEs arrive
// in submission order; also on a DEFER_TASKRUN ring.
func TestLiburing_link_drain(t *testing.T) {
	for _, defer_ := range []bool{false, true} {
		name := "normal"
		if defer_ {
			name = "defer_taskrun"
		}
		t.Run(name, func(t *testing.T) {
			iov := ltIovecs(t, 4096)
			var ring *lu.Ring
			if defer_ {
				ring = ltDeferRing(t, 100, 0)
			} else {
				ring = ltRing(t, 100, 0)
			}
			path := filepath.Join(t.TempDir(), "testfile")
			fd := ltOpen(t, path, unix.O_WRONLY|unix.O_CREAT, 0o644)
			const L, D = lu.IOSQE_IO_LINK, lu.IOSQE_IO_DRAIN
			// One chain with a drain; then two chains, the second draining
			// through a writev.
			one := []uint32{0, L, L | D, 0, 0}
			multi := []uint32{0, L, L | D, 0, L, L, L | D, 0, 0}
			run := func(flags []uint32, writes map[int]bool) {
				for i, f := range flags {
					sqe := ltSQE(t, ring)
					if writes[i] {
						lu.PrepWritev(sqe, fd, iov.Ptr(), 1, 0)
					} else {
						lu.PrepNop(sqe)
					}
					lu.SQESetFlags(sqe, f)
					lu.SQESetData64(sqe, uint64(i))
				}
				ltSubmit(t, ring, len(flags))
				for i := range flags {
					c := ltWait(t, ring)
					want := int32(0)
					if writes[i] {
						want = 4096
					}
					ltExpect(t, c, uint64(i), want)
				}
			}
			for range 50 { // the C test runs 1000 rounds
				run(one, map[int]bool{0: true})
				run(multi, map[int]bool{0: true, 6: true})
			}
		})
	}
}
