"""Shared fixtures: the helper programs of the C test suite (a C holder) and
the filelock CLI, found through the build directory the runner names."""
import os
import subprocess
import sys
import time

import pytest

BUILD = os.environ.get("LIBFILELOCK_BUILD", "")


def _tool(rel):
    p = os.path.join(BUILD, rel)
    return p if BUILD and os.access(p, os.X_OK) else None


LOCKER = _tool("tests/support/locker")
CLI = _tool("cli/filelock")


class Holder:
    """A real process holding a lock until stopped; it says "held <pid>"."""

    def __init__(self, argv):
        self.p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.line = self.p.stdout.readline().strip()

    def stop(self):
        if self.p.poll() is None:
            self.p.stdin.close()
            self.p.wait(timeout=60)


@pytest.fixture
def holder():
    made = []

    def make(argv):
        h = Holder(argv)
        made.append(h)
        return h

    yield make
    for h in made:
        if h.p.poll() is None:
            h.p.kill()
            h.p.wait()


PY_HOLD = r"""
import sys, libfilelock, libfilelock.compat as c
kind, path = sys.argv[1], sys.argv[2]
lock = libfilelock.FileLock(path) if kind == "seed" else c.FileLock(path)
lock.acquire()
print("held", flush=True)
sys.stdin.read()
lock.release()
"""


@pytest.fixture
def py_holder(holder):
    def make(kind, path):
        return holder([sys.executable, "-c", PY_HOLD, kind, str(path)])
    return make
