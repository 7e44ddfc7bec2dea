#!/usr/bin/env python3
"""Make the Windows zip from a cross build:

    packaging/windows/zip.py BUILD-DIR OUT.zip

`meson install` of BUILD-DIR (stripped) into a temporary directory, then
everything under its prefix into OUT.zip, inside one folder
filelock-<version>-win64/: bin/filelock.dll and bin/filelock.exe,
lib/filelock.dll.a (the import library), include/filelock.h and
filelock.hpp, lib/pkgconfig/filelock.pc, lib/cmake/filelock/ and the
documents.  Configure the build with -Dpkgconfig.relocatable=true so that
filelock.pc works wherever the zip is unpacked.
"""
import json
import os
import subprocess
import sys
import tempfile
import zipfile


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    build, out = sys.argv[1], os.path.abspath(sys.argv[2])
    info = json.loads(subprocess.run(["meson", "introspect", build, "--projectinfo"],
                                     check=True, capture_output=True, text=True).stdout)
    options = json.loads(subprocess.run(["meson", "introspect", build, "--buildoptions"],
                                        check=True, capture_output=True, text=True).stdout)
    prefix = next(o["value"] for o in options if o["name"] == "prefix")
    top = "filelock-%s-win64" % info["version"]
    with tempfile.TemporaryDirectory() as dest:
        subprocess.run(["meson", "install", "-C", build, "--destdir", dest, "--strip", "--quiet"],
                       check=True, stdout=subprocess.DEVNULL)
        root = os.path.join(dest, prefix.lstrip("/\\"))
        names = []
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for d, _, files in sorted(os.walk(root)):
                for f in sorted(files):
                    path = os.path.join(d, f)
                    rel = os.path.relpath(path, root).replace(os.sep, "/")
                    z.write(path, top + "/" + rel)
                    names.append(rel)
    for want in ("bin/filelock.dll", "lib/filelock.dll.a", "include/filelock.h",
                 "lib/pkgconfig/filelock.pc"):
        if want not in names:
            sys.exit("%s: %s is missing from the install" % (out, want))
    print("%s: %d files, %d bytes" % (out, len(names), os.path.getsize(out)))


if __name__ == "__main__":
    main()
