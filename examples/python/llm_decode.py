#!/usr/bin/env python3
"""Energy per generated token of Llama-2-7B on a weight-stationary accelerator, against weight
and KV-cache bits, at a short and a long context. Every configuration maps every distinct layer
with qloop's mapper.

    PYTHONPATH=build/python python3 examples/python/llm_decode.py -o out/llm      # or after pip install
    python3 examples/python/llm_decode.py --quick -o out/llm                       # 4 configurations

Writes llm_decode.csv (one row per context and configuration: energy split by tensor class and
by level, footprints) and llm_decode.png (stacked bars by class, one panel per context), and
prints the tables docs/networks.md shows.
"""
import argparse
import csv
import os

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt

import qloop

HERE = os.path.dirname(os.path.abspath(__file__))
DESIGN = os.path.join(HERE, "..", "transformer-ws")
LLAMA = os.path.join(HERE, "..", "..", "workloads", "llama27b.yaml")
CLASSES = ("weights", "kv", "activations")


def configurations(quick):
    if quick:
        return ["W16A16", "W4A16", "W4A16KV8", "W4A16KV4"]
    weights = [f"W{bits}A16" for bits in (16, 8, 4, 3, 2)]
    return weights + [f"W4A16KV{bits}" for bits in (8, 4)] + ["W2A16KV4"]


def rows_for(context, configs):
    """One row per configuration of a decode step (one token) at `context` tokens of KV cache."""
    runs = qloop.sweep(LLAMA, DESIGN, bits=configs, set={"context": context, "seq": 1}, seed=1)
    rows = []
    for run in runs:
        totals = run["totals"]
        row = {"context": context, "config": run["bitwidths"], "energy_mJ": totals["energy_pJ"] / 1e9,
               "cycles": totals["cycles"]}
        for name in CLASSES:
            row[f"{name}_mJ"] = totals["energy_pJ_per_class"][name] / 1e9
        for level, energy in totals["energy_pJ_per_component"].items():
            row[f"{level}_mJ"] = energy / 1e9
        row["weight_GB"] = totals["weight_bytes"] / 1e9
        row["kv_GB"] = totals["kv_bytes"] / 1e9
        rows.append(row)
    return rows


def markdown(rows, columns):
    lines = ["| " + " | ".join(columns) + " |", "| " + " | ".join("---" for _ in columns) + " |"]
    for row in rows:
        cells = [f"{row[c]:.1f}" if isinstance(row[c], float) else str(row[c]) for c in columns]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def chart(rows, contexts, path):
    fig, axes = plt.subplots(1, len(contexts), figsize=(6 * len(contexts), 4.5), sharey=True)
    for ax, context in zip(axes, contexts):
        mine = [r for r in rows if r["context"] == context]
        bottom = [0.0] * len(mine)
        for name in CLASSES:
            values = [r[f"{name}_mJ"] for r in mine]
            ax.bar([r["config"] for r in mine], values, bottom=bottom, label=name)
            bottom = [b + v for b, v in zip(bottom, values)]
        ax.set_title(f"Llama-2-7B decode, context {context}")
        ax.tick_params(axis="x", rotation=45)
    axes[0].set_ylabel("energy per token (mJ)")
    axes[0].legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", default="out/llm")
    parser.add_argument("--quick", action="store_true", help="four configurations")
    args = parser.parse_args()
    os.makedirs(args.output, exist_ok=True)

    contexts = [2048, 32768]
    rows = []
    for context in contexts:
        rows += rows_for(context, configurations(args.quick))
    with open(os.path.join(args.output, "llm_decode.csv"), "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    chart(rows, contexts, os.path.join(args.output, "llm_decode.png"))

    levels = [k for k in rows[0] if k.endswith("_mJ") and k[:-3] not in CLASSES and k != "energy_mJ"]
    for context in contexts:
        mine = [r for r in rows if r["context"] == context]
        print(f"\nContext {context}: energy per token (mJ) by tensor class, then by level\n")
        print(markdown(mine, ["config", "energy_mJ"] + [f"{c}_mJ" for c in CLASSES] + ["weight_GB", "kv_GB"]))
        print()
        print(markdown(mine, ["config"] + levels))


if __name__ == "__main__":
    main()
