"""The polars side of the charts: every view's rows are aggregated here, before altair sees them.

Each function takes the analysed comments of ONE thread (``commentscope.scraper.records.COMMENT_SCHEMA`` columns plus
``sentiment``, ``stance``, ``agreement``, ``depth``, ``root_id``) and returns a small frame shaped for
one view. Rows are sorted explicitly so the same input always gives the same bytes in the page.
"""

from __future__ import annotations

import math

import polars as pl

from commentscope.scraper.errors import InputError

STANCES = ("favor", "against", "none")
#: Columns a dashboard cannot be drawn without; the rest are filled in when absent.
REQUIRED = ("thread_id", "id", "position", "author", "timestamp", "text", "parent_id", "sentiment", "stance",
            "depth")
#: Above this many comments per view the views switch to aggregated forms.
DETAIL_LIMIT = 2000
#: Altair's own row limit: no view may embed more rows than this.
MAX_ROWS = 5000
SNIPPET_WORDS = 12
SNIPPET_CHARS = 90
_TIME = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}"
_AGREEMENT_SCORE = {"agree": 1.0, "disagree": -1.0, "neutral": 0.0}


def check_columns(frame: pl.DataFrame, where: str = "dashboard") -> None:
    """Raise ``InputError`` naming the analysed columns the frame lacks."""
    missing = [name for name in REQUIRED if name not in frame.columns]
    if missing:
        raise InputError(f"the comments lack the analysed columns {', '.join(missing)}", where,
                         "run them through commentscope.analysis.pipeline.analyze (`commentscope analyze`) first")


def normalise(frame: pl.DataFrame) -> pl.DataFrame:
    """One thread's comments in position order with the optional columns present and nulls filled:
    ``stance`` null -> ``none``, ``sentiment`` null -> 0, ``depth`` null -> 0, ``root_id`` -> own id."""
    check_columns(frame)
    extras = {"agreement": pl.String, "root_id": pl.String, "reply_evidence": pl.String,
              "sentiment_label": pl.String}
    frame = frame.with_columns(
        pl.lit(None, dtype=dtype).alias(name) for name, dtype in extras.items() if name not in frame.columns
    )
    return frame.sort("position", "id").with_columns(
        pl.col("author").fill_null("").cast(pl.String),
        pl.col("text").fill_null("").cast(pl.String),
        pl.col("stance").fill_null("none").cast(pl.String),
        pl.col("sentiment").cast(pl.Float64).fill_null(0.0).fill_nan(0.0).round(3),
        pl.col("depth").cast(pl.Int64).fill_null(0),
        pl.coalesce(pl.col("root_id").cast(pl.String), pl.col("id")).alias("root_id"),
    )


def has_times(frame: pl.DataFrame) -> bool:
    """True when every comment has an ISO timestamp, so time can be an axis."""
    if frame.height == 0:
        return False
    stamps = frame.get_column("timestamp")
    return stamps.null_count() == 0 and bool(stamps.str.contains(_TIME).all())


def comment_points(frame: pl.DataFrame) -> pl.DataFrame:
    """One row per comment, shared by the per-comment views (so the page embeds it once): ``seq``
    (1..n in thread order), position, author, time (wall clock as given, offset dropped), stance,
    sentiment, length, depth, the parent's ``parent_seq``/``parent_depth``, reply_evidence, agreement and
    ``snippet`` (the first words, for tooltips)."""
    base = normalise(frame).with_row_index("seq", offset=1).with_columns(pl.col("seq").cast(pl.Int64))
    words = pl.col("text").str.replace_all(r"\s+", " ").str.strip_chars().str.split(" ")
    short = words.list.head(SNIPPET_WORDS).list.join(" ").str.slice(0, SNIPPET_CHARS)
    clipped = (words.list.len() > SNIPPET_WORDS) | (short.str.len_chars() >= SNIPPET_CHARS)
    parents = base.select(pl.col("id").alias("parent_id"), pl.col("seq").alias("parent_seq"),
                          pl.col("depth").alias("parent_depth"))
    time = pl.when(pl.col("timestamp").str.contains(_TIME)).then(
        pl.col("timestamp").str.slice(0, 19).str.replace(" ", "T")).otherwise(None)
    return (
        base.join(parents, on="parent_id", how="left", maintain_order="left")
        .select(
            "seq", "position", "id", "author", time.alias("time"), "stance", "sentiment",
            pl.col("text").str.len_chars().cast(pl.Int64).alias("length"), "depth", "parent_seq",
            "parent_depth", "reply_evidence", "agreement",
            pl.when(clipped).then(short + "…").otherwise(short).alias("snippet"),
        )
    )


def top_authors(frame: pl.DataFrame, limit: int) -> list[str]:
    """The ``limit`` most frequent authors, most comments first (ties by name)."""
    counts = frame.group_by("author").len().sort(["len", "author"], descending=[True, False])
    return counts.get_column("author").head(limit).to_list()


def other_label(frame: pl.DataFrame, keep: list[str]) -> str:
    others = frame.filter(~pl.col("author").is_in(keep)).get_column("author").n_unique()
    return f"other ({others} author{'s' if others != 1 else ''})"


def _grouped_author(column: str, keep: list[str], label: str) -> pl.Expr:
    return pl.when(pl.col(column).is_in(keep)).then(pl.col(column)).otherwise(pl.lit(label))


def stance_rows(frame: pl.DataFrame, author_limit: int | None = None, max_depth_group: int = 5) -> pl.DataFrame:
    """Stance tallies overall and per depth, split by author so a selected author's part can be lit:
    one row per (group, stance, author) with ``n``. Groups are ``all``, ``depth 0``, ... ``depth K+``.
    With ``author_limit``, authors beyond the most frequent ones are pooled as ``other (k authors)``."""
    data = normalise(frame)
    keep = top_authors(data, author_limit) if author_limit is not None else data.get_column("author").unique().to_list()
    label = other_label(data, keep)
    depth = pl.col("depth").clip(0, max_depth_group)
    group = pl.when(depth >= max_depth_group).then(pl.format("depth {}+", depth)).otherwise(pl.format("depth {}", depth))
    keyed = data.select(
        group.alias("group"), depth.alias("group_rank"), "stance",
        _grouped_author("author", keep, label).alias("author"), (~pl.col("author").is_in(keep)).alias("grouped"),
    )
    overall = keyed.with_columns(pl.lit("all comments").alias("group"), pl.lit(-1, dtype=pl.Int32).alias("group_rank"))
    both = pl.concat([overall, keyed.with_columns(pl.col("group_rank").cast(pl.Int32))])
    return (
        both.group_by("group", "group_rank", "stance", "author", "grouped").len("n")
        .with_columns(_stance_rank("stance"), pl.col("n").cast(pl.Int64))
        .sort("group_rank", "stance_rank", "author")
    )


def _stance_rank(column: str) -> pl.Expr:
    return pl.col(column).replace_strict(list(STANCES), list(range(len(STANCES))), default=len(STANCES),
                                         return_dtype=pl.Int64).alias("stance_rank")


def participation_rows(frame: pl.DataFrame, author_limit: int = 30) -> pl.DataFrame:
    """Comments per author split by stance: one row per (author, stance) with ``n`` and the author's
    ``total``; authors beyond the ``author_limit`` most frequent pooled as ``other (k authors)``."""
    data = normalise(frame)
    keep = top_authors(data, author_limit)
    label = other_label(data, keep)
    rows = (
        data.select(_grouped_author("author", keep, label).alias("author"),
                    (~pl.col("author").is_in(keep)).alias("grouped"), "stance")
        .group_by("author", "grouped", "stance").len("n")
        .with_columns(pl.col("n").cast(pl.Int64), _stance_rank("stance"))
    )
    totals = rows.group_by("author").agg(pl.col("n").sum().alias("total"))
    return rows.join(totals, on="author").sort(["grouped", "total", "author", "stance_rank"],
                                               descending=[False, True, False, False])


def replies(frame: pl.DataFrame) -> pl.DataFrame:
    """Each reply whose parent is in the thread: replier ``author``, parent author ``target``,
    ``stance``, ``agreement``; ``aba`` marks an A-B-A reply (the grandparent has the replier's author)."""
    data = normalise(frame)
    parents = data.select(pl.col("id").alias("parent_id"), pl.col("author").alias("target"),
                          pl.col("parent_id").alias("grandparent_id"))
    grand = data.select(pl.col("id").alias("grandparent_id"), pl.col("author").alias("grand_author"))
    return (
        data.join(parents, on="parent_id", how="inner", maintain_order="left")
        .join(grand, on="grandparent_id", how="left", maintain_order="left")
        .select("id", "root_id", "author", "target", "stance", "agreement",
                ((pl.col("grand_author") == pl.col("author")) & (pl.col("target") != pl.col("author")))
                .fill_null(False).alias("aba"))
    )


def matrix_rows(frame: pl.DataFrame, author_limit: int = 20) -> pl.DataFrame:
    """Author x author reply counts: one row per (replier ``author``, replied-to ``target``) with ``n``,
    agree/disagree/neutral counts, ``score`` (mean agreement: agree +1, disagree -1, neutral 0) and
    reply counts per stance ``n_favor``/``n_against``/``n_none``. Authors beyond the ``author_limit``
    most involved (replies given plus received) are pooled as ``other (k authors)``."""
    links = replies(frame)
    involvement = pl.concat([links.select("author"), links.select(pl.col("target").alias("author"))])
    keep = top_authors(involvement, author_limit)
    others = involvement.filter(~pl.col("author").is_in(keep)).get_column("author").n_unique()
    label = f"other ({others} author{'s' if others != 1 else ''})"
    score = pl.col("agreement").replace_strict(_AGREEMENT_SCORE, default=None, return_dtype=pl.Float64)
    return (
        links.select(
            _grouped_author("author", keep, label).alias("author"), _grouped_author("target", keep, label).alias("target"),
            (~pl.col("author").is_in(keep) | ~pl.col("target").is_in(keep)).alias("grouped"),
            "stance", "agreement", score.alias("score"),
        )
        .group_by("author", "target")
        .agg(
            pl.len().cast(pl.Int64).alias("n"), pl.col("grouped").any(),
            *[(pl.col("agreement") == a).sum().cast(pl.Int64).alias(a) for a in ("agree", "disagree", "neutral")],
            pl.col("score").mean().round(3).alias("score"),
            *[(pl.col("stance") == s).sum().cast(pl.Int64).alias(f"n_{s}") for s in STANCES],
        )
        .sort("author", "target")
    )


def author_order(rows: pl.DataFrame, columns: tuple[str, ...]) -> list[str]:
    """Authors named in ``columns`` ordered by total ``n`` (most first, pooled group last)."""
    stacked = pl.concat([rows.select(pl.col(c).alias("author"), "n", "grouped") for c in columns])
    totals = stacked.group_by("author").agg(pl.col("n").sum(), pl.col("grouped").all())
    return totals.sort(["grouped", "n", "author"], descending=[False, True, False]).get_column("author").to_list()


def chain_rows(frame: pl.DataFrame) -> pl.DataFrame:
    """One row per chain (a top-level comment and every reply below it): ``root_id``, ``length`` (comments
    on its longest root-to-leaf path), ``size`` (comments in it), ``aba`` (A-B-A replies in it),
    ``back_and_forth`` (aba > 0) and, for highlighting, its ``authors``, ``stances`` and ``pairs``
    (``stance:author``)."""
    data = normalise(frame)
    links = replies(frame).select("id", "aba")
    return (
        data.join(links, on="id", how="left", maintain_order="left")
        .group_by("root_id")
        .agg(
            pl.col("position").min().alias("first_position"),
            (pl.col("depth").max() - pl.col("depth").min() + 1).cast(pl.Int64).alias("length"),
            pl.len().cast(pl.Int64).alias("size"),
            pl.col("aba").fill_null(False).sum().cast(pl.Int64).alias("aba"),
            pl.col("author").unique().sort().alias("authors"),
            pl.col("stance").unique().sort().alias("stances"),
            (pl.col("stance") + pl.lit(":") + pl.col("author")).unique().sort().alias("pairs"),
        )
        .with_columns((pl.col("aba") > 0).alias("back_and_forth"))
        .sort("first_position", "root_id")
    )


def chain_counts(chains: pl.DataFrame) -> pl.DataFrame:
    """Chains counted per (length, back_and_forth): the aggregated form for threads with many chains."""
    return chains.group_by("length", "back_and_forth").len("n").with_columns(pl.col("n").cast(pl.Int64)).sort(
        "length", "back_and_forth")


def bin_size(count: int, bins: int) -> int:
    """Comments per bin so ``count`` comments fall into at most ``bins`` bins."""
    return max(1, math.ceil(count / max(1, bins)))


def binned_overview(frame: pl.DataFrame, bins: int = 400) -> pl.DataFrame:
    """Consecutive comments pooled into at most ``bins`` bins: one row per (bin, stance) with ``n``,
    ``first``/``last`` positions, mean sentiment and mean length."""
    points = comment_points(frame)
    size = bin_size(points.height, bins)
    return (
        points.with_columns(((pl.col("seq") - 1) // size).alias("bin"))
        .group_by("bin", "stance")
        .agg(pl.len().cast(pl.Int64).alias("n"), pl.col("position").min().alias("first"),
             pl.col("position").max().alias("last"), pl.col("sentiment").mean().round(3).alias("sentiment"),
             pl.col("length").mean().round(1).alias("length"))
        .with_columns(_stance_rank("stance"))
        .sort("bin", "stance_rank")
    )


def binned_sentiment(frame: pl.DataFrame, bins: int = 300) -> pl.DataFrame:
    """Sentiment along the thread in at most ``bins`` bins of consecutive comments: ``n``, ``mean``, a
    95% normal interval ``lo``/``hi``, the bin's first ``position`` and first ``time``."""
    points = comment_points(frame)
    size = bin_size(points.height, bins)
    return (
        points.with_columns(((pl.col("seq") - 1) // size).alias("bin"))
        .group_by("bin")
        .agg(pl.len().cast(pl.Int64).alias("n"), pl.col("position").min().alias("position"),
             pl.col("time").min().alias("time"), pl.col("sentiment").mean().alias("mean"),
             pl.col("sentiment").std().fill_null(0.0).alias("sd"))
        .with_columns(
            (1.959964 * pl.col("sd") / pl.col("n").sqrt()).alias("half"),
        )
        .select("bin", "n", "position", "time", pl.col("mean").round(3),
                (pl.col("mean") - pl.col("half")).clip(-1, 1).round(3).alias("lo"),
                (pl.col("mean") + pl.col("half")).clip(-1, 1).round(3).alias("hi"))
        .sort("bin")
    )


def depth_rows(frame: pl.DataFrame) -> pl.DataFrame:
    """Per-depth tree summary: one row per (depth, stance) with ``n`` and the share of those replies
    whose link is source ``markup`` (the rest were inferred from cues)."""
    data = normalise(frame)
    return (
        data.group_by("depth", "stance")
        .agg(pl.len().cast(pl.Int64).alias("n"),
             (pl.col("reply_evidence") == "markup").mean().fill_null(0.0).round(3).alias("markup_share"))
        .with_columns(_stance_rank("stance"))
        .sort("depth", "stance_rank")
    )
