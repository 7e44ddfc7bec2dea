//! Cross-process file locks with stale-holder detection, over libfilelock.
//!
//! A [`Lock`] protects a target file through a lock file beside it
//! (`<target>.lock`, holding a PID record), or locks a named file itself
//! ([`Lock::at`]).  The locking methods have std's `File::lock` names and
//! types; guards release on drop; a crashed holder's lock ends with it, and
//! its stale lock file can be found and removed safely.
//!
//! ```
//! let target = std::env::temp_dir().join(format!("filelock-doc-top-{}", std::process::id()));
//! let mut lock = filelock::Lock::new(&target)?;
//! let _guard = lock.acquire()?;             // waits up to 30 s by default
//! // ... work on the target; other processes using the same lock wait ...
//! # Ok::<(), filelock::Error>(())
//! ```
//!
//! Errors are one [`Error`] type (code, the library's message, the OS
//! error) that converts into `std::io::Error` with a fitting kind, so `?`
//! works in `io::Result` code.  [`Canceller`] stops waits from another
//! thread.  [`is_locked`], [`LockInfo`], [`scan`] and [`cleanup_stale`]
//! look at locks without taking them; [`Batch`] runs a closure per file
//! under its lock on the library's worker threads; [`Config`] loads the
//! YAML configuration; [`logging`] routes the library's messages.
//!
//! The library is found at build time through `pkg-config` (or
//! `FILELOCK_LIB_DIR`; see the `filelock-sys` crate).

#![warn(missing_docs)]

mod batch;
mod builder;
mod cancel;
mod config;
mod error;
mod ffi;
mod lock;
pub mod logging;
mod query;
mod scan;

pub use batch::{Batch, BatchResults, BatchStopper, FileResult, FileStatus, CLOSURE_FAILED, CLOSURE_PANICKED};
pub use builder::LockBuilder;
pub use cancel::Canceller;
pub use config::{parse_seconds, Config};
pub use error::{Code, Error, Result};
pub use lock::{Guard, Lock};
pub use query::{
    holder_pid, is_locked, is_stale, library_version, lock_age, lock_path_for, process_is_running, wait_released,
    Holder, LockInfo,
};
pub use scan::{cleanup_stale, remove_if_stale, scan, CleanReport, ScanError, ScanOptions, ScanReport};
/// std's error for `try_lock*`, used as is.
pub use std::fs::TryLockError;
