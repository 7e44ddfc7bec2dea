//! Cancellation of waits from another thread.
use std::ptr::NonNull;
use std::sync::Arc;

use filelock_sys as sys;

use crate::error::Result;
use crate::ffi::check;

struct Source(NonNull<sys::fl_cancel>);

// The C functions on a cancellation source are safe from any thread.
unsafe impl Send for Source {}
unsafe impl Sync for Source {}

impl Drop for Source {
    fn drop(&mut self) {
        unsafe { sys::fl_cancel_free(self.0.as_ptr()) }
    }
}

/// Stops waits from another thread.  Locks built with
/// [`LockBuilder::cancel`](crate::LockBuilder::cancel) watch it: once
/// [`fire`](Canceller::fire)d, a waiting `lock*` call returns promptly with
/// [`Code::Cancelled`](crate::Code::Cancelled), whose `io::ErrorKind` is
/// `Interrupted` (the sleeping wait is woken, not left to its next poll);
/// a wait that starts while it is fired returns at once.  It stays fired
/// until [`reset`](Canceller::reset).  Clones share one source; it is
/// `Send + Sync`, and no signal is involved.
///
/// ```
/// use std::time::Duration;
/// let dir = std::env::temp_dir();
/// let target = dir.join(format!("filelock-doc-cancel-{}", std::process::id()));
/// let holder = filelock::Lock::new(&target).unwrap();
/// holder.lock().unwrap();
///
/// let cancel = filelock::Canceller::new().unwrap();
/// let waiter = filelock::Lock::builder().cancel(&cancel).deadlock_check(false)
///     .build(&target).unwrap();
/// let firer = cancel.clone();
/// let t = std::thread::spawn(move || {
///     std::thread::sleep(Duration::from_millis(50));
///     firer.fire().unwrap();
/// });
/// let err = waiter.lock().unwrap_err();
/// assert_eq!(err.kind(), std::io::ErrorKind::Interrupted);
/// t.join().unwrap();
/// ```
#[derive(Clone)]
pub struct Canceller(Arc<Source>);

impl Canceller {
    /// A new source, not fired.
    pub fn new() -> Result<Canceller> {
        let mut p = std::ptr::null_mut();
        check(unsafe { sys::fl_cancel_new(&mut p) })?;
        Ok(Canceller(Arc::new(Source(NonNull::new(p).expect("fl_cancel_new gave NULL")))))
    }

    /// Fire: every wait that watches this source stops.
    pub fn fire(&self) -> Result<()> {
        check(unsafe { sys::fl_cancel_fire(self.raw()) }).map(drop)
    }

    /// Un-fire, so that new waits wait again.
    pub fn reset(&self) -> Result<()> {
        check(unsafe { sys::fl_cancel_reset(self.raw()) }).map(drop)
    }

    /// Whether it is fired.
    pub fn is_fired(&self) -> bool {
        unsafe { sys::fl_cancel_is_fired(self.raw()) == 1 }
    }

    pub(crate) fn raw(&self) -> *mut sys::fl_cancel {
        (self.0).0.as_ptr()
    }
}

impl std::fmt::Debug for Canceller {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Canceller").field("fired", &self.is_fired()).finish()
    }
}
