//go:build linux && cgo

package liburing

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

func TestVersionLiburingString(t *testing.T) {
	want := strconv.Itoa(MajorVersion()) + "." + strconv.Itoa(MinorVersion())
	if got := LiburingVersion(); got != want || !strings.HasPrefix(got, "2.") {
		t.Errorf("LiburingVersion() = %q, want %q", got, want)
	}
}

func TestVersionParseKernel(t *testing.T) {
	tests := []struct {
		in   string
		want KernelVersion
		err  bool
	}{
		{"6", KernelVersion{6, 0, 0}, false},
		{"6.7", KernelVersion{6, 7, 0}, false},
		{"6.10", KernelVersion{6, 10, 0}, false}, // not 6.1, as Python reads it
		{"6.7.1", KernelVersion{6, 7, 1}, false},
		{"6.8.0-40-generic", KernelVersion{6, 8, 0}, false},
		{"6.18.44-fc-v669", KernelVersion{6, 18, 44}, false},
		{"5.15.0+", KernelVersion{5, 15, 0}, false},
		{"6.1-rc3", KernelVersion{6, 1, 0}, false},
		{"4.19.1.2", KernelVersion{4, 19, 1}, false},
		{"", KernelVersion{}, true},
		{"v6.7", KernelVersion{}, true},
		{"6.", KernelVersion{}, true},
		{"6..1", KernelVersion{}, true},
		{"6.x", KernelVersion{}, true},
		{"99999999999999999999", KernelVersion{}, true},
	}
	for _, tt := range tests {
		got, err := ParseKernelVersion(tt.in)
		if tt.err {
			if !errors.Is(err, unix.EINVAL) {
				t.Errorf("ParseKernelVersion(%q) = %v, %v; want EINVAL", tt.in, got, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseKernelVersion(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestVersionKernelCompare(t *testing.T) {
	v := KernelVersion{6, 7, 2}
	tests := []struct {
		w    KernelVersion
		want int
	}{
		{KernelVersion{6, 7, 2}, 0},
		{KernelVersion{6, 7, 3}, -1},
		{KernelVersion{6, 7, 1}, 1},
		{KernelVersion{6, 10, 0}, -1},
		{KernelVersion{6, 1, 99}, 1},
		{KernelVersion{7, 0, 0}, -1},
		{KernelVersion{5, 99, 99}, 1},
	}
	for _, tt := range tests {
		if got := v.Compare(tt.w); got != tt.want {
			t.Errorf("%v.Compare(%v) = %d, want %d", v, tt.w, got, tt.want)
		}
	}
	atLeast := []struct {
		major, minor int
		want         bool
	}{{6, 7, true}, {6, 6, true}, {5, 19, true}, {6, 8, false}, {7, 0, false}}
	for _, tt := range atLeast {
		if got := v.AtLeast(tt.major, tt.minor); got != tt.want {
			t.Errorf("%v.AtLeast(%d, %d) = %v", v, tt.major, tt.minor, got)
		}
	}
	if v.String() != "6.7.2" {
		t.Errorf("String() = %q", v.String())
	}
}

func TestVersionLinux(t *testing.T) {
	v, err := LinuxVersion()
	if err != nil {
		t.Fatal(err)
	}
	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		t.Fatal(err)
	}
	release := unix.ByteSliceToString(u.Release[:])
	if !strings.HasPrefix(release, strconv.Itoa(v.Major)+"."+strconv.Itoa(v.Minor)) || v.Major < 5 {
		t.Fatalf("LinuxVersion() = %v for release %q", v, release)
	}
	tests := []struct {
		version string
		older   bool
	}{
		{v.String(), false},
		{strconv.Itoa(v.Major) + "." + strconv.Itoa(v.Minor), false},
		{strconv.Itoa(v.Major), false},
		{strconv.Itoa(v.Major-1) + ".99", false},
		{strconv.Itoa(v.Major) + "." + strconv.Itoa(v.Minor+1), true},
		{strconv.Itoa(v.Major) + "." + strconv.Itoa(v.Minor) + "." + strconv.Itoa(v.Patch+1), true},
		{strconv.Itoa(v.Major + 1), true},
	}
	for _, tt := range tests {
		older, err := LinuxVersionCheck(tt.version)
		if err != nil || older != tt.older {
			t.Errorf("LinuxVersionCheck(%q) = %v, %v; want %v", tt.version, older, err, tt.older)
		}
	}
	if _, err := LinuxVersionCheck("six"); !errors.Is(err, unix.EINVAL) {
		t.Errorf("LinuxVersionCheck(\"six\") = %v, want EINVAL", err)
	}
	if !LinuxVersionAtLeast(v.Major, v.Minor) || !LinuxVersionAtLeast(5, 1) || LinuxVersionAtLeast(v.Major, v.Minor+1) {
		t.Error("LinuxVersionAtLeast disagrees with LinuxVersion")
	}
}
