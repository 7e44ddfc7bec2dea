//! The library's log messages, routed to a closure.
use std::ffi::{c_char, c_int, c_void};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Mutex;

use filelock_sys as sys;

use crate::error::Result;
use crate::ffi::{borrowed, check};

/// A message's severity (and the minimum one delivered).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Every step.
    Trace,
    /// Decisions worth knowing when debugging.
    Debug,
    /// Waits, removals.
    Info,
    /// Something was left as it was, or skipped.
    Warn,
    /// A failure.
    Error,
    /// No messages (only as a minimum level).
    Off,
}

impl Level {
    fn raw(self) -> c_int {
        match self {
            Level::Trace => sys::FL_LOG_TRACE,
            Level::Debug => sys::FL_LOG_DEBUG,
            Level::Info => sys::FL_LOG_INFO,
            Level::Warn => sys::FL_LOG_WARN,
            Level::Error => sys::FL_LOG_ERROR,
            Level::Off => sys::FL_LOG_OFF,
        }
    }

    fn from_raw(v: c_int) -> Level {
        match v {
            sys::FL_LOG_TRACE => Level::Trace,
            sys::FL_LOG_DEBUG => Level::Debug,
            sys::FL_LOG_INFO => Level::Info,
            sys::FL_LOG_WARN => Level::Warn,
            sys::FL_LOG_ERROR => Level::Error,
            _ => Level::Off,
        }
    }
}

type Handler = Box<dyn Fn(Level, &str) + Send + Sync>;

/// The installed handler, as the address of a leaked `Box<Handler>` (0: none).
static CURRENT: Mutex<usize> = Mutex::new(0);

unsafe extern "C" fn deliver(level: c_int, message: *const c_char, ud: *mut c_void) {
    let h = &*(ud as *const Handler);
    let text = borrowed(message);
    let _ = catch_unwind(AssertUnwindSafe(|| h(Level::from_raw(level), &text)));
}

fn install(cb: sys::fl_log_cb, new: usize) -> Result<()> {
    let mut cur = CURRENT.lock().unwrap_or_else(|e| e.into_inner());
    check(unsafe { sys::fl_log_set_callback(cb, new as *mut c_void) })?;
    // The library guarantees no call of the old handler is still running.
    let old = std::mem::replace(&mut *cur, new);
    if old != 0 {
        drop(unsafe { Box::from_raw(old as *mut Handler) });
    }
    Ok(())
}

/// Send every library message at or above the [`level`](set_level) to `f`
/// (from any thread, possibly several at once; a panic in it is
/// swallowed).  `f` must not call `set_handler` or [`reset_handler`].
///
/// ```
/// use std::sync::{Arc, Mutex};
/// let seen = Arc::new(Mutex::new(Vec::new()));
/// let sink = Arc::clone(&seen);
/// filelock::logging::set_handler(move |level, msg| sink.lock().unwrap().push((level, msg.to_string())));
/// filelock::logging::set_level(filelock::logging::Level::Debug).unwrap();
/// // ... library calls log here ...
/// filelock::logging::reset_handler();
/// ```
pub fn set_handler(f: impl Fn(Level, &str) + Send + Sync + 'static) {
    let boxed: Box<Handler> = Box::new(Box::new(f));
    let ptr = Box::into_raw(boxed) as usize;
    if install(Some(deliver), ptr).is_err() {
        drop(unsafe { Box::from_raw(ptr as *mut Handler) });
    }
}

/// Back to the library's default (messages on stderr).
pub fn reset_handler() {
    let _ = install(None, 0);
}

/// The minimum level delivered (default [`Level::Warn`]).
pub fn set_level(level: Level) -> Result<()> {
    check(unsafe { sys::fl_log_set_level(level.raw()) }).map(drop)
}

/// The current minimum level.
pub fn level() -> Level {
    Level::from_raw(unsafe { sys::fl_log_get_level() })
}
