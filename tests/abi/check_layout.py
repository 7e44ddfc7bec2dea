#!/usr/bin/env python3
"""The layout dump (filelock-layout.json) is sound, printed as TAP: every
struct starts with struct_size, its fields neither overlap nor run past its
size and none is left out, error codes are 0 or negative, and its version is the project's.

usage: check_layout.py LAYOUT_JSON PROJECT_VERSION
"""
import json
import sys

from tap import report


def main():
    path, version = sys.argv[1:3]
    with open(path) as f:
        layout = json.load(f)
    checks = [("version is the project's", layout["version"] == version, layout["version"])]
    for name, st in sorted(layout["structs"].items()):
        fields = sorted(st["fields"].items(), key=lambda kv: kv[1][0])
        first = fields[0][0] == "struct_size" and fields[0][1][0] == 0
        checks.append((f"{name} starts with struct_size", first, fields[0]))
        bad = []
        end = 0
        for fname, (off, size) in fields:
            if off < end:
                bad.append(f"{fname} overlaps")
            end = off + size
        if end > st["size"]:
            bad.append(f"fields end at {end}, past size {st['size']}")
        # Only tail padding may follow the last field: a member appended to
        # the header but not to the dump leaves a gap of 8 bytes or more.
        if st["size"] - end >= 8:
            bad.append(f"{st['size'] - end} bytes after the last listed field: a field is missing")
        checks.append((f"{name} fields fit", not bad, bad))
    codes = {k: v for k, v in layout["constants"].items() if k == "FL_OK" or k.startswith("FL_E")}
    checks.append(("error codes are 0 or negative",
                   codes.get("FL_OK") == 0 and all(v < 0 for k, v in codes.items() if k != "FL_OK"), codes))
    return report(checks)


if __name__ == "__main__":
    sys.exit(main())
