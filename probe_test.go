//go:build linux && cgo

package liburing

import "testing"

func TestProbeOpsLen(t *testing.T) {
	p, err := GetProbe()
	if err != nil {
		t.Fatal(err)
	}
	if p.OpsLen() != len(p.Ops()) || p.OpsLen() != int(p.LastOp())+1 || p.OpsLen() <= IORING_OP_NOP {
		t.Errorf("OpsLen %d, len(Ops) %d, LastOp %d", p.OpsLen(), len(p.Ops()), p.LastOp())
	}
	FreeProbe(p)
	if p.OpsLen() != 0 {
		t.Errorf("OpsLen after FreeProbe = %d", p.OpsLen())
	}
	var nilProbe *Probe
	if nilProbe.OpsLen() != 0 {
		t.Error("nil probe OpsLen")
	}
	np, err := NewProbe(4)
	if err != nil {
		t.Fatal(err)
	}
	defer FreeProbe(np)
	if np.OpsLen() != 0 {
		t.Errorf("NewProbe OpsLen = %d, want 0 until registered", np.OpsLen())
	}
}
