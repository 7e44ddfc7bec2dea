"""libfilelock.compat: py-filelock's FileLock contract; libfilelock.asyncio."""
import asyncio
import errno
import logging
import os
import pickle
import subprocess
import sys
import threading
import time

import pytest

import libfilelock
from libfilelock.asyncio import AsyncFileLock
from libfilelock.compat import FileLock, Timeout, UnixFileLock


def test_locks_the_named_file_keeps_it_and_writes_nothing(tmp_path):
    p = tmp_path / "new" / "dir" / "job.lock"  # parents are created
    lock = FileLock(p)
    assert not p.exists(), "nothing on disk before acquire"
    with lock as same:
        assert same is lock and lock.is_locked and lock.lock_counter == 1
        assert p.exists() and p.read_bytes() == b""
        assert not (tmp_path / "new" / "dir" / "job.lock.lock").exists()
    assert p.exists(), "kept on release (py-filelock's Unix habit)"
    assert not lock.is_locked


def test_flock_tool_sees_the_same_lock(tmp_path):
    p = tmp_path / "job.lock"
    with FileLock(p):
        assert subprocess.run(["flock", "-n", str(p), "true"]).returncode != 0
    assert subprocess.run(["flock", "-n", str(p), "true"]).returncode == 0


def test_reentrant_counter_and_forced_release(tmp_path):
    lock = FileLock(tmp_path / "a")
    with lock.acquire() as l1:
        assert l1 is lock
        lock.acquire()
        assert lock.lock_counter == 2
        lock.release()
        assert lock.is_locked
    assert not lock.is_locked
    lock.acquire()
    lock.acquire()
    lock.release(force=True)
    assert not lock.is_locked and lock.lock_counter == 0


def test_timeout_exception_contract(tmp_path):
    p = str(tmp_path / "a")
    with FileLock(p):
        with pytest.raises(Timeout) as exc:
            FileLock(p, timeout=0.05).acquire()
    e = exc.value
    assert isinstance(e, TimeoutError) and isinstance(e, libfilelock.LockError)
    assert str(e) == f"The file lock '{p}' could not be acquired."
    assert repr(e) == f"Timeout({p!r})"
    back = pickle.loads(pickle.dumps(e))
    assert back.lock_file == p and str(back) == str(e)


def test_deadlock_only_for_an_unlimited_same_thread_wait(tmp_path):
    p = tmp_path / "a"
    with FileLock(p):
        with pytest.raises(Timeout):
            FileLock(p, timeout=0.05).acquire()
        with pytest.raises(Timeout):
            FileLock(p, blocking=False).acquire()
        with pytest.raises(RuntimeError, match="Deadlock"):
            FileLock(p).acquire()
        got = []
        t = threading.Thread(target=lambda: got.append(FileLock(p, timeout=0.05).acquire))
        t.start()
        t.join()


def test_native_os_errors(tmp_path):
    with pytest.raises(IsADirectoryError):
        FileLock(str(tmp_path)).acquire()
    with pytest.raises(FileNotFoundError):
        FileLock("").acquire()
    with pytest.raises(ValueError, match="embedded null"):
        FileLock("a\0b").acquire()
    (tmp_path / "ro").mkdir()
    (tmp_path / "ro" / "x").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(OSError) as exc:
        FileLock(tmp_path / "ro" / "x").acquire()
    assert exc.value.errno == errno.ELOOP
    assert not (tmp_path / "elsewhere").exists()


def test_singleton_and_thread_local(tmp_path):
    p = tmp_path / "a"
    a = FileLock(p, is_singleton=True)
    assert FileLock(p, is_singleton=True) is a
    with pytest.raises(ValueError, match="differing arguments"):
        FileLock(p, timeout=3, is_singleton=True)
    shared = FileLock(tmp_path / "b", thread_local=False)
    shared.acquire()
    seen = []
    t = threading.Thread(target=lambda: seen.append(shared.is_locked))
    t.start()
    t.join()
    assert seen == [True]
    shared.release()
    local = FileLock(tmp_path / "c")
    local.acquire()
    t = threading.Thread(target=lambda: seen.append(local.is_locked))
    t.start()
    t.join()
    assert seen[-1] is False
    local.release()


def test_decorator_and_logger_records(tmp_path, caplog):
    lock = FileLock(tmp_path / "a")
    caplog.set_level(logging.DEBUG, logger="filelock")

    @lock
    def body():
        assert lock.is_locked

    body()
    msgs = [r.getMessage() for r in caplog.records if r.name == "filelock"]
    lid, path = id(lock), lock.lock_file
    assert msgs == [f"Attempting to acquire lock {lid} on {path}", f"Lock {lid} acquired on {path}",
                    f"Attempting to release lock {lid} on {path}", f"Lock {lid} released on {path}"]


def test_fork_inherited_lock_reads_unlocked_and_never_releases(tmp_path):
    p = tmp_path / "a"
    lock = FileLock(p)
    lock.acquire()
    pid = os.fork()
    if pid == 0:
        code = 0 if not lock.is_locked else 1
        lock.release()
        lock.__del__()
        try:  # the child's own new lock waits for the parent like any process
            FileLock(p, timeout=0.05).acquire()
            code = 2
        except Timeout:
            pass
        os._exit(code)
    _, st = os.waitpid(pid, 0)
    assert os.WEXITSTATUS(st) == 0
    assert subprocess.run(["flock", "-n", str(p), "true"]).returncode != 0, "parent still holds"
    lock.release()


def test_cancel_check(tmp_path):
    p = tmp_path / "a"
    calls = []
    with FileLock(p):
        def t():
            with pytest.raises(Timeout):
                FileLock(p).acquire(poll_interval=0.01, cancel_check=lambda: calls.append(1) or len(calls) > 2)
        th = threading.Thread(target=t)
        th.start()
        th.join(30)
    assert len(calls) == 3


def test_async_with_and_cancellation_never_holds(tmp_path):
    p = tmp_path / "a"

    async def main():
        lock = AsyncFileLock(p)
        async with lock:
            assert lock.is_locked
            other = AsyncFileLock(p, thread_local=False)
            task = asyncio.create_task(other.acquire())
            ticks = 0
            for _ in range(5):  # the loop is not blocked while it waits
                await asyncio.sleep(0.01)
                ticks += 1
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            assert not other.is_locked
            assert ticks == 5
        assert not lock.is_locked
        with pytest.raises(Timeout):
            async with AsyncFileLock(p, timeout=0):
                async with AsyncFileLock(p, timeout=0.05):
                    pass

    asyncio.run(main())


def test_mixed_python_front_ends_exclude_each_other(tmp_path, py_holder):
    p = tmp_path / "job.lock"
    h = py_holder("compat", p)
    assert h.line == "held"
    with pytest.raises(Timeout):
        FileLock(p, timeout=0.05).acquire()
    h.stop()
    with FileLock(p, timeout=5):
        pass
