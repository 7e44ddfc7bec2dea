"""Print (name, ok, detail) checks as TAP; detail is shown for failures."""


def report(checks, footer=None):
    print(f"1..{len(checks)}")
    failed = 0
    for i, (name, ok, detail) in enumerate(checks, 1):
        print(f"{'ok' if ok else 'not ok'} {i} - {name}")
        if not ok:
            failed += 1
            for line in str(detail).splitlines() or [""]:
                print("# " + line)
    if footer:
        print("# " + footer)
    return 1 if failed else 0
