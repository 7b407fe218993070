#!/usr/bin/env python3
"""Times `qloop network` on every zoo network and `qloop explore` on MobileNetV1 on the
Eyeriss-like example, and prints the Markdown table of docs/performance.md.
usage: tools/network-timings.py [build/cli/qloop]"""
import json, os, subprocess, sys, tempfile, time

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.join(here, "..")
qloop = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "build", "cli", "qloop")
design = os.path.join(root, "examples", "mapper-eyeriss-like")
print("| command | network | layers | distinct layer jobs | energy (µJ) | cycles | wall time (s) |")
print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
for name in ["alexnet", "vgg16", "resnet18", "resnet50", "mobilenetv1", "mobilenetv2"]:
    out = tempfile.mkdtemp(prefix="qloop-timing-")
    start = time.time()
    subprocess.run([qloop, "network", os.path.join(root, "workloads", name + ".yaml"), design, "-o", out],
                   check=True, capture_output=True)
    seconds = time.time() - start
    net = json.load(open(os.path.join(out, "network.json")))
    t = net["totals"]
    print(f"| network | {net['network']} | {len(net['layers'])} | {net['search']['distinct_layer_jobs']} | "
          f"{t['energy_pJ'] / 1e6:.1f} | {t['cycles']} | {seconds:.1f} |")
out = tempfile.mkdtemp(prefix="qloop-timing-")
start = time.time()
subprocess.run([qloop, "explore", os.path.join(root, "workloads", "mobilenetv1.yaml"), design, "-o", out,
                "--generations", "25", "--population", "10", "--offspring", "10"], check=True, capture_output=True)
seconds = time.time() - start
data = json.load(open(os.path.join(out, "explore.json")))
print(f"| explore (25 generations of 10+10) | MobileNetV1 | 28 | {data['search']['layer_jobs']} | "
      f"{len(data['front'])} front points of {data['search']['candidates']} | – | {seconds:.1f} |")
