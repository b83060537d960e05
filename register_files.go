//go:build linux && cgo

package liburing

/*
#include "liburing_cgo.h"
*/
import "C"

// Registered (fixed) files: an SQE with IOSQE_FIXED_FILE names a slot of the
// ring's file table in Fd instead of a file descriptor. The kernel holds its
// own reference on each registered file, so the caller may close its fds
// after registering. A slot set to -1 is empty; IORING_REGISTER_FILES_SKIP
// in an update leaves a slot as it is. A tag (non-zero) makes the kernel post
// a CQE with user_data = tag once the file in that slot has been replaced or
// unregistered and no request uses it any more.

// RegisterFiles wraps io_uring_register_files: it registers files as the
// ring's fixed file table. EBUSY when a table is already registered, EBADF
// for a bad fd, EINVAL for an empty slice. On EMFILE liburing raises the
// process's RLIMIT_NOFILE soft limit and retries once. Linux 5.1.
func RegisterFiles(ring *Ring, files []int32) error {
	c, err := ring.get()
	if err != nil {
		return err
	}
	p, n, err := sliceArg(files)
	if err != nil {
		return err
	}
	return errOnly(C.io_uring_register_files(c, (*C.int)(p), n))
}

// RegisterFilesTags wraps io_uring_register_files_tags: as RegisterFiles,
// with tags[i] as the tag of files[i]. tags must be as long as files, or nil
// (no tags); otherwise EINVAL. Linux 5.13.
func RegisterFilesTags(ring *Ring, files []int32, tags []uint64) error {
	c, err := ring.get()
	if err != nil {
		return err
	}
	p, n, err := sliceArg(files)
	if err != nil {
		return err
	}
	t, err := tagsArg(tags, n)
	if err != nil {
		return err
	}
	return errOnly(C.io_uring_register_files_tags(c, (*C.int)(p), t, n))
}

// RegisterFilesSparse wraps io_uring_register_files_sparse: it registers a
// file table of nr empty slots, to fill with RegisterFilesUpdate or direct
// open/accept. On EMFILE liburing raises RLIMIT_NOFILE and retries once.
// Linux 5.19.
func RegisterFilesSparse(ring *Ring, nr uint32) error {
	c, err := ring.get()
	if err != nil {
		return err
	}
	return errOnly(C.io_uring_register_files_sparse(c, C.uint(nr)))
}

// RegisterFilesUpdate wraps io_uring_register_files_update: it replaces the
// fixed files from slot off on with files (-1 empties a slot) and returns
// the number of slots updated. ENXIO without a file table, EINVAL for an
// empty slice or a range past the table. Linux 5.5.
func RegisterFilesUpdate(ring *Ring, off uint32, files []int32) (int, error) {
	c, err := ring.get()
	if err != nil {
		return 0, err
	}
	p, n, err := sliceArg(files)
	if err != nil {
		return 0, err
	}
	return errno(C.io_uring_register_files_update(c, C.uint(off), (*C.int)(p), n))
}

// RegisterFilesUpdateTag wraps io_uring_register_files_update_tag: as
// RegisterFilesUpdate, giving the new files tags (as long as files, or nil).
// Returns the number of slots updated. Linux 5.13.
func RegisterFilesUpdateTag(ring *Ring, off uint32, files []int32, tags []uint64) (int, error) {
	c, err := ring.get()
	if err != nil {
		return 0, err
	}
	p, n, err := sliceArg(files)
	if err != nil {
		return 0, err
	}
	t, err := tagsArg(tags, n)
	if err != nil {
		return 0, err
	}
	return errno(C.io_uring_register_files_update_tag(c, C.uint(off), (*C.int)(p), t, n))
}

// UnregisterFiles wraps io_uring_unregister_files: it drops the fixed file
// table; ENXIO when none is registered. Before Linux 6.13 the kernel waits
// interruptibly for requests still using the table, so Go's own signals
// could fail it with EINTR: the call is repeated then, as the waits are
// (intr.go). Linux 5.1.
func UnregisterFiles(ring *Ring) error {
	c, err := ring.get()
	if err != nil {
		return err
	}
	return errOnly(retryEINTR(func() C.int { return C.io_uring_unregister_files(c) }))
}

// RegisterFileAllocRange wraps io_uring_register_file_alloc_range: direct
// descriptors allocated with IORING_FILE_INDEX_ALLOC then come from slots
// off..off+length-1 of the file table. EINVAL when the range does not fit the
// table. Linux 6.0.
func RegisterFileAllocRange(ring *Ring, off uint32, length uint32) error {
	c, err := ring.get()
	if err != nil {
		return err
	}
	return errOnly(C.io_uring_register_file_alloc_range(c, C.uint(off), C.uint(length)))
}
