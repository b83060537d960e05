//go:build linux && cgo

package uring

import (
	"context"
	"encoding/binary"
	"io"
	"io/fs"
	"slices"
	"strings"

	"golang.org/x/sys/unix"
)

// FS is an fs.FS over a directory tree: opens, stats and reads go through
// the ring; directory listings use getdents(2), which io_uring lacks. It
// implements fs.StatFS, fs.ReadDirFS and fs.ReadFileFS. Its methods use
// context.Background.
type FS struct {
	r   *Ring
	dir string
}

// DirFS returns the file system rooted at dir, as os.DirFS does.
func (r *Ring) DirFS(dir string) *FS { return &FS{r: r, dir: dir} }

var (
	_ fs.StatFS     = (*FS)(nil)
	_ fs.ReadDirFS  = (*FS)(nil)
	_ fs.ReadFileFS = (*FS)(nil)
)

func (fsys *FS) join(op, name string) (string, error) {
	if !fs.ValidPath(name) {
		return "", pathError(op, name, fs.ErrInvalid)
	}
	if name == "." {
		return fsys.dir, nil
	}
	return strings.TrimRight(fsys.dir, "/") + "/" + name, nil
}

// relabel puts name (relative to the FS) in a path error, as os.DirFS does.
func relabel(err error, name string) error {
	if pe, ok := err.(*fs.PathError); ok {
		pe.Path = name
	}
	return err
}

// Open opens name for reading.
func (fsys *FS) Open(name string) (fs.File, error) {
	full, err := fsys.join("open", name)
	if err != nil {
		return nil, err
	}
	f, err := fsys.r.Open(context.Background(), full)
	if err != nil {
		return nil, relabel(err, name)
	}
	return f, nil
}

// Stat describes name.
func (fsys *FS) Stat(name string) (fs.FileInfo, error) {
	full, err := fsys.join("stat", name)
	if err != nil {
		return nil, err
	}
	fi, err := fsys.r.Stat(context.Background(), full)
	if err != nil {
		return nil, relabel(err, name)
	}
	return fi, nil
}

// ReadFile reads the file name.
func (fsys *FS) ReadFile(name string) ([]byte, error) {
	full, err := fsys.join("readfile", name)
	if err != nil {
		return nil, err
	}
	b, err := fsys.r.ReadFile(context.Background(), full)
	if err != nil {
		return nil, relabel(err, name)
	}
	return b, nil
}

// ReadDir lists the directory name, sorted by name.
func (fsys *FS) ReadDir(name string) ([]fs.DirEntry, error) {
	full, err := fsys.join("readdir", name)
	if err != nil {
		return nil, err
	}
	return fsys.r.ReadDir(context.Background(), full)
}

// ReadDir lists the directory name, sorted by name, as os.ReadDir does.
func (r *Ring) ReadDir(ctx context.Context, name string) ([]fs.DirEntry, error) {
	f, err := r.Open(ctx, name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ents, err := f.ReadDir(-1)
	slices.SortFunc(ents, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return ents, err
}

// dirReader holds what getdents returned and is not consumed yet.
type dirReader struct {
	buf      []byte
	pos, end int
}

// ReadDir reads the directory's entries (fs.ReadDirFile): at most n when n
// is positive (io.EOF at the end), all the rest otherwise. Listing uses
// getdents(2); DirEntry.Info runs a statx through the ring.
func (f *File) ReadDir(n int) ([]fs.DirEntry, error) {
	if err := f.check(); err != nil {
		return nil, f.wrapErr("readdirent", err)
	}
	f.dirMu.Lock()
	defer f.dirMu.Unlock()
	if f.dir == nil {
		f.dir = &dirReader{buf: make([]byte, 8192)}
	}
	d := f.dir
	var out []fs.DirEntry
	for n <= 0 || len(out) < n {
		if d.pos >= d.end {
			m, err := f.getdents(d.buf)
			if err != nil {
				return out, f.wrapErr("readdirent", err)
			}
			if m <= 0 {
				break
			}
			d.pos, d.end = 0, m
		}
		rec := d.buf[d.pos:d.end]
		// struct linux_dirent64: ino, off, reclen, type, name.
		reclen := int(binary.NativeEndian.Uint16(rec[16:18]))
		if reclen < 20 || reclen > len(rec) {
			d.pos = d.end
			continue
		}
		d.pos += reclen
		ino := binary.NativeEndian.Uint64(rec[0:8])
		name := rec[19:reclen]
		if i := slices.Index(name, 0); i >= 0 {
			name = name[:i]
		}
		if ino == 0 || string(name) == "." || string(name) == ".." {
			continue
		}
		out = append(out, &dirEntry{r: f.r, dir: f.name, name: string(name), typ: direntType(rec[18])})
	}
	if n > 0 && len(out) == 0 {
		return nil, io.EOF
	}
	return out, nil
}

// getdents reads directory records, holding the fd against Close.
func (f *File) getdents(buf []byte) (int, error) {
	if !f.fdr.enter() {
		return 0, f.check()
	}
	defer f.fdr.done()
	for {
		n, err := unix.Getdents(f.fdr.fd, buf)
		if err != unix.EINTR {
			return n, err
		}
	}
}

// direntType maps a DT_* value to the type bits of fs.FileMode; DT_UNKNOWN
// becomes ^0 and Type asks statx.
func direntType(t byte) fs.FileMode {
	switch t {
	case unix.DT_REG:
		return 0
	case unix.DT_DIR:
		return fs.ModeDir
	case unix.DT_LNK:
		return fs.ModeSymlink
	case unix.DT_CHR:
		return fs.ModeDevice | fs.ModeCharDevice
	case unix.DT_BLK:
		return fs.ModeDevice
	case unix.DT_FIFO:
		return fs.ModeNamedPipe
	case unix.DT_SOCK:
		return fs.ModeSocket
	}
	return ^fs.FileMode(0)
}

// dirEntry is one entry of a directory listing.
type dirEntry struct {
	r    *Ring
	dir  string
	name string
	typ  fs.FileMode
}

func (e *dirEntry) Name() string { return e.name }
func (e *dirEntry) IsDir() bool  { return e.Type().IsDir() }
func (e *dirEntry) Type() fs.FileMode {
	if e.typ == ^fs.FileMode(0) {
		if fi, err := e.Info(); err == nil {
			e.typ = fi.Mode().Type()
		} else {
			return 0
		}
	}
	return e.typ
}

// Info describes the entry without following a symbolic link (statx with
// AT_SYMLINK_NOFOLLOW through the ring).
func (e *dirEntry) Info() (fs.FileInfo, error) {
	return e.r.Lstat(context.Background(), strings.TrimRight(e.dir, "/")+"/"+e.name)
}

func (e *dirEntry) String() string { return fs.FormatDirEntry(e) }
