"""`filelock status` and `filelock clean` on a prepared tree holding one lock
file of every kind: held by a live `filelock run`, stale, young, PID reused,
holder alive, foreign host, garbage, symlink, FIFO, a `.lock` directory, and
one level further down."""
import os
import re
import sys

from cliutil import (DEAD_PID, HOUR_MS, Holder, Skip, Tap, check, eq, fl, fl_json,
                     now_ms, read, start_token, write_record)

tap = Tap()

# lock file (relative to the tree) -> state that status must report
EXPECTED = {
    "held.txt.lock": "held",
    "stale.txt.lock": "stale",
    "young.txt.lock": "free",
    "reused.txt.lock": "stale",
    "alive.txt.lock": "free",
    "foreign.txt.lock": "unknown",
    "garbage.txt.lock": "unknown",
    "link.txt.lock": "unknown",
    "pipe.txt.lock": "unknown",
    "dir.lock": "unknown",
    "dir.lock/inner.txt.lock": "stale",
    "sub/deep.txt.lock": "stale",
}
STALE = sorted(k for k, v in EXPECTED.items() if v == "stale")


def make_tree(tmp):
    """Returns (tree, holder).  The holder starts first: its own start-up
    cleanup must not see the fixtures."""
    tree = os.path.join(tmp, "tree")
    outside = os.path.join(tmp, "outside")
    os.makedirs(os.path.join(tree, "sub"))
    os.makedirs(outside)
    holder = Holder("held.txt", cwd=tree)
    old, me = now_ms() - 3 * HOUR_MS, os.getpid()
    p = lambda name: os.path.join(tree, name)
    write_record(p("stale.txt.lock"), DEAD_PID, acquired_ms=old)
    write_record(p("young.txt.lock"), DEAD_PID, acquired_ms=now_ms() - 10_000)
    write_record(p("reused.txt.lock"), me, start=start_token(me) + 1, acquired_ms=old)
    write_record(p("alive.txt.lock"), me, start=start_token(me), acquired_ms=old)
    write_record(p("foreign.txt.lock"), DEAD_PID, host="elsewhere.example", acquired_ms=old)
    with open(p("garbage.txt.lock"), "wb") as f:
        f.write(b"not a pid\n\x00\x01\x02")
    write_record(os.path.join(outside, "victim.lock"), DEAD_PID, acquired_ms=old)
    os.symlink(os.path.join(outside, "victim.lock"), p("link.txt.lock"))
    os.mkfifo(p("pipe.txt.lock"))
    os.mkdir(p("dir.lock"))
    write_record(p("dir.lock/inner.txt.lock"), DEAD_PID, acquired_ms=old)
    write_record(p("sub/deep.txt.lock"), DEAD_PID, acquired_ms=old)
    return tree, holder


def by_name(tree, entries):
    """status's locks (or clean's stale_locks) by their path below tree."""
    if isinstance(entries, dict):
        entries = entries["locks"]
    return {os.path.relpath(e["lock_file"], tree): e for e in entries}


def snapshot(tree):
    out = {}
    for d, dirs, files in os.walk(tree):
        for n in dirs + files:
            q = os.path.join(d, n)
            st = os.lstat(q)
            body = read(q) if os.path.isfile(q) and not os.path.islink(q) else None
            out[os.path.relpath(q, tree)] = (st.st_ino, st.st_mode, st.st_mtime_ns, body)
    return out


@tap.case
def status_json_reports_each_kind_of_lock_file(tmp):
    tree, holder = make_tree(tmp)
    with holder:
        got = by_name(tree, fl_json("status", "--json", "--directory", tree, "--max-age-hours", "2"))
        eq(sorted(got), sorted(EXPECTED), "lock files found")
        for name, state in EXPECTED.items():
            eq(got[name]["state"], state, name)
        eq(got["held.txt.lock"]["pid"], holder.pid, "held: recorded pid is the filelock process")
        eq(got["held.txt.lock"]["held"], True, "held flag")
        eq(got["held.txt.lock"]["holder"], "alive", "held holder")
        eq(got["stale.txt.lock"]["holder"], "dead", "stale holder")
        eq(got["reused.txt.lock"]["holder"], "dead", "reused PID counts as dead")
        eq(got["alive.txt.lock"]["holder"], "alive", "alive holder")
        eq(got["foreign.txt.lock"]["holder"], "unknown", "foreign holder")
        eq(got["foreign.txt.lock"]["host"], "elsewhere.example", "foreign host")
        eq(got["garbage.txt.lock"]["record_valid"], False, "garbage record")
        eq(got["link.txt.lock"]["held"], None, "symlink held is unknown")
        eq(got["link.txt.lock"]["kind"], "symlink", "symlink kind")
        eq(got["pipe.txt.lock"]["kind"], "FIFO", "fifo kind")
        eq(got["dir.lock"]["kind"], "directory", "dir kind")
        for e in got.values():
            for key in ("lock_file", "target", "pid", "host", "age_seconds", "held", "holder",
                        "stale", "reason", "state"):
                check(key in e, "%s lacks %s" % (e["lock_file"], key))
            check(isinstance(e["age_seconds"], (int, float)) and e["age_seconds"] >= 0, "age")
            check(isinstance(e["reason"], str) and e["reason"], "reason")
            eq(e["stale"], e["state"] == "stale", "stale flag of " + e["lock_file"])
        check(got["stale.txt.lock"]["age_seconds"] >= 3 * 3600 - 60, "stale age from acquired=")
        eq(got["stale.txt.lock"]["target"], os.path.join(tree, "stale.txt"), "target")


@tap.case
def status_table_and_summary(tmp):
    tree, holder = make_tree(tmp)
    with holder:
        r = fl("status", "--directory", tree, "--max-age-hours", "2")
        eq(r.returncode, 0, "exit")
        lines = r.stdout.splitlines()
        check(re.match(r"STATE\s+AGE\s+PID\s+HOST\s+TARGET\s+NOTE$", lines[0]), lines[0])
        rows = {}
        for line in lines[1:-1]:
            cols = line.split()
            target = next(c for c in cols if c.startswith(tree))
            rows[os.path.relpath(target, tree) + ".lock"] = cols[0]
        eq(rows, EXPECTED, "state column by lock file")
        held = next(l for l in lines if "held.txt" in l)
        check(str(holder.pid) in held.split(), "held row shows the pid: " + held)
        check(re.search(r"\b3h0[01]m\b", next(l for l in lines if "/stale.txt " in l + " ")),
              "age in human units")
        eq(lines[-1], "12 lock files under %s: 1 held, 4 stale, 2 free, 5 unknown "
                      "(stale after 2h)" % tree, "summary")


@tap.case
def status_changes_nothing(tmp):
    tree, holder = make_tree(tmp)
    with holder:
        before = snapshot(tree)
        eq(fl("status", "-d", tree, "--max-age-hours", "0").returncode, 0, "exit")
        eq(fl("status", "-d", tree, "--json").returncode, 0, "exit json")
        eq(snapshot(tree), before, "tree after status")


@tap.case
def status_max_depth_limits_the_walk(tmp):
    tree, holder = make_tree(tmp)
    with holder:
        got = by_name(tree, fl_json("status", "--json", "-d", tree, "--max-depth", "0"))
        want = sorted(n for n in EXPECTED if "/" not in n)
        eq(sorted(got), want, "depth 0")


@tap.case
def clean_dry_run_removes_nothing(tmp):
    tree, holder = make_tree(tmp)
    with holder:
        before = snapshot(tree)
        rep = fl_json("clean", "--dry-run", "--json", "-d", tree, "--max-age-hours", "2")
        eq(rep["count"], len(STALE), "count")
        eq(rep["dry_run"], True, "dry_run")
        eq(sorted(by_name(tree, rep["stale_locks"])), STALE, "would remove")
        eq(snapshot(tree), before, "tree after dry run")


@tap.case
def clean_removes_only_stale_locks(tmp):
    tree, holder = make_tree(tmp)
    with holder:
        rep = fl_json("clean", "--json", "--directory", tree, "--max-age-hours", "2")
        eq(rep["count"], len(STALE), "count")
        eq(rep["errors"], [], "errors")
        eq(sorted(by_name(tree, rep["stale_locks"])), STALE, "removed")
        for name in EXPECTED:
            eq(os.path.lexists(os.path.join(tree, name)), name not in STALE, "exists: " + name)
        victim = os.path.join(tmp, "outside", "victim.lock")
        check(read(victim).startswith("%d\n" % DEAD_PID), "symlink target untouched")
        eq(fl("wait", "--timeout", "0", os.path.join(tree, "held.txt")).returncode, 75,
           "held lock is still held")
        states = {e["state"] for e in fl_json("status", "--json", "-d", tree, "--max-age-hours", "2")["locks"]}
        check("stale" not in states, "no stale lock left")
        eq(holder.release(), 0, "holder exit")
        check(not os.path.exists(os.path.join(tree, "held.txt.lock")), "holder removed its lock")


@tap.case
def clean_human_report(tmp):
    tree, holder = make_tree(tmp)
    with holder:
        r = fl("clean", "--dry-run", "-d", tree, "--max-age-hours", "2")
        eq(r.returncode, 0, "exit")
        eq(len([l for l in r.stdout.splitlines() if l.startswith("would remove")]), 4, r.stdout)
        check("4 stale lock files would be removed under %s (stale after 2h); dry run, "
              "nothing removed" % tree in r.stdout, r.stdout)
        r = fl("clean", "-d", tree, "--max-age-hours", "2")
        eq(r.returncode, 0, "exit")
        removed = [l.split()[4] for l in r.stdout.splitlines() if l.startswith("removed ")]
        eq(sorted(os.path.relpath(x, tree) for x in removed), STALE, "removed lines")
        check("4 stale lock files removed under %s (stale after 2h)" % tree in r.stdout, r.stdout)
        r = fl("clean", "-d", tree, "--max-age-hours", "2")
        check("no stale lock files under %s" % tree in r.stdout, r.stdout)


@tap.case
def clean_threshold_is_honoured(tmp):
    tree, holder = make_tree(tmp)
    with holder:
        eq(fl_json("clean", "--json", "-d", tree, "--max-age-hours", "5")["count"], 0, "5h")
        rep = fl_json("clean", "--json", "-d", tree, "--max-age-hours", "0")
        eq(sorted(by_name(tree, rep["stale_locks"])), sorted(STALE + ["young.txt.lock"]), "0h")


@tap.case
def config_supplies_the_threshold(tmp):
    tree, holder = make_tree(tmp)
    cfg = os.path.join(tmp, "c.yaml")
    with open(cfg, "w") as f:
        f.write("other: 1\nfile_locking:\n  stale_threshold_hours: 5\n")
    with holder:
        got = by_name(tree, fl_json("--config", cfg, "status", "--json", "-d", tree))
        eq(got["stale.txt.lock"]["state"], "free", "3h old under a 5h threshold")
        got = by_name(tree, fl_json("status", "--config", cfg, "--json", "-d", tree,
                                    "--max-age-hours", "2"))
        eq(got["stale.txt.lock"]["state"], "stale", "explicit flag wins")
        eq(fl_json("clean", "--json", "--config", cfg, "-d", tree)["count"], 0, "clean under 5h")


def as_nobody():
    os.setgid(65534)
    os.setuid(65534)


@tap.case
def unreadable_subdirectory_is_reported(tmp):
    tree = os.path.join(tmp, "tree")
    os.makedirs(os.path.join(tree, "closed"))
    write_record(os.path.join(tree, "stale.txt.lock"), DEAD_PID, acquired_ms=now_ms() - 3 * HOUR_MS)
    write_record(os.path.join(tree, "closed", "x.lock"), DEAD_PID)
    os.chmod(os.path.join(tree, "closed"), 0)
    if os.geteuid() == 0:
        # chmod 000 does not stop root: run the tool as an unprivileged user.
        for p in (tmp, tree):
            os.chmod(p, 0o755)
        os.chmod(os.path.join(tree, "stale.txt.lock"), 0o666)
        os.chmod(tree, 0o777)
        try:
            r = fl("status", "--json", "-d", tree, preexec_fn=as_nobody)
        except (PermissionError, OSError) as e:
            raise Skip("running as root and cannot switch to uid 65534: %s" % e)
        if r.returncode == 126 or "ermission denied" in r.stderr and "closed" not in r.stderr:
            raise Skip("uid 65534 cannot run the binary here")
        c = fl("clean", "--json", "-d", tree, "--max-age-hours", "2", preexec_fn=as_nobody)
    else:
        r = fl("status", "--json", "-d", tree)
        c = fl("clean", "--json", "-d", tree, "--max-age-hours", "2")
    eq(r.returncode, 1, "status exit with an unreadable directory: " + r.stderr)
    check(os.path.join(tree, "closed") in r.stderr, "error names the directory: " + r.stderr)
    import json
    doc = json.loads(r.stdout)
    eq([os.path.basename(e["lock_file"]) for e in doc["locks"]], ["stale.txt.lock"],
       "the rest is still listed")
    check(doc["errors"] and doc["summary"]["errors"] == len(doc["errors"]), "the scan errors are in the JSON")
    eq(c.returncode, 1, "clean exit: " + c.stderr)
    rep = json.loads(c.stdout)
    eq(rep["count"], 1, "clean count")
    check(any("closed" in e["path"] for e in rep["errors"]), "clean errors: %r" % rep["errors"])
    os.chmod(os.path.join(tree, "closed"), 0o755)


@tap.case
def missing_directory_exits_66(tmp):
    for sub in ("status", "clean"):
        r = fl(sub, "-d", os.path.join(tmp, "nope"))
        eq(r.returncode, 66, sub + ": " + r.stderr)
        check("nope" in r.stderr, r.stderr)


sys.exit(tap.run())
