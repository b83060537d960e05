//go:build linux && cgo

package liburing

/*
#include "liburing_cgo.h"
*/
import "C"

// MajorVersion wraps io_uring_major_version: the linked liburing's major
// version (2).
func MajorVersion() int { return int(C.io_uring_major_version()) }

// MinorVersion wraps io_uring_minor_version: the linked liburing's minor
// version (6 for the vendored release).
func MinorVersion() int { return int(C.io_uring_minor_version()) }

// CheckVersion wraps io_uring_check_version: it reports whether the linked
// liburing is older than major.minor (true means: older, as in C).
func CheckVersion(major, minor int) bool {
	return bool(C.io_uring_check_version(C.int(major), C.int(minor)))
}
