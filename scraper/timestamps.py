"""Timestamps in Parquet: typed datetimes that still say what the source said.

In records a timestamp is an ISO 8601 string with an offset only where the source gave a zone (SPEC.md),
so one file can hold times with and without zones. A Parquet column holds one type, so a record's time
is written as two columns: ``timestamp``, the wall-clock time the source printed (a naive datetime, to
the microsecond), and ``timestamp_utc_offset``, the source's offset from UTC in minutes, or null where
the source gave no zone. The UTC instant, where known, is ``timestamp - offset``; a time without zone
stays what it was, not a guess. Reading the file back rebuilds the ISO strings (``records_frame``).
A file whose timestamps are not all ISO 8601 keeps them as text, so nothing is lost.
"""

from __future__ import annotations

from datetime import datetime

import polars as pl

OFFSET = "timestamp_utc_offset"


def parquet_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with ``timestamp`` as a datetime and ``timestamp_utc_offset`` (minutes) beside it."""
    if "timestamp" not in frame.columns or frame.schema["timestamp"] != pl.String:
        return frame
    values = frame.get_column("timestamp").to_list()
    parsed = [_parse(value) for value in values]
    if any(p is None and v is not None for p, v in zip(parsed, values)):
        return frame  # some time is not ISO 8601: keep the text
    moments = [p[0] if p else None for p in parsed]
    offsets = [p[1] if p else None for p in parsed]
    at = frame.columns.index("timestamp")
    return frame.with_columns(pl.Series("timestamp", moments, dtype=pl.Datetime("us"))).insert_column(
        at + 1, pl.Series(OFFSET, offsets, dtype=pl.Int32))


def records_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """The inverse of ``parquet_frame``: ISO 8601 strings in ``timestamp`` again."""
    if "timestamp" not in frame.columns or not isinstance(frame.schema["timestamp"], pl.Datetime):
        return frame
    moments = frame.get_column("timestamp").to_list()
    offsets = frame.get_column(OFFSET).to_list() if OFFSET in frame.columns else [None] * frame.height
    text = [_format(moment, offset) for moment, offset in zip(moments, offsets)]
    return frame.with_columns(pl.Series("timestamp", text, dtype=pl.String)).drop(OFFSET, strict=False)


def _parse(value: str | None) -> tuple[datetime, int | None] | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    offset = moment.utcoffset()
    minutes = None if offset is None else int(offset.total_seconds() // 60)
    if offset is not None and offset.total_seconds() % 60:
        return None  # an offset with seconds would not come back as it was
    return moment.replace(tzinfo=None), minutes


def _format(moment: datetime | None, minutes: int | None) -> str | None:
    if moment is None:
        return None
    text = moment.isoformat()
    if minutes is None:
        return text
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"{text}{sign}{hours:02d}:{rest:02d}"

