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


def search(arch: Sources, problem: Sources, constraints: Optional[Sources] = None, mapper: Optional[Sources] = None,
           metrics: Optional[Sequence[str]] = None, threads: int = 0, seed: int = 1,
           time_limit: Optional[float] = None, algorithm: Optional[str] = None,
           ert: Optional[Sources] = None, art: Optional[Sources] = None) -> Dict[str, Any]:
    """Searches the mapspace (``qloop mapper``).

    Returns ``{"found", "mapping" (YAML text that evaluate() reads), "stats", "search"}``, or
    ``{"found": False, "reason", "search"}``. ``metrics``: priority list of energy, delay, edp,
    last-level-accesses; ``threads=0``: all cores; ``algorithm``: exhaustive, linear-pruned,
    random, random-pruned or hybrid (default: the mapper settings given, else hybrid).
    """
    result = _qloop.search(_sources(arch, problem, constraints, mapper, ert, art), threads, seed,
                           -1.0 if time_limit is None else float(time_limit), algorithm or "", list(metrics or []))
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
            layers: Optional[Sequence[str]] = None, threads: int = 0, seed: int = 1,
            time_limit: Optional[float] = None) -> Dict[str, Any]:
    """Maps every layer of a network (``qloop network``): the dict of ``network.json``.

    ``bits``: a shorthand ("W4A8,first=W8A8"), a plan file path, or a plan dict
    ``{"default": "W8A8", "layers": {"conv1": {"Weights": 8}}}``.
    """
    return json.loads(_qloop.network(_network(net), _sources(arch), _bits(bits), list(layers or []), threads, seed,
                                     -1.0 if time_limit is None else float(time_limit)))


def sweep(net: Source, arch: Sources, bits: Union[str, Sequence[str]], layers: Optional[Sequence[str]] = None,
          threads: int = 0, seed: int = 1, time_limit: Optional[float] = None) -> List[Dict[str, Any]]:
    """One network run per configuration (``qloop sweep``): a list of ``network.json`` dicts."""
    configs = [bits] if isinstance(bits, str) else list(bits)
    return json.loads(_qloop.sweep(_network(net), _sources(arch), configs, list(layers or []), threads, seed,
                                   -1.0 if time_limit is None else float(time_limit)))


def explore(net: Source, arch: Sources, bit_choices: Iterable[int] = range(2, 9),
            objectives: Sequence[str] = ("energy", "accuracy"), population: int = 10, offspring: int = 10,
            generations: int = 25, seed: int = 1, sensitivity: Optional[Mapping[str, Mapping[str, float]]] = None,
            exact_mapping: bool = False, layers: Optional[Sequence[str]] = None, threads: int = 0,
            time_limit: Optional[float] = None,
            accuracy: Optional[Callable[[List[Dict[str, Any]]], float]] = None) -> Dict[str, Any]:
    """NSGA-II over per-layer bitwidths (``qloop explore``): the dict of ``explore.json``.

    ``sensitivity``: ``{layer: {"Weights": s_w, "Inputs": s_a}}`` for the built-in accuracy
    proxy. ``accuracy``: your own evaluator instead (e.g. a quantized model's validation run):
    called with ``[{"layer", "Weights", "Inputs", "Outputs"}, ...]`` per candidate, it returns the
    accuracy loss to minimise (it runs on the calling thread, with the GIL).
    """
    table = {layer: (float(s.get("Weights", 1.0)), float(s.get("Inputs", 1.0))) for layer, s in (sensitivity or {}).items()}
    return json.loads(_qloop.explore(_network(net), _sources(arch), list(layers or []), sorted(set(bit_choices)),
                                     list(objectives), population, offspring, generations, seed, exact_mapping, table,
                                     threads, -1.0 if time_limit is None else float(time_limit), None, accuracy))


def import_onnx(path: Union[str, "os.PathLike[str]"]) -> Dict[str, Any]:
    """Imports an ONNX model (``qloop import``): ``{"network_yaml", "skipped", "notes"[, "bits_yaml"]}``."""
    return json.loads(_qloop.import_onnx(os.fspath(path)))
