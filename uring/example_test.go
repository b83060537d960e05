//go:build linux && cgo

package uring_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/liburing-go/liburing/uring"
)

// Files, sleeps and sockets on one ring, from plain goroutines.
func Example() {
	ctx := context.Background()
	ring, err := uring.New(nil)
	if err != nil {
		log.Fatal(err)
	}
	defer ring.Close()

	dir, _ := os.MkdirTemp("", "uring-example")
	defer os.RemoveAll(dir)
	name := filepath.Join(dir, "hello.txt")
	if err := ring.WriteFile(ctx, name, []byte("hello, io_uring"), 0o644); err != nil {
		log.Fatal(err)
	}
	data, _ := ring.ReadFile(ctx, name)
	fmt.Println(string(data))

	// A deadline becomes a linked timeout on the operation.
	sctx, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel()
	fmt.Println(ring.Sleep(sctx, time.Hour))

	ln, _ := ring.Listen(ctx, "tcp", "127.0.0.1:0")
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err == nil {
			io.Copy(c, c) // echo
			c.Close()
		}
	}()
	c, _ := ring.Dial(ctx, "tcp", ln.Addr().String())
	defer c.Close()
	c.Write([]byte("ping"))
	buf := make([]byte, 4)
	io.ReadFull(c, buf)
	fmt.Println(string(buf))
	// Output:
	// hello, io_uring
	// context deadline exceeded
	// ping
}
