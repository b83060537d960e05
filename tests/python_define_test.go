//go:build linux && cgo

// Python liburing 2024.5.3's lib/*_define_test.py constant tests ported to
// Go. Constants come from this package where it defines them and from
// golang.org/x/sys/unix otherwise (statx, socket, splice, rename, fallocate
// and AT_* values). test_socket_extra_define (AI_*/NI_*) belongs with the
// socket_extra layer: neither this package's core nor x/sys/unix defines
// those names.

package tests

import (
	"testing"

	"github.com/liburing-go/liburing"
	"golang.org/x/sys/unix"
)

// pycConst is one constant and the value Python's test asserts.
type pycConst struct {
	name      string
	got, want int64
}

func pycCheckConsts(t *testing.T, consts []pycConst) {
	t.Helper()
	for _, c := range consts {
		if c.got != c.want {
			t.Errorf("%s = %d (%#x), want %d (%#x)", c.name, c.got, c.got, c.want, c.want)
		}
	}
}

// pycBits checks that names[i] == 1<<(first+i).
func pycBits(first int, names []string, values ...int64) []pycConst {
	out := make([]pycConst, len(values))
	for i, v := range values {
		out[i] = pycConst{names[i], v, 1 << (first + i)}
	}
	return out
}

// pycSeq checks that names[i] == first+i.
func pycSeq(first int64, names []string, values ...int64) []pycConst {
	out := make([]pycConst, len(values))
	for i, v := range values {
		out[i] = pycConst{names[i], v, first + int64(i)}
	}
	return out
}

// lib/futex_define_test.py: test_futex_define. Python's FUTEX2_* are 0 when
// its build headers lack futex2 (the test guesses that from the kernel
// being older than 6.7); Go's are always the kernel ABI values.
func TestPython_futex_define(t *testing.T) {
	pycCheckConsts(t, pycSeq(0, []string{"FUTEX_WAIT", "FUTEX_WAKE", "FUTEX_FD", "FUTEX_REQUEUE",
		"FUTEX_CMP_REQUEUE", "FUTEX_WAKE_OP", "FUTEX_LOCK_PI", "FUTEX_UNLOCK_PI", "FUTEX_TRYLOCK_PI",
		"FUTEX_WAIT_BITSET", "FUTEX_WAKE_BITSET", "FUTEX_WAIT_REQUEUE_PI", "FUTEX_CMP_REQUEUE_PI",
		"FUTEX_LOCK_PI2"},
		liburing.FUTEX_WAIT, liburing.FUTEX_WAKE, liburing.FUTEX_FD, liburing.FUTEX_REQUEUE,
		liburing.FUTEX_CMP_REQUEUE, liburing.FUTEX_WAKE_OP, liburing.FUTEX_LOCK_PI, liburing.FUTEX_UNLOCK_PI,
		liburing.FUTEX_TRYLOCK_PI, liburing.FUTEX_WAIT_BITSET, liburing.FUTEX_WAKE_BITSET,
		liburing.FUTEX_WAIT_REQUEUE_PI, liburing.FUTEX_CMP_REQUEUE_PI, liburing.FUTEX_LOCK_PI2))
	pycCheckConsts(t, []pycConst{
		{"FUTEX2_PRIVATE", liburing.FUTEX2_PRIVATE, 128},
		{"FUTEX2_SIZE_U8", liburing.FUTEX2_SIZE_U8, 0},
		{"FUTEX2_SIZE_U16", liburing.FUTEX2_SIZE_U16, 1},
		{"FUTEX2_SIZE_U32", liburing.FUTEX2_SIZE_U32, 2},
		{"FUTEX2_SIZE_U64", liburing.FUTEX2_SIZE_U64, 3},
		{"FUTEX2_NUMA", liburing.FUTEX2_NUMA, 4},
		{"FUTEX2_PRIVATE | FUTEX_WAIT", liburing.FUTEX2_PRIVATE | liburing.FUTEX_WAIT, 128},
		{"FUTEX2_PRIVATE | FUTEX_WAKE", liburing.FUTEX2_PRIVATE | liburing.FUTEX_WAKE, 129},
		{"FUTEX_WAITV_MAX", liburing.FUTEX_WAITV_MAX, 128},
		{"FUTEX_BITSET_MATCH_ANY", liburing.FUTEX_BITSET_MATCH_ANY, 0xffffffff},
	})
}

// lib/io_uring_define_test.py: test_io_uring_defines. The header of the
// linked liburing decides IORING_OP_LAST and IORING_REGISTER_LAST: 56 and
// 29 with liburing 2.6, as Python asserts, and higher with newer releases,
// which know more opcodes.
func TestPython_io_uring_defines(t *testing.T) {
	c := func(name string, got, want int64) pycConst { return pycConst{name, got, want} }
	pycCheckConsts(t, []pycConst{c("IORING_FILE_INDEX_ALLOC", liburing.IORING_FILE_INDEX_ALLOC, 4294967295)})
	pycCheckConsts(t, pycBits(0, []string{"IOSQE_FIXED_FILE", "IOSQE_IO_DRAIN", "IOSQE_IO_LINK",
		"IOSQE_IO_HARDLINK", "IOSQE_ASYNC", "IOSQE_BUFFER_SELECT", "IOSQE_CQE_SKIP_SUCCESS"},
		liburing.IOSQE_FIXED_FILE, liburing.IOSQE_IO_DRAIN, liburing.IOSQE_IO_LINK, liburing.IOSQE_IO_HARDLINK,
		liburing.IOSQE_ASYNC, liburing.IOSQE_BUFFER_SELECT, liburing.IOSQE_CQE_SKIP_SUCCESS))
	pycCheckConsts(t, pycBits(0, []string{"IORING_SETUP_IOPOLL", "IORING_SETUP_SQPOLL",
		"IORING_SETUP_SQ_AFF", "IORING_SETUP_CQSIZE", "IORING_SETUP_CLAMP", "IORING_SETUP_ATTACH_WQ",
		"IORING_SETUP_R_DISABLED", "IORING_SETUP_SUBMIT_ALL", "IORING_SETUP_COOP_TASKRUN",
		"IORING_SETUP_TASKRUN_FLAG", "IORING_SETUP_SQE128", "IORING_SETUP_CQE32",
		"IORING_SETUP_SINGLE_ISSUER", "IORING_SETUP_DEFER_TASKRUN", "IORING_SETUP_NO_MMAP",
		"IORING_SETUP_REGISTERED_FD_ONLY", "IORING_SETUP_NO_SQARRAY"},
		liburing.IORING_SETUP_IOPOLL, liburing.IORING_SETUP_SQPOLL, liburing.IORING_SETUP_SQ_AFF,
		liburing.IORING_SETUP_CQSIZE, liburing.IORING_SETUP_CLAMP, liburing.IORING_SETUP_ATTACH_WQ,
		liburing.IORING_SETUP_R_DISABLED, liburing.IORING_SETUP_SUBMIT_ALL, liburing.IORING_SETUP_COOP_TASKRUN,
		liburing.IORING_SETUP_TASKRUN_FLAG, liburing.IORING_SETUP_SQE128, liburing.IORING_SETUP_CQE32,
		liburing.IORING_SETUP_SINGLE_ISSUER, liburing.IORING_SETUP_DEFER_TASKRUN, liburing.IORING_SETUP_NO_MMAP,
		liburing.IORING_SETUP_REGISTERED_FD_ONLY, liburing.IORING_SETUP_NO_SQARRAY))

	// enum io_uring_op, values 0..55, in Python's (and the header's) order.
	ops := []int64{liburing.IORING_OP_NOP, liburing.IORING_OP_READV, liburing.IORING_OP_WRITEV,
		liburing.IORING_OP_FSYNC, liburing.IORING_OP_READ_FIXED, liburing.IORING_OP_WRITE_FIXED,
		liburing.IORING_OP_POLL_ADD, liburing.IORING_OP_POLL_REMOVE, liburing.IORING_OP_SYNC_FILE_RANGE,
		liburing.IORING_OP_SENDMSG, liburing.IORING_OP_RECVMSG, liburing.IORING_OP_TIMEOUT,
		liburing.IORING_OP_TIMEOUT_REMOVE, liburing.IORING_OP_ACCEPT, liburing.IORING_OP_ASYNC_CANCEL,
		liburing.IORING_OP_LINK_TIMEOUT, liburing.IORING_OP_CONNECT, liburing.IORING_OP_FALLOCATE,
		liburing.IORING_OP_OPENAT, liburing.IORING_OP_CLOSE, liburing.IORING_OP_FILES_UPDATE,
		liburing.IORING_OP_STATX, liburing.IORING_OP_READ, liburing.IORING_OP_WRITE,
		liburing.IORING_OP_FADVISE, liburing.IORING_OP_MADVISE, liburing.IORING_OP_SEND,
		liburing.IORING_OP_RECV, liburing.IORING_OP_OPENAT2, liburing.IORING_OP_EPOLL_CTL,
		liburing.IORING_OP_SPLICE, liburing.IORING_OP_PROVIDE_BUFFERS, liburing.IORING_OP_REMOVE_BUFFERS,
		liburing.IORING_OP_TEE, liburing.IORING_OP_SHUTDOWN, liburing.IORING_OP_RENAMEAT,
		liburing.IORING_OP_UNLINKAT, liburing.IORING_OP_MKDIRAT, liburing.IORING_OP_SYMLINKAT,
		liburing.IORING_OP_LINKAT, liburing.IORING_OP_MSG_RING, liburing.IORING_OP_FSETXATTR,
		liburing.IORING_OP_SETXATTR, liburing.IORING_OP_FGETXATTR, liburing.IORING_OP_GETXATTR,
		liburing.IORING_OP_SOCKET, liburing.IORING_OP_URING_CMD, liburing.IORING_OP_SEND_ZC,
		liburing.IORING_OP_SENDMSG_ZC, liburing.IORING_OP_READ_MULTISHOT, liburing.IORING_OP_WAITID,
		liburing.IORING_OP_FUTEX_WAIT, liburing.IORING_OP_FUTEX_WAKE, liburing.IORING_OP_FUTEX_WAITV,
		liburing.IORING_OP_FIXED_FD_INSTALL, liburing.IORING_OP_FTRUNCATE}
	for i, v := range ops {
		if v != int64(i) {
			t.Errorf("io_uring_op member %d (%s) = %d", i, liburing.OpcodeName(int(v)), v)
		}
	}
	if liburing.MinorVersion() == 6 && liburing.MajorVersion() == 2 {
		pycCheckConsts(t, []pycConst{c("IORING_OP_LAST", liburing.IORING_OP_LAST, 56),
			c("IORING_REGISTER_LAST", liburing.IORING_REGISTER_LAST, 29)})
	} else if liburing.IORING_OP_LAST < 56 || liburing.IORING_REGISTER_LAST < 29 {
		t.Errorf("liburing %s: IORING_OP_LAST %d, IORING_REGISTER_LAST %d", liburing.LiburingVersion(),
			liburing.IORING_OP_LAST, liburing.IORING_REGISTER_LAST)
	}

	pycCheckConsts(t, []pycConst{
		c("IORING_URING_CMD_FIXED", liburing.IORING_URING_CMD_FIXED, 1),
		c("IORING_FSYNC_DATASYNC", liburing.IORING_FSYNC_DATASYNC, 1),
		c("IORING_TIMEOUT_CLOCK_MASK", liburing.IORING_TIMEOUT_CLOCK_MASK,
			liburing.IORING_TIMEOUT_BOOTTIME|liburing.IORING_TIMEOUT_REALTIME),
		c("IORING_TIMEOUT_UPDATE_MASK", liburing.IORING_TIMEOUT_UPDATE_MASK,
			liburing.IORING_TIMEOUT_UPDATE|liburing.IORING_LINK_TIMEOUT_UPDATE),
		c("SPLICE_F_FD_IN_FIXED", liburing.SPLICE_F_FD_IN_FIXED, 1<<31),
		c("IORING_NOTIF_USAGE_ZC_COPIED", liburing.IORING_NOTIF_USAGE_ZC_COPIED, 1<<31),
		c("IORING_ACCEPT_MULTISHOT", liburing.IORING_ACCEPT_MULTISHOT, 1),
		c("IORING_MSG_DATA", liburing.IORING_MSG_DATA, 0),
		c("IORING_MSG_SEND_FD", liburing.IORING_MSG_SEND_FD, 1),
		c("IORING_MSG_RING_CQE_SKIP", liburing.IORING_MSG_RING_CQE_SKIP, 1),
		c("IORING_MSG_RING_FLAGS_PASS", liburing.IORING_MSG_RING_FLAGS_PASS, 2),
		c("IORING_FIXED_FD_NO_CLOEXEC", liburing.IORING_FIXED_FD_NO_CLOEXEC, 1),
		c("IORING_CQE_BUFFER_SHIFT", liburing.IORING_CQE_BUFFER_SHIFT, 16),
		c("IORING_OFF_SQ_RING", liburing.IORING_OFF_SQ_RING, 0),
		c("IORING_OFF_CQ_RING", liburing.IORING_OFF_CQ_RING, 0x8000000),
		c("IORING_OFF_SQES", liburing.IORING_OFF_SQES, 0x10000000),
		c("IORING_OFF_PBUF_RING", liburing.IORING_OFF_PBUF_RING, 0x80000000),
		c("IORING_OFF_PBUF_SHIFT", liburing.IORING_OFF_PBUF_SHIFT, 16),
		c("IORING_OFF_MMAP_MASK", liburing.IORING_OFF_MMAP_MASK, 0xf8000000),
		c("IORING_CQ_EVENTFD_DISABLED", liburing.IORING_CQ_EVENTFD_DISABLED, 1),
		c("IORING_REGISTER_USE_REGISTERED_RING", liburing.IORING_REGISTER_USE_REGISTERED_RING, 2147483648),
		c("IO_WQ_BOUND", liburing.IO_WQ_BOUND, 0),
		c("IO_WQ_UNBOUND", liburing.IO_WQ_UNBOUND, 1),
		c("IORING_RSRC_REGISTER_SPARSE", liburing.IORING_RSRC_REGISTER_SPARSE, 1),
		c("IORING_REGISTER_FILES_SKIP", liburing.IORING_REGISTER_FILES_SKIP, -2),
		c("IO_URING_OP_SUPPORTED", liburing.IO_URING_OP_SUPPORTED, 1),
		c("IOU_PBUF_RING_MMAP", liburing.IOU_PBUF_RING_MMAP, 1),
	})
	pycCheckConsts(t, pycBits(0, []string{"IORING_TIMEOUT_ABS", "IORING_TIMEOUT_UPDATE",
		"IORING_TIMEOUT_BOOTTIME", "IORING_TIMEOUT_REALTIME", "IORING_LINK_TIMEOUT_UPDATE",
		"IORING_TIMEOUT_ETIME_SUCCESS", "IORING_TIMEOUT_MULTISHOT"},
		liburing.IORING_TIMEOUT_ABS, liburing.IORING_TIMEOUT_UPDATE, liburing.IORING_TIMEOUT_BOOTTIME,
		liburing.IORING_TIMEOUT_REALTIME, liburing.IORING_LINK_TIMEOUT_UPDATE,
		liburing.IORING_TIMEOUT_ETIME_SUCCESS, liburing.IORING_TIMEOUT_MULTISHOT))
	pycCheckConsts(t, pycBits(0, []string{"IORING_POLL_ADD_MULTI", "IORING_POLL_UPDATE_EVENTS",
		"IORING_POLL_UPDATE_USER_DATA", "IORING_POLL_ADD_LEVEL"},
		liburing.IORING_POLL_ADD_MULTI, liburing.IORING_POLL_UPDATE_EVENTS,
		liburing.IORING_POLL_UPDATE_USER_DATA, liburing.IORING_POLL_ADD_LEVEL))
	pycCheckConsts(t, pycBits(0, []string{"IORING_ASYNC_CANCEL_ALL", "IORING_ASYNC_CANCEL_FD",
		"IORING_ASYNC_CANCEL_ANY", "IORING_ASYNC_CANCEL_FD_FIXED"},
		liburing.IORING_ASYNC_CANCEL_ALL, liburing.IORING_ASYNC_CANCEL_FD, liburing.IORING_ASYNC_CANCEL_ANY,
		liburing.IORING_ASYNC_CANCEL_FD_FIXED))
	pycCheckConsts(t, pycBits(0, []string{"IORING_RECVSEND_POLL_FIRST", "IORING_RECV_MULTISHOT",
		"IORING_RECVSEND_FIXED_BUF", "IORING_SEND_ZC_REPORT_USAGE"},
		liburing.IORING_RECVSEND_POLL_FIRST, liburing.IORING_RECV_MULTISHOT,
		liburing.IORING_RECVSEND_FIXED_BUF, liburing.IORING_SEND_ZC_REPORT_USAGE))
	pycCheckConsts(t, pycBits(0, []string{"IORING_CQE_F_BUFFER", "IORING_CQE_F_MORE",
		"IORING_CQE_F_SOCK_NONEMPTY", "IORING_CQE_F_NOTIF"},
		liburing.IORING_CQE_F_BUFFER, liburing.IORING_CQE_F_MORE, liburing.IORING_CQE_F_SOCK_NONEMPTY,
		liburing.IORING_CQE_F_NOTIF))
	pycCheckConsts(t, pycBits(0, []string{"IORING_SQ_NEED_WAKEUP", "IORING_SQ_CQ_OVERFLOW",
		"IORING_SQ_TASKRUN"},
		liburing.IORING_SQ_NEED_WAKEUP, liburing.IORING_SQ_CQ_OVERFLOW, liburing.IORING_SQ_TASKRUN))
	pycCheckConsts(t, pycBits(0, []string{"IORING_ENTER_GETEVENTS", "IORING_ENTER_SQ_WAKEUP",
		"IORING_ENTER_SQ_WAIT", "IORING_ENTER_EXT_ARG", "IORING_ENTER_REGISTERED_RING"},
		liburing.IORING_ENTER_GETEVENTS, liburing.IORING_ENTER_SQ_WAKEUP, liburing.IORING_ENTER_SQ_WAIT,
		liburing.IORING_ENTER_EXT_ARG, liburing.IORING_ENTER_REGISTERED_RING))
	pycCheckConsts(t, pycBits(0, []string{"IORING_FEAT_SINGLE_MMAP", "IORING_FEAT_NODROP",
		"IORING_FEAT_SUBMIT_STABLE", "IORING_FEAT_RW_CUR_POS", "IORING_FEAT_CUR_PERSONALITY",
		"IORING_FEAT_FAST_POLL", "IORING_FEAT_POLL_32BITS", "IORING_FEAT_SQPOLL_NONFIXED",
		"IORING_FEAT_EXT_ARG", "IORING_FEAT_NATIVE_WORKERS", "IORING_FEAT_RSRC_TAGS",
		"IORING_FEAT_CQE_SKIP", "IORING_FEAT_LINKED_FILE", "IORING_FEAT_REG_REG_RING"},
		liburing.IORING_FEAT_SINGLE_MMAP, liburing.IORING_FEAT_NODROP, liburing.IORING_FEAT_SUBMIT_STABLE,
		liburing.IORING_FEAT_RW_CUR_POS, liburing.IORING_FEAT_CUR_PERSONALITY, liburing.IORING_FEAT_FAST_POLL,
		liburing.IORING_FEAT_POLL_32BITS, liburing.IORING_FEAT_SQPOLL_NONFIXED, liburing.IORING_FEAT_EXT_ARG,
		liburing.IORING_FEAT_NATIVE_WORKERS, liburing.IORING_FEAT_RSRC_TAGS, liburing.IORING_FEAT_CQE_SKIP,
		liburing.IORING_FEAT_LINKED_FILE, liburing.IORING_FEAT_REG_REG_RING))

	// enum io_uring_register_op, values 0..28 (LAST is checked above).
	pycCheckConsts(t, pycSeq(0, []string{"IORING_REGISTER_BUFFERS", "IORING_UNREGISTER_BUFFERS",
		"IORING_REGISTER_FILES", "IORING_UNREGISTER_FILES", "IORING_REGISTER_EVENTFD",
		"IORING_UNREGISTER_EVENTFD", "IORING_REGISTER_FILES_UPDATE", "IORING_REGISTER_EVENTFD_ASYNC",
		"IORING_REGISTER_PROBE", "IORING_REGISTER_PERSONALITY", "IORING_UNREGISTER_PERSONALITY",
		"IORING_REGISTER_RESTRICTIONS", "IORING_REGISTER_ENABLE_RINGS", "IORING_REGISTER_FILES2",
		"IORING_REGISTER_FILES_UPDATE2", "IORING_REGISTER_BUFFERS2", "IORING_REGISTER_BUFFERS_UPDATE",
		"IORING_REGISTER_IOWQ_AFF", "IORING_UNREGISTER_IOWQ_AFF", "IORING_REGISTER_IOWQ_MAX_WORKERS",
		"IORING_REGISTER_RING_FDS", "IORING_UNREGISTER_RING_FDS", "IORING_REGISTER_PBUF_RING",
		"IORING_UNREGISTER_PBUF_RING", "IORING_REGISTER_SYNC_CANCEL", "IORING_REGISTER_FILE_ALLOC_RANGE",
		"IORING_REGISTER_PBUF_STATUS", "IORING_REGISTER_NAPI", "IORING_UNREGISTER_NAPI"},
		liburing.IORING_REGISTER_BUFFERS, liburing.IORING_UNREGISTER_BUFFERS, liburing.IORING_REGISTER_FILES,
		liburing.IORING_UNREGISTER_FILES, liburing.IORING_REGISTER_EVENTFD, liburing.IORING_UNREGISTER_EVENTFD,
		liburing.IORING_REGISTER_FILES_UPDATE, liburing.IORING_REGISTER_EVENTFD_ASYNC,
		liburing.IORING_REGISTER_PROBE, liburing.IORING_REGISTER_PERSONALITY,
		liburing.IORING_UNREGISTER_PERSONALITY, liburing.IORING_REGISTER_RESTRICTIONS,
		liburing.IORING_REGISTER_ENABLE_RINGS, liburing.IORING_REGISTER_FILES2,
		liburing.IORING_REGISTER_FILES_UPDATE2, liburing.IORING_REGISTER_BUFFERS2,
		liburing.IORING_REGISTER_BUFFERS_UPDATE, liburing.IORING_REGISTER_IOWQ_AFF,
		liburing.IORING_UNREGISTER_IOWQ_AFF, liburing.IORING_REGISTER_IOWQ_MAX_WORKERS,
		liburing.IORING_REGISTER_RING_FDS, liburing.IORING_UNREGISTER_RING_FDS,
		liburing.IORING_REGISTER_PBUF_RING, liburing.IORING_UNREGISTER_PBUF_RING,
		liburing.IORING_REGISTER_SYNC_CANCEL, liburing.IORING_REGISTER_FILE_ALLOC_RANGE,
		liburing.IORING_REGISTER_PBUF_STATUS, liburing.IORING_REGISTER_NAPI, liburing.IORING_UNREGISTER_NAPI))
	pycCheckConsts(t, pycSeq(0, []string{"IORING_RESTRICTION_REGISTER_OP", "IORING_RESTRICTION_SQE_OP",
		"IORING_RESTRICTION_SQE_FLAGS_ALLOWED", "IORING_RESTRICTION_SQE_FLAGS_REQUIRED",
		"IORING_RESTRICTION_LAST"},
		liburing.IORING_RESTRICTION_REGISTER_OP, liburing.IORING_RESTRICTION_SQE_OP,
		liburing.IORING_RESTRICTION_SQE_FLAGS_ALLOWED, liburing.IORING_RESTRICTION_SQE_FLAGS_REQUIRED,
		liburing.IORING_RESTRICTION_LAST))
	pycCheckConsts(t, pycSeq(0, []string{"SOCKET_URING_OP_SIOCINQ", "SOCKET_URING_OP_SIOCOUTQ",
		"SOCKET_URING_OP_GETSOCKOPT", "SOCKET_URING_OP_SETSOCKOPT"},
		liburing.SOCKET_URING_OP_SIOCINQ, liburing.SOCKET_URING_OP_SIOCOUTQ,
		liburing.SOCKET_URING_OP_GETSOCKOPT, liburing.SOCKET_URING_OP_SETSOCKOPT))
}

// lib/socket_define_test.py: test_socket_define (x/sys/unix values; the
// SOCKET_URING_OP_* ones are this package's).
func TestPython_socket_define(t *testing.T) {
	c := func(name string, got, want int64) pycConst { return pycConst{name, got, want} }
	pycCheckConsts(t, []pycConst{
		c("AF_UNIX", unix.AF_UNIX, 1), c("AF_INET", unix.AF_INET, 2), c("AF_INET6", unix.AF_INET6, 10),
		c("SOCK_STREAM", unix.SOCK_STREAM, 1), c("SOCK_DGRAM", unix.SOCK_DGRAM, 2),
		c("SOCK_RAW", unix.SOCK_RAW, 3), c("SOCK_RDM", unix.SOCK_RDM, 4),
		c("SOCK_SEQPACKET", unix.SOCK_SEQPACKET, 5), c("SOCK_DCCP", unix.SOCK_DCCP, 6),
		c("SOCK_PACKET", unix.SOCK_PACKET, 10), c("SOCK_CLOEXEC", unix.SOCK_CLOEXEC, 0o2000000),
		c("SOCK_NONBLOCK", unix.SOCK_NONBLOCK, 0o4000),
		c("SHUT_RD", unix.SHUT_RD, 0), c("SHUT_WR", unix.SHUT_WR, 1), c("SHUT_RDWR", unix.SHUT_RDWR, 2),
		c("SOCKET_URING_OP_SIOCINQ", liburing.SOCKET_URING_OP_SIOCINQ, 0),
		c("SOCKET_URING_OP_SIOCOUTQ", liburing.SOCKET_URING_OP_SIOCOUTQ, 1),
		c("SOCKET_URING_OP_GETSOCKOPT", liburing.SOCKET_URING_OP_GETSOCKOPT, 2),
		c("SOCKET_URING_OP_SETSOCKOPT", liburing.SOCKET_URING_OP_SETSOCKOPT, 3),
		c("SOL_SOCKET", unix.SOL_SOCKET, 1),
		c("SO_DEBUG", unix.SO_DEBUG, 1), c("SO_REUSEADDR", unix.SO_REUSEADDR, 2), c("SO_TYPE", unix.SO_TYPE, 3),
		c("SO_ERROR", unix.SO_ERROR, 4), c("SO_DONTROUTE", unix.SO_DONTROUTE, 5),
		c("SO_BROADCAST", unix.SO_BROADCAST, 6), c("SO_SNDBUF", unix.SO_SNDBUF, 7),
		c("SO_RCVBUF", unix.SO_RCVBUF, 8), c("SO_SNDBUFFORCE", unix.SO_SNDBUFFORCE, 32),
		c("SO_RCVBUFFORCE", unix.SO_RCVBUFFORCE, 33), c("SO_KEEPALIVE", unix.SO_KEEPALIVE, 9),
		c("SO_OOBINLINE", unix.SO_OOBINLINE, 10), c("SO_NO_CHECK", unix.SO_NO_CHECK, 11),
		c("SO_PRIORITY", unix.SO_PRIORITY, 12), c("SO_LINGER", unix.SO_LINGER, 13),
		c("SO_BSDCOMPAT", unix.SO_BSDCOMPAT, 14), c("SO_REUSEPORT", unix.SO_REUSEPORT, 15),
		c("SO_PASSCRED", unix.SO_PASSCRED, 16), c("SO_PEERCRED", unix.SO_PEERCRED, 17),
		c("SO_RCVLOWAT", unix.SO_RCVLOWAT, 18), c("SO_SNDLOWAT", unix.SO_SNDLOWAT, 19),
		c("SO_BINDTODEVICE", unix.SO_BINDTODEVICE, 25), c("SO_ATTACH_FILTER", unix.SO_ATTACH_FILTER, 26),
		c("SO_DETACH_FILTER", unix.SO_DETACH_FILTER, 27), c("SO_GET_FILTER", unix.SO_GET_FILTER, unix.SO_ATTACH_FILTER),
		c("SO_PEERNAME", unix.SO_PEERNAME, 28), c("SO_ACCEPTCONN", unix.SO_ACCEPTCONN, 30),
		c("SO_PEERSEC", unix.SO_PEERSEC, 31), c("SO_PASSSEC", unix.SO_PASSSEC, 34),
		c("SO_MARK", unix.SO_MARK, 36), c("SO_PROTOCOL", unix.SO_PROTOCOL, 38),
		c("SO_DOMAIN", unix.SO_DOMAIN, 39), c("SO_RXQ_OVFL", unix.SO_RXQ_OVFL, 40),
		c("SO_WIFI_STATUS", unix.SO_WIFI_STATUS, 41), c("SCM_WIFI_STATUS", unix.SCM_WIFI_STATUS, unix.SO_WIFI_STATUS),
		c("SO_PEEK_OFF", unix.SO_PEEK_OFF, 42),
		c("IPPROTO_IP", unix.IPPROTO_IP, 0), c("IPPROTO_ICMP", unix.IPPROTO_ICMP, 1),
		c("IPPROTO_IGMP", unix.IPPROTO_IGMP, 2), c("IPPROTO_IPIP", unix.IPPROTO_IPIP, 4),
		c("IPPROTO_TCP", unix.IPPROTO_TCP, 6), c("IPPROTO_EGP", unix.IPPROTO_EGP, 8),
		c("IPPROTO_PUP", unix.IPPROTO_PUP, 12), c("IPPROTO_UDP", unix.IPPROTO_UDP, 17),
		c("IPPROTO_IDP", unix.IPPROTO_IDP, 22), c("IPPROTO_TP", unix.IPPROTO_TP, 29),
		c("IPPROTO_DCCP", unix.IPPROTO_DCCP, 33), c("IPPROTO_IPV6", unix.IPPROTO_IPV6, 41),
		c("IPPROTO_RSVP", unix.IPPROTO_RSVP, 46), c("IPPROTO_GRE", unix.IPPROTO_GRE, 47),
		c("IPPROTO_ESP", unix.IPPROTO_ESP, 50), c("IPPROTO_AH", unix.IPPROTO_AH, 51),
		c("IPPROTO_MTP", unix.IPPROTO_MTP, 92), c("IPPROTO_BEETPH", unix.IPPROTO_BEETPH, 94),
		c("IPPROTO_ENCAP", unix.IPPROTO_ENCAP, 98), c("IPPROTO_PIM", unix.IPPROTO_PIM, 103),
		c("IPPROTO_COMP", unix.IPPROTO_COMP, 108), c("IPPROTO_SCTP", unix.IPPROTO_SCTP, 132),
		c("IPPROTO_UDPLITE", unix.IPPROTO_UDPLITE, 136), c("IPPROTO_MPLS", unix.IPPROTO_MPLS, 137),
		c("IPPROTO_ETHERNET", unix.IPPROTO_ETHERNET, 143), c("IPPROTO_RAW", unix.IPPROTO_RAW, 255),
		c("IPPROTO_MPTCP", unix.IPPROTO_MPTCP, 262),
	})
}

// lib/statx_define_test.py: test_statx_define (x/sys/unix values).
func TestPython_statx_define(t *testing.T) {
	pycSkipOlder(t, "5.6")
	c := func(name string, got, want int64) pycConst { return pycConst{name, got, want} }
	pycCheckConsts(t, []pycConst{
		c("STATX_TYPE", unix.STATX_TYPE, 0x1), c("STATX_MODE", unix.STATX_MODE, 0x2),
		c("STATX_NLINK", unix.STATX_NLINK, 0x4), c("STATX_UID", unix.STATX_UID, 0x8),
		c("STATX_GID", unix.STATX_GID, 0x10), c("STATX_ATIME", unix.STATX_ATIME, 0x20),
		c("STATX_MTIME", unix.STATX_MTIME, 0x40), c("STATX_CTIME", unix.STATX_CTIME, 0x80),
		c("STATX_INO", unix.STATX_INO, 0x100), c("STATX_SIZE", unix.STATX_SIZE, 0x200),
		c("STATX_BLOCKS", unix.STATX_BLOCKS, 0x400), c("STATX_BASIC_STATS", unix.STATX_BASIC_STATS, 0x7ff),
		c("STATX_BTIME", unix.STATX_BTIME, 0x800), c("STATX_MNT_ID", unix.STATX_MNT_ID, 0x1000),
		c("STATX_ATTR_COMPRESSED", unix.STATX_ATTR_COMPRESSED, 0x4),
		c("STATX_ATTR_IMMUTABLE", unix.STATX_ATTR_IMMUTABLE, 0x10),
		c("STATX_ATTR_APPEND", unix.STATX_ATTR_APPEND, 0x20), c("STATX_ATTR_NODUMP", unix.STATX_ATTR_NODUMP, 0x40),
		c("STATX_ATTR_ENCRYPTED", unix.STATX_ATTR_ENCRYPTED, 0x800),
		c("STATX_ATTR_AUTOMOUNT", unix.STATX_ATTR_AUTOMOUNT, 0x1000),
		c("STATX_ATTR_MOUNT_ROOT", unix.STATX_ATTR_MOUNT_ROOT, 0x2000),
		c("STATX_ATTR_VERITY", unix.STATX_ATTR_VERITY, 0x100000), c("STATX_ATTR_DAX", unix.STATX_ATTR_DAX, 0x200000),
		c("S_IFMT", unix.S_IFMT, 0o170000), c("S_IFSOCK", unix.S_IFSOCK, 0o140000),
		c("S_IFLNK", unix.S_IFLNK, 0o120000), c("S_IFREG", unix.S_IFREG, 0o100000),
		c("S_IFBLK", unix.S_IFBLK, 0o60000), c("S_IFDIR", unix.S_IFDIR, 0o40000),
		c("S_IFCHR", unix.S_IFCHR, 0o20000), c("S_IFIFO", unix.S_IFIFO, 0o10000),
		c("S_ISUID", unix.S_ISUID, 0o4000), c("S_ISGID", unix.S_ISGID, 0o2000), c("S_ISVTX", unix.S_ISVTX, 0o1000),
		c("S_IRWXU", unix.S_IRWXU, 0o700), c("S_IRUSR", unix.S_IRUSR, 0o400),
		c("S_IWUSR", unix.S_IWUSR, 0o200), c("S_IXUSR", unix.S_IXUSR, 0o100),
		c("S_IRWXG", unix.S_IRWXG, 0o70), c("S_IRGRP", unix.S_IRGRP, 0o40),
		c("S_IWGRP", unix.S_IWGRP, 0o20), c("S_IXGRP", unix.S_IXGRP, 0o10),
		c("S_IRWXO", unix.S_IRWXO, 0o7), c("S_IROTH", unix.S_IROTH, 0o4),
		c("S_IWOTH", unix.S_IWOTH, 0o2), c("S_IXOTH", unix.S_IXOTH, 0o1),
		c("AT_STATX_SYNC_AS_STAT", unix.AT_STATX_SYNC_AS_STAT, 0),
		c("AT_STATX_FORCE_SYNC", unix.AT_STATX_FORCE_SYNC, 0x2000),
		c("AT_STATX_DONT_SYNC", unix.AT_STATX_DONT_SYNC, 0x4000),
	})
}

// lib/type_define_test.py: test_type_define (x/sys/unix values).
func TestPython_type_define(t *testing.T) {
	c := func(name string, got, want int64) pycConst { return pycConst{name, got, want} }
	pycCheckConsts(t, []pycConst{
		c("RENAME_NOREPLACE", unix.RENAME_NOREPLACE, 1), c("RENAME_EXCHANGE", unix.RENAME_EXCHANGE, 2),
		c("RENAME_WHITEOUT", unix.RENAME_WHITEOUT, 4),
		c("AT_FDCWD", unix.AT_FDCWD, -100), c("AT_SYMLINK_FOLLOW", unix.AT_SYMLINK_FOLLOW, 0x400),
		c("AT_SYMLINK_NOFOLLOW", unix.AT_SYMLINK_NOFOLLOW, 0x100), c("AT_REMOVEDIR", unix.AT_REMOVEDIR, 0x200),
		c("AT_NO_AUTOMOUNT", unix.AT_NO_AUTOMOUNT, 0x800), c("AT_EMPTY_PATH", unix.AT_EMPTY_PATH, 0x1000),
		c("AT_RECURSIVE", unix.AT_RECURSIVE, 0x8000),
		c("SPLICE_F_MOVE", unix.SPLICE_F_MOVE, 1), c("SPLICE_F_NONBLOCK", unix.SPLICE_F_NONBLOCK, 2),
		c("SPLICE_F_MORE", unix.SPLICE_F_MORE, 4), c("SPLICE_F_GIFT", unix.SPLICE_F_GIFT, 8),
		c("FALLOC_FL_KEEP_SIZE", unix.FALLOC_FL_KEEP_SIZE, 0x1),
		c("FALLOC_FL_PUNCH_HOLE", unix.FALLOC_FL_PUNCH_HOLE, 0x2),
		c("FALLOC_FL_NO_HIDE_STALE", unix.FALLOC_FL_NO_HIDE_STALE, 0x4),
		c("FALLOC_FL_COLLAPSE_RANGE", unix.FALLOC_FL_COLLAPSE_RANGE, 0x8),
		c("FALLOC_FL_ZERO_RANGE", unix.FALLOC_FL_ZERO_RANGE, 0x10),
		c("FALLOC_FL_INSERT_RANGE", unix.FALLOC_FL_INSERT_RANGE, 0x20),
		c("FALLOC_FL_UNSHARE_RANGE", unix.FALLOC_FL_UNSHARE_RANGE, 0x40),
	})
}

// lib/uring_define_test.py: test_uring_defines.
func TestPython_uring_defines(t *testing.T) {
	if uint64(liburing.LIBURING_UDATA_TIMEOUT) != 18446744073709551615 {
		t.Errorf("LIBURING_UDATA_TIMEOUT = %d", uint64(liburing.LIBURING_UDATA_TIMEOUT))
	}
}
