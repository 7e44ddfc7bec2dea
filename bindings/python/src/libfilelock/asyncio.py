"""asyncio front end: ``async with AsyncFileLock(path):``.

The wait runs on a worker thread (the C library blocks there, not the event
loop).  A task cancelled while it waits fires the wait's cancellation source,
so the worker gives up at once; if the lock was won in the same instant it
is released again before CancelledError propagates: a cancelled task never
ends up holding the lock.
"""
from __future__ import annotations

import asyncio
import functools
import os
from typing import Any, Optional

from . import _native as n
from .compat import BaseFileLock, Timeout, _UNSET_FILE_MODE

__all__ = ["AsyncFileLock", "BaseAsyncFileLock", "AsyncAcquireReturnProxy"]


class AsyncAcquireReturnProxy:
    def __init__(self, lock: "BaseAsyncFileLock") -> None:
        self.lock = lock

    async def __aenter__(self) -> "BaseAsyncFileLock":
        return self.lock

    async def __aexit__(self, exc_type, exc_value, traceback) -> None:
        await self.lock.release()


class BaseAsyncFileLock(BaseFileLock):
    """py-filelock's async contract: ``await lock.acquire(timeout=...)``,
    ``await lock.release()``, ``async with lock``.  State is shared by the
    tasks of the loop (not per thread)."""

    _thread_deadlock_check = False

    def __init__(self, lock_file, timeout: float = -1, mode: int = _UNSET_FILE_MODE,
                 thread_local: bool = False, *, blocking: bool = True, is_singleton: bool = False,
                 poll_interval: float = 0.05, loop: Any = None, run_in_executor: bool = True,
                 executor: Any = None, **kw: Any) -> None:
        super().__init__(lock_file, timeout, mode, thread_local, blocking=blocking,
                         is_singleton=is_singleton, poll_interval=poll_interval, **kw)
        self._executor = executor

    async def acquire(self, timeout: Optional[float] = None, poll_interval: Optional[float] = None,  # type: ignore[override]
                      *, blocking: Optional[bool] = None, cancel_check=None) -> AsyncAcquireReturnProxy:
        ctx = self._context
        if ctx.lock_counter > 0 and self.is_locked:
            ctx.lock_counter += 1
            return AsyncAcquireReturnProxy(self)
        if ctx.handle is None:
            ctx.handle = self._new_handle()
        h = ctx.handle
        loop = asyncio.get_running_loop()
        call = functools.partial(BaseFileLock.acquire, self, timeout, poll_interval,
                                 blocking=blocking, cancel_check=cancel_check)
        fut = loop.run_in_executor(self._executor, call)
        try:
            await asyncio.shield(fut)
        except asyncio.CancelledError:
            n.lib.fl_cancel_fire(h.cancel.ptr)  # wake the worker now
            try:
                await fut
            except BaseException:
                pass
            finally:
                n.lib.fl_cancel_reset(h.cancel.ptr)
            if self.is_locked:  # won just as we were cancelled: give it back
                BaseFileLock.release(self, force=True)
            raise
        return AsyncAcquireReturnProxy(self)

    async def release(self, force: bool = False) -> None:  # type: ignore[override]
        BaseFileLock.release(self, force)

    async def __aenter__(self) -> "BaseAsyncFileLock":
        await self.acquire()
        return self

    async def __aexit__(self, exc_type, exc_value, traceback) -> None:
        await self.release()

    def __enter__(self):
        raise NotImplementedError("use `async with` with an async lock")

    def __exit__(self, *a: Any) -> None:
        raise NotImplementedError("use `async with` with an async lock")


class AsyncFileLock(BaseAsyncFileLock):
    """The flock(2) lock for asyncio (on the filelock C library)."""

    def _acquire(self, h, timeout, blocking, poll, cancel_check) -> None:
        self._wait(h, timeout, blocking, poll, cancel_check)
