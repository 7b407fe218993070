"""Paths and helpers shared by the Python API tests. QLOOP_CLI names the command-line binary
(set by ctest); the package itself comes from PYTHONPATH (build/python)."""
import os
import subprocess

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SHARED = os.path.abspath(os.path.join(ROOT, "..", "shared", "conformance"))
EYERISS = os.path.join(ROOT, "examples", "mapper-eyeriss-like")
SMALL_ARCH = os.path.join(ROOT, "examples", "alexnet-conv1-3level", "arch.yaml")
TINY_NET = {"network": {"name": "Tiny", "layers": [
    {"name": "conv1", "type": "conv", "in_channels": 3, "out_channels": 16, "input": 16, "kernel": 3, "padding": 1},
    {"name": "conv2", "type": "conv", "in_channels": 16, "out_channels": 16, "input": 16, "kernel": 3, "padding": 1,
     "groups": 4},
    {"name": "fc", "type": "fc", "in_features": 256, "out_features": 10},
]}}
QUICK_MAPPER = {"mapper": {"algorithm": "hybrid", "victory-condition": 200, "time-limit": 10}}


@pytest.fixture
def cli():
    path = os.environ.get("QLOOP_CLI", os.path.join(ROOT, "build", "cli", "qloop"))
    assert os.path.exists(path), f"qloop CLI not found at {path}"

    def run(*args):
        return subprocess.run([path, *map(str, args)], capture_output=True, text=True)

    return run
