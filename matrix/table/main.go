// Command table prints the kernel matrix from the results files of the
// runner: the summary per kernel (passed, skipped with reasons, failed) and
// one table of test x kernel, in Markdown.
//
//	table [-changed] [-o FILE] LABEL=RESULTS[=NOTE] ...
//
// NOTE says how a run ended when it did not finish (e.g. a timeout). The exit
// status is 1 when a test failed, a test did not run or a run did not finish.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/liburing-go/liburing/matrix/internal/report"
)

func main() {
	changed := flag.Bool("changed", false, "table: only the tests that do not pass everywhere")
	out := flag.String("o", "", "also write the report to this file")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: table [-changed] [-o FILE] LABEL=RESULTS[=NOTE] ...")
		os.Exit(2)
	}
	var cols []report.Column
	for _, arg := range flag.Args() {
		label, rest, ok := strings.Cut(arg, "=")
		if !ok {
			fmt.Fprintf(os.Stderr, "table: %q is not LABEL=RESULTS\n", arg)
			os.Exit(2)
		}
		path, note, _ := strings.Cut(rest, "=")
		cols = append(cols, column(label, path, note))
	}
	m := report.Build(cols)
	var buf bytes.Buffer
	m.Summary(&buf)
	fmt.Fprintln(&buf)
	m.Table(&buf, *changed)
	if *out != "" {
		if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "table:", err)
			os.Exit(1)
		}
	}
	_, _ = io.Copy(os.Stdout, &buf)
	if m.Failed() {
		os.Exit(1)
	}
}

// column reads one results file; a missing or unreadable one is a column
// without results.
func column(label, path, note string) report.Column {
	c := report.Column{Label: label, Note: note}
	f, err := os.Open(path)
	if err != nil {
		if c.Note == "" {
			c.Note = err.Error()
		}
		return c
	}
	defer f.Close()
	run, err := report.Read(f)
	if err != nil && c.Note == "" {
		c.Note = "reading results: " + err.Error()
	}
	c.Run = run
	return c
}
