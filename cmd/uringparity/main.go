//go:build linux && cgo

// Command uringparity is the C-parity oracle's front end.
//
//	uringparity golden [-dir parity/golden]   write the golden file of the linked liburing
//	uringparity verify                        check the embedded golden file against the linked
//	                                          C and run the live scenarios C against C
//	uringparity vectors [-func NAME]          print the vectors with C's SQE fields
//	uringparity transcripts                   print C's transcript of every live scenario
//
// Implementations are checked by importing package parity and adapting to
// parity.Implementation (see crosscheck/ for giouring and go-uring).
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/liburing-go/liburing/parity"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "golden":
		err = golden(os.Args[2:])
	case "verify":
		err = verify()
	case "vectors":
		err = vectors(os.Args[2:])
	case "transcripts":
		transcripts()
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "uringparity:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: uringparity golden [-dir DIR] | verify | vectors [-func NAME] | transcripts")
	os.Exit(2)
}

func golden(args []string) error {
	fs := flag.NewFlagSet("golden", flag.ExitOnError)
	dir := fs.String("dir", "parity", "the parity package directory")
	fs.Parse(args)
	g, err := parity.CGolden()
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := g.WriteJSON(&b); err != nil {
		return err
	}
	path := filepath.Join(*dir, parity.GoldenPath(g.Liburing))
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Printf("%s: %d vectors of %d helpers, %d layout entries, %d constants\n",
		path, len(g.Vectors), len(parity.Helpers), len(g.Layout), len(g.Constants))
	return nil
}

func verify() error {
	start := time.Now()
	v := parity.LiburingVersion()
	want, err := parity.LoadGolden(v)
	if err != nil {
		return err
	}
	got, err := parity.CGolden()
	if err != nil {
		return err
	}
	if diffs := parity.CompareGolden(want, got); len(diffs) > 0 {
		for _, d := range diffs {
			fmt.Println(d)
		}
		return fmt.Errorf("the embedded golden file of liburing %s differs from the linked C in %d places (run `uringparity golden`)", v, len(diffs))
	}
	fmt.Printf("golden file of liburing %s equals the linked C: %d vectors, %d layout entries, %d constants\n",
		v, len(got.Vectors), len(got.Layout), len(got.Constants))
	rep, err := parity.CheckPreps(parity.Reference, want.Vectors)
	if err != nil {
		return err
	}
	fmt.Printf("reference against golden: %d of %d vectors exact\n", rep.Exact, rep.Vectors)
	live := parity.RunLive(parity.Reference, parity.Reference)
	live.WriteMarkdown(os.Stdout)
	if live.Failed() {
		return fmt.Errorf("the C reference disagrees with itself in the live scenarios")
	}
	fmt.Printf("done in %v\n", time.Since(start).Round(time.Millisecond))
	return nil
}

func vectors(args []string) error {
	fs := flag.NewFlagSet("vectors", flag.ExitOnError)
	fn := fs.String("func", "", "only this helper (C name)")
	fs.Parse(args)
	vs, err := parity.ComputeVectors()
	if err != nil {
		return err
	}
	for i := range vs {
		v := &vs[i]
		if *fn != "" && v.Func != *fn {
			continue
		}
		fmt.Printf("%s (%s)\n", v.ID(), v.Args)
		for _, f := range parity.SQEFields {
			fmt.Printf("    %-12s %s\n", f.Name, parity.FormatValue(f, f.Value(v.SQE.Bytes()), v.Args))
		}
	}
	return nil
}

func transcripts() {
	live := parity.RunLive(parity.Reference, parity.Reference)
	for _, r := range live.Results {
		fmt.Printf("== %s: %s\n", r.Scenario.Name, r.Scenario.What)
		for _, l := range r.C {
			fmt.Println("  " + l)
		}
	}
}
