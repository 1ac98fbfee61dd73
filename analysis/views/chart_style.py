"""What every chart shares: sizes, colours, the selection params and how a mark is lit, dimmed or faded.

Every chart declares the same three value params, ``sel_author``, ``sel_stance`` and ``sel_chain`` (a
chain's ``root_id``); the page's script sets them on all views at once, so selecting an author, a stance
or a chain lights up the same comments everywhere. Marks outside the selection are dimmed to
``DIMMED``; labels whose confidence is below ``trust.CONFIDENT`` are drawn at ``FADED``.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import polars as pl

from commentscope.analysis.views.chart_data import AGREEMENTS, STANCES

WIDTH = 520
STANCE_COLOURS = ("#1b9e77", "#d95f02", "#9e9e9e")
#: Agreement with the parent: blue agrees, magenta disagrees (apart from the stance colours).
AGREEMENT_COLOURS = {"agree": "#2c7bb6", "neutral": "#b8b8b8", "disagree": "#c2185b", "not judged": "#e0e0e0"}
DIMMED = 0.12
FADED = 0.4
#: Axes that count things: whole-number ticks only, never "0.5" or "1 1 2 2" (see ``count_axis``).
COUNT_AXIS = alt.Axis(format="d", tickMinStep=1)
#: Up to this largest count an axis lists its ticks one by one.
LISTED_TICKS = 10
#: The selection test for rows that carry ``author``, ``stance`` and ``root_id`` (a null ``root_id``:
#: a row that pools chains, which a chain selection leaves lit).
COMMENT_TEST = ("(sel_author == null || datum.author == sel_author) && (sel_stance == null || datum.stance == sel_stance)"
                " && (sel_chain == null || datum.root_id == null || datum.root_id == sel_chain)")
PARAMS = ("sel_author", "sel_stance", "sel_chain")


def count_axis(top: int, start: int = 0, **options: Any) -> alt.Axis:
    """An axis of whole numbers from ``start`` to ``top``. Vega's ``tickMinStep`` alone still gives half
    steps on a span of one or two ("0 0.5 1 1.5 2", drawn as "0 1 1 2 2"), so small spans list their
    ticks."""
    if top - start <= LISTED_TICKS:
        return alt.Axis(format="d", values=list(range(start, max(start, int(top)) + 1)), **options)
    return alt.Axis(format="d", tickMinStep=1, **options)


def selection_params() -> list[alt.Parameter]:
    """The value params every view declares (named, so the spec is the same on every run)."""
    return [alt.param(name=name, value=None) for name in PARAMS]


def highlight(test: str = COMMENT_TEST, faded: str | None = "datum.uncertain") -> Any:
    """Opacity: ``DIMMED`` for rows failing ``test``, ``FADED`` for the rest where ``faded`` holds, else full."""
    chain = alt.when(f"!({test})").then(alt.value(DIMMED))
    if faded:
        chain = chain.when(faded).then(alt.value(FADED))
    return chain.otherwise(alt.value(1.0))


def by_rank(field: str) -> alt.EncodingSortField:
    """Sort a nominal axis by a numeric rank column. (An explicit list of values would be compiled
    into a Vega expression, where a data value with U+2028 in it breaks the parser.)"""
    return alt.EncodingSortField(field=field, op="min", order="ascending")


def ranked(rows: pl.DataFrame, order: list[str], column: str, rank: str) -> pl.DataFrame:
    return rows.with_columns(pl.col(column).replace_strict(order, list(range(len(order))), return_dtype=pl.Int64)
                             .alias(rank))


def stance_colour(title: str = "stance", legend: bool = True) -> alt.Color:
    return alt.Color("stance:N", title=title, scale=alt.Scale(domain=list(STANCES), range=list(STANCE_COLOURS)),
                     legend=alt.Legend() if legend else None)


def agreement_colour(field: str, present: list[str], title: str) -> alt.Color:
    domain = [a for a in (*AGREEMENTS, "not judged") if a in present] or list(AGREEMENTS)
    return alt.Color(f"{field}:N", title=title, scale=alt.Scale(domain=domain, range=[AGREEMENT_COLOURS[a] for a in domain]),
                     legend=alt.Legend(symbolType="stroke", symbolStrokeWidth=3, titleLimit=260) if field == "reply_label"
                     else alt.Legend(titleLimit=260))


def comment_tooltip() -> list[alt.Tooltip]:
    return [alt.Tooltip("position:Q", title="#"), alt.Tooltip("author:N"), alt.Tooltip("time:N"),
            alt.Tooltip("stance:N"), alt.Tooltip("confidence:Q", format=".2f", title="stance confidence"),
            alt.Tooltip("sentiment:Q", format="+.2f"), alt.Tooltip("snippet:N", title="comment")]


def finish(chart: alt.TopLevelMixin, title: str, subtitle: str | list[str] | None = None) -> alt.TopLevelMixin:
    heading = alt.TitleParams(text=title, subtitle=subtitle or "", anchor="start", subtitleColor="#555")
    return chart.add_params(*selection_params()).properties(title=heading)


def placeholder(message: str, title: str) -> alt.TopLevelMixin:
    """A view with nothing to draw (no comments, no replies) says so instead of failing."""
    frame = pl.DataFrame({"message": [message]})
    chart = alt.Chart(frame).mark_text(fontSize=13, color="#555").encode(text="message:N")
    return finish(chart.properties(width=WIDTH, height=60), title)
