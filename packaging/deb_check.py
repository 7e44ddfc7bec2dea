#!/usr/bin/env python3
"""Build the Debian packages from a copy of the source tree, check them with
lintian, install them with dpkg, build and run the README's C example and
the CLI and the Python module against the system-installed copy, then remove
them again.  Prints TAP and writes the same checks as JUnit (for CI's count).

usage: deb_check.py SOURCE_DIR JUNIT_OUT
"""
import glob
import os
import shutil
import subprocess
import sys
import tempfile
from xml.sax.saxutils import escape

PACKAGES = ["python3-libfilelock", "filelock", "libfilelock-dev", "libfilelock1"]
SUDO = [] if os.geteuid() == 0 else ["sudo"]  # dpkg -i / -r need root


def run(cmd, **kw):
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    except OSError as exc:
        return False, str(exc)
    return r.returncode == 0, (r.stdout + r.stderr)


def main():
    src, junit = os.path.abspath(sys.argv[1]), sys.argv[2]
    checks = []
    with tempfile.TemporaryDirectory(prefix="fl-deb-") as tmp:
        tree = os.path.join(tmp, "filelock")
        archive = subprocess.run(["git", "-C", src, "archive", "--format=tar", "HEAD"], capture_output=True)
        os.makedirs(tree)
        subprocess.run(["tar", "-x", "-C", tree], input=archive.stdout, check=True)
        # No -dbgsym packages: they would be installed too and block removal.
        env = dict(os.environ, DEB_BUILD_OPTIONS="noddebs nocheck")
        ok, out = run(["dpkg-buildpackage", "-b", "-uc", "-us"], cwd=tree, env=env)
        checks.append(("dpkg-buildpackage -b -uc -us", ok, out[-3000:]))
        debs = sorted(glob.glob(os.path.join(tmp, "*.deb")))
        names = sorted(os.path.basename(d).split("_")[0] for d in debs)
        checks.append(("four packages built", names == sorted(PACKAGES), names))
        changes = glob.glob(os.path.join(tmp, "*.changes"))
        if changes:
            ok, out = run(["lintian", "--tag-display-limit", "0", "--display-info", "--pedantic", changes[0]])
            errors = [l for l in out.splitlines() if l.startswith("E:")]
            print("# lintian:")
            for line in out.splitlines():
                print("#   " + line)
            checks.append(("lintian reports no errors", not errors, "\n".join(errors)))
        for d in debs:
            ok, out = run(["dpkg", "-c", d])
            print(f"# dpkg -c {os.path.basename(d)}:")
            for line in out.splitlines():
                print("#   " + line)
        ok, out = run([*SUDO, "dpkg", "-i", *debs])
        checks.append(("dpkg -i", ok, out[-2000:]))
        try:
            exe = os.path.join(tmp, "example")
            flags = subprocess.run(["pkg-config", "--cflags", "--libs", "filelock"], capture_output=True,
                                   text=True).stdout.split()
            ok, out = run(["cc", "-o", exe, os.path.join(src, "tests", "install", "example.c"), *flags])
            if ok:
                ok, out = run([exe, os.path.join(tmp, "target")])
            checks.append(("C example against the system library", ok and "held" in out, out))
            ok, out = run(["/usr/bin/filelock", "--version"])
            checks.append(("filelock --version", ok, out))
            env = {k: v for k, v in os.environ.items() if k not in ("LIBFILELOCK_PATH", "PYTHONPATH")}
            ok, out = run(["/usr/bin/python3", "-c", "import libfilelock; print(libfilelock.library_version())"],
                          env=env)
            checks.append(("python3 -c 'import libfilelock' (system)", ok, out))
        finally:
            ok, out = run([*SUDO, "dpkg", "-r", *PACKAGES])
            checks.append(("dpkg -r (machine left clean)", ok, out[-2000:]))
    failed = 0
    print(f"1..{len(checks)}")
    for i, (name, ok, detail) in enumerate(checks, 1):
        print(f"{'ok' if ok else 'not ok'} {i} - {name}")
        if not ok:
            failed += 1
            for line in str(detail).splitlines()[-40:]:
                print("# " + line)
    with open(junit, "w") as f:
        f.write(f'<testsuites><testsuite name="debian" tests="{len(checks)}" failures="{failed}">')
        for name, ok, detail in checks:
            f.write(f'<testcase name="{escape(name)}">')
            if not ok:
                f.write(f'<failure message="{escape(name)}">{escape(str(detail)[-2000:])}</failure>')
            f.write("</testcase>")
        f.write("</testsuite></testsuites>")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
