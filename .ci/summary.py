#!/usr/bin/env python3
"""Count test cases across meson JUnit logs (one per build directory) and
print the single closing line `N passed, N failed` (skips are reported too).
Each GoogleTest case and each TAP line counts as one test case.

usage: summary.py BUILD_DIR|JUNIT_XML...
"""
import os
import sys
import xml.etree.ElementTree as ET

passed = failed = skipped = 0
for build in sys.argv[1:]:
    # A build directory (meson's log inside it), or a JUnit file itself (pytest).
    path = build if build.endswith(".xml") else os.path.join(build, "meson-logs", "testlog.junit.xml")
    if not os.path.exists(path):
        print(f"{build}: no test log", file=sys.stderr)
        failed += 1
        continue
    for suite in ET.parse(path).getroot().iter("testsuite"):
        for case in suite.iter("testcase"):
            if case.find("failure") is not None or case.find("error") is not None:
                failed += 1
                print(f"FAILED: {build}: {suite.get('name')} / {case.get('name')}", file=sys.stderr)
            elif case.find("skipped") is not None:
                skipped += 1
            else:
                passed += 1
tail = f", {skipped} skipped" if skipped else ""
print(f"{passed} passed, {failed} failed{tail}")
sys.exit(1 if failed else 0)
