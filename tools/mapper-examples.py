#!/usr/bin/env python3
"""Runs `qloop mapper` on AlexNet conv1-5 on the Eyeriss-like example design at three
precisions and prints the Markdown tables of docs/mapper.md.

usage: tools/mapper-examples.py [build/cli/qloop] [--optimal SECONDS] [--layers 1,2,...]
  --optimal: the certified search (algorithm: optimal) within SECONDS per run instead of the
  example's settings; the table then says how much of the mapspace each run settled.
"""
import argparse, json, os, subprocess, sys, tempfile, time

here = os.path.dirname(os.path.abspath(__file__))
example = os.path.join(here, "..", "examples", "mapper-eyeriss-like")
parser = argparse.ArgumentParser()
parser.add_argument("qloop", nargs="?", default=os.path.join(here, "..", "build", "cli", "qloop"))
parser.add_argument("--optimal", type=float)
parser.add_argument("--layers", default="1,2,3,4,5")
args = parser.parse_args()
qloop = args.qloop
mapper_yaml = os.path.join(example, "mapper.yaml")
if args.optimal:
    mapper_yaml = os.path.join(tempfile.mkdtemp(prefix="qloop-optimal-"), "mapper.yaml")
    open(mapper_yaml, "w").write("mapper:\n  algorithm: optimal\n  optimization-metrics: [edp]\n"
                                 f"  num-threads: 0\n  time_limit: {args.optimal}\n")
precisions = {
    "16-bit": "",
    "all 4-bit": "    commonBitwidth: 4\n",
    "3-bit weights": "    bitwidths: {Weights: 3}\n",
}
# With --optimal, also the tilings in the mapspace, those left after 'cannot fit', and those
# visited (left after the bound, when the run was proved).
tilings_header = " tilings: mapspace → fit → visited |" if args.optimal else ""
print("| layer | precision | energy (µJ) | cycles | EDP (J·cycle) | mapper time (s) | evaluated | result |" + tilings_header)
print("| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |" + (" ---: |" if args.optimal else ""))
for layer in [int(x) for x in args.layers.split(",")]:
    base = open(os.path.join(example, "layers", f"alexnet_conv{layer}.yaml")).read()
    for name, extra in precisions.items():
        tmp = tempfile.mkdtemp(prefix="qloop-mapper-example-")
        problem = os.path.join(tmp, "problem.yaml")
        open(problem, "w").write(base + extra)
        start = time.time()
        r = subprocess.run([qloop, "mapper", os.path.join(example, "arch.yaml"), os.path.join(example, "constraints.yaml"),
                            mapper_yaml, problem, "-o", tmp], capture_output=True, text=True)
        seconds = time.time() - start
        stats = json.load(open(os.path.join(tmp, "qloop.stats.json")))
        search = stats["search"]
        if not stats.get("valid"):
            print(f"| conv{layer} | {name} | — | — | — | {seconds:.1f} | {search['evaluated']} | {stats['reason']} |")
            continue
        s = stats["summary"]
        result = "optimal" if search["optimal"] else f"gap {100 * search['gap']:.0f}% to bound"
        if "certified" in search and not search["optimal"]:
            c = search["certified"]
            settled = (c["ruled_out_no_fit"] + c["ruled_out_by_bound"] + c["visited"]) / c["mapspace_tilings"]
            result += f", {100 * settled:.0f}% of {c['mapspace_tilings']:.2g} tilings settled"
        tilings = ""
        if "certified" in search:
            c = search["certified"]
            fit = c["mapspace_tilings"] - c["ruled_out_no_fit"]
            tilings = f" {c['mapspace_tilings']:.1e} → {fit:.1e} → {c['visited']:.1e} |"
        print(f"| conv{layer} | {name} | {s['energy_pJ'] / 1e6:.2f} | {s['cycles']} | {s['energy_pJ'] * s['cycles'] * 1e-12:.3g} "
              f"| {seconds:.1f} | {search['evaluated']} | {result} |{tilings}")
        sys.stdout.flush()
