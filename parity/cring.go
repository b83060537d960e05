//go:build linux && cgo

package parity

import (
	"unsafe"

	lu "github.com/liburing-go/liburing"
	"golang.org/x/sys/unix"
)

// cRing is a ring of the liburing package: the reference side of the live
// scenarios, and an example of a Ring adapter.
type cRing struct{ r *lu.Ring }

func (cImpl) NewRing(entries, flags uint32) (Ring, error) {
	r := new(lu.Ring)
	if err := lu.QueueInit(entries, r, flags); err != nil {
		return nil, err
	}
	return cRing{r}, nil
}

func (cImpl) NewRingMem(entries, flags uint32, mem unsafe.Pointer, size uint64) (Ring, int, error) {
	r := new(lu.Ring)
	p := &lu.Params{Flags: flags}
	n, err := lu.QueueInitMem(entries, r, p, mem, size)
	if err != nil {
		return nil, n, err
	}
	return cRing{r}, n, nil
}

func (c cRing) GetSQE() *SQE         { return (*SQE)(unsafe.Pointer(lu.GetSQE(c.r))) }
func (c cRing) Submit() (int, error) { return lu.Submit(c.r) }
func (c cRing) Fd() int              { return c.r.Fd() }
func (c cRing) Close() error         { return lu.QueueExit(c.r) }

func (c cRing) PeekCQE() (CQE, bool) {
	cqe, err := lu.PeekCQE(c.r)
	if err != nil || cqe == nil {
		return CQE{}, false
	}
	out := CQE{UserData: cqe.UserData, Res: cqe.Res, Flags: cqe.Flags}
	lu.CQESeen(c.r, cqe)
	return out, true
}

func (c cRing) RegisterFiles(fds []int32) error { return lu.RegisterFiles(c.r, fds) }
func (c cRing) RegisterFilesUpdate(off uint32, fds []int32) (int, error) {
	return lu.RegisterFilesUpdate(c.r, off, fds)
}
func (c cRing) UnregisterFiles() error                 { return lu.UnregisterFiles(c.r) }
func (c cRing) RegisterEventfd(fd int) error           { return lu.RegisterEventfd(c.r, fd) }
func (c cRing) UnregisterEventfd() error               { return lu.UnregisterEventfd(c.r) }
func (c cRing) RegisterBuffers(iov []unix.Iovec) error { return lu.RegisterBuffers(c.r, iov) }
func (c cRing) UnregisterBuffers() error               { return lu.UnregisterBuffers(c.r) }

// RegisterRingFd returns what C's io_uring_register_ring_fd returns (1, the
// number registered); the Go wrapper returns the index instead.
func (c cRing) RegisterRingFd() (int, error) {
	if _, err := lu.RegisterRingFd(c.r); err != nil {
		return 0, err
	}
	return 1, nil
}

func (c cRing) UnregisterRingFd() (int, error) { return lu.UnregisterRingFd(c.r) }
func (c cRing) RegisterBufRing(reg *BufReg, flags uint32) error {
	return lu.RegisterBufRing(c.r, (*lu.BufReg)(unsafe.Pointer(reg)), flags)
}
func (c cRing) UnregisterBufRing(bgid int) error { return lu.UnregisterBufRing(c.r, bgid) }
