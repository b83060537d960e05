//go:build linux && cgo

package liburing

//go:generate go run ./internal/gen
