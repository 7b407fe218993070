"""Runs a sweep's layer jobs as tasks on a dask.distributed Client.

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
from typing import Any, Callable, Dict, List, Optional, Sequence, Union

from . import _bits, _network, _qloop, _sources, Source, Sources

__all__ = ["sweep", "layer_jobs"]


def layer_jobs(net: Source, bits: Union[str, Sequence[str]], layers: Optional[Sequence[str]] = None) -> List[Dict[str, Any]]:
    """The distinct layer jobs of a sweep: ``[{"key", "layer", "bits": [W, I, O]}]``."""
    configs = [bits] if isinstance(bits, str) else list(bits)
    return json.loads(_qloop.sweep_jobs(_network(net), configs, list(layers or [])))


def _task_key(job_key: str, seed: int) -> str:
    return "qloop-layer-job-" + hashlib.sha1(f"{seed}|{job_key}".encode()).hexdigest()


def _map_job(net: str, arch: List[str], layers: List[str], layer: int, bits: List[int], seed: int,
             time_limit: float) -> str:
    from qloop import _qloop as core  # imported on the worker

    return core.map_layer_job(net, arch, layers, layer, bits, seed, time_limit)


def sweep(client: Any, net: Source, arch: Sources, bits: Union[str, Sequence[str]],
          layers: Optional[Sequence[str]] = None, seed: int = 1, time_limit: Optional[float] = None,
          cache: Optional[Dict[str, Any]] = None,
          progress: Optional[Callable[[int, int], None]] = None) -> List[Dict[str, Any]]:
    """:func:`qloop.sweep` with every layer job a task on ``client``.

    ``cache`` (a dict, may be reused across calls): job key -> result; jobs found there are not
    submitted again. ``progress(done, total)`` is called as tasks finish.
    """
    from distributed import as_completed

    configs = [bits] if isinstance(bits, str) else list(bits)
    net_source, arch_sources, layer_list = _network(net), _sources(arch), list(layers or [])
    limit = -1.0 if time_limit is None else float(time_limit)
    cache = {} if cache is None else cache
    jobs = json.loads(_qloop.sweep_jobs(net_source, configs, layer_list))
    todo = [job for job in jobs if job["key"] not in cache]
    futures = {client.submit(_map_job, net_source, arch_sources, layer_list, job["layer"], job["bits"], seed, limit,
                             key=_task_key(job["key"], seed), pure=True): job["key"] for job in todo}
    done = 0
    for future in as_completed(list(futures)):
        cache[futures[future]] = json.loads(future.result())
        done += 1
        if progress:
            progress(done, len(todo))
    results = {job["key"]: cache[job["key"]] for job in jobs}
    return json.loads(_qloop.sweep_from_jobs(net_source, arch_sources, configs, layer_list, json.dumps(results)))
