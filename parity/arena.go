//go:build linux

package parity

import (
	"encoding/binary"
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The arena is the memory that pointer arguments point into: ArenaSize
// bytes of anonymous mmap memory (never moved or freed by Go's garbage
// collector, so both C and Go code may keep its addresses). The prep helpers
// only store these addresses; the arena's contents (a timespec, an iovec
// array, paths, a msghdr, ...) are there for adapters whose API takes Go
// values instead of pointers and reads them.
//
// Golden files record every address inside the arena as CanonicalBase plus
// its offset, so SQEs built in different processes compare equal.
const (
	ArenaSize     = 0x4000
	CanonicalBase = 0x0000_5a00_0000_0000
)

// Slot is a named region of the arena that a pointer argument points to.
type Slot struct {
	Name   string `json:"name"`
	Offset int    `json:"offset"`
	Size   int    `json:"size"`
	What   string `json:"what"` // the C object it holds
}

// Slots is the arena's layout. It is part of the golden file's contract:
// offsets never change without a new golden file.
var Slots = []Slot{
	{"buf", 0x0000, 0x1000, "4096 data bytes"},
	{"buf2", 0x1000, 0x1000, "4096 data bytes"},
	{"iovecs", 0x2000, 0x40, "struct iovec[4], 1024 bytes of buf each"},
	{"ts", 0x2100, 0x10, "struct __kernel_timespec {1, 500000}"},
	{"msghdr", 0x2200, 0x38, "struct msghdr: name=sockaddr, iov=iovecs (1 entry)"},
	{"sockaddr", 0x2300, 0x10, "struct sockaddr_in 127.0.0.1:9"},
	{"addrlen", 0x2380, 0x4, "socklen_t 16"},
	{"path", 0x2400, 0x100, "\"parity-path\\0\""},
	{"path2", 0x2500, 0x100, "\"parity-path2\\0\""},
	{"xname", 0x2600, 0x100, "\"user.parity\\0\""},
	{"xvalue", 0x2700, 0x100, "\"value\\0\""},
	{"open_how", 0x2800, 0x18, "struct open_how {O_RDONLY|O_CLOEXEC, 0, RESOLVE_BENEATH}"},
	{"statx", 0x2900, 0x100, "struct statx (zero)"},
	{"epoll_event", 0x2a00, 0xc, "struct epoll_event {EPOLLIN, 0}"},
	{"fds", 0x2b00, 0x10, "int[4] {3, 4, 5, -1}"},
	{"futex", 0x2c00, 0x4, "uint32_t 0"},
	{"futexv", 0x2d00, 0x30, "struct futex_waitv[2] on the futex slot"},
	{"siginfo", 0x2e00, 0x80, "siginfo_t (zero)"},
	{"optval", 0x2f00, 0x4, "int 1"},
	{"userdata", 0x3000, 0x10, "opaque bytes (a void * user_data)"},
}

// SlotByName returns the slot with the name, or nil.
func SlotByName(name string) *Slot {
	for i := range Slots {
		if Slots[i].Name == name {
			return &Slots[i]
		}
	}
	return nil
}

// Arena is one mapping of the arena.
type Arena struct {
	mem []byte
}

// NewArena maps and fills an arena. Close unmaps it.
func NewArena() (*Arena, error) {
	mem, err := unix.Mmap(-1, 0, ArenaSize, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_ANON|unix.MAP_PRIVATE)
	if err != nil {
		return nil, fmt.Errorf("parity: mmap arena: %w", err)
	}
	a := &Arena{mem: mem}
	a.fill()
	return a, nil
}

// Close unmaps the arena; its addresses must not be used afterwards.
func (a *Arena) Close() error {
	if a.mem == nil {
		return nil
	}
	err := unix.Munmap(a.mem)
	a.mem = nil
	return err
}

// Base is the arena's address.
func (a *Arena) Base() uint64 { return uint64(uintptr(unsafe.Pointer(&a.mem[0]))) }

// Ptr returns the address of the arena slot, or nil for "".
func (a *Arena) Ptr(slot string) unsafe.Pointer {
	if slot == "" {
		return nil
	}
	s := SlotByName(slot)
	if s == nil {
		panic("parity: no arena slot " + slot)
	}
	return unsafe.Pointer(&a.mem[s.Offset])
}

// Canonical maps an address inside the arena to CanonicalBase+offset and
// leaves every other value as it is. The second result says whether v was
// inside.
func (a *Arena) Canonical(v uint64) (uint64, bool) {
	base := a.Base()
	if v >= base && v < base+ArenaSize {
		return v - base + CanonicalBase, true
	}
	return v, false
}

func (a *Arena) slotAddr(name string) uint64 { return uint64(uintptr(a.Ptr(name))) }

func (a *Arena) fill() {
	le := binary.LittleEndian
	at := func(name string) []byte { s := SlotByName(name); return a.mem[s.Offset : s.Offset+s.Size] }
	for i := range at("buf") {
		at("buf")[i] = byte('a' + i%26)
		at("buf2")[i] = byte('A' + i%26)
	}
	iov := at("iovecs")
	for i := 0; i < 4; i++ {
		le.PutUint64(iov[16*i:], a.slotAddr("buf")+uint64(1024*i))
		le.PutUint64(iov[16*i+8:], 1024)
	}
	le.PutUint64(at("ts")[0:], 1)
	le.PutUint64(at("ts")[8:], 500000)
	msg := at("msghdr")
	le.PutUint64(msg[0:], a.slotAddr("sockaddr")) // msg_name
	le.PutUint32(msg[8:], 16)                     // msg_namelen
	le.PutUint64(msg[16:], a.slotAddr("iovecs"))  // msg_iov
	le.PutUint64(msg[24:], 1)                     // msg_iovlen
	sa := at("sockaddr")
	le.PutUint16(sa[0:], unix.AF_INET)
	binary.BigEndian.PutUint16(sa[2:], 9)
	copy(sa[4:], []byte{127, 0, 0, 1})
	le.PutUint32(at("addrlen"), 16)
	copy(at("path"), "parity-path\x00")
	copy(at("path2"), "parity-path2\x00")
	copy(at("xname"), "user.parity\x00")
	copy(at("xvalue"), "value\x00")
	le.PutUint64(at("open_how")[0:], unix.O_RDONLY|unix.O_CLOEXEC)
	le.PutUint64(at("open_how")[16:], unix.RESOLVE_BENEATH)
	le.PutUint32(at("epoll_event")[0:], unix.EPOLLIN)
	for i, fd := range []int32{3, 4, 5, -1} {
		le.PutUint32(at("fds")[4*i:], uint32(fd))
	}
	fv := at("futexv")
	for i := 0; i < 2; i++ {
		le.PutUint64(fv[24*i+8:], a.slotAddr("futex")) // uaddr
		le.PutUint32(fv[24*i+16:], 2)                  // FUTEX2_SIZE_U32
	}
	le.PutUint32(at("optval"), 1)
	copy(at("userdata"), "user-data-bytes\x00")
}
