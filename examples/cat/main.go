// Command cat writes files to standard output, reading them through linked
// io_uring operations.
//
//	go run ./examples/cat [-bs BYTES] FILE...
//
// For each file, one submission holds a chain (IOSQE_IO_LINK) of openat into
// fixed file slot 0 (a direct descriptor: no entry in the process's fd
// table), statx for the size, and a first read. Then chains of reads, as many
// as the size says are left (at most 8 buffers at a time), follow until a
// read returns 0 (end of file), and close_direct empties the slot. A read
// that comes back short breaks its chain (the reads after it complete with
// -ECANCELED), and the next chain goes on from where it stopped, so files
// whose size statx cannot tell (/proc files, growing files) work too.
//
// A file that cannot be read is reported on standard error as
// "cat: FILE: reason"; cat goes on with the next file and exits with status 1.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"unsafe"

	"github.com/liburing-go/liburing"
	"golang.org/x/sys/unix"
)

const (
	slot    = 0 // the fixed file slot every file is opened into
	maxBufs = 8 // reads per chain
)

// cat holds the ring and the C-memory buffers the kernel reads into.
type cat struct {
	ring   *liburing.Ring
	bufs   []byte // maxBufs buffers of bs bytes
	bs     int
	stx    *unix.Statx_t // C memory, filled by statx
	stxMem []byte
}

func newCat(bs int) (*cat, error) {
	c := &cat{ring: new(liburing.Ring), bs: bs}
	if err := liburing.QueueInit(2*maxBufs, c.ring, 0); err != nil {
		return nil, fmt.Errorf("io_uring_queue_init: %w", err)
	}
	if err := liburing.RegisterFilesSparse(c.ring, 1); err != nil {
		c.close()
		return nil, fmt.Errorf("io_uring_register_files_sparse: %w", err)
	}
	var err error
	if c.bufs, err = liburing.AllocBuffer(maxBufs * bs); err != nil {
		c.close()
		return nil, err
	}
	if c.stxMem, err = liburing.AllocBuffer(int(unsafe.Sizeof(unix.Statx_t{}))); err != nil {
		c.close()
		return nil, err
	}
	c.stx = (*unix.Statx_t)(unsafe.Pointer(&c.stxMem[0]))
	return c, nil
}

func (c *cat) close() {
	liburing.QueueExit(c.ring)
	liburing.FreeBuffer(c.bufs)
	liburing.FreeBuffer(c.stxMem)
}

func (c *cat) buf(i int) []byte { return c.bufs[i*c.bs : (i+1)*c.bs] }

// sqe returns the next SQE; the ring is sized so that it never runs out.
func (c *cat) sqe(userData uint64, flags uint32) *liburing.SQE {
	sqe := liburing.GetSQE(c.ring)
	if sqe == nil {
		panic("submission queue full")
	}
	liburing.SQESetData64(sqe, userData)
	liburing.SQESetFlags(sqe, flags)
	return sqe
}

// prepRead adds a read of buffer i at offset off from the file in the slot.
func (c *cat) prepRead(i int, off uint64, flags uint32) {
	sqe := c.sqe(uint64(i), flags|liburing.IOSQE_FIXED_FILE)
	liburing.PrepRead(sqe, slot, unsafe.Pointer(&c.buf(i)[0]), uint32(c.bs), off)
}

// run submits what is prepared and returns the res of the n completions,
// indexed by user_data.
func (c *cat) run(n int) ([]int32, error) {
	if _, err := liburing.SubmitAndWait(c.ring, uint32(n)); err != nil {
		return nil, fmt.Errorf("io_uring_submit_and_wait: %w", err)
	}
	res := make([]int32, n)
	for range n {
		cqe, err := liburing.WaitCQE(c.ring)
		if err != nil {
			return nil, fmt.Errorf("io_uring_wait_cqe: %w", err)
		}
		res[cqe.UserData] = cqe.Res
		liburing.CQESeen(c.ring, cqe)
	}
	return res, nil
}

// Step results of the first chain, by user_data.
const (
	udFirstRead = iota
	udOpen
	udStatx
)

// file copies one file to w.
func (c *cat) file(path string, w *os.File) error {
	cpath, err := liburing.CString(path)
	if err != nil {
		return err
	}
	defer liburing.Free(cpath)

	// Chain 1: open -> statx -> first read.
	liburing.PrepOpenatDirect(c.sqe(udOpen, liburing.IOSQE_IO_LINK), unix.AT_FDCWD, cpath, unix.O_RDONLY, 0, slot) // no O_CLOEXEC: a direct descriptor has no fd to close on exec
	liburing.PrepStatx(c.sqe(udStatx, liburing.IOSQE_IO_LINK), unix.AT_FDCWD, cpath, 0, unix.STATX_SIZE, c.stx)
	c.prepRead(udFirstRead, 0, 0)
	res, err := c.run(3)
	if err != nil {
		return err
	}
	if _, err := liburing.TrapError(res[udOpen]); err != nil {
		return err // statx and the read were cancelled
	}
	defer c.closeSlot()
	if _, err := liburing.TrapError(res[udStatx]); err != nil {
		return fmt.Errorf("statx: %w", err)
	}
	size := c.stx.Size

	off, done, err := c.emit(res[:1], 0, w)
	for !done && err == nil {
		// Enough reads for what statx says is left, at least one.
		n := 1
		if size > off {
			n = min(maxBufs, int((size-off+uint64(c.bs)-1)/uint64(c.bs)))
		}
		for i := range n {
			var flags uint32
			if i < n-1 {
				flags = liburing.IOSQE_IO_LINK
			}
			c.prepRead(i, off+uint64(i*c.bs), flags)
		}
		if res, err = c.run(n); err != nil {
			return err
		}
		var more uint64
		more, done, err = c.emit(res, off, w)
		off += more
	}
	return err
}

// emit writes the buffers of a chain of reads, in order, up to the first
// one that did not come back full. It returns the bytes written and whether
// the end of the file was reached (a read of 0 bytes).
func (c *cat) emit(res []int32, off uint64, w *os.File) (uint64, bool, error) {
	var total uint64
	for i, r := range res {
		n, err := liburing.TrapError(r)
		if err != nil {
			return total, true, fmt.Errorf("read at offset %d: %w", off+total, err)
		}
		if n == 0 {
			return total, true, nil
		}
		if _, err := w.Write(c.buf(i)[:n]); err != nil {
			return total, true, err
		}
		total += uint64(n)
		if n < c.bs {
			return total, false, nil // short: the rest of the chain was cancelled
		}
	}
	return total, false, nil
}

// closeSlot empties the fixed file slot.
func (c *cat) closeSlot() {
	liburing.PrepCloseDirect(c.sqe(0, 0), slot)
	res, err := c.run(1)
	if err == nil {
		_, err = liburing.TrapError(res[0])
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "cat: close_direct: %v\n", err)
	}
}

func main() {
	bs := flag.Int("bs", 64<<10, "size of each read buffer in bytes")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: cat [-bs BYTES] FILE...\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() == 0 || *bs <= 0 || *bs > 1<<30 {
		flag.Usage()
		os.Exit(2)
	}
	c, err := newCat(*bs)
	if err != nil {
		fmt.Fprintf(os.Stderr, "cat: %v\n", err)
		os.Exit(1)
	}
	status := 0
	for _, path := range flag.Args() {
		if err := c.file(path, os.Stdout); err != nil {
			var errno unix.Errno
			if errors.As(err, &errno) && errno == unix.EPIPE {
				break
			}
			fmt.Fprintf(os.Stderr, "cat: %s: %v\n", path, err)
			status = 1
		}
	}
	c.close()
	os.Exit(status)
}
