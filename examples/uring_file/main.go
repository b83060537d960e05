// Command uring_file is Shakti's file example in Go: it creates a file,
// writes to it, reads it back whole and at an offset, and prints what
// statx says, each call one io_uring operation on the shared ring.
//
//	go run ./examples/uring_file [-path FILE]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"

	"github.com/liburing-go/liburing/uring"
)

func main() {
	path := flag.String("path", filepath.Join(os.TempDir(), "uring-file-example.txt"), "the file to create")
	flag.Parse()
	ctx := context.Background()

	f, err := uring.Create(ctx, *path)
	if err != nil {
		log.Fatal(err)
	}
	n, err := f.Write([]byte("hello world"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("wrote:", n)
	if _, err := f.WriteAt([]byte("World"), 6); err != nil {
		log.Fatal(err)
	}
	if err := f.Sync(); err != nil {
		log.Fatal(err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		log.Fatal(err)
	}
	all, err := io.ReadAll(f)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("read: %s\n", all)
	part := make([]byte, 5)
	if _, err := f.ReadAt(part, 6); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("read at 6: %s\n", part)
	fi, err := f.Stat()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("stat: %s, %d bytes, %v\n", fi.Name(), fi.Size(), fi.Mode())
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
	data, err := uring.ReadFile(ctx, *path)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("read file: %s\n", data)
	if err := uring.Remove(ctx, *path); err != nil {
		log.Fatal(err)
	}
	fmt.Println("removed")
}
