#!/usr/bin/env python3
"""`qloop convert` keeps the numbers: a conformance case converted to the other Timeloop form
and back gives the summary of the original inputs, and the published one (expected.json).
A v0.2/v0.3 case goes to v0.4 and back; a v0.4 case (case.json) to v0.3 and back.

usage: run_convert_case.py QLOOP CASE_DIR
"""
import json, os, subprocess, sys, tempfile

qloop, case = os.path.abspath(sys.argv[1]), sys.argv[2]
out = tempfile.mkdtemp(prefix="qloop-convert-")
tables = ("ERT.yaml", "ART.yaml")
if os.path.exists(os.path.join(case, "case.json")):
    spec = json.load(open(os.path.join(case, "case.json")))
    design, rest = spec["top"], spec["then"]
    variables = [a for k, v in spec["jinja"].items()
                 for a in ("--var", f"{k}={v if isinstance(v, str) else json.dumps(v)}")]
    there, back = "v0.3", "v0.4"
else:
    inputs = json.load(open(os.path.join(case, "expected.json")))["inputs"]
    design, rest = [f for f in inputs if f not in tables], [f for f in inputs if f in tables]
    variables, there, back = [], "v0.4", "v0.3"  # the mapping is converted with the design


def run(*args):
    r = subprocess.run([qloop, *args], cwd=case, capture_output=True, text=True)
    if r.returncode not in (0, 3):
        print(f"qloop {' '.join(args)} exited {r.returncode}: {r.stderr}")
        sys.exit(1)
    return r


def summary(inputs):
    run("model", *inputs, "-o", out)
    stats = json.load(open(os.path.join(out, "qloop.stats.json")))
    return stats.get("valid"), stats.get("summary")


run("convert", *design, *variables, "--to", there, "-o", os.path.join(out, "there.yaml"))
run("convert", os.path.join(out, "there.yaml"), "--to", back, "-o", os.path.join(out, "back.yaml"))
original = summary(design + rest + variables)
for name in ("there.yaml", "back.yaml"):
    converted = summary([os.path.join(out, name)] + rest)
    if converted != original:
        print(f"{name}: {converted}\noriginal: {original}")
        sys.exit(1)
expected = json.load(open(os.path.join(case, "expected.json")))["summary"]
if abs(original[1]["energy_pJ"] - expected["energy_pJ"]) > 1e-3 * expected["energy_pJ"]:
    print(f"energy {original[1]['energy_pJ']} against the published {expected['energy_pJ']}")
    sys.exit(1)
print(f"{there} and back: the same summary ({original[1]['energy_pJ']:.6g} pJ, {original[1]['cycles']} cycles)")
