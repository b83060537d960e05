//go:build linux && cgo

package liburing

/*
#include "liburing_cgo.h"
#include <netdb.h>

// With _GNU_SOURCE, glibc declares the address arguments of bind(2) and
// friends as transparent unions, which cgo cannot build; these take a
// plain struct sockaddr pointer.
static inline int lg_sock_bind(int fd, const struct sockaddr *sa, socklen_t len)
{
	return bind(fd, sa, len);
}

static inline int lg_sock_name(int peer, int fd, struct sockaddr *sa, socklen_t *len)
{
	return peer ? getpeername(fd, sa, len) : getsockname(fd, sa, len);
}
*/
import "C"

import (
	"fmt"
	"strconv"
	"strings"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Python liburing's socket_extra module: synchronous libc socket calls that
// go with Sockaddr (no io_uring involved), and its socket option and epoll
// helpers for the socket and poll prep calls.

// getaddrinfo(3) flags (ai_flags) and getnameinfo(3) flags (Python
// liburing's __extra_define__ constants), getnameinfo's buffer sizes, and
// the EAI_* codes of GaiError (negative, as glibc defines them; Python
// liburing did not export them).
const (
	AI_PASSIVE     = C.AI_PASSIVE
	AI_CANONNAME   = C.AI_CANONNAME
	AI_NUMERICHOST = C.AI_NUMERICHOST
	AI_V4MAPPED    = C.AI_V4MAPPED
	AI_ALL         = C.AI_ALL
	AI_ADDRCONFIG  = C.AI_ADDRCONFIG
	AI_IDN         = C.AI_IDN
	AI_CANONIDN    = C.AI_CANONIDN
	AI_NUMERICSERV = C.AI_NUMERICSERV

	NI_NUMERICHOST = C.NI_NUMERICHOST
	NI_NUMERICSERV = C.NI_NUMERICSERV
	NI_NOFQDN      = C.NI_NOFQDN
	NI_NAMEREQD    = C.NI_NAMEREQD
	NI_DGRAM       = C.NI_DGRAM
	NI_IDN         = C.NI_IDN
	NI_MAXHOST     = C.NI_MAXHOST
	NI_MAXSERV     = C.NI_MAXSERV

	EAI_BADFLAGS = C.EAI_BADFLAGS
	EAI_NONAME   = C.EAI_NONAME
	EAI_AGAIN    = C.EAI_AGAIN
	EAI_FAIL     = C.EAI_FAIL
	EAI_FAMILY   = C.EAI_FAMILY
	EAI_SOCKTYPE = C.EAI_SOCKTYPE
	EAI_SERVICE  = C.EAI_SERVICE
	EAI_MEMORY   = C.EAI_MEMORY
	EAI_SYSTEM   = C.EAI_SYSTEM
	EAI_OVERFLOW = C.EAI_OVERFLOW
)

// GaiError is a failure of Getaddrinfo or Getnameinfo: Code is the EAI_*
// value and the message is gai_strerror(3)'s. Python liburing raised
// OSError(abs(code), message) instead, mixing EAI codes with errno values.
// For EAI_SYSTEM, Errno holds the errno and Unwrap returns it.
type GaiError struct {
	Func  string // "getaddrinfo" or "getnameinfo"
	Code  int    // EAI_*
	Errno unix.Errno
	msg   string
}

func newGaiError(fn string, code C.int, errno error) *GaiError {
	e := &GaiError{Func: fn, Code: int(code), msg: C.GoString(C.gai_strerror(code))}
	if code == C.EAI_SYSTEM {
		if en, ok := errno.(syscall.Errno); ok {
			e.Errno = en
		}
	}
	return e
}

func (e *GaiError) Error() string {
	if e.Errno != 0 {
		return fmt.Sprintf("%s: %s: %v", e.Func, e.msg, e.Errno)
	}
	return e.Func + ": " + e.msg
}

// Unwrap returns the errno of an EAI_SYSTEM failure, else nil.
func (e *GaiError) Unwrap() error {
	if e.Errno == 0 {
		return nil
	}
	return e.Errno
}

// AddrInfo is one result of Getaddrinfo (one tuple of Python liburing's
// getaddrinfo iterator). Addr is a copy in C memory owned by the AddrInfos
// it came in.
type AddrInfo struct {
	Family    int
	Socktype  int
	Protocol  int
	Canonname string // "" unless AI_CANONNAME asked for it (first result)
	Addr      *Sockaddr
}

// AddrInfos is the list Getaddrinfo returns (Python liburing's getaddrinfo
// object, which freed its list when collected); Close releases its
// addresses.
type AddrInfos []AddrInfo

// Close releases every address of the list (AddrInfo.Addr.Close); only call
// it once no operation uses them.
func (l AddrInfos) Close() {
	for i := range l {
		l[i].Addr.Close()
	}
}

// cstring copies s into C memory for a libc call: nil for "" when
// emptyIsNull, unix.EINVAL when s holds a NUL byte.
func cstring(s string, emptyIsNull bool) (*C.char, error) {
	if s == "" && emptyIsNull {
		return nil, nil
	}
	if strings.IndexByte(s, 0) >= 0 {
		return nil, unix.EINVAL
	}
	return C.CString(s), nil
}

// Getaddrinfo resolves host and service with getaddrinfo(3) and the given
// hints (Python liburing's getaddrinfo(host, port_service, family, type,
// proto, flags) class). An empty host or service is passed as NULL. It
// returns every result, in libc's order, with its address copied into C
// memory; Close the list when done. Pass AI_NUMERICHOST (and
// AI_NUMERICSERV) to make sure no name service is asked. A failure is a
// *GaiError.
func Getaddrinfo(host, service string, family, socktype, protocol, flags int) (AddrInfos, error) {
	chost, err := cstring(host, true)
	if err != nil {
		return nil, fmt.Errorf("liburing: getaddrinfo host %q: %w", host, err)
	}
	defer C.free(unsafe.Pointer(chost))
	cserv, err := cstring(service, true)
	if err != nil {
		return nil, fmt.Errorf("liburing: getaddrinfo service %q: %w", service, err)
	}
	defer C.free(unsafe.Pointer(cserv))

	var hints C.struct_addrinfo
	hints.ai_family = C.int(family)
	hints.ai_socktype = C.int(socktype)
	hints.ai_protocol = C.int(protocol)
	hints.ai_flags = C.int(flags)
	var res *C.struct_addrinfo
	rc, errno := C.getaddrinfo(chost, cserv, &hints, &res)
	if rc != 0 {
		return nil, newGaiError("getaddrinfo", rc, errno)
	}
	defer C.freeaddrinfo(res)

	var list AddrInfos
	for ai := res; ai != nil; ai = ai.ai_next {
		sa, err := sockaddrCopy(unsafe.Pointer(ai.ai_addr), int(ai.ai_addrlen))
		if err != nil {
			list.Close()
			return nil, err
		}
		info := AddrInfo{Family: int(ai.ai_family), Socktype: int(ai.ai_socktype), Protocol: int(ai.ai_protocol), Addr: sa}
		if ai.ai_canonname != nil {
			info.Canonname = C.GoString(ai.ai_canonname)
		}
		list = append(list, info)
	}
	return list, nil
}

// sockaddrCopy copies n bytes of a C socket address into a new Sockaddr.
func sockaddrCopy(p unsafe.Pointer, n int) (*Sockaddr, error) {
	if n < 0 || n > sockaddrCap {
		return nil, fmt.Errorf("liburing: socket address of %d bytes: %w", n, unix.EINVAL)
	}
	sa, err := newSockaddr(unix.AF_UNSPEC, n)
	if err != nil {
		return nil, err
	}
	if n > 0 {
		copy(unsafe.Slice((*byte)(unsafe.Pointer(sa.Ptr())), n), unsafe.Slice((*byte)(p), n))
	}
	return sa, nil
}

// NameInfo is what Getnameinfo returns: the host and the service, and Port,
// the service as a number when it is all digits (as with NI_NUMERICSERV;
// Python liburing returned an int then), else -1.
type NameInfo struct {
	Host    string
	Service string
	Port    int
}

// Getnameinfo turns addr into a host and a service with getnameinfo(3)
// (Python liburing's getnameinfo(addr, flags)). Without NI_NUMERICHOST and
// NI_NUMERICSERV it may ask the name services. A libc failure is a
// *GaiError; a nil or closed addr fails with unix.EINVAL.
func Getnameinfo(addr *Sockaddr, flags int) (NameInfo, error) {
	if addr.Ptr() == nil {
		return NameInfo{}, fmt.Errorf("liburing: getnameinfo of a nil or closed Sockaddr: %w", unix.EINVAL)
	}
	var host [C.NI_MAXHOST]C.char
	var serv [C.NI_MAXSERV]C.char
	rc, errno := C.getnameinfo((*C.struct_sockaddr)(unsafe.Pointer(addr.Ptr())), C.socklen_t(addr.Len()),
		&host[0], C.socklen_t(len(host)), &serv[0], C.socklen_t(len(serv)), C.int(flags))
	if rc != 0 {
		return NameInfo{}, newGaiError("getnameinfo", rc, errno)
	}
	ni := NameInfo{Host: C.GoString(&host[0]), Service: C.GoString(&serv[0]), Port: -1}
	if isDigits(ni.Service) {
		if p, err := strconv.Atoi(ni.Service); err == nil {
			ni.Port = p
		}
	}
	return ni, nil
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// sysErr turns a failed libc call's errno into the error to return.
func sysErr(errno error) error {
	if errno == nil {
		return unix.EIO
	}
	return errno
}

// Bind binds sockfd to addr with bind(2) (Python liburing's bind(sockfd,
// addr)). A nil or closed addr fails with unix.EINVAL.
func Bind(sockfd int, addr *Sockaddr) error {
	if addr.Ptr() == nil {
		return unix.EINVAL
	}
	if rc, errno := C.lg_sock_bind(C.int(sockfd), (*C.struct_sockaddr)(unsafe.Pointer(addr.Ptr())), C.socklen_t(addr.Len())); rc != 0 {
		return sysErr(errno)
	}
	return nil
}

// Listen marks sockfd as listening with listen(2) (Python liburing's
// listen(sockfd, backlog)).
func Listen(sockfd int, backlog int) error {
	if rc, errno := C.listen(C.int(sockfd), C.int(backlog)); rc != 0 {
		return sysErr(errno)
	}
	return nil
}

// Getpeername writes the address of sockfd's peer into addr with
// getpeername(2) and sets its length (Python liburing's getpeername(sockfd,
// addr)). addr has room for any family, so nothing is cut off. A nil or
// closed addr fails with unix.EINVAL.
func Getpeername(sockfd int, addr *Sockaddr) error {
	return sockName(true, sockfd, addr)
}

// Getsockname writes the address sockfd is bound to into addr with
// getsockname(2) and returns its numeric IP and port (Python liburing's
// getsockname(sockfd, addr) -> (ip, port)). As in Python, addr must be
// AF_INET or AF_INET6: any other family (or a nil or closed addr) fails with
// an error wrapping unix.EAFNOSUPPORT before the system call. The result is
// decoded by the family the kernel reports, which overwrites addr's.
func Getsockname(sockfd int, addr *Sockaddr) (ip string, port int, err error) {
	if f := addr.Family(); f != unix.AF_INET && f != unix.AF_INET6 {
		return "", 0, fmt.Errorf("liburing: getsockname needs an AF_INET or AF_INET6 Sockaddr, not %s: %w", familyName(f), unix.EAFNOSUPPORT)
	}
	if err := sockName(false, sockfd, addr); err != nil {
		return "", 0, err
	}
	ap, err := addr.AddrPort()
	if err != nil {
		return "", 0, err
	}
	return ap.Addr().String(), int(ap.Port()), nil
}

// sockName runs getpeername(2) (peer) or getsockname(2) into addr's
// storage.
func sockName(peer bool, sockfd int, addr *Sockaddr) error {
	if addr.Ptr() == nil {
		return unix.EINVAL
	}
	addr.resetLen()
	sa := (*C.struct_sockaddr)(unsafe.Pointer(addr.Ptr()))
	salen := (*C.socklen_t)(unsafe.Pointer(addr.LenPtr()))
	cpeer := C.int(0)
	if peer {
		cpeer = 1
	}
	if rc, errno := C.lg_sock_name(cpeer, C.int(sockfd), sa, salen); rc != 0 {
		return sysErr(errno)
	}
	return nil
}

// Sockopt is a socket option value in C memory for the socket commands of
// PrepCmdSock (Python liburing's array('i') or array('B') optval): the
// kernel reads it for SOCKET_URING_OP_SETSOCKOPT and writes it for
// SOCKET_URING_OP_GETSOCKOPT after the prep call returns. Close releases it
// once no operation uses it.
type Sockopt struct {
	p unsafe.Pointer
	n int
}

// NewSockoptInt makes an int option value (optlen 4), as Python's
// array('i', [v]).
func NewSockoptInt(v int32) (*Sockopt, error) {
	o, err := newSockopt(4)
	if err != nil {
		return nil, err
	}
	*(*int32)(o.p) = v
	return o, nil
}

// NewSockoptBytes makes an option value holding a copy of b (optlen
// len(b)), as Python's array('B', b); b must not be empty.
func NewSockoptBytes(b []byte) (*Sockopt, error) {
	o, err := newSockopt(len(b))
	if err != nil {
		return nil, err
	}
	copy(o.Bytes(), b)
	return o, nil
}

func newSockopt(n int) (*Sockopt, error) {
	b, err := AllocBuffer(n)
	if err != nil {
		return nil, fmt.Errorf("liburing: socket option value of %d bytes: %w", n, err)
	}
	return &Sockopt{p: unsafe.Pointer(&b[0]), n: n}, nil
}

// Len is the option length in bytes (optlen); 0 after Close.
func (o *Sockopt) Len() int {
	if o == nil || o.p == nil {
		return 0
	}
	return o.n
}

// Ptr is the option value (optval, in C memory); nil after Close.
func (o *Sockopt) Ptr() unsafe.Pointer {
	if o == nil {
		return nil
	}
	return o.p
}

// Bytes is the option value in place (C memory, so it shows what the kernel
// wrote); nil after Close.
func (o *Sockopt) Bytes() []byte {
	if o.Len() == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(o.p), o.n)
}

// Int is the value as a native int32 (its first 4 bytes, zero-extended when
// shorter); 0 after Close.
func (o *Sockopt) Int() int32 {
	var v int32
	copy(unsafe.Slice((*byte)(unsafe.Pointer(&v)), 4), o.Bytes())
	return v
}

// Close releases the C memory; Close on a nil or closed Sockopt does
// nothing.
func (o *Sockopt) Close() {
	if o == nil || o.p == nil {
		return
	}
	C.free(o.p)
	o.p = nil
}

// PrepCmdSock calls PrepCmdSock with this value and its length (Python
// liburing's io_uring_prep_cmd_sock(sqe, cmd_op, sockfd, level, optname,
// optval)). A nil or closed value fails with an error wrapping unix.EINVAL
// (Python's ValueError for an unsupported array) and leaves sqe alone. The
// value must stay open until completion. Linux 6.7.
func (o *Sockopt) PrepCmdSock(sqe *SQE, cmdOp int, sockfd int, level int, optname int) error {
	if o.Len() == 0 {
		return fmt.Errorf("liburing: socket command with a nil or closed Sockopt: %w", unix.EINVAL)
	}
	PrepCmdSock(sqe, cmdOp, sockfd, level, optname, o.p, o.n)
	return nil
}

// PrepSetsockopt prepares setsockopt(sockfd, level, optname, value) as a
// SOCKET_URING_OP_SETSOCKOPT socket command (Python liburing's
// io_uring_prep_setsockopt); the CQE's res is 0 on success. Errors as
// PrepCmdSock. Linux 6.7.
func (o *Sockopt) PrepSetsockopt(sqe *SQE, sockfd int, level int, optname int) error {
	return o.PrepCmdSock(sqe, SOCKET_URING_OP_SETSOCKOPT, sockfd, level, optname)
}

// PrepGetsockopt prepares getsockopt(sockfd, level, optname) into this value
// as a SOCKET_URING_OP_GETSOCKOPT socket command (Python liburing's
// io_uring_prep_getsockopt); the CQE's res is the length the kernel wrote.
// Errors as PrepCmdSock. Linux 6.7.
func (o *Sockopt) PrepGetsockopt(sqe *SQE, sockfd int, level int, optname int) error {
	return o.PrepCmdSock(sqe, SOCKET_URING_OP_GETSOCKOPT, sockfd, level, optname)
}

// EpollEvent is one struct epoll_event in C memory for PrepEpollCtl, which
// the kernel reads at submit time (Python liburing's epoll_event class,
// which there was an empty stub). Close releases it once submitted.
type EpollEvent struct {
	c *C.struct_epoll_event
}

// NewEpollEvent makes an epoll_event with the EPOLL* events mask and fd as
// its data (Ptr().Fd; set Ptr() fields for other data).
func NewEpollEvent(events uint32, fd int32) (*EpollEvent, error) {
	p := C.calloc(1, C.sizeof_struct_epoll_event)
	if p == nil {
		return nil, unix.ENOMEM
	}
	ev := &EpollEvent{c: (*C.struct_epoll_event)(p)}
	raw := ev.Ptr()
	raw.Events = events
	raw.Fd = fd
	return ev, nil
}

// Ptr is the event (in C memory); nil for a nil or closed EpollEvent.
func (ev *EpollEvent) Ptr() *unix.EpollEvent {
	if ev == nil {
		return nil
	}
	return (*unix.EpollEvent)(unsafe.Pointer(ev.c))
}

// Close releases the C memory; Close on a nil or closed EpollEvent does
// nothing.
func (ev *EpollEvent) Close() {
	if ev == nil || ev.c == nil {
		return
	}
	C.free(unsafe.Pointer(ev.c))
	ev.c = nil
}

// PrepEpollCtl calls PrepEpollCtl with this event (Python liburing's
// io_uring_prep_epoll_ctl(sqe, epfd, fd, op, ev)); a nil EpollEvent passes
// NULL, as EPOLL_CTL_DEL wants. The event must stay open until submit.
func (ev *EpollEvent) PrepEpollCtl(sqe *SQE, epfd int, fd int, op int) {
	PrepEpollCtl(sqe, epfd, fd, op, ev.Ptr())
}
