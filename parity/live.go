//go:build linux

package parity

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"sync/atomic"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Ring is one io_uring instance of an implementation, as the live
// scenarios drive it. Every method mirrors a liburing call:
//
//	GetSQE   io_uring_get_sqe (nil when the SQ is full)
//	Submit   io_uring_submit
//	PeekCQE  io_uring_peek_cqe, a copy of the CQE, then io_uring_cqe_seen;
//	         false when no CQE is ready
//	Fd       the ring's file descriptor (ring->ring_fd)
//	Close    io_uring_queue_exit
//
// A ring may also implement FileRegistrar, EventfdRegistrar,
// BufferRegistrar, RingFdRegistrar and BufRingRegistrar; a scenario that
// needs a call the ring lacks is reported as not implemented.
type Ring interface {
	GetSQE() *SQE
	Submit() (int, error)
	PeekCQE() (CQE, bool)
	Fd() int
	Close() error
}

// RingMaker is implemented by an Implementation that can run the live
// scenarios: NewRing is io_uring_queue_init(entries, ring, flags).
type RingMaker interface {
	NewRing(entries uint32, flags uint32) (Ring, error)
}

// MemRingMaker is io_uring_queue_init_mem: a ring whose rings live in
// mem (IORING_SETUP_NO_MMAP). It returns the bytes of mem used, or -1 when
// the implementation does not say.
type MemRingMaker interface {
	NewRingMem(entries uint32, flags uint32, mem unsafe.Pointer, size uint64) (Ring, int, error)
}

// FileRegistrar: io_uring_register_files, io_uring_register_files_update
// (returning the count updated) and io_uring_unregister_files.
type FileRegistrar interface {
	RegisterFiles(fds []int32) error
	RegisterFilesUpdate(off uint32, fds []int32) (int, error)
	UnregisterFiles() error
}

// EventfdRegistrar: io_uring_register_eventfd and io_uring_unregister_eventfd.
type EventfdRegistrar interface {
	RegisterEventfd(fd int) error
	UnregisterEventfd() error
}

// BufferRegistrar: io_uring_register_buffers and io_uring_unregister_buffers.
type BufferRegistrar interface {
	RegisterBuffers(iovecs []unix.Iovec) error
	UnregisterBuffers() error
}

// RingFdRegistrar: io_uring_register_ring_fd and io_uring_unregister_ring_fd,
// with C's return values.
type RingFdRegistrar interface {
	RegisterRingFd() (int, error)
	UnregisterRingFd() (int, error)
}

// BufReg is struct io_uring_buf_reg.
type BufReg struct {
	RingAddr    uint64
	RingEntries uint32
	Bgid        uint16
	Flags       uint16
	Resv        [3]uint64
}

// BufRingRegistrar: io_uring_register_buf_ring and io_uring_unregister_buf_ring.
type BufRingRegistrar interface {
	RegisterBufRing(reg *BufReg, flags uint32) error
	UnregisterBufRing(bgid int) error
}

// Scenario is one live sequence of setup, register, submit and reap calls.
type Scenario struct {
	Name string
	What string
	run  func(t *tx)
}

// Scenarios are the live differential scenarios, in order.
var Scenarios = []Scenario{
	{"files", "register files, update a slot, read and write through fixed files, unregister twice", scenarioFiles},
	{"eventfd", "register an eventfd, twice, count a completion, unregister twice", scenarioEventfd},
	{"buffers", "register buffers, twice, write_fixed and read_fixed, an index out of range, unregister twice", scenarioBuffers},
	{"ring_fd", "register the ring fd, twice, submit through it, unregister twice", scenarioRingFd},
	{"timeouts", "timeout update, removal of a pending and of a missing timeout, count completion, link timeout", scenarioTimeouts},
	{"msg_ring", "msg_ring data and CQE flags to another ring, pass a fixed file, a target that is no ring", scenarioMsgRing},
	{"queue_init_mem", "a ring in caller memory (IORING_SETUP_NO_MMAP): bytes used, a NOP, memory too small", scenarioQueueInitMem},
	{"buf_ring", "register a provided-buffer ring, read with buffer select, register twice, unregister twice", scenarioBufRing},
	{"cancel", "cancel by user_data, a missing request, all requests on an fd, any request; poll_remove", scenarioCancel},
}

// ErrNotImplemented is returned by an adapter's method for a call that the
// implementation lacks; transcripts show it as "not implemented".
var ErrNotImplemented = errors.New("not implemented")

// errSkip ends a scenario that needs something the implementation lacks.
type errSkip struct{ what string }

func (e errSkip) Error() string { return "not implemented: " + e.what }

// tx is one run of a scenario: the implementation, and the transcript.
type tx struct {
	impl  Implementation
	maker RingMaker
	preps map[string]PrepFunc
	lines []string
	mem   []byte
	used  int
	close []func()
}

func (t *tx) logf(format string, args ...any) {
	t.lines = append(t.lines, fmt.Sprintf(format, args...))
}

// fail ends the scenario with a line in the transcript.
func (t *tx) fail(format string, args ...any) {
	t.logf("ABORT: "+format, args...)
	panic(errAbort{})
}

type errAbort struct{}

// alloc returns n zeroed bytes of the scenario's mmap memory, 64-byte
// aligned (page aligned when align is 4096).
func (t *tx) alloc(n, align int) []byte {
	t.used = (t.used + align - 1) &^ (align - 1)
	if t.used+n > len(t.mem) {
		t.fail("scenario memory exhausted")
	}
	b := t.mem[t.used : t.used+n : t.used+n]
	t.used += n
	return b
}

func (t *tx) defer_(f func()) { t.close = append(t.close, f) }

func (t *tx) ring(entries uint32) Ring {
	r, err := t.maker.NewRing(entries, 0)
	if err != nil {
		t.fail("queue_init: %s", errText(err))
	}
	t.defer_(func() { r.Close() })
	return r
}

// prep gets an SQE and prepares it with the implementation's helper, then
// sets user_data (and sqe flags) in the SQE as io_uring_sqe_set_data64
// and io_uring_sqe_set_flags would.
func (t *tx) prep(r Ring, name string, ud uint64, sqeFlags uint8, vals ...any) *SQE {
	prep := t.preps[name]
	if prep == nil {
		panic(errSkip{name})
	}
	sqe := r.GetSQE()
	if sqe == nil {
		t.fail("get_sqe: SQ full")
	}
	args := makeArgs(name, vals)
	prep(sqe, args)
	sqe.UserData = ud
	sqe.Flags |= sqeFlags
	return sqe
}

func (t *tx) submit(r Ring, want int) {
	n, err := r.Submit()
	if err != nil || n != want {
		t.logf("submit = %d, %s (want %d)", n, errText(err), want)
		return
	}
	t.logf("submit = %d", n)
}

// reap waits up to two seconds for n CQEs and logs them by user_data.
func (t *tx) reap(r Ring, n int) []CQE {
	var got []CQE
	deadline := time.Now().Add(2 * time.Second)
	for len(got) < n && time.Now().Before(deadline) {
		if c, ok := r.PeekCQE(); ok {
			got = append(got, c)
			continue
		}
		time.Sleep(200 * time.Microsecond)
	}
	sort.SliceStable(got, func(i, j int) bool { return got[i].UserData < got[j].UserData })
	for _, c := range got {
		t.logf("cqe user_data=%#x res=%s flags=%#x", c.UserData, resText(c.Res), c.Flags)
	}
	if len(got) < n {
		t.logf("only %d of %d CQEs within 2s", len(got), n)
	}
	return got
}

// expectNoCQE logs any CQE that arrives within a short while.
func (t *tx) expectNoCQE(r Ring) {
	time.Sleep(20 * time.Millisecond)
	for {
		c, ok := r.PeekCQE()
		if !ok {
			return
		}
		t.logf("extra cqe user_data=%#x res=%s flags=%#x", c.UserData, resText(c.Res), c.Flags)
	}
}

// drain reads what a pipe holds without blocking (up to 100ms for it to
// become readable).
func (t *tx) drain(fd int) []byte {
	pfd := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	if n, _ := unix.Poll(pfd, 100); n <= 0 {
		return nil
	}
	b := make([]byte, 256)
	n, _ := unix.Read(fd, b)
	return b[:max(n, 0)]
}

func (t *tx) result(call string, err error) { t.logf("%s = %s", call, errText(err)) }

// retryEINTR calls f again while it fails with EINTR. Unregistering files
// or buffers waits interruptibly for the resources' last users on kernels
// before 6.13, and a Go process gets signals at any time (the runtime's
// SIGURG, SIGCHLD): an EINTR there says nothing about the implementation.
func retryEINTR(f func() error) error {
	for {
		if err := f(); !errors.Is(err, unix.EINTR) {
			return err
		}
	}
}

func (t *tx) pipe() (r, w int) {
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
		t.fail("pipe: %v", err)
	}
	t.defer_(func() { unix.Close(p[0]); unix.Close(p[1]) })
	return p[0], p[1]
}

func resText(res int32) string {
	if res < 0 {
		return "-" + errName(unix.Errno(-res))
	}
	return fmt.Sprint(res)
}

func errText(err error) string {
	if err == nil {
		return "ok"
	}
	if errors.Is(err, ErrNotImplemented) {
		return "not implemented"
	}
	var e unix.Errno
	if errors.As(err, &e) {
		return errName(e)
	}
	return "error (" + err.Error() + ")"
}

func errName(e unix.Errno) string {
	if n := unix.ErrnoName(e); n != "" {
		return n
	}
	return fmt.Sprintf("errno %d", int(e))
}

func ptr(b []byte) unsafe.Pointer { return unsafe.Pointer(&b[0]) }

// makeArgs turns Go values into a helper's Args: integers of any type and
// unsafe.Pointer (or nil).
func makeArgs(name string, vals []any) Args {
	h := HelperByName(name)
	if h == nil || len(h.Params) != len(vals) {
		panic("parity: bad call of " + name)
	}
	args := make(Args, len(vals))
	for i, v := range vals {
		a := Arg{Param: h.Params[i]}
		switch x := v.(type) {
		case int:
			a.Raw = uint64(int64(x))
		case int64:
			a.Raw = uint64(x)
		case uint32:
			a.Raw = uint64(x)
		case uint64:
			a.Raw = x
		case unsafe.Pointer:
			a.ptr = x
		case nil:
		default:
			panic(fmt.Sprintf("parity: argument %T of %s", v, name))
		}
		args[i] = a
	}
	return args
}

// ScenarioResult is one scenario run on both sides.
type ScenarioResult struct {
	Scenario Scenario
	C, Impl  []string // transcripts
	Skipped  string   // why the implementation could not run it
}

// Same reports whether both transcripts are equal.
func (r *ScenarioResult) Same() bool {
	if len(r.C) != len(r.Impl) {
		return false
	}
	for i := range r.C {
		if r.C[i] != r.Impl[i] {
			return false
		}
	}
	return true
}

// LiveReport is the result of every scenario.
type LiveReport struct {
	Impl    string
	Results []ScenarioResult
}

// Failed reports whether a scenario that both sides ran differs.
func (r *LiveReport) Failed() bool {
	for i := range r.Results {
		if r.Results[i].Skipped == "" && !r.Results[i].Same() {
			return true
		}
	}
	return false
}

// RunLive runs every scenario through the reference (C liburing, see
// Reference) and through the implementation, on the real kernel, and
// keeps both transcripts. An implementation that is no RingMaker has
// every scenario skipped.
func RunLive(ref, impl Implementation) *LiveReport {
	rep := &LiveReport{Impl: impl.Name()}
	for _, s := range Scenarios {
		res := ScenarioResult{Scenario: s}
		res.C, _ = runScenario(ref, s)
		var skip string
		res.Impl, skip = runScenario(impl, s)
		res.Skipped = skip
		rep.Results = append(rep.Results, res)
	}
	return rep
}

// runScenario runs one scenario on one OS thread and returns its
// transcript, or why it could not run.
func runScenario(impl Implementation, s Scenario) (lines []string, skipped string) {
	maker, ok := impl.(RingMaker)
	if !ok {
		return nil, "not implemented: rings (RingMaker)"
	}
	mem, err := unix.Mmap(-1, 0, 1<<20, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_ANON|unix.MAP_PRIVATE)
	if err != nil {
		return []string{"mmap: " + err.Error()}, ""
	}
	t := &tx{impl: impl, maker: maker, preps: impl.Preps(), mem: mem}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	func() {
		defer func() {
			switch r := recover().(type) {
			case nil, errAbort:
			case errSkip:
				skipped = r.Error()
			default:
				t.logf("PANIC: %v", r)
			}
		}()
		s.run(t)
	}()
	for i := len(t.close) - 1; i >= 0; i-- {
		t.close[i]()
	}
	unix.Munmap(mem)
	return t.lines, skipped
}

// need returns the ring as the optional interface T, or skips the scenario.
func need[T any](r Ring, what string) T {
	x, ok := r.(T)
	if !ok {
		panic(errSkip{what})
	}
	return x
}

// WriteMarkdown writes, for every scenario, whether the transcripts agree,
// and where they differ the lines of both.
func (r *LiveReport) WriteMarkdown(w io.Writer) {
	fmt.Fprintf(w, "### %s: live scenarios\n\n| scenario | result |\n|---|---|\n", r.Impl)
	for i := range r.Results {
		res := &r.Results[i]
		status := "same as C"
		switch {
		case res.Skipped != "":
			status = res.Skipped
		case !res.Same():
			status = "**differs** (below)"
		}
		fmt.Fprintf(w, "| %s | %s |\n", res.Scenario.Name, status)
	}
	fmt.Fprintln(w)
	for i := range r.Results {
		res := &r.Results[i]
		if res.Skipped != "" || res.Same() {
			continue
		}
		fmt.Fprintf(w, "#### %s: %s\n\n%s\n```\n", res.Scenario.Name, res.Scenario.What, TranscriptBegin)
		n := len(res.C)
		if len(res.Impl) > n {
			n = len(res.Impl)
		}
		for j := 0; j < n; j++ {
			c, g := line(res.C, j), line(res.Impl, j)
			if c == g {
				fmt.Fprintf(w, "  %s\n", c)
				continue
			}
			fmt.Fprintf(w, "- C:    %s\n+ impl: %s\n", c, g)
		}
		fmt.Fprintf(w, "```\n%s\n\n", TranscriptEnd)
	}
}

// TranscriptBegin and TranscriptEnd enclose the transcripts in a report.
// Where an implementation hands the kernel undefined memory (a timespec it
// did not mean to pass), what the kernel does with it can vary from run to
// run; a comparison of reports can leave these blocks out.
const (
	TranscriptBegin = "<!-- transcript -->"
	TranscriptEnd   = "<!-- /transcript -->"
)

func line(l []string, i int) string {
	if i < len(l) {
		return l[i]
	}
	return "(nothing)"
}

// Flags used by the scenarios (kernel ABI).
const (
	iosqeFixedFile    = 1 << 0
	iosqeIOLink       = 1 << 2
	iosqeBufferSelect = 1 << 5
	pollIn            = 0x1
	asyncCancelAll    = 1 << 0
	asyncCancelAny    = 1 << 2
	msgRingFlagsPass  = 1 << 1
	opFixedFdInstall  = 54 // IORING_OP_FIXED_FD_INSTALL, Linux 6.8
)

func scenarioFiles(t *tx) {
	ring := t.ring(8)
	fr := need[FileRegistrar](ring, "io_uring_register_files/_update, io_uring_unregister_files")
	r1, w1 := t.pipe()
	r2, w2 := t.pipe()
	files := map[string]int{"r1": r1, "w1": w1, "r2": r2, "w2": w2}
	t.result("register_files([r1, -1, -1])", fr.RegisterFiles([]int32{int32(r1), -1, -1}))
	for slot := 0; slot < 3; slot++ {
		t.slotHolds(ring, slot, files)
	}
	n, err := fr.RegisterFilesUpdate(1, []int32{int32(w2), int32(r1)})
	t.logf("register_files_update(1, [w2, r1]) = %d, %s", n, errText(err))
	for slot := 0; slot < 3; slot++ {
		t.slotHolds(ring, slot, files)
	}
	buf := t.alloc(64, 64)
	copy(buf, "fixed-write")
	t.prep(ring, "io_uring_prep_write", 1, iosqeFixedFile, 1, ptr(buf), uint32(11), uint64(0))
	t.submit(ring, 1)
	t.reap(ring, 1)
	t.logf("pipe 2 holds %q", t.drain(r2))
	unix.Write(w1, []byte("abc"))
	in := t.alloc(64, 64)
	t.prep(ring, "io_uring_prep_read", 2, iosqeFixedFile, 0, ptr(in), uint32(64), uint64(0))
	t.submit(ring, 1)
	if c := t.reap(ring, 1); len(c) == 1 && c[0].Res > 0 {
		t.logf("read %q", in[:c[0].Res])
	}
	n, err = fr.RegisterFilesUpdate(0, []int32{-1})
	t.logf("register_files_update(0, [-1]) = %d, %s", n, errText(err))
	t.prep(ring, "io_uring_prep_read", 3, iosqeFixedFile, 0, ptr(in), uint32(64), uint64(0))
	t.submit(ring, 1)
	t.reap(ring, 1)
	t.result("unregister_files", retryEINTR(fr.UnregisterFiles))
	t.result("unregister_files again", fr.UnregisterFiles())
}

// slotHolds logs which of files a fixed-file slot holds. It installs the
// slot as a normal fd with IORING_OP_FIXED_FD_INSTALL (an SQE built here,
// not by the implementation's helpers) and compares device, inode and access mode (the two ends of a pipe share
// an inode).
func (t *tx) slotHolds(r Ring, slot int, files map[string]int) {
	sqe := r.GetSQE()
	if sqe == nil {
		t.fail("get_sqe: SQ full")
	}
	*sqe = SQE{Opcode: opFixedFdInstall, Flags: iosqeFixedFile, Fd: int32(slot), UserData: 0xf1}
	if _, err := r.Submit(); err != nil {
		t.logf("fixed slot %d: submit %s", slot, errText(err))
		return
	}
	var c CQE
	deadline := time.Now().Add(2 * time.Second)
	ok := false
	for !ok && time.Now().Before(deadline) {
		if c, ok = r.PeekCQE(); !ok {
			time.Sleep(200 * time.Microsecond)
		}
	}
	switch {
	case !ok:
		t.logf("fixed slot %d: no CQE within 2s", slot)
		return
	case c.Res < 0:
		t.logf("fixed slot %d: %s", slot, resText(c.Res))
		return
	}
	fd := int(c.Res)
	defer unix.Close(fd)
	var st unix.Stat_t
	unix.Fstat(fd, &st)
	mode, _ := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		var o unix.Stat_t
		unix.Fstat(files[n], &o)
		om, _ := unix.FcntlInt(uintptr(files[n]), unix.F_GETFL, 0)
		if o.Dev == st.Dev && o.Ino == st.Ino && om&unix.O_ACCMODE == mode&unix.O_ACCMODE {
			t.logf("fixed slot %d holds %s", slot, n)
			return
		}
	}
	t.logf("fixed slot %d holds another file (not one the scenario registered)", slot)
}

func scenarioEventfd(t *tx) {
	ring := t.ring(8)
	er := need[EventfdRegistrar](ring, "io_uring_register_eventfd, io_uring_unregister_eventfd")
	efd, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		t.fail("eventfd: %v", err)
	}
	t.defer_(func() { unix.Close(efd) })
	t.result("register_eventfd", er.RegisterEventfd(efd))
	t.result("register_eventfd again", er.RegisterEventfd(efd))
	t.prep(ring, "io_uring_prep_nop", 1, 0)
	t.submit(ring, 1)
	t.reap(ring, 1)
	var cnt [8]byte
	n, err := unix.Read(efd, cnt[:])
	t.logf("eventfd read = %d, %s, count %d", n, errText(err), cnt[0])
	t.result("unregister_eventfd", er.UnregisterEventfd())
	t.result("unregister_eventfd again", er.UnregisterEventfd())
}

func scenarioBuffers(t *tx) {
	ring := t.ring(8)
	br := need[BufferRegistrar](ring, "io_uring_register_buffers, io_uring_unregister_buffers")
	b0, b1 := t.alloc(4096, 4096), t.alloc(4096, 4096)
	copy(b1, "registered buffer one")
	iov := []unix.Iovec{{Base: &b0[0], Len: 4096}, {Base: &b1[0], Len: 4096}}
	t.result("register_buffers(2)", br.RegisterBuffers(iov))
	t.result("register_buffers again", br.RegisterBuffers(iov))
	f, err := os.CreateTemp("", "parity-buffers-")
	if err != nil {
		t.fail("temp file: %v", err)
	}
	os.Remove(f.Name())
	t.defer_(func() { f.Close() })
	fd := int(f.Fd())
	t.prep(ring, "io_uring_prep_write_fixed", 1, 0, fd, ptr(b1), uint32(21), uint64(0), 1)
	t.submit(ring, 1)
	t.reap(ring, 1)
	t.prep(ring, "io_uring_prep_read_fixed", 2, 0, fd, ptr(b0), uint32(21), uint64(0), 0)
	t.submit(ring, 1)
	if c := t.reap(ring, 1); len(c) == 1 && c[0].Res > 0 {
		t.logf("read_fixed into buffer 0: %q", b0[:c[0].Res])
	}
	t.prep(ring, "io_uring_prep_read_fixed", 3, 0, fd, ptr(b0), uint32(21), uint64(0), 2)
	t.submit(ring, 1)
	t.reap(ring, 1)
	t.result("unregister_buffers", retryEINTR(br.UnregisterBuffers))
	t.result("unregister_buffers again", br.UnregisterBuffers())
}

func scenarioRingFd(t *tx) {
	ring := t.ring(8)
	rr := need[RingFdRegistrar](ring, "io_uring_register_ring_fd, io_uring_unregister_ring_fd")
	n, err := rr.RegisterRingFd()
	t.logf("register_ring_fd = %d, %s", n, errText(err))
	n, err = rr.RegisterRingFd()
	t.logf("register_ring_fd again = %d, %s", n, errText(err))
	t.prep(ring, "io_uring_prep_nop", 1, 0)
	t.submit(ring, 1)
	t.reap(ring, 1)
	n, err = rr.UnregisterRingFd()
	t.logf("unregister_ring_fd = %d, %s", n, errText(err))
	n, err = rr.UnregisterRingFd()
	t.logf("unregister_ring_fd again = %d, %s", n, errText(err))
	t.prep(ring, "io_uring_prep_nop", 2, 0)
	t.submit(ring, 1)
	t.reap(ring, 1)
}

// timespec puts a struct __kernel_timespec in scenario memory.
func (t *tx) timespec(d time.Duration) unsafe.Pointer {
	b := t.alloc(16, 64)
	*(*[2]int64)(unsafe.Pointer(&b[0])) = [2]int64{int64(d / time.Second), int64(d % time.Second)}
	return ptr(b)
}

func scenarioTimeouts(t *tx) {
	ring := t.ring(16)
	long, short := t.timespec(10*time.Second), t.timespec(time.Millisecond)
	t.logf("timeout 10s, then timeout_update to 1ms")
	t.prep(ring, "io_uring_prep_timeout", 1, 0, long, uint32(0), uint32(0))
	t.submit(ring, 1)
	t.prep(ring, "io_uring_prep_timeout_update", 2, 0, short, uint64(1), uint32(0))
	t.submit(ring, 1)
	t.reap(ring, 2)
	t.logf("timeout 10s, then timeout_remove")
	t.prep(ring, "io_uring_prep_timeout", 3, 0, long, uint32(0), uint32(0))
	t.submit(ring, 1)
	t.prep(ring, "io_uring_prep_timeout_remove", 4, 0, uint64(3), uint32(0))
	t.submit(ring, 1)
	t.reap(ring, 2)
	t.logf("timeout_remove of a user_data that has no timeout")
	t.prep(ring, "io_uring_prep_timeout_remove", 5, 0, uint64(0x99), uint32(0))
	t.submit(ring, 1)
	t.reap(ring, 1)
	t.logf("timeout 10s with count 1, completed by a NOP")
	t.prep(ring, "io_uring_prep_timeout", 6, 0, long, uint32(1), uint32(0))
	t.prep(ring, "io_uring_prep_nop", 7, 0)
	t.submit(ring, 2)
	t.reap(ring, 2)
	t.logf("poll linked to a 1ms link_timeout")
	r, _ := t.pipe()
	t.prep(ring, "io_uring_prep_poll_add", 8, iosqeIOLink, r, uint32(pollIn))
	t.prep(ring, "io_uring_prep_link_timeout", 9, 0, short, uint32(0))
	t.submit(ring, 2)
	t.reap(ring, 2)
	t.expectNoCQE(ring)
}

func scenarioMsgRing(t *tx) {
	a, b := t.ring(8), t.ring(8)
	t.logf("msg_ring data to ring B")
	t.prep(a, "io_uring_prep_msg_ring", 1, 0, b.Fd(), uint32(0x77), uint64(0xabc), uint32(0))
	t.submit(a, 1)
	t.reapMsg(a, b)
	t.logf("msg_ring_cqe_flags with IORING_CQE_F_MORE passed")
	t.prep(a, "io_uring_prep_msg_ring_cqe_flags", 2, 0, b.Fd(), uint32(5), uint64(0xabd), uint32(msgRingFlagsPass), uint32(2))
	t.submit(a, 1)
	t.reapMsg(a, b)
	t.logf("msg_ring to an fd that is no ring")
	pr, _ := t.pipe()
	t.prep(a, "io_uring_prep_msg_ring", 3, 0, pr, uint32(1), uint64(1), uint32(0))
	t.submit(a, 1)
	t.reap(a, 1)
	fa := need[FileRegistrar](a, "io_uring_register_files")
	fb := need[FileRegistrar](b, "io_uring_register_files")
	r, w := t.pipe()
	t.result("ring A register_files([w])", fa.RegisterFiles([]int32{int32(w)}))
	t.result("ring B register_files([-1, -1])", fb.RegisterFiles([]int32{-1, -1}))
	t.logf("msg_ring_fd: A's fixed file 0 to B's slot 1")
	t.prep(a, "io_uring_prep_msg_ring_fd", 4, 0, b.Fd(), 0, 1, uint64(0xdef), uint32(0))
	t.submit(a, 1)
	t.reapMsg(a, b)
	buf := t.alloc(64, 64)
	copy(buf, "via B")
	t.prep(b, "io_uring_prep_write", 5, iosqeFixedFile, 1, ptr(buf), uint32(5), uint64(0))
	t.submit(b, 1)
	t.reap(b, 1)
	t.logf("pipe holds %q", t.drain(r))
	t.logf("msg_ring_fd_alloc: A's fixed file 0 to a free slot of B")
	t.prep(a, "io_uring_prep_msg_ring_fd_alloc", 6, 0, b.Fd(), 0, uint64(0xdf0), uint32(0))
	t.submit(a, 1)
	t.reapMsg(a, b)
}

// reapMsg reaps the CQE of a msg_ring request on ring a and, when it
// succeeded, the message on the target ring b. A request the kernel refused
// posts nothing on b (IORING_MSG_RING_FLAGS_PASS, for one, is Linux 6.3:
// 6.1 fails it with -EINVAL), so b is then only checked to stay empty.
func (t *tx) reapMsg(a, b Ring) {
	got := t.reap(a, 1)
	if len(got) == 1 && got[0].Res < 0 {
		t.logf("ring B: no message (the request failed)")
		t.expectNoCQE(b)
		return
	}
	t.logf("ring B:")
	t.reap(b, 1)
}

func scenarioQueueInitMem(t *tx) {
	mk, ok := t.impl.(MemRingMaker)
	if !ok {
		panic(errSkip{"io_uring_queue_init_mem (MemRingMaker)"})
	}
	mem := t.alloc(64<<10, 4096)
	ring, used, err := mk.NewRingMem(8, 0, ptr(mem), uint64(len(mem)))
	t.logf("queue_init_mem(8, 64 KiB) = %d, %s", used, errText(err))
	if err == nil {
		t.prep(ring, "io_uring_prep_nop", 1, 0)
		t.submit(ring, 1)
		t.reap(ring, 1)
		t.result("queue_exit", ring.Close())
	}
	small := t.alloc(4096, 4096)
	ring, used, err = mk.NewRingMem(64, 0, ptr(small), uint64(len(small)))
	t.logf("queue_init_mem(64, 4 KiB) = %d, %s", used, errText(err))
	if err == nil {
		ring.Close()
	}
}

func scenarioBufRing(t *tx) {
	ring := t.ring(8)
	bg := need[BufRingRegistrar](ring, "io_uring_register_buf_ring, io_uring_unregister_buf_ring")
	const entries, size, bgid = 8, 64, 5
	br := t.alloc(entries*16, 4096)
	bufs := t.alloc(entries*size, 64)
	reg := &BufReg{RingAddr: uint64(uintptr(ptr(br))), RingEntries: entries, Bgid: bgid}
	t.result("register_buf_ring(8 entries, bgid 5)", bg.RegisterBufRing(reg, 0))
	t.result("register_buf_ring again", bg.RegisterBufRing(reg, 0))
	for i := 0; i < 4; i++ {
		e := (*[2]uint64)(unsafe.Pointer(&br[16*i]))
		e[0] = uint64(uintptr(ptr(bufs[i*size:])))
		e[1] = uint64(size) | uint64(i)<<32 // len, bid
	}
	atomic.StoreUint32((*uint32)(unsafe.Pointer(&br[12])), 4<<16) // tail = 4 (upper half of resv of bufs[0])
	r, w := t.pipe()
	unix.Write(w, []byte("xyz"))
	sqe := t.prep(ring, "io_uring_prep_read", 1, iosqeBufferSelect, r, nil, uint32(size), uint64(0))
	sqe.BufIndex = bgid
	t.submit(ring, 1)
	if c := t.reap(ring, 1); len(c) == 1 && c[0].Res > 0 {
		bid := c[0].Flags >> 16
		t.logf("buffer %d holds %q", bid, bufs[int(bid)*size:int(bid)*size+int(c[0].Res)])
	}
	t.result("unregister_buf_ring(5)", bg.UnregisterBufRing(bgid))
	t.result("unregister_buf_ring(5) again", bg.UnregisterBufRing(bgid))
	t.result("register_buf_ring with an unaligned ring", bg.RegisterBufRing(&BufReg{RingAddr: reg.RingAddr + 8, RingEntries: entries, Bgid: bgid}, 0))
}

func scenarioCancel(t *tx) {
	ring := t.ring(16)
	r, _ := t.pipe()
	t.logf("cancel64 of a pending poll")
	t.prep(ring, "io_uring_prep_poll_add", 1, 0, r, uint32(pollIn))
	t.submit(ring, 1)
	t.prep(ring, "io_uring_prep_cancel64", 2, 0, uint64(1), 0)
	t.submit(ring, 1)
	t.reap(ring, 2)
	t.logf("cancel64 of a user_data that has no request")
	t.prep(ring, "io_uring_prep_cancel64", 3, 0, uint64(0x99), 0)
	t.submit(ring, 1)
	t.reap(ring, 1)
	t.logf("cancel_fd with IORING_ASYNC_CANCEL_ALL of two polls")
	t.prep(ring, "io_uring_prep_poll_add", 4, 0, r, uint32(pollIn))
	t.prep(ring, "io_uring_prep_poll_add", 5, 0, r, uint32(pollIn))
	t.submit(ring, 2)
	t.prep(ring, "io_uring_prep_cancel_fd", 6, 0, r, uint32(asyncCancelAll))
	t.submit(ring, 1)
	t.reap(ring, 3)
	t.logf("cancel64 with IORING_ASYNC_CANCEL_ANY")
	t.prep(ring, "io_uring_prep_poll_add", 7, 0, r, uint32(pollIn))
	t.submit(ring, 1)
	t.prep(ring, "io_uring_prep_cancel64", 8, 0, uint64(0), asyncCancelAny)
	t.submit(ring, 1)
	t.reap(ring, 2)
	t.logf("poll_remove of a pending poll")
	t.prep(ring, "io_uring_prep_poll_add", 9, 0, r, uint32(pollIn))
	t.submit(ring, 1)
	t.prep(ring, "io_uring_prep_poll_remove", 10, 0, uint64(9))
	t.submit(ring, 1)
	t.reap(ring, 2)
	t.expectNoCQE(ring)
}
