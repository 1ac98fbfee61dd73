"""The thread dashboard: one self-contained HTML page per thread, written into ``dashboards/``.

The page holds Vega, Vega-Lite and vega-embed (the ``vl-convert`` bundle), the chart specs and the
comments inline, so it opens from disk with no network. Comment text, author names, titles and URLs are
hostile input: they travel only inside ``<script type="application/json">`` with ``<``, ``>``, ``&``,
U+2028 and U+2029 escaped, or as HTML-escaped text; the page's script reads them with ``JSON.parse``
and puts them on the page with ``textContent`` only. A Content-Security-Policy forbids every fetch.
The same input gives the same bytes: no timestamps, no random ids, fixed param names.
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import re
from pathlib import Path
from typing import Any, Iterable, Mapping

import polars as pl

from commentscope.analysis.views import chart_data as data
from commentscope.analysis.views.chart_data import DETAIL_LIMIT, STANCES
from commentscope.scraper.errors import CommentscopeError, UsageError
from commentscope.scraper.records import Thread
from commentscope.scraper.store import atomic_open, atomic_write_bytes

STATIC = Path(__file__).resolve().parent / "static"
#: What a click on each view selects (None: clicks there select nothing).
CLICK = {"overview": "author", "reply-tree": "author", "stance": "stance", "sentiment-time": "author",
         "participation": "author", "reply-matrix": "author", "chains": None}
#: Comment text in the table is cut to this many characters in threads above the detail limit.
LARGE_TEXT_CHARS = 280
CSP = ("default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; "
       "img-src data:; font-src 'none'; connect-src 'none'; base-uri 'none'; form-action 'none'")
_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


def script_json(payload: Any) -> str:
    """JSON safe inside ``<script type="application/json">``: no ``</script>``, no ``<!--``, no raw
    line separators (every ``<``, ``>``, ``&``, U+2028, U+2029 becomes a ``\\u`` escape with four hex digits)."""
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return re.sub("[<>&\u2028\u2029]", lambda match: _JSON_ESCAPES[match.group(0)], text)


@functools.lru_cache(maxsize=1)
def vega_bundle() -> str:
    """Vega, Vega-Lite and vega-embed as one inline script (``window.vegaEmbed``), matching altair's
    Vega-Lite version. Built once per process (about two seconds)."""
    import altair as alt
    import vl_convert

    version = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    bundle = vl_convert.javascript_bundle(vl_version=version)
    # Only ever inside JS strings or comments in the bundle; `<\/` means the same there.
    return re.sub(r"</(script)", r"<\\/\1", bundle, flags=re.IGNORECASE)


def static_text(name: str) -> str:
    """One of our own assets in ``analysis/static`` (the page script and style)."""
    path = STATIC / name
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        raise CommentscopeError(f"the dashboard asset is missing ({error.strerror})", str(path),
                                "reinstall commentscope so analysis/static is included") from None


def thread_meta(thread: Thread | Mapping[str, Any]) -> dict[str, Any]:
    """Title, URL, site, source and format of a ``Thread`` or a metadata dict (missing keys -> None)."""
    keys = ("thread_id", "title", "url", "site", "source", "source_format", "declared_count")
    if isinstance(thread, Mapping):
        meta = {key: thread.get(key) for key in keys}
    else:
        meta = {key: getattr(thread, key, None) for key in keys}
    if not meta["thread_id"]:
        raise UsageError("a thread has no thread_id", None, "give threads as commentscope.scraper.records.Thread or dicts with thread_id")
    meta["thread_id"] = str(meta["thread_id"])
    return meta


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


def hoist_datasets(specs: Mapping[str, dict[str, Any]]) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """Move every spec's named datasets into one shared map, so rows several views use (the
    per-comment rows) are embedded once; the page script puts them back before embedding."""
    shared: dict[str, Any] = {}
    slim: dict[str, dict[str, Any]] = {}
    for name, spec in specs.items():
        datasets = spec.get("datasets", {})
        shared.update(datasets)
        slim[name] = {**{k: v for k, v in spec.items() if k != "datasets"}, "usermeta": {"datasets": sorted(datasets)}}
    return slim, shared


def _table_rows(comments: pl.DataFrame, limit: int) -> list[dict[str, Any]]:
    points = data.comment_points(comments)
    texts = data.normalise(comments).get_column("text")
    if comments.height > limit:
        texts = pl.Series([t if len(t) <= LARGE_TEXT_CHARS else t[:LARGE_TEXT_CHARS] + "…" for t in texts.to_list()])
    table = points.select("position", "author", "time", "stance", "sentiment", "depth").with_columns(texts.alias("text"))
    return table.to_dicts()


def _authors(comments: pl.DataFrame) -> list[list[Any]]:
    counts = data.normalise(comments).group_by("author").len().sort(["len", "author"], descending=[True, False])
    return [[author, count] for author, count in counts.iter_rows()]


def _counts(comments: pl.DataFrame) -> list[tuple[str, str]]:
    norm = data.normalise(comments)
    replies = int(norm.get_column("depth").gt(0).sum())
    deepest = int(norm.get_column("depth").max() or 0) if norm.height else 0
    stance = norm.get_column("stance").value_counts()
    tally = {s: int(stance.filter(pl.col("stance") == s).get_column("count").sum()) for s in STANCES}
    return [(f"{norm.height:,}", "comments"), (f"{norm.get_column('author').n_unique():,}", "authors"),
            (f"{replies:,}", "replies"), (f"{norm.height - replies:,}", "top-level"), (str(deepest), "deepest level"),
            *[(f"{tally[s]:,}", s) for s in STANCES]]


def _source_line(meta: Mapping[str, Any]) -> str:
    parts = [("site", meta.get("site")), ("URL", meta.get("url")), ("source", meta.get("source")),
             ("format", meta.get("source_format"))]
    return " · ".join(f"{label}: <span class=\"cs-value\">{html.escape(str(value))}</span>"
                      for label, value in parts if value)


def _section(name: str) -> str:
    return f'<section class="cs-chart" data-chart="{name}"><div class="cs-view" id="cs-view-{name}"></div></section>'


def render_page(title: str, header: str, body: str, payload: Any) -> str:
    """The full HTML document: our style, the escaped header and body, the JSON payload, the Vega
    bundle and our script, all inline."""
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)} — commentscope</title>",
        f"<style>{static_text('dashboard.css')}</style>",
        "</head><body>",
        header,
        body,
        f'<script type="application/json" id="cs-data">{script_json(payload)}</script>',
        f"<script>{vega_bundle()}</script>",
        f"<script>{static_text('dashboard.js')}</script>",
        "</body></html>",
        "",
    ])


def build_dashboard(frame: pl.DataFrame, thread: Thread | Mapping[str, Any], *, limit: int = DETAIL_LIMIT) -> str:
    """The HTML dashboard of one thread of an analysed frame (rows of other threads are ignored).

    Up to ``limit`` comments every view draws each comment; above it the views aggregate."""
    meta = thread_meta(thread)
    comments = thread_comments(frame, meta["thread_id"])
    return _page(comments, meta, chart_specs(comments, limit), limit)


def _page(comments: pl.DataFrame, meta: Mapping[str, Any], specs: Mapping[str, dict[str, Any]], limit: int) -> str:
    slim, datasets = hoist_datasets(specs)
    title = meta.get("title") or meta["thread_id"]
    payload = {
        "kind": "thread",
        "charts": [{"name": name, "spec": spec, "click": CLICK.get(name)} for name, spec in slim.items()],
        "datasets": datasets,
        "comments": _table_rows(comments, limit),
        "authors": _authors(comments),
        "stances": list(STANCES),
    }
    counts = "".join(f"<li><b>{value}</b> {label}</li>" for value, label in _counts(comments))
    header = (
        '<header class="cs-header">'
        f"<h1>{html.escape(str(title))}</h1>"
        f'<p class="cs-source">{_source_line(meta)}</p>'
        f'<ul class="cs-counts">{counts}</ul>'
        '<div class="cs-controls">'
        '<label>Author <select id="cs-author"><option value="">all authors</option></select></label>'
        '<label>Stance <select id="cs-stance"><option value="">all stances</option></select></label>'
        '<button type="button" id="cs-clear">Clear selection</button>'
        '<span class="cs-hint">or click a mark: a point or bar selects its author, a stance bar its stance</span>'
        "</div></header>"
    )
    body = (
        '<main class="cs-grid">' + "".join(_section(name) for name in slim) + "</main>"
        '<section class="cs-table-section"><h2>Comments</h2><p id="cs-table-status"></p>'
        '<table id="cs-table"><thead><tr><th>#</th><th>author</th><th>time</th><th>stance</th>'
        "<th>sentiment</th><th>comment</th></tr></thead><tbody></tbody></table></section>"
    )
    return render_page(str(title), header, body, payload)


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


def _all_threads(frame: pl.DataFrame, threads: Iterable[Thread | Mapping[str, Any]]) -> list[dict[str, Any]]:
    metas = [thread_meta(thread) for thread in threads]
    known = {meta["thread_id"] for meta in metas}
    for thread_id in frame.get_column("thread_id").unique(maintain_order=True).to_list():
        if thread_id is not None and thread_id not in known:
            metas.append(thread_meta({"thread_id": thread_id}))
            known.add(thread_id)
    return metas


def write_dashboards(frame: pl.DataFrame, threads: Iterable[Thread | Mapping[str, Any]], out_dir: Path,
                     png: bool = False, svg: bool = False, *, limit: int = DETAIL_LIMIT) -> list[Path]:
    """Write ``<out_dir>/<safe thread id>.html`` for every thread (those in ``threads`` plus any other
    thread in the frame), and with ``png``/``svg`` each view as ``<safe id>-<chart>.png|svg``.
    Files are written atomically; the folder is created. Returns the HTML paths, in thread order
    (their sizes are ``path.stat().st_size``)."""
    data.check_columns(frame)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    metas = _all_threads(frame, threads)
    names = [safe_name(meta["thread_id"]) for meta in metas]
    if len(set(names)) != len(names):
        raise UsageError("two threads have the same thread_id", str(out_dir), "give each thread once")
    paths: list[Path] = []
    for meta, name in zip(metas, names):
        path = out_dir / f"{name}.html"
        if path.resolve().parent != out_dir.resolve():
            raise UsageError(f"the thread id {meta['thread_id']!r} does not make a file name", str(out_dir),
                             "rename the thread")
        comments = thread_comments(frame, meta["thread_id"])
        specs = chart_specs(comments, limit)
        with atomic_open(path) as handle:
            handle.write(_page(comments, meta, specs, limit))
        if png or svg:
            write_images(specs, out_dir, name, png=png, svg=svg)
        paths.append(path)
    return paths
