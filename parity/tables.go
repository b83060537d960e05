//go:build linux

package parity

import (
	"fmt"
	"io"
	"sort"
)

// ConstantProvider is implemented by an implementation that maps C
// constant names (IORING_OP_NOP, IOSQE_FIXED_FILE, ...) to its own values.
// Names it leaves out are not checked.
type ConstantProvider interface {
	Constants() map[string]uint64
}

// LayoutProvider is implemented by an implementation that reports the
// size of its structs (Field "") and the offset and size of their members,
// under C's names ("struct io_uring_sqe", "user_data").
type LayoutProvider interface {
	Layout() []LayoutEntry
}

// TableReport lists the constants and layout entries in which an
// implementation differs from C.
type TableReport struct {
	Impl              string
	Constants, Layout int // how many were compared
	Mismatches        []string
}

// CheckTables compares an implementation's constants and layout (when it
// provides them) with the golden tables.
func CheckTables(impl Implementation, g *Golden) *TableReport {
	rep := &TableReport{Impl: impl.Name()}
	if cp, ok := impl.(ConstantProvider); ok {
		want := map[string]uint64{}
		for _, c := range g.Constants {
			want[c.Name] = c.Value
		}
		got := cp.Constants()
		names := make([]string, 0, len(got))
		for n := range got {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			w, ok := want[n]
			switch {
			case !ok:
				rep.Mismatches = append(rep.Mismatches, fmt.Sprintf("constant %s: not in liburing %s", n, g.Liburing))
			case w != got[n]:
				rep.Mismatches = append(rep.Mismatches, fmt.Sprintf("constant %s: C %#x, %s %#x", n, w, impl.Name(), got[n]))
			}
			rep.Constants++
		}
	}
	if lp, ok := impl.(LayoutProvider); ok {
		want := map[string]LayoutEntry{}
		for _, e := range g.Layout {
			want[e.Struct+"."+e.Field] = e
		}
		for _, e := range lp.Layout() {
			rep.Layout++
			w, ok := want[e.Struct+"."+e.Field]
			name := e.Struct
			if e.Field != "" {
				name += "." + e.Field
			}
			switch {
			case !ok:
				rep.Mismatches = append(rep.Mismatches, fmt.Sprintf("layout %s: not in liburing %s", name, g.Liburing))
			case w.Offset != e.Offset || w.Size != e.Size:
				rep.Mismatches = append(rep.Mismatches, fmt.Sprintf("layout %s: C offset %d size %d, %s offset %d size %d",
					name, w.Offset, w.Size, impl.Name(), e.Offset, e.Size))
			}
		}
	}
	return rep
}

// WriteMarkdown writes the table report.
func (r *TableReport) WriteMarkdown(w io.Writer) {
	fmt.Fprintf(w, "### %s: constants and layout\n\n", r.Impl)
	if r.Constants == 0 && r.Layout == 0 {
		fmt.Fprintf(w, "Not provided.\n\n")
		return
	}
	fmt.Fprintf(w, "%d constants and %d layout entries compared; %d differ.\n\n", r.Constants, r.Layout, len(r.Mismatches))
	for _, m := range r.Mismatches {
		fmt.Fprintf(w, "- %s\n", m)
	}
	if len(r.Mismatches) > 0 {
		fmt.Fprintln(w)
	}
}
