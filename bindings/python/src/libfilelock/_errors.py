"""Exceptions of both front ends."""
from __future__ import annotations


class LockError(Exception):
    """A lock could not be taken (timeout, contention) or the library failed.

    ``code`` is the library's FL_E* code (negative), ``lock_file`` the lock
    file concerned (may be None).
    """

    def __init__(self, message: str, code: int = 0, lock_file: "str | None" = None) -> None:
        super().__init__(message)
        self.code = code
        self.lock_file = lock_file


class ConfigError(LockError):
    """The ``file_locking:`` configuration is invalid (the library's message names
    file, line and column)."""
