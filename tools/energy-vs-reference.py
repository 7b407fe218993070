#!/usr/bin/env python3
"""Compares qloop's built-in estimates with the reference ERT/ART of every shared conformance
design (one row per distinct component). Usage: energy-vs-reference.py QLOOP CONFORMANCE_DIR"""
import os, re, subprocess, sys, tempfile
import yaml


def table(path, key):
    doc = yaml.safe_load(open(path))[key]
    return {t["name"]: t for t in doc["tables"]}


def largest(actions, name):
    values = [a["energy"] for a in actions if a["name"] == name]
    return max(values) if values else None


def main(qloop, root):
    rows = {}
    for case in sorted(os.listdir(root)):
        d = os.path.join(root, case)
        if not os.path.exists(os.path.join(d, "ERT.yaml")):
            continue
        out = tempfile.mkdtemp(prefix="qloop-energy-")
        subprocess.run([qloop, "energy", os.path.join(d, "arch.yaml"), "-o", out], check=True, capture_output=True)
        ours, ours_area = table(os.path.join(out, "ERT.yaml"), "ERT"), table(os.path.join(out, "ART.yaml"), "ART")
        ref, ref_area = table(os.path.join(d, "ERT.yaml"), "ERT"), table(os.path.join(d, "ART.yaml"), "ART")
        for name, entry in ours.items():
            base = re.sub(r"\[.*\]$", "", name).split(".")[-1]
            action = "mac_random" if any(a["name"] == "mac_random" for a in entry["actions"]) else "read"
            est, refv = largest(entry["actions"], action), largest(ref[name]["actions"], action)
            area, refa = ours_area[name]["area"], ref_area.get(name, {}).get("area")
            key = (base, round(refv, 2), round(est, 3))
            rows.setdefault(key, (case, base, action, est, refv, area, refa))
    print("| component (first case) | action | estimate pJ | reference pJ | ratio | estimate um² | reference um² |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for case, base, action, est, refv, area, refa in rows.values():
        refa_text = f"{refa:.0f}" if refa and refa > 1 else "–"
        print(f"| {base} ({case}) | {action} | {est:.4g} | {refv:.4g} | {est / refv:.2f} | {area:.0f} | {refa_text} |")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
