"""qloop: analytical model, mapper and network tools for DNN accelerators with quantization.

Every input may be a path (str or os.PathLike, a YAML file or a folder of them) or a dict in
the same form as the YAML file (``{"architecture": {...}}``), or a list of those; they are
merged by top-level key as on the command line. Results are dicts with the same field names
and units as the CLI's JSON files. Errors in the inputs raise :class:`InputError` (a
ValueError) with the CLI's message: file, line where known, key path, and what was expected.
The C++ work runs without the GIL, so Python threads calling qloop run in parallel.
"""
from __future__ import annotations

import json
import os
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Union

from . import _qloop
from ._qloop import InputError

__all__ = ["InputError", "evaluate", "search", "energy", "network", "sweep", "explore", "import_onnx",
           "load", "Source"]

Source = Union[str, "os.PathLike[str]", Mapping[str, Any]]
Sources = Union[Source, Sequence[Source]]


def _source(item: Source, name: str) -> str:
    if isinstance(item, Mapping):
        # JSON is YAML: the C++ side reads it as an inline source named after its keys.
        keys = ",".join(str(k) for k in item.keys()) or "empty"
        return f"{_qloop.INLINE_PREFIX}<{name} dict: {keys}>\n{json.dumps(item, indent=1)}"
    if isinstance(item, (str, os.PathLike)):
        return os.fspath(item)
    raise TypeError(f"{name}: expected a path or a dict, got {type(item).__name__}")


def _sources(*groups: Optional[Sources], name: str = "input") -> List[str]:
    out: List[str] = []
    for group in groups:
        if group is None:
            continue
        items = group if isinstance(group, (list, tuple)) else [group]
        out.extend(_source(item, name) for item in items)
    return out


def load(path: Union[str, "os.PathLike[str]"]) -> Dict[str, Any]:
    """Reads a YAML file into a dict (to edit and pass back to any qloop function)."""
    import yaml  # Debian python3-yaml; only needed for this helper

    with open(path) as f:
        return yaml.safe_load(f)


def evaluate(arch: Sources, problem: Sources, mapping: Sources, ert: Optional[Sources] = None,
             art: Optional[Sources] = None) -> Dict[str, Any]:
    """Evaluates one mapping (``qloop model``): the dict of ``qloop.stats.json``."""
    return json.loads(_qloop.evaluate(_sources(arch, problem, mapping, ert, art)))


def _seconds(time_limit: Optional[float]) -> Optional[float]:
    return None if time_limit is None else float(time_limit)


def search(arch: Sources, problem: Sources, constraints: Optional[Sources] = None, mapper: Optional[Sources] = None,
           metrics: Optional[Sequence[str]] = None, threads: Optional[int] = None, seed: Optional[int] = None,
           time_limit: Optional[float] = None, algorithm: Optional[str] = None,
           ert: Optional[Sources] = None, art: Optional[Sources] = None) -> Dict[str, Any]:
    """Searches the mapspace (``qloop mapper``).

    Returns ``{"found", "mapping" (YAML text that evaluate() reads), "stats" (the dict of
    ``qloop.stats.json``), "search"}``, or ``{"found": False, "reason", "stats", "search"}``.
    Every option left at None keeps what the inputs' ``mapper:`` settings say (else qloop's
    defaults), as on the command line. ``metrics``: priority list of energy, delay, edp,
    last-level-accesses; ``threads=0``: all cores; ``algorithm``: exhaustive, linear-pruned,
    random, random-pruned or hybrid.
    """
    result = _qloop.search(_sources(arch, problem, constraints, mapper, ert, art), threads, seed, _seconds(time_limit),
                           algorithm, None if metrics is None else list(metrics))
    return json.loads(result)


def energy(arch: Sources) -> Dict[str, Any]:
    """Built-in energy/area estimates (``qloop energy``): components, and ERT/ART YAML texts."""
    return json.loads(_qloop.energy(_sources(arch)))


def _bits(bits: Union[None, str, Mapping[str, Any]]) -> str:
    if bits is None:
        return ""
    if isinstance(bits, Mapping):
        plan = bits if "bitwidths" in bits else {"bitwidths": dict(bits)}
        return _source(plan, "bitwidths")
    return str(bits)


def _network(net: Source) -> str:
    return _sources(net, name="network")[0]


def network(net: Source, arch: Sources, bits: Union[None, str, Mapping[str, Any]] = None,
            layers: Optional[Sequence[str]] = None, threads: Optional[int] = None, seed: Optional[int] = None,
            time_limit: Optional[float] = None) -> Dict[str, Any]:
    """Maps every layer of a network (``qloop network``): the dict of ``network.json``.

    ``bits``: a shorthand ("W4A8,first=W8A8"), a plan file path, or a plan dict
    ``{"default": "W8A8", "layers": {"conv1": {"Weights": 8}}}``. ``threads`` (layer jobs at
    once), ``seed`` and ``time_limit`` (per layer job): None keeps the mapper settings'.
    """
    plan = _bits(bits)
    return json.loads(_qloop.network(_network(net), _sources(arch), [plan] if plan else [], list(layers or []), threads,
                                     seed, _seconds(time_limit)))


def sweep(net: Source, arch: Sources, bits: Union[str, Sequence[str]], layers: Optional[Sequence[str]] = None,
          threads: Optional[int] = None, seed: Optional[int] = None,
          time_limit: Optional[float] = None) -> List[Dict[str, Any]]:
    """One network run per configuration (``qloop sweep``): a list of ``network.json`` dicts.

    ``bits``: "W16A16,W8A16,first=W8A8" as on the command line, or a list of such strings."""
    configs = [bits] if isinstance(bits, str) else list(bits)
    return json.loads(_qloop.sweep(_network(net), _sources(arch), configs, list(layers or []), threads, seed,
                                   _seconds(time_limit)))


def _sensitivity_table(sensitivity: Optional[Mapping[str, Mapping[str, float]]]) -> Dict[str, Any]:
    return {layer: (float(s.get("Weights", 1.0)), float(s.get("Inputs", 1.0))) for layer, s in (sensitivity or {}).items()}


def explore(net: Source, arch: Sources, bit_choices: Optional[Iterable[int]] = None,
            objectives: Optional[Sequence[str]] = None, population: Optional[int] = None,
            offspring: Optional[int] = None, generations: Optional[int] = None, seed: Optional[int] = None,
            sensitivity: Optional[Mapping[str, Mapping[str, float]]] = None, exact_mapping: bool = False,
            layers: Optional[Sequence[str]] = None, threads: Optional[int] = None, time_limit: Optional[float] = None,
            accuracy: Optional[Callable[[List[Dict[str, Any]]], float]] = None) -> Dict[str, Any]:
    """NSGA-II over per-layer bitwidths (``qloop explore``): the dict of ``explore.json``.

    Options left at None take ``qloop explore``'s defaults: bitwidths 2..8, objectives energy and
    accuracy, population 10, offspring 10, 25 generations. ``seed`` seeds NSGA-II and every
    layer search (None: NSGA-II 1, layer searches as their mapper settings say).
    ``sensitivity``: ``{layer: {"Weights": s_w, "Inputs": s_a}}`` for the built-in accuracy
    proxy. ``accuracy``: your own evaluator instead (e.g. a quantized model's validation run):
    called with ``[{"layer", "Weights", "Inputs", "Outputs"}, ...]`` per candidate, it returns the
    accuracy loss to minimise (it runs on the calling thread, with the GIL).
    """
    return json.loads(_qloop.explore(_network(net), _sources(arch), list(layers or []),
                                     None if bit_choices is None else list(bit_choices),
                                     None if objectives is None else list(objectives), population, offspring,
                                     generations, seed, exact_mapping, _sensitivity_table(sensitivity), threads,
                                     _seconds(time_limit), None, accuracy))


def import_onnx(path: Union[str, "os.PathLike[str]"]) -> Dict[str, Any]:
    """Imports an ONNX model (``qloop import``): ``{"network_yaml", "skipped", "notes"[, "bits_yaml"]}``."""
    return json.loads(_qloop.import_onnx(os.fspath(path)))
