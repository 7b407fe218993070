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

__all__ = ["InputError", "Interrupted", "evaluate", "search", "energy", "network", "sweep", "explore",
           "accuracy_proxy", "convert", "explore_report", "import_onnx", "load", "schema", "Source"]

class Interrupted(KeyboardInterrupt):
    """Ctrl-C during a qloop call: the work stopped within a fraction of a second, keeping
    what it had (a search its best so far). ``result`` is what the call would have returned."""

    def __init__(self, result: Any):
        super().__init__("interrupted; the partial result is in .result")
        self.result = result


def _run(outcome: Any) -> Any:
    """The result of a C++ call, (JSON text, interrupted): parsed, or raised as Interrupted."""
    text, interrupted = outcome
    result = json.loads(text)
    if interrupted:
        raise Interrupted(result)
    return result


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


def _variables(variables: Optional[Mapping[str, Any]]) -> List[str]:
    """jinja2 template variables (``--var NAME=VALUE``), passed among the sources; a value that
    is not a string goes as JSON, so ``False`` and ``8`` stay a boolean and a number."""
    if variables is None:
        return []
    if not isinstance(variables, Mapping):
        raise TypeError(f"variables: expected a dict of names to values, got {type(variables).__name__}")
    return [f"{_qloop.VARIABLE_PREFIX}{k}={v if isinstance(v, str) else json.dumps(v)}" for k, v in variables.items()]


def load(path: Union[str, "os.PathLike[str]"]) -> Dict[str, Any]:
    """Reads a YAML file into a dict (to edit and pass back to any qloop function).

    Raises :class:`InputError` when the file is not YAML with top-level keys."""
    import yaml  # Debian python3-yaml; only needed for this helper

    try:
        with open(path, encoding="utf-8") as f:
            data = yaml.safe_load(f)
    except (UnicodeDecodeError, yaml.YAMLError) as e:
        raise InputError(f"{os.fspath(path)}: not a YAML file ({e})") from None
    if not isinstance(data, dict):
        raise InputError(f"{os.fspath(path)}: expected YAML with top-level keys (architecture, problem, ...)")
    return data


def _names(value: Union[None, str, Sequence[str]], name: str) -> Optional[List[str]]:
    """A list of names from a list or a single name (never the letters of a string)."""
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return list(value)
    raise TypeError(f"{name}: expected a name or a list of names, got {type(value).__name__}")


def _seed(seed: Optional[int]) -> Optional[str]:
    """A seed as the C++ side checks it (a whole number from 0 to 2^64 - 1), like the CLI's."""
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed: expected an int, got {type(seed).__name__}")
    return str(seed)


def _int(value: Optional[int], name: str) -> Optional[int]:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name}: expected an int, got {type(value).__name__}")
    return value


def evaluate(arch: Sources, problem: Sources, mapping: Sources, ert: Optional[Sources] = None,
             art: Optional[Sources] = None, variables: Optional[Mapping[str, Any]] = None) -> Dict[str, Any]:
    """Evaluates one mapping (``qloop model``): the dict of ``qloop.stats.json``.

    ``variables``: values for jinja2 templates among the inputs (a Timeloop v0.4
    ``top.yaml.jinja2``), as ``--var``; the other functions take them too."""
    return _run(_qloop.evaluate(_sources(arch, problem, mapping, ert, art) + _variables(variables)))


def _seconds(time_limit: Optional[float]) -> Optional[float]:
    return None if time_limit is None else float(time_limit)


def search(arch: Sources, problem: Sources, constraints: Optional[Sources] = None, mapper: Optional[Sources] = None,
           metrics: Optional[Sequence[str]] = None, threads: Optional[int] = None, seed: Optional[int] = None,
           time_limit: Optional[float] = None, algorithm: Optional[str] = None,
           ert: Optional[Sources] = None, art: Optional[Sources] = None,
           variables: Optional[Mapping[str, Any]] = None) -> Dict[str, Any]:
    """Searches the mapspace (``qloop mapper``).

    Returns ``{"found", "mapping" (YAML text that evaluate() reads), "stats" (the dict of
    ``qloop.stats.json``), "search"}``, or ``{"found": False, "reason", "stats", "search"}``.
    Every option left at None keeps what the inputs' ``mapper:`` settings say (else qloop's
    defaults), as on the command line. ``metrics``: priority list of energy, delay, edp,
    last-level-accesses; ``threads=0``: all cores; ``algorithm``: exhaustive, linear-pruned,
    random, random-pruned, hybrid or optimal (the default: a proof by branch and bound within the
    time limit, the best found and its gap when it does not finish in time).
    """
    return _run(_qloop.search(_sources(arch, problem, constraints, mapper, ert, art) + _variables(variables),
                              _int(threads, "threads"),
                              _seed(seed), _seconds(time_limit), algorithm, _names(metrics, "metrics")))


def energy(arch: Sources, variables: Optional[Mapping[str, Any]] = None) -> Dict[str, Any]:
    """Built-in energy/area estimates (``qloop energy``): components, and ERT/ART YAML texts."""
    return _run(_qloop.energy(_sources(arch) + _variables(variables)))


def _bits(bits: Union[None, str, Mapping[str, Any]]) -> str:
    if bits is None:
        return ""
    if isinstance(bits, Mapping):
        plan = bits if "bitwidths" in bits else {"bitwidths": dict(bits)}
        return _source(plan, "bitwidths")
    return str(bits)


def _network(net: Source) -> str:
    return _sources(net, name="network")[0]


def _set(values: Optional[Mapping[str, int]], what: str = "set") -> Dict[str, int]:
    """Named whole numbers ({"seq": 1, "context": 2048}), as --set (or --dim) gives them."""
    if values is None:
        return {}
    if not isinstance(values, Mapping):
        raise TypeError(f"{what}: expected a dict of names to whole numbers, got {type(values).__name__}")
    return {str(k): _int(v, f"{what}[{k!r}]") for k, v in values.items()}


def _densities(densities: Union[None, str, Mapping[str, Any]]) -> str:
    """Every layer's tensor densities as --density takes them: {"Weights": 0.3, "Inputs":
    "hypergeometric:0.5"} or "Weights=0.3,Inputs=0.5"; None: dense."""
    if densities is None:
        return ""
    if isinstance(densities, str):
        return densities
    if not isinstance(densities, Mapping):
        raise TypeError(f"densities: expected a dict of tensor to density, got {type(densities).__name__}")
    return ",".join(f"{tensor}={value}" for tensor, value in densities.items())


def network(net: Source, arch: Sources, bits: Union[None, str, Mapping[str, Any]] = None,
            layers: Optional[Sequence[str]] = None, threads: Optional[int] = None, seed: Optional[int] = None,
            time_limit: Optional[float] = None, set: Optional[Mapping[str, int]] = None,
            densities: Union[None, str, Mapping[str, Any]] = None) -> Dict[str, Any]:
    """Maps every layer of a network (``qloop network``): the dict of ``network.json``.

    ``bits``: a shorthand ("W4A8,first=W8A8"), a plan file path, or a plan dict
    ``{"default": "W8A8", "layers": {"conv1": {"Weights": 8}}}``. ``threads`` (layer jobs at
    once), ``seed`` and ``time_limit`` (per layer job): None keeps the mapper settings'. ``set``:
    values of the network's variables (``{"seq": 1, "context": 2048}``), as ``--set``.
    ``densities``: every layer's tensor densities (``{"Weights": 0.3, "Inputs": 0.5}``), as
    ``--density``; the architecture's ``sparse_optimizations`` then gate, skip and compress.
    """
    plan = _bits(bits)
    return _run(_qloop.network(_network(net), _set(set), _sources(arch), [plan] if plan else [],
                                     _names(layers, "layers") or [], _int(threads, "threads"), _seed(seed),
                                     _seconds(time_limit), _densities(densities)))


def sweep(net: Source, arch: Sources, bits: Union[str, Sequence[str]], layers: Optional[Sequence[str]] = None,
          threads: Optional[int] = None, seed: Optional[int] = None, time_limit: Optional[float] = None,
          set: Optional[Mapping[str, int]] = None,
          densities: Union[None, str, Mapping[str, Any]] = None) -> List[Dict[str, Any]]:
    """One network run per configuration (``qloop sweep``): a list of ``network.json`` dicts.

    ``bits``: "W16A16,W8A16,first=W8A8" as on the command line, or a list of such strings.
    ``densities`` as in :func:`network`."""
    configs = _names(bits, "bits") or []
    return _run(_qloop.sweep(_network(net), _set(set), _sources(arch), configs, _names(layers, "layers") or [],
                                   _int(threads, "threads"), _seed(seed), _seconds(time_limit), _densities(densities)))


def _bit_choices(bit_choices: Optional[Iterable[int]]) -> Optional[List[int]]:
    if bit_choices is None:
        return None
    if isinstance(bit_choices, (str, bytes)):
        raise TypeError("bit_choices: expected ints (e.g. range(2, 9)), got a string")
    return [_int(b, "bit_choices") for b in bit_choices]


def _sensitivity_table(sensitivity: Optional[Mapping[str, Mapping[str, float]]]) -> Dict[str, Any]:
    return {layer: (float(s.get("Weights", 1.0)), float(s.get("Inputs", 1.0))) for layer, s in (sensitivity or {}).items()}


def explore(net: Source, arch: Sources, bit_choices: Optional[Iterable[int]] = None,
            objectives: Optional[Sequence[str]] = None, population: Optional[int] = None,
            offspring: Optional[int] = None, generations: Optional[int] = None, seed: Optional[int] = None,
            sensitivity: Optional[Mapping[str, Mapping[str, float]]] = None, exact_mapping: bool = False,
            layers: Optional[Sequence[str]] = None, threads: Optional[int] = None, time_limit: Optional[float] = None,
            accuracy: Optional[Callable[[List[Dict[str, Any]]], float]] = None,
            set: Optional[Mapping[str, int]] = None,
            progress: Optional[Callable[[str], None]] = None,
            densities: Union[None, str, Mapping[str, Any]] = None) -> Dict[str, Any]:
    """NSGA-II over per-layer bitwidths (``qloop explore``): the dict of ``explore.json``.

    Options left at None take ``qloop explore``'s defaults: bitwidths 2..8, objectives energy and
    accuracy, population 10, offspring 10, 25 generations. ``seed`` seeds NSGA-II and every
    layer search (None: NSGA-II 1, layer searches as their mapper settings say).
    ``sensitivity``: ``{layer: {"Weights": s_w, "Inputs": s_a}}`` for the built-in accuracy
    proxy. ``accuracy``: your own evaluator instead (e.g. a quantized model's validation run):
    called with ``[{"layer", "Weights", "Inputs", "Outputs"}, ...]`` per candidate, it returns the
    accuracy loss to minimise (it runs on the calling thread, with the GIL). With a measured
    evaluator (:func:`qloop.torch.evaluator`) the result also has ``baseline_accuracy`` (the float
    model's metric) and every point's ``accuracy`` is the measured metric (``accuracy_loss``:
    the drop from the baseline, which the search minimised). ``progress``: called with a line
    after each generation (e.g. ``print``).
    """
    result = _run(_qloop.explore(_network(net), _set(set), _sources(arch), _names(layers, "layers") or [],
                                 _bit_choices(bit_choices), _names(objectives, "objectives"),
                                 _int(population, "population"), _int(offspring, "offspring"),
                                 _int(generations, "generations"), _seed(seed), exact_mapping,
                                 _sensitivity_table(sensitivity), _int(threads, "threads"), _seconds(time_limit),
                                 None, accuracy, progress, _densities(densities)))
    return _with_measured_accuracy(result, accuracy)


def _with_measured_accuracy(result: Dict[str, Any], accuracy: Any) -> Dict[str, Any]:
    """With a measured evaluator (qloop.torch), the float model's metric as baseline_accuracy
    and each point's metric as accuracy (the search minimised the drop, accuracy_loss)."""
    measured = getattr(accuracy, "baseline", None) if accuracy is not None and hasattr(accuracy, "cache") else None
    if isinstance(measured, float):
        result["baseline_accuracy"] = measured
        for point in result.get("front", []) + result.get("evaluated", []):
            point["accuracy"] = measured - point["accuracy_loss"]
    return result


def convert(inputs: Sources, to: str = "v0.4", variables: Optional[Mapping[str, Any]] = None) -> str:
    """The inputs in the other Timeloop form (``qloop convert``): one YAML text, ``to`` "v0.4"
    (a tree as nodes; a mapping moves to the mesh levels) or "v0.3" (a v0.4 specification as
    the tree), giving the same numbers."""
    return _run(_qloop.convert(_sources(inputs) + _variables(variables), to))


def explore_report(result: Mapping[str, Any]) -> str:
    """The HTML report of an :func:`explore` result (as ``qloop explore`` writes report.html):
    candidates and front, with the float model's accuracy when it was measured, and the
    bitwidths along the front as a heat map."""
    return _qloop.explore_report(json.dumps(result))


def accuracy_proxy(bitwidths: Sequence[Mapping[str, Any]],
                   sensitivity: Optional[Mapping[str, Mapping[str, float]]] = None) -> float:
    """The built-in accuracy proxy of per-layer bitwidths ``[{"layer", "Weights", "Inputs"}, ...]``:
    the network's quantization noise relative to its signal, in dB (lower is better; one 8-bit
    operand alone is -48.2 dB, each bit less adds 6.02 dB), as ``explore`` reports it without a
    measured evaluator. ``sensitivity`` as for :func:`explore`."""
    layers = [(str(b["layer"]), _int(b["Weights"], "Weights"), _int(b["Inputs"], "Inputs")) for b in bitwidths]
    return _qloop.accuracy_proxy(layers, _sensitivity_table(sensitivity))


def schema() -> str:
    """The reference of every input key (``qloop schema``), as Markdown."""
    return _qloop.schema()


def import_onnx(path: Union[str, "os.PathLike[str]"], dims: Optional[Mapping[str, int]] = None) -> Dict[str, Any]:
    """Imports an ONNX model (``qloop import``): ``{"network_yaml", "skipped", "notes"[, "bits_yaml"]}``.

    ``dims`` binds the model's symbolic dimensions, as ``--dim seq=128`` does: ``{"seq": 128}``."""
    return _run(_qloop.import_onnx(os.fspath(path), _set(dims, "dims")))
