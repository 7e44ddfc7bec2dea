//! Questions about locks that change nothing on disk.
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use filelock_sys as sys;

use crate::error::Result;
use crate::ffi::{borrowed, borrowed_path, check, path_cstr, timeout_ms};

/// What the record says about its holder's process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Holder {
    /// Another host, another PID namespace, or no readable record.
    Unknown,
    /// The recorded process is running.
    Alive,
    /// It exited, or its PID was reused, or the host rebooted.
    Dead,
}

/// Everything known about one lock file, owned.
#[derive(Debug, Clone)]
pub struct LockInfo {
    /// The lock file.
    pub lock_path: PathBuf,
    /// What it protects, when known.
    pub target_path: Option<PathBuf>,
    /// The recorded PID.
    pub pid: Option<i64>,
    /// The recorded host ("" when absent).
    pub host: String,
    /// The recorded boot id ("" when absent).
    pub boot_id: String,
    /// The recorded process start token.
    pub start_token: Option<i64>,
    /// When it was acquired (`acquired=`, else the file's mtime).
    pub acquired: SystemTime,
    /// How long ago that was.
    pub age: Duration,
    /// Whether its OS lock is held now (`None`: cannot be told, e.g. not a
    /// regular file).
    pub held: Option<bool>,
    /// The verdict on the recorded holder.
    pub holder: Holder,
    /// Stale under the threshold used.
    pub stale: bool,
    /// The record parsed.
    pub record_valid: bool,
    /// The recorded tag ("" when absent).
    pub tag: String,
    /// One sentence: why it is stale or not.
    pub reason: String,
    /// Its size in bytes.
    pub size_bytes: u64,
    /// A regular file whose content is not a lock record: never taken over
    /// or removed.
    pub foreign: bool,
    /// What is at the path: "regular file", "directory", "symlink", ...
    pub kind: String,
    /// The record names another host, so liveness cannot be known here.
    pub other_host: bool,
}

impl LockInfo {
    /// Read one lock file and judge it (stale if at least `threshold` old,
    /// not held, and its holder dead).  A garbage record is not an error:
    /// it reads as `record_valid == false`, holder unknown.
    ///
    /// ```
    /// let dir = std::env::temp_dir().join(format!("filelock-doc-info-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir).unwrap();
    /// let lock = filelock::Lock::new(dir.join("data.csv")).unwrap();
    /// lock.lock().unwrap();
    /// let info = filelock::LockInfo::read(lock.lock_path(), std::time::Duration::from_secs(3600)).unwrap();
    /// assert_eq!(info.pid, Some(std::process::id() as i64));
    /// assert_eq!(info.holder, filelock::Holder::Alive);
    /// assert_eq!(info.held, Some(true));
    /// # drop(lock);
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// ```
    pub fn read(lock_path: impl AsRef<Path>, threshold: Duration) -> Result<LockInfo> {
        let c = path_cstr(lock_path.as_ref())?;
        let mut p = std::ptr::null_mut();
        check(unsafe { sys::fl_lock_info_read(c.as_ptr(), timeout_ms(Some(threshold)), &mut p) })?;
        let info = unsafe { LockInfo::from_raw(p) };
        unsafe { sys::fl_lock_info_free(p) };
        Ok(info)
    }

    /// # Safety
    /// `p` points at a `fl_lock_info` the library filled.
    pub(crate) unsafe fn from_raw(p: *const sys::fl_lock_info) -> LockInfo {
        let i = &*p;
        let has = |end: usize| i.struct_size >= end;
        let v11 = has(std::mem::offset_of!(sys::fl_lock_info, other_host) + 4);
        let target = borrowed_path(i.target_path);
        LockInfo {
            lock_path: borrowed_path(i.lock_path),
            target_path: if target.as_os_str().is_empty() { None } else { Some(target) },
            pid: if i.pid > 0 { Some(i.pid) } else { None },
            host: borrowed(i.host),
            boot_id: borrowed(i.boot_id),
            start_token: if i.start_token >= 0 { Some(i.start_token) } else { None },
            acquired: UNIX_EPOCH + Duration::from_millis(i.acquired_ms.max(0) as u64),
            age: Duration::from_millis(i.age_ms.max(0) as u64),
            held: match i.held {
                1 => Some(true),
                0 => Some(false),
                _ => None,
            },
            holder: match i.holder {
                sys::FL_HOLDER_ALIVE => Holder::Alive,
                sys::FL_HOLDER_DEAD => Holder::Dead,
                _ => Holder::Unknown,
            },
            stale: i.stale == 1,
            record_valid: i.record_valid == 1,
            tag: borrowed(i.tag),
            reason: borrowed(i.reason),
            size_bytes: i.size_bytes.max(0) as u64,
            foreign: v11 && i.foreign == 1,
            kind: if v11 { borrowed(i.kind) } else { String::new() },
            other_host: v11 && i.other_host == 1,
        }
    }
}

/// Whether `target` is locked right now by anyone, this process included
/// (no lock file: `false`).  A target that is itself a lock file is
/// refused with [`Code::InvalidInput`](crate::Code::InvalidInput): pass what it protects.
///
/// ```
/// let t = std::env::temp_dir().join(format!("filelock-doc-islocked-{}", std::process::id()));
/// assert!(!filelock::is_locked(&t).unwrap());
/// let lock = filelock::Lock::new(&t).unwrap();
/// lock.lock().unwrap();
/// assert!(filelock::is_locked(&t).unwrap());
/// ```
pub fn is_locked(target: impl AsRef<Path>) -> Result<bool> {
    let c = path_cstr(target.as_ref())?;
    check(unsafe { sys::fl_is_locked(c.as_ptr(), std::ptr::null()) }).map(|v| v == 1)
}

/// Wait until `target` is not locked, without taking the lock; `None`
/// waits with no limit.  [`Code::TimedOut`](crate::Code::TimedOut) when the time runs out.
///
/// ```
/// let t = std::env::temp_dir().join(format!("filelock-doc-wait-{}", std::process::id()));
/// filelock::wait_released(&t, Some(std::time::Duration::from_secs(1))).unwrap();   // not locked
/// ```
pub fn wait_released(target: impl AsRef<Path>, timeout: Option<Duration>) -> Result<()> {
    let c = path_cstr(target.as_ref())?;
    check(unsafe { sys::fl_wait_released(c.as_ptr(), std::ptr::null(), timeout_ms(timeout)) }).map(drop)
}

/// The PID recorded in a lock file (`None` when it holds no valid PID).
///
/// ```
/// let t = std::env::temp_dir().join(format!("filelock-doc-pid-{}", std::process::id()));
/// let lock = filelock::Lock::new(&t).unwrap();
/// lock.lock().unwrap();
/// assert_eq!(filelock::holder_pid(lock.lock_path()).unwrap(), Some(std::process::id() as i64));
/// ```
pub fn holder_pid(lock_path: impl AsRef<Path>) -> Result<Option<i64>> {
    let c = path_cstr(lock_path.as_ref())?;
    let mut pid = 0i64;
    check(unsafe { sys::fl_holder_pid(c.as_ptr(), &mut pid) })?;
    Ok(if pid > 0 { Some(pid) } else { None })
}

/// Whether a lock file is stale: at least `threshold` old, nobody holds its
/// OS lock, and its recorded holder is dead on this host.  Unknown holders
/// are never stale.
///
/// ```
/// let t = std::env::temp_dir().join(format!("filelock-doc-stale-{}", std::process::id()));
/// let lock = filelock::Lock::new(&t).unwrap();
/// lock.lock().unwrap();
/// assert!(!filelock::is_stale(lock.lock_path(), std::time::Duration::ZERO).unwrap());  // held, alive
/// ```
pub fn is_stale(lock_path: impl AsRef<Path>, threshold: Duration) -> Result<bool> {
    let c = path_cstr(lock_path.as_ref())?;
    check(unsafe { sys::fl_is_stale(c.as_ptr(), timeout_ms(Some(threshold))) }).map(|v| v == 1)
}

/// How old a lock file is (since `acquired=`, else its mtime).
///
/// ```
/// let t = std::env::temp_dir().join(format!("filelock-doc-age-{}", std::process::id()));
/// let lock = filelock::Lock::new(&t).unwrap();
/// lock.lock().unwrap();
/// assert!(filelock::lock_age(lock.lock_path()).unwrap() < std::time::Duration::from_secs(60));
/// ```
pub fn lock_age(lock_path: impl AsRef<Path>) -> Result<Duration> {
    let c = path_cstr(lock_path.as_ref())?;
    let mut ms = 0i64;
    check(unsafe { sys::fl_lock_age_ms(c.as_ptr(), &mut ms) })?;
    Ok(Duration::from_millis(ms.max(0) as u64))
}

/// Whether process `pid` is running on this host.  No signal is sent; a
/// process of another user counts as running, a zombie does not.  PIDs
/// outside 1 ..= 2^31-1 are `false`.
///
/// ```
/// assert!(filelock::process_is_running(std::process::id() as i64));
/// assert!(!filelock::process_is_running(-1));
/// ```
pub fn process_is_running(pid: i64) -> bool {
    unsafe { sys::fl_process_is_running(pid) == 1 }
}

/// The lock file a default [`Lock::new`](crate::Lock::new) on `target` uses.
///
/// ```
/// let t = std::env::temp_dir().join("data.csv");
/// assert_eq!(filelock::lock_path_for(&t).unwrap(), std::env::temp_dir().join("data.csv.lock"));
/// ```
pub fn lock_path_for(target: impl AsRef<Path>) -> Result<PathBuf> {
    let c = path_cstr(target.as_ref())?;
    let mut out = std::ptr::null_mut();
    check(unsafe { sys::fl_lock_path_for(c.as_ptr(), std::ptr::null(), &mut out) })?;
    let p = unsafe { borrowed_path(out) };
    unsafe { sys::fl_free(out.cast()) };
    Ok(p)
}

/// The loaded library's version string, e.g. "1.2.0".
///
/// ```
/// assert!(filelock::library_version().starts_with("1."));
/// ```
pub fn library_version() -> String {
    unsafe { borrowed(sys::fl_version_string()) }
}
