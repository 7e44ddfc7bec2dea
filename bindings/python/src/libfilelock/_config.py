"""The ``file_locking:`` configuration section, read by the C library: the
same keys, bounds and messages as C programs and the CLI get."""
from __future__ import annotations

import ctypes
import os
from typing import Any, Dict, Optional

from . import _native as n
from ._errors import ConfigError

IGNORE_ENV = 1

KEYS = ("enabled", "timeout_seconds", "retry_attempts", "retry_delay_seconds",
        "cleanup_stale_locks", "stale_threshold_hours", "poll_interval_seconds",
        "remove_lock_files", "lock_file_mode", "lock_directory", "shared", "tag",
        "backend", "lease_ttl_seconds")


class LockConfig:
    """A loaded configuration.  Values read back as text exactly as the file
    may write them (``get``), or typed (``get_seconds``, ``get_bool``)."""

    def __init__(self, _ptr: int) -> None:
        self._owned = n.Owned(_ptr, n.lib.fl_config_free)

    @classmethod
    def defaults(cls, *, use_env: bool = True) -> "LockConfig":
        p = ctypes.c_void_p()
        _raise(n.lib.fl_config_new(ctypes.byref(p), 0 if use_env else IGNORE_ENV))
        return cls(p.value)

    @classmethod
    def from_string(cls, yaml_text: str, name: str = "<string>", *, use_env: bool = True) -> "LockConfig":
        p = ctypes.c_void_p()
        _raise(n.lib.fl_config_load_string(ctypes.byref(p), yaml_text.encode(), name.encode(),
                                           0 if use_env else IGNORE_ENV))
        return cls(p.value)

    @property
    def _ptr(self) -> int:
        return self._owned.ptr

    def get(self, key: str) -> str:
        out = ctypes.c_void_p()
        _raise(n.lib.fl_config_get(self._ptr, key.encode(), ctypes.byref(out)))
        try:
            return ctypes.string_at(out.value).decode()
        finally:
            n.lib.fl_free(out)

    def get_seconds(self, key: str) -> float:
        ms = ctypes.c_int64()
        _raise(n.lib.fl_config_get_ms(self._ptr, key.encode(), ctypes.byref(ms)))
        return ms.value / 1000.0

    def get_bool(self, key: str) -> bool:
        b = ctypes.c_int()
        _raise(n.lib.fl_config_get_bool(self._ptr, key.encode(), ctypes.byref(b)))
        return bool(b.value)

    def set(self, key: str, value: Any) -> None:
        if isinstance(value, bool):
            value = "true" if value else "false"
        _raise(n.lib.fl_config_set(self._ptr, key.encode(), str(value).encode()))

    def as_dict(self) -> Dict[str, str]:
        return {k: self.get(k) for k in KEYS}

    def _make_options(self) -> n.Owned:
        p = ctypes.c_void_p()
        _raise(n.lib.fl_config_make_options(self._ptr, ctypes.byref(p)))
        return n.Owned(p.value, n.lib.fl_options_free)

    def __repr__(self) -> str:
        return f"LockConfig({self.as_dict()!r})"


def load_config(path: "Optional[str | os.PathLike[str]]" = None, *, use_env: bool = True) -> LockConfig:
    """Defaults, then the ``file_locking:`` section of the YAML file at
    ``path`` (None: defaults only), then FILELOCK_* variables.  Raises
    :class:`ConfigError` (unknown key, wrong type, out of range: the message
    names file, line and column), FileNotFoundError, PermissionError."""
    if path is None:
        return LockConfig.defaults(use_env=use_env)
    p = ctypes.c_void_p()
    rc = n.lib.fl_config_load_file(ctypes.byref(p), n.encode(path), 0 if use_env else IGNORE_ENV)
    if rc in (n.ENOENT, n.EPERM):
        raise n.os_error(rc, os.fspath(path))
    _raise(rc)
    return LockConfig(p.value)


def _raise(rc: int) -> None:
    if rc < 0:
        raise ConfigError(n.last_message(), rc)
