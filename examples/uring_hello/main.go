// Command uring_hello is Shakti's hello/sleep example in Go: goroutines in
// place of tasks, each sleeping on an io_uring timeout of the shared ring,
// so three sleeps of 100, 200 and 300 ms take 300 ms in all, not 600.
//
//	go run ./examples/uring_hello [-unit 100ms]
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"sync"
	"time"

	"github.com/liburing-go/liburing/uring"
)

func main() {
	unit := flag.Duration("unit", 100*time.Millisecond, "the shortest sleep; the others are 2 and 3 units")
	flag.Parse()
	ctx := context.Background()

	fmt.Println("hello")
	start := time.Now()
	slept := make([]time.Duration, 3)
	var wg sync.WaitGroup
	for i := range slept {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t0 := time.Now()
			if err := uring.Sleep(ctx, time.Duration(i+1)**unit); err != nil {
				log.Fatal(err)
			}
			slept[i] = time.Since(t0)
		}()
	}
	wg.Wait()
	for i, d := range slept {
		fmt.Printf("task %d slept %d units\n", i+1, int(d / *unit))
	}
	fmt.Println("world")
	fmt.Printf("total: %d units\n", int(time.Since(start) / *unit))
}
