#!/usr/bin/env python3
"""The Windows zip as a user gets it: made from the cross build by
packaging/windows/zip.py, unpacked, its filelock.exe run under Wine, and a
C program built against it with mingw-w64 through filelock.pc and through
CMake's find_package, then run.  One JUnit case each, for .ci/summary.py.

usage: windows_package.py BUILD_DIR SYSROOT JUNIT_XML"""
import os
import subprocess
import sys
import tempfile
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import junit  # noqa: E402

build, sysroot, out = (os.path.abspath(a) for a in sys.argv[1:4])
os.chdir(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
wine = os.path.join(sysroot, "wine-run")
cases = []

CONSUMER = r"""
#include <stdio.h>
#include "filelock.h"
int main(int argc, char **argv)
{
    fl_lock *l = NULL;
    if (argc < 2 || fl_lock_new(&l, argv[1], NULL) != FL_OK) return 2;
    int rc = fl_acquire(l, 0);
    printf("acquire %d held %d version %s\n", rc, fl_lock_is_held(l), fl_version_string());
    fl_release(l);
    fl_lock_free(l);
    return rc == 0 ? 0 : 1;
}
"""

CMAKELISTS = """cmake_minimum_required(VERSION 3.16)
project(consumer C)
find_package(filelock 1 REQUIRED)
add_executable(consumer consumer.c)
target_link_libraries(consumer PRIVATE filelock::filelock)
"""


def case(name, fn):
    try:
        fn()
        cases.append(("windows-package", name, None, False))
    except Exception as e:  # noqa: BLE001 - every failure is the case's
        cases.append(("windows-package", name, str(e)[-4000:], False))


def run(argv, **kw):
    p = subprocess.run(argv, capture_output=True, text=True, timeout=600, **kw)
    if p.returncode != 0:
        raise RuntimeError("%s: exit %d\n%s%s" % (" ".join(argv), p.returncode, p.stdout, p.stderr))
    return p.stdout


def win_path(path):
    return "Z:" + path.replace("/", "\\")


with tempfile.TemporaryDirectory() as tmp:
    zpath = os.path.join(tmp, "filelock-win64.zip")
    unpacked = os.path.join(tmp, "unpacked")
    top = []

    def make_zip():
        run([sys.executable, "packaging/windows/zip.py", build, zpath])
        with zipfile.ZipFile(zpath) as z:
            z.extractall(unpacked)
        top.append(os.path.join(unpacked, os.listdir(unpacked)[0]))
        for f in ("bin/filelock.dll", "bin/filelock.exe", "lib/filelock.dll.a", "include/filelock.h",
                  "lib/pkgconfig/filelock.pc", "lib/cmake/filelock/filelockConfig.cmake"):
            if not os.path.exists(os.path.join(top[0], f)):
                raise RuntimeError("the zip has no " + f)

    def tool_runs():
        text = run([wine, os.path.join(top[0], "bin", "filelock.exe"), "--version"])
        if "filelock " not in text:
            raise RuntimeError("unexpected --version output: " + text)

    def consumer_runs(exe):
        env = dict(os.environ, WINEPATH=win_path(os.path.join(top[0], "bin")))
        text = run([wine, exe, win_path(os.path.join(tmp, "target.txt"))], env=env)
        if "acquire 0 held 1" not in text:
            raise RuntimeError("unexpected consumer output: " + text)

    def pkg_config_consumer():
        src = os.path.join(tmp, "consumer.c")
        with open(src, "w") as f:
            f.write(CONSUMER)
        env = dict(os.environ, PKG_CONFIG_LIBDIR=os.path.join(top[0], "lib", "pkgconfig"))
        flags = run(["pkg-config", "--cflags", "--libs", "filelock"], env=env).split()
        exe = os.path.join(tmp, "consumer-pc.exe")
        run(["x86_64-w64-mingw32-gcc-posix", src, "-o", exe] + flags)
        consumer_runs(exe)

    def cmake_consumer():
        proj = os.path.join(tmp, "cmake-consumer")
        os.makedirs(proj)
        with open(os.path.join(proj, "consumer.c"), "w") as f:
            f.write(CONSUMER)
        with open(os.path.join(proj, "CMakeLists.txt"), "w") as f:
            f.write(CMAKELISTS)
        bdir = os.path.join(proj, "build")
        run(["cmake", "-S", proj, "-B", bdir, "-DCMAKE_TOOLCHAIN_FILE=" + os.path.join(sysroot, "toolchain.cmake"),
             "-DCMAKE_PREFIX_PATH=" + top[0], "-DCMAKE_FIND_ROOT_PATH=" + top[0] + ";/usr/x86_64-w64-mingw32"])
        run(["cmake", "--build", bdir])
        consumer_runs(os.path.join(bdir, "consumer.exe"))

    case("zip made from meson install", make_zip)
    if top:
        case("filelock.exe from the zip runs", tool_runs)
        case("C consumer through filelock.pc", pkg_config_consumer)
        case("C consumer through find_package(filelock)", cmake_consumer)

sys.exit(junit.write(cases, out, "windows package"))
