#!/usr/bin/python3
"""Run gofrs/flock's own test suite against this package, from a temporary
copy whose import of github.com/gofrs/flock is changed to this package.

usage: run_gofrs_suite.py [SOURCE]

SOURCE is a gofrs/flock checkout or bare git directory; the default is the
copy Debian's golang-github-gofrs-flock-dev installs (0.8.1) under
/usr/share/gocode.  The suite's dependencies (testify, gopkg.in/check.v1)
come from Debian's packages under /usr/share/gocode; it builds in GOPATH
mode, offline.  The library is found through pkg-config (PKG_CONFIG_PATH)
and at run time through LD_LIBRARY_PATH.  Prints each test, what was left
out and why, and one line "N passed, N failed".
"""
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
PKG = os.path.dirname(HERE)
DEBIAN = "/usr/share/gocode/src/github.com/gofrs/flock"
RUN = ["flock_test.go", "flock_example_test.go"]
LEFT_OUT = {
    "flock_internal_test.go": "package-internal tests of gofrs/flock's unexported file-handle field",
}


def read(src, name):
    p = os.path.join(src, name)
    if os.path.isdir(src) and os.path.exists(p):
        with open(p, encoding="utf-8") as f:
            return f.read()
    if os.path.isdir(src) and not os.path.exists(os.path.join(src, "HEAD")):
        return None
    r = subprocess.run(["git", "--git-dir", src, "show", f"HEAD:{name}"], capture_output=True, text=True)
    return r.stdout if r.returncode == 0 else None


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else DEBIAN
    work = tempfile.mkdtemp(prefix="gofrs-conformance.")
    gopath = os.path.join(work, "gopath")
    ours = os.path.join(gopath, "src", "filelock")
    suite = os.path.join(gopath, "src", "gofrsconformance")
    os.makedirs(ours)
    os.makedirs(suite)
    for f in glob.glob(os.path.join(PKG, "*.go")):
        if not f.endswith("_test.go"):
            shutil.copy(f, ours)
    with open(os.path.join(suite, "doc.go"), "w") as f:
        f.write("// Package flock holds gofrs/flock's tests, run against package filelock.\npackage flock\n")
    ran = []
    for name in RUN:
        text = read(src, name)
        if text is None:
            continue
        text = text.replace('"github.com/gofrs/flock"', 'flock "filelock"')
        with open(os.path.join(suite, name), "w") as f:
            f.write(text)
        ran.append(name)
    if not ran:
        raise SystemExit(f"no gofrs/flock tests found in {src}")
    env = dict(os.environ, GO111MODULE="off", GOPATH=f"{gopath}:/usr/share/gocode", GOFLAGS="",
               GOCACHE=os.environ.get("GOCACHE", os.path.join(work, "cache")))
    r = subprocess.run(["go", "test", "-count=1", "-v", "gofrsconformance"], cwd=suite, env=env,
                       capture_output=True, text=True)
    out = r.stdout + r.stderr
    passed = failed = 0
    for line in out.splitlines():
        m = re.match(r"\s*--- (PASS|FAIL|SKIP): (\S+)", line)
        if m:
            print(line.strip())
            passed += m.group(1) == "PASS"
            failed += m.group(1) == "FAIL"
        elif re.match(r"^(PASS|FAIL|OOPS|OK): ", line) or "Passed" in line or "FAIL:" in line:
            print(line)  # gopkg.in/check.v1 reports its own cases
            m = re.search(r"OK: (\d+) passed", line) or re.search(r"OOPS: (\d+) passed", line)
            if m and line.startswith(("OK", "OOPS")):
                passed += int(m.group(1)) - 1  # the go test wrapper already counted one
            m = re.search(r"(\d+) FAILED", line)
            if m:
                failed += int(m.group(1))
    if r.returncode != 0 and failed == 0:
        print(out[-5000:])
        failed = 1
    elif failed:
        print(out[-5000:])
    print(f"# from {src}: {', '.join(ran)}")
    for k, why in LEFT_OUT.items():
        print(f"# not run: {k}: {why}")
    print(f"{passed} passed, {failed} failed")
    shutil.rmtree(work, ignore_errors=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
