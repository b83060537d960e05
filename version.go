//go:build linux && cgo

package liburing

/*
#include "liburing_cgo.h"
*/
import "C"

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/sys/unix"
)

// MajorVersion wraps io_uring_major_version: the linked liburing's major
// version (2). A library call (liburing 2.4): no kernel feature, Linux 5.1.
// Python liburing calls it liburing_version_major.
func MajorVersion() int { return int(C.io_uring_major_version()) }

// MinorVersion wraps io_uring_minor_version: the linked liburing's minor
// version (6 for the vendored release). A library call (liburing 2.4): no
// kernel feature, Linux 5.1. Python liburing calls it
// liburing_version_minor.
func MinorVersion() int { return int(C.io_uring_minor_version()) }

// CheckVersion wraps io_uring_check_version: it reports whether the linked
// liburing is older than major.minor (true means: older, as in C). A library
// call (liburing 2.4): no kernel feature, Linux 5.1. Python liburing calls
// it liburing_version_check.
func CheckVersion(major, minor int) bool {
	return bool(C.io_uring_check_version(C.int(major), C.int(minor)))
}

// LiburingVersion returns the linked liburing's version as "major.minor"
// ("2.9"), from MajorVersion and MinorVersion (Python liburing has only the
// two numbers, liburing_version_major and liburing_version_minor).
func LiburingVersion() string {
	return strconv.Itoa(MajorVersion()) + "." + strconv.Itoa(MinorVersion())
}

// KernelVersion is a Linux release number, major.minor.patch.
type KernelVersion struct {
	Major, Minor, Patch int
}

// String formats v as "major.minor.patch".
func (v KernelVersion) String() string {
	return fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch)
}

// Compare returns -1, 0 or +1 as v is older than, the same as or newer
// than w, comparing major, then minor, then patch as numbers.
func (v KernelVersion) Compare(w KernelVersion) int {
	if c := cmp.Compare(v.Major, w.Major); c != 0 {
		return c
	}
	if c := cmp.Compare(v.Minor, w.Minor); c != 0 {
		return c
	}
	return cmp.Compare(v.Patch, w.Patch)
}

// AtLeast reports whether v is major.minor or newer (any patch level).
func (v KernelVersion) AtLeast(major, minor int) bool {
	return v.Compare(KernelVersion{Major: major, Minor: minor}) >= 0
}

// ParseKernelVersion parses a kernel release such as "6", "6.7", "6.10.2"
// or uname's "6.8.0-40-generic": up to three dot-separated numbers, the
// last of which may be followed by a suffix that starts with a non-digit.
// Missing parts are 0. Each part is a number, so "6.10" is 6.10, not 6.1.
func ParseKernelVersion(s string) (KernelVersion, error) {
	var parts [3]int
	rest := s
	for i := range parts {
		j := 0
		for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
			j++
		}
		n, err := strconv.Atoi(rest[:j])
		if err != nil {
			return KernelVersion{}, fmt.Errorf("liburing: kernel version %q: %w", s, unix.EINVAL)
		}
		parts[i], rest = n, rest[j:]
		if i == len(parts)-1 || !strings.HasPrefix(rest, ".") {
			break
		}
		rest = rest[1:]
	}
	return KernelVersion{parts[0], parts[1], parts[2]}, nil
}

// linuxVersion is the running kernel's version, read once.
var linuxVersion = sync.OnceValues(func() (KernelVersion, error) {
	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		return KernelVersion{}, err
	}
	return ParseKernelVersion(unix.ByteSliceToString(u.Release[:]))
})

// LinuxVersion returns the running kernel's version from uname(2)'s
// release, parsed once: "6.8.0-40-generic" gives 6.8.0. Its Major and Minor
// are Python liburing's LINUX_VERSION_MAJOR and LINUX_VERSION_MINOR (which
// Python reads from /proc/version, the same release string).
func LinuxVersion() (KernelVersion, error) {
	return linuxVersion()
}

// LinuxVersionCheck reports whether the running kernel is older than
// version, as Python liburing's linux_version_check does: true means older
// (the sense of CheckVersion), so "6.7" gives false on 6.7 and newer.
// version is parsed by ParseKernelVersion ("7", "6.7", "6.10", "6.7.1"); a
// part it leaves out counts as 0. Unlike Python, which goes through a float,
// "6.10" means 6.10, not 6.1.
func LinuxVersionCheck(version string) (bool, error) {
	want, err := ParseKernelVersion(version)
	if err != nil {
		return false, err
	}
	have, err := LinuxVersion()
	if err != nil {
		return false, err
	}
	return have.Compare(want) < 0, nil
}

// LinuxVersionAtLeast reports whether the running kernel is major.minor or
// newer: the opposite of LinuxVersionCheck, for feature checks. It is false
// when the version cannot be read.
func LinuxVersionAtLeast(major, minor int) bool {
	v, err := LinuxVersion()
	return err == nil && v.AtLeast(major, minor)
}
