"""Stance tallies: counts and shares of favor / against / none per thread, author, depth or day.

Counts always sum to the number of comments: a comment with no stance counts as ``none``, one with no
timestamp falls on day ``unknown``.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from commentscope.scraper.errors import UsageError

STANCES = ("favor", "against", "none")
GROUPINGS = ("thread", "author", "depth", "day")
#: Spreadsheets run a cell that starts with one of these as a formula.
_FORMULA_START = r"^[=+\-@\t\r]"


def _key(by: str) -> pl.Expr:
    if by == "thread":
        return pl.col("thread_id").alias("thread")
    if by == "author":
        return pl.col("author")
    if by == "depth":
        return pl.col("depth")
    if by == "day":
        day = pl.col("timestamp").str.slice(0, 10)
        return (
            pl.when(day.str.contains(r"^\d{4}-\d{2}-\d{2}$")).then(day).otherwise(pl.lit("unknown")).fill_null("unknown")
            .alias("day")
        )
    raise UsageError(f"cannot tally by {by!r}", None, f"use --by with one of: {', '.join(GROUPINGS)}")


def tally(frame: pl.DataFrame, by: str = "thread") -> pl.DataFrame:
    """One row per group: favor, against, none, total, their shares, and mean_sentiment.
    Reads ``stance``, ``sentiment`` and the grouping column (``depth`` needs ``commentscope.analysis.stages.structure``)."""
    key = _key(by)
    name = key.meta.output_name()
    stance = pl.col("stance").fill_null("none")
    counts = (
        frame.with_columns(key, stance.alias("stance"))
        .group_by(name)
        .agg(
            *[(pl.col("stance") == s).sum().cast(pl.Int64).alias(s) for s in STANCES],
            pl.len().cast(pl.Int64).alias("total"),
            pl.col("sentiment").mean().alias("mean_sentiment"),
        )
        .with_columns(*[(pl.col(s) / pl.col("total")).alias(f"{s}_share") for s in STANCES])
        .sort(name, nulls_last=True)
    )
    return counts.select(name, *STANCES, "total", *[f"{s}_share" for s in STANCES], "mean_sentiment")


def spreadsheet_safe(frame: pl.DataFrame) -> pl.DataFrame:
    """Prefix string cells that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``) with ``'``."""
    return frame.with_columns(
        pl.when(pl.col(c).str.contains(_FORMULA_START)).then(pl.lit("'") + pl.col(c)).otherwise(pl.col(c)).alias(c)
        for c, dtype in frame.schema.items() if dtype == pl.String
    )


def write_table(frame: pl.DataFrame, out: str | Path | None) -> None:
    """CSV by default and for ``.csv``, JSON for ``.json``, Parquet for ``.parquet``; stdout when no ``out``.
    CSV cells are made safe to open in a spreadsheet. Files are written atomically."""
    import sys

    from commentscope.scraper.store import atomic_open

    if out is None or str(out) == "-":
        sys.stdout.write(spreadsheet_safe(frame).write_csv())
        return
    suffix = Path(out).suffix.lower()
    with atomic_open(out, "wb") as handle:
        if suffix == ".parquet":
            frame.write_parquet(handle)
        elif suffix == ".json":
            frame.write_json(handle)
        else:
            spreadsheet_safe(frame).write_csv(handle)
