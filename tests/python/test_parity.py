"""Every command through the CLI and through Python on the same inputs gives the same result:
with mapper settings in the YAML (which both must apply), without them, and with overrides
given to both. Only wall-clock times may differ."""
import json
import os

import pytest
import qloop
import yaml

from conftest import EYERISS, ROOT, SHARED, SMALL_ARCH, TINY_NET

THREE_LEVEL = os.path.join(ROOT, "examples", "alexnet-conv1-3level")
CONV5 = os.path.join(EYERISS, "layers", "alexnet_conv5.yaml")
# Settings a search must take from the YAML: one thread, seed 7, a fixed number of evaluations.
PINNED = {"mapper": {"algorithm": "random-pruned", "num-threads": 1, "seed": 7, "search-size": 300,
                     "victory-condition": 0, "time-limit": 0}}
QUICK = {"mapper": {"algorithm": "hybrid", "num-threads": 1, "victory-condition": 150, "time-limit": 0}}


def without_times(value):
    """The value with every wall-clock time left out."""
    if isinstance(value, dict):
        return {k: without_times(v) for k, v in value.items() if k != "seconds"}
    if isinstance(value, list):
        return [without_times(v) for v in value]
    return value


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_text(json.dumps(data))  # JSON is YAML
    return path


def read_json(path):
    return json.loads(open(path).read())


def run_ok(cli, *args):
    r = cli(*args)
    assert r.returncode == 0, r.stderr
    return r


def test_model_gives_the_same_stats(cli, tmp_path):
    case = os.path.join(SHARED, "quant-3level-alexnet-l1-diff-quant")
    files = [os.path.join(case, f) for f in ("arch.yaml", "problem.yaml", "map.yaml", "ERT.yaml", "ART.yaml")]
    run_ok(cli, "model", *files, "-o", tmp_path)
    assert read_json(tmp_path / "qloop.stats.json") == qloop.evaluate(*files[:3], ert=files[3], art=files[4])


def test_energy_gives_the_same_tables(cli, tmp_path):
    run_ok(cli, "energy", SMALL_ARCH, "-o", tmp_path)
    tables = qloop.energy(SMALL_ARCH)
    assert (tmp_path / "ERT.yaml").read_text() == tables["ert_yaml"]
    assert (tmp_path / "ART.yaml").read_text() == tables["art_yaml"]


@pytest.mark.parametrize("settings, overrides", [
    ("pinned", {}),                          # the YAML's settings apply on both sides
    ("pinned", {"seed": 3}),                 # an override changes one of them on both sides
    ("none", {"threads": 1, "seed": 5}),     # defaults plus overrides
], ids=["settings-in-yaml", "settings-and-override", "overrides-only"])
def test_mapper_finds_the_same_mapping(cli, tmp_path, settings, overrides):
    inputs = [os.path.join(EYERISS, "arch.yaml"), os.path.join(EYERISS, "constraints.yaml"), CONV5]
    mapper = [write(tmp_path, "mapper.yaml", PINNED)] if settings == "pinned" else []
    if settings == "none":  # keep the default (certified) search short through the problem's size alone:
        inputs = [os.path.join(THREE_LEVEL, "arch.yaml"), small_three_level_problem(tmp_path)]  # proved in ~1 s
    flags = [a for k, v in overrides.items() for a in (f"--{k}", str(v))]
    out = tmp_path / "cli"
    run_ok(cli, "mapper", *inputs, *mapper, *flags, "-o", out)
    result = qloop.search(inputs[0], inputs[1:], mapper=mapper or None, **overrides)
    assert without_times(read_json(out / "qloop.stats.json")) == without_times(result["stats"])
    assert (out / "qloop.map.yaml").read_text() == result["mapping"]
    if settings == "pinned":
        assert result["search"]["threads"] == 1
        assert result["search"]["evaluated"] == 300
    if settings == "none":  # a proof ends the same way whatever the clock says
        assert result["search"]["algorithm"] == "optimal" and result["search"]["optimal"]


def small_three_level_problem(tmp_path):
    """The 3-level example's layer cut down to a 3x3 convolution of 3 -> 8 channels on 4x4 outputs."""
    problem = yaml.safe_load(open(os.path.join(THREE_LEVEL, "problem.yaml")))
    problem["problem"]["instance"].update({"M": 8, "R": 3, "S": 3, "P": 4, "Q": 4, "Wstride": 1, "Hstride": 1})
    return write(tmp_path, "problem.yaml", problem)


def network_inputs(tmp_path):
    return write(tmp_path, "tiny.yaml", TINY_NET), [SMALL_ARCH, write(tmp_path, "mapper.yaml", QUICK)]


def test_network_gives_the_same_totals(cli, tmp_path):
    net, arch = network_inputs(tmp_path)
    run_ok(cli, "network", net, *arch, "--bits", "W4A8,first=W8A8", "--seed", "2", "-o", tmp_path / "cli")
    result = qloop.network(net, arch, bits="W4A8,first=W8A8", seed=2)
    assert without_times(read_json(tmp_path / "cli" / "network.json")) == without_times(result)


def test_sweep_gives_the_same_runs(cli, tmp_path):
    net, arch = network_inputs(tmp_path)
    run_ok(cli, "sweep", net, *arch, "--bits", "W8A8,W4A8", "--layers", "conv2,fc", "-o", tmp_path / "cli")
    result = qloop.sweep(net, arch, "W8A8,W4A8", layers=["conv2", "fc"])
    assert without_times(read_json(tmp_path / "cli" / "sweep.json")) == without_times(result)


def test_explore_gives_the_same_front(cli, tmp_path):
    net, arch = network_inputs(tmp_path)
    run_ok(cli, "explore", net, *arch, "--bits-set", "4,8", "--population", "4", "--offspring", "4",
           "--generations", "2", "--seed", "3", "--objectives", "energy,memory", "-o", tmp_path / "cli")
    result = qloop.explore(net, arch, bit_choices=[4, 8], population=4, offspring=4, generations=2, seed=3,
                           objectives=["energy", "memory"])
    assert without_times(read_json(tmp_path / "cli" / "explore.json")) == without_times(result)


def test_schema_gives_the_same_page(cli):
    assert run_ok(cli, "schema").stdout == qloop.schema()


def test_import_gives_the_same_network(cli, tmp_path):
    import onnx  # Debian's python3-onnx (tools/install-deps.sh --test)
    from onnx import TensorProto, helper

    conv = helper.make_node("Conv", ["x", "w"], ["y"], kernel_shape=[3, 3], pads=[1, 1, 1, 1])
    graph = helper.make_graph([conv], "tiny",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4, 8, 8])],
                              [helper.make_tensor("w", TensorProto.FLOAT, [4, 3, 3, 3], [0.0] * 108)])
    model = tmp_path / "tiny.onnx"
    onnx.save(helper.make_model(graph), str(model))
    run_ok(cli, "import", model, "-o", tmp_path / "net.yaml")
    assert (tmp_path / "net.yaml").read_text() == qloop.import_onnx(model)["network_yaml"]


def test_import_binds_symbolic_dimensions_alike(cli, tmp_path):
    import onnx
    from onnx import TensorProto, helper

    # x [seq, 16] times a 16 x 4 weight: seq x 16 x 4 MACs once seq is bound.
    mm = helper.make_node("MatMul", ["x", "w"], ["y"], name="proj")
    graph = helper.make_graph([mm], "symbolic",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["seq", 16])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["seq", 4])],
                              [helper.make_tensor("w", TensorProto.FLOAT, [16, 4], [0.0] * 64)])
    model = tmp_path / "symbolic.onnx"
    onnx.save(helper.make_model(graph), str(model))
    run_ok(cli, "import", model, "--dim", "seq=32", "-o", tmp_path / "net.yaml")
    text = (tmp_path / "net.yaml").read_text()
    assert text == qloop.import_onnx(model, dims={"seq": 32})["network_yaml"]
    assert "2048 MACs" in text  # 32 x 16 x 4
    r = cli("import", model, "-o", tmp_path / "n2.yaml")
    assert r.returncode == 2 and "--dim seq=N" in r.stderr, r.stderr
    with pytest.raises(qloop.InputError, match="--dim seq=N"):
        qloop.import_onnx(model)
