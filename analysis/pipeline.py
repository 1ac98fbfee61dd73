"""The Python API: load threads, run the analysis stages, get the analysed frame and metrics back.

    from commentscope.analysis.pipeline import load, analyze, metrics
    frame, threads = load(["comments.jsonl"])          # records, raw pages, or URLs
    analysed = analyze(frame, threads)                  # SPEC.md analysed records as a polars frame
    per_thread = metrics(analysed)

The CLI runs exactly these functions.
"""

from __future__ import annotations

import os
import re
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from pathlib import Path
from typing import Any, Iterable

import polars as pl

from commentscope.scraper.errors import UsageError
from commentscope.scraper.records import COMMENT_SCHEMA, Thread, comments_frame

_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")


def is_url(spec: str) -> bool:
    """True for ``scheme://...`` (any case); the fetcher itself refuses schemes other than http(s)."""
    return bool(_URL.match(spec))

#: Columns of the analysed record, in the order they are written.
ANALYSED_COLUMNS = (
    *COMMENT_SCHEMA,
    "sentiment", "sentiment_label", "stance", "stance_confidence", "stance_target",
    "agreement", "agreement_confidence", "depth", "root_id",
)


def read_threads(specs: Iterable[str], format_name: str | None = None, options: Any = None,
                 fetch_options: Any = None, infer: bool = True, workers: int | None = None) -> list[Thread]:
    """Parse raw sources (files, ``-``, URLs) into threads, with reply inference unless ``infer`` is False.

    Pages of one thread given separately (WordPress ``comment-page-N``) are merged. Local files of
    ``PARSE_POOL_MIN_BYTES`` or more in all are parsed on a process per core (``workers``, when given,
    says how many), and reply inference shares out threads the same way (``infer_all``); the result
    is the same as in one process, and the first bad source in the order given is the error raised.
    """
    specs = list(specs)
    files = [k for k, spec in enumerate(specs) if spec != "-" and not is_url(spec)]
    processes = _processes(workers, len(files), _total_bytes(specs[k] for k in files) >= PARSE_POOL_MIN_BYTES)
    pool = _start_pool(processes) if processes > 1 else None
    try:
        threads = parse_sources(specs, format_name, options, fetch_options, pool)
        return infer_all(_merge_pages(threads), infer, workers, pool)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)


def parse_sources(specs: list[str], format_name: str | None = None, options: Any = None,
                  fetch_options: Any = None, pool: ProcessPoolExecutor | None = None) -> list[Thread]:
    """The threads of each source in order, as parsed (no page merging, no reply inference); local files
    go to ``pool`` when one is given, URLs are fetched here one after the other."""
    threads: list[Thread] = []
    fetcher = None
    parsed: dict[int, Any] = {}
    try:
        try:
            for k, spec in enumerate(specs if pool else ()):
                if spec != "-" and not is_url(spec):
                    parsed[k] = pool.submit(_parse_file, spec, format_name, options)
        except (OSError, BrokenProcessPool):  # no process to be had: what was not sent is parsed here
            pass
        for k, spec in enumerate(specs):
            if k in parsed:
                try:
                    threads.extend(parsed[k].result())
                    continue
                except (OSError, BrokenProcessPool):  # a worker died: parse it here
                    pass
            if is_url(spec):
                if fetcher is None:
                    from commentscope.scraper.fetch.fetcher import Fetcher

                    fetcher = Fetcher(fetch_options)
                threads.extend(_parse(fetcher.fetch(spec), format_name, options))
            else:
                threads.extend(_parse_file(spec, format_name, options))
        return threads
    finally:
        if fetcher is not None:
            fetcher.close()


#: From this many bytes of local files (two or more), they are parsed on a process per core.
PARSE_POOL_MIN_BYTES = 16 * 2**20
#: From this many comments in two threads or more, reply inference runs on a process per core.
INFER_POOL_MIN = 20_000


def _parse(source: Any, format_name: str | None, options: Any) -> list[Thread]:
    from commentscope.scraper.formats import parse_source

    return parse_source(source, format_name, options)


def _parse_file(path: str, format_name: str | None, options: Any) -> list[Thread]:
    from commentscope.scraper.sources import read_source

    return _parse(read_source(path), format_name, options)


def _total_bytes(paths: Iterable[str]) -> int:
    total = 0
    for path in paths:
        try:
            total += os.stat(path).st_size
        except OSError:  # read_source says what is wrong with it, in order
            pass
    return total


def _processes(workers: int | None, tasks: int, big: bool) -> int:
    """``workers`` if given, else every core when the work is ``big``; never more than the tasks."""
    if workers is None:
        workers = (os.cpu_count() or 1) if big else 1
    return max(1, min(workers, tasks))


def _start_pool(processes: int) -> ProcessPoolExecutor | None:
    """``spawn``ed processes (safe beside polars' threads); None where none can be started."""
    try:
        return ProcessPoolExecutor(processes, mp_context=get_context("spawn"))
    except (OSError, ValueError):
        return None


def infer_all(threads: list[Thread], infer: bool = True, workers: int | None = None,
              pool: ProcessPoolExecutor | None = None) -> list[Thread]:
    """``infer_thread_replies`` on every thread, in order. Threads are independent, so from
    ``INFER_POOL_MIN`` comments (or with ``workers`` > 1) they are shared among ``spawn``ed processes
    (``pool``, or one started here), largest first; results are the same as in one process. Where no
    process can be had, this one does them all."""
    total = sum(len(t.comments) for t in threads)
    processes = _processes(workers, len(threads), infer and total >= INFER_POOL_MIN) if infer else 1
    if processes > 1:
        own = pool is None
        pool = _start_pool(processes) if own else pool
        if pool is not None:
            order = sorted(range(len(threads)), key=lambda k: -len(threads[k].comments))
            try:
                futures = {k: pool.submit(infer_thread_replies, threads[k], infer) for k in order}
                return [futures[k].result() for k in range(len(threads))]
            except (OSError, BrokenProcessPool):
                pass
            finally:
                if own:
                    pool.shutdown(cancel_futures=True)
    return [infer_thread_replies(thread, infer) for thread in threads]


def _merge_pages(threads: list[Thread]) -> list[Thread]:
    from commentscope.scraper.formats import FORMATS

    seen: dict[str, Thread] = {}
    for thread in threads:
        if thread.thread_id in seen:
            merge = getattr(FORMATS.get(thread.source_format), "merge_pages", None)
            if merge is None:
                raise UsageError(f"two sources hold the same thread {thread.thread_id!r}", thread.source,
                                 "give each thread once")
        seen[thread.thread_id] = thread
    if len(seen) == len(threads):
        return threads
    merged: list[Thread] = []
    for name in dict.fromkeys(t.source_format for t in threads):
        group = [t for t in threads if t.source_format == name]
        merge = getattr(FORMATS.get(name), "merge_pages", None)
        merged.extend(merge(group) if merge else group)
    return merged


def infer_thread_replies(thread: Thread, infer: bool = True) -> Thread:
    """The thread with reply links inferred (``commentscope.analysis.replies.infer``); the per-cue report goes in
    ``thread.extra["reply_links"]``."""
    from commentscope.analysis.replies.infer import infer_thread

    comments, report = infer_thread(thread.comments, thread.article_text, infer=infer)
    thread.comments = comments
    thread.extra["reply_links"] = report
    return thread


def load(inputs: Iterable[str | Path] | pl.DataFrame, format_name: str | None = None, options: Any = None,
         fetch_options: Any = None, infer: bool = True) -> tuple[pl.DataFrame, list[Thread]]:
    """Load comment records (JSONL written by ``scrape``) and/or raw sources into one frame.

    A frame passed in is returned as is (its threads are bare metadata).
    """
    if isinstance(inputs, pl.DataFrame):
        ids = inputs.get_column("thread_id").unique(maintain_order=True).to_list()
        return inputs, [Thread(thread_id=t, source_format="frame") for t in ids]
    from commentscope.scraper.store import looks_like_records, read_records

    frames: list[pl.DataFrame] = []
    threads: list[Thread] = []
    raw: list[str] = []

    def flush_raw() -> None:
        if raw:
            parsed = read_threads(raw, format_name, options, fetch_options, infer)
            threads.extend(parsed)
            frames.append(comments_frame([c for t in parsed for c in t.comments]))
            raw.clear()

    for spec in map(str, inputs):
        if not is_url(spec) and spec != "-" and format_name is None and looks_like_records(spec):
            flush_raw()
            frame, meta = read_records(spec)
            frames.append(frame)
            threads.extend(meta)
        else:
            raw.append(spec)
    flush_raw()
    _check_unique_threads(threads)
    frame = pl.concat(frames, how="vertical") if frames else comments_frame([])
    return frame, threads


def _check_unique_threads(threads: list[Thread]) -> None:
    seen: set[str] = set()
    for thread in threads:
        if thread.thread_id in seen:
            raise UsageError(f"the thread {thread.thread_id!r} is given twice", thread.source or None,
                             "give each thread once")
        seen.add(thread.thread_id)


def analyze(frame: pl.DataFrame, threads: list[Thread] | None = None, labels: pl.DataFrame | None = None,
            workers: int | None = None) -> pl.DataFrame:
    """Run every stage: structure, sentiment, agreement, stance (and user labels over it)."""
    from commentscope.analysis.stages.agreement import add_agreement
    from commentscope.analysis.stages.sentiment import add_sentiment
    from commentscope.analysis.stages.stance import add_stance, apply_labels
    from commentscope.analysis.stages.structure import add_structure

    analysed = (
        frame.pipe(add_structure)
        .pipe(add_sentiment, workers=workers)
        .pipe(add_agreement)
        .pipe(add_stance, threads or [])
    )
    if labels is not None:
        analysed = apply_labels(analysed, labels)
    first = [c for c in ANALYSED_COLUMNS if c in analysed.columns]
    return analysed.select(*first, *[c for c in analysed.columns if c not in first])


def metrics(frame: pl.DataFrame) -> pl.DataFrame:
    """Per-thread structure metrics plus stance shares and mean sentiment of an analysed frame."""
    from commentscope.analysis.stages.structure import thread_metrics
    from commentscope.analysis.report.tally import tally

    stance = tally(frame, "thread").rename({"thread": "thread_id"}).select(
        "thread_id", "favor_share", "against_share", "none_share", "mean_sentiment")
    return thread_metrics(frame).join(stance, on="thread_id", how="left")
