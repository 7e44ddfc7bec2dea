//! Lock options, gathered by a builder and turned into C options once.
use std::path::{Path, PathBuf};
use std::ptr::NonNull;
use std::time::Duration;

use filelock_sys as sys;

use crate::cancel::Canceller;
use crate::config::Config;
use crate::error::Result;
use crate::ffi::{check, flag, path_cstr, str_cstr, timeout_ms};
use crate::lock::Lock;

/// Owned C options.
pub(crate) struct Options(pub(crate) NonNull<sys::fl_options>);

impl Options {
    pub(crate) fn new() -> Result<Options> {
        let mut p = std::ptr::null_mut();
        check(unsafe { sys::fl_options_new(&mut p) })?;
        Ok(Options(NonNull::new(p).expect("fl_options_new gave NULL")))
    }

    pub(crate) fn try_clone(&self) -> Result<Options> {
        let mut p = std::ptr::null_mut();
        check(unsafe { sys::fl_options_clone(&mut p, self.0.as_ptr()) })?;
        Ok(Options(NonNull::new(p).expect("fl_options_clone gave NULL")))
    }

    pub(crate) fn as_ptr(&self) -> *mut sys::fl_options {
        self.0.as_ptr()
    }
}

impl Drop for Options {
    fn drop(&mut self) {
        unsafe { sys::fl_options_free(self.0.as_ptr()) }
    }
}

#[derive(Clone, Copy)]
enum ModeBits {
    Chmod(u32),
    Create(u32),
}

/// Options for a [`Lock`].  Every setting not made keeps the library's
/// default (or, after [`config`](LockBuilder::config), the configuration's
/// value): the order of the calls does not matter.
///
/// ```
/// use std::time::Duration;
/// let target = std::env::temp_dir().join(format!("filelock-doc-builder-{}", std::process::id()));
/// let mut lock = filelock::Lock::builder()
///     .timeout(Duration::from_secs(5))
///     .tag("nightly import")
///     .keep_file(true)
///     .build(&target)
///     .unwrap();
/// let guard = lock.acquire().unwrap();      // waits up to 5 s
/// drop(guard);                              // released; the lock file is kept
/// assert!(target.with_extension("lock").exists());
/// # std::fs::remove_file(target.with_extension("lock")).unwrap();
/// ```
#[derive(Default)]
#[must_use]
pub struct LockBuilder {
    config: Option<(Options, bool)>,
    timeout: Option<Option<Duration>>,
    poll_interval: Option<Duration>,
    shared: Option<bool>,
    remove_on_release: Option<bool>,
    mode: Option<ModeBits>,
    tag: Option<String>,
    lock_dir: Option<PathBuf>,
    record: Option<bool>,
    deadlock_check: Option<bool>,
    cancel: Option<Canceller>,
    backend: Option<String>,
    lease_ttl: Option<Duration>,
    error: Option<crate::Error>,
}

impl LockBuilder {
    /// The library's defaults: wait up to 30 s in [`Lock::acquire`],
    /// exclusive, a PID record, the lock file removed on release for
    /// [`build`](Self::build) and kept for [`build_at`](Self::build_at).
    pub fn new() -> LockBuilder {
        LockBuilder::default()
    }

    /// Start from a loaded configuration's lock settings (timeout, poll
    /// interval, shared, file mode, removal, lock directory, tag); the
    /// builder's own settings override them.
    pub fn config(mut self, cfg: &Config) -> LockBuilder {
        match cfg.make_options().and_then(|o| Ok((o, cfg.get_bool("shared")?))) {
            Ok(c) => self.config = Some(c),
            Err(e) => self.error = Some(e),
        }
        self
    }

    /// How long [`Lock::acquire`] waits (rounded up to whole milliseconds;
    /// zero is a single attempt).
    pub fn timeout(mut self, d: Duration) -> LockBuilder {
        self.timeout = Some(Some(d));
        self
    }

    /// [`Lock::acquire`] waits with no time limit.
    pub fn wait_forever(mut self) -> LockBuilder {
        self.timeout = Some(None);
        self
    }

    /// The longest gap between checks while waiting (a safety net behind
    /// file-system events), 1 ms to 1 hour; default 0.5 s.
    pub fn poll_interval(mut self, d: Duration) -> LockBuilder {
        self.poll_interval = Some(d);
        self
    }

    /// [`Lock::acquire`] and [`Lock::try_acquire`] take a shared (read)
    /// lock.  The std-named methods say their mode themselves.
    pub fn shared(mut self, shared: bool) -> LockBuilder {
        self.shared = Some(shared);
        self
    }

    /// Keep the lock file on release (`true`) or remove it (`false`).
    pub fn keep_file(mut self, keep: bool) -> LockBuilder {
        self.remove_on_release = Some(!keep);
        self
    }

    /// Permission bits for a lock file this lock creates, applied after it
    /// is held (so the umask does not narrow them).
    pub fn mode(mut self, mode: u32) -> LockBuilder {
        self.mode = Some(ModeBits::Chmod(mode));
        self
    }

    /// Permission bits a lock file is created with (the umask applies; an
    /// existing file is never changed).  The later of `mode` and
    /// `create_mode` wins.
    pub fn create_mode(mut self, mode: u32) -> LockBuilder {
        self.mode = Some(ModeBits::Create(mode));
        self
    }

    /// A label written to the record as `tag=` (at most 256 bytes, no newline).
    pub fn tag(mut self, tag: impl Into<String>) -> LockBuilder {
        self.tag = Some(tag.into());
        self
    }

    /// Put lock files in `dir` instead of beside their targets (see the C
    /// header for the naming rule); does not apply to [`build_at`](Self::build_at).
    pub fn lock_dir(mut self, dir: impl AsRef<Path>) -> LockBuilder {
        self.lock_dir = Some(dir.as_ref().to_path_buf());
        self
    }

    /// Write a PID record into the lock file (`true`, the default) or
    /// leave it empty.  With no record and [`keep_file(true)`](Self::keep_file)
    /// no byte of the file is touched, so any existing regular file may be
    /// locked with [`build_at`](Self::build_at).
    pub fn record(mut self, write: bool) -> LockBuilder {
        self.record = Some(write);
        self
    }

    /// The same-thread deadlock check (default on): a blocking `lock*` on
    /// a lock file this thread already holds through another handle fails
    /// at once with [`Code::Deadlock`](crate::Code::Deadlock) instead of
    /// waiting for itself.  Turn it off where the thread is not the unit of
    /// ownership (a lock acquired on one thread and released on another
    /// while a second handle on the first thread waits for it).
    pub fn deadlock_check(mut self, on: bool) -> LockBuilder {
        self.deadlock_check = Some(on);
        self
    }

    /// Waits of this lock stop when `cancel` fires.
    pub fn cancel(mut self, cancel: &Canceller) -> LockBuilder {
        self.cancel = Some(cancel.clone());
        self
    }

    /// The lock backend: "file" (the default; lock files), or an etcd
    /// cluster, `"etcd://host:2379,host:2379/prefix"` (`etcds://` for TLS):
    /// the target is then the lock's name, the same string on every host
    /// (docs/etcd.md).  A backend this build lacks makes `build` fail with
    /// [`Code::Unsupported`](crate::Code::Unsupported), a bad URL with
    /// [`Code::InvalidInput`](crate::Code::InvalidInput).
    pub fn backend(mut self, backend: impl Into<String>) -> LockBuilder {
        self.backend = Some(backend.into());
        self
    }

    /// etcd: the lease's time to live, 1 s to 1 day in whole seconds
    /// (rounded up); default 10 s.  A holder that stops renewing loses the
    /// lock this long after its last renewal.  Lock files ignore it.
    pub fn lease_ttl(mut self, ttl: Duration) -> LockBuilder {
        self.lease_ttl = Some(ttl);
        self
    }

    /// A lock on `target` through the lock file `<target>.lock` beside it
    /// (or in the lock directory).  Nothing is touched on disk until it is
    /// locked.
    pub fn build(self, target: impl AsRef<Path>) -> Result<Lock> {
        let (opts, shared) = self.options()?;
        Lock::from_options(target.as_ref(), false, &opts, shared)
    }

    /// A lock on the file `lock_path` itself, as `flock(1)` and std's
    /// `File::lock` do.  Its directory must exist.
    pub fn build_at(self, lock_path: impl AsRef<Path>) -> Result<Lock> {
        let (opts, shared) = self.options()?;
        Lock::from_options(lock_path.as_ref(), true, &opts, shared)
    }

    /// The C options, and whether the default mode is shared.
    pub(crate) fn options(self) -> Result<(Options, bool)> {
        if let Some(e) = self.error {
            return Err(e);
        }
        let (opts, cfg_shared) = match self.config {
            Some((o, s)) => (o, s),
            None => (Options::new()?, false),
        };
        let p = opts.as_ptr();
        unsafe {
            if let Some(t) = self.timeout {
                check(sys::fl_options_set_timeout_ms(p, timeout_ms(t)))?;
            }
            if let Some(d) = self.poll_interval {
                check(sys::fl_options_set_poll_interval_ms(p, timeout_ms(Some(d))))?;
            }
            if let Some(r) = self.remove_on_release {
                check(sys::fl_options_set_remove_on_release(p, flag(r)))?;
            }
            match self.mode {
                Some(ModeBits::Chmod(m)) => check(sys::fl_options_set_file_mode(p, m))?,
                Some(ModeBits::Create(m)) => check(sys::fl_options_set_create_mode(p, m))?,
                None => 0,
            };
            if let Some(t) = &self.tag {
                check(sys::fl_options_set_tag(p, str_cstr(t)?.as_ptr()))?;
            }
            if let Some(d) = &self.lock_dir {
                check(sys::fl_options_set_lock_dir(p, path_cstr(d)?.as_ptr()))?;
            }
            if let Some(r) = self.record {
                check(sys::fl_options_set_write_record(p, flag(r)))?;
            }
            if let Some(on) = self.deadlock_check {
                check(sys::fl_options_set_deadlock_check(p, flag(on)))?;
            }
            if let Some(c) = &self.cancel {
                check(sys::fl_options_set_cancel(p, c.raw()))?;
            }
            if let Some(b) = &self.backend {
                check(sys::fl_options_set_backend(p, str_cstr(b)?.as_ptr()))?;
            }
            if let Some(t) = self.lease_ttl {
                check(sys::fl_options_set_lease_ttl_ms(p, timeout_ms(Some(t))))?;
            }
        }
        Ok((opts, self.shared.unwrap_or(cfg_shared)))
    }
}
