//go:build linux && cgo

// Package ctwin holds the C twins of the benchmarks: the same workloads
// written in C against the same liburing that package liburing links, each
// run entirely inside one cgo call so that Go adds nothing per operation;
// and the C echo peer that every contender of the Echo workload talks to.
package ctwin

/*
#cgo CFLAGS: -O2 -D_GNU_SOURCE -I${SRCDIR}/../../build/liburing/include
#cgo LDFLAGS: ${SRCDIR}/../../build/liburing/lib/liburing.a
#include <liburing.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/socket.h>
#include <unistd.h>

// Submit batch NOPs, wait for them, reap them with io_uring_for_each_cqe and
// io_uring_cq_advance; iters times. Returns 0 or -errno.
static int lgb_nop(struct io_uring *ring, unsigned batch, long iters)
{
	for (long it = 0; it < iters; it++) {
		for (unsigned i = 0; i < batch; i++) {
			struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
			io_uring_prep_nop(sqe);
			io_uring_sqe_set_data64(sqe, i);
		}
		int ret = io_uring_submit_and_wait(ring, batch);
		if (ret < 0)
			return ret;
		unsigned seen = 0;
		while (seen < batch) {
			struct io_uring_cqe *cqe;
			unsigned head, n = 0;
			io_uring_for_each_cqe(ring, head, cqe) {
				if (cqe->res < 0)
					return cqe->res;
				n++;
			}
			io_uring_cq_advance(ring, n);
			seen += n;
			if (seen < batch && (ret = io_uring_wait_cqe_nr(ring, &cqe, batch - seen)) < 0)
				return ret;
		}
	}
	return 0;
}

// qd reads of 4 KiB at offsets[] (cycled) into bufs (qd * 4096 bytes); iters
// rounds. Returns 0 or -errno.
static int lgb_read(struct io_uring *ring, int fd, char *bufs, unsigned qd,
		    const unsigned long long *offsets, unsigned noffsets, long iters)
{
	unsigned next = 0;
	for (long it = 0; it < iters; it++) {
		for (unsigned i = 0; i < qd; i++) {
			struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
			io_uring_prep_read(sqe, fd, bufs + (size_t)i * 4096, 4096, offsets[next]);
			io_uring_sqe_set_data64(sqe, i);
			next = (next + 1) % noffsets;
		}
		int ret = io_uring_submit_and_wait(ring, qd);
		if (ret < 0)
			return ret;
		unsigned seen = 0;
		while (seen < qd) {
			struct io_uring_cqe *cqe;
			unsigned head, n = 0;
			io_uring_for_each_cqe(ring, head, cqe) {
				if (cqe->res != 4096)
					return cqe->res < 0 ? cqe->res : -5;
				n++;
			}
			io_uring_cq_advance(ring, n);
			seen += n;
			if (seen < qd && (ret = io_uring_wait_cqe_nr(ring, &cqe, qd - seen)) < 0)
				return ret;
		}
	}
	return 0;
}

// The echo peer: a thread that echoes, with blocking recv and send, whatever
// arrives on the server end of a connected loopback TCP pair. The client end
// belongs to the benchmark.
struct lgb_echo {
	pthread_t thread;
	int cfd; // the client end
	int sfd; // the server end, closed by the thread
};

static void *lgb_echo_serve(void *arg)
{
	int fd = (int)(intptr_t)arg;
	char buf[16384];
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof buf, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) // the client shut its end down (or the socket failed)
			break;
		for (ssize_t off = 0; off < n;) {
			ssize_t w = send(fd, buf + off, n - off, MSG_NOSIGNAL);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				goto out;
			off += w;
		}
	}
out:
	close(fd);
	return NULL;
}

static int lgb_nodelay(int fd)
{
	int one = 1;
	return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

// Connects two loopback TCP sockets, both TCP_NODELAY, through a listener on
// an ephemeral port that is closed again. Returns 0 or -errno.
static int lgb_tcp_pair(int *cfd, int *sfd)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof sa;
	int lfd, c = -1, s = -1, err;

	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0)
		return -errno;
	if (bind(lfd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(lfd, 1) < 0 ||
	    getsockname(lfd, (struct sockaddr *)&sa, &len) < 0)
		goto fail;
	c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	// A connect interrupted by a signal goes on in the background; accept
	// waits for it.
	if (c < 0 || (connect(c, (struct sockaddr *)&sa, sizeof sa) < 0 && errno != EINTR))
		goto fail;
	do
		s = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	while (s < 0 && errno == EINTR);
	if (s < 0 || lgb_nodelay(c) < 0 || lgb_nodelay(s) < 0)
		goto fail;
	close(lfd);
	*cfd = c;
	*sfd = s;
	return 0;
fail:
	err = -errno;
	close(lfd);
	if (c >= 0)
		close(c);
	if (s >= 0)
		close(s);
	return err;
}

// Sets up the pair and starts the echo thread. Returns 0 or -errno.
static int lgb_echo_start(struct lgb_echo *e)
{
	int ret = lgb_tcp_pair(&e->cfd, &e->sfd);
	if (ret < 0)
		return ret;
	ret = pthread_create(&e->thread, NULL, lgb_echo_serve, (void *)(intptr_t)e->sfd);
	if (ret != 0) {
		close(e->cfd);
		close(e->sfd);
		return -ret;
	}
	return 0;
}

// Shuts the client's sending side down, so that the thread's recv returns
// 0 and the thread exits; joins it and closes the client end. Shutting down
// rather than closing also ends the thread when the client end has been
// duplicated (net.FileConn). Returns 0 or -errno.
static int lgb_echo_stop(struct lgb_echo *e)
{
	int ret = 0;
	if (shutdown(e->cfd, SHUT_WR) < 0) {
		ret = -errno;
		pthread_detach(e->thread); // it would never end: do not wait for it
	} else {
		ret = -pthread_join(e->thread, NULL);
	}
	close(e->cfd);
	return ret;
}

// io_uring_submit_and_wait, again when a signal interrupted it before it
// submitted anything.
static int lgb_submit_wait(struct io_uring *ring, unsigned nr)
{
	int ret;
	do
		ret = io_uring_submit_and_wait(ring, nr);
	while (ret == -EINTR);
	return ret;
}

// One completion of a round trip: the send (user_data 0) must have sent all
// size bytes; a recv (user_data 1) adds what it received to *got.
static int lgb_echo_cqe(const struct io_uring_cqe *cqe, unsigned size, unsigned *got)
{
	if (cqe->res < 0)
		return cqe->res;
	if (cqe->user_data == 0)
		return (unsigned)cqe->res == size ? 0 : -EIO;
	if (cqe->res == 0)
		return -ECONNRESET; // the peer closed its end
	*got += cqe->res;
	return 0;
}

// Reaps the want completions still due, with io_uring_for_each_cqe and
// io_uring_cq_advance, waiting when fewer are ready. Returns 0 or -errno.
static int lgb_echo_reap(struct io_uring *ring, unsigned want, unsigned size, unsigned *got)
{
	while (want > 0) {
		struct io_uring_cqe *cqe;
		unsigned head, n = 0;
		int ret = 0;
		io_uring_for_each_cqe(ring, head, cqe) {
			if (ret == 0)
				ret = lgb_echo_cqe(cqe, size, got);
			n++;
		}
		io_uring_cq_advance(ring, n);
		if (ret < 0)
			return ret;
		want -= n;
		if (want > 0 && (ret = io_uring_wait_cqe_nr(ring, &cqe, want)) < 0 && ret != -EINTR)
			return ret;
	}
	return 0;
}

static void lgb_prep_recv(struct io_uring *ring, int fd, char *buf, unsigned len)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
	io_uring_prep_recv(sqe, fd, buf, len, 0);
	io_uring_sqe_set_data64(sqe, 1);
}

// iters round trips of size bytes on the connected socket fd: a send of out
// linked to a recv into in, then recvs for any rest of a short receive. The
// first and last byte of out change every round trip and must come back.
// Returns 0 or -errno (-EBADMSG when the bytes that came back differ).
static int lgb_echo(struct io_uring *ring, int fd, char *out, char *in, unsigned size, long iters)
{
	for (long it = 0; it < iters; it++) {
		out[0] = (char)it;
		out[size - 1] = (char)~it;
		struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
		io_uring_prep_send(sqe, fd, out, size, 0);
		io_uring_sqe_set_flags(sqe, IOSQE_IO_LINK);
		io_uring_sqe_set_data64(sqe, 0);
		lgb_prep_recv(ring, fd, in, size);
		int ret = lgb_submit_wait(ring, 2);
		unsigned got = 0;
		if (ret < 0 || (ret = lgb_echo_reap(ring, 2, size, &got)) < 0)
			return ret;
		while (got < size) {
			lgb_prep_recv(ring, fd, in + got, size - got);
			if ((ret = lgb_submit_wait(ring, 1)) < 0 || (ret = lgb_echo_reap(ring, 1, size, &got)) < 0)
				return ret;
		}
		if (in[0] != out[0] || in[size - 1] != out[size - 1])
			return -EBADMSG;
	}
	return 0;
}
*/
import "C"

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

func errno(ret C.int) error {
	if ret < 0 {
		return unix.Errno(-ret)
	}
	return nil
}

// Nop runs iters rounds of batch NOPs on ring (a struct io_uring *).
func Nop(ring unsafe.Pointer, batch int, iters int) error {
	return errno(C.lgb_nop((*C.struct_io_uring)(ring), C.uint(batch), C.long(iters)))
}

// Read runs iters rounds of qd 4 KiB reads of fd at offsets (C memory,
// cycled) into bufs (C memory, qd*4096 bytes).
func Read(ring unsafe.Pointer, fd int, bufs unsafe.Pointer, qd int, offsets unsafe.Pointer, noffsets int, iters int) error {
	return errno(C.lgb_read((*C.struct_io_uring)(ring), C.int(fd), (*C.char)(bufs), C.uint(qd),
		(*C.ulonglong)(offsets), C.uint(noffsets), C.long(iters)))
}

// EchoPeer is the echo server of the Echo workload: a C thread echoing, with
// blocking recv and send, everything that arrives on the server end of a
// connected loopback TCP pair (TCP_NODELAY on both ends). Fd is the client
// end.
type EchoPeer struct {
	c       C.struct_lgb_echo
	stopped bool
}

// StartEchoPeer connects the pair and starts the thread.
func StartEchoPeer() (*EchoPeer, error) {
	p := new(EchoPeer)
	if err := errno(C.lgb_echo_start(&p.c)); err != nil {
		return nil, err
	}
	return p, nil
}

// Fd is the client end of the connection. It stays open until Stop.
func (p *EchoPeer) Fd() int { return int(p.c.cfd) }

// Stop shuts the client end down for writing, which ends the thread, waits
// for the thread, and closes the client end. Duplicates of Fd are not
// closed. Stop is safe to call more than once.
func (p *EchoPeer) Stop() error {
	if p.stopped {
		return nil
	}
	p.stopped = true
	return errno(C.lgb_echo_stop(&p.c))
}

// Echo runs iters round trips of size bytes on fd (the connected client
// socket) on ring (a struct io_uring *): a send from out linked to a recv
// into in (C memory, size bytes each), recvs for the rest of a short one.
func Echo(ring unsafe.Pointer, fd int, out, in unsafe.Pointer, size int, iters int) error {
	return errno(C.lgb_echo((*C.struct_io_uring)(ring), C.int(fd), (*C.char)(out), (*C.char)(in),
		C.uint(size), C.long(iters)))
}
