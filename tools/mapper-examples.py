#!/usr/bin/env python3
"""Runs `qloop mapper` on AlexNet conv1-5 on the Eyeriss-like example design at three
precisions and prints the Markdown table of docs/mapper.md.

usage: tools/mapper-examples.py [build/cli/qloop]
"""
import json, os, subprocess, sys, tempfile, time

here = os.path.dirname(os.path.abspath(__file__))
example = os.path.join(here, "..", "examples", "mapper-eyeriss-like")
qloop = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "build", "cli", "qloop")
precisions = {
    "16-bit": "",
    "all 4-bit": "    commonBitwidth: 4\n",
    "3-bit weights": "    bitwidths: {Weights: 3}\n",
}
print("| layer | precision | energy (µJ) | cycles | EDP (J·cycle) | mapper time (s) | evaluated | result |")
print("| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |")
for layer in range(1, 6):
    base = open(os.path.join(example, "layers", f"alexnet_conv{layer}.yaml")).read()
    for name, extra in precisions.items():
        tmp = tempfile.mkdtemp(prefix="qloop-mapper-example-")
        problem = os.path.join(tmp, "problem.yaml")
        open(problem, "w").write(base + extra)
        start = time.time()
        r = subprocess.run([qloop, "mapper", os.path.join(example, "arch.yaml"), os.path.join(example, "constraints.yaml"),
                            os.path.join(example, "mapper.yaml"), problem, "-o", tmp], capture_output=True, text=True)
        seconds = time.time() - start
        stats = json.load(open(os.path.join(tmp, "qloop.stats.json")))
        search = stats["search"]
        if not stats.get("valid"):
            print(f"| conv{layer} | {name} | — | — | — | {seconds:.1f} | {search['evaluated']} | {stats['reason']} |")
            continue
        s = stats["summary"]
        result = "optimal" if search["optimal"] else f"gap {100 * search['gap']:.0f}% to bound"
        print(f"| conv{layer} | {name} | {s['energy_pJ'] / 1e6:.2f} | {s['cycles']} | {s['energy_pJ'] * s['cycles'] * 1e-12:.3g} "
              f"| {seconds:.1f} | {search['evaluated']} | {result} |")
        sys.stdout.flush()
