//go:build !linux || !cgo

// Package liburing needs Linux and cgo: it links the C liburing library.
// This file exists so that a build without them fails with a message that
// says why, instead of a list of undefined names.
package liburing

// The undefined identifier below is the error message.
var _ = liburing_needs_linux_and_cgo__set_CGO_ENABLED_1_and_GOOS_linux
