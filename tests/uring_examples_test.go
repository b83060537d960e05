//go:build linux && cgo

package tests

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The examples of the goroutine layer (package uring), Shakti's examples
// in Go.

func TestExampleUringHello(t *testing.T) {
	bin := buildExample(t, "uring_hello")
	stdout, stderr, code := netExampleRun(t, bin, "-unit", "100ms")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	// The three sleeps overlap: 3 units in all, not 6 (a loaded machine
	// may add one).
	if !regexp.MustCompile(`^hello\ntask 1 slept 1 units\ntask 2 slept 2 units\ntask 3 slept 3 units\nworld\ntotal: [34] units\n$`).MatchString(stdout) {
		t.Errorf("output:\n%s", stdout)
	}
}

func TestExampleUringFile(t *testing.T) {
	bin := buildExample(t, "uring_file")
	path := filepath.Join(t.TempDir(), "f.txt")
	stdout, stderr, code := netExampleRun(t, bin, "-path", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	want := `^wrote: 11\nread: hello World\nread at 6: World\nstat: f\.txt, 11 bytes, -rw-[-r][-w]-[-r][-w]-\nread file: hello World\nremoved\n$`
	if !regexp.MustCompile(want).MatchString(stdout) {
		t.Errorf("output:\n%s", stdout)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("the file is still there: %v", err)
	}
}

func TestExampleUringOs(t *testing.T) {
	bin := buildExample(t, "uring_os")
	dir := t.TempDir()
	stdout, stderr, code := netExampleRun(t, bin, "-dir", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	want := "mkdir: exists true\nrename: old exists false new exists true\n" +
		"stat: uring-os-example-renamed is a directory: true, mode -rwx------\nremove: exists false\n"
	if stdout != want {
		t.Errorf("output:\n%s\nwant:\n%s", stdout, want)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("left behind: %v", ents)
	}
}

func TestExampleUringEcho(t *testing.T) {
	server := buildExample(t, "uring_echo_server")
	client := buildExample(t, "uring_echo_client")
	const conns = 5
	addr, cmd, stderr := startListeningExample(t, server, "-max-conns", fmt.Sprint(conns))
	// The example client, twice.
	for i := range 2 {
		big := strings.Repeat("x", 10000)
		stdout, errOut, code := netExampleRun(t, client, "-addr", addr, "hello", fmt.Sprintf("message %d", i), big)
		if code != 0 {
			t.Fatalf("client exit %d: %s", code, errOut)
		}
		want := fmt.Sprintf("connected to %s\nsent \"hello\", received \"hello\"\nsent \"message %d\", received \"message %d\"\nsent %q, received %q\nclosed\n",
			addr, i, i, big, big)
		if stdout != want {
			t.Errorf("client output:\n%s", stdout)
		}
	}
	// Standard clients with large messages, in parallel.
	var wg sync.WaitGroup
	for i := range conns - 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			msgs := [][]byte{[]byte("hi"), netRandom(300<<10+i, uint64(40+i)), []byte("bye")}
			if err := netEchoClient(addr, msgs); err != nil {
				t.Errorf("client %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	netWaitExit(t, cmd, stderr)
	if want := fmt.Sprintf("served %d connections", conns); !strings.Contains(stderr.String(), want) {
		t.Errorf("stderr %q lacks %q", stderr.String(), want)
	}
}

func TestExampleUringEchoSignal(t *testing.T) {
	checkEchoStopsOnSignal(t, buildExample(t, "uring_echo_server"), syscall.SIGTERM)
}

func TestExampleUringHTTP(t *testing.T) {
	bin := buildExample(t, "uring_http")
	addr, cmd, stderr := startListeningExample(t, bin)
	client := &http.Client{Timeout: 30 * time.Second}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 25 {
				resp, err := client.Get("http://" + addr + "/")
				if err != nil {
					t.Error(err)
					return
				}
				body, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil || resp.StatusCode != 200 || string(body) != "Hello world!\n" {
					t.Errorf("%d %q %v", resp.StatusCode, body, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	cmd.Process.Signal(syscall.SIGTERM)
	netWaitExit(t, cmd, stderr)
	if !strings.Contains(stderr.String(), "stopped") {
		t.Errorf("stderr %q", stderr.String())
	}
}
