//go:build linux && cgo

package tests

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// netExampleRun runs bin with args and returns stdout, stderr and the exit
// code.
func netExampleRun(t *testing.T, bin string, args ...string) (string, string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("%s: %v", bin, err)
	}
	return stdout.String(), stderr.String(), cmd.ProcessState.ExitCode()
}

func netRandom(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 7))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func TestExampleCat(t *testing.T) {
	bin := buildExample(t, "cat")
	dir := t.TempDir()
	files := map[string][]byte{
		"small": []byte("hello, io_uring\n"),
		"empty": nil,
		// More than one 64 KiB buffer, and more than one chain of 8.
		"multi": netRandom(1<<20+12345, 1),
		// Exactly two buffers: the end is found by a read of 0 bytes.
		"even": netRandom(128<<10, 2),
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	path := func(name string) string { return filepath.Join(dir, name) }

	tests := []struct {
		name   string
		args   []string
		stdout []byte
		stderr string
		code   int
	}{
		{"small", []string{path("small")}, files["small"], "", 0},
		{"empty", []string{path("empty")}, nil, "", 0},
		{"multi", []string{path("multi")}, files["multi"], "", 0},
		{"even", []string{path("even")}, files["even"], "", 0},
		{"multi small buffers", []string{"-bs", "4096", path("multi")}, files["multi"], "", 0},
		{"odd buffer size", []string{"-bs", "1000", path("small"), path("even")},
			append(append([]byte{}, files["small"]...), files["even"]...), "", 0},
		{"several", []string{path("small"), path("empty"), path("multi"), path("small")},
			bytes.Join([][]byte{files["small"], files["multi"], files["small"]}, nil), "", 0},
		{"missing", []string{path("small"), path("missing"), path("small")},
			bytes.Repeat(files["small"], 2), "cat: " + path("missing") + ": no such file or directory\n", 1},
		{"directory", []string{dir}, nil, "cat: " + dir + ": read at offset 0: is a directory\n", 1},
		{"no arguments", nil, nil, "usage: cat", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := netExampleRun(t, bin, tt.args...)
			if code != tt.code {
				t.Errorf("exit code %d, want %d (stderr %q)", code, tt.code, stderr)
			}
			if stdout != string(tt.stdout) {
				t.Errorf("stdout: %d bytes, want %d bytes of the files (equal: %v)", len(stdout), len(tt.stdout), stdout == string(tt.stdout))
			}
			if tt.stderr == "" && stderr != "" || !strings.HasPrefix(stderr, tt.stderr) {
				t.Errorf("stderr %q, want %q", stderr, tt.stderr)
			}
		})
	}
}

// startListeningExample starts an example server (bin with args) whose first
// line of output is "listening on ADDR", and returns ADDR (on 127.0.0.1),
// the running command and its stderr.
func startListeningExample(t *testing.T, bin string, args ...string) (string, *exec.Cmd, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	addr, ok := strings.CutPrefix(strings.TrimSpace(line), "listening on ")
	if err != nil || !ok {
		t.Fatalf("first line %q, %v (stderr %q)", line, err, stderr.String())
	}
	if host, _, err := net.SplitHostPort(addr); err != nil || host != "127.0.0.1" {
		t.Fatalf("bound address %q: %v", addr, err)
	}
	return addr, cmd, &stderr
}

// netWaitExit waits for the server to exit and checks it exits 0.
func netWaitExit(t *testing.T, cmd *exec.Cmd, stderr *bytes.Buffer) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("server: %v (stderr %q)", err, stderr.String())
		}
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatalf("server did not stop (stderr %q)", stderr.String())
	}
}

// netEchoClient sends msgs on one connection while reading, then closes its
// writing side and checks that exactly the bytes sent come back before the
// server closes the connection.
func netEchoClient(addr string, msgs [][]byte) error {
	c, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	werr := make(chan error, 1)
	go func() {
		for _, m := range msgs {
			if _, err := c.Write(m); err != nil {
				werr <- err
				return
			}
		}
		werr <- c.(*net.TCPConn).CloseWrite()
	}()
	got, err := io.ReadAll(c)
	if err != nil {
		return fmt.Errorf("read after %d bytes: %w", len(got), err)
	}
	if err := <-werr; err != nil {
		return fmt.Errorf("write: %w", err)
	}
	if want := bytes.Join(msgs, nil); !bytes.Equal(got, want) {
		return fmt.Errorf("echoed %d bytes, want %d (equal: false)", len(got), len(want))
	}
	return nil
}

func TestExampleEchoServer(t *testing.T) {
	bin := buildExample(t, "echo_server")
	const clients = 6
	// Small buffers: messages span many buffers, and the 256 KiB ones need
	// more than the whole ring (16 x 512 bytes), so receives run out of
	// buffers and are re-armed.
	addr, cmd, stderr := startListeningExample(t, bin, "-max-conns", fmt.Sprint(clients), "-buf-size", "512", "-bufs", "16")
	var wg sync.WaitGroup
	for i := range clients {
		msgs := [][]byte{[]byte("hello\n"), {byte(i)}, netRandom(3000+i, uint64(10+i)), netRandom(256<<10+i, uint64(20+i)), []byte("bye")}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := netEchoClient(addr, msgs); err != nil {
				t.Errorf("client %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	netWaitExit(t, cmd, stderr)
	t.Logf("%s", stderr)
	if want := fmt.Sprintf("served %d connections", clients); !strings.Contains(stderr.String(), want) {
		t.Errorf("stderr %q lacks %q", stderr.String(), want)
	}
}

func TestExampleEchoServerSignal(t *testing.T) {
	bin := buildExample(t, "echo_server")
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) { checkEchoStopsOnSignal(t, bin, sig) })
	}
}

// checkEchoStopsOnSignal starts the echo server bin, checks that it echoes
// on one connection, sends it sig, and checks that it closes the open
// connection, exits, and reports the one connection it served.
func checkEchoStopsOnSignal(t *testing.T, bin string, sig syscall.Signal) {
	t.Helper()
	addr, cmd, stderr := startListeningExample(t, bin)
	c, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := c.Write([]byte("ping")); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4)
	if _, err := io.ReadFull(c, buf); err != nil || string(buf) != "ping" {
		t.Fatalf("echo %q, %v", buf, err)
	}
	if err := cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	// The server closes the open connection as it stops.
	if rest, err := io.ReadAll(c); err != nil || len(rest) != 0 {
		t.Errorf("after %v: read %q, %v; want EOF", sig, rest, err)
	}
	netWaitExit(t, cmd, stderr)
	if !strings.Contains(stderr.String(), "served 1 connections") {
		t.Errorf("stderr %q", stderr.String())
	}
}
