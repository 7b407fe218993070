#!/usr/bin/env python3
"""A catalogue of inputs that must not be misread: one case per class of mistake. Each runs the
CLI on the 3-level example with one change and checks the exit status and that the message
names the place and the fix (never a bare library message like 'stoll' or '<input>').

usage: test_bad_inputs.py --list | test_bad_inputs.py QLOOP CASE
"""
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLE = os.path.join(HERE, "..", "..", "examples", "alexnet-conv1-3level")
EYERISS = os.path.join(HERE, "..", "..", "examples", "mapper-eyeriss-like")
ARCH = open(os.path.join(EXAMPLE, "arch.yaml")).read()
PROBLEM = open(os.path.join(EXAMPLE, "problem.yaml")).read()
MAPPING = open(os.path.join(EXAMPLE, "map.yaml")).read()
QUICK = "mapper: {algorithm: hybrid, num-threads: 1, victory-condition: 100, time-limit: 10}\n"
TINY_NET = """network:
  name: Tiny
  layers:
  - {name: conv1, type: conv, in_channels: 3, out_channels: 8, input: 8, kernel: 3, padding: 1}
  - {name: fc, type: fc, in_features: 512, out_features: 10}
"""


def run(qloop, command, files, *extra, timeout=60):
    """Writes `files` (name -> text) to a fresh folder and runs `qloop command` on them."""
    d = tempfile.mkdtemp(prefix="qloop-bad-")
    paths = []
    for name, text in files.items():
        path = os.path.join(d, name)
        open(path, "w").write(text)
        paths.append(path)
    out = os.path.join(d, "out")
    r = subprocess.run([qloop, command, *paths, "-o", out, *extra], capture_output=True, text=True, timeout=timeout)
    return r, out, d


def model(qloop, arch=ARCH, problem=PROBLEM, mapping=MAPPING, extra=None):
    files = {"arch.yaml": arch, "problem.yaml": problem, "map.yaml": mapping}
    files.update(extra or {})
    return run(qloop, "model", files)[0]


def refused(r, *words):
    """Exit 2 with one error message holding every word, never a bare library message."""
    assert r.returncode == 2, f"exit {r.returncode}: {r.stdout}{r.stderr}"
    message = r.stderr
    for word in words:
        assert word in message, f"'{word}' not in: {message}"
    for bare in ("stoll", "stoi", "stod", "<input>", "terminate called", "internal error"):
        assert bare not in message, message


# 1. Silently wrong ---------------------------------------------------------------------------

def case_misspelt_attribute_names_the_closest(qloop):
    r = model(qloop, arch=ARCH.replace("depth: 16384", "depth: 16384\n          read_bandwith: 0.01"))
    refused(r, "arch.yaml", "read_bandwith", "did you mean 'read_bandwidth'")


def case_every_problem_of_an_input_is_reported_at_once(qloop):
    # Misspelt attributes in two levels and a misspelt mapping key: one run names all three, and
    # then what the last one caused (the permutation it would have given is missing).
    arch = ARCH.replace("          depth: 16384", "          depth: 16384\n          read_bandwith: 16").replace(
        "            block-size: 1", "            blocksize: 1")
    mapping = MAPPING.replace("  permutation: RSCMNPQ", "  permutaton: RSCMNPQ", 1)
    r = model(qloop, arch=arch, mapping=mapping)
    refused(r, "'read_bandwith'; did you mean 'read_bandwidth'", "'blocksize'; did you mean 'block-size'",
            "'permutaton'; did you mean 'permutation'", "a 'permutation' is required", "4 problems in all")
    assert r.stderr.count("error:") == 4, r.stderr
    # A mistake that stops the reading (no size at all) comes last, after what was found before it.
    r = model(qloop, arch=arch.replace("          depth: 16384\n", ""))
    refused(r, "'read_bandwith'", "needs a size", "2 problems in all")


def case_two_spellings_that_disagree_are_named_both(qloop):
    r = model(qloop, arch=ARCH.replace("            word-bits: 8\n        - name: MACC",
                                       "            word-bits: 8\n            datawidth: 16\n        - name: MACC"))
    refused(r, "datawidth", "word-bits", "disagree")


def case_depth_and_entries_that_disagree_are_refused(qloop):
    r = model(qloop, arch=ARCH.replace("depth: 256", "depth: 256\n            entries: 300"))
    refused(r, "entries", "depth", "capacities")


def case_bandwidth_and_read_bandwidth_together_are_refused(qloop):
    r = model(qloop, arch=ARCH.replace("depth: 16384", "depth: 16384\n          bandwidth: 4\n          read_bandwidth: 2"))
    refused(r, "bandwidth", "read_bandwidth")


def case_duplicate_yaml_keys_are_refused(qloop):
    r = model(qloop, problem=PROBLEM.replace("    M: 96\n", "    M: 96\n    M: 48\n"))
    refused(r, "problem.yaml", "given twice")


def case_keep_and_bypass_of_one_tensor_are_refused(qloop):
    mapping = MAPPING + "- {target: GlobalBuffer, type: bypass, keep: [Inputs], bypass: [Inputs]}\n"
    refused(model(qloop, mapping=mapping), "map.yaml", "both kept and bypassed")


def case_densities_of_unknown_tensors_or_no_number_are_refused(qloop):
    r = model(qloop, problem=PROBLEM.replace("    bitwidths:", "    densities: {Foo: 0.5}\n    bitwidths:"))
    refused(r, "densities.Foo", "not a data space")
    r = model(qloop, problem=PROBLEM.replace("    bitwidths:", "    densities: {Inputs: banana}\n    bitwidths:"))
    refused(r, "densities.Inputs", "banana")


def case_an_unknown_architecture_version_is_refused(qloop):
    refused(model(qloop, arch=ARCH.replace("version: 0.3", "version: banana")), "version", "banana")


def case_negative_nan_or_infinite_energies_are_refused(qloop):
    for value in ("-1", ".nan", ".inf"):
        ert = ("ERT:\n  version: 0.3\n  tables:\n  - name: System.MainMemory\n"
               f"    actions: [{{name: read, energy: {value}}}]\n")
        refused(model(qloop, extra={"ERT.yaml": ert}), "ERT.yaml", "finite")


def case_counts_that_would_wrap_are_refused(qloop):
    problem = PROBLEM.replace("C: 3", "C: 2000000000").replace("M: 96", "M: 2000000000")
    refused(model(qloop, problem=problem), "problem.yaml", "2^53")


# 2. Crash or hang ----------------------------------------------------------------------------

def case_absurd_thread_counts_are_capped_with_a_note(qloop):
    r, out, _ = run(qloop, "mapper", {"arch.yaml": ARCH, "problem.yaml": PROBLEM, "m.yaml": QUICK}, "--threads", "100000")
    assert r.returncode == 0, r.stderr
    assert "capped at" in r.stderr, r.stderr
    assert json.load(open(os.path.join(out, "qloop.stats.json")))["search"]["threads"] <= 256


def case_huge_dimensions_end_quickly_with_what_to_constrain(qloop):
    problem = open(os.path.join(EYERISS, "layers", "alexnet_conv3.yaml")).read()
    problem = problem.replace("C: 256", "C: 100000000")
    start = time.monotonic()
    r, _, _ = run(qloop, "mapper", {"arch.yaml": open(os.path.join(EYERISS, "arch.yaml")).read(), "problem.yaml": problem},
                  "--time-limit", "2", timeout=30)
    assert time.monotonic() - start < 10
    refused(r, "C = 100000000", "constrain")


def case_instance_counts_beyond_any_machine_are_refused(qloop):
    refused(model(qloop, arch=ARCH.replace("PE[0..15]", "PE[0..1099511627775]")), "arch.yaml", "instances")


# 3. Messages with a place --------------------------------------------------------------------

def case_ranges_and_factors_beyond_64_bits_say_where(qloop):
    refused(model(qloop, arch=ARCH.replace("PE[0..15]", "PE[0..99999999999999999999]")), "arch.yaml", "64-bit")
    refused(model(qloop, mapping=MAPPING.replace("R=11 S=11", "R=99999999999999999999 S=11")), "map.yaml", "64-bit")


def case_a_bad_bits_shorthand_names_the_option(qloop):
    r, _, _ = run(qloop, "network", {"net.yaml": TINY_NET, "arch.yaml": ARCH}, "--bits", "W99999999999999999999A8")
    refused(r, "--bits", "1 to 64")


def case_a_range_that_is_no_number_is_blamed_on_the_architecture(qloop):
    refused(model(qloop, arch=ARCH.replace("PE[0..15]", "PE[0..x]")), "arch.yaml", "PE[0..x]")


def case_an_empty_file_is_named(qloop):
    refused(model(qloop, extra={"empty.yaml": ""}), "empty.yaml", "empty")
    r = subprocess.run([qloop, "model", os.path.join(EXAMPLE, "arch.yaml"), "/dev/null"], capture_output=True, text=True)
    refused(r, "/dev/null", "empty")


def case_each_explore_option_is_named_where_it_is_wrong(qloop):
    r, _, _ = run(qloop, "explore", {"net.yaml": TINY_NET, "arch.yaml": ARCH}, "--generations", "-1")
    refused(r, "--generations")
    r, _, _ = run(qloop, "explore", {"net.yaml": TINY_NET, "arch.yaml": ARCH}, "--objectives", "energy,energy")
    refused(r, "--objectives", "twice")


def case_a_layer_without_a_mapping_says_why_in_every_file(qloop):
    # 16-bit operands fit DRAM's words (widened to 16 bits), but the register file, which must
    # keep the weights, has 8-bit words.
    wide_dram = ARCH.replace("block-size: 8\n        word-bits: 8", "block-size: 4\n        word-bits: 16", 1)
    assert wide_dram != ARCH
    keep = "mapspace_constraints:\n- {target: RegisterFile, type: bypass, keep: [Weights]}\n"
    r, out, _ = run(qloop, "network", {"net.yaml": TINY_NET, "arch.yaml": wide_dram, "m.yaml": QUICK,
                                       "keep.yaml": keep}, "--bits", "W16A16")
    assert r.returncode == 3, r.stderr
    layer = json.load(open(os.path.join(out, "network.json")))["layers"][0]
    assert "bitwidth of" in layer["reason"], layer
    rows = open(os.path.join(out, "network.csv")).read().splitlines()
    assert "bitwidth of" in rows[1], rows


def case_bits_wider_than_the_outermost_word_are_a_mistake_in_the_plan(qloop):
    # DRAM holds every tensor whatever the mapping: no search can help 16-bit weights into 8-bit words.
    r, _, _ = run(qloop, "network", {"net.yaml": TINY_NET, "arch.yaml": ARCH, "m.yaml": QUICK}, "--bits", "W16A8")
    refused(r, "--bits", "conv1", "Weights at 16 bits", "at most 8 bits")


# 4. Values that mean nothing -----------------------------------------------------------------

def case_meaningless_settings_and_options_are_refused(qloop):
    for settings in ("mapper: {time_limit: -1}\n", "mapper: {time_limit: .nan}\n"):
        r, _, _ = run(qloop, "mapper", {"arch.yaml": ARCH, "problem.yaml": PROBLEM, "m.yaml": settings})
        refused(r, "m.yaml", "time_limit")
    for option, value in (("--time-limit", "-1"), ("--time-limit", "nan"), ("--threads", "-5"), ("--seed", "-1"),
                          ("--seed", "18446744073709551616"), ("--algorithm", "fastest")):
        r, _, _ = run(qloop, "mapper", {"arch.yaml": ARCH, "problem.yaml": PROBLEM}, option, value)
        refused(r, option)


def case_a_range_of_bitwidths_is_read_as_a_range(qloop):
    r, out, _ = run(qloop, "explore", {"net.yaml": TINY_NET, "arch.yaml": ARCH, "m.yaml": QUICK}, "--bits-set", "4..6",
                    "--population", "6", "--offspring", "4", "--generations", "2", "--objectives", "energy,accuracy")
    assert r.returncode == 0, r.stderr
    chosen = {bits for point in json.load(open(os.path.join(out, "explore.json")))["front"]
              for layer in point["bitwidths"].values() for bits in (layer["Weights"], layer["Inputs"])}
    assert chosen <= {4, 5, 6} and len(chosen) > 1, chosen


# 5. Runs that keep their result --------------------------------------------------------------

def case_an_unwritable_output_folder_is_refused_before_the_work(qloop):
    d = tempfile.mkdtemp(prefix="qloop-bad-")
    blocker = os.path.join(d, "file")
    open(blocker, "w").write("a file where the output folder should go")
    start = time.monotonic()
    r = subprocess.run([qloop, "mapper", os.path.join(EXAMPLE, "arch.yaml"), os.path.join(EXAMPLE, "problem.yaml"),
                        "--time-limit", "30", "-o", os.path.join(blocker, "out")], capture_output=True, text=True)
    assert time.monotonic() - start < 5
    refused(r, "out")


# 6. Published designs, as Timeloop reads them -----------------------------------------------

def case_spaces_in_permutation_constraints_are_ignored(qloop):
    constraints = ("mapspace_constraints:\n- {target: GlobalBuffer, type: temporal, permutation: CPM RSNQ}\n")
    r, _, _ = run(qloop, "mapper", {"arch.yaml": ARCH, "problem.yaml": PROBLEM, "c.yaml": constraints, "m.yaml": QUICK})
    assert r.returncode == 0, r.stderr


def case_a_factor_constraint_beyond_the_dimension_is_ignored_with_a_note(qloop):
    constraints = "mapspace_constraints:\n- {target: RegisterFile, type: temporal, factors: C=4}\n"
    r, _, _ = run(qloop, "mapper", {"arch.yaml": ARCH, "problem.yaml": PROBLEM, "c.yaml": constraints, "m.yaml": QUICK})
    assert r.returncode == 0, r.stderr
    assert "C=4" in r.stderr and "ignored" in r.stderr and "c.yaml" in r.stderr, r.stderr


CASES = {k[5:]: v for k, v in globals().items() if k.startswith("case_")}

if __name__ == "__main__":
    if sys.argv[1] == "--list":
        print("\n".join(CASES))
        sys.exit(0)
    CASES[sys.argv[2]](sys.argv[1])
    print("ok")
