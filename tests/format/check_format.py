#!/usr/bin/env python3
"""The C++ sources are formatted as .clang-format says.

usage: check_format.py CLANG_FORMAT SOURCE_ROOT

Runs `clang-format --dry-run --Werror` on every .cpp/.hpp under src/, cli/, python/src/,
tests/ and bench/; prints the files that differ (fix: clang-format -i FILE) and exits 1 if any.
"""
import os
import subprocess
import sys


def sources(root):
    for top in ("src", "cli", os.path.join("python", "src"), "tests", "bench"):
        for folder, _, files in os.walk(os.path.join(root, top)):
            for name in sorted(files):
                if name.endswith((".cpp", ".hpp")):
                    yield os.path.join(folder, name)


def main():
    clang_format, root = sys.argv[1:3]
    unformatted = []
    for path in sources(root):
        r = subprocess.run([clang_format, "--dry-run", "--Werror", path], capture_output=True, text=True)
        if r.returncode != 0:
            unformatted.append(path)
    for path in unformatted:
        print(f"{path}: not formatted (run: clang-format -i {path})")
    print(f"{len(unformatted)} file(s) to format" if unformatted else "every source file is formatted")
    sys.exit(1 if unformatted else 0)


if __name__ == "__main__":
    main()
