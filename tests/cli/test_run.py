"""`filelock run`: exclusion between processes, exit statuses, what the
command sees while it runs, shared and keep modes."""
import json
import os
import subprocess
import sys
import time

from cliutil import (BIN, DEAD_PID, HOUR_MS, LIMIT, check, config, env, eq, fl, fl_json, Holder,
                     now_ms, read, Tap, write_record)

tap = Tap()


@tap.case
def second_run_waits_for_the_first(tmp):
    log = os.path.join(tmp, "log")
    target = os.path.join(tmp, "data")
    with Holder(target, before="echo A-in >> " + log, after="echo A-out >> " + log):
        b = subprocess.Popen([BIN, "run", "--timeout", "60", target, "--",
                              "sh", "-c", "echo B-in >> " + log],
                             stderr=subprocess.PIPE, text=True, env=env())
        # B must still be waiting: give a broken B every chance to run early.
        time.sleep(0.5)
        eq(b.poll(), None, "B finished while A held the lock")
    eq(b.wait(timeout=LIMIT), 0, "B exit")
    eq(read(log).split(), ["A-in", "A-out", "B-in"], "order of entries")


@tap.case
def runs_in_loops_never_overlap(tmp):
    # Each command creates a marker with O_EXCL (noclobber): a second command
    # inside at the same time fails to create it and records the overlap.
    target = os.path.join(tmp, "data")
    body = ('set -C; if ! : > "$M" 2>/dev/null; then echo overlap >> "$V"; fi; '
            'i=0; while [ $i -lt 200 ]; do i=$((i+1)); done; echo x >> "$C"; rm -f "$M"')
    loop = ('n=0; while [ $n -lt 15 ]; do n=$((n+1)); '
            '"$BIN" run --timeout 60 "$T" -- sh -c \'%s\' || echo "fail $?" >> "$V"; done' % body)
    e = env(BIN=BIN, T=target, M=os.path.join(tmp, "marker"), V=os.path.join(tmp, "violations"),
            C=os.path.join(tmp, "count"))
    procs = [subprocess.Popen(["sh", "-c", loop], env=e) for _ in range(3)]
    for p in procs:
        eq(p.wait(timeout=240), 0, "loop exit")
    check(not os.path.exists(os.path.join(tmp, "violations")),
          "overlaps or failures: " + (read(os.path.join(tmp, "violations"))
                                      if os.path.exists(os.path.join(tmp, "violations")) else ""))
    eq(len(read(os.path.join(tmp, "count")).split()), 45, "commands run")
    check(not os.path.exists(target + ".lock"), "lock file removed at the end")


@tap.case
def exit_status_is_the_commands(tmp):
    t = os.path.join(tmp, "f")
    eq(fl("run", t, "--", "sh", "-c", "exit 0").returncode, 0, "0")
    eq(fl("run", t, "--", "sh", "-c", "exit 3").returncode, 3, "3")
    eq(fl("run", t, "--", "sh", "-c", "exit 75").returncode, 75, "75 passes through")
    eq(fl("run", t, "--", "sh", "-c", "kill -KILL $$").returncode, 128 + 9, "killed by SIGKILL")
    eq(fl("run", t, "--", "sh", "-c", "kill -TERM $$").returncode, 128 + 15, "killed by SIGTERM")
    check(not os.path.exists(t + ".lock"), "lock file removed")


@tap.case
def busy_lock_gives_75(tmp):
    t = os.path.join(tmp, "f")
    marker = os.path.join(tmp, "ran")
    with Holder(t) as h:
        r = fl("run", "--timeout", "0", t, "--", "touch", marker)
        eq(r.returncode, 75, "timeout 0: " + r.stderr)
        check(str(h.pid) in r.stderr, "message names the holder: " + r.stderr)
        t0 = time.monotonic()
        r = fl("run", "-t", "0.5", t, "--", "touch", marker)
        took = time.monotonic() - t0
        eq(r.returncode, 75, "timeout 0.5: " + r.stderr)
        check(0.45 <= took < 30, "waited %.2fs" % took)
        check(not os.path.exists(marker), "command did not run")


@tap.case
def config_timeout_is_the_default(tmp):
    t = os.path.join(tmp, "f")
    cfg = config(tmp, timeout_seconds=0.3)
    with Holder(t):
        t0 = time.monotonic()
        r = fl("--config", cfg, "run", t, "--", "true")
        eq(r.returncode, 75, r.stderr)
        check(time.monotonic() - t0 < 20, "used the config's 0.3 s, not 30 s")
        r = fl("run", "--config", cfg, "--timeout", "0", t, "--", "true")
        eq(r.returncode, 75, r.stderr)


@tap.case
def errors_have_their_own_statuses(tmp):
    t = os.path.join(tmp, "f")
    os.symlink(os.path.join(tmp, "elsewhere"), t + ".lock")
    r = fl("run", t, "--", "true")
    eq(r.returncode, 71, "symlink at the lock path: " + r.stderr)
    check("symlink" in r.stderr, r.stderr)
    check(os.path.islink(t + ".lock") and not os.path.exists(os.path.join(tmp, "elsewhere")),
          "symlink left alone, nothing created through it")
    g = os.path.join(tmp, "g")
    eq(fl("run", g, "--", "no-such-command-xyz").returncode, 127, "not found")
    eq(fl("run", g, "--", "/dev/null").returncode, 126, "not executable")
    eq(fl("run", os.path.join(tmp, "no", "dir", "f"), "--", "true").returncode, 66,
       "missing directory")
    eq(fl("run", tmp, "--", "true").returncode, 64, "a directory as FILE")
    eq(fl("run", g).returncode, 64, "no COMMAND")
    eq(fl("run", g, "--").returncode, 64, "nothing after --")
    eq(fl("run", g, "-c", "true", "--", "true").returncode, 64, "-c and a COMMAND")
    eq(fl("run", "--timeout", "soon", g, "--", "true").returncode, 64, "bad timeout")
    eq(fl("run", "--", "true").returncode, 64, "missing FILE")


@tap.case
def command_runs_under_the_lock_without_its_descriptor(tmp):
    t = os.path.join(tmp, "f")
    out = os.path.join(tmp, "out")
    script = ('"$BIN" wait --timeout 0 "$T" 2>/dev/null; echo "wait=$?" > "$O"; '
              '"$BIN" info --json "$T" >> "$O"; '
              'for fd in /proc/$$/fd/*; do readlink "$fd"; done > "$O.fds"; true')
    p = subprocess.Popen([BIN, "run", t, "--", "sh", "-c", script], env=env(BIN=BIN, T=t, O=out))
    eq(p.wait(timeout=LIMIT), 0, "exit")
    text = read(out)
    eq(text.splitlines()[0], "wait=75", "locked while the command runs")
    info = json.loads(text.split("\n", 1)[1])
    eq(info["pid"], p.pid, "record names the filelock process")
    eq(info["held"], True, "held")
    fds = read(out + ".fds").split()
    check(not any(x.endswith(".lock") for x in fds), "lock descriptor inherited: %r" % fds)


@tap.case
def keep_leaves_the_lock_file(tmp):
    t = os.path.join(tmp, "f")
    p = subprocess.Popen([BIN, "run", "--keep", "--tag", "nightly", t, "--", "true"], env=env())
    eq(p.wait(timeout=LIMIT), 0, "exit")
    check(os.path.exists(t + ".lock"), "kept")
    info = fl_json("info", "--json", t + ".lock")
    eq(info["pid"], p.pid, "pid")
    eq(info["held"], False, "not held")
    eq(info["holder"], "dead", "filelock has exited")
    eq(info["tag"], "nightly", "tag")
    eq(fl("run", t, "--", "true").returncode, 0, "a kept lock file does not block")


@tap.case
def shared_locks_coexist_and_exclude_writers(tmp):
    t = os.path.join(tmp, "f")
    with Holder(t, "--shared"):
        eq(fl("run", "--shared", "-t", "0", t, "--", "true").returncode, 0, "second reader")
        eq(fl("run", "-t", "0", t, "--", "true").returncode, 75, "writer excluded")
    eq(fl("run", "-t", "0", t, "--", "true").returncode, 0, "writer after readers")


@tap.case
def run_cleans_stale_locks_only_when_asked(tmp):
    stale = os.path.join(tmp, "old.lock")
    write_record(stale, DEAD_PID, acquired_ms=now_ms() - 3 * HOUR_MS)
    r = fl("run", os.path.join(tmp, "f"), "--", "true", cwd=tmp)
    eq(r.returncode, 0, "exit")
    check(os.path.exists(stale), "run removes nothing by default, as flock(1) users expect")
    os.makedirs(os.path.join(tmp, "elsewhere"))
    r = fl("run", "--clean-stale", os.path.join(tmp, "elsewhere", "f"), "--", "true", cwd=tmp)
    eq(r.returncode, 0, "exit")
    check(not os.path.exists(stale), "removed from the working directory with --clean-stale")
    check("removed 1 stale lock file: ./old.lock" in r.stderr, "one line says what: " + r.stderr)
    write_record(stale, DEAD_PID, acquired_ms=now_ms() - 3 * HOUR_MS)
    r = fl("-v", "run", "--clean-stale", os.path.join(tmp, "f"), "true", cwd=tmp)
    check("removed stale lock file ./old.lock" in r.stderr, "-v gives the reason too: " + r.stderr)
    write_record(stale, DEAD_PID, acquired_ms=now_ms() - 3 * HOUR_MS)
    r = fl("-q", "run", "--clean-stale", os.path.join(tmp, "f"), "true", cwd=tmp)
    eq(r.stderr, "", "-q: silent")


@tap.case
def disabled_locking_runs_without_a_lock(tmp):
    t = os.path.join(tmp, "f")
    cfg = config(tmp, enabled=False)
    with Holder(t):
        r = fl("--config", cfg, "run", "-t", "0", t, "--", "sh", "-c", "exit 4")
        eq(r.returncode, 4, "ran although the lock is held")
        check("disabled" in r.stderr, r.stderr)


@tap.case
def run_and_batch_read_timeouts_with_one_grammar(tmp):
    # 1.0 read `run --timeout 0x1` as one second and refused it in `batch`.
    t = os.path.join(tmp, "t")
    for bad in ("0x1", "5s", "-1.5"):
        r = fl("run", "--timeout", bad, t, "--", "true")
        eq(r.returncode, 64, "run --timeout %s: %s" % (bad, r.stderr))
        r = fl("batch", "--timeout", bad, t, "--", "true")
        eq(r.returncode, 64, "batch --timeout %s: %s" % (bad, r.stderr))
    eq(fl("run", "--timeout", "2.5", t, "--", "true").returncode, 0, "run 2.5")
    eq(fl("batch", "--timeout", "2.5", t, "--", "true").returncode, 0, "batch 2.5")
    eq(fl("run", "--timeout", "inf", t, "--", "true").returncode, 0, "run inf")


sys.exit(tap.run())
