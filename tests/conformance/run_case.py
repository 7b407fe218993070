#!/usr/bin/env python3
"""Runs `qloop model` on one conformance case and compares with its expected.json (and its
expected_sparse.json, the Sparseloop counts, where there is one).

usage: run_case.py QLOOP CASE_DIR COMPARE_PY
A case whose expected.json says "valid": false must exit 3 and write {"valid": false}.
"""
import json, os, subprocess, sys, tempfile

qloop, case, compare = sys.argv[1:4]
expected = json.load(open(os.path.join(case, "expected.json")))
out = tempfile.mkdtemp(prefix="qloop-conf-")
inputs = [os.path.join(case, f) for f in expected["inputs"]]
r = subprocess.run([qloop, "model"] + inputs + ["-o", out], capture_output=True, text=True)
actual = os.path.join(out, "qloop.stats.json")
if expected.get("valid") is False:
    ok = r.returncode == 3 and json.load(open(actual)).get("valid") is False
    print("invalid mapping reported" if ok else f"expected exit 3, got {r.returncode}: {r.stderr}")
    sys.exit(0 if ok else 1)
if r.returncode != 0:
    print(f"qloop exited {r.returncode}: {r.stdout}{r.stderr}")
    sys.exit(1)
for name in ("expected.json", "expected_sparse.json"):  # Sparseloop's counts, where given
    if os.path.exists(os.path.join(case, name)):
        c = subprocess.run([sys.executable, compare, os.path.join(case, name), actual, "--rtol", "0.001"])
        if c.returncode:
            sys.exit(c.returncode)
