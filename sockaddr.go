//go:build linux && cgo

package liburing

/*
#include "liburing_cgo.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/un.h>

// A socket address and its length side by side in one C allocation, so the
// kernel can write both (accept, getpeername) while Go holds neither.
struct lg_sock_addr {
	struct sockaddr_storage ss;
	socklen_t len;
};

static inline struct lg_sock_addr *lg_sock_addr_new(void)
{
	return calloc(1, sizeof(struct lg_sock_addr));
}
*/
import "C"

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"
)

// sockaddrCap is the room a Sockaddr has for an address (struct
// sockaddr_storage); accept and getpeername may write up to this much.
const sockaddrCap = C.sizeof_struct_sockaddr_storage

// unixPathMax is the size of sun_path in struct sockaddr_un.
const unixPathMax = len(unix.RawSockaddrUnix{}.Path)

// unixPathOff is the offset of sun_path in struct sockaddr_un.
const unixPathOff = int(unsafe.Offsetof(unix.RawSockaddrUnix{}.Path))

// Sockaddr is a socket address (struct sockaddr_storage) and its length in C
// memory (Python liburing's sockaddr class). The kernel may read or write it
// after the call that names it returns (connect, accept, sendto), so it lives
// outside the Go heap; Close releases it once no operation uses it. Its
// methods PrepConnect, PrepAccept and friends call the C prep helpers with
// the address and its length, as Python's io_uring_prep_connect(sqe, fd,
// addr) and io_uring_prep_accept(sqe, fd, addr) do. A Sockaddr is not safe
// for concurrent use.
type Sockaddr struct {
	c *C.struct_lg_sock_addr
}

// sockaddrError reports an invalid NewSockaddr argument (Python liburing's
// ValueError) as unix.EINVAL with the reason.
func sockaddrError(family int, format string, args ...any) error {
	return fmt.Errorf("liburing: sockaddr(%s): %s: %w", familyName(family), fmt.Sprintf(format, args...), unix.EINVAL)
}

func familyName(family int) string {
	switch family {
	case unix.AF_UNSPEC:
		return "AF_UNSPEC"
	case unix.AF_UNIX:
		return "AF_UNIX"
	case unix.AF_INET:
		return "AF_INET"
	case unix.AF_INET6:
		return "AF_INET6"
	}
	return "family " + strconv.Itoa(family)
}

// newSockaddr allocates a zeroed Sockaddr whose length is the given size.
func newSockaddr(family int, length int) (*Sockaddr, error) {
	p := C.lg_sock_addr_new()
	if p == nil {
		return nil, unix.ENOMEM
	}
	p.ss.ss_family = C.sa_family_t(family)
	p.len = C.socklen_t(length)
	return &Sockaddr{c: p}, nil
}

// NewSockaddr builds a socket address from Python liburing's
// sockaddr(family, addr, port, scope_id) arguments. AF_INET and AF_INET6 take
// a numeric address as inet_pton(3) parses it (no names, no zones: the scope
// goes in scopeID), AF_UNIX a path of 1 to 108 bytes (a leading NUL byte or
// "@" makes it an abstract name); port is in host byte order. AF_UNSPEC (0)
// gives an empty address with room for any family, to receive one from
// PrepAccept or Getpeername; addr, port and scopeID are then ignored. Bad
// arguments fail with an error wrapping unix.EINVAL (Python's ValueError),
// another family with unix.EAFNOSUPPORT (Python's NotImplementedError).
func NewSockaddr(family int, addr string, port uint16, scopeID uint32) (*Sockaddr, error) {
	switch family {
	case unix.AF_UNSPEC:
		return newSockaddr(unix.AF_UNSPEC, sockaddrCap)
	case unix.AF_UNIX:
		return NewSockaddrUnix(addr)
	case unix.AF_INET:
		var ip [4]byte
		if err := inetPton(unix.AF_INET, addr, ip[:]); err != nil {
			return nil, err
		}
		return NewSockaddrInet4(ip, port)
	case unix.AF_INET6:
		var ip [16]byte
		if err := inetPton(unix.AF_INET6, addr, ip[:]); err != nil {
			return nil, err
		}
		return NewSockaddrInet6(ip, port, scopeID)
	}
	return nil, fmt.Errorf("liburing: sockaddr(%s) is not supported: %w", familyName(family), unix.EAFNOSUPPORT)
}

// inetPton parses a numeric address of the family into dst with libc's
// inet_pton, which is what Python liburing accepts.
func inetPton(family int, addr string, dst []byte) error {
	if addr == "" {
		return sockaddrError(family, "addr not provided")
	}
	if strings.IndexByte(addr, 0) >= 0 {
		return sockaddrError(family, "addr %q holds a NUL byte", addr)
	}
	src := append([]byte(addr), 0)
	if C.inet_pton(C.int(family), (*C.char)(unsafe.Pointer(&src[0])), unsafe.Pointer(&dst[0])) != 1 {
		want := "IPv4"
		if family == unix.AF_INET6 {
			want = "IPv6"
		}
		return sockaddrError(family, "%q is not a numeric %s address", addr, want)
	}
	return nil
}

// NewSockaddrInet4 builds an AF_INET address (struct sockaddr_in) from ip and
// a port in host byte order: Python liburing's sockaddr(AF_INET, addr, port)
// with the address already parsed.
func NewSockaddrInet4(ip [4]byte, port uint16) (*Sockaddr, error) {
	sa, err := newSockaddr(unix.AF_INET, unix.SizeofSockaddrInet4)
	if err != nil {
		return nil, err
	}
	raw := sa.RawInet4()
	raw.Port = htons(port)
	raw.Addr = ip
	return sa, nil
}

// NewSockaddrInet6 builds an AF_INET6 address (struct sockaddr_in6) from ip,
// a port in host byte order and a scope id (interface index); flowinfo is 0.
// It is Python liburing's sockaddr(AF_INET6, addr, port, scope_id) with the
// address already parsed.
func NewSockaddrInet6(ip [16]byte, port uint16, scopeID uint32) (*Sockaddr, error) {
	sa, err := newSockaddr(unix.AF_INET6, unix.SizeofSockaddrInet6)
	if err != nil {
		return nil, err
	}
	raw := sa.RawInet6()
	raw.Port = htons(port)
	raw.Addr = ip
	raw.Scope_id = scopeID
	return sa, nil
}

// NewSockaddrUnix builds an AF_UNIX address (struct sockaddr_un), Python
// liburing's sockaddr(AF_UNIX, path), whose length covers the path and its
// NUL rather than the whole struct. A path that starts with "@" or a NUL
// byte is an abstract name (the "@" becomes the NUL, as in package net) and
// its length is exact; any other path is a file name of at most 108 bytes
// without NUL bytes.
func NewSockaddrUnix(path string) (*Sockaddr, error) {
	switch {
	case path == "":
		return nil, sockaddrError(unix.AF_UNIX, "addr not provided")
	case len(path) > unixPathMax:
		return nil, sockaddrError(unix.AF_UNIX, "path of %d bytes is longer than %d", len(path), unixPathMax)
	}
	abstract := path[0] == '@' || path[0] == 0
	if !abstract && strings.IndexByte(path, 0) >= 0 {
		return nil, sockaddrError(unix.AF_UNIX, "path %q holds a NUL byte", path)
	}
	length := unixPathOff + len(path)
	if !abstract && len(path) < unixPathMax {
		length++ // the terminating NUL
	}
	sa, err := newSockaddr(unix.AF_UNIX, length)
	if err != nil {
		return nil, err
	}
	raw := sa.RawUnix()
	for i := 0; i < len(path); i++ {
		raw.Path[i] = int8(path[i])
	}
	if abstract {
		raw.Path[0] = 0
	}
	return sa, nil
}

// NewSockaddrAddrPort (no Python counterpart: a conversion from package
// net/netip) builds an AF_INET address for an IPv4 ap and an
// AF_INET6 address for an IPv6 one (an IPv4-mapped IPv6 address stays
// AF_INET6). A zone is an interface name or a numeric scope id.
func NewSockaddrAddrPort(ap netip.AddrPort) (*Sockaddr, error) {
	ip := ap.Addr()
	switch {
	case ip.Is4():
		return NewSockaddrInet4(ip.As4(), ap.Port())
	case ip.Is6():
		scope, err := zoneToScope(ip.Zone())
		if err != nil {
			return nil, err
		}
		return NewSockaddrInet6(ip.As16(), ap.Port(), scope)
	}
	return nil, fmt.Errorf("liburing: sockaddr from invalid netip.AddrPort: %w", unix.EINVAL)
}

// zoneToScope turns an IPv6 zone into a scope id: a number as is, a name by
// looking up the interface.
func zoneToScope(zone string) (uint32, error) {
	if zone == "" {
		return 0, nil
	}
	if n, err := strconv.ParseUint(zone, 10, 32); err == nil {
		return uint32(n), nil
	}
	ifi, err := net.InterfaceByName(zone)
	if err != nil {
		return 0, fmt.Errorf("liburing: sockaddr zone %q: %w", zone, err)
	}
	return uint32(ifi.Index), nil
}

// NewSockaddrNetAddr (no Python counterpart: a conversion from package net)
// builds the socket address of a *net.TCPAddr,
// *net.UDPAddr, *net.IPAddr (port 0) or *net.UnixAddr. net.IP does not tell
// IPv4 from IPv4-mapped IPv6, so an IPv4 address always gives AF_INET.
func NewSockaddrNetAddr(a net.Addr) (*Sockaddr, error) {
	switch a := a.(type) {
	case *net.TCPAddr:
		return sockaddrFromIP(a.IP, a.Port, a.Zone)
	case *net.UDPAddr:
		return sockaddrFromIP(a.IP, a.Port, a.Zone)
	case *net.IPAddr:
		return sockaddrFromIP(a.IP, 0, a.Zone)
	case *net.UnixAddr:
		return NewSockaddrUnix(a.Name)
	}
	return nil, fmt.Errorf("liburing: sockaddr from %T: %w", a, unix.EAFNOSUPPORT)
}

func sockaddrFromIP(ip net.IP, port int, zone string) (*Sockaddr, error) {
	addr, ok := netip.AddrFromSlice(ip)
	if !ok || port < 0 || port > 0xffff {
		return nil, fmt.Errorf("liburing: sockaddr from IP %v port %d: %w", ip, port, unix.EINVAL)
	}
	addr = addr.Unmap()
	if addr.Is6() {
		addr = addr.WithZone(zone)
	}
	return NewSockaddrAddrPort(netip.AddrPortFrom(addr, uint16(port)))
}

// Close releases the C memory. Only call it once no operation uses the
// address; afterwards the Sockaddr is empty (family AF_UNSPEC, length 0,
// nil pointers). Close on a nil or closed Sockaddr does nothing.
func (sa *Sockaddr) Close() {
	if sa == nil || sa.c == nil {
		return
	}
	C.free(unsafe.Pointer(sa.c))
	sa.c = nil
}

// Ptr is the address (struct sockaddr *, in C memory) to pass to PrepConnect,
// PrepAccept, PrepSendto and the like; nil for a nil or closed Sockaddr.
func (sa *Sockaddr) Ptr() *unix.RawSockaddrAny {
	if sa == nil || sa.c == nil {
		return nil
	}
	return (*unix.RawSockaddrAny)(unsafe.Pointer(&sa.c.ss))
}

// LenPtr is the address length (socklen_t *, in C memory) that PrepAccept
// and its variants hand the kernel to read the room and write the length
// back; nil for a nil or closed Sockaddr.
func (sa *Sockaddr) LenPtr() *uint32 {
	if sa == nil || sa.c == nil {
		return nil
	}
	return (*uint32)(unsafe.Pointer(&sa.c.len))
}

// Len is the address length in bytes: the size of the family's struct for a
// built address, what the kernel wrote after accept or getpeername; 0 for a
// nil or closed Sockaddr.
func (sa *Sockaddr) Len() uint32 {
	if sa == nil || sa.c == nil {
		return 0
	}
	return uint32(sa.c.len)
}

// Family is the address family (Python liburing's sockaddr.family):
// AF_INET, AF_INET6, AF_UNIX, or AF_UNSPEC for an empty or closed address.
func (sa *Sockaddr) Family() int {
	if sa == nil || sa.c == nil {
		return unix.AF_UNSPEC
	}
	return int(sa.c.ss.ss_family)
}

// RawInet4 is the struct sockaddr_in of an AF_INET address, in C memory, with
// Port and Addr in network byte order (the fields of Python liburing's
// sockaddr._test); nil for any other family.
func (sa *Sockaddr) RawInet4() *unix.RawSockaddrInet4 {
	if sa.Family() != unix.AF_INET {
		return nil
	}
	return (*unix.RawSockaddrInet4)(unsafe.Pointer(&sa.c.ss))
}

// RawInet6 is the struct sockaddr_in6 of an AF_INET6 address, in C memory,
// with Port in network byte order; nil for any other family.
func (sa *Sockaddr) RawInet6() *unix.RawSockaddrInet6 {
	if sa.Family() != unix.AF_INET6 {
		return nil
	}
	return (*unix.RawSockaddrInet6)(unsafe.Pointer(&sa.c.ss))
}

// RawUnix is the struct sockaddr_un of an AF_UNIX address, in C memory; nil
// for any other family.
func (sa *Sockaddr) RawUnix() *unix.RawSockaddrUnix {
	if sa.Family() != unix.AF_UNIX {
		return nil
	}
	return (*unix.RawSockaddrUnix)(unsafe.Pointer(&sa.c.ss))
}

// errNotInet is returned when an IP address is asked of another family.
var errNotInet = errors.New("liburing: sockaddr is not AF_INET or AF_INET6")

// AddrPort returns an AF_INET or AF_INET6 address as a netip.AddrPort; a
// non-zero scope id becomes a numeric zone. (Python liburing's sockaddr had
// no (host, port) accessor, only a TODO; Getnameinfo is its way.) Other families fail with an
// error wrapping unix.EAFNOSUPPORT.
func (sa *Sockaddr) AddrPort() (netip.AddrPort, error) {
	if raw := sa.RawInet4(); raw != nil {
		return netip.AddrPortFrom(netip.AddrFrom4(raw.Addr), ntohs(raw.Port)), nil
	}
	if raw := sa.RawInet6(); raw != nil {
		ip := netip.AddrFrom16(raw.Addr)
		if raw.Scope_id != 0 {
			ip = ip.WithZone(strconv.FormatUint(uint64(raw.Scope_id), 10))
		}
		return netip.AddrPortFrom(ip, ntohs(raw.Port)), nil
	}
	return netip.AddrPort{}, fmt.Errorf("%w (%s): %w", errNotInet, familyName(sa.Family()), unix.EAFNOSUPPORT)
}

// Path returns the path of an AF_UNIX address, with "@" in front of an
// abstract name and "" for an unnamed socket; other families fail with an
// error wrapping unix.EAFNOSUPPORT.
func (sa *Sockaddr) Path() (string, error) {
	raw := sa.RawUnix()
	if raw == nil {
		return "", fmt.Errorf("liburing: sockaddr is %s, not AF_UNIX: %w", familyName(sa.Family()), unix.EAFNOSUPPORT)
	}
	n := min(max(int(sa.Len())-unixPathOff, 0), unixPathMax)
	b := unsafe.Slice((*byte)(unsafe.Pointer(&raw.Path[0])), n)
	if n > 0 && b[0] == 0 {
		return "@" + string(b[1:]), nil
	}
	if i := strings.IndexByte(string(b), 0); i >= 0 {
		b = b[:i]
	}
	return string(b), nil
}

// NetAddr returns the address as package net sees it for network: a
// *net.TCPAddr for "tcp", "tcp4", "tcp6", a *net.UDPAddr for "udp"...,
// a *net.IPAddr for "ip"..., a *net.UnixAddr for "unix", "unixgram",
// "unixpacket". A network that does not fit the family fails with
// unix.EAFNOSUPPORT.
func (sa *Sockaddr) NetAddr(network string) (net.Addr, error) {
	if sa.Family() == unix.AF_UNIX {
		switch network {
		case "unix", "unixgram", "unixpacket":
			path, _ := sa.Path()
			return &net.UnixAddr{Name: path, Net: network}, nil
		}
	} else if ap, err := sa.AddrPort(); err == nil {
		switch strings.TrimRight(network, "46") {
		case "tcp":
			return net.TCPAddrFromAddrPort(ap), nil
		case "udp":
			return net.UDPAddrFromAddrPort(ap), nil
		case "ip":
			return &net.IPAddr{IP: ap.Addr().AsSlice(), Zone: ap.Addr().Zone()}, nil
		}
	}
	return nil, fmt.Errorf("liburing: %s address for network %q: %w", familyName(sa.Family()), network, unix.EAFNOSUPPORT)
}

// String formats the address as "127.0.0.1:80", "[::1]:80" or the AF_UNIX
// path; an empty address is "AF_UNSPEC".
func (sa *Sockaddr) String() string {
	if ap, err := sa.AddrPort(); err == nil {
		return ap.String()
	}
	if path, err := sa.Path(); err == nil {
		return path
	}
	return familyName(sa.Family())
}

// resetLen gives the kernel the whole storage to write an address into.
func (sa *Sockaddr) resetLen() {
	if sa != nil && sa.c != nil {
		sa.c.len = sockaddrCap
	}
}

// PrepAccept calls PrepAccept with the address and its length: the peer
// address lands here when the connection arrives (Python liburing's
// io_uring_prep_accept(sqe, fd, addr, flags)). It first resets the length to
// the full storage, so a peer of any family fits. A nil Sockaddr passes NULL
// (no peer address wanted). sa must stay open until completion.
func (sa *Sockaddr) PrepAccept(sqe *SQE, fd int, flags int) {
	sa.resetLen()
	PrepAccept(sqe, fd, sa.Ptr(), sa.LenPtr(), flags)
}

// PrepAcceptDirect calls PrepAcceptDirect as PrepAccept does (Python
// liburing's io_uring_prep_accept_direct(sqe, fd, addr, flags, file_index));
// a nil Sockaddr passes NULL. sa must stay open until completion.
func (sa *Sockaddr) PrepAcceptDirect(sqe *SQE, fd int, flags int, fileIndex uint32) {
	sa.resetLen()
	PrepAcceptDirect(sqe, fd, sa.Ptr(), sa.LenPtr(), flags, fileIndex)
}

// PrepMultishotAccept calls PrepMultishotAccept as PrepAccept does (Python
// liburing's io_uring_prep_multishot_accept(sqe, fd, addr, flags)); every
// connection overwrites the address. A nil Sockaddr passes NULL. sa must
// stay open until the last CQE.
func (sa *Sockaddr) PrepMultishotAccept(sqe *SQE, fd int, flags int) {
	sa.resetLen()
	PrepMultishotAccept(sqe, fd, sa.Ptr(), sa.LenPtr(), flags)
}

// PrepMultishotAcceptDirect calls PrepMultishotAcceptDirect as PrepAccept
// does (Python liburing's io_uring_prep_multishot_accept_direct). A nil
// Sockaddr passes NULL. sa must stay open until the last CQE.
func (sa *Sockaddr) PrepMultishotAcceptDirect(sqe *SQE, fd int, flags int) {
	sa.resetLen()
	PrepMultishotAcceptDirect(sqe, fd, sa.Ptr(), sa.LenPtr(), flags)
}

// PrepConnect calls PrepConnect with the address and its length (Python
// liburing's io_uring_prep_connect(sqe, fd, addr)). sa must stay open until
// submit.
func (sa *Sockaddr) PrepConnect(sqe *SQE, fd int) {
	PrepConnect(sqe, fd, sa.Ptr(), sa.Len())
}

// PrepSendto calls PrepSendto with the address as destination (Python
// liburing's io_uring_prep_sendto(sqe, sockfd, buf, len, addr, flags)). buf
// and sa must stay valid until completion.
func (sa *Sockaddr) PrepSendto(sqe *SQE, sockfd int, buf unsafe.Pointer, length uint64, flags int) {
	PrepSendto(sqe, sockfd, buf, length, flags, sa.Ptr(), sa.Len())
}

// PrepSendSetAddr calls PrepSendSetAddr with the address (Python liburing's
// io_uring_prep_send_set_addr(sqe, dest_addr)). sa must stay open until
// completion.
func (sa *Sockaddr) PrepSendSetAddr(sqe *SQE) {
	PrepSendSetAddr(sqe, sa.Ptr(), uint16(sa.Len()))
}

// htons and ntohs convert a port between host and network byte order.
func htons(port uint16) uint16 {
	var b [2]byte
	b[0], b[1] = byte(port>>8), byte(port)
	return *(*uint16)(unsafe.Pointer(&b[0]))
}

func ntohs(port uint16) uint16 {
	b := (*[2]byte)(unsafe.Pointer(&port))
	return uint16(b[0])<<8 | uint16(b[1])
}
