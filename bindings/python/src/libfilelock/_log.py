"""The C library's messages, routed to the Python logger ``libfilelock``."""
from __future__ import annotations

import logging
import threading

from . import _native as n

logger = logging.getLogger("libfilelock")

_TO_PY = {0: logging.DEBUG, 1: logging.DEBUG, 2: logging.INFO, 3: logging.WARNING, 4: logging.ERROR}


# A KeyboardInterrupt that lands while a message is being logged (the
# callback runs on the waiting thread) would be swallowed by ctypes; it is
# kept here instead and raised by the wait once the C call returns.
interrupted = []

# A wait on the main thread is several C waits in a row (_handle.py); the
# library logs "waiting for ..." at the start of each, and only the first is
# news.  The wait sets this for the rest of its slices.
class _State(threading.local):
    repeat_wait = False


state = _State()


def _emit(level: int, message: bytes, _user) -> None:
    try:
        text = message.decode("utf-8", "replace")
        if state.repeat_wait and text.startswith("waiting for "):
            return
        logger.log(_TO_PY.get(level, logging.ERROR), "%s", text)
    except KeyboardInterrupt:
        interrupted.append(True)
    except Exception:  # never let a logging failure unwind into C
        pass


_CALLBACK = n.LOG_CB(_emit)  # kept alive for the library's lifetime
n.lib.fl_log_set_callback(_CALLBACK, None)


def set_log_level(level: int) -> None:
    """Set the ``libfilelock`` logger's level and what the C library sends
    it (messages below the level are never formatted in C)."""
    logger.setLevel(level)
    n.lib.fl_log_set_level(_c_level(level))


def _c_level(level: int) -> int:
    if level <= logging.DEBUG:
        return 1
    if level <= logging.INFO:
        return 2
    if level <= logging.WARNING:
        return 3
    return 4


n.lib.fl_log_set_level(_c_level(logger.getEffectiveLevel()))
