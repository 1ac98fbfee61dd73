"""The comparison page's views: several threads side by side on shared scales.

Each function takes the analysed comments of several threads and ``labels`` (thread_id -> the short name
shown on the axes, in page order) and returns an altair chart; ``COMPARE_CHARTS`` registers them by the
page's ``data-chart`` name. Rows are aggregated in polars first: a few per thread, never one per comment.
"""

from __future__ import annotations

from typing import Callable, Mapping

import altair as alt
import polars as pl

from commentscope.analysis.views import chart_data as data
from commentscope.analysis.views.charts import STANCE_COLOURS, WIDTH, by_rank
from commentscope.analysis.views.chart_data import STANCES

#: Depths at or beyond this are pooled into one ``N+`` column.
DEPTH_CAP = 8
SENTIMENT_BIN = 0.2


def _labelled(frame: pl.DataFrame, labels: Mapping[str, str]) -> pl.DataFrame:
    keys, names = list(labels), list(labels.values())
    return frame.filter(pl.col("thread_id").is_in(keys)).with_columns(
        pl.col("thread_id").replace_strict(keys, names, return_dtype=pl.String).alias("thread"),
        pl.col("thread_id").replace_strict(keys, list(range(len(keys))), return_dtype=pl.Int64).alias("thread_rank"))


def thread_colour(labels: Mapping[str, str]) -> alt.Color:
    return alt.Color("thread:N", title="thread", scale=alt.Scale(domain=list(labels.values()), scheme="tableau10"),
                     legend=alt.Legend(labelLimit=420))


def stance_shares(metrics: pl.DataFrame, labels: Mapping[str, str]) -> alt.TopLevelMixin:
    """Each thread's share of favor / against / none with its 95% Wilson interval, one shared 0-100%
    axis. ``metrics`` is ``commentscope.analysis.views.compare.comparison_metrics``."""
    rows = pl.concat([
        metrics.select(
            pl.col("thread_id"), pl.lit(s).alias("stance"), pl.col(s).alias("n"), pl.col("comments"),
            pl.col(f"{s}_share").round(4).alias("share"), pl.col(f"{s}_lo").round(4).alias("lo"),
            pl.col(f"{s}_hi").round(4).alias("hi"),
        ) for s in STANCES
    ])
    rows = _labelled(rows, labels).sort("thread", "stance")
    colour = alt.Color("stance:N", scale=alt.Scale(domain=list(STANCES), range=list(STANCE_COLOURS)))
    y = alt.Y("thread:N", sort=by_rank("thread_rank"), title=None, axis=alt.Axis(labelLimit=420))
    offset = alt.YOffset("stance:N", sort=list(STANCES))
    scale, axis = alt.Scale(domain=[0, 1]), alt.Axis(format="%")
    tooltip = ["thread:N", "stance:N", alt.Tooltip("n:Q", title="comments"), alt.Tooltip("comments:Q", title="of"),
               alt.Tooltip("share:Q", format=".1%"), alt.Tooltip("lo:Q", format=".1%", title="95% from"),
               alt.Tooltip("hi:Q", format=".1%", title="95% to")]
    bars = alt.Chart(rows).mark_rule(strokeWidth=2).encode(
        x=alt.X("lo:Q", title="share of the thread's comments (95% Wilson interval)", scale=scale, axis=axis),
        x2="hi:Q", y=y, yOffset=offset, color=colour, tooltip=tooltip)
    dots = alt.Chart(rows).mark_point(filled=True, size=60).encode(
        x=alt.X("share:Q", scale=scale, axis=axis), y=y, yOffset=offset, color=colour, tooltip=tooltip)
    chart = alt.layer(bars, dots).properties(width=WIDTH, height=alt.Step(16))
    return chart.properties(title=alt.TitleParams("Stance shares per thread", anchor="start",
                                                  subtitle="dot = share; line = 95% Wilson interval"))


def sentiment_distribution(frame: pl.DataFrame, labels: Mapping[str, str]) -> alt.TopLevelMixin:
    """Each thread's sentiment as the share of its comments per 0.2-wide bin from -1 to 1."""
    norm = data.normalise(frame)
    bins = int(round(2 / SENTIMENT_BIN))
    start = (((pl.col("sentiment") + 1) / SENTIMENT_BIN).floor().clip(0, bins - 1) * SENTIMENT_BIN - 1).round(2)
    rows = (
        _labelled(norm, labels).group_by("thread", "thread_rank", start.alias("start")).len("n")
        .with_columns((pl.col("n") / pl.col("n").sum().over("thread")).round(4).alias("share"),
                      (pl.col("start") + SENTIMENT_BIN).round(2).alias("end"), pl.col("n").cast(pl.Int64))
        .sort("thread", "start")
    )
    chart = alt.Chart(rows).mark_bar(opacity=0.85).encode(
        x=alt.X("start:Q", title="sentiment (VADER compound)", scale=alt.Scale(domain=[-1, 1]),
                bin=alt.BinParams(binned=True, step=SENTIMENT_BIN)),
        x2="end:Q",
        y=alt.Y("share:Q", title="share of comments", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        color=thread_colour(labels), row=alt.Row("thread:N", sort=by_rank("thread_rank"), title=None,
                                                  header=alt.Header(labelLimit=480, labelAngle=0, labelAlign="left")),
        tooltip=["thread:N", alt.Tooltip("start:Q", title="from"), alt.Tooltip("end:Q", title="to"),
                 alt.Tooltip("n:Q", title="comments"), alt.Tooltip("share:Q", format=".1%")],
    ).properties(width=WIDTH - 120, height=90)
    return chart.properties(title=alt.TitleParams("Sentiment distribution", anchor="start",
                                                  subtitle="share of each thread's comments per 0.2 of sentiment"))


def depth_distribution(frame: pl.DataFrame, labels: Mapping[str, str]) -> alt.TopLevelMixin:
    """Each thread's share of comments at each reply depth (0 = top-level), bars side by side."""
    norm = data.normalise(frame)
    depth = pl.col("depth").clip(0, DEPTH_CAP)
    level = pl.when(depth >= DEPTH_CAP).then(pl.lit(f"{DEPTH_CAP}+")).otherwise(depth.cast(pl.String))
    rows = (
        _labelled(norm, labels).group_by("thread", "thread_rank", depth.alias("rank"), level.alias("depth")).len("n")
        .with_columns((pl.col("n") / pl.col("n").sum().over("thread")).round(4).alias("share"), pl.col("n").cast(pl.Int64))
        .sort("thread", "rank")
    )
    chart = alt.Chart(rows).mark_bar().encode(
        x=alt.X("depth:N", sort=by_rank("rank"), title="reply depth (0 = top-level)", axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("thread:N", sort=by_rank("thread_rank")),
        y=alt.Y("share:Q", title="share of comments", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        color=thread_colour(labels),
        tooltip=["thread:N", "depth:N", alt.Tooltip("n:Q", title="comments"), alt.Tooltip("share:Q", format=".1%")],
    ).properties(width=WIDTH, height=220)
    return chart.properties(title=alt.TitleParams("Depth distribution", anchor="start",
                                                  subtitle="how far down the reply chains each thread's comments sit"))


#: The comparison page's views by ``data-chart`` name; each takes (frame, metrics, labels).
COMPARE_CHARTS: dict[str, Callable[[pl.DataFrame, pl.DataFrame, Mapping[str, str]], alt.TopLevelMixin]] = {
    "stance-shares": lambda frame, metrics, labels: stance_shares(metrics, labels),
    "sentiment-distribution": lambda frame, metrics, labels: sentiment_distribution(frame, labels),
    "depth-distribution": lambda frame, metrics, labels: depth_distribution(frame, labels),
}
