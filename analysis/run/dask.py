"""Running the analysis on a Dask cluster when one machine is not enough.

Every stage works within a thread, so the frame is cut into partitions of whole threads, packed so the
partitions carry similar numbers of comments, and each partition runs ``commentscope.analysis.pipeline.analyze`` on a
Dask worker. The result is put back in the input's row order, so it is identical to the local run.
Point ``scheduler`` at a running cluster (``tcp://host:8786``, from ``dask scheduler`` and ``dask worker``
on the cluster's machines, each with commentscope installed); without it a ``LocalCluster`` is started
on this machine.
"""

from __future__ import annotations

import heapq

import polars as pl

from commentscope.scraper.errors import UsageError
from commentscope.scraper.records import Thread

_ROW = "__commentscope_row"


def pack_threads(sizes: dict[str, int], partitions: int) -> list[list[str]]:
    """Greedy largest-first packing of threads into ``partitions`` bins of similar comment counts.
    No thread is split; the packing is deterministic (ties broken by thread id)."""
    bins: list[tuple[int, int, list[str]]] = [(0, index, []) for index in range(max(1, partitions))]
    heapq.heapify(bins)
    for thread_id, size in sorted(sizes.items(), key=lambda item: (-item[1], item[0])):
        load, index, members = heapq.heappop(bins)
        members.append(thread_id)
        heapq.heappush(bins, (load + size, index, members))
    return [members for _, _, members in sorted(bins, key=lambda b: b[1]) if members]


def _analyze_partition(frame: pl.DataFrame, threads: list[Thread], labels: pl.DataFrame | None,
                       reanalyze: bool) -> pl.DataFrame:
    from commentscope.analysis.pipeline import analyze

    return analyze(frame, threads, labels=labels, workers=1, reanalyze=reanalyze)


def analyze_on_dask(frame: pl.DataFrame, threads: list[Thread], scheduler: str | None = None,
                    partitions: int | None = None, labels: pl.DataFrame | None = None,
                    reanalyze: bool = False) -> pl.DataFrame:
    """``commentscope.analysis.pipeline.analyze`` with the per-thread work spread over a Dask cluster."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise UsageError("the dask engine needs dask.distributed", None,
                         "install it with `pip install 'commentscope[dask]'`") from None

    indexed = frame.with_row_index(_ROW)
    sizes = dict(indexed.group_by("thread_id").len().iter_rows())
    by_id = {t.thread_id: t for t in threads}
    cluster = None
    try:
        if scheduler:
            client = Client(scheduler, timeout="30s")
        else:
            cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
            client = Client(cluster)
    except (OSError, TimeoutError) as error:
        raise UsageError(f"cannot reach the Dask scheduler ({error})", scheduler,
                         "check the address (tcp://host:8786) and that the scheduler is running") from None
    try:
        count = partitions or max(1, 2 * len(client.scheduler_info().get("workers", {})))
        packs = pack_threads(sizes, count)
        futures = [
            client.submit(_analyze_partition, indexed.filter(pl.col("thread_id").is_in(pack)),
                          [by_id[t] for t in pack if t in by_id], labels, reanalyze, pure=False)
            for pack in packs
        ]
        results = client.gather(futures)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return pl.concat(results, how="vertical").sort(_ROW).drop(_ROW)
