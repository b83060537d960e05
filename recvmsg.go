//go:build linux && cgo

package liburing

/*
#include "liburing_cgo.h"
*/
import "C"

import (
	"math"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Multishot recvmsg (IORING_OP_RECVMSG with IORING_RECV_MULTISHOT and a
// provided buffer, Linux 6.0) writes each message into one buffer as: a
// RecvmsgOut header, msgh.Namelen bytes reserved for the source address,
// msgh.Controllen bytes reserved for control messages, then the payload. The
// msghdr given to these helpers is the one the request was prepared with;
// only its Namelen and Controllen are read, so it may live anywhere. The
// returned pointers point into the buffer and are valid as long as it is.
// All of them return nil (or 0) for nil arguments instead of crashing, and
// the validation and the cmsg walk also refuse sizes that no kernel writes
// (where liburing's arithmetic would wrap or leave the buffer).

// c returns the header as the C type for cgo calls.
func (o *RecvmsgOut) c() *C.struct_io_uring_recvmsg_out {
	return (*C.struct_io_uring_recvmsg_out)(unsafe.Pointer(o))
}

// recvmsgSizes copies the two fields the recvmsg helpers read from msgh into
// a C msghdr free of Go pointers, so that cgo's pointer rules hold whatever
// msgh's Name, Iov and Control point to.
func recvmsgSizes(msgh *unix.Msghdr) *C.struct_msghdr {
	m := new(C.struct_msghdr)
	m.msg_namelen = C.socklen_t(msgh.Namelen)
	m.msg_controllen = C.size_t(msgh.Controllen)
	return m
}

// RecvmsgValidate wraps io_uring_recvmsg_validate: buf (bufLen bytes, the
// CQE's res) as a RecvmsgOut, or nil when it is too short to hold the
// header and the name and control areas that msgh reserves. A Controllen
// larger than any buffer length is refused too (liburing's sum would wrap
// and accept it). Linux 6.0.
func RecvmsgValidate(buf unsafe.Pointer, bufLen int, msgh *unix.Msghdr) *RecvmsgOut {
	if buf == nil || msgh == nil || msgh.Controllen > math.MaxInt32 {
		return nil
	}
	return (*RecvmsgOut)(unsafe.Pointer(C.io_uring_recvmsg_validate(buf, C.int(bufLen), recvmsgSizes(msgh))))
}

// RecvmsgName wraps io_uring_recvmsg_name: the start of the source address
// area, right after the header; o.Namelen bytes of it are the address the
// kernel wrote (as a RawSockaddrAny prefix). Linux 6.0.
func RecvmsgName(o *RecvmsgOut) unsafe.Pointer {
	if o == nil {
		return nil
	}
	return C.io_uring_recvmsg_name(o.c())
}

// RecvmsgCmsgFirsthdr wraps io_uring_recvmsg_cmsg_firsthdr: the first control
// message, or nil when the kernel wrote less than one cmsghdr
// (o.Controllen), or when o.Controllen exceeds the control area msgh
// reserves (no kernel writes that; liburing would walk past the area).
// Linux 6.0.
func RecvmsgCmsgFirsthdr(o *RecvmsgOut, msgh *unix.Msghdr) *unix.Cmsghdr {
	if o == nil || msgh == nil || uint64(o.Controllen) > msgh.Controllen {
		return nil
	}
	return (*unix.Cmsghdr)(unsafe.Pointer(C.io_uring_recvmsg_cmsg_firsthdr(o.c(), recvmsgSizes(msgh))))
}

// RecvmsgCmsgNexthdr wraps io_uring_recvmsg_cmsg_nexthdr: the control message
// after cmsg, or nil when cmsg is the last one that fits in the o.Controllen
// bytes the kernel wrote. It is nil as well for a cmsg.Len longer than those
// bytes or an o.Controllen beyond msgh's control area, which no kernel
// writes (liburing's pointer arithmetic would wrap). Linux 6.0.
func RecvmsgCmsgNexthdr(o *RecvmsgOut, msgh *unix.Msghdr, cmsg *unix.Cmsghdr) *unix.Cmsghdr {
	if o == nil || msgh == nil || cmsg == nil || uint64(o.Controllen) > msgh.Controllen || cmsg.Len > uint64(o.Controllen) {
		return nil
	}
	next := C.io_uring_recvmsg_cmsg_nexthdr(o.c(), recvmsgSizes(msgh), (*C.struct_cmsghdr)(unsafe.Pointer(cmsg)))
	return (*unix.Cmsghdr)(unsafe.Pointer(next))
}

// RecvmsgPayload wraps io_uring_recvmsg_payload: the start of the payload,
// after the name and control areas that msgh reserves. Linux 6.0.
func RecvmsgPayload(o *RecvmsgOut, msgh *unix.Msghdr) unsafe.Pointer {
	if o == nil || msgh == nil {
		return nil
	}
	return C.io_uring_recvmsg_payload(o.c(), recvmsgSizes(msgh))
}

// RecvmsgPayloadLength wraps io_uring_recvmsg_payload_length: how many
// payload bytes a buffer of bufLen bytes (the CQE's res) holds. Use it on a
// RecvmsgValidate result (for a shorter bufLen the C arithmetic wraps).
// o.Payloadlen is what the socket's recvmsg returned: the bytes received, or
// a datagram's full length when the request had MSG_TRUNC in its msg_flags;
// MSG_TRUNC in o.Flags marks a datagram cut short. Linux 6.0.
func RecvmsgPayloadLength(o *RecvmsgOut, bufLen int, msgh *unix.Msghdr) uint32 {
	if o == nil || msgh == nil {
		return 0
	}
	return uint32(C.io_uring_recvmsg_payload_length(o.c(), C.int(bufLen), recvmsgSizes(msgh)))
}
