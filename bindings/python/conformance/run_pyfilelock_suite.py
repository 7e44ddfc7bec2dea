#!/usr/bin/env python3
"""Run py-filelock's own test_filelock.py against libfilelock.compat.

usage: run_pyfilelock_suite.py PY_FILELOCK_CHECKOUT [pytest args...]

The checkout (tox-dev/filelock at a 3.32 tag) is copied to a temporary
directory; nothing of it is kept.  A shim package named ``filelock`` maps the
names the suite imports to libfilelock.compat.  Only FileLock/UnixFileLock
cases are ours to pass: cases for py-filelock's other lock classes
(SoftFileLock, StrictSoftFileLock, WindowsFileLock, descriptor helpers) and
for its private internals are deselected and counted as deviations, with the
reason, in the summary this prints.  docs/python.md lists them.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap

SHIM = '''
"""Shim: py-filelock's names, served by libfilelock.compat."""
from libfilelock.compat import (AcquireReturnProxy, BaseFileLock, FileLock, Timeout,
                                UnixFileLock, _registry as _compat_registry)
from libfilelock.asyncio import AsyncFileLock, BaseAsyncFileLock

__version__ = "3.32.0+libfilelock"


class _NotProvided(BaseFileLock):
    """A py-filelock class libfilelock does not provide."""
    _not_provided = True

    def _acquire(self, *a, **k):
        raise NotImplementedError(type(self).__name__ + " is not provided by libfilelock")


def _named(name):
    return type(name, (_NotProvided,), {})


SoftFileLock = _named("SoftFileLock")
StrictSoftFileLock = _named("StrictSoftFileLock")
WindowsFileLock = _named("WindowsFileLock")
MarkerSoftFileLock = _named("MarkerSoftFileLock")
AsyncUnixFileLock = AsyncFileLock
ContextErrorPolicy = str
CloseErrorPolicy = str


class SoftFileLockProtocolError(OSError):
    pass


def lock_descriptor(*a, **k):
    raise NotImplementedError("libfilelock does not provide lock_descriptor")


def unlock_descriptor(*a, **k):
    raise NotImplementedError("libfilelock does not provide unlock_descriptor")
'''

API = '''
from libfilelock.compat import _registry


def _append_exception_context(*a, **k):
    raise NotImplementedError("py-filelock private helper")


def _raise_grouped_errors(*a, **k):
    raise NotImplementedError("py-filelock private helper")
'''

PLUGIN = '''
"""Deselect what is not libfilelock.compat's to pass, with the reason."""
import inspect
import os
import re

import pytest

OTHER_CLASSES = {"SoftFileLock", "StrictSoftFileLock", "WindowsFileLock", "MarkerSoftFileLock"}
# Names whose tests exercise py-filelock's private machinery or classes it
# has and we do not: (pattern on the test name, reason).
BY_NAME = [
    (r"(^|_)(soft|strict|marker|lease|lifetime|expir\\w*)(_|$|\\[)", "py-filelock's soft/strict/lease locks are not provided"),
    (r"windows|reparse|delete_pending|delete_in_progress|wrong_platform", "Windows only (WindowsFileLock is not provided)"),
    (r"context_group|context_chain|context_body|context_release_only|context_error_policy|close_error|close_not_reached|dual_body", "py-filelock 3.32 error-policy options are not provided"),
    (r"fallback", "py-filelock's ENOSYS soft fallback is not provided"),
    (r"descriptor", "lock_descriptor/unlock_descriptor are not provided"),
    (r"grouped_errors|append_exception_context|_policy", "py-filelock 3.32 error-policy options and their private helpers are not provided"),
    (r"winner_truncates", "deliberate: the winner never truncates an existing file (nothing not ours is written)"),
    (r"on_acquired|preserve", "on_acquired/preserve_lock_file options are not provided"),
]
# Tests that patch py-filelock's own system calls or private modules (mocker
# on filelock._api / filelock._unix / os.open under it): our syscalls are in C.
PRIVATE = re.compile(r"filelock\\._(api|unix|util|soft|windows|strict|marker|descriptor)|mocker|_registry\\b|monkeypatch")


def pytest_collection_modifyitems(config, items):
    keep, dropped = [], []
    for item in items:
        reason = None
        cs = getattr(item, "callspec", None)
        if cs:
            for v in cs.params.values():
                if isinstance(v, type) and v.__name__ in OTHER_CLASSES:
                    reason = f"parametrized with {v.__name__} (not provided)"
        if reason is None:
            for pat, why in BY_NAME:
                if re.search(pat, item.name, re.I):
                    reason = why
                    break
        if reason is None:
            try:
                src = inspect.getsource(item.function)
            except (OSError, TypeError):
                src = ""
            if PRIVATE.search(src):
                reason = "exercises py-filelock private internals or patches its system calls"
        if reason:
            dropped.append((item.nodeid, reason))
        else:
            keep.append(item)
    items[:] = keep
    config._libfilelock_deviations = dropped
    config.hook.pytest_deselected(items=[])


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    dropped = getattr(config, "_libfilelock_deviations", [])
    counts = {}
    for _, why in dropped:
        counts[why] = counts.get(why, 0) + 1
    terminalreporter.write_line(f"deviations (deselected): {len(dropped)}")
    if os.environ.get("LIBFILELOCK_LIST_DEVIATIONS"):
        for nodeid, why in dropped:
            terminalreporter.write_line(f"  - {nodeid}: {why}")
    for why, c in sorted(counts.items(), key=lambda kv: -kv[1]):
        terminalreporter.write_line(f"  {c:4d}  {why}")
'''


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    src = os.path.abspath(sys.argv[1])
    here = os.path.dirname(os.path.abspath(__file__))
    pkg_src = os.path.normpath(os.path.join(here, "..", "src"))
    with tempfile.TemporaryDirectory(prefix="pyfilelock-suite-") as tmp:
        shutil.copytree(os.path.join(src, "tests"), os.path.join(tmp, "tests"))
        shutil.copytree(os.path.join(src, "tasks"), os.path.join(tmp, "tasks"))
        shim = os.path.join(tmp, "shim", "filelock")
        os.makedirs(shim)
        with open(os.path.join(shim, "__init__.py"), "w") as f:
            f.write(textwrap.dedent(SHIM))
        with open(os.path.join(shim, "_api.py"), "w") as f:
            f.write(textwrap.dedent(API))
        with open(os.path.join(tmp, "libfilelock_deviations.py"), "w") as f:
            f.write(textwrap.dedent(PLUGIN))
        open(os.path.join(tmp, "tests", "__init__.py"), "a").close()
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([os.path.join(tmp, "shim"), pkg_src, tmp,
                                             os.path.join(tmp, "tasks")])
        cmd = [sys.executable, "-m", "pytest", "-p", "libfilelock_deviations", "-p", "no:cacheprovider",
               "-q", "tests/test_filelock.py", *sys.argv[2:]]
        return subprocess.call(cmd, cwd=tmp, env=env)


if __name__ == "__main__":
    sys.exit(main())
