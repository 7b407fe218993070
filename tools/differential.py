#!/usr/bin/env python3
"""Run cases through the reference timeloop-model and qloop, and compare.

usage: differential.py --reference TIMELOOP_MODEL --qloop QLOOP [--jobs 2] [--rtol 0.001]
                       [--summary FILE] CASE_DIR_OR_DIR_OF_CASES...

A case is a folder with arch.yaml, problem.yaml, map.yaml, ERT.yaml, ART.yaml (as written by
tools/random-cases.py).  For each case:
  1. the reference runs in a scratch directory (`timeloop-model arch problem map ERT ART`,
     LD_LIBRARY_PATH = <reference>/../../lib when that folder exists); its stats.txt,
     stats.csv and map.txt are copied to CASE/regen/, with its console output in
     CASE/regen/reference.log;
  2. CASE/expected.json is extracted from them with extract_expected.py (or, when the
     reference says the mapping does not fit, {"valid": false, "reason": ...});
  3. `qloop model ... -o CASE/qloop` runs, and compare.py (--rtol 0.001) compares.
Each case is classified as
  agree                 both valid, every field within tolerance
  differ                both valid, some fields differ (listed with expected / actual)
  reference-rejected    the reference crashed, asserted or refused the input (message kept)
  invalid-both-agree    the reference found the mapping invalid and qloop exited with 3
  validity-mismatch     one says valid, the other invalid (or qloop refused the input)
Prints a summary and writes <DIR>/differential-summary.json (DIR = the single directory
argument, or the common parent of the cases; --summary overrides).  The tools
extract_expected.py and compare.py are looked up next to this script, then in
../shared/tools beside the checkout (--tools overrides).  Python 3 standard library only.
"""

import argparse
import collections
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor

INPUTS = ["arch.yaml", "problem.yaml", "map.yaml", "ERT.yaml", "ART.yaml"]
REF_OUTPUTS = ["timeloop-model.stats.txt", "timeloop-model.stats.csv", "timeloop-model.map.txt"]
INVALID_RE = re.compile(r"ERROR: couldn't map level (.*)")
FAIL_RE = re.compile(r"^FAIL (\S+): (.*)$")
VALUE_RE = re.compile(r"expected (.*?), actual (.*?)(?: \(abs diff.*)?$")


# ----------------------------------------------------------------------------- helpers

def find_tools(explicit):
    here = os.path.dirname(os.path.abspath(__file__))
    shared = os.path.join(here, "..", "..", "shared", "tools")
    for d in ([explicit] if explicit else []) + [here, shared]:
        if d and os.path.isfile(os.path.join(d, "extract_expected.py")) and \
                os.path.isfile(os.path.join(d, "compare.py")):
            return os.path.join(d, "extract_expected.py"), os.path.join(d, "compare.py")
    sys.exit("error: extract_expected.py / compare.py not found (use --tools)")


def list_cases(paths):
    cases = []
    for p in paths:
        if os.path.isfile(os.path.join(p, "arch.yaml")):
            cases.append(os.path.abspath(p))
            continue
        for name in sorted(os.listdir(p)):
            c = os.path.join(p, name)
            if os.path.isfile(os.path.join(c, "arch.yaml")):
                cases.append(os.path.abspath(c))
    return cases


def reference_env(reference):
    env = {k: v for k, v in os.environ.items() if k != "TLDBG"}
    lib = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(reference))), "lib")
    if os.path.isdir(lib):
        env["LD_LIBRARY_PATH"] = lib + (":" + env["LD_LIBRARY_PATH"] if env.get("LD_LIBRARY_PATH") else "")
    return env


def tail(text, n=400):
    text = (text or "").strip()
    return text if len(text) <= n else "..." + text[-n:]


def rejection_message(proc):
    """The most telling line of a failed reference run."""
    lines = [l.strip() for l in (proc.stderr + "\n" + proc.stdout).splitlines() if l.strip()]
    for pat in ("Assertion", "ERROR", "terminate", "what()", "Error", "error", "Cannot", "WARNING"):
        for l in lines:
            if pat in l:
                return l
    if proc.returncode < 0:
        return "killed by signal %d" % -proc.returncode
    return lines[-1] if lines else "exit status %d, no output" % proc.returncode


def features_of(case):
    """The JSON Features block of SOURCE.md, or {}."""
    try:
        text = open(os.path.join(case, "SOURCE.md")).read()
    except OSError:
        return {}
    m = re.search(r"Features:\s*```\s*(\{.*?\})\s*```", text, re.S)
    try:
        return json.loads(m.group(1)) if m else {}
    except ValueError:
        return {}


# ----------------------------------------------------------------------------- one case

def run_reference(case, reference, timeout):
    """Returns ('valid'|'invalid'|'rejected', message)."""
    regen = os.path.join(case, "regen")
    shutil.rmtree(regen, ignore_errors=True)
    os.makedirs(regen)
    with tempfile.TemporaryDirectory(prefix="tlref-") as work:
        try:
            proc = subprocess.run([reference] + [os.path.join(case, f) for f in INPUTS], cwd=work,
                                  env=reference_env(reference), capture_output=True, text=True,
                                  timeout=timeout)
        except subprocess.TimeoutExpired:
            return "rejected", "timeout after %ds" % timeout
        except OSError as e:
            return "rejected", "cannot run the reference: %s" % e
        with open(os.path.join(regen, "reference.log"), "w") as f:
            f.write("exit status %d\n--- stdout\n%s\n--- stderr\n%s\n" % (proc.returncode, proc.stdout, proc.stderr))
        for name in REF_OUTPUTS:
            if os.path.exists(os.path.join(work, name)):
                shutil.copy(os.path.join(work, name), regen)
    m = INVALID_RE.search(proc.stderr)
    if proc.returncode != 0 and m:
        return "invalid", m.group(1).strip()
    if proc.returncode != 0:
        return "rejected", rejection_message(proc)
    if not os.path.exists(os.path.join(regen, REF_OUTPUTS[0])):
        return "rejected", "exit 0 but no stats.txt: " + tail(proc.stderr or proc.stdout, 200)
    return "valid", ""


def write_expected(case, status, reason, extract):
    """expected.json for a valid or invalid case; returns a warning string or None."""
    name = os.path.basename(case)
    exp = os.path.join(case, "expected.json")
    if status == "invalid":
        with open(exp, "w") as f:
            json.dump({"case": name, "inputs": INPUTS, "valid": False, "reason": reason}, f, indent=2)
        return None
    regen = os.path.join(case, "regen")
    cmd = [sys.executable, extract, os.path.join(regen, REF_OUTPUTS[0]), "--case", name,
           "--inputs"] + INPUTS + ["--csv", os.path.join(regen, REF_OUTPUTS[1]), "-o", exp]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        return "extract_expected exit %d: %s" % (r.returncode, tail(r.stderr or r.stdout, 300))
    return None


def run_qloop(case, qloop, timeout):
    out = os.path.join(case, "qloop")
    shutil.rmtree(out, ignore_errors=True)
    try:
        r = subprocess.run([qloop, "model"] + [os.path.join(case, f) for f in INPUTS] + ["-o", out],
                           capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, "timeout", out
    return r.returncode, tail(r.stderr or r.stdout, 300), out


def compare(case, actual, compare_py, rtol):
    """(ok, [failing field dicts])."""
    exp = os.path.join(case, "expected.json")
    q = subprocess.run([sys.executable, compare_py, exp, actual, "--rtol", str(rtol), "--quiet"],
                       capture_output=True, text=True)
    if q.returncode == 0:
        return True, []
    v = subprocess.run([sys.executable, compare_py, exp, actual, "--rtol", str(rtol)],
                       capture_output=True, text=True)
    fields = []
    for line in v.stdout.splitlines():
        m = FAIL_RE.match(line)
        if m:
            vm = VALUE_RE.match(m.group(2))
            fields.append({"field": m.group(1), "expected": vm.group(1) if vm else None,
                           "actual": vm.group(2) if vm else None, "message": m.group(2)})
    if not fields:
        fields.append({"field": "?", "message": tail(v.stdout + v.stderr, 300)})
    return False, fields


def run_case(job):
    case, a = job["case"], job["args"]
    result = {"case": case, "name": os.path.basename(case)}
    status, reason = run_reference(case, a["reference"], a["timeout"])
    result["reference"] = status
    if status == "rejected":
        result["class"], result["reference_message"] = "reference-rejected", reason
        rc, msg, _ = run_qloop(case, a["qloop"], a["timeout"])
        result["qloop_exit"], result["qloop_message"] = rc, msg
        return result
    warning = write_expected(case, status, reason, a["extract"])
    if warning:
        result["extract_warning"] = warning
        if not os.path.exists(os.path.join(case, "expected.json")):
            result["class"], result["reference_message"] = "reference-rejected", warning
            return result
    rc, msg, out = run_qloop(case, a["qloop"], a["timeout"])
    result["qloop_exit"] = rc
    actual = os.path.join(out, "qloop.stats.json")
    if status == "invalid":
        result["reference_message"] = reason
        ok = rc == 3 and os.path.exists(actual) and json.load(open(actual)).get("valid") is False
        result["class"] = "invalid-both-agree" if ok else "validity-mismatch"
        if not ok:
            result["detail"] = "reference: invalid (%s); qloop exit %s: %s" % (reason, rc, msg)
        return result
    if rc != 0 or not os.path.exists(actual):
        result["class"] = "validity-mismatch"
        result["detail"] = "reference: valid; qloop exit %s: %s" % (rc, msg)
        return result
    ok, fields = compare(case, actual, a["compare"], a["rtol"])
    result["class"] = "agree" if ok else "differ"
    if fields:
        result["fields"] = fields
    return result


# ----------------------------------------------------------------------------- summary

COVERAGE = {
    "packed_non_dividing": lambda f: bool(f.get("packed_non_dividing_bitwidths")),
    "non_dividing_any": lambda f: bool(f.get("non_dividing_bitwidths")),
    "sliding_window": lambda f: bool(f.get("sliding_windows")),
    "packed_non_dividing_and_sliding": lambda f: bool(f.get("packed_non_dividing_bitwidths"))
    and bool(f.get("sliding_windows")),
    "bypass": lambda f: f.get("bypassed", 0) > 0,
    "mesh_2d": lambda f: bool(f.get("mesh_2d")),
    "bandwidth_limits": lambda f: f.get("bandwidth_limits", 0) > 0,
    "spatial_fanout": lambda f: bool(f.get("fanouts")),
}


def normalise(msg):
    """Group messages: an assertion by its file:line and condition; numbers out."""
    m = re.search(r"(\S+:\d+): .*?(Assertion .*)", msg)
    if m:
        return "%s: %s" % (m.group(1), m.group(2))[:200]
    return re.sub(r"\d+", "N", msg)[:200]


def summarise(results):
    counts = collections.Counter(r["class"] for r in results)
    valid = [r for r in results if r["reference"] == "valid"]
    coverage = collections.Counter()
    by_problem = collections.Counter()
    for r in valid:
        f = features_of(r["case"])
        if f:
            coverage["with_features"] += 1
            by_problem[f.get("problem", "?")] += 1
            for key, test in COVERAGE.items():
                coverage[key] += test(f)
    rejected = collections.defaultdict(lambda: {"count": 0, "qloop_exits": collections.Counter()})
    for r in results:
        if r["class"] == "reference-rejected":
            group = rejected[normalise(r["reference_message"])]
            group["count"] += 1
            group["qloop_exits"][str(r.get("qloop_exit"))] += 1
    invalid = collections.Counter(normalise(r["reference_message"]) for r in results
                                  if r["reference"] == "invalid")
    differing = collections.Counter(re.sub(r"\[[^\]]*\]", "[*]", fld["field"])
                                    for r in results if r["class"] == "differ" for fld in r["fields"])
    return {
        "cases": len(results),
        "reference_valid": len(valid),
        "reference_invalid": sum(1 for r in results if r["reference"] == "invalid"),
        "classes": dict(counts),
        "coverage_of_valid_cases": dict(coverage),
        "valid_cases_by_problem": dict(by_problem),
        "reference_rejections": {k: {"count": v["count"], "qloop_exits": dict(v["qloop_exits"])}
                                 for k, v in sorted(rejected.items(), key=lambda kv: -kv[1]["count"])},
        "reference_invalid_reasons": dict(invalid.most_common()),
        "differing_fields": dict(differing.most_common()),
        "results": sorted(results, key=lambda r: r["name"]),
    }


def print_summary(s):
    print("%d cases: reference valid %d, invalid %d" % (s["cases"], s["reference_valid"], s["reference_invalid"]))
    for k in ("agree", "differ", "invalid-both-agree", "validity-mismatch", "reference-rejected"):
        print("  %-20s %d" % (k, s["classes"].get(k, 0)))
    if s["coverage_of_valid_cases"]:
        print("coverage of valid cases: " + ", ".join("%s %d" % kv for kv in s["coverage_of_valid_cases"].items()))
    for r in s["results"]:
        if r["class"] == "differ":
            print("DIFFER %s" % r["name"])
            for fld in r["fields"][:8]:
                print("    %s: expected %s, actual %s" % (fld["field"], fld.get("expected"), fld.get("actual")))
            if len(r["fields"]) > 8:
                print("    ... %d more" % (len(r["fields"]) - 8))
        elif r["class"] == "validity-mismatch":
            print("MISMATCH %s: %s" % (r["name"], r.get("detail")))
    if s["reference_rejections"]:
        print("reference rejections:")
        for msg, g in s["reference_rejections"].items():
            print("  %5d  %s (qloop exits: %s)" % (g["count"], msg, g["qloop_exits"]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reference", required=True, help="path of timeloop-model")
    ap.add_argument("--qloop", required=True, help="path of the qloop binary")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--rtol", type=float, default=0.001)
    ap.add_argument("--timeout", type=int, default=120)
    ap.add_argument("--tools", help="folder holding extract_expected.py and compare.py")
    ap.add_argument("--summary", help="where to write differential-summary.json")
    ap.add_argument("paths", nargs="+")
    a = ap.parse_args()
    extract, compare_py = find_tools(a.tools)
    cases = list_cases(a.paths)
    if not cases:
        sys.exit("error: no cases found")
    args = {"reference": os.path.abspath(a.reference), "qloop": os.path.abspath(a.qloop),
            "timeout": a.timeout, "rtol": a.rtol, "extract": extract, "compare": compare_py}
    jobs = [{"case": c, "args": args} for c in cases]
    results = []
    with ProcessPoolExecutor(max_workers=max(1, a.jobs)) as pool:
        for i, r in enumerate(pool.map(run_case, jobs, chunksize=4), 1):
            results.append(r)
            if i % 200 == 0:
                print("... %d/%d" % (i, len(cases)), file=sys.stderr, flush=True)
    summary = summarise(results)
    if a.summary:
        path = a.summary
    elif len(a.paths) == 1 and not os.path.isfile(os.path.join(a.paths[0], "arch.yaml")):
        path = os.path.join(a.paths[0], "differential-summary.json")
    else:
        path = os.path.join(os.path.commonpath([os.path.dirname(c) for c in cases]), "differential-summary.json")
    with open(path, "w") as f:
        json.dump(summary, f, indent=1)
    print_summary(summary)
    print("summary: %s" % path)
    return 1 if summary["classes"].get("differ") or summary["classes"].get("validity-mismatch") else 0


if __name__ == "__main__":
    sys.exit(main())
