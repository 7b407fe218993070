"""The Python API gives the CLI's numbers and messages, and releases the GIL."""
import ast
import inspect
import json
import os
import sys
import threading
import time

import pytest

import qloop
from conftest import EYERISS, QUICK_MAPPER, SHARED, SMALL_ARCH, TINY_NET

CASE = os.path.join(SHARED, "quant-3level-alexnet-l1-diff-quant")
CASE_FILES = [os.path.join(CASE, f) for f in ("arch.yaml", "problem.yaml", "map.yaml", "ERT.yaml", "ART.yaml")]


def test_evaluate_equals_the_cli_on_a_conformance_case(cli, tmp_path):
    r = cli("model", *CASE_FILES, "-o", tmp_path)
    assert r.returncode == 0, r.stderr
    expected = json.load(open(tmp_path / "qloop.stats.json"))
    got = qloop.evaluate(*CASE_FILES[:3], ert=CASE_FILES[3], art=CASE_FILES[4])
    assert got == expected
    # ... and the shared reference's own numbers.
    reference = json.load(open(os.path.join(CASE, "expected.json")))
    assert got["summary"]["energy_pJ"] == pytest.approx(reference["summary"]["energy_pJ"], rel=1e-3)


def test_a_v04_template_takes_its_variables_and_gives_timeloop_v4s_numbers():
    case = os.path.join(SHARED + "-v04", "eyeriss_like")
    files = [os.path.join(case, f) for f in ("v04/top.yaml.jinja2", "map.yaml", "ERT.yaml", "ART.yaml")]
    got = qloop.evaluate(*files[:3], ert=files[3], variables={"architecture": "eyeriss_like"})
    reference = json.load(open(os.path.join(case, "expected.json")))
    assert got["summary"]["energy_pJ"] == pytest.approx(reference["summary"]["energy_pJ"], rel=1e-3)
    assert got["summary"]["cycles"] == reference["summary"]["cycles"]
    with pytest.raises(qloop.InputError, match="'architecture' is undefined"):
        qloop.evaluate(*files[:3], ert=files[3])
    with pytest.raises(TypeError, match="variables"):
        qloop.evaluate(*files[:3], variables=["architecture=eyeriss_like"])


def test_templates_render_in_many_threads_at_once():
    # Each render has its own temporary folder (found by review: one shared folder per process
    # let concurrent renders read each other's output).
    case = os.path.join(SHARED + "-v04", "simba_like")
    files = [os.path.join(case, f) for f in ("v04/top.yaml.jinja2", "map.yaml", "ERT.yaml")]
    results = [None] * 8

    def run(i):
        results[i] = qloop.evaluate(files[0], [], files[1], ert=files[2], variables={"architecture": "simba_like"})

    threads = [threading.Thread(target=run, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r is not None and r["summary"] == results[0]["summary"] for r in results)


def test_convert_writes_the_other_form_with_the_same_numbers(tmp_path):
    v04 = qloop.convert(CASE_FILES[:3])
    assert "!Container" in v04 and "counting_rules: quantization-fork" in v04
    (tmp_path / "v04.yaml").write_text(v04)
    original = qloop.evaluate(*CASE_FILES[:3], ert=CASE_FILES[3], art=CASE_FILES[4])
    converted = qloop.evaluate(str(tmp_path / "v04.yaml"), [], [], ert=CASE_FILES[3], art=CASE_FILES[4])
    assert converted["summary"] == original["summary"]
    with pytest.raises(qloop.InputError, match="already the v0.2/v0.3 tree"):
        qloop.convert(CASE_FILES[:3], to="v0.3")


def test_inputs_may_be_dicts(tmp_path):
    problem = qloop.load(CASE_FILES[1])
    problem["problem"]["instance"]["bitwidths"] = {"Weights": 4}
    as_files = qloop.evaluate(*CASE_FILES[:3], ert=CASE_FILES[3])
    as_dict = qloop.evaluate(CASE_FILES[0], problem, CASE_FILES[2], ert=CASE_FILES[3])
    weights = lambda s: s["storage"][1]["tensors"]["Weights"]
    assert weights(as_dict)["operands_per_word"] == 2 and weights(as_files)["operands_per_word"] == 2  # 3 and 4 bits
    assert as_dict["summary"]["computes"] == as_files["summary"]["computes"]


def test_search_returns_a_mapping_that_evaluate_reproduces(tmp_path):
    problem = os.path.join(EYERISS, "layers", "alexnet_conv5.yaml")
    arch = os.path.join(EYERISS, "arch.yaml")
    result = qloop.search(arch, problem, constraints=os.path.join(EYERISS, "constraints.yaml"), mapper=QUICK_MAPPER,
                          metrics=["edp"], threads=2, seed=3)
    assert result["found"], result
    mapping = tmp_path / "map.yaml"
    mapping.write_text(result["mapping"])
    again = qloop.evaluate(arch, problem, mapping)
    assert again == {key: value for key, value in result["stats"].items() if key != "search"}
    assert result["stats"]["search"] == result["search"]
    assert result["search"]["algorithm"] == "hybrid"


def test_bad_input_raises_with_the_cli_message(cli, tmp_path):
    bad = tmp_path / "problem.yaml"
    bad.write_text(open(CASE_FILES[1]).read().replace("bitwidths:", "bitwidth:"))
    r = cli("model", CASE_FILES[0], bad, CASE_FILES[2], "-o", tmp_path)
    assert r.returncode == 2
    message = r.stderr.strip().removeprefix("error: ")
    with pytest.raises(qloop.InputError) as raised:
        qloop.evaluate(CASE_FILES[0], bad, CASE_FILES[2])
    assert str(raised.value) == message
    assert "problem.yaml" in message and "bitwidth" in message
    assert isinstance(raised.value, ValueError)


def test_dict_errors_name_the_dict_and_key_path():
    arch = {"architecture": {"version": 0.3, "subtree": [{"name": "S", "local": [
        {"name": "B", "class": "SRAM", "attributes": {"width": 8, "word-bits": 8}}]}]}}
    with pytest.raises(qloop.InputError, match=r"<input dict: architecture>:\d+: at 'architecture\.subtree\[0\]\.local\[0\]'.*depth"):
        qloop.evaluate(arch, CASE_FILES[1], CASE_FILES[2])
    with pytest.raises(TypeError):
        qloop.evaluate(42, CASE_FILES[1], CASE_FILES[2])


def test_energy_estimates_without_an_ert():
    tables = qloop.energy(CASE_FILES[0])
    names = [c["name"] for c in tables["components"]]
    assert names == ["MainMemory", "GlobalBuffer", "RegisterFile", "MACC"]
    assert tables["components"][0]["read_pJ"] == pytest.approx(256 * 8.0)  # LPDDR4, 256-bit vector
    assert "ERT:" in tables["ert_yaml"] and "ART:" in tables["art_yaml"]


def test_network_and_sweep_match_the_cli(cli, tmp_path):
    net = tmp_path / "tiny.yaml"
    net.write_text(json.dumps(TINY_NET))
    mapper = tmp_path / "mapper.yaml"
    mapper.write_text(json.dumps(QUICK_MAPPER))
    r = cli("sweep", net, SMALL_ARCH, mapper, "--bits", "W8A8,W4A8", "--seed", "2", "-o", tmp_path / "out")
    assert r.returncode == 0, r.stderr
    expected = json.load(open(tmp_path / "out" / "sweep.json"))
    runs = qloop.sweep(TINY_NET, [SMALL_ARCH, QUICK_MAPPER], ["W8A8", "W4A8"], seed=2)
    strip = lambda run: {k: v for k, v in run.items() if k != "search"}  # wall-clock seconds differ
    assert [strip(x) for x in runs] == [strip(x) for x in expected]
    one = qloop.network(TINY_NET, [SMALL_ARCH, QUICK_MAPPER], bits={"default": "W4A8", "layers": {"fc": "W8A8"}},
                        seed=2)
    assert one["layers"][2]["bitwidths"] == {"Weights": 8, "Inputs": 8, "Outputs": 8}
    assert one["layers"][0]["bitwidths"]["Weights"] == 4


def test_sparse_case_gives_sparseloops_counts():
    case = os.path.join(SHARED + "-sparse", "isca21-03.2.1-conv1d")
    files = [os.path.join(case, f) for f in ("arch.yaml", "problem.yaml", "map.yaml", "sparse_opt.yaml")]
    got = qloop.evaluate(files[0], files[1], files[2:], ert=os.path.join(case, "ERT.yaml"),
                         art=os.path.join(case, "ART.yaml"))
    expected = json.load(open(os.path.join(case, "expected_sparse.json")))
    weights = got["storage"][0]["tensors"]["Weights"]
    assert weights["representation_format"] == "rle"
    assert weights["actual_reads"] == expected["storage"][0]["tensors"]["Weights"]["actual_reads"]
    assert weights["actual_format_reads"] == [[0, 9, 0]]
    assert got["arithmetic"]["actual_computes"] == expected["arithmetic"]["actual_computes"] == 9


def test_network_densities_match_the_cli(cli, tmp_path):
    # Compute gating on zero inputs: half of each layer's MACs (rounded down) are gated.
    sparse = {"sparse_optimizations": {"targets": [{"name": "MACC", "compute-optimization": [{"type": "gating"}]}]}}
    net = tmp_path / "tiny.yaml"
    net.write_text(json.dumps(TINY_NET))
    mapper = tmp_path / "mapper.yaml"
    mapper.write_text(json.dumps(QUICK_MAPPER))
    sparse_file = tmp_path / "sparse.yaml"
    sparse_file.write_text(json.dumps(sparse))
    r = cli("network", net, SMALL_ARCH, mapper, sparse_file, "--density", "Inputs=0.5", "--seed", "2",
            "-o", tmp_path / "out")
    assert r.returncode == 0, r.stderr
    expected = json.load(open(tmp_path / "out" / "network.json"))
    got = qloop.network(TINY_NET, [SMALL_ARCH, QUICK_MAPPER, sparse], densities={"Inputs": 0.5}, seed=2)
    strip = lambda run: {k: v for k, v in run.items() if k != "search"}  # wall-clock seconds differ
    assert strip(got) == strip(expected)
    for layer in got["layers"]:
        assert layer["sparse"]["gated_computes"] == layer["macs"] // 2


def test_explore_front_is_non_dominated():
    result = qloop.explore(TINY_NET, [SMALL_ARCH, QUICK_MAPPER], bit_choices=[2, 4, 8], population=6, offspring=6,
                           generations=2, seed=4, objectives=["energy", "accuracy"],
                           sensitivity={"conv1": {"Weights": 4.0}})
    front = [(p["energy_pJ"], p["accuracy_loss"]) for p in result["front"]]
    assert front
    for a in front:
        assert not any(b[0] <= a[0] and b[1] <= a[1] and b != a for b in front)
    with pytest.raises(qloop.InputError, match="unknown objective 'speed'"):
        qloop.explore(TINY_NET, SMALL_ARCH, objectives=["energy", "speed"])


def test_explore_takes_a_python_accuracy_evaluator():
    calls = []

    def accuracy(layers):
        calls.append(layers)
        return sum((8 - l["Weights"]) ** 2 for l in layers)  # only weight bits matter here

    result = qloop.explore(TINY_NET, [SMALL_ARCH, QUICK_MAPPER], bit_choices=[4, 8], population=4, offspring=4,
                           generations=1, seed=2, objectives=["energy", "accuracy"], accuracy=accuracy)
    assert calls and [l["layer"] for l in calls[0]] == ["conv1", "conv2", "fc"]
    for point in result["front"]:
        weights = [b["Weights"] for b in point["bitwidths"].values()]
        assert point["accuracy_loss"] == sum((8 - w) ** 2 for w in weights)


def _timed_search(results, index):
    start = time.perf_counter()
    problem = os.path.join(EYERISS, "layers", "alexnet_conv3.yaml")
    # The same fixed work in every call: one seed, a set number of sampled mappings, no early
    # stop; enough of them to last a few tenths of a second (a mapping takes microseconds).
    mapper = {"mapper": {"algorithm": "random", "search-size": 20000, "victory-condition": 0, "time-limit": 0,
                         "timeout": 0}}
    qloop.search(os.path.join(EYERISS, "arch.yaml"), problem, constraints=os.path.join(EYERISS, "constraints.yaml"),
                 mapper=mapper, threads=1, seed=7)
    results[index] = time.perf_counter() - start


def test_python_threads_run_while_a_search_runs():
    """While the C++ search runs, another Python thread keeps running: the GIL is released.

    Decided by order of events, not by speed: the counting thread must make progress strictly
    inside the search call, away from its ends by more than the interpreter's switch interval
    (a thread holding the GIL in C++ would let no other Python code run in between)."""
    margin = 4 * sys.getswitchinterval()
    window = {}

    def search():
        window["start"] = time.perf_counter()
        _timed_search([0.0], 0)
        window["end"] = time.perf_counter()

    pauses = []  # (from, to) wherever this thread did not run for over a millisecond
    last = time.perf_counter()
    thread = threading.Thread(target=search)
    thread.start()
    while thread.is_alive():
        now = time.perf_counter()
        if now - last > 1e-3:
            pauses.append((last, now))
        last = now
    pauses.append((last, time.perf_counter()))
    thread.join()
    start, end = window["start"] + margin, window["end"] - margin
    assert end > start, f"the search took {window['end'] - window['start']:.3f} s, too short to tell"
    covering = [p for p in pauses if p[0] <= start and p[1] >= end]
    assert not covering, f"no Python progress while the search ran from {start:.3f} to {end:.3f}: {covering}"


def test_ctrl_c_stops_a_search_within_a_second_and_keeps_its_best():
    import signal
    mapper = {"mapper": {"algorithm": "random", "victory-condition": 0, "timeout": 0, "time-limit": 60}}
    timer = threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT))
    start = time.perf_counter()
    timer.start()
    with pytest.raises(qloop.Interrupted) as stopped:
        qloop.search(os.path.join(EYERISS, "arch.yaml"), os.path.join(EYERISS, "layers", "alexnet_conv5.yaml"),
                     constraints=os.path.join(EYERISS, "constraints.yaml"), mapper=mapper, threads=1)
    assert time.perf_counter() - start < 0.5 + 1.0 + 0.5  # the signal, a second to stop, slack for a busy machine
    result = stopped.value.result
    assert result["found"] and result["search"]["stopped_by"] == "interrupted", result["search"]
    assert isinstance(stopped.value, KeyboardInterrupt)


def test_a_single_name_is_a_list_of_one_and_other_types_are_refused():
    net, arch = TINY_NET, [SMALL_ARCH, QUICK_MAPPER]
    one = qloop.network(net, arch, layers="fc")
    assert [l["name"] for l in one["layers"]] == ["fc"]
    with pytest.raises(TypeError):
        qloop.network(net, arch, layers=7)
    with pytest.raises(TypeError):
        qloop.search(SMALL_ARCH, os.path.join(EYERISS, "layers", "alexnet_conv5.yaml"), seed=1.5)


def test_options_are_checked_as_on_the_command_line():
    problem = os.path.join(EYERISS, "layers", "alexnet_conv5.yaml")
    for kwargs, option in [({"seed": -1}, "seed"), ({"seed": 2**64}, "seed"), ({"threads": -5}, "--threads"),
                           ({"time_limit": float("nan")}, "--time-limit"), ({"metrics": ["speed"]}, "metrics")]:
        with pytest.raises(qloop.InputError) as raised:
            qloop.search(SMALL_ARCH, problem, **kwargs)
        assert option in str(raised.value), (kwargs, str(raised.value))
    with pytest.raises(qloop.InputError) as raised:
        qloop.explore(TINY_NET, [SMALL_ARCH, QUICK_MAPPER], bit_choices=[0, 99])
    assert "--bits-set" in str(raised.value)


def test_load_refuses_what_is_not_yaml_with_keys(tmp_path):
    binary = tmp_path / "model.bin"
    binary.write_bytes(bytes(range(256)))
    with pytest.raises(qloop.InputError):
        qloop.load(binary)


def test_stubs_list_the_same_functions_and_parameters():
    stub = ast.parse(open(os.path.join(os.path.dirname(qloop.__file__), "__init__.pyi")).read())
    stubbed = {f.name: [a.arg for a in f.args.args] for f in stub.body if isinstance(f, ast.FunctionDef)}
    for name in ["load", "evaluate", "search", "energy", "network", "sweep", "explore", "import_onnx"]:
        real = list(inspect.signature(getattr(qloop, name)).parameters)
        assert stubbed[name] == real, name
        assert getattr(qloop, name).__doc__
