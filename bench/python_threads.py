#!/usr/bin/env python3
"""How much two qloop searches in two Python threads overlap (the GIL is released in C++).

usage: PYTHONPATH=build/python /usr/bin/python3 bench/python_threads.py [--rounds 5]

Times one search alone and two at once in two threads (the same fixed work: 20,000 random
mappings of AlexNet conv3 on the Eyeriss-like example, one thread each), and the same for a
pure-Python loop as the control; prints the two-thread / one-thread time ratio of each round
and the median. On 2 idle cores the search ratio is near 1 and the control's near 2. A speed
measurement, so it lives here and not among the tests (which check the GIL release by order
of events: tests/python/test_api.py).
"""
import argparse
import os
import statistics
import threading
import time

import qloop

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
EYERISS = os.path.join(ROOT, "examples", "mapper-eyeriss-like")
MAPPER = {"mapper": {"algorithm": "random", "search-size": 20000, "victory-condition": 0, "time-limit": 0,
                     "timeout": 0}}


def search():
    qloop.search(os.path.join(EYERISS, "arch.yaml"), os.path.join(EYERISS, "layers", "alexnet_conv3.yaml"),
                 constraints=os.path.join(EYERISS, "constraints.yaml"), mapper=MAPPER, threads=1, seed=7)


def python_loop():
    total = 0
    for i in range(3_000_000):
        total += i


def ratio(work):
    start = time.perf_counter()
    work()
    one = time.perf_counter() - start
    threads = [threading.Thread(target=work) for _ in range(2)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return (time.perf_counter() - start) / one


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    rounds = ap.parse_args().rounds
    for name, work in (("search", search), ("pure Python", python_loop)):
        ratios = [ratio(work) for _ in range(rounds)]
        print(f"{name:12s} two threads / one: median {statistics.median(ratios):.2f} "
              f"({', '.join(f'{r:.2f}' for r in ratios)})")


if __name__ == "__main__":
    main()
