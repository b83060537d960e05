//go:build linux && cgo

package tests

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// buildExample compiles ./examples/<name> into a temporary folder, or
// returns the prebuilt binary in the folder LIBURING_GO_EXAMPLES names: the
// kernel matrix runs this test binary in a guest without a toolchain, and
// builds the examples beforehand.
func buildExample(t *testing.T, name string) string {
	t.Helper()
	if dir := os.Getenv("LIBURING_GO_EXAMPLES"); dir != "" {
		bin := filepath.Join(dir, name)
		if _, err := os.Stat(bin); err != nil {
			t.Fatalf("LIBURING_GO_EXAMPLES=%s: %v", dir, err)
		}
		return bin
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skipf("no go toolchain to build ./examples/%s: %v", name, err)
	}
	bin := filepath.Join(t.TempDir(), name)
	cmd := exec.Command("go", "build", "-o", bin, "./examples/"+name)
	cmd.Dir = ".."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./examples/%s: %v\n%s", name, err, out)
	}
	return bin
}

func TestExampleOpenWriteReadClose(t *testing.T) {
	bin := buildExample(t, "open_write_read_close")
	path := filepath.Join(t.TempDir(), "liburing-test-file.txt")
	out, err := exec.Command(bin, "-path", path).CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !regexp.MustCompile(`^fd: \d+\nwrote: 11\nread: hello world\nclosed\.\n$`).Match(out) {
		t.Errorf("unexpected output:\n%s", out)
	}
	if got, _ := os.ReadFile(path); string(got) != "hello world" {
		t.Errorf("file holds %q", got)
	}
}

func TestExampleProbe(t *testing.T) {
	bin := buildExample(t, "probe")
	out, err := exec.Command(bin).CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	s := string(out)
	for _, want := range []string{"IORING_OP_NOP ", "IORING_OP_READ ", "IORING_OP_OPENAT ", "operations supported\n"} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
	if !regexp.MustCompile(`(?m)^IORING_OP_NOP\s+yes$`).MatchString(s) {
		t.Errorf("NOP not reported supported:\n%s", s)
	}
}
