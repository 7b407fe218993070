"""A sweep whose layer jobs run as tasks on a dask LocalCluster equals the local sweep."""
import pytest

import distributed  # Debian's python3-distributed (tools/install-deps.sh --test): missing fails, never skips

import qloop
import qloop.dask
from conftest import QUICK_MAPPER, SMALL_ARCH, TINY_NET


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


def test_dask_sweep_equals_the_local_sweep(client):
    configs = ["W8A8", "W4A8", "W4A4"]
    local = qloop.sweep(TINY_NET, [SMALL_ARCH, QUICK_MAPPER], configs, seed=5)
    seen = []
    remote = qloop.dask.sweep(client, TINY_NET, [SMALL_ARCH, QUICK_MAPPER], configs, seed=5,
                              progress=lambda done, total: seen.append((done, total)))
    strip = lambda runs: [{k: v for k, v in r.items() if k != "search"} for r in runs]
    assert strip(remote) == strip(local)
    jobs = qloop.dask.layer_jobs(TINY_NET, configs)
    assert seen[-1] == (len(jobs), len(jobs))


def test_cached_jobs_are_not_submitted_again(client):
    cache = {}
    qloop.dask.sweep(client, TINY_NET, [SMALL_ARCH, QUICK_MAPPER], ["W8A8"], seed=5, cache=cache)
    first = len(cache)
    calls = []
    qloop.dask.sweep(client, TINY_NET, [SMALL_ARCH, QUICK_MAPPER], ["W8A8", "W2A8"], seed=5, cache=cache,
                     progress=lambda done, total: calls.append(total))
    assert first == 3
    assert calls and calls[-1] == len(cache) - first  # only the W2A8 jobs ran


@pytest.mark.parametrize("exact", [False, True])
def test_dask_explore_equals_the_local_explore(client, exact):
    options = dict(bit_choices=[2, 4, 8], population=4, offspring=4, generations=2, seed=3,
                   objectives=["energy", "memory"], exact_mapping=exact)
    local = qloop.explore(TINY_NET, [SMALL_ARCH, QUICK_MAPPER], **options)
    batches = []
    remote = qloop.dask.explore(client, TINY_NET, [SMALL_ARCH, QUICK_MAPPER], progress=lambda d, t: batches.append(t),
                                **options)
    assert remote["front"] == local["front"]
    assert remote["evaluated"] == local["evaluated"]
    assert batches  # the layer searches did run as tasks
