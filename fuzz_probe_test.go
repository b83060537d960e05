//go:build linux && cgo

package liburing

import (
	"testing"
	"unsafe"
)

// probeHeaderSize is sizeof(struct io_uring_probe): last_op, ops_len, resv,
// resv2[3]; the ops follow it.
const probeHeaderSize = 16

// FuzzProbe fills a probe from NewProbe with random bytes, as a corrupt or
// foreign probe could hold, and checks that LastOp, Ops and OpcodeSupported
// read only the probe's own memory and agree with its raw bytes.
func FuzzProbe(f *testing.F) {
	f.Add(uint16(1), []byte{})
	f.Add(uint16(4), []byte{3, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1, 0})
	f.Add(uint16(1), []byte{255, 255, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0})
	f.Add(uint16(256), []byte{0xff})
	f.Add(uint16(0), []byte{1})
	f.Add(uint16(257), []byte{1})
	f.Fuzz(func(t *testing.T, nops uint16, content []byte) {
		p, err := NewProbe(uint32(nops))
		if nops == 0 || nops > probeOpsMax {
			if err == nil || p != nil {
				FreeProbe(p)
				t.Fatalf("NewProbe(%d) = %v, %v; want an error", nops, p, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("NewProbe(%d): %v", nops, err)
		}
		defer FreeProbe(p)
		raw := unsafe.Slice((*byte)(p.CPtr()), probeHeaderSize+int(nops)*int(unsafe.Sizeof(ProbeOp{})))
		for i := range raw {
			if len(content) > 0 {
				raw[i] = content[i%len(content)]
			}
		}
		lastOp, opsLen := raw[0], int(raw[1])
		if p.LastOp() != lastOp {
			t.Errorf("LastOp = %d, raw last_op %d", p.LastOp(), lastOp)
		}
		ops := p.Ops()
		if len(ops) > int(nops) {
			t.Fatalf("Ops returned %d entries from a probe with room for %d (ops_len %d): it read past the probe",
				len(ops), nops, opsLen)
		}
		if len(ops) != min(opsLen, int(nops)) {
			t.Errorf("Ops returned %d entries, want min(ops_len %d, room %d)", len(ops), opsLen, nops)
		}
		for i, op := range ops {
			e := raw[probeHeaderSize+8*i:]
			want := ProbeOp{Op: e[0], Resv: e[1], Flags: uint16(e[2]) | uint16(e[3])<<8,
				Resv2: uint32(e[4]) | uint32(e[5])<<8 | uint32(e[6])<<16 | uint32(e[7])<<24}
			if op != want {
				t.Errorf("Ops()[%d] = %+v, raw %+v", i, op, want)
			}
		}
		for op := -1; op <= probeOpsMax+1; op++ {
			want := false
			if op >= 0 && op < int(nops) && op <= int(lastOp) {
				want = raw[probeHeaderSize+8*op+2]&IO_URING_OP_SUPPORTED != 0
			}
			if got := OpcodeSupported(p, op); got != want {
				t.Errorf("OpcodeSupported(%d) = %v, want %v (last_op %d, room %d)", op, got, want, lastOp, nops)
			}
		}
		FreeProbe(p)
		if p.LastOp() != 0 || p.Ops() != nil || OpcodeSupported(p, 0) || p.CPtr() != nil {
			t.Error("a freed probe still answers")
		}
	})
}
