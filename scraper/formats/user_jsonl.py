"""A user's own comments as JSON Lines (one object a line), or as one JSON array of such objects.

Columns are the objects' keys, mapped as ``commentscope.scraper.formats.shared.tabular`` describes; a column name may be a
dotted path into nested objects (``--author-col user.screen_name``). Lines that are not JSON objects are
skipped with a warning naming the line.

Detection claims lines that are flat comment objects (a text-like and an author-like key). It leaves
alone commentscope's own records (``thread_id``, ``position``, ``reply_evidence``: read by the
``analyze`` command) and JSON trees (an object holding a list of objects, like an API response).
"""

from __future__ import annotations

import json
from typing import Any, Iterator

from commentscope.scraper.errors import FormatError
from commentscope.scraper.formats.shared.tabular import GUESSES, normalize_header, resolve_columns, rows_to_threads
from commentscope.scraper.formats.shared.tree import first_char
from commentscope.scraper.records import SPEC_KEYS, Thread
from commentscope.scraper.sources import Source

NAME = "jsonl"
DESCRIPTION = "your own comments as JSON Lines (one object a line; keys mapped by --text-col etc. or guessed)"

_SNIFF_LINES = 5
_MAX_KEYS_SCANNED = 1000


def detect(source: Source) -> float:
    """Claim when most of the first lines are flat JSON objects with text- and author-like keys."""
    head = source.head
    if first_char(head) != "{":
        return 0.0
    lines = [line for line in head.split("\n") if line.strip()]
    if len(head) < len(source.text):
        lines = lines[:-1]
    objects = []
    for line in lines[:_SNIFF_LINES]:
        try:
            value = json.loads(line)
        except (json.JSONDecodeError, RecursionError):
            continue
        if isinstance(value, dict):
            objects.append(value)
    if not objects or len(objects) * 2 <= min(len(lines), _SNIFF_LINES):
        return 0.0
    for value in objects:
        if all(key in value for key in SPEC_KEYS) or _is_tree(value):
            return 0.0
        normal = {normalize_header(key) for key in value}
        if not (normal & set(GUESSES["text"]) and normal & set(GUESSES["author"])):
            return 0.0
    return 0.7


def _is_tree(value: dict) -> bool:
    return any(isinstance(item, list) and any(isinstance(x, dict) for x in item) for item in value.values())


def parse(source: Source, options: Any = None) -> list[Thread]:
    """One thread per value of the thread key (or one for the file), keys mapped by ``options``."""
    warnings: list[str] = []
    rows = list(_rows(source, warnings))
    if not rows:
        raise FormatError("holds no JSON objects", source.name,
                          "give one JSON object per line, each with the comment's text and author")
    names: dict[str, None] = {}
    for _, row in rows[:_MAX_KEYS_SCANNED]:
        names.update(dict.fromkeys(row))
    columns = resolve_columns(list(names), options, source.name, paths=True)
    threads = rows_to_threads(rows, columns, source, NAME, get=lookup)
    threads[0].warnings[:0] = warnings
    return threads


def lookup(row: dict, column: str | None) -> Any:
    """``row[column]``, or a walk down a dotted path (``user.name``) when the key itself is absent."""
    if column is None:
        return None
    if column in row:
        return row[column]
    value: Any = row
    for part in column.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _rows(source: Source, warnings: list[str]) -> Iterator[tuple[str, dict]]:
    text = source.text
    if first_char(text) == "[":
        try:
            document = json.loads(text)
        except json.JSONDecodeError as error:
            raise FormatError(f"is a JSON array that does not parse ({error.msg})",
                              f"{source.name}:{error.lineno}:{error.colno}",
                              "give one JSON object per line, or a complete JSON array") from None
        except RecursionError:
            raise FormatError("nests JSON too deeply to read", source.name,
                              "give one JSON object per line, or a complete JSON array") from None
        for index, item in enumerate(document):
            if isinstance(item, dict):
                yield f"item {index}", item
            else:
                warnings.append(f"{source.name}: item {index} is not a JSON object; skipped")
        return
    bad = []
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except (json.JSONDecodeError, RecursionError):
            bad.append(str(number))
            continue
        if isinstance(value, dict):
            yield f"line {number}", value
        else:
            bad.append(str(number))
    if bad:
        warnings.append(f"{source.name}: {len(bad)} line(s) are not JSON objects (line {', '.join(bad[:5])}); "
                        "skipped")
