"""Comparing threads: per-thread metrics with confidence intervals, a significance test of the stance
distributions, and one self-contained comparison page.

The chain metrics come from ``commentscope.analysis.stages.structure.thread_metrics``; the stance shares carry 95% Wilson
intervals (honest for small threads and shares near 0 or 1); the test is Pearson's chi-square on the
thread x stance table, or an exact/permutation test when expected counts are below 5 (``contingency``).
The page is ``templates/comparison.html``: every value escaped by the engine.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Iterable, Mapping

import polars as pl

from commentscope.analysis.views import chart_data as data
from commentscope.analysis.views import contingency
from commentscope.analysis.views.chart_data import STANCES
from commentscope.analysis.views.dashboard import checked_threads
from commentscope.analysis.views.page import hoist_datasets, render
from commentscope.scraper.errors import UsageError
from commentscope.scraper.records import Thread
from commentscope.scraper.atomic import atomic_open

Z95 = 1.959963984540054
ALPHA = 0.05
PERMUTATIONS = 9999
LABEL_CHARS = 80


def _wilson(k: str, n: str) -> tuple[pl.Expr, pl.Expr]:
    """95% Wilson score interval of the proportion ``k / n`` (null when ``n`` is 0)."""
    count, total = pl.col(k).cast(pl.Float64), pl.col(n).cast(pl.Float64)
    share = count / total
    z2 = Z95 * Z95
    centre = (share + z2 / (2 * total)) / (1 + z2 / total)
    half = Z95 * (share * (1 - share) / total + z2 / (4 * total * total)).sqrt() / (1 + z2 / total)
    valid = total > 0
    return (pl.when(valid).then((centre - half).clip(0, 1)), pl.when(valid).then((centre + half).clip(0, 1)))


def comparison_metrics(frame: pl.DataFrame) -> pl.DataFrame:
    """One row per thread (in order of first appearance): comments, authors, replies, max_depth, chains
    (top-level comments that got replies), longest_chain, back_and_forth (A-B-A replies), reciprocity,
    mean_sentiment, and for each stance its count, ``<stance>_share`` and 95% Wilson ``<stance>_lo`` /
    ``<stance>_hi``."""
    from commentscope.analysis.stages.structure import thread_metrics

    data.check_columns(frame, "compare")
    norm = data.normalise(frame)
    order = frame.select(pl.col("thread_id").unique(maintain_order=True)).with_row_index("order")
    structure = thread_metrics(norm).select("thread_id", "comments", "authors", "replies", "max_depth", "chains",
                                            "longest_chain", "back_and_forth", "reciprocity")
    stance = norm.group_by("thread_id").agg(
        pl.col("sentiment").mean().alias("mean_sentiment"),
        *[(pl.col("stance") == s).sum().cast(pl.Int64).alias(s) for s in STANCES],
    )
    joined = order.join(structure, on="thread_id", how="inner").join(stance, on="thread_id", how="left")
    intervals = []
    for s in STANCES:
        lo, hi = _wilson(s, "comments")
        intervals += [(pl.col(s) / pl.col("comments")).alias(f"{s}_share"), lo.alias(f"{s}_lo"), hi.alias(f"{s}_hi")]
    return joined.sort("order").with_columns(*intervals).drop("order")


def _table(frame: pl.DataFrame) -> tuple[list[str], list[str], list[list[int]]]:
    norm = data.normalise(frame)
    threads = norm.select(pl.col("thread_id").unique(maintain_order=True)).get_column("thread_id").to_list()
    counts = norm.group_by("thread_id", "stance").len()
    lookup = {(t, s): n for t, s, n in counts.iter_rows()}
    stances = [s for s in STANCES if any(lookup.get((t, s), 0) for t in threads)]
    return threads, stances, [[lookup.get((t, s), 0) for s in stances] for t in threads]


def _p(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.2g}"


def stance_test(frame: pl.DataFrame, alpha: float = ALPHA) -> dict[str, Any]:
    """Do the threads' stance distributions differ? Pearson's chi-square on the thread x stance table
    (Yates-corrected for a 2 x 2 table); when an expected count is below 5, Fisher's exact test for a
    2 x 2 table, otherwise a permutation test of the chi-square statistic (9,999 permutations, fixed
    seed). Returns ``test``, ``statistic``, ``df``, ``p_value``, ``significant``, ``min_expected``,
    ``table`` ({thread: {stance: count}}) and ``statement``, the result in words."""
    data.check_columns(frame, "compare")
    threads, stances, counts = _table(frame)
    result: dict[str, Any] = {"test": None, "statistic": None, "df": None, "p_value": None, "significant": False,
                              "alpha": alpha, "min_expected": None,
                              "table": {t: dict(zip(stances, row)) for t, row in zip(threads, counts)}}
    if len(threads) < 2:
        return {**result, "statement": "Cannot test: the stance distributions need at least two threads with comments."}
    if len(stances) < 2:
        only = stances[0] if stances else "none"
        return {**result, "statement": f"Cannot test: every comment in these threads has the stance {only!r}."}
    min_expected = min(min(row) for row in contingency.expected_counts(counts))
    result["min_expected"] = round(min_expected, 3)
    df = contingency.degrees_of_freedom(counts)
    if min_expected >= 5:
        statistic, df, p_value = contingency.chi_square(counts)
        result.update(test="chi-square", statistic=statistic, df=df, p_value=p_value)
        detail = f"chi² = {statistic:.1f}, df = {df}, {_p(p_value)}"
    elif df == 1:
        statistic, p_value = contingency.fisher_exact(counts)
        result.update(test="fisher", statistic=statistic, df=1, p_value=p_value)
        detail = f"Fisher's exact test, {_p(p_value)}; some expected counts are below 5"
    else:
        statistic, p_value = contingency.permutation_chi_square(counts, PERMUTATIONS, seed=0)
        result.update(test="permutation", statistic=statistic, df=df, p_value=p_value)
        detail = (f"chi² = {statistic:.1f}, df = {df}, permutation {_p(p_value)} "
                  f"from {PERMUTATIONS:,} shuffles; some expected counts are below 5")
    result["significant"] = p_value < alpha
    if result["significant"]:
        statement = f"The stance distributions differ across the {len(threads)} threads ({detail})."
    else:
        statement = f"No evidence that the stance distributions differ across the {len(threads)} threads ({detail})."
    return {**result, "statement": statement}


def thread_labels(threads: Iterable[Thread]) -> dict[str, str]:
    """thread_id -> a short unique axis label (the title, cut to 80 characters, or the id)."""
    labels: dict[str, str] = {}
    for thread in threads:
        text = thread.title or thread.thread_id
        text = text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"
        if text in labels.values():
            text = f"{text} [{thread.thread_id}]"
        labels[thread.thread_id] = text
    return labels


def _cell(value: Any, kind: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if kind == "int":
        return f"{int(value):,}"
    if kind == "share":
        return f"{value:.0%}"
    return f"{value:+.2f}" if kind == "signed" else f"{value:.2f}"


#: The metrics table's columns: metric, heading, how its value is written.
METRIC_COLUMNS = (("comments", "comments", "int"), ("authors", "authors", "int"), ("max_depth", "max depth", "int"),
                  ("chains", "chains", "int"), ("back_and_forth", "A-B-A replies", "int"),
                  ("reciprocity", "reciprocity", "share"), ("mean_sentiment", "mean sentiment", "signed"))
#: What each heading means, in plain words (the page shows them under the table).
METRIC_HELP = {
    "comments": "comments in the thread",
    "authors": "different names that commented",
    "max depth": "the longest run of replies to replies (0: nobody replied to anyone)",
    "chains": "top-level comments that drew at least one reply: each starts a chain of replies",
    "A-B-A replies": "back-and-forth replies: A answers B, who had answered A",
    "reciprocity": "of the pairs where one author answered another, the share where the other answered back",
    "mean sentiment": "the average tone of the comments, from −1 (negative) to +1 (positive)",
    "favor (95% CI)": "share of comments labelled as supporting the article, with the range it would likely "
                      "fall in 95 times out of 100 (Wilson interval); wide for small threads",
    "against (95% CI)": "share of comments labelled as opposing the article, with its 95% interval",
    "none (95% CI)": "share of comments labelled as taking no side, with its 95% interval",
}


def metrics_table(metrics: pl.DataFrame, labels: Mapping[str, str],
                  sources: Mapping[str, str] | None = None) -> tuple[list[str], list[list[str]]]:
    """The metrics as table text: the headings after "thread", and one row of cells per thread (its
    label first, the file it was read from, then each metric, then each stance's share with its 95%
    interval). ``labels`` here are the full titles: the table wraps them."""
    headings = ["from", *(title for _, title, _ in METRIC_COLUMNS), *(f"{s} (95% CI)" for s in STANCES)]
    rows = []
    for row in metrics.iter_rows(named=True):
        cells = [labels[row["thread_id"]], (sources or {}).get(row["thread_id"]) or "–",
                 *(_cell(row[name], kind) for name, _, kind in METRIC_COLUMNS)]
        cells += [f"{_cell(row[f'{s}_share'], 'share')} ({_cell(row[f'{s}_lo'], 'share')}–"
                  f"{_cell(row[f'{s}_hi'], 'share')})" for s in STANCES]
        rows.append(cells)
    return headings, rows


def comparison_specs(frame: pl.DataFrame, metrics: pl.DataFrame, labels: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    """Each comparison view's Vega-Lite spec by name."""
    from commentscope.analysis.views.compare_charts import COMPARE_CHARTS

    return {name: build(frame, metrics, labels).to_dict() for name, build in COMPARE_CHARTS.items()}


def build_comparison(frame: pl.DataFrame, threads: Iterable[Thread]) -> str:
    """The comparison page of two or more threads of an analysed frame: the metrics table, the stance
    test in words, stance shares with intervals, sentiment and depth distributions on shared scales."""
    data.check_columns(frame, "compare")
    present = frame.get_column("thread_id").unique(maintain_order=True).to_list()
    known = {thread.thread_id: thread for thread in checked_threads(threads, present)}
    with_comments = [t for t in known if t in present]
    if len(with_comments) < 2:
        raise UsageError(f"comparing needs two or more threads with comments, got {len(with_comments)}", "compare",
                         "give the comments of at least two threads")
    subset = frame.filter(pl.col("thread_id").is_in(with_comments))
    # Page order: the order the threads were given in.
    subset = subset.join(pl.DataFrame({"thread_id": with_comments}).with_row_index("_order"), on="thread_id") \
        .sort("_order", "position").drop("_order")
    labels = thread_labels(known[t] for t in with_comments)
    titles = {t: known[t].title or t for t in with_comments}
    metrics = comparison_metrics(subset)
    slim, datasets = hoist_datasets(comparison_specs(subset, metrics, labels))
    headings, rows = metrics_table(metrics, titles, {t: known[t].source for t in with_comments})
    payload = {"kind": "compare", "datasets": datasets,
               "charts": [{"name": name, "spec": spec, "click": None} for name, spec in slim.items()]}
    return render("comparison.html", title=f"Comparing {len(with_comments)} threads",
                  counts=[(f"{subset.height:,}", "comments"), (f"{subset.get_column('author').n_unique():,}", "authors")],
                  headings=[(h, METRIC_HELP.get(h, "")) for h in headings], rows=rows,
                  statement=stance_test(subset)["statement"],
                  left_out=[thread.title or thread.thread_id for t, thread in known.items() if t not in present],
                  charts=[(name, "") for name in slim], payload=payload)


def write_comparison(frame: pl.DataFrame, threads: Iterable[Thread], out: Path) -> Path:
    """Write the comparison page to ``out`` atomically and return its path."""
    page = build_comparison(frame, threads)
    out = Path(out)
    with atomic_open(out) as handle:
        handle.write(page)
    return out
