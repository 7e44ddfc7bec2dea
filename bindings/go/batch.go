package filelock

/*
#include <stdint.h>
#include <stdlib.h>
#include <filelock.h>

int gofl_batch_run(fl_batch *b, const char *const *paths, size_t n, uintptr_t h, fl_batch_results **out);
int gofl_batch_run_one(fl_batch *b, const char *path, uintptr_t h, fl_file_result **out);
int gofl_batch_progress(fl_batch *b, uintptr_t h);
static fl_file_result *gofl_result_at2(fl_file_result **items, size_t k) { return items[k]; }
*/
import "C"

import (
	"fmt"
	"runtime"
	"runtime/cgo"
	"sync"
	"time"
	"unsafe"
)

// FileStatus says how one file of a batch ended.
type FileStatus int

const (
	FileDone      FileStatus = 0 // processed; the func returned nil
	FileFailed    FileStatus = 1 // the func returned an error (code 1) or panicked (code 2)
	FileLockedOut FileStatus = 2 // the lock was not obtained after the timeout and retries
	FileSkipped   FileStatus = 3 // skip-locked mode: it was locked, not waited for
	FileCancelled FileStatus = 4 // not started: stopped
	FileError     FileStatus = 5 // a lock error other than contention
)

// Codes a failed func reports in FileResult.Code.
const (
	FuncFailed   = 1
	FuncPanicked = 2
)

// FileResult is one file's outcome.
type FileResult struct {
	Path     string
	Status   FileStatus
	Code     int // FileFailed: FuncFailed or FuncPanicked; otherwise the library's code
	Attempts int
	LockWait time.Duration
	Process  time.Duration
	Message  string // the library's description
	Err      error  // the func's error, or the panic as an error
}

// BatchResults is a run's outcome: one FileResult per path, in input order.
type BatchResults struct {
	Items                                             []FileResult
	Done, Failed, LockedOut, Skipped, Cancelled, Errs int
	Wall                                              time.Duration
}

// Batch runs a func per file, each under its own lock, on the library's
// worker threads, with a configuration's policy (timeout, retries, stale
// cleanup at the start, `enabled`).  The func may run on several workers at
// once; a panic in it is that file's failure, never a crash.
type Batch struct {
	c        *C.fl_batch
	progress cgo.Handle
}

type runCtx struct {
	fn   func(path string) error
	mu   sync.Mutex
	errs map[string]error
}

// NewBatch makes a runner with cfg's policy (nil: the built-in defaults).
func NewBatch(cfg *Config) (*Batch, error) {
	var c *C.fl_batch
	var cc *C.fl_config
	if cfg != nil {
		cc = cfg.c
	}
	if _, err := call(func() C.int { return C.fl_batch_new(&c, cc) }); err != nil {
		return nil, err
	}
	runtime.KeepAlive(cfg)
	b := &Batch{c: c}
	runtime.SetFinalizer(b, func(b *Batch) {
		C.fl_batch_free(b.c)
		if b.progress != 0 {
			b.progress.Delete()
		}
	})
	return b, nil
}

// Workers sets the worker threads (1 .. 1024; 0: the number of CPUs).
func (b *Batch) Workers(n int) error {
	_, err := call(func() C.int { return C.fl_batch_set_workers(b.c, C.size_t(n)) })
	return err
}

// SkipLocked skips a file locked by someone else at once instead of waiting.
func (b *Batch) SkipLocked(on bool) error {
	_, err := call(func() C.int { return C.fl_batch_set_skip_locked(b.c, flag(on)) })
	return err
}

// StopOnFailure starts no more files after the first failure.
func (b *Batch) StopOnFailure(on bool) error {
	_, err := call(func() C.int { return C.fl_batch_set_stop_on_failure(b.c, flag(on)) })
	return err
}

// OnProgress calls fn(done, total) after each file, one call at a time.
func (b *Batch) OnProgress(fn func(done, total int)) error {
	old := b.progress
	var h cgo.Handle
	if fn != nil {
		h = cgo.NewHandle(fn)
	}
	if _, err := call(func() C.int { return C.gofl_batch_progress(b.c, C.uintptr_t(h)) }); err != nil {
		if h != 0 {
			h.Delete()
		}
		return err
	}
	b.progress = h
	if old != 0 {
		old.Delete()
	}
	return nil
}

// Stop asks a running Run to stop, from any goroutine: files in progress
// finish, the rest come back FileCancelled.
func (b *Batch) Stop() error {
	_, err := call(func() C.int { return C.fl_batch_cancel(b.c) })
	return err
}

func (r *runCtx) run(path string) (code C.int) {
	defer func() {
		if p := recover(); p != nil {
			r.record(path, fmt.Errorf("panic: %v", p))
			code = FuncPanicked
		}
	}()
	if err := r.fn(path); err != nil {
		r.record(path, err)
		return FuncFailed
	}
	return 0
}

func (r *runCtx) record(path string, err error) {
	r.mu.Lock()
	r.errs[path] = err
	r.mu.Unlock()
}

func resultFrom(fr *C.fl_file_result, errs map[string]error) FileResult {
	r := FileResult{
		Path:     C.GoString(fr.path),
		Status:   FileStatus(fr.status),
		Code:     int(fr.code),
		Attempts: int(fr.attempts),
		LockWait: time.Duration(fr.lock_wait_us) * time.Microsecond,
		Process:  time.Duration(fr.process_us) * time.Microsecond,
		Message:  C.GoString(fr.message),
	}
	if r.Status == FileFailed {
		r.Err = errs[r.Path]
	}
	return r
}

// Run calls fn for every path while that path's lock is held.  Lock
// failures are not errors of the run: every file gets a result.
func (b *Batch) Run(paths []string, fn func(path string) error) (*BatchResults, error) {
	cpaths := make([]*C.char, len(paths))
	for i, p := range paths {
		if err := noNUL(p); err != nil {
			return nil, err
		}
		cpaths[i] = cstr(p)
	}
	defer func() {
		for _, p := range cpaths {
			free(p)
		}
	}()
	ctx := &runCtx{fn: fn, errs: map[string]error{}}
	h := cgo.NewHandle(ctx)
	defer h.Delete()
	var out *C.fl_batch_results
	var first **C.char
	if len(cpaths) > 0 {
		first = &cpaths[0]
	}
	if _, err := call(func() C.int {
		return C.gofl_batch_run(b.c, (**C.char)(unsafe.Pointer(first)), C.size_t(len(cpaths)), C.uintptr_t(h), &out)
	}); err != nil {
		return nil, err
	}
	defer C.fl_batch_results_free(out)
	res := &BatchResults{
		Done: int(out.done), Failed: int(out.failed), LockedOut: int(out.locked_out),
		Skipped: int(out.skipped), Cancelled: int(out.cancelled), Errs: int(out.errors),
		Wall: time.Duration(out.wall_us) * time.Microsecond,
	}
	for k := C.size_t(0); k < out.count; k++ {
		res.Items = append(res.Items, resultFrom(C.gofl_result_at2(out.items, k), ctx.errs))
	}
	runtime.KeepAlive(b)
	return res, nil
}

// RunOne runs one file with the same policy, on the calling goroutine's
// thread (no stale cleanup).
func (b *Batch) RunOne(path string, fn func(path string) error) (*FileResult, error) {
	if err := noNUL(path); err != nil {
		return nil, err
	}
	p := cstr(path)
	defer free(p)
	ctx := &runCtx{fn: fn, errs: map[string]error{}}
	h := cgo.NewHandle(ctx)
	defer h.Delete()
	var out *C.fl_file_result
	if _, err := call(func() C.int { return C.gofl_batch_run_one(b.c, p, C.uintptr_t(h), &out) }); err != nil {
		return nil, err
	}
	defer C.fl_file_result_free(out)
	r := resultFrom(out, ctx.errs)
	runtime.KeepAlive(b)
	return &r, nil
}
