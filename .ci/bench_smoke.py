#!/usr/bin/env python3
"""Smoke runs of benchmarks that have no suite of their own (bench/etcd):
each must run to its end and print its table; the figures are shown, not
judged.  One JUnit case per benchmark, for .ci/summary.py.

usage: bench_smoke.py BUILD_DIR JUNIT_XML"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import junit  # noqa: E402

build, out = sys.argv[1], sys.argv[2]
runs = [("etcd", [sys.executable, "bench/etcd/run.py", build, "--smoke"], "hand-off, fresh")]
cases = []
for name, argv, expect in runs:
    p = subprocess.run(argv, capture_output=True, text=True, timeout=900)
    print(p.stdout, end="")
    ok = p.returncode == 0 and expect in p.stdout
    cases.append(("bench", name + " smoke run", None if ok else (p.stdout + p.stderr)[-4000:], False))
sys.exit(junit.write(cases, out, "bench"))
