#!/usr/bin/python3
"""Python lock libraries side by side, measured in one run: uncontended
acquire+release and two-process hand-off latency (holder releases -> waiter
holds), for libfilelock's two front ends beside py-filelock, fasteners and
portalocker with their defaults, and beside the C library's own cycle.

usage: bench.py [--dir DIR] [--uncontended N] [--handoff N] [--lock-bench PATH]

Needs Debian's python3-filelock python3-fasteners python3-portalocker, runs
under /usr/bin/python3, finds libfilelock through LIBFILELOCK_PATH or the
installed soname.  --lock-bench runs the C benchmark (bench/lock_bench) for
the C figure.  Medians; every figure printed is measured in this run.
"""
import argparse
import mmap
import os
import random
import re
import statistics
import struct
import subprocess
import sys
import tempfile
import time

import fasteners
import filelock
import portalocker

import libfilelock
import libfilelock.compat

KINDS = ["libfilelock", "libfilelock.compat", "py-filelock", "fasteners", "portalocker"]


def make(kind, path):
    if kind == "libfilelock":
        return libfilelock.FileLock(path[:-5], timeout=60)  # locks <path>, i.e. the same .lock name
    if kind == "libfilelock.compat":
        return libfilelock.compat.FileLock(path)
    if kind == "py-filelock":
        return filelock.FileLock(path)
    if kind == "fasteners":
        return fasteners.InterProcessLock(path)
    if kind == "portalocker":
        return portalocker.Lock(path, timeout=60, fail_when_locked=False)
    raise SystemExit(kind)


def acquire(kind, lk):
    if kind == "fasteners":
        lk.acquire(blocking=True)
    else:
        lk.acquire()


def uncontended(kind, d, n, rounds=5):
    p = os.path.join(d, f"u-{kind}.lock")
    lk = make(kind, p)
    per = []
    for _ in range(rounds):
        t = time.perf_counter()
        for _ in range(n):
            acquire(kind, lk)
            lk.release()
        per.append((time.perf_counter() - t) / n * 1e6)
    return statistics.median(per)


def handoff(kind, d, n, hold=0.004):
    p = os.path.join(d, f"h-{kind}.lock")
    shm = mmap.mmap(-1, 8 * (1 + 2 * (n + 1)))

    def put(off, v):
        shm[off * 8:(off + 1) * 8] = struct.pack("d", v)

    def get(off):
        return struct.unpack("d", shm[off * 8:(off + 1) * 8])[0]

    r, w = os.pipe()
    lk0 = make(kind, p)
    acquire(kind, lk0)
    pid = os.fork()
    me = 1 if pid == 0 else 0
    lk = lk0 if me == 0 else make(kind, p)
    lats = []
    for i in range(n):
        if me == i % 2:
            while get(1 + i) == 0:
                pass
            time.sleep(random.uniform(0.0005, hold))
            put(0, time.monotonic())
            lk.release()
            while get(1 + n + i) == 0:
                pass
        else:
            put(1 + i, 1.0)
            acquire(kind, lk)
            lats.append((time.monotonic() - get(0)) * 1e6)
            put(1 + n + i, 1.0)
    if me == 1:
        os.write(w, struct.pack(f"{len(lats)}d", *lats))
        os._exit(0)
    os.waitpid(pid, 0)
    want = 8 * (n // 2)
    data = b""
    while len(data) < want:
        data += os.read(r, want - len(data))
    lats += list(struct.unpack(f"{n // 2}d", data))
    lk.release()
    lats.sort()
    return lats[len(lats) // 2], lats[len(lats) * 99 // 100]


def c_figures(lock_bench):
    out = subprocess.run([lock_bench, "--quick"], capture_output=True, text=True).stdout
    got = {}
    for key, pat in (("remove", r"remove on release \(default\)\s+(\d+)"), ("keep", r"keep file\s+(\d+)")):
        m = re.search(pat, out)
        if m:
            got[key] = int(m.group(1)) / 1000.0
    return got


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir")
    ap.add_argument("--uncontended", type=int, default=2000)
    ap.add_argument("--handoff", type=int, default=60)
    ap.add_argument("--lock-bench")
    a = ap.parse_args()
    d = a.dir or tempfile.mkdtemp(prefix="pybench.")
    print(f"python bench  {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}  python {sys.version.split()[0]}"
          f"  libfilelock {libfilelock.library_version()}  py-filelock {filelock.__version__}"
          f"  loadavg {os.getloadavg()[0]:.2f}  dir {d}")
    c = c_figures(a.lock_bench) if a.lock_bench else {}
    rows = []
    for kind in KINDS:
        u = uncontended(kind, d, a.uncontended)
        p50, p99 = handoff(kind, d, a.handoff)
        rows.append((kind, u, p50, p99))
    base = {k: (u, p50) for k, u, p50, _ in rows}
    print(f"\n{'library (defaults)':24} {'cycle us':>10} {'hand-off p50 us':>16} {'p99 us':>10}")
    for kind, u, p50, p99 in rows:
        print(f"{kind:24} {u:10.1f} {p50:16.1f} {p99:10.1f}")
    if c:
        print(f"{'C library (lock_bench)':24} {c.get('remove', 0):10.1f}   (remove on release)"
              f"   {c.get('keep', 0):.1f} (keep)")
        seed = base["libfilelock"][0] / c["remove"] if c.get("remove") else float("nan")
        comp = base["libfilelock.compat"][0] / c["keep"] if c.get("keep") else float("nan")
        print(f"\ncycle vs C (target <= 2x): libfilelock {seed:.2f}x (vs C remove), "
              f"compat {comp:.2f}x (vs C keep)")
    ratio = base["py-filelock"][1] / base["libfilelock.compat"][1]
    ratio_seed = base["py-filelock"][1] / base["libfilelock"][1]
    print(f"hand-off p50, py-filelock / ours (target >= 100x): compat {ratio:.0f}x, libfilelock {ratio_seed:.0f}x")


if __name__ == "__main__":
    main()
