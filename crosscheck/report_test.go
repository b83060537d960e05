//go:build linux && cgo

package crosscheck

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/liburing-go/liburing/parity"
)

// TestReportReproducible runs the oracle on every library and compares the
// report with the committed one for the linked liburing version (leaving
// out the transcripts of differing scenarios, which can vary where a
// library hands the kernel undefined memory). Regenerate with
// `make crosscheck`.
func TestReportReproducible(t *testing.T) {
	var b bytes.Buffer
	version, err := Report(&b)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(ReportPath(version))
	if err != nil {
		t.Fatalf("%v (run `make crosscheck`)", err)
	}
	got, wantS := stripTranscripts(b.String()), stripTranscripts(string(want))
	if got != wantS {
		gl, wl := strings.Split(got, "\n"), strings.Split(wantS, "\n")
		for i := 0; i < len(gl) || i < len(wl); i++ {
			if g, w := at(gl, i), at(wl, i); g != w {
				t.Errorf("%s differs from the oracle's report at line %d:\ncommitted: %s\nnow:       %s\n(run `make crosscheck` and review the change)",
					ReportPath(version), i+1, w, g)
				break
			}
		}
	}
}

func at(l []string, i int) string {
	if i < len(l) {
		return l[i]
	}
	return "(end)"
}

// stripTranscripts leaves out every block between parity.TranscriptBegin
// and parity.TranscriptEnd.
func stripTranscripts(s string) string {
	var out strings.Builder
	for {
		i := strings.Index(s, parity.TranscriptBegin)
		if i < 0 {
			out.WriteString(s)
			return out.String()
		}
		out.WriteString(s[:i])
		j := strings.Index(s[i:], parity.TranscriptEnd)
		if j < 0 {
			return out.String()
		}
		s = s[i+j+len(parity.TranscriptEnd):]
	}
}
