#!/usr/bin/env python3
"""Consumers of the *installed* library, as TAP: install the build into a
staging directory (meson install --destdir), then build and run against it
the README's C example with pkg-config, the same statically (pkg-config
--static, when the build has the static library), a CMake project with
find_package(filelock), a dlopen of the soname, and the ABI check of the
installed library against the 1.0 baseline.

usage: consumers.py BUILD_DIR SOURCE_DIR
"""
import glob
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "abi"))
from tap import report  # noqa: E402


def run(cmd, **kw):
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    except OSError as exc:
        return False, f"{cmd[0]}: {exc}"
    return r.returncode == 0, (r.stdout + r.stderr)[-2000:]


def main():
    build, src = sys.argv[1:3]
    here = os.path.join(src, "tests", "install")
    checks = []
    with tempfile.TemporaryDirectory(prefix="fl-install-") as tmp:
        stage = os.path.join(tmp, "stage")
        ok, out = run(["meson", "install", "-C", build, "--destdir", stage, "--no-rebuild", "--quiet"])
        checks.append(("meson install --destdir", ok, out))
        if not ok:
            return report(checks)
        pcs = glob.glob(os.path.join(stage, "**", "pkgconfig", "filelock.pc"), recursive=True)
        libdir = os.path.dirname(os.path.dirname(pcs[0])) if pcs else ""
        prefix = os.path.join(stage, "usr", "local") if os.path.isdir(os.path.join(stage, "usr", "local")) else stage
        env = dict(os.environ, PKG_CONFIG_PATH=os.path.dirname(pcs[0]) if pcs else "",
                   PKG_CONFIG_SYSROOT_DIR=stage, LD_LIBRARY_PATH=libdir)
        checks.append(("filelock.pc installed", bool(pcs), pcs))

        flags = subprocess.run(["pkg-config", "--cflags", "--libs", "filelock"], env=env,
                               capture_output=True, text=True).stdout.split()
        exe = os.path.join(tmp, "example")
        ok, out = run(["cc", "-o", exe, os.path.join(here, "example.c"), *flags], env=env)
        checks.append(("C example builds with pkg-config --cflags --libs filelock", ok, out))
        ok, out = run([exe, os.path.join(tmp, "target")], env=env)
        checks.append(("C example runs against the installed .so", ok and "held" in out, out))

        static_lib = os.path.join(libdir, "libfilelock.a")
        if os.path.exists(static_lib):
            sflags = subprocess.run(["pkg-config", "--static", "--cflags", "--libs", "filelock"], env=env,
                                    capture_output=True, text=True).stdout.split()
            sflags = [static_lib if f == "-lfilelock" else f for f in sflags]
            sexe = os.path.join(tmp, "example-static")
            ok, out = run(["cc", "-o", sexe, os.path.join(here, "example.c"), *sflags], env=env)
            checks.append(("static build with pkg-config --static", ok, out))
            ok, out = run([sexe, os.path.join(tmp, "target2")])  # no LD_LIBRARY_PATH: nothing to load
            ldd = subprocess.run(["ldd", sexe], capture_output=True, text=True).stdout
            checks.append(("static example runs without the .so", ok and "libfilelock" not in ldd, out + ldd))
        else:
            print("# no static library in this build (-Ddefault_library=both builds it)")

        cm = os.path.join(tmp, "cmake-build")
        ok, out = run(["cmake", "-S", os.path.join(here, "cmake"), "-B", cm, f"-DCMAKE_PREFIX_PATH={prefix}"])
        if ok:
            ok, out = run(["cmake", "--build", cm])
        checks.append(("CMake find_package(filelock) and filelock::filelock", ok, out))
        ok, out = run([os.path.join(cm, "example"), os.path.join(tmp, "target3")], env=env)
        checks.append(("CMake-built example runs", ok and "held" in out, out))

        dexe = os.path.join(tmp, "dlopen")
        ok, out = run(["cc", "-o", dexe, os.path.join(here, "dlopen.c"), "-ldl"])
        if ok:
            ok, out = run([dexe], env=env)
        with open(os.path.join(src, "meson.build")) as f:
            version = next(l.split("'")[1] for l in f if l.strip().startswith("version:"))
        checks.append(("dlopen(libfilelock.so.1) and call it", ok and out.strip() == version, out))

        abidiff = shutil.which("abidiff")
        so = os.path.join(libdir, "libfilelock.so.1")
        if abidiff and os.path.exists(so):
            ok, out = run([sys.executable, os.path.join(src, "tests", "abi", "abi_diff.py"), abidiff,
                           os.path.join(src, "tests", "abi", "filelock-1.0.abi"), so,
                           os.path.join(prefix, "include"), os.path.join(src, "tests", "abi", "abi.suppr")])
            checks.append(("installed library: abidiff against the 1.0 baseline", ok, out))
        pyinit = glob.glob(os.path.join(prefix, "lib", "python3*", "*-packages", "libfilelock", "__init__.py"))
        checks.append(("Python package installed for the system Python", bool(pyinit), prefix))
        if pyinit:
            penv = dict(env, PYTHONPATH=os.path.dirname(os.path.dirname(pyinit[0])),
                        LIBFILELOCK_PATH=os.path.join(libdir, "libfilelock.so.1"))
            ok, out = run(["/usr/bin/python3", "-c", "import libfilelock; print(libfilelock.library_version())"],
                          env=penv)
            checks.append(("installed Python package imports and loads the installed library", ok, out))
        for rel, what in (("share/bash-completion/completions/filelock", "bash completion"),
                          ("share/man/man1/filelock.1", "man page"),
                          ("share/doc/filelock/PROTOCOL.md", "protocol doc")):
            path = os.path.join(prefix, rel)
            checks.append((f"{what} installed", os.path.exists(path), path))
    return report(checks)


if __name__ == "__main__":
    sys.exit(main())
