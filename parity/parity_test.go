//go:build linux && cgo

package parity

import (
	"bytes"
	"strings"
	"testing"
)

func TestHelpersComplete(t *testing.T) {
	if len(Helpers) != 85 {
		t.Fatalf("%d helpers, want 85", len(Helpers))
	}
	for _, h := range Helpers {
		if cPreps[h.Name] == nil {
			t.Errorf("%s: no C reference", h.Name)
		}
		if n := len(Cases(&h)); n == 0 {
			t.Errorf("%s: no vectors", h.Name)
		}
	}
	if len(cPreps) != len(Helpers) {
		t.Errorf("%d C preps for %d helpers", len(cPreps), len(Helpers))
	}
}

// Every embedded golden file parses, and the C reference reproduces its
// own version's file exactly through the harness.
func TestGoldenFiles(t *testing.T) {
	for _, v := range GoldenVersions {
		g, err := LoadGolden(v)
		if err != nil {
			t.Fatal(err)
		}
		if len(g.Vectors) != len(AllCases()) || g.Liburing != v {
			t.Errorf("golden %s: %d vectors (want %d), version %q", v, len(g.Vectors), len(AllCases()), g.Liburing)
		}
		var b bytes.Buffer
		if err := g.WriteJSON(&b); err != nil {
			t.Fatal(err)
		}
		g2, err := ReadGolden(&b)
		if err != nil {
			t.Fatal(err)
		}
		if d := CompareGolden(g, g2); len(d) > 0 {
			t.Errorf("golden %s does not survive a write and read: %v", v, d[0])
		}
	}
	g, err := LoadGolden(LiburingVersion())
	if err != nil {
		t.Fatal(err)
	}
	rep, err := CheckPreps(Reference, g.Vectors)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Exact != len(g.Vectors) || len(rep.Mismatches) > 0 || len(rep.Missing) > 0 {
		t.Errorf("C reference: %d of %d exact, %d mismatches, missing %v", rep.Exact, len(g.Vectors), len(rep.Mismatches), rep.Missing)
	}
	if tr := CheckTables(tablesOf{g}, g); len(tr.Mismatches) > 0 || tr.Constants != len(g.Constants) {
		t.Errorf("tables against themselves: %v", tr.Mismatches)
	}
}

// tablesOf provides a golden file's own tables.
type tablesOf struct{ g *Golden }

func (tablesOf) Name() string               { return "tables" }
func (tablesOf) Preps() map[string]PrepFunc { return nil }
func (t tablesOf) Layout() []LayoutEntry    { return t.g.Layout }
func (t tablesOf) Constants() map[string]uint64 {
	m := map[string]uint64{}
	for _, c := range t.g.Constants {
		m[c.Name] = c.Value
	}
	return m
}

// buggy is the C reference with the classes of defects the oracle exists
// to find.
type buggy struct{}

func (buggy) Name() string      { return "buggy" }
func (buggy) ResetSQE(sqe *SQE) { Reference.(SQEResetter).ResetSQE(sqe) }
func (buggy) Preps() map[string]PrepFunc {
	return map[string]PrepFunc{
		// wrong opcode
		"io_uring_prep_openat2": func(s *SQE, a Args) { cPreps["io_uring_prep_openat2"](s, a); s.Opcode = 18 },
		// off-by-one fixed file slot
		"io_uring_prep_close_direct": func(s *SQE, a Args) { cPreps["io_uring_prep_close_direct"](s, a); s.SpliceFdIn-- },
		// clears user_data and leaves rw_flags stale
		"io_uring_prep_nop": func(s *SQE, a Args) {
			cPreps["io_uring_prep_nop"](s, a)
			s.UserData, s.OpFlags = 0, 0xa5a5a5a5
		},
		// stores the address of a copy
		"io_uring_prep_timeout": func(s *SQE, a Args) {
			cPreps["io_uring_prep_timeout"](s, a)
			if a.Pointer(0) != nil {
				s.Addr = 0x7f0012345678
			}
		},
		// panics on NULL
		"io_uring_prep_read": func(s *SQE, a Args) {
			_ = *(*byte)(a.Pointer(1))
			cPreps["io_uring_prep_read"](s, a)
		},
		"io_uring_prep_send": func(s *SQE, a Args) { panic(Unrepresentable("no")) },
	}
}

func TestHarnessFindsDefects(t *testing.T) {
	g, err := LoadGolden(LiburingVersion())
	if err != nil {
		t.Fatal(err)
	}
	rep, err := CheckPreps(buggy{}, g.Vectors)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	rep.WriteMarkdown(&b, true)
	out := b.String()
	for _, want := range []string{
		"| io_uring_prep_openat2 | opcode | 0x1c | 0x12 |",
		"| io_uring_prep_close_direct | splice_fd_in | 1 | 0 |",
		"| io_uring_prep_nop | user_data | 0xa5a5a5a5a5a5a5a5 | 0x0 |",
		"| io_uring_prep_nop | rw_flags | 0x0 | 0xa5a5a5a5 |",
		"| io_uring_prep_timeout | addr | &ts | an address outside the arena |",
		"| io_uring_prep_read | (panic) |",
		"io_uring_prep_send[zero]: no",
		"Not implemented: accept,",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	if rep.Exact == 0 || rep.Exact == rep.Vectors {
		t.Errorf("%d of %d exact", rep.Exact, rep.Vectors)
	}
}

// The live scenarios agree with themselves on C, and a ring that loses an
// update is caught.
func TestLive(t *testing.T) {
	rep := RunLive(Reference, Reference)
	for _, r := range rep.Results {
		if r.Skipped != "" || !r.Same() || len(r.C) == 0 {
			t.Errorf("%s: skipped %q, same %v", r.Scenario.Name, r.Skipped, r.Same())
		}
		for _, l := range r.C {
			if strings.Contains(l, "ABORT") || strings.Contains(l, "PANIC") || strings.Contains(l, "within 2s") {
				t.Errorf("%s: %s", r.Scenario.Name, l)
			}
		}
	}
	bad := RunLive(Reference, lossy{})
	var b bytes.Buffer
	bad.WriteMarkdown(&b)
	if !bad.Failed() || !strings.Contains(b.String(), "+ impl: register_files_update(1, [w2, r1]) = 1, ok") {
		t.Errorf("a lossy files update went unnoticed:\n%s", b.String())
	}
	if !strings.Contains(b.String(), "| eventfd | **differs** (below) |") {
		t.Errorf("an eventfd that is never registered went unnoticed:\n%s", b.String())
	}
	none := RunLive(Reference, buggy{})
	if none.Results[0].Skipped != "not implemented: rings (RingMaker)" {
		t.Errorf("an implementation without rings: %q", none.Results[0].Skipped)
	}
}

// lossy is the C reference whose rings update only the first file and
// never register an eventfd.
type lossy struct{}

func (lossy) Name() string               { return "lossy" }
func (lossy) Preps() map[string]PrepFunc { return cPreps }
func (lossy) NewRing(entries, flags uint32) (Ring, error) {
	r, err := Reference.(RingMaker).NewRing(entries, flags)
	if err != nil {
		return nil, err
	}
	return lossyRing{r.(cRing)}, nil
}

type lossyRing struct{ cRing }

func (l lossyRing) RegisterFiles(fds []int32) error { return l.cRing.RegisterFiles(fds) }
func (l lossyRing) RegisterFilesUpdate(off uint32, fds []int32) (int, error) {
	return l.cRing.RegisterFilesUpdate(off, fds[:1])
}
func (l lossyRing) UnregisterFiles() error    { return l.cRing.UnregisterFiles() }
func (l lossyRing) RegisterEventfd(int) error { return nil }
