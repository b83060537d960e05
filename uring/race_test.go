//go:build linux && cgo && race

package uring

const raceEnabled = true
