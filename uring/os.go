//go:build linux && cgo

package uring

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path"
	"strings"
	"time"
	"unsafe"

	"github.com/liburing-go/liburing"
	"golang.org/x/sys/unix"
)

// FileInfo is what statx(2) says about a file; Sys returns the
// *unix.Statx_t.
type FileInfo struct {
	name string
	sx   unix.Statx_t
}

func (fi *FileInfo) Name() string { return fi.name }
func (fi *FileInfo) Size() int64  { return int64(fi.sx.Size) }
func (fi *FileInfo) Mode() fs.FileMode {
	return fileMode(uint32(fi.sx.Mode))
}
func (fi *FileInfo) ModTime() time.Time {
	return time.Unix(fi.sx.Mtime.Sec, int64(fi.sx.Mtime.Nsec))
}
func (fi *FileInfo) IsDir() bool { return fi.Mode().IsDir() }
func (fi *FileInfo) Sys() any    { return &fi.sx }

// fileMode turns a mode_t into an fs.FileMode exactly as os does.
func fileMode(m uint32) fs.FileMode {
	mode := fs.FileMode(m & 0o777)
	switch m & unix.S_IFMT {
	case unix.S_IFBLK:
		mode |= fs.ModeDevice
	case unix.S_IFCHR:
		mode |= fs.ModeDevice | fs.ModeCharDevice
	case unix.S_IFDIR:
		mode |= fs.ModeDir
	case unix.S_IFIFO:
		mode |= fs.ModeNamedPipe
	case unix.S_IFLNK:
		mode |= fs.ModeSymlink
	case unix.S_IFSOCK:
		mode |= fs.ModeSocket
	}
	if m&unix.S_ISGID != 0 {
		mode |= fs.ModeSetgid
	}
	if m&unix.S_ISUID != 0 {
		mode |= fs.ModeSetuid
	}
	if m&unix.S_ISVTX != 0 {
		mode |= fs.ModeSticky
	}
	return mode
}

func baseName(name string) string {
	name = strings.TrimRight(name, "/")
	if name == "" {
		return "/"
	}
	return path.Base(name)
}

const statxMask = unix.STATX_BASIC_STATS

// statx runs IORING_OP_STATX with the slot o (prepared by the caller) and
// releases it.
func (r *Ring) statx(ctx context.Context, o *op, dfd int, name string, flags int, base string) (*FileInfo, error) {
	defer r.put(o)
	p, err := cstring(name)
	if err != nil {
		return nil, err
	}
	sx := unsafe.Add(o.scratch, scratchStatx)
	o.rw(liburing.IORING_OP_STATX, dfd, o.pinBytes(p), statxMask, uint64(uintptr(sx)), uint32(flags))
	if _, err := r.do(ctx, o); err != nil {
		return nil, err
	}
	return &FileInfo{name: base, sx: *(*unix.Statx_t)(sx)}, nil
}

func (r *Ring) stat(ctx context.Context, op, name string, flags int) (*FileInfo, error) {
	o, err := r.get()
	if err != nil {
		return nil, pathError(op, name, err)
	}
	fi, err := r.statx(ctx, o, unix.AT_FDCWD, name, flags, baseName(name))
	if err != nil {
		return nil, pathError(op, name, err)
	}
	return fi, nil
}

// Stat describes the file name, following symbolic links (IORING_OP_STATX).
func (r *Ring) Stat(ctx context.Context, name string) (fs.FileInfo, error) {
	fi, err := r.stat(ctx, "stat", name, 0)
	if err != nil {
		return nil, err
	}
	return fi, nil
}

// Lstat describes the file name without following a final symbolic link.
func (r *Ring) Lstat(ctx context.Context, name string) (fs.FileInfo, error) {
	fi, err := r.stat(ctx, "lstat", name, unix.AT_SYMLINK_NOFOLLOW)
	if err != nil {
		return nil, err
	}
	return fi, nil
}

// Exists reports whether name exists (a statx that fails with ENOENT says
// no; other failures are errors).
func (r *Ring) Exists(ctx context.Context, name string) (bool, error) {
	_, err := r.stat(ctx, "stat", name, 0)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	}
	return false, err
}

// pathOp runs a path operation: o gets the pinned path and fills the rest.
func (r *Ring) pathOp(ctx context.Context, op, name string, fill func(o *op, path unsafe.Pointer)) error {
	p, err := cstring(name)
	if err != nil {
		return pathError(op, name, err)
	}
	o, err := r.get()
	if err != nil {
		return pathError(op, name, err)
	}
	fill(o, o.pinBytes(p))
	if _, err := r.simple(ctx, o); err != nil {
		return pathError(op, name, err)
	}
	return nil
}

// Mkdir creates the directory name with perm (before the umask)
// (IORING_OP_MKDIRAT).
func (r *Ring) Mkdir(ctx context.Context, name string, perm fs.FileMode) error {
	return r.pathOp(ctx, "mkdir", name, func(o *op, p unsafe.Pointer) {
		o.rw(liburing.IORING_OP_MKDIRAT, unix.AT_FDCWD, p, unixMode(perm), 0, 0)
	})
}

// MkdirAll creates name and the missing directories above it.
func (r *Ring) MkdirAll(ctx context.Context, name string, perm fs.FileMode) error {
	err := r.Mkdir(ctx, name, perm)
	if err == nil || errors.Is(err, fs.ErrExist) {
		if fi, serr := r.Stat(ctx, name); serr == nil && fi.IsDir() {
			return nil
		}
		return err
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	parent := path.Dir(strings.TrimRight(name, "/"))
	if parent == name || parent == "." || parent == "/" {
		return err
	}
	if err := r.MkdirAll(ctx, parent, perm); err != nil {
		return err
	}
	return r.Mkdir(ctx, name, perm)
}

// unlink removes name (IORING_OP_UNLINKAT with flags).
func (r *Ring) unlink(ctx context.Context, name string, flags int) error {
	p, err := cstring(name)
	if err != nil {
		return err
	}
	o, err := r.get()
	if err != nil {
		return err
	}
	o.rw(liburing.IORING_OP_UNLINKAT, unix.AT_FDCWD, o.pinBytes(p), 0, 0, uint32(flags))
	_, err = r.simple(ctx, o)
	return err
}

// Remove removes the file or empty directory name, as os.Remove does
// (IORING_OP_UNLINKAT).
func (r *Ring) Remove(ctx context.Context, name string) error {
	err := r.unlink(ctx, name, 0)
	if err == nil {
		return nil
	}
	if isCtxErr(err) || err == ErrClosed {
		return pathError("remove", name, err)
	}
	err1 := r.unlink(ctx, name, unix.AT_REMOVEDIR)
	if err1 == nil {
		return nil
	}
	if err1 != unix.ENOTDIR {
		err = err1
	}
	return pathError("remove", name, err)
}

// Rename renames (moves) oldpath to newpath (IORING_OP_RENAMEAT).
func (r *Ring) Rename(ctx context.Context, oldpath, newpath string) error {
	np, err := cstring(newpath)
	if err != nil {
		return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: err}
	}
	op, err := cstring(oldpath)
	if err != nil {
		return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: err}
	}
	o, err := r.get()
	if err != nil {
		return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: err}
	}
	newFd := int32(unix.AT_FDCWD)
	o.rw(liburing.IORING_OP_RENAMEAT, unix.AT_FDCWD, o.pinBytes(op), uint32(newFd), uint64(uintptr(o.pinBytes(np))), 0)
	if _, err := r.simple(ctx, o); err != nil {
		return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: err}
	}
	return nil
}
