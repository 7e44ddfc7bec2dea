"""Writing test outcomes as JUnit XML, which .ci/summary.py counts: the
bindings' run_tests.py scripts share it.

A case is (suite, name, failure text or None, skipped).
"""
import sys
import xml.etree.ElementTree as ET


def write(cases, path, label):
    """Write `cases` to `path`, print each failure on stderr and a
    "<label>: N passed, N failed" line; returns the exit status (1 if any failed)."""
    root = ET.Element("testsuites")
    suites = {}
    for suite, name, fail, skipped in cases:
        s = suites.get(suite)
        if s is None:
            s = suites[suite] = ET.SubElement(root, "testsuite", name=suite)
        c = ET.SubElement(s, "testcase", name=name, classname=suite)
        if fail:
            ET.SubElement(c, "failure", message="failed").text = fail
            print(f"FAILED {suite}: {name}\n{fail}", file=sys.stderr)
        elif skipped:
            ET.SubElement(c, "skipped")
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
    bad = sum(1 for c in cases if c[2])
    print(f"{label}: {len(cases) - bad} passed, {bad} failed")
    return 1 if bad else 0
