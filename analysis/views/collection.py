"""A collection of threads in one folder: ``index.html`` linking every thread's page (one line of figures
per thread) and the comparison page, so a site's many threads can be browsed.

``commentscope dashboard`` given two or more threads writes, beside the thread pages, ``comparison.html``
(when at least two threads have comments) and ``index.html``. The index is ``templates/index.html``: no
script, every value escaped by the engine, links only to the file names ``dashboard.safe_name`` made.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Sequence

import polars as pl

from commentscope.analysis.views import chart_data as data
from commentscope.analysis.views.chart_data import STANCES
from commentscope.analysis.views.compare import comparison_metrics, write_comparison
from commentscope.analysis.views.dashboard import INDEX_NAME, checked_threads
from commentscope.analysis.views.page import render
from commentscope.scraper.atomic import atomic_open
from commentscope.scraper.errors import UsageError
from commentscope.scraper.records import Thread

COMPARISON_NAME = "comparison.html"
#: The index's columns after the thread: heading, what it means.
COLUMNS = (("comments", "comments in the thread"), ("authors", "different names that commented"),
           ("replies", "comments that answer another comment"),
           ("favor", "share of comments labelled as supporting the article"),
           ("against", "share of comments labelled as opposing the article"),
           ("none", "share of comments labelled as taking no side"),
           ("mean sentiment", "average tone, from −1 (negative) to +1 (positive)"))


def index_rows(frame: pl.DataFrame, threads: Sequence[Thread], pages: Sequence[Path]) -> list[dict[str, Any]]:
    """One dict per thread page: ``href`` (the page's file name), ``title``, ``site``, ``source`` and
    ``cells`` (the ``COLUMNS`` figures as text)."""
    present = frame.get_column("thread_id").unique().to_list() if frame.height else []
    metrics = comparison_metrics(frame) if frame.height else pl.DataFrame()
    by_thread = {row["thread_id"]: row for row in metrics.iter_rows(named=True)} if metrics.height else {}
    rows = []
    for thread, page in zip(threads, pages):
        figures = by_thread.get(thread.thread_id) if thread.thread_id in present else None
        if figures is None:
            cells = ["0", "0", "0", "–", "–", "–", "–"]
        else:
            cells = [f"{figures['comments']:,}", f"{figures['authors']:,}", f"{figures['replies']:,}",
                     *(f"{figures[f'{s}_share']:.0%}" for s in STANCES), f"{figures['mean_sentiment']:+.2f}"]
        rows.append({"href": page.name, "title": thread.title or thread.thread_id, "site": thread.site or "",
                     "source": thread.source or "", "cells": cells})
    return rows


def write_index(frame: pl.DataFrame, threads: Iterable[Thread], pages: Sequence[Path], out_dir: Path,
                comparison: Path | None = None) -> Path:
    """Write ``<out_dir>/index.html`` linking each of ``pages`` (one per thread, in order, as
    ``write_dashboards`` returned them) and ``comparison`` when given; return its path."""
    data.check_columns(frame)
    threads = checked_threads(threads, frame.get_column("thread_id").unique(maintain_order=True))
    out_dir = Path(out_dir)
    if len(threads) != len(pages):
        raise UsageError(f"{len(threads)} threads but {len(pages)} pages", str(out_dir), "give one page per thread")
    for page in [*pages, *([comparison] if comparison else [])]:
        if Path(page).resolve().parent != out_dir.resolve():
            raise UsageError(f"{page} is not in {out_dir}", str(out_dir), "write the pages and the index to one folder")
    rows = index_rows(frame, threads, pages)
    total = frame.height
    path = out_dir / INDEX_NAME
    with atomic_open(path) as handle:
        handle.write(render("index.html", title=f"{len(threads)} threads", rows=rows, columns=COLUMNS,
                            comparison=comparison.name if comparison else None,
                            counts=[(f"{len(threads):,}", "threads"), (f"{total:,}", "comments"),
                                    (f"{frame.get_column('author').n_unique():,}" if total else "0", "authors")]))
    return path


def write_collection(frame: pl.DataFrame, threads: Iterable[Thread], pages: Sequence[Path], out_dir: Path) -> list[Path]:
    """Beside the thread pages in ``out_dir``: ``comparison.html`` when two or more threads have
    comments, then ``index.html`` linking everything. Returns the paths written, in that order."""
    threads = checked_threads(threads, frame.get_column("thread_id").unique(maintain_order=True))
    written: list[Path] = []
    with_comments = set(frame.get_column("thread_id").unique().to_list())
    if sum(1 for thread in threads if thread.thread_id in with_comments) >= 2:
        written.append(write_comparison(frame, threads, Path(out_dir) / COMPARISON_NAME))
    written.append(write_index(frame, threads, pages, out_dir, written[0] if written else None))
    return written
