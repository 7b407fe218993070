#!/usr/bin/env python3
"""Runs `qloop model` on one Timeloop v0.4 conformance case as its README says (in the case
folder: the top files, the files that follow, one --var per jinja2 variable) and compares
with its expected.json (and expected_sparse.json, where there is one).

usage: run_v04_case.py QLOOP CASE_DIR COMPARE_PY
"""
import json, os, subprocess, sys, tempfile

qloop, case, compare = sys.argv[1:4]
spec = json.load(open(os.path.join(case, "case.json")))
out = tempfile.mkdtemp(prefix="qloop-v04-")
argv = [os.path.abspath(qloop), "model"] + spec["top"] + spec["then"] + ["-o", out]
for name, value in spec["jinja"].items():
    argv += ["--var", f"{name}={value if isinstance(value, str) else json.dumps(value)}"]
r = subprocess.run(argv, cwd=case, capture_output=True, text=True)
if r.returncode != 0:
    print(f"qloop exited {r.returncode}: {r.stdout}{r.stderr}")
    sys.exit(1)
for expected in ("expected.json", "expected_sparse.json"):  # the sparse cases have both
    if not os.path.exists(os.path.join(case, expected)):
        continue
    c = subprocess.run([sys.executable, compare, os.path.join(case, expected), os.path.join(out, "qloop.stats.json"),
                        "--rtol", "0.001"])
    if c.returncode:
        sys.exit(c.returncode)
# Leakage, which energy_pJ leaves out: each level's as the published stats print it (2 decimals).
import re
stats = json.load(open(os.path.join(out, "qloop.stats.json")))
ours = {level["name"]: level["leakage_pJ"] for level in stats["storage"]}
published = open(os.path.join(case, "ref", "timeloop-mapper.stats.txt")).read()
checked = 0
for name, value in re.findall(r"=== (\S+) ===(?:(?!===).)*?Leakage energy \(total\)\s*: ([0-9.]+) pJ", published, re.S):
    if name in ours:
        checked += 1
        if abs(ours[name] - float(value)) > max(0.006, 1e-3 * float(value)):
            print(f"{name}: leakage {ours[name]:.4f} pJ, published {value}")
            sys.exit(1)
print(f"leakage of {checked} levels as published")
