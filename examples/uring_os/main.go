// Command uring_os is Shakti's os example in Go: mkdir, exists, rename,
// stat and remove through io_uring (IORING_OP_MKDIRAT, STATX, RENAMEAT,
// UNLINKAT) on the shared ring.
//
//	go run ./examples/uring_os [-dir DIR]
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/liburing-go/liburing/uring"
)

func main() {
	dir := flag.String("dir", os.TempDir(), "where to work")
	flag.Parse()
	ctx := context.Background()

	old := filepath.Join(*dir, "uring-os-example")
	renamed := old + "-renamed"
	if err := uring.Mkdir(ctx, old, 0o755); err != nil {
		log.Fatal(err)
	}
	exists := func(p string) bool {
		ok, err := uring.Exists(ctx, p)
		if err != nil {
			log.Fatal(err)
		}
		return ok
	}
	fmt.Println("mkdir: exists", exists(old))
	if err := uring.Rename(ctx, old, renamed); err != nil {
		log.Fatal(err)
	}
	fmt.Println("rename: old exists", exists(old), "new exists", exists(renamed))
	fi, err := uring.Stat(ctx, renamed)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("stat: %s is a directory: %v, mode %v\n", fi.Name(), fi.IsDir(), fi.Mode().Perm()&0o700)
	if err := uring.Remove(ctx, renamed); err != nil {
		log.Fatal(err)
	}
	fmt.Println("remove: exists", exists(renamed))
}
