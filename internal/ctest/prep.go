//go:build linux && cgo

package ctest

/*
#include <stdint.h>
#include <liburing.h>

typedef unsigned long long ct_u64;

// CT_PREPS lists every prep helper of liburing 2.6 (and the three SQE
// setters) as (name, call). A call takes its integer arguments from v[] and
// its pointers from P(i), and relies on C's own implicit conversions from
// the 64-bit raw values to each parameter's type: that is the oracle the Go
// wrappers are compared with.
#define P(i) ((void *)(uintptr_t)p[i])
#define CT_PREPS(X) \
	X(nop, io_uring_prep_nop(sqe)) \
	X(rw, io_uring_prep_rw(v[0], sqe, v[1], P(0), v[2], v[3])) \
	X(splice, io_uring_prep_splice(sqe, v[0], v[1], v[2], v[3], v[4], v[5])) \
	X(tee, io_uring_prep_tee(sqe, v[0], v[1], v[2], v[3])) \
	X(readv, io_uring_prep_readv(sqe, v[0], P(0), v[1], v[2])) \
	X(readv2, io_uring_prep_readv2(sqe, v[0], P(0), v[1], v[2], v[3])) \
	X(read_fixed, io_uring_prep_read_fixed(sqe, v[0], P(0), v[1], v[2], v[3])) \
	X(writev, io_uring_prep_writev(sqe, v[0], P(0), v[1], v[2])) \
	X(writev2, io_uring_prep_writev2(sqe, v[0], P(0), v[1], v[2], v[3])) \
	X(write_fixed, io_uring_prep_write_fixed(sqe, v[0], P(0), v[1], v[2], v[3])) \
	X(recvmsg, io_uring_prep_recvmsg(sqe, v[0], P(0), v[1])) \
	X(recvmsg_multishot, io_uring_prep_recvmsg_multishot(sqe, v[0], P(0), v[1])) \
	X(sendmsg, io_uring_prep_sendmsg(sqe, v[0], P(0), v[1])) \
	X(poll_add, io_uring_prep_poll_add(sqe, v[0], v[1])) \
	X(poll_multishot, io_uring_prep_poll_multishot(sqe, v[0], v[1])) \
	X(poll_remove, io_uring_prep_poll_remove(sqe, v[0])) \
	X(poll_update, io_uring_prep_poll_update(sqe, v[0], v[1], v[2], v[3])) \
	X(fsync, io_uring_prep_fsync(sqe, v[0], v[1])) \
	X(timeout, io_uring_prep_timeout(sqe, P(0), v[0], v[1])) \
	X(timeout_remove, io_uring_prep_timeout_remove(sqe, v[0], v[1])) \
	X(timeout_update, io_uring_prep_timeout_update(sqe, P(0), v[0], v[1])) \
	X(accept, io_uring_prep_accept(sqe, v[0], P(0), P(1), v[1])) \
	X(accept_direct, io_uring_prep_accept_direct(sqe, v[0], P(0), P(1), v[1], v[2])) \
	X(multishot_accept, io_uring_prep_multishot_accept(sqe, v[0], P(0), P(1), v[1])) \
	X(multishot_accept_direct, io_uring_prep_multishot_accept_direct(sqe, v[0], P(0), P(1), v[1])) \
	X(cancel64, io_uring_prep_cancel64(sqe, v[0], v[1])) \
	X(cancel, io_uring_prep_cancel(sqe, P(0), v[0])) \
	X(cancel_fd, io_uring_prep_cancel_fd(sqe, v[0], v[1])) \
	X(link_timeout, io_uring_prep_link_timeout(sqe, P(0), v[0])) \
	X(connect, io_uring_prep_connect(sqe, v[0], P(0), v[1])) \
	X(files_update, io_uring_prep_files_update(sqe, P(0), v[0], v[1])) \
	X(fallocate, io_uring_prep_fallocate(sqe, v[0], v[1], v[2], v[3])) \
	X(openat, io_uring_prep_openat(sqe, v[0], P(0), v[1], v[2])) \
	X(openat_direct, io_uring_prep_openat_direct(sqe, v[0], P(0), v[1], v[2], v[3])) \
	X(close, io_uring_prep_close(sqe, v[0])) \
	X(close_direct, io_uring_prep_close_direct(sqe, v[0])) \
	X(read, io_uring_prep_read(sqe, v[0], P(0), v[1], v[2])) \
	X(read_multishot, io_uring_prep_read_multishot(sqe, v[0], v[1], v[2], v[3])) \
	X(write, io_uring_prep_write(sqe, v[0], P(0), v[1], v[2])) \
	X(statx, io_uring_prep_statx(sqe, v[0], P(0), v[1], v[2], P(1))) \
	X(fadvise, io_uring_prep_fadvise(sqe, v[0], v[1], v[2], v[3])) \
	X(madvise, io_uring_prep_madvise(sqe, P(0), v[0], v[1])) \
	X(send, io_uring_prep_send(sqe, v[0], P(0), v[1], v[2])) \
	X(send_set_addr, io_uring_prep_send_set_addr(sqe, P(0), v[0])) \
	X(sendto, io_uring_prep_sendto(sqe, v[0], P(0), v[1], v[2], P(1), v[3])) \
	X(send_zc, io_uring_prep_send_zc(sqe, v[0], P(0), v[1], v[2], v[3])) \
	X(send_zc_fixed, io_uring_prep_send_zc_fixed(sqe, v[0], P(0), v[1], v[2], v[3], v[4])) \
	X(sendmsg_zc, io_uring_prep_sendmsg_zc(sqe, v[0], P(0), v[1])) \
	X(recv, io_uring_prep_recv(sqe, v[0], P(0), v[1], v[2])) \
	X(recv_multishot, io_uring_prep_recv_multishot(sqe, v[0], P(0), v[1], v[2])) \
	X(openat2, io_uring_prep_openat2(sqe, v[0], P(0), P(1))) \
	X(openat2_direct, io_uring_prep_openat2_direct(sqe, v[0], P(0), P(1), v[1])) \
	X(epoll_ctl, io_uring_prep_epoll_ctl(sqe, v[0], v[1], v[2], P(0))) \
	X(provide_buffers, io_uring_prep_provide_buffers(sqe, P(0), v[0], v[1], v[2], v[3])) \
	X(remove_buffers, io_uring_prep_remove_buffers(sqe, v[0], v[1])) \
	X(shutdown, io_uring_prep_shutdown(sqe, v[0], v[1])) \
	X(unlinkat, io_uring_prep_unlinkat(sqe, v[0], P(0), v[1])) \
	X(unlink, io_uring_prep_unlink(sqe, P(0), v[0])) \
	X(renameat, io_uring_prep_renameat(sqe, v[0], P(0), v[1], P(1), v[2])) \
	X(rename, io_uring_prep_rename(sqe, P(0), P(1))) \
	X(sync_file_range, io_uring_prep_sync_file_range(sqe, v[0], v[1], v[2], v[3])) \
	X(mkdirat, io_uring_prep_mkdirat(sqe, v[0], P(0), v[1])) \
	X(mkdir, io_uring_prep_mkdir(sqe, P(0), v[0])) \
	X(symlinkat, io_uring_prep_symlinkat(sqe, P(0), v[0], P(1))) \
	X(symlink, io_uring_prep_symlink(sqe, P(0), P(1))) \
	X(linkat, io_uring_prep_linkat(sqe, v[0], P(0), v[1], P(1), v[2])) \
	X(link, io_uring_prep_link(sqe, P(0), P(1), v[0])) \
	X(msg_ring_cqe_flags, io_uring_prep_msg_ring_cqe_flags(sqe, v[0], v[1], v[2], v[3], v[4])) \
	X(msg_ring, io_uring_prep_msg_ring(sqe, v[0], v[1], v[2], v[3])) \
	X(msg_ring_fd, io_uring_prep_msg_ring_fd(sqe, v[0], v[1], v[2], v[3], v[4])) \
	X(msg_ring_fd_alloc, io_uring_prep_msg_ring_fd_alloc(sqe, v[0], v[1], v[2], v[3])) \
	X(getxattr, io_uring_prep_getxattr(sqe, P(0), P(1), P(2), v[0])) \
	X(setxattr, io_uring_prep_setxattr(sqe, P(0), P(1), P(2), v[0], v[1])) \
	X(fgetxattr, io_uring_prep_fgetxattr(sqe, v[0], P(0), P(1), v[1])) \
	X(fsetxattr, io_uring_prep_fsetxattr(sqe, v[0], P(0), P(1), v[1], v[2])) \
	X(socket, io_uring_prep_socket(sqe, v[0], v[1], v[2], v[3])) \
	X(socket_direct, io_uring_prep_socket_direct(sqe, v[0], v[1], v[2], v[3], v[4])) \
	X(socket_direct_alloc, io_uring_prep_socket_direct_alloc(sqe, v[0], v[1], v[2], v[3])) \
	X(cmd_sock, io_uring_prep_cmd_sock(sqe, v[0], v[1], v[2], v[3], P(0), v[4])) \
	X(waitid, io_uring_prep_waitid(sqe, v[0], v[1], P(0), v[2], v[3])) \
	X(futex_wake, io_uring_prep_futex_wake(sqe, P(0), v[0], v[1], v[2], v[3])) \
	X(futex_wait, io_uring_prep_futex_wait(sqe, P(0), v[0], v[1], v[2], v[3])) \
	X(futex_waitv, io_uring_prep_futex_waitv(sqe, P(0), v[0], v[1])) \
	X(fixed_fd_install, io_uring_prep_fixed_fd_install(sqe, v[0], v[1])) \
	X(ftruncate, io_uring_prep_ftruncate(sqe, v[0], v[1])) \
	X(sqe_set_data, io_uring_sqe_set_data(sqe, P(0))) \
	X(sqe_set_data64, io_uring_sqe_set_data64(sqe, v[0])) \
	X(sqe_set_flags, io_uring_sqe_set_flags(sqe, v[0]))

#define CT_NAME(name, call) #name,
static const char *const ct_prep_names[] = { CT_PREPS(CT_NAME) };

static int ct_prep_count(void)
{
	return sizeof(ct_prep_names) / sizeof(ct_prep_names[0]);
}

static const char *ct_prep_name(int i)
{
	return ct_prep_names[i];
}

#define CT_CASE(name, call) case __COUNTER__ - ct_base: call; return 0;

// ct_prep runs helper number which on sqe; -1 for an unknown number.
static int ct_prep(int which, struct io_uring_sqe *sqe, const ct_u64 *v, const ct_u64 *p)
{
	enum { ct_base = __COUNTER__ + 1 };

	switch (which) {
	CT_PREPS(CT_CASE)
	}
	return -1;
}
*/
import "C"

import "unsafe"

// PrepArgs are the raw arguments of one prep call: integers as 64-bit
// values that each helper's C prototype converts to its parameter types,
// and pointers as addresses (which prep helpers store, never dereference).
type PrepArgs struct {
	V [8]uint64
	P [4]uintptr
}

// PrepNames lists, in order, the liburing helpers PrepC can call: the prep
// helpers without their io_uring_prep_ prefix ("read_fixed") and the SQE
// setters with their sqe_ prefix ("sqe_set_data64").
func PrepNames() []string {
	n := int(C.ct_prep_count())
	names := make([]string, n)
	for i := range names {
		names[i] = C.GoString(C.ct_prep_name(C.int(i)))
	}
	return names
}

// PrepC calls, in C, liburing's helper number which of PrepNames on sqe (a
// struct io_uring_sqe * in C memory) with args. It reports false for an
// unknown number.
func PrepC(which int, sqe unsafe.Pointer, args *PrepArgs) bool {
	v := (*C.ct_u64)(unsafe.Pointer(&args.V[0]))
	p := (*C.ct_u64)(unsafe.Pointer(&args.P[0]))
	return C.ct_prep(C.int(which), (*C.struct_io_uring_sqe)(sqe), v, p) == 0
}
