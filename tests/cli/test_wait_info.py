"""`filelock wait` and `filelock info`."""
import os
import subprocess
import sys
import time

from cliutil import (BIN, DEAD_PID, HOUR_MS, LIMIT, Holder, Tap, check, env, eq, fl, fl_json,
                     now_ms, write_record)

tap = Tap()


@tap.case
def wait_on_a_free_file_returns_at_once(tmp):
    t = os.path.join(tmp, "f")
    r = fl("wait", t)
    eq((r.returncode, r.stdout, r.stderr), (0, "", ""), "free, silent")
    check(not os.path.exists(t + ".lock"), "wait created nothing")
    write_record(t + ".lock", DEAD_PID)
    eq(fl("wait", "--timeout", "0", t).returncode, 0, "a lock file nobody holds is free")


@tap.case
def wait_times_out_with_75(tmp):
    t = os.path.join(tmp, "f")
    with Holder(t):
        r = fl("wait", "--timeout", "0", t)
        eq(r.returncode, 75, "timeout 0")
        check("still locked" in r.stderr, r.stderr)
        t0 = time.monotonic()
        eq(fl("wait", "-t", "0.3", t).returncode, 75, "timeout 0.3")
        check(0.25 <= time.monotonic() - t0 < 30, "waited about 0.3 s")


@tap.case
def wait_returns_when_the_holder_releases(tmp):
    t = os.path.join(tmp, "f")
    with Holder(t) as h:
        w = subprocess.Popen([BIN, "wait", "--timeout", "inf", t], env=env())
        time.sleep(0.3)
        eq(w.poll(), None, "returned while the lock was held")
        eq(h.release(), 0, "holder exit")
        eq(w.wait(timeout=LIMIT), 0, "wait exit")


@tap.case
def info_on_a_held_lock(tmp):
    t = os.path.join(tmp, "f")
    with Holder(t, "--tag", "job-42") as h:
        j = fl_json("info", "--json", t + ".lock")
        eq((j["pid"], j["held"], j["holder"], j["state"], j["stale"], j["tag"]),
           (h.pid, True, "alive", "held", False, "job-42"), "fields")
        for key in ("lock_file", "target", "host", "age_seconds", "reason", "acquired",
                    "boot_id", "start_token", "size_bytes", "threshold_hours"):
            check(key in j, "missing " + key)
        r = fl("info", t)  # a target: its lock file is looked up
        eq(r.returncode, 0, r.stderr)
        lines = r.stdout.splitlines()
        check(any(l.startswith("state") and l.split()[-1] == "held" for l in lines), r.stdout)
        check(any(l.startswith("pid") and l.split()[-1] == str(h.pid) for l in lines), r.stdout)
        check(any(l.startswith("reason") and "held now" in l for l in lines), r.stdout)


@tap.case
def info_explains_staleness(tmp):
    lock = os.path.join(tmp, "f.lock")
    write_record(lock, DEAD_PID, acquired_ms=now_ms() - 3 * HOUR_MS)
    j = fl_json("info", "--json", lock)
    eq((j["state"], j["stale"], j["holder"], j["held"]), ("stale", True, "dead", False), "1h")
    check("not running" in j["reason"], j["reason"])
    j = fl_json("info", "--json", "--max-age-hours", "10", lock)
    eq((j["state"], j["stale"]), ("free", False), "10h")
    check("threshold" in j["reason"], j["reason"])
    r = fl("info", lock)
    check("stale        yes (threshold 1h)" in r.stdout, r.stdout)
    check(os.path.exists(lock), "info removes nothing")


@tap.case
def info_errors(tmp):
    r = fl("info", os.path.join(tmp, "none.lock"))
    eq(r.returncode, 66, "missing lock file")
    check("not locked" in r.stderr, r.stderr)
    os.mkfifo(os.path.join(tmp, "p.lock"))
    r = fl("info", os.path.join(tmp, "p.lock"))
    eq(r.returncode, 71, "FIFO")
    check("FIFO" in r.stderr, r.stderr)
    with open(os.path.join(tmp, "g.lock"), "w") as f:
        f.write("garbage\n")
    j = fl_json("info", "--json", os.path.join(tmp, "g.lock"))
    eq((j["record_valid"], j["holder"], j["state"], j["pid"]), (False, "unknown", "unknown", None),
       "garbage")


sys.exit(tap.run())
