//! The lock handle: std's `File::lock` names over one C handle per mode.
use std::cell::Cell;
use std::fs::TryLockError;
use std::io;
use std::path::{Path, PathBuf};
use std::ptr::NonNull;
use std::time::Duration;

use filelock_sys as sys;

use crate::builder::{LockBuilder, Options};
use crate::error::{Code, Result};
use crate::ffi::{borrowed_path, check, path_cstr, timeout_ms};

struct Handle(NonNull<sys::fl_lock>);

impl Handle {
    fn new(path: &Path, explicit: bool, opts: &Options) -> Result<Handle> {
        let c = path_cstr(path)?;
        let mut p = std::ptr::null_mut();
        let rc = unsafe {
            if explicit {
                sys::fl_lock_new_file(&mut p, c.as_ptr(), opts.as_ptr())
            } else {
                sys::fl_lock_new(&mut p, c.as_ptr(), opts.as_ptr())
            }
        };
        check(rc)?;
        Ok(Handle(NonNull::new(p).expect("fl_lock_new gave NULL")))
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        // Releases if held; in a forked child it only closes the descriptor.
        unsafe { sys::fl_lock_free(self.0.as_ptr()) }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Held {
    No,
    Exclusive,
    Shared,
}

/// A cross-process lock on a target file (through `<target>.lock`) or on a
/// lock file named directly.
///
/// The locking methods carry std's `File::lock` names and meanings:
/// [`lock`](Lock::lock) and [`lock_shared`](Lock::lock_shared) wait with no
/// time limit, [`try_lock`](Lock::try_lock) and
/// [`try_lock_shared`](Lock::try_lock_shared) make one attempt and give
/// `TryLockError::WouldBlock` when it is held elsewhere, and
/// [`unlock`](Lock::unlock) releases.  Locking again in the mode already
/// held does nothing; locking in the other mode releases first and then
/// waits (not atomic, as with `flock(2)`).  Two `Lock`s on one file exclude
/// each other, in one process as between processes.
///
/// The guard methods ([`acquire`](Lock::acquire),
/// [`acquire_timeout`](Lock::acquire_timeout),
/// [`try_acquire`](Lock::try_acquire)) use the mode and timeout the
/// [`LockBuilder`] chose and release when the [`Guard`] drops.
///
/// `Lock` is `Send` but not `Sync`: the library allows one thread at a time
/// per handle, and the `&self` methods change the handle's state.  Move it
/// to another thread, or give each thread its own `Lock`.  A `Lock` used in
/// a forked child fails with [`Code::Forked`] (the parent's lock is never
/// touched); dropping it there only closes the inherited descriptor.
///
/// ```
/// let target = std::env::temp_dir().join(format!("filelock-doc-lock-{}", std::process::id()));
/// let lock = filelock::Lock::new(&target).unwrap();
/// lock.lock().unwrap();
/// let other = filelock::Lock::new(&target).unwrap();
/// assert!(matches!(other.try_lock(), Err(std::fs::TryLockError::WouldBlock)));
/// lock.unlock().unwrap();
/// other.try_lock().unwrap();
/// ```
pub struct Lock {
    exclusive: Handle,
    shared: Handle,
    default_shared: bool,
    held: Cell<Held>,
}

// The C handle may move between threads between calls (filelock.h); the
// Cell makes `Lock` !Sync, which is the one-thread-at-a-time rule.
unsafe impl Send for Lock {}

impl Lock {
    /// A lock on `target` with the library's defaults (exclusive, a PID
    /// record in `<target>.lock`, removed on release).  Nothing is touched
    /// on disk until it is locked; the target need not exist.
    pub fn new(target: impl AsRef<Path>) -> Result<Lock> {
        LockBuilder::new().build(target)
    }

    /// A lock on the file `lock_path` itself (kept on release), as
    /// `flock(1)` and `File::lock` do.  The safety rules still hold: a
    /// symlink, a FIFO or a file holding something other than a lock
    /// record is refused and left untouched (see
    /// [`LockBuilder::record`] to lock an arbitrary file).
    pub fn at(lock_path: impl AsRef<Path>) -> Result<Lock> {
        LockBuilder::new().build_at(lock_path)
    }

    /// Options for a lock: see [`LockBuilder`].
    pub fn builder() -> LockBuilder {
        LockBuilder::new()
    }

    pub(crate) fn from_options(path: &Path, explicit: bool, opts: &Options, default_shared: bool) -> Result<Lock> {
        let ex = opts.try_clone()?;
        let sh = opts.try_clone()?;
        unsafe {
            check(sys::fl_options_set_shared(ex.as_ptr(), 0))?;
            check(sys::fl_options_set_shared(sh.as_ptr(), 1))?;
        }
        Ok(Lock {
            exclusive: Handle::new(path, explicit, &ex)?,
            shared: Handle::new(path, explicit, &sh)?,
            default_shared,
            held: Cell::new(Held::No),
        })
    }

    fn handle(&self, mode: Held) -> *mut sys::fl_lock {
        match mode {
            Held::Shared => self.shared.0.as_ptr(),
            _ => self.exclusive.0.as_ptr(),
        }
    }

    fn take(&self, mode: Held, timeout: i64) -> Result<()> {
        let now = self.held.get();
        if now == mode {
            // Held already: nothing to do, unless this is a forked child.
            return check(unsafe { sys::fl_lock_is_held(self.handle(mode)) }).map(drop);
        }
        if now != Held::No {
            self.unlock()?;
        }
        check(unsafe { sys::fl_acquire(self.handle(mode), timeout) })?;
        self.held.set(mode);
        Ok(())
    }

    fn try_take(&self, mode: Held) -> std::result::Result<(), TryLockError> {
        self.take(mode, 0).map_err(|e| match e.code() {
            Code::Busy | Code::Deadlock => TryLockError::WouldBlock,
            _ => TryLockError::Error(io::Error::from(e)),
        })
    }

    fn mode(shared: bool) -> Held {
        if shared {
            Held::Shared
        } else {
            Held::Exclusive
        }
    }

    /// Take the exclusive lock, waiting as long as it takes (see
    /// [`Canceller`](crate::Canceller) to stop the wait).  A blocking call
    /// on a file this thread holds through another `Lock` fails with
    /// [`Code::Deadlock`] instead of waiting forever.
    pub fn lock(&self) -> Result<()> {
        self.take(Held::Exclusive, sys::FL_WAIT_FOREVER)
    }

    /// Take a shared lock, waiting as long as it takes.
    pub fn lock_shared(&self) -> Result<()> {
        self.take(Held::Shared, sys::FL_WAIT_FOREVER)
    }

    /// One attempt at the exclusive lock: `Err(TryLockError::WouldBlock)`
    /// when another holder (another process, or another `Lock` in this
    /// process) has it.
    pub fn try_lock(&self) -> std::result::Result<(), TryLockError> {
        self.try_take(Held::Exclusive)
    }

    /// One attempt at a shared lock.
    pub fn try_lock_shared(&self) -> std::result::Result<(), TryLockError> {
        self.try_take(Held::Shared)
    }

    /// The exclusive lock, waiting at most `timeout` (rounded up to whole
    /// milliseconds, so a short wait is never cut to a single attempt);
    /// [`Code::TimedOut`] (`io::ErrorKind::TimedOut`) when it runs out.
    pub fn lock_timeout(&self, timeout: Duration) -> Result<()> {
        self.take(Held::Exclusive, timeout_ms(Some(timeout)))
    }

    /// A shared lock, waiting at most `timeout`.
    pub fn lock_shared_timeout(&self, timeout: Duration) -> Result<()> {
        self.take(Held::Shared, timeout_ms(Some(timeout)))
    }

    /// Release the lock (removing the lock file if so configured and still
    /// ours).  Releasing a lock that is not held is not an error.
    pub fn unlock(&self) -> Result<()> {
        let now = self.held.get();
        if now == Held::No {
            // Not held: nothing to do, unless this is a forked child.
            return check(unsafe { sys::fl_lock_is_held(self.handle(Held::Exclusive)) }).map(drop);
        }
        self.held.set(Held::No);
        check(unsafe { sys::fl_release(self.handle(now)) }).map(drop)
    }

    /// The held lock's fencing token: a number that is larger for every
    /// later holder of the same lock (etcd: the holder key's create
    /// revision).  Send it with every write to what the lock protects, and
    /// have that refuse tokens below the highest it has seen: a holder that
    /// was paused past its lease then cannot write (docs/etcd.md).
    /// [`Code::Unsupported`](crate::Code::Unsupported) for lock files,
    /// [`Code::InvalidInput`](crate::Code::InvalidInput) when not held.
    pub fn fencing_token(&self) -> Result<i64> {
        let mut token = 0i64;
        check(unsafe { sys::fl_lock_fencing_token(self.handle(self.held.get()), &mut token) })?;
        Ok(token)
    }

    /// Ask the backend, in one round trip, whether the lock is still held:
    /// [`Code::Lost`](crate::Code::Lost) when its lease expired (etcd) or
    /// its lock file was removed or replaced;
    /// [`Code::Unavailable`](crate::Code::Unavailable) when etcd could not
    /// answer.
    pub fn check(&self) -> Result<()> {
        check(unsafe { sys::fl_lock_check(self.handle(self.held.get())) }).map(drop)
    }

    /// Whether this `Lock` holds its lock (false in a forked child, and
    /// false once a leased lock's local deadline has passed).
    pub fn is_held(&self) -> bool {
        let now = self.held.get();
        now != Held::No && unsafe { sys::fl_lock_is_held(self.handle(now)) } == 1
    }

    /// The lock file.
    pub fn lock_path(&self) -> PathBuf {
        unsafe { borrowed_path(sys::fl_lock_path(self.exclusive.0.as_ptr())) }
    }

    /// The target, for a lock made with [`Lock::new`] or
    /// [`LockBuilder::build`]; `None` for one on a named lock file.
    pub fn target_path(&self) -> Option<PathBuf> {
        let p = unsafe { borrowed_path(sys::fl_lock_target_path(self.exclusive.0.as_ptr())) };
        if p.as_os_str().is_empty() {
            None
        } else {
            Some(p)
        }
    }

    /// Lock in the builder's mode, waiting the builder's timeout (30 s by
    /// default); the guard releases on drop.
    ///
    /// ```
    /// let target = std::env::temp_dir().join(format!("filelock-doc-acquire-{}", std::process::id()));
    /// let mut lock = filelock::Lock::new(&target).unwrap();
    /// {
    ///     let _guard = lock.acquire().unwrap();
    ///     // ... work on the target ...
    /// }
    /// assert!(!filelock::is_locked(&target).unwrap());
    /// ```
    pub fn acquire(&mut self) -> Result<Guard<'_>> {
        let mode = Lock::mode(self.default_shared);
        self.take(mode, sys::FL_WAIT_DEFAULT)?;
        Ok(Guard { lock: self })
    }

    /// Lock in the builder's mode, waiting at most `timeout`.
    pub fn acquire_timeout(&mut self, timeout: Duration) -> Result<Guard<'_>> {
        let mode = Lock::mode(self.default_shared);
        self.take(mode, timeout_ms(Some(timeout)))?;
        Ok(Guard { lock: self })
    }

    /// One attempt in the builder's mode.
    pub fn try_acquire(&mut self) -> std::result::Result<Guard<'_>, TryLockError> {
        let mode = Lock::mode(self.default_shared);
        self.try_take(mode)?;
        Ok(Guard { lock: self })
    }
}

impl std::fmt::Debug for Lock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lock").field("lock_path", &self.lock_path()).field("held", &self.held.get()).finish()
    }
}

/// A held lock, released when dropped (errors on that release are
/// dropped too: use [`Guard::release`] to see them).
#[must_use = "the lock is released when the guard is dropped"]
pub struct Guard<'a> {
    lock: &'a Lock,
}

impl Guard<'_> {
    /// Release now and report how it went.
    pub fn release(self) -> Result<()> {
        let r = self.lock.unlock();
        std::mem::forget(self);
        r
    }

    /// The lock file.
    pub fn lock_path(&self) -> PathBuf {
        self.lock.lock_path()
    }
}

impl Drop for Guard<'_> {
    fn drop(&mut self) {
        let _ = self.lock.unlock();
    }
}

impl std::fmt::Debug for Guard<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Guard").field("lock", self.lock).finish()
    }
}
