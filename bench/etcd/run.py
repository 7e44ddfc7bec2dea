#!/usr/bin/env python3
"""The etcd benchmark: starts one etcd member on loopback (data on tmpfs),
then measures, in one run against it,

  cycle      acquire + release, uncontended: ours (C API) and the same gateway
             requests by hand (the floor), alternating cycle by cycle; and per process: `filelock run
             --backend ... -- true` beside `etcdctl lock ... -- true`
  hand-off   a holder releases, a waiting process gets the lock: ours, the
             hand-made floor, and two `etcdctl lock` processes; settled (the
             waiter has waited 150 ms, past etcd's 100 ms watch catch-up
             loop) and fresh (released as soon as the waiter is queued, while
             its watch is only being set up)

and prints p50/p99 with our ratio to the floor.

usage: bench/etcd/run.py BUILD_DIR [--rounds N] [--smoke]
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "etcd"))
from cluster import Cluster, gateway  # noqa: E402

import base64  # noqa: E402


def etcd_bench(build, *args):
    out = subprocess.run([os.path.join(build, "bench", "etcd_bench"), *map(str, args)],
                         capture_output=True, text=True, timeout=600, check=True).stdout.split()
    return int(out[0]) / 1000.0, int(out[1]) / 1000.0


def etcd_bench2(build, *args):
    """etcd_bench printing two p50/p99 pairs (ours, then the floor)."""
    out = subprocess.run([os.path.join(build, "bench", "etcd_bench"), *map(str, args)],
                         capture_output=True, text=True, timeout=600, check=True).stdout.split()
    v = [int(x) / 1000.0 for x in out]
    return (v[0], v[1]), (v[2], v[3])


def pct(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2], xs[min(len(xs) - 1, int(len(xs) * 0.99))]


def per_process(argv, n):
    ts = []
    for _ in range(n):
        t = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True)
        ts.append((time.perf_counter() - t) * 1000)
    return pct(ts)


def keys(endpoint, prefix):
    k = prefix.encode()
    end = k[:-1] + bytes([k[-1] + 1])
    r = gateway(endpoint, "kv/range", {"key": base64.b64encode(k).decode(),
                                       "range_end": base64.b64encode(end).decode(), "count_only": True})
    return int(r.get("count", 0))


def etcdctl_handoff(build, endpoint, n, settled):
    """Two `etcdctl lock` processes: the holder's command ends when told;
    the time from then to the waiter's command starting."""
    stamp = [os.path.join(build, "bench", "etcd_bench")]
    ctl = ["etcdctl", "--endpoints", endpoint.replace("http://", "")]
    ts = []
    with tempfile.TemporaryDirectory() as d:
        for i in range(n):
            fifo, t0f, t1f = os.path.join(d, "go%d" % i), os.path.join(d, "t0"), os.path.join(d, "t1")
            os.mkfifo(fifo)
            name = "ctl-handoff"
            holder = subprocess.Popen(ctl + ["lock", name, "--", *stamp, "wait-fifo", fifo, t0f],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            while keys(endpoint, name + "/") < 1:
                time.sleep(0.001)
            waiter = subprocess.Popen(ctl + ["lock", name, "--", *stamp, "stamp", t1f],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            while keys(endpoint, name + "/") < 2:
                pass
            if settled:
                time.sleep(0.15)
            with open(fifo, "w") as f:
                f.write("g")
            holder.wait(timeout=60)
            waiter.wait(timeout=60)
            t0, t1 = int(open(t0f).read()), int(open(t1f).read())
            ts.append((t1 - t0) / 1e6)
    return pct(ts)


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else "build"
    smoke = "--smoke" in sys.argv
    rounds = 20 if smoke else 300
    procs = 5 if smoke else 30
    if "--rounds" in sys.argv:
        rounds = int(sys.argv[sys.argv.index("--rounds") + 1])
    with Cluster(1) as c:
        url, ep = c.url("bench"), c.members[0].endpoint
        cli = os.path.join(build, "cli", "filelock")
        rows = []
        ours, floor = etcd_bench2(build, "cycle", "both", url, rounds)
        rows.append(("cycle (in process)", ours, floor, None))
        fl_run = per_process([cli, "run", "--backend", url, "cyc", "--", "true"], procs)
        ctl_run = per_process(["etcdctl", "--endpoints", ep.replace("http://", ""), "lock", "cyc", "--", "true"], procs)
        rows.append(("cycle (one process each)", fl_run, None, ctl_run))
        for mode in ("settled", "fresh"):
            n = rounds if mode == "fresh" else max(10, rounds // 3)
            ours = etcd_bench(build, "handoff", "ours", url, n, mode)
            floor = etcd_bench(build, "handoff", "raw", ep, n, mode)
            ctl = etcdctl_handoff(build, ep, procs, mode == "settled")
            rows.append(("hand-off, " + mode, ours, floor, ctl))
    print("etcd 3.4 member on loopback, data on tmpfs; %d rounds (settled hand-off: %d; processes: %d); ms"
          % (rounds, max(10, rounds // 3), procs))
    print("%-26s %16s %16s %8s %16s" % ("", "ours p50/p99", "floor p50/p99", "p50 x", "etcdctl p50/p99"))
    for name, o, f, e in rows:
        ratio = "%.2f" % (o[0] / f[0]) if f else "-"
        fmt = lambda v: "%7.2f/%-8.2f" % v if v else "%16s" % "-"  # noqa: E731
        print("%-26s %16s %16s %8s %16s" % (name, fmt(o), fmt(f), ratio, fmt(e)))


if __name__ == "__main__":
    main()
