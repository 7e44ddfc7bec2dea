"""The etcd backend through the Python API: the ``backend`` key of a
LockConfig, fencing tokens, check(), and the errors; against a member this
module starts (skipped where etcd is not installed)."""
import os
import shutil
import sys

import pytest

import libfilelock
from libfilelock import FileLock, LockConfig, LockError
from libfilelock import _native as n

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


@pytest.fixture(scope="module")
def etcd_url():
    if not shutil.which("etcd"):
        pytest.skip("etcd is not installed")
    sys.path.insert(0, os.path.join(ROOT, "tests", "etcd"))
    from cluster import Cluster
    with Cluster(1) as c:
        yield c.url("py")


def config(url, **keys):
    cfg = LockConfig.defaults(use_env=False)
    cfg.set("backend", url)
    for k, v in keys.items():
        cfg.set(k, v)
    return cfg


def test_holders_get_growing_fencing_tokens(etcd_url, tmp_path):
    cfg = config(etcd_url, lease_ttl_seconds=5)
    a = FileLock("py-job", config=cfg)
    with a:
        t1 = a.fencing_token()
        assert t1 > 0
        a.check()
        assert a.is_locked
    assert not a.is_locked
    assert not (tmp_path / "py-job.lock").exists() and not os.path.exists("py-job.lock")
    b = FileLock("py-job", config=cfg)
    with b:
        assert b.fencing_token() > t1
    with pytest.raises(LockError) as e:
        b.fencing_token()
    assert e.value.code == n.EINVAL


def test_the_config_keys_read_back(etcd_url):
    cfg = config(etcd_url, lease_ttl_seconds=3)
    assert cfg.as_dict()["backend"] == etcd_url
    assert cfg.get_seconds("lease_ttl_seconds") == 3.0
    with pytest.raises(libfilelock.ConfigError):
        cfg.set("backend", "etcd://h:99999/x")


def test_an_unreachable_member_and_lock_files_without_tokens(etcd_url, tmp_path):
    down = FileLock("n", timeout=2, config=config("etcd://127.0.0.1:9/x"))
    with pytest.raises(LockError) as e:
        down.acquire()
    assert e.value.code == n.EUNAVAIL and "unavailable" in str(e.value)
    f = FileLock(tmp_path / "data.csv")
    with f:
        with pytest.raises(LockError) as e:
            f.fencing_token()
        assert e.value.code == n.ENOTSUP
        f.check()



def test_a_wait_keeps_its_place_in_the_queue(etcd_url):
    """The main thread's wait is one wait, not slices that would each leave
    and rejoin the queue: this process gets the lock when the holder (another
    process) lets go, ahead of a process that queued after it."""
    import select
    import subprocess
    import threading
    import time
    tool = os.path.join(os.environ.get("LIBFILELOCK_BUILD", ""), "tests", "etcd", "etcd_tool")
    if not os.access(tool, os.X_OK):
        pytest.skip("the build has no tests/etcd/etcd_tool")

    def serve():
        p = subprocess.Popen([tool, "serve", etcd_url, "queue"], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True, bufsize=1)
        assert p.stdout.readline().strip() == "ready"
        return p

    holder, later = serve(), serve()
    holder.stdin.write("acquire\n")
    assert holder.stdout.readline().startswith("acquire 0 ")

    def then():
        time.sleep(1.0)  # our wait has queued (20 of the old 50 ms slices ago)
        later.stdin.write("acquire\n")
        time.sleep(0.5)
        holder.stdin.write("release\n")

    q = threading.Thread(target=then)
    q.start()
    mine = FileLock("queue", timeout=30, config=config(etcd_url))
    mine.acquire()  # on the main thread: the queued path
    q.join()
    assert select.select([later.stdout], [], [], 0.3)[0] == []  # still waiting behind us
    mine.release()
    assert later.stdout.readline().startswith("acquire 0 ")
    for p in (holder, later):
        p.stdin.write("quit\n")
        p.stdin.close()
        p.wait(timeout=30)
