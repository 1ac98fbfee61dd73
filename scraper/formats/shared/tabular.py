"""Comments from a user's own table (CSV or JSON Lines): which column is which, and rows to threads.

Columns are named by ``ParseOptions`` (``--id-col``, ``--parent-col``, ``--author-col``, ``--time-col``,
``--text-col``, ``--thread-col``) or guessed from common header names (``comment_id``/``id``,
``parent_id``/``reply_to``, ``author``/``username``, ``created_at``/``timestamp``, ``body``/``text``,
``thread_id``/``post_id``; WordPress' ``comment_*`` export columns too). Only the text column is
required. Without an id column comments are numbered by row; without a thread column the file is one
thread named after the file. A parent must be an earlier row of the same thread (see ``tree.link_comments``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any, Callable, Iterable

from commentscope.scraper.errors import FormatError
from commentscope.scraper.formats.shared.tree import RawComment, as_id, link_comments, unescape_entities
from commentscope.scraper.records import Thread
from commentscope.scraper.sources import Source
from commentscope.scraper.html_text import html_to_text
from commentscope.scraper.text import iso_from_epoch, iso_from_text, slugify, tidy_paragraphs

ROLES = ("id", "parent", "author", "time", "text", "thread")

#: Header names tried for each role, most specific first (compared after ``normalize_header``).
GUESSES: dict[str, tuple[str, ...]] = {
    "id": ("comment_id", "commentid", "id", "cid", "message_id", "uid"),
    "parent": ("parent_id", "parentid", "parent", "comment_parent", "reply_to", "in_reply_to", "replyto",
               "in_reply_to_id", "reply_to_id", "parent_comment_id"),
    "author": ("author", "comment_author", "author_name", "username", "user_name", "user", "screen_name",
               "display_name", "nickname", "name"),
    "time": ("created_at", "created_utc", "timestamp", "time", "date", "datetime", "comment_date_gmt",
             "comment_date", "created", "posted_at", "published_at", "published", "date_created"),
    "text": ("text", "body", "comment", "comment_text", "comment_content", "comment_body", "message",
             "content", "comment_message", "text_content"),
    "thread": ("thread_id", "thread", "comment_post_id", "post_id", "article_id", "story_id", "topic_id",
               "link_id", "video_id", "discussion_id", "conversation_id"),
}
_THREAD_TITLE = ("thread_title", "post_title", "article_title", "story_title", "topic_title", "title")
_THREAD_URL = ("thread_url", "post_url", "article_url", "story_url", "topic_url")
_FLAG = {role: f"--{role}-col" for role in ROLES}
_NO_PARENT = {"", "0", "root", "null", "none", "nan", "-", "n/a"}
_HTML_TAG = re.compile(r"</?(?:p|br|div|span|a|blockquote|i|b|em|strong|ul|ol|li|pre|code)\b[^>]*>", re.I)
_GONE = {"[deleted]": "deleted", "[removed]": "removed"}
_SAFE_THREAD = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,79}")
#: Reddit fullnames (``t1_abc`` a comment, ``t3_xyz`` a post), as in Pushshift and PRAW dumps.
_FULLNAME = re.compile(r"t([1-6])_([0-9a-z]+)")
_YYYYMMDD = re.compile(r"(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def normalize_header(name: str) -> str:
    """``Comment ID`` / ``comment-id`` / `` commentId `` -> a lower-case snake form for matching."""
    name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name.strip())
    return re.sub(r"[\s\-.]+", "_", name).lower().strip("_")


@dataclass(frozen=True)
class Columns:
    """The column chosen for each role (None where the file has none) and the thread-level extras."""

    id: str | None
    parent: str | None
    author: str | None
    time: str | None
    text: str
    thread: str | None
    title: str | None = None
    url: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {role: getattr(self, role) for role in ROLES}


def guess_role(names: Iterable[str], role: str) -> str | None:
    """The first of ``names`` that is a known header name for ``role``."""
    by_normal = {}
    for name in names:
        by_normal.setdefault(normalize_header(name), name)
    for guess in GUESSES[role]:
        if guess in by_normal:
            return by_normal[guess]
    return None


def resolve_columns(names: list[str], options: Any, where: str, paths: bool = False) -> Columns:
    """Map roles to the file's columns: the options' names first, then guesses. With ``paths`` an
    option may name a dotted path (``user.login``) under one of the columns.

    Raises FormatError naming the columns found and the flag to use when an option names a column the
    file lacks or no text column can be found.
    """
    found = show_columns(names)
    chosen: dict[str, str | None] = {}
    taken: set[str] = set()
    for role in ROLES:
        wanted = getattr(options, f"{role}_col", None) if options is not None else None
        if wanted:
            match = wanted if wanted in names else next((n for n in names if n.lower() == wanted.lower()), None)
            if match is None and paths and wanted.split(".", 1)[0] in names:
                match = wanted
            if match is None:
                raise FormatError(f"has no column {wanted!r} (given with {_FLAG[role]})", where,
                                  f"columns found: {found}; pass one of them to {_FLAG[role]}")
            chosen[role] = match
            taken.add(match)
    for role in ROLES:
        if role not in chosen:
            guess = guess_role([n for n in names if n not in taken], role)
            chosen[role] = guess
            if guess:
                taken.add(guess)
    if not chosen["text"]:
        raise FormatError("has no column of comment text", where,
                          f"columns found: {found}; name the text column with {_FLAG['text']} NAME "
                          f"(and the others with {', '.join(_FLAG[r] for r in ROLES if r != 'text')})")
    rest = [n for n in names if n not in taken]
    return Columns(**chosen, title=_first_named(rest, _THREAD_TITLE), url=_first_named(rest, _THREAD_URL))


def show_columns(names: list[str], limit: int = 12, width: int = 32) -> str:
    """The column names for an error message: one line, each name cut to ``width`` characters, at most
    ``limit`` names (a file whose "header" is really a comment or a page must not flood the message)."""
    if not names:
        return "(none)"
    shown = []
    for name in names[:limit]:
        flat = " ".join(name.split())
        shown.append(flat if len(flat) <= width else flat[: width - 3] + "...")
    more = f" and {len(names) - limit} more" if len(names) > limit else ""
    return ", ".join(shown) + more


def _first_named(names: list[str], wanted: tuple[str, ...]) -> str | None:
    by_normal = {normalize_header(n): n for n in names}
    return next((by_normal[w] for w in wanted if w in by_normal), None)


def rows_to_threads(rows: Iterable[tuple[str, dict[str, Any]]], columns: Columns, source: Source,
                    source_format: str, get: Callable[[dict, str | None], Any] | None = None) -> list[Thread]:
    """Turn ``(place, row)`` pairs into threads. ``get(row, column)`` reads a value (plain lookup by default)."""
    get = get or (lambda row, column: row.get(column))
    groups: dict[str, list[tuple[int, str, dict[str, Any]]]] = {}
    for number, (place, row) in enumerate(rows, 1):
        key = _str(get(row, columns.thread)) if columns.thread else ""
        groups.setdefault(key or "", []).append((number, place, row))
    if not groups:
        raise FormatError("has a header but no rows of comments", source.name, "give a file with comments in it")
    warnings = _column_warnings(columns, source.name)
    threads = []
    default_id = _default_thread_id(source)
    for key, group in groups.items():
        thread_id = _thread_id(key) if key else default_id
        ids = {as_id(get(row, columns.id)) for _, _, row in group} if columns.id else set()
        raws, bad_times = [], []
        for row_number, place, row in group:
            comment_id = as_id(get(row, columns.id)) if columns.id else None
            raws.append(_raw(row, place, comment_id or str(row_number), key, ids, columns, get, bad_times))
        linked = link_comments(raws, thread_id=thread_id, source_format=source_format, where=source.name)
        thread_warnings = (warnings if not threads else []) + linked.warnings
        if bad_times:
            thread_warnings.append(f"{source.name}: {len(bad_times)} time value(s) are not dates "
                                   f"({', '.join(bad_times[:5])}); those timestamps are left empty")
        first = group[0][2]
        thread = Thread(
            thread_id=thread_id,
            source_format=source_format,
            source=source.name,
            title=_str(get(first, columns.title)) if columns.title else None,
            url=_str(get(first, columns.url)) if columns.url else None,
            comments=linked.comments,
            warnings=thread_warnings,
            orphans=linked.orphans or None,
            extra={"columns": columns.as_dict(), **({"thread_value": key} if key else {})},
        )
        threads.append(thread)
    return threads


def _raw(row: dict, place: str, comment_id: str, thread_key: str, ids: set, columns: Columns, get,
         bad_times: list[str]) -> RawComment:
    parent = as_id(get(row, columns.parent)) if columns.parent else None
    if parent is not None and (parent == thread_key or (parent.lower() in _NO_PARENT and parent not in ids)):
        parent = None
    elif parent is not None and parent not in ids and (fullname := _FULLNAME.fullmatch(parent)):
        if fullname.group(2) in ids:
            parent = fullname.group(2)
        elif fullname.group(1) == "3":
            parent = None
    text = text_value(get(row, columns.text))
    timestamp, bad = time_value(get(row, columns.time)) if columns.time else (None, False)
    if bad:
        bad_times.append(place)
    flags = [_GONE[text]] if text in _GONE else []
    if bad:
        flags.append("bad_timestamp")
    author = _str(get(row, columns.author)) if columns.author else None
    return RawComment(id=comment_id, parent=parent, author=(author or "").strip(), timestamp=timestamp,
                      text=text, flags=tuple(flags), where=place)


def text_value(value: Any) -> str:
    """A cell as plain text: HTML bodies converted, entities decoded, paragraphs tidied."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if _HTML_TAG.search(text):
        return html_to_text(text)
    return tidy_paragraphs(unescape_entities(text))


def time_value(value: Any) -> tuple[str | None, bool]:
    """A cell as an ISO timestamp and whether it was unreadable. Numbers are Unix seconds (UTC; values
    too large for seconds are read as milliseconds); ``YYYYMMDD`` is a date; text goes through dateutil.
    """
    if value is None or isinstance(value, bool):
        return None, isinstance(value, bool)
    text = str(value).strip()
    if not text:
        return None, False
    if _YYYYMMDD.fullmatch(text):
        return f"{text[:4]}-{text[4:6]}-{text[6:]}T00:00:00", False
    if _NUMBER.fullmatch(text):
        seconds = float(text)
        while abs(seconds) > 1e11:
            seconds /= 1000
        try:
            return iso_from_epoch(seconds), False
        except (OverflowError, OSError, ValueError):
            return None, True
    try:  # ISO 8601 is the common case and 50 times faster than dateutil
        return datetime.fromisoformat(text).isoformat(), False
    except ValueError:
        parsed = iso_from_text(text)
        return parsed, parsed is None


def _column_warnings(columns: Columns, where: str) -> list[str]:
    warnings = []
    if not columns.id:
        warnings.append(f"{where}: no id column; comments are numbered by row (name one with {_FLAG['id']})")
    if not columns.author:
        warnings.append(f"{where}: no author column; authors are left empty (name one with {_FLAG['author']})")
    if not columns.parent:
        warnings.append(f"{where}: no parent column; every comment is read as top-level "
                        f"(name one with {_FLAG['parent']})")
    return warnings


def _thread_id(value: str) -> str:
    return value if _SAFE_THREAD.fullmatch(value) else slugify(value)


def _default_thread_id(source: Source) -> str:
    stem = PurePosixPath(source.name.replace("\\", "/").split("?", 1)[0]).stem
    return slugify(stem or source.name)


_NAME_KEYS = ("name", "username", "login", "screen_name", "display_name", "displayName")


def _str(value: Any) -> str | None:
    """A cell as trimmed text; for an object (``"user": {"login": ...}``) its name-like field."""
    if isinstance(value, dict):
        value = next((value[key] for key in _NAME_KEYS if isinstance(value.get(key), (str, int))), None)
    if value is None or isinstance(value, (dict, list)):
        return None
    text = as_id(value) if isinstance(value, (int, float)) else str(value).strip()
    return text or None
