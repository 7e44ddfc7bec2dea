"""libfilelock: cross-process file locking on the filelock C library.

Two front ends over the same ``libfilelock.so.1`` that C programs use:

* this module, the original batch tool's API, unchanged (migration means
  changing the import): :class:`FileLock` locks ``<file>.lock`` beside the
  target with a PID record and removes it on release; helpers, monitor,
  cleanup, configuration and batch processing;
* :mod:`libfilelock.compat`, py-filelock's ``FileLock`` contract (the named
  file itself is the lock; kept on release); :mod:`libfilelock.asyncio` for
  ``async with``.

Waits are event-driven in the C library and interruptible by Ctrl-C.  See
docs/python.md.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Dict, List, Optional, Union

from . import _native as _n
from ._errors import ConfigError, LockError
from ._handle import Handle as _Handle
from ._log import set_log_level
from ._config import LockConfig, load_config
from ._monitor import (
    cleanup_stale_locks,
    get_lock_age,
    get_lock_info,
    get_locked_files,
    is_lock_stale,
    print_lock_status,
)
from ._batch import BatchResults, FileResult, process_files

__version__ = "1.2.0"
__all__ = [
    "FileLock", "LockError", "ConfigError", "is_file_locked", "wait_for_lock_release",
    "get_lock_holder_pid", "is_process_running", "get_locked_files", "get_lock_age",
    "is_lock_stale", "get_lock_info", "print_lock_status", "cleanup_stale_locks",
    "LockConfig", "load_config", "process_files", "BatchResults", "FileResult",
    "set_log_level", "library_version",
]

PathLike = Union[str, "os.PathLike[str]"]


def library_version() -> str:
    """The loaded C library's version, e.g. "1.2.0"."""
    return _n.version()


class FileLock:
    """An exclusive lock on ``file_path``, held through ``<file_path>.lock``.

    The lock file gets the holder's PID record and is removed on release.
    Another process (or thread, through another ``FileLock``) waits for it;
    a holder that crashed never blocks anyone (its OS lock dies with it).

    >>> with FileLock("report.pptx", timeout=10):
    ...     pass
    """

    def __init__(self, file_path: PathLike, timeout: float = 30.0, poll_interval: float = 0.5,
                 *, config: "Optional[LockConfig]" = None) -> None:
        self._handle: Optional[_Handle] = None
        self.file_path = Path(file_path)
        self.timeout = float(timeout)
        self.poll_interval = float(poll_interval)
        options = config._make_options() if config is not None else None
        try:
            self._handle = _Handle(self.file_path, poll_interval_s=self.poll_interval,
                                   options=options)
        except _n.NativeError as exc:
            raise LockError(str(exc), exc.code) from None
        self.lock_file = Path(self._handle.lock_path)

    @property
    def is_locked(self) -> bool:
        """Whether this object holds its lock."""
        return self._handle is not None and self._handle.held()

    def acquire(self, blocking: bool = True) -> bool:
        """Take the lock.  ``blocking=False``: one attempt, False when it is
        held elsewhere.  Otherwise wait up to ``timeout`` seconds and raise
        :class:`LockError` when it does not come.  True once held.  Holding it
        already: True (nothing nests)."""
        if self.is_locked:
            return True
        rc = self._handle.acquire(_n.seconds_to_ms(self.timeout) if blocking else 0)
        if rc == _n.OK:
            return True
        message = self._handle.error_message()
        if not blocking and rc == _n.EBUSY:
            return False
        if rc in (_n.ETIMEDOUT, _n.EBUSY):
            message = f"Timeout acquiring lock on {self.file_path} after {self.timeout}s: {message}"
        raise LockError(message, rc, str(self.lock_file))

    def release(self) -> None:
        """Release; safe to call when not held.  Raises :class:`LockError`
        (code ``ELOST``) when a leased lock (etcd) had been lost while held:
        what ran under it was not protected."""
        if self._handle is None or self._handle.pid != os.getpid():
            return
        rc = self._handle.release()
        if rc == _n.ELOST:
            raise LockError(_n.last_message(), rc, str(self.lock_file))

    def fencing_token(self) -> int:
        """The held lock's fencing token (etcd: larger for every later
        holder; send it with writes to what the lock protects).  Raises
        :class:`LockError` for lock files (``ENOTSUP``) or when not held."""
        out = _n.ctypes.c_int64()
        rc = _n.lib.fl_lock_fencing_token(self._handle.ptr, _n.ctypes.byref(out))
        if rc != _n.OK:
            raise LockError(_n.last_message(), rc, str(self.lock_file))
        return out.value

    def check(self) -> None:
        """Ask the backend, in one round trip, whether the lock is still held.
        Raises :class:`LockError` with code ``ELOST`` when it was lost,
        ``EUNAVAIL`` when etcd could not answer."""
        rc = _n.lib.fl_lock_check(self._handle.ptr)
        if rc != _n.OK:
            raise LockError(_n.last_message(), rc, str(self.lock_file))

    def __enter__(self) -> "FileLock":
        self.acquire(blocking=True)
        return self

    def __exit__(self, exc_type, exc_val, exc_tb) -> None:
        self.release()

    def __del__(self) -> None:
        try:
            h = self._handle
            if h is not None:
                h.close()
        except Exception:
            pass

    def __repr__(self) -> str:
        state = "locked" if self.is_locked else "unlocked"
        return f"<libfilelock.FileLock {str(self.file_path)!r} {state}>"


def _target_lock_path(path: PathLike) -> bytes:
    out = _n.ctypes.c_void_p()
    _n.check(_n.lib.fl_lock_path_for(_n.encode(path), None, _n.ctypes.byref(out)))
    try:
        return _n.ctypes.string_at(out.value)
    finally:
        _n.lib.fl_free(out)


def is_file_locked(path: PathLike) -> bool:
    """Is ``path`` (a target) locked right now, by anyone?  Never waits."""
    rc = _n.lib.fl_is_locked(_n.encode(path), None)
    if rc == _n.ENOENT:
        return False
    return _n.check(rc) == 1


def wait_for_lock_release(path: PathLike, timeout: float) -> bool:
    """Wait up to ``timeout`` seconds for ``path``'s lock to be released
    without taking it.  True once free, False on timeout."""
    rc = _n.lib.fl_wait_released(_n.encode(path), None, _n.seconds_to_ms(timeout))
    if rc == _n.ETIMEDOUT:
        return False
    if rc == _n.ENOENT:
        return True
    _n.check(rc)
    return True


def get_lock_holder_pid(path: PathLike) -> Optional[int]:
    """The PID recorded for ``path``'s lock (``path`` may be the target or
    its lock file); None when there is no lock file or no valid PID."""
    p = os.fspath(path)
    lock = _n.encode(p) if p.endswith(".lock") and os.path.exists(p) else _target_lock_path(p)
    pid = _n.ctypes.c_int64()
    rc = _n.lib.fl_holder_pid(lock, _n.ctypes.byref(pid))
    if rc in (_n.ENOENT, _n.EUNSAFE):
        return None
    _n.check(rc)
    return pid.value or None


def is_process_running(pid: int) -> bool:
    """Is ``pid`` a running process on this host?  Sends no signal."""
    rc = _n.lib.fl_process_is_running(int(pid))
    return rc == 1
