"""The thread dashboard's views: one function per chart, each returning an altair chart, registered by
name in ``CHARTS`` (the name is also the page's ``data-chart`` attribute and the image file suffix).

Every chart takes the analysed comments of one thread (see ``commentscope.analysis.views.chart_data``) and ``limit``: up to
``limit`` comments a view draws one mark per comment; above it, the view switches to an aggregated form
so no view embeds more than ``charts_data.MAX_ROWS`` rows (altair's own ``MaxRowsError`` stays on).

Every chart declares the same two value params, ``sel_author`` and ``sel_stance``; the page's script sets
them on all views at once, so selecting an author or a stance lights up the same comments everywhere.
"""

from __future__ import annotations

from typing import Any, Callable

import altair as alt
import polars as pl

from commentscope.analysis.views import chart_data as data
from commentscope.analysis.views.chart_data import DETAIL_LIMIT, STANCES
from commentscope.scraper.records import EVIDENCE

WIDTH = 560
STANCE_COLOURS = ("#1b9e77", "#d95f02", "#9e9e9e")
STANCE_SHAPES = ("triangle-up", "triangle-down", "circle")
#: Source threading draws solid; every inferred cue draws dashed, the weaker the cue the finer the dash.
EVIDENCE_DASHES = {"markup": [1, 0], "address": [8, 3], "header": [8, 3, 2, 3], "quote": [5, 3],
                   "mention": [3, 3], "inferred": [1, 3]}
DIMMED = 0.12
#: Axes that count things: whole-number ticks only.
COUNT_AXIS = alt.Axis(format="d", tickMinStep=1)
#: The selection test for rows that carry ``author`` and ``stance``.
COMMENT_TEST = "(sel_author == null || datum.author == sel_author) && (sel_stance == null || datum.stance == sel_stance)"


def selection_params() -> list[alt.Parameter]:
    """The two value params every view declares (named, so the spec is the same on every run)."""
    return [alt.param(name="sel_author", value=None), alt.param(name="sel_stance", value=None)]


def highlight(test: str = COMMENT_TEST) -> Any:
    """Opacity: full for rows passing ``test``, dimmed for the rest."""
    return alt.when(test).then(alt.value(1.0)).otherwise(alt.value(DIMMED))


def by_rank(field: str) -> alt.EncodingSortField:
    """Sort a nominal axis by a numeric rank column. (An explicit list of values would be compiled
    into a Vega expression, where a data value with U+2028 in it breaks the parser.)"""
    return alt.EncodingSortField(field=field, op="min", order="ascending")


def _ranked(rows: pl.DataFrame, order: list[str], column: str, rank: str) -> pl.DataFrame:
    return rows.with_columns(pl.col(column).replace_strict(order, list(range(len(order))), return_dtype=pl.Int64)
                             .alias(rank))


def stance_colour(title: str = "stance") -> alt.Color:
    return alt.Color("stance:N", title=title, scale=alt.Scale(domain=list(STANCES), range=list(STANCE_COLOURS)))


def comment_tooltip() -> list[alt.Tooltip]:
    return [alt.Tooltip("position:Q", title="#"), alt.Tooltip("author:N"), alt.Tooltip("time:N"),
            alt.Tooltip("stance:N"), alt.Tooltip("sentiment:Q", format="+.2f"),
            alt.Tooltip("snippet:N", title="comment")]


def _finish(chart: alt.TopLevelMixin, title: str, subtitle: str | None = None) -> alt.TopLevelMixin:
    heading = alt.TitleParams(text=title, subtitle=subtitle or "", anchor="start")
    return chart.add_params(*selection_params()).properties(title=heading)


def placeholder(message: str, title: str) -> alt.Chart:
    """A view with nothing to draw (no comments, no replies) says so instead of failing."""
    frame = pl.DataFrame({"message": [message]})
    chart = alt.Chart(frame).mark_text(fontSize=13, color="#555").encode(text="message:N")
    return _finish(chart.properties(width=WIDTH, height=60), title)


def overview(frame: pl.DataFrame, limit: int = DETAIL_LIMIT) -> alt.TopLevelMixin:
    """Every comment as one mark in reading order (left to right, then down): size = length,
    colour = sentiment, shape = stance. Above ``limit`` comments: one mark per (bin, stance)."""
    title = "Overview"
    if frame.height == 0:
        return placeholder("No comments in this thread.", title)
    shape = alt.Shape("stance:N", scale=alt.Scale(domain=list(STANCES), range=list(STANCE_SHAPES)))
    colour = alt.Color("sentiment:Q", title="sentiment", scale=alt.Scale(domain=[-1, 1], scheme="redblue"))
    if frame.height > limit:
        rows = data.binned_overview(frame)
        size = data.bin_size(frame.height, 400)
        chart = alt.Chart(rows).mark_point(filled=True, stroke="#333", strokeWidth=0.3).encode(
            x=alt.X("first:Q", title="comment position (bins of consecutive comments)"),
            y=alt.Y("stance:N", sort=list(STANCES), title=None),
            size=alt.Size("n:Q", title="comments"), color=colour, shape=shape,
            opacity=highlight("sel_stance == null || datum.stance == sel_stance"),
            tooltip=[alt.Tooltip("first:Q", title="from #"), alt.Tooltip("last:Q", title="to #"), "stance:N",
                     alt.Tooltip("n:Q", title="comments"), alt.Tooltip("sentiment:Q", format="+.2f", title="mean sentiment"),
                     alt.Tooltip("length:Q", title="mean length")],
        ).properties(width=WIDTH, height=160)
        return _finish(chart, title, f"{frame.height:,} comments in bins of {size}: size = count, colour = mean sentiment")
    points = data.comment_points(frame)
    count = points.height
    columns = min(40, max(10, int((2 * count) ** 0.5 + 0.999)))
    rows = (count + columns - 1) // columns
    cell = max(12, min(40, WIDTH // columns))
    chart = (
        alt.Chart(points)
        .transform_calculate(col=f"(datum.seq - 1) % {columns}", row=f"floor((datum.seq - 1) / {columns})")
        .mark_point(filled=True, stroke="#333", strokeWidth=0.4)
        .encode(
            x=alt.X("col:Q", axis=None, scale=alt.Scale(domain=[-0.5, columns - 0.5])),
            y=alt.Y("row:Q", axis=None, scale=alt.Scale(domain=[-0.5, rows - 0.5], reverse=True)),
            size=alt.Size("length:Q", title="length (characters)",
                          scale=alt.Scale(type="sqrt", range=[cell * 1.5, (cell * 0.9) ** 2]),
                          legend=alt.Legend(tickCount=3, symbolFillColor="#aaa", symbolStrokeColor="#777")),
            color=colour, shape=shape, opacity=highlight(), tooltip=comment_tooltip(),
        )
        .properties(width=columns * cell, height=rows * cell)
    )
    return _finish(chart, title, f"{count} comments in thread order, left to right: size = length, "
                                 "colour = sentiment, shape = stance")


def reply_tree(frame: pl.DataFrame, limit: int = DETAIL_LIMIT) -> alt.TopLevelMixin:
    """Comments laid out by depth (x) and thread order (y), a line from each reply to its parent; the
    line's dash says how the link is known (solid = the source's own threading). Above ``limit``
    comments: a per-depth summary."""
    title = "Reply tree"
    if frame.height == 0:
        return placeholder("No comments in this thread.", title)
    if frame.height > limit:
        rows = data.depth_rows(frame)
        chart = alt.Chart(rows).mark_bar().encode(
            y=alt.Y("depth:O", title="depth"), x=alt.X("n:Q", title="comments", axis=COUNT_AXIS), color=stance_colour(),
            order=alt.Order("stance_rank:Q"),
            opacity=highlight("sel_stance == null || datum.stance == sel_stance"),
            tooltip=["depth:O", "stance:N", alt.Tooltip("n:Q", title="comments"),
                     alt.Tooltip("markup_share:Q", format=".0%", title="linked by markup")],
        ).properties(width=WIDTH, height=alt.Step(18))
        return _finish(chart, title, f"{frame.height:,} comments: per-depth summary")
    points = data.comment_points(frame)
    count, deepest = points.height, int(points.get_column("depth").max() or 0)
    present = [e for e in EVIDENCE if e in set(points.get_column("reply_evidence").drop_nulls().to_list())]
    x_scale = alt.Scale(domain=[-0.3, deepest + 0.3], nice=False)
    y_scale = alt.Scale(domain=[0.5, count + 0.5], reverse=True, nice=False)
    base = alt.Chart(points)
    edges = base.transform_filter("datum.parent_seq != null").mark_rule(strokeWidth=1.3).encode(
        x=alt.X("parent_depth:Q", title="depth (0 = top-level)", scale=x_scale, axis=COUNT_AXIS),
        y=alt.Y("parent_seq:Q", title="comment (thread order)", scale=y_scale),
        x2="depth:Q", y2="seq:Q",
        strokeDash=alt.StrokeDash("reply_evidence:N", title="reply evidence",
                                  scale=alt.Scale(domain=present or ["markup"],
                                                  range=[EVIDENCE_DASHES[e] for e in present or ["markup"]]),
                                  legend=alt.Legend(symbolType="stroke", symbolStrokeWidth=1.5) if present else None),
        color=stance_colour(), opacity=highlight(), tooltip=comment_tooltip() + [alt.Tooltip("reply_evidence:N")],
    )
    nodes = base.mark_point(filled=True, size=55, stroke="#333", strokeWidth=0.4).encode(
        x=alt.X("depth:Q", scale=x_scale), y=alt.Y("seq:Q", scale=y_scale), color=stance_colour(),
        opacity=highlight(), tooltip=comment_tooltip(),
    )
    height = min(max(count * 14, 220), 2400)
    chart = alt.layer(edges, nodes).properties(width=min(max(110 * (deepest + 1), 220), WIDTH), height=height)
    replies = int(points.get_column("parent_seq").is_not_null().sum())
    return _finish(chart, title, f"{count} comments, {replies} replies, deepest level {deepest}")


def stance(frame: pl.DataFrame, limit: int = DETAIL_LIMIT) -> alt.TopLevelMixin:
    """Favor / against / none tallies for the whole thread and per depth; each bar is split into its
    authors' parts so a selected author's share lights up. The title names what stance was judged
    toward (``stance_target``): the article, or the opening comment of a thread known without one."""
    targets = set(frame.get_column("stance_target").drop_nulls()) if "stance_target" in frame.columns else set()
    title = f"Stance toward the {'opening comment' if targets == {'opening comment'} else 'article'}"
    if frame.height == 0:
        return placeholder("No comments in this thread.", title)
    rows = data.stance_rows(frame, author_limit=None if frame.height <= limit else 30)
    rows = rows.with_row_index("stack").with_columns(pl.col("stack").cast(pl.Int64))
    chart = alt.Chart(rows).mark_bar(stroke="white", strokeWidth=0.5).encode(
        y=alt.Y("group:N", sort=by_rank("group_rank"), title=None),
        x=alt.X("n:Q", stack="zero", title="comments", axis=COUNT_AXIS),
        color=stance_colour(), detail="author:N", order=alt.Order("stack:Q"),
        opacity=highlight(),
        tooltip=["group:N", "stance:N", "author:N", alt.Tooltip("n:Q", title="comments")],
    ).properties(width=WIDTH, height=alt.Step(26))
    totals = {s: int(rows.filter((pl.col("group") == "all comments") & (pl.col("stance") == s))
                     .get_column("n").sum()) for s in STANCES}
    return _finish(chart, title, " · ".join(f"{s} {totals[s]}" for s in STANCES))


def sentiment_time(frame: pl.DataFrame, limit: int = DETAIL_LIMIT) -> alt.TopLevelMixin:
    """Sentiment of each comment over time (over thread order when some comment has no timestamp),
    with a rolling mean. Above ``limit`` comments: binned means with a 95% interval."""
    title = "Sentiment over time"
    if frame.height == 0:
        return placeholder("No comments in this thread.", title)
    timed = data.has_times(frame)
    y = alt.Y("sentiment:Q", title="sentiment (VADER compound)", scale=alt.Scale(domain=[-1, 1]))
    zero = alt.Chart(pl.DataFrame({"zero": [0.0]})).mark_rule(color="#bbb").encode(y="zero:Q")
    if frame.height > limit:
        rows = data.binned_sentiment(frame)
        x = alt.X("time:T", title="time") if timed else alt.X("position:Q", title="comment position")
        band = alt.Chart(rows).mark_area(opacity=0.3, color="#4c78a8").encode(
            x=x, y=alt.Y("lo:Q", title="mean sentiment", scale=alt.Scale(domain=[-1, 1])), y2="hi:Q")
        line = alt.Chart(rows).mark_line(color="#1f3b5c").encode(
            x=x, y="mean:Q", tooltip=["position:Q", "time:N", alt.Tooltip("n:Q", title="comments"),
                                       alt.Tooltip("mean:Q", format="+.2f"), alt.Tooltip("lo:Q", format="+.2f"),
                                       alt.Tooltip("hi:Q", format="+.2f")])
        chart = alt.layer(band, line, zero).properties(width=WIDTH, height=240)
        return _finish(chart, title, f"{frame.height:,} comments: mean per bin with a 95% interval")
    points = data.comment_points(frame)
    x = alt.X("time:T", title="time") if timed else alt.X("seq:Q", title="comment (thread order)")
    window = max(3, min(25, points.height // 8))
    dots = alt.Chart(points).mark_circle(size=45, stroke="#333", strokeWidth=0.3).encode(
        x=x, y=y, color=stance_colour(), opacity=highlight(), tooltip=comment_tooltip())
    trend = (
        alt.Chart(points)
        .transform_window(rolling="mean(sentiment)", frame=[-(window - 1), 0], sort=[alt.SortField("seq")])
        .mark_line(color="#333", strokeWidth=1.5)
        .encode(x=x, y="rolling:Q")
    )
    chart = alt.layer(zero, dots, trend).properties(width=WIDTH, height=240)
    axis = "time" if timed else "thread order (not every comment has a time)"
    return _finish(chart, title, f"by {axis}; line = mean of the last {window} comments")


def participation(frame: pl.DataFrame, limit: int = DETAIL_LIMIT) -> alt.TopLevelMixin:
    """Comments per author, most active first, each bar stacked by stance (top 30 authors, the rest
    pooled)."""
    title = "Participation"
    if frame.height == 0:
        return placeholder("No comments in this thread.", title)
    rows = data.participation_rows(frame)
    rows = _ranked(rows, data.author_order(rows, ("author",)), "author", "rank")
    chart = alt.Chart(rows).mark_bar().encode(
        y=alt.Y("author:N", sort=by_rank("rank"), title=None, axis=alt.Axis(labelLimit=180)),
        x=alt.X("n:Q", title="comments", axis=COUNT_AXIS), color=stance_colour(),
        order=alt.Order("stance_rank:Q"), opacity=highlight(), tooltip=["author:N", "stance:N", alt.Tooltip("n:Q", title="comments"),
                                      alt.Tooltip("total:Q", title="all comments by author")],
    ).properties(width=WIDTH - 180, height=alt.Step(18))
    authors = int(frame.get_column("author").n_unique())
    return _finish(chart, title, f"{authors} authors; bars stacked by stance")


def reply_matrix(frame: pl.DataFrame, limit: int = DETAIL_LIMIT) -> alt.TopLevelMixin:
    """Who replies to whom: replier (rows) x replied-to author (columns), the count in each cell and
    the mean agreement toward the parent as colour (top 20 authors by replies given plus received)."""
    title = "Who replies to whom"
    rows = data.matrix_rows(frame) if frame.height else pl.DataFrame()
    if rows.height == 0:
        return placeholder("No replies in this thread: every comment answers the article.", title)
    order = data.author_order(rows, ("author", "target"))
    rows = _ranked(_ranked(rows, order, "author", "author_rank"), order, "target", "target_rank")
    involved = ("(sel_author == null || datum.author == sel_author || datum.target == sel_author)"
                " && (sel_stance == null || datum['n_' + sel_stance] > 0)")
    base = alt.Chart(rows).encode(
        x=alt.X("target:N", sort=by_rank("target_rank"), title="replied to", axis=alt.Axis(labelAngle=-40, labelLimit=120)),
        y=alt.Y("author:N", sort=by_rank("author_rank"), title="reply by", axis=alt.Axis(labelLimit=140)),
    )
    cells = base.mark_rect(stroke="white").encode(
        color=alt.Color("score:Q", title="agreement", scale=alt.Scale(domain=[-1, 1], scheme="purplegreen")),
        opacity=highlight(involved),
        tooltip=[alt.Tooltip("author:N", title="reply by"), alt.Tooltip("target:N", title="replied to"),
                 alt.Tooltip("n:Q", title="replies"), "agree:Q", "disagree:Q", "neutral:Q",
                 alt.Tooltip("score:Q", format="+.2f", title="mean agreement")],
    )
    counts = base.mark_text(fontSize=11).encode(text="n:Q", opacity=highlight(involved))
    size = len(order)
    chart = alt.layer(cells, counts).properties(width=max(120, 26 * size), height=max(120, 26 * size))
    return _finish(chart, title, f"{int(rows.get_column('n').sum())} replies between {size} authors "
                                 "(or groups); colour = agreement with the parent")


def chains(frame: pl.DataFrame, limit: int = DETAIL_LIMIT) -> alt.TopLevelMixin:
    """How long the reply chains run (comments on the longest path from a top-level comment) and which
    hold a back-and-forth, A replying to B replying to A. One block per chain up to ``limit`` chains."""
    title = "Reply chains"
    rows = data.chain_rows(frame) if frame.height else pl.DataFrame()
    if rows.height == 0:
        return placeholder("No comments in this thread.", title)
    rows = rows.with_columns(
        pl.when(pl.col("back_and_forth")).then(pl.lit("with A-B-A")).otherwise(pl.lit("without")).alias("exchange"))
    colour = alt.Color("exchange:N", title="back-and-forth",
                       scale=alt.Scale(domain=["with A-B-A", "without"], range=["#7b3294", "#bdbdbd"]))
    x = alt.X("length:O", title="chain length (comments on the longest path)", axis=alt.Axis(labelAngle=0))
    exchanges = int(rows.get_column("aba").sum())
    answered = int((rows.get_column("size") > 1).sum())
    subtitle = (f"{rows.height} top-level comments, {answered} with replies; "
                f"{exchanges} A-B-A replies in {int(rows.get_column('back_and_forth').sum())} chains")
    if rows.height > limit:
        counts = data.chain_counts(rows).with_columns(
            pl.when(pl.col("back_and_forth")).then(pl.lit("with A-B-A")).otherwise(pl.lit("without")).alias("exchange"))
        chart = alt.Chart(counts).mark_bar().encode(
            x=x, y=alt.Y("n:Q", title="chains", axis=COUNT_AXIS), color=colour,
            tooltip=["length:O", "exchange:N", alt.Tooltip("n:Q", title="chains")],
        ).properties(width=WIDTH, height=220)
        return _finish(chart, title, subtitle)
    test = ("sel_author == null && sel_stance == null ? true"
            " : sel_author == null ? indexof(datum.stances, sel_stance) >= 0"
            " : sel_stance == null ? indexof(datum.authors, sel_author) >= 0"
            " : indexof(datum.pairs, sel_stance + ':' + sel_author) >= 0")
    blocks = rows.sort("back_and_forth", "first_position", descending=[True, False]).with_columns(
        pl.lit(1, dtype=pl.Int64).alias("one"), pl.int_range(pl.len(), dtype=pl.Int64).alias("stack"),
        pl.col("authors").list.join(", ").str.slice(0, 120).alias("who"),
    )
    chart = alt.Chart(blocks).mark_bar(stroke="white", strokeWidth=0.4).encode(
        x=x, y=alt.Y("one:Q", stack="zero", title="chains", axis=COUNT_AXIS), color=colour, detail="root_id:N",
        order=alt.Order("stack:Q"), opacity=highlight(test),
        tooltip=[alt.Tooltip("first_position:Q", title="starts at #"), alt.Tooltip("length:Q", title="longest path"),
                 alt.Tooltip("size:Q", title="comments"), alt.Tooltip("aba:Q", title="A-B-A replies"),
                 alt.Tooltip("who:N", title="authors")],
    ).properties(width=WIDTH, height=220)
    return _finish(chart, title, subtitle)


#: Every view of the thread dashboard, by the name used for ``data-chart`` and image files.
CHARTS: dict[str, Callable[..., alt.TopLevelMixin]] = {
    "overview": overview,
    "reply-tree": reply_tree,
    "stance": stance,
    "sentiment-time": sentiment_time,
    "participation": participation,
    "reply-matrix": reply_matrix,
    "chains": chains,
}
