"""The command line as its users know it: the original tool's `locks`
command, "did you mean" for typos, --color."""
import json
import os
import re
import sys

from cliutil import DEAD_PID, HOUR_MS, Holder, Skip, Tap, check, eq, fl, now_ms, write_record

tap = Tap()


@tap.case
def locks_is_the_original_command(tmp):
    stale = os.path.join(tmp, "old.pptx.lock")
    write_record(stale, DEAD_PID, acquired_ms=now_ms() - 3 * HOUR_MS)
    with Holder(os.path.join(tmp, "deck.pptx")):
        r = fl("locks", "--directory", tmp)
        eq(r.returncode, 0, r.stderr)
        def ages_out(text):
            return re.sub(r" +", " ", re.sub(r"\b\d+ms\b", "AGE", text))
        eq(ages_out(r.stdout), ages_out(fl("status", "--directory", tmp).stdout), "locks = status")
        check("1 held, 1 stale" in r.stdout, r.stdout)
        r = fl("locks", "--clean-stale", "--max-age-hours", "4", "--directory", tmp)
        eq(r.returncode, 0, r.stderr)
        check(os.path.exists(stale), "younger than 4 hours: kept")
        r = fl("locks", "--clean-stale", "--max-age-hours", "2", "--directory", tmp)
        eq(r.returncode, 0, r.stderr)
        check(not os.path.exists(stale), "older than 2 hours: removed: " + r.stdout)
        check(os.path.exists(os.path.join(tmp, "deck.pptx.lock")), "the held one stays")
    r = fl("locks", cwd=tmp)
    eq(r.returncode, 0, "the default directory is the working directory")
    data = json.loads(fl("locks", "--json", "-d", tmp).stdout)
    check(isinstance(data, (list, dict)), "--json as for status")


@tap.case
def typos_get_a_suggestion(tmp):
    for args, want in ((["locsk"], "did you mean 'locks'?"),
                       (["staus"], "did you mean 'status'?"),
                       (["status", "--max-age-hour", "2"], "did you mean '--max-age-hours'?"),
                       (["run", "--nonblok", "f", "true"], "did you mean '--nonblock'?"),
                       (["--colour", "never", "status"], "did you mean '--color'?")):
        r = fl(*args, cwd=tmp)
        eq(r.returncode, 64, "%s: usage error" % args)
        check(want in r.stderr, "%s: %r" % (args, r.stderr))
    r = fl("frobnicate", cwd=tmp)
    eq(r.returncode, 64, "unknown command")
    check("unknown command 'frobnicate'" in r.stderr and "did you mean" not in r.stderr, r.stderr)


@tap.case
def color_always_and_never(tmp):
    write_record(os.path.join(tmp, "a.lock"), DEAD_PID, acquired_ms=now_ms() - 3 * HOUR_MS)
    r = fl("--color", "always", "status", "-d", tmp)
    check("\x1b[" in r.stdout, "always: colour even into a pipe")
    r = fl("--color", "never", "status", "-d", tmp)
    check("\x1b" not in r.stdout, "never")
    r = fl("--color", "always", "status", "-d", tmp, extra_env={"NO_COLOR": "1"})
    check("\x1b[" in r.stdout, "always beats NO_COLOR")
    eq(fl("--color", "sometimes", "status").returncode, 64, "a bad value")


def shown(tmp, *args, **env):
    r = fl(*args, "config", "show", "--json", cwd=tmp, extra_env=env)
    eq(r.returncode, 0, r.stderr)
    check("is not a filelock setting" not in r.stderr, "FILELOCK_CONFIG is a known name: " + r.stderr)
    doc = json.loads(r.stdout)
    eq(doc["schema"], 1, "schema")
    settings = {s["key"]: s for s in doc["settings"]}
    return doc["file"], doc["found_by"], settings["timeout_seconds"]["value"], doc["searched"]


@tap.case
def the_config_file_is_found_in_order(tmp):
    def write(path, timeout):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write("file_locking:\n  timeout_seconds: %d\n" % timeout)
        return path

    home = os.path.join(tmp, "home")
    xdg = os.path.join(tmp, "xdg")
    homefile = write(os.path.join(home, ".config", "filelock", "config.yaml"), 11)
    xdgfile = write(os.path.join(xdg, "filelock", "config.yaml"), 12)
    envfile = write(os.path.join(tmp, "env.yaml"), 13)
    flagfile = write(os.path.join(tmp, "flag.yaml"), 14)
    e = {"HOME": home, "XDG_CONFIG_HOME": xdg, "FILELOCK_CONFIG": envfile}
    eq(shown(tmp, "--config", flagfile, **e)[:3], (flagfile, "--config", "14"), "--config first")
    eq(shown(tmp, **e)[:3], (envfile, "$FILELOCK_CONFIG", "13"), "then $FILELOCK_CONFIG")
    del e["FILELOCK_CONFIG"]
    eq(shown(tmp, **e)[:3], (xdgfile, "user", "12"), "then $XDG_CONFIG_HOME")
    del e["XDG_CONFIG_HOME"]
    eq(shown(tmp, **e)[:3], (homefile, "user", "11"), "then ~/.config")
    os.remove(homefile)
    f, how, timeout, searched = shown(tmp, **e)
    check(homefile in searched and "/etc/filelock/config.yaml" in searched, searched)
    if not os.path.exists("/etc/filelock/config.yaml"):
        eq((f, how, timeout), (None, None, "30"), "nothing found: defaults")
    # A named file must exist; a discovered one is simply absent.
    r = fl("status", cwd=tmp, extra_env={"FILELOCK_CONFIG": os.path.join(tmp, "missing.yaml")})
    eq(r.returncode, 78, "$FILELOCK_CONFIG names a missing file: " + r.stderr)
    # The effective values reach the commands.
    r = fl("config", "show", cwd=tmp, extra_env={"FILELOCK_CONFIG": envfile, "FILELOCK_TAG": "x"})
    check("configuration file: %s ($FILELOCK_CONFIG)" % envfile in r.stdout, r.stdout)
    check(re.search(r"timeout_seconds +13 +%s" % re.escape(envfile), r.stdout), r.stdout)
    check(re.search(r"tag +x +environment \(FILELOCK_TAG\)", r.stdout), r.stdout)


@tap.case
def the_system_config_file_is_found_last(tmp):
    path = "/etc/filelock/config.yaml"
    if os.path.exists(path):
        raise Skip("this machine has its own " + path)
    try:
        os.makedirs("/etc/filelock", exist_ok=True)
        with open(path, "w") as f:
            f.write("file_locking:\n  timeout_seconds: 15\n")
    except PermissionError:
        raise Skip("cannot write " + path + " (not root)")
    try:
        eq(shown(tmp, HOME=os.path.join(tmp, "nohome"))[:3], (path, "system", "15"), "/etc last")
    finally:
        os.remove(path)
        try:
            os.rmdir("/etc/filelock")
        except OSError:
            pass


@tap.case
def config_check_validates_one_file(tmp):
    good = os.path.join(tmp, "good.yaml")
    with open(good, "w") as f:
        f.write("file_locking:\n  timeout_seconds: 5\n")
    bad = os.path.join(tmp, "bad.yaml")
    with open(bad, "w") as f:
        f.write("file_locking:\n  timeout_secnds: 5\n")
    r = fl("config", "check", good)
    eq((r.returncode, r.stdout), (0, good + ": ok\n"), "valid")
    r = fl("config", "check", bad)
    eq(r.returncode, 78, "invalid")
    check("bad.yaml:2:3" in r.stderr and "did you mean 'timeout_seconds'" in r.stderr, r.stderr)
    eq(fl("config", "check", os.path.join(tmp, "none.yaml")).returncode, 66, "missing")
    # check does not need the discovered configuration to be valid
    r = fl("config", "check", good, extra_env={"FILELOCK_CONFIG": bad})
    eq(r.returncode, 0, r.stderr)


sys.exit(tap.run())
