"""The thread dashboard: one self-contained HTML page per thread, written into ``dashboards/``.

A page reads top to bottom: the article and the thread's counts (``header``), how far to trust the
labels (``trust``), what each side says and the most answered comments (``sides``, ``conversation``),
then the conversation threaded beside the views (``charts``), linked by one selection (an author, a
stance, a chain), and how to correct the labels.

The page holds Vega, Vega-Lite and vega-embed (the ``vl-convert`` bundle), the chart specs and the
comments inline, so it opens from disk with no network. Comment text, author names, titles and URLs are
hostile input: they travel only inside ``<script type="application/json">`` with ``<``, ``>``, ``&``,
U+2028 and U+2029 escaped, or as HTML-escaped text; the page's script reads them with ``JSON.parse``
and puts them on the page with ``textContent`` only. The page is ``templates/dashboard.html`` (see
``page``: every value escaped by the engine). A Content-Security-Policy forbids every fetch.
The same input gives the same bytes: no timestamps, no random ids, fixed param names.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any, Iterable, Mapping

import polars as pl

from commentscope.analysis.views import chart_data as data
from commentscope.analysis.views import trust
from commentscope.analysis.views.chart_data import DETAIL_LIMIT, STANCES
from commentscope.analysis.views.conversation import conversation_rows, most_answered
from commentscope.analysis.views.header import article_context, header_counts
from commentscope.analysis.views.page import hoist_datasets, render
from commentscope.analysis.views.sides import side_summary
from commentscope.scraper.errors import UsageError
from commentscope.scraper.records import Thread
from commentscope.scraper.atomic import atomic_open, atomic_write_bytes

#: What a click on each view selects (None: clicks there select nothing).
CLICK = {"reply-tree": "author", "chains": "chain", "exchanges": "author", "stance": "stance",
         "participation": "author", "sentiment-time": "author", "confidence": "author"}
#: The collection index every page of a several-thread run links back to.
INDEX_NAME = "index.html"
#: Names a thread page may not take: Windows device names, and the collection's own pages.
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10)),
             "index", "comparison"}


def checked_threads(threads: Iterable[Thread], thread_ids: Iterable[str | None] = ()) -> list[Thread]:
    """The given threads, then a bare ``Thread`` (metadata unknown: ``source_format`` empty) for each
    other id of ``thread_ids`` (a frame's ``thread_id`` column), in order. A thread or id that is
    empty is refused: it names no page."""
    threads = list(threads)
    known = {thread.thread_id for thread in threads}
    for thread_id in thread_ids:
        if thread_id is not None and thread_id not in known:
            threads.append(Thread(thread_id=thread_id, source_format=""))
            known.add(thread_id)
    if not all(thread.thread_id for thread in threads):
        raise UsageError("a thread has no thread_id", None, "give every thread and comment a thread_id")
    return threads


def safe_name(thread_id: str) -> str:
    """A file name for a thread id that can never leave its folder: only ``A-Za-z0-9._-``, no leading
    dot, at most 100 characters; when anything had to change, or the id has capitals (which clash on
    case-insensitive disks), a short hash of the id keeps it unique."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", thread_id).lstrip(".-")[:100].rstrip(".-")
    if cleaned.lower().split(".")[0] in _RESERVED:
        cleaned = f"thread-{cleaned}"
    if cleaned != thread_id or not cleaned or cleaned != cleaned.lower():  # case-insensitive disks too
        digest = hashlib.sha1(thread_id.encode("utf-8")).hexdigest()[:8]
        cleaned = f"{cleaned or 'thread'}-{digest}"
    return cleaned


def thread_comments(frame: pl.DataFrame, thread_id: str) -> pl.DataFrame:
    """The thread's rows of an analysed frame, checked for the analysed columns."""
    data.check_columns(frame)
    return frame.filter(pl.col("thread_id") == thread_id)


def chart_specs(comments: pl.DataFrame, limit: int = DETAIL_LIMIT) -> dict[str, dict[str, Any]]:
    """Each view's Vega-Lite spec (data inline), by chart name."""
    from commentscope.analysis.views.charts import CHARTS

    return {name: build(comments, limit=limit).to_dict() for name, build in CHARTS.items()}


def _source(thread: Thread) -> list[tuple[str, str]]:
    parts = [("site", thread.site), ("URL", thread.url), ("source", thread.source), ("format", thread.source_format)]
    return [(label, value) for label, value in parts if value]


def _chains(conversation: list[dict[str, Any]]) -> list[list[Any]]:
    """The chain menu: [root id, "#1 Lenny · 8 comments"] for each chain that drew replies, largest first."""
    sizes: dict[str, int] = {}
    for row in conversation:
        sizes[row["root"]] = sizes.get(row["root"], 0) + 1
    heads = [row for row in conversation if row["depth"] == 0 and row["id"] == row["root"] and sizes[row["root"]] > 1]
    heads.sort(key=lambda row: (-sizes[row["root"]], row["position"]))
    return [[row["root"], f"#{row['position']} {row['author']} · {sizes[row['root']]} comments"] for row in heads[:500]]


def build_dashboard(frame: pl.DataFrame, thread: Thread, *, limit: int = DETAIL_LIMIT) -> str:
    """The HTML dashboard of one thread of an analysed frame (rows of other threads are ignored).

    Up to ``limit`` comments every view draws each comment; above it the views aggregate."""
    [thread] = checked_threads([thread])
    comments = thread_comments(frame, thread.thread_id)
    return _page(comments, thread, chart_specs(comments, limit), limit)


def _page(comments: pl.DataFrame, thread: Thread, specs: Mapping[str, dict[str, Any]], limit: int,
          index: str | None = None) -> str:
    from commentscope.analysis.views.charts import HELP

    norm = data.normalise(comments)
    slim, datasets = hoist_datasets(specs)
    conversation = conversation_rows(comments, limit)
    authors = norm.group_by("author").len().sort(["len", "author"], descending=[True, False])
    payload = {
        "kind": "thread",
        "charts": [{"name": name, "spec": spec, "click": CLICK.get(name)} for name, spec in slim.items()],
        "datasets": datasets,
        "comments": conversation,
        "authors": [[author, count] for author, count in authors.iter_rows()],
        "stances": list(STANCES),
        "chains": _chains(conversation),
        "sides": side_summary(comments),
        "answered": most_answered(comments),
        "confident": trust.CONFIDENT,
    }
    return render("dashboard.html", title=thread.title or thread.thread_id, thread_id=thread.thread_id,
                  article=article_context(thread, norm), source=_source(thread), counts=header_counts(norm),
                  trust={"sentence": trust.trust_sentence(trust.read_quality()), "faded": trust.faded_counts(norm),
                         "threshold": f"{trust.CONFIDENT:g}", "faded_means": trust.FADED_MEANS},
                  index=index, charts=[(name, HELP.get(name, "")) for name in slim], payload=payload)


def write_images(specs: Mapping[str, dict[str, Any]], out_dir: Path, stem: str, png: bool = False,
                 svg: bool = False) -> list[Path]:
    """Each view as a static ``<stem>-<chart>.png`` / ``.svg`` rendered by vl-convert."""
    import vl_convert

    import altair as alt

    version = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    written: list[Path] = []
    for name, spec in specs.items():
        if svg:
            path = out_dir / f"{stem}-{name}.svg"
            with atomic_open(path) as handle:
                handle.write(vl_convert.vegalite_to_svg(spec, vl_version=version))
            written.append(path)
        if png:
            path = out_dir / f"{stem}-{name}.png"
            atomic_write_bytes(path, vl_convert.vegalite_to_png(spec, vl_version=version, scale=2))
            written.append(path)
    return written


def write_dashboards(frame: pl.DataFrame, threads: Iterable[Thread], out_dir: Path,
                     png: bool = False, svg: bool = False, *, limit: int = DETAIL_LIMIT,
                     collection: bool = False) -> list[Path]:
    """Write ``<out_dir>/<safe thread id>.html`` for every thread (those in ``threads`` plus any other
    thread in the frame), and with ``png``/``svg`` each view as ``<safe id>-<chart>.png|svg``. With
    ``collection`` each page links back to the folder's ``index.html`` (``collection.write_collection``
    writes it). Files are written atomically; the folder is created. Returns the HTML paths, in thread
    order (their sizes are ``path.stat().st_size``)."""
    data.check_columns(frame)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    threads = checked_threads(threads, frame.get_column("thread_id").unique(maintain_order=True))
    names = [safe_name(thread.thread_id) for thread in threads]
    if len(set(names)) != len(names):
        raise UsageError("two threads have the same thread_id", str(out_dir), "give each thread once")
    paths: list[Path] = []
    for thread, name in zip(threads, names):
        path = out_dir / f"{name}.html"
        if path.resolve().parent != out_dir.resolve():
            raise UsageError(f"the thread id {thread.thread_id!r} does not make a file name", str(out_dir),
                             "rename the thread")
        comments = thread_comments(frame, thread.thread_id)
        specs = chart_specs(comments, limit)
        with atomic_open(path) as handle:
            handle.write(_page(comments, thread, specs, limit, INDEX_NAME if collection else None))
        if png or svg:
            write_images(specs, out_dir, name, png=png, svg=svg)
        paths.append(path)
    return paths
