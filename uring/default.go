//go:build linux && cgo

package uring

import (
	"context"
	"io/fs"
	"time"
)

// The package-level functions run on the default ring (Default).

// Sleep waits d on the default ring (see Ring.Sleep).
func Sleep(ctx context.Context, d time.Duration) error {
	r, err := Default()
	if err != nil {
		return err
	}
	return r.Sleep(ctx, d)
}

// NewTimer returns a Timer on the default ring.
func NewTimer(d time.Duration) (*Timer, error) {
	r, err := Default()
	if err != nil {
		return nil, err
	}
	return r.NewTimer(d)
}

// After returns a channel that receives the time after d, on the default
// ring.
func After(d time.Duration) (<-chan time.Time, error) {
	r, err := Default()
	if err != nil {
		return nil, err
	}
	return r.After(d)
}

// Open opens name for reading on the default ring.
func Open(ctx context.Context, name string) (*File, error) {
	r, err := Default()
	if err != nil {
		return nil, err
	}
	return r.Open(ctx, name)
}

// Create creates or truncates name on the default ring.
func Create(ctx context.Context, name string) (*File, error) {
	r, err := Default()
	if err != nil {
		return nil, err
	}
	return r.Create(ctx, name)
}

// OpenFile opens name with flag and perm on the default ring.
func OpenFile(ctx context.Context, name string, flag int, perm fs.FileMode) (*File, error) {
	r, err := Default()
	if err != nil {
		return nil, err
	}
	return r.OpenFile(ctx, name, flag, perm)
}

// ReadFile reads the file name on the default ring.
func ReadFile(ctx context.Context, name string) ([]byte, error) {
	r, err := Default()
	if err != nil {
		return nil, err
	}
	return r.ReadFile(ctx, name)
}

// WriteFile writes data to name on the default ring.
func WriteFile(ctx context.Context, name string, data []byte, perm fs.FileMode) error {
	r, err := Default()
	if err != nil {
		return err
	}
	return r.WriteFile(ctx, name, data, perm)
}

// Stat describes name on the default ring.
func Stat(ctx context.Context, name string) (fs.FileInfo, error) {
	r, err := Default()
	if err != nil {
		return nil, err
	}
	return r.Stat(ctx, name)
}

// Exists reports whether name exists, on the default ring.
func Exists(ctx context.Context, name string) (bool, error) {
	r, err := Default()
	if err != nil {
		return false, err
	}
	return r.Exists(ctx, name)
}

// Mkdir creates the directory name on the default ring.
func Mkdir(ctx context.Context, name string, perm fs.FileMode) error {
	r, err := Default()
	if err != nil {
		return err
	}
	return r.Mkdir(ctx, name, perm)
}

// Rename renames oldpath to newpath on the default ring.
func Rename(ctx context.Context, oldpath, newpath string) error {
	r, err := Default()
	if err != nil {
		return err
	}
	return r.Rename(ctx, oldpath, newpath)
}

// Remove removes the file or empty directory name on the default ring.
func Remove(ctx context.Context, name string) error {
	r, err := Default()
	if err != nil {
		return err
	}
	return r.Remove(ctx, name)
}

// Listen listens on address on the default ring.
func Listen(ctx context.Context, network, address string) (*Listener, error) {
	r, err := Default()
	if err != nil {
		return nil, err
	}
	return r.Listen(ctx, network, address)
}

// Dial connects to address on the default ring.
func Dial(ctx context.Context, network, address string) (*Conn, error) {
	r, err := Default()
	if err != nil {
		return nil, err
	}
	return r.Dial(ctx, network, address)
}

// DirFS returns an fs.FS over dir on the default ring.
func DirFS(dir string) (*FS, error) {
	r, err := Default()
	if err != nil {
		return nil, err
	}
	return r.DirFS(dir), nil
}
