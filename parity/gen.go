package parity

//go:generate go run ./internal/gentables
