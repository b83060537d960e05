//go:build linux && cgo

// Command crosscheck runs the C-parity oracle on every adapted library and
// writes the report (markdown) for the linked liburing version:
//
//	crosscheck            print the report
//	crosscheck -write     write it to reports/liburing-<version>.md
//
// Build it with -ldflags=-checklinkname=0 (giouring needs it on Go 1.23+).
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/liburing-go/liburing/crosscheck"
)

func main() {
	write := flag.Bool("write", false, "write reports/liburing-<version>.md instead of printing")
	flag.Parse()
	start := time.Now()
	var b bytes.Buffer
	version, err := crosscheck.Report(&b)
	if err != nil {
		fmt.Fprintln(os.Stderr, "crosscheck:", err)
		os.Exit(1)
	}
	if *write {
		path := crosscheck.ReportPath(version)
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "crosscheck:", err)
			os.Exit(1)
		}
		fmt.Printf("%s written in %v\n", path, time.Since(start).Round(time.Millisecond))
		return
	}
	os.Stdout.Write(b.Bytes())
	fmt.Fprintf(os.Stderr, "crosscheck: %v\n", time.Since(start).Round(time.Millisecond))
}
