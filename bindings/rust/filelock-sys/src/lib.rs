//! Raw declarations of libfilelock's C API: every function, constant and
//! struct of `filelock.h` (ABI node FILELOCK_1.1), one for one.  The C
//! header's comments are the contract; the `filelock` crate is the safe API
//! over these.
//!
//! The struct layouts are checked against the library's own layout dump
//! (`tests/abi/filelock-layout.json` in its build tree) by this crate's
//! tests, and the function list against the library's version script.
//!
//! ```
//! let v = unsafe { filelock_sys::fl_version_number() };
//! assert!(v >= filelock_sys::FL_LIB_VERSION_NUMBER);
//! ```
#![allow(non_camel_case_types)]
#![no_std]

use core::ffi::{c_char, c_int, c_void};
use core::marker::{PhantomData, PhantomPinned};

macro_rules! opaque {
    ($($(#[$m:meta])* $name:ident),* $(,)?) => {$(
        $(#[$m])*
        #[repr(C)]
        pub struct $name {
            _private: [u8; 0],
            _marker: PhantomData<(*mut u8, PhantomPinned)>,
        }
    )*};
}

opaque!(
    /// A lock handle (`fl_lock_new`, `fl_lock_new_file`).
    fl_lock,
    /// Lock options (`fl_options_new`).
    fl_options,
    /// A cancellation source (`fl_cancel_new`).
    fl_cancel,
    /// Scan and cleanup options (`fl_scan_options_new`).
    fl_scan_options,
    /// A loaded `file_locking:` configuration (`fl_config_new`).
    fl_config,
    /// A batch runner (`fl_batch_new`).
    fl_batch,
);

// Version.
pub const FL_LIB_VERSION_MAJOR: c_int = 1;
pub const FL_LIB_VERSION_MINOR: c_int = 1;
pub const FL_LIB_VERSION_PATCH: c_int = 0;
/// The header version these declarations follow (MAJOR*10000 + MINOR*100 + PATCH).
pub const FL_LIB_VERSION_NUMBER: c_int = 10200;

// Return codes (fl_error).
pub const FL_OK: c_int = 0;
pub const FL_EBUSY: c_int = -1;
pub const FL_ETIMEDOUT: c_int = -2;
pub const FL_EDEADLK: c_int = -3;
pub const FL_EFORKED: c_int = -4;
pub const FL_EINVAL: c_int = -5;
pub const FL_ENOENT: c_int = -6;
pub const FL_EPERM: c_int = -7;
pub const FL_EUNSAFE: c_int = -8;
pub const FL_EIO: c_int = -9;
pub const FL_ENOTSUP: c_int = -10;
pub const FL_ENOMEM: c_int = -11;
pub const FL_EINTERNAL: c_int = -12;
pub const FL_ECONFIG: c_int = -13;
pub const FL_ECANCELED: c_int = -14;
pub const FL_ELOST: c_int = -15;
pub const FL_EUNAVAIL: c_int = -16;

// fl_acquire timeouts.
pub const FL_WAIT_FOREVER: i64 = -1;
pub const FL_WAIT_DEFAULT: i64 = -2;

// fl_lock_info.holder.
pub const FL_HOLDER_UNKNOWN: i32 = 0;
pub const FL_HOLDER_ALIVE: i32 = 1;
pub const FL_HOLDER_DEAD: i32 = 2;

// fl_config_* flags.
pub const FL_CONFIG_IGNORE_ENV: u32 = 1;

// Log levels.
pub const FL_LOG_TRACE: c_int = 0;
pub const FL_LOG_DEBUG: c_int = 1;
pub const FL_LOG_INFO: c_int = 2;
pub const FL_LOG_WARN: c_int = 3;
pub const FL_LOG_ERROR: c_int = 4;
pub const FL_LOG_OFF: c_int = 6;

// fl_file_result.status.
pub const FL_FILE_DONE: i32 = 0;
pub const FL_FILE_FAILED: i32 = 1;
pub const FL_FILE_LOCKED_OUT: i32 = 2;
pub const FL_FILE_SKIPPED: i32 = 3;
pub const FL_FILE_CANCELLED: i32 = 4;
pub const FL_FILE_ERROR: i32 = 5;

/// Everything known about one lock file.  Fields after `size_bytes` are
/// 1.1 additions: read them only when `struct_size` covers them.
#[repr(C)]
#[derive(Debug)]
pub struct fl_lock_info {
    pub struct_size: usize,
    pub lock_path: *const c_char,
    pub target_path: *const c_char,
    pub pid: i64,
    pub host: *const c_char,
    pub boot_id: *const c_char,
    pub start_token: i64,
    pub acquired_ms: i64,
    pub age_ms: i64,
    pub held: i32,
    pub holder: i32,
    pub stale: i32,
    pub record_valid: i32,
    pub tag: *const c_char,
    pub reason: *const c_char,
    pub size_bytes: i64,
    pub foreign: i32,
    pub kind: *const c_char,
    pub other_host: i32,
    pub fencing_token: i64,
    pub lease_ttl_ms: i64,
}

/// One problem met during a scan or cleanup.
#[repr(C)]
#[derive(Debug)]
pub struct fl_scan_error {
    pub struct_size: usize,
    pub path: *const c_char,
    pub message: *const c_char,
    pub code: i32,
}

/// Result of `fl_scan`.
#[repr(C)]
#[derive(Debug)]
pub struct fl_lock_list {
    pub struct_size: usize,
    pub items: *mut *mut fl_lock_info,
    pub count: usize,
    pub errors: *mut *mut fl_scan_error,
    pub error_count: usize,
}

/// Result of `fl_cleanup_stale_locks` and `fl_cleanup_for_targets`.
#[repr(C)]
#[derive(Debug)]
pub struct fl_clean_report {
    pub struct_size: usize,
    pub count: usize,
    pub stale_locks: *mut *mut fl_lock_info,
    pub stale_count: usize,
    pub errors: *mut *mut fl_scan_error,
    pub error_count: usize,
    pub dry_run: i32,
}

/// One file's outcome in a batch.
#[repr(C)]
#[derive(Debug)]
pub struct fl_file_result {
    pub struct_size: usize,
    pub path: *const c_char,
    pub status: i32,
    pub code: i32,
    pub attempts: i32,
    pub lock_wait_us: i64,
    pub process_us: i64,
    pub message: *const c_char,
}

/// A whole batch's outcome.
#[repr(C)]
#[derive(Debug)]
pub struct fl_batch_results {
    pub struct_size: usize,
    pub items: *mut *mut fl_file_result,
    pub count: usize,
    pub done: usize,
    pub failed: usize,
    pub locked_out: usize,
    pub skipped: usize,
    pub cancelled: usize,
    pub errors: usize,
    pub wall_us: i64,
}

pub type fl_lost_cb =
    Option<unsafe extern "C" fn(lock_path: *const c_char, fencing_token: i64, user_data: *mut c_void)>;
pub type fl_log_cb = Option<unsafe extern "C" fn(level: c_int, message: *const c_char, user_data: *mut c_void)>;
pub type fl_batch_process_cb = Option<unsafe extern "C" fn(path: *const c_char, user_data: *mut c_void) -> c_int>;
pub type fl_batch_progress_cb = Option<unsafe extern "C" fn(done: usize, total: usize, user_data: *mut c_void)>;

extern "C" {
    // Version and errors.
    pub fn fl_version_number() -> c_int;
    pub fn fl_version_string() -> *const c_char;
    pub fn fl_strerror(code: c_int) -> *const c_char;
    pub fn fl_last_error_message() -> *const c_char;
    pub fn fl_last_os_error() -> c_int;
    pub fn fl_free(p: *mut c_void);

    // Options.
    pub fn fl_options_new(out: *mut *mut fl_options) -> c_int;
    pub fn fl_options_free(opts: *mut fl_options);
    pub fn fl_options_clone(out: *mut *mut fl_options, opts: *const fl_options) -> c_int;
    pub fn fl_options_set_timeout_ms(opts: *mut fl_options, timeout_ms: i64) -> c_int;
    pub fn fl_options_set_poll_interval_ms(opts: *mut fl_options, interval_ms: i64) -> c_int;
    pub fn fl_options_set_shared(opts: *mut fl_options, shared: c_int) -> c_int;
    pub fn fl_options_set_remove_on_release(opts: *mut fl_options, remove: c_int) -> c_int;
    pub fn fl_options_set_file_mode(opts: *mut fl_options, mode: u32) -> c_int;
    pub fn fl_options_set_tag(opts: *mut fl_options, tag: *const c_char) -> c_int;
    pub fn fl_options_set_lock_dir(opts: *mut fl_options, dir: *const c_char) -> c_int;
    pub fn fl_options_set_deadlock_check(opts: *mut fl_options, enabled: c_int) -> c_int;
    pub fn fl_options_set_write_record(opts: *mut fl_options, write: c_int) -> c_int;
    pub fn fl_options_set_create_mode(opts: *mut fl_options, mode: u32) -> c_int;
    pub fn fl_options_set_defer_path_errors(opts: *mut fl_options, defer: c_int) -> c_int;
    pub fn fl_options_set_backend(opts: *mut fl_options, backend: *const c_char) -> c_int;
    pub fn fl_options_set_lease_ttl_ms(opts: *mut fl_options, ttl_ms: i64) -> c_int;
    pub fn fl_options_set_lost_callback(opts: *mut fl_options, cb: fl_lost_cb, user_data: *mut c_void) -> c_int;
    pub fn fl_options_set_cancel(opts: *mut fl_options, cancel: *mut fl_cancel) -> c_int;

    // Cancellation.
    pub fn fl_cancel_new(out: *mut *mut fl_cancel) -> c_int;
    pub fn fl_cancel_free(cancel: *mut fl_cancel);
    pub fn fl_cancel_fire(cancel: *mut fl_cancel) -> c_int;
    pub fn fl_cancel_reset(cancel: *mut fl_cancel) -> c_int;
    pub fn fl_cancel_is_fired(cancel: *const fl_cancel) -> c_int;

    // Lock handles.
    pub fn fl_lock_new(out: *mut *mut fl_lock, target_path: *const c_char, opts: *const fl_options) -> c_int;
    pub fn fl_lock_new_file(out: *mut *mut fl_lock, lock_path: *const c_char, opts: *const fl_options) -> c_int;
    pub fn fl_lock_free(lock: *mut fl_lock);
    pub fn fl_acquire(lock: *mut fl_lock, timeout_ms: i64) -> c_int;
    pub fn fl_release(lock: *mut fl_lock) -> c_int;
    pub fn fl_lock_is_held(lock: *const fl_lock) -> c_int;
    pub fn fl_lock_check(lock: *mut fl_lock) -> c_int;
    pub fn fl_lock_fencing_token(lock: *const fl_lock, out: *mut i64) -> c_int;
    pub fn fl_lock_path(lock: *const fl_lock) -> *const c_char;
    pub fn fl_lock_target_path(lock: *const fl_lock) -> *const c_char;
    pub fn fl_lock_path_for(target_path: *const c_char, opts: *const fl_options, out: *mut *mut c_char) -> c_int;

    // Queries.
    pub fn fl_is_locked(target_path: *const c_char, opts: *const fl_options) -> c_int;
    pub fn fl_wait_released(target_path: *const c_char, opts: *const fl_options, timeout_ms: i64) -> c_int;
    pub fn fl_holder_pid(lock_path: *const c_char, out_pid: *mut i64) -> c_int;
    pub fn fl_process_is_running(pid: i64) -> c_int;
    pub fn fl_is_stale(lock_path: *const c_char, threshold_ms: i64) -> c_int;
    pub fn fl_lock_age_ms(lock_path: *const c_char, out_age_ms: *mut i64) -> c_int;
    pub fn fl_lock_info_read(lock_path: *const c_char, threshold_ms: i64, out: *mut *mut fl_lock_info) -> c_int;
    pub fn fl_lock_info_free(info: *mut fl_lock_info);

    // Monitor and cleanup.
    pub fn fl_scan_options_new(out: *mut *mut fl_scan_options) -> c_int;
    pub fn fl_scan_options_free(opts: *mut fl_scan_options);
    pub fn fl_scan_options_set_recursive(opts: *mut fl_scan_options, recursive: c_int) -> c_int;
    pub fn fl_scan_options_set_max_depth(opts: *mut fl_scan_options, max_depth: c_int) -> c_int;
    pub fn fl_scan_options_set_cross_filesystems(opts: *mut fl_scan_options, cross: c_int) -> c_int;
    pub fn fl_scan_options_set_stale_threshold_ms(opts: *mut fl_scan_options, threshold_ms: i64) -> c_int;
    pub fn fl_scan_options_set_dry_run(opts: *mut fl_scan_options, dry_run: c_int) -> c_int;
    pub fn fl_scan_options_set_backend(opts: *mut fl_scan_options, backend: *const c_char) -> c_int;
    pub fn fl_scan(dir: *const c_char, opts: *const fl_scan_options, out: *mut *mut fl_lock_list) -> c_int;
    pub fn fl_lock_list_free(list: *mut fl_lock_list);
    pub fn fl_cleanup_stale_locks(
        base_dir: *const c_char,
        opts: *const fl_scan_options,
        out: *mut *mut fl_clean_report,
    ) -> c_int;
    pub fn fl_clean_report_free(report: *mut fl_clean_report);
    pub fn fl_remove_if_stale(lock_path: *const c_char, threshold_ms: i64) -> c_int;
    pub fn fl_cleanup_for_targets(
        targets: *const *const c_char,
        count: usize,
        opts: *const fl_options,
        threshold_ms: i64,
        out: *mut *mut fl_clean_report,
    ) -> c_int;

    // Configuration.
    pub fn fl_config_new(out: *mut *mut fl_config, flags: u32) -> c_int;
    pub fn fl_config_load_file(out: *mut *mut fl_config, path: *const c_char, flags: u32) -> c_int;
    pub fn fl_config_load_string(
        out: *mut *mut fl_config,
        yaml: *const c_char,
        name: *const c_char,
        flags: u32,
    ) -> c_int;
    pub fn fl_config_free(cfg: *mut fl_config);
    pub fn fl_config_set(cfg: *mut fl_config, key: *const c_char, value: *const c_char) -> c_int;
    pub fn fl_config_get(cfg: *const fl_config, key: *const c_char, out: *mut *mut c_char) -> c_int;
    pub fn fl_config_get_ms(cfg: *const fl_config, key: *const c_char, out: *mut i64) -> c_int;
    pub fn fl_config_get_bool(cfg: *const fl_config, key: *const c_char, out: *mut c_int) -> c_int;
    pub fn fl_parse_seconds(text: *const c_char, allow_inf: c_int, out_ms: *mut i64) -> c_int;
    pub fn fl_config_make_options(cfg: *const fl_config, out: *mut *mut fl_options) -> c_int;

    // Logging.
    pub fn fl_log_set_callback(cb: fl_log_cb, user_data: *mut c_void) -> c_int;
    pub fn fl_log_set_level(level: c_int) -> c_int;
    pub fn fl_log_get_level() -> c_int;

    // Batch processing.
    pub fn fl_batch_new(out: *mut *mut fl_batch, cfg: *const fl_config) -> c_int;
    pub fn fl_batch_free(batch: *mut fl_batch);
    pub fn fl_batch_set_workers(batch: *mut fl_batch, workers: usize) -> c_int;
    pub fn fl_batch_set_skip_locked(batch: *mut fl_batch, skip: c_int) -> c_int;
    pub fn fl_batch_set_stop_on_failure(batch: *mut fl_batch, stop: c_int) -> c_int;
    pub fn fl_batch_set_progress_cb(batch: *mut fl_batch, cb: fl_batch_progress_cb, user_data: *mut c_void) -> c_int;
    pub fn fl_batch_cancel(batch: *mut fl_batch) -> c_int;
    pub fn fl_batch_run(
        batch: *mut fl_batch,
        paths: *const *const c_char,
        count: usize,
        process: fl_batch_process_cb,
        user_data: *mut c_void,
        out: *mut *mut fl_batch_results,
    ) -> c_int;
    pub fn fl_batch_results_free(results: *mut fl_batch_results);
    pub fn fl_batch_run_one(
        batch: *mut fl_batch,
        path: *const c_char,
        process: fl_batch_process_cb,
        user_data: *mut c_void,
        out: *mut *mut fl_file_result,
    ) -> c_int;
    pub fn fl_file_result_free(result: *mut fl_file_result);
}
