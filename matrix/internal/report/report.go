// Package report turns the event stream of Go test binaries (as cmd/test2json
// writes it) into one record per test, writes and reads those records as JSON
// lines, and renders the kernel matrix: one table of test x kernel and a
// summary per kernel.
package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"
)

// Kinds of records in a results file.
const (
	KindEnv  = "env"  // the machine the tests ran on (first line)
	KindTest = "test" // one test (or subtest) and its result
	KindPkg  = "pkg"  // one test binary and its overall result
	KindPlan = "plan" // a top-level test the binary is about to run (-test.list)
	KindDone = "done" // the runner finished (last line)
)

// Results of a test or package.
const (
	Pass = "pass"
	Fail = "fail"
	Skip = "skip"
)

// Record is one line of a results file.
type Record struct {
	Kind    string  `json:"kind"`
	Pkg     string  `json:"pkg,omitempty"`
	Test    string  `json:"test,omitempty"`
	Result  string  `json:"result,omitempty"`
	Elapsed float64 `json:"elapsed,omitempty"`
	// Reason is a skip's message; for a failure, the test's log lines.
	Reason string `json:"reason,omitempty"`
	// Env records only.
	Kernel  string `json:"kernel,omitempty"`
	Machine string `json:"machine,omitempty"`
	CPUs    int    `json:"cpus,omitempty"`
	// Pkg records: how the binary ended when it did not pass.
	Exit string `json:"exit,omitempty"`
}

// Event is one cmd/test2json event.
type Event struct {
	Time    time.Time
	Action  string
	Package string
	Test    string
	Elapsed float64
	Output  string
}

// maxLines bounds the log kept per test.
const maxLines = 40

// Collector turns test2json events into records.
type Collector struct {
	out     map[string][]string // per test: its output lines
	Records []Record
}

// NewCollector returns an empty collector.
func NewCollector() *Collector {
	return &Collector{out: map[string][]string{}}
}

// Add takes one event and returns the record it completes, if any.
func (c *Collector) Add(e Event) *Record {
	key := e.Package + "\x00" + e.Test
	switch e.Action {
	case "output":
		lines := append(c.out[key], strings.TrimRight(e.Output, "\n"))
		if len(lines) > maxLines {
			lines = lines[len(lines)-maxLines:]
		}
		c.out[key] = lines
		return nil
	case Pass, Fail, Skip:
	default:
		return nil
	}
	r := Record{Kind: KindTest, Pkg: e.Package, Test: e.Test, Result: e.Action, Elapsed: e.Elapsed}
	if e.Test == "" {
		r.Kind = KindPkg
	}
	switch e.Action {
	case Skip:
		r.Reason = SkipReason(c.out[key])
	case Fail:
		r.Reason = strings.Join(logLines(c.out[key]), "\n")
	}
	delete(c.out, key)
	c.Records = append(c.Records, r)
	return &c.Records[len(c.Records)-1]
}

// logPrefix matches the start of a t.Log line: "    file_test.go:12: ".
var logPrefix = regexp.MustCompile(`^\s*[\w.-]+\.go:\d+: `)

// logLines drops the framing lines (=== RUN, --- PASS, ...) and blank ones.
func logLines(lines []string) []string {
	var keep []string
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "=== ") || strings.HasPrefix(t, "--- ") {
			continue
		}
		keep = append(keep, l)
	}
	return keep
}

// SkipReason returns the last log message of a test (the t.Skip message),
// without its file:line prefix, continuation lines joined by spaces.
func SkipReason(lines []string) string {
	logs := logLines(lines)
	start := -1
	for i, l := range logs {
		if logPrefix.MatchString(l) {
			start = i
		}
	}
	if start < 0 {
		return "skipped without a message"
	}
	parts := []string{logPrefix.ReplaceAllString(logs[start], "")}
	for _, l := range logs[start+1:] {
		parts = append(parts, strings.TrimSpace(l))
	}
	return strings.Join(parts, " ")
}

// Write writes a record as one JSON line.
func Write(w io.Writer, r Record) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// Run is the content of one results file.
type Run struct {
	Env   Record
	Tests []Record
	Pkgs  []Record
	Plan  []Record
	Done  bool
}

// Read parses a results file. Lines that are not records (a serial line may
// carry stray bytes or carriage returns) are ignored.
func Read(r io.Reader) (*Run, error) {
	run := &Run{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		i := strings.IndexByte(line, '{')
		if i < 0 {
			continue
		}
		var rec Record
		if json.Unmarshal([]byte(line[i:]), &rec) != nil {
			continue
		}
		switch rec.Kind {
		case KindEnv:
			run.Env = rec
		case KindTest:
			run.Tests = append(run.Tests, rec)
		case KindPkg:
			run.Pkgs = append(run.Pkgs, rec)
		case KindPlan:
			run.Plan = append(run.Plan, rec)
		case KindDone:
			run.Done = true
		}
	}
	return run, sc.Err()
}

// Column is one kernel of the matrix.
type Column struct {
	Label string // e.g. "6.1.170 (QEMU)"
	Note  string // how the run ended when it did not finish ("timeout after 900s")
	Run   *Run
}

// ShortPkg names a package by its last path element.
func ShortPkg(pkg string) string {
	return pkg[strings.LastIndexByte(pkg, '/')+1:]
}

// rowKey names a top-level test in the table.
func rowKey(r Record) string {
	return ShortPkg(r.Pkg) + "." + r.Test
}

func isTopLevel(r Record) bool { return !strings.Contains(r.Test, "/") }

// Counts are the results of the top-level tests of one column.
type Counts struct{ Pass, Skip, Fail, Missing int }

// Matrix holds the top-level results of every column.
type Matrix struct {
	Cols []Column
	Rows []string              // row keys in first-seen order
	Cell []map[string]Record   // per column: row key -> record
	Sub  []map[string][]Record // per column: row key -> failed or skipped subtests
}

// Build indexes the columns.
func Build(cols []Column) *Matrix {
	m := &Matrix{Cols: cols}
	seen := map[string]bool{}
	for _, c := range cols {
		cell := map[string]Record{}
		sub := map[string][]Record{}
		if c.Run != nil {
			// Planned tests are rows even when the run ended before them.
			for _, r := range c.Run.Plan {
				if key := rowKey(r); !seen[key] {
					seen[key] = true
					m.Rows = append(m.Rows, key)
				}
			}
			for _, r := range c.Run.Tests {
				top, _, _ := strings.Cut(r.Test, "/")
				key := ShortPkg(r.Pkg) + "." + top
				if !isTopLevel(r) {
					if r.Result != Pass {
						sub[key] = append(sub[key], r)
					}
					continue
				}
				cell[key] = r
				if !seen[key] {
					seen[key] = true
					m.Rows = append(m.Rows, key)
				}
			}
		}
		m.Cell = append(m.Cell, cell)
		m.Sub = append(m.Sub, sub)
	}
	return m
}

// Counts returns the top-level counts of column i; a row the column lacks
// (the binary crashed or the run timed out) is missing.
func (m *Matrix) Counts(i int) Counts {
	var n Counts
	for _, k := range m.Rows {
		r, ok := m.Cell[i][k]
		switch {
		case !ok:
			n.Missing++
		case r.Result == Pass:
			n.Pass++
		case r.Result == Skip:
			n.Skip++
		default:
			n.Fail++
		}
	}
	return n
}

// Failed reports whether any column has a failure, a missing test, a failed
// package or an unfinished run.
func (m *Matrix) Failed() bool {
	for i, c := range m.Cols {
		n := m.Counts(i)
		if n.Fail > 0 || n.Missing > 0 || c.Run == nil || !c.Run.Done || c.Note != "" {
			return true
		}
		for _, p := range c.Run.Pkgs {
			if p.Result == Fail {
				return true
			}
		}
	}
	return false
}

func cellText(r Record, ok bool, subs []Record) string {
	switch {
	case !ok:
		return "—"
	case r.Result == Fail:
		return "**FAIL**"
	case r.Result == Pass && len(subs) > 0:
		return "pass (part skip)"
	default:
		return r.Result
	}
}

// Table renders the test x kernel table in Markdown. With changedOnly, only
// the rows whose result is not pass everywhere are shown.
func (m *Matrix) Table(w io.Writer, changedOnly bool) {
	fmt.Fprint(w, "| test |")
	for _, c := range m.Cols {
		fmt.Fprintf(w, " %s |", c.Label)
	}
	fmt.Fprint(w, "\n| --- |")
	for range m.Cols {
		fmt.Fprint(w, " --- |")
	}
	fmt.Fprintln(w)
	for _, k := range m.Rows {
		if changedOnly && m.allPass(k) {
			continue
		}
		fmt.Fprintf(w, "| %s |", k)
		for i := range m.Cols {
			r, ok := m.Cell[i][k]
			fmt.Fprintf(w, " %s |", cellText(r, ok, m.Sub[i][k]))
		}
		fmt.Fprintln(w)
	}
}

func (m *Matrix) allPass(k string) bool {
	for i := range m.Cols {
		if r, ok := m.Cell[i][k]; !ok || r.Result != Pass || len(m.Sub[i][k]) > 0 {
			return false
		}
	}
	return true
}

// Summary renders, per column, the kernel, the counts, every skip with its
// reason, every failure with its log, and how the run ended.
func (m *Matrix) Summary(w io.Writer) {
	fmt.Fprintln(w, "| kernel | uname -r | passed | skipped | failed | not run |")
	fmt.Fprintln(w, "| --- | --- | --- | --- | --- | --- |")
	for i, c := range m.Cols {
		n := m.Counts(i)
		uname := "?"
		if c.Run != nil && c.Run.Env.Kernel != "" {
			uname = c.Run.Env.Kernel
		}
		fmt.Fprintf(w, "| %s | %s | %d | %d | %d | %d |\n", c.Label, uname, n.Pass, n.Skip, n.Fail, n.Missing)
	}
	for i, c := range m.Cols {
		fmt.Fprintf(w, "\n%s:\n", c.Label)
		if c.Note != "" {
			fmt.Fprintf(w, "- run: %s\n", c.Note)
		}
		if c.Run == nil {
			fmt.Fprintln(w, "- no results")
			continue
		}
		if !c.Run.Done {
			fmt.Fprintln(w, "- run: the runner did not finish (no done record)")
		}
		for _, p := range c.Run.Pkgs {
			if p.Result != Pass {
				fmt.Fprintf(w, "- package %s: %s %s\n", ShortPkg(p.Pkg), p.Result, p.Exit)
			}
		}
		if len(m.Cell[i]) == 0 {
			fmt.Fprintln(w, "- no test results")
			continue
		}
		any := false
		for _, k := range m.Rows {
			r, ok := m.Cell[i][k]
			switch {
			case !ok:
				fmt.Fprintf(w, "- not run: %s\n", k)
			case r.Result == Skip:
				fmt.Fprintf(w, "- skipped: %s: %s\n", k, r.Reason)
			case r.Result == Fail:
				fmt.Fprintf(w, "- FAILED: %s\n", k)
				writeLog(w, "    ", r.Reason)
				for _, s := range m.Sub[i][k] {
					if s.Result == Fail {
						fmt.Fprintf(w, "  - subtest %s failed\n", s.Test)
						writeLog(w, "      ", s.Reason)
					}
				}
			case len(m.Sub[i][k]) > 0:
				for _, s := range m.Sub[i][k] {
					fmt.Fprintf(w, "- skipped subtest: %s.%s: %s\n", ShortPkg(s.Pkg), s.Test, s.Reason)
				}
			default:
				continue
			}
			any = true
		}
		if !any {
			fmt.Fprintln(w, "- every test passed")
		}
	}
}

// writeLog writes the non-blank lines of a test log, indented.
func writeLog(w io.Writer, indent, log string) {
	for _, l := range strings.Split(log, "\n") {
		if strings.TrimSpace(l) != "" {
			fmt.Fprintf(w, "%s%s\n", indent, strings.TrimSpace(l))
		}
	}
}
