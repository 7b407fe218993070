#!/usr/bin/env python3
"""Measures qloop.dask's speed-up from 1 to 2 workers on this machine: AlexNet conv1-5 on the
Eyeriss-like example at two bitwidth configurations (10 layer jobs), on a LocalCluster of
single-threaded worker processes, and checks that both equal the local sweep.
usage: PYTHONPATH=build/python python3 tools/dask-speedup.py"""
import os
import time

import distributed

import qloop
import qloop.dask

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
DESIGN = os.path.join(ROOT, "examples", "mapper-eyeriss-like")
NET = os.path.join(ROOT, "workloads", "alexnet.yaml")
LAYERS = ["conv1", "conv2", "conv3", "conv4", "conv5"]
CONFIGS = ["W16A16", "W4A16"]


def strip(runs):
    return [{k: v for k, v in r.items() if k != "search"} for r in runs]


def main():
    start = time.perf_counter()
    local = qloop.sweep(NET, DESIGN, CONFIGS, layers=LAYERS, threads=1)
    print(f"local sweep, 1 thread: {time.perf_counter() - start:.1f} s")
    for workers in (1, 2):
        with distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                      dashboard_address=None) as cluster, distributed.Client(cluster) as client:
            start = time.perf_counter()
            runs = qloop.dask.sweep(client, NET, DESIGN, CONFIGS, layers=LAYERS)
            seconds = time.perf_counter() - start
            print(f"dask, {workers} worker(s): {seconds:.1f} s, equal to local: {strip(runs) == strip(local)}")


if __name__ == "__main__":
    main()
