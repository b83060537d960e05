//go:build linux && cgo

package tests

// liburing 2.6 test/ programs of the provided-buffer-ring area.

import (
	"errors"
	"os"
	"testing"
	"time"
	"unsafe"

	lu "github.com/liburing-go/liburing"
	"golang.org/x/sys/unix"
)

// brSetup is SetupBufRing that skips the test when the kernel has no
// buffer rings.
func brSetup(t *testing.T, ring *lu.Ring, entries uint32, bgid int) *lu.BufRing {
	t.Helper()
	br, err := lu.SetupBufRing(ring, entries, bgid, 0)
	if err != nil {
		if errors.Is(err, unix.EINVAL) {
			t.Skipf("kernel lacks provided buffer rings: %v", err)
		}
		t.Fatalf("SetupBufRing(%d entries, bgid %d): %v", entries, bgid, err)
	}
	return br
}

// brMmapRing registers a kernel-allocated ring (IOU_PBUF_RING_MMAP) for
// bgid and maps it; it is unmapped when the test ends.
func brMmapRing(t *testing.T, ring *lu.Ring, entries uint32, bgid int) (*lu.BufRing, []byte) {
	t.Helper()
	reg := lu.BufReg{RingEntries: entries, Bgid: uint16(bgid), Flags: lu.IOU_PBUF_RING_MMAP}
	if err := lu.RegisterBufRing(ring, &reg, 0); err != nil {
		if errors.Is(err, unix.EINVAL) {
			t.Skipf("kernel lacks IOU_PBUF_RING_MMAP: %v", err)
		}
		t.Fatalf("RegisterBufRing(MMAP, bgid %d): %v", bgid, err)
	}
	off := int64(lu.IORING_OFF_PBUF_RING | uint64(bgid)<<lu.IORING_OFF_PBUF_SHIFT)
	m, err := unix.Mmap(ring.Fd(), off, int(entries)*int(unsafe.Sizeof(lu.Buf{})),
		unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED|unix.MAP_POPULATE)
	if err != nil {
		t.Fatalf("mmap of buffer ring %d: %v", bgid, err)
	}
	t.Cleanup(func() { unix.Munmap(m) })
	return (*lu.BufRing)(unsafe.Pointer(&m[0])), m
}

// brReadOne reads one byte from fd into a buffer picked from group bgid and
// returns the buffer id, or the error res.
func brReadOne(t *testing.T, ring *lu.Ring, fd, bgid int) (int, int32) {
	t.Helper()
	sqe := ltSQE(t, ring)
	lu.PrepRead(sqe, fd, nil, 1, 0)
	lu.SQESetFlags(sqe, lu.IOSQE_BUFFER_SELECT)
	sqe.BufIndex = uint16(bgid)
	c := ltRun(t, ring)
	if c.Res < 0 {
		return -1, c.Res
	}
	if c.Res != 1 || c.Flags&lu.IORING_CQE_F_BUFFER == 0 {
		t.Fatalf("buffer-select read: %v, want res 1 with IORING_CQE_F_BUFFER", c)
	}
	return int(c.Flags >> lu.IORING_CQE_BUFFER_SHIFT), 0
}

// TestLiburing_buf_ring covers test/buf-ring.c: buffer rings register and
// unregister; a bad ring address is refused; a second ring or classic
// buffers for a group that has one fail, as does a ring for a group with
// classic buffers; a ring filling exactly one page registers; and reads
// with buffer selection use every buffer of 1-, 4096- and 32768-entry
// rings exactly once, then fail with ENOBUFS, for rings the application
// or the kernel (IOU_PBUF_RING_MMAP) allocated.
func TestLiburing_buf_ring(t *testing.T) {
	ltRequireOp(t, lu.IORING_OP_PROVIDE_BUFFERS)
	for _, bgid := range []int{1, 127} {
		ring := ltRing(t, 1, 0)
		br := brSetup(t, ring, 32, bgid)
		if err := lu.FreeBufRing(ring, br, 32, bgid); err != nil {
			t.Fatalf("bgid %d: FreeBufRing: %v", bgid, err)
		}

		bad := lu.BufReg{RingAddr: 4096, RingEntries: 32, Bgid: uint16(bgid)}
		if err := lu.RegisterBufRing(ring, &bad, 0); err == nil {
			t.Errorf("bgid %d: RegisterBufRing at address 4096 succeeded", bgid)
		}

		br = brSetup(t, ring, 32, bgid)
		again := lu.BufReg{RingAddr: uint64(uintptr(unsafe.Pointer(br))), RingEntries: 32, Bgid: uint16(bgid)}
		if err := lu.RegisterBufRing(ring, &again, 0); !errors.Is(err, unix.EEXIST) {
			t.Errorf("bgid %d: second ring for the group: %v, want EEXIST", bgid, err)
		}
		bufs := ltCBuf(t, 8*1024)
		lu.PrepProvideBuffers(ltSQE(t, ring), ltPtr(bufs), 1024, 8, bgid, 0)
		if c := ltRun(t, ring); c.Res != ltErrno(unix.EEXIST) && c.Res != ltErrno(unix.EINVAL) {
			t.Errorf("bgid %d: classic buffers for a ring group: %s, want EEXIST or EINVAL", bgid, ltResName(c.Res))
		}
		if err := lu.FreeBufRing(ring, br, 32, bgid); err != nil {
			t.Fatalf("bgid %d: FreeBufRing: %v", bgid, err)
		}
		if err := lu.UnregisterBufRing(ring, bgid); !errors.Is(err, unix.EINVAL) && !errors.Is(err, unix.ENOENT) {
			t.Errorf("bgid %d: unregister of a freed ring: %v, want EINVAL or ENOENT", bgid, err)
		}

		lu.PrepProvideBuffers(ltSQE(t, ring), ltPtr(bufs), 1024, 8, bgid, 0)
		if c := ltRun(t, ring); c.Res != 0 {
			t.Fatalf("bgid %d: provide buffers: %s", bgid, ltResName(c.Res))
		}
		if br, err := lu.SetupBufRing(ring, 32, bgid, 0); err == nil {
			lu.FreeBufRing(ring, br, 32, bgid)
			t.Errorf("bgid %d: ring for a group with classic buffers succeeded", bgid)
		}
	}

	t.Run("full_page_reg", func(t *testing.T) {
		page := os.Getpagesize()
		m, err := unix.Mmap(-1, 0, 2*page, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
		if err != nil {
			t.Fatal(err)
		}
		defer unix.Munmap(m)
		if err := unix.Mprotect(m[page:], unix.PROT_NONE); err != nil {
			t.Fatal(err)
		}
		ring := ltRing(t, 1, 0)
		reg := lu.BufReg{RingAddr: uint64(uintptr(ltPtr(m))), RingEntries: uint32(page / int(unsafe.Sizeof(lu.Buf{}))), Bgid: 1}
		if err := lu.RegisterBufRing(ring, &reg, 0); err != nil {
			t.Fatalf("ring of one full page (next page PROT_NONE): %v", err)
		}
	})

	zero := ltOpen(t, "/dev/zero", unix.O_RDONLY, 0)
	buf := ltCBuf(t, 8)
	for _, kernelMem := range []bool{false, true} {
		// Rings in application memory (Linux 5.19), and in kernel memory
		// the application maps (IOU_PBUF_RING_MMAP, Linux 6.4).
		t.Run(map[bool]string{false: "app_mem", true: "kernel_mem"}[kernelMem], func(t *testing.T) {
			var err error
			for _, c := range []struct {
				entries uint32
				loops   int
			}{{1, 3}, {4096, 3}, {32768, 1}} { // the C test runs 3 loops of 32768
				ring := ltRing(t, 1, 0)
				var br *lu.BufRing
				if kernelMem {
					br, _ = brMmapRing(t, ring, c.entries, 2)
				} else {
					br = brSetup(t, ring, c.entries, 2)
				}
				mask := lu.BufRingMask(c.entries)
				for loop := range c.loops {
					used := make([]bool, c.entries)
					for i := range int(c.entries) {
						lu.BufRingAdd(br, ltPtr(buf), 8, uint16(i), mask, i)
					}
					lu.BufRingAdvance(br, int(c.entries))
					for i := range int(c.entries) {
						for j := range buf {
							buf[j] = 1
						}
						bid, res := brReadOne(t, ring, zero, 2)
						if res != 0 {
							t.Fatalf("kernel mem %v, %d entries, loop %d, read %d: %s", kernelMem, c.entries, loop, i, ltResName(res))
						}
						if bid >= int(c.entries) || used[bid] {
							t.Fatalf("kernel mem %v, %d entries: buffer %d handed out twice or out of range", kernelMem, c.entries, bid)
						}
						used[bid] = true
						if buf[0] != 0 || buf[1] != 1 {
							t.Fatalf("buffer holds % x: want the one byte read and nothing more", buf[:2])
						}
					}
					if _, res := brReadOne(t, ring, zero, 2); res != ltErrno(unix.ENOBUFS) {
						t.Fatalf("kernel mem %v, %d entries: read with the ring empty: %s, want ENOBUFS", kernelMem, c.entries, ltResName(res))
					}
				}
				if kernelMem {
					err = lu.UnregisterBufRing(ring, 2)
				} else {
					err = lu.FreeBufRing(ring, br, c.entries, 2) // unregister and unmap
				}
				if err != nil {
					t.Fatalf("unregistering the ring: %v", err)
				}
			}
		})
	}
}

// TestLiburing_buf_ring_nommap covers test/buf-ring-nommap.c: a
// kernel-allocated buffer ring (IOU_PBUF_RING_MMAP) works on a ring whose
// SQ and CQ live in application memory (IORING_SETUP_NO_MMAP): a pipe read
// picks its buffer (id 89).
func TestLiburing_buf_ring_nommap(t *testing.T) {
	const bgid, bid = 5, 89
	mem, err := unix.Mmap(-1, 0, 16384, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED|unix.MAP_ANONYMOUS)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Munmap(mem) })
	ring := new(lu.Ring)
	p := lu.Params{Flags: lu.IORING_SETUP_NO_MMAP}
	if _, err := lu.QueueInitMem(1, ring, &p, ltPtr(mem), uint64(len(mem))); err != nil {
		if errors.Is(err, unix.EINVAL) {
			t.Skip("kernel lacks IORING_SETUP_NO_MMAP")
		}
		t.Fatalf("QueueInitMem: %v", err)
	}
	t.Cleanup(func() { lu.QueueExit(ring) })
	r, w := ltPipe(t, 0)
	buf := ltCBuf(t, 32)
	br, _ := brMmapRing(t, ring, 1, bgid)
	lu.BufRingAdd(br, ltPtr(buf), 32, bid, lu.BufRingMask(1), 0)
	lu.BufRingAdvance(br, 1)
	sqe := ltSQE(t, ring)
	lu.PrepRead(sqe, r, nil, 0, 0)
	lu.SQESetFlags(sqe, lu.IOSQE_BUFFER_SELECT)
	sqe.BufIndex = bgid
	ltSubmit(t, ring, 1)
	if n, err := unix.Write(w, []byte("Hello")); n != 5 {
		t.Fatalf("write: %d %v", n, err)
	}
	c := ltWait(t, ring)
	if c.Res != 5 || c.Flags&lu.IORING_CQE_F_BUFFER == 0 || c.Flags>>lu.IORING_CQE_BUFFER_SHIFT != bid {
		t.Fatalf("read %v, want res 5 from buffer %d", c, bid)
	}
	if string(buf[:5]) != "Hello" {
		t.Errorf("buffer holds %q", buf[:5])
	}
}

// TestLiburing_buf_ring_put covers test/buf-ring-put.c: kernel-allocated
// buffer rings of ten groups (ids 60-69, across the kernel's array and
// xarray) stay mapped and writable after they are unregistered, until the
// application unmaps them.
func TestLiburing_buf_ring_put(t *testing.T) {
	const start, nr, entries = 60, 10, 512
	ring := ltRing(t, 1, 0)
	maps := make([][]byte, nr)
	for i := range maps {
		_, maps[i] = brMmapRing(t, ring, entries, start+i)
	}
	for i := range maps {
		if err := lu.UnregisterBufRing(ring, start+i); err != nil {
			t.Fatalf("UnregisterBufRing(%d): %v", start+i, err)
		}
	}
	for range 20 { // the C test runs 1000 rounds, 1 ms apart
		for _, m := range maps {
			for j := range m {
				m[j] = 0x5a
			}
		}
		time.Sleep(time.Millisecond)
	}
}

// TestLiburing_ringbuf_status covers test/ringbuf-status.c:
// io_uring_buf_ring_head (IORING_REGISTER_PBUF_STATUS) reports head 0
// before any buffer is used, stays 0 while a read waits, and 1 after the
// read consumed a buffer; io_uring_buf_ring_available follows; an unknown
// group is ENOENT; a 32768-entry ring counts up to full.
func TestLiburing_ringbuf_status(t *testing.T) {
	const size, nr, bgid = 32, 8, 1
	for _, invalid := range []bool{false, true} {
		r, w := ltPipe(t, 0)
		buf := ltCBuf(t, size*nr)
		ring := ltRing(t, nr, 0)
		br := brSetup(t, ring, nr, bgid)
		for i := range nr {
			lu.BufRingAdd(br, ltPtr(buf[i*size:]), size, uint16(i+1), nr-1, i)
		}
		lu.BufRingAdvance(br, nr)
		group := bgid
		if invalid {
			group += 10
		}
		head, err := lu.BufRingHead(ring, group)
		if errors.Is(err, unix.EINVAL) {
			t.Skip("kernel lacks IORING_REGISTER_PBUF_STATUS")
		}
		if invalid {
			if !errors.Is(err, unix.ENOENT) {
				t.Errorf("BufRingHead(unknown group) = %d, %v; want ENOENT", head, err)
			}
			continue
		}
		if err != nil || head != 0 {
			t.Fatalf("BufRingHead = %d, %v; want 0", head, err)
		}
		if n, err := lu.BufRingAvailable(ring, br, bgid); n != nr || err != nil {
			t.Fatalf("BufRingAvailable = %d, %v; want %d", n, err, nr)
		}
		sqe := ltSQE(t, ring)
		lu.PrepRead(sqe, r, nil, size, 0)
		lu.SQESetFlags(sqe, lu.IOSQE_BUFFER_SELECT)
		sqe.BufIndex = bgid
		lu.SQESetData64(sqe, 1)
		ltSubmit(t, ring, 1)
		if head, err := lu.BufRingHead(ring, bgid); head != 0 || err != nil {
			t.Fatalf("BufRingHead while the read waits = %d, %v; want 0", head, err)
		}
		out := make([]byte, 16)
		for i := range out {
			out[i] = 0x55
		}
		unix.Write(w, out)
		c := ltWait(t, ring)
		if c.Res != 16 || c.Flags&lu.IORING_CQE_F_BUFFER == 0 {
			t.Fatalf("read %v, want 16 bytes in a provided buffer", c)
		}
		if head, err := lu.BufRingHead(ring, bgid); head != 1 || err != nil {
			t.Fatalf("BufRingHead after the read = %d, %v; want 1", head, err)
		}
		if n, err := lu.BufRingAvailable(ring, br, bgid); n != nr-1 || err != nil {
			t.Fatalf("BufRingAvailable = %d, %v; want %d", n, err, nr-1)
		}
	}

	t.Run("max", func(t *testing.T) {
		const max = 32768
		buf := ltCBuf(t, size*nr)
		ring := ltRing(t, 1, 0)
		br := brSetup(t, ring, max, bgid)
		if n, err := lu.BufRingAvailable(ring, br, bgid); n != 0 || err != nil {
			t.Fatalf("BufRingAvailable of an empty ring = %d, %v", n, err)
		}
		for half := 1; half <= 2; half++ {
			for i := range max / 2 {
				lu.BufRingAdd(br, ltPtr(buf), size, uint16(i+1), max-1, i)
			}
			lu.BufRingAdvance(br, max/2)
			if n, err := lu.BufRingAvailable(ring, br, bgid); n != half*max/2 || err != nil {
				t.Fatalf("BufRingAvailable = %d, %v; want %d", n, err, half*max/2)
			}
		}
	})
}
