//go:build linux && cgo

package uring

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
)

func TestFSTestFS(t *testing.T) {
	r := newRing(t)
	dir := t.TempDir()
	files := map[string]string{
		"a.txt":             "alpha",
		"empty":             "",
		"sub/b.txt":         "bravo bravo",
		"sub/deeper/c.go":   "package c\n",
		"sub/deeper/d.json": "{}",
	}
	for name, data := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "emptydir"), 0o755); err != nil {
		t.Fatal(err)
	}
	fsys := r.DirFS(dir)
	if err := fstest.TestFS(fsys, "a.txt", "empty", "sub/b.txt", "sub/deeper/c.go", "sub/deeper/d.json", "emptydir"); err != nil {
		t.Fatal(err)
	}
	// A small directory buffer: listings that span many getdents calls.
	many := filepath.Join(dir, "many")
	os.Mkdir(many, 0o755)
	var expect []string
	for i := range 300 {
		name := "file-with-a-rather-long-name-" + itoa(i)
		os.WriteFile(filepath.Join(many, name), nil, 0o600)
		expect = append(expect, "many/"+name)
	}
	if err := fstest.TestFS(fsys, expect...); err != nil {
		t.Fatal(err)
	}
	if _, err := fsys.Open("../etc/passwd"); !errors.Is(err, fs.ErrInvalid) {
		t.Errorf("Open outside: %v", err)
	}
	if _, err := fsys.Stat("missing"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Stat missing: %v", err)
	}
	var pe *fs.PathError
	if _, err := fsys.Open("missing"); !errors.As(err, &pe) || pe.Path != "missing" {
		t.Errorf("Open missing: %v", err)
	}
	b, err := fs.ReadFile(fsys, "sub/b.txt")
	if err != nil || string(b) != "bravo bravo" {
		t.Errorf("ReadFile: %q, %v", b, err)
	}
	// ReadDir(n) in chunks, then io.EOF.
	f, err := fsys.Open("many")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	total := 0
	for {
		ents, err := f.(fs.ReadDirFile).ReadDir(7)
		total += len(ents)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if total != 300 {
		t.Errorf("ReadDir in chunks: %d entries", total)
	}
}
