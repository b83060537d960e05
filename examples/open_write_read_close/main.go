// Command open_write_read_close is the "Simple File Example" of Python
// liburing in Go: it opens (creating) a file, writes "hello world", reads it
// back and closes it, each step one io_uring operation.
//
//	go run ./examples/open_write_read_close [-path FILE]
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/liburing-go/liburing"
	"golang.org/x/sys/unix"
)

// submitAndWait submits what is prepared, waits for one completion and
// returns its result, or the error its res carries.
func submitAndWait(ring *liburing.Ring) (int, error) {
	if _, err := liburing.Submit(ring); err != nil {
		return 0, err
	}
	cqe, err := liburing.WaitCQE(ring)
	if err != nil {
		return 0, err
	}
	res, err := liburing.TrapError(cqe.Res)
	liburing.CQESeen(ring, cqe)
	return res, err
}

func openFile(ring *liburing.Ring, path string, flags int, mode uint32) (int, error) {
	cpath, err := liburing.CString(path) // C memory: the kernel reads it at submit
	if err != nil {
		return 0, err
	}
	defer liburing.Free(cpath)
	sqe := liburing.GetSQE(ring)
	if sqe == nil {
		return 0, unix.EBUSY
	}
	liburing.PrepOpenat(sqe, unix.AT_FDCWD, cpath, flags, mode)
	return submitAndWait(ring)
}

func write(ring *liburing.Ring, fd int, data []byte, offset uint64) (int, error) {
	iov, err := liburing.NewIovec([][]byte{data}) // pins data until Close
	if err != nil {
		return 0, err
	}
	defer iov.Close()
	base, _ := iov.Base(0)
	n, _ := iov.IovLen(0)
	sqe := liburing.GetSQE(ring)
	if sqe == nil {
		return 0, unix.EBUSY
	}
	liburing.PrepWrite(sqe, fd, base, uint32(n), offset)
	return submitAndWait(ring)
}

func read(ring *liburing.Ring, fd int, length int, offset uint64) ([]byte, error) {
	iov, err := liburing.NewIovecSizes(length) // a C-memory buffer
	if err != nil {
		return nil, err
	}
	defer iov.Close()
	base, _ := iov.Base(0)
	sqe := liburing.GetSQE(ring)
	if sqe == nil {
		return nil, unix.EBUSY
	}
	liburing.PrepRead(sqe, fd, base, uint32(length), offset)
	n, err := submitAndWait(ring)
	if err != nil {
		return nil, err
	}
	buf, _ := iov.Bytes(0)
	return append([]byte(nil), buf[:n]...), nil
}

func closeFile(ring *liburing.Ring, fd int) error {
	sqe := liburing.GetSQE(ring)
	if sqe == nil {
		return unix.EBUSY
	}
	liburing.PrepClose(sqe, fd)
	_, err := submitAndWait(ring)
	return err
}

func main() {
	path := flag.String("path", filepath.Join(os.TempDir(), "liburing-test-file.txt"), "file to create and use")
	flag.Parse()
	log.SetFlags(0)

	var ring liburing.Ring
	if err := liburing.QueueInit(8, &ring, 0); err != nil {
		log.Fatalf("io_uring_queue_init: %v", err)
	}
	defer liburing.QueueExit(&ring)

	fd, err := openFile(&ring, *path, unix.O_CREAT|unix.O_RDWR, 0o660)
	if err != nil {
		log.Fatalf("open %s: %v", *path, err)
	}
	fmt.Println("fd:", fd)

	n, err := write(&ring, fd, []byte("hello world"), 0)
	if err != nil {
		log.Fatalf("write: %v", err)
	}
	fmt.Println("wrote:", n)

	content, err := read(&ring, fd, n, 0)
	if err != nil {
		log.Fatalf("read: %v", err)
	}
	fmt.Printf("read: %s\n", content)

	if err := closeFile(&ring, fd); err != nil {
		log.Fatalf("close: %v", err)
	}
	fmt.Println("closed.")
}
