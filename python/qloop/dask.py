"""Runs a sweep's layer jobs, or an exploration's layer searches, as tasks on a dask.distributed Client.

Each distinct (layer shape, bitwidths) pair of the sweep is one task (the mapper with one
thread and the given seed, exactly as a local run does it); the results are gathered, cached
by job key, and assembled by the same code as :func:`qloop.sweep`, so for the same seed the
result equals the local one. Workers need the ``qloop`` package importable (installed with pip,
or on their PYTHONPATH) and the input files at the same paths (or pass dicts)::

    from distributed import Client
    import qloop, qloop.dask
    client = Client("tcp://scheduler:8786")
    runs = qloop.dask.sweep(client, "workloads/alexnet.yaml", design, ["W16A16", "W4A16"])
"""
from __future__ import annotations

import hashlib
import json
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Union

from . import _bit_choices, _densities, _run, _set, _int, _names, _network, _qloop, _seconds, _seed, _sensitivity_table, _sources, _with_measured_accuracy, Source, Sources

__all__ = ["sweep", "explore", "layer_jobs"]


def layer_jobs(net: Source, bits: Union[str, Sequence[str]], layers: Optional[Sequence[str]] = None,
               set: Optional[Mapping[str, int]] = None,
               densities: Union[None, str, Mapping[str, Any]] = None) -> List[Dict[str, Any]]:
    """The distinct layer jobs of a sweep: ``[{"key", "layer", "bits": [W, I, O]}]``."""
    return _run(_qloop.sweep_jobs(_network(net), _set(set), _names(bits, "bits") or [], _names(layers, "layers") or [],
                                  _densities(densities)))


def _task_key(job_key: str, seed: Optional[int]) -> str:
    return "qloop-layer-job-" + hashlib.sha1(f"{seed}|{job_key}".encode()).hexdigest()


def _map_job(net: str, values: Dict[str, int], arch: List[str], layers: List[str], layer: int, bits: List[int],
             seed: Optional[int], time_limit: Optional[float], densities: str = "") -> str:
    from qloop import _qloop as core  # imported on the worker

    return core.map_layer_job(net, values, arch, layers, layer, bits, _seed(seed), time_limit, densities)[0]


def sweep(client: Any, net: Source, arch: Sources, bits: Union[str, Sequence[str]],
          layers: Optional[Sequence[str]] = None, seed: Optional[int] = None, time_limit: Optional[float] = None,
          cache: Optional[Dict[str, Any]] = None,
          progress: Optional[Callable[[int, int], None]] = None,
          set: Optional[Mapping[str, int]] = None,
          densities: Union[None, str, Mapping[str, Any]] = None) -> List[Dict[str, Any]]:
    """:func:`qloop.sweep` with every layer job a task on ``client``.

    ``cache`` (a dict, may be reused across calls): job key -> result; jobs found there are not
    submitted again. ``progress(done, total)`` is called as tasks finish.
    """
    from distributed import as_completed

    configs = _names(bits, "bits") or []
    net_source, arch_sources, layer_list = _network(net), _sources(arch), _names(layers, "layers") or []
    limit = _seconds(time_limit)
    cache = {} if cache is None else cache
    values = _set(set)
    density_text = _densities(densities)
    jobs = _run(_qloop.sweep_jobs(net_source, values, configs, layer_list, density_text))
    todo = [job for job in jobs if job["key"] not in cache]
    futures = {client.submit(_map_job, net_source, values, arch_sources, layer_list, job["layer"], job["bits"], seed, limit,
                             density_text, key=_task_key(job["key"], seed), pure=True): job["key"] for job in todo}
    done = 0
    for future in as_completed(list(futures)):
        cache[futures[future]] = json.loads(future.result())
        done += 1
        if progress:
            progress(done, len(todo))
    results = {job["key"]: cache[job["key"]] for job in jobs}
    return _run(_qloop.sweep_from_jobs(net_source, values, arch_sources, configs, layer_list, json.dumps(results),
                                       density_text))


def _search_layer(net: str, values: Dict[str, int], arch: List[str], layers: List[str], layer: int, bits: List[int],
                  elite_size: int, seed: Optional[int], time_limit: Optional[float], densities: str = "") -> str:
    from qloop import _qloop as core  # imported on the worker

    return core.search_layer(net, values, arch, layers, layer, bits, elite_size, _seed(seed), time_limit, densities)[0]


def explore(client: Any, net: Source, arch: Sources, bit_choices: Optional[Iterable[int]] = None,
            objectives: Optional[Sequence[str]] = None, population: Optional[int] = None,
            offspring: Optional[int] = None, generations: Optional[int] = None, seed: Optional[int] = None,
            sensitivity: Optional[Mapping[str, Mapping[str, float]]] = None,
            exact_mapping: bool = False, layers: Optional[Sequence[str]] = None, time_limit: Optional[float] = None,
            progress: Optional[Callable[[int, int], None]] = None,
            accuracy: Optional[Callable[[List[Dict[str, Any]]], float]] = None,
            set: Optional[Mapping[str, int]] = None,
            densities: Union[None, str, Mapping[str, Any]] = None) -> Dict[str, Any]:
    """:func:`qloop.explore` with every layer search (the pool searches, or with
    ``exact_mapping`` every (layer, bitwidths) job) a task on ``client``. The NSGA-II loop runs
    here; for the same seed the result equals the local one. ``progress(done, total)`` is
    called per finished task of each batch; ``accuracy`` as in :func:`qloop.explore` (it runs here)."""
    from distributed import as_completed

    net_source, arch_sources, layer_list = _network(net), _sources(arch), _names(layers, "layers") or []
    limit = _seconds(time_limit)
    values = _set(set)
    density_text = _densities(densities)

    def runner(requests_json: str) -> str:
        requests = json.loads(requests_json)
        futures = {}
        for index, r in enumerate(requests):
            key = _task_key(f"search {r['layer']} {r['bits']} {r['elite_size']} {limit} {net_source} {arch_sources} "
                            f"{density_text}", seed)
            # Every layer search takes the exploration's seed, as in the local run.
            futures[client.submit(_search_layer, net_source, values, arch_sources, layer_list, r["layer"], r["bits"],
                                  r["elite_size"], seed, limit, density_text, key=key, pure=True)] = index
        answers: List[List[str]] = [[] for _ in requests]
        for done, future in enumerate(as_completed(list(futures)), start=1):
            answers[futures[future]] = json.loads(future.result())["mappings"]
            if progress:
                progress(done, len(requests))
        return json.dumps(answers)

    result = _run(_qloop.explore(net_source, values, arch_sources, layer_list, _bit_choices(bit_choices),
                                 _names(objectives, "objectives"), _int(population, "population"),
                                 _int(offspring, "offspring"), _int(generations, "generations"), _seed(seed),
                                 exact_mapping, _sensitivity_table(sensitivity), None, limit, runner, accuracy, None,
                                 density_text))
    return _with_measured_accuracy(result, accuracy)
