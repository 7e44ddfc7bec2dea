#!/usr/bin/python3
"""The cost of one shell call: `filelock run` beside flock(1) doing the same
job on the same file, in one run, interleaved, medians of wall time per call
(fork + exec of the tool, its start-up, the lock, COMMAND=true, exit).

usage: shell_call.py FILELOCK [--calls N] [--dir DIR]

Rows: flock FILE true (the floor); filelock run FILE.lock true (the file
itself, as flock does); filelock run TARGET -- true (the protocol's lock
file with its record, removed on release); filelock --version (start-up
alone); true (process creation alone).  Target: run within 1.5x of flock.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("filelock")
    ap.add_argument("--calls", type=int, default=400)
    ap.add_argument("--dir")
    a = ap.parse_args()
    d = a.dir or tempfile.mkdtemp(prefix="shellcall.")
    flock = shutil.which("flock")
    rows = [
        ("flock FILE true", [flock, os.path.join(d, "f.lock"), "true"]),
        ("filelock run FILE.lock true", [a.filelock, "run", os.path.join(d, "g.lock"), "true"]),
        ("filelock run TARGET -- true", [a.filelock, "run", os.path.join(d, "target"), "--", "true"]),
        ("filelock --version", [a.filelock, "--version"]),
        ("true", ["true"]),
    ]
    times = {name: [] for name, _ in rows}
    env = {k: v for k, v in os.environ.items() if not k.startswith("FILELOCK_")}
    for _ in range(a.calls):  # interleaved, so drift hits every row alike
        for name, cmd in rows:
            t = time.perf_counter()
            r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
            times[name].append(time.perf_counter() - t)
            if r.returncode != 0:
                raise SystemExit("%s: exit %d" % (cmd, r.returncode))
    load = os.getloadavg()[0]
    print("shell_call  %s  calls %d  loadavg %.2f  dir %s" % (
        time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()), a.calls, load, d))
    floor = statistics.median(times["flock FILE true"])
    print("%-32s %10s %10s" % ("", "median ms", "vs flock"))
    for name, _ in rows:
        m = statistics.median(times[name])
        print("%-32s %10.2f %9.2fx" % (name, m * 1e3, m / floor))
    if not a.dir:
        shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    main()
