"""Race: several processes take and release one lock in loops while
`filelock clean --max-age-hours 0` runs in a loop on the same directory.
Holds must never overlap and a held lock file must never be removed.

Two of the three loops use --keep, so released lock files with a dead
holder are left behind, and the loops pause briefly between rounds: the
cleaner finds such files unheld and removes them while acquirers open them.
How often that happens depends on scheduling, so it is reported as a TAP
diagnostic, not asserted: the assertions are the safety properties only."""
import json
import os
import subprocess
import sys
import threading

from cliutil import BIN, Tap, check, env, eq, read

tap = Tap()
ROUNDS = 25


@tap.case
def cleaner_and_acquirers_race_safely(tmp):
    target = os.path.join(tmp, "data")
    viol = os.path.join(tmp, "violations")
    # Inside the lock: the marker must not exist (O_EXCL via noclobber), and
    # the lock file must exist: nobody may have removed a held lock file.
    body = ('set -C; if ! : > "$M" 2>/dev/null; then echo "overlap" >> "$V"; fi; '
            '[ -e "$T.lock" ] || echo "lock file gone while held" >> "$V"; '
            'i=0; while [ $i -lt 100 ]; do i=$((i+1)); done; '
            '[ -e "$T.lock" ] || echo "lock file gone while held" >> "$V"; '
            'echo x >> "$C"; rm -f "$M"')
    loop = ('n=0; while [ $n -lt %d ]; do n=$((n+1)); '
            '"$BIN" run $KEEP --timeout 60 "$T" -- sh -c \'%s\' || echo "run failed $?" >> "$V"; '
            'sleep 0.0$((n %% 3)); done' % (ROUNDS, body))
    base = dict(BIN=BIN, T=target, M=os.path.join(tmp, "marker"), V=viol,
                C=os.path.join(tmp, "count"))
    # Start-up cleanup is off for the runs: only the explicit cleaner cleans.
    base["FILELOCK_CLEANUP_STALE_LOCKS"] = "false"
    workers = [subprocess.Popen(["sh", "-c", loop], env=env(KEEP=keep, **base))
               for keep in ("--keep", "--keep", "")]

    removed, cleans, errors = [], [0], []
    done = threading.Event()

    def cleaner():
        while not done.is_set():
            r = subprocess.run([BIN, "clean", "--json", "--max-age-hours", "0", "-d", tmp],
                               capture_output=True, text=True, timeout=60, env=env())
            cleans[0] += 1
            if r.returncode != 0:
                errors.append(r.stderr)
                continue
            rep = json.loads(r.stdout)
            removed.extend(x["lock_file"] for x in rep["stale_locks"])
            errors.extend(e["message"] for e in rep["errors"])

    t = threading.Thread(target=cleaner)
    t.start()
    try:
        for w in workers:
            eq(w.wait(timeout=280), 0, "loop exit")
    finally:
        done.set()
        t.join()
    check(not os.path.exists(viol), "violations:\n" + (read(viol) if os.path.exists(viol) else ""))
    eq(len(read(os.path.join(tmp, "count")).split()), 3 * ROUNDS, "commands run")
    eq(errors, [], "cleaner errors")
    check(cleans[0] >= 2, "cleaner ran %d times" % cleans[0])
    check(all(x == target + ".lock" for x in removed), "removed only the lock: %r" % removed[:3])
    print("# %d clean runs removed %d released lock files" % (cleans[0], len(removed)), flush=True)


sys.exit(tap.run())
