"""Hand labels against the machine: overriding stance with a user's labels, and scoring the machine.

A user who has labelled some comments (CSV: thread_id, id, stance) gets their labels in the output
(``apply_labels``) and learns how far to trust the machine on the rest (``score_labels``: accuracy,
macro-F1 and Cohen's kappa, which discounts the agreement two raters reach by chance). The metrics are
implemented here in plain Python so their exact values can be checked by hand.
"""

from __future__ import annotations

from collections import Counter
from typing import Sequence

import polars as pl

from commentscope.scraper.errors import InputError

#: The values a labelled column may take; a machine's null counts as the last (no side).
LABEL_VALUES = {"stance": ("favor", "against", "none"), "agreement": ("agree", "disagree", "neutral")}


def accuracy(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """Share of items where the prediction equals the gold label."""
    _same_length(gold, predicted)
    return sum(g == p for g, p in zip(gold, predicted)) / len(gold) if gold else 0.0


def macro_f1(gold: Sequence[str], predicted: Sequence[str], classes: Sequence[str] | None = None) -> float:
    """Unweighted mean of the per-class F1 over ``classes`` (default: every label seen in either list).
    A class never predicted and never true is left out by default; F1 is 0 where precision + recall is 0."""
    _same_length(gold, predicted)
    classes = list(classes) if classes is not None else sorted(set(gold) | set(predicted))
    if not classes:
        return 0.0
    scores = []
    for label in classes:
        tp = sum(g == label and p == label for g, p in zip(gold, predicted))
        fp = sum(g != label and p == label for g, p in zip(gold, predicted))
        fn = sum(g == label and p != label for g, p in zip(gold, predicted))
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(scores) / len(scores)


def cohen_kappa(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """Cohen's kappa: (observed agreement - chance agreement) / (1 - chance agreement), chance taken from
    each rater's own label shares. When chance agreement is 1 (both raters used one and the same label)
    kappa is 1.0 for full agreement; there is no disagreement to discount."""
    _same_length(gold, predicted)
    if not gold:
        return 0.0
    n = len(gold)
    observed = accuracy(gold, predicted)
    gold_counts, predicted_counts = Counter(gold), Counter(predicted)
    chance = sum(gold_counts[label] * predicted_counts[label] for label in gold_counts) / (n * n)
    if chance >= 1.0:
        return 1.0 if observed >= 1.0 else 0.0
    return (observed - chance) / (1.0 - chance)


def confusion(gold: Sequence[str], predicted: Sequence[str], classes: Sequence[str] | None = None) -> dict[str, dict[str, int]]:
    """Counts as ``{gold label: {predicted label: count}}`` over every class (zeros included)."""
    _same_length(gold, predicted)
    classes = list(classes) if classes is not None else sorted(set(gold) | set(predicted))
    table = {g: {p: 0 for p in classes} for g in classes}
    for g, p in zip(gold, predicted):
        table[g][p] += 1
    return table


def _same_length(gold: Sequence[str], predicted: Sequence[str]) -> None:
    if len(gold) != len(predicted):
        raise ValueError(f"gold has {len(gold)} labels but the prediction {len(predicted)}")


def _check_labels(labels: pl.DataFrame, column: str) -> pl.DataFrame:
    if column not in LABEL_VALUES:
        raise InputError(f"cannot score the column {column!r}", "labels", f"score one of: {', '.join(LABEL_VALUES)}")
    missing = [c for c in ("thread_id", "id", column) if c not in labels.columns]
    if missing:
        raise InputError(f"the labels lack the column(s) {', '.join(missing)}", "labels",
                         f"give a CSV with the columns thread_id,id,{column}")
    labels = labels.select(pl.col("thread_id").cast(pl.String), pl.col("id").cast(pl.String),
                           pl.col(column).cast(pl.String).str.strip_chars().str.to_lowercase())
    allowed = LABEL_VALUES[column]
    bad = labels.filter(pl.col(column).is_not_null() & ~pl.col(column).is_in(list(allowed)))
    if bad.height:
        row = bad.row(0, named=True)
        raise InputError(f"comment {row['id']} of thread {row['thread_id']} has {column} {row[column]!r}", "labels",
                         f"use {', '.join(allowed)}")
    duplicated = labels.filter(pl.struct("thread_id", "id").is_duplicated())
    if duplicated.height:
        row = duplicated.row(0, named=True)
        raise InputError(f"comment {row['id']} of thread {row['thread_id']} is labelled twice", "labels",
                         "keep one label per comment")
    return labels


def score_labels(frame_machine: pl.DataFrame, labels: pl.DataFrame, column: str = "stance") -> dict:
    """Score the machine's ``column`` (stance or agreement) against hand labels.

    Returns ``n`` (labelled comments found in the frame), ``accuracy``, ``macro_f1`` (over the column's
    classes seen in gold or machine), ``kappa`` (Cohen's) and ``confusion`` ({gold: {machine: count}}).
    Labels left empty (a top-level comment's agreement) are skipped; a machine null counts as no side.
    """
    labels = _check_labels(labels, column).filter(pl.col(column).is_not_null())
    if column not in frame_machine.columns:
        raise InputError(f"the analysed frame has no {column} column", "analysed frame",
                         f"run the {column} stage before scoring")
    machine = frame_machine.select(pl.col("thread_id").cast(pl.String), pl.col("id").cast(pl.String),
                                   pl.col(column).alias("machine"))
    joined = labels.join(machine, on=["thread_id", "id"], how="inner")
    if joined.height == 0:
        raise InputError("no labelled comment is in the analysed frame", "labels",
                         "check that the labels' thread_id and id match the comment records")
    gold = joined[column].to_list()
    fallback = LABEL_VALUES[column][-1]
    predicted = [p if p is not None else fallback for p in joined["machine"].to_list()]
    classes = [c for c in LABEL_VALUES[column] if c in set(gold) | set(predicted)]
    return {
        "n": joined.height,
        "accuracy": accuracy(gold, predicted),
        "macro_f1": macro_f1(gold, predicted, classes),
        "kappa": cohen_kappa(gold, predicted),
        "confusion": confusion(gold, predicted, list(LABEL_VALUES[column])),
    }


def apply_labels(frame: pl.DataFrame, labels: pl.DataFrame) -> pl.DataFrame:
    """Override ``stance`` with hand labels (CSV columns thread_id, id, stance): labelled comments get the
    label, ``stance_confidence`` 1.0 and ``stance_source`` "human"; the rest keep their stance and its
    source ("model" where the frame says nothing). Labels for comments not in the frame are ignored.
    """
    labels = _check_labels(labels, "stance").filter(pl.col("stance").is_not_null())
    for name in ("thread_id", "id", "stance"):
        if name not in frame.columns:
            raise InputError(f"the analysed frame has no {name} column", "analysed frame",
                             "run add_stance before applying labels")
    marked = frame.join(labels.rename({"stance": "_label"}), on=["thread_id", "id"], how="left")
    labelled = pl.col("_label").is_not_null()
    confidence = pl.col("stance_confidence") if "stance_confidence" in frame.columns else pl.lit(None, pl.Float64)
    evidence = pl.col("stance_evidence") if "stance_evidence" in frame.columns else pl.lit(None, pl.String)
    return marked.with_columns(
        pl.when(labelled).then(pl.col("_label")).otherwise(pl.col("stance")).alias("stance"),
        pl.when(labelled).then(pl.lit(1.0)).otherwise(confidence).cast(pl.Float64).alias("stance_confidence"),
        pl.when(labelled).then(pl.lit("set by hand")).otherwise(evidence).alias("stance_evidence"),
        pl.when(labelled).then(pl.lit("human"))
        .otherwise(pl.col("stance_source") if "stance_source" in frame.columns else pl.lit(None, pl.String))
        .fill_null("model").alias("stance_source"),
    ).drop("_label")


def read_labels(path: str) -> pl.DataFrame:
    """A user's labels file (CSV: thread_id, id, stance; other columns ignored), checked: UsageError
    naming the file for anything but a CSV with those columns and the three stance values."""
    from commentscope.scraper.errors import UsageError
    from commentscope.scraper.sources import read_source

    source = read_source(path)
    fix = "give a CSV with the columns thread_id,id,stance"
    try:
        labels = pl.read_csv(source.data, schema_overrides={"thread_id": pl.String, "id": pl.String, "stance": pl.String})
    except pl.exceptions.PolarsError as error:
        raise UsageError(f"labels file is not a CSV ({str(error).splitlines()[0]})", path, fix) from None
    missing = {"thread_id", "id", "stance"} - set(labels.columns)
    if missing:
        raise UsageError(f"labels file lacks the column(s) {', '.join(sorted(missing))}", path, fix)
    bad = labels.filter(~pl.col("stance").is_in(LABEL_VALUES["stance"]))
    if bad.height:
        raise UsageError(f"labels file has stance {bad.get_column('stance')[0]!r}", path, "use favor, against or none")
    return labels.select("thread_id", "id", "stance")
