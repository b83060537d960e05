//go:build linux && cgo

package uring

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"sync"
	"unsafe"

	"github.com/liburing-go/liburing"
	"golang.org/x/sys/unix"
)

// maxRW bounds one read or write operation, as os does.
const maxRW = 1 << 30

// File is an open file whose reads, writes, syncs and stats go through the
// ring. It implements io.Reader, io.Writer, io.ReaderAt, io.WriterAt,
// io.Seeker, io.Closer and, for directories, fs.ReadDirFile. The methods
// without a context use context.Background; the ...Context ones take one.
// A File is safe for concurrent use; Read, Write and Seek share the file
// offset and are serialised, ReadAt and WriteAt run in parallel.
type File struct {
	r    *Ring
	fdr  *fdRef
	name string

	posMu sync.Mutex // the file offset: Read, Write, Seek
	dirMu sync.Mutex
	dir   *dirReader
}

func (r *Ring) newFile(fd int, name string) (*File, error) {
	fdr, err := r.newFdRef(fd, nil)
	if err != nil {
		return nil, pathError("open", name, err)
	}
	return &File{r: r, fdr: fdr, name: name}, nil
}

// Name is the name the file was opened with.
func (f *File) Name() string { return f.name }

// Fd is the file descriptor. It stays valid until Close.
func (f *File) Fd() int { return f.fdr.fd }

// Ring is the ring the file's operations go through.
func (f *File) Ring() *Ring { return f.r }

// cstring returns name as a NUL-terminated byte slice.
func cstring(name string) ([]byte, error) {
	for i := 0; i < len(name); i++ {
		if name[i] == 0 {
			return nil, unix.EINVAL
		}
	}
	b := make([]byte, len(name)+1)
	copy(b, name)
	return b, nil
}

// OpenFile opens name with the os.O_* flags and, when creating it, perm
// (IORING_OP_OPENAT). The file is close-on-exec.
func (r *Ring) OpenFile(ctx context.Context, name string, flag int, perm fs.FileMode) (*File, error) {
	fd, err := r.openat(ctx, unix.AT_FDCWD, name, flag, perm)
	if err != nil {
		return nil, pathError("open", name, err)
	}
	return r.newFile(fd, name)
}

// Open opens name for reading.
func (r *Ring) Open(ctx context.Context, name string) (*File, error) {
	return r.OpenFile(ctx, name, os.O_RDONLY, 0)
}

// Create creates or truncates name (mode 0666 before the umask) for
// reading and writing.
func (r *Ring) Create(ctx context.Context, name string) (*File, error) {
	return r.OpenFile(ctx, name, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o666)
}

func (r *Ring) openat(ctx context.Context, dfd int, name string, flag int, perm fs.FileMode) (int, error) {
	path, err := cstring(name)
	if err != nil {
		return 0, err
	}
	o, err := r.get()
	if err != nil {
		return 0, err
	}
	o.rw(liburing.IORING_OP_OPENAT, dfd, o.pinBytes(path), unixMode(perm), 0, uint32(flag|unix.O_CLOEXEC))
	res, err := r.simple(ctx, o)
	return int(res), err
}

// unixMode turns permission and special bits of an fs.FileMode into a
// mode_t, as os does.
func unixMode(m fs.FileMode) uint32 {
	u := uint32(m.Perm())
	if m&fs.ModeSetuid != 0 {
		u |= unix.S_ISUID
	}
	if m&fs.ModeSetgid != 0 {
		u |= unix.S_ISGID
	}
	if m&fs.ModeSticky != 0 {
		u |= unix.S_ISVTX
	}
	return u
}

// ReadFile reads the whole file name.
func (r *Ring) ReadFile(ctx context.Context, name string) ([]byte, error) {
	f, err := r.Open(ctx, name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	size := 512
	if fi, err := f.StatContext(ctx); err == nil && fi.Size() > 0 && fi.Size() < 1<<40 {
		size = int(fi.Size()) + 1
	}
	data := make([]byte, 0, size)
	for {
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)]
		}
		n, err := f.ReadAtContext(ctx, data[len(data):cap(data)], int64(len(data)))
		data = data[:len(data)+n]
		if err == io.EOF {
			return data, nil
		}
		if err != nil {
			return data, err
		}
	}
}

// WriteFile writes data to name, creating it with perm or truncating it.
func (r *Ring) WriteFile(ctx context.Context, name string, data []byte, perm fs.FileMode) error {
	f, err := r.OpenFile(ctx, name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, perm)
	if err != nil {
		return err
	}
	_, err = f.WriteAtContext(ctx, data, 0)
	if err1 := f.Close(); err == nil {
		err = err1
	}
	return err
}

// fileOp prepares an operation on f's fd.
func (f *File) fileOp() (*op, error) {
	o, err := f.r.get()
	if err != nil {
		return nil, err
	}
	o.fdr = f.fdr
	return o, nil
}

// wrapErr reports an error of op on f as os does.
func (f *File) wrapErr(op string, err error) error {
	switch {
	case err == nil, err == io.EOF:
		return err
	case err == errFileClosing:
		err = os.ErrClosed
	case isCtxErr(err):
		return err
	}
	return pathError(op, f.name, err)
}

// rw runs one read or write of p at off (-1: the file offset).
func (f *File) rw(ctx context.Context, opcode uint8, p []byte, off int64) (int, error) {
	if err := f.check(); err != nil {
		return 0, err
	}
	if len(p) > maxRW {
		p = p[:maxRW]
	}
	o, err := f.fileOp()
	if err != nil {
		return 0, err
	}
	defer f.r.put(o)
	var addr unsafe.Pointer
	if len(p) > 0 {
		addr = o.pinBytes(p)
	}
	o.rw(opcode, f.fdr.fd, addr, uint32(len(p)), uint64(off), 0)
	res, err := f.r.do(ctx, o)
	return int(res), err
}

// Read reads up to len(p) bytes at the file offset (IORING_OP_READ).
func (f *File) Read(p []byte) (int, error) { return f.ReadContext(context.Background(), p) }

// ReadContext is Read under ctx.
func (f *File) ReadContext(ctx context.Context, p []byte) (int, error) {
	if len(p) == 0 {
		return 0, f.wrapErr("read", f.check())
	}
	f.posMu.Lock()
	defer f.posMu.Unlock()
	n, err := f.rw(ctx, liburing.IORING_OP_READ, p, -1)
	if err == nil && n == 0 {
		err = io.EOF
	}
	return n, f.wrapErr("read", err)
}

// ReadAt reads len(p) bytes at off; it returns an error (io.EOF at the
// end) when it reads fewer.
func (f *File) ReadAt(p []byte, off int64) (int, error) {
	return f.ReadAtContext(context.Background(), p, off)
}

// ReadAtContext is ReadAt under ctx.
func (f *File) ReadAtContext(ctx context.Context, p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, pathError("readat", f.name, errors.New("negative offset"))
	}
	if err := f.check(); err != nil {
		return 0, f.wrapErr("read", err)
	}
	n := 0
	for len(p) > 0 {
		m, err := f.rw(ctx, liburing.IORING_OP_READ, p, off)
		if err != nil {
			return n, f.wrapErr("read", err)
		}
		if m == 0 {
			return n, io.EOF
		}
		n += m
		p = p[m:]
		off += int64(m)
	}
	return n, nil
}

// Write writes p at the file offset (IORING_OP_WRITE), looping over short
// writes.
func (f *File) Write(p []byte) (int, error) { return f.WriteContext(context.Background(), p) }

// WriteContext is Write under ctx.
func (f *File) WriteContext(ctx context.Context, p []byte) (int, error) {
	f.posMu.Lock()
	defer f.posMu.Unlock()
	return f.writeLoop(ctx, p, -1)
}

// WriteAt writes p at off.
func (f *File) WriteAt(p []byte, off int64) (int, error) {
	return f.WriteAtContext(context.Background(), p, off)
}

// WriteAtContext is WriteAt under ctx.
func (f *File) WriteAtContext(ctx context.Context, p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, pathError("writeat", f.name, errors.New("negative offset"))
	}
	return f.writeLoop(ctx, p, off)
}

// writeLoop writes all of p at off (or the file offset when off is -1).
func (f *File) writeLoop(ctx context.Context, p []byte, off int64) (int, error) {
	if err := f.check(); err != nil {
		return 0, f.wrapErr("write", err)
	}
	n := 0
	for len(p) > 0 {
		m, err := f.rw(ctx, liburing.IORING_OP_WRITE, p, off)
		if err != nil {
			return n, f.wrapErr("write", err)
		}
		if m == 0 {
			return n, f.wrapErr("write", io.ErrUnexpectedEOF)
		}
		n += m
		p = p[m:]
		if off >= 0 {
			off += int64(m)
		}
	}
	return n, nil
}

// check returns the error of a call on a closed file or ring.
func (f *File) check() error {
	if f.fdr.closed() {
		if f.r.isClosing() {
			return ErrClosed
		}
		return errFileClosing
	}
	return nil
}

// Seek sets the file offset (lseek(2): it never blocks).
func (f *File) Seek(offset int64, whence int) (int64, error) {
	if err := f.check(); err != nil {
		return 0, f.wrapErr("seek", err)
	}
	f.posMu.Lock()
	defer f.posMu.Unlock()
	f.dirMu.Lock()
	f.dir = nil // a directory read starts over
	f.dirMu.Unlock()
	ret, err := unix.Seek(f.fdr.fd, offset, whence)
	if err != nil {
		return 0, f.wrapErr("seek", err)
	}
	return ret, nil
}

// Sync flushes the file to storage (IORING_OP_FSYNC).
func (f *File) Sync() error { return f.SyncContext(context.Background()) }

// SyncContext is Sync under ctx.
func (f *File) SyncContext(ctx context.Context) error {
	if err := f.check(); err != nil {
		return f.wrapErr("sync", err)
	}
	o, err := f.fileOp()
	if err != nil {
		return f.wrapErr("sync", err)
	}
	defer f.r.put(o)
	o.rw(liburing.IORING_OP_FSYNC, f.fdr.fd, nil, 0, 0, 0)
	_, err = f.r.do(ctx, o)
	return f.wrapErr("sync", err)
}

// Stat describes the file (IORING_OP_STATX on the fd).
func (f *File) Stat() (fs.FileInfo, error) { return f.StatContext(context.Background()) }

// StatContext is Stat under ctx.
func (f *File) StatContext(ctx context.Context) (fs.FileInfo, error) {
	if err := f.check(); err != nil {
		return nil, f.wrapErr("stat", err)
	}
	o, err := f.fileOp()
	if err != nil {
		return nil, f.wrapErr("stat", err)
	}
	fi, err := f.r.statx(ctx, o, f.fdr.fd, "", unix.AT_EMPTY_PATH, baseName(f.name))
	if err != nil {
		// No typed nil in the interface: fi == nil must hold on error.
		return nil, f.wrapErr("stat", err)
	}
	return fi, nil
}

// Close cancels what is in flight on the file, waits for it, and closes
// the file (IORING_OP_CLOSE). A second Close returns an error.
func (f *File) Close() error {
	err := f.fdr.close()
	if err == errFileClosing {
		err = os.ErrClosed
	}
	if err != nil {
		return pathError("close", f.name, err)
	}
	return nil
}
