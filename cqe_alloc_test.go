//go:build linux && cgo

package liburing

import "testing"

// TestCQEFetchNoAllocs: every 1:1 way of fetching a completion leaves the Go
// heap alone (the C out-parameters are stack locals: #cgo noescape), so a
// loop built from the 1:1 API allocates nothing per operation.
func TestCQEFetchNoAllocs(t *testing.T) {
	ring := newRing(t, 8, 0)
	ts := &KernelTimespec{Sec: 1}
	submitNop := func() {
		sqe := GetSQE(ring)
		PrepNop(sqe)
		SQESetData64(sqe, 7)
		if _, err := Submit(ring); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name  string
		fetch func() (*CQE, error)
	}{
		{"WaitCQE", func() (*CQE, error) { return WaitCQE(ring) }},
		{"PeekCQE", func() (*CQE, error) { return PeekCQE(ring) }},
		{"WaitCQENr", func() (*CQE, error) { return WaitCQENr(ring, 1) }},
		{"WaitCQEs", func() (*CQE, error) { return WaitCQEs(ring, 1, ts, nil) }},
		{"WaitCQETimeout", func() (*CQE, error) { return WaitCQETimeout(ring, ts) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			allocs := testing.AllocsPerRun(100, func() {
				submitNop()
				cqe, err := tt.fetch()
				if err != nil || cqe.UserData != 7 || cqe.Res != 0 {
					t.Fatalf("%s = %+v, %v", tt.name, cqe, err)
				}
				CQESeen(ring, cqe)
			})
			if allocs != 0 {
				t.Errorf("%s: %v allocations per operation", tt.name, allocs)
			}
		})
	}
	t.Run("SubmitAndWaitTimeout", func(t *testing.T) {
		allocs := testing.AllocsPerRun(100, func() {
			sqe := GetSQE(ring)
			PrepNop(sqe)
			SQESetData64(sqe, 8)
			cqe, _, err := SubmitAndWaitTimeout(ring, 1, ts, nil)
			if err != nil || cqe.UserData != 8 {
				t.Fatalf("SubmitAndWaitTimeout = %+v, %v", cqe, err)
			}
			CQESeen(ring, cqe)
		})
		if allocs != 0 {
			t.Errorf("%v allocations per operation", allocs)
		}
	})
	t.Run("ForEachCQE", func(t *testing.T) {
		allocs := testing.AllocsPerRun(100, func() {
			submitNop()
			if _, err := WaitCQE(ring); err != nil {
				t.Fatal(err)
			}
			n := 0
			for cqe := range ForEachCQE(ring) {
				_ = cqe
				n++
			}
			CQAdvance(ring, uint32(n))
		})
		if allocs != 0 {
			t.Errorf("%v allocations per operation", allocs)
		}
	})
}
