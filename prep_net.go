//go:build linux && cgo

package liburing

/*
#include "liburing_cgo.h"
*/
import "C"

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// Socket prep helpers. Pointer arguments are stored in the SQE, not read by
// the call, so nil is passed on as NULL wherever the kernel accepts it (for
// example accept without a peer address). The memory behind them must be C
// memory (AllocBuffer, Iovec) or pinned Go memory for as long as each helper
// says; a unix.Msghdr holds pointers itself, so it and everything it points
// to follow that rule. A nil sqe is ignored.

func csockaddr(p *unix.RawSockaddrAny) *C.struct_sockaddr {
	return (*C.struct_sockaddr)(unsafe.Pointer(p))
}

func cmsghdr(p *unix.Msghdr) *C.struct_msghdr {
	return (*C.struct_msghdr)(unsafe.Pointer(p))
}

func csocklen(p *uint32) *C.socklen_t {
	return (*C.socklen_t)(unsafe.Pointer(p))
}

// PrepAccept wraps io_uring_prep_accept: accept4(fd, addr, addrlen, flags);
// the CQE's res is the new connection's fd. addr and addrlen may be nil; if
// not, the kernel reads *addrlen and writes the peer address and its length
// when the connection arrives, so both must stay valid until completion.
// IORING_OP_ACCEPT, Linux 5.5.
func PrepAccept(sqe *SQE, fd int, addr *unix.RawSockaddrAny, addrlen *uint32, flags int) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_accept(sqe.c(), C.int(fd), csockaddr(addr), csocklen(addrlen), C.int(flags))
}

// PrepAcceptDirect wraps io_uring_prep_accept_direct: as PrepAccept, but the
// connection goes into slot fileIndex of the ring's registered file table
// (res 0), or into a free slot with IORING_FILE_INDEX_ALLOC (res is the
// slot); flags may not hold SOCK_CLOEXEC. addr and addrlen must stay valid
// until completion. Linux 5.15;
// IORING_FILE_INDEX_ALLOC since Linux 5.19.
func PrepAcceptDirect(sqe *SQE, fd int, addr *unix.RawSockaddrAny, addrlen *uint32, flags int, fileIndex uint32) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_accept_direct(sqe.c(), C.int(fd), csockaddr(addr), csocklen(addrlen), C.int(flags), C.uint(fileIndex))
}

// PrepMultishotAccept wraps io_uring_prep_multishot_accept: one request that
// posts a CQE (res is the new fd) for every connection while the CQE carries
// IORING_CQE_F_MORE. addr and addrlen, if given, are rewritten for every
// connection and must stay valid until the last CQE. Linux 5.19.
func PrepMultishotAccept(sqe *SQE, fd int, addr *unix.RawSockaddrAny, addrlen *uint32, flags int) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_multishot_accept(sqe.c(), C.int(fd), csockaddr(addr), csocklen(addrlen), C.int(flags))
}

// PrepMultishotAcceptDirect wraps io_uring_prep_multishot_accept_direct: as
// PrepMultishotAccept, but every connection goes into a free slot of the
// registered file table and each CQE's res is that slot. addr and addrlen
// must stay valid until the last CQE. Linux 5.19.
func PrepMultishotAcceptDirect(sqe *SQE, fd int, addr *unix.RawSockaddrAny, addrlen *uint32, flags int) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_multishot_accept_direct(sqe.c(), C.int(fd), csockaddr(addr), csocklen(addrlen), C.int(flags))
}

// PrepConnect wraps io_uring_prep_connect: connect(fd, addr, addrlen). addr
// must stay valid until submit. IORING_OP_CONNECT, Linux 5.5.
func PrepConnect(sqe *SQE, fd int, addr *unix.RawSockaddrAny, addrlen uint32) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_connect(sqe.c(), C.int(fd), csockaddr(addr), C.socklen_t(addrlen))
}

// PrepSend wraps io_uring_prep_send: send(sockfd, buf, length, flags); res
// is the number of bytes sent. buf must stay valid until completion.
// IORING_OP_SEND, Linux 5.6.
func PrepSend(sqe *SQE, sockfd int, buf unsafe.Pointer, length uint64, flags int) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_send(sqe.c(), C.int(sockfd), buf, C.size_t(length), C.int(flags))
}

// PrepSendSetAddr wraps io_uring_prep_send_set_addr: it adds a destination
// address to an SQE already prepared by PrepSend or PrepSendZc, turning it
// into a sendto. destAddr must stay valid until completion. Linux 6.0 for
// IORING_OP_SEND_ZC, Linux 6.1 for IORING_OP_SEND.
func PrepSendSetAddr(sqe *SQE, destAddr *unix.RawSockaddrAny, addrLen uint16) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_send_set_addr(sqe.c(), csockaddr(destAddr), C.__u16(addrLen))
}

// PrepSendto wraps io_uring_prep_sendto: sendto(sockfd, buf, length, flags,
// addr, addrlen); liburing stores addrlen in 16 bits. buf and addr must stay
// valid until completion. IORING_OP_SEND with an address, Linux 6.1.
func PrepSendto(sqe *SQE, sockfd int, buf unsafe.Pointer, length uint64, flags int, addr *unix.RawSockaddrAny, addrlen uint32) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_sendto(sqe.c(), C.int(sockfd), buf, C.size_t(length), C.int(flags), csockaddr(addr), C.socklen_t(addrlen))
}

// PrepSendZc wraps io_uring_prep_send_zc: a zero-copy send with send flags
// and IORING_SEND_ZC_*/IORING_RECVSEND_* zcFlags. It usually completes with
// two CQEs: the result (with IORING_CQE_F_MORE) and later a notification
// with IORING_CQE_F_NOTIF; buf must stay valid until that notification.
// IORING_OP_SEND_ZC, Linux 6.0.
func PrepSendZc(sqe *SQE, sockfd int, buf unsafe.Pointer, length uint64, flags int, zcFlags uint32) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_send_zc(sqe.c(), C.int(sockfd), buf, C.size_t(length), C.int(flags), C.uint(zcFlags))
}

// PrepSendZcFixed wraps io_uring_prep_send_zc_fixed: as PrepSendZc, sending
// from registered buffer bufIndex; buf and length must lie inside that
// buffer, which stays registered until the IORING_CQE_F_NOTIF CQE.
// IORING_OP_SEND_ZC with IORING_RECVSEND_FIXED_BUF, Linux 6.0.
func PrepSendZcFixed(sqe *SQE, sockfd int, buf unsafe.Pointer, length uint64, flags int, zcFlags uint32, bufIndex uint32) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_send_zc_fixed(sqe.c(), C.int(sockfd), buf, C.size_t(length), C.int(flags), C.uint(zcFlags), C.uint(bufIndex))
}

// PrepSendmsgZc wraps io_uring_prep_sendmsg_zc: a zero-copy sendmsg, with
// the result and IORING_CQE_F_NOTIF CQEs of PrepSendZc. msg must stay valid
// until submit and the data it points to until the notification.
// IORING_OP_SENDMSG_ZC, Linux 6.1.
func PrepSendmsgZc(sqe *SQE, fd int, msg *unix.Msghdr, flags uint32) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_sendmsg_zc(sqe.c(), C.int(fd), cmsghdr(msg), C.uint(flags))
}

// PrepSendmsg wraps io_uring_prep_sendmsg: sendmsg(fd, msg, flags). msg must
// stay valid until submit and the buffers it points to until completion.
// IORING_OP_SENDMSG, Linux 5.3.
func PrepSendmsg(sqe *SQE, fd int, msg *unix.Msghdr, flags uint32) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_sendmsg(sqe.c(), C.int(fd), cmsghdr(msg), C.uint(flags))
}

// PrepRecv wraps io_uring_prep_recv: recv(sockfd, buf, length, flags); res
// is the number of bytes received. buf must stay valid until completion
// (or be nil with IOSQE_BUFFER_SELECT and a provided-buffer group in
// BufIndex). IORING_OP_RECV, Linux 5.6.
func PrepRecv(sqe *SQE, sockfd int, buf unsafe.Pointer, length uint64, flags int) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_recv(sqe.c(), C.int(sockfd), buf, C.size_t(length), C.int(flags))
}

// PrepRecvMultishot wraps io_uring_prep_recv_multishot: a recv that posts a
// CQE for every arrival while IORING_CQE_F_MORE is set. The kernel requires
// provided buffers: the caller sets IOSQE_BUFFER_SELECT and the group in
// BufIndex (liburing does not) and usually passes buf nil and length 0.
// Linux 6.0.
func PrepRecvMultishot(sqe *SQE, sockfd int, buf unsafe.Pointer, length uint64, flags int) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_recv_multishot(sqe.c(), C.int(sockfd), buf, C.size_t(length), C.int(flags))
}

// PrepRecvmsg wraps io_uring_prep_recvmsg: recvmsg(fd, msg, flags). msg must
// stay valid until submit; the buffers it points to (iovecs, name, control)
// are written at completion and must stay valid until then.
// IORING_OP_RECVMSG, Linux 5.3.
func PrepRecvmsg(sqe *SQE, fd int, msg *unix.Msghdr, flags uint32) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_recvmsg(sqe.c(), C.int(fd), cmsghdr(msg), C.uint(flags))
}

// PrepRecvmsgMultishot wraps io_uring_prep_recvmsg_multishot: a recvmsg that
// posts a CQE per message while IORING_CQE_F_MORE is set. Each message lands
// in a provided buffer (the caller sets IOSQE_BUFFER_SELECT and the group in
// BufIndex) behind a RecvmsgOut header; msg only gives the name and control
// lengths and must stay valid until submit. Linux 6.0.
func PrepRecvmsgMultishot(sqe *SQE, fd int, msg *unix.Msghdr, flags uint32) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_recvmsg_multishot(sqe.c(), C.int(fd), cmsghdr(msg), C.uint(flags))
}

// PrepShutdown wraps io_uring_prep_shutdown: shutdown(fd, how).
// IORING_OP_SHUTDOWN, Linux 5.11.
func PrepShutdown(sqe *SQE, fd int, how int) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_shutdown(sqe.c(), C.int(fd), C.int(how))
}

// PrepSocket wraps io_uring_prep_socket: socket(domain, typ, protocol); res
// is the new fd. flags is unused by the kernel and must be 0.
// IORING_OP_SOCKET, Linux 5.19.
func PrepSocket(sqe *SQE, domain int, typ int, protocol int, flags uint32) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_socket(sqe.c(), C.int(domain), C.int(typ), C.int(protocol), C.uint(flags))
}

// PrepSocketDirect wraps io_uring_prep_socket_direct: as PrepSocket, but the
// socket goes into slot fileIndex of the registered file table (res 0), or
// into a free slot with IORING_FILE_INDEX_ALLOC (res is the slot).
// IORING_OP_SOCKET, Linux 5.19.
func PrepSocketDirect(sqe *SQE, domain int, typ int, protocol int, fileIndex uint32, flags uint32) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_socket_direct(sqe.c(), C.int(domain), C.int(typ), C.int(protocol), C.uint(fileIndex), C.uint(flags))
}

// PrepSocketDirectAlloc wraps io_uring_prep_socket_direct_alloc: as
// PrepSocketDirect with IORING_FILE_INDEX_ALLOC; res is the slot chosen.
// IORING_OP_SOCKET, Linux 5.19.
func PrepSocketDirectAlloc(sqe *SQE, domain int, typ int, protocol int, flags uint32) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_socket_direct_alloc(sqe.c(), C.int(domain), C.int(typ), C.int(protocol), C.uint(flags))
}

// PrepCmdSock wraps io_uring_prep_cmd_sock: socket command cmdOp
// (SOCKET_URING_OP_SIOCINQ, _SIOCOUTQ, _GETSOCKOPT, _SETSOCKOPT) on fd, with
// the getsockopt/setsockopt arguments level, optname, optval and optlen.
// optval must stay valid until completion. IORING_OP_URING_CMD on a socket,
// Linux 6.7.
func PrepCmdSock(sqe *SQE, cmdOp int, fd int, level int, optname int, optval unsafe.Pointer, optlen int) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_cmd_sock(sqe.c(), C.int(cmdOp), C.int(fd), C.int(level), C.int(optname), optval, C.int(optlen))
}
