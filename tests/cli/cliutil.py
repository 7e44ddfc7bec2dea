"""Shared helpers for the end-to-end tests of the `filelock` tool.

Every test runs the built binary (FL_TEST_BIN) in real processes.  Waiting
is done on pipes and files; time limits are generous upper bounds only.
Each test file is a TAP producer: `1..N`, then `ok K - name` per case.
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import traceback

BIN = os.environ.get("FL_TEST_BIN") or (sys.argv[1] if len(sys.argv) > 1 else "")
if not BIN:
    sys.exit("FL_TEST_BIN is not set")

# Linux never hands out a PID at or above PID_MAX_LIMIT (2^22): a PID that is
# certainly not running, yet valid in a record (1 .. 2^31-1).
DEAD_PID = 4194400
HOUR_MS = 3600 * 1000
LIMIT = 60  # seconds: upper bound for anything that should end


class Skip(Exception):
    """Raise to report a case as skipped, with the reason."""


class Tap:
    def __init__(self):
        self.cases = []

    def case(self, fn):
        self.cases.append(fn)
        return fn

    def run(self):
        print("1..%d" % len(self.cases), flush=True)
        failed = 0
        for k, fn in enumerate(self.cases, 1):
            name = fn.__name__.replace("_", " ")
            tmp = tempfile.mkdtemp(prefix="fl-cli-")
            # Each case runs in its own directory: run and batch clean stale
            # locks under the working directory when they start.
            os.chdir(tmp)
            try:
                fn(tmp)
                print("ok %d - %s" % (k, name), flush=True)
            except Skip as s:
                print("ok %d - %s # SKIP %s" % (k, name, s), flush=True)
            except Exception:
                failed += 1
                print("not ok %d - %s" % (k, name), flush=True)
                for line in traceback.format_exc().splitlines():
                    print("# " + line, flush=True)
            finally:
                os.chdir("/")
                shutil.rmtree(tmp, ignore_errors=True)
        return 1 if failed else 0


def env(**extra):
    e = dict(os.environ)
    e.pop("NO_COLOR", None)
    for k in [k for k in e if k.startswith("FILELOCK_")]:
        del e[k]
    e.update({k: v for k, v in extra.items() if v is not None})
    return e


def fl(*args, cwd=None, timeout=LIMIT, extra_env=None, **kw):
    """Run the tool to its end; returns CompletedProcess (text)."""
    return subprocess.run([BIN, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env=env(**(extra_env or {})), **kw)


SCHEMA = os.environ.get("FL_TEST_SCHEMA", "")


def validate(doc):
    """Check a --json document against docs/cli-output.schema.json (when
    Debian's python3-jsonschema is there; test_output requires it)."""
    try:
        import jsonschema
    except ImportError:
        return False
    with open(SCHEMA) as f:
        jsonschema.validate(doc, json.load(f), cls=jsonschema.Draft202012Validator)
    return True


def fl_json(*args, cwd=None, expect=0):
    r = fl(*args, cwd=cwd)
    check(r.returncode == expect, "exit %d, wanted %d: %s" % (r.returncode, expect, r.stderr))
    doc = json.loads(r.stdout)
    validate(doc)
    return doc


def check(cond, msg="check failed"):
    if not cond:
        raise AssertionError(msg)


def eq(got, want, what=""):
    if got != want:
        raise AssertionError("%s: got %r, want %r" % (what, got, want))


def now_ms():
    return int(time.time() * 1000)


def start_token(pid):
    """Field 22 of /proc/<pid>/stat (fields counted after the last ')')."""
    with open("/proc/%d/stat" % pid) as f:
        text = f.read()
    return int(text[text.rindex(")") + 2:].split()[19])


def write_record(path, pid, host=None, acquired_ms=None, start=None, extra=""):
    host = socket.gethostname() if host is None else host
    lines = ["%d" % pid, "v=1"]
    if host:
        lines.append("host=" + host)
    if start is not None:
        lines.append("start=%d" % start)
    if acquired_ms is not None:
        lines.append("acquired=%d" % acquired_ms)
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n" + extra)


class Holder:
    """`filelock run FILE -- sh -c ...` that holds FILE's lock until release().

    The command prints "ready" once it runs (so the lock is held) and then
    waits for its stdin to close.  `script` may add shell before and after.
    """

    def __init__(self, target, *opts, before="", after="", cwd=None, extra_env=None):
        script = (before + "\n" if before else "") + "echo ready; cat >/dev/null\n" + after
        where = [target] if target else []  # "" when opts name the file (--lock-file)
        self.proc = subprocess.Popen(
            [BIN, "run", *opts, *where, "--", "sh", "-c", script],
            cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, env=env(**(extra_env or {})))
        line = self.proc.stdout.readline()
        if line.strip() != "ready":
            self.proc.kill()
            _, err = self.proc.communicate(timeout=LIMIT)
            raise AssertionError("holder did not start: %r %r" % (line, err))

    @property
    def pid(self):
        return self.proc.pid

    def release(self):
        if self.proc.stdin and not self.proc.stdin.closed:
            self.proc.stdin.close()
        rc = self.proc.wait(timeout=LIMIT)
        self.proc.stdout.close()
        self.proc.stderr.close()
        return rc

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.proc.poll() is None:
            self.release()


def config(tmp, name="c.yaml", **keys):
    """Write a YAML config whose `file_locking:` section holds `keys`."""
    path = os.path.join(tmp, name)
    with open(path, "w") as f:
        f.write("file_locking:\n")
        for k, v in keys.items():
            f.write("  %s: %s\n" % (k, str(v).lower() if isinstance(v, bool) else v))
    return path


def wait_for_file(path, timeout=LIMIT):
    """Wait until `path` exists (written by another process); upper bound only."""
    deadline = time.monotonic() + timeout
    while not os.path.exists(path):
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for " + path)
        time.sleep(0.01)


def read(path):
    with open(path) as f:
        return f.read()


def no_escapes(*texts):
    for t in texts:
        check("\x1b" not in t, "escape sequence in output: %r" % t[:200])
