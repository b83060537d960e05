//go:build linux && cgo

package liburing

/*
#include "liburing_cgo.h"
#include <linux/openat2.h>

#ifndef RESOLVE_CACHED
#define RESOLVE_CACHED 0x20
#endif
*/
import "C"

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// RESOLVE_CACHED is openat2's resolve flag that makes the open fail with
// EAGAIN unless every path component is in the dentry cache (Linux 5.12);
// golang.org/x/sys/unix has the other RESOLVE_* flags but not this one.
// Python liburing exports it with them.
const RESOLVE_CACHED = C.RESOLVE_CACHED

// OpenHow is a struct open_how in C memory (Python liburing's open_how
// class) for PrepOpenat2 and PrepOpenat2Direct, which keep its address in
// the SQE: it must stay open until the SQE is submitted (the kernel copies
// it then), and may be reused for more SQEs. Close it afterwards.
type OpenHow struct {
	p *unix.OpenHow
}

// NewOpenHow returns an OpenHow with the given flags (O_*), mode (the
// permission bits for O_CREAT or O_TMPFILE, else 0) and resolve (RESOLVE_*)
// fields, as Python liburing's open_how(flags, mode, resolve).
func NewOpenHow(flags, mode, resolve uint64) (*OpenHow, error) {
	p, err := cNew[unix.OpenHow](1)
	if err != nil {
		return nil, err
	}
	p.Flags, p.Mode, p.Resolve = flags, mode, resolve
	return &OpenHow{p: p}, nil
}

// Ptr is the struct open_how in C memory, to pass to PrepOpenat2 and to
// read or change its Flags, Mode and Resolve fields directly as Python's
// properties do; nil after Close.
func (h *OpenHow) Ptr() *unix.OpenHow {
	if h == nil {
		return nil
	}
	return h.p
}

// String formats the fields as Python's repr does, with the Go type's name:
// "OpenHow(flags=1, mode=2, resolve=3)", or "OpenHow(closed)".
func (h *OpenHow) String() string {
	p := h.Ptr()
	if p == nil {
		return "OpenHow(closed)"
	}
	return fmt.Sprintf("OpenHow(flags=%d, mode=%d, resolve=%d)", p.Flags, p.Mode, p.Resolve)
}

// Close frees the C memory; ErrClosed the second time. No SQE that names it
// may still wait for submission.
func (h *OpenHow) Close() error {
	if h == nil {
		return ErrClosed
	}
	err := cFree(h.p)
	h.p = nil
	return err
}
