//! Conversions at the C boundary: paths to C strings, return codes to
//! errors, borrowed C strings to owned ones.
use std::ffi::{c_char, c_int, CStr, CString, OsStr};
use std::path::{Path, PathBuf};

use filelock_sys as sys;

use crate::error::{Code, Error, Result};

/// The error for a failed call, read from the calling thread right after it.
pub(crate) fn error_from(rc: c_int) -> Error {
    let message = unsafe { borrowed(sys::fl_last_error_message()) };
    let os = unsafe { sys::fl_last_os_error() };
    Error::new(Code::from_raw(rc), message, if os == 0 { None } else { Some(os) })
}

/// `Ok(rc)` for a non-negative return, the error otherwise.
pub(crate) fn check(rc: c_int) -> Result<c_int> {
    if rc < 0 {
        Err(error_from(rc))
    } else {
        Ok(rc)
    }
}

pub(crate) fn strerror(code: c_int) -> String {
    unsafe { borrowed(sys::fl_strerror(code)) }
}

/// A path as the C API takes it (its bytes; no NUL inside).
pub(crate) fn path_cstr(p: &Path) -> Result<CString> {
    os_cstr(p.as_os_str())
}

#[cfg(unix)]
pub(crate) fn os_cstr(s: &OsStr) -> Result<CString> {
    use std::os::unix::ffi::OsStrExt;
    CString::new(s.as_bytes()).map_err(|_| nul_error(&s.to_string_lossy()))
}

#[cfg(not(unix))]
pub(crate) fn os_cstr(s: &OsStr) -> Result<CString> {
    let text = s.to_str().ok_or_else(|| Error::new(Code::InvalidInput, "path is not valid Unicode", None))?;
    CString::new(text).map_err(|_| nul_error(text))
}

pub(crate) fn str_cstr(s: &str) -> Result<CString> {
    CString::new(s).map_err(|_| nul_error(s))
}

fn nul_error(s: &str) -> Error {
    Error::new(Code::InvalidInput, format!("{s:?}: contains a NUL byte"), None)
}

/// A borrowed C string copied out ("" for NULL).
///
/// # Safety
/// `p` is NULL or points at a NUL-terminated string that lives for the call.
pub(crate) unsafe fn borrowed(p: *const c_char) -> String {
    if p.is_null() {
        String::new()
    } else {
        CStr::from_ptr(p).to_string_lossy().into_owned()
    }
}

/// A borrowed C string as a path (its bytes, unchanged on Unix).
///
/// # Safety
/// As [`borrowed`].
pub(crate) unsafe fn borrowed_path(p: *const c_char) -> PathBuf {
    if p.is_null() {
        return PathBuf::new();
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        PathBuf::from(OsStr::from_bytes(CStr::from_ptr(p).to_bytes()))
    }
    #[cfg(not(unix))]
    {
        PathBuf::from(borrowed(p))
    }
}

/// A string the library allocated, copied out and freed.
///
/// # Safety
/// `p` is NULL or was returned by the library as an owned `char *`.
pub(crate) unsafe fn owned(p: *mut c_char) -> String {
    let s = borrowed(p);
    sys::fl_free(p.cast());
    s
}

/// A timeout for the C API: milliseconds, rounded up so that a short wait
/// never becomes a single attempt; `None` waits forever.
pub(crate) fn timeout_ms(d: Option<std::time::Duration>) -> i64 {
    match d {
        None => sys::FL_WAIT_FOREVER,
        Some(d) => {
            let ms = d.as_nanos().div_ceil(1_000_000);
            i64::try_from(ms).unwrap_or(i64::MAX)
        }
    }
}

pub(crate) fn flag(b: bool) -> c_int {
    c_int::from(b)
}
