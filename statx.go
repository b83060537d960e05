//go:build linux && cgo

package liburing

/*
#include "liburing_cgo.h"
*/
import "C"

import (
	"time"

	"golang.org/x/sys/unix"
)

// Statx is a zeroed struct statx in C memory for PrepStatx to fill (Python
// liburing's statx class): the SQE keeps its address and the kernel writes
// it when the operation runs, so it must stay open until the completion
// arrives. Read it after that through the accessors or Ptr. Close it when
// done.
type Statx struct {
	p *unix.Statx_t
}

// NewStatx returns a zeroed Statx (Python's statx() is malloc'd and starts
// with garbage).
func NewStatx() (*Statx, error) {
	p, err := cNew[unix.Statx_t](1)
	if err != nil {
		return nil, err
	}
	return &Statx{p: p}, nil
}

// Ptr is the struct statx in C memory, to pass to PrepStatx and to read
// every raw field (Python's stx_* properties); nil after Close.
func (s *Statx) Ptr() *unix.Statx_t {
	if s == nil {
		return nil
	}
	return s.p
}

// zeroStatx is what the accessors read after Close.
var zeroStatx unix.Statx_t

func (s *Statx) raw() *unix.Statx_t {
	if s == nil || s.p == nil {
		return &zeroStatx
	}
	return s.p
}

// Mask is stx_mask: the STATX_* fields the kernel filled in.
func (s *Statx) Mask() uint32 { return s.raw().Mask }

// Blksize is stx_blksize, the preferred I/O block size.
func (s *Statx) Blksize() uint32 { return s.raw().Blksize }

// Attributes is stx_attributes, the STATX_ATTR_* flags.
func (s *Statx) Attributes() uint64 { return s.raw().Attributes }

// AttributesMask is stx_attributes_mask: which STATX_ATTR_* flags the file
// system supports.
func (s *Statx) AttributesMask() uint64 { return s.raw().Attributes_mask }

// Nlink is stx_nlink, the number of hard links.
func (s *Statx) Nlink() uint32 { return s.raw().Nlink }

// UID is stx_uid, the owner's user id.
func (s *Statx) UID() uint32 { return s.raw().Uid }

// GID is stx_gid, the owner's group id.
func (s *Statx) GID() uint32 { return s.raw().Gid }

// Mode is stx_mode: the S_IF* file type and the permission bits.
func (s *Statx) Mode() uint16 { return s.raw().Mode }

// Ino is stx_ino, the inode number.
func (s *Statx) Ino() uint64 { return s.raw().Ino }

// Size is stx_size, the size in bytes.
func (s *Statx) Size() uint64 { return s.raw().Size }

// Blocks is stx_blocks, the number of 512-byte blocks allocated.
func (s *Statx) Blocks() uint64 { return s.raw().Blocks }

// Rdev is stx_rdev_major and stx_rdev_minor: the device a device file
// stands for.
func (s *Statx) Rdev() (major, minor uint32) { return s.raw().Rdev_major, s.raw().Rdev_minor }

// Dev is stx_dev_major and stx_dev_minor: the device holding the file.
func (s *Statx) Dev() (major, minor uint32) { return s.raw().Dev_major, s.raw().Dev_minor }

// MntID is stx_mnt_id, the mount id (STATX_MNT_ID, Linux 5.8).
func (s *Statx) MntID() uint64 { return s.raw().Mnt_id }

func statxTime(t unix.StatxTimestamp) time.Time { return time.Unix(t.Sec, int64(t.Nsec)) }

// Atime is stx_atime, the last access. (Python gives the four times as
// float seconds, sec + nsec*1e-9.)
func (s *Statx) Atime() time.Time { return statxTime(s.raw().Atime) }

// Btime is stx_btime, the creation time (STATX_BTIME).
func (s *Statx) Btime() time.Time { return statxTime(s.raw().Btime) }

// Ctime is stx_ctime, the last status change.
func (s *Statx) Ctime() time.Time { return statxTime(s.raw().Ctime) }

// Mtime is stx_mtime, the last modification.
func (s *Statx) Mtime() time.Time { return statxTime(s.raw().Mtime) }

func (s *Statx) isType(typ uint32) bool { return uint32(s.Mode())&unix.S_IFMT == typ }

// IsReg reports a regular file (Python's isreg and isfile).
func (s *Statx) IsReg() bool { return s.isType(unix.S_IFREG) }

// IsDir reports a directory (Python's isdir).
func (s *Statx) IsDir() bool { return s.isType(unix.S_IFDIR) }

// IsLnk reports a symbolic link (Python's islink).
func (s *Statx) IsLnk() bool { return s.isType(unix.S_IFLNK) }

// IsChr reports a character device (Python's ischr).
func (s *Statx) IsChr() bool { return s.isType(unix.S_IFCHR) }

// IsBlk reports a block device (Python's isblk).
func (s *Statx) IsBlk() bool { return s.isType(unix.S_IFBLK) }

// IsFIFO reports a named pipe (Python's isfifo).
func (s *Statx) IsFIFO() bool { return s.isType(unix.S_IFIFO) }

// IsSock reports a socket (Python's issock).
func (s *Statx) IsSock() bool { return s.isType(unix.S_IFSOCK) }

// Close frees the C memory; ErrClosed the second time. No statx operation
// that writes it may still be in flight.
func (s *Statx) Close() error {
	if s == nil {
		return ErrClosed
	}
	err := cFree(s.p)
	s.p = nil
	return err
}
