#!/usr/bin/env python3
"""Runs `qloop model` on one Timeloop v0.4 conformance case as its README says (in the case
folder: the top files, the files that follow, one --var per jinja2 variable) and compares
with its expected.json.

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
c = subprocess.run([sys.executable, compare, os.path.join(case, "expected.json"), os.path.join(out, "qloop.stats.json"),
                    "--rtol", "0.001"])
sys.exit(c.returncode)
