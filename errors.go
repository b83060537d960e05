//go:build linux && cgo

package liburing

/*
#include "liburing_cgo.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"

	"golang.org/x/sys/unix"
)

// ErrIndexOutOfRange is wrapped by IndexError, Python liburing's IndexError.
var ErrIndexOutOfRange = errors.New("liburing: index out of range")

// TrapErrorMsg is TrapError with a message, as Python liburing's
// trap_error(no, msg): a result res >= 0 comes back as an int; a negative
// errno gives an error whose text starts with msg and which wraps the
// unix.Errno, so errors.Is(err, unix.EAGAIN) and the fs.Err* checks work as
// with TrapError. Unlike Python, only res is looked at, never a stale C
// errno. An empty msg gives TrapError's bare unix.Errno.
func TrapErrorMsg(res int32, msg string) (int, error) {
	n, err := TrapError(res)
	if err != nil && msg != "" {
		return 0, fmt.Errorf("%s: %w", msg, err)
	}
	return n, err
}

// pythonErrorClasses maps an errno to the OSError subclass CPython raises
// for it (PEP 3151); every other errno raises a plain OSError.
var pythonErrorClasses = map[unix.Errno]string{
	unix.EAGAIN:       "BlockingIOError", // also EWOULDBLOCK, the same value
	unix.EALREADY:     "BlockingIOError",
	unix.EINPROGRESS:  "BlockingIOError",
	unix.ENOENT:       "FileNotFoundError",
	unix.EEXIST:       "FileExistsError",
	unix.EISDIR:       "IsADirectoryError",
	unix.ENOTDIR:      "NotADirectoryError",
	unix.EACCES:       "PermissionError",
	unix.EPERM:        "PermissionError",
	unix.EPIPE:        "BrokenPipeError",
	unix.ESHUTDOWN:    "BrokenPipeError",
	unix.ECONNREFUSED: "ConnectionRefusedError",
	unix.ECONNRESET:   "ConnectionResetError",
	unix.ECONNABORTED: "ConnectionAbortedError",
	unix.ETIMEDOUT:    "TimeoutError",
	unix.EINTR:        "InterruptedError",
	unix.ECHILD:       "ChildProcessError",
	unix.ESRCH:        "ProcessLookupError",
}

// PythonErrorClass names the Python exception that Python liburing's
// trap_error raises for err's errno: the OSError subclass CPython chooses
// (PEP 3151), such as "BlockingIOError" for EAGAIN or "FileNotFoundError"
// for ENOENT, and "OSError" for any other errno (io_uring's ETIME included:
// it is not TimeoutError). It returns "" when err holds no unix.Errno. In Go,
// test with errors.Is(err, unix.EAGAIN) or errors.Is(err, fs.ErrNotExist);
// this name is for messages and for porting Python code.
func PythonErrorClass(err error) string {
	var e unix.Errno
	if !errors.As(err, &e) {
		return ""
	}
	if name, ok := pythonErrorClasses[e]; ok {
		return name
	}
	return "OSError"
}

// pyError is an error with Python liburing's exact message text that
// unwraps to a Go error value.
type pyError struct {
	text string
	err  error
}

func (e *pyError) Error() string { return e.text }
func (e *pyError) Unwrap() error { return e.err }

// pyTypeName is the name Python liburing's messages give obj: its type's
// name, behind any pointers.
func pyTypeName(obj any) string {
	t := reflect.TypeOf(obj)
	if t == nil {
		return "nil"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Name() != "" {
		return t.Name()
	}
	return t.String()
}

// MemoryError returns the error Python liburing's memory_error(obj, msg)
// raises as MemoryError. Its text is "`T()` msg", where T is the name of
// obj's type and msg defaults to "is out of memory!", and it wraps
// unix.ENOMEM.
func MemoryError(obj any, msg string) error {
	if msg == "" {
		msg = "is out of memory!"
	}
	return &pyError{text: "`" + pyTypeName(obj) + "()` " + msg, err: unix.ENOMEM}
}

// IndexError returns the error Python liburing's index_error(obj, index,
// msg) raises as IndexError. Its text is "`T()[index]` msg", where T is the
// name of obj's type and msg defaults to "out of range!", and it wraps
// ErrIndexOutOfRange. index is unsigned, as in Python (where a negative
// index raises OverflowError instead).
func IndexError(obj any, index uint, msg string) error {
	if msg == "" {
		msg = "out of range!"
	}
	text := "`" + pyTypeName(obj) + "()[" + strconv.FormatUint(uint64(index), 10) + "]` " + msg
	return &pyError{text: text, err: ErrIndexOutOfRange}
}
