"""The shell completions the build writes from the command-line definition:
valid scripts for bash, zsh and fish, which complete every subcommand and
every option that --help lists."""
import os
import re
import shutil
import subprocess
import sys

from cliutil import LIMIT, Skip, Tap, check, eq, fl

tap = Tap()
DIR = os.environ.get("FL_TEST_COMPLETIONS", "")
SCRIPTS = {"bash": "filelock", "zsh": "_filelock", "fish": "filelock.fish"}


def script(shell):
    path = os.path.join(DIR, SCRIPTS[shell])
    check(os.path.exists(path), "not built: " + path)
    return path


def help_options(sub):
    text = fl(sub, "--help").stdout if sub else fl("--help").stdout
    opts = set(re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", text.split("\n\n\n")[0]))
    return opts


def subcommands():
    text = fl("--help").stdout
    block = text.split("Subcommands:")[1].split("\n\n")[0]
    return [line.split()[0] for line in block.strip().splitlines()]


@tap.case
def every_subcommand_and_option_is_in_each_script(tmp):
    subs = subcommands()
    check("locks" in subs and "completion" not in subs, "the hidden generator is not listed: %s" % subs)
    for shell in SCRIPTS:
        text = open(script(shell)).read()
        for sub in subs:
            check(re.search(r"\b%s\b" % sub, text), "%s: no subcommand %s" % (shell, sub))
            for opt in help_options(sub):
                name = opt if shell != "fish" else "-l " + opt[2:]
                check(name in text, "%s: %s has no %s" % (shell, sub, opt))


@tap.case
def the_scripts_are_valid_shell(tmp):
    eq(subprocess.run(["bash", "-n", script("bash")]).returncode, 0, "bash -n")
    for shell, cmd in (("zsh", ["zsh", "-n"]), ("fish", ["fish", "--no-execute"])):
        if not shutil.which(cmd[0]):
            raise Skip("%s is not installed" % shell)
        r = subprocess.run(cmd + [script(shell)], capture_output=True, text=True, timeout=LIMIT)
        eq(r.returncode, 0, "%s: %s" % (shell, r.stderr))


@tap.case
def bash_completes_subcommands_options_and_values(tmp):
    lib = "/usr/share/bash-completion/bash_completion"
    if not os.path.exists(lib):
        raise Skip("bash-completion is not installed")

    def complete(*words):
        line = " ".join(["filelock", *words])
        prog = ('source %s; source %s; COMP_WORDS=(%s); COMP_CWORD=%d; COMP_LINE="%s"; '
                'COMP_POINT=${#COMP_LINE}; _filelock; printf "%%s\\n" "${COMPREPLY[@]}"'
                % (lib, script("bash"), line, len(words), line))
        r = subprocess.run(["bash", "-c", prog], capture_output=True, text=True, timeout=LIMIT, cwd=tmp)
        return set(r.stdout.split())

    eq(complete("lo"), {"locks"}, "subcommand")
    check({"--nonblock", "--no-record"} <= complete("run", "--no"), "run options")
    check("--clean-stale" in complete("locks", "--cl"), "locks options")
    os.makedirs(os.path.join(tmp, "subdir"))
    open(os.path.join(tmp, "afile"), "w").close()
    eq(complete("status", "-d", ""), {"subdir"}, "-d completes directories only")


sys.exit(tap.run())
