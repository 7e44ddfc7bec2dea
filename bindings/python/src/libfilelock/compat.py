"""py-filelock's ``FileLock`` contract (Unix), on the filelock C library.

The named file itself is the lock (``FileLock("x.lock")`` locks ``x.lock``),
nothing is touched on disk until :meth:`BaseFileLock.acquire`, no record is
written, and the file is kept on release.  Missing parent directories are
created.  Waits are event-driven in the C library (a release wakes the
waiter at once) instead of ``time.sleep`` polling; ``poll_interval`` is the
cadence of ``cancel_check`` and of the library's safety-net poll.

    from libfilelock.compat import FileLock, Timeout

Deviations from py-filelock are listed in docs/python.md.
"""
from __future__ import annotations

import contextlib
import inspect
import errno
import logging
import os
import threading
import time
import warnings
from abc import ABCMeta, abstractmethod
from typing import Any, Callable, Dict, Optional, Union
from weakref import WeakValueDictionary

from . import _native as n
from ._errors import LockError
from ._handle import Handle

__all__ = ["BaseFileLock", "FileLock", "UnixFileLock", "Timeout", "AcquireReturnProxy"]

_LOGGER = logging.getLogger("filelock")
_UNSET_FILE_MODE = -1


class Timeout(TimeoutError, LockError):
    """Raised when the lock could not be acquired in *timeout* seconds."""

    def __init__(self, lock_file: str) -> None:
        TimeoutError.__init__(self)
        self._lock_file = lock_file
        self.code = n.ETIMEDOUT

    def __reduce__(self):
        return self.__class__, (self._lock_file,)

    def __str__(self) -> str:
        return f"The file lock '{self._lock_file}' could not be acquired."

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({self.lock_file!r})"

    @property
    def lock_file(self) -> str:  # type: ignore[override]
        """The path of the file lock."""
        return self._lock_file


def _canonical(path: str) -> str:
    parent, name = os.path.split(path)
    return os.path.join(os.path.realpath(parent or os.curdir), name)


class _Registry(threading.local):
    def __init__(self) -> None:
        self.held: Dict[str, int] = {}


_registry = _Registry()
# A forked child holds none of its parent's locks: it starts with an empty
# registry (the forking thread is the child's only thread).
os.register_at_fork(after_in_child=lambda: _registry.held.clear())


class _Context:
    """What a lock object keeps per thread (thread_local=True) or shared."""

    def __init__(self, lock_file: str, timeout: float, mode: int, blocking: bool,
                 poll_interval: float) -> None:
        self.lock_file = lock_file
        self.timeout = timeout
        self.mode = mode
        self.blocking = blocking
        self.poll_interval = poll_interval
        self.lock_counter = 0
        self.handle: Optional[Handle] = None


class _ThreadLocalContext(threading.local):
    def __init__(self, **kw: Any) -> None:
        self.__dict__.update(_Context(**kw).__dict__)


class AcquireReturnProxy:
    """What :meth:`acquire` returns: ``with lock.acquire():`` releases once."""

    def __init__(self, lock: "BaseFileLock") -> None:
        self.lock = lock

    def __enter__(self) -> "BaseFileLock":
        return self.lock

    def __exit__(self, exc_type, exc_value, traceback) -> None:
        self.lock.release()


class _FileLockMeta(ABCMeta):
    def __call__(cls, *args: Any, **kwargs: Any):
        if not kwargs.get("is_singleton", False):
            return super().__call__(*args, **kwargs)
        try:
            bound = inspect.signature(BaseFileLock.__init__).bind(None, *args, **kwargs)
        except TypeError:
            return super().__call__(*args, **kwargs)
        bound.apply_defaults()
        wanted = {k: bound.arguments[k] for k in ("timeout", "mode", "thread_local", "blocking", "poll_interval")}
        key = _canonical(os.fspath(bound.arguments["lock_file"]))
        with cls._instances_lock:
            inst = cls._instances.get(key)
            if inst is None:
                inst = super().__call__(*args, **kwargs)
                cls._instances[key] = inst
                return inst
        diff = {k: (inst._init_args.get(k), v) for k, v in wanted.items() if inst._init_args.get(k) != v}
        if diff:
            pretty = "\n".join(f"\t{k} (existing={a!r}, requested={b!r})" for k, (a, b) in diff.items())
            raise ValueError(f"Singleton lock instances cannot be initialized with differing arguments\n"
                             f"Non-matching arguments:\n{pretty}")
        return inst


class BaseFileLock(contextlib.ContextDecorator, metaclass=_FileLockMeta):
    """A reentrant lock on one file, shared with every process and thread
    that locks the same file (also flock(1) and other flock users)."""

    _instances: "WeakValueDictionary[str, BaseFileLock]"
    _instances_lock: threading.RLock
    #: A second instance's unlimited wait in the thread that holds the file
    #: raises RuntimeError("Deadlock ...").  Async locks wait on pool threads,
    #: where a thread says nothing about who waits.
    _thread_deadlock_check = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._instances = WeakValueDictionary()
        cls._instances_lock = threading.RLock()

    def __init__(self, lock_file: "Union[str, os.PathLike[str]]", timeout: float = -1,
                 mode: int = _UNSET_FILE_MODE, thread_local: bool = True, *, blocking: bool = True,
                 is_singleton: bool = False, poll_interval: float = 0.05,
                 lifetime: "Optional[float]" = None, **_ignored: Any) -> None:
        self._creator_pid = os.getpid()
        self._is_thread_local = thread_local
        self._is_singleton = is_singleton
        self._init_args = {"timeout": timeout, "mode": mode, "thread_local": thread_local,
                           "blocking": blocking, "poll_interval": poll_interval}
        self._transition = threading.RLock()  # counter and registry updates
        self._waiting = threading.Lock()      # one wait at a time on a shared context
        kw = dict(lock_file=os.fspath(lock_file), timeout=float(timeout), mode=mode,
                  blocking=blocking, poll_interval=poll_interval)
        self._context = _ThreadLocalContext(**kw) if thread_local else _Context(**kw)

    # --- configuration ---------------------------------------------------
    def is_thread_local(self) -> bool:
        """Whether the lock's state (counter, settings) is per thread."""
        return self._is_thread_local

    @property
    def is_singleton(self) -> bool:
        return self._is_singleton

    @property
    def lock_file(self) -> str:
        """The path of the lock file."""
        return self._context.lock_file

    @property
    def timeout(self) -> float:
        """Default timeout in seconds for :meth:`acquire` (< 0: no limit)."""
        return self._context.timeout

    @timeout.setter
    def timeout(self, value: "Union[float, str]") -> None:
        self._context.timeout = float(value)

    @property
    def blocking(self) -> bool:
        return self._context.blocking

    @blocking.setter
    def blocking(self, value: bool) -> None:
        self._context.blocking = value

    @property
    def poll_interval(self) -> float:
        return self._context.poll_interval

    @poll_interval.setter
    def poll_interval(self, value: float) -> None:
        self._context.poll_interval = value

    @property
    def mode(self) -> int:
        m = self._context.mode
        return 0o644 if m == _UNSET_FILE_MODE else m

    @property
    def has_explicit_mode(self) -> bool:
        return self._context.mode != _UNSET_FILE_MODE

    @property
    def is_locked(self) -> bool:
        """Whether this object holds the lock (in this thread, by default)."""
        if os.getpid() != self._creator_pid:
            return False  # an inherited lock is the parent's
        h = self._context.handle
        return h is not None and h.held()

    @property
    def lock_counter(self) -> int:
        return self._context.lock_counter

    # --- acquire / release -------------------------------------------------
    def _new_handle(self) -> Handle:
        path = self.lock_file
        if "\0" in path:
            raise ValueError("embedded null byte")
        if path == "":
            raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), path)
        if os.path.isdir(path):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), path)
        parent = os.path.dirname(path)
        if parent:
            os.makedirs(parent, exist_ok=True)
        mode = self._context.mode
        try:
            return Handle(path, explicit=True, write_record=False, remove_on_release=False,
                          file_mode=None if mode == _UNSET_FILE_MODE else mode,
                          deadlock_check=False, poll_interval_s=max(0.001, min(3600.0, self.poll_interval)))
        except n.NativeError as exc:
            raise _os_error(exc, path) from None

    def acquire(self, timeout: "Optional[float]" = None, poll_interval: "Optional[float]" = None, *,
                poll_intervall: "Optional[float]" = None, blocking: "Optional[bool]" = None,
                cancel_check: "Optional[Callable[[], bool]]" = None) -> AcquireReturnProxy:
        """Take the lock, waiting up to ``timeout`` seconds (None: the
        default; < 0: no limit); ``blocking=False`` tries once.  Raises
        :class:`Timeout` when it does not come (or ``cancel_check()`` says
        so).  Reentrant: each acquire needs a release.  Returns a proxy for
        ``with``."""
        if os.getpid() != self._creator_pid:
            raise RuntimeError(f"Cannot acquire lock '{self.lock_file}' inherited from the parent process")
        ctx = self._context
        if timeout is None:
            timeout = ctx.timeout
        if blocking is None:
            blocking = ctx.blocking
        if poll_intervall is not None:
            warnings.warn("use poll_interval instead of poll_intervall", DeprecationWarning, stacklevel=2)
            poll_interval = poll_intervall
        if poll_interval is None:
            poll_interval = ctx.poll_interval
        with self._transition:
            if ctx.lock_counter > 0 and self.is_locked:
                ctx.lock_counter += 1
                return AcquireReturnProxy(lock=self)
        canonical = _canonical(self.lock_file)
        if (self._thread_deadlock_check and timeout < 0 and blocking
                and _registry.held.get(canonical) not in (None, id(self))):
            raise RuntimeError(
                f"Deadlock: lock '{self.lock_file}' is already held by a different "
                f"FileLock instance in the same thread. Use is_singleton=True to enable "
                f"reentrant locking across instances.")
        # A shared context is waited for by one thread at a time; a
        # per-thread one needs no such order.
        with self._waiting if not self._is_thread_local else contextlib.nullcontext():
            with self._transition:
                if ctx.lock_counter > 0 and self.is_locked:  # another thread won it for us
                    ctx.lock_counter += 1
                    return AcquireReturnProxy(lock=self)
                if ctx.handle is None:
                    ctx.handle = self._new_handle()
            lock_id = id(self)
            _LOGGER.debug("Attempting to acquire lock %s on %s", lock_id, self.lock_file)
            self._acquire(ctx.handle, float(timeout), bool(blocking), float(poll_interval), cancel_check)
            with self._transition:
                ctx.lock_counter = 1
                if self._thread_deadlock_check:
                    ctx.canonical = canonical  # the key it was registered under
                    _registry.held[canonical] = id(self)
            _LOGGER.debug("Lock %s acquired on %s", lock_id, self.lock_file)
        return AcquireReturnProxy(lock=self)

    @abstractmethod
    def _acquire(self, h: Handle, timeout: float, blocking: bool, poll: float,
                 cancel_check: "Optional[Callable[[], bool]]") -> None:
        """Wait for the OS lock through `h` (the platform class's part)."""

    def _wait(self, h: Handle, timeout: float, blocking: bool, poll: float,
              cancel_check: "Optional[Callable[[], bool]]") -> None:
        if not blocking:
            timeout = 0.0
        if cancel_check is None:
            rc = h.acquire(n.seconds_to_ms(timeout))
        else:
            # cancel_check is asked every poll interval; each slice waits on
            # the library's wake-ups, so a release is seen at once.
            deadline = None if timeout < 0 else time.monotonic() + timeout
            step = max(1, int(poll * 1000))
            while True:
                left = step if deadline is None else max(0, min(step, int((deadline - time.monotonic()) * 1000)))
                rc = h.acquire(left)
                if rc not in (n.EBUSY, n.ETIMEDOUT):
                    break
                if deadline is not None and time.monotonic() >= deadline:
                    break
                if cancel_check():
                    _LOGGER.debug("Cancellation requested for lock %s on %s", id(self), self.lock_file)
                    break
        if rc == n.OK:
            return
        if rc in (n.EBUSY, n.ETIMEDOUT, n.ECANCELED):
            raise Timeout(self.lock_file)
        raise _os_error(n.NativeError(rc, n.last_message(), n.lib.fl_last_os_error()), self.lock_file)

    def release(self, force: bool = False) -> None:
        """Release one level (``force``: all of them).  The file is kept."""
        if os.getpid() != self._creator_pid:
            return  # never the parent's lock
        ctx = self._context
        with self._transition:
            if not self.is_locked:
                ctx.lock_counter = 0
                return
            ctx.lock_counter = 0 if force else ctx.lock_counter - 1
            if ctx.lock_counter > 0:
                return
            lock_id = id(self)
            _LOGGER.debug("Attempting to release lock %s on %s", lock_id, self.lock_file)
            h = ctx.handle
            while h.held():
                h.release()
            canonical = getattr(ctx, "canonical", None)
            if canonical is not None and _registry.held.get(canonical) == id(self):
                del _registry.held[canonical]
            _LOGGER.debug("Lock %s released on %s", lock_id, self.lock_file)

    def __enter__(self) -> "BaseFileLock":
        self.acquire()
        return self

    def __exit__(self, exc_type, exc_value, traceback) -> None:
        self.release()

    def __del__(self) -> None:
        try:
            if os.getpid() == self._creator_pid:
                BaseFileLock.release(self, force=True)
        except Exception:
            pass


def _os_error(exc: n.NativeError, path: str) -> OSError:
    err = exc.os_errno or n._CODE_ERRNO.get(exc.code, errno.EIO)
    if exc.code == n.EUNSAFE and not exc.os_errno:
        text = str(exc)
        err = errno.ELOOP if "symlink" in text else errno.EISDIR if "directory" in text else errno.EINVAL
    return OSError(err, os.strerror(err), path)


class UnixFileLock(BaseFileLock):
    """The flock(2) lock (on the filelock C library)."""

    def _acquire(self, h: Handle, timeout: float, blocking: bool, poll: float,
                 cancel_check: "Optional[Callable[[], bool]]") -> None:
        self._wait(h, timeout, blocking, poll, cancel_check)


FileLock = UnixFileLock
