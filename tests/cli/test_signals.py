"""Signals: `filelock run` forwards INT/TERM/HUP/QUIT to its command and
releases the lock only after the command has ended; before the command
starts, a signal ends filelock as usual; `batch` is cancelled by one."""
import fcntl
import json
import os
import pty
import signal
import subprocess
import sys
import termios
import time

from cliutil import BIN, LIMIT, Holder, Tap, check, env, eq, fl, read, wait_for_file

tap = Tap()

# Traps the signal, notes it, and exits 3.  The shell runs the trap between
# two short sleeps; no background process is left holding the pipes.
TRAP = ('trap \'echo "got {sig}" >> "$OUT"; exit 3\' {sig}; '
        'echo ready; while :; do sleep 0.05; done')


def start_run(tmp, target, script, extra=()):
    p = subprocess.Popen([BIN, "run", *extra, target, "--", "sh", "-c", script],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         env=env(OUT=os.path.join(tmp, "out")))
    eq(p.stdout.readline().strip(), "ready", "command started")
    return p


def forwarded(tmp, sig):
    target = os.path.join(tmp, "f")
    p = start_run(tmp, target, TRAP.format(sig=sig.name[3:]))
    p.send_signal(sig)
    out, err = p.communicate(timeout=LIMIT)
    eq(p.returncode, 3, "%s: filelock exits with the command's status (%s)" % (sig.name, err))
    eq(read(os.path.join(tmp, "out")).split(), ["got", sig.name[3:]], "the command got it")
    eq(fl("wait", "--timeout", "0", target).returncode, 0, "lock released")
    check(not os.path.exists(target + ".lock"), "lock file removed")


@tap.case
def sigterm_is_forwarded(tmp):
    forwarded(tmp, signal.SIGTERM)


@tap.case
def sigint_is_forwarded(tmp):
    forwarded(tmp, signal.SIGINT)


@tap.case
def sighup_is_forwarded(tmp):
    forwarded(tmp, signal.SIGHUP)


@tap.case
def sigquit_is_forwarded(tmp):
    forwarded(tmp, signal.SIGQUIT)


def controlling_terminal():
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


@tap.case
def terminal_ctrl_c_reaches_the_command_and_filelock_waits(tmp):
    # On a terminal, Ctrl-C goes to the whole foreground process group.  The
    # command decides what it means; filelock keeps the lock until it ends.
    # (That filelock does not send a second SIGINT cannot be observed
    # reliably: two pending SIGINTs merge into one.)
    out, gate = os.path.join(tmp, "out"), os.path.join(tmp, "gate")
    script = ('trap \'echo int >> "$OUT"\' INT; echo ready; '
              'while [ ! -e "$GATE" ]; do sleep 0.05; done; exit 0')
    master, slave = pty.openpty()
    p = subprocess.Popen([BIN, "run", os.path.join(tmp, "f"), "--", "sh", "-c", script],
                         stdin=slave, stdout=slave, stderr=slave, preexec_fn=controlling_terminal,
                         env=env(OUT=out, GATE=gate))
    os.close(slave)
    seen = b""
    while b"ready" not in seen:
        seen += os.read(master, 1024)
    os.write(master, b"\x03")
    wait_for_file(out)
    eq(fl("wait", "--timeout", "0", os.path.join(tmp, "f")).returncode, 75, "still held")
    open(gate, "w").close()
    eq(p.wait(timeout=LIMIT), 0, "filelock survives Ctrl-C and exits with the command")
    os.close(master)
    eq(read(out).split()[:1], ["int"], "the command got SIGINT")


@tap.case
def lock_is_held_until_the_command_has_ended(tmp):
    # The command ignores the first TERM for a while: the lock must stay held
    # until it really exits.
    target = os.path.join(tmp, "f")
    gate = os.path.join(tmp, "gate")
    script = ('trap \'echo got >> "$OUT"\' TERM; echo ready; '
              'while [ ! -e "%s" ]; do sleep 0.05; done; exit 0' % gate)
    p = start_run(tmp, target, script)
    p.send_signal(signal.SIGTERM)
    wait_for_file(os.path.join(tmp, "out"))
    eq(fl("wait", "--timeout", "0", target).returncode, 75, "still held after the signal")
    open(gate, "w").close()
    p.communicate(timeout=LIMIT)
    eq(p.returncode, 0, "the command's status")
    eq(fl("wait", "--timeout", "0", target).returncode, 0, "released after the command")


@tap.case
def command_killed_by_forwarded_signal_gives_128_plus_n(tmp):
    p = start_run(tmp, os.path.join(tmp, "f"), "echo ready; exec sleep 1000 >/dev/null 2>&1")
    p.send_signal(signal.SIGTERM)
    p.communicate(timeout=LIMIT)
    eq(p.returncode, 128 + signal.SIGTERM, "filelock exits 143 itself, not killed")


@tap.case
def signal_while_waiting_for_the_lock_ends_filelock(tmp):
    target = os.path.join(tmp, "f")
    marker = os.path.join(tmp, "ran")
    with Holder(target) as h:
        p = subprocess.Popen([BIN, "run", "--timeout", "60", target, "--", "touch", marker],
                             stderr=subprocess.PIPE, text=True, env=env())
        time.sleep(0.3)
        p.send_signal(signal.SIGTERM)
        p.communicate(timeout=LIMIT)
        eq(p.returncode, -signal.SIGTERM, "died of SIGTERM")
        check(not os.path.exists(marker), "command not run")
        eq(fl("wait", "--timeout", "0", target).returncode, 75, "holder unaffected")
        eq(h.release(), 0, "holder exit")


@tap.case
def command_gets_sigterm_when_filelock_is_killed(tmp):
    if not sys.platform.startswith("linux"):
        from cliutil import Skip
        raise Skip("parent-death signal is Linux only")
    p = start_run(tmp, os.path.join(tmp, "f"), TRAP.format(sig="TERM"))
    p.send_signal(signal.SIGKILL)
    p.wait(timeout=LIMIT)
    out = os.path.join(tmp, "out")
    wait_for_file(out)
    # The shell creates the file before it writes the line: wait for the line.
    deadline = time.monotonic() + LIMIT
    while not read(out).endswith("\n") and time.monotonic() < deadline:
        time.sleep(0.01)
    # Linux may send the parent-death signal once per dying thread of
    # filelock (the command is handed to each in turn): once or more.
    lines = read(out).splitlines()
    check(lines and set(lines) == {"got TERM"}, "orphaned command stopped: %r" % lines)
    p.stdout.close()
    p.stderr.close()


@tap.case
def batch_is_cancelled_by_sigterm(tmp):
    files = [os.path.join(tmp, "f%d" % i) for i in range(4)]
    log = os.path.join(tmp, "log")
    script = ('trap \'echo "term $1" >> "$LOG"; exit 3\' TERM; echo "in $1" >> "$LOG"; '
              'while :; do sleep 0.05; done')
    p = subprocess.Popen([BIN, "batch", "--json", "--workers", "1", *files, "--", "sh", "-c",
                          script, "sh", "{}"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, env=env(LOG=log))
    wait_for_file(log)
    p.send_signal(signal.SIGTERM)
    out, err = p.communicate(timeout=LIMIT)
    eq(p.returncode, 128 + signal.SIGTERM, "exit: " + err)
    res = json.loads(out)
    eq([f["status"] for f in res["files"]], ["failed", "cancelled", "cancelled", "cancelled"],
       "statuses")
    eq(res["files"][0]["exit_code"], 3, "the running command got the signal")
    eq(read(log).split(), ["in", files[0], "term", files[0]], "log")
    eq(res["summary"]["cancelled"], 3, "summary")
    for f in files:
        check(not os.path.exists(f + ".lock"), "no lock left: " + f)


sys.exit(tap.run())
