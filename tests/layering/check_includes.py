#!/usr/bin/env python3
"""Every #include "folder/..." of the project's code names a folder its layer may use.

usage: check_includes.py LAYERS_TXT SOURCE_ROOT

LAYERS_TXT is the table src/CMakeLists.txt writes ("folder: allowed folders..."); the code is
read from SOURCE_ROOT/src/<folder>, SOURCE_ROOT/cli and SOURCE_ROOT/python/src. Prints every
include that crosses the layers (file:line, the include, the folders allowed there) and exits 1
if there is one; a folder of src/ missing from the table is an error too.
"""
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/')


def read_table(path):
    table = {}
    for line in open(path):
        if ":" in line:
            folder, allowed = line.split(":", 1)
            table[folder.strip()] = set(allowed.split())
    return table


def code_folders(root):
    src = os.path.join(root, "src")
    for name in sorted(os.listdir(src)):
        if os.path.isdir(os.path.join(src, name)):
            yield name, os.path.join(src, name)
    yield "cli", os.path.join(root, "cli")
    yield "python", os.path.join(root, "python", "src")


def main():
    table_path, root = sys.argv[1:3]
    table = read_table(table_path)
    problems = []
    for folder, path in code_folders(root):
        if folder not in table:
            problems.append(f"{path}: folder '{folder}' belongs to no layer in src/CMakeLists.txt")
            continue
        for name in sorted(os.listdir(path)):
            if not name.endswith((".hpp", ".cpp")):
                continue
            file = os.path.join(path, name)
            for number, line in enumerate(open(file), start=1):
                match = INCLUDE.match(line)
                if match and match.group(1) not in table[folder]:
                    problems.append(f"{file}:{number}: includes {match.group(1)}/ but {folder}/ may use only "
                                    f"{', '.join(sorted(table[folder]))}")
    print("\n".join(problems) if problems else f"{len(table)} folders, every include within its layer")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
