"""The C library, loaded with ctypes: prototypes, codes, and errors.

ctypes (standard library, ABI mode) because the package must install with
no compiler and depend on nothing outside the standard library.  Every call
into a CDLL releases the GIL, so a waiting acquire never stalls other
Python threads.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import errno as _errno
import os
import threading

__all__ = ["lib", "check", "NativeError", "library_path"]

SONAME = "libfilelock.so.1"

# Pinned codes (include/filelock.h).
OK = 0
EBUSY = -1
ETIMEDOUT = -2
EDEADLK = -3
EFORKED = -4
EINVAL = -5
ENOENT = -6
EPERM = -7
EUNSAFE = -8
EIO = -9
ENOTSUP = -10
ENOMEM = -11
EINTERNAL = -12
ECONFIG = -13
ECANCELED = -14
ELOST = -15
EUNAVAIL = -16
WAIT_FOREVER = -1
WAIT_DEFAULT = -2


def _candidates() -> list[str]:
    explicit = os.environ.get("LIBFILELOCK_PATH")
    out = [explicit] if explicit else []
    out.append(SONAME)
    found = ctypes.util.find_library("filelock")
    if found and found not in out:
        out.append(found)
    return out


def _load() -> tuple[ctypes.CDLL, str]:
    tried = []
    for name in _candidates():
        try:
            return ctypes.CDLL(name), name
        except OSError as exc:
            tried.append(f"{name} ({exc})")
    raise ImportError(
        "libfilelock: cannot load the C library; tried "
        + "; ".join(tried)
        + ".  Install libfilelock1 or set LIBFILELOCK_PATH to the .so"
    )


lib, library_path = _load()

_c = ctypes
_p = ctypes.c_void_p
_i64 = ctypes.c_int64
_str = ctypes.c_char_p


class LockInfo(ctypes.Structure):
    _fields_ = [
        ("struct_size", ctypes.c_size_t),
        ("lock_path", _str),
        ("target_path", _str),
        ("pid", _i64),
        ("host", _str),
        ("boot_id", _str),
        ("start_token", _i64),
        ("acquired_ms", _i64),
        ("age_ms", _i64),
        ("held", ctypes.c_int32),
        ("holder", ctypes.c_int32),
        ("stale", ctypes.c_int32),
        ("record_valid", ctypes.c_int32),
        ("tag", _str),
        ("reason", _str),
        ("size_bytes", _i64),
        ("foreign", ctypes.c_int32),
        ("kind", _str),
        ("other_host", ctypes.c_int32),
    ("fencing_token", ctypes.c_int64),
    ("lease_ttl_ms", ctypes.c_int64),
    ]


class ScanError(ctypes.Structure):
    _fields_ = [
        ("struct_size", ctypes.c_size_t),
        ("path", _str),
        ("message", _str),
        ("code", ctypes.c_int32),
    ]


class LockList(ctypes.Structure):
    _fields_ = [
        ("struct_size", ctypes.c_size_t),
        ("items", ctypes.POINTER(ctypes.POINTER(LockInfo))),
        ("count", ctypes.c_size_t),
        ("errors", ctypes.POINTER(ctypes.POINTER(ScanError))),
        ("error_count", ctypes.c_size_t),
    ]


class CleanReport(ctypes.Structure):
    _fields_ = [
        ("struct_size", ctypes.c_size_t),
        ("count", ctypes.c_size_t),
        ("stale_locks", ctypes.POINTER(ctypes.POINTER(LockInfo))),
        ("stale_count", ctypes.c_size_t),
        ("errors", ctypes.POINTER(ctypes.POINTER(ScanError))),
        ("error_count", ctypes.c_size_t),
        ("dry_run", ctypes.c_int32),
    ]


class FileResult(ctypes.Structure):
    _fields_ = [
        ("struct_size", ctypes.c_size_t),
        ("path", _str),
        ("status", ctypes.c_int32),
        ("code", ctypes.c_int32),
        ("attempts", ctypes.c_int32),
        ("lock_wait_us", _i64),
        ("process_us", _i64),
        ("message", _str),
    ]


class BatchResults(ctypes.Structure):
    _fields_ = [
        ("struct_size", ctypes.c_size_t),
        ("items", ctypes.POINTER(ctypes.POINTER(FileResult))),
        ("count", ctypes.c_size_t),
        ("done", ctypes.c_size_t),
        ("failed", ctypes.c_size_t),
        ("locked_out", ctypes.c_size_t),
        ("skipped", ctypes.c_size_t),
        ("cancelled", ctypes.c_size_t),
        ("errors", ctypes.c_size_t),
        ("wall_us", _i64),
    ]


LOG_CB = ctypes.CFUNCTYPE(None, ctypes.c_int, _str, _p)
PROCESS_CB = ctypes.CFUNCTYPE(ctypes.c_int, _str, _p)
PROGRESS_CB = ctypes.CFUNCTYPE(None, ctypes.c_size_t, ctypes.c_size_t, _p)

_PP = ctypes.POINTER(_p)
_INT = ctypes.c_int
_PROTOS = {
    "fl_version_string": (_str, []),
    "fl_strerror": (_str, [_INT]),
    "fl_last_error_message": (_str, []),
    "fl_last_os_error": (_INT, []),
    "fl_free": (None, [_p]),
    "fl_options_new": (_INT, [_PP]),
    "fl_options_free": (None, [_p]),
    "fl_options_set_timeout_ms": (_INT, [_p, _i64]),
    "fl_options_set_poll_interval_ms": (_INT, [_p, _i64]),
    "fl_options_set_shared": (_INT, [_p, _INT]),
    "fl_options_set_remove_on_release": (_INT, [_p, _INT]),
    "fl_options_set_file_mode": (_INT, [_p, ctypes.c_uint32]),
    "fl_options_set_create_mode": (_INT, [_p, ctypes.c_uint32]),
    "fl_options_set_write_record": (_INT, [_p, _INT]),
    "fl_options_set_tag": (_INT, [_p, _str]),
    "fl_options_set_lock_dir": (_INT, [_p, _str]),
    "fl_options_set_deadlock_check": (_INT, [_p, _INT]),
    "fl_options_set_defer_path_errors": (_INT, [_p, _INT]),
    "fl_options_set_cancel": (_INT, [_p, _p]),
    "fl_cancel_new": (_INT, [_PP]),
    "fl_cancel_free": (None, [_p]),
    "fl_cancel_fire": (_INT, [_p]),
    "fl_cancel_reset": (_INT, [_p]),
    "fl_lock_new": (_INT, [_PP, _str, _p]),
    "fl_lock_new_file": (_INT, [_PP, _str, _p]),
    "fl_lock_free": (None, [_p]),
    "fl_acquire": (_INT, [_p, _i64]),
    "fl_release": (_INT, [_p]),
    "fl_lock_is_held": (_INT, [_p]),
    "fl_lock_check": (_INT, [_p]),
    "fl_lock_fencing_token": (_INT, [_p, ctypes.POINTER(_i64)]),
    "fl_lock_path": (_str, [_p]),
    "fl_lock_path_for": (_INT, [_str, _p, ctypes.POINTER(_p)]),
    "fl_is_locked": (_INT, [_str, _p]),
    "fl_wait_released": (_INT, [_str, _p, _i64]),
    "fl_holder_pid": (_INT, [_str, ctypes.POINTER(_i64)]),
    "fl_process_is_running": (_INT, [_i64]),
    "fl_is_stale": (_INT, [_str, _i64]),
    "fl_lock_age_ms": (_INT, [_str, ctypes.POINTER(_i64)]),
    "fl_lock_info_read": (_INT, [_str, _i64, ctypes.POINTER(ctypes.POINTER(LockInfo))]),
    "fl_lock_info_free": (None, [ctypes.POINTER(LockInfo)]),
    "fl_scan_options_new": (_INT, [_PP]),
    "fl_scan_options_free": (None, [_p]),
    "fl_scan_options_set_recursive": (_INT, [_p, _INT]),
    "fl_scan_options_set_stale_threshold_ms": (_INT, [_p, _i64]),
    "fl_scan": (_INT, [_str, _p, ctypes.POINTER(ctypes.POINTER(LockList))]),
    "fl_lock_list_free": (None, [ctypes.POINTER(LockList)]),
    "fl_cleanup_stale_locks": (_INT, [_str, _p, ctypes.POINTER(ctypes.POINTER(CleanReport))]),
    "fl_clean_report_free": (None, [ctypes.POINTER(CleanReport)]),
    "fl_config_new": (_INT, [_PP, ctypes.c_uint32]),
    "fl_config_load_file": (_INT, [_PP, _str, ctypes.c_uint32]),
    "fl_config_load_string": (_INT, [_PP, _str, _str, ctypes.c_uint32]),
    "fl_config_free": (None, [_p]),
    "fl_config_set": (_INT, [_p, _str, _str]),
    "fl_config_get": (_INT, [_p, _str, ctypes.POINTER(_p)]),
    "fl_config_get_ms": (_INT, [_p, _str, ctypes.POINTER(_i64)]),
    "fl_config_get_bool": (_INT, [_p, _str, ctypes.POINTER(_INT)]),
    "fl_config_make_options": (_INT, [_p, _PP]),
    "fl_log_set_callback": (_INT, [LOG_CB, _p]),
    "fl_log_set_level": (_INT, [_INT]),
    "fl_batch_new": (_INT, [_PP, _p]),
    "fl_batch_free": (None, [_p]),
    "fl_batch_set_workers": (_INT, [_p, ctypes.c_size_t]),
    "fl_batch_set_skip_locked": (_INT, [_p, _INT]),
    "fl_batch_set_stop_on_failure": (_INT, [_p, _INT]),
    "fl_batch_cancel": (_INT, [_p]),
    "fl_batch_run": (_INT, [_p, ctypes.POINTER(_str), ctypes.c_size_t, PROCESS_CB, _p,
                            ctypes.POINTER(ctypes.POINTER(BatchResults))]),
    "fl_batch_results_free": (None, [ctypes.POINTER(BatchResults)]),
}
for _name, (_res, _args) in _PROTOS.items():
    _f = getattr(lib, _name)
    _f.restype = _res
    _f.argtypes = _args


def version() -> str:
    return lib.fl_version_string().decode()


def encode(path: "str | os.PathLike[str]") -> bytes:
    return os.fsencode(os.fspath(path))


def last_message() -> str:
    m = lib.fl_last_error_message()
    return m.decode("utf-8", "replace") if m else ""


class NativeError(Exception):
    """A failure reported by the C library: its code, message and errno."""

    def __init__(self, code: int, message: str, os_errno: int = 0) -> None:
        super().__init__(message)
        self.code = code
        self.os_errno = os_errno


# FL_E* codes without an OS errno, as the closest errno for OSError.
_CODE_ERRNO = {
    ENOENT: _errno.ENOENT,
    EPERM: _errno.EACCES,
    EUNSAFE: _errno.EINVAL,
    EIO: _errno.EIO,
    ENOTSUP: _errno.ENOTSUP,
    ENOMEM: _errno.ENOMEM,
    EINVAL: _errno.EINVAL,
}


def os_error(code: int, path: "str | None" = None) -> OSError:
    """The native OSError subclass for the last failure (PermissionError, ...)."""
    err = lib.fl_last_os_error() or _CODE_ERRNO.get(code, _errno.EIO)
    return OSError(err, last_message() or os.strerror(err), path)


def check(rc: int) -> int:
    """rc when >= 0, else NativeError with the thread's message."""
    if rc < 0:
        raise NativeError(rc, last_message(), lib.fl_last_os_error())
    return rc


_local = threading.local()


class Owned:
    """A C object freed with `free` when this wrapper goes (never raises)."""

    __slots__ = ("ptr", "_free", "__weakref__")

    def __init__(self, ptr: int, free) -> None:
        self.ptr = ptr
        self._free = free

    def close(self) -> None:
        ptr, self.ptr = self.ptr, None
        if ptr:
            try:
                self._free(ptr)
            except Exception:  # interpreter shutdown: the library may be gone
                pass

    def __del__(self) -> None:
        self.close()


def new_options() -> Owned:
    p = _p()
    check(lib.fl_options_new(ctypes.byref(p)))
    return Owned(p.value, lib.fl_options_free)


def new_cancel() -> Owned:
    p = _p()
    check(lib.fl_cancel_new(ctypes.byref(p)))
    return Owned(p.value, lib.fl_cancel_free)


def seconds_to_ms(seconds: float) -> int:
    """Seconds -> ms for the C API; negative or infinite = no limit."""
    if seconds is None or seconds < 0 or seconds == float("inf"):
        return WAIT_FOREVER
    return max(0, int(round(seconds * 1000.0)))
