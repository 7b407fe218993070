#!/usr/bin/env python3
"""Generate random Timeloop model cases for differential testing against the reference.

usage: random-cases.py --seed S --count N -o DIR [--first K]

Writes N case folders DIR/rand-NNNN-<problem>-<k>lvl/ (NNNN = K, K+1, ...), each with
arch.yaml (v0.3 tree), problem.yaml, map.yaml, ERT.yaml, ART.yaml and SOURCE.md (seed and a
JSON "Features" block).  Every case draws from its own random stream seeded with "S:NNNN",
so `--seed S --first 123 --count 1` regenerates case 123 alone.

What varies, at random:
  * problem: conv1d, conv2d (strides, dilations), depthwise / grouped conv (G dimension),
    GEMM (Weights/Inputs/Outputs) or matmul (A/B/Z);
  * 1 to 4 storage levels, outermost DRAM; spatial fanouts between levels (1-D or 2-D
    meshes, meshX and/or meshY) written as `name[lo..hi]` subtree ranges (sometimes a local
    range on the MAC);
  * word-bits 8/16/32 per level, block-size, depth / memory_depth / entries spellings,
    optional width, read/write bandwidth limits;
  * bypass (keep/bypass lists) of random tensors at inner levels;
  * bitwidths per tensor (`bitwidths:` or `datawidths:`), mostly values that do not divide
    the word, or commonBitwidth / commonDatawidth, or none;
  * mappings that use every factor exactly, full permutations, spatial factors within the
    fanout (X/Y split on 2-D meshes), and in most conv cases a spatial sliding window: a
    spatial R/S (or P/Q) factor under a temporal P/Q (or R/S) factor of an outer level;
  * a minority of cases are meant to be invalid (a tile that does not fit, a spatial factor
    larger than the fanout, a bitwidth wider than a word): the reference must say so.
Python 3 standard library plus PyYAML (used only to re-read what was written).
"""

import argparse
import json
import math
import os
import random
import sys

import yaml

NON_DIVIDING = [3, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15]
DIVIDING = [2, 4, 8, 16]
LEVEL_NAMES = {1: ["DRAM"],
               2: ["DRAM", "GlobalBuffer"],
               3: ["DRAM", "GlobalBuffer", "RegFile"],
               4: ["DRAM", "GlobalBuffer", "LocalBuffer", "RegFile"]}
NODE_NAMES = ["chip", "cluster", "PE", "tile", "lane", "core"]
SRAM_CLASSES = ["smartbuffer_SRAM", "SRAM", "regfile", "storage", "smartbuffer_RF"]
SLIDING_PAIRS = {"conv1d": [("R", "P"), ("P", "R")],
                 "conv2d": [("R", "P"), ("S", "Q"), ("P", "R"), ("Q", "S")],
                 "depthwise": [("R", "P"), ("S", "Q"), ("P", "R"), ("Q", "S")],
                 "grouped": [("R", "P"), ("S", "Q"), ("P", "R"), ("Q", "S")]}
MAX_MACS = 4000


# ----------------------------------------------------------------------------- problem

def problem_shape(kind):
    """Dimension names, coefficient names, tensors [(name, projection, read_write)]."""
    if kind == "conv1d":
        return (["K", "C", "R", "P"], ["Stride", "Dilation"],
                [("Weights", [[["K"]], [["C"]], [["R"]]], False),
                 ("Inputs", [[["C"]], [["R", "Dilation"], ["P", "Stride"]]], False),
                 ("Outputs", [[["K"]], [["P"]]], True)])
    if kind == "conv2d":
        return (["C", "M", "R", "S", "N", "P", "Q"], ["Wstride", "Hstride", "Wdilation", "Hdilation"],
                [("Weights", [[["C"]], [["M"]], [["R"]], [["S"]]], False),
                 ("Inputs", [[["N"]], [["C"]], [["R", "Wdilation"], ["P", "Wstride"]],
                             [["S", "Hdilation"], ["Q", "Hstride"]]], False),
                 ("Outputs", [[["N"]], [["M"]], [["Q"]], [["P"]]], True)])
    if kind in ("depthwise", "grouped"):
        return (["G", "C", "M", "R", "S", "N", "P", "Q"], ["Wstride", "Hstride", "Wdilation", "Hdilation"],
                [("Weights", [[["G"]], [["C"]], [["M"]], [["R"]], [["S"]]], False),
                 ("Inputs", [[["N"]], [["G"]], [["C"]], [["R", "Wdilation"], ["P", "Wstride"]],
                             [["S", "Hdilation"], ["Q", "Hstride"]]], False),
                 ("Outputs", [[["N"]], [["G"]], [["M"]], [["Q"]], [["P"]]], True)])
    names = ("Weights", "Inputs", "Outputs") if kind == "gemm" else ("A", "B", "Z")
    return (["M", "N", "K"], [],
            [(names[0], [[["M"]], [["K"]]], False),
             (names[1], [[["K"]], [["N"]]], False),
             (names[2], [[["M"]], [["N"]]], True)])


def choose_sizes(rng, kind, dims, plan):
    """Dimension sizes (dict) and coefficient values; honours the sliding plan's needs."""
    ranges = {"K": (1, 6), "C": (1, 6), "R": (1, 5), "P": (1, 16), "M": (1, 6), "S": (1, 3),
              "N": (1, 2), "Q": (1, 8), "G": (1, 8)}
    if kind == "conv2d":
        ranges.update({"C": (1, 4), "R": (1, 3), "P": (1, 8)})
    if kind == "depthwise":
        ranges.update({"C": (1, 1), "M": (1, 1), "R": (1, 3), "P": (1, 8)})
    if kind == "grouped":
        ranges.update({"G": (1, 4), "C": (1, 3), "M": (1, 3), "R": (1, 3), "P": (1, 6), "Q": (1, 6)})
    if kind in ("gemm", "matmul"):
        ranges = {"M": (1, 16), "N": (1, 16), "K": (1, 16)}
    for _ in range(200):
        sizes = {d: rng.randint(*ranges[d]) for d in dims}
        if plan:
            x, y, f = plan["x"], plan["y"], plan["factor"]
            sizes[x] = f * rng.choice([1, 1, 2] if x in "RS" else [1, 2, 3, 4])
            sizes[y] = max(sizes[y], rng.randint(2, 6))
        if math.prod(sizes.values()) <= MAX_MACS:
            break
    else:
        for d in dims:
            if not plan or d not in (plan["x"], plan["y"]):
                sizes[d] = 1
    coeffs = {}
    if kind == "conv1d":
        coeffs = {"Stride": rng.choice([1, 1, 2, 3]), "Dilation": rng.choice([1, 1, 2])}
    elif kind != "gemm" and kind != "matmul":
        coeffs = {"Wstride": rng.choice([1, 1, 2]), "Hstride": rng.choice([1, 1, 2, 3]),
                  "Wdilation": rng.choice([1, 1, 2]), "Hdilation": rng.choice([1, 1, 2])}
    return sizes, coeffs


# ----------------------------------------------------------------------------- architecture

def choose_fanouts(rng, nlevels, want_spatial):
    """Fanout (fx, fy) below each storage level, index 0 = innermost (to the MAC)."""
    fanouts = []
    for _ in range(nlevels):
        if rng.random() < 0.45:
            fanouts.append((1, 1))
        elif rng.random() < 0.35:
            fanouts.append((rng.choice([2, 3, 4]), rng.choice([2, 3])))
        else:
            fanouts.append((rng.choice([2, 3, 4, 6, 8, 12, 16]), 1))
    if want_spatial and all(fx * fy == 1 for fx, fy in fanouts):
        i = rng.randrange(nlevels)
        fanouts[i] = (rng.choice([2, 3, 4, 6, 8]), rng.choice([1, 1, 2]))
    while math.prod(fx * fy for fx, fy in fanouts) > 256:
        i = max(range(nlevels), key=lambda j: fanouts[j][0] * fanouts[j][1])
        fanouts[i] = (max(1, fanouts[i][0] // 2), fanouts[i][1])
    return fanouts


def split_range(rng, n):
    """Split a subtree multiplicity n into one or two nested ranges."""
    divs = [d for d in range(2, n) if n % d == 0]
    if divs and rng.random() < 0.3:
        a = rng.choice(divs)
        return [a, n // a]
    return [n]


def build_tree(rng, names, fanouts):
    """Lay the components out in a v0.3 tree.

    names: storage names outer->inner; fanouts[i] below storage level i (0 = innermost).
    Returns (nodes, comps): nodes is the chain of subtree nodes [{name, count, locals}], and
    comps maps a component name to {node index, local range, instances, meshX, meshY}."""
    n = len(names)
    nodes = [{"name": "system", "count": 1, "locals": []}]
    comps = {}
    used = set()
    mesh_x = mesh_y = 1
    components = names + ["MAC"]
    tree_kinds = set()
    for pos, comp in enumerate(components):
        if pos > 0:
            level_above = n - pos  # storage level index (0 = innermost) of the component above
            fx, fy = fanouts[level_above]
            f = fx * fy
            mesh_x, mesh_y = mesh_x * fx, mesh_y * fy
        else:
            f = 1
        local_range = 1
        if f > 1 and comp == "MAC" and rng.random() < 0.15:
            local_range = f
            tree_kinds.add("local-range")
        elif f > 1:
            for part in split_range(rng, f):
                nodes.append({"name": fresh_node_name(rng, used), "count": part, "locals": []})
            tree_kinds.add("subtree-range")
        elif pos > 0 and rng.random() < 0.3:
            nodes.append({"name": fresh_node_name(rng, used), "count": 1, "locals": []})
            tree_kinds.add("plain-node")
        nodes[-1]["locals"].append(comp)
        comps[comp] = {"node": len(nodes) - 1, "local_range": local_range,
                       "instances": mesh_x * mesh_y, "meshX": mesh_x, "meshY": mesh_y}
    return nodes, comps, sorted(tree_kinds)


def fresh_node_name(rng, used):
    for name in rng.sample(NODE_NAMES, len(NODE_NAMES)):
        if name not in used:
            used.add(name)
            return name
    name = "node%d" % len(used)
    used.add(name)
    return name


def node_label(node):
    return "%s[0..%d]" % (node["name"], node["count"] - 1) if node["count"] > 1 else node["name"]


def hier_name(nodes, comps, comp):
    """Accelergy-style full name: system.chip[0..1].cluster[0..2].MAC"""
    info = comps[comp]
    path = [node_label(nd) for nd in nodes[:info["node"] + 1]]
    leaf = "%s[0..%d]" % (comp, info["local_range"] - 1) if info["local_range"] > 1 else comp
    return ".".join(path + [leaf])


# ----------------------------------------------------------------------------- mapping

def divisors(n):
    return [d for d in range(1, n + 1) if n % d == 0]


def prime_factors(n):
    out, p = [], 2
    while n > 1:
        while n % p == 0:
            out.append(p)
            n //= p
        p += 1
    return out


def plan_sliding(rng, kind, fanouts):
    """Pick a spatial level, axis and (spatial X, temporal Y) pair for a sliding window."""
    spatial = [i for i, (fx, fy) in enumerate(fanouts) if fx * fy > 1]
    if kind not in SLIDING_PAIRS or not spatial:
        return None
    level = rng.choice(spatial)
    fx, fy = fanouts[level]
    axis = "X" if fx > 1 and (fy == 1 or rng.random() < 0.6) else "Y"
    cap = fx if axis == "X" else fy
    x, y = rng.choice(SLIDING_PAIRS[kind])
    factor = rng.randint(2, min(cap, 4 if x in "RS" else 6))
    return {"level": level, "axis": axis, "x": x, "y": y, "factor": factor}


def make_mapping(rng, dims, sizes, fanouts, plan):
    """temporal[i][d], spatial[i][d], axis[i][d] ('X'/'Y') per storage level (0 = innermost)."""
    n = len(fanouts)
    temporal = [{d: 1 for d in dims} for _ in range(n)]
    spatial = [{d: 1 for d in dims} for _ in range(n)]
    axis = [{} for _ in range(n)]
    used = [{"X": 1, "Y": 1} for _ in range(n)]
    remaining = dict(sizes)

    if plan:
        lv, ax, x, y, f = plan["level"], plan["axis"], plan["x"], plan["y"], plan["factor"]
        spatial[lv][x], axis[lv][x] = f, ax
        used[lv][ax] *= f
        remaining[x] //= f
        t = rng.choice([d for d in divisors(remaining[y]) if d > 1])
        temporal[rng.randint(lv, n - 1)][y] *= t
        remaining[y] //= t
        plan["temporal_factor"] = t

    for lv, (fx, fy) in enumerate(fanouts):
        for ax, cap in (("X", fx), ("Y", fy)):
            for _ in range(2):
                if cap <= 1 or rng.random() < 0.4:
                    continue
                room = cap // used[lv][ax]
                cands = [d for d in dims if remaining[d] > 1 and spatial[lv][d] == 1]
                if room < 2 or not cands:
                    continue
                d = rng.choice(cands)
                opts = [k for k in divisors(remaining[d]) if 1 < k <= room]
                if not opts:
                    continue
                k = rng.choice(opts)
                spatial[lv][d], axis[lv][d] = k, ax
                used[lv][ax] *= k
                remaining[d] //= k

    for d in dims:
        for p in prime_factors(remaining[d]):
            temporal[rng.randrange(n)][d] *= p
    return temporal, spatial, axis


def inject_overfanout(rng, dims, fanouts, temporal, spatial, axis):
    """Move a temporal prime factor into a spatial level so that it exceeds the fanout."""
    for lv in rng.sample(range(len(fanouts)), len(fanouts)):
        fx, fy = fanouts[lv]
        if fx * fy == 1:
            continue
        ax = "X" if fy == 1 or rng.random() < 0.5 else "Y"
        cap = fx if ax == "X" else fy
        used = math.prod(spatial[lv][d] for d in dims if axis[lv].get(d) == ax)
        for d in rng.sample(dims, len(dims)):
            if axis[lv].get(d, ax) != ax:
                continue
            for src in range(len(fanouts)):
                for p in prime_factors(temporal[src][d]):
                    if used * p > cap:
                        temporal[src][d] //= p
                        spatial[lv][d] *= p
                        axis[lv][d] = ax
                        return "spatial %s=%d at %s exceeds fanout%s %d" % (d, spatial[lv][d], lv, ax, cap)
    return None


def tile_extent(dims, temporal, spatial, level):
    """Per-dimension extent of the tile held by one instance of storage level `level`:
    the product of the temporal and spatial factors of this level and the levels below."""
    ext = {d: 1 for d in dims}
    for lv in range(level + 1):
        for d in dims:
            ext[d] *= temporal[lv][d] * spatial[lv][d]
    return ext


def tensor_size(projection, ext, coeffs):
    size = 1
    for term_list in projection:
        span = 1
        for term in term_list:
            coef = coeffs.get(term[1], 1) if len(term) > 1 else 1
            span += (ext[term[0]] - 1) * coef
        size *= span
    return size


def sliding_windows(dims, temporal, spatial, pairs):
    """Descriptions of spatial X factors at level L under temporal Y factors at levels >= L."""
    found = []
    for lv in range(len(spatial)):
        for x, y in pairs:
            if x in dims and spatial[lv][x] > 1:
                outer = [o for o in range(lv, len(temporal)) if temporal[o][y] > 1]
                if outer:
                    found.append({"spatial": x, "spatial_level": lv, "spatial_factor": spatial[lv][x],
                                  "temporal": y, "temporal_levels": outer})
    return found


# ----------------------------------------------------------------------------- case

def choose_bitwidths(rng, tensors):
    """Returns (mode, key, {tensor: bits}); mode none / per-tensor / common."""
    r = rng.random()
    if r < 0.08:
        return "none", None, {}
    if r < 0.22:
        bits = rng.choice(NON_DIVIDING + NON_DIVIDING + DIVIDING)
        key = rng.choice(["commonBitwidth", "commonBitwidth", "commonDatawidth"])
        return "common", key, {t: bits for t in tensors}
    key = "datawidths" if rng.random() < 0.3 else "bitwidths"
    bits = {}
    for t in tensors:
        if rng.random() < 0.08:
            continue  # left out: this tensor uses the word width
        bits[t] = rng.choice(NON_DIVIDING) if rng.random() < 0.85 else rng.choice(DIVIDING[:3])
    return "per-tensor", key, bits


def choose_word_bits(rng, all_bits, allow_narrow):
    options = [w for w in (8, 16, 32) if w >= max(all_bits, default=0)] or [32]
    if allow_narrow:
        options = [w for w in (8, 16) if w < max(all_bits, default=99)] or options
    return rng.choice(options)


def storage_attributes(rng, is_dram, word_bits, block, capacity_words, bw_limits):
    """Ordered attribute list [(key, value)] with random spellings."""
    attrs = []
    if is_dram:
        attrs.append(("type", "LPDDR4"))
    if rng.random() < 0.5:
        attrs.append((rng.choice(["width", "width", "memory_width"]), word_bits * block))
    attrs.append((rng.choice(["block-size", "block-size", "block_size"]), block))
    attrs.append((rng.choice(["word-bits", "word-bits", "word-bits", "datawidth", "datawidth", "word_width"]), word_bits))
    if not is_dram:
        spelling = rng.choice(["depth", "memory_depth", "entries"])
        value = capacity_words if spelling == "entries" else max(1, -(-capacity_words // block))
        attrs.append((spelling, value))
    for key, value in bw_limits:
        attrs.append((key, value))
    return attrs


def generate_case(seed, index):
    rng = random.Random("%s:%04d" % (seed, index))
    kind = rng.choices(["conv1d", "conv2d", "depthwise", "grouped", "gemm", "matmul"],
                       [27, 33, 15, 12, 8, 5])[0]
    nlevels = rng.choices([1, 2, 3, 4], [8, 22, 35, 35])[0]
    names = LEVEL_NAMES[nlevels]                      # outer -> inner
    want_sliding = kind in SLIDING_PAIRS and rng.random() < 0.9
    fanouts = choose_fanouts(rng, nlevels, want_sliding)  # index 0 = innermost storage level
    plan = plan_sliding(rng, kind, fanouts) if want_sliding else None
    dims, coeff_names, tensors = problem_shape(kind)
    sizes, coeffs = choose_sizes(rng, kind, dims, plan)
    temporal, spatial, axis = make_mapping(rng, dims, sizes, fanouts, plan)

    invalid = None
    r_inv = rng.random()
    if r_inv < 0.05:
        invalid = inject_overfanout(rng, dims, fanouts, temporal, spatial, axis)

    inner_names = list(reversed(names))               # index = storage level id (0 innermost)
    tnames = [t[0] for t in tensors]
    keep = [{t: True for t in tnames} for _ in range(nlevels)]
    for lv in range(nlevels - 1):
        for t in tnames:
            if rng.random() < 0.22:
                keep[lv][t] = False

    bw_mode, bw_key, bits = choose_bitwidths(rng, tnames)
    narrow_level = None
    if invalid is None and bits and nlevels > 1 and 0.05 <= r_inv < 0.07:
        narrow_level = rng.randrange(nlevels - 1)
    word_bits = []
    for lv in range(nlevels):
        # the reference asserts bitwidth <= word-bits at every level, kept or bypassed
        wb = choose_word_bits(rng, list(bits.values()), lv == narrow_level)
        word_bits.append(wb)
        if lv == narrow_level and any(b > wb for b in bits.values()):
            invalid = "bitwidth wider than the %d-bit word of %s" % (wb, inner_names[lv])
    blocks = [rng.choice([1, 1, 2, 4, 8]) if lv == nlevels - 1 else rng.choice([1, 1, 1, 2, 4])
              for lv in range(nlevels)]

    capacities, needs = [], []
    for lv in range(nlevels):
        ext = tile_extent(dims, temporal, spatial, lv)
        need = 0
        for t, proj, _ in tensors:
            if keep[lv][t]:
                elems = tensor_size(proj, ext, coeffs)
                b = bits.get(t, 0)
                per_word = word_bits[lv] // b if b and b != word_bits[lv] and b <= word_bits[lv] else 1
                need += -(-elems // per_word)
        needs.append(need)
        if lv == nlevels - 1:
            capacities.append(None)
        elif invalid is None and 0.07 <= r_inv < 0.17 and need > 1 and rng.random() < 0.7:
            capacities.append(rng.randint(max(1, need // 3), need - 1))
            invalid = invalid or "capacity of %s below the tile (estimated %d words)" % (inner_names[lv], need)
        else:
            capacities.append(max(1, need) + rng.choice([0, 0, 1, 2, need, 3 * need]))

    bw_limits = []
    for lv in range(nlevels):
        lim = []
        if rng.random() < 0.2:
            if rng.random() < 0.7:
                lim.append(("read_bandwidth", rng.choice([1, 2, 4, 8, 1.5])))
            if rng.random() < 0.7:
                lim.append(("write_bandwidth", rng.choice([1, 2, 4, 8, 0.5])))
        bw_limits.append(lim)

    nodes, comps, tree_kinds = build_tree(rng, names, fanouts)

    files = {
        "arch.yaml": arch_yaml(rng, nodes, comps, inner_names, word_bits, blocks, capacities, bw_limits),
        "problem.yaml": problem_yaml(kind, dims, coeff_names, tensors, sizes, coeffs, bw_key, bits),
        "map.yaml": map_yaml(rng, dims, inner_names, fanouts, temporal, spatial, axis, keep, tnames),
        "ERT.yaml": ert_yaml(rng, nodes, comps, names),
        "ART.yaml": art_yaml(rng, nodes, comps, names),
    }

    pairs = SLIDING_PAIRS.get(kind, [])
    slides = sliding_windows(dims, temporal, spatial, pairs)
    non_div = sorted({b for lv in range(nlevels) for t, b in bits.items()
                      if keep[lv][t] and b < word_bits[lv] and word_bits[lv] % b})
    packed_nd = sorted({b for lv in range(nlevels) for t, b in bits.items()
                        if keep[lv][t] and word_bits[lv] // b >= 2 and word_bits[lv] % b})
    features = {
        "problem": kind,
        "macs": math.prod(sizes.values()),
        "storage_levels": nlevels,
        "bitwidths": bw_mode if bw_key not in ("datawidths", "commonDatawidth") else bw_mode + " (%s)" % bw_key,
        "bitwidth_values": bits,
        "fanouts": ["%dx%d" % f for f in fanouts if f[0] * f[1] > 1],
        "mesh_2d": any(fy > 1 for _, fy in fanouts),
        "tree": tree_kinds,
        "word_bits": sorted(set(word_bits)),
        "block_sizes": sorted(set(blocks)),
        "bandwidth_limits": sum(1 for lim in bw_limits if lim),
        "bypassed": sum(1 for lv in range(nlevels) for t in tnames if not keep[lv][t]),
        "non_dividing_bitwidths": non_div,
        "packed_non_dividing_bitwidths": packed_nd,
        "sliding_windows": slides,
        "estimated_tile_words": needs[:-1],
        "intended_invalid": invalid,
    }
    folder = "rand-%04d-%s-%dlvl" % (index, kind, nlevels)
    return folder, files, features


# ----------------------------------------------------------------------------- YAML text

def yaml_value(v):
    if isinstance(v, float):
        return repr(v)
    return str(v)


def mesh_attributes(rng, info):
    """meshX and/or meshY; a 2-D mesh needs at least one of them, a 1-D one none."""
    if info["meshY"] > 1:
        style = rng.choice(["X", "X", "Y", "XY"])
    elif info["instances"] > 1 and rng.random() < 0.3:
        style = rng.choice(["X", "X", "XY"])
    else:
        return []
    return [("mesh" + k, info["mesh" + k]) for k in style]


def arch_yaml(rng, nodes, comps, inner_names, word_bits, blocks, capacities, bw_limits):
    level_of = {name: lv for lv, name in enumerate(inner_names)}
    out = ["architecture:", "  version: 0.3"]

    def emit_node(i, indent):
        pad = " " * indent
        node = nodes[i]
        out.append(pad + "- name: %s" % node_label(node))
        if i == 0:
            out.append(pad + "  attributes:")
            out.append(pad + "    technology: 45nm")
        if node["locals"]:
            out.append(pad + "  local:")
            for comp in node["locals"]:
                emit_component(comp, indent + 4)
        if i + 1 < len(nodes):
            out.append(pad + "  subtree:")
            emit_node(i + 1, indent + 4)

    def emit_component(comp, indent):
        pad = " " * indent
        info = comps[comp]
        label = "%s[0..%d]" % (comp, info["local_range"] - 1) if info["local_range"] > 1 else comp
        out.append(pad + "- name: %s" % label)
        if comp == "MAC":
            out.append(pad + "  class: intmac")
            attrs = [("datawidth", rng.choice([8, 16]))]
        elif comp == "DRAM":
            out.append(pad + "  class: DRAM")
            lv = level_of[comp]
            attrs = storage_attributes(rng, True, word_bits[lv], blocks[lv], None, bw_limits[lv])
        else:
            cls = rng.choice(SRAM_CLASSES)
            out.append(pad + "  class: %s" % cls)
            if cls == "storage":
                out.append(pad + "  subclass: SRAM")
            lv = level_of[comp]
            attrs = storage_attributes(rng, False, word_bits[lv], blocks[lv], capacities[lv], bw_limits[lv])
        attrs += mesh_attributes(rng, info)
        out.append(pad + "  attributes:")
        for key, value in attrs:
            out.append(pad + "    %s: %s" % (key, yaml_value(value)))

    out.append("  subtree:")
    emit_node(0, 4)
    return "\n".join(out) + "\n"


def flow(x):
    if isinstance(x, list):
        return "[" + ", ".join(flow(y) for y in x) + "]"
    return str(x)


def problem_yaml(kind, dims, coeff_names, tensors, sizes, coeffs, bw_key, bits):
    shape_name = {"conv1d": "Conv1D", "conv2d": "CNN-Layer", "depthwise": "Grouped-Conv",
                  "grouped": "Grouped-Conv", "gemm": "GEMM", "matmul": "MatMul"}[kind]
    out = ["problem:", "  shape:", "    name: %s" % shape_name, "    dimensions: %s" % flow(dims)]
    if coeff_names:
        out.append("    coefficients:")
        for c in coeff_names:
            out += ["      - name: %s" % c, "        default: 1"]
    out.append("    data-spaces:")
    for name, proj, rw in tensors:
        out += ["      - name: %s" % name, "        projection: %s" % flow(proj)]
        if rw:
            out.append("        read-write: true")
    out.append("  instance:")
    for d in dims:
        out.append("    %s: %d" % (d, sizes[d]))
    for c in coeff_names:
        out.append("    %s: %d" % (c, coeffs[c]))
    if bw_key and bw_key.startswith("common"):
        out.append("    %s: %d" % (bw_key, next(iter(bits.values()))))
    elif bw_key and bits:
        out.append("    %s:" % bw_key)
        for t, b in bits.items():
            out.append("      %s: %d" % (t, b))
    return "\n".join(out) + "\n"


def spatial_permutation(rng, dims, factors, axis_of):
    """Permutation and split: X loops before the split point, Y loops after it."""
    xs = [d for d in dims if factors[d] > 1 and axis_of.get(d) == "X"]
    ys = [d for d in dims if factors[d] > 1 and axis_of.get(d) == "Y"]
    units = [d for d in dims if factors[d] == 1]
    rng.shuffle(units)
    cut = rng.randint(0, len(units))
    first, second = xs + units[:cut], ys + units[cut:]
    rng.shuffle(first)
    rng.shuffle(second)
    return "".join(first + second), len(first)


def map_yaml(rng, dims, inner_names, fanouts, temporal, spatial, axis, keep, tnames):
    out = ["mapping:"]

    def factors_text(f):
        return " ".join("%s=%d" % (d, f[d]) for d in dims)

    for lv, name in enumerate(inner_names):
        perm = dims[:]
        rng.shuffle(perm)
        out += ["  - target: %s" % name, "    type: temporal",
                "    factors: %s" % factors_text(temporal[lv]), "    permutation: %s" % "".join(perm)]
        fx, fy = fanouts[lv]
        if fx * fy > 1:
            perm, split = spatial_permutation(rng, dims, spatial[lv], axis[lv])
            out += ["  - target: %s" % name, "    type: spatial",
                    "    factors: %s" % factors_text(spatial[lv]), "    permutation: %s" % perm]
            if fy > 1 or rng.random() < 0.7:
                out.append("    split: %d" % split)
        kept = [t for t in tnames if keep[lv][t]]
        bypassed = [t for t in tnames if not keep[lv][t]]
        style = rng.random()
        if bypassed and style < 0.4:
            out += ["  - target: %s" % name, "    type: bypass", "    bypass: %s" % flow(bypassed)]
        elif bypassed or style < 0.8:
            out += ["  - target: %s" % name, "    type: bypass",
                    "    keep: %s" % flow(kept), "    bypass: %s" % flow(bypassed)]
    return "\n".join(out) + "\n"


def energy_table(rng, comp):
    if comp == "MAC":
        base = rng.uniform(0.3, 3.0)
        return [("mac_random", base), ("mac_reused", base * 0.85), ("mac_gated", base * 0.05),
                ("idle", base * 0.03)]
    base = rng.uniform(100, 500) if comp == "DRAM" else rng.uniform(0.02, 0.6)
    return [("random_read", base), ("random_fill", base * rng.uniform(1.0, 1.3)),
            ("random_update", base * rng.uniform(1.2, 1.6)), ("idle", base * 0.01)]


def ert_yaml(rng, nodes, comps, names):
    out = ["ERT:", "  version: 0.3", "  tables:"]
    for comp in ["MAC"] + list(reversed(names)):
        out += ["    - name: %s" % hier_name(nodes, comps, comp), "      actions:"]
        for action, energy in energy_table(rng, comp):
            out += ["        - name: %s" % action, "          arguments: null",
                    "          energy: %s" % round(energy, 5)]
    return "\n".join(out) + "\n"


def art_yaml(rng, nodes, comps, names):
    out = ["ART:", "  version: 0.3", "  tables:"]
    for comp in ["MAC"] + list(reversed(names)):
        area = 1.0 if comp == "DRAM" else round(rng.uniform(50, 1500), 2)
        out += ["    - name: %s" % hier_name(nodes, comps, comp), "      area: %s" % area]
    return "\n".join(out) + "\n"


def source_md(folder, seed, index, features):
    return ("# %s\n\nRandom differential case, generated by `python3 tools/random-cases.py --seed %s "
            "--first %d --count 1` (case %d; its random stream is seeded `%s:%04d`).\n\n"
            "Features:\n\n```\n%s\n```\n") % (folder, seed, index, index, seed, index,
                                               json.dumps(features, indent=1))


# ----------------------------------------------------------------------------- main

def write_case(outdir, seed, index):
    folder, files, features = generate_case(seed, index)
    path = os.path.join(outdir, folder)
    os.makedirs(path, exist_ok=True)
    for name, text in files.items():
        yaml.safe_load(text)  # must at least be YAML
        with open(os.path.join(path, name), "w") as f:
            f.write(text)
    with open(os.path.join(path, "SOURCE.md"), "w") as f:
        f.write(source_md(folder, seed, index, features))
    return folder, features


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", required=True)
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--first", type=int, default=0, help="index of the first case (default 0)")
    ap.add_argument("-o", "--out", required=True)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    tally = {"sliding": 0, "packed_non_dividing": 0, "both": 0, "intended_invalid": 0}
    for index in range(a.first, a.first + a.count):
        _, feat = write_case(a.out, a.seed, index)
        s, p = bool(feat["sliding_windows"]), bool(feat["packed_non_dividing_bitwidths"])
        tally["sliding"] += s
        tally["packed_non_dividing"] += p
        tally["both"] += s and p
        tally["intended_invalid"] += feat["intended_invalid"] is not None
    print("%d cases in %s; %s" % (a.count, a.out, ", ".join("%s %d" % kv for kv in tally.items())))


if __name__ == "__main__":
    sys.exit(main())
