// Command probe prints, by name, which io_uring operations the running
// kernel supports, as io_uring_get_probe reports them.
//
//	go run ./examples/probe
package main

import (
	"fmt"
	"log"

	"github.com/liburing-go/liburing"
	"golang.org/x/sys/unix"
)

func main() {
	log.SetFlags(0)
	p, err := liburing.GetProbe()
	if err != nil {
		log.Fatalf("io_uring_get_probe: %v", err)
	}
	defer liburing.FreeProbe(p)

	var uts unix.Utsname
	_ = unix.Uname(&uts)
	fmt.Printf("kernel %s, liburing %d.%d, last_op %d\n",
		unix.ByteSliceToString(uts.Release[:]), liburing.MajorVersion(), liburing.MinorVersion(), p.LastOp())
	last := max(int(p.LastOp()), liburing.IORING_OP_LAST-1)
	supported := 0
	for op := 0; op <= last; op++ {
		mark := "no"
		if liburing.OpcodeSupported(p, op) {
			mark = "yes"
			supported++
		}
		fmt.Printf("%-28s %s\n", liburing.OpcodeName(op), mark)
	}
	fmt.Printf("%d of %d operations supported\n", supported, last+1)
}
