//go:build linux && cgo

package liburing

/*
#include "liburing_cgo.h"

// The C type of io_uring_prep_fadvise's len: off_t up to liburing 2.6,
// __u32 from 2.7 on.
#if IO_URING_VERSION_MAJOR == 2 && IO_URING_VERSION_MINOR < 7
typedef off_t lg_file_fadvise_len_t;
#else
typedef __u32 lg_file_fadvise_len_t;
#endif
*/
import "C"

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// Pointer lifetimes, for every prep helper: "until submit" means the kernel
// reads the memory when it consumes the SQE (Submit*), "until completion"
// means it may read or write it until the operation's CQE arrives. Such
// memory is C memory (AllocBuffer, CString, Iovec) or Go memory pinned with
// runtime.Pinner for that long. A nil sqe is ignored.

// PrepRead wraps io_uring_prep_read: read nbytes from fd at offset (-1 for the
// current position) into buf. buf must stay valid until completion.
// IORING_OP_READ, Linux 5.6.
func PrepRead(sqe *SQE, fd int, buf unsafe.Pointer, nbytes uint32, offset uint64) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_read(sqe.c(), C.int(fd), buf, C.uint(nbytes), C.__u64(offset))
}

// PrepWrite wraps io_uring_prep_write: write nbytes from buf to fd at offset
// (-1 for the current position). buf must stay valid until completion.
// IORING_OP_WRITE, Linux 5.6.
func PrepWrite(sqe *SQE, fd int, buf unsafe.Pointer, nbytes uint32, offset uint64) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_write(sqe.c(), C.int(fd), buf, C.uint(nbytes), C.__u64(offset))
}

// PrepOpenat wraps io_uring_prep_openat: openat(dfd, path, flags, mode); the
// CQE's res is the new fd. path is a NUL-terminated string that must stay
// valid until submit. IORING_OP_OPENAT, Linux 5.6.
func PrepOpenat(sqe *SQE, dfd int, path *byte, flags int, mode uint32) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_openat(sqe.c(), C.int(dfd), (*C.char)(unsafe.Pointer(path)), C.int(flags), C.mode_t(mode))
}

// PrepClose wraps io_uring_prep_close: close(fd). IORING_OP_CLOSE, Linux 5.6.
func PrepClose(sqe *SQE, fd int) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_close(sqe.c(), C.int(fd))
}

// fileCStr converts a NUL-terminated Go *byte to a C string pointer.
func fileCStr(p *byte) *C.char { return (*C.char)(unsafe.Pointer(p)) }

// fileStatx converts a unix.Statx_t pointer to the C struct statx pointer.
func fileStatx(p *unix.Statx_t) *C.struct_statx { return (*C.struct_statx)(unsafe.Pointer(p)) }

// fileOpenHow converts a unix.OpenHow pointer to the C struct open_how pointer.
func fileOpenHow(p *unix.OpenHow) *C.struct_open_how { return (*C.struct_open_how)(unsafe.Pointer(p)) }

// fileIovec converts a unix.Iovec pointer to the C struct iovec pointer.
func fileIovec(p *unix.Iovec) *C.struct_iovec { return (*C.struct_iovec)(unsafe.Pointer(p)) }

// PrepReadv wraps io_uring_prep_readv: preadv(fd, iovecs, nrVecs, offset),
// offset -1 meaning the current file position. The iovec array must stay
// valid until submit and the buffers it names until completion (Iovec.Ptr
// gives both). IORING_OP_READV, Linux 5.1.
func PrepReadv(sqe *SQE, fd int, iovecs *unix.Iovec, nrVecs uint32, offset uint64) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_readv(sqe.c(), C.int(fd), fileIovec(iovecs), C.uint(nrVecs), C.__u64(offset))
}

// PrepReadv2 wraps io_uring_prep_readv2: PrepReadv with preadv2 RWF_* flags
// (RWF_HIPRI, RWF_NOWAIT, ...). The iovec array must stay valid until submit
// and its buffers until completion. IORING_OP_READV, Linux 5.1.
func PrepReadv2(sqe *SQE, fd int, iovecs *unix.Iovec, nrVecs uint32, offset uint64, flags int) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_readv2(sqe.c(), C.int(fd), fileIovec(iovecs), C.uint(nrVecs), C.__u64(offset), C.int(flags))
}

// PrepReadFixed wraps io_uring_prep_read_fixed: read nbytes from fd at offset
// into buf, which must lie inside registered buffer bufIndex (only its low
// 16 bits are stored). buf stays valid while registered.
// IORING_OP_READ_FIXED, Linux 5.1.
func PrepReadFixed(sqe *SQE, fd int, buf unsafe.Pointer, nbytes uint32, offset uint64, bufIndex int) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_read_fixed(sqe.c(), C.int(fd), buf, C.uint(nbytes), C.__u64(offset), C.int(bufIndex))
}

// PrepWritev wraps io_uring_prep_writev: pwritev(fd, iovecs, nrVecs,
// offset), offset -1 meaning the current file position. The iovec array
// must stay valid until submit and its buffers until completion.
// IORING_OP_WRITEV, Linux 5.1.
func PrepWritev(sqe *SQE, fd int, iovecs *unix.Iovec, nrVecs uint32, offset uint64) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_writev(sqe.c(), C.int(fd), fileIovec(iovecs), C.uint(nrVecs), C.__u64(offset))
}

// PrepWritev2 wraps io_uring_prep_writev2: PrepWritev with pwritev2 RWF_*
// flags (RWF_DSYNC, RWF_APPEND, ...). The iovec array must stay valid until
// submit and its buffers until completion. IORING_OP_WRITEV, Linux 5.1.
func PrepWritev2(sqe *SQE, fd int, iovecs *unix.Iovec, nrVecs uint32, offset uint64, flags int) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_writev2(sqe.c(), C.int(fd), fileIovec(iovecs), C.uint(nrVecs), C.__u64(offset), C.int(flags))
}

// PrepWriteFixed wraps io_uring_prep_write_fixed: write nbytes from buf to fd
// at offset; buf must lie inside registered buffer bufIndex (only its low 16
// bits are stored). buf stays valid while registered.
// IORING_OP_WRITE_FIXED, Linux 5.1.
func PrepWriteFixed(sqe *SQE, fd int, buf unsafe.Pointer, nbytes uint32, offset uint64, bufIndex int) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_write_fixed(sqe.c(), C.int(fd), buf, C.uint(nbytes), C.__u64(offset), C.int(bufIndex))
}

// PrepReadMultishot wraps io_uring_prep_read_multishot: read repeatedly from
// the pollable fd (a pipe, socket, eventfd) into buffers taken from provided
// buffer group bufGroup, posting a CQE per read with IORING_CQE_F_MORE while
// it stays armed. nbytes 0 means the whole provided buffer. liburing 2.6
// leaves sqe.Flags alone, so the caller sets IOSQE_BUFFER_SELECT; 2.7 and
// later set it. IORING_OP_READ_MULTISHOT, Linux 6.7.
func PrepReadMultishot(sqe *SQE, fd int, nbytes uint32, offset uint64, bufGroup int) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_read_multishot(sqe.c(), C.int(fd), C.uint(nbytes), C.__u64(offset), C.int(bufGroup))
}

// PrepFsync wraps io_uring_prep_fsync: fsync(fd), or fdatasync with
// IORING_FSYNC_DATASYNC in fsyncFlags. IORING_OP_FSYNC, Linux 5.1.
func PrepFsync(sqe *SQE, fd int, fsyncFlags uint32) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_fsync(sqe.c(), C.int(fd), C.uint(fsyncFlags))
}

// PrepSyncFileRange wraps io_uring_prep_sync_file_range: sync_file_range(fd,
// offset, len, flags), len 0 meaning to the end of the file.
// IORING_OP_SYNC_FILE_RANGE, Linux 5.2.
func PrepSyncFileRange(sqe *SQE, fd int, len uint32, offset uint64, flags int) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_sync_file_range(sqe.c(), C.int(fd), C.uint(len), C.__u64(offset), C.int(flags))
}

// PrepFallocate wraps io_uring_prep_fallocate: fallocate(fd, mode, offset,
// len). IORING_OP_FALLOCATE, Linux 5.6.
func PrepFallocate(sqe *SQE, fd int, mode int, offset uint64, len uint64) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_fallocate(sqe.c(), C.int(fd), C.int(mode), C.__u64(offset), C.__u64(len))
}

// PrepFadvise wraps io_uring_prep_fadvise: posix_fadvise(fd, offset, len,
// advice). len keeps liburing 2.6's 64-bit off_t, but only its low 32 bits
// reach the SQE (liburing truncates it; 2.7 made the C type __u32).
// IORING_OP_FADVISE, Linux 5.6.
func PrepFadvise(sqe *SQE, fd int, offset uint64, len int64, advice int) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_fadvise(sqe.c(), C.int(fd), C.__u64(offset), C.lg_file_fadvise_len_t(len), C.int(advice))
}

// PrepFtruncate wraps io_uring_prep_ftruncate: ftruncate(fd, len).
// IORING_OP_FTRUNCATE, Linux 6.9.
func PrepFtruncate(sqe *SQE, fd int, len int64) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_ftruncate(sqe.c(), C.int(fd), C.loff_t(len))
}

// PrepSplice wraps io_uring_prep_splice: splice nbytes from fdIn at offIn to
// fdOut at offOut; one of them must be a pipe, whose offset must be -1 (-1
// on a file means its current position). SPLICE_F_FD_IN_FIXED in
// spliceFlags makes fdIn a fixed file index. IORING_OP_SPLICE, Linux 5.7.
func PrepSplice(sqe *SQE, fdIn int, offIn int64, fdOut int, offOut int64, nbytes uint32, spliceFlags uint32) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_splice(sqe.c(), C.int(fdIn), C.int64_t(offIn), C.int(fdOut), C.int64_t(offOut),
		C.uint(nbytes), C.uint(spliceFlags))
}

// PrepTee wraps io_uring_prep_tee: tee(fdIn, fdOut, nbytes, spliceFlags),
// duplicating up to nbytes from one pipe into another without consuming
// them. IORING_OP_TEE, Linux 5.8.
func PrepTee(sqe *SQE, fdIn int, fdOut int, nbytes uint32, spliceFlags uint32) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_tee(sqe.c(), C.int(fdIn), C.int(fdOut), C.uint(nbytes), C.uint(spliceFlags))
}

// PrepOpenatDirect wraps io_uring_prep_openat_direct: PrepOpenat that puts
// the new file into fixed file slot fileIndex instead of the process's fd
// table (IORING_FILE_INDEX_ALLOC picks a free slot and returns it in res).
// path must stay valid until submit. IORING_OP_OPENAT, Linux 5.15
// (allocation: Linux 5.19).
func PrepOpenatDirect(sqe *SQE, dfd int, path *byte, flags int, mode uint32, fileIndex uint32) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_openat_direct(sqe.c(), C.int(dfd), fileCStr(path), C.int(flags), C.mode_t(mode), C.uint(fileIndex))
}

// PrepOpenat2 wraps io_uring_prep_openat2: openat2(dfd, path, how). path and
// how must stay valid until submit. IORING_OP_OPENAT2, Linux 5.6.
func PrepOpenat2(sqe *SQE, dfd int, path *byte, how *unix.OpenHow) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_openat2(sqe.c(), C.int(dfd), fileCStr(path), fileOpenHow(how))
}

// PrepOpenat2Direct wraps io_uring_prep_openat2_direct: PrepOpenat2 into
// fixed file slot fileIndex (IORING_FILE_INDEX_ALLOC picks one). path and how
// must stay valid until submit. IORING_OP_OPENAT2, Linux 5.15 (allocation:
// Linux 5.19).
func PrepOpenat2Direct(sqe *SQE, dfd int, path *byte, how *unix.OpenHow, fileIndex uint32) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_openat2_direct(sqe.c(), C.int(dfd), fileCStr(path), fileOpenHow(how), C.uint(fileIndex))
}

// PrepCloseDirect wraps io_uring_prep_close_direct: empty fixed file slot
// fileIndex. IORING_OP_CLOSE, Linux 5.15.
func PrepCloseDirect(sqe *SQE, fileIndex uint32) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_close_direct(sqe.c(), C.uint(fileIndex))
}

// PrepFixedFdInstall wraps io_uring_prep_fixed_fd_install: install fixed
// file fd (a slot index) into the process's fd table; res is the new fd,
// O_CLOEXEC unless flags has IORING_FIXED_FD_NO_CLOEXEC. It sets sqe.Flags to
// IOSQE_FIXED_FILE, replacing any flags. IORING_OP_FIXED_FD_INSTALL, Linux 6.8.
func PrepFixedFdInstall(sqe *SQE, fd int, flags uint32) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_fixed_fd_install(sqe.c(), C.int(fd), C.uint(flags))
}

// PrepStatx wraps io_uring_prep_statx: statx(dfd, path, flags, mask,
// statxbuf). path must stay valid until submit and statxbuf, which the
// kernel fills, until completion. IORING_OP_STATX, Linux 5.6.
func PrepStatx(sqe *SQE, dfd int, path *byte, flags int, mask uint32, statxbuf *unix.Statx_t) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_statx(sqe.c(), C.int(dfd), fileCStr(path), C.int(flags), C.uint(mask), fileStatx(statxbuf))
}

// PrepUnlinkat wraps io_uring_prep_unlinkat: unlinkat(dfd, path, flags)
// (AT_REMOVEDIR removes a directory). path must stay valid until submit.
// IORING_OP_UNLINKAT, Linux 5.11.
func PrepUnlinkat(sqe *SQE, dfd int, path *byte, flags int) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_unlinkat(sqe.c(), C.int(dfd), fileCStr(path), C.int(flags))
}

// PrepUnlink wraps io_uring_prep_unlink: PrepUnlinkat relative to the
// current directory (AT_FDCWD). path must stay valid until submit.
// IORING_OP_UNLINKAT, Linux 5.11.
func PrepUnlink(sqe *SQE, path *byte, flags int) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_unlink(sqe.c(), fileCStr(path), C.int(flags))
}

// PrepRenameat wraps io_uring_prep_renameat: renameat2(olddfd, oldpath,
// newdfd, newpath, flags). Both paths must stay valid until submit.
// IORING_OP_RENAMEAT, Linux 5.11.
func PrepRenameat(sqe *SQE, olddfd int, oldpath *byte, newdfd int, newpath *byte, flags uint32) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_renameat(sqe.c(), C.int(olddfd), fileCStr(oldpath), C.int(newdfd), fileCStr(newpath), C.uint(flags))
}

// PrepRename wraps io_uring_prep_rename: rename(oldpath, newpath). Both paths
// must stay valid until submit. IORING_OP_RENAMEAT, Linux 5.11.
func PrepRename(sqe *SQE, oldpath *byte, newpath *byte) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_rename(sqe.c(), fileCStr(oldpath), fileCStr(newpath))
}

// PrepMkdirat wraps io_uring_prep_mkdirat: mkdirat(dfd, path, mode). path
// must stay valid until submit. IORING_OP_MKDIRAT, Linux 5.15.
func PrepMkdirat(sqe *SQE, dfd int, path *byte, mode uint32) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_mkdirat(sqe.c(), C.int(dfd), fileCStr(path), C.mode_t(mode))
}

// PrepMkdir wraps io_uring_prep_mkdir: mkdir(path, mode). path must stay
// valid until submit. IORING_OP_MKDIRAT, Linux 5.15.
func PrepMkdir(sqe *SQE, path *byte, mode uint32) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_mkdir(sqe.c(), fileCStr(path), C.mode_t(mode))
}

// PrepSymlinkat wraps io_uring_prep_symlinkat: symlinkat(target, newdirfd,
// linkpath). Both strings must stay valid until submit.
// IORING_OP_SYMLINKAT, Linux 5.15.
func PrepSymlinkat(sqe *SQE, target *byte, newdirfd int, linkpath *byte) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_symlinkat(sqe.c(), fileCStr(target), C.int(newdirfd), fileCStr(linkpath))
}

// PrepSymlink wraps io_uring_prep_symlink: symlink(target, linkpath). Both
// strings must stay valid until submit. IORING_OP_SYMLINKAT, Linux 5.15.
func PrepSymlink(sqe *SQE, target *byte, linkpath *byte) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_symlink(sqe.c(), fileCStr(target), fileCStr(linkpath))
}

// PrepLinkat wraps io_uring_prep_linkat: linkat(olddfd, oldpath, newdfd,
// newpath, flags). Both paths must stay valid until submit.
// IORING_OP_LINKAT, Linux 5.15.
func PrepLinkat(sqe *SQE, olddfd int, oldpath *byte, newdfd int, newpath *byte, flags int) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_linkat(sqe.c(), C.int(olddfd), fileCStr(oldpath), C.int(newdfd), fileCStr(newpath), C.int(flags))
}

// PrepLink wraps io_uring_prep_link: PrepLinkat with both paths relative to
// the current directory. Both paths must stay valid until submit.
// IORING_OP_LINKAT, Linux 5.15.
func PrepLink(sqe *SQE, oldpath *byte, newpath *byte, flags int) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_link(sqe.c(), fileCStr(oldpath), fileCStr(newpath), C.int(flags))
}

// PrepGetxattr wraps io_uring_prep_getxattr: getxattr(path, name, value,
// len); res is the value's size. name and path must stay valid until submit,
// value (len bytes, written by the kernel) until completion.
// IORING_OP_GETXATTR, Linux 5.19.
func PrepGetxattr(sqe *SQE, name *byte, value *byte, path *byte, len uint32) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_getxattr(sqe.c(), fileCStr(name), fileCStr(value), fileCStr(path), C.uint(len))
}

// PrepSetxattr wraps io_uring_prep_setxattr: setxattr(path, name, value,
// len, flags) with XATTR_CREATE or XATTR_REPLACE in flags. name, value and
// path must stay valid until submit. IORING_OP_SETXATTR, Linux 5.19.
func PrepSetxattr(sqe *SQE, name *byte, value *byte, path *byte, flags int, len uint32) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_setxattr(sqe.c(), fileCStr(name), fileCStr(value), fileCStr(path), C.int(flags), C.uint(len))
}

// PrepFgetxattr wraps io_uring_prep_fgetxattr: fgetxattr(fd, name, value,
// len); res is the value's size. name must stay valid until submit, value
// (written by the kernel) until completion. IORING_OP_FGETXATTR, Linux 5.19.
func PrepFgetxattr(sqe *SQE, fd int, name *byte, value *byte, len uint32) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_fgetxattr(sqe.c(), C.int(fd), fileCStr(name), fileCStr(value), C.uint(len))
}

// PrepFsetxattr wraps io_uring_prep_fsetxattr: fsetxattr(fd, name, value,
// len, flags). name and value must stay valid until submit.
// IORING_OP_FSETXATTR, Linux 5.19.
func PrepFsetxattr(sqe *SQE, fd int, name *byte, value *byte, flags int, len uint32) {
	if sqe == nil {
		return
	}
	C.io_uring_prep_fsetxattr(sqe.c(), C.int(fd), fileCStr(name), fileCStr(value), C.int(flags), C.uint(len))
}
