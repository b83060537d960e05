//go:build linux && cgo

package liburing

import (
	"fmt"
	"sync"

	"golang.org/x/sys/unix"
)

// kverRelease is the running kernel's major and minor version (uname -r).
var kverRelease = sync.OnceValues(func() (int, int) {
	var u unix.Utsname
	if unix.Uname(&u) != nil {
		return 0, 0
	}
	var major, minor int
	fmt.Sscanf(unix.ByteSliceToString(u.Release[:]), "%d.%d", &major, &minor)
	return major, minor
})

// kverAtLeast reports whether the running kernel is major.minor or newer.
// Tests use it only where a kernel changed behaviour that no probe shows (an
// errno, a CQE it now posts, a register opcode or flag it now accepts), to
// expect the older behaviour on older kernels (the kernel matrix, make
// kernel-matrix, runs them on 6.1 and 6.12); operations are probed with
// requireOp. An unreadable release counts as new.
func kverAtLeast(major, minor int) bool {
	ma, mi := kverRelease()
	return ma == 0 || ma > major || ma == major && mi >= minor
}
