"""The Dask engine: whole threads packed into balanced partitions, and a frame identical to the local run
(on a real two-process LocalCluster)."""

from __future__ import annotations

import polars as pl
import pytest

from commentscope.analysis.run.dask import analyze_on_dask, pack_threads
from commentscope.analysis.pipeline import analyze, load
from tests.conftest import DATA, SEED



def test_pack_never_splits_a_thread_and_keeps_every_one():
    sizes = {"a": 900, "b": 400, "c": 350, "d": 300, "e": 120, "f": 80, "g": 20, "h": 20}
    packs = pack_threads(sizes, 3)
    flat = [t for pack in packs for t in pack]
    assert sorted(flat) == sorted(sizes) and len(flat) == len(set(flat))


def test_pack_balances_comment_counts():
    sizes = {"a": 900, "b": 400, "c": 350, "d": 300, "e": 120, "f": 80, "g": 20, "h": 20}
    loads = sorted(sum(sizes[t] for t in pack) for pack in pack_threads(sizes, 3))
    assert loads == [640, 650, 900]  # largest first into the lightest bin; 900 alone is the optimum
    even = {f"t{k}": 100 for k in range(12)}
    assert [sum(even[t] for t in pack) for pack in pack_threads(even, 4)] == [300, 300, 300, 300]


def test_pack_is_deterministic_and_leaves_no_empty_partition():
    sizes = {"x": 5, "y": 5, "z": 5}
    assert pack_threads(sizes, 3) == [["x"], ["y"], ["z"]]
    assert pack_threads(sizes, 8) == [["x"], ["y"], ["z"]]
    assert pack_threads(sizes, 1) == [["x", "y", "z"]]


@pytest.fixture(scope="module")
def scheduler():
    from dask.distributed import LocalCluster

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                           memory_limit="1GiB", silence_logs=40)
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()


def test_dask_frame_is_identical_to_the_local_one(scheduler):
    sources = [str(SEED), *map(str, sorted((DATA / "labels").glob("*.txt")))]
    frame, threads = load(sources)
    assert frame.get_column("thread_id").n_unique() == 6
    local = analyze(frame, threads, workers=1)
    on_dask = analyze_on_dask(frame, threads, scheduler=scheduler, partitions=4)
    assert on_dask.equals(local)
    assert on_dask.columns == local.columns and on_dask.schema == local.schema
    assert on_dask.filter(pl.col("agreement").is_not_null()).height > 40
