// Package uring is a goroutine-friendly layer over io_uring, built on the
// liburing binding in the parent package: files, sockets and timers whose
// calls block only the calling goroutine while one shared ring does the I/O.
// It plays for Go the role that Shakti plays for Python, with goroutines in
// place of async/await.
//
// # Model
//
// A Ring is one io_uring instance shared by any number of goroutines.
// Operations from all goroutines are gathered into batches in C memory
// (liburing.Batch) and submitted with one cgo call per batch, not one per
// operation. Completions are read from the mapped CQ ring without a cgo call
// by one reaper goroutine, which parks in Go's netpoller on an eventfd that
// the ring signals (io_uring_register_eventfd), and wakes exactly the
// goroutine that waits for each completion. No OS thread is parked per
// operation.
//
// # Memory
//
// Go buffers handed to the kernel are pinned with runtime.Pinner from
// submission until the operation's completion arrived; a call returns only
// after that, even when it was cancelled, so a caller may reuse its buffer
// as soon as the call returns.
//
// # Cancellation
//
// Every call takes a context.Context (the io.Reader-style methods use
// context.Background or the connection's deadlines). A context with a
// deadline links an IORING_OP_LINK_TIMEOUT to the operation; cancelling a
// context submits IORING_OP_ASYNC_CANCEL for it. A cancelled call returns
// ctx.Err() once the kernel is done with its buffer; when the operation
// completed before the cancellation took effect, the call returns its real
// result instead, so that no data is lost.
//
// # Kernel
//
// Linux 5.19 or later (IORING_OP_SOCKET, cancellation by file descriptor,
// multishot accept); socket options go through io_uring on Linux 6.7 and
// later and through setsockopt(2) before.
package uring
