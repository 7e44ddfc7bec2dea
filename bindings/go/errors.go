package filelock

import (
	"errors"
	"io/fs"
	"syscall"
)

// Sentinel errors, one per library code, for errors.Is.  Every error the
// package returns from the library is an *Error that matches one of them.
var (
	ErrBusy         = errors.New("filelock: lock is held by another holder")
	ErrTimeout      = errors.New("filelock: timed out waiting for the lock")
	ErrDeadlock     = errors.New("filelock: lock already held by this thread through another handle")
	ErrForked       = errors.New("filelock: handle belongs to the parent process")
	ErrInvalid      = errors.New("filelock: invalid argument")
	ErrNotFound     = errors.New("filelock: no such file or directory")
	ErrPermission   = errors.New("filelock: permission denied")
	ErrUnsafe       = errors.New("filelock: lock path is a symlink or not a lock file")
	ErrIO           = errors.New("filelock: input/output error")
	ErrNotSupported = errors.New("filelock: locking not supported here")
	ErrNoMemory     = errors.New("filelock: out of memory")
	ErrInternal     = errors.New("filelock: internal error")
	ErrConfig       = errors.New("filelock: invalid configuration")
	ErrCanceled     = errors.New("filelock: operation cancelled")
	ErrLost         = errors.New("filelock: lock was lost")
	ErrUnavailable  = errors.New("filelock: lock service unavailable")
)

var sentinels = map[int]error{
	-1: ErrBusy, -2: ErrTimeout, -3: ErrDeadlock, -4: ErrForked, -5: ErrInvalid,
	-6: ErrNotFound, -7: ErrPermission, -8: ErrUnsafe, -9: ErrIO, -10: ErrNotSupported,
	-11: ErrNoMemory, -12: ErrInternal, -13: ErrConfig, -14: ErrCanceled, -15: ErrLost,
	-16: ErrUnavailable,
}

// Error is a failed library call: its code (a negative FL_E* value), the
// library's message (which names the path, and the holder where known) and
// the OS error behind it (0 when the failure did not come from the OS).
//
// errors.Is matches the sentinel of its code (ErrBusy, ErrUnsafe, ...) and,
// through Unwrap, its syscall.Errno and what that matches
// (fs.ErrNotExist, fs.ErrPermission, ...).
type Error struct {
	Code    int
	Message string
	Errno   syscall.Errno
}

func newError(code int, message string, errno int) error {
	return &Error{Code: code, Message: message, Errno: syscall.Errno(errno)}
}

func (e *Error) Error() string {
	if e.Message != "" {
		return "filelock: " + e.Message
	}
	if s, ok := sentinels[e.Code]; ok {
		return s.Error()
	}
	return "filelock: unknown error"
}

// Is reports whether target is the sentinel for e's code; ErrNotFound also
// matches fs.ErrNotExist and ErrPermission fs.ErrPermission, with or
// without an OS error behind them.
func (e *Error) Is(target error) bool {
	s, ok := sentinels[e.Code]
	switch {
	case ok && s == target:
		return true
	case s == ErrNotFound:
		return target == fs.ErrNotExist
	case s == ErrPermission:
		return target == fs.ErrPermission
	}
	return false
}

// Unwrap gives the OS error, when there is one.
func (e *Error) Unwrap() error {
	if e.Errno == 0 {
		return nil
	}
	return e.Errno
}
