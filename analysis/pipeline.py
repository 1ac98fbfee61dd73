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
from commentscope.scraper.records import ANALYSED_COLUMNS, ANALYSED_SCHEMA, Thread, comments_frame


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
    frame = pl.concat(frames, how="diagonal_relaxed") if frames else comments_frame([])
    return frame, threads


def check_unique_threads(threads: Iterable[Thread]) -> None:
    """UsageError when two inputs hold the same thread."""
    seen: set[str] = set()
    for thread in threads:
        if thread.thread_id in seen:
            raise UsageError(f"the thread {thread.thread_id!r} is given twice", thread.source or None,
                             "give each thread once")
        seen.add(thread.thread_id)


#: What each stage adds. A frame that already holds a stage's columns keeps their values (``analyze``).
STAGE_COLUMNS = {
    "sentiment": ("sentiment", "sentiment_label"),
    "agreement": ("agreement", "agreement_confidence", "agreement_evidence"),
    "stance": ("stance", "stance_confidence", "stance_target", "stance_evidence"),
}
#: ``stance_source`` of a label the machine gave, and of one a person gave (``--labels``).
MODEL, HUMAN = "model", "human"


def analyze(frame: pl.DataFrame, threads: list[Thread] | None = None, labels: pl.DataFrame | None = None,
            workers: int | None = None, reanalyze: bool = False) -> pl.DataFrame:
    """Run every stage: structure, sentiment, agreement, stance, then the user's ``labels`` over stance.

    Analysed records are the truth downstream: where ``frame`` already has a stage's columns (records
    written by ``analyze``), their values are kept and the stage fills only the rows that lack one, so
    a second command neither redoes nor undoes the first. ``reanalyze`` recomputes every machine label.
    A stance a person gave (``stance_source`` "human") is kept in every case.
    """
    from commentscope.analysis.stages.structure import add_structure

    kept = _kept_columns(frame, reanalyze)
    analysed = frame.drop([c for cs in STAGE_COLUMNS.values() for c in cs if c in frame.columns], "depth",
                          "root_id", strict=False).pipe(add_structure)
    analysed = _sentiment(analysed, kept, workers)
    analysed = _stage(analysed, kept, "agreement", lambda f: _add_agreement(f))
    analysed = _stage(analysed, kept, "stance", lambda f: _add_stance(f, threads or []))
    clear_text_caches()  # stance clears them when it runs; agreement leaves them for it
    source = kept.get("stance_source")
    analysed = analysed.with_columns(
        (source.fill_null(MODEL) if source is not None else pl.lit(MODEL, pl.String)).alias("stance_source"))
    if labels is not None:
        from commentscope.analysis.stages.labels import apply_labels

        analysed = apply_labels(analysed, labels)
    first = [c for c in ANALYSED_COLUMNS if c in analysed.columns]
    return analysed.select(*first, *[c for c in analysed.columns if c not in first])


def _kept_columns(frame: pl.DataFrame, reanalyze: bool) -> dict[str, pl.Series]:
    """The analysed values ``frame`` already holds that ``analyze`` keeps: all of them, or with
    ``reanalyze`` only the stances people gave."""
    names = [c for cs in STAGE_COLUMNS.values() for c in cs] + ["stance_source"]
    kept = {name: frame.get_column(name) for name in names if name in frame.columns}
    if reanalyze:
        human = kept.get("stance_source", pl.Series([None] * frame.height, dtype=pl.String)) == HUMAN
        human = human.fill_null(False)
        kept = {name: series.zip_with(human, pl.Series([None] * frame.height, dtype=series.dtype))
                for name, series in kept.items() if name in STAGE_COLUMNS["stance"] + ("stance_source",)}
    return kept


#: The columns a frame must hold for a stage's values to be kept.
_REQUIRED = {"sentiment": ("sentiment", "sentiment_label"), "agreement": ("agreement",), "stance": ("stance",)}


def _missing(frame: pl.DataFrame, kept: dict[str, pl.Series], stage: str) -> pl.Series | None:
    """Rows whose ``stage`` value is missing from the kept columns (None: every row is). A top-level
    comment has no agreement to miss."""
    if not all(name in kept for name in _REQUIRED[stage]):
        return None
    missing = kept[_REQUIRED[stage][0]].is_null()
    if stage == "agreement":
        missing = missing & frame.get_column("parent_id").is_not_null()
    return missing


def _sentiment(frame: pl.DataFrame, kept: dict[str, pl.Series], workers: int | None) -> pl.DataFrame:
    """Sentiment scores each comment alone, so only the rows that lack one are scored."""
    from commentscope.analysis.stages.sentiment import add_sentiment

    missing = _missing(frame, kept, "sentiment")
    if missing is None:
        return frame.pipe(add_sentiment, workers=workers)
    if not missing.any():
        return frame.with_columns(kept["sentiment"], kept["sentiment_label"])
    scored = add_sentiment(frame.filter(missing), workers=workers)
    rows = pl.arg_where(missing, eager=True)
    merged = {}
    for name in STAGE_COLUMNS["sentiment"]:
        values = kept[name].to_list() if name in kept else [None] * frame.height
        for row, value in zip(rows.to_list(), scored.get_column(name).to_list()):
            values[row] = value
        merged[name] = pl.Series(name, values, dtype=scored.schema[name])
    return frame.with_columns(*merged.values())


def _stage(frame: pl.DataFrame, kept: dict[str, pl.Series], stage: str, run) -> pl.DataFrame:
    """Agreement and stance read the thread around a comment, so they run on the whole frame; the values
    kept win where present."""
    missing = _missing(frame, kept, stage)
    if missing is not None and not missing.any():
        return frame.with_columns(*[kept.get(c, pl.Series(c, [None] * frame.height, dtype=ANALYSED_SCHEMA[c]))
                                    for c in STAGE_COLUMNS[stage]])
    computed = run(frame)
    if missing is None:
        return computed
    return computed.with_columns(
        pl.coalesce(kept[name], computed.get_column(name)).alias(name) if name in kept else pl.col(name)
        for name in STAGE_COLUMNS[stage])


def _add_agreement(frame: pl.DataFrame) -> pl.DataFrame:
    from commentscope.analysis.stages.agreement import add_agreement

    return add_agreement(frame, clear=False)  # the stance stage reads the same texts next


def clear_text_caches() -> None:
    from commentscope.analysis.stages.agreement import clear_caches

    clear_caches()


def _add_stance(frame: pl.DataFrame, threads: list[Thread], probabilities: bool = False) -> pl.DataFrame:
    from commentscope.analysis.stages.stance import add_stance

    return add_stance(frame, threads, probabilities=probabilities)


def adapt_to_labels(analysed: pl.DataFrame, threads: list[Thread] | None, labels: pl.DataFrame):
    """Hand labels over an analysed frame: the model's stance of every comment is computed afresh, a
    recalibration the labels teach relabels the rest where cross-validation says it helps
    (``stages.adapt``), then the labels are set (``stance_source`` "human"), as are those a person gave
    before. Returns the frame and what adapting did (``Adaptation.summary()`` says it in a line)."""
    from commentscope.analysis.stages.adapt import adapt
    from commentscope.analysis.stages.labels import apply_labels

    earlier = analysed.filter(pl.col("stance_source") == HUMAN).select("thread_id", "id", "stance") \
        if "stance_source" in analysed.columns else None
    fresh = _add_stance(analysed.drop(STAGE_COLUMNS["stance"], strict=False), threads or [], probabilities=True)
    taught = labels if earlier is None else pl.concat([earlier.join(labels, on=["thread_id", "id"], how="anti"), labels])
    adapted, adaptation = adapt(fresh, taught)
    out = apply_labels(adapted.drop("stance_probabilities"), taught)
    return out.select(analysed.columns + [c for c in out.columns if c not in analysed.columns]), adaptation


def metrics(frame: pl.DataFrame) -> pl.DataFrame:
    """Per-thread structure metrics plus stance shares and mean sentiment of an analysed frame."""
    from commentscope.analysis.report.tally import tally
    from commentscope.analysis.stages.structure import thread_metrics

    stance = tally(frame, "thread", decimals=None).rename({"thread": "thread_id"}).select(
        "thread_id", "favor_share", "against_share", "none_share", "mean_sentiment")
    return thread_metrics(frame).join(stance, on="thread_id", how="left")
