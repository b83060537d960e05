//go:build linux

package parity

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unsafe"
)

// Arg is one argument of a vector: an integer (Raw holds it, sign-extended
// to 64 bits for signed types) or a pointer (Slot names the arena slot it
// points to; "" is NULL).
type Arg struct {
	Param
	Raw  uint64
	Slot string
	ptr  unsafe.Pointer // the slot's address in the arena of this run
}

// String formats the argument as C would be called: fd=-1, buf=&buf, addr=NULL.
func (a Arg) String() string {
	switch {
	case a.Kind == Pointer && a.Slot == "":
		return a.Name + "=NULL"
	case a.Kind == Pointer:
		return a.Name + "=&" + a.Slot
	case a.Kind == Signed:
		return fmt.Sprintf("%s=%d", a.Name, int64(a.Raw))
	case a.Raw < 10:
		return fmt.Sprintf("%s=%d", a.Name, a.Raw)
	default:
		return fmt.Sprintf("%s=%#x", a.Name, a.Raw)
	}
}

// Args are the arguments of one call, in C's order (without the sqe).
// Adapters read them with the typed accessors; each converts as a C call
// would (int(-1) for an int -1, uint32 for unsigned, ...).
type Args []Arg

// Int returns argument i as a Go int (C int, idtype_t, off_t, ...).
func (a Args) Int(i int) int { return int(int64(a[i].Raw)) }

// Int64 returns argument i as an int64.
func (a Args) Int64(i int) int64 { return int64(a[i].Raw) }

// Uint64 returns argument i as a uint64 (__u64, size_t).
func (a Args) Uint64(i int) uint64 { return a[i].Raw }

// Uint32 returns argument i as a uint32 (unsigned, __u32, mode_t, socklen_t).
func (a Args) Uint32(i int) uint32 { return uint32(a[i].Raw) }

// Uint16 returns argument i as a uint16 (__u16).
func (a Args) Uint16(i int) uint16 { return uint16(a[i].Raw) }

// Pointer returns pointer argument i: an address in the arena, or nil.
func (a Args) Pointer(i int) unsafe.Pointer { return a[i].ptr }

// Uintptr returns pointer argument i as a uintptr, for APIs that take one.
func (a Args) Uintptr(i int) uintptr { return uintptr(a[i].ptr) }

// Bytes returns n bytes at pointer argument i (nil for NULL), for APIs that
// take a slice where C takes a pointer and a length. Only the prep
// helpers' stored address matters: the bytes past the slot are never read.
// A length no Go slice can have (2^47 or more) panics with Unrepresentable.
func (a Args) Bytes(i int, n uint64) []byte {
	if a[i].ptr == nil {
		return nil
	}
	if n >= 1<<47 {
		panic(Unrepresentable(fmt.Sprintf("%s: a []byte of %#x bytes", a[i].Name, n)))
	}
	return unsafe.Slice((*byte)(a[i].ptr), n)
}

// String lists the arguments as "fd=3, buf=&buf, nbytes=4096".
func (a Args) String() string {
	s := make([]string, len(a))
	for i, x := range a {
		s[i] = x.String()
	}
	return strings.Join(s, ", ")
}

// resolve sets every pointer argument's address in the arena.
func (a Args) resolve(ar *Arena) Args {
	out := make(Args, len(a))
	copy(out, a)
	for i := range out {
		if out[i].Kind == Pointer {
			out[i].ptr = ar.Ptr(out[i].Slot)
		}
	}
	return out
}

// Vector is one canonical call of a prep helper and the SQE that C
// liburing builds for it (addresses in the arena rebased to CanonicalBase).
type Vector struct {
	Func string // C name of the helper
	Case string // which argument set: zero, basic, pattern, max, min, minus1, or param=value
	Args Args
	SQE  SQE // C's 64 bytes; set by the golden file or by running C
}

// ID names the vector in reports: io_uring_prep_read[max].
func (v *Vector) ID() string { return v.Func + "[" + v.Case + "]" }

// named is a special value of one parameter.
type named struct {
	label string
	value int64
}

// Flag and special values from the kernel ABI and libc, for the special
// cases (their names are the labels in reports).
const (
	fileIndexAlloc = 0xffffffff
	atFdcwd        = -100
)

var (
	v = func(label string, value int64) named { return named{label, value} }
	// specials: helper -> parameter -> interesting values, each tried on
	// top of the basic case.
	specials = map[string]map[string][]named{
		"io_uring_prep_rw":                      {"op": {v("IORING_OP_NOP", 0), v("0x116 (u8 truncates to IORING_OP_READ)", 0x116)}},
		"io_uring_prep_splice":                  {"off_in": {v("-1", -1)}, "off_out": {v("-1", -1)}, "splice_flags": {v("SPLICE_F_FD_IN_FIXED", 1<<31), v("SPLICE_F_FD_IN_FIXED|SPLICE_F_MOVE|SPLICE_F_NONBLOCK", 1<<31|3)}},
		"io_uring_prep_tee":                     {"splice_flags": {v("SPLICE_F_FD_IN_FIXED", 1<<31)}},
		"io_uring_prep_readv2":                  {"flags": {v("RWF_HIPRI|RWF_NOWAIT", 9), v("RWF_APPEND", 0x10)}},
		"io_uring_prep_writev2":                 {"flags": {v("RWF_HIPRI|RWF_NOWAIT", 9), v("RWF_APPEND", 0x10)}},
		"io_uring_prep_read_fixed":              {"buf_index": {v("0", 0), v("65535", 65535), v("65536 (u16 truncates)", 65536)}},
		"io_uring_prep_write_fixed":             {"buf_index": {v("0", 0), v("65535", 65535), v("65536 (u16 truncates)", 65536)}},
		"io_uring_prep_recvmsg":                 {"flags": {v("MSG_WAITALL", 0x100), v("MSG_DONTWAIT|MSG_PEEK", 0x42)}},
		"io_uring_prep_recvmsg_multishot":       {"flags": {v("MSG_WAITALL", 0x100)}},
		"io_uring_prep_sendmsg":                 {"flags": {v("MSG_NOSIGNAL|MSG_MORE", 0xc000)}},
		"io_uring_prep_sendmsg_zc":              {"flags": {v("MSG_NOSIGNAL|MSG_MORE", 0xc000)}},
		"io_uring_prep_poll_add":                {"poll_mask": {v("POLLIN|POLLOUT|POLLRDHUP", 0x2005), v("EPOLLEXCLUSIVE|POLLIN", 1<<28|1), v("EPOLLET|POLLIN", 1<<31|1)}},
		"io_uring_prep_poll_multishot":          {"poll_mask": {v("POLLIN|POLLRDHUP", 0x2001), v("EPOLLET|POLLIN", 1<<31|1)}},
		"io_uring_prep_poll_update":             {"flags": {v("IORING_POLL_UPDATE_EVENTS", 2), v("IORING_POLL_UPDATE_USER_DATA", 4), v("IORING_POLL_ADD_MULTI|UPDATE_EVENTS|UPDATE_USER_DATA", 7)}},
		"io_uring_prep_fsync":                   {"fsync_flags": {v("IORING_FSYNC_DATASYNC", 1)}},
		"io_uring_prep_timeout":                 {"count": {v("0", 0)}, "flags": {v("IORING_TIMEOUT_ABS", 1), v("IORING_TIMEOUT_BOOTTIME", 4), v("IORING_TIMEOUT_REALTIME", 8), v("IORING_TIMEOUT_ETIME_SUCCESS", 32), v("IORING_TIMEOUT_MULTISHOT", 64)}},
		"io_uring_prep_timeout_remove":          {"flags": {v("IORING_TIMEOUT_ABS", 1)}},
		"io_uring_prep_timeout_update":          {"flags": {v("IORING_TIMEOUT_ABS", 1), v("IORING_TIMEOUT_BOOTTIME", 4)}},
		"io_uring_prep_link_timeout":            {"flags": {v("IORING_TIMEOUT_ABS|IORING_TIMEOUT_REALTIME", 9)}},
		"io_uring_prep_accept":                  {"flags": {v("SOCK_NONBLOCK|SOCK_CLOEXEC", 0x80800)}},
		"io_uring_prep_accept_direct":           {"flags": {v("SOCK_NONBLOCK|SOCK_CLOEXEC", 0x80800)}, "file_index": {v("0", 0), v("1", 1), v("IORING_FILE_INDEX_ALLOC", fileIndexAlloc)}},
		"io_uring_prep_multishot_accept":        {"flags": {v("SOCK_NONBLOCK|SOCK_CLOEXEC", 0x80800)}},
		"io_uring_prep_multishot_accept_direct": {"flags": {v("SOCK_NONBLOCK|SOCK_CLOEXEC", 0x80800)}},
		"io_uring_prep_cancel64":                {"flags": {v("IORING_ASYNC_CANCEL_ALL", 1), v("IORING_ASYNC_CANCEL_ANY", 4), v("IORING_ASYNC_CANCEL_USERDATA|IORING_ASYNC_CANCEL_ALL", 17), v("IORING_ASYNC_CANCEL_OP", 32)}},
		"io_uring_prep_cancel":                  {"flags": {v("IORING_ASYNC_CANCEL_ALL", 1), v("IORING_ASYNC_CANCEL_ANY", 4)}},
		"io_uring_prep_cancel_fd":               {"flags": {v("IORING_ASYNC_CANCEL_ALL", 1), v("IORING_ASYNC_CANCEL_FD_FIXED", 8)}},
		"io_uring_prep_connect":                 {"addrlen": {v("28 (sockaddr_in6)", 28), v("110 (sockaddr_un)", 110)}},
		"io_uring_prep_files_update":            {"offset": {v("IORING_FILE_INDEX_ALLOC", -1)}},
		"io_uring_prep_fallocate":               {"mode": {v("FALLOC_FL_KEEP_SIZE|FALLOC_FL_PUNCH_HOLE", 3)}},
		"io_uring_prep_openat":                  {"flags": {v("O_CREAT|O_WRONLY|O_CLOEXEC", 0x80041), v("O_PATH|O_DIRECTORY", 0x210000)}, "mode": {v("0755", 0o755)}},
		"io_uring_prep_openat_direct":           {"file_index": {v("0", 0), v("1", 1), v("IORING_FILE_INDEX_ALLOC", fileIndexAlloc)}, "flags": {v("O_CREAT|O_WRONLY|O_CLOEXEC", 0x80041)}},
		"io_uring_prep_openat2_direct":          {"file_index": {v("0", 0), v("1", 1), v("IORING_FILE_INDEX_ALLOC", fileIndexAlloc)}},
		"io_uring_prep_close":                   {"fd": {v("-1", -1)}},
		"io_uring_prep_close_direct":            {"file_index": {v("0", 0), v("1", 1)}},
		"io_uring_prep_read_multishot":          {"buf_group": {v("0", 0), v("65535", 65535)}},
		"io_uring_prep_statx":                   {"flags": {v("AT_EMPTY_PATH|AT_SYMLINK_NOFOLLOW", 0x1100)}},
		"io_uring_prep_fadvise":                 {"len": {v("0x100000005 (wider than 32 bits)", 0x100000005)}, "advice": {v("POSIX_FADV_DONTNEED", 4)}},
		"io_uring_prep_madvise":                 {"length": {v("0x100000005 (wider than 32 bits)", 0x100000005)}, "advice": {v("MADV_DONTNEED", 4)}},
		"io_uring_prep_send":                    {"len": {v("0x100000007 (wider than 32 bits)", 0x100000007)}, "flags": {v("MSG_NOSIGNAL|MSG_MORE", 0xc000)}},
		"io_uring_prep_send_set_addr":           {"addr_len": {v("0", 0), v("65535", 65535)}},
		"io_uring_prep_sendto":                  {"addrlen": {v("28 (sockaddr_in6)", 28), v("0x10010 (u16 truncates)", 0x10010)}},
		"io_uring_prep_send_zc":                 {"zc_flags": {v("IORING_RECVSEND_POLL_FIRST", 1), v("IORING_SEND_ZC_REPORT_USAGE", 8)}, "len": {v("0x100000007 (wider than 32 bits)", 0x100000007)}},
		"io_uring_prep_send_zc_fixed":           {"buf_index": {v("0", 0), v("65536 (u16 truncates)", 65536)}, "zc_flags": {v("IORING_RECVSEND_POLL_FIRST", 1)}},
		"io_uring_prep_recv":                    {"flags": {v("MSG_PEEK|MSG_WAITALL", 0x102)}, "len": {v("0x100000007 (wider than 32 bits)", 0x100000007)}},
		"io_uring_prep_recv_multishot":          {"flags": {v("MSG_PEEK", 2)}},
		"io_uring_prep_epoll_ctl":               {"op": {v("EPOLL_CTL_ADD", 1), v("EPOLL_CTL_DEL", 2), v("EPOLL_CTL_MOD", 3)}},
		"io_uring_prep_provide_buffers":         {"bid": {v("0", 0), v("65536", 65536)}, "bgid": {v("65535", 65535), v("65536 (u16 truncates)", 65536)}},
		"io_uring_prep_remove_buffers":          {"bgid": {v("65535", 65535)}},
		"io_uring_prep_shutdown":                {"how": {v("SHUT_RD", 0), v("SHUT_WR", 1)}},
		"io_uring_prep_unlinkat":                {"flags": {v("AT_REMOVEDIR", 0x200)}},
		"io_uring_prep_unlink":                  {"flags": {v("AT_REMOVEDIR", 0x200)}},
		"io_uring_prep_renameat":                {"flags": {v("RENAME_NOREPLACE", 1), v("RENAME_EXCHANGE", 2), v("RENAME_WHITEOUT", 4)}},
		"io_uring_prep_sync_file_range":         {"flags": {v("SYNC_FILE_RANGE_WAIT_BEFORE|WRITE|WAIT_AFTER", 7)}},
		"io_uring_prep_mkdirat":                 {"mode": {v("01777", 0o1777)}},
		"io_uring_prep_linkat":                  {"flags": {v("AT_SYMLINK_FOLLOW", 0x400)}},
		"io_uring_prep_link":                    {"flags": {v("AT_SYMLINK_FOLLOW", 0x400)}},
		"io_uring_prep_msg_ring":                {"flags": {v("IORING_MSG_RING_CQE_SKIP", 1)}, "len": {v("0", 0)}},
		"io_uring_prep_msg_ring_cqe_flags":      {"flags": {v("IORING_MSG_RING_CQE_SKIP", 1)}, "cqe_flags": {v("IORING_CQE_F_MORE", 2)}},
		"io_uring_prep_msg_ring_fd":             {"target_fd": {v("0", 0), v("IORING_FILE_INDEX_ALLOC", -1)}, "flags": {v("IORING_MSG_RING_CQE_SKIP", 1)}},
		"io_uring_prep_msg_ring_fd_alloc":       {"flags": {v("IORING_MSG_RING_CQE_SKIP", 1)}},
		"io_uring_prep_setxattr":                {"flags": {v("XATTR_CREATE", 1), v("XATTR_REPLACE", 2)}},
		"io_uring_prep_fsetxattr":               {"flags": {v("XATTR_CREATE", 1), v("XATTR_REPLACE", 2)}},
		"io_uring_prep_socket":                  {"type": {v("SOCK_STREAM|SOCK_NONBLOCK|SOCK_CLOEXEC", 0x80801)}, "domain": {v("AF_INET6", 10)}},
		"io_uring_prep_socket_direct":           {"file_index": {v("0", 0), v("1", 1), v("IORING_FILE_INDEX_ALLOC", fileIndexAlloc)}},
		"io_uring_prep_socket_direct_alloc":     {"type": {v("SOCK_DGRAM|SOCK_CLOEXEC", 0x80002)}},
		"io_uring_prep_cmd_sock":                {"cmd_op": {v("SOCKET_URING_OP_SIOCINQ", 0), v("SOCKET_URING_OP_SIOCOUTQ", 1), v("SOCKET_URING_OP_SETSOCKOPT", 3)}},
		"io_uring_prep_waitid":                  {"idtype": {v("P_ALL", 0), v("P_PIDFD", 3)}, "options": {v("WEXITED|WNOHANG", 5)}},
		"io_uring_prep_futex_wake":              {"futex_flags": {v("FUTEX2_SIZE_U32|FUTEX2_PRIVATE", 130)}, "mask": {v("FUTEX_BITSET_MATCH_ANY", 0xffffffff)}},
		"io_uring_prep_futex_wait":              {"futex_flags": {v("FUTEX2_SIZE_U32|FUTEX2_PRIVATE", 130)}, "mask": {v("FUTEX_BITSET_MATCH_ANY", 0xffffffff)}},
		"io_uring_prep_futex_waitv":             {"nr_futex": {v("1", 1)}},
		"io_uring_prep_fixed_fd_install":        {"flags": {v("IORING_FIXED_FD_NO_CLOEXEC", 1)}},
		"io_uring_prep_ftruncate":               {"len": {v("-1", -1), v("1<<40", 1<<40)}},
	}
)

// basicValue is the realistic value of a parameter in the basic case.
func basicValue(h *Helper, p Param) int64 {
	switch p.Name {
	case "fd":
		return 3
	case "fd_in":
		return 5
	case "fd_out":
		return 6
	case "sockfd":
		return 7
	case "epfd":
		return 8
	case "source_fd":
		return 9
	case "target_fd":
		return 10
	case "dfd", "olddfd", "newdirfd":
		return atFdcwd
	case "newdfd":
		return 11
	case "op":
		if h.Name == "io_uring_prep_epoll_ctl" {
			return 1 // EPOLL_CTL_ADD
		}
		return 22 // IORING_OP_READ
	case "len", "nbytes", "length":
		return 4096
	case "nr_vecs":
		return 2
	case "offset", "off_out":
		return 8192
	case "off_in":
		return 16384
	case "file_index":
		return 2
	case "buf_index":
		return 1
	case "buf_group", "bgid":
		return 7
	case "bid":
		return 3
	case "nr":
		return 4
	case "mode":
		return 0o644
	case "mask":
		if h.Name == "io_uring_prep_statx" {
			return 0x7ff // STATX_BASIC_STATS
		}
		return 0xff
	case "poll_mask":
		return 1 // POLLIN
	case "user_data":
		return 0x1234
	case "old_user_data":
		return 0x1111
	case "new_user_data":
		return 0x2222
	case "count":
		return 1
	case "data":
		return 0xfeed
	case "how":
		return 2 // SHUT_RDWR
	case "advice":
		return 3 // POSIX_FADV_WILLNEED / MADV_WILLNEED
	case "domain":
		return 2 // AF_INET
	case "type":
		return 1 // SOCK_STREAM
	case "protocol":
		return 0
	case "cmd_op":
		return 2 // SOCKET_URING_OP_GETSOCKOPT
	case "level":
		return 1 // SOL_SOCKET
	case "optname":
		return 8 // SO_RCVBUF
	case "optlen":
		return 4
	case "idtype":
		return 1 // P_PID
	case "id":
		return 1234
	case "options":
		return 4 // WEXITED
	case "val":
		return 5
	case "futex_flags":
		return 2 // FUTEX2_SIZE_U32
	case "nr_futex":
		return 2
	case "nr_fds":
		return 3
	case "addrlen", "addr_len":
		return 16
	}
	return 0
}

// defaultSlot is the arena slot a pointer parameter points to.
func defaultSlot(p Param) string {
	switch p.Name {
	case "iovecs", "msg", "ts", "fds", "futex", "infop", "optval", "user_data", "how", "statxbuf", "ev":
		return map[string]string{
			"iovecs": "iovecs", "msg": "msghdr", "ts": "ts", "fds": "fds", "infop": "siginfo",
			"optval": "optval", "user_data": "userdata", "how": "open_how", "statxbuf": "statx", "ev": "epoll_event",
			"futex": map[bool]string{true: "futexv", false: "futex"}[p.Type == "struct futex_waitv *"],
		}[p.Name]
	case "buf":
		return "buf"
	case "addr", "dest_addr":
		if strings.Contains(p.Type, "sockaddr") {
			return "sockaddr"
		}
		return "buf"
	case "addrlen":
		return "addrlen"
	case "path", "oldpath", "target":
		return "path"
	case "newpath", "linkpath":
		return "path2"
	case "name":
		return "xname"
	case "value":
		return "xvalue"
	}
	panic("parity: no arena slot for pointer parameter " + p.Name)
}

func maxOf(p Param) uint64 {
	if p.Kind == Signed {
		return 1<<(p.Bits-1) - 1
	}
	return 1<<p.Bits - 1 // Bits 64 wraps to all ones
}

func minOf(p Param) uint64 {
	if p.Kind == Signed {
		return ^uint64(0) << (p.Bits - 1) // sign-extended minimum
	}
	return 1 << (p.Bits - 1)
}

// pattern is a value that names the argument's position, so that arguments
// stored in each other's fields show up.
func pattern(p Param, k int) uint64 {
	switch p.Bits {
	case 16:
		return 0x0101 * uint64(k+1)
	case 32:
		return 0x01010101 * uint64(k+1)
	}
	return 0x0101010101010101 * uint64(k+1)
}

// Cases returns the canonical argument sets of a helper, without SQEs: zero,
// basic, pattern, max, min, minus1 and the helper's special values (flag
// combinations, direct and alloc file indexes, truncation edges).
// Duplicate argument sets are left out.
func Cases(h *Helper) []Vector {
	var out []Vector
	seen := map[string]bool{}
	add := func(name string, f func(i int, p Param) (uint64, string)) {
		args := make(Args, len(h.Params))
		for i, p := range h.Params {
			raw, slot := f(i, p)
			args[i] = Arg{Param: p, Raw: raw, Slot: slot}
		}
		key := args.String()
		if seen[key] {
			return
		}
		seen[key] = true
		out = append(out, Vector{Func: h.Name, Case: name, Args: args})
	}
	basic := func(i int, p Param) (uint64, string) {
		if p.Kind == Pointer {
			return 0, defaultSlot(p)
		}
		return uint64(basicValue(h, p)), ""
	}
	add("zero", func(i int, p Param) (uint64, string) { return 0, "" })
	add("basic", basic)
	add("pattern", func(i int, p Param) (uint64, string) {
		if p.Kind == Pointer {
			return 0, defaultSlot(p)
		}
		return pattern(p, i), ""
	})
	add("max", func(i int, p Param) (uint64, string) {
		if p.Kind == Pointer {
			return 0, defaultSlot(p)
		}
		return maxOf(p), ""
	})
	add("min", func(i int, p Param) (uint64, string) {
		if p.Kind == Pointer {
			return 0, defaultSlot(p)
		}
		return minOf(p), ""
	})
	hasSigned := false
	for _, p := range h.Params {
		hasSigned = hasSigned || p.Kind == Signed
	}
	if hasSigned {
		add("minus1", func(i int, p Param) (uint64, string) {
			if p.Kind == Signed {
				return ^uint64(0), ""
			}
			return basic(i, p)
		})
	}
	sp := specials[h.Name]
	names := make([]string, 0, len(sp))
	for n := range sp {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, pname := range names {
		idx := -1
		for i, p := range h.Params {
			if p.Name == pname {
				idx = i
			}
		}
		if idx < 0 {
			panic("parity: special value for unknown parameter " + h.Name + " " + pname)
		}
		for _, nv := range sp[pname] {
			nv := nv
			add(pname+"="+nv.label, func(i int, p Param) (uint64, string) {
				if i == idx {
					return uint64(nv.value), ""
				}
				return basic(i, p)
			})
		}
	}
	return out
}

// AllCases returns the argument sets of every helper, in Helpers order.
func AllCases() []Vector {
	var out []Vector
	for i := range Helpers {
		out = append(out, Cases(&Helpers[i])...)
	}
	return out
}

// parseRaw reads a decimal value of a JSON argument.
func parseRaw(p Param, s string) (uint64, error) {
	if p.Kind == Signed {
		v, err := strconv.ParseInt(s, 10, 64)
		return uint64(v), err
	}
	return strconv.ParseUint(s, 10, 64)
}
