//go:build linux && cgo

package liburing

/*
#include "liburing_cgo.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
)

// ErrProbe is returned when liburing could not allocate or fill a probe
// (io_uring_get_probe* returned NULL; liburing reports no errno for it).
var ErrProbe = errors.New("liburing: io_uring_get_probe failed")

// ProbeOp is struct io_uring_probe_op: one opcode's entry in a probe.
type ProbeOp struct {
	Op    uint8
	Resv  uint8
	Flags uint16 // IO_URING_OP_SUPPORTED when the kernel supports Op
	Resv2 uint32
}

// probeOpsMax is the room for ops that io_uring_get_probe* allocates (and
// the most NewProbe allows): an opcode is a __u8.
const probeOpsMax = 256

// Probe holds a struct io_uring_probe with room for a fixed number of ops:
// from GetProbe or GetProbeRing, allocated by liburing, or from NewProbe, in
// C memory for RegisterProbe to fill. Release it with FreeProbe (never free
// it from C); FreeProbe twice is harmless.
type Probe struct {
	c       *C.struct_io_uring_probe
	nops    uint32 // room for ops after the header
	callocd bool   // allocated by NewProbe with calloc, so FreeProbe frees it with free()
}

// NewProbe allocates a zeroed struct io_uring_probe with room for nops ops
// (1..256) in C memory, for RegisterProbe to fill. Release it with FreeProbe.
func NewProbe(nops uint32) (*Probe, error) {
	if nops == 0 || nops > probeOpsMax {
		return nil, unix.EINVAL
	}
	p := C.calloc(1, C.size_t(C.sizeof_struct_io_uring_probe)+C.size_t(nops)*C.sizeof_struct_io_uring_probe_op)
	if p == nil {
		return nil, unix.ENOMEM
	}
	return &Probe{c: (*C.struct_io_uring_probe)(p), nops: nops, callocd: true}, nil
}

// liburingProbe wraps a probe from io_uring_get_probe*, which has room for
// probeOpsMax ops.
func liburingProbe(p *C.struct_io_uring_probe) (*Probe, error) {
	if p == nil {
		return nil, ErrProbe
	}
	return &Probe{c: p, nops: probeOpsMax}, nil
}

// GetProbe wraps io_uring_get_probe: it sets up a temporary ring and asks
// the kernel which opcodes it supports. Linux 5.6.
func GetProbe() (*Probe, error) {
	return liburingProbe(C.io_uring_get_probe())
}

// GetProbeRing wraps io_uring_get_probe_ring: as GetProbe, using ring.
// Linux 5.6.
func GetProbeRing(ring *Ring) (*Probe, error) {
	c, err := ring.get()
	if err != nil {
		return nil, err
	}
	return liburingProbe(C.io_uring_get_probe_ring(c))
}

// FreeProbe wraps io_uring_free_probe: it releases the probe's memory (a
// probe from NewProbe goes back to free(), as it came from calloc). Probes
// came with Linux 5.6.
func FreeProbe(probe *Probe) {
	if probe == nil || probe.c == nil {
		return
	}
	if probe.callocd {
		C.free(unsafe.Pointer(probe.c))
	} else {
		C.io_uring_free_probe(probe.c)
	}
	probe.c, probe.nops = nil, 0
}

// OpcodeSupported wraps io_uring_opcode_supported: whether the kernel that
// answered the probe supports op. False for a nil or freed probe, and for an
// op outside the probe's room (liburing would read past a small NewProbe).
// Linux 5.6.
func OpcodeSupported(p *Probe, op int) bool {
	if p == nil || p.c == nil || op < 0 || op >= int(p.nops) {
		return false
	}
	return C.io_uring_opcode_supported(p.c, C.int(op)) != 0
}

// LastOp is the probe's last_op: the highest opcode the kernel knows.
func (p *Probe) LastOp() uint8 {
	if p == nil || p.c == nil {
		return 0
	}
	return uint8(p.c.last_op)
}

// OpsLen is the probe's ops_len: how many op entries the kernel filled in,
// one more than LastOp on current kernels (Python's io_uring_probe.ops_len).
// It is 0 for a nil or freed probe.
func (p *Probe) OpsLen() int {
	if p == nil || p.c == nil {
		return 0
	}
	return int(p.c.ops_len)
}

// Ops returns a copy of the probe's ops_len entries, at most as many as the
// probe has room for (a probe that RegisterProbe did not fill may hold any
// ops_len).
func (p *Probe) Ops() []ProbeOp {
	if p == nil || p.c == nil {
		return nil
	}
	n := min(p.OpsLen(), int(p.nops))
	src := unsafe.Slice((*ProbeOp)(unsafe.Add(unsafe.Pointer(p.c), C.sizeof_struct_io_uring_probe)), n)
	return append([]ProbeOp(nil), src...)
}

// CPtr returns the probe's struct io_uring_probe * for C code.
func (p *Probe) CPtr() unsafe.Pointer {
	if p == nil {
		return nil
	}
	return unsafe.Pointer(p.c)
}

// laterOpcodeNames names the opcodes that kernels added after liburing 2.6's
// header (values from the kernel's include/uapi/linux/io_uring.h).
var laterOpcodeNames = map[int]string{
	56: "IORING_OP_BIND",         // Linux 6.11
	57: "IORING_OP_LISTEN",       // Linux 6.11
	58: "IORING_OP_RECV_ZC",      // Linux 6.15
	59: "IORING_OP_EPOLL_WAIT",   // Linux 6.15
	60: "IORING_OP_READV_FIXED",  // Linux 6.15
	61: "IORING_OP_WRITEV_FIXED", // Linux 6.15
	62: "IORING_OP_PIPE",         // Linux 6.16
}

// OpcodeName returns the C name of an IORING_OP_* value ("IORING_OP_READ"),
// including opcodes newer kernels added after liburing 2.6, or
// "IORING_OP_<n>" for values it does not know.
func OpcodeName(op int) string {
	if op >= 0 && op < len(opcodeNames) && opcodeNames[op] != "" {
		return opcodeNames[op]
	}
	if name, ok := laterOpcodeNames[op]; ok {
		return name
	}
	return fmt.Sprintf("IORING_OP_%d", op)
}

// SupportedOps probes the kernel and returns, for each opcode liburing 2.6
// names, whether the kernel supports it (Python liburing's probe()).
func SupportedOps() (map[string]bool, error) {
	p, err := GetProbe()
	if err != nil {
		return nil, err
	}
	defer FreeProbe(p)
	m := make(map[string]bool, len(opcodeNames))
	for op, name := range opcodeNames {
		m[name] = OpcodeSupported(p, op)
	}
	return m, nil
}
