//go:build linux && cgo

package workloads

import (
	"os"
	"syscall"
	"testing"

	"github.com/liburing-go/liburing/bench/ctwin"
)

// The Boundary workload measures the floor under every Go contender: what
// entering the kernel costs from C, through one cgo call, and through Go's
// own syscall package, with getppid, the cheapest system call. A cgo call
// (like syscall.Syscall) tells the Go scheduler that the goroutine is
// leaving (entersyscall, exitsyscall); around a real system call that
// bookkeeping runs after the kernel has cooled the caches and branch
// predictors, and costs far more than the same cgo call into a C function
// that does not enter the kernel. syscall.RawSyscall skips the bookkeeping,
// which only a call that never blocks may do. Every io_uring_enter from Go,
// ours through cgo or giouring's through syscall.Syscall6, pays this floor
// once per batch.

//go:noinline
func getppidC() func(b *testing.B) {
	return func(b *testing.B) {
		want := os.Getppid()
		b.ReportAllocs()
		if got := ctwin.GetppidLoop(b.N); got != want*b.N {
			b.Fatalf("getppid sum %d, want %d", got, want*b.N)
		}
	}
}

//go:noinline
func getppidCgo() func(b *testing.B) {
	return func(b *testing.B) {
		want := os.Getppid()
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if got := ctwin.Getppid(); got != want {
				b.Fatalf("getppid %d, want %d", got, want)
			}
		}
	}
}

//go:noinline
func getppidSyscall() func(b *testing.B) {
	return func(b *testing.B) {
		want := uintptr(os.Getppid())
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if got, _, _ := syscall.Syscall(syscall.SYS_GETPPID, 0, 0, 0); got != want {
				b.Fatalf("getppid %d, want %d", got, want)
			}
		}
	}
}

//go:noinline
func getppidRawSyscall() func(b *testing.B) {
	return func(b *testing.B) {
		want := uintptr(os.Getppid())
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if got, _, _ := syscall.RawSyscall(syscall.SYS_GETPPID, 0, 0, 0); got != want {
				b.Fatalf("getppid %d, want %d", got, want)
			}
		}
	}
}

// Boundary is the system call floor workload (see above).
func Boundary() Workload {
	return Workload{
		Name: "Boundary/getppid",
		Contenders: []Contender{
			{"c", getppidC()},
			{"cgo", getppidCgo()},
			{"syscall.Syscall", getppidSyscall()},
			{"syscall.RawSyscall", getppidRawSyscall()},
		},
	}
}
