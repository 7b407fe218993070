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
    assert len(lines) == 1, f"expected one message, got: {r.stderr}"
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
    assert p.returncode == 0, (p.returncode, stderr)
    stats = json.load(open(os.path.join(out, "qloop.stats.json")))
    assert stats["valid"] is True and stats["search"]["seconds"] < 30, stats["search"]
    assert os.path.exists(os.path.join(out, "qloop.map.yaml"))


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


CASES = {k[5:]: v for k, v in globals().items() if k.startswith("case_")}

if __name__ == "__main__":
    if sys.argv[1] == "--list":
        print("\n".join(CASES))
        sys.exit(0)
    CASES[sys.argv[2]](sys.argv[1])
    print("ok")
