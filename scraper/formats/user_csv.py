"""A user's own comments as CSV (or semicolon-, tab- or pipe-separated values) with a header row.

Read with the standard ``csv`` module, so quoted fields may hold the delimiter, quotes and newlines.
The delimiter is the one the header line uses most (``csv.Sniffer`` decides when the header has none
of them). Columns are mapped as ``commentscope.scraper.formats.shared.tabular`` describes.
"""

from __future__ import annotations

import csv
import io
import sys
from typing import Any, Iterator

from commentscope.scraper.errors import FormatError
from commentscope.scraper.formats.shared.tabular import (GUESSES, normalize_header, resolve_columns, rows_to_threads,
                                                        show_columns)
from commentscope.scraper.records import Thread
from commentscope.scraper.sources import Source

NAME = "csv"
DESCRIPTION = "your own comments as CSV/TSV with a header row (columns mapped by --text-col etc. or guessed)"

_DELIMITERS = ",;\t|"
_MAX_HEADER_CELL = 64


def detect(source: Source) -> float:
    """Claim a header row that splits on a delimiter into short names including a text column."""
    first = _first_line(source.head)
    if not first or first[0] in "<{[#" or len(first) > 4096:
        return 0.0
    delimiter = _header_delimiter(first)
    if delimiter is None:
        return 0.0
    try:
        cells = next(csv.reader([first], delimiter=delimiter))
    except csv.Error:
        return 0.0
    if len(cells) < 2 or any(len(cell) > _MAX_HEADER_CELL for cell in cells):
        return 0.0
    normal = {normalize_header(cell) for cell in cells}
    has = {role for role, names in GUESSES.items() if normal & set(names)}
    if "text" not in has:
        return 0.0
    if "author" in has:
        return 0.75
    if has & {"id", "parent", "time"}:
        return 0.6
    return 0.0


def near_miss(source: Source) -> tuple[str, str] | None:
    """What to tell a user whose file ``detect`` refused though its first line is a table's header:
    the columns found, and the flags that map them. None when the first line is no header."""
    first = _first_line(source.head)
    if not first or first[0] in "<{[#" or len(first) > 4096:
        return None
    delimiter = _header_delimiter(first)
    try:
        cells = next(csv.reader([first], delimiter=delimiter)) if delimiter else []
    except csv.Error:
        return None
    if len(cells) < 2 or any(len(cell) > _MAX_HEADER_CELL for cell in cells):
        return None
    return (f"looks like a table with the columns {show_columns(cells)}, none of them a comment-text column "
            "commentscope knows", f"read it with --format {NAME} --text-col COLUMN (and --author-col, --time-col, "
            "--id-col, --parent-col, --thread-col for the others)")


def parse(source: Source, options: Any = None) -> list[Thread]:
    """One thread per value of the thread column (or one for the file), columns mapped by ``options``."""
    text = source.text
    dialect = _dialect(text)
    # Comments can be long; the default 128 KiB field limit would stop a real export.
    csv.field_size_limit(max(csv.field_size_limit(), min(len(text) + 1, sys.maxsize)))
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    header = _header(reader, source.name)
    columns = resolve_columns(header, options, source.name)
    warnings: list[str] = []
    threads = rows_to_threads(_rows(reader, header, source.name, warnings, text, dialect), columns, source, NAME)
    threads[0].warnings[:0] = warnings
    return threads


def _first_line(text: str) -> str:
    for line in text.split("\n", 50):
        if line.strip():
            return line.strip()
    return ""


def _header_delimiter(line: str) -> str | None:
    counts = {d: line.count(d) for d in _DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else None


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    delimiter = _header_delimiter(_first_line(text[:65536]))
    if delimiter is not None:
        return type("HeaderDialect", (csv.excel,), {"delimiter": delimiter})
    try:
        return csv.Sniffer().sniff(text[:65536], delimiters=_DELIMITERS)
    except csv.Error:
        return csv.excel


def _header(reader: Iterator[list[str]], where: str) -> list[str]:
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                return _unique([cell.strip() for cell in row])
    except csv.Error as error:
        raise FormatError(f"has a header CSV cannot read ({error})", where, "check the file is CSV") from None
    raise FormatError("has no header row", where, "give a CSV whose first line names its columns")


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for index, name in enumerate(names, 1):
        name = name or f"column_{index}"
        if name in seen:
            seen[name] += 1
            name = f"{name}_{seen[name]}"
        else:
            seen[name] = 1
        out.append(name)
    return out


def _rows(reader, header: list[str], where: str, warnings: list[str], text: str,
          dialect) -> Iterator[tuple[str, dict[str, str]]]:
    """``(place, row)`` for each non-blank record; long rows warned about, short rows padded, and a
    quoted cell that never closes (it swallows the rest of the file) warned about."""
    long_rows = []
    line = reader.line_num + 1
    last: tuple[int, list[str]] | None = None
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            warnings.append(f"{where}:{line}: CSV stops being readable here ({error}); the rows after it are skipped")
            break
        start, place = line, f"line {line}"
        line = reader.line_num + 1
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(header):
            long_rows.append(place)
        last = (start, cells)
        yield place, dict(zip(header, cells + [""] * (len(header) - len(cells))))
    if last is not None and any("\n" in cell for cell in last[1]) and _runs_off_the_end(text, last[0], dialect):
        warnings.append(f"{where}:{last[0]}: a quoted cell opens on this row and never closes, so the rest of "
                        "the file was read into it; the file may be cut off or a closing quote is missing")
    if long_rows:
        warnings.append(f"{where}: {len(long_rows)} row(s) have more cells than the header "
                        f"({', '.join(long_rows[:5])}); the extra cells are ignored (a quote may be missing)")


def _runs_off_the_end(text: str, first_line: int, dialect) -> bool:
    """True when the record starting at ``first_line`` (1-based) ends the file inside a quoted cell."""
    tail = "\n".join(text.split("\n")[first_line - 1:])
    try:
        for _ in csv.reader(io.StringIO(tail, newline=""), dialect, strict=True):
            pass
    except csv.Error as error:
        return "unexpected end of data" in str(error)
    return False
