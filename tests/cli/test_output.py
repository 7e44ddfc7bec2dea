"""Help, version, usage errors, configuration errors, colours (terminals
only, never with NO_COLOR), the progress bar, --quiet/--verbose, and file
names that would otherwise corrupt a terminal or a JSON document."""
import json
import os
import pty
import re
import subprocess
import sys

from cliutil import (BIN, DEAD_PID, HOUR_MS, Holder, LIMIT, Tap, check, config, env, eq, fl, fl_json, no_escapes, now_ms, write_record)

tap = Tap()
SUBCOMMANDS = ["status", "clean", "run", "wait", "info", "batch"]


def run_pty(args, cwd=None, extra_env=None):
    """Run with stdout and stderr on a pseudo-terminal; returns (status, text)."""
    master, slave = pty.openpty()
    p = subprocess.Popen([BIN, *args], cwd=cwd, stdin=subprocess.DEVNULL, stdout=slave,
                         stderr=slave, env=env(**(extra_env or {})))
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:  # EIO: the other side is closed
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    return p.wait(timeout=LIMIT), b"".join(chunks).decode("utf-8", "replace")


def stale_tree(tmp):
    write_record(os.path.join(tmp, "a.lock"), DEAD_PID, acquired_ms=now_ms() - 3 * HOUR_MS)
    return tmp


@tap.case
def help_documents_subcommands_and_exit_statuses(tmp):
    r = fl("--help")
    eq(r.returncode, 0, "exit")
    for word in SUBCOMMANDS + ["EXIT STATUS", "75", "71", "64", "NO_COLOR", "--config"]:
        check(word in r.stdout, "--help lacks " + word)
    for sub in SUBCOMMANDS:
        r = fl(sub, "--help")
        eq(r.returncode, 0, sub)
        check("EXIT STATUS" in r.stdout and "--config" in r.stdout, sub + " --help")
    check("128+N" in fl("run", "--help").stdout, "run documents signal statuses")
    check('"stale_locks"' in fl("clean", "--help").stdout, "clean documents its JSON")
    check("locked_out" in fl("batch", "--help").stdout, "batch documents its JSON")


@tap.case
def man_page_documents_every_option(tmp):
    man = os.environ.get("FL_TEST_MAN")
    if not man:
        from cliutil import Skip
        raise Skip("FL_TEST_MAN not set")
    with open(man) as f:
        text = f.read().replace("\\-", "-")
    for sub in [""] + SUBCOMMANDS:
        r = fl(*([sub] if sub else []), "--help")
        for opt in set(re.findall(r"--[a-z][a-z-]*[a-z]", r.stdout)):
            check(opt in text, "filelock.1 does not mention %s (%s)" % (opt, sub or "global"))
    for code in ("64", "66", "70", "71", "75", "78", "126", "127"):
        check(".B %s\n" % code in text, "exit status %s not in the man page" % code)


@tap.case
def version(tmp):
    r = fl("--version")
    eq(r.returncode, 0, "exit")
    check(r.stdout.startswith("filelock 1."), r.stdout)


@tap.case
def usage_errors_exit_64(tmp):
    for args in ([], ["bogus"], ["status", "--bogus"], ["status", "--max-depth", "x"],
                 ["-q", "-v", "status"], ["wait"], ["info"], ["status", "--max-age-hours", "-1"]):
        r = fl(*args, cwd=tmp)
        eq(r.returncode, 64, "%r: %s" % (args, r.stderr))
        check(r.stderr.startswith("filelock"), "message on stderr: %r" % r.stderr)
        eq(r.stdout, "", "nothing on stdout")


@tap.case
def configuration_errors_exit_78(tmp):
    bad = os.path.join(tmp, "bad.yaml")
    cases = {"missing": None, "syntax": "file_locking: [1, 2\n",
             "unknown key": "file_locking:\n  timeout_secs: 3\n",
             "bad value": "file_locking:\n  timeout_seconds: soon\n"}
    for what, text in cases.items():
        path = os.path.join(tmp, "missing.yaml") if text is None else bad
        if text is not None:
            with open(bad, "w") as f:
                f.write(text)
        r = fl("--config", path, "status", "-d", tmp)
        eq(r.returncode, 78, what + ": " + r.stderr)
        check(path in r.stderr, what + ": message names the file: " + r.stderr)
    r = fl("status", "-d", tmp, extra_env={"FILELOCK_STALE_THRESHOLD_HOURS": "lots"})
    eq(r.returncode, 78, "bad environment: " + r.stderr)


@tap.case
def no_colour_without_a_terminal(tmp):
    stale_tree(tmp)
    for args in (["status", "-d", tmp], ["clean", "--dry-run", "-d", tmp],
                 ["info", os.path.join(tmp, "a.lock")], ["run", "-t", "0", tmp, "--", "true"],
                 ["batch", os.path.join(tmp, "x"), "--", "false"]):
        r = fl(*args)
        no_escapes(r.stdout, r.stderr)


@tap.case
def colour_on_a_terminal_unless_no_color(tmp):
    stale_tree(tmp)
    rc, out = run_pty(["status", "-d", tmp])
    eq(rc, 0, "exit")
    check("\x1b[31mstale\x1b[0m" in out, "stale in red on a terminal: %r" % out)
    rc, out = run_pty(["status", "-d", tmp], extra_env={"NO_COLOR": "1"})
    eq(rc, 0, "exit")
    check("stale" in out, out)
    no_escapes(out)
    rc, out = run_pty(["run", "-t", "0", tmp, "--", "true"], extra_env={"NO_COLOR": "1"})
    eq(rc, 64, "a directory as FILE")
    no_escapes(out)


@tap.case
def progress_bar_only_on_a_terminal(tmp):
    files = [os.path.join(tmp, "f%d" % i) for i in range(3)]
    rc, out = run_pty(["batch", *files, "--", "true"])
    eq(rc, 0, "exit")
    check("[##############################] 3/3 files" in out, "bar: %r" % out)
    r = fl("batch", *files, "--", "true")
    eq(r.returncode, 0, "exit")
    check("files" not in r.stderr and "#" not in r.stderr, "no bar: %r" % r.stderr)
    rc, out = run_pty(["--quiet", "batch", *files, "--", "true"])
    check("#" not in out, "no bar with --quiet: %r" % out)


@tap.case
def quiet_and_verbose(tmp):
    stale_tree(tmp)
    r = fl("status", "-d", tmp, "--quiet")
    eq(len(r.stdout.splitlines()), 2, "table only: " + r.stdout)
    r = fl("status", "-d", tmp, "-v")
    check("a.lock: stale: not held" in r.stdout, "verbose shows reasons: " + r.stdout)
    r = fl("-v", "run", os.path.join(tmp, "f"), "--", "true")
    check("holding exclusive lock" in r.stderr, r.stderr)
    r = fl("run", os.path.join(tmp, "g"), "--", "true")
    eq(r.stderr, "", "silent by default")


@tap.case
def hostile_file_names(tmp):
    evil = "evil\x1b]0;pwned\x07\x1b[2J.lock"
    write_record(os.path.join(tmp, evil), DEAD_PID)
    write_record(os.path.join(tmp.encode(), b"bad\xff.lock"), DEAD_PID)
    r = fl("status", "-d", tmp)
    eq(r.returncode, 0, r.stderr)
    no_escapes(r.stdout, r.stderr)
    check("evil?]0;pwned??[2J" in r.stdout and "bad?" in r.stdout, r.stdout)
    entries = json.loads(subprocess.run([BIN, "status", "--json", "-d", tmp], capture_output=True,
                                        timeout=LIMIT, env=env()).stdout.decode("utf-8"))
    names = sorted(os.path.basename(e["lock_file"]) for e in entries["locks"])
    eq(names, ["bad\ufffd.lock", evil], "names in JSON")


@tap.case
def every_json_output_follows_the_schema(tmp):
    from cliutil import validate
    import jsonschema
    t = os.path.join(tmp, "t")
    write_record(os.path.join(tmp, "old.lock"), DEAD_PID, acquired_ms=now_ms() - 3 * HOUR_MS)
    with open(os.path.join(tmp, "Cargo.lock"), "w") as f:
        f.write("[[package]]\n")
    os.mkfifo(os.path.join(tmp, "pipe.lock"))
    cfg = config(tmp, timeout_seconds=0, retry_attempts=0)
    docs = []
    with Holder(t):
        for args in (["status", "-d", tmp], ["locks", "-d", tmp], ["info", t + ".lock"],
                     ["clean", "--dry-run", "-d", tmp], ["locks", "--clean-stale", "-n", "-d", tmp],
                     ["--config", cfg, "batch", t, os.path.join(tmp, "u"), "--", "true"],
                     ["config", "show"]):
            r = fl(*args, "--json") if args[0] != "--config" else fl(*args[:3], "--json", *args[3:])
            check(r.returncode in (0, 1, 75), "%s: %d %s" % (args, r.returncode, r.stderr))
            doc = json.loads(r.stdout)
            eq(doc.get("schema"), 1, "%s: schema" % args)
            check(validate(doc), "python3-jsonschema is needed to check the schema")
            docs.append(doc)
    eq([d["command"] for d in docs], ["status", "locks", "info", "clean", "locks", "batch", "config show"],
       "commands")
    eq(docs[0]["summary"]["total"], len(docs[0]["locks"]), "summary counts the locks")
    bad = dict(docs[0])
    del bad["summary"]
    try:
        validate(bad)
        raise AssertionError("a status document without its summary passed")
    except jsonschema.ValidationError:
        pass


sys.exit(tap.run())
