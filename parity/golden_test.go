//go:build linux && cgo

package parity

import (
	"bytes"
	"testing"
)

// TestGoldenMatchesC: the embedded golden file of the linked liburing
// version equals what the linked C builds, vector by vector, and so do the
// layout and constant tables.
func TestGoldenMatchesC(t *testing.T) {
	want, err := LoadGolden(LiburingVersion())
	if err != nil {
		t.Fatal(err)
	}
	got, err := CGolden()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range CompareGolden(want, got) {
		t.Error(d)
	}
	// The file is byte for byte what `uringparity golden` writes. Read
	// through the embedded copy (the file on disk when the test binary was
	// built), so that the test does not need the source tree: the kernel
	// matrix runs the binary in a guest that has none.
	var b bytes.Buffer
	if err := got.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	disk, err := goldenFS.ReadFile(GoldenPath(LiburingVersion()))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(disk, b.Bytes()) {
		t.Errorf("%s is not what `go run ./cmd/uringparity golden` writes now", GoldenPath(LiburingVersion()))
	}
}
