"""One worker policy and one kind of process pool for every stage that uses several cores.

The policy: work is shared among processes only when it is big enough to pay for starting them (a
``spawn``ed process costs about a second: it imports polars and the stage's tables), that is from
``POOL_MIN_COMMENTS`` comments, or the bytes of local files that hold about as many
(``POOL_MIN_BYTES``); below that, or on one core, this process does it all. A caller's explicit
``workers`` overrides the policy either way. Every stage gives the same result on a pool as in one
process (tested), so the policy decides speed only.

Pools use ``spawn`` (safe beside polars' threads, unlike ``fork``). Where no process can be started (a
sandbox, a container without ``/dev/shm``), ``process_pool`` yields None and callers do the work here.
As with any ``spawn`` pool, a script that uses several workers needs the usual
``if __name__ == "__main__":`` guard (the CLI has it).
"""

from __future__ import annotations

import contextlib
import math
import os
from pathlib import Path
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from typing import Callable, Iterator

from commentscope.scraper.errors import UsageError

#: From this many comments the work is shared among a process per core.
POOL_MIN_COMMENTS = 20_000
#: Bytes of comment pages that hold about ``POOL_MIN_COMMENTS`` comments (~800 bytes each in a page).
POOL_MIN_BYTES = POOL_MIN_COMMENTS * 800


#: Where a container's CPU limit is read: cgroup v2's ``cpu.max``, v1's quota and period.
CGROUP_V2 = Path("/sys/fs/cgroup/cpu.max")
CGROUP_V1 = (Path("/sys/fs/cgroup/cpu/cpu.cfs_quota_us"), Path("/sys/fs/cgroup/cpu/cpu.cfs_period_us"))


def cpu_quota(v2: Path = CGROUP_V2, v1: tuple[Path, Path] = CGROUP_V1) -> float | None:
    """The CPUs a cgroup quota allows this container (``docker --cpus=2`` gives 2.0), or None without
    one: ``os.cpu_count()`` counts the host's cores, which a quota does not reduce."""
    try:
        quota, period = v2.read_text().split()[:2]
    except (OSError, ValueError):
        try:
            quota, period = (path.read_text().strip() for path in v1)
        except (OSError, ValueError):
            return None
    try:
        q, p = int(quota), int(period)
    except ValueError:  # "max": no limit
        return None
    return q / p if q > 0 and p > 0 else None


def available_cores() -> int:
    """The cores this process may use: the CPUs it is pinned to (``sched_getaffinity``), fewer when a
    cgroup quota allows fewer (rounded up), at least 1."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    quota = cpu_quota()
    if quota is not None:
        cores = min(cores, math.ceil(quota))
    return max(1, cores)


def check_workers(workers: int | None, where: str) -> None:
    """Raise ``UsageError`` unless ``workers`` is None or a whole number >= 1."""
    if workers is not None and (not isinstance(workers, int) or isinstance(workers, bool) or workers < 1):
        raise UsageError(f"workers must be a whole number >= 1, got {workers!r}", where,
                         "pass workers=1 to work in this process, or leave it out")


def worker_count(workers: int | None, comments: int = 0, tasks: int | None = None, nbytes: int = 0) -> int:
    """How many processes share a piece of work: ``workers`` when given, else every available core
    (``available_cores``) when the work holds ``POOL_MIN_COMMENTS`` comments or ``POOL_MIN_BYTES`` bytes
    of pages, else 1; never more than its ``tasks`` (the pieces it can be cut into), never less than 1."""
    check_workers(workers, "workers")
    if workers is None:
        big = comments >= POOL_MIN_COMMENTS or nbytes >= POOL_MIN_BYTES
        workers = available_cores() if big else 1
    return max(1, min(workers, tasks if tasks is not None else workers))


@contextlib.contextmanager
def process_pool(processes: int, initializer: Callable[[], None] | None = None) -> Iterator[ProcessPoolExecutor | None]:
    """A pool of ``processes`` spawned processes, shut down (pending work cancelled) when the block ends;
    None when ``processes`` is below 1 or no process can be started here."""
    pool = None
    if processes >= 1:
        try:
            pool = ProcessPoolExecutor(processes, mp_context=get_context("spawn"), initializer=initializer)
        except (OSError, ValueError):
            pool = None
    try:
        yield pool
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
