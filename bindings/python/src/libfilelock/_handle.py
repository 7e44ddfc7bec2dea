"""One fl_lock handle, with waits that Ctrl-C can interrupt.

A wait on the main thread runs in slices of at most SLICE_MS: between two
slices Python runs its signal handlers, so SIGINT raises KeyboardInterrupt
within a slice.  Inside a slice the C library waits event-driven (inotify),
so a release wakes the waiter at once whatever the slice length.  Other
threads never see KeyboardInterrupt and wait in one call.  An exception that
escapes between the C acquire and its bookkeeping releases what was taken:
no lock is ever left held behind an exception.
"""
from __future__ import annotations

import ctypes
import os
import threading
import time

from . import _log
from . import _native as n

SLICE_MS = 50


class Handle:
    """fl_lock plus the options it was made with."""

    def __init__(self, path, *, explicit: bool = False, shared: bool = False,
                 remove_on_release: "bool | None" = None, write_record: bool = True,
                 file_mode: "int | None" = None, create_mode: "int | None" = None,
                 deadlock_check: bool = True, defer_path_errors: bool = False,
                 poll_interval_s: float = 0.5, tag: str = "", lock_dir: str = "",
                 cancel: "n.Owned | None" = None, options: "n.Owned | None" = None) -> None:
        self.ptr = None
        self.pid = os.getpid()
        opts = options or n.new_options()
        o = opts.ptr
        n.check(n.lib.fl_options_set_poll_interval_ms(o, max(1, min(3600000, int(poll_interval_s * 1000)))))
        n.check(n.lib.fl_options_set_shared(o, int(shared)))
        if remove_on_release is not None:
            n.check(n.lib.fl_options_set_remove_on_release(o, int(remove_on_release)))
        n.check(n.lib.fl_options_set_write_record(o, int(write_record)))
        if file_mode is not None:
            n.check(n.lib.fl_options_set_file_mode(o, file_mode))
        if create_mode is not None:
            n.check(n.lib.fl_options_set_create_mode(o, create_mode))
        n.check(n.lib.fl_options_set_deadlock_check(o, int(deadlock_check)))
        n.check(n.lib.fl_options_set_defer_path_errors(o, int(defer_path_errors)))
        if tag:
            n.check(n.lib.fl_options_set_tag(o, tag.encode()))
        if lock_dir:
            n.check(n.lib.fl_options_set_lock_dir(o, n.encode(lock_dir)))
        self.cancel = cancel or n.new_cancel()
        n.check(n.lib.fl_options_set_cancel(o, self.cancel.ptr))
        p = ctypes.c_void_p()
        make = n.lib.fl_lock_new_file if explicit else n.lib.fl_lock_new
        rc = make(ctypes.byref(p), n.encode(path), o)
        if rc != n.OK:
            raise n.NativeError(rc, n.last_message(), n.lib.fl_last_os_error())
        self.ptr = p.value
        self.lock_path = os.fsdecode(n.lib.fl_lock_path(self.ptr))
        # A backend with a queue (etcd): a wait must not be cut into slices,
        # since each slice's end would leave the queue (handle_wait below).
        self.queued = self.lock_path.startswith(("etcd://", "etcds://"))
        self.error: "tuple[str, int] | None" = None

    def held(self) -> bool:
        return self.ptr is not None and n.lib.fl_lock_is_held(self.ptr) == 1

    def acquire(self, timeout_ms: int) -> int:
        """FL_OK or a negative code (message: error_message())."""
        self.error = None
        if timeout_ms == 0 or threading.current_thread() is not threading.main_thread():
            return self._guarded(timeout_ms)
        if self.queued:
            return self._queued_wait(timeout_ms)
        deadline = None if timeout_ms < 0 else time.monotonic() + timeout_ms / 1000.0
        try:
            while True:
                slice_ms = SLICE_MS
                if deadline is not None:
                    slice_ms = max(0, min(slice_ms, int((deadline - time.monotonic()) * 1000)))
                rc = self._guarded(slice_ms)
                if rc not in (n.ETIMEDOUT, n.EBUSY):
                    return rc
                if deadline is not None and time.monotonic() >= deadline:
                    return n.ETIMEDOUT
                _log.state.repeat_wait = True  # one "waiting for" per wait, not per slice
        finally:
            _log.state.repeat_wait = False

    def error_message(self) -> str:
        """The message of the last failed acquire() (read on the thread that
        failed), else the library's last message on this thread."""
        return self.error[0] if self.error else n.last_message()

    def _queued_wait(self, timeout_ms: int) -> int:
        """One wait on a helper thread, so that Ctrl-C in the main thread is
        seen within SLICE_MS: it fires the handle's cancel, which ends the
        wait (and leaves the queue)."""
        out = []

        def wait():
            rc = n.lib.fl_acquire(self.ptr, timeout_ms)
            out.append((rc, n.last_message(), n.lib.fl_last_os_error()))

        t = threading.Thread(target=wait, name="libfilelock-wait", daemon=True)
        t.start()
        try:
            while t.is_alive():
                t.join(SLICE_MS / 1000.0)
        except BaseException:
            n.lib.fl_cancel_fire(self.cancel.ptr)
            t.join()
            n.lib.fl_cancel_reset(self.cancel.ptr)
            if out and out[0][0] == n.OK:
                n.lib.fl_release(self.ptr)
            raise
        rc, message, _ = out[0]
        if rc != n.OK:
            self.error = (message, out[0][2])
        return rc

    def _guarded(self, timeout_ms: int) -> int:
        before = n.lib.fl_lock_is_held(self.ptr) == 1
        try:
            rc = n.lib.fl_acquire(self.ptr, timeout_ms)
            if _log.interrupted:  # Ctrl-C that landed in a log callback during the wait
                _log.interrupted.clear()
                raise KeyboardInterrupt
            return rc
        except BaseException:
            # Raised after the C call returned and before the caller could
            # record the lock: give back what this call took.
            if not before and n.lib.fl_lock_is_held(self.ptr) == 1:
                n.lib.fl_release(self.ptr)
            raise

    def release(self) -> int:
        return n.lib.fl_release(self.ptr) if self.ptr else n.OK

    def close(self) -> None:
        ptr, self.ptr = self.ptr, None
        if ptr:
            try:
                n.lib.fl_lock_free(ptr)  # in a forked child: closes only
            except Exception:
                pass

    def __del__(self) -> None:
        self.close()
