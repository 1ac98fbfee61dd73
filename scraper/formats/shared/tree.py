"""Shared pieces of the structured formats: reading JSON with a useful error, sniffing JSON keys, and
turning the source's own (id, parent id) pairs into ``Comment`` records.

Every threaded source (Reddit, Hacker News, YouTube, Discourse, a user's CSV) ends in the same rules
(docs/CONTRACTS.md): ids unique (the first of a duplicate wins), a parent must be an *earlier* comment of
the same thread, and a reply whose parent is absent is kept as a top-level ``orphan`` whose missing parent
is remembered in ``Thread.orphans``. ``link_comments`` applies them once for all formats.
"""

from __future__ import annotations

import dataclasses
import html
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Iterable

from commentscope.scraper.errors import FormatError
from commentscope.scraper.records import Comment
from commentscope.scraper.sources import Source
from commentscope.scraper.text import iso_from_epoch, parse_iso_utc

_JSON_KEY = re.compile(r'"([A-Za-z_$][\w.$-]{0,60})"\s*:')
#: A timestamp later than now by more than this is flagged ``future_timestamp``.
_FUTURE_SLACK = timedelta(days=1)
_SHOWN_IDS = 5
_INTEGRAL_FLOAT = re.compile(r"\d+\.0+")


@dataclass(frozen=True)
class RawComment:
    """One comment as a source states it, before ids and parents are checked.

    ``parent`` is the source's parent id, or None where the comment answers the article. ``where``
    names the comment's place in the source for warnings (``comment t1_abc``, ``line 12``).
    """

    id: str
    parent: str | None
    author: str
    timestamp: str | None
    text: str
    author_url: str | None = None
    flags: tuple[str, ...] = ()
    where: str = ""


@dataclass
class Linked:
    """The checked comments of one thread, what the checks found, and the orphans' missing parents."""

    comments: list[Comment] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    orphans: dict[str, str] = field(default_factory=dict)


def link_comments(raws: Iterable[RawComment], *, thread_id: str, source_format: str, where: str,
                  now: datetime | None = None) -> Linked:
    """Check ids and parents of ``raws`` (in document order) and build the thread's comments.

    A parent found earlier gets ``reply_evidence="markup"`` and confidence 1.0; a parent that is later in
    the document, the comment itself, or absent makes the comment a top-level ``orphan``. Empty authors
    are flagged ``no_author`` and timestamps more than a day ahead of ``now`` ``future_timestamp``.
    """
    now = now or datetime.now(timezone.utc)
    raws, unnamed = _name_unnamed(list(raws))
    all_ids = {raw.id for raw in raws}
    seen: set[str] = set()
    duplicates: list[str] = []
    forward: list[str] = []
    missing: list[str] = []
    linked = Linked()
    for raw in raws:
        if raw.id in seen:
            duplicates.append(raw.id)
            continue
        flags = list(raw.flags)
        parent = raw.parent if raw.parent and raw.parent.strip() else None
        if parent is not None and parent not in seen:
            if parent in all_ids and parent != raw.id:
                forward.append(raw.id)
            else:
                missing.append(raw.id)
            linked.orphans[raw.id] = parent
            parent = None
            flags.append("orphan")
        if not raw.author:
            flags.append("no_author")
        if in_future(raw.timestamp, now):
            flags.append("future_timestamp")
        seen.add(raw.id)
        linked.comments.append(Comment(
            thread_id=thread_id,
            id=raw.id,
            position=len(linked.comments) + 1,
            author=raw.author,
            timestamp=raw.timestamp,
            text=raw.text,
            parent_id=parent,
            reply_evidence="markup" if parent is not None else None,
            reply_confidence=1.0 if parent is not None else None,
            source_format=source_format,
            author_url=raw.author_url,
            flags=tuple(dict.fromkeys(flags)),
        ))
    if unnamed:
        linked.warnings.append(f"{where}: {len(unnamed)} comment(s) have no id ({_show(unnamed)}); they are "
                               "named no-id-N after their place in the document")
    if duplicates:
        linked.warnings.append(f"{where}: {len(duplicates)} comment id(s) appear more than once "
                               f"({_show(duplicates)}); the first of each is kept")
    if missing:
        linked.warnings.append(f"{where}: {len(missing)} comment(s) reply to a comment that is not in the thread "
                               f"({_show(missing)}); they are kept as top-level and flagged orphan")
    if forward:
        linked.warnings.append(f"{where}: {len(forward)} comment(s) name a parent that comes after them "
                               f"({_show(forward)}); the parent is dropped and they are flagged orphan")
    return linked


def _name_unnamed(raws: list[RawComment]) -> tuple[list[RawComment], list[str]]:
    """Give a comment with a blank id the id ``no-id-N`` (N its place in the document, made unique),
    since every record needs one; returns the comments and the places of those renamed."""
    if all(raw.id.strip() for raw in raws):
        return raws, []
    taken = {raw.id for raw in raws}
    named, places = [], []
    for number, raw in enumerate(raws, 1):
        if not raw.id.strip():
            new_id = f"no-id-{number}"
            while new_id in taken:
                new_id += "-"
            taken.add(new_id)
            places.append(f"comment {number}")
            raw = dataclasses.replace(raw, id=new_id)
        named.append(raw)
    return named, places


def _show(ids: list[str]) -> str:
    shown = ", ".join(ids[:_SHOWN_IDS])
    return shown + (", ..." if len(ids) > _SHOWN_IDS else "")


def in_future(timestamp: str | None, now: datetime) -> bool:
    """True when an ISO ``timestamp`` lies more than a day after ``now`` (a zone-less time is read as
    UTC; the day of slack covers every zone)."""
    moment = parse_iso_utc(timestamp)
    return moment is not None and moment > now + _FUTURE_SLACK


def load_json(source: Source, what: str) -> Any:
    """Parse the whole source as JSON; FormatError naming the line and column when it is not JSON.

    ``what`` names the expected document (``a Reddit post's .json``) for the message.
    """
    try:
        return json.loads(source.text)
    except json.JSONDecodeError as error:
        truncated = error.msg.startswith("Unterminated string") or error.pos >= len(source.text.rstrip())
        reason = "ends before the JSON is complete" if truncated else f"is not valid JSON ({error.msg})"
        fix = ("the file looks truncated: download it again" if truncated
               else f"give {what} exactly as downloaded")
        raise FormatError(reason, f"{source.name}:{error.lineno}:{error.colno}", fix) from None
    except RecursionError:
        raise FormatError("nests JSON too deeply to read", source.name, f"give {what} exactly as downloaded") from None


def json_keys(text: str) -> set[str]:
    """The object keys quoted in a piece of JSON text (no parsing, so a cut-off head works too)."""
    return set(_JSON_KEY.findall(text))


def first_char(text: str) -> str:
    """The first non-blank character of ``text`` ('' for blank text)."""
    stripped = text.lstrip()
    return stripped[:1]


def as_id(value: Any) -> str | None:
    """A source id as a string: ints as digits, integral floats without ``.0``, blanks as None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if _INTEGRAL_FLOAT.fullmatch(text):
        text = text.split(".", 1)[0]
    return text or None


def epoch_seconds(value: Any) -> float | None:
    """A number of Unix seconds from an int, a float or a numeric string; None otherwise."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(str(value).strip())
    except ValueError:
        return None


def epoch_iso(value: Any) -> tuple[str | None, bool]:
    """ISO 8601 in UTC from Unix seconds, and whether a value was there but is no usable time
    (text, or out of range), so the caller can flag ``bad_timestamp``.
    """
    if value is None or value == "":
        return None, False
    seconds = epoch_seconds(value)
    if seconds is None:
        return None, True
    try:
        return iso_from_epoch(seconds), False
    except (OverflowError, OSError, ValueError):
        return None, True


_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def unescape_entities(text: str) -> str:
    """Decode HTML entities that end in ``;`` only, so ``?a=1&para=2`` in a URL is left alone."""
    return _ENTITY.sub(lambda match: html.unescape(match.group(0)), text)
