"""Helpers of the etcd tests: the test client (etcd_tool) as a real
process, driven line by line, and the exclusion log checks."""
import os
import select
import signal
import subprocess
import time

TOOL = os.environ["FL_TEST_TOOL"]
LIMIT = 60  # seconds: upper bound for anything that should end


class Client:
    """etcd_tool serve: one lock handle in its own process."""

    def __init__(self, url, name, ttl_ms=0, shared=False, prefix=()):
        args = [*prefix, TOOL, "serve", url, name, str(ttl_ms)] + (["shared"] if shared else [])
        self.p = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True, bufsize=1)
        self.buf = ""
        self.lost = []
        assert self.line() == "ready", "client did not start"

    def line(self, timeout=LIMIT):
        end = time.monotonic() + timeout
        while "\n" not in self.buf:
            left = end - time.monotonic()
            if left <= 0:
                raise TimeoutError("no answer from the client")
            r, _, _ = select.select([self.p.stdout], [], [], left)
            if r:
                chunk = os.read(self.p.stdout.fileno(), 4096).decode()
                if not chunk:
                    raise EOFError("client exited: " + self.p.stderr.read())
                self.buf += chunk
        line, self.buf = self.buf.split("\n", 1)
        return line

    def send(self, cmd):
        self.p.stdin.write(cmd + "\n")
        self.p.stdin.flush()

    def answer(self, cmd, timeout=LIMIT):
        """(rc, value, message) of the answer to `cmd`; "lost" lines are kept."""
        while True:
            line = self.line(timeout)
            if line.startswith("lost "):
                self.lost.append(int(line.split()[1]))
                continue
            assert line.startswith(cmd + " "), "unexpected answer %r to %r" % (line, cmd)
            rest = line[len(cmd) + 1:].split(" ", 2)
            return int(rest[0]), int(rest[1]), rest[2] if len(rest) > 2 else ""

    def do(self, cmd, timeout=LIMIT):
        self.send(cmd)
        return self.answer(cmd, timeout)

    def wait_lost(self, timeout=LIMIT):
        end = time.monotonic() + timeout
        while not self.lost:
            line = self.line(max(0.01, end - time.monotonic()))
            assert line.startswith("lost "), "unexpected line %r" % line
            self.lost.append(int(line.split()[1]))
        return self.lost[0]

    def signal(self, sig):
        os.kill(self.p.pid, sig)

    def close(self):
        if self.p.poll() is None:
            try:
                self.p.stdin.write("quit\n")
                self.p.stdin.flush()
                self.p.wait(timeout=10)
            except Exception:
                self.p.kill()
                self.p.wait()


def loop_procs(url, name, procs, count, log, hold_us=0, ttl_ms=0, prefix=()):
    return [subprocess.Popen([*prefix, TOOL, "loop", url, name, str(count), log, str(hold_us),
                              str(ttl_ms)], stderr=subprocess.PIPE, text=True)
            for _ in range(procs)]


def wait_all(ps, timeout=LIMIT * 3):
    for p in ps:
        p.wait(timeout=timeout)
        assert p.returncode == 0, "worker failed: %s" % p.stderr.read()


def queue(url, name=None):
    """[(state, host, token)] of every key, through fl_scan on the backend."""
    p = subprocess.run([TOOL, "list", url] + ([name] if name else []), capture_output=True, text=True,
                       timeout=LIMIT)
    assert p.returncode == 0, p.stderr
    return [tuple(line.split()[:3]) for line in p.stdout.splitlines()]


def check_log(path, expect_holds):
    """No two holders at once; every token larger than the one before."""
    inside = None
    last = 0
    holds = 0
    with open(path) as f:
        for line in f:
            what, pid, token = line.split()
            token = int(token)
            if what == "enter":
                assert inside is None, "overlap: %s entered while %s held" % (pid, inside)
                assert token > last, "token %d after %d" % (token, last)
                inside, last = (pid, token), token
                holds += 1
            else:
                assert inside == (pid, token), "exit of %s %d while %s held" % (pid, token, inside)
                inside = None
    assert holds == expect_holds, "%d holds, expected %d" % (holds, expect_holds)
