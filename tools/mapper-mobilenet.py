#!/usr/bin/env python3
"""Runs the certified search (`algorithm: optimal`, EDP) on eight MobileNetV1 layers, each alone,
on the Simba-like and the Eyeriss-like example designs at W8A8 and W4A8, and prints the Markdown
table of docs/mapper.md: seconds to the proof, or the gap to the global bound at the limit.

usage: /usr/bin/python3 tools/mapper-mobilenet.py [build/cli/qloop] [--limit SECONDS] [--threads N] [--layers conv1,dw1,...]

Each layer's problem is written as `qloop network` builds it from workloads/mobilenetv1.yaml:
a convolution's C, M, R, S, P, Q and strides; a depthwise layer's channels as groups G with
C = M = 1 (its inputs' and outputs' channel ranks are G·Cgroup + C and G·Mgroup + M).
problem_yaml mirrors layer_workload in src/workload/layer.cpp: change them together.
"""
import argparse, json, os, subprocess, sys, tempfile, time

import yaml

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.join(here, "..")
parser = argparse.ArgumentParser()
parser.add_argument("qloop", nargs="?", default=os.path.join(root, "build", "cli", "qloop"))
parser.add_argument("--limit", type=float, default=60)
parser.add_argument("--threads", type=int, default=2)
parser.add_argument("--layers", default="conv1,dw1,dw7,dw13,pw1,pw6,pw13,fc")
args = parser.parse_args()

network = yaml.safe_load(open(os.path.join(root, "workloads", "mobilenetv1.yaml")))["network"]
layers = {layer["name"]: layer for layer in network["layers"]}


def output_extent(size, kernel, stride, padding):
    return (size + 2 * padding - (kernel - 1) - 1) // stride + 1


def problem_yaml(layer, weight_bits, activation_bits):
    """The layer as a Timeloop problem, with the dimension and rank order of qloop's networks."""
    kind = layer["type"]
    if kind == "fc":
        groups, c, m, kernel, size, stride, padding = 1, layer["in_features"], layer["out_features"], 1, 1, 1, 0
    elif kind == "depthwise":
        groups, c, m = layer["channels"], 1, 1
        kernel, size, stride, padding = layer["kernel"], layer["input"], layer["stride"], layer["padding"]
    else:
        groups, c, m = 1, layer["in_channels"], layer["out_channels"]
        kernel, size, stride, padding = layer["kernel"], layer["input"], layer["stride"], layer["padding"]
    extent = output_extent(size, kernel, stride, padding)
    grouped = groups > 1
    dims = (["G"] if grouped else []) + ["C", "M", "R", "S", "N", "P", "Q"]
    coefficients = [{"name": "Wstride", "default": 1}, {"name": "Hstride", "default": 1}]
    channel_in, channel_out, weights = [["C"]], [["M"]], [[["C"]], [["M"]], [["R"]], [["S"]]]
    if grouped:
        coefficients += [{"name": "Cgroup", "default": c}, {"name": "Mgroup", "default": m}]
        channel_in, channel_out = [["G", "Cgroup"], ["C"]], [["G", "Mgroup"], ["M"]]
        weights = [[["G"]]] + weights
    instance = {"C": c, "M": m, "R": kernel, "S": kernel, "N": 1, "P": extent, "Q": extent,
                "Wstride": stride, "Hstride": stride,
                "bitwidths": {"Weights": weight_bits, "Inputs": activation_bits, "Outputs": activation_bits}}
    if grouped:
        instance = {"G": groups, **instance, "Cgroup": c, "Mgroup": m}
    shape = {"name": "CNN-Layer", "dimensions": dims, "coefficients": coefficients, "data-spaces": [
        {"name": "Weights", "projection": weights},
        {"name": "Inputs", "projection": [[["N"]], channel_in, [["S"], ["Q", "Hstride"]], [["R"], ["P", "Wstride"]]]},
        {"name": "Outputs", "projection": [[["N"]], channel_out, [["Q"]], [["P"]]], "read-write": True}]}
    return yaml.safe_dump({"problem": {"shape": shape, "instance": instance}}, sort_keys=False)


designs = [("`examples/simba-like` (256 MACs)", "simba-like"), ("`examples/mapper-eyeriss-like` (168 PEs)", "mapper-eyeriss-like")]
names = args.layers.split(",")
print("| design | bits | " + " | ".join(names) + " |")
print("| --- | --- | " + " | ".join("---:" for _ in names) + " |")
pruning_rows = []  # the mapspace's tilings before and after each rule, per run
for label, folder in designs:
    design = os.path.join(root, "examples", folder)
    for weight_bits in (8, 4):
        cells, pruning = [], []
        for name in names:
            tmp = tempfile.mkdtemp(prefix="qloop-mobilenet-")
            problem, mapper = os.path.join(tmp, "layer.yaml"), os.path.join(tmp, "mapper.yaml")
            open(problem, "w").write(problem_yaml(layers[name], weight_bits, 8))
            open(mapper, "w").write("mapper:\n  algorithm: optimal\n  optimization-metrics: [edp]\n"
                                    f"  num-threads: {args.threads}\n  time_limit: {args.limit}\n")
            start = time.time()
            subprocess.run([args.qloop, "mapper", os.path.join(design, "arch.yaml"), problem,
                            os.path.join(design, "constraints.yaml"), mapper, "-o", tmp],
                           check=True, capture_output=True, text=True)
            seconds = time.time() - start
            search = json.load(open(os.path.join(tmp, "qloop.stats.json")))["search"]
            cells.append(f"{seconds:.1f}" if search["optimal"] else f"gap {100 * search['gap']:.1f} %")
            counts = search["certified"]
            fit = counts["mapspace_tilings"] - counts["ruled_out_no_fit"]
            pruning.append(f"{counts['mapspace_tilings']:.1e} → {fit:.1e} → {counts['visited']:.1e}")
        row = f"| {label if weight_bits == 8 else '`examples/' + folder + '`'} | W{weight_bits}A8 | "
        print(row + " | ".join(cells) + " |")
        pruning_rows.append(row + " | ".join(pruning) + " |")
        sys.stdout.flush()
print()
print("Tilings in the mapspace → left after 'cannot fit' → visited (left after the bound):")
print()
print("| design | bits | " + " | ".join(names) + " |")
print("| --- | --- | " + " | ".join("---:" for _ in names) + " |")
print("\n".join(pruning_rows))
