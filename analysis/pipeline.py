"""The Python API: read threads, run the analysis stages, get the analysed frame and metrics back.

    from commentscope.analysis.pipeline import load, analyze, metrics
    frame, threads = load(["comments.jsonl"])          # records, raw pages, or URLs
    analysed = analyze(frame, threads)                  # SPEC.md analysed records as a polars frame
    per_thread = metrics(analysed)

The pipeline, in order: ``commentscope.scraper.read`` turns sources into threads; reply inference
(``replies``) links who answers whom in flat threads (``read_threads``); the stages (``stages``) add
structure, sentiment, agreement and stance (``analyze``); views and reports draw and export the result.
The CLI runs exactly these functions.
"""

from __future__ import annotations

from concurrent.futures import Executor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Iterable

import polars as pl

from commentscope.analysis.run.pool import process_pool, worker_count
from commentscope.scraper.errors import UsageError
from commentscope.scraper.read import ReadOptions, is_local, local_bytes, read_sources
from commentscope.scraper.records import ANALYSED_COLUMNS, Thread, comments_frame


def read_threads(specs: Iterable[str], options: ReadOptions | None = None, workers: int | None = None) -> list[Thread]:
    """Parse raw sources (files, ``-``, URLs) into threads, with reply links inferred unless
    ``options.infer`` is False. Local files and reply inference share one pool of processes when the
    work is big enough (``commentscope.analysis.run.pool``; ``workers`` overrides it); the result is the
    same as in one process, and the first bad source in the order given is the error raised."""
    specs = list(specs)
    options = options or ReadOptions()
    files = [spec for spec in specs if is_local(spec)]
    processes = worker_count(workers, tasks=len(files), nbytes=local_bytes(files) if len(files) > 1 else 0)
    with process_pool(processes if processes > 1 else 0) as pool:
        threads = read_sources(specs, options, pool)
        return infer_all(threads, options.infer, workers, pool)


def infer_all(threads: list[Thread], infer: bool = True, workers: int | None = None,
              pool: Executor | None = None) -> list[Thread]:
    """``infer_thread_replies`` on every thread, in order. Threads are independent, so big work is shared
    among processes (``pool``, or one started here), largest thread first; the result is the same as in
    one process. Where no process can be had, this one does them all."""
    total = sum(len(t.comments) for t in threads)
    processes = worker_count(workers, comments=total, tasks=len(threads)) if infer else 1
    if processes > 1:
        if pool is not None:
            done = _infer_on(pool, threads, infer)
            if done is not None:
                return done
        else:
            with process_pool(processes) as own:
                done = _infer_on(own, threads, infer) if own is not None else None
            if done is not None:
                return done
    return [infer_thread_replies(thread, infer) for thread in threads]


def _infer_on(pool: Executor, threads: list[Thread], infer: bool) -> list[Thread] | None:
    order = sorted(range(len(threads)), key=lambda k: -len(threads[k].comments))
    try:
        futures = {k: pool.submit(infer_thread_replies, threads[k], infer) for k in order}
        return [futures[k].result() for k in range(len(threads))]
    except (OSError, BrokenProcessPool):
        return None


def infer_thread_replies(thread: Thread, infer: bool = True) -> Thread:
    """The thread with reply links inferred (``commentscope.analysis.replies.infer``) and the per-cue
    counts in ``thread.reply_links``."""
    from commentscope.analysis.replies.infer import infer_thread

    thread.comments, thread.reply_links = infer_thread(thread.comments, thread.article_text, infer=infer)
    return thread


def load(inputs: Iterable[str | Path] | pl.DataFrame, options: ReadOptions | None = None) -> tuple[pl.DataFrame, list[Thread]]:
    """Load comment records (JSONL written by ``scrape``) and/or raw sources into one frame, with the
    threads' metadata. A frame passed in is returned as is (its threads are bare metadata)."""
    if isinstance(inputs, pl.DataFrame):
        ids = inputs.get_column("thread_id").unique(maintain_order=True).to_list()
        return inputs, [Thread(thread_id=t, source_format="frame") for t in ids]
    from commentscope.scraper.store import looks_like_records, read_records

    options = options or ReadOptions()
    frames: list[pl.DataFrame] = []
    threads: list[Thread] = []
    raw: list[str] = []

    def flush_raw() -> None:
        if raw:
            parsed = read_threads(raw, options)
            threads.extend(parsed)
            frames.append(comments_frame([c for t in parsed for c in t.comments]))
            raw.clear()

    for spec in map(str, inputs):
        if is_local(spec) and options.format_name is None and looks_like_records(spec):
            flush_raw()
            frame, meta = read_records(spec)
            frames.append(frame)
            threads.extend(meta)
        else:
            raw.append(spec)
    flush_raw()
    check_unique_threads(threads)
    frame = pl.concat(frames, how="vertical") if frames else comments_frame([])
    return frame, threads


def check_unique_threads(threads: Iterable[Thread]) -> None:
    """UsageError when two inputs hold the same thread."""
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
    from commentscope.analysis.stages.labels import apply_labels
    from commentscope.analysis.stages.sentiment import add_sentiment
    from commentscope.analysis.stages.stance import add_stance
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
    from commentscope.analysis.report.tally import tally
    from commentscope.analysis.stages.structure import thread_metrics

    stance = tally(frame, "thread").rename({"thread": "thread_id"}).select(
        "thread_id", "favor_share", "against_share", "none_share", "mean_sentiment")
    return thread_metrics(frame).join(stance, on="thread_id", how="left")
