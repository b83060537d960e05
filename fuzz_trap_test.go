//go:build linux && cgo

package liburing

import (
	"errors"
	"math"
	"testing"

	"golang.org/x/sys/unix"
)

// FuzzTrapError: every int32 is either a result (returned as is) or a
// negative errno (returned as that unix.Errno, whose text is never empty).
func FuzzTrapError(f *testing.F) {
	for _, res := range []int32{0, 1, 4096, math.MaxInt32, -1, -int32(unix.ENOENT), -int32(unix.ECANCELED), -4095, -4096, math.MinInt32 + 1, math.MinInt32} {
		f.Add(res)
	}
	f.Fuzz(func(t *testing.T, res int32) {
		n, err := TrapError(res)
		if res >= 0 {
			if n != int(res) || err != nil {
				t.Fatalf("TrapError(%d) = %d, %v; want %d, nil", res, n, err, res)
			}
			return
		}
		var e unix.Errno
		if n != 0 || !errors.As(err, &e) || uint64(e) != uint64(-int64(res)) {
			t.Fatalf("TrapError(%d) = %d, %v (%#x); want 0 and errno %d", res, n, err, uint64(e), -int64(res))
		}
		if err.Error() == "" || !errors.Is(err, unix.Errno(-int64(res))) {
			t.Fatalf("TrapError(%d): error %q", res, err)
		}
	})
}
