"""The filelock tool on the etcd backend: --backend on run, wait, status,
info and batch, the configuration keys, the fencing token given to
COMMAND, and a COMMAND stopped when the lease is lost."""
import json
import os
import signal
import subprocess
import sys
import time

from cliutil import BIN, Tap, env, fl, validate
from cluster import Cluster

T = Tap()
C = None


def start(*args, extra_env=None):
    return subprocess.Popen([BIN, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env(**(extra_env or {})))


def wait_for_file(path, limit=30):
    end = time.monotonic() + limit
    while not os.path.exists(path):
        assert time.monotonic() < end, "%s never appeared" % path
        time.sleep(0.01)


def status_json(url, *names):
    p = fl("status", "--backend", url, "--json", *names)
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    validate(doc)
    return doc


@T.case
def run_excludes_across_processes_and_gives_the_fencing_token(tmp):
    url = C.url("run")
    flag = os.path.join(tmp, "holding")
    holder = start("run", "--backend", url, "job", "--", "sh", "-c",
                   'echo "$FILELOCK_FENCING_TOKEN" > %s.tmp && mv %s.tmp %s && sleep 30' % (flag, flag, flag))
    wait_for_file(flag)
    t1 = int(open(flag).read())
    busy = fl("run", "--backend", url, "-n", "job", "true")
    assert busy.returncode == 1 and "held by pid" in busy.stderr, busy.stderr
    holder.send_signal(signal.SIGTERM)
    holder.wait(timeout=30)
    p = fl("run", "--backend", url, "job", "--", "sh", "-c", 'echo "$FILELOCK_FENCING_TOKEN"')
    assert p.returncode == 0, p.stderr
    assert int(p.stdout) > t1
    assert "FILELOCK_FENCING_TOKEN" not in p.stderr  # no unknown-variable warning


@T.case
def status_and_info_list_holder_and_waiters_in_queue_order(tmp):
    url = C.url("st")
    flag = os.path.join(tmp, "holding")
    holder = start("run", "--backend", url, "--tag", "first", "q", "--", "sh", "-c",
                   "touch %s && sleep 30" % flag)
    wait_for_file(flag)
    waiter = start("run", "--backend", url, "q", "--", "true")
    end = time.monotonic() + 30
    while len(status_json(url)["locks"]) < 2:
        assert time.monotonic() < end
        time.sleep(0.01)
    doc = status_json(url)
    assert doc["backend"] == url
    states = [(l["state"], l["pid"]) for l in doc["locks"]]
    assert states == [("held", holder.pid), ("waiting", waiter.pid)], states
    a, b = doc["locks"]
    assert a["fencing_token"] < b["fencing_token"] and a["tag"] == "first"
    assert 0 < a["lease_ttl_seconds"] <= 10
    assert doc["summary"]["held"] == 1 and doc["summary"]["waiting"] == 1
    assert [l["target"] for l in status_json(url, "q")["locks"]] == ["q", "q"]
    assert status_json(url, "other")["locks"] == []
    text = fl("status", "--backend", url)
    assert text.returncode == 0 and "1 held, 1 waiting" in text.stdout and "token" in text.stdout, text.stdout
    info = fl("info", "--backend", url, "q", "--json")
    assert info.returncode == 0, info.stderr
    j = json.loads(info.stdout)
    validate(j)
    assert j["pid"] == holder.pid and len(j["queue"]) == 2
    human = fl("info", "--backend", url, "q")
    assert "this key holds the lock" in human.stdout and "queue" in human.stdout, human.stdout
    holder.send_signal(signal.SIGTERM)
    holder.wait(timeout=30)
    assert waiter.wait(timeout=30) == 0
    gone = fl("info", "--backend", url, "q")
    assert gone.returncode == 66 and "not locked" in gone.stderr, gone.stderr
    names = fl("status", "-d", tmp, "q")
    assert names.returncode == 64, names.stderr


@T.case
def wait_returns_when_the_holder_leaves(tmp):
    url = C.url("wait")
    flag = os.path.join(tmp, "holding")
    holder = start("run", "--backend", url, "w", "--", "sh", "-c", "touch %s && sleep 0.5" % flag)
    wait_for_file(flag)
    assert fl("wait", "--backend", url, "-t", "0", "w").returncode == 75
    p = fl("wait", "--backend", url, "-t", "30", "w")
    assert p.returncode == 0, p.stderr
    assert holder.wait(timeout=30) == 0


@T.case
def batch_locks_each_name_on_etcd(tmp):
    url = C.url("batch")
    files = ["a", "b", "c", "d"]
    p = fl("batch", "--backend", url, "-j", "2", "--json", *files, "--", "sh", "-c", "test -n \"$FILELOCK_FENCING_TOKEN\" || true; echo {}")
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    validate(doc)
    assert [f["status"] for f in doc["files"]] == ["done"] * 4, doc
    assert status_json(url)["locks"] == []


@T.case
def the_backend_comes_from_the_configuration_too(tmp):
    url = C.url("cfg")
    cfg = os.path.join(tmp, "c.yaml")
    with open(cfg, "w") as f:
        f.write("file_locking:\n  backend: %s\n  lease_ttl_seconds: 3\n" % url)
    flag = os.path.join(tmp, "holding")
    holder = start("--config", cfg, "run", "x", "--", "sh", "-c", "touch %s && sleep 30" % flag)
    wait_for_file(flag)
    locks = status_json(url)["locks"]
    assert len(locks) == 1 and locks[0]["lease_ttl_seconds"] <= 3
    assert not os.path.exists(os.path.join(tmp, "x.lock"))
    holder.send_signal(signal.SIGTERM)
    holder.wait(timeout=30)
    bad = fl("run", "x", "true", extra_env={"FILELOCK_BACKEND": "etcd://h:99999/p"})
    assert bad.returncode == 78 and "bad etcd backend URL" in bad.stderr, bad.stderr
    bad = fl("run", "--backend", "zk://h/p", "x", "true")
    assert bad.returncode == 64 and "not part of this build" in bad.stderr, bad.stderr
    down = fl("run", "--backend", "etcd://127.0.0.1:9/p", "-t", "2", "x", "true")
    assert down.returncode == 69 and "unavailable" in down.stderr, down.stderr


@T.case
def a_lost_lease_stops_the_command(tmp):
    url = C.url("lost")
    flag = os.path.join(tmp, "holding")
    holder = start("run", "--backend", url, "l", "--", "sh", "-c", "touch %s && exec sleep 60" % flag,
                   extra_env={"FILELOCK_LEASE_TTL_SECONDS": "2"})
    wait_for_file(flag)
    holder.send_signal(signal.SIGSTOP)   # filelock itself; COMMAND runs on
    end = time.monotonic() + 30
    while status_json(url)["locks"]:      # etcd expires the lease
        assert time.monotonic() < end
        time.sleep(0.1)
    holder.send_signal(signal.SIGCONT)
    out, err = holder.communicate(timeout=30)
    assert holder.returncode == 75 and "was lost" in err, err


if __name__ == "__main__":
    with Cluster(1) as C:
        rc = T.run()
    sys.exit(rc)
