// Package crosscheck runs the C-parity oracle (package parity) on pure-Go
// io_uring libraries: giouring (github.com/pawelgaczynski/giouring) and
// go-uring (github.com/godzie44/go-uring). Each has an adapter package here;
// cmd/crosscheck writes the report and report_test.go keeps the committed
// report equal to what the oracle finds. It is a separate module so that the
// main module does not depend on those libraries. giouring links on Go 1.23+
// only with -ldflags=-checklinkname=0. Run it with `make crosscheck` from the
// repository root.
package crosscheck
