//! One error type for the whole crate: the library's code, its message and
//! the OS error behind it, convertible to `std::io::Error`.
use std::fmt;
use std::io;

use filelock_sys as sys;

/// What went wrong, one variant per library return code.
///
/// ```
/// assert_eq!(filelock::Code::from_raw(-1), filelock::Code::Busy);
/// assert_eq!(filelock::Code::TimedOut.raw(), -2);
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Code {
    /// Held by another holder, and this was a single attempt.
    Busy,
    /// The wait ran out.
    TimedOut,
    /// This thread already holds the same lock file through another handle.
    Deadlock,
    /// The handle belongs to the parent process (used after `fork`).
    Forked,
    /// An argument the library refused (also a path holding a NUL byte).
    InvalidInput,
    /// A file or directory does not exist.
    NotFound,
    /// Permission denied, or a read-only file system.
    PermissionDenied,
    /// Something that is not a lock file is at the lock path (a symlink, a
    /// FIFO, a file with foreign content, a file with several hard links):
    /// it was left untouched.
    Unsafe,
    /// An input/output error.
    Io,
    /// Locking is not supported here (file system, or backend not built).
    Unsupported,
    /// Out of memory.
    OutOfMemory,
    /// A bug in the library.
    Internal,
    /// Invalid configuration.
    Config,
    /// A [`Canceller`](crate::Canceller) fired, or a batch was stopped.
    Cancelled,
    /// A held lock was lost: its lease expired (etcd), or its lock file was
    /// removed or replaced.
    Lost,
    /// The lock service (etcd) could not be reached.
    Unavailable,
    /// A code this crate does not know (from a newer library).
    Other(i32),
}

impl Code {
    /// The code for a library return value (negative `FL_E*`).
    pub fn from_raw(rc: i32) -> Code {
        match rc {
            sys::FL_EBUSY => Code::Busy,
            sys::FL_ETIMEDOUT => Code::TimedOut,
            sys::FL_EDEADLK => Code::Deadlock,
            sys::FL_EFORKED => Code::Forked,
            sys::FL_EINVAL => Code::InvalidInput,
            sys::FL_ENOENT => Code::NotFound,
            sys::FL_EPERM => Code::PermissionDenied,
            sys::FL_EUNSAFE => Code::Unsafe,
            sys::FL_EIO => Code::Io,
            sys::FL_ENOTSUP => Code::Unsupported,
            sys::FL_ENOMEM => Code::OutOfMemory,
            sys::FL_EINTERNAL => Code::Internal,
            sys::FL_ECONFIG => Code::Config,
            sys::FL_ECANCELED => Code::Cancelled,
            sys::FL_ELOST => Code::Lost,
            sys::FL_EUNAVAIL => Code::Unavailable,
            other => Code::Other(other),
        }
    }

    /// The library's value for this code.
    pub fn raw(self) -> i32 {
        match self {
            Code::Busy => sys::FL_EBUSY,
            Code::TimedOut => sys::FL_ETIMEDOUT,
            Code::Deadlock => sys::FL_EDEADLK,
            Code::Forked => sys::FL_EFORKED,
            Code::InvalidInput => sys::FL_EINVAL,
            Code::NotFound => sys::FL_ENOENT,
            Code::PermissionDenied => sys::FL_EPERM,
            Code::Unsafe => sys::FL_EUNSAFE,
            Code::Io => sys::FL_EIO,
            Code::Unsupported => sys::FL_ENOTSUP,
            Code::OutOfMemory => sys::FL_ENOMEM,
            Code::Internal => sys::FL_EINTERNAL,
            Code::Config => sys::FL_ECONFIG,
            Code::Cancelled => sys::FL_ECANCELED,
            Code::Lost => sys::FL_ELOST,
            Code::Unavailable => sys::FL_EUNAVAIL,
            Code::Other(v) => v,
        }
    }
}

/// A failed library call: its [`Code`], the library's message (which names
/// the path, the holder where known, and the OS error text) and the OS
/// error number behind it, if any.
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// let dir = std::env::temp_dir().join("filelock-doc-error");
/// let err = filelock::Lock::new(dir.join("no/such/dir/file")).unwrap()
///     .lock().unwrap_err();
/// assert_eq!(err.code(), filelock::Code::NotFound);
/// assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
/// let as_io: std::io::Error = err.into();          // `?` does this in io::Result code
/// assert_eq!(as_io.kind(), std::io::ErrorKind::NotFound);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Error {
    code: Code,
    message: String,
    os_error: Option<i32>,
}

/// `Result<T, filelock::Error>`.
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub(crate) fn new(code: Code, message: impl Into<String>, os_error: Option<i32>) -> Error {
        Error { code, message: message.into(), os_error }
    }

    /// The library's code.
    pub fn code(&self) -> Code {
        self.code
    }

    /// The library's message for this failure.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The OS error number (errno) behind it: `None` for contention,
    /// timeouts, cancellation, foreign files and refused arguments.
    pub fn raw_os_error(&self) -> Option<i32> {
        self.os_error
    }

    /// The matching `std::io::ErrorKind`: `WouldBlock` for [`Code::Busy`],
    /// `TimedOut`, `Interrupted` for [`Code::Cancelled`], `NotConnected` for
    /// [`Code::Unavailable`], `AlreadyExists`
    /// for [`Code::Unsafe`] (the path is taken by something that is not a
    /// lock file), `InvalidData` for [`Code::Config`], and otherwise the
    /// kind of the OS error when there is one (`PermissionDenied`,
    /// `NotFound`, `ReadOnlyFilesystem`, ...).
    pub fn kind(&self) -> io::ErrorKind {
        use io::ErrorKind as K;
        match self.code {
            Code::Busy => return K::WouldBlock,
            Code::TimedOut => return K::TimedOut,
            Code::Cancelled => return K::Interrupted,
            Code::Unsafe => return K::AlreadyExists,
            Code::Config => return K::InvalidData,
            Code::Unavailable => return K::NotConnected,
            Code::Deadlock => return io::Error::from_raw_os_error(EDEADLK).kind(),
            _ => {}
        }
        if let Some(errno) = self.os_error {
            return io::Error::from_raw_os_error(errno).kind();
        }
        match self.code {
            Code::InvalidInput => K::InvalidInput,
            Code::NotFound => K::NotFound,
            Code::PermissionDenied => K::PermissionDenied,
            Code::Unsupported => K::Unsupported,
            Code::OutOfMemory => K::OutOfMemory,
            _ => K::Other,
        }
    }
}

#[cfg(any(target_os = "linux", target_os = "android"))]
const EDEADLK: i32 = 35;
#[cfg(not(any(target_os = "linux", target_os = "android")))]
const EDEADLK: i32 = 11;

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.message.is_empty() {
            f.write_str(&crate::ffi::strerror(self.code.raw()))
        } else {
            f.write_str(&self.message)
        }
    }
}

impl std::error::Error for Error {}

impl From<Error> for io::Error {
    fn from(e: Error) -> io::Error {
        io::Error::new(e.kind(), e)
    }
}
