"""What a person sees in a real terminal (tmux): batch's progress bar below
the commands' output, with files/s and an ETA, and status --watch."""
import os
import re
import shutil
import signal
import subprocess
import sys
import time

from cliutil import BIN, LIMIT, Holder, Skip, Tap, check, eq

tap = Tap()
TMUX = shutil.which("tmux")


class Pane:
    """A detached tmux session running one shell command in a 100x30 pane."""

    def __init__(self, tmp, command):
        if not TMUX:
            raise Skip("tmux is not installed")
        self.name = "fl%d" % os.getpid()
        self.sock = os.path.join(tmp, "tmux.sock")
        env = dict(os.environ)
        env.pop("NO_COLOR", None)
        env["TERM"] = "xterm"
        self.env = env
        # The pane stays open after the command (its screen is read at the end).
        self.tmux("new-session", "-d", "-s", self.name, "-x", "100", "-y", "30", command + "; sleep 600")

    def tmux(self, *args):
        return subprocess.run([TMUX, "-S", self.sock, *args], capture_output=True, text=True,
                              timeout=LIMIT, env=self.env)

    def screen(self):
        return self.tmux("capture-pane", "-p", "-t", self.name).stdout

    def wait_for(self, text, timeout=LIMIT):
        """The screen once it shows `text` (upper bound only)."""
        deadline = time.monotonic() + timeout
        while True:
            s = self.screen()
            if text in s:
                return s
            if time.monotonic() > deadline:
                raise AssertionError("never showed %r:\n%s" % (text, s))
            time.sleep(0.05)

    def keys(self, *keys):
        self.tmux("send-keys", "-t", self.name, *keys)

    def close(self):
        self.tmux("kill-server")


def lines(screen):
    return [l.rstrip() for l in screen.splitlines() if l.strip()]


@tap.case
def batch_bar_stays_below_the_output(tmp):
    files = [os.path.join(tmp, "f%d" % i) for i in range(3)]
    # Each command prints, then waits for its gate file: the test decides
    # when each file finishes.
    script = 'echo "out $1"; while [ ! -e "$1.go" ]; do sleep 0.02; done'
    cmd = "%s batch -j 1 %s -- sh -c '%s' sh {}; echo EXIT=$?" % (BIN, " ".join(files), script)
    p = Pane(tmp, cmd)
    try:
        s = p.wait_for("out " + files[0])
        ls = lines(s)
        eq(ls[0], "out " + files[0], "the command's line is intact")
        check("0/3 files" in ls[1], "the bar is there at once, below the output: %r" % ls)
        open(files[0] + ".go", "w").close()
        s = p.wait_for("out " + files[1])
        ls = lines(s)
        eq(ls[:2], ["out " + files[0], "out " + files[1]], "each line on its own: %r" % ls)
        bar = ls[2]
        check("1/3 files" in bar and "files/s" in bar and "ETA" in bar, "rate and ETA: %r" % bar)
        open(files[1] + ".go", "w").close()
        open(files[2] + ".go", "w").close()
        s = p.wait_for("EXIT=")
        ls = lines(s)
        check("EXIT=0" in s, s)
        check(not any("files/s" in l for l in ls), "the bar is gone at the end: %r" % ls)
        check(any(l.startswith("batch: 3 files") for l in ls), "the summary: %r" % ls)
        check(all(l == "out " + f for l, f in zip(ls[:3], files)), "the output, in order: %r" % ls)
    finally:
        p.close()


@tap.case
def status_watch_redraws_with_waiters_until_interrupted(tmp):
    t = os.path.join(tmp, "report.csv")
    with Holder(t):
        p = Pane(tmp, "%s status --watch 0.2 -d %s; echo EXIT=$?" % (BIN, tmp))
        waiter = None
        try:
            s = p.wait_for("1 held")
            check("WAITING" in s and "(Ctrl-C to stop)" in s, s)
            row = [l for l in lines(s) if l.startswith("held")]
            eq(len(row), 1, "one held lock: %r" % s)
            check(" - " in row[0], "nobody waits yet: %r" % row[0])
            # A waiter with no time limit blocks in flock(2), which the OS lists.
            waiter = subprocess.Popen([BIN, "run", "-t", "inf", t, "--", "true"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + LIMIT
            while True:
                s = p.screen()
                row = [l for l in lines(s) if l.startswith("held")]
                if row and re.search(r"\s1\s", row[0]):
                    break
                check(time.monotonic() < deadline, "the waiter never showed: %r" % s)
                time.sleep(0.05)
            check(s.count("filelock status") == 1, "redrawn in place, not appended: %r" % s)
            # SIGINT, as Ctrl-C sends it, but to filelock alone: the pane's
            # shell must live on to print the status.
            pids = subprocess.run(["pgrep", "-f", "^" + re.escape(BIN) + " status --watch 0.2 -d " + tmp],
                                  capture_output=True,
                                  text=True).stdout.split()
            eq(len(pids), 1, "one watcher: %r" % pids)
            os.kill(int(pids[0]), signal.SIGINT)
            s = p.wait_for("EXIT=")
            check("EXIT=130" in s, "ended by SIGINT: %r" % s)
        finally:
            p.close()
    if waiter:
        eq(waiter.wait(timeout=LIMIT), 0, "the waiter got the lock after the holder")


@tap.case
def no_bar_without_a_terminal(tmp):
    r = subprocess.run([BIN, "batch", os.path.join(tmp, "a"), "--", "true"], capture_output=True,
                       text=True, timeout=LIMIT)
    eq(r.returncode, 0, r.stderr)
    check("files/s" not in r.stderr and "\x1b" not in r.stderr, r.stderr)


sys.exit(tap.run())
