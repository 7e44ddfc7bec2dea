#!/usr/bin/env python3
"""Write debian/libfilelock1.symbols from the version script: every
exported name with its version node, and the version the node came in
(FILELOCK_1.1 -> 1.1.0).  usage: gen_symbols.py capi/filelock.sym > debian/libfilelock1.symbols"""
import re
import sys

text = re.sub(r"/\*.*?\*/", "", open(sys.argv[1]).read(), flags=re.S)
out = ["libfilelock.so.1 libfilelock1 #MINVER#"]
for node, body in re.findall(r"(FILELOCK_[0-9.]+)\s*\{(.*?)\}", text, re.S):
    since = node.split("_", 1)[1] + ".0"
    out.append(f" {node}@{node} {since}")
    globals_part = body.split("local:")[0]
    for name in re.findall(r"\b(fl_[a-z0-9_]+)\s*;", globals_part):
        out.append(f" {name}@{node} {since}")
print("\n".join(out))
