// Command uring_echo_client is Shakti's echo client in Go: it connects
// through io_uring (IORING_OP_SOCKET and CONNECT), sends each argument,
// reads the echo back (recv) and shuts its side down.
//
//	go run ./examples/uring_echo_client -addr HOST:PORT [message ...]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"time"

	"github.com/liburing-go/liburing/uring"
)

func main() {
	addr := flag.String("addr", "", "the echo server's address")
	timeout := flag.Duration("timeout", 10*time.Second, "for the whole exchange")
	flag.Parse()
	log.SetFlags(0)
	if *addr == "" {
		log.Fatal("usage: uring_echo_client -addr HOST:PORT [message ...]")
	}
	msgs := flag.Args()
	if len(msgs) == 0 {
		msgs = []string{"hello"}
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	c, err := uring.Dial(ctx, "tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	fmt.Println("connected to", c.RemoteAddr())
	for _, m := range msgs {
		if _, err := c.SendAll(ctx, []byte(m)); err != nil {
			log.Fatal(err)
		}
		buf := make([]byte, len(m))
		got := 0
		for got < len(buf) {
			n, err := c.RecvContext(ctx, buf[got:], 0)
			if err != nil {
				log.Fatal(err)
			}
			got += n
		}
		fmt.Printf("sent %q, received %q\n", m, buf)
	}
	if err := c.Shutdown(ctx, 1); err != nil { // SHUT_WR: the server sees EOF
		log.Fatal(err)
	}
	if rest, err := io.ReadAll(c); err != nil || len(rest) > 0 {
		log.Fatalf("after shutdown: %q, %v", rest, err)
	}
	fmt.Println("closed")
}
