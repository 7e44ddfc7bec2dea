package filelock

/*
#cgo pkg-config: filelock
#include <stdint.h>
#include <stdlib.h>
#include <filelock.h>

// Go functions exported in callbacks.go.
extern int goflProcess(char *path, uintptr_t handle);
extern void goflProgress(size_t done, size_t total, uintptr_t handle);
extern void goflLog(int level, char *message);

static int gofl_process_tramp(const char *path, void *ud)
{
    return goflProcess((char *)path, (uintptr_t)ud);
}

static void gofl_progress_tramp(size_t done, size_t total, void *ud)
{
    goflProgress(done, total, (uintptr_t)ud);
}

static void gofl_log_tramp(int level, const char *message, void *ud)
{
    (void)ud;
    goflLog(level, (char *)message);
}

int gofl_batch_run(fl_batch *b, const char *const *paths, size_t n, uintptr_t h,
                          fl_batch_results **out)
{
    return fl_batch_run(b, paths, n, gofl_process_tramp, (void *)h, out);
}

int gofl_batch_run_one(fl_batch *b, const char *path, uintptr_t h, fl_file_result **out)
{
    return fl_batch_run_one(b, path, gofl_process_tramp, (void *)h, out);
}

int gofl_batch_progress(fl_batch *b, uintptr_t h)
{
    return fl_batch_set_progress_cb(b, h ? gofl_progress_tramp : NULL, (void *)h);
}

int gofl_log_install(int on)
{
    return fl_log_set_callback(on ? gofl_log_tramp : NULL, NULL);
}

*/
import "C"

import (
	"runtime"
	"unsafe"
)

// call runs one library call and, on failure, reads the library's message
// and OS error on the same OS thread (they are per thread in C).
func call(fn func() C.int) (C.int, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	rc := fn()
	if rc >= 0 {
		return rc, nil
	}
	return rc, lastError(rc)
}

func lastError(rc C.int) error {
	return newError(int(rc), C.GoString(C.fl_last_error_message()), int(C.fl_last_os_error()))
}

func cstr(s string) *C.char { return C.CString(s) }

func free(p *C.char) { C.free(unsafe.Pointer(p)) }

func flag(b bool) C.int {
	if b {
		return 1
	}
	return 0
}
