// Command uring_echo_server is Shakti's echo server in Go: one goroutine
// per connection, each a plain read/write loop whose calls are io_uring
// operations on the shared ring (multishot accept, recv, send), so the
// code reads like blocking code while no thread waits per connection.
//
//	go run ./examples/uring_echo_server [-addr 127.0.0.1:0] [-max-conns N]
//
// The first line of output is "listening on ADDR". The server stops on
// SIGINT or SIGTERM, or once -max-conns connections were served.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/liburing-go/liburing/uring"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "the address to listen on")
	maxConns := flag.Int("max-conns", 0, "stop after serving this many connections (0: run until a signal)")
	flag.Parse()
	log.SetFlags(0)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ring, err := uring.New(nil)
	if err != nil {
		log.Fatal(err)
	}
	ln, err := ring.Listen(ctx, "tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("listening on", ln.Addr())

	var served atomic.Int64
	var wg sync.WaitGroup
	go func() {
		<-ctx.Done()
		ln.Close()
	}()
	for accepted := 0; *maxConns == 0 || accepted < *maxConns; accepted++ {
		c, err := ln.AcceptContext(ctx)
		if err != nil {
			if ctx.Err() == nil && !errors.Is(err, net.ErrClosed) {
				log.Print(err)
			}
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer served.Add(1)
			defer c.Close()
			// A signal closes the open connections too.
			defer context.AfterFunc(ctx, func() { c.Close() })()
			buf := make([]byte, 4096)
			for {
				n, err := c.Read(buf)
				if n > 0 {
					if _, err := c.Write(buf[:n]); err != nil {
						return
					}
				}
				if err != nil {
					if err != io.EOF && ctx.Err() == nil {
						log.Print(err)
					}
					return
				}
			}
		}()
	}
	wg.Wait()
	ln.Close()
	ring.Close()
	fmt.Fprintf(os.Stderr, "served %d connections\n", served.Load())
}
