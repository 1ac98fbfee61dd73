"""The polars side of the charts: every view's rows are aggregated here, before altair sees them.

Each function takes the analysed comments of ONE thread (``commentscope.scraper.records.COMMENT_SCHEMA`` columns plus
``sentiment``, ``stance``, ``agreement``, ``depth``, ``root_id``) and returns a small frame shaped for
one view. Rows are sorted explicitly so the same input always gives the same bytes in the page.
"""

from __future__ import annotations

import math

import polars as pl

from commentscope.analysis.views.trust import CONFIDENT
from commentscope.scraper.errors import InputError

STANCES = ("favor", "against", "none")
AGREEMENTS = ("agree", "neutral", "disagree")
#: Columns a dashboard cannot be drawn without; the rest are filled in when absent.
REQUIRED = ("thread_id", "id", "position", "author", "timestamp", "text", "parent_id", "sentiment", "stance",
            "depth")
#: Optional columns and their types: absent ones are added empty (``stance_evidence`` and
#: ``agreement_evidence`` come from the learned classifier, when it ran).
OPTIONAL = {"agreement": pl.String, "root_id": pl.String, "reply_evidence": pl.String, "reply_confidence": pl.Float64,
            "sentiment_label": pl.String, "stance_confidence": pl.Float64, "stance_source": pl.String,
            "agreement_confidence": pl.Float64, "stance_evidence": pl.String, "agreement_evidence": pl.String,
            "flags": pl.List(pl.String)}
#: The flag that names a comment without an author, most telling first; no flag: ``[deleted]``.
GONE_FLAGS = ("deleted", "removed", "spam", "dead", "no_author")
#: How a reply link is known, in three classes a line style can tell apart.
EVIDENCE_CLASS = {"markup": "the source's threading", "address": "explicit cue (@name, quote, header)",
                  "header": "explicit cue (@name, quote, header)", "quote": "explicit cue (@name, quote, header)",
                  "mention": "weak cue (a name, shared words)", "inferred": "weak cue (a name, shared words)"}
#: Above this many comments per view the views switch to aggregated forms.
DETAIL_LIMIT = 2000
#: Altair's own row limit: no view may embed more rows than this.
MAX_ROWS = 5000
SNIPPET_WORDS = 12
SNIPPET_CHARS = 90
_TIME = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}"


def check_columns(frame: pl.DataFrame, where: str = "dashboard") -> None:
    """Raise ``InputError`` naming the analysed columns the frame lacks."""
    missing = [name for name in REQUIRED if name not in frame.columns]
    if missing:
        raise InputError(f"the comments lack the analysed columns {', '.join(missing)}", where,
                         "run them through commentscope.analysis.pipeline.analyze (`commentscope analyze`) first")


def shown_author() -> pl.Expr:
    """The author as pages name them: a blank or missing author becomes ``[deleted]`` (or ``[removed]``,
    ``[spam]``, ... after the comment's flag), never an empty label."""
    blank = pl.col("author").is_null() | (pl.col("author").str.strip_chars() == "")
    gone = pl.lit("[deleted]")
    for flag in reversed(GONE_FLAGS):
        gone = pl.when(pl.col("flags").list.contains(flag)).then(pl.lit(f"[{flag.replace('_', ' ')}]")).otherwise(gone)
    return pl.when(blank).then(gone).otherwise(pl.col("author")).cast(pl.String).alias("author")


def normalise(frame: pl.DataFrame) -> pl.DataFrame:
    """One thread's comments in position order with the optional columns present and nulls filled:
    ``stance`` null -> ``none``, ``sentiment`` null -> 0, ``depth`` null -> 0, ``root_id`` -> own id, a
    blank author named (``shown_author``); adds ``uncertain`` (a model's stance below ``CONFIDENT``),
    ``agreement_uncertain`` and ``human`` (stance set by a person)."""
    check_columns(frame)
    frame = frame.with_columns(
        pl.lit(None, dtype=dtype).alias(name) for name, dtype in OPTIONAL.items() if name not in frame.columns
    )
    human = (pl.col("stance_source") == "human").fill_null(False)
    no_flags = pl.lit([], dtype=pl.List(pl.String))
    return frame.sort("position", "id").with_columns(
        pl.col("flags").cast(pl.List(pl.String)).fill_null(no_flags),
    ).with_columns(
        shown_author(),
        pl.col("text").fill_null("").cast(pl.String),
        pl.col("stance").fill_null("none").cast(pl.String),
        pl.col("sentiment").cast(pl.Float64).fill_null(0.0).fill_nan(0.0).round(3),
        pl.col("depth").cast(pl.Int64).fill_null(0),
        pl.coalesce(pl.col("root_id").cast(pl.String), pl.col("id")).alias("root_id"),
        pl.col("stance_confidence").cast(pl.Float64).round(3),
        pl.col("agreement_confidence").cast(pl.Float64).round(3),
        human.alias("human"),
        (~human & (pl.col("stance_confidence") < CONFIDENT)).fill_null(False).alias("uncertain"),
        (pl.col("agreement").is_not_null() & (pl.col("agreement_confidence") < CONFIDENT)).fill_null(False)
        .alias("agreement_uncertain"),
    )


def has_times(frame: pl.DataFrame) -> bool:
    """True when every comment has an ISO timestamp, so time can be an axis."""
    if frame.height == 0:
        return False
    stamps = frame.get_column("timestamp")
    return stamps.null_count() == 0 and bool(stamps.str.contains(_TIME).all())


def wall_time() -> pl.Expr:
    """The timestamp as ``YYYY-MM-DDTHH:MM:SS`` wall clock (offset dropped), null when it is no time."""
    return pl.when(pl.col("timestamp").str.contains(_TIME)).then(
        pl.col("timestamp").str.slice(0, 19).str.replace(" ", "T")).otherwise(None)


def snippet(column: str = "text", words: int = SNIPPET_WORDS, chars: int = SNIPPET_CHARS) -> pl.Expr:
    """The first ``words`` words of a text (at most ``chars`` characters), with an ellipsis when cut."""
    split = pl.col(column).str.replace_all(r"\s+", " ").str.strip_chars().str.split(" ")
    short = split.list.head(words).list.join(" ").str.slice(0, chars)
    clipped = (split.list.len() > words) | (short.str.len_chars() >= chars)
    return pl.when(clipped).then(short + "…").otherwise(short)


def comment_points(frame: pl.DataFrame) -> pl.DataFrame:
    """One row per comment, shared by the per-comment views (so the page embeds it once): ``seq``
    (1..n in thread order), position, author, time (wall clock as given, offset dropped), stance,
    sentiment, length, depth, the parent's ``parent_seq``/``parent_depth``/``parent_author``,
    reply_evidence and its ``link`` class, agreement (``reply_label``: the agreement of a reply, "not
    judged" where it has none), ``root_id`` (the chain), the confidence flags
    ``uncertain``/``agreement_uncertain``/``human`` and ``snippet`` (the first words, for tooltips)."""
    base = normalise(frame).with_row_index("seq", offset=1).with_columns(pl.col("seq").cast(pl.Int64))
    parents = base.select(pl.col("id").alias("parent_id"), pl.col("seq").alias("parent_seq"),
                          pl.col("depth").alias("parent_depth"), pl.col("author").alias("parent_author"))
    return (
        base.join(parents, on="parent_id", how="left", maintain_order="left")
        .select(
            "seq", "position", "id", "author", wall_time().alias("time"), "stance", "sentiment",
            pl.col("text").str.len_chars().cast(pl.Int64).alias("length"), "depth", "parent_seq",
            "parent_depth", "parent_author", "reply_evidence",
            pl.col("reply_evidence").replace_strict(EVIDENCE_CLASS, default=None, return_dtype=pl.String).alias("link"),
            "agreement", pl.when(pl.col("parent_seq").is_not_null()).then(pl.col("agreement").fill_null("not judged"))
            .alias("reply_label"), "root_id", "uncertain", "agreement_uncertain", "human",
            pl.col("stance_confidence").alias("confidence"), snippet().alias("snippet"),
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


def _stance_rank(column: str) -> pl.Expr:
    return pl.col(column).replace_strict(list(STANCES), list(range(len(STANCES))), default=len(STANCES),
                                         return_dtype=pl.Int64).alias("stance_rank")


def _chain_key(detailed: bool) -> pl.Expr:
    """Per-chain rows only where every comment is drawn; aggregated views leave ``root_id`` null (a
    selected chain then dims nothing there)."""
    return pl.col("root_id") if detailed else pl.lit(None, dtype=pl.String).alias("root_id")


def stance_rows(frame: pl.DataFrame, author_limit: int | None = None, max_depth_group: int = 5) -> pl.DataFrame:
    """Stance tallies overall and per depth: one row per (group, stance, author, chain, uncertain) with
    ``n``, so a selected author's or chain's part can be lit and uncertain labels faded. Groups are
    ``all comments``, ``depth 0``, ... ``depth K+``. With ``author_limit``, authors beyond the most
    frequent ones are pooled as ``other (k authors)`` and chains are not told apart."""
    data = normalise(frame)
    keep = top_authors(data, author_limit) if author_limit is not None else data.get_column("author").unique().to_list()
    label = other_label(data, keep)
    depth = pl.col("depth").clip(0, max_depth_group)
    group = pl.when(depth >= max_depth_group).then(pl.format("depth {}+", depth)).otherwise(pl.format("depth {}", depth))
    keyed = data.select(
        group.alias("group"), depth.cast(pl.Int32).alias("group_rank"), "stance",
        _grouped_author("author", keep, label).alias("author"), (~pl.col("author").is_in(keep)).alias("grouped"),
        _chain_key(author_limit is None), "uncertain",
    )
    overall = keyed.with_columns(pl.lit("all comments").alias("group"), pl.lit(-1, dtype=pl.Int32).alias("group_rank"))
    return (
        pl.concat([overall, keyed]).group_by("group", "group_rank", "stance", "author", "grouped", "root_id", "uncertain")
        .len("n").with_columns(_stance_rank("stance"), pl.col("n").cast(pl.Int64))
        .sort("group_rank", "stance_rank", "uncertain", "author", "root_id", nulls_last=True)
    )


def participation_rows(frame: pl.DataFrame, author_limit: int = 30, detailed: bool = True) -> pl.DataFrame:
    """Comments per author split by stance: one row per (author, stance, chain, uncertain) with ``n``
    and the author's ``total``; authors beyond the ``author_limit`` most frequent pooled as
    ``other (k authors)``; with ``detailed`` off, chains are not told apart."""
    data = normalise(frame)
    keep = top_authors(data, author_limit)
    label = other_label(data, keep)
    rows = (
        data.select(_grouped_author("author", keep, label).alias("author"),
                    (~pl.col("author").is_in(keep)).alias("grouped"), "stance", _chain_key(detailed), "uncertain")
        .group_by("author", "grouped", "stance", "root_id", "uncertain").len("n")
        .with_columns(pl.col("n").cast(pl.Int64), _stance_rank("stance"))
    )
    totals = rows.group_by("author").agg(pl.col("n").sum().alias("total"))
    ranked = rows.join(totals, on="author").sort(["grouped", "total", "author", "stance_rank", "uncertain", "root_id"],
                                                 descending=[False, True, False, False, False, False], nulls_last=True)
    order = ranked.get_column("author").unique(maintain_order=True).to_list()
    return ranked.with_columns(
        pl.col("author").replace_strict(order, list(range(len(order))), return_dtype=pl.Int64).alias("rank"))


def replies(frame: pl.DataFrame) -> pl.DataFrame:
    """Each reply whose parent is in the thread: replier ``author``, parent author ``target``,
    ``stance``, ``agreement``, ``agreement_uncertain``; ``aba`` marks an A-B-A reply (the grandparent
    has the replier's author)."""
    data = normalise(frame)
    parents = data.select(pl.col("id").alias("parent_id"), pl.col("author").alias("target"),
                          pl.col("parent_id").alias("grandparent_id"))
    grand = data.select(pl.col("id").alias("grandparent_id"), pl.col("author").alias("grand_author"))
    return (
        data.join(parents, on="parent_id", how="inner", maintain_order="left")
        .join(grand, on="grandparent_id", how="left", maintain_order="left")
        .select("id", "position", "root_id", "author", "target", "stance", "agreement", "agreement_uncertain",
                ((pl.col("grand_author") == pl.col("author")) & (pl.col("target") != pl.col("author")))
                .fill_null(False).alias("aba"))
    )


def exchange_rows(frame: pl.DataFrame, pair_limit: int = 20) -> pl.DataFrame:
    """Who answers whom, and how: one row per (replier ``author`` -> replied-to ``target``, agreement)
    with ``n``, for the ``pair_limit`` pairs with most replies (ties by first reply). Each row carries
    its pair's ``pair`` label, ``rank``, ``total`` replies, ``n_favor``/``n_against``/``n_none``
    (replies per stance, for highlighting) and ``chains`` (root ids the pair's replies sit in)."""
    links = replies(frame).with_columns(pl.col("agreement").fill_null("neutral"))
    pairs = (
        links.group_by("author", "target")
        .agg(pl.len().cast(pl.Int64).alias("total"), pl.col("position").min().alias("first"),
             *[(pl.col("stance") == s).sum().cast(pl.Int64).alias(f"n_{s}") for s in STANCES],
             pl.col("root_id").unique().sort().alias("chains"))
        .sort(["total", "first"], descending=[True, False]).head(pair_limit)
        .with_row_index("rank").with_columns(pl.col("rank").cast(pl.Int64),
                                             (pl.col("author") + " → " + pl.col("target")).alias("pair"))
    )
    agreement_rank = pl.col("agreement").replace_strict(list(AGREEMENTS), list(range(3)), default=3, return_dtype=pl.Int64)
    return (
        links.group_by("author", "target", "agreement").agg(pl.len().cast(pl.Int64).alias("n"),
                                                             pl.col("agreement_uncertain").all().alias("uncertain"))
        .join(pairs, on=["author", "target"], how="inner")
        .with_columns(agreement_rank.alias("agreement_rank"))
        .sort("rank", "agreement_rank")
    )


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


def chain_bars(frame: pl.DataFrame, chain_limit: int = 25) -> pl.DataFrame:
    """The chains that drew replies, largest first (ties by position), at most ``chain_limit``: one row
    per (chain, stance, uncertain) with ``n`` comments, and the chain's ``label`` ("#5 Kent"), ``rank``,
    ``size``, ``length``, ``aba`` and ``authors``."""
    data = normalise(frame)
    chains = chain_rows(frame).filter(pl.col("size") > 1).sort(["size", "first_position"], descending=[True, False])
    chains = chains.head(chain_limit).with_row_index("rank").with_columns(pl.col("rank").cast(pl.Int64))
    heads = data.select(pl.col("id").alias("root_id"), pl.format("#{} {}", "position", "author").alias("label"))
    return (
        data.group_by("root_id", "stance", "uncertain").len("n")
        .join(chains.select("root_id", "rank", "size", "length", "aba", "authors"), on="root_id", how="inner")
        .join(heads, on="root_id", how="left")
        .with_columns(pl.col("n").cast(pl.Int64), _stance_rank("stance"))
        .sort("rank", "stance_rank", "uncertain")
    )


def bin_size(count: int, bins: int) -> int:
    """Comments per bin so ``count`` comments fall into at most ``bins`` bins."""
    return max(1, math.ceil(count / max(1, bins)))


def binned_sentiment(frame: pl.DataFrame, bins: int = 300) -> pl.DataFrame:
    """Sentiment along the thread in at most ``bins`` bins of consecutive comments: ``n``, ``mean``, a
    95% normal interval ``lo``/``hi``, the bin's first ``seq`` and first ``time``."""
    points = comment_points(frame)
    size = bin_size(points.height, bins)
    return (
        points.with_columns(((pl.col("seq") - 1) // size).alias("bin"))
        .group_by("bin")
        .agg(pl.len().cast(pl.Int64).alias("n"), pl.col("seq").min().alias("seq"),
             pl.col("time").min().alias("time"), pl.col("sentiment").mean().alias("mean"),
             pl.col("sentiment").std().fill_null(0.0).alias("sd"))
        .with_columns((1.959964 * pl.col("sd") / pl.col("n").sqrt()).alias("half"))
        .select("bin", "n", "seq", "time", pl.col("mean").round(3),
                (pl.col("mean") - pl.col("half")).clip(-1, 1).round(3).alias("lo"),
                (pl.col("mean") + pl.col("half")).clip(-1, 1).round(3).alias("hi"))
        .sort("bin")
    )


def day_marks(frame: pl.DataFrame, most: int = 12) -> pl.DataFrame:
    """Where a new day starts in thread order: ``seq`` of the first comment of each day after the first,
    its ``day`` (``YYYY-MM-DD``) and ``label`` ("22 Nov"; empty where it would crowd the label before).
    None when the thread spans more than ``most`` days or lacks times."""
    points = comment_points(frame)
    starts = (points.filter(pl.col("time").is_not_null()).with_columns(pl.col("time").str.slice(0, 10).alias("day"))
              .group_by("day").agg(pl.col("seq").min()).sort("seq"))
    if starts.height < 2 or starts.height > most:
        return pl.DataFrame(schema={"seq": pl.Int64, "day": pl.String, "label": pl.String})
    gap, last, labels = max(1, points.height // 10), None, []
    for seq, day in starts.slice(1).select("seq", "day").iter_rows():
        shown = last is None or seq - last >= gap
        labels.append(_day_label(day) if shown else "")
        last = seq if shown else last
    return starts.slice(1).select("seq", "day").with_columns(pl.Series("label", labels, dtype=pl.String))


def _day_label(day: str) -> str:
    months = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    year, month, date = day.split("-")
    return f"{int(date)} {months[int(month) - 1]}" if month.isdigit() and 1 <= int(month) <= 12 else day


def confidence_rows(frame: pl.DataFrame) -> pl.DataFrame:
    """Every label with its confidence: one row per comment for its stance (``kind`` "stance") and one
    per reply for its agreement with the parent (``kind`` "agreement"): ``seq``, ``position``,
    ``author``, ``stance``, ``root_id``, ``label``, ``confidence`` (null when the source gave none),
    ``human`` and ``faded``."""
    points = normalise(frame).with_row_index("seq", offset=1).with_columns(pl.col("seq").cast(pl.Int64))
    keep = ("seq", "position", "author", "stance", "root_id")
    stance = points.select(*keep, pl.lit("stance").alias("kind"), pl.col("stance").alias("label"),
                           pl.col("stance_confidence").alias("confidence"), "human", pl.col("uncertain").alias("faded"))
    agreement = points.filter(pl.col("agreement").is_not_null()).select(
        *keep, pl.lit("agreement").alias("kind"), pl.col("agreement").alias("label"),
        pl.col("agreement_confidence").alias("confidence"), pl.lit(False).alias("human"),
        pl.col("agreement_uncertain").alias("faded"))
    return pl.concat([stance, agreement]).sort("kind", "seq", descending=[True, False])


def binned_confidence(frame: pl.DataFrame, width: float = 0.05) -> pl.DataFrame:
    """``confidence_rows`` counted per (kind, label, bin of ``width``): ``start``, ``end``, ``n``."""
    start = ((pl.col("confidence") / width).floor() * width).clip(0, 1 - width).round(3)
    return (
        confidence_rows(frame).filter(pl.col("confidence").is_not_null())
        .group_by("kind", "label", start.alias("start")).len("n")
        .with_columns((pl.col("start") + width).round(3).alias("end"), pl.col("n").cast(pl.Int64),
                      (pl.col("start") + width < CONFIDENT + 1e-9).alias("faded"))
        .sort("kind", "label", "start", descending=[True, False, False])
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
