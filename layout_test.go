//go:build linux && cgo

package liburing

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestLayout compares every C-layout Go type's size and field offsets with
// the C struct's, as compiled from the linked headers.
func TestLayout(t *testing.T) {
	if len(layoutChecks) == 0 {
		t.Fatal("no layout checks generated")
	}
	for _, c := range layoutChecks {
		if c.Go != c.C {
			t.Errorf("%s %s: Go %d, C %d", c.Type, c.Field, c.Go, c.C)
		}
	}
	// ABI sizes that never change.
	for name, want := range map[string]uintptr{"SQE": 64, "CQE": 16, "Params": 120, "IoSqringOffsets": 40, "IoCqringOffsets": 40, "ProbeOp": 8} {
		found := false
		for _, c := range layoutChecks {
			if c.Type == name && c.Field == "sizeof" {
				found = true
				if c.Go != want {
					t.Errorf("sizeof %s = %d, want %d", name, c.Go, want)
				}
			}
		}
		if !found {
			t.Errorf("no size check for %s", name)
		}
	}
}

// changedIn29 are the constants whose value differs between liburing 2.6 and
// 2.9 (../shared/parity/liburing-2.6-to-2.9-constants.tsv).
var changedIn29 = map[string]uint64{"IORING_OP_LAST": 58, "IORING_REGISTER_LAST": 35, "IO_URING_VERSION_MINOR": 9}

// TestConstantValues compares every generated constant with its value in
// liburing 2.6's headers (testdata/constants-2.6.tsv), or 2.9's where the
// linked 2.9 changed it.
func TestConstantValues(t *testing.T) {
	f, err := os.Open("testdata/constants-2.6.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := map[string]uint64{}
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	for sc.Scan() {
		name, val, _ := strings.Cut(sc.Text(), "\t")
		if v, err := strconv.ParseInt(val, 10, 64); err == nil {
			want[name] = uint64(v)
		} else if v, err := strconv.ParseUint(val, 10, 64); err == nil {
			want[name] = v
		} else {
			t.Fatalf("bad value %q for %s", val, name)
		}
	}
	if MinorVersion() >= 9 {
		for k, v := range changedIn29 {
			want[k] = v
		}
	}
	if len(constantValues) != 203 {
		t.Errorf("%d constants generated, want 203", len(constantValues))
	}
	for _, c := range constantValues {
		w, ok := want[c.Name]
		if !ok {
			t.Errorf("%s: not in liburing 2.6's inventory", c.Name)
			continue
		}
		if c.Value != w {
			t.Errorf("%s = %d, want %d", c.Name, c.Value, w)
		}
	}
}
