//go:build linux && cgo

// Package ctwin holds the C twins of the benchmarks: the same workloads
// written in C against the same liburing that package liburing links, each
// run entirely inside one cgo call so that Go adds nothing per operation.
package ctwin

/*
#cgo CFLAGS: -O2 -D_GNU_SOURCE -I${SRCDIR}/../../build/liburing/include
#cgo LDFLAGS: ${SRCDIR}/../../build/liburing/lib/liburing.a
#cgo noescape lgb_echo
#cgo nocallback lgb_echo
#include <liburing.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
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

// The Echo workload's round trip, iters times: send(cfd, out) ->
// recv(sfd, sbuf, MSG_WAITALL) -> send(sfd, sbuf) -> recv(cfd, in,
// MSG_WAITALL), size bytes each, linked, submitted with one
// io_uring_submit_and_wait(4) and reaped with io_uring_for_each_cqe. The
// user_data of a request is its step, 0-3. The first and last byte of out
// change every round trip and must come back in in. Returns 0, -errno of a
// failed io_uring call, or 1 with *step and *res set: the step whose result
// was not size (step 4: the bytes that came back differ).
static int lgb_echo(struct io_uring *ring, int cfd, int sfd, char *out, char *sbuf, char *in,
		    unsigned size, long iters, int *step, int *res)
{
	const int fds[4] = {cfd, sfd, sfd, cfd};
	char *const bufs[4] = {out, sbuf, sbuf, in};
	for (long it = 0; it < iters; it++) {
		out[0] = (char)it;
		out[size - 1] = (char)~it;
		for (int s = 0; s < 4; s++) {
			struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
			if (s % 2 == 0)
				io_uring_prep_send(sqe, fds[s], bufs[s], size, 0);
			else
				io_uring_prep_recv(sqe, fds[s], bufs[s], size, MSG_WAITALL);
			if (s < 3)
				io_uring_sqe_set_flags(sqe, IOSQE_IO_LINK);
			io_uring_sqe_set_data64(sqe, s);
		}
		int ret;
		do // -EINTR only when the kernel submitted nothing
			ret = io_uring_submit_and_wait(ring, 4);
		while (ret == -EINTR);
		if (ret < 0)
			return ret;
		for (unsigned seen = 0; seen < 4;) {
			struct io_uring_cqe *cqe;
			unsigned head, n = 0;
			io_uring_for_each_cqe(ring, head, cqe) {
				if (cqe->res != (int)size) {
					*step = (int)cqe->user_data;
					*res = cqe->res;
					return 1;
				}
				n++;
			}
			io_uring_cq_advance(ring, n);
			seen += n;
			if (seen < 4 && (ret = io_uring_wait_cqe_nr(ring, &cqe, 4 - seen)) < 0 && ret != -EINTR)
				return ret;
		}
		if (in[0] != out[0] || in[size - 1] != out[size - 1]) {
			*step = 4;
			return 1;
		}
	}
	return 0;
}
// The Boundary workload: getppid, the cheapest system call, iters times in
// a C loop; or once, for a Go loop that enters C for every call.
static long lgb_getppid_loop(long iters)
{
	long sum = 0;
	for (long i = 0; i < iters; i++)
		sum += getppid();
	return sum;
}

static long lgb_getppid(void)
{
	return getppid();
}
*/
import "C"

import (
	"errors"
	"fmt"
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

// TCPPair connects two loopback TCP sockets, TCP_NODELAY on both: the
// client end and the server end. The caller closes both.
func TCPPair() (cfd, sfd int, err error) {
	var c, s C.int
	if err := errno(C.lgb_tcp_pair(&c, &s)); err != nil {
		return -1, -1, err
	}
	return int(c), int(s), nil
}

// EchoSteps names the requests of an echo round trip, by user_data.
var EchoSteps = [...]string{"client send", "server recv", "server send", "client recv"}

// EchoError is a round trip whose request Step (an index into EchoSteps)
// completed with Res instead of the size.
type EchoError struct {
	Step      uint64
	Res, Size int32
}

func (e *EchoError) Error() string {
	step := fmt.Sprintf("request %d", e.Step)
	if e.Step < uint64(len(EchoSteps)) {
		step = EchoSteps[e.Step]
	}
	if e.Res < 0 {
		return fmt.Sprintf("echo %s: %v", step, unix.Errno(-e.Res))
	}
	return fmt.Sprintf("echo %s: %d of %d bytes", step, e.Res, e.Size)
}

// ErrEchoMismatch: the bytes that came back are not those sent.
var ErrEchoMismatch = errors.New("echo: the bytes that came back differ from those sent")

// Echo runs iters round trips of size bytes on ring (a struct io_uring *):
// out (client) -> sbuf (server) -> in (client), over the connected client
// and server sockets cfd and sfd; out, sbuf and in are C memory of size
// bytes each.
func Echo(ring unsafe.Pointer, cfd, sfd int, out, sbuf, in unsafe.Pointer, size int, iters int) error {
	var step, res C.int
	ret := C.lgb_echo((*C.struct_io_uring)(ring), C.int(cfd), C.int(sfd), (*C.char)(out), (*C.char)(sbuf),
		(*C.char)(in), C.uint(size), C.long(iters), &step, &res)
	switch {
	case ret <= 0:
		return errno(ret)
	case step == 4:
		return ErrEchoMismatch
	}
	return &EchoError{Step: uint64(step), Res: int32(res), Size: int32(size)}
}

// GetppidLoop calls getppid iters times in one C loop and returns the sum of
// the results (so that no call can be optimised away).
func GetppidLoop(iters int) int { return int(C.lgb_getppid_loop(C.long(iters))) }

// Getppid calls getppid once, through one cgo call.
func Getppid() int { return int(C.lgb_getppid()) }
