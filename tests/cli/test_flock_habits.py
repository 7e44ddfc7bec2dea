"""`filelock run` with flock(1)'s flags, checked against flock(1) itself on
the same files: exclusion both ways, and the same exit statuses where the
meaning is the same."""
import os
import shutil
import subprocess
import sys

from cliutil import BIN, LIMIT, Holder, Skip, Tap, check, env, eq, fl

tap = Tap()
FLOCK = shutil.which("flock")


class FlockHolder:
    """flock(1) holding PATH (with its flags) until release()."""

    def __init__(self, path, *flags):
        if not FLOCK:
            raise Skip("flock(1) is not installed (util-linux)")
        self.proc = subprocess.Popen([FLOCK, *flags, path, "sh", "-c", "echo ready; cat >/dev/null"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        eq(self.proc.stdout.readline().strip(), "ready", "flock(1) holder")

    def release(self):
        self.proc.stdin.close()
        self.proc.stdout.close()
        return self.proc.wait(timeout=LIMIT)


def flock(*args):
    return subprocess.run([FLOCK, *args], capture_output=True, text=True, timeout=LIMIT).returncode


@tap.case
def busy_and_timeout_exit_like_flock(tmp):
    p = os.path.join(tmp, "job.lock")
    h = FlockHolder(p)
    try:
        for flags in (["-n"], ["-n", "-E", "3"], ["-w", "0.1"], ["-w", "0.1", "-E", "9"]):
            want = flock(*flags, p, "true")
            got = fl("run", *flags, p, "true")
            eq(got.returncode, want, "filelock run %s vs flock %s" % (flags, flags))
        eq(fl("run", "-t", "0", p, "true").returncode, 75, "filelock's own --timeout keeps 75")
        eq(fl("run", "-t", "0", "-E", "5", p, "true").returncode, 5, "-E applies to --timeout too")
    finally:
        h.release()
    eq(fl("run", "-n", p, "true").returncode, 0, "free again")


@tap.case
def a_filelock_holder_excludes_flock(tmp):
    p = os.path.join(tmp, "job.lock")
    with Holder(p):
        eq(flock("-n", p, "true"), 1, "flock -n on the file filelock holds")
    check(not os.path.exists(p + ".lock"), "a FILE ending in .lock is locked itself")
    check(os.path.exists(p), "and kept")
    other = os.path.join(tmp, "queue")
    with Holder("", "--lock-file", other):
        eq(flock("-n", other, "true"), 1, "--lock-file PATH is PATH itself")
    target = os.path.join(tmp, "data.csv")
    with Holder(target, "--keep"):
        eq(flock("-n", target + ".lock", "true"), 1, "a target's kept lock file")


@tap.case
def shared_and_exclusive_agree_with_flock(tmp):
    p = os.path.join(tmp, "s.lock")
    h = FlockHolder(p, "-s")
    try:
        eq(fl("run", "-s", "-n", p, "true").returncode, flock("-s", "-n", p, "true"), "shared beside flock -s")
        eq(fl("run", "-x", "-n", p, "true").returncode, flock("-x", "-n", p, "true"), "exclusive beside flock -s")
        eq(fl("run", "-x", "-n", p, "true").returncode, 1, "exclusive is refused")
    finally:
        h.release()
    with Holder(p, "-s"):
        eq(flock("-s", "-n", p, "true"), 0, "flock -s beside filelock -s")
        eq(flock("-x", "-n", p, "true"), 1, "flock -x beside filelock -s")


@tap.case
def command_forms_and_statuses_match_flock(tmp):
    p = os.path.join(tmp, "c.lock")
    for args in (["-c", "exit 7"], ["sh", "-c", "exit 9"], ["-o", "sh", "-c", "exit 4"]):
        want = flock(p, *args) if args[0] != "-o" else flock("-o", p, *args[1:])
        got = fl("run", p, *args).returncode if args[0] != "-o" else fl("run", "-o", p, *args[1:]).returncode
        eq(got, want, "status of %s" % args)
    r = fl("run", p, "echo", "no", "dashes", "needed")
    eq((r.returncode, r.stdout), (0, "no dashes needed\n"), "COMMAND without --")
    r = fl("run", p, "--", "echo", "-n", "x")
    eq((r.returncode, r.stdout), (0, "x"), "-- still accepted")
    r = fl("run", "-c", "echo $0", p)
    eq((r.returncode, r.stdout.strip()), (0, "/bin/sh"), "-c before FILE, through /bin/sh")


@tap.case
def no_record_locks_any_regular_file_untouched(tmp):
    p = os.path.join(tmp, "data.json")
    with open(p, "w") as f:
        f.write('{"a": 1}\n')
    eq(fl("run", "--lock-file", p, "true").returncode, 71, "a record would overwrite it: refused")
    eq(fl("run", "--no-record", "--lock-file", p, "true").returncode, 0, "--no-record")
    with open(p) as f:
        eq(f.read(), '{"a": 1}\n', "untouched")
    if FLOCK:
        h = FlockHolder(p)
        try:
            eq(fl("run", "-n", "--no-record", "--lock-file", p, "true").returncode, 1, "and excluded by flock")
        finally:
            h.release()


@tap.case
def conflicting_flags_are_usage_errors(tmp):
    p = os.path.join(tmp, "u.lock")
    eq(fl("run", "-s", "-x", p, "true").returncode, 64, "-s -x")
    eq(fl("run", "-n", "-w", "1", p, "true").returncode, 64, "-n -w")
    eq(fl("run", "-w", "1", "-t", "1", p, "true").returncode, 64, "-w -t")
    eq(fl("run", "--lock-file", p, p, "--", "true").returncode, 64, "FILE and --lock-file")
    eq(fl("run", "-E", "300", p, "true").returncode, 64, "-E out of range")
    r = fl("run", "-w", "soon", p, "true")
    eq(r.returncode, 64, "bad -w")


sys.exit(tap.run())
