"""qloop.torch: a PyTorch model measured at per-layer bitwidths, values worked out by hand."""
import csv
import json
import os
import subprocess
import sys

import pytest
import torch

import qloop
import qloop.torch
from conftest import ROOT, SMALL_ARCH, QUICK_MAPPER


class Two(torch.nn.Module):
    """y = fc2(relu(fc1(x))): two 1 x 1 linear layers, so every value is easy to follow."""

    def __init__(self, w1=0.3, w2=1.0):
        super().__init__()
        self.fc1 = torch.nn.Linear(1, 1, bias=False)
        self.fc2 = torch.nn.Linear(1, 1, bias=False)
        with torch.no_grad():
            self.fc1.weight.fill_(w1)
            self.fc2.weight.fill_(w2)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))


def identity_metric(outputs, targets):
    return outputs.sum().item()


LOADER = [(torch.tensor([[1.0], [3.0]]), torch.tensor([0, 0]))]


def test_weights_are_rounded_symmetrically_to_their_bits():
    # 2-bit weights: levels -1, 0, 1 times max|w|; a single weight 0.3 stays 0.3. Inputs of
    # fc2 at 2 bits over their calibrated range [0.3, 0.9] (non-negative: from 0, 3 steps of
    # 0.3): 0.3 and 0.9 are kept. The float sum: 0.3 + 0.9 = 1.2.
    acc = qloop.torch.evaluator(Two(), LOADER, identity_metric)
    assert acc.baseline == pytest.approx(1.2)
    same = [{"layer": "fc1", "Weights": 2, "Inputs": 32}, {"layer": "fc2", "Weights": 2, "Inputs": 2}]
    assert acc.accuracy(same) == pytest.approx(1.2)
    # fc2's inputs at 1 bit: one step of 0.9 from 0, so 0.3 rounds to 0 and 0.9 stays: 0.9.
    one_bit = [{"layer": "fc2", "Weights": 8, "Inputs": 1}]
    assert acc.accuracy(one_bit) == pytest.approx(0.9)
    assert acc(one_bit) == pytest.approx(1.2 - 0.9)  # what explore minimises: the drop
    assert acc.evaluations == 2
    acc.accuracy(one_bit)
    assert acc.evaluations == 2  # cached


def test_one_bit_weights_are_the_sign_times_the_mean_magnitude():
    # Weights 1.0 and -0.5 at 1 bit: +-0.75 (two levels, not the three of rounding to -1, 0, 1).
    model = torch.nn.Sequential()
    model.add_module("fc", torch.nn.Linear(2, 1, bias=False))
    with torch.no_grad():
        model.fc.weight.copy_(torch.tensor([[1.0, -0.5]]))
    loader = [(torch.tensor([[1.0, 0.0], [0.0, 1.0]]), torch.tensor([0, 0]))]
    outputs = lambda o, t: o[0, 0].item() * 10 + o[1, 0].item()
    acc = qloop.torch.evaluator(model, loader, outputs)
    assert acc.accuracy([{"layer": "fc", "Weights": 1, "Inputs": 32}]) == pytest.approx(0.75 * 10 - 0.75)


def test_a_lower_is_better_metric_is_minimised_the_right_way():
    acc = qloop.torch.evaluator(Two(), LOADER, identity_metric, higher_is_better=False)
    one_bit = [{"layer": "fc2", "Weights": 8, "Inputs": 1}]
    assert acc(one_bit) == pytest.approx(0.9 - 1.2)  # a lower metric is better here


def test_per_channel_weights_keep_each_channels_own_scale():
    # Two output channels with weights 1.0 and 0.1 at 2 bits: per channel each is its own
    # max, so both stay; per tensor the step is 1.0 and 0.1 rounds to 0.
    model = torch.nn.Linear(1, 2, bias=False)
    with torch.no_grad():
        model.weight.copy_(torch.tensor([[1.0], [0.1]]))
    loader = [(torch.tensor([[1.0]]), torch.tensor([0]))]
    second = lambda outputs, targets: outputs[0, 1].item()
    config = [{"layer": "model", "Weights": 2, "Inputs": 32}]
    wrapped = torch.nn.Sequential()
    wrapped.add_module("model", model)
    assert qloop.torch.evaluator(wrapped, loader, second).accuracy(config) == pytest.approx(0.1)
    per_tensor = qloop.torch.evaluator(wrapped, loader, second, granularity="per-tensor")
    assert per_tensor.accuracy(config) == pytest.approx(0.0)


def test_onnx_layer_names_find_their_modules_and_unmatched_ones_are_listed():
    acc = qloop.torch.evaluator(Two(), LOADER, identity_metric)
    # As `qloop import` names the nodes of torch.onnx.export ('/fc1/MatMul' -> '_fc1_MatMul').
    assert acc.accuracy([{"layer": "_fc1_MatMul", "Weights": 8, "Inputs": 8},
                         {"layer": "_fc2_MatMul", "Weights": 8, "Inputs": 8}]) == pytest.approx(1.2, rel=0.02)
    with pytest.raises(qloop.InputError, match="conv9, head") as e:
        acc.accuracy([{"layer": "conv9", "Weights": 8, "Inputs": 8}, {"layer": "head", "Weights": 8, "Inputs": 8}])
    assert "fc1, fc2" in str(e.value)
    explicit = qloop.torch.evaluator(Two(), LOADER, identity_metric, layers={"first": "fc1"})
    assert explicit.accuracy([{"layer": "first", "Weights": 8, "Inputs": 32}]) == pytest.approx(1.2, rel=0.01)
    twice = qloop.torch.evaluator(Two(), LOADER, identity_metric, layers={"a": "fc1", "b": "fc1"})
    with pytest.raises(qloop.InputError, match="both the module fc1"):
        twice.accuracy([{"layer": "a", "Weights": 8, "Inputs": 8}, {"layer": "b", "Weights": 4, "Inputs": 8}])


def test_bad_metrics_loaders_and_options_are_clear_errors():
    with pytest.raises(qloop.InputError, match="metric: expected a finite number"):
        qloop.torch.evaluator(Two(), LOADER, lambda o, t: "high").baseline
    with pytest.raises(qloop.InputError, match="yields no batch"):
        qloop.torch.evaluator(Two(), [], identity_metric).baseline
    with pytest.raises(ValueError, match="finetune_loader"):
        qloop.torch.evaluator(Two(), LOADER, identity_metric, finetune_steps=5)
    with pytest.raises(TypeError, match="torch.nn.Module"):
        qloop.torch.evaluator("model", LOADER, identity_metric)


def test_explore_reports_the_measured_metric_and_the_baseline():
    net = {"network": {"name": "Two", "layers": [{"name": "fc1", "type": "fc", "in_features": 1, "out_features": 1},
                                                 {"name": "fc2", "type": "fc", "in_features": 1, "out_features": 1}]}}
    acc = qloop.torch.evaluator(Two(), LOADER, identity_metric)
    lines = []
    result = qloop.explore(net, [SMALL_ARCH, QUICK_MAPPER], bit_choices=[1, 8], population=4, offspring=4,
                           generations=2, seed=3, objectives=["energy", "accuracy"], accuracy=acc,
                           progress=lines.append)
    assert result["baseline_accuracy"] == pytest.approx(1.2)
    assert len(lines) >= 2 and "generation" in lines[-1]
    for point in result["front"] + result["evaluated"]:
        config = [{"layer": l, **b} for l, b in point["bitwidths"].items()]
        assert point["accuracy"] == pytest.approx(acc.accuracy(config), abs=1e-6)
        assert point["accuracy_loss"] == pytest.approx(acc.baseline - point["accuracy"], abs=1e-6)


def test_the_report_of_a_measured_front_draws_the_float_model_and_the_bits_in_chromium(tmp_path):
    net = {"network": {"name": "Two", "layers": [{"name": "fc1", "type": "fc", "in_features": 1, "out_features": 1},
                                                 {"name": "fc2", "type": "fc", "in_features": 1, "out_features": 1}]}}
    acc = qloop.torch.evaluator(Two(), LOADER, identity_metric)
    result = qloop.explore(net, [SMALL_ARCH, QUICK_MAPPER], bit_choices=[1, 8], population=4, offspring=4,
                           generations=2, seed=3, objectives=["energy", "accuracy"], accuracy=acc)
    report = tmp_path / "report.html"
    report.write_text(qloop.explore_report(result))
    sys.path.insert(0, os.path.join(ROOT, "tests", "report"))
    from test_report_render import measure_explore_report
    cells, drawn, reference, points = measure_explore_report(str(report), str(tmp_path))
    front = [p for p in result["front"] if p["complete"]]
    assert cells == drawn == 2 * 2 * len(front)
    assert reference == 1 and points >= len(front)
    assert "float model scores 1.2" in report.read_text()
    with pytest.raises(qloop.InputError, match="not an explore result"):
        qloop.explore_report({"front": []})


def test_the_proxy_is_quantization_noise_in_db():
    # Two 8-bit operands: 10 log10(2 x 2^-16) = -45.15 dB; Weights at 4 bits: 2^-8 + 2^-16.
    assert qloop.accuracy_proxy([{"layer": "a", "Weights": 8, "Inputs": 8}]) == pytest.approx(-45.1545, abs=1e-4)
    assert qloop.accuracy_proxy([{"layer": "a", "Weights": 4, "Inputs": 8}]) == pytest.approx(-24.0654, abs=1e-4)
    assert qloop.accuracy_proxy([{"layer": "a", "Weights": 4, "Inputs": 8}],
                                sensitivity={"a": {"Weights": 0, "Inputs": 1}}) == pytest.approx(-48.1648, abs=1e-4)


def test_accuracy_example_finds_a_front_within_reach_of_the_float_model(tmp_path):
    script = os.path.join(ROOT, "examples", "python", "accuracy_dse.py")
    r = subprocess.run([sys.executable, script, "--quick", "-o", str(tmp_path)], capture_output=True, text=True,
                       env=os.environ)
    assert r.returncode == 0, r.stderr
    summary = json.load(open(tmp_path / "summary.json"))
    assert summary["baseline_top1"] > 85  # a CNN on 8 x 8 digits, trained for seconds
    rows = list(csv.DictReader(open(tmp_path / "front.csv")))
    assert len(rows) == summary["front"] >= 2
    energies = [float(r["energy_uJ"]) for r in rows]
    assert energies == sorted(energies) and energies[0] > 0
    assert max(float(r["top1_percent"]) for r in rows) >= summary["baseline_top1"] - 1
    assert summary["measured_configurations"] == summary["candidates"]
    assert -1 <= summary["spearman_proxy_vs_measured_loss"] <= 1
    png = (tmp_path / "accuracy_dse.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
