"""Batch processing: a Python callable on many files, each under its own
lock, on the C library's worker threads, with one result per file."""
from __future__ import annotations

import ctypes
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence

from . import _native as n
from ._config import LockConfig
from ._errors import LockError

DONE, FAILED, LOCKED_OUT, SKIPPED, CANCELLED, ERROR = range(6)
STATUS_NAMES = ("done", "failed", "locked_out", "skipped", "cancelled", "error")


@dataclass
class FileResult:
    """One file's outcome.  ``status`` is one of "done", "failed",
    "locked_out", "skipped", "cancelled", "error"; ``exception`` is what the
    callable raised (status "failed")."""
    path: Path
    status: str
    code: int
    attempts: int
    lock_wait: float
    process_time: float
    message: str
    exception: Optional[BaseException] = None

    @property
    def success(self) -> bool:
        return self.status == "done"


@dataclass
class BatchResults:
    items: List[FileResult] = field(default_factory=list)
    wall_time: float = 0.0

    def count(self, status: str) -> int:
        return sum(1 for r in self.items if r.status == status)

    @property
    def all_done(self) -> bool:
        return all(r.success for r in self.items)


def process_files(paths: Sequence["str | os.PathLike[str]"], process: Callable[[Path], object], *,
                  config: Optional[LockConfig] = None, workers: int = 0, skip_locked: bool = False,
                  stop_on_failure: bool = False) -> BatchResults:
    """Run ``process(path)`` on each path under that file's lock, on
    ``workers`` threads (0: one per CPU).  The configuration's timeout,
    retries and start-of-run stale cleanup apply.  ``process`` succeeds by
    returning None or True; False, a non-zero int or an exception is that
    file's failure (the exception is kept in its result), never the batch's.
    Ctrl-C cancels the files not started and raises KeyboardInterrupt once
    the running ones finish."""
    cfg = config or LockConfig.defaults()
    b = ctypes.c_void_p()
    n.check(n.lib.fl_batch_new(ctypes.byref(b), cfg._ptr))
    batch = n.Owned(b.value, n.lib.fl_batch_free)
    n.check(n.lib.fl_batch_set_workers(batch.ptr, workers))
    n.check(n.lib.fl_batch_set_skip_locked(batch.ptr, int(skip_locked)))
    n.check(n.lib.fl_batch_set_stop_on_failure(batch.ptr, int(stop_on_failure)))

    raised: Dict[bytes, BaseException] = {}

    def call(path: bytes, _user) -> int:
        try:
            r = process(Path(os.fsdecode(path)))
        except BaseException as exc:  # the file's failure, never a crash in C
            raised[path] = exc
            return 1
        if r is None or r is True:
            return 0
        if r is False:
            return 1
        try:
            return int(r)
        except Exception:
            return 0

    cb = n.PROCESS_CB(call)
    encoded = [n.encode(p) for p in paths]
    arr = (ctypes.c_char_p * len(encoded))(*encoded)
    out = ctypes.POINTER(n.BatchResults)()
    status = {}

    def run() -> None:
        status["rc"] = n.lib.fl_batch_run(batch.ptr, arr, len(encoded), cb, None, ctypes.byref(out))
        status["msg"] = n.last_message()

    worker = threading.Thread(target=run, name="libfilelock-batch")
    worker.start()
    try:
        while worker.is_alive():
            worker.join(0.05)
    except BaseException:
        n.lib.fl_batch_cancel(batch.ptr)
        worker.join()
        if out:
            n.lib.fl_batch_results_free(out)
        raise
    if status["rc"] != n.OK:
        raise LockError(status["msg"], status["rc"])
    try:
        r = out.contents
        res = BatchResults(wall_time=r.wall_us / 1e6)
        for k in range(r.count):
            f = r.items[k].contents
            res.items.append(FileResult(
                path=Path(os.fsdecode(f.path)), status=STATUS_NAMES[f.status], code=f.code,
                attempts=f.attempts, lock_wait=f.lock_wait_us / 1e6, process_time=f.process_us / 1e6,
                message=f.message.decode("utf-8", "replace") if f.message else "",
                exception=raised.get(f.path)))
        return res
    finally:
        n.lib.fl_batch_results_free(out)
