package parity

import (
	"fmt"
	"strings"
)

// Kind is how an argument is passed.
type Kind uint8

// Argument kinds.
const (
	Signed   Kind = iota + 1 // a signed integer of Param.Bits bits
	Unsigned                 // an unsigned integer of Param.Bits bits
	Pointer                  // an address: NULL or a slot of the arena
)

// Param is one parameter of a C prep helper (the sqe itself left out).
type Param struct {
	Name string // C parameter name
	Type string // C type as liburing 2.6 declares it
	Kind Kind
	Bits int // width of an integer type
}

// Helper is one io_uring_prep_* function of liburing 2.6.
type Helper struct {
	Name   string // C name, io_uring_prep_...
	Params []Param
}

// helperSignatures are the parameter lists of liburing 2.6's 85 prep
// helpers (from its liburing.h; the struct io_uring_sqe * is left out).
var helperSignatures = [...]string{
	"io_uring_prep_rw(int op, int fd, const void *addr, unsigned len, __u64 offset)",
	"io_uring_prep_splice(int fd_in, int64_t off_in, int fd_out, int64_t off_out, unsigned int nbytes, unsigned int splice_flags)",
	"io_uring_prep_tee(int fd_in, int fd_out, unsigned int nbytes, unsigned int splice_flags)",
	"io_uring_prep_readv(int fd, const struct iovec *iovecs, unsigned nr_vecs, __u64 offset)",
	"io_uring_prep_readv2(int fd, const struct iovec *iovecs, unsigned nr_vecs, __u64 offset, int flags)",
	"io_uring_prep_read_fixed(int fd, void *buf, unsigned nbytes, __u64 offset, int buf_index)",
	"io_uring_prep_writev(int fd, const struct iovec *iovecs, unsigned nr_vecs, __u64 offset)",
	"io_uring_prep_writev2(int fd, const struct iovec *iovecs, unsigned nr_vecs, __u64 offset, int flags)",
	"io_uring_prep_write_fixed(int fd, const void *buf, unsigned nbytes, __u64 offset, int buf_index)",
	"io_uring_prep_recvmsg(int fd, struct msghdr *msg, unsigned flags)",
	"io_uring_prep_recvmsg_multishot(int fd, struct msghdr *msg, unsigned flags)",
	"io_uring_prep_sendmsg(int fd, const struct msghdr *msg, unsigned flags)",
	"io_uring_prep_poll_add(int fd, unsigned poll_mask)",
	"io_uring_prep_poll_multishot(int fd, unsigned poll_mask)",
	"io_uring_prep_poll_remove(__u64 user_data)",
	"io_uring_prep_poll_update(__u64 old_user_data, __u64 new_user_data, unsigned poll_mask, unsigned flags)",
	"io_uring_prep_fsync(int fd, unsigned fsync_flags)",
	"io_uring_prep_nop()",
	"io_uring_prep_timeout(struct __kernel_timespec *ts, unsigned count, unsigned flags)",
	"io_uring_prep_timeout_remove(__u64 user_data, unsigned flags)",
	"io_uring_prep_timeout_update(struct __kernel_timespec *ts, __u64 user_data, unsigned flags)",
	"io_uring_prep_accept(int fd, struct sockaddr *addr, socklen_t *addrlen, int flags)",
	"io_uring_prep_accept_direct(int fd, struct sockaddr *addr, socklen_t *addrlen, int flags, unsigned int file_index)",
	"io_uring_prep_multishot_accept(int fd, struct sockaddr *addr, socklen_t *addrlen, int flags)",
	"io_uring_prep_multishot_accept_direct(int fd, struct sockaddr *addr, socklen_t *addrlen, int flags)",
	"io_uring_prep_cancel64(__u64 user_data, int flags)",
	"io_uring_prep_cancel(void *user_data, int flags)",
	"io_uring_prep_cancel_fd(int fd, unsigned int flags)",
	"io_uring_prep_link_timeout(struct __kernel_timespec *ts, unsigned flags)",
	"io_uring_prep_connect(int fd, const struct sockaddr *addr, socklen_t addrlen)",
	"io_uring_prep_files_update(int *fds, unsigned nr_fds, int offset)",
	"io_uring_prep_fallocate(int fd, int mode, __u64 offset, __u64 len)",
	"io_uring_prep_openat(int dfd, const char *path, int flags, mode_t mode)",
	"io_uring_prep_openat_direct(int dfd, const char *path, int flags, mode_t mode, unsigned file_index)",
	"io_uring_prep_close(int fd)",
	"io_uring_prep_close_direct(unsigned file_index)",
	"io_uring_prep_read(int fd, void *buf, unsigned nbytes, __u64 offset)",
	"io_uring_prep_read_multishot(int fd, unsigned nbytes, __u64 offset, int buf_group)",
	"io_uring_prep_write(int fd, const void *buf, unsigned nbytes, __u64 offset)",
	"io_uring_prep_statx(int dfd, const char *path, int flags, unsigned mask, struct statx *statxbuf)",
	"io_uring_prep_fadvise(int fd, __u64 offset, off_t len, int advice)",
	"io_uring_prep_madvise(void *addr, off_t length, int advice)",
	"io_uring_prep_send(int sockfd, const void *buf, size_t len, int flags)",
	"io_uring_prep_send_set_addr(const struct sockaddr *dest_addr, __u16 addr_len)",
	"io_uring_prep_sendto(int sockfd, const void *buf, size_t len, int flags, const struct sockaddr *addr, socklen_t addrlen)",
	"io_uring_prep_send_zc(int sockfd, const void *buf, size_t len, int flags, unsigned zc_flags)",
	"io_uring_prep_send_zc_fixed(int sockfd, const void *buf, size_t len, int flags, unsigned zc_flags, unsigned buf_index)",
	"io_uring_prep_sendmsg_zc(int fd, const struct msghdr *msg, unsigned flags)",
	"io_uring_prep_recv(int sockfd, void *buf, size_t len, int flags)",
	"io_uring_prep_recv_multishot(int sockfd, void *buf, size_t len, int flags)",
	"io_uring_prep_openat2(int dfd, const char *path, struct open_how *how)",
	"io_uring_prep_openat2_direct(int dfd, const char *path, struct open_how *how, unsigned file_index)",
	"io_uring_prep_epoll_ctl(int epfd, int fd, int op, struct epoll_event *ev)",
	"io_uring_prep_provide_buffers(void *addr, int len, int nr, int bgid, int bid)",
	"io_uring_prep_remove_buffers(int nr, int bgid)",
	"io_uring_prep_shutdown(int fd, int how)",
	"io_uring_prep_unlinkat(int dfd, const char *path, int flags)",
	"io_uring_prep_unlink(const char *path, int flags)",
	"io_uring_prep_renameat(int olddfd, const char *oldpath, int newdfd, const char *newpath, unsigned int flags)",
	"io_uring_prep_rename(const char *oldpath, const char *newpath)",
	"io_uring_prep_sync_file_range(int fd, unsigned len, __u64 offset, int flags)",
	"io_uring_prep_mkdirat(int dfd, const char *path, mode_t mode)",
	"io_uring_prep_mkdir(const char *path, mode_t mode)",
	"io_uring_prep_symlinkat(const char *target, int newdirfd, const char *linkpath)",
	"io_uring_prep_symlink(const char *target, const char *linkpath)",
	"io_uring_prep_linkat(int olddfd, const char *oldpath, int newdfd, const char *newpath, int flags)",
	"io_uring_prep_link(const char *oldpath, const char *newpath, int flags)",
	"io_uring_prep_msg_ring_cqe_flags(int fd, unsigned int len, __u64 data, unsigned int flags, unsigned int cqe_flags)",
	"io_uring_prep_msg_ring(int fd, unsigned int len, __u64 data, unsigned int flags)",
	"io_uring_prep_msg_ring_fd(int fd, int source_fd, int target_fd, __u64 data, unsigned int flags)",
	"io_uring_prep_msg_ring_fd_alloc(int fd, int source_fd, __u64 data, unsigned int flags)",
	"io_uring_prep_getxattr(const char *name, char *value, const char *path, unsigned int len)",
	"io_uring_prep_setxattr(const char *name, const char *value, const char *path, int flags, unsigned int len)",
	"io_uring_prep_fgetxattr(int fd, const char *name, char *value, unsigned int len)",
	"io_uring_prep_fsetxattr(int fd, const char *name, const char *value, int flags, unsigned int len)",
	"io_uring_prep_socket(int domain, int type, int protocol, unsigned int flags)",
	"io_uring_prep_socket_direct(int domain, int type, int protocol, unsigned file_index, unsigned int flags)",
	"io_uring_prep_socket_direct_alloc(int domain, int type, int protocol, unsigned int flags)",
	"io_uring_prep_cmd_sock(int cmd_op, int fd, int level, int optname, void *optval, int optlen)",
	"io_uring_prep_waitid(idtype_t idtype, id_t id, siginfo_t *infop, int options, unsigned int flags)",
	"io_uring_prep_futex_wake(uint32_t *futex, uint64_t val, uint64_t mask, uint32_t futex_flags, unsigned int flags)",
	"io_uring_prep_futex_wait(uint32_t *futex, uint64_t val, uint64_t mask, uint32_t futex_flags, unsigned int flags)",
	"io_uring_prep_futex_waitv(struct futex_waitv *futex, uint32_t nr_futex, unsigned int flags)",
	"io_uring_prep_fixed_fd_install(int fd, unsigned int flags)",
	"io_uring_prep_ftruncate(int fd, loff_t len)",
}

// cTypes maps every C type of the signatures to its kind and width (x86_64).
var cTypes = map[string]struct {
	kind Kind
	bits int
}{
	"int": {Signed, 32}, "idtype_t": {Signed, 32},
	"unsigned": {Unsigned, 32}, "unsigned int": {Unsigned, 32}, "__u32": {Unsigned, 32}, "uint32_t": {Unsigned, 32},
	"mode_t": {Unsigned, 32}, "socklen_t": {Unsigned, 32}, "id_t": {Unsigned, 32},
	"__u64": {Unsigned, 64}, "uint64_t": {Unsigned, 64}, "size_t": {Unsigned, 64},
	"int64_t": {Signed, 64}, "off_t": {Signed, 64}, "loff_t": {Signed, 64},
	"__u16": {Unsigned, 16},
}

// Helpers lists the 85 prep helpers of liburing 2.6, in header order.
var Helpers = parseHelpers()

// HelperByName returns the helper with the C name, or nil.
func HelperByName(name string) *Helper {
	for i := range Helpers {
		if Helpers[i].Name == name {
			return &Helpers[i]
		}
	}
	return nil
}

func parseHelpers() []Helper {
	out := make([]Helper, 0, len(helperSignatures))
	for _, sig := range helperSignatures {
		h, err := parseSignature(sig)
		if err != nil {
			panic(err)
		}
		out = append(out, h)
	}
	return out
}

// parseSignature turns "name(type a, type b)" into a Helper.
func parseSignature(sig string) (Helper, error) {
	name, rest, ok := strings.Cut(sig, "(")
	if !ok || !strings.HasSuffix(rest, ")") {
		return Helper{}, fmt.Errorf("bad signature %q", sig)
	}
	h := Helper{Name: name}
	rest = strings.TrimSuffix(rest, ")")
	if rest == "" {
		return h, nil
	}
	for _, p := range strings.Split(rest, ", ") {
		i := strings.LastIndexAny(p, " *")
		typ, pname := strings.TrimSpace(p[:i+1]), p[i+1:]
		if strings.HasSuffix(typ, "*") {
			typ = strings.TrimSpace(strings.TrimSuffix(typ, "*")) + " *"
			h.Params = append(h.Params, Param{Name: pname, Type: typ, Kind: Pointer, Bits: 64})
			continue
		}
		t, ok := cTypes[typ]
		if !ok {
			return Helper{}, fmt.Errorf("%s: unknown C type %q", name, typ)
		}
		h.Params = append(h.Params, Param{Name: pname, Type: typ, Kind: t.kind, Bits: t.bits})
	}
	return h, nil
}
