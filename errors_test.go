//go:build linux && cgo

package liburing

import (
	"errors"
	"io/fs"
	"os"
	"testing"

	"golang.org/x/sys/unix"
)

// TestErrorsPythonTable checks every row of Python liburing's trap_error
// table (API file section 1.2): the class name, errors.Is with the errno
// itself, and the Go fs/timeout/unsupported checks where Go has one.
func TestErrorsPythonTable(t *testing.T) {
	tests := []struct {
		errno unix.Errno
		class string
		is    []error // errors.Is must hold for each
		isnt  []error // and must not for each
		tmout bool    // os.IsTimeout
	}{
		{unix.EAGAIN, "BlockingIOError", []error{unix.EWOULDBLOCK}, []error{fs.ErrNotExist}, true},
		{unix.EWOULDBLOCK, "BlockingIOError", []error{unix.EAGAIN}, nil, true},
		{unix.EALREADY, "BlockingIOError", nil, []error{unix.EAGAIN}, false},
		{unix.EINPROGRESS, "BlockingIOError", nil, []error{unix.EAGAIN}, false},
		{unix.ENOENT, "FileNotFoundError", []error{fs.ErrNotExist}, []error{fs.ErrExist}, false},
		{unix.EEXIST, "FileExistsError", []error{fs.ErrExist}, []error{fs.ErrNotExist}, false},
		{unix.EISDIR, "IsADirectoryError", nil, []error{fs.ErrExist, unix.ENOTDIR}, false},
		{unix.ENOTDIR, "NotADirectoryError", nil, []error{fs.ErrNotExist, unix.EISDIR}, false},
		{unix.EACCES, "PermissionError", []error{fs.ErrPermission}, nil, false},
		{unix.EPERM, "PermissionError", []error{fs.ErrPermission}, nil, false},
		{unix.EPIPE, "BrokenPipeError", nil, []error{unix.ESHUTDOWN}, false},
		{unix.ESHUTDOWN, "BrokenPipeError", nil, []error{unix.EPIPE}, false},
		{unix.ECONNREFUSED, "ConnectionRefusedError", nil, nil, false},
		{unix.ECONNRESET, "ConnectionResetError", nil, nil, false},
		{unix.ECONNABORTED, "ConnectionAbortedError", nil, nil, false},
		{unix.ETIMEDOUT, "TimeoutError", nil, []error{unix.ETIME}, true},
		{unix.EINTR, "InterruptedError", nil, nil, false},
		{unix.ECHILD, "ChildProcessError", nil, nil, false},
		{unix.ESRCH, "ProcessLookupError", nil, nil, false},
		// Everything else is a plain OSError; io_uring's ETIME is not a
		// TimeoutError.
		{unix.EINVAL, "OSError", nil, []error{fs.ErrInvalid}, false},
		{unix.EBADF, "OSError", nil, nil, false},
		{unix.ETIME, "OSError", nil, []error{unix.ETIMEDOUT}, false},
		{unix.EOPNOTSUPP, "OSError", []error{errors.ErrUnsupported}, nil, false},
		{unix.ENOMEM, "OSError", nil, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.errno.Error(), func(t *testing.T) {
			n, err := TrapError(-int32(tt.errno))
			if n != 0 || err != tt.errno {
				t.Fatalf("TrapError(-%d) = %d, %v; want 0, %v", int(tt.errno), n, err, tt.errno)
			}
			if got := PythonErrorClass(err); got != tt.class {
				t.Errorf("PythonErrorClass = %q, want %q", got, tt.class)
			}
			if !errors.Is(err, tt.errno) {
				t.Errorf("errors.Is(err, %v) is false", tt.errno)
			}
			for _, target := range tt.is {
				if !errors.Is(err, target) {
					t.Errorf("errors.Is(err, %v) is false", target)
				}
			}
			for _, target := range tt.isnt {
				if errors.Is(err, target) {
					t.Errorf("errors.Is(err, %v) is true", target)
				}
			}
			if got := os.IsTimeout(err); got != tt.tmout {
				t.Errorf("os.IsTimeout = %v, want %v", got, tt.tmout)
			}
			// The same holds through TrapErrorMsg's wrapping.
			_, werr := TrapErrorMsg(-int32(tt.errno), "context")
			if !errors.Is(werr, tt.errno) || PythonErrorClass(werr) != tt.class {
				t.Errorf("wrapped: errors.Is %v, class %q", errors.Is(werr, tt.errno), PythonErrorClass(werr))
			}
		})
	}
}

func TestErrorsTrapErrorMsg(t *testing.T) {
	tests := []struct {
		res     int32
		msg     string
		n       int
		wantErr error
		text    string
	}{
		{0, "", 0, nil, ""},
		{1, "ignored", 1, nil, ""},
		{1 << 30, "ignored", 1 << 30, nil, ""},
		{-11, "", 0, unix.EAGAIN, unix.EAGAIN.Error()},
		{-11, "testing `msg` returns", 0, unix.EAGAIN, "testing `msg` returns: " + unix.EAGAIN.Error()},
		{-1, "op", 0, unix.EPERM, "op: " + unix.EPERM.Error()},
	}
	for _, tt := range tests {
		n, err := TrapErrorMsg(tt.res, tt.msg)
		if n != tt.n || !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
			t.Errorf("TrapErrorMsg(%d, %q) = %d, %v; want %d, %v", tt.res, tt.msg, n, err, tt.n, tt.wantErr)
			continue
		}
		if err != nil && err.Error() != tt.text {
			t.Errorf("TrapErrorMsg(%d, %q) text %q, want %q", tt.res, tt.msg, err.Error(), tt.text)
		}
	}
	// An empty message keeps TrapError's bare unix.Errno.
	if _, err := TrapErrorMsg(-2, ""); err != unix.ENOENT {
		t.Errorf("TrapErrorMsg(-2, \"\") = %#v, want unix.ENOENT", err)
	}
}

func TestErrorsPythonErrorClassNoErrno(t *testing.T) {
	for _, err := range []error{nil, errors.New("plain"), ErrRingClosed} {
		if got := PythonErrorClass(err); got != "" {
			t.Errorf("PythonErrorClass(%v) = %q, want \"\"", err, got)
		}
	}
}

type errorsTestClass struct{}

func TestErrorsMemoryIndexError(t *testing.T) {
	obj := &errorsTestClass{}
	tests := []struct {
		err    error
		text   string
		target error
	}{
		{MemoryError(obj, ""), "`errorsTestClass()` is out of memory!", unix.ENOMEM},
		{MemoryError(errorsTestClass{}, "message"), "`errorsTestClass()` message", unix.ENOMEM},
		{MemoryError(nil, ""), "`nil()` is out of memory!", unix.ENOMEM},
		{MemoryError([]int{}, "x"), "`[]int()` x", unix.ENOMEM},
		{IndexError(obj, 1, ""), "`errorsTestClass()[1]` out of range!", ErrIndexOutOfRange},
		{IndexError(obj, 1, "message!"), "`errorsTestClass()[1]` message!", ErrIndexOutOfRange},
		{IndexError(obj, ^uint(0), ""), "`errorsTestClass()[18446744073709551615]` out of range!", ErrIndexOutOfRange},
	}
	for _, tt := range tests {
		if tt.err.Error() != tt.text {
			t.Errorf("text %q, want %q", tt.err.Error(), tt.text)
		}
		if !errors.Is(tt.err, tt.target) {
			t.Errorf("%q: errors.Is(%v) is false", tt.text, tt.target)
		}
		if errors.Is(tt.err, unix.ENOMEM) == errors.Is(tt.err, ErrIndexOutOfRange) {
			t.Errorf("%q: wraps both or neither of ENOMEM and ErrIndexOutOfRange", tt.text)
		}
	}
}
