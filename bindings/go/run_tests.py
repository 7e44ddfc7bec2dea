#!/usr/bin/python3
"""Build and test the Go binding against a meson build tree, and write the
outcome as JUnit XML (one case per Go test, subtest and example, go vet,
each case of gofrs/flock's own suite, and the benchmark smoke run) for the
CI's closing count.

usage: run_tests.py BUILD_DIR JUNIT_XML

Finds the library through the build tree's uninstalled pkg-config file;
runs offline (GOFLAGS=-mod=mod GOPROXY=off) with the machine's `go`
(Debian's golang-go).  gofrs/flock's suite is Debian's copy
(golang-github-gofrs-flock-dev), through conformance/run_gofrs_suite.py.
"""
import atexit
import os
import shutil
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, ".ci"))
import junit as junit_xml  # noqa: E402


def main():
    build, junit = os.path.abspath(sys.argv[1]), sys.argv[2]
    cases = []
    env = dict(os.environ,
               PKG_CONFIG_PATH=os.path.join(build, "meson-uninstalled"),
               LD_LIBRARY_PATH=os.path.join(build, "capi"),
               LIBFILELOCK_BUILD=build,
               LIBFILELOCK_CLI=os.path.join(build, "cli", "filelock"),
               GOFLAGS="-mod=mod", GOPROXY="off",
               GOCACHE=os.path.join(build, "go-cache"))

    # An etcd member for etcd_test.go, when etcd is installed.
    if shutil.which("etcd"):
        sys.path.insert(0, os.path.join(ROOT, "tests", "etcd"))
        from cluster import Cluster
        member = Cluster(1)
        member.__enter__()
        atexit.register(member.__exit__, None, None, None)  # also if this script fails
        env["LIBFILELOCK_ETCD_URL"] = member.url("go")

    def run(cmd, cwd=HERE):
        r = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
        return r.returncode, r.stdout + r.stderr

    def go_cases(suite, out):
        n = 0
        for line in out.splitlines():
            m = re.match(r"\s*--- (PASS|FAIL|SKIP): (\S+)", line)
            if m:
                n += 1
                fail = None
                if m.group(1) == "FAIL":
                    fail = "\n".join(l for l in out.splitlines() if m.group(2).split("/")[-1] in l or l.startswith("    "))[-4000:]
                cases.append((suite, m.group(2), fail, m.group(1) == "SKIP"))
        return n

    rc, out = run(["go", "version"])
    if rc != 0:
        cases.append(("go", "toolchain", "go not found: " + out, False))
    else:
        rc, out = run(["go", "vet", "./..."])
        cases.append(("go", "go vet", None if rc == 0 else out[-4000:], False))
        rc, out = run(["gofmt", "-l", HERE, os.path.join(ROOT, "bench", "go")])
        cases.append(("go", "gofmt -l", None if rc == 0 and not out.strip() else "not gofmt-ed:\n" + out, False))
        rc, out = run(["go", "test", "-count=1", "-v", "./..."])
        n = go_cases("go", out)
        if rc != 0 and not any(c[2] for c in cases):
            cases.append(("go", "go test", out[-6000:], False))
        if n == 0:
            cases.append(("go", "go test", "no tests ran:\n" + out[-4000:], False))

        rc, out = run(["/usr/bin/python3", os.path.join(HERE, "conformance", "run_gofrs_suite.py")])
        m = re.search(r"^(\d+) passed, (\d+) failed$", out, re.M)
        if m is None:
            cases.append(("gofrs/flock suite", "run", out[-4000:], False))
        else:
            for line in out.splitlines():
                mm = re.match(r"--- (PASS|FAIL|SKIP): (\S+)", line)
                if mm:
                    cases.append(("gofrs/flock suite", mm.group(2), out[-4000:] if mm.group(1) == "FAIL" else None,
                                  mm.group(1) == "SKIP"))
                mm = re.match(r"OK: (\d+) passed", line)
                if mm:  # gopkg.in/check.v1's own cases, inside the one go test
                    for k in range(int(mm.group(1))):
                        cases.append(("gofrs/flock suite", f"check.v1 case {k + 1}", None, False))
            if any(c[1].startswith("check.v1 case") for c in cases):
                # the go test wrapper around check.v1's cases is not a case of its own
                cases[:] = [c for c in cases if not (c[0] == "gofrs/flock suite" and c[1] == "Test" and not c[2])]
            if int(m.group(2)) and not any(c[2] for c in cases if c[0] == "gofrs/flock suite"):
                cases.append(("gofrs/flock suite", "run", out[-4000:], False))

        bench = os.path.join(ROOT, "bench", "go")
        exe = os.path.join(build, "filelockbench")
        rc, out = run(["go", "build", "-o", exe, "."], cwd=bench)
        if rc == 0:
            rc, out = run([exe, "-cycles", "20", "-rounds", "1", "-handoffs", "6"])
            rc = 0 if rc == 0 and "binding overhead" in out and "floor: syscall.Flock" in out else 1
        cases.append(("go", "bench/go smoke run", None if rc == 0 else out[-4000:], False))

    return junit_xml.write(cases, junit, "go")


if __name__ == "__main__":
    sys.exit(main())
