//go:build linux && cgo

package uring

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkReadAt: 4 KiB random reads of a page-cached file from many
// goroutines (go test -bench ReadAt -cpu 2 -benchtime 2s).
func BenchmarkReadAt(b *testing.B) {
	const size = 64 << 20
	path := filepath.Join(b.TempDir(), "data")
	if err := os.WriteFile(path, make([]byte, size), 0o600); err != nil {
		b.Fatal(err)
	}
	r := newRing(b)
	f, err := r.Open(testCtx(b), path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	osf, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer osf.Close()
	for _, c := range []struct {
		name string
		f    interface {
			ReadAt([]byte, int64) (int, error)
		}
	}{{"uring", f}, {"os", osf}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetParallelism(32)
			b.RunParallel(func(pb *testing.PB) {
				buf := make([]byte, 4096)
				rnd := rand.New(rand.NewPCG(rand.Uint64(), 1))
				for pb.Next() {
					if _, err := c.f.ReadAt(buf, rnd.Int64N(size/4096)*4096); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
