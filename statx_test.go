//go:build linux && cgo

package liburing

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

func TestStatxAccessors(t *testing.T) {
	st, err := NewStatx()
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if *st.Ptr() != (unix.Statx_t{}) {
		t.Fatal("NewStatx memory is not zeroed")
	}
	p := st.Ptr()
	*p = unix.Statx_t{
		Mask: 0x7ff, Blksize: 4096, Attributes: 0x20, Nlink: 3, Uid: 1000, Gid: 100,
		Mode: unix.S_IFREG | 0o644, Ino: 1234, Size: 11, Blocks: 8, Attributes_mask: 0x30,
		Atime:      unix.StatxTimestamp{Sec: 1, Nsec: 2},
		Btime:      unix.StatxTimestamp{Sec: 3, Nsec: 4},
		Ctime:      unix.StatxTimestamp{Sec: 5, Nsec: 6},
		Mtime:      unix.StatxTimestamp{Sec: -7, Nsec: 999999999},
		Rdev_major: 8, Rdev_minor: 9, Dev_major: 10, Dev_minor: 11, Mnt_id: 12,
	}
	if st.Mask() != 0x7ff || st.Blksize() != 4096 || st.Attributes() != 0x20 || st.Nlink() != 3 ||
		st.UID() != 1000 || st.GID() != 100 || st.Mode() != unix.S_IFREG|0o644 || st.Ino() != 1234 ||
		st.Size() != 11 || st.Blocks() != 8 || st.AttributesMask() != 0x30 || st.MntID() != 12 {
		t.Errorf("accessors disagree with %+v", *p)
	}
	if ma, mi := st.Rdev(); ma != 8 || mi != 9 {
		t.Errorf("Rdev = %d:%d", ma, mi)
	}
	if ma, mi := st.Dev(); ma != 10 || mi != 11 {
		t.Errorf("Dev = %d:%d", ma, mi)
	}
	for _, tc := range []struct {
		got  time.Time
		want time.Time
	}{
		{st.Atime(), time.Unix(1, 2)}, {st.Btime(), time.Unix(3, 4)},
		{st.Ctime(), time.Unix(5, 6)}, {st.Mtime(), time.Unix(-7, 999999999)},
	} {
		if !tc.got.Equal(tc.want) {
			t.Errorf("time %v, want %v", tc.got, tc.want)
		}
	}

	// The type predicates, one S_IF* type at a time.
	types := []struct {
		mode uint16
		want string
	}{
		{unix.S_IFREG, "reg"}, {unix.S_IFDIR, "dir"}, {unix.S_IFLNK, "lnk"}, {unix.S_IFCHR, "chr"},
		{unix.S_IFBLK, "blk"}, {unix.S_IFIFO, "fifo"}, {unix.S_IFSOCK, "sock"}, {0, ""},
	}
	for _, tt := range types {
		p.Mode = tt.mode | 0o7777
		got := map[string]bool{
			"reg": st.IsReg(), "dir": st.IsDir(), "lnk": st.IsLnk(), "chr": st.IsChr(),
			"blk": st.IsBlk(), "fifo": st.IsFIFO(), "sock": st.IsSock(),
		}
		for name, v := range got {
			if v != (name == tt.want) {
				t.Errorf("mode %#o: Is%s = %v", tt.mode, name, v)
			}
		}
	}

	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); !errors.Is(err, ErrClosed) {
		t.Errorf("second Close = %v", err)
	}
	if st.Ptr() != nil || st.Size() != 0 || st.IsReg() || !st.Mtime().Equal(time.Unix(0, 0)) {
		t.Error("closed Statx reads non-zero")
	}
	var nilStatx *Statx
	if nilStatx.Ptr() != nil || nilStatx.Mode() != 0 || !errors.Is(nilStatx.Close(), ErrClosed) {
		t.Error("nil Statx")
	}
}

// TestStatxLive fills a Statx through IORING_OP_STATX for several file
// types and compares with statx(2).
func TestStatxLive(t *testing.T) {
	requireOp(t, IORING_OP_STATX)
	ring := newRing(t, 4, 0)
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, []byte("hello world"), 0o640); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(file, link); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := unix.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()

	st, err := NewStatx()
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	tests := []struct {
		path  string
		flags int
		check func() bool
	}{
		{file, 0, st.IsReg},
		{dir, 0, st.IsDir},
		{link, unix.AT_SYMLINK_NOFOLLOW, st.IsLnk},
		{link, 0, st.IsReg},
		{fifo, 0, st.IsFIFO},
		{sock, 0, st.IsSock},
		{"/dev/null", 0, st.IsChr},
	}
	for _, tt := range tests {
		p, _ := CString(tt.path)
		PrepStatx(GetSQE(ring), unix.AT_FDCWD, p, tt.flags, unix.STATX_BASIC_STATS|unix.STATX_BTIME, st.Ptr())
		_, res, _ := submitWait(t, ring)
		Free(p)
		if res != 0 {
			t.Fatalf("statx %s: res %d", tt.path, res)
		}
		if !tt.check() {
			t.Errorf("%s: wrong type, mode %#o", tt.path, st.Mode())
		}
		var want unix.Statx_t
		if err := unix.Statx(unix.AT_FDCWD, tt.path, tt.flags, unix.STATX_BASIC_STATS|unix.STATX_BTIME, &want); err != nil {
			t.Fatal(err)
		}
		if st.Mode() != want.Mode || st.Ino() != want.Ino || st.Size() != want.Size || st.Nlink() != want.Nlink ||
			!st.Mtime().Equal(time.Unix(want.Mtime.Sec, int64(want.Mtime.Nsec))) {
			t.Errorf("%s: io_uring statx %+v, statx(2) %+v", tt.path, *st.Ptr(), want)
		}
	}
	missing, _ := CString(filepath.Join(dir, "missing"))
	defer Free(missing)
	PrepStatx(GetSQE(ring), unix.AT_FDCWD, missing, 0, unix.STATX_BASIC_STATS, st.Ptr())
	if _, res, _ := submitWait(t, ring); res != -int32(unix.ENOENT) {
		t.Errorf("statx of a missing path: res %d, want -ENOENT", res)
	}
}
