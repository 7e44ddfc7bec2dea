"""`filelock batch`: placeholders, exclusion between concurrent batches,
--skip-locked, waiting, per-file JSON results and the exit status."""
import json
import os
import subprocess
import sys
import time

from cliutil import (BIN, DEAD_PID, HOUR_MS, LIMIT, check, config, env, eq, fl, Holder, now_ms,
                     read, Tap, wait_for_file, write_record)

tap = Tap()


def files(tmp, n, prefix="f"):
    return [os.path.join(tmp, "%s%d" % (prefix, i)) for i in range(n)]


def start_batch(*args, extra_env=None):
    return subprocess.Popen([BIN, "batch", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env(**(extra_env or {})))


def finish(p, want):
    try:
        out, err = p.communicate(timeout=LIMIT)
    except subprocess.TimeoutExpired:
        p.kill()  # never leave a hung batch (and its children) behind
        p.communicate()
        raise
    eq(p.returncode, want, "batch exit: " + err)
    return json.loads(out)


def statuses(res):
    return [(os.path.basename(f["path"]), f["status"]) for f in res["files"]]


@tap.case
def placeholder_is_replaced_or_path_appended(tmp):
    fs = files(tmp, 3)
    r = fl("batch", "--json", *fs, "--", "sh", "-c", 'echo "x{}y" > "$1.out"', "sh", "{}")
    eq(r.returncode, 0, r.stderr)
    for f in fs:
        eq(read(f + ".out"), "x%sy\n" % f, "replaced inside an argument")
    r = fl("batch", "--json", *fs, "--", "sh", "-c", 'echo "$0" > "$0.app"')
    eq(r.returncode, 0, r.stderr)
    for f in fs:
        eq(read(f + ".app"), f + "\n", "appended")
    res = json.loads(r.stdout)
    eq(statuses(res), [(os.path.basename(f), "done") for f in fs], "results in input order")
    for key in ("exit_code", "error", "message", "attempts", "lock_wait_seconds",
                "process_seconds"):
        check(key in res["files"][0], "per-file key " + key)
    eq(res["summary"]["done"], 3, "summary")


@tap.case
def two_batches_never_work_on_one_file_at_once(tmp):
    fs = files(tmp, 4)
    log = os.path.join(tmp, "log")
    viol = os.path.join(tmp, "violations")
    script = ('set -C; if ! : > "$1.busy" 2>/dev/null; then echo "overlap $1" >> "$V"; fi; '
              'echo "in $R $1" >> "$L"; sleep 0.1; echo "out $R $1" >> "$L"; rm -f "$1.busy"')
    procs = [start_batch("--json", "--workers", "2", *fs, "--", "sh", "-c", script, "sh", "{}",
                         extra_env={"R": run, "L": log, "V": viol}) for run in ("A", "B")]
    for p in procs:
        res = finish(p, 0)
        eq(res["summary"]["done"], 4, "every file done by each batch")
    check(not os.path.exists(viol), "overlap: " + (read(viol) if os.path.exists(viol) else ""))
    inside = {}
    for line in read(log).splitlines():
        what, run, path = line.split(" ", 2)
        if what == "in":
            check(path not in inside, "%s entered %s while %s was in it" % (run, path, inside.get(path)))
            inside[path] = run
        else:
            eq(inside.pop(path), run, "exit of " + path)
    eq(len(read(log).splitlines()), 16, "2 batches x 4 files x in/out")


@tap.case
def skip_locked_never_waits(tmp):
    f0, f1, f2 = files(tmp, 3)
    gate_a, gate_b = os.path.join(tmp, "gate-a"), os.path.join(tmp, "gate-b")
    # A command that, for one chosen file, says it is in and waits for a gate.
    script = ('if [ "$1" = "$HOLD" ]; then touch "$1.in"; '
              'while [ ! -e "$GATE" ]; do sleep 0.02; done; fi')
    a = start_batch("--skip-locked", "--json", "-j", "1", f0, f1, "--", "sh", "-c", script,
                    "sh", "{}", extra_env={"HOLD": f0, "GATE": gate_a})
    wait_for_file(f0 + ".in")  # A holds f0 and waits
    b = start_batch("--skip-locked", "--json", "-j", "1", f0, f1, f2, "--", "sh", "-c", script,
                    "sh", "{}", extra_env={"HOLD": f1, "GATE": gate_b})
    wait_for_file(f1 + ".in")  # B skipped f0 at once and now holds f1
    open(gate_a, "w").close()  # A goes on to f1, which B holds: A must skip it
    res_a = finish(a, 0)
    eq(statuses(res_a), [("f0", "done"), ("f1", "skipped")], "A")
    check("lock busy" in res_a["files"][1]["message"], res_a["files"][1]["message"])
    eq(b.poll(), None, "B still holds f1")
    open(gate_b, "w").close()
    res_b = finish(b, 0)
    eq(statuses(res_b), [("f0", "skipped"), ("f1", "done"), ("f2", "done")], "B")
    eq(res_b["summary"]["skipped"], 1, "summary")
    eq(res_b["files"][0]["exit_code"], None, "a skipped file has no exit code")


@tap.case
def waiting_batch_runs_after_the_holder(tmp):
    f0, f1 = files(tmp, 2)
    marker = os.path.join(tmp, "holder-inside")
    with Holder(f0, before="touch " + marker, after="rm " + marker) as h:
        b = start_batch("--json", "--timeout", "60", f0, f1, "--", "sh", "-c",
                        '[ "$1" != "$F0" ] || [ ! -e "$M" ]', "sh", "{}",
                        extra_env={"M": marker, "F0": f0})
        time.sleep(0.3)
        eq(b.poll(), None, "batch finished while the holder held f0")
        eq(h.release(), 0, "holder exit")
    res = finish(b, 0)
    # The command itself fails if it ran while the holder was inside, so
    # "done" proves the order; how long the wait took is not asserted.
    eq(statuses(res), [("f0", "done"), ("f1", "done")], "both done")
    check(res["files"][0]["lock_wait_seconds"] >= 0, "lock wait reported")


@tap.case
def locked_out_gives_75(tmp):
    f0, f1 = files(tmp, 2)
    cfg = config(tmp, retry_attempts=1, retry_delay_seconds=0.1)
    with Holder(f0):
        res = finish(start_batch("--config", cfg, "--json", "-t", "0", f0, f1, "--", "true"), 75)
        eq(statuses(res), [("f0", "locked_out"), ("f1", "done")], "statuses")
        eq(res["files"][0]["attempts"], 2, "one try plus one retry")
        eq(res["summary"]["exit_status"], 75, "exit in the summary")
        r = fl("--config", cfg, "batch", "-t", "0", f0, "--", "true")
        eq(r.returncode, 75, r.stderr)
        check(any(l.split()[:2] == ["locked_out", f0] for l in r.stdout.splitlines()), r.stdout)
        check("0 done, 0 failed, 1 locked out, 0 skipped" in r.stdout, r.stdout)


@tap.case
def failures_give_1(tmp):
    fs = files(tmp, 3)
    script = '[ "$1" != "$BAD" ] || exit 3'
    res = finish(start_batch("--json", *fs, "--", "sh", "-c", script, "sh", "{}",
                             extra_env={"BAD": fs[1]}), 1)
    eq(statuses(res), [("f0", "done"), ("f1", "failed"), ("f2", "done")], "statuses")
    eq(res["files"][1]["exit_code"], 3, "exit code")
    r = fl("batch", *fs, "--", "sh", "-c", script, "sh", "{}", extra_env={"BAD": fs[1]})
    eq(r.returncode, 1, "exit")
    check(any(l.split()[:2] == ["failed", fs[1]] and l.endswith("status 3")
              for l in r.stdout.splitlines()), r.stdout)
    check(r.stdout.splitlines()[-1].startswith("batch: 3 files in ") and
          r.stdout.splitlines()[-1].endswith(": 2 done, 1 failed, 0 locked out, 0 skipped"),
          r.stdout)
    res = finish(start_batch("--json", fs[0], "--", "no-such-command-xyz"), 1)
    eq((res["files"][0]["status"], res["files"][0]["exit_code"]), ("failed", 127), "not found")


@tap.case
def stop_on_failure_cancels_the_rest(tmp):
    fs = files(tmp, 3)
    res = finish(start_batch("--json", "-j", "1", "--stop-on-failure", *fs, "--", "false"), 1)
    eq(statuses(res), [("f0", "failed"), ("f1", "cancelled"), ("f2", "cancelled")], "statuses")


@tap.case
def files_from_a_list(tmp):
    fs = files(tmp, 3)
    p = subprocess.run([BIN, "batch", "--json", "--files-from", "-", fs[0], "--", "true"],
                       input="\n".join(fs[1:]) + "\n", capture_output=True, text=True,
                       timeout=LIMIT, env=env())
    eq(p.returncode, 0, p.stderr)
    eq([f["path"] for f in json.loads(p.stdout)["files"]], fs, "paths")
    eq(fl("batch", "--", "true").returncode, 64, "no file")
    eq(fl("batch", fs[0], "true").returncode, 64, "no --")
    eq(fl("batch", "--files-from", os.path.join(tmp, "none"), "--", "true").returncode, 66,
       "missing list")


@tap.case
def start_cleans_stale_locks_per_config(tmp):
    stale = os.path.join(tmp, "old.lock")
    write_record(stale, DEAD_PID, acquired_ms=now_ms() - 3 * HOUR_MS)
    off = config(tmp, cleanup_stale_locks=False)
    eq(fl("--config", off, "batch", os.path.join(tmp, "f"), "--", "true").returncode, 0, "exit")
    check(os.path.exists(stale), "kept with cleanup_stale_locks: false")
    r = fl("batch", os.path.join(tmp, "f"), "--", "true")
    eq(r.returncode, 0, "exit")
    check(not os.path.exists(stale), "removed by default")
    check("removed 1 stale lock file: ./old.lock" in r.stderr, "one line says what: " + r.stderr)


sys.exit(tap.run())
