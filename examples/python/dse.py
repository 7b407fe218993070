#!/usr/bin/env python3
"""Design-space exploration in a few lines: global-buffer size x weight bitwidth for AlexNet's
conv layers on the Eyeriss-like design. Every point maps every layer with qloop's mapper.

    PYTHONPATH=build/python python3 examples/python/dse.py -o out/dse      # or after pip install
    python3 examples/python/dse.py --quick -o out/dse                       # a 2 x 2 grid, seconds

Writes dse.csv and dse.png (energy and EDP against buffer size, one line per weight bitwidth).
"""
import argparse
import copy
import csv
import os

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt

import qloop

HERE = os.path.dirname(os.path.abspath(__file__))
DESIGN = os.path.join(HERE, "..", "mapper-eyeriss-like")
ALEXNET = os.path.join(HERE, "..", "..", "workloads", "alexnet.yaml")


def with_buffer_depth(arch, depth):
    """The architecture dict with the global buffer resized (depth in 64-bit rows)."""
    arch = copy.deepcopy(arch)
    chip = arch["architecture"]["subtree"][0]["subtree"][0]
    for component in chip["local"]:
        if component["name"] == "shared_glb":
            component["attributes"]["depth"] = depth
    return arch


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", default="out/dse")
    parser.add_argument("--quick", action="store_true", help="2 buffer sizes x 2 bitwidths, 2 layers, short searches")
    args = parser.parse_args()
    os.makedirs(args.output, exist_ok=True)

    arch = qloop.load(os.path.join(DESIGN, "arch.yaml"))
    constraints = os.path.join(DESIGN, "constraints.yaml")
    mapper = qloop.load(os.path.join(DESIGN, "mapper.yaml"))
    depths = [4096, 16384] if args.quick else [2048, 4096, 8192, 16384, 32768]
    weight_bits = [16, 4] if args.quick else [16, 8, 4, 2]
    layers = ["conv3", "conv4"] if args.quick else ["conv1", "conv2", "conv3", "conv4", "conv5"]
    if args.quick:
        mapper["mapper"]["victory-condition"] = 300

    rows = []
    for depth in depths:
        design = [with_buffer_depth(arch, depth), constraints, mapper]
        for bits in weight_bits:
            result = qloop.network(ALEXNET, design, bits=f"W{bits}A16", layers=layers, seed=1)
            totals = result["totals"]
            kib = depth * 64 / 8 / 1024
            rows.append({"buffer_KiB": kib, "weight_bits": bits, "energy_uJ": totals["energy_pJ"] / 1e6,
                         "cycles": totals["cycles"], "edp_J_cycles": totals["edp_pJ_cycles"] * 1e-12})
            print(f"buffer {kib:6.0f} KiB  W{bits:<2}  {rows[-1]['energy_uJ']:10.1f} uJ  {totals['cycles']:>10} cycles")

    with open(os.path.join(args.output, "dse.csv"), "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)

    fig, (energy_ax, edp_ax) = plt.subplots(1, 2, figsize=(10, 4))
    for bits in weight_bits:
        points = [r for r in rows if r["weight_bits"] == bits]
        x = [r["buffer_KiB"] for r in points]
        energy_ax.plot(x, [r["energy_uJ"] for r in points], marker="o", label=f"{bits}-bit weights")
        edp_ax.plot(x, [r["edp_J_cycles"] for r in points], marker="o", label=f"{bits}-bit weights")
    for ax, label in ((energy_ax, "energy (µJ)"), (edp_ax, "EDP (J·cycle)")):
        ax.set_xscale("log", base=2)
        ax.set_xlabel("global buffer (KiB)")
        ax.set_ylabel(label)
        ax.grid(True, alpha=0.3)
        ax.legend()
    fig.suptitle("AlexNet " + ", ".join(layers) + " on the Eyeriss-like design")
    fig.tight_layout()
    fig.savefig(os.path.join(args.output, "dse.png"), dpi=120)
    print("Wrote", os.path.join(args.output, "dse.csv"), "and", os.path.join(args.output, "dse.png"))


if __name__ == "__main__":
    main()
