//! The YAML `file_locking:` configuration, as the C library loads it.
use std::path::Path;
use std::ptr::NonNull;
use std::time::Duration;

use filelock_sys as sys;

use crate::builder::Options;
use crate::error::Result;
use crate::ffi::{check, owned, path_cstr, str_cstr};

/// A loaded configuration: built-in defaults, then the file's
/// `file_locking:` section, then the `FILELOCK_<KEY>` environment
/// variables, then [`set`](Config::set).  Every loader and setter is
/// all-or-nothing.  The keys and their meanings are the C library's
/// (docs/config.md): `timeout_seconds`, `retry_attempts`,
/// `retry_delay_seconds`, `cleanup_stale_locks`, `stale_threshold_hours`,
/// `poll_interval_seconds`, `remove_lock_files`, `lock_file_mode`,
/// `lock_directory`, `shared`, `tag`, `enabled`.
///
/// ```
/// let cfg = filelock::Config::from_yaml("file_locking:\n  timeout_seconds: 2.5\n", None).unwrap();
/// assert_eq!(cfg.get_duration("timeout_seconds").unwrap(), std::time::Duration::from_millis(2500));
/// let err = filelock::Config::from_yaml("file_locking:\n  timeout_secnds: 1\n", None).unwrap_err();
/// assert_eq!(err.code(), filelock::Code::Config);   // unknown keys are errors
/// ```
pub struct Config(NonNull<sys::fl_config>);

// The C API lets a configuration move between threads and be used by one
// at a time: Send, not Sync.
unsafe impl Send for Config {}

fn env_flags(with_env: bool) -> u32 {
    if with_env {
        0
    } else {
        sys::FL_CONFIG_IGNORE_ENV
    }
}

impl Config {
    fn wrap(p: *mut sys::fl_config) -> Config {
        Config(NonNull::new(p).expect("fl_config loader gave NULL"))
    }

    /// Defaults and the `FILELOCK_*` environment.
    pub fn new() -> Result<Config> {
        let mut p = std::ptr::null_mut();
        check(unsafe { sys::fl_config_new(&mut p, 0) })?;
        Ok(Config::wrap(p))
    }

    /// Defaults only, ignoring the environment.
    pub fn defaults() -> Result<Config> {
        let mut p = std::ptr::null_mut();
        check(unsafe { sys::fl_config_new(&mut p, sys::FL_CONFIG_IGNORE_ENV) })?;
        Ok(Config::wrap(p))
    }

    /// Load a YAML file (and the environment).  Errors name the file, line
    /// and column.
    pub fn load(path: impl AsRef<Path>) -> Result<Config> {
        Config::load_with(path, true)
    }

    /// Load a YAML file, with or without the environment.
    pub fn load_with(path: impl AsRef<Path>, with_env: bool) -> Result<Config> {
        let c = path_cstr(path.as_ref())?;
        let mut p = std::ptr::null_mut();
        check(unsafe { sys::fl_config_load_file(&mut p, c.as_ptr(), env_flags(with_env)) })?;
        Ok(Config::wrap(p))
    }

    /// YAML text (and the environment); `name` stands for the file name in
    /// messages.
    pub fn from_yaml(yaml: &str, name: Option<&str>) -> Result<Config> {
        let y = str_cstr(yaml)?;
        let n = name.map(str_cstr).transpose()?;
        let mut p = std::ptr::null_mut();
        let np = n.as_ref().map_or(std::ptr::null(), |n| n.as_ptr());
        check(unsafe { sys::fl_config_load_string(&mut p, y.as_ptr(), np, 0) })?;
        Ok(Config::wrap(p))
    }

    /// Set one key from text, as an explicit argument (highest precedence),
    /// with the file's validation.
    pub fn set(&mut self, key: &str, value: &str) -> Result<()> {
        let (k, v) = (str_cstr(key)?, str_cstr(value)?);
        check(unsafe { sys::fl_config_set(self.0.as_ptr(), k.as_ptr(), v.as_ptr()) }).map(drop)
    }

    /// A key's value as text that [`set`](Config::set) accepts.
    pub fn get(&self, key: &str) -> Result<String> {
        let k = str_cstr(key)?;
        let mut out = std::ptr::null_mut();
        check(unsafe { sys::fl_config_get(self.0.as_ptr(), k.as_ptr(), &mut out) })?;
        Ok(unsafe { owned(out) })
    }

    /// A duration key (`timeout_seconds`, `retry_delay_seconds`,
    /// `poll_interval_seconds`, `stale_threshold_hours`).
    pub fn get_duration(&self, key: &str) -> Result<Duration> {
        let k = str_cstr(key)?;
        let mut ms = 0i64;
        check(unsafe { sys::fl_config_get_ms(self.0.as_ptr(), k.as_ptr(), &mut ms) })?;
        Ok(Duration::from_millis(ms.max(0) as u64))
    }

    /// A boolean key (`enabled`, `cleanup_stale_locks`, `remove_lock_files`, `shared`).
    pub fn get_bool(&self, key: &str) -> Result<bool> {
        let k = str_cstr(key)?;
        let mut v = 0;
        check(unsafe { sys::fl_config_get_bool(self.0.as_ptr(), k.as_ptr(), &mut v) })?;
        Ok(v != 0)
    }

    pub(crate) fn make_options(&self) -> Result<Options> {
        let mut p = std::ptr::null_mut();
        check(unsafe { sys::fl_config_make_options(self.0.as_ptr(), &mut p) })?;
        Ok(Options(NonNull::new(p).expect("fl_config_make_options gave NULL")))
    }

    pub(crate) fn as_ptr(&self) -> *const sys::fl_config {
        self.0.as_ptr()
    }
}

impl Drop for Config {
    fn drop(&mut self) {
        unsafe { sys::fl_config_free(self.0.as_ptr()) }
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config").field("timeout_seconds", &self.get("timeout_seconds").ok()).finish_non_exhaustive()
    }
}

/// Parse a duration in seconds as the configuration does ("2.5", "30";
/// "inf" when `allow_inf`, giving `None`).
///
/// ```
/// use std::time::Duration;
/// assert_eq!(filelock::parse_seconds("0.25", false).unwrap(), Some(Duration::from_millis(250)));
/// assert_eq!(filelock::parse_seconds("inf", true).unwrap(), None);
/// assert!(filelock::parse_seconds("soon", false).is_err());
/// ```
pub fn parse_seconds(text: &str, allow_inf: bool) -> Result<Option<Duration>> {
    let t = str_cstr(text)?;
    let mut ms = 0i64;
    check(unsafe { sys::fl_parse_seconds(t.as_ptr(), i32::from(allow_inf), &mut ms) })?;
    Ok(if ms < 0 { None } else { Some(Duration::from_millis(ms as u64)) })
}
