//go:build linux

// Command runner runs Go test binaries through cmd/test2json and writes one
// JSON record per test (see package report) plus a record of the machine.
//
// As /init of the kernel matrix's initramfs (process 1) it first reads
// /matrix/config.json and sets up the guest: mounts /proc, /sys, /dev
// (devtmpfs), /dev/pts (devpts), /dev/shm (tmpfs) and /tmp (the ext4 disk
// the configuration names, else tmpfs), reserves 32 huge pages, brings the
// loopback interface up, prints the test output on the console (ttyS0),
// writes the records to the second serial port (ttyS1), prints a summary
// and powers the machine off. Run by hand (on the host), it does the same
// without the setup: runner -config FILE -out FILE.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"

	"github.com/liburing-go/liburing/matrix/internal/report"
	"golang.org/x/sys/unix"
)

// Config says which test binaries to run and how.
type Config struct {
	Test2JSON string    `json:"test2json"` // path of the cmd/test2json binary
	Timeout   string    `json:"timeout"`   // -test.timeout of each binary
	Env       []string  `json:"env"`       // environment of the binaries (empty: inherit)
	Packages  []Package `json:"packages"`
	// TmpDisk is the guest's block device with an empty ext4 file system to
	// mount on /tmp (empty: /tmp is tmpfs), so that the tests' temporary
	// files are on a disk file system, as on most machines: O_DIRECT,
	// fadvise, RWF_NOWAIT and user xattrs behave there as they do on disk.
	TmpDisk string `json:"tmpdisk"`
}

// Package is one test binary.
type Package struct {
	Pkg  string   `json:"pkg"`  // import path
	Bin  string   `json:"bin"`  // the binary from go test -c
	Dir  string   `json:"dir"`  // its working directory (go test runs it in the package's folder)
	Args []string `json:"args"` // more flags, e.g. -test.run=...
}

func main() {
	if os.Getpid() == 1 {
		guest()
		return
	}
	config := flag.String("config", "", "configuration (JSON)")
	out := flag.String("out", "", "results file (JSON lines)")
	flag.Parse()
	if *config == "" || *out == "" {
		fmt.Fprintln(os.Stderr, "usage: runner -config FILE -out FILE")
		os.Exit(2)
	}
	cfg, err := readConfig(*config)
	if err != nil {
		fatal(err)
	}
	f, err := os.Create(*out)
	if err != nil {
		fatal(err)
	}
	failed := run(cfg, io.Discard, f)
	if err := f.Close(); err != nil {
		fatal(err)
	}
	if failed {
		os.Exit(1)
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "runner:", err)
	os.Exit(1)
}

func readConfig(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	cfg := new(Config)
	if err := json.Unmarshal(b, cfg); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return cfg, nil
}

// guest is process 1 of the QEMU guest. It never returns: it powers off.
func guest() {
	defer powerOff()
	cfg, cfgErr := readConfig("/matrix/config.json")
	disk := ""
	if cfgErr == nil {
		disk = cfg.TmpDisk
	}
	for _, err := range setup(disk) {
		fmt.Println("matrix init:", err)
	}
	if cfgErr != nil {
		fmt.Println("matrix init:", cfgErr)
		return
	}
	results, err := openSerial("/dev/ttyS1")
	if err != nil {
		fmt.Println("matrix init: results port:", err)
		return
	}
	defer results.Close()
	run(cfg, os.Stdout, results)
}

// setup mounts the file systems, points stdio at the console and brings lo
// up. /tmp is the ext4 file system on disk (a block device), or tmpfs when
// disk is empty or cannot be mounted. It returns what failed; the tests then
// say what they miss.
func setup(disk string) []error {
	var errs []error
	mounts := []struct{ src, dir, fstype, data string }{
		{"proc", "/proc", "proc", ""},
		{"sysfs", "/sys", "sysfs", ""},
		{"devtmpfs", "/dev", "devtmpfs", ""},
		{"devpts", "/dev/pts", "devpts", "ptmxmode=0666"},
		{"tmpfs", "/dev/shm", "tmpfs", ""},
		{"tmpfs", "/tmp", "tmpfs", ""},
	}
	for _, m := range mounts {
		if err := os.MkdirAll(m.dir, 0o755); err != nil {
			errs = append(errs, err)
			continue
		}
		if m.dir == "/tmp" && disk != "" {
			err := mountDisk(disk, m.dir)
			if err == nil {
				continue
			}
			errs = append(errs, fmt.Errorf("%v; /tmp is tmpfs", err))
		}
		if err := unix.Mount(m.src, m.dir, m.fstype, 0, m.data); err != nil && err != unix.EBUSY {
			errs = append(errs, fmt.Errorf("mount %s: %v", m.dir, err))
		}
	}
	if err := os.Chmod("/tmp", 0o1777); err != nil {
		errs = append(errs, err)
	}
	// A few huge pages, as on a machine that reserves them: liburing 2.7
	// and later put the rings it allocates for IORING_SETUP_NO_MMAP on one.
	if err := os.WriteFile("/proc/sys/vm/nr_hugepages", []byte("32\n"), 0); err != nil {
		errs = append(errs, fmt.Errorf("huge pages: %v", err))
	}
	if fd, err := unix.Open("/dev/console", unix.O_RDWR, 0); err == nil {
		for _, to := range []int{0, 1, 2} {
			_ = unix.Dup2(fd, to)
		}
		_ = unix.Close(fd)
	}
	if err := loopbackUp(); err != nil {
		errs = append(errs, fmt.Errorf("lo up: %v", err))
	}
	return errs
}

// mountDisk mounts the ext4 file system on dev at dir. The device may
// appear a little after process 1 starts (the NVMe driver probes
// asynchronously), so it waits up to 20 s for it.
func mountDisk(dev, dir string) error {
	deadline := time.Now().Add(20 * time.Second)
	for {
		err := unix.Mount(dev, dir, "ext4", 0, "")
		if err == nil {
			fmt.Printf("matrix init: %s (ext4) mounted on %s\n", dev, dir)
			return nil
		}
		if err != unix.ENOENT && err != unix.ENXIO || time.Now().After(deadline) {
			return fmt.Errorf("mount %s (ext4) on %s: %v", dev, dir, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// loopbackUp sets IFF_UP on lo; the kernel then adds 127.0.0.1 and ::1.
func loopbackUp() error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq("lo")
	if err != nil {
		return err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return err
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP | unix.IFF_RUNNING)
	return unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr)
}

// openSerial opens a serial port for output without newline translation.
func openSerial(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|unix.O_NOCTTY, 0)
	if err != nil {
		return nil, err
	}
	if t, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS); err == nil {
		t.Oflag &^= unix.OPOST
		_ = unix.IoctlSetTermios(int(f.Fd()), unix.TCSETS, t)
	}
	return f, nil
}

func powerOff() {
	unix.Sync()
	fmt.Println("matrix init: power off")
	_ = unix.Reboot(unix.LINUX_REBOOT_CMD_POWER_OFF)
	select {} // process 1 must not exit
}

// env describes the machine.
func env() report.Record {
	r := report.Record{Kind: report.KindEnv, CPUs: runtime.NumCPU()}
	var u unix.Utsname
	if unix.Uname(&u) == nil {
		r.Kernel = unix.ByteSliceToString(u.Release[:])
		r.Machine = unix.ByteSliceToString(u.Machine[:])
	}
	return r
}

// run runs every package, copies the test output to console and writes the
// records to results. It reports whether anything failed.
func run(cfg *Config, console, results io.Writer) bool {
	emit := func(r report.Record) {
		if err := report.Write(results, r); err != nil {
			fmt.Fprintln(console, "matrix: writing results:", err)
		}
	}
	e := env()
	fmt.Fprintf(console, "matrix: kernel %s, %d CPUs\n", e.Kernel, e.CPUs)
	emit(e)
	failed := false
	var all []report.Record
	for _, p := range cfg.Packages {
		recs := runPackage(cfg, p, console, emit)
		all = append(all, recs...)
		for _, r := range recs {
			failed = failed || r.Result == report.Fail
		}
	}
	printSummary(console, all)
	emit(report.Record{Kind: report.KindDone})
	return failed
}

// plan lists the top-level tests the binary will run (-test.list with the
// -test.run pattern), so that a run cut short shows what it did not reach.
func plan(cfg *Config, p Package) []report.Record {
	pattern := "."
	for _, a := range p.Args {
		if v, ok := strings.CutPrefix(a, "-test.run="); ok {
			pattern = v
		}
	}
	cmd := exec.Command(p.Bin, "-test.list", pattern)
	cmd.Dir = p.Dir
	if len(cfg.Env) > 0 {
		cmd.Env = cfg.Env
	}
	out, err := cmd.Output()
	if err != nil {
		return nil
	}
	var recs []report.Record
	for _, name := range strings.Fields(string(out)) {
		if strings.HasPrefix(name, "Test") || strings.HasPrefix(name, "Example") || strings.HasPrefix(name, "Fuzz") {
			recs = append(recs, report.Record{Kind: report.KindPlan, Pkg: p.Pkg, Test: name})
		}
	}
	return recs
}

// runPackage runs one test binary under test2json and returns its records.
func runPackage(cfg *Config, p Package, console io.Writer, emit func(report.Record)) []report.Record {
	for _, r := range plan(cfg, p) {
		emit(r)
	}
	args := []string{"-t", "-p", p.Pkg, p.Bin, "-test.v=test2json", "-test.count=1"}
	if cfg.Timeout != "" {
		args = append(args, "-test.timeout="+cfg.Timeout)
	}
	args = append(args, p.Args...)
	cmd := exec.Command(cfg.Test2JSON, args...)
	cmd.Dir = p.Dir
	if len(cfg.Env) > 0 {
		cmd.Env = cfg.Env
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	start := time.Now()
	if err == nil {
		err = cmd.Start()
	}
	if err != nil {
		r := report.Record{Kind: report.KindPkg, Pkg: p.Pkg, Result: report.Fail, Exit: err.Error()}
		emit(r)
		return []report.Record{r}
	}
	c := report.NewCollector()
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	sawPkg := false
	for sc.Scan() {
		var ev report.Event
		if json.Unmarshal(sc.Bytes(), &ev) != nil {
			fmt.Fprintln(console, sc.Text())
			continue
		}
		if ev.Action == "output" {
			fmt.Fprint(console, ev.Output)
		}
		if r := c.Add(ev); r != nil {
			sawPkg = sawPkg || r.Kind == report.KindPkg
			emit(*r)
		}
	}
	werr := cmd.Wait()
	if !sawPkg {
		r := report.Record{Kind: report.KindPkg, Pkg: p.Pkg, Result: report.Fail,
			Elapsed: time.Since(start).Seconds(), Exit: fmt.Sprintf("%v %s", werr, strings.TrimSpace(stderr.String()))}
		emit(r)
		c.Records = append(c.Records, r)
	}
	return c.Records
}

func printSummary(w io.Writer, recs []report.Record) {
	type counts struct{ pass, skip, fail int }
	per := map[string]*counts{}
	var order []string
	for _, r := range recs {
		if r.Kind != report.KindTest || strings.Contains(r.Test, "/") {
			continue
		}
		n := per[r.Pkg]
		if n == nil {
			n = new(counts)
			per[r.Pkg] = n
			order = append(order, r.Pkg)
		}
		switch r.Result {
		case report.Pass:
			n.pass++
		case report.Skip:
			n.skip++
			fmt.Fprintf(w, "matrix: skip %s.%s: %s\n", report.ShortPkg(r.Pkg), r.Test, r.Reason)
		default:
			n.fail++
			fmt.Fprintf(w, "matrix: FAIL %s.%s\n", report.ShortPkg(r.Pkg), r.Test)
		}
	}
	for _, p := range order {
		n := per[p]
		fmt.Fprintf(w, "matrix: %s: %d passed, %d skipped, %d failed\n", report.ShortPkg(p), n.pass, n.skip, n.fail)
	}
}
