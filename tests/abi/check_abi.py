#!/usr/bin/env python3
"""ABI checks, printed as TAP: the shared library exports exactly the names
in the version script, each with the version node the script gives it (1.0
names never move), which are exactly the functions the public header
declares; the SONAME is libfilelock.so.1.

It also checks that the header's FL_LIB_VERSION_* macros say the project's
version (abi-version checks what the loaded library says).

usage: check_abi.py LIBRARY HEADER VERSION_SCRIPT PROJECT_VERSION
"""
import re
import subprocess
import sys

from tap import report


def exported(lib):
    out = subprocess.run(["nm", "-D", "--defined-only", lib], check=True,
                         capture_output=True, text=True).stdout
    names = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) != 3:
            continue
        _, kind, sym = parts
        name, _, version = sym.partition("@")
        names[name] = (kind, version.lstrip("@"))
    return names


def script_names(path):
    text = re.sub(r"/\*.*?\*/", "", open(path).read(), flags=re.S)
    nodes = re.findall(r"(\w[\w.]*)\s*\{(.*?)\}", text, flags=re.S)
    names = {}
    for node, body in nodes:
        glob = body.split("global:")[1].split("local:")[0]
        for name in re.findall(r"(\w+)\s*;", glob):
            names[name] = node
    return names


def header_names(path):
    text = re.sub(r"/\*.*?\*/", "", open(path).read(), flags=re.S)
    return set(re.findall(r"FL_API\b[^;{]*?\b(fl_\w+)\s*\(", text))


def soname(lib):
    out = subprocess.run(["readelf", "-d", lib], check=True, capture_output=True, text=True).stdout
    m = re.search(r"\(SONAME\).*\[(.*)\]", out)
    return m.group(1) if m else None


def header_version(path):
    text = open(path).read()
    macro = lambda n: re.search(r"#define FL_LIB_VERSION_%s\s+(\S+)" % n, text).group(1)
    return (int(macro("MAJOR")), int(macro("MINOR")), int(macro("PATCH")),
            int(macro("NUMBER")), macro("STRING").strip('"'))


def main():
    lib, header, script, version = sys.argv[1:5]
    exp = exported(lib)
    funcs = {n for n, (k, _) in exp.items() if k in ("T", "W", "i")}
    scr = script_names(script)
    hdr = header_names(header)
    checks = []

    stray = sorted(n for n in funcs if n not in scr)
    checks.append(("no export outside the version script", not stray, stray))
    missing = sorted(n for n in scr if n not in funcs)
    checks.append(("every version-script name is exported", not missing, missing))
    misplaced = sorted(n for n in funcs if n in scr and exp[n][1] != scr[n])
    checks.append(("every export carries its version-script node", not misplaced, misplaced))
    not_declared = sorted(set(scr) - hdr)
    checks.append(("every exported name is declared in filelock.h", not not_declared, not_declared))
    not_exported = sorted(hdr - set(scr))
    checks.append(("every FL_API function in filelock.h is in the script", not not_exported, not_exported))
    so = soname(lib)
    checks.append(("SONAME is libfilelock.so.1", so == "libfilelock.so.1", [so]))
    leaked = sorted(n for n in exp if not n.startswith("fl_") and not n.startswith("FILELOCK_"))
    checks.append(("no C++ or dependency symbols leak", not leaked, leaked[:10]))

    major, minor, patch = (int(x) for x in version.split("."))
    hv = header_version(header)
    checks.append(("header version macros are the project version",
                   hv == (major, minor, patch, major * 10000 + minor * 100 + patch, version), [hv, version]))

    return report(checks, f"{len(funcs)} exported functions")


if __name__ == "__main__":
    sys.exit(main())
