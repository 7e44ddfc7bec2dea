package filelock

/*
#include <filelock.h>
int gofl_log_install(int on);
*/
import "C"

import "sync"

// Log levels, lowest first.
const (
	LogTrace = 0
	LogDebug = 1
	LogInfo  = 2
	LogWarn  = 3
	LogError = 4
	LogOff   = 6
)

var (
	logMu      sync.RWMutex
	logHandler func(level int, message string)
)

func deliverLog(level int, message string) {
	logMu.RLock()
	h := logHandler
	logMu.RUnlock()
	if h == nil {
		return
	}
	defer func() { _ = recover() }()
	h(level, message)
}

// SetLogHandler sends the library's messages at or above the log level to
// fn, from any goroutine or library thread, possibly several at once; nil
// restores the default (stderr).  A panic in fn is swallowed.
func SetLogHandler(fn func(level int, message string)) {
	logMu.Lock()
	logHandler = fn
	logMu.Unlock()
	on := C.int(0)
	if fn != nil {
		on = 1
	}
	C.gofl_log_install(on)
}

// SetLogLevel sets the minimum level delivered (default LogWarn).
func SetLogLevel(level int) error {
	_, err := call(func() C.int { return C.fl_log_set_level(C.int(level)) })
	return err
}
