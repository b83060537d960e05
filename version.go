//go:build linux && cgo

package liburing

/*
#include "liburing_cgo.h"
*/
import "C"

// MajorVersion wraps io_uring_major_version: the linked liburing's major
// version (2). A library call (liburing 2.4): no kernel feature, Linux 5.1.
func MajorVersion() int { return int(C.io_uring_major_version()) }

// MinorVersion wraps io_uring_minor_version: the linked liburing's minor
// version (6 for the vendored release). A library call (liburing 2.4): no
// kernel feature, Linux 5.1.
func MinorVersion() int { return int(C.io_uring_minor_version()) }

// CheckVersion wraps io_uring_check_version: it reports whether the linked
// liburing is older than major.minor (true means: older, as in C). A library
// call (liburing 2.4): no kernel feature, Linux 5.1.
func CheckVersion(major, minor int) bool {
	return bool(C.io_uring_check_version(C.int(major), C.int(minor)))
}
