"""Stance tallies: counts and shares of favor / against / none per thread, author, depth or day.

Counts always sum to the number of comments: a comment with no stance counts as ``none``, one with no
timestamp falls on day ``unknown``. With several threads, rows by author, depth or day are per thread
(a ``thread`` column first): the same name in two comment sections is rarely the same person, and a
depth or a day means something within one discussion. Shares and mean sentiment are rounded to
``DECIMALS`` places (a share to a hundredth of a per cent), so a spreadsheet shows 0.2917, not
0.29166666666666669.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from commentscope.scraper.errors import UsageError

STANCES = ("favor", "against", "none")
GROUPINGS = ("thread", "author", "depth", "day")
#: Output extension -> table format.
TABLE_SUFFIXES = {".csv": "csv", ".json": "json", ".parquet": "parquet"}
DECIMALS = 4
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


def tally(frame: pl.DataFrame, by: str = "thread", decimals: int | None = DECIMALS) -> pl.DataFrame:
    """One row per group: favor, against, none, total, their shares, and mean_sentiment; grouped by
    thread as well when ``by`` is not ``thread`` and the frame holds several threads; shares and means
    rounded to ``decimals`` places (None: exact). Reads ``stance``,
    ``sentiment`` and the grouping column (``depth`` needs ``commentscope.analysis.stages.structure``)."""
    key = _key(by)
    name = key.meta.output_name()
    keys, exprs = [name], [key]
    if by != "thread" and frame.get_column("thread_id").n_unique() > 1:
        keys, exprs = ["thread", name], [pl.col("thread_id").alias("thread"), key]
    stance = pl.col("stance").fill_null("none")
    counts = (
        frame.with_columns(*exprs, stance.alias("stance"))
        .group_by(keys)
        .agg(
            *[(pl.col("stance") == s).sum().cast(pl.Int64).alias(s) for s in STANCES],
            pl.len().cast(pl.Int64).alias("total"),
            _rounded(pl.col("sentiment").mean(), decimals).alias("mean_sentiment"),
        )
        .with_columns(*[_rounded(pl.col(s) / pl.col("total"), decimals).alias(f"{s}_share") for s in STANCES])
        .sort(keys, nulls_last=True)
    )
    return counts.select(*keys, *STANCES, "total", *[f"{s}_share" for s in STANCES], "mean_sentiment")


def _rounded(value: pl.Expr, decimals: int | None) -> pl.Expr:
    return value if decimals is None else value.round(decimals)


def spreadsheet_safe(frame: pl.DataFrame) -> pl.DataFrame:
    """Prefix string cells that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``) with ``'``."""
    return frame.with_columns(
        pl.when(pl.col(c).str.contains(_FORMULA_START)).then(pl.lit("'") + pl.col(c)).otherwise(pl.col(c)).alias(c)
        for c, dtype in frame.schema.items() if dtype == pl.String
    )


def table_format(out: str | Path | None) -> str:
    """``csv``, ``json`` or ``parquet`` by the extension of ``out`` (CSV on stdout); UsageError naming the
    known extensions for any other."""
    if out is None or str(out) == "-":
        return "csv"
    suffix = Path(out).suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise UsageError(f"cannot write a table as {suffix or 'a file without an extension'}", str(out),
                         f"name the output with one of: {', '.join(TABLE_SUFFIXES)}")
    return TABLE_SUFFIXES[suffix]


def write_table(frame: pl.DataFrame, out: str | Path | None) -> bool:
    """CSV (on stdout when ``out`` is None or ``-``), JSON or Parquet by ``table_format``; CSV cells are
    made safe to open in a spreadsheet. Files are written atomically. True when a file was written."""
    import sys

    from commentscope.scraper.atomic import atomic_open

    kind = table_format(out)
    if out is None or str(out) == "-":
        sys.stdout.write(spreadsheet_safe(frame).write_csv())
        return False
    with atomic_open(out, "wb") as handle:
        if kind == "parquet":
            frame.write_parquet(handle)
        elif kind == "json":
            frame.write_json(handle)
        else:
            spreadsheet_safe(frame).write_csv(handle)
    return True
