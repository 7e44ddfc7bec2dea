#!/usr/bin/python3
"""Build and test the Rust binding against a meson build tree, and write
the outcome as JUnit XML (one case per Rust test, doc test, clippy and the
benchmark smoke run) for the CI's closing count.

usage: run_tests.py BUILD_DIR JUNIT_XML

Uses the build tree's uninstalled pkg-config file to find the library, its
layout dump for the -sys checks, and its `filelock` program for the
mixed-language tests.  Needs cargo and rustc >= 1.89 (on PATH or in
~/.cargo/bin); runs offline.
"""
import atexit
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, ".ci"))
import junit as junit_xml  # noqa: E402
MIN_RUST = (1, 89)


def find_cargo():
    for c in (shutil.which("cargo"), os.path.expanduser("~/.cargo/bin/cargo")):
        if c and os.path.exists(c):
            return c
    return None


def main():
    build, junit = os.path.abspath(sys.argv[1]), sys.argv[2]
    cases = []  # (suite, name, failure text or None, skipped)

    def run(cmd, cwd=HERE):
        r = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
        return r.returncode, r.stdout + r.stderr

    cargo = find_cargo()
    env = dict(os.environ)
    if cargo:
        env["PATH"] = os.path.dirname(cargo) + os.pathsep + env.get("PATH", "")
        ver = subprocess.run(["rustc", "--version"], env=env, capture_output=True, text=True).stdout
        m = re.search(r"(\d+)\.(\d+)", ver)
        if not m or (int(m.group(1)), int(m.group(2))) < MIN_RUST:
            cases.append(("rust", "toolchain", f"rustc {ver.strip()} is older than 1.89", False))
            cargo = None
    else:
        cases.append(("rust", "toolchain", "cargo not found (PATH, ~/.cargo/bin)", False))

    if cargo:
        env.update(
            PKG_CONFIG_PATH=os.path.join(build, "meson-uninstalled"),
            LD_LIBRARY_PATH=os.path.join(build, "capi"),
            LIBFILELOCK_BUILD=build,
            LIBFILELOCK_CLI=os.path.join(build, "cli", "filelock"),
            CARGO_TARGET_DIR=os.path.join(build, "rust-target"),
            RUST_BACKTRACE="0",
        )
        env.pop("FILELOCK_LIB_DIR", None)
        # An etcd member for tests/etcd.rs, when etcd is installed.
        sys.path.insert(0, os.path.join(ROOT, "tests", "etcd"))
        member = None
        if shutil.which("etcd"):
            from cluster import Cluster
            member = Cluster(1)
            member.__enter__()
            atexit.register(member.__exit__, None, None, None)  # also if this script fails
            env["LIBFILELOCK_ETCD_URL"] = member.url("rust")
        rc, out = run(["cargo", "test", "--offline", "--workspace", "--no-run"])
        cases.append(("rust", "cargo build", None if rc == 0 else out[-6000:], False))
        if rc == 0:
            rc, out = run(["cargo", "test", "--offline", "--workspace", "--", "--test-threads=2"])
            seen = 0
            current = "rust"
            for line in out.splitlines():
                m = re.match(r"\s*(?:Running|Doc-tests) (\S+)", line)
                if m:
                    current = m.group(1)
                m = re.match(r"test (.+) \.\.\. (ok|FAILED|ignored)(?:, (.*))?$", line)
                if not m:
                    continue
                name, verdict, why = m.groups()
                if verdict == "ignored" and why and why.startswith("helper process"):
                    continue  # the test binaries' own helper processes, not tests
                seen += 1
                fail = None
                if verdict == "FAILED":
                    block = re.search(r"---- " + re.escape(name) + r" stdout ----\n(.*?)(?:\n---- |\nfailures:\n)", out, re.S)
                    fail = block.group(1)[-4000:] if block else "failed"
                cases.append((current, name, fail, verdict == "ignored"))
            if rc != 0 and not any(c[2] for c in cases):
                cases.append(("rust", "cargo test", out[-6000:], False))
            if seen == 0:
                cases.append(("rust", "cargo test", "no tests ran:\n" + out[-4000:], False))
        if subprocess.run(["cargo", "clippy", "--version"], env=env, capture_output=True).returncode == 0:
            rc, out = run(["cargo", "clippy", "--offline", "--workspace", "--all-targets", "--", "-D", "warnings"])
            cases.append(("rust", "clippy -D warnings", None if rc == 0 else out[-6000:], False))
        if subprocess.run(["cargo", "fmt", "--version"], env=env, capture_output=True).returncode == 0:
            bad = []
            for d in (HERE, os.path.join(ROOT, "bench", "rust")):
                rc, out = run(["cargo", "fmt", "--check"], cwd=d)
                if rc != 0:
                    bad.append(out[-3000:])
            cases.append(("rust", "cargo fmt --check", "\n".join(bad) or None, False))
        bench = os.path.join(ROOT, "bench", "rust")
        rc, out = run(["cargo", "build", "--offline", "--manifest-path", os.path.join(bench, "Cargo.toml")])
        if rc == 0:
            exe = os.path.join(env["CARGO_TARGET_DIR"], "debug", "filelock-rust-bench")
            rc, out = run([exe, "--cycles", "20", "--rounds", "1", "--handoffs", "6"])
            ok = rc == 0 and "binding overhead" in out and "floor: std File::lock (blocking" in out
            rc = 0 if ok else 1
        cases.append(("rust", "bench/rust smoke run", None if rc == 0 else out[-4000:], False))

    return junit_xml.write(cases, junit, "rust")


if __name__ == "__main__":
    sys.exit(main())
