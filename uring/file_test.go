//go:build linux && cgo

package uring

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"testing/iotest"
)

func TestFileWriteReadStat(t *testing.T) {
	r := newRing(t)
	ctx := testCtx(t)
	path := filepath.Join(t.TempDir(), "f.txt")
	f, err := r.Create(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := f.Write([]byte("hello ")); n != 6 || err != nil {
		t.Fatalf("Write: %d, %v", n, err)
	}
	if n, err := f.WriteContext(ctx, []byte("world")); n != 5 || err != nil {
		t.Fatalf("WriteContext: %d, %v", n, err)
	}
	if n, err := f.WriteAt([]byte("W"), 6); n != 1 || err != nil {
		t.Fatalf("WriteAt: %d, %v", n, err)
	}
	if err := f.Sync(); err != nil {
		t.Fatal(err)
	}
	fi, err := f.Stat()
	if err != nil || fi.Size() != 11 || fi.Name() != "f.txt" || !fi.Mode().IsRegular() {
		t.Fatalf("Stat: %v, %v", fi, err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(f)
	if err != nil || string(got) != "hello World" {
		t.Fatalf("ReadAll: %q, %v", got, err)
	}
	buf := make([]byte, 5)
	if n, err := f.ReadAt(buf, 6); n != 5 || err != nil || string(buf) != "World" {
		t.Fatalf("ReadAt: %d %q %v", n, buf, err)
	}
	if n, err := f.ReadAt(buf, 8); n != 3 || err != io.EOF {
		t.Fatalf("ReadAt past the end: %d, %v", n, err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); !errors.Is(err, fs.ErrClosed) {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := f.Read(buf); !errors.Is(err, fs.ErrClosed) {
		t.Fatalf("Read after Close: %v", err)
	}
	data, err := r.ReadFile(ctx, path)
	if err != nil || string(data) != "hello World" {
		t.Fatalf("ReadFile: %q, %v", data, err)
	}
	if osData, _ := os.ReadFile(path); !bytes.Equal(osData, data) {
		t.Fatalf("os.ReadFile: %q", osData)
	}
}

func TestFileOsOps(t *testing.T) {
	r := newRing(t)
	ctx := testCtx(t)
	dir := t.TempDir()
	sub := filepath.Join(dir, "a", "b")
	if err := r.MkdirAll(ctx, sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if fi, err := r.Stat(ctx, sub); err != nil || !fi.IsDir() {
		t.Fatalf("Stat dir: %v, %v", fi, err)
	}
	if err := r.Mkdir(ctx, sub, 0o755); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("Mkdir twice: %v", err)
	}
	p1 := filepath.Join(sub, "one")
	if err := r.WriteFile(ctx, p1, []byte("1"), 0o600); err != nil {
		t.Fatal(err)
	}
	if ok, err := r.Exists(ctx, p1); !ok || err != nil {
		t.Fatalf("Exists: %v, %v", ok, err)
	}
	p2 := filepath.Join(dir, "two")
	if err := r.Rename(ctx, p1, p2); err != nil {
		t.Fatal(err)
	}
	if ok, err := r.Exists(ctx, p1); ok || err != nil {
		t.Fatalf("Exists after rename: %v, %v", ok, err)
	}
	fi, err := r.Lstat(ctx, p2)
	if err != nil || fi.Mode().Perm() != 0o600 || fi.Size() != 1 {
		t.Fatalf("Lstat: %v, %v", fi, err)
	}
	if err := r.Remove(ctx, p2); err != nil {
		t.Fatal(err)
	}
	if err := r.Remove(ctx, sub); err != nil {
		t.Fatal(err)
	}
	if err := r.Remove(ctx, sub); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Remove twice: %v", err)
	}
	if _, err := r.Open(ctx, p2); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Open missing: %v", err)
	}
	var pe *fs.PathError
	if _, err := r.Stat(ctx, "bad\x00name"); !errors.As(err, &pe) {
		t.Fatalf("NUL in name: %v", err)
	}
	ents, err := r.ReadDir(ctx, dir)
	if err != nil || len(ents) != 1 || ents[0].Name() != "a" || !ents[0].IsDir() {
		t.Fatalf("ReadDir: %v, %v", ents, err)
	}
}

func TestFileIotest(t *testing.T) {
	r := newRing(t)
	ctx := testCtx(t)
	content := bytes.Repeat([]byte("0123456789abcdef"), 1000)
	content = append(content, "tail"...)
	path := filepath.Join(t.TempDir(), "data")
	if err := os.WriteFile(path, content, 0o600); err != nil {
		t.Fatal(err)
	}
	open := func() *File {
		f, err := r.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	if err := iotest.TestReader(open(), content); err != nil {
		t.Errorf("TestReader: %v", err)
	}
	for name, wrap := range map[string]func(io.Reader) io.Reader{
		"OneByteReader": iotest.OneByteReader,
		"HalfReader":    iotest.HalfReader,
		"DataErrReader": iotest.DataErrReader,
	} {
		got, err := io.ReadAll(wrap(open()))
		if err != nil || !bytes.Equal(got, content) {
			t.Errorf("%s: %d bytes, %v", name, len(got), err)
		}
	}
	// TimeoutReader's second read fails; the first one goes through.
	tr := iotest.TimeoutReader(open())
	buf := make([]byte, 10)
	if n, err := tr.Read(buf); n != 10 || err != nil {
		t.Errorf("TimeoutReader first read: %d, %v", n, err)
	}
}

func TestFileContextCancelled(t *testing.T) {
	r := newRing(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.Open(ctx, "/"); err != context.Canceled {
		t.Fatalf("Open with a cancelled context: %v", err)
	}
	// A read of a pipe that never gets data ends with its context.
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pw.Close()
	defer pr.Close()
	f, err := r.OpenFile(testCtx(t), "/proc/self/fd/"+itoa(int(pr.Fd())), os.O_RDONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ctx2, cancel2 := context.WithTimeout(context.Background(), 30e6)
	defer cancel2()
	buf := make([]byte, 10)
	if n, err := f.ReadContext(ctx2, buf); n != 0 || err != context.DeadlineExceeded {
		t.Fatalf("read past the deadline: %d, %v", n, err)
	}
	ctx3, cancel3 := context.WithCancel(context.Background())
	go func() { cancel3() }()
	if n, err := f.ReadContext(ctx3, buf); n != 0 || err != context.Canceled {
		t.Fatalf("read cancelled: %d, %v", n, err)
	}
	// The pipe still works afterwards: nothing was consumed.
	pw.Write([]byte("ok"))
	if n, err := f.Read(buf); n != 2 || err != nil || string(buf[:2]) != "ok" {
		t.Fatalf("read after cancels: %d %q %v", n, buf[:n], err)
	}
}

func itoa(n int) string {
	return string(appendInt(nil, n))
}

func appendInt(b []byte, n int) []byte {
	if n >= 10 {
		b = appendInt(b, n/10)
	}
	return append(b, byte('0'+n%10))
}
