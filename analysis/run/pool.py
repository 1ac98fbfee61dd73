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
import os
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from typing import Callable, Iterator

from commentscope.scraper.errors import UsageError

#: From this many comments the work is shared among a process per core.
POOL_MIN_COMMENTS = 20_000
#: Bytes of comment pages that hold about ``POOL_MIN_COMMENTS`` comments (~800 bytes each in a page).
POOL_MIN_BYTES = POOL_MIN_COMMENTS * 800


def check_workers(workers: int | None, where: str) -> None:
    """Raise ``UsageError`` unless ``workers`` is None or a whole number >= 1."""
    if workers is not None and (not isinstance(workers, int) or isinstance(workers, bool) or workers < 1):
        raise UsageError(f"workers must be a whole number >= 1, got {workers!r}", where,
                         "pass workers=1 to work in this process, or leave it out")


def worker_count(workers: int | None, comments: int = 0, tasks: int | None = None, nbytes: int = 0) -> int:
    """How many processes share a piece of work: ``workers`` when given, else every core when the work
    holds ``POOL_MIN_COMMENTS`` comments or ``POOL_MIN_BYTES`` bytes of pages, else 1; never more than
    its ``tasks`` (the pieces it can be cut into), never less than 1."""
    check_workers(workers, "workers")
    if workers is None:
        big = comments >= POOL_MIN_COMMENTS or nbytes >= POOL_MIN_BYTES
        workers = (os.cpu_count() or 1) if big else 1
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
