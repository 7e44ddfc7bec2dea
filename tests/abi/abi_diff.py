#!/usr/bin/env python3
"""The ABI only grows: abidiff of the committed 1.0 baseline (abidw output
of the 1.0 library, public interfaces only) against the library just built,
printed as TAP.  Added functions are allowed (in a new version node), and so
are members appended to library-allocated structs (abi.suppr); a removed or
changed function or variable fails.

usage: abi_diff.py ABIDIFF BASELINE LIBRARY HEADERS_DIR SUPPRESSIONS
"""
import re
import subprocess
import sys

from tap import report


def main():
    abidiff, baseline, lib, headers, suppr = sys.argv[1:6]
    r = subprocess.run([abidiff, "--suppressions", suppr, "--headers-dir2", headers,
                        "--drop-private-types", "--exported-interfaces-only", baseline, lib],
                       capture_output=True, text=True)
    out = r.stdout + r.stderr
    checks = []
    # Exit status bits: 1 error, 2 usage, 4 ABI change, 8 incompatible change.
    checks.append(("abidiff ran", r.returncode & 3 == 0, out))
    checks.append(("no incompatible change", r.returncode & 8 == 0, out))
    fn = re.search(r"Functions changes summary: (\d+) Removed, (\d+) Changed", out)
    var = re.search(r"Variables changes summary: (\d+) Removed, (\d+) Changed", out)
    checks.append(("no function removed or changed",
                   bool(fn) and fn.group(1) == "0" and fn.group(2) == "0", out))
    checks.append(("no variable removed or changed",
                   bool(var) and var.group(1) == "0" and var.group(2) == "0", out))
    added = re.findall(r"\{(\w+)@@(FILELOCK_[\d.]+)\}", out)
    in_old = [name for name, node in added if node == "FILELOCK_1.0"]
    checks.append(("added functions are in a new version node", not in_old, in_old))

    return report(checks, "added since 1.0: " + (", ".join(n for n, _ in added) or "nothing"))


if __name__ == "__main__":
    sys.exit(main())
