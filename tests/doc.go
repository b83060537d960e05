// Package tests holds the integration tests of liburing-go: the examples run
// as a user runs them, and (later) liburing's own test scenarios and the
// Python package's tests ported to Go.
package tests
