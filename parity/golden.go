//go:build linux

package parity

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
)

// LayoutEntry is the size of a struct (Field "") or the offset and size of
// one of its members, as C compiles them.
type LayoutEntry struct {
	Struct string `json:"struct"` // C name: "struct io_uring_sqe"
	Field  string `json:"field,omitempty"`
	Offset uint64 `json:"offset"`
	Size   uint64 `json:"size"`
}

// Constant is a constant of liburing's headers with its value (two's
// complement in 64 bits for negative values).
type Constant struct {
	Name  string `json:"name"`
	Value uint64 `json:"value"`
}

// Golden is the content of a golden file: everything the oracle knows
// about one liburing version, for projects that cannot run cgo.
type Golden struct {
	Liburing      string        `json:"liburing"` // "2.6"
	Note          string        `json:"note"`
	CanonicalBase string        `json:"canonical_base"`
	ArenaSize     int           `json:"arena_size"`
	StaleByte     int           `json:"stale_byte"`
	Slots         []Slot        `json:"slots"`
	Vectors       []Vector      `json:"-"`
	Layout        []LayoutEntry `json:"layout"`
	Constants     []Constant    `json:"constants"`
}

type jsonArg struct {
	Name  string `json:"name"`
	Type  string `json:"type"`
	Value string `json:"value,omitempty"` // decimal, signed or unsigned as the type
	Ptr   string `json:"ptr,omitempty"`   // "&slot" or "NULL"
}

type jsonVector struct {
	Func string    `json:"func"`
	Case string    `json:"case"`
	Args []jsonArg `json:"args"`
	SQE  string    `json:"sqe"` // 64 bytes, hex
}

const goldenNote = "SQE bytes that liburing's prep helpers build for each argument set. " +
	"Every vector starts from an SQE whose 64 bytes are stale_byte, on which io_uring_get_sqe's " +
	"clearing (io_uring_initialize_sqe) ran, then the helper. Pointer arguments point to arena " +
	"slots; addresses inside the arena are stored as canonical_base + offset."

// WriteJSON writes the golden file, indented, one vector per line.
func (g *Golden) WriteJSON(w io.Writer) error {
	// Everything but the vectors (json:"-"), indented.
	hb, err := json.MarshalIndent(g, "", "  ")
	if err != nil {
		return err
	}
	// Reopen the object to append the vectors, one per line.
	if _, err := w.Write(hb[:len(hb)-2]); err != nil {
		return err
	}
	if _, err := io.WriteString(w, ",\n  \"vectors\": [\n"); err != nil {
		return err
	}
	for i, v := range g.Vectors {
		var jb bytes.Buffer
		enc := json.NewEncoder(&jb)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(toJSONVector(v)); err != nil {
			return err
		}
		b := bytes.TrimSuffix(jb.Bytes(), []byte("\n"))
		sep := ",\n"
		if i == len(g.Vectors)-1 {
			sep = "\n"
		}
		if _, err := fmt.Fprintf(w, "    %s%s", b, sep); err != nil {
			return err
		}
	}
	_, err = io.WriteString(w, "  ]\n}\n")
	return err
}

func toJSONVector(v Vector) jsonVector {
	jv := jsonVector{Func: v.Func, Case: v.Case, SQE: v.SQE.Hex(), Args: []jsonArg{}}
	for _, a := range v.Args {
		ja := jsonArg{Name: a.Name, Type: a.Type}
		switch {
		case a.Kind == Pointer && a.Slot == "":
			ja.Ptr = "NULL"
		case a.Kind == Pointer:
			ja.Ptr = "&" + a.Slot
		case a.Kind == Signed:
			ja.Value = strconv.FormatInt(int64(a.Raw), 10)
		default:
			ja.Value = strconv.FormatUint(a.Raw, 10)
		}
		jv.Args = append(jv.Args, ja)
	}
	return jv
}

// ReadGolden parses a golden file.
func ReadGolden(r io.Reader) (*Golden, error) {
	var jg struct {
		Golden               // every field but the vectors (json:"-")
		Vectors []jsonVector `json:"vectors"`
	}
	if err := json.NewDecoder(r).Decode(&jg); err != nil {
		return nil, fmt.Errorf("parity: golden file: %w", err)
	}
	if jg.CanonicalBase != fmt.Sprintf("%#x", CanonicalBase) || jg.ArenaSize != ArenaSize || jg.StaleByte != StaleByte {
		return nil, fmt.Errorf("parity: golden file made for another arena (base %s, size %d, stale byte %#x)",
			jg.CanonicalBase, jg.ArenaSize, jg.StaleByte)
	}
	g := &jg.Golden
	for _, jv := range jg.Vectors {
		h := HelperByName(jv.Func)
		if h == nil || len(h.Params) != len(jv.Args) {
			return nil, fmt.Errorf("parity: golden vector %s[%s]: unknown helper or wrong argument count", jv.Func, jv.Case)
		}
		v := Vector{Func: jv.Func, Case: jv.Case, Args: make(Args, len(jv.Args))}
		for i, ja := range jv.Args {
			p := h.Params[i]
			a := Arg{Param: p}
			if p.Kind == Pointer {
				if ja.Ptr != "NULL" {
					a.Slot = ja.Ptr[1:]
					if SlotByName(a.Slot) == nil {
						return nil, fmt.Errorf("parity: golden vector %s: no slot %q", v.ID(), a.Slot)
					}
				}
			} else {
				raw, err := parseRaw(p, ja.Value)
				if err != nil {
					return nil, fmt.Errorf("parity: golden vector %s: %s: %w", v.ID(), ja.Name, err)
				}
				a.Raw = raw
			}
			v.Args[i] = a
		}
		if err := v.SQE.SetHex(jv.SQE); err != nil {
			return nil, fmt.Errorf("parity: golden vector %s: %w", v.ID(), err)
		}
		g.Vectors = append(g.Vectors, v)
	}
	return g, nil
}

//go:embed golden/*.json
var goldenFS embed.FS

// GoldenVersions are the liburing versions with an embedded golden file.
var GoldenVersions = []string{"2.6", "2.9"}

// LoadGolden returns the embedded golden file of a liburing version
// ("2.6", what the vendored submodule builds, or "2.9").
func LoadGolden(version string) (*Golden, error) {
	f, err := goldenFS.Open(GoldenPath(version))
	if err != nil {
		return nil, fmt.Errorf("parity: no golden file for liburing %s", version)
	}
	defer f.Close()
	return ReadGolden(f)
}

// GoldenPath is the golden file's path inside the parity package directory.
func GoldenPath(version string) string { return "golden/liburing-" + version + ".json" }

// NewGolden assembles a golden file.
func NewGolden(version string, vectors []Vector, layout []LayoutEntry, consts []Constant) *Golden {
	return &Golden{Liburing: version, Note: goldenNote, CanonicalBase: fmt.Sprintf("%#x", CanonicalBase),
		ArenaSize: ArenaSize, StaleByte: StaleByte, Slots: Slots, Vectors: vectors, Layout: layout, Constants: consts}
}

// CompareGolden lists every difference between two golden files: vectors
// (arguments and SQE bytes, field by field), layout entries and constants.
func CompareGolden(want, got *Golden) []string {
	var out []string
	if want.Liburing != got.Liburing {
		out = append(out, fmt.Sprintf("liburing version: %s, now %s", want.Liburing, got.Liburing))
	}
	if len(want.Vectors) != len(got.Vectors) {
		out = append(out, fmt.Sprintf("%d vectors, now %d", len(want.Vectors), len(got.Vectors)))
	}
	for i := 0; i < len(want.Vectors) && i < len(got.Vectors); i++ {
		w, g := &want.Vectors[i], &got.Vectors[i]
		if w.ID() != g.ID() || w.Args.String() != g.Args.String() {
			out = append(out, fmt.Sprintf("vector %d: %s (%s), now %s (%s)", i, w.ID(), w.Args, g.ID(), g.Args))
			continue
		}
		for _, m := range Diff(w, &g.SQE) {
			out = append(out, fmt.Sprintf("%s %s: golden %#x, C now %#x", w.ID(), m.Field.Name, m.C, m.Got))
		}
	}
	out = append(out, diffTables(want.Layout, got.Layout, func(e LayoutEntry) string { return e.Struct + "." + e.Field })...)
	out = append(out, diffTables(want.Constants, got.Constants, func(c Constant) string { return c.Name })...)
	return out
}

func diffTables[T comparable](want, got []T, key func(T) string) []string {
	var out []string
	w := map[string]T{}
	for _, e := range want {
		w[key(e)] = e
	}
	seen := map[string]bool{}
	for _, e := range got {
		k := key(e)
		seen[k] = true
		if we, ok := w[k]; !ok {
			out = append(out, fmt.Sprintf("%s: not in the golden file, now %+v", k, e))
		} else if we != e {
			out = append(out, fmt.Sprintf("%s: golden %+v, now %+v", k, we, e))
		}
	}
	for _, e := range want {
		if !seen[key(e)] {
			out = append(out, fmt.Sprintf("%s: in the golden file, no longer in C", key(e)))
		}
	}
	return out
}
