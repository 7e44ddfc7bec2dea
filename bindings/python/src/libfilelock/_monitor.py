"""Monitor and cleanup: what the original lock_monitor and artifact_cleaner
offered, answered by the C library's scan and judgement."""
from __future__ import annotations

import ctypes
import datetime
import os
import sys
from pathlib import Path
from typing import Any, Dict, List

from . import _native as n

_HOLDER = {0: "unknown", 1: "alive", 2: "dead"}


def _s(b: "bytes | None") -> str:
    return b.decode("utf-8", "replace") if b else ""


def _info_dict(i: n.LockInfo) -> Dict[str, Any]:
    return {
        "lock_file": _s(i.lock_path),
        "target": _s(i.target_path) or None,
        "pid": i.pid or None,
        "host": _s(i.host) or None,
        "boot_id": _s(i.boot_id) or None,
        "start_token": i.start_token if i.start_token >= 0 else None,
        "acquired": datetime.datetime.fromtimestamp(i.acquired_ms / 1000.0).isoformat()
        if i.acquired_ms > 0 else None,
        "age_seconds": i.age_ms / 1000.0,
        "held": None if i.held < 0 else bool(i.held),
        "holder": _HOLDER.get(i.holder, "unknown"),
        "stale": bool(i.stale),
        "record_valid": bool(i.record_valid),
        "tag": _s(i.tag) or None,
        "reason": _s(i.reason),
        "size_bytes": i.size_bytes,
        "foreign": bool(i.foreign),
        "kind": _s(i.kind) or "regular file",
        "other_host": bool(i.other_host),
    }


def _read(lock_file, threshold_ms: int) -> Dict[str, Any]:
    out = ctypes.POINTER(n.LockInfo)()
    rc = n.lib.fl_lock_info_read(n.encode(lock_file), threshold_ms, ctypes.byref(out))
    if rc in (n.ENOENT, n.EPERM):
        raise n.os_error(rc, os.fspath(lock_file))
    n.check(rc)
    try:
        return _info_dict(out.contents)
    finally:
        n.lib.fl_lock_info_free(out)


def get_lock_info(lock_file: "str | os.PathLike[str]") -> Dict[str, Any]:
    """Everything about one lock file: pid, host, age, held, holder, stale
    (1 hour threshold), reason, ...  FileNotFoundError when it is gone."""
    return _read(lock_file, 3600000)


def get_lock_age(lock_file: "str | os.PathLike[str]") -> float:
    """Seconds since the lock was taken (the record's time, else mtime)."""
    age = ctypes.c_int64()
    rc = n.lib.fl_lock_age_ms(n.encode(lock_file), ctypes.byref(age))
    if rc == n.ENOENT:
        raise n.os_error(rc, os.fspath(lock_file))
    n.check(rc)
    return age.value / 1000.0


def is_lock_stale(lock_file: "str | os.PathLike[str]", threshold_hours: float = 1) -> bool:
    """Stale: older than the threshold, not held, holder dead on this host.
    A missing file is not stale."""
    rc = n.lib.fl_is_stale(n.encode(lock_file), int(threshold_hours * 3600000))
    if rc == n.ENOENT:
        return False
    return n.check(rc) == 1


def _scan(directory, threshold_ms: int, recursive: bool = True):
    so = _scan_options(threshold_ms, recursive)
    out = ctypes.POINTER(n.LockList)()
    n.check(n.lib.fl_scan(n.encode(directory), so.ptr, ctypes.byref(out)))
    try:
        lst = out.contents
        items = [_info_dict(lst.items[k].contents) for k in range(lst.count)]
        errors = [_s(lst.errors[k].contents.message) for k in range(lst.error_count)]
        return items, errors
    finally:
        n.lib.fl_lock_list_free(out)


def _scan_options(threshold_ms: int, recursive: bool) -> n.Owned:
    p = ctypes.c_void_p()
    n.check(n.lib.fl_scan_options_new(ctypes.byref(p)))
    so = n.Owned(p.value, n.lib.fl_scan_options_free)
    n.check(n.lib.fl_scan_options_set_recursive(so.ptr, int(recursive)))
    n.check(n.lib.fl_scan_options_set_stale_threshold_ms(so.ptr, threshold_ms))
    return so


def get_locked_files(directory: "str | os.PathLike[str]") -> List[Path]:
    """The lock files under ``directory`` that are held right now."""
    items, _ = _scan(directory, 3600000)
    return [Path(i["lock_file"]) for i in items if i["held"]]


def print_lock_status(directory: "str | os.PathLike[str]" = ".", file=None) -> None:
    """Print one line per lock file under ``directory``: state, pid, age."""
    file = file or sys.stdout
    items, errors = _scan(directory, 3600000)
    if not items:
        print(f"No lock files under {directory}", file=file)
    for i in items:
        state = "HELD" if i["held"] else ("STALE" if i["stale"] else "free")
        pid = i["pid"] if i["pid"] else "-"
        print(f"{state:6} pid {pid!s:>8}  age {i['age_seconds']:10.1f}s  {i['lock_file']}  ({i['reason']})",
              file=file)
    for e in errors:
        print(f"error: {e}", file=file)


def cleanup_stale_locks(base_dir: "str | os.PathLike[str]", max_age_hours: float = 1) -> Dict[str, Any]:
    """Remove stale lock files under ``base_dir`` (recursively), each only
    while holding its OS lock and after judging it again.  Returns
    ``{'count': int, 'stale_locks': [info dict], 'errors': [str]}``."""
    so = _scan_options(int(max_age_hours * 3600000), True)
    out = ctypes.POINTER(n.CleanReport)()
    rc = n.lib.fl_cleanup_stale_locks(n.encode(base_dir), so.ptr, ctypes.byref(out))
    if rc < 0:
        return {"count": 0, "stale_locks": [], "errors": [n.last_message()]}
    try:
        r = out.contents
        return {
            "count": r.count,
            "stale_locks": [_info_dict(r.stale_locks[k].contents) for k in range(r.stale_count)],
            "errors": [_s(r.errors[k].contents.message) for k in range(r.error_count)],
        }
    finally:
        n.lib.fl_clean_report_free(out)
