package filelock

/*
#include <stdlib.h>
#include <filelock.h>

static fl_lock_info *gofl_info_at2(fl_lock_info **items, size_t k) { return items[k]; }
static fl_scan_error *gofl_error_at2(fl_scan_error **items, size_t k) { return items[k]; }
*/
import "C"

import (
	"time"
	"unsafe"
)

// Holder is the verdict on a recorded holder's process.
type Holder int

const (
	// HolderUnknown: another host, another PID namespace, or no readable record.
	HolderUnknown Holder = 0
	// HolderAlive: the recorded process is running.
	HolderAlive Holder = 1
	// HolderDead: it exited, its PID was reused, or the host rebooted.
	HolderDead Holder = 2
)

// LockInfo is everything known about one lock file.
type LockInfo struct {
	LockPath    string
	TargetPath  string // "" when unknown
	PID         int64  // 0 when there is no valid record
	Host        string
	BootID      string
	StartToken  int64 // -1 when absent
	Acquired    time.Time
	Age         time.Duration
	Held        int // 1 its OS lock is held now, 0 not, -1 cannot tell
	Holder      Holder
	Stale       bool
	RecordValid bool
	Tag         string
	Reason      string // one sentence: why it is stale or not
	SizeBytes   int64
	Foreign     bool   // content that is not a lock record: never taken over or removed
	Kind        string // "regular file", "directory", "symlink", ...
	OtherHost   bool   // the record names another host
}

func infoFrom(i *C.fl_lock_info) LockInfo {
	v11 := uintptr(i.struct_size) >= unsafe.Offsetof(i.other_host)+4
	li := LockInfo{
		LockPath:    C.GoString(i.lock_path),
		TargetPath:  C.GoString(i.target_path),
		PID:         int64(i.pid),
		Host:        C.GoString(i.host),
		BootID:      C.GoString(i.boot_id),
		StartToken:  int64(i.start_token),
		Acquired:    time.UnixMilli(int64(i.acquired_ms)),
		Age:         time.Duration(i.age_ms) * time.Millisecond,
		Held:        int(i.held),
		Holder:      Holder(i.holder),
		Stale:       i.stale == 1,
		RecordValid: i.record_valid == 1,
		Tag:         C.GoString(i.tag),
		Reason:      C.GoString(i.reason),
		SizeBytes:   int64(i.size_bytes),
	}
	if v11 {
		li.Foreign = i.foreign == 1
		li.Kind = C.GoString(i.kind)
		li.OtherHost = i.other_host == 1
	}
	return li
}

func withPath(path string, fn func(p *C.char) C.int) (C.int, error) {
	if err := noNUL(path); err != nil {
		return C.FL_EINVAL, err
	}
	p := cstr(path)
	defer free(p)
	return call(func() C.int { return fn(p) })
}

// Info reads one lock file and judges it: stale if at least threshold old,
// not held, and its holder dead.  A garbage record is not an error.
func Info(lockPath string, threshold time.Duration) (*LockInfo, error) {
	var out *C.fl_lock_info
	if _, err := withPath(lockPath, func(p *C.char) C.int {
		return C.fl_lock_info_read(p, C.int64_t(ms(threshold)), &out)
	}); err != nil {
		return nil, err
	}
	defer C.fl_lock_info_free(out)
	li := infoFrom(out)
	return &li, nil
}

// IsLocked reports whether target is locked right now by anyone.
func IsLocked(target string) (bool, error) {
	rc, err := withPath(target, func(p *C.char) C.int { return C.fl_is_locked(p, nil) })
	return rc == 1, err
}

// HolderPID gives the PID recorded in a lock file (0 when none).
func HolderPID(lockPath string) (int64, error) {
	var pid C.int64_t
	_, err := withPath(lockPath, func(p *C.char) C.int { return C.fl_holder_pid(p, &pid) })
	return int64(pid), err
}

// IsStale reports whether a lock file is stale: at least threshold old,
// nobody holds its OS lock, and its holder is dead on this host.
func IsStale(lockPath string, threshold time.Duration) (bool, error) {
	rc, err := withPath(lockPath, func(p *C.char) C.int { return C.fl_is_stale(p, C.int64_t(ms(threshold))) })
	return rc == 1, err
}

// ProcessIsRunning reports whether pid runs on this host (no signal is sent).
func ProcessIsRunning(pid int64) bool {
	return C.fl_process_is_running(C.int64_t(pid)) == 1
}

// WaitReleased waits until target is not locked, without locking it
// (timeout < 0: no limit); ErrTimeout when the time runs out.
func WaitReleased(target string, timeout time.Duration) error {
	t := int64(C.FL_WAIT_FOREVER)
	if timeout >= 0 {
		t = ms(timeout)
	}
	_, err := withPath(target, func(p *C.char) C.int { return C.fl_wait_released(p, nil, C.int64_t(t)) })
	return err
}

// RemoveIfStale removes one lock file if it is stale, by the protocol's safe
// removal; true when removed.
func RemoveIfStale(lockPath string, threshold time.Duration) (bool, error) {
	rc, err := withPath(lockPath, func(p *C.char) C.int { return C.fl_remove_if_stale(p, C.int64_t(ms(threshold))) })
	return rc == 1, err
}

// ScanError is one problem met during a walk; the walk went on.
type ScanError struct {
	Path    string
	Message string
	Code    int
}

// ScanReport is what Scan found: lock files sorted by path, and problems.
type ScanReport struct {
	Locks  []LockInfo
	Errors []ScanError
}

// CleanReport is what CleanupStale removed (or, in a dry run, would have).
type CleanReport struct {
	Removed    int
	StaleLocks []LockInfo
	Errors     []ScanError
	DryRun     bool
}

// ScanOptions says how to walk; the zero value is recursive with no depth
// limit, staying on one file system, threshold one hour, not a dry run.
type ScanOptions struct {
	TopOnly          bool // only the given directory, not its subdirectories
	MaxDepth         int  // at most this many levels below the start (0: no limit)
	CrossFilesystems bool
	Threshold        time.Duration // 0: one hour
	DryRun           bool
}

func (o *ScanOptions) raw() (*C.fl_scan_options, error) {
	var so *C.fl_scan_options
	if _, err := call(func() C.int { return C.fl_scan_options_new(&so) }); err != nil {
		return nil, err
	}
	if o == nil {
		return so, nil
	}
	_, err := call(func() C.int {
		depth := C.int(-1)
		if o.TopOnly {
			depth = 0
		} else if o.MaxDepth > 0 {
			depth = C.int(o.MaxDepth)
		}
		if rc := C.fl_scan_options_set_max_depth(so, depth); rc < 0 {
			return rc
		}
		if rc := C.fl_scan_options_set_cross_filesystems(so, flag(o.CrossFilesystems)); rc < 0 {
			return rc
		}
		if o.Threshold > 0 {
			if rc := C.fl_scan_options_set_stale_threshold_ms(so, C.int64_t(ms(o.Threshold))); rc < 0 {
				return rc
			}
		}
		return C.fl_scan_options_set_dry_run(so, flag(o.DryRun))
	})
	if err != nil {
		C.fl_scan_options_free(so)
		return nil, err
	}
	return so, nil
}

func infos(items **C.fl_lock_info, n C.size_t) []LockInfo {
	out := make([]LockInfo, 0, int(n))
	for k := C.size_t(0); k < n; k++ {
		out = append(out, infoFrom(C.gofl_info_at2(items, k)))
	}
	return out
}

func scanErrors(items **C.fl_scan_error, n C.size_t) []ScanError {
	out := make([]ScanError, 0, int(n))
	for k := C.size_t(0); k < n; k++ {
		e := C.gofl_error_at2(items, k)
		out = append(out, ScanError{Path: C.GoString(e.path), Message: C.GoString(e.message), Code: int(e.code)})
	}
	return out
}

// Scan finds and judges every lock file (*.lock) under dir (nil options:
// the defaults).  Symlinked directories are never followed.
func Scan(dir string, opts *ScanOptions) (*ScanReport, error) {
	so, err := opts.raw()
	if err != nil {
		return nil, err
	}
	defer C.fl_scan_options_free(so)
	var out *C.fl_lock_list
	if _, err := withPath(dir, func(p *C.char) C.int { return C.fl_scan(p, so, &out) }); err != nil {
		return nil, err
	}
	defer C.fl_lock_list_free(out)
	return &ScanReport{Locks: infos(out.items, out.count), Errors: scanErrors(out.errors, out.error_count)}, nil
}

// CleanupStale removes the stale lock files under dir that are at least
// threshold old, each only while holding its OS lock, after an identity
// check and a fresh verdict.  Held files, live or unknown holders and
// foreign files are left alone.  opts may be nil; its Threshold is
// replaced by threshold.
func CleanupStale(dir string, threshold time.Duration, opts *ScanOptions) (*CleanReport, error) {
	var o ScanOptions
	if opts != nil {
		o = *opts
	}
	o.Threshold = threshold
	so, err := o.raw()
	if err != nil {
		return nil, err
	}
	defer C.fl_scan_options_free(so)
	if _, err := call(func() C.int { return C.fl_scan_options_set_stale_threshold_ms(so, C.int64_t(ms(threshold))) }); err != nil {
		return nil, err
	}
	var out *C.fl_clean_report
	if _, err := withPath(dir, func(p *C.char) C.int { return C.fl_cleanup_stale_locks(p, so, &out) }); err != nil {
		return nil, err
	}
	defer C.fl_clean_report_free(out)
	return &CleanReport{
		Removed:    int(out.count),
		StaleLocks: infos(out.stale_locks, out.stale_count),
		Errors:     scanErrors(out.errors, out.error_count),
		DryRun:     out.dry_run == 1,
	}, nil
}

// LibraryVersion is the loaded library's version, e.g. "1.2.0".
func LibraryVersion() string { return C.GoString(C.fl_version_string()) }
