//go:build linux && cgo

package liburing

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// GC stress: reads, writes and receives whose buffers are Go memory stay in
// flight while the garbage collector runs as often as it can (GOGC=1 and
// runtime.GC in parallel goroutines that also churn the heap). Buffers are
// pinned with runtime.Pinner, or handed to NewIovec and then forgotten, so
// that only the Iovec keeps them: a buffer freed or reused too early would
// show as wrong bytes. Every byte read back must be exact.
//
// The run lasts LIBURING_GO_STRESS (a Go duration) or 1s.

// stressDuration is how long each worker of TestStressGC runs.
func stressDuration(t *testing.T) time.Duration {
	if s := os.Getenv("LIBURING_GO_STRESS"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil {
			t.Fatalf("LIBURING_GO_STRESS=%q: %v", s, err)
		}
		return d
	}
	return time.Second
}

// stressPattern fills b with bytes derived from seed.
func stressPattern(b []byte, seed uint64) {
	r := rand.New(rand.NewPCG(seed, seed^0x5851f42d4c957f2d))
	for i := range b {
		b[i] = byte(r.Uint32())
	}
}

// stressWorker owns one ring; its methods run on one goroutine.
type stressWorker struct {
	t     *testing.T
	ring  *Ring
	rnd   *rand.Rand
	eintr *atomic.Int64
}

// wait reaps n CQEs and returns their res by user_data. The Go runtime's
// signals (preemption, GC) can interrupt io_uring_enter while it waits:
// liburing then returns EINTR, as in C, and the wait is retried.
func (w *stressWorker) wait(n int) map[uint64]int32 {
	got := make(map[uint64]int32, n)
	for len(got) < n {
		cqe, err := WaitCQE(w.ring)
		if errors.Is(err, unix.EINTR) {
			w.eintr.Add(1)
			continue
		}
		if err != nil {
			w.t.Errorf("WaitCQE: %v", err)
			return got
		}
		got[cqe.UserData] = cqe.Res
		CQESeen(w.ring, cqe)
	}
	return got
}

func (w *stressWorker) submit() {
	for {
		_, err := Submit(w.ring)
		if errors.Is(err, unix.EINTR) {
			w.eintr.Add(1)
			continue
		}
		if err != nil {
			w.t.Errorf("Submit: %v", err)
		}
		return
	}
}

// pinned returns a Go buffer of n bytes, pinned until the test unpins p.
func pinned(p *runtime.Pinner, n int) []byte {
	b := make([]byte, n)
	p.Pin(&b[0])
	return b
}

// pipeRound reads from a pipe into a pinned Go buffer while a collection
// runs, then writes the data from another pinned Go buffer.
func (w *stressWorker) pipeRound(rfd, wfd int, seed uint64) error {
	n := 1 + w.rnd.IntN(32<<10)
	return w.inFlightRound("pipe: read, write", n, seed,
		func(sqe *SQE, p unsafe.Pointer) { PrepRead(sqe, rfd, p, uint32(n), 0) },
		func(sqe *SQE, p unsafe.Pointer) { PrepWrite(sqe, wfd, p, uint32(n), 0) })
}

// recvRound receives on a stream socket into a pinned Go buffer while a
// collection runs, then sends from another.
func (w *stressWorker) recvRound(a, b int, seed uint64) error {
	n := 1 + w.rnd.IntN(16<<10)
	return w.inFlightRound("socket: recv, send", n, seed,
		func(sqe *SQE, p unsafe.Pointer) { PrepRecv(sqe, b, p, uint64(n), unix.MSG_WAITALL) },
		func(sqe *SQE, p unsafe.Pointer) { PrepSend(sqe, a, p, uint64(n), 0) })
}

// inFlightRound submits recv (user_data 0) into a pinned Go buffer of n
// bytes, so that it waits for data with the buffer in flight, runs a
// collection, then submits send (user_data 1) of a stressPattern from
// another pinned buffer, and checks that both moved n bytes and that the
// pattern arrived.
func (w *stressWorker) inFlightRound(what string, n int, seed uint64, recv, send func(*SQE, unsafe.Pointer)) error {
	var pin runtime.Pinner
	defer pin.Unpin()
	dst := pinned(&pin, n)
	sqe := GetSQE(w.ring)
	recv(sqe, unsafe.Pointer(&dst[0]))
	SQESetData64(sqe, 0)
	w.submit()
	runtime.GC()
	src := pinned(&pin, n)
	stressPattern(src, seed)
	sqe = GetSQE(w.ring)
	send(sqe, unsafe.Pointer(&src[0]))
	SQESetData64(sqe, 1)
	w.submit()
	if res := w.wait(2); res[0] != int32(n) || res[1] != int32(n) {
		return fmt.Errorf("%s: %d, %d; want %d", what, res[0], res[1], n)
	}
	return stressCompare(what, dst, seed)
}

// stressIovec builds an Iovec over fresh Go buffers of the given sizes,
// filled from seed (or zero), and keeps no other reference to them.
func stressIovec(sizes []int, seed uint64, fill bool) (*Iovec, error) {
	bufs := make([][]byte, len(sizes))
	for i, n := range sizes {
		bufs[i] = make([]byte, n)
		if fill {
			stressPattern(bufs[i], seed+uint64(i))
		}
	}
	return NewIovec(bufs)
}

// iovecRound writes a file from an Iovec of forgotten Go buffers with
// writev, collects, reads it back into another with readv, and also through
// those buffers registered as fixed buffers (WriteFixed, ReadFixed).
func (w *stressWorker) iovecRound(fd int, seed uint64) error {
	sizes := make([]int, 1+w.rnd.IntN(8))
	total := 0
	for i := range sizes {
		sizes[i] = 1 + w.rnd.IntN(8<<10)
		total += sizes[i]
	}
	src, err := stressIovec(sizes, seed, true)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := stressIovec(sizes, 0, false)
	if err != nil {
		return err
	}
	defer dst.Close()
	runtime.GC() // only the Iovecs keep the buffers now
	sqe := GetSQE(w.ring)
	PrepWritev(sqe, fd, src.Ptr(), uint32(src.Len()), 0)
	SQESetData64(sqe, 0)
	w.submit()
	if res := w.wait(1); res[0] != int32(total) {
		return fmt.Errorf("writev: %d, want %d", res[0], total)
	}
	runtime.GC()
	sqe = GetSQE(w.ring)
	PrepReadv(sqe, fd, dst.Ptr(), uint32(dst.Len()), 0)
	SQESetData64(sqe, 0)
	w.submit()
	if res := w.wait(1); res[0] != int32(total) {
		return fmt.Errorf("readv: %d, want %d", res[0], total)
	}
	for i := range sizes {
		b, _ := dst.Bytes(i)
		if err := stressCompare(fmt.Sprintf("readv buffer %d", i), b, seed+uint64(i)); err != nil {
			return err
		}
	}
	return w.fixedRound(fd, src, dst, seed)
}

// fixedRound registers src's and dst's Go buffers and moves the first
// buffer's bytes through them with WriteFixed and ReadFixed.
func (w *stressWorker) fixedRound(fd int, src, dst *Iovec, seed uint64) error {
	regs := append(append([]unix.Iovec(nil), src.Slice()[0]), dst.Slice()[0])
	if err := RegisterBuffers(w.ring, regs); err != nil {
		return fmt.Errorf("RegisterBuffers: %v", err)
	}
	defer UnregisterBuffers(w.ring)
	sb, _ := src.Bytes(0)
	db, _ := dst.Bytes(0)
	clear(db)
	off := uint64(1 << 20)
	sqe := GetSQE(w.ring)
	PrepWriteFixed(sqe, fd, unsafe.Pointer(&sb[0]), uint32(len(sb)), off, 0)
	SQESetData64(sqe, 0)
	w.submit()
	if res := w.wait(1); res[0] != int32(len(sb)) {
		return fmt.Errorf("write_fixed: %d, want %d", res[0], len(sb))
	}
	runtime.GC()
	sqe = GetSQE(w.ring)
	PrepReadFixed(sqe, fd, unsafe.Pointer(&db[0]), uint32(len(db)), off, 1)
	SQESetData64(sqe, 0)
	w.submit()
	if res := w.wait(1); res[0] != int32(len(db)) {
		return fmt.Errorf("read_fixed: %d, want %d", res[0], len(db))
	}
	return stressCompare("read_fixed", db, seed)
}

// stressCompare checks that got holds the pattern of seed.
func stressCompare(what string, got []byte, seed uint64) error {
	want := make([]byte, len(got))
	stressPattern(want, seed)
	for i := range got {
		if got[i] != want[i] {
			return fmt.Errorf("%s: byte %d of %d is %#x, want %#x", what, i, len(got), got[i], want[i])
		}
	}
	return nil
}

// TestStressGC runs three workers, each on its own ring (pipe reads and
// writes, socket receives and sends, vectored and fixed-buffer file I/O),
// while two goroutines force collections and churn the heap with GOGC=1.
func TestStressGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(1))
	stop := make(chan struct{})
	var gcs, workers sync.WaitGroup
	var collections atomic.Int64
	for g := 0; g < 2; g++ {
		gcs.Add(1)
		go func() {
			defer gcs.Done()
			var keep [][]byte
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				keep = append(keep, make([]byte, 1+i%(64<<10)))
				if len(keep) > 64 {
					keep = keep[:0]
				}
				if i%8 == 0 {
					runtime.GC()
					collections.Add(1)
				}
			}
		}()
	}
	deadline := time.Now().Add(stressDuration(t))
	var eintr atomic.Int64
	rounds := make([]int, 3)
	worker := func(i int, setup func(w *stressWorker) func(seed uint64) error) {
		w := &stressWorker{t: t, ring: newRing(t, 8, 0), rnd: rand.New(rand.NewPCG(uint64(i), 7)), eintr: &eintr}
		round := setup(w)
		workers.Add(1)
		go func() {
			defer workers.Done()
			// At least one round, however long the set-up took under load.
			for seed := uint64(i) << 32; rounds[i] == 0 || time.Now().Before(deadline); seed++ {
				if err := round(seed); err != nil {
					t.Errorf("worker %d, round %d: %v", i, rounds[i], err)
					return
				}
				rounds[i]++
			}
		}()
	}
	rfd, wfd := testPipe(t)
	worker(0, func(w *stressWorker) func(uint64) error {
		return func(seed uint64) error { return w.pipeRound(rfd, wfd, seed) }
	})
	sp, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(sp[0])
	defer unix.Close(sp[1])
	worker(1, func(w *stressWorker) func(uint64) error {
		return func(seed uint64) error { return w.recvRound(sp[0], sp[1], seed) }
	})
	fd := badTempFile(t)
	worker(2, func(w *stressWorker) func(uint64) error {
		return func(seed uint64) error { return w.iovecRound(fd, seed) }
	})
	workers.Wait()
	close(stop)
	gcs.Wait()
	t.Logf("rounds: pipe %d, socket %d, iovec+fixed %d; %d forced collections; %d EINTR retries",
		rounds[0], rounds[1], rounds[2], collections.Load(), eintr.Load())
	for i, n := range rounds {
		if n == 0 {
			t.Errorf("worker %d completed no round", i)
		}
	}
}
