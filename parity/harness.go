//go:build linux

package parity

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// PrepFunc fills sqe as an implementation's counterpart of one C prep
// helper does. args are that helper's arguments in C's order (without the
// sqe); read them with the Args accessors.
type PrepFunc func(sqe *SQE, args Args)

// Implementation is what an io_uring implementation adapts to be checked
// against C liburing. Preps maps C helper names (io_uring_prep_read) to the
// implementation's counterpart; a helper missing from the map is reported
// as not implemented.
//
// An implementation may also satisfy SQEResetter, ConstantProvider,
// LayoutProvider and RingMaker; what it lacks is left out of the checks.
type Implementation interface {
	Name() string
	Preps() map[string]PrepFunc
}

// SQEResetter is implemented by an implementation whose get-SQE call
// changes the SQE it hands out (C liburing's io_uring_get_sqe clears
// flags, ioprio, the op flags, buf_index, personality, file_index, addr3
// and __pad2[0]). The harness starts every vector from a stale SQE (every
// byte 0xa5, as a slot that was used before), calls ResetSQE when present
// and then the PrepFunc, exactly as a program calls get-SQE and then prep.
type SQEResetter interface {
	ResetSQE(sqe *SQE)
}

// StaleByte fills every byte of the SQE a vector starts from.
const StaleByte = 0xa5

// Mismatch is one SQE field in which an implementation differs from C for
// one vector.
type Mismatch struct {
	Vector *Vector
	Field  Field
	C      uint64 // C's value (arena addresses rebased to CanonicalBase)
	Got    uint64 // the implementation's value, rebased the same way
	Panic  string // set instead when the PrepFunc panicked
}

// String is "io_uring_prep_read[max] len: C 0xffffffff, impl 0x0 (args: ...)".
func (m Mismatch) String() string {
	if m.Panic != "" {
		return fmt.Sprintf("%s panics: %s (args: %s)", m.Vector.ID(), m.Panic, m.Vector.Args)
	}
	return fmt.Sprintf("%s %s: C %s, impl %s (args: %s)", m.Vector.ID(), m.Field.Name,
		FormatValue(m.Field, m.C, m.Vector.Args), formatImpl(m.Field, m.Got, m.Vector.Args), m.Vector.Args)
}

// FormatValue shows C's value of a field for reports: an arena address as
// &slot+off, anything else in hex.
func FormatValue(f Field, v uint64, args Args) string {
	if s, ok := slotOf(v); ok && f.Size == 8 {
		return s
	}
	if f.Name == "fd" || f.Name == "splice_fd_in" {
		return fmt.Sprintf("%d", int32(v))
	}
	return fmt.Sprintf("%#x", v)
}

// formatImpl shows an implementation's value: as FormatValue, except that
// a 64-bit value that looks like an address outside the arena (from 64 KiB
// to 2^47, neither half an argument's value) is shown as "an address
// outside the arena", so that reports do not depend on where a run's heap
// or data lie.
func formatImpl(f Field, v uint64, args Args) string {
	if _, ok := slotOf(v); !ok && f.Size == 8 && v >= 0x10000 && v < 1<<47 && !isArgValue(v, args) &&
		!isArgValue(v&0xffffffff, args) && (v>>32 == 0 || !isArgValue(v>>32, args)) {
		return "an address outside the arena"
	}
	return FormatValue(f, v, args)
}

func isArgValue(v uint64, args Args) bool {
	for _, a := range args {
		if a.Kind != Pointer && v != 0 && (a.Raw == v || a.Raw&0xffffffff == v) {
			return true
		}
	}
	return false
}

// slotOf names a canonical arena address.
func slotOf(v uint64) (string, bool) {
	if v < CanonicalBase || v >= CanonicalBase+ArenaSize {
		return "", false
	}
	off := int(v - CanonicalBase)
	for _, s := range Slots {
		if off >= s.Offset && off < s.Offset+s.Size {
			if off == s.Offset {
				return "&" + s.Name, true
			}
			return fmt.Sprintf("&%s+%#x", s.Name, off-s.Offset), true
		}
	}
	return fmt.Sprintf("arena+%#x", off), true
}

// Unrepresentable is what an adapter panics with when the implementation's
// API cannot express a vector's arguments (a length beyond what a Go slice
// holds, a NULL where it takes a value). Such vectors are listed apart, not
// counted as mismatches.
type Unrepresentable string

// PrepReport is the result of running every vector through one
// implementation.
type PrepReport struct {
	Impl       string
	Vectors    int      // vectors of implemented helpers that ran
	Exact      int      // of those, SQEs equal to C's in all 64 bytes
	Missing    []string // helpers the implementation does not have
	Mismatches []Mismatch
	// Unrepresentable lists the vectors the implementation's API cannot
	// express, with the reason.
	Unrepresentable []string
}

// RunPrep builds one vector's SQE with an implementation: a stale SQE,
// ResetSQE when the implementation has it, then prep with the vector's
// arguments resolved in the arena. Addresses inside the arena are rebased
// to CanonicalBase. A panic is returned as an error.
func RunPrep(impl Implementation, prep PrepFunc, v *Vector, ar *Arena) (sqe SQE, err error) {
	b := sqe.Bytes()
	for i := range b {
		b[i] = StaleByte
	}
	if r, ok := impl.(SQEResetter); ok {
		r.ResetSQE(&sqe)
	}
	args := v.Args.resolve(ar)
	func() {
		defer func() {
			switch r := recover().(type) {
			case nil:
			case Unrepresentable:
				err = r
			default:
				err = fmt.Errorf("%v", r)
			}
		}()
		prep(&sqe, args)
	}()
	for _, off := range pointerFields {
		f := Field{Offset: off, Size: 8}
		c, _ := ar.Canonical(f.Value(b))
		putU64(b[off:], c)
	}
	return sqe, err
}

// Diff compares an implementation's SQE with C's, field by field.
func Diff(v *Vector, got *SQE) []Mismatch {
	var out []Mismatch
	cb, gb := v.SQE.Bytes(), got.Bytes()
	for _, f := range SQEFields {
		if c, g := f.Value(cb), f.Value(gb); c != g {
			out = append(out, Mismatch{Vector: v, Field: f, C: c, Got: g})
		}
	}
	return out
}

// CheckPreps runs every vector (with C's SQEs, from Golden or
// ComputeVectors) through the implementation and reports each field that
// differs from C.
func CheckPreps(impl Implementation, vectors []Vector) (*PrepReport, error) {
	ar, err := NewArena()
	if err != nil {
		return nil, err
	}
	defer ar.Close()
	preps := impl.Preps()
	rep := &PrepReport{Impl: impl.Name()}
	missing := map[string]bool{}
	for i := range vectors {
		v := &vectors[i]
		prep := preps[v.Func]
		if prep == nil {
			if !missing[v.Func] {
				missing[v.Func] = true
				rep.Missing = append(rep.Missing, v.Func)
			}
			continue
		}
		rep.Vectors++
		sqe, err := RunPrep(impl, prep, v, ar)
		if u, ok := err.(Unrepresentable); ok {
			rep.Vectors--
			rep.Unrepresentable = append(rep.Unrepresentable, v.ID()+": "+string(u))
			continue
		}
		if err != nil {
			rep.Mismatches = append(rep.Mismatches, Mismatch{Vector: v, Panic: err.Error()})
			continue
		}
		d := Diff(v, &sqe)
		if len(d) == 0 {
			rep.Exact++
		}
		rep.Mismatches = append(rep.Mismatches, d...)
	}
	return rep, nil
}

// Finding is a mismatch summarised over the vectors where it occurs: one
// helper, one field, and the first vector that shows it.
type Finding struct {
	Func    string
	Field   string
	C, Impl string // the first occurrence's values, formatted
	Example *Vector
	Cases   []string // every case that shows it
}

// Findings groups the mismatches by helper and field, in helper order.
func (r *PrepReport) Findings() []Finding {
	var out []Finding
	idx := map[string]int{}
	for _, m := range r.Mismatches {
		field := m.Field.Name
		if m.Panic != "" {
			field = "(panic)"
		}
		key := m.Vector.Func + "\x00" + field
		i, ok := idx[key]
		if !ok {
			i = len(out)
			idx[key] = i
			f := Finding{Func: m.Vector.Func, Field: field, Example: m.Vector}
			if m.Panic != "" {
				f.C, f.Impl = "builds the SQE", "panic: "+m.Panic
			} else {
				f.C, f.Impl = FormatValue(m.Field, m.C, m.Vector.Args), formatImpl(m.Field, m.Got, m.Vector.Args)
			}
			out = append(out, f)
		}
		out[i].Cases = append(out[i].Cases, m.Vector.Case)
	}
	return out
}

// systemicMin is how many helpers must share a finding (same field, same
// C and implementation values) for the report to list it once.
const systemicMin = 5

// WriteMarkdown writes the report: a summary line, the helpers not
// implemented, the findings shared by many helpers (one row each), a table
// of the other findings (helper, field, C, implementation, cases,
// arguments of the first case) and, with full, every mismatch.
func (r *PrepReport) WriteMarkdown(w io.Writer, full bool) {
	fmt.Fprintf(w, "### %s: prep helpers\n\n", r.Impl)
	fmt.Fprintf(w, "%d vectors of %d implemented helpers ran; %d SQEs equal C's in all 64 bytes, %d differ. %d of the 85 helpers are not implemented.\n\n",
		r.Vectors, 85-len(r.Missing), r.Exact, r.Vectors-r.Exact, len(r.Missing))
	if len(r.Missing) > 0 {
		m := append([]string(nil), r.Missing...)
		sort.Strings(m)
		fmt.Fprintf(w, "Not implemented: %s.\n\n", strings.Join(trimPrefixes(m), ", "))
	}
	if len(r.Unrepresentable) > 0 {
		fmt.Fprintf(w, "Vectors the API cannot express (left out): %s.\n\n", strings.Join(r.Unrepresentable, "; "))
	}
	fs := r.Findings()
	if len(fs) == 0 {
		fmt.Fprintf(w, "No discrepancy.\n\n")
		return
	}
	type key struct{ field, c, impl string }
	groups := map[key][]string{}
	var order []key
	for _, f := range fs {
		k := key{f.Field, f.C, f.Impl}
		if groups[k] == nil {
			order = append(order, k)
		}
		groups[k] = append(groups[k], strings.TrimPrefix(f.Func, "io_uring_prep_"))
	}
	systemic := false
	for _, k := range order {
		if len(groups[k]) >= systemicMin {
			if !systemic {
				fmt.Fprintf(w, "Shared by many helpers (in every case of each):\n\n| field | C | %s | helpers |\n|---|---|---|---|\n", r.Impl)
				systemic = true
			}
			fmt.Fprintf(w, "| %s | %s | %s | %d: %s |\n", k.field, k.c, k.impl, len(groups[k]), strings.Join(groups[k], ", "))
		}
	}
	if systemic {
		fmt.Fprintf(w, "\nThe other findings:\n\n")
	}
	fmt.Fprintf(w, "| function | field | C | %s | cases | arguments (first case) |\n|---|---|---|---|---|---|\n", r.Impl)
	for _, f := range fs {
		if len(groups[key{f.Field, f.C, f.Impl}]) >= systemicMin {
			continue
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s: %s |\n", f.Func, f.Field, f.C, f.Impl,
			casesSummary(f.Cases), f.Example.Case, f.Example.Args)
	}
	fmt.Fprintln(w)
	if full {
		fmt.Fprintf(w, "<details><summary>every mismatch (%d)</summary>\n\n```\n", len(r.Mismatches))
		for _, m := range r.Mismatches {
			fmt.Fprintln(w, m.String())
		}
		fmt.Fprintf(w, "```\n</details>\n\n")
	}
}

func casesSummary(cases []string) string {
	if len(cases) <= 3 {
		return strings.Join(cases, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(cases[:2], ", "), len(cases)-2)
}

func trimPrefixes(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = strings.TrimPrefix(n, "io_uring_prep_")
	}
	return out
}

func putU64(b []byte, v uint64) {
	for i := 0; i < 8; i++ {
		b[i] = byte(v >> (8 * i))
	}
}

func (u Unrepresentable) Error() string { return string(u) }
