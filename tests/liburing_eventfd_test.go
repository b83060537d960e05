//go:build linux && cgo

package tests

// liburing 2.6 test/ programs of the eventfd area: completion notification
// through a registered eventfd.

import (
	"encoding/binary"
	"errors"
	"testing"
	"time"

	lu "github.com/liburing-go/liburing"
	"golang.org/x/sys/unix"
)

// TestLiburing_eventfd covers test/eventfd.c: with an eventfd registered, a
// NOP's completion signals it, which completes a POLLIN poll on the eventfd
// (res POLLIN) and the readv linked to it (8 bytes).
func TestLiburing_eventfd(t *testing.T) {
	iov := ltIovecs(t, 8)
	p := lu.Params{}
	ring := ltRingParams(t, 8, &p)
	ltRequireFeature(t, ring, lu.IORING_FEAT_CUR_PERSONALITY, "IORING_FEAT_CUR_PERSONALITY")
	evfd := ltEventfd(t, 0)
	if err := lu.RegisterEventfd(ring, evfd); err != nil {
		t.Fatalf("RegisterEventfd: %v", err)
	}
	sqe := ltSQE(t, ring)
	lu.PrepPollAdd(sqe, evfd, unix.POLLIN)
	lu.SQESetFlags(sqe, lu.IOSQE_IO_LINK)
	lu.SQESetData64(sqe, 1)
	sqe = ltSQE(t, ring)
	lu.PrepReadv(sqe, evfd, iov.Ptr(), 1, 0)
	lu.SQESetFlags(sqe, lu.IOSQE_IO_LINK)
	lu.SQESetData64(sqe, 2)
	ltSubmit(t, ring, 2)
	ltNop(t, ring, 3, 0)
	ltSubmit(t, ring, 1)
	got := ltWaitByUD(t, ring, 3)
	ltExpect(t, got[1], 1, unix.POLLIN)
	ltExpect(t, got[2], 2, 8)
	ltExpect(t, got[3], 3, 0)
	// The NOP's completion signalled once; the poll's may have too.
	if v := binary.NativeEndian.Uint64(ltIovBytes(t, iov, 0)); v != 1 && v != 2 {
		t.Errorf("eventfd counter read %d, want 1 or 2", v)
	}
}

// TestLiburing_eventfd_disable covers test/eventfd-disable.c: with the
// eventfd notification toggled off (IORING_CQ_EVENTFD_DISABLED), 63 NOPs
// do not signal it; toggled on again, the next NOP does (the pending readv
// of the eventfd reads 1); also on a DEFER_TASKRUN ring.
func TestLiburing_eventfd_disable(t *testing.T) {
	for _, defer_ := range []bool{false, true} {
		name := "normal"
		if defer_ {
			name = "defer_taskrun"
		}
		t.Run(name, func(t *testing.T) {
			iov := ltIovecs(t, 8)
			var ring *lu.Ring
			if defer_ {
				ring = ltDeferRing(t, 64, 0)
			} else {
				ring = ltRingParams(t, 64, &lu.Params{})
			}
			evfd := ltEventfd(t, 0)
			if err := lu.RegisterEventfd(ring, evfd); err != nil {
				t.Fatalf("RegisterEventfd: %v", err)
			}
			if !lu.CQEventfdEnabled(ring) {
				t.Fatal("CQEventfdEnabled = false after registering")
			}
			if err := lu.CQEventfdToggle(ring, false); err != nil {
				t.Skipf("CQ ring flags not available: %v", err)
			}
			if lu.CQEventfdEnabled(ring) {
				t.Fatal("CQEventfdEnabled = true after toggling off")
			}
			sqe := ltSQE(t, ring)
			lu.PrepReadv(sqe, evfd, iov.Ptr(), 1, 0)
			lu.SQESetData64(sqe, 1)
			ltSubmit(t, ring, 1)
			for range 63 {
				ltNop(t, ring, 2, 0)
			}
			ltSubmit(t, ring, 63)
			for range 63 {
				ltExpect(t, ltWait(t, ring), 2, 0)
			}
			if err := lu.CQEventfdToggle(ring, true); err != nil {
				t.Fatalf("CQEventfdToggle(true): %v", err)
			}
			ltNop(t, ring, 2, 0)
			ltSubmit(t, ring, 1)
			got := ltWaitByUD(t, ring, 2)
			ltExpect(t, got[1], 1, 8)
			ltExpect(t, got[2], 2, 0)
			if v := binary.NativeEndian.Uint64(ltIovBytes(t, iov, 0)); v != 1 {
				t.Errorf("eventfd counter read %d, want 1", v)
			}
		})
	}
}

// TestLiburing_eventfd_reg covers test/eventfd-reg.c: a second eventfd
// registration fails with EBUSY, and registering and unregistering works
// 100 times in a row.
func TestLiburing_eventfd_reg(t *testing.T) {
	ring := ltRingParams(t, 8, &lu.Params{})
	ev0, ev1 := ltEventfd(t, 0), ltEventfd(t, 0)
	if err := lu.RegisterEventfd(ring, ev0); err != nil {
		t.Fatalf("RegisterEventfd: %v", err)
	}
	if err := lu.RegisterEventfd(ring, ev1); !errors.Is(err, unix.EBUSY) {
		t.Fatalf("second RegisterEventfd: %v, want EBUSY", err)
	}
	if err := lu.UnregisterEventfd(ring); err != nil {
		t.Fatalf("UnregisterEventfd: %v", err)
	}
	for i := range 100 {
		if err := lu.RegisterEventfd(ring, ev0); err != nil {
			t.Fatalf("round %d: RegisterEventfd: %v", i, err)
		}
		if err := lu.UnregisterEventfd(ring); err != nil {
			t.Fatalf("round %d: UnregisterEventfd: %v", i, err)
		}
	}
	if err := lu.UnregisterEventfd(ring); !errors.Is(err, unix.ENXIO) {
		t.Fatalf("UnregisterEventfd with none registered: %v, want ENXIO", err)
	}
}

// TestLiburing_eventfd_ring covers test/eventfd-ring.c: two rings, each
// with its own eventfd and polling the other's: a NOP on the first ring
// bounces notifications between them without deadlock, each poll
// completing once with POLLIN.
func TestLiburing_eventfd_ring(t *testing.T) {
	p := lu.Params{}
	ring1 := ltRingParams(t, 8, &p)
	ltRequireFeature(t, ring1, lu.IORING_FEAT_CUR_PERSONALITY, "IORING_FEAT_CUR_PERSONALITY")
	ring2 := ltRing(t, 8, 0)
	ev1, ev2 := ltEventfd(t, 0), ltEventfd(t, 0)
	if err := lu.RegisterEventfd(ring1, ev1); err != nil {
		t.Fatal(err)
	}
	if err := lu.RegisterEventfd(ring2, ev2); err != nil {
		t.Fatal(err)
	}
	sqe := ltSQE(t, ring1)
	lu.PrepPollAdd(sqe, ev2, unix.POLLIN)
	lu.SQESetData64(sqe, 1)
	sqe = ltSQE(t, ring2)
	lu.PrepPollAdd(sqe, ev1, unix.POLLIN)
	lu.SQESetData64(sqe, 1)
	ltSubmit(t, ring1, 1)
	ltSubmit(t, ring2, 1)
	ltNop(t, ring1, 3, 0)
	ltSubmit(t, ring1, 1)

	ltExpect(t, ltWait(t, ring2), 1, unix.POLLIN) // ev1 fired by the NOP
	got := ltWaitByUD(t, ring1, 2)                // ev2 fired by ring2's poll
	ltExpect(t, got[3], 3, 0)
	ltExpect(t, got[1], 1, unix.POLLIN)
	ltNoCQE(t, ring2, 10*time.Millisecond)
}

// TestLiburing_evloop covers test/evloop.c: a multishot poll on the ring's
// own registered eventfd does not feed itself forever: after the NOP and
// one poll completion, no more CQEs arrive.
func TestLiburing_evloop(t *testing.T) {
	ring := ltRing(t, 8, 0)
	efd := ltEventfd(t, 0)
	if err := lu.RegisterEventfd(ring, efd); err != nil {
		t.Fatal(err)
	}
	sqe := ltSQE(t, ring)
	lu.PrepPollMultishot(sqe, efd, unix.POLLIN)
	lu.SQESetData64(sqe, 1)
	ltSubmit(t, ring, 1)
	ltNop(t, ring, 2, 0)
	ltSubmit(t, ring, 1)
	got := ltWaitByUD(t, ring, 2)
	ltExpect(t, got[2], 2, 0)
	// Kernels that detect the loop end the multishot poll here (no
	// IORING_CQE_F_MORE); older ones keep it armed. Either way it must not
	// post again.
	if c := got[1]; c.Res != unix.POLLIN {
		t.Errorf("multishot poll completion %v, want res POLLIN", c)
	}
	if _, err := lu.PeekCQE(ring); !errors.Is(err, unix.EAGAIN) {
		t.Fatalf("PeekCQE after the loop: %v, want EAGAIN (no more completions)", err)
	}
	ltNoCQE(t, ring, 10*time.Millisecond)
}
