#!/usr/bin/env python3
"""Write debian/libfilelock1.symbols from the version script: every
exported name with its version node, and the version the node came in
(FILELOCK_1.1 -> 1.1.0).

usage: gen_symbols.py capi/filelock.sym > debian/libfilelock1.symbols
       gen_symbols.py capi/filelock.sym --check debian/libfilelock1.symbols   (TAP)"""
import re
import sys

text = re.sub(r"/\*.*?\*/", "", open(sys.argv[1]).read(), flags=re.S)
out = ["libfilelock.so.1 libfilelock1 #MINVER#", "* Build-Depends-Package: libfilelock-dev"]
for node, body in re.findall(r"(FILELOCK_[0-9.]+)\s*\{(.*?)\}", text, re.S):
    since = node.split("_", 1)[1] + ".0"
    out.append(f" {node}@{node} {since}")
    globals_part = body.split("local:")[0]
    for name in re.findall(r"\b(fl_[a-z0-9_]+)\s*;", globals_part):
        out.append(f" {name}@{node} {since}")
text_out = "\n".join(out) + "\n"
if len(sys.argv) > 3 and sys.argv[2] == "--check":
    same = open(sys.argv[3]).read() == text_out
    print("1..1")
    print(("ok" if same else "not ok") + " 1 - debian symbols file matches the version script")
    if not same:
        print("# regenerate: packaging/gen_symbols.py capi/filelock.sym > debian/libfilelock1.symbols")
    sys.exit(0 if same else 1)
sys.stdout.write(text_out)
