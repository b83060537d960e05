// Package gouring adapts github.com/godzie44/go-uring (package uring) to the
// oracle. go-uring builds SQEs from operation values (uring.Read(fd, buf,
// off) and so on) whose PrepSQE fills the entry; the adapter builds each
// operation from the vector's arguments the way a caller would.
package gouring

import (
	"net"
	"syscall"
	"time"
	"unsafe"

	u "github.com/godzie44/go-uring/uring"
	"github.com/liburing-go/liburing/parity"
	"golang.org/x/sys/unix"
)

// Impl is go-uring as a parity.Implementation (and RingMaker). Its NextSQE
// hands out the slot as it is, so it has no ResetSQE.
type Impl struct{}

// Name is "go-uring".
func (Impl) Name() string { return "go-uring" }

func prep(op u.Operation) func(s *parity.SQE) {
	return func(s *parity.SQE) { op.PrepSQE((*u.SQEntry)(unsafe.Pointer(s))) }
}

func duration(a parity.Args, i int) time.Duration {
	p := (*[2]int64)(a.Pointer(i))
	if p == nil {
		return 0
	}
	return time.Duration(p[0])*time.Second + time.Duration(p[1])
}

func iovecs(a parity.Args, i int, n uint32) []syscall.Iovec {
	if a.Pointer(i) == nil {
		return nil
	}
	return unsafe.Slice((*syscall.Iovec)(a.Pointer(i)), n)
}

// Preps maps the C helpers to go-uring's operations.
func (Impl) Preps() map[string]parity.PrepFunc {
	return map[string]parity.PrepFunc{
		"io_uring_prep_nop": func(s *parity.SQE, a parity.Args) { prep(u.Nop())(s) },
		"io_uring_prep_readv": func(s *parity.SQE, a parity.Args) {
			prep(&u.ReadVOp{FD: uintptr(a.Int(0)), IOVecs: iovecs(a, 1, a.Uint32(2)), Offset: a.Uint64(3)})(s)
		},
		"io_uring_prep_writev": func(s *parity.SQE, a parity.Args) {
			prep(&u.WriteVOp{FD: uintptr(a.Int(0)), IOVecs: iovecs(a, 1, a.Uint32(2)), Offset: a.Uint64(3)})(s)
		},
		// go-uring's Timeout and LinkTimeout take a duration only (no
		// count, no flags).
		"io_uring_prep_timeout":      func(s *parity.SQE, a parity.Args) { prep(u.Timeout(duration(a, 0)))(s) },
		"io_uring_prep_link_timeout": func(s *parity.SQE, a parity.Args) { prep(u.LinkTimeout(duration(a, 0)))(s) },
		// Accept takes no address arguments: it points the SQE at its own.
		"io_uring_prep_accept": func(s *parity.SQE, a parity.Args) {
			prep(u.Accept(uintptr(a.Int(0)), a.Uint32(3)))(s)
		},
		"io_uring_prep_cancel64": func(s *parity.SQE, a parity.Args) { prep(u.Cancel(a.Uint64(0), a.Uint32(1)))(s) },
		"io_uring_prep_recv": func(s *parity.SQE, a parity.Args) {
			prep(u.Recv(uintptr(a.Int(0)), a.Bytes(1, a.Uint64(2)), a.Uint32(3)))(s)
		},
		"io_uring_prep_send": func(s *parity.SQE, a parity.Args) {
			prep(u.Send(uintptr(a.Int(0)), a.Bytes(1, a.Uint64(2)), a.Uint32(3)))(s)
		},
		// ProvideBuffers takes (buffer, bid, bgid): no count of buffers.
		"io_uring_prep_provide_buffers": func(s *parity.SQE, a parity.Args) {
			prep(u.ProvideBuffers(a.Bytes(0, uint64(uint32(a.Int(1)))), uint64(a.Int(4)), uint16(a.Int(3))))(s)
		},
		"io_uring_prep_close": func(s *parity.SQE, a parity.Args) { prep(u.Close(uintptr(a.Int(0))))(s) },
		"io_uring_prep_read": func(s *parity.SQE, a parity.Args) {
			prep(u.Read(uintptr(a.Int(0)), a.Bytes(1, uint64(a.Uint32(2))), a.Uint64(3)))(s)
		},
		"io_uring_prep_write": func(s *parity.SQE, a parity.Args) {
			prep(u.Write(uintptr(a.Int(0)), a.Bytes(1, uint64(a.Uint32(2))), a.Uint64(3)))(s)
		},
		// Connect takes a *net.TCPAddr and converts it itself.
		"io_uring_prep_connect": func(s *parity.SQE, a parity.Args) {
			var addr *net.TCPAddr
			if p := (*unix.RawSockaddrInet4)(a.Pointer(1)); p != nil {
				addr = &net.TCPAddr{IP: net.IP(p.Addr[:]), Port: int(p.Port>>8 | p.Port<<8)}
			}
			prep(u.Connect(uintptr(a.Int(0)), addr))(s)
		},
	}
}

type ring struct{ r *u.Ring }

// NewRing is uring.New; go-uring takes setup options, not flags: only 0 is
// supported here.
func (Impl) NewRing(entries, flags uint32) (parity.Ring, error) {
	if flags != 0 {
		return nil, parity.ErrNotImplemented
	}
	r, err := u.New(entries)
	if err != nil {
		return nil, err
	}
	return &ring{r}, nil
}

func (r *ring) GetSQE() *parity.SQE {
	s, err := r.r.NextSQE()
	if err != nil {
		return nil
	}
	return (*parity.SQE)(unsafe.Pointer(s))
}

func (r *ring) Submit() (int, error) {
	n, err := r.r.Submit()
	return int(n), err
}

func (r *ring) PeekCQE() (parity.CQE, bool) {
	c, err := r.r.PeekCQE()
	if err != nil || c == nil {
		return parity.CQE{}, false
	}
	out := parity.CQE{UserData: c.UserData, Res: c.Res, Flags: c.Flags}
	r.r.SeenCQE(c)
	return out, true
}

func (r *ring) Fd() int      { return r.r.Fd() }
func (r *ring) Close() error { return r.r.Close() }

func (r *ring) RegisterFiles(fds []int32) error {
	ints := make([]int, len(fds))
	for i, fd := range fds {
		ints[i] = int(fd)
	}
	return r.r.RegisterFiles(ints)
}

// RegisterFilesUpdate: go-uring has no files update.
func (r *ring) RegisterFilesUpdate(off uint32, fds []int32) (int, error) {
	return 0, parity.ErrNotImplemented
}

func (r *ring) UnregisterFiles() error { return r.r.UnRegisterFiles() }

func (r *ring) RegisterBuffers(iov []unix.Iovec) error {
	return r.r.RegisterBuffers(*(*[]syscall.Iovec)(unsafe.Pointer(&iov)))
}

func (r *ring) UnregisterBuffers() error { return r.r.UnRegisterBuffers() }
