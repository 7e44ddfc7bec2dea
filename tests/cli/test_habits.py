"""The command line as its users know it: the original tool's `locks`
command, "did you mean" for typos, --color."""
import json
import os
import re
import sys

from cliutil import DEAD_PID, HOUR_MS, Holder, Tap, check, eq, fl, now_ms, write_record

tap = Tap()


@tap.case
def locks_is_the_original_command(tmp):
    stale = os.path.join(tmp, "old.pptx.lock")
    write_record(stale, DEAD_PID, acquired_ms=now_ms() - 3 * HOUR_MS)
    with Holder(os.path.join(tmp, "deck.pptx")):
        r = fl("locks", "--directory", tmp)
        eq(r.returncode, 0, r.stderr)
        def ages_out(text):
            return re.sub(r"\b\d+ms\b", "AGE", text)
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


sys.exit(tap.run())
