package parity

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"unsafe"
)

// SQE is struct io_uring_sqe as the kernel reads it: 64 bytes, the same in
// every implementation. An adapter converts it to its own type with
// (*theirs.SQE)(unsafe.Pointer(sqe)). Union members carry the name of the
// first member (see SQEFields for the others).
type SQE struct {
	Opcode      uint8
	Flags       uint8
	Ioprio      uint16
	Fd          int32
	Off         uint64
	Addr        uint64
	Len         uint32
	OpFlags     uint32
	UserData    uint64
	BufIndex    uint16
	Personality uint16
	SpliceFdIn  int32
	Addr3       uint64
	Pad2        uint64
}

// CQE is struct io_uring_cqe (16 bytes).
type CQE struct {
	UserData uint64
	Res      int32
	Flags    uint32
}

// Bytes returns the SQE's 64 bytes (aliasing it).
func (s *SQE) Bytes() []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(s)), unsafe.Sizeof(*s))
}

// Hex is the SQE's 64 bytes in hexadecimal, as the golden file stores them.
func (s *SQE) Hex() string { return hex.EncodeToString(s.Bytes()) }

// SetHex sets the SQE from 128 hexadecimal digits.
func (s *SQE) SetHex(h string) error {
	b, err := hex.DecodeString(h)
	if err != nil {
		return err
	}
	if len(b) != len(s.Bytes()) {
		return fmt.Errorf("SQE hex has %d bytes, want 64", len(b))
	}
	copy(s.Bytes(), b)
	return nil
}

// Field is one field of struct io_uring_sqe: its C name, the other members
// of the union it belongs to, and where it lies.
type Field struct {
	Name   string // C name of the first union member
	Also   string // the other union members, for reports
	Offset int
	Size   int
}

// SQEFields lists every field of struct io_uring_sqe in order; together
// they cover all 64 bytes.
var SQEFields = []Field{
	{"opcode", "", 0, 1},
	{"flags", "", 1, 1},
	{"ioprio", "accept/recv/send/zc flags", 2, 2},
	{"fd", "", 4, 4},
	{"off", "addr2, cmd_op+__pad1", 8, 8},
	{"addr", "splice_off_in, level+optname", 16, 8},
	{"len", "", 24, 4},
	{"rw_flags", "op flags: fsync/poll32/msg/timeout/accept/cancel/open/statx/fadvise/splice/rename/unlink/hardlink/xattr/msg_ring/uring_cmd/waitid/futex/install_fd", 28, 4},
	{"user_data", "", 32, 8},
	{"buf_index", "buf_group", 40, 2},
	{"personality", "", 42, 2},
	{"splice_fd_in", "file_index, optlen, addr_len+__pad3", 44, 4},
	{"addr3", "optval, cmd", 48, 8},
	{"__pad2[0]", "", 56, 8},
}

// pointerFields are the 64-bit fields that can hold an address.
var pointerFields = []int{8, 16, 48, 56}

// Value reads the field from 64 SQE bytes.
func (f Field) Value(b []byte) uint64 {
	switch f.Size {
	case 1:
		return uint64(b[f.Offset])
	case 2:
		return uint64(binary.LittleEndian.Uint16(b[f.Offset:]))
	case 4:
		return uint64(binary.LittleEndian.Uint32(b[f.Offset:]))
	default:
		return binary.LittleEndian.Uint64(b[f.Offset:])
	}
}
