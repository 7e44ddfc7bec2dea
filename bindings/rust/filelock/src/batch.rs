//! Running work on many files, each under its own lock, on the library's
//! worker threads.
use std::collections::HashMap;
use std::ffi::{c_char, c_int, c_void, CStr};
use std::fmt::Display;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::ptr::NonNull;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use filelock_sys as sys;

use crate::config::Config;
use crate::error::Result;
use crate::ffi::{borrowed, borrowed_path, check, path_cstr};

struct RawBatch(NonNull<sys::fl_batch>);

// fl_batch_cancel() is safe from any thread while a run goes on; every
// other call goes through `&mut Batch`.
unsafe impl Send for RawBatch {}
unsafe impl Sync for RawBatch {}

impl Drop for RawBatch {
    fn drop(&mut self) {
        unsafe { sys::fl_batch_free(self.0.as_ptr()) }
    }
}

type Progress = Mutex<Box<dyn FnMut(usize, usize) + Send>>;

/// A batch runner with a configuration's policy: each file's lock waited
/// for up to `timeout_seconds`, `retry_attempts` more attempts after
/// `retry_delay_seconds`, stale locks cleaned at the start when
/// `cleanup_stale_locks`, no locking at all when `enabled` is false.
///
/// The closure runs on worker threads, several at once; it returns `Ok`
/// for success, or an error whose text becomes the file's
/// [`FileResult::error`].  A panic in it is that file's failure (code 2),
/// never unwinding into the C library.
///
/// ```
/// use std::sync::atomic::{AtomicUsize, Ordering};
/// let dir = std::env::temp_dir().join(format!("filelock-doc-batch-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let paths: Vec<_> = (0..4).map(|i| dir.join(format!("f{i}"))).collect();
/// let count = AtomicUsize::new(0);
/// let mut batch = filelock::Batch::new(None).unwrap();
/// let results = batch.run(&paths, |path| {
///     if path.ends_with("f3") {
///         return Err("bad input");
///     }
///     count.fetch_add(1, Ordering::Relaxed);
///     Ok(())
/// }).unwrap();
/// assert_eq!((results.done, results.failed), (3, 1));
/// assert_eq!(results.items[3].error.as_deref(), Some("bad input"));
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub struct Batch {
    raw: Arc<RawBatch>,
    progress: Option<Box<Progress>>,
}

/// Stops a running [`Batch::run`] from another thread: files in progress
/// finish, the rest come back [`FileStatus::Cancelled`].
#[derive(Clone)]
pub struct BatchStopper(Arc<RawBatch>);

impl BatchStopper {
    /// Stop the run in progress (no effect on later runs).
    pub fn stop(&self) -> Result<()> {
        check(unsafe { sys::fl_batch_cancel((self.0).0.as_ptr()) }).map(drop)
    }
}

/// How one file's run ended.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileStatus {
    /// Processed; the closure returned `Ok`.
    Done,
    /// The closure returned `Err` (code 1) or panicked (code 2).
    Failed,
    /// The lock was not obtained after the timeout and the retries.
    LockedOut,
    /// Skip-locked mode: it was locked, and not waited for.
    Skipped,
    /// Not started: the run was stopped, or stopped on a failure.
    Cancelled,
    /// A lock error other than contention.
    Error,
    /// A status this crate does not know.
    Other(i32),
}

/// One file's outcome.
#[derive(Debug, Clone)]
pub struct FileResult {
    /// The path as given.
    pub path: PathBuf,
    /// How it ended.
    pub status: FileStatus,
    /// Failed: 1 (the closure's `Err`) or 2 (a panic); LockedOut, Skipped,
    /// Cancelled, Error: the library's code behind it.
    pub code: i32,
    /// Lock attempts made.
    pub attempts: u32,
    /// Time spent obtaining the lock.
    pub lock_wait: Duration,
    /// Time spent in the closure.
    pub process: Duration,
    /// The library's description of the outcome.
    pub message: String,
    /// The closure's error text or panic message.
    pub error: Option<String>,
}

/// A run's outcome: one [`FileResult`] per path, in input order.
#[derive(Debug, Clone)]
pub struct BatchResults {
    /// One per input path, in input order.
    pub items: Vec<FileResult>,
    /// Files whose closure returned `Ok`.
    pub done: usize,
    /// Files whose closure failed or panicked.
    pub failed: usize,
    /// Files whose lock was not obtained.
    pub locked_out: usize,
    /// Files skipped because they were locked.
    pub skipped: usize,
    /// Files not started.
    pub cancelled: usize,
    /// Files with a lock error other than contention.
    pub errors: usize,
    /// The run's wall-clock time.
    pub wall: Duration,
}

/// Code a failed closure reports.
pub const CLOSURE_FAILED: i32 = 1;
/// Code a panicking closure reports.
pub const CLOSURE_PANICKED: i32 = 2;

struct Ctx<'f, F> {
    f: &'f F,
    errors: Mutex<HashMap<Vec<u8>, String>>,
}

fn panic_text(p: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        format!("panicked: {s}")
    } else if let Some(s) = p.downcast_ref::<String>() {
        format!("panicked: {s}")
    } else {
        "panicked".to_string()
    }
}

unsafe extern "C" fn process<F, E>(path: *const c_char, ud: *mut c_void) -> c_int
where
    F: Fn(&Path) -> std::result::Result<(), E> + Sync,
    E: Display,
{
    let ctx = &*(ud as *const Ctx<'_, F>);
    let key = CStr::from_ptr(path).to_bytes().to_vec();
    let p = borrowed_path(path);
    let (rc, text) = match catch_unwind(AssertUnwindSafe(|| (ctx.f)(&p))) {
        Ok(Ok(())) => return 0,
        Ok(Err(e)) => (CLOSURE_FAILED, catch_unwind(AssertUnwindSafe(|| e.to_string())).unwrap_or_default()),
        Err(payload) => (CLOSURE_PANICKED, panic_text(&*payload)),
    };
    if let Ok(mut m) = ctx.errors.lock() {
        m.insert(key, text);
    }
    rc
}

unsafe extern "C" fn progress(done: usize, total: usize, ud: *mut c_void) {
    let p = &*(ud as *const Progress);
    let _ = catch_unwind(AssertUnwindSafe(|| {
        if let Ok(mut f) = p.lock() {
            f(done, total)
        }
    }));
}

unsafe fn file_result(r: &sys::fl_file_result, errors: &HashMap<Vec<u8>, String>) -> FileResult {
    let key = if r.path.is_null() { Vec::new() } else { CStr::from_ptr(r.path).to_bytes().to_vec() };
    let status = match r.status {
        sys::FL_FILE_DONE => FileStatus::Done,
        sys::FL_FILE_FAILED => FileStatus::Failed,
        sys::FL_FILE_LOCKED_OUT => FileStatus::LockedOut,
        sys::FL_FILE_SKIPPED => FileStatus::Skipped,
        sys::FL_FILE_CANCELLED => FileStatus::Cancelled,
        sys::FL_FILE_ERROR => FileStatus::Error,
        other => FileStatus::Other(other),
    };
    FileResult {
        path: borrowed_path(r.path),
        status,
        code: r.code,
        attempts: r.attempts.max(0) as u32,
        lock_wait: Duration::from_micros(r.lock_wait_us.max(0) as u64),
        process: Duration::from_micros(r.process_us.max(0) as u64),
        message: borrowed(r.message),
        error: if status == FileStatus::Failed { errors.get(&key).cloned() } else { None },
    }
}

impl Batch {
    /// A runner with `cfg`'s policy (`None`: the built-in defaults, without
    /// the environment).  Workers default to the number of CPUs.
    pub fn new(cfg: Option<&Config>) -> Result<Batch> {
        let mut p = std::ptr::null_mut();
        check(unsafe { sys::fl_batch_new(&mut p, cfg.map_or(std::ptr::null(), Config::as_ptr)) })?;
        Ok(Batch { raw: Arc::new(RawBatch(NonNull::new(p).expect("fl_batch_new gave NULL"))), progress: None })
    }

    fn ptr(&self) -> *mut sys::fl_batch {
        self.raw.0.as_ptr()
    }

    /// Worker threads, 1 ..= 1024 (0: the number of CPUs).
    pub fn workers(&mut self, n: usize) -> Result<&mut Batch> {
        check(unsafe { sys::fl_batch_set_workers(self.ptr(), n) })?;
        Ok(self)
    }

    /// Skip a file locked by someone else at once instead of waiting.
    pub fn skip_locked(&mut self, on: bool) -> Result<&mut Batch> {
        check(unsafe { sys::fl_batch_set_skip_locked(self.ptr(), i32::from(on)) })?;
        Ok(self)
    }

    /// After the first failed file, start no more.
    pub fn stop_on_failure(&mut self, on: bool) -> Result<&mut Batch> {
        check(unsafe { sys::fl_batch_set_stop_on_failure(self.ptr(), i32::from(on)) })?;
        Ok(self)
    }

    /// Called after each file finishes with (done, total), from worker
    /// threads, one call at a time.
    pub fn on_progress(&mut self, f: impl FnMut(usize, usize) + Send + 'static) -> Result<&mut Batch> {
        let boxed: Box<Progress> = Box::new(Mutex::new(Box::new(f)));
        let ud = &*boxed as *const Progress as *mut c_void;
        check(unsafe { sys::fl_batch_set_progress_cb(self.ptr(), Some(progress), ud) })?;
        self.progress = Some(boxed);
        Ok(self)
    }

    /// A handle that stops a run from another thread.
    pub fn stopper(&self) -> BatchStopper {
        BatchStopper(Arc::clone(&self.raw))
    }

    /// Run `f` on every path, each under its own lock.  Lock failures are
    /// not errors of the run: every file gets a result.
    pub fn run<P, F, E>(&mut self, paths: &[P], f: F) -> Result<BatchResults>
    where
        P: AsRef<Path>,
        F: Fn(&Path) -> std::result::Result<(), E> + Sync,
        E: Display,
    {
        let cpaths = paths.iter().map(|p| path_cstr(p.as_ref())).collect::<Result<Vec<_>>>()?;
        let ptrs: Vec<*const c_char> = cpaths.iter().map(|c| c.as_ptr()).collect();
        let ctx = Ctx { f: &f, errors: Mutex::new(HashMap::new()) };
        let mut out = std::ptr::null_mut();
        check(unsafe {
            sys::fl_batch_run(
                self.ptr(),
                ptrs.as_ptr(),
                ptrs.len(),
                Some(process::<F, E>),
                &ctx as *const Ctx<'_, F> as *mut c_void,
                &mut out,
            )
        })?;
        let errors = ctx.errors.into_inner().unwrap_or_else(|e| e.into_inner());
        let results = unsafe {
            let r = &*out;
            BatchResults {
                items: (0..r.count).map(|k| file_result(&**r.items.add(k), &errors)).collect(),
                done: r.done,
                failed: r.failed,
                locked_out: r.locked_out,
                skipped: r.skipped,
                cancelled: r.cancelled,
                errors: r.errors,
                wall: Duration::from_micros(r.wall_us.max(0) as u64),
            }
        };
        unsafe { sys::fl_batch_results_free(out) };
        Ok(results)
    }

    /// One file with the same policy, on the calling thread (no stale cleanup).
    pub fn run_one<F, E>(&mut self, path: impl AsRef<Path>, f: F) -> Result<FileResult>
    where
        F: Fn(&Path) -> std::result::Result<(), E> + Sync,
        E: Display,
    {
        let c = path_cstr(path.as_ref())?;
        let ctx = Ctx { f: &f, errors: Mutex::new(HashMap::new()) };
        let mut out = std::ptr::null_mut();
        check(unsafe {
            sys::fl_batch_run_one(
                self.ptr(),
                c.as_ptr(),
                Some(process::<F, E>),
                &ctx as *const Ctx<'_, F> as *mut c_void,
                &mut out,
            )
        })?;
        let errors = ctx.errors.into_inner().unwrap_or_else(|e| e.into_inner());
        let r = unsafe { file_result(&*out, &errors) };
        unsafe { sys::fl_file_result_free(out) };
        Ok(r)
    }
}
