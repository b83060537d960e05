//go:build linux && cgo

package liburing

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"strings"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Bad input: every row is its own subtest and must end in a clear error (or
// the documented zero value), never a panic, a crash or a hang.

// errNotZero marks a call without an error result that returned something
// other than its zero value.
var errNotZero = errors.New("result is not the zero value")

// zero turns "the result is its zero value" into a nil error.
func zero(ok bool) error {
	if ok {
		return nil
	}
	return errNotZero
}

// second drops a call's first result.
func second[T any](_ T, err error) error { return err }

// ringCall is one exported function (or method) that takes a *Ring. call
// returns the function's error; for a function without an error result it
// returns zero(result is the zero value) and noErr is set, so the expected
// outcome is nil.
type ringCall struct {
	name  string
	call  func(r *Ring) error
	noErr bool
}

// badRingCalls lists every exported function and method taking a *Ring,
// except the QueueInit family (a zero or exited ring is their valid input;
// see TestBadInputQueueInit).
func badRingCalls(t *testing.T) []ringCall {
	br := badCBufRing(t)
	p, err := NewProbe(4)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { FreeProbe(p) })
	b := newBatch(t, 2)
	cb, err := NewCQEBatch(4)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cb.Close() })
	ts := &KernelTimespec{Nsec: 1000}
	files, iov := []int32{0}, []unix.Iovec{{}}
	e := func(name string, f func(*Ring) error) ringCall { return ringCall{name: name, call: f} }
	z := func(name string, f func(*Ring) bool) ringCall {
		return ringCall{name: name, call: func(r *Ring) error { return zero(f(r)) }, noErr: true}
	}
	return []ringCall{
		// setup.go, queue.go, submit.go
		e("QueueExit", QueueExit),
		e("RingDontfork", RingDontfork),
		e("CloseRingFd", func(r *Ring) error { return second(CloseRingFd(r)) }),
		e("CQEventfdToggle", func(r *Ring) error { return CQEventfdToggle(r, true) }),
		z("CQEventfdEnabled", func(r *Ring) bool { return !CQEventfdEnabled(r) }),
		z("CQHasOverflow", func(r *Ring) bool { return !CQHasOverflow(r) }),
		z("CQReady", func(r *Ring) bool { return CQReady(r) == 0 }),
		z("SQReady", func(r *Ring) bool { return SQReady(r) == 0 }),
		z("SQSpaceLeft", func(r *Ring) bool { return SQSpaceLeft(r) == 0 }),
		e("SqringWait", func(r *Ring) error { return second(SqringWait(r)) }),
		z("GetSQE", func(r *Ring) bool { return GetSQE(r) == nil }),
		e("Submit", func(r *Ring) error { return second(Submit(r)) }),
		e("SubmitAndWait", func(r *Ring) error { return second(SubmitAndWait(r, 1)) }),
		e("SubmitAndGetEvents", func(r *Ring) error { return second(SubmitAndGetEvents(r)) }),
		e("SubmitAndWaitTimeout", func(r *Ring) error {
			cqe, n, err := SubmitAndWaitTimeout(r, 1, ts, nil)
			if cqe != nil || n != 0 {
				return errNotZero
			}
			return err
		}),
		e("GetEvents", func(r *Ring) error { return second(GetEvents(r)) }),
		e("GetProbeRing", func(r *Ring) error { return second(GetProbeRing(r)) }),
		// cqe.go
		e("PeekCQE", func(r *Ring) error { return second(PeekCQE(r)) }),
		e("WaitCQE", func(r *Ring) error { return second(WaitCQE(r)) }),
		e("WaitCQENr", func(r *Ring) error { return second(WaitCQENr(r, 1)) }),
		e("WaitCQETimeout", func(r *Ring) error { return second(WaitCQETimeout(r, ts)) }),
		e("WaitCQEs", func(r *Ring) error { return second(WaitCQEs(r, 1, ts, nil)) }),
		z("PeekBatchCQE", func(r *Ring) bool { return PeekBatchCQE(r, make([]*CQE, 4)) == 0 }),
		z("ForEachCQE", func(r *Ring) bool {
			for range ForEachCQE(r) {
				return false
			}
			return true
		}),
		z("CQESeen", func(r *Ring) bool { CQESeen(r, new(CQE)); return true }),
		z("CQAdvance", func(r *Ring) bool { CQAdvance(r, 1); return true }),
		z("CQEShift", func(r *Ring) bool { return CQEShift(r) == 0 }),
		z("CQEIndex", func(r *Ring) bool { return CQEIndex(r, 3, 7) == 0 }),
		// register.go, register_files.go, register_buffers.go
		e("EnableRings", EnableRings),
		e("RegisterBuffers", func(r *Ring) error { return RegisterBuffers(r, iov) }),
		e("RegisterBuffersSparse", func(r *Ring) error { return RegisterBuffersSparse(r, 1) }),
		e("RegisterBuffersTags", func(r *Ring) error { return RegisterBuffersTags(r, iov, nil) }),
		e("RegisterBuffersUpdateTag", func(r *Ring) error { return second(RegisterBuffersUpdateTag(r, 0, iov, nil)) }),
		e("RegisterEventfd", func(r *Ring) error { return RegisterEventfd(r, 0) }),
		e("RegisterEventfdAsync", func(r *Ring) error { return RegisterEventfdAsync(r, 0) }),
		e("RegisterFileAllocRange", func(r *Ring) error { return RegisterFileAllocRange(r, 0, 1) }),
		e("RegisterFiles", func(r *Ring) error { return RegisterFiles(r, files) }),
		e("RegisterFilesSparse", func(r *Ring) error { return RegisterFilesSparse(r, 1) }),
		e("RegisterFilesTags", func(r *Ring) error { return RegisterFilesTags(r, files, nil) }),
		e("RegisterFilesUpdate", func(r *Ring) error { return second(RegisterFilesUpdate(r, 0, files)) }),
		e("RegisterFilesUpdateTag", func(r *Ring) error { return second(RegisterFilesUpdateTag(r, 0, files, nil)) }),
		e("RegisterIowqAff", func(r *Ring) error { return RegisterIowqAff(r, 8, new(unix.CPUSet)) }),
		e("RegisterIowqMaxWorkers", func(r *Ring) error { return RegisterIowqMaxWorkers(r, new([2]uint32)) }),
		e("RegisterNapi", func(r *Ring) error { return RegisterNapi(r, new(Napi)) }),
		e("RegisterPersonality", func(r *Ring) error { return second(RegisterPersonality(r)) }),
		e("RegisterProbe", func(r *Ring) error { return RegisterProbe(r, p, 4) }),
		e("RegisterRestrictions", func(r *Ring) error { return RegisterRestrictions(r, []Restriction{{}}) }),
		e("RegisterRingFd", func(r *Ring) error { return second(RegisterRingFd(r)) }),
		e("RegisterSyncCancel", func(r *Ring) error { return second(RegisterSyncCancel(r, new(SyncCancelReg))) }),
		e("UnregisterBuffers", UnregisterBuffers),
		e("UnregisterEventfd", UnregisterEventfd),
		e("UnregisterFiles", UnregisterFiles),
		e("UnregisterIowqAff", UnregisterIowqAff),
		e("UnregisterNapi", func(r *Ring) error { return UnregisterNapi(r, nil) }),
		e("UnregisterPersonality", func(r *Ring) error { return UnregisterPersonality(r, 1) }),
		e("UnregisterRingFd", func(r *Ring) error { return second(UnregisterRingFd(r)) }),
		// bufring.go
		e("SetupBufRing", func(r *Ring) error {
			got, err := SetupBufRing(r, 2, 1, 0)
			if got != nil {
				return errNotZero
			}
			return err
		}),
		e("FreeBufRing", func(r *Ring) error { return FreeBufRing(r, br, 2, 1) }),
		e("RegisterBufRing", func(r *Ring) error { return RegisterBufRing(r, &BufReg{}, 0) }),
		e("UnregisterBufRing", func(r *Ring) error { return UnregisterBufRing(r, 1) }),
		e("BufRingHead", func(r *Ring) error { return second(BufRingHead(r, 1)) }),
		e("BufRingAvailable", func(r *Ring) error { return second(BufRingAvailable(r, br, 1)) }),
		z("BufRingCQAdvance", func(r *Ring) bool { BufRingCQAdvance(r, br, 1); return br.Tail == 0 }),
		// Ring methods and the batch path
		z("Ring.CPtr", func(r *Ring) bool { return r.CPtr() == nil }),
		z("Ring.Fd", func(r *Ring) bool { return r.Fd() < 0 }),
		z("Ring.Flags", func(r *Ring) bool { return r.Flags() == 0 }),
		z("Ring.Features", func(r *Ring) bool { return r.Features() == 0 }),
		z("Ring.EnterRingFd", func(r *Ring) bool { return r.EnterRingFd() < 0 }),
		z("Ring.IntFlags", func(r *Ring) bool { return r.IntFlags() == 0 }),
		z("Ring.String", func(r *Ring) bool { return r.String() == "Ring(nil)" || r.String() == "Ring(closed)" }),
		// Python-layer holders (sqebatch.go, cqebatch.go)
		e("PutSQE", func(r *Ring) error { _, err := PutSQE(r, []SQE{{}}); return err }),
		z("CQEBatch.Peek", func(r *Ring) bool { return cb.Peek(r) == 0 && cb.Len() == 0 }),
		e("CQEBatch.Wait", func(r *Ring) error { _, err := cb.Wait(r, 1, ts, nil); return err }),
		z("CQEBatch.Seen", func(r *Ring) bool { cb.Seen(r); return cb.Len() == 0 }),
		z("Ring.ReapCQEs", func(r *Ring) bool { return r.ReapCQEs(make([]CQE, 2)) == 0 }),
		e("Batch.Submit", func(r *Ring) error { b.Reset(); b.Nop(1); return second(b.Submit(r)) }),
		e("Batch.SubmitAndWait", func(r *Ring) error { b.Reset(); b.Nop(1); return second(b.SubmitAndWait(r, 1)) }),
	}
}

// badCBufRing returns a zeroed struct io_uring_buf_ring header in C memory,
// for calls that must not touch it.
func badCBufRing(t *testing.T) *BufRing {
	mem, err := AllocBuffer(int(unsafe.Sizeof(BufRing{})) * 2)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { FreeBuffer(mem) })
	return (*BufRing)(unsafe.Pointer(&mem[0]))
}

// badRingStates are the rings that every ringCall refuses: nil, never set
// up, exited once, exited twice, and RingFromC of a nil pointer.
func badRingStates(t *testing.T) []struct {
	name string
	ring *Ring
	want error
} {
	exited, twice := new(Ring), new(Ring)
	for _, r := range []*Ring{exited, twice} {
		if err := QueueInit(2, r, 0); err != nil {
			t.Fatal(err)
		}
		if err := QueueExit(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := QueueExit(twice); !errors.Is(err, ErrRingClosed) {
		t.Fatalf("second QueueExit = %v, want ErrRingClosed", err)
	}
	return []struct {
		name string
		ring *Ring
		want error
	}{
		{"nil", nil, ErrNilRing},
		{"zero", new(Ring), ErrRingClosed},
		{"exited", exited, ErrRingClosed},
		{"exited twice", twice, ErrRingClosed},
		{"RingFromC(nil)", RingFromC(nil), ErrNilRing},
	}
}

// TestBadInputRingStates: every function taking a *Ring returns ErrNilRing
// or ErrRingClosed (or its zero value) for a ring that is not set up.
func TestBadInputRingStates(t *testing.T) {
	calls := badRingCalls(t)
	for _, st := range badRingStates(t) {
		for _, c := range calls {
			t.Run(st.name+"/"+c.name, func(t *testing.T) {
				want := st.want
				if c.noErr {
					want = nil
				}
				if err := c.call(st.ring); !errors.Is(err, want) || (want == nil && err != nil) {
					t.Errorf("%s(%s ring) = %v, want %v", c.name, st.name, err, want)
				}
			})
		}
	}
}

// TestBadInputRingCoverage: the table above names every exported function
// and method of the package that takes a *Ring (read from the sources), so
// a new one cannot miss its nil and closed ring rows.
func TestBadInputRingCoverage(t *testing.T) {
	listed := map[string]bool{"QueueInit": true, "QueueInitParams": true, "QueueInitMem": true, "QueueMmap": true}
	for _, c := range badRingCalls(t) {
		listed[c.name] = true
	}
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, ".", func(fi fs.FileInfo) bool {
		return !strings.HasSuffix(fi.Name(), "_test.go")
	}, 0)
	if err != nil {
		t.Fatal(err)
	}
	isRing := func(e ast.Expr) bool {
		star, ok := e.(*ast.StarExpr)
		if !ok {
			return false
		}
		id, ok := star.X.(*ast.Ident)
		return ok && id.Name == "Ring"
	}
	pkg := pkgs["liburing"]
	if pkg == nil {
		t.Skip("the package's sources are not in the working directory")
	}
	for _, f := range pkg.Files {
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || !fn.Name.IsExported() {
				continue
			}
			name, takesRing := fn.Name.Name, false
			if fn.Recv != nil {
				if star, ok := fn.Recv.List[0].Type.(*ast.StarExpr); ok {
					if id, ok := star.X.(*ast.Ident); ok {
						name = id.Name + "." + name
					}
				}
				takesRing = isRing(fn.Recv.List[0].Type)
			}
			for _, p := range fn.Type.Params.List {
				takesRing = takesRing || isRing(p.Type)
			}
			if takesRing && !listed[name] {
				t.Errorf("%s takes a *Ring but has no row in badRingCalls", name)
			}
		}
	}
}

// TestBadInputQueueInit: the set-up functions refuse a nil ring and a ring
// that is still set up, and leave a failed ring unset.
func TestBadInputQueueInit(t *testing.T) {
	page := unix.Getpagesize()
	mem := coreMmap(t, 16*page)
	inits := []struct {
		name string
		call func(r *Ring) error
	}{
		{"QueueInit", func(r *Ring) error { return QueueInit(2, r, 0) }},
		{"QueueInitParams", func(r *Ring) error { return QueueInitParams(2, r, new(Params)) }},
		{"QueueInitMem", func(r *Ring) error {
			return second(QueueInitMem(2, r, new(Params), unsafe.Pointer(&mem[0]), uint64(len(mem))))
		}},
		{"QueueMmap", func(r *Ring) error { return QueueMmap(-1, &Params{SQEntries: 2, CQEntries: 4}, r) }},
	}
	live := newRing(t, 2, 0)
	for _, in := range inits {
		t.Run(in.name+"/nil ring", func(t *testing.T) {
			if err := in.call(nil); !errors.Is(err, ErrNilRing) {
				t.Errorf("= %v, want ErrNilRing", err)
			}
		})
		t.Run(in.name+"/ring in use", func(t *testing.T) {
			fd := live.Fd()
			if err := in.call(live); !errors.Is(err, ErrRingInUse) {
				t.Errorf("= %v, want ErrRingInUse", err)
			}
			if live.Fd() != fd {
				t.Errorf("the live ring changed: fd %d, was %d", live.Fd(), fd)
			}
		})
	}
	t.Run("QueueMmap/bad fd", func(t *testing.T) {
		var r Ring
		if err := QueueMmap(-1, &Params{SQEntries: 2, CQEntries: 4}, &r); !errors.Is(err, unix.EBADF) {
			QueueExit(&r)
			t.Errorf("= %v, want EBADF", err)
		}
		if r.CPtr() != nil {
			t.Error("failed QueueMmap left the ring set up")
		}
	})
}

// badRow is one bad input outside the ring's state: run returns the
// outcome, which must match want (errors.Is; nil means success).
type badRow struct {
	name string
	run  func(t *testing.T, ring *Ring) error
	want error
}

func runBadRows(t *testing.T, rows []badRow) {
	t.Helper()
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			ring := newRing(t, 8, 0)
			done := make(chan error, 1)
			go func() { done <- row.run(t, ring) }()
			select {
			case err := <-done:
				if !errors.Is(err, row.want) || (row.want == nil && err != nil) {
					t.Errorf("%s = %v, want %v", row.name, err, row.want)
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("%s hung", row.name)
			}
		})
	}
}

// badRes submits what prep builds on one SQE and returns the CQE's res as
// an error (nil for a result >= 0).
func badRes(t *testing.T, ring *Ring, prep func(sqe *SQE)) error {
	sqe := GetSQE(ring)
	if sqe == nil {
		return errors.New("no SQE")
	}
	prep(sqe)
	_, res, _ := submitWait(t, ring)
	return second(TrapError(res))
}

// badClosedFd returns a descriptor number that was just closed.
func badClosedFd(t *testing.T) int {
	fd, err := unix.Eventfd(0, unix.EFD_CLOEXEC)
	if err != nil {
		t.Fatal(err)
	}
	unix.Close(fd)
	return fd
}

// TestBadInputSQ: a full submission queue.
func TestBadInputSQ(t *testing.T) {
	runBadRows(t, []badRow{
		{"GetSQE on a full SQ is nil, and works again after Submit", func(t *testing.T, ring *Ring) error {
			for i := 0; i < 8; i++ {
				if GetSQE(ring) == nil {
					return fmt.Errorf("GetSQE %d of 8 returned nil", i)
				}
			}
			if GetSQE(ring) != nil || SQSpaceLeft(ring) != 0 {
				return fmt.Errorf("full SQ: GetSQE gave an SQE, %d left", SQSpaceLeft(ring))
			}
			if n, err := SubmitAndWait(ring, 8); n != 8 || err != nil {
				return fmt.Errorf("SubmitAndWait = %d, %v", n, err)
			}
			CQAdvance(ring, 8)
			if _, err := PeekCQE(ring); !errors.Is(err, unix.EAGAIN) {
				return fmt.Errorf("PeekCQE after CQAdvance(8) = %v, want EAGAIN", err)
			}
			if GetSQE(ring) == nil {
				return errors.New("GetSQE after Submit returned nil")
			}
			return nil
		}, nil},
		{"prep on the nil SQE of a full SQ is a no-op", func(t *testing.T, ring *Ring) error {
			for GetSQE(ring) != nil {
			}
			sqe := GetSQE(ring)
			PrepNop(sqe)
			PrepRead(sqe, 0, nil, 1, 0)
			SQESetData64(sqe, 1)
			SQESetFlags(sqe, IOSQE_IO_LINK)
			return nil
		}, nil},
		{"a batch larger than the SQ is refused", func(t *testing.T, ring *Ring) error {
			b := newBatch(t, 16)
			for i := 0; i < 16; i++ {
				b.Nop(uint64(i))
			}
			n, err := b.Submit(ring)
			if err == nil {
				reapAll(t, ring, n)
			}
			return err
		}, nil},
	})
}

// TestBadInputFds: operations and calls on descriptors that are not open,
// not of the right kind, or fixed-file indexes that are not registered.
func TestBadInputFds(t *testing.T) {
	buf, err := AllocBuffer(16)
	if err != nil {
		t.Fatal(err)
	}
	defer FreeBuffer(buf)
	p := unsafe.Pointer(&buf[0])
	runBadRows(t, []badRow{
		{"read fd -1", func(t *testing.T, r *Ring) error {
			return badRes(t, r, func(s *SQE) { PrepRead(s, -1, p, 16, 0) })
		}, unix.EBADF},
		{"write closed fd", func(t *testing.T, r *Ring) error {
			fd := badClosedFd(t)
			return badRes(t, r, func(s *SQE) { PrepWrite(s, fd, p, 16, 0) })
		}, unix.EBADF},
		{"fsync huge fd", func(t *testing.T, r *Ring) error {
			return badRes(t, r, func(s *SQE) { PrepFsync(s, 1<<30, 0) })
		}, unix.EBADF},
		{"close fd -1", func(t *testing.T, r *Ring) error {
			return badRes(t, r, func(s *SQE) { PrepClose(s, -1) })
		}, unix.EBADF},
		{"poll_add fd -1", func(t *testing.T, r *Ring) error {
			return badRes(t, r, func(s *SQE) { PrepPollAdd(s, -1, unix.POLLIN) })
		}, unix.EBADF},
		{"fixed file without a table", func(t *testing.T, r *Ring) error {
			return badRes(t, r, func(s *SQE) { PrepRead(s, 0, p, 16, 0); SQESetFlags(s, IOSQE_FIXED_FILE) })
		}, unix.EBADF},
		{"fixed file index past the table", func(t *testing.T, r *Ring) error {
			if err := RegisterFilesSparse(r, 2); err != nil {
				return err
			}
			return badRes(t, r, func(s *SQE) { PrepRead(s, 5, p, 16, 0); SQESetFlags(s, IOSQE_FIXED_FILE) })
		}, unix.EBADF},
		{"fixed file in an empty slot", func(t *testing.T, r *Ring) error {
			if err := RegisterFilesSparse(r, 2); err != nil {
				return err
			}
			return badRes(t, r, func(s *SQE) { PrepRead(s, 1, p, 16, 0); SQESetFlags(s, IOSQE_FIXED_FILE) })
		}, unix.EBADF},
		{"msg_ring to a non-ring fd", func(t *testing.T, r *Ring) error {
			efd, err := unix.Eventfd(0, unix.EFD_CLOEXEC)
			if err != nil {
				return err
			}
			defer unix.Close(efd)
			return badRes(t, r, func(s *SQE) { PrepMsgRing(s, efd, 0, 1, 0) })
		}, unix.EBADFD},
		{"RegisterFiles with a closed fd", func(t *testing.T, r *Ring) error {
			return RegisterFiles(r, []int32{int32(badClosedFd(t))})
		}, unix.EBADF},
		{"RegisterEventfd(-1)", func(t *testing.T, r *Ring) error { return RegisterEventfd(r, -1) }, unix.EBADF},
		{"RegisterEventfd(not an eventfd)", func(t *testing.T, r *Ring) error {
			rfd, _ := testPipe(t)
			return RegisterEventfd(r, rfd)
		}, unix.EINVAL},
		{"Enter on a closed fd", func(t *testing.T, r *Ring) error {
			return second(Enter(uint32(badClosedFd(t)), 0, 0, 0, nil))
		}, unix.EBADF},
		{"Enter on a pipe", func(t *testing.T, r *Ring) error {
			rfd, _ := testPipe(t)
			return second(Enter(uint32(rfd), 0, 0, 0, nil))
		}, unix.EOPNOTSUPP},
		{"Enter2 on fd -1", func(t *testing.T, r *Ring) error {
			return second(Enter2(^uint32(0), 0, 0, 0, nil, 0))
		}, unix.EBADF},
		{"Register on a closed fd", func(t *testing.T, r *Ring) error {
			return second(Register(uint32(badClosedFd(t)), IORING_REGISTER_PERSONALITY, nil, 0))
		}, unix.EBADF},
	})
}

// TestBadInputOpcodes: opcodes the kernel does not know, through PrepRw, and
// SQE flags it does not know.
func TestBadInputOpcodes(t *testing.T) {
	runBadRows(t, []badRow{
		{"PrepRw unknown opcode 250", func(t *testing.T, r *Ring) error {
			return badRes(t, r, func(s *SQE) { PrepRw(250, s, -1, nil, 0, 0) })
		}, unix.EINVAL},
		{"PrepRw opcode past the kernel's last_op", func(t *testing.T, r *Ring) error {
			// IORING_OP_LAST is the header's count: newer kernels know more.
			p, err := GetProbeRing(r)
			if err != nil {
				return err
			}
			op := int(p.LastOp()) + 1
			FreeProbe(p)
			return badRes(t, r, func(s *SQE) { PrepRw(op, s, -1, nil, 0, 0) })
		}, unix.EINVAL},
		{"PrepRw opcode -1 (0xff as a __u8)", func(t *testing.T, r *Ring) error {
			return badRes(t, r, func(s *SQE) { PrepRw(-1, s, -1, nil, 0, 0) })
		}, unix.EINVAL},
		{"PrepRw opcode 256 is truncated to NOP, as in C", func(t *testing.T, r *Ring) error {
			return badRes(t, r, func(s *SQE) {
				PrepRw(256+IORING_OP_NOP, s, -1, nil, 0, 0)
				if s.Opcode != IORING_OP_NOP {
					t.Errorf("opcode %d, want the low byte %d", s.Opcode, IORING_OP_NOP)
				}
			})
		}, nil},
		{"unknown SQE flag", func(t *testing.T, r *Ring) error {
			return badRes(t, r, func(s *SQE) { PrepNop(s); SQESetFlags(s, 1<<7) })
		}, unix.EINVAL},
		{"NOP with a nonzero len", func(t *testing.T, r *Ring) error {
			// NOP ignores its fields (5.1 ABI); the ring stays usable.
			return badRes(t, r, func(s *SQE) { PrepNop(s); s.Len = 99; s.Addr = 1 })
		}, nil},
	})
}

// TestBadInputRegister: register calls with wrong sizes and counts.
func TestBadInputRegister(t *testing.T) {
	p, err := NewProbe(4)
	if err != nil {
		t.Fatal(err)
	}
	defer FreeProbe(p)
	buf, err := AllocBuffer(4096)
	if err != nil {
		t.Fatal(err)
	}
	defer FreeBuffer(buf)
	one := []unix.Iovec{{Base: &buf[0], Len: 4096}}
	iov := []unix.Iovec{{}}
	runBadRows(t, []badRow{
		// Refused before liburing sees them.
		{"RegisterFiles(empty)", func(t *testing.T, r *Ring) error { return RegisterFiles(r, nil) }, unix.EINVAL},
		{"RegisterFilesTags(empty)", func(t *testing.T, r *Ring) error { return RegisterFilesTags(r, []int32{}, nil) }, unix.EINVAL},
		{"RegisterFilesTags(short tags)", func(t *testing.T, r *Ring) error {
			return RegisterFilesTags(r, []int32{0, 1}, []uint64{1})
		}, unix.EINVAL},
		{"RegisterFilesUpdate(empty)", func(t *testing.T, r *Ring) error { return second(RegisterFilesUpdate(r, 0, nil)) }, unix.EINVAL},
		{"RegisterFilesUpdateTag(long tags)", func(t *testing.T, r *Ring) error {
			return second(RegisterFilesUpdateTag(r, 0, []int32{0}, []uint64{1, 2}))
		}, unix.EINVAL},
		{"RegisterBuffers(empty)", func(t *testing.T, r *Ring) error { return RegisterBuffers(r, nil) }, unix.EINVAL},
		{"RegisterBuffersTags(empty)", func(t *testing.T, r *Ring) error { return RegisterBuffersTags(r, nil, []uint64{1}) }, unix.EINVAL},
		{"RegisterBuffersTags(long tags)", func(t *testing.T, r *Ring) error {
			return RegisterBuffersTags(r, iov, []uint64{1, 2})
		}, unix.EINVAL},
		{"RegisterBuffersUpdateTag(empty)", func(t *testing.T, r *Ring) error {
			return second(RegisterBuffersUpdateTag(r, 0, []unix.Iovec{}, nil))
		}, unix.EINVAL},
		// An empty set means "allow nothing", as in C; on an enabled ring the
		// kernel refuses any restriction.
		{"RegisterRestrictions(empty, enabled ring)", func(t *testing.T, r *Ring) error { return RegisterRestrictions(r, nil) }, unix.EBADFD},
		{"RegisterIowqAff(nil mask)", func(t *testing.T, r *Ring) error { return RegisterIowqAff(r, 8, nil) }, unix.EFAULT},
		{"RegisterIowqAff(cpusz too big)", func(t *testing.T, r *Ring) error {
			return RegisterIowqAff(r, uint64(unsafe.Sizeof(unix.CPUSet{}))+1, new(unix.CPUSet))
		}, unix.EINVAL},
		{"RegisterIowqMaxWorkers(nil)", func(t *testing.T, r *Ring) error { return RegisterIowqMaxWorkers(r, nil) }, unix.EFAULT},
		{"RegisterSyncCancel(nil)", func(t *testing.T, r *Ring) error { return second(RegisterSyncCancel(r, nil)) }, unix.EFAULT},
		{"RegisterNapi(nil)", func(t *testing.T, r *Ring) error { return RegisterNapi(r, nil) }, unix.EFAULT},
		{"RegisterProbe(nil)", func(t *testing.T, r *Ring) error { return RegisterProbe(r, nil, 1) }, unix.EFAULT},
		{"RegisterProbe(nr past the probe's room)", func(t *testing.T, r *Ring) error { return RegisterProbe(r, p, 5) }, unix.EINVAL},
		{"RegisterBufRing(nil)", func(t *testing.T, r *Ring) error { return RegisterBufRing(r, nil, 0) }, unix.EFAULT},
		// Refused by the kernel.
		{"RegisterFilesSparse(0)", func(t *testing.T, r *Ring) error { return RegisterFilesSparse(r, 0) }, unix.EINVAL},
		{"RegisterFilesSparse(1<<30)", func(t *testing.T, r *Ring) error { return RegisterFilesSparse(r, 1<<30) }, unix.EMFILE},
		{"RegisterFiles twice", func(t *testing.T, r *Ring) error {
			if err := RegisterFilesSparse(r, 1); err != nil {
				return err
			}
			return RegisterFilesSparse(r, 1)
		}, unix.EBUSY},
		{"RegisterFilesUpdate without a table", func(t *testing.T, r *Ring) error {
			return second(RegisterFilesUpdate(r, 0, []int32{-1}))
		}, unix.ENXIO},
		{"RegisterFilesUpdate past the table", func(t *testing.T, r *Ring) error {
			if err := RegisterFilesSparse(r, 2); err != nil {
				return err
			}
			return second(RegisterFilesUpdate(r, 2, []int32{-1}))
		}, unix.EINVAL},
		{"RegisterFileAllocRange past the table", func(t *testing.T, r *Ring) error {
			if err := RegisterFilesSparse(r, 2); err != nil {
				return err
			}
			return RegisterFileAllocRange(r, 1, 2)
		}, unix.EINVAL},
		{"UnregisterFiles without a table", func(t *testing.T, r *Ring) error { return UnregisterFiles(r) }, unix.ENXIO},
		{"RegisterBuffersSparse(0)", func(t *testing.T, r *Ring) error { return RegisterBuffersSparse(r, 0) }, unix.EINVAL},
		{"RegisterBuffersSparse(1<<20)", func(t *testing.T, r *Ring) error { return RegisterBuffersSparse(r, 1<<20) }, unix.EINVAL},
		{"RegisterBuffers of 16385 buffers", func(t *testing.T, r *Ring) error {
			many := make([]unix.Iovec, 16385)
			for i := range many {
				many[i] = one[0]
			}
			return RegisterBuffers(r, many)
		}, unix.EINVAL},
		{"RegisterBuffers nil base with a length", func(t *testing.T, r *Ring) error {
			return RegisterBuffers(r, []unix.Iovec{{Len: 4096}})
		}, unix.EFAULT},
		{"RegisterBuffers of more than 1 GiB", func(t *testing.T, r *Ring) error {
			return RegisterBuffers(r, []unix.Iovec{{Base: &buf[0], Len: 1<<30 + 4096}})
		}, unix.EFAULT},
		{"RegisterBuffers twice", func(t *testing.T, r *Ring) error {
			if err := RegisterBuffers(r, one); err != nil {
				return err
			}
			return RegisterBuffers(r, one)
		}, unix.EBUSY},
		{"RegisterBuffersUpdateTag without buffers", func(t *testing.T, r *Ring) error {
			return second(RegisterBuffersUpdateTag(r, 0, one, nil))
		}, unix.ENXIO},
		{"UnregisterBuffers without buffers", func(t *testing.T, r *Ring) error { return UnregisterBuffers(r) }, unix.ENXIO},
		{"UnregisterPersonality of an unknown id", func(t *testing.T, r *Ring) error { return UnregisterPersonality(r, 4242) }, unix.EINVAL},
		{"UnregisterEventfd without one", func(t *testing.T, r *Ring) error { return UnregisterEventfd(r) }, unix.ENXIO},
		{"RegisterIowqAff(cpusz 0)", func(t *testing.T, r *Ring) error { return RegisterIowqAff(r, 0, new(unix.CPUSet)) }, unix.EINVAL},
		{"RegisterRestrictions on an enabled ring", func(t *testing.T, r *Ring) error {
			return RegisterRestrictions(r, []Restriction{{Opcode: IORING_RESTRICTION_SQE_OP, Op: IORING_OP_NOP}})
		}, unix.EBADFD},
		{"EnableRings on an enabled ring", func(t *testing.T, r *Ring) error { return EnableRings(r) }, unix.EBADFD},
		{"Register unknown opcode", func(t *testing.T, r *Ring) error {
			return second(Register(uint32(r.Fd()), IORING_REGISTER_LAST+100, nil, 0))
		}, unix.EINVAL},
	})
}

// TestBadInputIovec: empty and oversized Iovecs, and vectored operations
// with iovec counts the kernel refuses.
func TestBadInputIovec(t *testing.T) {
	newErr := func(v *Iovec, err error) error {
		if v != nil {
			v.Close()
			return errNotZero
		}
		return err
	}
	runBadRows(t, []badRow{
		{"NewIovec(nil)", func(t *testing.T, r *Ring) error { return newErr(NewIovec(nil)) }, unix.EINVAL},
		{"NewIovec(IovMax+1)", func(t *testing.T, r *Ring) error { return newErr(NewIovec(make([][]byte, IovMax+1))) }, unix.EINVAL},
		{"NewIovecSizes()", func(t *testing.T, r *Ring) error { return newErr(NewIovecSizes()) }, unix.EINVAL},
		{"NewIovecSizes(8, 0)", func(t *testing.T, r *Ring) error { return newErr(NewIovecSizes(8, 0)) }, unix.EINVAL},
		{"NewIovecSizes(-1)", func(t *testing.T, r *Ring) error { return newErr(NewIovecSizes(-1)) }, unix.EINVAL},
		{"NewIovecSizes(IovMax+1 sizes)", func(t *testing.T, r *Ring) error {
			sizes := make([]int, IovMax+1)
			for i := range sizes {
				sizes[i] = 1
			}
			return newErr(NewIovecSizes(sizes...))
		}, unix.EINVAL},
		{"a closed Iovec answers nothing", func(t *testing.T, r *Ring) error {
			v, err := NewIovecSizes(4)
			if err != nil {
				return err
			}
			v.Close()
			if v.Ptr() != nil || v.Slice() != nil || v.Len() != 0 {
				return errNotZero
			}
			return second(v.Bytes(0))
		}, ErrIovecClosed},
		{"a nil *Iovec answers nothing", func(t *testing.T, r *Ring) error {
			var v *Iovec
			if v.Ptr() != nil || v.Slice() != nil || v.Len() != 0 {
				return errNotZero
			}
			return v.Close()
		}, ErrIovecClosed},
		{"writev of one empty Go buffer writes 0 bytes", func(t *testing.T, r *Ring) error {
			_, wfd := testPipe(t)
			v, err := NewIovec([][]byte{{}})
			if err != nil {
				return err
			}
			defer v.Close()
			return badRes(t, r, func(s *SQE) { PrepWritev(s, wfd, v.Ptr(), uint32(v.Len()), 0) })
		}, nil},
		{"readv of IovMax+1 iovecs", func(t *testing.T, r *Ring) error {
			rfd, _ := testPipe(t)
			v, err := NewIovecSizes(1)
			if err != nil {
				return err
			}
			defer v.Close()
			return badRes(t, r, func(s *SQE) { PrepReadv(s, rfd, v.Ptr(), IovMax+1, 0) })
		}, unix.EINVAL},
		{"readv of a nil iovec array", func(t *testing.T, r *Ring) error {
			f := badTempFile(t)
			return badRes(t, r, func(s *SQE) { PrepReadv(s, f, nil, 1, 0) })
		}, unix.EFAULT},
		{"RegisterBuffers of an empty Go buffer", func(t *testing.T, r *Ring) error {
			v, err := NewIovec([][]byte{{}})
			if err != nil {
				return err
			}
			defer v.Close()
			err = RegisterBuffers(r, v.Slice()) // a nil, zero-length slot: sparse
			if err == nil {
				err = UnregisterBuffers(r)
			}
			return err
		}, nil},
	})
}

// badTempFile opens a temporary file of 16 bytes for the test.
func badTempFile(t *testing.T) int {
	fd, err := unix.Open(t.TempDir(), unix.O_TMPFILE|unix.O_RDWR|unix.O_CLOEXEC, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(fd) })
	if _, err := unix.Write(fd, make([]byte, 16)); err != nil {
		t.Fatal(err)
	}
	return fd
}

// TestBadInputTimeouts: timeouts the kernel refuses, timeout updates and
// removals of nothing, and waits with odd timespecs.
func TestBadInputTimeouts(t *testing.T) {
	tsRes := func(ts *KernelTimespec, flags uint32) func(t *testing.T, r *Ring) error {
		return func(t *testing.T, r *Ring) error {
			return badRes(t, r, func(s *SQE) { PrepTimeout(s, ts, 0, flags) })
		}
	}
	runBadRows(t, []badRow{
		{"PrepTimeout nil timespec", tsRes(nil, 0), unix.EFAULT},
		{"PrepTimeout negative nsec", tsRes(&KernelTimespec{Nsec: -1}, 0), unix.EINVAL},
		{"PrepTimeout negative sec", tsRes(&KernelTimespec{Sec: -1}, 0), unix.EINVAL},
		{"PrepTimeout unknown flag", tsRes(&KernelTimespec{Nsec: 1}, 1<<31), unix.EINVAL},
		{"PrepTimeout two clocks", tsRes(&KernelTimespec{Nsec: 1}, IORING_TIMEOUT_BOOTTIME|IORING_TIMEOUT_REALTIME), unix.EINVAL},
		{"PrepTimeout zero expires at once", tsRes(&KernelTimespec{}, 0), unix.ETIME},
		{"PrepLinkTimeout without a linked request", func(t *testing.T, r *Ring) error {
			return badRes(t, r, func(s *SQE) { PrepLinkTimeout(s, &KernelTimespec{Sec: 1}, 0) })
		}, unix.EINVAL},
		{"PrepTimeoutRemove of nothing", func(t *testing.T, r *Ring) error {
			return badRes(t, r, func(s *SQE) { PrepTimeoutRemove(s, 0xdead, 0) })
		}, unix.ENOENT},
		{"PrepTimeoutUpdate of nothing", func(t *testing.T, r *Ring) error {
			return badRes(t, r, func(s *SQE) { PrepTimeoutUpdate(s, &KernelTimespec{Sec: 1}, 0xdead, 0) })
		}, unix.ENOENT},
		{"PrepTimeoutUpdate nil timespec", func(t *testing.T, r *Ring) error {
			return badRes(t, r, func(s *SQE) { PrepTimeoutUpdate(s, nil, 0xdead, 0) })
		}, unix.EFAULT},
		{"WaitCQETimeout zero on an empty ring", func(t *testing.T, r *Ring) error {
			return second(WaitCQETimeout(r, &KernelTimespec{}))
		}, unix.ETIME},
		{"WaitCQETimeout negative sec on an empty ring", func(t *testing.T, r *Ring) error {
			return second(WaitCQETimeout(r, &KernelTimespec{Sec: -1}))
		}, unix.ETIME},
		{"WaitCQETimeout negative nsec on an empty ring", func(t *testing.T, r *Ring) error {
			return second(WaitCQETimeout(r, &KernelTimespec{Nsec: -1}))
		}, unix.ETIME},
		{"WaitCQEs with a timeout on an empty ring", func(t *testing.T, r *Ring) error {
			return second(WaitCQEs(r, 4, &KernelTimespec{Nsec: 1e6}, nil))
		}, unix.ETIME},
		{"SubmitAndWaitTimeout zero on an empty ring", func(t *testing.T, r *Ring) error {
			_, _, err := SubmitAndWaitTimeout(r, 1, &KernelTimespec{}, nil)
			return err
		}, unix.ETIME},
	})
}

// TestBadInputNilArgs: nil pointers other than the ring are refused or
// ignored, never dereferenced.
func TestBadInputNilArgs(t *testing.T) {
	runBadRows(t, []badRow{
		{"CQESeen(nil cqe)", func(t *testing.T, r *Ring) error { CQESeen(r, nil); return zero(CQReady(r) == 0) }, nil},
		{"CQEGetData64(nil)", func(t *testing.T, r *Ring) error { return zero(CQEGetData64(nil) == 0) }, nil},
		{"CQEGetData(nil)", func(t *testing.T, r *Ring) error { return zero(CQEGetData(nil) == nil) }, nil},
		{"SQESetData*(nil)", func(t *testing.T, r *Ring) error {
			SQESetData(nil, nil)
			SQESetData64(nil, 1)
			SQESetFlags(nil, 1)
			return nil
		}, nil},
		{"BufRing helpers on a nil ring buffer", func(t *testing.T, r *Ring) error {
			BufRingInit(nil)
			BufRingAdd(nil, nil, 1, 1, 1, 0)
			BufRingAdvance(nil, 1)
			BufRingCQAdvance(r, nil, 1)
			return second(BufRingAvailable(r, nil, 1))
		}, unix.EFAULT},
		{"FreeBufRing(nil)", func(t *testing.T, r *Ring) error { return FreeBufRing(r, nil, 2, 1) }, unix.EFAULT},
		{"probe helpers on a nil probe", func(t *testing.T, r *Ring) error {
			var p *Probe
			FreeProbe(p)
			return zero(!OpcodeSupported(p, 0) && p.Ops() == nil && p.LastOp() == 0 && p.CPtr() == nil)
		}, nil},
		{"NewProbe(0)", func(t *testing.T, r *Ring) error { return second(NewProbe(0)) }, unix.EINVAL},
		{"NewProbe(257)", func(t *testing.T, r *Ring) error { return second(NewProbe(257)) }, unix.EINVAL},
		{"QueueInitParams(nil params)", func(t *testing.T, r *Ring) error { return QueueInitParams(2, new(Ring), nil) }, unix.EFAULT},
		{"Setup(nil params)", func(t *testing.T, r *Ring) error { return second(Setup(2, nil)) }, unix.EFAULT},
		{"MlockSizeParams(nil)", func(t *testing.T, r *Ring) error { return second(MlockSizeParams(2, nil)) }, unix.EFAULT},
		{"Enter2 EXT_ARG with a nil arg", func(t *testing.T, r *Ring) error {
			return second(Enter2(uint32(r.Fd()), 0, 1, IORING_ENTER_GETEVENTS|IORING_ENTER_EXT_ARG, nil, 24))
		}, unix.EFAULT},
		{"AllocBuffer(0)", func(t *testing.T, r *Ring) error { return second(AllocBuffer(0)) }, unix.EINVAL},
		{"CString with a NUL", func(t *testing.T, r *Ring) error { return second(CString("a\x00")) }, unix.EINVAL},
		{"NewBatch(0)", func(t *testing.T, r *Ring) error { return second(NewBatch(0)) }, unix.EINVAL},
	})
}
