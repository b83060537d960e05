//go:build linux && cgo

// Package workloads defines the benchmark workloads once, for every
// contender: the Go 1:1 API, the Go hot path (Batch and ReapCQEs), the C
// twin, what a Go user would use instead (os.File, net.Conn), and the
// pure-Go giouring. The _test.go benchmarks and the report command both run
// these.
package workloads

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
	"unsafe"

	"github.com/liburing-go/liburing"
	"github.com/liburing-go/liburing/bench/ctwin"
	"github.com/pawelgaczynski/giouring"
)

// Contender is one implementation of a workload. The functions that build
// a contender's Run closure are marked go:noinline: when such a function is
// inlined into its caller, the compiler emits the closure as a copy in
// which calls into other packages (Batch.Nop, giouring's GetSQE, ...) are
// no longer inlined, so the benchmark would measure call overhead that a
// user's own loop does not pay.
type Contender struct {
	Name string
	Run  func(b *testing.B)
}

// Workload is one measured task with its contenders.
type Workload struct {
	Name       string
	Contenders []Contender
}

const ringEntries = 256

func newRing(b *testing.B) *liburing.Ring {
	ring := new(liburing.Ring)
	if err := liburing.QueueInit(ringEntries, ring, 0); err != nil {
		b.Fatal(err)
	}
	return ring
}

func newBatch(b *testing.B, n int) *liburing.Batch {
	bt, err := liburing.NewBatch(n)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { bt.Close() })
	return bt
}

func newGiouring(b *testing.B) *giouring.Ring {
	ring, err := giouring.CreateRing(ringEntries)
	if err != nil {
		b.Fatal(err)
	}
	return ring
}

// nopAPI: three cgo calls per operation to build it (GetSQE, PrepNop,
// SQESetData64), one SubmitAndWait per batch, and PeekCQE + CQESeen per
// completion: the 1:1 API used as C code would use liburing.
//
//go:noinline
func nopAPI(batch int) func(b *testing.B) {
	return func(b *testing.B) {
		ring := newRing(b)
		defer liburing.QueueExit(ring)
		b.ReportAllocs()
		b.ResetTimer()
		for it := 0; it < b.N; it += batch {
			for i := 0; i < batch; i++ {
				sqe := liburing.GetSQE(ring)
				liburing.PrepNop(sqe)
				liburing.SQESetData64(sqe, uint64(i))
			}
			if _, err := liburing.SubmitAndWait(ring, uint32(batch)); err != nil {
				b.Fatal(err)
			}
			for i := 0; i < batch; i++ {
				cqe, err := liburing.PeekCQE(ring)
				if err != nil || cqe.Res != 0 {
					b.Fatalf("nop: %+v, %v", cqe, err)
				}
				liburing.CQESeen(ring, cqe)
			}
		}
	}
}

// nopHot: the hot path, one cgo call per batch and none per completion.
//
//go:noinline
func nopHot(batch int) func(b *testing.B) {
	return func(b *testing.B) {
		ring := newRing(b)
		defer liburing.QueueExit(ring)
		bt := newBatch(b, batch)
		cqes := make([]liburing.CQE, batch)
		b.ReportAllocs()
		b.ResetTimer()
		for it := 0; it < b.N; it += batch {
			for i := 0; i < batch; i++ {
				bt.Nop(uint64(i))
			}
			if _, err := bt.SubmitAndWait(ring, uint32(batch)); err != nil {
				b.Fatal(err)
			}
			for got := 0; got < batch; {
				n := ring.ReapCQEs(cqes[:batch-got])
				for _, c := range cqes[:n] {
					if c.Res != 0 {
						b.Fatalf("nop res %d", c.Res)
					}
				}
				if n == 0 {
					liburing.SubmitAndWait(ring, 1)
				}
				got += n
			}
		}
	}
}

// nopC: the C twin, the whole loop inside one cgo call.
//
//go:noinline
func nopC(batch int) func(b *testing.B) {
	return func(b *testing.B) {
		ring := newRing(b)
		defer liburing.QueueExit(ring)
		b.ReportAllocs()
		b.ResetTimer()
		if err := ctwin.Nop(ring.CPtr(), batch, (b.N+batch-1)/batch); err != nil {
			b.Fatal(err)
		}
	}
}

// nopCPerBatch: the C twin's loop body, entered once per batch through cgo
// from a Go loop: what one cgo call per batch costs by itself, the floor for
// any design that keeps liburing in C and the loop in Go. Like a Batch, the
// loop yields its P every liburing.DefaultYieldPeriod, so that Go's sysmon
// leaves it alone (see Batch.SetYieldPeriod).
//
//go:noinline
func nopCPerBatch(batch int) func(b *testing.B) {
	return func(b *testing.B) {
		ring := newRing(b)
		defer liburing.QueueExit(ring)
		p := ring.CPtr()
		last := time.Now()
		b.ReportAllocs()
		b.ResetTimer()
		for it, calls := 0, 0; it < b.N; it, calls = it+batch, calls+1 {
			if err := ctwin.Nop(p, batch, 1); err != nil {
				b.Fatal(err)
			}
			if calls%64 == 0 {
				if now := time.Now(); now.Sub(last) >= liburing.DefaultYieldPeriod {
					runtime.Gosched()
					last = now
				}
			}
		}
	}
}

// nopGiouring: the pure-Go port, used as its README shows.
//
//go:noinline
func nopGiouring(batch int) func(b *testing.B) {
	return func(b *testing.B) {
		ring := newGiouring(b)
		defer ring.QueueExit()
		cqes := make([]*giouring.CompletionQueueEvent, batch)
		b.ReportAllocs()
		b.ResetTimer()
		for it := 0; it < b.N; it += batch {
			for i := 0; i < batch; i++ {
				sqe := ring.GetSQE()
				sqe.PrepareNop()
				sqe.SetData64(uint64(i))
			}
			if _, err := ring.SubmitAndWait(uint32(batch)); err != nil {
				b.Fatal(err)
			}
			for got := 0; got < batch; {
				n := int(ring.PeekBatchCQE(cqes[:batch-got]))
				for _, c := range cqes[:n] {
					if c.Res != 0 {
						b.Fatalf("nop res %d", c.Res)
					}
				}
				ring.CQAdvance(uint32(n))
				got += n
			}
		}
	}
}

// Nop is the NOP workload at one batch size.
func Nop(batch int) Workload {
	return Workload{
		Name: fmt.Sprintf("Nop/batch=%d", batch),
		Contenders: []Contender{
			{"c", nopC(batch)},
			{"c-per-batch", nopCPerBatch(batch)},
			{"go-hot", nopHot(batch)},
			{"go-1to1", nopAPI(batch)},
			{"giouring", nopGiouring(batch)},
		},
	}
}

// ReadFile is the page-cached file the read workloads use, with the random
// 4 KiB-aligned offsets every contender reads in the same order.
type ReadFile struct {
	F       *os.File
	Offsets []uint64
	cOffs   []byte // the same offsets in C memory, for the C twin
}

const (
	readFileSize = 64 << 20
	blockSize    = 4096
	numOffsets   = 4096
)

// OpenReadFile creates (in dir) and page-caches the file.
func OpenReadFile(dir string) (*ReadFile, error) {
	name := filepath.Join(dir, "liburing-bench-read.dat")
	data := make([]byte, readFileSize)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range data {
		data[i] = byte(r.Uint32())
	}
	if err := os.WriteFile(name, data, 0o600); err != nil {
		return nil, err
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	os.Remove(name)
	buf := make([]byte, 1<<20)
	for off := int64(0); off < readFileSize; off += int64(len(buf)) { // page it in
		f.ReadAt(buf, off)
	}
	rf := &ReadFile{F: f, Offsets: make([]uint64, numOffsets)}
	for i := range rf.Offsets {
		rf.Offsets[i] = uint64(r.IntN(readFileSize/blockSize)) * blockSize
	}
	rf.cOffs, err = liburing.AllocBuffer(8 * numOffsets)
	if err != nil {
		return nil, err
	}
	copy(unsafe.Slice((*uint64)(unsafe.Pointer(&rf.cOffs[0])), numOffsets), rf.Offsets)
	return rf, nil
}

// Close closes the file and frees the offsets.
func (rf *ReadFile) Close() {
	rf.F.Close()
	liburing.FreeBuffer(rf.cOffs)
}

func readBufs(b *testing.B, qd int) []byte {
	bufs, err := liburing.AllocBuffer(qd * blockSize)
	if err != nil {
		b.Fatal(err)
	}
	return bufs
}

//go:noinline
func readAPI(rf *ReadFile, qd int) func(b *testing.B) {
	return func(b *testing.B) {
		ring := newRing(b)
		defer liburing.QueueExit(ring)
		bufs := readBufs(b, qd)
		defer liburing.FreeBuffer(bufs)
		fd := int(rf.F.Fd())
		next := 0
		b.SetBytes(blockSize)
		b.ReportAllocs()
		b.ResetTimer()
		for it := 0; it < b.N; it += qd {
			for i := 0; i < qd; i++ {
				sqe := liburing.GetSQE(ring)
				liburing.PrepRead(sqe, fd, unsafe.Pointer(&bufs[i*blockSize]), blockSize, rf.Offsets[next])
				liburing.SQESetData64(sqe, uint64(i))
				next = (next + 1) % numOffsets
			}
			if _, err := liburing.SubmitAndWait(ring, uint32(qd)); err != nil {
				b.Fatal(err)
			}
			for i := 0; i < qd; i++ {
				cqe, err := liburing.WaitCQE(ring)
				if err != nil || cqe.Res != blockSize {
					b.Fatalf("read: %v res %d", err, cqe.Res)
				}
				liburing.CQESeen(ring, cqe)
			}
		}
	}
}

//go:noinline
func readHot(rf *ReadFile, qd int) func(b *testing.B) {
	return func(b *testing.B) {
		ring := newRing(b)
		defer liburing.QueueExit(ring)
		bufs := readBufs(b, qd)
		defer liburing.FreeBuffer(bufs)
		bt := newBatch(b, qd)
		cqes := make([]liburing.CQE, qd)
		fd := int(rf.F.Fd())
		next := 0
		b.SetBytes(blockSize)
		b.ReportAllocs()
		b.ResetTimer()
		for it := 0; it < b.N; it += qd {
			for i := 0; i < qd; i++ {
				bt.Read(fd, unsafe.Pointer(&bufs[i*blockSize]), blockSize, rf.Offsets[next], uint64(i))
				next = (next + 1) % numOffsets
			}
			if _, err := bt.SubmitAndWait(ring, uint32(qd)); err != nil {
				b.Fatal(err)
			}
			for got := 0; got < qd; {
				n := ring.ReapCQEs(cqes[:qd-got])
				for _, c := range cqes[:n] {
					if c.Res != blockSize {
						b.Fatalf("read res %d", c.Res)
					}
				}
				if n == 0 {
					liburing.SubmitAndWait(ring, 1)
				}
				got += n
			}
		}
	}
}

//go:noinline
func readC(rf *ReadFile, qd int) func(b *testing.B) {
	return func(b *testing.B) {
		ring := newRing(b)
		defer liburing.QueueExit(ring)
		bufs := readBufs(b, qd)
		defer liburing.FreeBuffer(bufs)
		b.SetBytes(blockSize)
		b.ReportAllocs()
		b.ResetTimer()
		err := ctwin.Read(ring.CPtr(), int(rf.F.Fd()), unsafe.Pointer(&bufs[0]), qd,
			unsafe.Pointer(&rf.cOffs[0]), numOffsets, (b.N+qd-1)/qd)
		if err != nil {
			b.Fatal(err)
		}
	}
}

//go:noinline
func readGiouring(rf *ReadFile, qd int) func(b *testing.B) {
	return func(b *testing.B) {
		ring := newGiouring(b)
		defer ring.QueueExit()
		bufs := readBufs(b, qd)
		defer liburing.FreeBuffer(bufs)
		cqes := make([]*giouring.CompletionQueueEvent, qd)
		fd := int(rf.F.Fd())
		next := 0
		b.SetBytes(blockSize)
		b.ReportAllocs()
		b.ResetTimer()
		for it := 0; it < b.N; it += qd {
			for i := 0; i < qd; i++ {
				sqe := ring.GetSQE()
				sqe.PrepareRead(fd, uintptr(unsafe.Pointer(&bufs[i*blockSize])), blockSize, rf.Offsets[next])
				sqe.SetData64(uint64(i))
				next = (next + 1) % numOffsets
			}
			if _, err := ring.SubmitAndWait(uint32(qd)); err != nil {
				b.Fatal(err)
			}
			for got := 0; got < qd; {
				n := int(ring.PeekBatchCQE(cqes[:qd-got]))
				for _, c := range cqes[:n] {
					if c.Res != blockSize {
						b.Fatalf("read res %d", c.Res)
					}
				}
				ring.CQAdvance(uint32(n))
				got += n
			}
		}
	}
}

// readOSFile: what a Go user would write instead, os.File.ReadAt per block.
//
//go:noinline
func readOSFile(rf *ReadFile) func(b *testing.B) {
	return func(b *testing.B) {
		buf := make([]byte, blockSize)
		next := 0
		b.SetBytes(blockSize)
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if n, err := rf.F.ReadAt(buf, int64(rf.Offsets[next])); n != blockSize {
				b.Fatalf("ReadAt: %d, %v", n, err)
			}
			next = (next + 1) % numOffsets
		}
	}
}

// Read4K is the 4 KiB random read workload at one queue depth.
func Read4K(rf *ReadFile, qd int) Workload {
	return Workload{
		Name: fmt.Sprintf("Read4K/qd=%d", qd),
		Contenders: []Contender{
			{"c", readC(rf, qd)},
			{"go-hot", readHot(rf, qd)},
			{"go-1to1", readAPI(rf, qd)},
			{"giouring", readGiouring(rf, qd)},
			{"os.File.ReadAt", readOSFile(rf)},
		},
	}
}
