#!/usr/bin/env python3
"""CLI contract: exit 0 with outputs on success, exit 3 with {"valid": false} for a mapping
that does not fit, exit 2 with one clear message (file, key path, what was expected) on bad
input. Usage: test_cli.py --list | test_cli.py QLOOP CASE"""
import json, os, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLE = os.path.join(HERE, "..", "..", "examples", "alexnet-conv1-3level")


def example_with(replacements=None, extra=None):
    """Copies the bundled example into a temp folder, applying text replacements per file."""
    d = tempfile.mkdtemp(prefix="qloop-cli-")
    for name in ("arch.yaml", "problem.yaml", "map.yaml"):
        text = open(os.path.join(EXAMPLE, name)).read()
        for (fname, old, new) in (replacements or []):
            if fname == name:
                assert old in text, f"{old!r} not in {name}"
                text = text.replace(old, new)
        open(os.path.join(d, name), "w").write(text)
    for (fname, text) in (extra or []):
        open(os.path.join(d, fname), "w").write(text)
    return d


def run(qloop, folder):
    out = tempfile.mkdtemp(prefix="qloop-out-")
    r = subprocess.run([qloop, "model", folder, "-o", out], capture_output=True, text=True)
    return r, out


def expect_bad_input(qloop, folder, *fragments):
    r, _ = run(qloop, folder)
    assert r.returncode == 2, f"exit {r.returncode}, stderr: {r.stderr}"
    lines = [l for l in r.stderr.splitlines() if l.strip()]
    # One message; or, when reading went on past it, every problem found, one per line, then
    # their count (the first line is the mistake under test).
    if len(lines) > 1:
        assert all(l.startswith("error: ") for l in lines[:-1]), f"expected one message per line, got: {r.stderr}"
        assert lines[-1] == f"({len(lines) - 1} problems in all)", r.stderr
    for f in fragments:
        assert f in lines[0], f"{f!r} not in {lines[0]!r}"


def case_success(qloop):
    r, out = run(qloop, EXAMPLE)
    assert r.returncode == 0, r.stderr
    stats = json.load(open(os.path.join(out, "qloop.stats.json")))
    assert stats["valid"] is True
    assert stats["summary"]["computes"] == 3 * 96 * 11 * 11 * 55 * 55
    assert os.path.exists(os.path.join(out, "qloop.stats.txt"))
    assert "for Q in [0:55)" in open(os.path.join(out, "qloop.map.txt")).read()
    assert "Energy:" in r.stdout


def case_invalid_mapping_exits_3(qloop):
    d = example_with([("arch.yaml", "depth: 256", "depth: 64")])
    r, out = run(qloop, d)
    assert r.returncode == 3, f"exit {r.returncode}: {r.stderr}"
    stats = json.load(open(os.path.join(out, "qloop.stats.json")))
    assert stats["valid"] is False and "RegisterFile" in stats["reason"], stats


def case_malformed_yaml(qloop):
    d = example_with([("problem.yaml", "    C: 3\n", "    C: [3\n")])
    expect_bad_input(qloop, d, "problem.yaml:", "malformed YAML")


def case_unknown_key(qloop):
    d = example_with([("arch.yaml", "    subtree:\n    - name: Chip", "    subtreee:\n    - name: Chip")])
    expect_bad_input(qloop, d, "arch.yaml:", "unknown key 'subtreee'", "valid keys here")


def case_unknown_level(qloop):
    d = example_with([("map.yaml", "target: MainMemory", "target: MainMemoryy")])
    expect_bad_input(qloop, d, "map.yaml:", "'MainMemoryy' is not a storage level")


def case_unknown_tensor(qloop):
    d = example_with([("problem.yaml", "      Weights: 4", "      Weightz: 4")])
    expect_bad_input(qloop, d, "problem.yaml:", "problem.instance.bitwidths.Weightz", "not a data space")


def case_factor_product(qloop):
    d = example_with([("map.yaml", "factors: M=6 Q=55", "factors: M=5 Q=55")])
    expect_bad_input(qloop, d, "map.yaml", "'M' multiply to 80, but the problem size is 96")


def case_permutation_repeats(qloop):
    d = example_with([("map.yaml", "permutation: QMCRSNP", "permutation: QMCRSNQ")])
    expect_bad_input(qloop, d, "map.yaml:", "permutation repeats dimension 'Q'")


def case_missing_attribute(qloop):
    d = example_with([("arch.yaml", "          depth: 16384\n", "")])
    expect_bad_input(qloop, d, "arch.yaml:", "needs a size")


def case_zero_size(qloop):
    d = example_with([("problem.yaml", "    N: 1", "    N: 0")])
    expect_bad_input(qloop, d, "problem.yaml:", "problem.instance.N", "positive integer")


def case_missing_file(qloop):
    r = subprocess.run([qloop, "model", "/nonexistent/arch.yaml"], capture_output=True, text=True)
    assert r.returncode == 2 and "no such file" in r.stderr, r.stderr


def case_no_arguments(qloop):
    r = subprocess.run([qloop], capture_output=True, text=True)
    assert r.returncode == 2, r.returncode


MAPPER_EXAMPLE = os.path.join(HERE, "..", "..", "examples", "mapper-eyeriss-like")


def mapper_inputs(extra=None):
    d = tempfile.mkdtemp(prefix="qloop-mapper-cli-")
    files = [os.path.join(MAPPER_EXAMPLE, f) for f in ("arch.yaml", "constraints.yaml")]
    files.append(os.path.join(MAPPER_EXAMPLE, "layers", "alexnet_conv5.yaml"))
    settings = os.path.join(d, "mapper.yaml")
    open(settings, "w").write(extra or "mapper: {algorithm: hybrid, num-threads: 2, search-size: 300, "
                                       "victory-condition: 0, time_limit: 0, seed: 3}\n")
    return files + [settings]


def case_mapper_writes_a_mapping_the_model_reproduces(qloop):
    out = tempfile.mkdtemp(prefix="qloop-out-")
    r = subprocess.run([qloop, "mapper"] + mapper_inputs() + ["-o", out], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    stats = json.load(open(os.path.join(out, "qloop.stats.json")))
    assert stats["search"]["evaluated"] == 600 and stats["search"]["valid"] > 0, stats["search"]
    again = tempfile.mkdtemp(prefix="qloop-out-")
    r = subprocess.run([qloop, "model", os.path.join(MAPPER_EXAMPLE, "arch.yaml"),
                        os.path.join(MAPPER_EXAMPLE, "layers", "alexnet_conv5.yaml"),
                        os.path.join(out, "qloop.map.yaml"), "-o", again], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    model = json.load(open(os.path.join(again, "qloop.stats.json")))
    assert model["summary"]["energy_pJ"] == stats["summary"]["energy_pJ"], (model["summary"], stats["summary"])
    assert model["summary"]["cycles"] == stats["summary"]["cycles"]
    assert open(os.path.join(out, "qloop.search.csv")).readline().startswith("seconds,evaluated")


def case_mapper_bad_setting(qloop):
    r = subprocess.run([qloop, "mapper"] + mapper_inputs("mapper: {algorithm: simulated-annealing}\n"),
                       capture_output=True, text=True)
    assert r.returncode == 2 and "unknown mapper algorithm 'simulated-annealing'" in r.stderr, r.stderr


def case_mapper_algorithm_option_overrides_the_settings(qloop):
    # The settings name the certified search; --algorithm hybrid runs the hybrid search, which
    # ends on the settings' search size.
    out = tempfile.mkdtemp(prefix="qloop-out-")
    settings = "mapper: {algorithm: optimal, num-threads: 1, search-size: 200, victory-condition: 0, time_limit: 20}\n"
    r = subprocess.run([qloop, "mapper"] + mapper_inputs(settings) + ["--algorithm", "hybrid", "-o", out],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    search = json.load(open(os.path.join(out, "qloop.stats.json")))["search"]
    assert search["algorithm"] == "hybrid" and search["evaluated"] == 200 and not search["optimal"], search


def case_mapper_bound_pruning_switch(qloop):
    # On by default: the hybrid search skips tilings its bound rules out; off, none is skipped.
    pruned = {}
    for setting in ("", ", bound-pruning: false"):
        out = tempfile.mkdtemp(prefix="qloop-out-")
        settings = ("mapper: {algorithm: hybrid, num-threads: 1, search-size: 3000, victory-condition: 0, "
                    "time_limit: 0, seed: 3" + setting + "}\n")
        r = subprocess.run([qloop, "mapper"] + mapper_inputs(settings) + ["-o", out], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        pruned[setting] = json.load(open(os.path.join(out, "qloop.stats.json")))["search"]["pruned_tilings"]
    assert pruned[""] > 0 and pruned[", bound-pruning: false"] == 0, pruned
    r = subprocess.run([qloop, "mapper"] + mapper_inputs("mapper: {bound-pruning: maybe}\n"), capture_output=True, text=True)
    assert r.returncode == 2 and "bound-pruning" in r.stderr and "mapper.yaml" in r.stderr, r.stderr


def case_mapper_bad_constraint(qloop):
    d = tempfile.mkdtemp(prefix="qloop-mapper-cli-")
    bad = os.path.join(d, "bad.yaml")
    open(bad, "w").write("architecture_constraints:\n- {target: shared_glb, type: temporal, factors: Z=4}\n")
    r = subprocess.run([qloop, "mapper", bad] + mapper_inputs(), capture_output=True, text=True)
    assert r.returncode == 2 and "'Z' is not a dimension" in r.stderr and "bad.yaml" in r.stderr, r.stderr


def case_mapper_nothing_fits_exits_3_with_reason(qloop):
    d = tempfile.mkdtemp(prefix="qloop-mapper-cli-")
    tight = os.path.join(d, "tight.yaml")
    open(tight, "w").write("architecture_constraints:\n- {target: DRAM, type: temporal, factors: C=1 M=1 P=1 Q=1}\n")
    out = tempfile.mkdtemp(prefix="qloop-out-")
    r = subprocess.run([qloop, "mapper", tight] + mapper_inputs() + ["-o", out], capture_output=True, text=True)
    assert r.returncode == 3, (r.returncode, r.stderr)
    stats = json.load(open(os.path.join(out, "qloop.stats.json")))
    assert stats["valid"] is False and "rejected by capacity at" in stats["reason"], stats["reason"]


def case_mapper_ctrl_c_writes_the_best_so_far(qloop):
    import signal, time
    out = tempfile.mkdtemp(prefix="qloop-out-")
    settings = "mapper: {algorithm: random, num-threads: 2, victory-condition: 0, timeout: 0, time_limit: 60}\n"
    p = subprocess.Popen([qloop, "mapper"] + mapper_inputs(settings) + ["-o", out],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1.5)
    p.send_signal(signal.SIGINT)
    stdout, stderr = p.communicate(timeout=30)
    assert p.returncode == 130, (p.returncode, stderr)  # 128 + SIGINT, after writing the results
    stats = json.load(open(os.path.join(out, "qloop.stats.json")))
    assert stats["valid"] is True and stats["search"]["seconds"] < 30, stats["search"]
    assert stats["search"]["stopped_by"] == "interrupted", stats["search"]
    assert os.path.exists(os.path.join(out, "qloop.map.yaml"))


def case_mapper_sigterm_writes_the_best_so_far(qloop):
    import signal, time
    out = tempfile.mkdtemp(prefix="qloop-out-")
    settings = "mapper: {algorithm: random, num-threads: 2, victory-condition: 0, timeout: 0, time_limit: 60}\n"
    p = subprocess.Popen([qloop, "mapper"] + mapper_inputs(settings) + ["-o", out],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1.5)
    p.send_signal(signal.SIGTERM)
    stdout, stderr = p.communicate(timeout=30)
    assert p.returncode == 143, (p.returncode, stderr)
    stats = json.load(open(os.path.join(out, "qloop.stats.json")))
    assert stats["valid"] is True and stats["search"]["stopped_by"] == "interrupted", stats["search"]


def case_progress_reaches_a_log_file_every_few_seconds(qloop):
    """stderr into a file (not a terminal): the first progress line at once, then one every five
    seconds with the time since the start."""
    out = tempfile.mkdtemp(prefix="qloop-out-")
    settings = "mapper: {algorithm: random, num-threads: 1, victory-condition: 0, timeout: 0, time_limit: 6}\n"
    with open(os.path.join(out, "log.txt"), "w") as log:
        r = subprocess.run([qloop, "mapper"] + mapper_inputs(settings) + ["-o", out], stdout=subprocess.PIPE,
                           stderr=log, text=True)
    assert r.returncode == 0, open(os.path.join(out, "log.txt")).read()
    lines = open(os.path.join(out, "log.txt")).read().splitlines()
    assert len(lines) >= 2 and lines[0].startswith("[mapper]") and lines[1].startswith("[5 s] [mapper]"), lines
    assert "\r" not in "".join(lines), lines


def case_energy_writes_tables_the_model_reads_back(qloop):
    """`qloop energy` writes ERT/ART; feeding them back changes the sources, not the numbers."""
    tables = tempfile.mkdtemp(prefix="qloop-energy-")
    r = subprocess.run([qloop, "energy", os.path.join(EXAMPLE, "arch.yaml"), "-o", tables],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "GlobalBuffer" in r.stdout and "estimated" in r.stdout, r.stdout
    ert = open(os.path.join(tables, "ERT.yaml")).read()
    assert "System.Chip.GlobalBuffer" in ert and "mac_random" in ert, ert
    r1, out1 = run(qloop, EXAMPLE)
    assert r1.returncode == 0, r1.stderr
    folder = example_with(extra=[("ERT.yaml", ert), ("ART.yaml", open(os.path.join(tables, "ART.yaml")).read())])
    r2, out2 = run(qloop, folder)
    assert r2.returncode == 0, r2.stderr
    s1 = json.load(open(os.path.join(out1, "qloop.stats.json")))
    s2 = json.load(open(os.path.join(out2, "qloop.stats.json")))
    assert s1["storage"][0]["energy_source"] == "estimated" and s2["storage"][0]["energy_source"] == "ERT"
    assert s2["storage"][0]["area_source"] == "ERT"
    rel = abs(s1["summary"]["energy_pJ"] - s2["summary"]["energy_pJ"]) / s1["summary"]["energy_pJ"]
    assert rel < 1e-6, (s1["summary"], s2["summary"])
    assert abs(s1["summary"]["area_um2"] - s2["summary"]["area_um2"]) / s1["summary"]["area_um2"] < 1e-6


def case_energy_unknown_dram_type(qloop):
    d = example_with([("arch.yaml", "class: DRAM\n      attributes:\n", "class: DRAM\n      attributes:\n        type: SDR\n")])
    r = subprocess.run([qloop, "energy", os.path.join(d, "arch.yaml"), "-o", d], capture_output=True, text=True)
    assert r.returncode == 2, f"exit {r.returncode}: {r.stderr}"
    lines = [l for l in r.stderr.splitlines() if l.strip()]
    assert len(lines) == 1 and "arch.yaml" in lines[0] and "unknown DRAM type 'SDR'" in lines[0], r.stderr


def case_model_bad_technology(qloop):
    d = example_with([("arch.yaml", "technology: 45nm", "technology: fortynm")])
    expect_bad_input(qloop, d, "arch.yaml", "technology 'fortynm'", "45nm")


TINY_NET = """network:
  name: Tiny
  layers:
  - {name: conv1, type: conv, in_channels: 3, out_channels: 16, input: 16, kernel: 3, padding: 1}
  - {name: conv2, type: conv, in_channels: 16, out_channels: 16, input: 16, kernel: 3, padding: 1, groups: 4}
  - {name: dw, type: depthwise, channels: 16, input: 16, kernel: 3, padding: 1}
  - {name: fc, type: fc, in_features: 256, out_features: 10}
"""
MAPPER = "mapper: {algorithm: hybrid, victory-condition: 200, time-limit: 5}\n"


def network_run(qloop, command, *extra):
    d = tempfile.mkdtemp(prefix="qloop-net-")
    open(os.path.join(d, "tiny.yaml"), "w").write(TINY_NET)
    open(os.path.join(d, "mapper.yaml"), "w").write(MAPPER)
    out = os.path.join(d, "out")
    r = subprocess.run([qloop, command, os.path.join(d, "tiny.yaml"), os.path.join(EXAMPLE, "arch.yaml"),
                        os.path.join(d, "mapper.yaml"), "-o", out, *extra], capture_output=True, text=True)
    return r, out


def case_network_writes_json_csv_and_report(qloop):
    r, out = network_run(qloop, "network", "--bits", "W4A8,first=W8A8")
    assert r.returncode == 0, r.stderr
    net = json.load(open(os.path.join(out, "network.json")))
    layers = net["layers"]
    assert [l["name"] for l in layers] == ["conv1", "conv2", "dw", "fc"]
    assert layers[0]["bitwidths"] == {"Weights": 8, "Inputs": 8, "Outputs": 8}, layers[0]
    assert layers[1]["bitwidths"] == {"Weights": 4, "Inputs": 8, "Outputs": 8}, layers[1]
    # MACs: 16x16x16x3x9, grouped 16x16x16x4x9, depthwise 16x16x16x9, fc 256x10
    assert [l["macs"] for l in layers] == [110592, 147456, 36864, 2560], [l["macs"] for l in layers]
    totals = net["totals"]
    assert abs(totals["energy_pJ"] - sum(l["energy_pJ"] for l in layers)) < 1e-6 * totals["energy_pJ"]
    assert totals["cycles"] == sum(l["cycles"] for l in layers)
    assert abs(sum(totals["energy_pJ_per_component"].values()) - totals["energy_pJ"]) < 1e-6 * totals["energy_pJ"]
    assert "mapping:" in layers[0]["mapping"]
    rows = open(os.path.join(out, "network.csv")).read().splitlines()
    assert rows[0].startswith("layer,type,Weights,Inputs,Outputs,macs,energy_pJ,cycles,energy_pJ.MACC"), rows[0]
    assert len(rows) == 5 and rows[2].startswith("conv2,conv,4,8,8,147456,"), rows
    # Each layer says how good its mapping is known to be, as network.json does.
    assert rows[0].endswith(",search,reason"), rows[0]
    for row, layer in zip(rows[1:], layers):
        expected = "optimal" if layer["optimal"] else f"gap {100 * layer['gap']:.0f}%"
        assert row.split(",")[-2] == expected, (row, layer["optimal"], layer["gap"])
    html = open(os.path.join(out, "report.html")).read()
    assert html.count("<svg") >= 1 and "conv2" in html


def case_network_density_gates_computes_on_zero_inputs(qloop):
    # The compute unit gates an operation whose input is zero: with Inputs at density 1/2 (fixed
    # structure), half of each layer's MACs are gated (rounded down), whatever the mapping.
    d = tempfile.mkdtemp(prefix="qloop-net-sparse-")
    sparse = os.path.join(d, "sparse.yaml")
    open(sparse, "w").write("sparse_optimizations:\n  targets:\n  - name: MACC\n"
                            "    compute-optimization: [{type: gating}]\n")
    r, out = network_run(qloop, "network", sparse, "--density", "Inputs=0.5")
    assert r.returncode == 0, r.stderr
    for layer in json.load(open(os.path.join(out, "network.json")))["layers"]:
        s = layer["sparse"]
        assert s["densities"] == {"Weights": 1.0, "Inputs": 0.5, "Outputs": 1.0}, s
        assert s["algorithmic_computes"] == layer["macs"], (s, layer["macs"])
        assert s["gated_computes"] == layer["macs"] // 2, s
        assert s["actual_computes"] == layer["macs"] - layer["macs"] // 2, s
    html = open(os.path.join(out, "report.html")).read()
    assert "<h2>Sparsity</h2>" in html and "0 / 0.5 / 1" not in html and "1 / 0.5 / 1" in html


def case_sparse_example_gates_the_weight_reads_of_zero_inputs(qloop):
    # weights_spad gates each weight read whose input is zero (density 0.35): the computes
    # those reads would feed are gone, 149,520,384 - floor(149,520,384 x 0.65).
    r, out = run(qloop, os.path.join(HERE, "..", "..", "examples", "eyeriss-like-sparse-conv3"))
    assert r.returncode == 0, r.stderr
    stats = json.load(open(os.path.join(out, "qloop.stats.json")))
    assert stats["arithmetic"]["algorithmic_computes"] == 149520384
    assert stats["arithmetic"]["actual_computes"] == 149520384 - int(149520384 * 0.65)
    dram = next(l for l in stats["storage"] if l["name"] == "DRAM")
    assert dram["tensors"]["Inputs"]["representation_format"] == "uop rle"


def case_network_density_of_an_unknown_tensor(qloop):
    r, _ = network_run(qloop, "network", "--density", "Input=0.5")
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert "a layer's tensors are Weights, Inputs and Outputs" in r.stderr, r.stderr


def case_network_layer_mapping_round_trips_through_model(qloop):
    r, out = network_run(qloop, "network", "--layers", "conv2")
    assert r.returncode == 0, r.stderr
    layer = json.load(open(os.path.join(out, "network.json")))["layers"][0]
    d = tempfile.mkdtemp(prefix="qloop-net-model-")
    open(os.path.join(d, "map.yaml"), "w").write(layer["mapping"])
    # The same layer as a Timeloop problem: a grouped convolution with a G dimension.
    problem = """problem:
  shape:
    name: grouped
    dimensions: [G, C, M, R, S, N, P, Q]
    coefficients: [{name: Wstride, default: 1}, {name: Hstride, default: 1}, {name: Wdilation, default: 1},
                   {name: Hdilation, default: 1}, {name: Cgroup, default: 4}, {name: Mgroup, default: 4}]
    data-spaces:
    - {name: Weights, projection: [[[G]], [[C]], [[M]], [[R]], [[S]]]}
    - {name: Inputs, projection: [[[N]], [[G, Cgroup], [C]], [[S, Hdilation], [Q, Hstride]], [[R, Wdilation], [P, Wstride]]]}
    - {name: Outputs, projection: [[[N]], [[G, Mgroup], [M]], [[Q]], [[P]]], read-write: true}
  instance: {G: 4, C: 4, M: 4, R: 3, S: 3, N: 1, P: 16, Q: 16}
"""
    open(os.path.join(d, "problem.yaml"), "w").write(problem)
    model_out = tempfile.mkdtemp(prefix="qloop-net-model-out-")
    m = subprocess.run([qloop, "model", os.path.join(EXAMPLE, "arch.yaml"), os.path.join(d, "problem.yaml"),
                        os.path.join(d, "map.yaml"), "-o", model_out], capture_output=True, text=True)
    assert m.returncode == 0, m.stderr
    stats = json.load(open(os.path.join(model_out, "qloop.stats.json")))
    assert abs(stats["summary"]["energy_pJ"] - layer["energy_pJ"]) < 1e-9 * layer["energy_pJ"], (stats["summary"], layer)
    assert stats["summary"]["cycles"] == layer["cycles"]


def case_sweep_writes_one_row_per_configuration(qloop):
    r, out = network_run(qloop, "sweep", "--bits", "W8A8,W4A8,W2A8")
    assert r.returncode == 0, r.stderr
    rows = open(os.path.join(out, "sweep.csv")).read().splitlines()
    header = rows[0].split(",")
    assert header[:4] == ["config", "energy_pJ", "cycles", "edp"], header
    levels = ["energy_pJ.MACC", "energy_pJ.RegisterFile", "energy_pJ.GlobalBuffer", "energy_pJ.MainMemory"]
    assert header[4:8] == levels, header
    values = [dict(zip(header, row.split(","))) for row in rows[1:]]
    assert [v["config"] for v in values] == ["W8A8", "W4A8", "W2A8"]
    for v in values:
        assert abs(sum(float(v[l]) for l in levels) - float(v["energy_pJ"])) < 1e-4 * float(v["energy_pJ"]), v
    # Fewer weight bits never cost weight storage more: the 8-bit mapping stays valid at 4 and 2 bits.
    assert float(values[1]["weight_bytes"]) < float(values[0]["weight_bytes"])
    assert "<svg" in open(os.path.join(out, "report.html")).read()


def case_csv_files_keep_every_digit_of_the_json(qloop):
    r, out = network_run(qloop, "network")
    assert r.returncode == 0, r.stderr
    layers = json.load(open(os.path.join(out, "network.json")))["layers"]
    rows = [line.split(",") for line in open(os.path.join(out, "network.csv")).read().splitlines()]
    column = rows[0].index("energy_pJ")
    for layer, row in zip(layers, rows[1:]):
        assert float(row[column]) == layer["energy_pJ"], (row[column], layer["energy_pJ"])
    r, out = network_run(qloop, "sweep", "--bits", "W8A8,W4A8")
    assert r.returncode == 0, r.stderr
    runs = json.load(open(os.path.join(out, "sweep.json")))
    rows = [line.split(",") for line in open(os.path.join(out, "sweep.csv")).read().splitlines()]
    for run, row in zip(runs, rows[1:]):
        assert float(row[1]) == run["totals"]["energy_pJ"], (row[1], run["totals"]["energy_pJ"])


def case_network_bad_bits(qloop):
    r, _ = network_run(qloop, "network", "--bits", "W4")
    assert r.returncode == 2, f"exit {r.returncode}: {r.stderr}"
    lines = [l for l in r.stderr.splitlines() if l.strip()]
    assert len(lines) == 1 and "--bits" in lines[0] and "W4A8" in lines[0], r.stderr


def case_network_unknown_layer(qloop):
    r, _ = network_run(qloop, "network", "--layers", "conv9")
    assert r.returncode == 2, f"exit {r.returncode}: {r.stderr}"
    assert "no layer named 'conv9'" in r.stderr, r.stderr


def case_network_bad_layer_file(qloop):
    d = tempfile.mkdtemp(prefix="qloop-net-")
    bad = TINY_NET.replace("groups: 4", "groups: 5")
    open(os.path.join(d, "tiny.yaml"), "w").write(bad)
    r = subprocess.run([qloop, "network", os.path.join(d, "tiny.yaml"), os.path.join(EXAMPLE, "arch.yaml"), "-o", d],
                       capture_output=True, text=True)
    assert r.returncode == 2, f"exit {r.returncode}: {r.stderr}"
    lines = [l for l in r.stderr.splitlines() if l.strip()]
    assert len(lines) == 1 and "tiny.yaml:5" in lines[0] and "divisible by groups" in lines[0], r.stderr


def case_explore_writes_a_non_dominated_front(qloop):
    r, out = network_run(qloop, "explore", "--bits-set", "2,4,8", "--population", "6", "--offspring", "6",
                         "--generations", "3", "--seed", "5", "--objectives", "energy,memory")
    assert r.returncode == 0, r.stderr
    rows = open(os.path.join(out, "pareto.csv")).read().splitlines()
    header = rows[0].split(",")
    assert header[:5] == ["energy_pJ", "cycles", "edp", "memory_bytes", "accuracy_loss"], header
    assert header[5:7] == ["conv1.W", "conv1.I"], header
    points = [dict(zip(header, row.split(","))) for row in rows[1:]]
    assert points, rows
    objectives = [(float(p["energy_pJ"]), float(p["memory_bytes"])) for p in points]
    for a in objectives:
        for b in objectives:
            assert not (b[0] <= a[0] and b[1] <= a[1] and b != a), (a, b)
    data = json.load(open(os.path.join(out, "explore.json")))
    assert data["objectives"] == ["energy_pJ", "memory_bytes"] and len(data["front"]) == len(points)
    assert "Pareto front" in open(os.path.join(out, "report.html")).read()


def case_explore_bad_objective(qloop):
    r, _ = network_run(qloop, "explore", "--objectives", "energy,beauty")
    assert r.returncode == 2, f"exit {r.returncode}: {r.stderr}"
    assert "unknown objective 'beauty'" in r.stderr and "--objectives" in r.stderr, r.stderr


def case_explore_sensitivity_unknown_layer(qloop):
    d = tempfile.mkdtemp(prefix="qloop-sens-")
    path = os.path.join(d, "sens.csv")
    open(path, "w").write("layer,Weights,Inputs\nconv7,2,1\n")
    r, _ = network_run(qloop, "explore", "--sensitivity", path)
    assert r.returncode == 2, f"exit {r.returncode}: {r.stderr}"
    lines = [l for l in r.stderr.splitlines() if l.strip()]
    assert len(lines) == 1 and "sens.csv:2" in lines[0] and "no layer named 'conv7'" in lines[0], r.stderr


def case_import_rejects_a_file_that_is_not_onnx(qloop):
    d = tempfile.mkdtemp(prefix="qloop-import-")
    bad = os.path.join(d, "model.onnx")
    open(bad, "wb").write(b"\x08\x07garbage that is not a model")
    r = subprocess.run([qloop, "import", bad, "-o", os.path.join(d, "net.yaml")], capture_output=True, text=True)
    assert r.returncode == 2, f"exit {r.returncode}: {r.stderr}"
    lines = [l for l in r.stderr.splitlines() if l.strip()]
    assert len(lines) == 1 and "model.onnx" in lines[0], r.stderr
    assert not os.path.exists(os.path.join(d, "net.yaml"))


def case_schema_prints_the_input_reference_page(qloop):
    r = subprocess.run([qloop, "schema"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    page = open(os.path.join(HERE, "..", "..", "docs", "inputs.md")).read()
    assert r.stdout == page, "docs/inputs.md is not what `qloop schema` prints: regenerate it (qloop schema > docs/inputs.md)"
    assert "| `read_bandwidth` |" in page and "## `mapping: [ ... ]`" in page


CASES = {k[5:]: v for k, v in globals().items() if k.startswith("case_")}

if __name__ == "__main__":
    if sys.argv[1] == "--list":
        print("\n".join(CASES))
        sys.exit(0)
    CASES[sys.argv[2]](sys.argv[1])
    print("ok")
