#!/usr/bin/env python3
"""Which per-layer bitwidths keep a model within 1 % of its accuracy at the least energy?
A small CNN trained in seconds on scikit-learn's handwritten digits (8 x 8 images, no download),
exported to ONNX, imported into qloop, and explored on the Eyeriss-like design with its accuracy
measured by fake quantization of the model itself (qloop.torch).

    PYTHONPATH=build/python /usr/bin/python3 examples/python/accuracy_dse.py -o out/accuracy
    /usr/bin/python3 examples/python/accuracy_dse.py --quick -o out/accuracy    # a short run

Writes front.csv, accuracy_dse.png (energy against measured top-1 along the front, with the float
model's accuracy), report.html (the same, and the bitwidths along the front as a heat map) and
summary.json (the cheapest point within 1 %, and how well the built-in
accuracy proxy ranks the evaluated candidates against the measurements: Spearman's rho).
"""
import argparse
import csv
import json
import os

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt
import torch
from sklearn.datasets import load_digits

import qloop
import qloop.torch

HERE = os.path.dirname(os.path.abspath(__file__))
DESIGN = [os.path.join(HERE, "..", "mapper-eyeriss-like", f) for f in ("arch.yaml", "constraints.yaml", "mapper.yaml")]


class DigitsNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(1, 8, 3, padding=1)
        self.conv2 = torch.nn.Conv2d(8, 16, 3, padding=1)
        self.fc = torch.nn.Linear(16 * 4 * 4, 10)

    def forward(self, x):
        x = torch.relu(self.conv1(x))
        x = torch.nn.functional.max_pool2d(torch.relu(self.conv2(x)), 2)
        return self.fc(x.flatten(1))


def digits():
    """Train and test splits as tensors: 1,200 and 597 images."""
    data = load_digits()
    x = torch.tensor(data.images, dtype=torch.float32).unsqueeze(1) / 16.0
    y = torch.tensor(data.target)
    return (x[:1200], y[:1200]), (x[1200:], y[1200:])


def train(model, x, y, epochs):
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=64, shuffle=True)
    for _ in range(epochs):
        for xb, yb in loader:
            optimizer.zero_grad()
            torch.nn.functional.cross_entropy(model(xb), yb).backward()
            optimizer.step()


def spearman(a, b):
    """Spearman's rank correlation (average ranks for ties)."""
    def ranks(values):
        order = sorted(range(len(values)), key=lambda i: values[i])
        r = [0.0] * len(values)
        i = 0
        while i < len(order):
            j = i
            while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
                j += 1
            for k in range(i, j + 1):
                r[order[k]] = (i + j) / 2
            i = j + 1
        return r
    ra, rb = ranks(a), ranks(b)
    n = len(a)
    ma, mb = sum(ra) / n, sum(rb) / n
    cov = sum((x - ma) * (y - mb) for x, y in zip(ra, rb))
    var = (sum((x - ma) ** 2 for x in ra) * sum((y - mb) ** 2 for y in rb)) ** 0.5
    return cov / var if var else 0.0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", default="out/accuracy")
    parser.add_argument("--quick", action="store_true", help="fewer epochs, candidates and generations")
    args = parser.parse_args()
    os.makedirs(args.output, exist_ok=True)
    torch.manual_seed(0)

    (x_train, y_train), (x_test, y_test) = digits()
    model = DigitsNet()
    train(model, x_train, y_train, epochs=4 if args.quick else 12)
    onnx_path = os.path.join(args.output, "digits.onnx")
    torch.onnx.export(model, x_test[:1], onnx_path, input_names=["image"], output_names=["logits"])
    network = qloop.import_onnx(onnx_path)["network_yaml"]
    net_path = os.path.join(args.output, "digits.yaml")
    with open(net_path, "w") as f:
        f.write(network)

    test = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x_test, y_test), batch_size=256)
    accuracy = qloop.torch.evaluator(model, test, qloop.torch.top1)
    mapper = qloop.load(DESIGN[2])
    mapper["mapper"]["victory-condition"] = 100 if args.quick else 500
    sizes = dict(population=6, offspring=6, generations=3) if args.quick else dict(population=16, offspring=16,
                                                                                   generations=12)
    result = qloop.explore(net_path, DESIGN[:2] + [mapper], bit_choices=[2, 3, 4, 6, 8],
                           objectives=["energy", "accuracy"], accuracy=accuracy, seed=1, **sizes)
    baseline = result["baseline_accuracy"]
    front = sorted(result["front"], key=lambda p: p["energy_pJ"])

    with open(os.path.join(args.output, "front.csv"), "w", newline="") as f:
        layers = list(front[0]["bitwidths"])
        writer = csv.writer(f)
        writer.writerow(["energy_uJ", "top1_percent"] + [f"{l}.{t}" for l in layers for t in ("W", "I")])
        for p in front:
            writer.writerow([p["energy_pJ"] / 1e6, p["accuracy"]] +
                            [p["bitwidths"][l][t] for l in layers for t in ("Weights", "Inputs")])

    # The built-in proxy on the same candidates: how well does it rank them?
    evaluated = result["evaluated"]
    rho = spearman([qloop.accuracy_proxy([{"layer": l, **b} for l, b in p["bitwidths"].items()]) for p in evaluated],
                   [p["accuracy_loss"] for p in evaluated])
    within = [p for p in front if p["accuracy"] >= baseline - 1.0]
    best = min(within, key=lambda p: p["energy_pJ"]) if within else None
    summary = {"baseline_top1": baseline, "candidates": len(evaluated), "measured_configurations": accuracy.evaluations,
               "front": len(front), "spearman_proxy_vs_measured_loss": rho,
               "cheapest_within_1_percent": best and {"energy_uJ": best["energy_pJ"] / 1e6, "top1": best["accuracy"],
                                                      "bitwidths": best["bitwidths"]}}
    with open(os.path.join(args.output, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    with open(os.path.join(args.output, "report.html"), "w") as f:
        f.write(qloop.explore_report(result))  # the front with the float model's accuracy, bits as a heat map

    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot([p["energy_pJ"] / 1e6 for p in front], [p["accuracy"] for p in front], "o-", label="Pareto front")
    ax.axhline(baseline, color="grey", linestyle="--", label=f"float model {baseline:.1f} %")
    ax.axhline(baseline - 1, color="grey", linestyle=":", label="1 % below")
    ax.set_xlabel("energy per image (µJ), Eyeriss-like design")
    ax.set_ylabel("measured top-1 (%)")
    ax.set_title("Digits CNN: per-layer bitwidths, energy vs accuracy")
    ax.legend()
    fig.tight_layout()
    fig.savefig(os.path.join(args.output, "accuracy_dse.png"), dpi=120)
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
