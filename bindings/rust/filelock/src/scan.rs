//! Finding lock files under a directory, and removing the stale ones.
use std::path::{Path, PathBuf};
use std::time::Duration;

use filelock_sys as sys;

use crate::error::{Code, Result};
use crate::ffi::{borrowed, borrowed_path, check, path_cstr, timeout_ms};
use crate::query::LockInfo;

/// One problem met during a walk; the walk went on.
#[derive(Debug, Clone)]
pub struct ScanError {
    /// Where.
    pub path: PathBuf,
    /// What happened, with the OS error text.
    pub message: String,
    /// The library's code for it.
    pub code: Code,
}

/// The lock files a scan found, sorted by path, and the problems met.
#[derive(Debug, Clone, Default)]
pub struct ScanReport {
    /// The lock files found, sorted by path.
    pub locks: Vec<LockInfo>,
    /// Unreadable directories, vanished files, ...
    pub errors: Vec<ScanError>,
}

/// What a cleanup removed (or, in a dry run, would have).
#[derive(Debug, Clone, Default)]
pub struct CleanReport {
    /// How many lock files were removed.
    pub removed: usize,
    /// Their info, as judged when removed.
    pub stale_locks: Vec<LockInfo>,
    /// Problems met on the way.
    pub errors: Vec<ScanError>,
    /// Nothing was removed: the report says what would have been.
    pub dry_run: bool,
}

/// How to walk: recursive with no depth limit, staying on the starting
/// file system, stale threshold one hour, not a dry run.
///
/// ```
/// use std::time::Duration;
/// let dir = std::env::temp_dir().join(format!("filelock-doc-scan-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let lock = filelock::Lock::new(dir.join("a.txt")).unwrap();
/// lock.lock().unwrap();
/// let report = filelock::ScanOptions::new().max_depth(0).scan(&dir).unwrap();
/// assert_eq!(report.locks.len(), 1);
/// let cleaned = filelock::ScanOptions::new().stale_threshold(Duration::ZERO).cleanup(&dir).unwrap();
/// assert_eq!(cleaned.removed, 0);          // held by a live process: never removed
/// # drop(lock);
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct ScanOptions {
    recursive: bool,
    max_depth: Option<u32>,
    cross_filesystems: bool,
    threshold: Duration,
    dry_run: bool,
}

impl Default for ScanOptions {
    fn default() -> ScanOptions {
        ScanOptions {
            recursive: true,
            max_depth: None,
            cross_filesystems: false,
            threshold: Duration::from_secs(3600),
            dry_run: false,
        }
    }
}

struct RawScanOptions(*mut sys::fl_scan_options);

impl Drop for RawScanOptions {
    fn drop(&mut self) {
        unsafe { sys::fl_scan_options_free(self.0) }
    }
}

impl ScanOptions {
    /// The defaults.
    pub fn new() -> ScanOptions {
        ScanOptions::default()
    }
    /// Descend into subdirectories (default true).
    pub fn recursive(mut self, on: bool) -> ScanOptions {
        self.recursive = on;
        self
    }
    /// The deepest level below the start to visit (0: the start only).
    pub fn max_depth(mut self, depth: u32) -> ScanOptions {
        self.max_depth = Some(depth);
        self
    }
    /// Descend into other mounted file systems (default false).
    pub fn cross_filesystems(mut self, on: bool) -> ScanOptions {
        self.cross_filesystems = on;
        self
    }
    /// A lock file this old (or older) with a dead holder is stale.
    pub fn stale_threshold(mut self, d: Duration) -> ScanOptions {
        self.threshold = d;
        self
    }
    /// [`cleanup`](Self::cleanup) reports but removes nothing.
    pub fn dry_run(mut self, on: bool) -> ScanOptions {
        self.dry_run = on;
        self
    }

    fn raw(&self) -> Result<RawScanOptions> {
        let mut p = std::ptr::null_mut();
        check(unsafe { sys::fl_scan_options_new(&mut p) })?;
        let o = RawScanOptions(p);
        // Not recursive is depth 0; no limit is -1.
        let depth = match (self.recursive, self.max_depth) {
            (false, _) => 0,
            (true, Some(d)) => i32::try_from(d).unwrap_or(i32::MAX),
            (true, None) => -1,
        };
        unsafe {
            check(sys::fl_scan_options_set_max_depth(p, depth))?;
            check(sys::fl_scan_options_set_cross_filesystems(p, i32::from(self.cross_filesystems)))?;
            check(sys::fl_scan_options_set_stale_threshold_ms(p, timeout_ms(Some(self.threshold))))?;
            check(sys::fl_scan_options_set_dry_run(p, i32::from(self.dry_run)))?;
        }
        Ok(o)
    }

    /// Find and judge every lock file (`*.lock`) under `dir`; symlinked
    /// directories are never followed.
    pub fn scan(&self, dir: impl AsRef<Path>) -> Result<ScanReport> {
        let o = self.raw()?;
        let c = path_cstr(dir.as_ref())?;
        let mut out = std::ptr::null_mut();
        check(unsafe { sys::fl_scan(c.as_ptr(), o.0, &mut out) })?;
        let report = unsafe {
            let l = &*out;
            ScanReport { locks: infos(l.items, l.count), errors: errors(l.errors, l.error_count) }
        };
        unsafe { sys::fl_lock_list_free(out) };
        Ok(report)
    }

    /// Remove the stale lock files under `dir`: each only while this process
    /// holds its OS lock, after an identity check and a fresh staleness
    /// decision.  Held locks, live or unknown holders and anything not
    /// recognised as a lock file are left alone.
    pub fn cleanup(&self, dir: impl AsRef<Path>) -> Result<CleanReport> {
        let o = self.raw()?;
        let c = path_cstr(dir.as_ref())?;
        let mut out = std::ptr::null_mut();
        check(unsafe { sys::fl_cleanup_stale_locks(c.as_ptr(), o.0, &mut out) })?;
        Ok(unsafe { clean_report(out) })
    }
}

/// # Safety
/// `out` is a report the library returned; it is freed here.
pub(crate) unsafe fn clean_report(out: *mut sys::fl_clean_report) -> CleanReport {
    let r = &*out;
    let report = CleanReport {
        removed: r.count,
        stale_locks: infos(r.stale_locks, r.stale_count),
        errors: errors(r.errors, r.error_count),
        dry_run: r.dry_run == 1,
    };
    sys::fl_clean_report_free(out);
    report
}

unsafe fn infos(items: *mut *mut sys::fl_lock_info, n: usize) -> Vec<LockInfo> {
    (0..n).map(|k| LockInfo::from_raw(*items.add(k))).collect()
}

unsafe fn errors(items: *mut *mut sys::fl_scan_error, n: usize) -> Vec<ScanError> {
    (0..n)
        .map(|k| {
            let e = &**items.add(k);
            ScanError { path: borrowed_path(e.path), message: borrowed(e.message), code: Code::from_raw(e.code) }
        })
        .collect()
}

/// Find the lock files under `dir` with the default [`ScanOptions`].
///
/// ```
/// let dir = std::env::temp_dir().join(format!("filelock-doc-scanfn-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// assert!(filelock::scan(&dir).unwrap().locks.is_empty());
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn scan(dir: impl AsRef<Path>) -> Result<ScanReport> {
    ScanOptions::new().scan(dir)
}

/// Remove the stale lock files under `dir` (recursively) that are at least
/// `threshold` old: see [`ScanOptions::cleanup`].
///
/// ```
/// let dir = std::env::temp_dir().join(format!("filelock-doc-clean-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// std::fs::write(dir.join("Cargo.lock"), "[[package]]\n").unwrap();   // not ours
/// let report = filelock::cleanup_stale(&dir, std::time::Duration::ZERO).unwrap();
/// assert_eq!(report.removed, 0);
/// assert!(dir.join("Cargo.lock").exists());
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn cleanup_stale(dir: impl AsRef<Path>, threshold: Duration) -> Result<CleanReport> {
    ScanOptions::new().stale_threshold(threshold).cleanup(dir)
}

/// Remove one lock file if it is stale, by the same protocol: `true` when
/// removed, `false` when not stale or already gone.
///
/// ```
/// let gone = std::env::temp_dir().join("filelock-doc-no-such.lock");
/// assert!(!filelock::remove_if_stale(&gone, std::time::Duration::ZERO).unwrap());
/// ```
pub fn remove_if_stale(lock_path: impl AsRef<Path>, threshold: Duration) -> Result<bool> {
    let c = path_cstr(lock_path.as_ref())?;
    check(unsafe { sys::fl_remove_if_stale(c.as_ptr(), timeout_ms(Some(threshold))) }).map(|v| v == 1)
}
