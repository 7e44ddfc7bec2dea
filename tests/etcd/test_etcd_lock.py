"""The etcd backend on one member: exclusion, queue order, fencing tokens,
crashed and paused holders, shared locks, fork, cancellation, errors."""
import os
import signal
import subprocess
import sys
import time

from cliutil import Tap
from cluster import Cluster, gateway
from etcdutil import LIMIT, TOOL, Client, check_log, loop_procs, wait_all

import base64

T = Tap()
C = None  # the member, started once for the file

FL_EBUSY, FL_ETIMEDOUT, FL_EINVAL, FL_ECANCELED, FL_ELOST, FL_EUNAVAIL = -1, -2, -5, -14, -15, -16


def keys(prefix):
    """The keys under `prefix` in create order (the queue)."""
    k = prefix.encode()
    end = k[:-1] + bytes([k[-1] + 1])
    r = gateway(C.members[0].endpoint, "kv/range",
                {"key": base64.b64encode(k).decode(), "range_end": base64.b64encode(end).decode(),
                 "sort_target": "CREATE", "sort_order": "ASCEND"})
    return [base64.b64decode(kv["key"]).decode() for kv in r.get("kvs", [])]


def wait_queued(prefix, n):
    end = time.monotonic() + LIMIT
    while len(keys(prefix)) < n:
        assert time.monotonic() < end, "queue never reached %d keys" % n
        time.sleep(0.005)


def expect_no_answer(client, seconds=0.3):
    """Nothing arrives from `client` for a while (it is still waiting)."""
    try:
        line = client.line(seconds)
    except TimeoutError:
        return
    raise AssertionError("client answered while it should wait: %r" % line)


@T.case
def many_processes_exclude_each_other_and_tokens_grow(tmp):
    log = os.path.join(tmp, "log")
    wait_all(loop_procs(C.url(), "job", 6, 40, log, hold_us=200))
    check_log(log, 6 * 40)


@T.case
def queued_waiters_get_the_lock_in_arrival_order(tmp):
    url = C.url("fifo")
    a = Client(url, "q")
    assert a.do("acquire")[0] == 0
    waiters = []
    for i in range(4):
        w = Client(url, "q")
        w.send("acquire")
        wait_queued("fifo/q/", i + 2)
        waiters.append(w)
    a.do("release")
    last = 0
    for i, w in enumerate(waiters):
        rc, token, _ = w.answer("acquire")
        assert rc == 0 and token > last
        last = token
        for later in waiters[i + 1:]:
            expect_no_answer(later, 0.05)
        w.do("release")
    for c in [a] + waiters:
        c.close()


@T.case
def a_killed_holder_passes_the_lock_on_within_its_ttl(tmp):
    url = C.url("crash")
    a = Client(url, "k", ttl_ms=2000)
    rc, ta, _ = a.do("acquire")
    assert rc == 0
    b = Client(url, "k", ttl_ms=2000)
    b.send("acquire")
    wait_queued("crash/k/", 2)
    killed = time.monotonic()
    a.signal(signal.SIGKILL)
    rc, tb, _ = b.answer("acquire")
    took = time.monotonic() - killed
    assert rc == 0 and tb > ta
    assert took < 2.0 + 1.0, "took %.2f s" % took  # the TTL plus one second, as documented
    b.close()
    a.p.wait()


@T.case
def a_paused_holder_loses_the_lock_and_its_fenced_write_is_refused(tmp):
    url = C.url("pause")
    store = os.path.join(tmp, "store")
    a = Client(url, "p", ttl_ms=2000)
    rc, ta, _ = a.do("acquire")
    assert rc == 0
    assert subprocess.run([TOOL, "fenced-write", store, str(ta), "a1"]).returncode == 0
    b = Client(url, "p", ttl_ms=2000)
    b.send("acquire")
    wait_queued("pause/p/", 2)
    a.signal(signal.SIGSTOP)
    rc, tb, _ = b.answer("acquire")  # a's lease expired while it slept
    assert rc == 0 and tb > ta
    assert subprocess.run([TOOL, "fenced-write", store, str(tb), "b1"]).returncode == 0
    a.signal(signal.SIGCONT)
    assert a.wait_lost() == ta                 # the callback, from the renewal thread
    assert a.do("held")[0] == 0
    assert a.do("check")[0] == FL_ELOST
    refused = subprocess.run([TOOL, "fenced-write", store, str(ta), "a2"], capture_output=True, text=True)
    assert refused.returncode == 3, refused
    rc, _, msg = a.do("release")
    assert rc == FL_ELOST and "lost" in msg, msg
    with open(store) as f:
        assert f.read().split() == [str(tb), "a1", "b1"]
    assert b.do("check")[0] == 0
    b.do("release")
    a.close()
    b.close()


@T.case
def check_and_token_answer_for_a_holder(tmp):
    url = C.url("check")
    a = Client(url, "c")
    assert a.do("check")[0] == FL_EINVAL      # not held
    rc, token, _ = a.do("acquire")
    assert rc == 0
    assert a.do("check")[0] == 0
    assert a.do("token")[:2] == (0, token)
    assert a.do("held")[0] == 1
    a.do("release")
    assert a.do("held")[0] == 0
    assert keys("check/") == []
    a.close()


@T.case
def a_release_whose_lease_is_already_gone_is_a_release(tmp):
    # A revoke that etcd applied before its member went away is retried on
    # another member, which no longer has the lease: the release is done.
    url = C.url("gone")
    a = Client(url, "g", "30000")  # renewals 10 s apart: none in between
    assert a.do("acquire")[0] == 0
    [key] = keys("gone/")
    gateway(C.members[0].endpoint, "lease/revoke", {"ID": str(int(key.rsplit("/", 1)[1], 16))})
    rc, _, msg = a.do("release")
    assert rc in (0, FL_ELOST), (rc, msg)  # FL_ELOST only had a renewal seen it first
    assert keys("gone/") == []
    a.close()


@T.case
def shared_holders_hold_together_and_exclude_a_writer(tmp):
    url = C.url("rw")
    r1, r2 = Client(url, "s", shared=True), Client(url, "s", shared=True)
    w = Client(url, "s")
    assert r1.do("acquire 0")[0] == 0
    assert r2.do("acquire 0")[0] == 0
    assert w.do("acquire 0")[0] == FL_EBUSY
    w.send("acquire")
    wait_queued("rw/s/", 3)
    r3 = Client(url, "s", shared=True)
    r3.send("acquire")                          # behind the waiting writer: waits too
    wait_queued("rw/s/", 4)
    r1.do("release")
    expect_no_answer(w, 0.2)
    r2.do("release")
    assert w.answer("acquire")[0] == 0
    expect_no_answer(r3, 0.2)
    w.do("release")
    assert r3.answer("acquire")[0] == 0
    for c in (r1, r2, w, r3):
        c.close()


@T.case
def a_forked_child_never_releases_the_parents_lock(tmp):
    url = C.url("fork")
    a = Client(url, "f")
    assert a.do("acquire")[0] == 0
    rc, status, _ = a.do("fork")
    assert status == 0, "the child's fl_release was not FL_EFORKED"
    assert a.do("check")[0] == 0
    b = Client(url, "f")
    assert b.do("acquire 0")[0] == FL_EBUSY
    a.do("release")
    assert b.do("acquire 0")[0] == 0
    a.close()
    b.close()


@T.case
def cancelling_a_wait_leaves_the_queue(tmp):
    url = C.url("cancel")
    a, b = Client(url, "x"), Client(url, "x")
    assert a.do("acquire")[0] == 0
    rc, _, msg = b.do("acquire-cancel 300")
    assert rc == FL_ECANCELED, msg
    assert len(keys("cancel/x/")) == 1
    rc, _, msg = b.do("acquire 200")
    assert rc == FL_ETIMEDOUT and "pid %d" % a.p.pid in msg, msg
    assert len(keys("cancel/x/")) == 1
    a.close()
    b.close()


@T.case
def names_that_share_a_beginning_are_different_locks(tmp):
    url = C.url("names")
    a, b, c = Client(url, "a"), Client(url, "a/b"), Client(url, "a%2Fb")
    for x in (a, b, c):
        assert x.do("acquire 0")[0] == 0
    assert len(keys("names/")) == 3
    for x in (a, b, c):
        x.close()


@T.case
def an_unreachable_service_is_a_clear_error_within_the_timeout(tmp):
    from cluster import free_port
    url = "etcd://127.0.0.1:%d,127.0.0.1:%d/x" % (free_port(), free_port())
    a = Client(url, "u")
    t = time.monotonic()
    rc, _, msg = a.do("acquire 5000")
    assert rc == FL_EUNAVAIL and "unavailable" in msg and "127.0.0.1" in msg, msg
    assert time.monotonic() - t < 5.0
    a.close()


@T.case
def bad_urls_and_ttls_are_refused(tmp):
    for url in ["etcd://", "etcd:///p", "etcd://h:99999/p", "etcd://h:1/p?foo=1", "etcds://h/p?cert=a",
                "etcd://h/p?cacert=x", "etcd://@h/p", "etcd://h:x/p", "etcd://h/p?key"]:
        p = subprocess.run([TOOL, "serve", url, "n"], capture_output=True, text=True, input="")
        assert p.returncode == 4 and "bad etcd backend URL" in p.stderr, (url, p.stderr)
    p = subprocess.run([TOOL, "serve", C.url(), "n", "500"], capture_output=True, text=True, input="")
    assert p.returncode == 2 and "lease TTL" in p.stderr, p.stderr
    p = subprocess.run([TOOL, "serve", "zk://h/p", "n"], capture_output=True, text=True, input="")
    assert p.returncode == 4 and "not part of this build" in p.stderr, p.stderr


if __name__ == "__main__":
    with Cluster(1) as C:
        rc = T.run()
    sys.exit(rc)
