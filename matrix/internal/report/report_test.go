package report

import (
	"bytes"
	"strings"
	"testing"
)

func TestSkipReason(t *testing.T) {
	for _, tt := range []struct {
		lines []string
		want  string
	}{
		{[]string{"=== RUN   TestA", "    helpers_test.go:72: kernel does not support IORING_OP_WAITID (probe)", "--- SKIP: TestA (0.00s)"},
			"kernel does not support IORING_OP_WAITID (probe)"},
		{[]string{"=== RUN   TestB", "    b_test.go:1: first log", "    b_test.go:9: skip: two", "        lines", "--- SKIP: TestB (0.00s)"},
			"skip: two lines"},
		{[]string{"=== RUN   TestC/sub", "        c_test.go:3: nested", "    --- SKIP: TestC/sub (0.00s)"}, "nested"},
		{[]string{"=== RUN   TestD", "--- SKIP: TestD (0.00s)"}, "skipped without a message"},
	} {
		if got := SkipReason(tt.lines); got != tt.want {
			t.Errorf("SkipReason(%q) = %q, want %q", tt.lines, got, tt.want)
		}
	}
}

func TestCollector(t *testing.T) {
	c := NewCollector()
	const pkg = "example.com/m/p"
	events := []Event{
		{Action: "start", Package: pkg},
		{Action: "run", Package: pkg, Test: "TestA"},
		{Action: "output", Package: pkg, Test: "TestA", Output: "=== RUN   TestA\n"},
		{Action: "output", Package: pkg, Test: "TestA", Output: "    a_test.go:5: needs Linux 6.3\n"},
		{Action: "output", Package: pkg, Test: "TestA", Output: "--- SKIP: TestA (0.00s)\n"},
		{Action: "skip", Package: pkg, Test: "TestA"},
		{Action: "output", Package: pkg, Test: "TestB", Output: "    b_test.go:7: res -22, want 0\n"},
		{Action: "fail", Package: pkg, Test: "TestB", Elapsed: 0.5},
		{Action: "pass", Package: pkg, Test: "TestC"},
		{Action: "fail", Package: pkg, Elapsed: 1},
	}
	var done []Record
	for _, e := range events {
		if r := c.Add(e); r != nil {
			done = append(done, *r)
		}
	}
	want := []Record{
		{Kind: KindTest, Pkg: pkg, Test: "TestA", Result: Skip, Reason: "needs Linux 6.3"},
		{Kind: KindTest, Pkg: pkg, Test: "TestB", Result: Fail, Elapsed: 0.5, Reason: "    b_test.go:7: res -22, want 0"},
		{Kind: KindTest, Pkg: pkg, Test: "TestC", Result: Pass},
		{Kind: KindPkg, Pkg: pkg, Result: Fail, Elapsed: 1},
	}
	if len(done) != len(want) {
		t.Fatalf("got %d records, want %d: %+v", len(done), len(want), done)
	}
	for i := range want {
		if done[i] != want[i] {
			t.Errorf("record %d = %+v, want %+v", i, done[i], want[i])
		}
	}
}

// results builds a results file the way the runner writes one.
func results(t *testing.T, done bool, recs ...Record) *Run {
	t.Helper()
	var b bytes.Buffer
	b.WriteString("stray serial bytes\r\n")
	for _, r := range append([]Record{{Kind: KindEnv, Kernel: "6.1.0-test"}}, recs...) {
		if err := Write(&b, r); err != nil {
			t.Fatal(err)
		}
	}
	if done {
		Write(&b, Record{Kind: KindDone})
	}
	run, err := Read(&b)
	if err != nil {
		t.Fatal(err)
	}
	return run
}

func TestMatrix(t *testing.T) {
	const pkg = "example.com/m"
	old := results(t, true,
		Record{Kind: KindTest, Pkg: pkg, Test: "TestA", Result: Pass},
		Record{Kind: KindTest, Pkg: pkg, Test: "TestB/sub", Result: Skip, Reason: "needs 6.3"},
		Record{Kind: KindTest, Pkg: pkg, Test: "TestB", Result: Pass},
		Record{Kind: KindTest, Pkg: pkg, Test: "TestC", Result: Skip, Reason: "no op"},
		Record{Kind: KindPkg, Pkg: pkg, Result: Pass})
	if old.Env.Kernel != "6.1.0-test" || !old.Done || len(old.Tests) != 4 || len(old.Pkgs) != 1 {
		t.Fatalf("Read: %+v", old)
	}
	cut := results(t, false, Record{Kind: KindTest, Pkg: pkg, Test: "TestA", Result: Fail, Reason: "boom"})

	m := Build([]Column{{Label: "old", Run: old}, {Label: "cut", Run: cut, Note: "timeout after 9s"}})
	if got, want := m.Counts(0), (Counts{Pass: 2, Skip: 1}); got != want {
		t.Errorf("Counts(old) = %+v, want %+v", got, want)
	}
	if got, want := m.Counts(1), (Counts{Fail: 1, Missing: 2}); got != want {
		t.Errorf("Counts(cut) = %+v, want %+v", got, want)
	}
	if !m.Failed() {
		t.Error("Failed() = false with a failure and an unfinished run")
	}
	if Build([]Column{{Label: "old", Run: old}}).Failed() {
		t.Error("Failed() = true for a finished run without failures")
	}

	var b bytes.Buffer
	m.Table(&b, false)
	m.Summary(&b)
	out := b.String()
	for _, want := range []string{
		"| test | old | cut |",
		"| m.TestA | pass | **FAIL** |",
		"| m.TestB | pass (part skip) | — |",
		"| m.TestC | skip | — |",
		"| old | 6.1.0-test | 2 | 1 | 0 | 0 |",
		"- skipped subtest: m.TestB/sub: needs 6.3",
		"- skipped: m.TestC: no op",
		"- run: timeout after 9s",
		"- run: the runner did not finish",
		"- FAILED: m.TestA\n    boom",
		"- not run: m.TestB",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	b.Reset()
	m.Table(&b, true)
	if strings.Contains(b.String(), "m.TestA") != true || strings.Count(b.String(), "\n") != 5 {
		t.Errorf("changed-only table:\n%s", b.String())
	}
}

// TestPlan: a run cut short (timeout) lists the planned tests it did not
// reach as not run, even as the only column.
func TestPlan(t *testing.T) {
	const pkg = "example.com/m"
	run := results(t, false,
		Record{Kind: KindPlan, Pkg: pkg, Test: "TestA"},
		Record{Kind: KindPlan, Pkg: pkg, Test: "TestB"},
		Record{Kind: KindTest, Pkg: pkg, Test: "TestA", Result: Pass})
	m := Build([]Column{{Label: "k", Run: run, Note: "timeout after 5s"}})
	if got, want := m.Counts(0), (Counts{Pass: 1, Missing: 1}); got != want {
		t.Errorf("Counts = %+v, want %+v", got, want)
	}
	var b bytes.Buffer
	m.Summary(&b)
	if !strings.Contains(b.String(), "- not run: m.TestB") {
		t.Errorf("summary:\n%s", b.String())
	}
	empty := Build([]Column{{Label: "k", Run: results(t, false, Record{Kind: KindPlan, Pkg: pkg, Test: "TestA"})}})
	b.Reset()
	empty.Summary(&b)
	if !strings.Contains(b.String(), "- no test results") || empty.Counts(0).Missing != 1 || !empty.Failed() {
		t.Errorf("a run without results:\n%s", b.String())
	}
}
