"""The original system's API (libfilelock), against real processes."""
import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

import libfilelock as L
from conftest import CLI, LOCKER


def test_version_is_the_library_version():
    assert L.__version__ == L.library_version()


def test_lock_file_beside_the_target_with_a_record_removed_on_release(tmp_path):
    target = tmp_path / "deck.pptx"
    with L.FileLock(target) as lock:
        assert lock.is_locked
        assert lock.lock_file == Path(str(target) + ".lock")
        assert lock.lock_file.read_text().split("\n")[0] == str(os.getpid())
        assert L.is_file_locked(target)
        assert L.get_lock_holder_pid(target) == os.getpid()
        assert L.get_lock_holder_pid(lock.lock_file) == os.getpid()
    assert not lock.lock_file.exists()
    assert not L.is_file_locked(target)
    lock.release()  # idempotent


def _hold_in_child(path, ready, done):
    with L.FileLock(path):
        ready.set()
        done.wait(60)


def test_exclusion_between_processes_and_timeout(tmp_path):
    target = tmp_path / "t"
    ctx = multiprocessing.get_context("spawn")
    ready, done = ctx.Event(), ctx.Event()
    p = ctx.Process(target=_hold_in_child, args=(str(target), ready, done))
    p.start()
    try:
        assert ready.wait(60)
        lock = L.FileLock(target, timeout=0.2)
        assert lock.acquire(blocking=False) is False
        with pytest.raises(L.LockError, match="Timeout"):
            lock.acquire()
        assert not lock.is_locked
        assert L.wait_for_lock_release(target, 0.1) is False
        done.set()
        assert L.wait_for_lock_release(target, 60) is True
        assert lock.acquire() is True
        lock.release()
    finally:
        done.set()
        p.join(60)


def test_threads_with_their_own_objects_exclude_each_other(tmp_path):
    target = tmp_path / "t"
    inside, overlaps = [0], [0]
    guard = threading.Lock()

    def work():
        for _ in range(50):
            with L.FileLock(target, timeout=60):
                with guard:
                    inside[0] += 1
                    if inside[0] > 1:
                        overlaps[0] += 1
                time.sleep(0.0005)
                with guard:
                    inside[0] -= 1

    ts = [threading.Thread(target=work) for _ in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert overlaps[0] == 0


@pytest.mark.skipif(LOCKER is None or CLI is None, reason="needs the build's locker and CLI")
def test_mixed_languages_exclude_each_other(tmp_path, holder, py_holder):
    target = tmp_path / "t"
    c = holder([LOCKER, "hold", str(target)])  # a C program
    assert c.line.startswith("held")
    assert L.FileLock(target).acquire(blocking=False) is False
    c.stop()
    py = py_holder("seed", target)  # Python holds: C and the CLI wait
    assert py.line == "held"
    r = subprocess.run([LOCKER, "hold", str(target), "timeout=0"], input="", capture_output=True, text=True)
    assert r.stdout.startswith("fail -1")
    r = subprocess.run([CLI, "run", "--timeout", "0", str(target), "--", "true"], capture_output=True, text=True)
    assert r.returncode == 75, r.stderr
    py.stop()
    r = subprocess.run([CLI, "run", "--timeout", "0", str(target), "--", "true"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_ctrl_c_during_a_wait_raises_promptly_and_leaves_nothing_held(tmp_path, py_holder):
    target = tmp_path / "t"
    h = py_holder("seed", target)
    assert h.line == "held"
    # The child says when its wait has begun: the library logs "waiting for"
    # (INFO) as it starts to wait, and the child prints that line.
    code = textwrap.dedent("""
        import logging, sys, libfilelock
        class Say(logging.Handler):
            def emit(self, record):
                if record.getMessage().startswith("waiting for"):
                    print("waiting", flush=True)
        logging.getLogger("libfilelock").addHandler(Say())
        libfilelock.set_log_level(logging.INFO)
        lock = libfilelock.FileLock(sys.argv[1], timeout=3600)
        try:
            lock.acquire()
            print("acquired", flush=True)
        except KeyboardInterrupt:
            print("interrupted", lock.is_locked, flush=True)
    """)
    w = subprocess.Popen([sys.executable, "-c", code, str(target)], stdout=subprocess.PIPE, text=True)
    assert w.stdout.readline().strip() == "waiting"
    w.send_signal(signal.SIGINT)
    assert w.stdout.readline().strip() == "interrupted False", "one 'waiting' per wait, then the interrupt"
    assert w.wait(60) == 0
    h.stop()


def test_monitor_and_cleanup_on_a_prepared_tree(tmp_path):
    dead = subprocess.Popen(["true"])
    dead.wait()
    old = "%d\nv=1\nhost=%s\nacquired=1000\n" % (dead.pid, os.uname().nodename)
    (tmp_path / "sub").mkdir()
    (tmp_path / "stale.lock").write_text(old)
    (tmp_path / "sub" / "deep.lock").write_text(old)
    (tmp_path / "Cargo.lock").write_text("version = 3\n")  # not ours
    live = L.FileLock(tmp_path / "live")
    live.acquire()
    try:
        assert L.get_locked_files(tmp_path) == [tmp_path / "live.lock"]
        assert L.is_lock_stale(tmp_path / "stale.lock", 1)
        assert not L.is_lock_stale(tmp_path / "live.lock", 0)
        info = L.get_lock_info(tmp_path / "stale.lock")
        assert info["holder"] == "dead" and info["pid"] == dead.pid and info["stale"]
        assert L.get_lock_age(tmp_path / "stale.lock") > 3600
        report = L.cleanup_stale_locks(tmp_path, max_age_hours=1)
        assert report["count"] == 2 and report["errors"] == []
        assert sorted(Path(i["lock_file"]).name for i in report["stale_locks"]) == ["deep.lock", "stale.lock"]
        assert (tmp_path / "Cargo.lock").read_text() == "version = 3\n"
        assert (tmp_path / "live.lock").exists()
    finally:
        live.release()


def test_print_lock_status(tmp_path, capsys):
    with L.FileLock(tmp_path / "a"):
        L.print_lock_status(tmp_path)
    out = capsys.readouterr().out
    assert "HELD" in out and "a.lock" in out


def test_config_errors_have_the_library_messages(tmp_path):
    cfg = tmp_path / "config.yaml"
    cfg.write_text("file_locking:\n  timeout_secnds: 5\n")
    with pytest.raises(L.ConfigError, match=r"config.yaml:2:3: unknown key 'timeout_secnds'.*did you mean 'timeout_seconds'"):
        L.load_config(cfg)
    cfg.write_text("file_locking:\n  timeout_seconds: 2.5\n  retry_attempts: 0\n")
    c = L.load_config(cfg, use_env=False)
    assert c.get_seconds("timeout_seconds") == 2.5
    assert c.get("retry_attempts") == "0"
    with pytest.raises(L.ConfigError, match="must be at most"):
        c.set("timeout_seconds", 10**9)
    with pytest.raises(FileNotFoundError):
        L.load_config(tmp_path / "missing.yaml")
    lock = L.FileLock(tmp_path / "t", config=c)
    assert lock.acquire()
    lock.release()


def test_batch_with_a_raising_callable(tmp_path):
    files = [tmp_path / f"f{i}" for i in range(6)]
    seen = []

    def work(p):
        seen.append(p)
        if p.name == "f3":
            raise ValueError("bad file")
        return None

    res = L.process_files(files, work, workers=2)
    by_name = {r.path.name: r for r in res.items}
    assert by_name["f3"].status == "failed"
    assert isinstance(by_name["f3"].exception, ValueError)
    assert all(by_name[f"f{i}"].status == "done" for i in (0, 1, 2, 4, 5))
    assert sorted(p.name for p in seen) == sorted(f.name for f in files)
    assert not any(Path(str(f) + ".lock").exists() for f in files)


def test_batch_skip_locked(tmp_path, py_holder):
    a, b = tmp_path / "a", tmp_path / "b"
    h = py_holder("seed", a)
    assert h.line == "held"
    res = L.process_files([a, b], lambda p: None, skip_locked=True)
    assert [r.status for r in res.items] == ["skipped", "done"]
    h.stop()


def test_logging_bridge(tmp_path, caplog, py_holder):
    import logging
    target = tmp_path / "t"
    h = py_holder("seed", target)
    assert h.line == "held"
    L.set_log_level(logging.INFO)
    try:
        with caplog.at_level(logging.INFO, logger="libfilelock"):
            with pytest.raises(L.LockError):
                L.FileLock(target, timeout=0.1).acquire()
        assert any("waiting for" in r.getMessage() for r in caplog.records if r.name == "libfilelock")
    finally:
        L.set_log_level(logging.WARNING)
        h.stop()


def test_fork_child_does_not_release_the_parent(tmp_path):
    target = tmp_path / "t"
    lock = L.FileLock(target)
    lock.acquire()
    pid = os.fork()
    if pid == 0:
        ok = not lock.is_locked
        lock.release()
        del lock
        os._exit(0 if ok else 1)
    _, st = os.waitpid(pid, 0)
    assert os.WEXITSTATUS(st) == 0
    assert lock.is_locked and L.is_file_locked(target)
    lock.release()


@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")
def test_finalizers_never_raise_for_half_built_objects(tmp_path):
    import gc
    import libfilelock.compat as compat
    with pytest.raises(L.LockError):
        L.FileLock(tmp_path)  # a directory is no target: the object is half built
    with pytest.raises(IsADirectoryError):
        compat.FileLock(tmp_path).acquire()
    lock = L.FileLock(tmp_path / "t")
    lock.acquire()
    del lock  # held when collected: released quietly
    gc.collect()
    assert not L.is_file_locked(tmp_path / "t")
