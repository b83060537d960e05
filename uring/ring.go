//go:build linux && cgo

package uring

import (
	"errors"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/liburing-go/liburing"
	"golang.org/x/sys/unix"
)

// ErrClosed is returned by every call on a Ring after Close, and by calls
// that Close interrupted. errors.Is(err, net.ErrClosed) holds for it.
var ErrClosed error = closedError{}

type closedError struct{}

func (closedError) Error() string { return "uring: ring is closed" }
func (closedError) Unwrap() error { return errNetClosed }

// Options configure New. The zero value is the default.
type Options struct {
	// Entries is the size of the submission queue and of one batch
	// (default 256, at most 4096).
	Entries uint32
	// CQEntries is the size of the completion queue (default 16 times
	// Entries). The kernel keeps completions beyond it (IORING_FEAT_NODROP)
	// until the reaper catches up.
	CQEntries uint32
}

// Ring is one io_uring shared by any number of goroutines. Its methods are
// safe for concurrent use. Close it when done; the default ring (Default)
// lives as long as the process.
type Ring struct {
	ring  *liburing.Ring
	efile *os.File // the eventfd the ring signals, non-blocking, in the netpoller
	probe map[uint8]bool

	// Submission: flat combining. Any goroutine adds its operation to cur
	// under mu; the one that finds nobody submitting becomes the submitter,
	// swaps cur and spare and submits the whole batch in one cgo call
	// without holding mu, while others keep adding to the other batch.
	mu          sync.Mutex
	room        sync.Cond // signalled when a full batch was swapped out
	roomWaiters int
	cur, spare  *liburing.Batch
	special     []*op // operations that need fields a Batch does not set
	specialNext []*op
	submitting  bool
	efdToggle   bool // the kernel has IORING_CQ_EVENTFD_DISABLED (5.8)
	closed      bool

	// Reaping: the reaper goroutine, or a submitter right after its
	// submit, whoever holds reapMu, drains the CQ ring.
	reapMu sync.Mutex
	cqes   [128]liburing.CQE

	ops   opTable
	fds   fdSet
	state atomic.Uint32 // ringOpen, ringClosing

	inflight atomic.Int64 // operation slots in use
	idle     chan struct{}
	idleOnce sync.Once

	reaperDone chan struct{}
	stopReaper atomic.Bool
	closeOnce  sync.Once
	closeErr   error

	sockoptCmd atomic.Int32 // 0 unknown, 1 io_uring setsockopt works, -1 use the syscall
}

const (
	ringOpen = iota
	ringClosing
)

// New sets up a ring and starts its reaper goroutine.
func New(opts *Options) (*Ring, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Entries == 0 {
		o.Entries = 256
	}
	if o.Entries > 4096 {
		o.Entries = 4096
	}
	if o.CQEntries == 0 {
		o.CQEntries = 16 * o.Entries
	}
	r := &Ring{ring: new(liburing.Ring), idle: make(chan struct{}), reaperDone: make(chan struct{})}
	r.room.L = &r.mu
	p := liburing.Params{
		Flags:     liburing.IORING_SETUP_CQSIZE | liburing.IORING_SETUP_CLAMP | liburing.IORING_SETUP_SUBMIT_ALL,
		CQEntries: o.CQEntries,
	}
	err := liburing.QueueInitParams(o.Entries, r.ring, &p)
	if errors.Is(err, unix.EINVAL) {
		// Kernels before 5.18 know no IORING_SETUP_SUBMIT_ALL.
		p = liburing.Params{Flags: liburing.IORING_SETUP_CQSIZE | liburing.IORING_SETUP_CLAMP, CQEntries: o.CQEntries}
		err = liburing.QueueInitParams(o.Entries, r.ring, &p)
	}
	if err != nil {
		return nil, os.NewSyscallError("io_uring_queue_init_params", err)
	}
	if err := r.setup(int(p.SQEntries)); err != nil {
		r.teardown()
		return nil, err
	}
	go r.reapLoop()
	return r, nil
}

func (r *Ring) setup(entries int) error {
	var err error
	if r.probe, err = probeOps(r.ring); err != nil {
		return err
	}
	for _, op := range []uint8{liburing.IORING_OP_SOCKET, liburing.IORING_OP_ASYNC_CANCEL, liburing.IORING_OP_LINK_TIMEOUT} {
		if !r.probe[op] {
			return errors.New("uring: the kernel lacks " + liburing.OpcodeName(int(op)) + " (Linux 5.19 or later is needed)")
		}
	}
	if r.cur, err = liburing.NewBatch(entries); err != nil {
		return err
	}
	if r.spare, err = liburing.NewBatch(entries); err != nil {
		return err
	}
	// The submitter role passes from goroutine to goroutine and others wait
	// for it: a yield while holding it would stall every submission.
	r.cur.SetYieldPeriod(0)
	r.spare.SetYieldPeriod(0)
	efd, err := unix.Eventfd(0, unix.EFD_NONBLOCK|unix.EFD_CLOEXEC)
	if err != nil {
		return os.NewSyscallError("eventfd", err)
	}
	// A non-blocking fd given to os.NewFile joins the netpoller: a Read
	// that finds the counter at zero parks the goroutine, not a thread.
	r.efile = os.NewFile(uintptr(efd), "io_uring-eventfd")
	if err := liburing.RegisterEventfd(r.ring, efd); err != nil {
		return os.NewSyscallError("io_uring_register_eventfd", err)
	}
	// Check that the flag exists: toggling fails on kernels without it.
	r.efdToggle = liburing.CQEventfdToggle(r.ring, true) == nil
	return nil
}

func probeOps(ring *liburing.Ring) (map[uint8]bool, error) {
	p, err := liburing.GetProbeRing(ring)
	if err != nil {
		return nil, os.NewSyscallError("io_uring_get_probe_ring", err)
	}
	defer liburing.FreeProbe(p)
	m := make(map[uint8]bool)
	for op := 0; op <= int(p.LastOp()); op++ {
		if liburing.OpcodeSupported(p, op) {
			m[uint8(op)] = true
		}
	}
	return m, nil
}

// Supports reports whether the ring's kernel supports the IORING_OP_* op.
func (r *Ring) Supports(op uint8) bool { return r.probe[op] }

var (
	defaultOnce sync.Once
	defaultRing *Ring
	defaultErr  error
)

// Default returns the process-wide ring that the package-level functions
// use, setting it up on first use. It is never closed.
func Default() (*Ring, error) {
	defaultOnce.Do(func() { defaultRing, defaultErr = New(nil) })
	return defaultRing, defaultErr
}

// Close cancels every operation in flight, waits until the kernel completed
// them all, closes the files, connections and listeners opened through the
// ring, stops the reaper and releases the ring. Calls after Close, and calls
// it interrupted, return ErrClosed. A second Close returns ErrClosed.
func (r *Ring) Close() error {
	err := ErrClosed
	r.closeOnce.Do(func() {
		r.mu.Lock()
		r.closed = true
		r.state.Store(ringClosing)
		// Everything added before this cancel is submitted before it.
		r.addLocked(liburing.IORING_OP_ASYNC_CANCEL, -1, nil, 0, 0, liburing.IORING_ASYNC_CANCEL_ANY|liburing.IORING_ASYNC_CANCEL_ALL, udIgnore, 0)
		r.kickLocked()
		r.fds.closeAll() // wakes Accept callers; their fds close below
		r.waitIdle()
		r.fds.release()
		// Stop the reaper: it looks at the flag after each wake-up.
		r.stopReaper.Store(true)
		r.efile.Write([]byte{1, 0, 0, 0, 0, 0, 0, 0})
		<-r.reaperDone
		r.closeErr = r.teardown()
		err = r.closeErr
	})
	return err
}

// waitIdle waits until no operation slot is in use, cancelling again now
// and then: an operation that was being prepared as Close began may reach
// the kernel after the first cancel.
func (r *Ring) waitIdle() {
	if r.inflight.Load() == 0 {
		r.idleOnce.Do(func() { close(r.idle) })
	}
	t := time.NewTicker(50 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-r.idle:
			return
		case <-t.C:
			r.mu.Lock()
			r.addLocked(liburing.IORING_OP_ASYNC_CANCEL, -1, nil, 0, 0, liburing.IORING_ASYNC_CANCEL_ANY|liburing.IORING_ASYNC_CANCEL_ALL, udIgnore, 0)
			r.kickLocked()
		}
	}
}

// teardown releases what setup acquired.
func (r *Ring) teardown() error {
	var errs []error
	if r.efile != nil {
		liburing.UnregisterEventfd(r.ring)
	}
	if err := liburing.QueueExit(r.ring); err != nil {
		errs = append(errs, err)
	}
	if r.efile != nil {
		errs = append(errs, r.efile.Close())
	}
	for _, b := range []*liburing.Batch{r.cur, r.spare} {
		if b != nil {
			b.Close()
		}
	}
	r.ops.free()
	return errors.Join(errs...)
}

func (r *Ring) isClosing() bool { return r.state.Load() != ringOpen }
