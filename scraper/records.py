"""The records commentscope writes: comments, analysed comments and thread metadata.

Field names are the JSONL keys of SPEC.md, in code and on disk alike. Every schema here is derived from
one definition, ``COMMENT_FIELDS`` and ``ANALYSED_FIELDS``: the column order written, the polars schema a
file is read with, the keys SPEC.md requires. A ``Thread`` is what one source yields for one discussion:
its metadata (kept losslessly beside the records) and its comments.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypedDict

import polars as pl

#: Reply evidence values, strongest first (SPEC.md).
EVIDENCE = ("markup", "address", "header", "quote", "mention", "inferred")


class QuoteSpan(TypedDict):
    """A span of a comment's ``text`` copied from another comment (its id) or the article
    (``"article"``): character offsets ``start`` to ``end``. The same dict in a ``Comment``, a frame row
    and a JSONL line."""

    source_id: str
    start: int
    end: int


QUOTE_DTYPE = pl.Struct({"source_id": pl.String, "start": pl.Int64, "end": pl.Int64})


class Field(NamedTuple):
    name: str
    dtype: pl.DataType
    spec: bool  #: required on every line by SPEC.md


#: The comment record, in the order its keys are written.
COMMENT_FIELDS: tuple[Field, ...] = (
    Field("thread_id", pl.String, True),
    Field("id", pl.String, True),
    Field("position", pl.Int64, True),
    Field("author", pl.String, True),
    Field("timestamp", pl.String, True),
    Field("text", pl.String, True),
    Field("parent_id", pl.String, True),
    Field("reply_evidence", pl.String, True),
    Field("reply_confidence", pl.Float64, True),
    Field("source_format", pl.String, False),
    Field("author_url", pl.String, False),
    Field("flags", pl.List(pl.String), False),
    Field("quotes", pl.List(QUOTE_DTYPE), False),
)

#: What the analysis adds to a comment record, in the order written after the comment's keys.
ANALYSED_FIELDS: tuple[Field, ...] = (
    Field("sentiment", pl.Float64, True),
    Field("sentiment_label", pl.String, True),
    Field("stance", pl.String, True),
    Field("stance_confidence", pl.Float64, True),
    Field("stance_target", pl.String, False),
    Field("stance_source", pl.String, True),
    Field("stance_evidence", pl.String, True),
    Field("agreement", pl.String, True),
    Field("agreement_confidence", pl.Float64, False),
    Field("agreement_evidence", pl.String, True),
    Field("depth", pl.Int64, True),
    Field("root_id", pl.String, True),
)

#: The SPEC.md keys of a comment record, in the order they are written.
SPEC_KEYS = tuple(f.name for f in COMMENT_FIELDS if f.spec)
#: Schema of a comment frame: read JSONL with it so an all-null column keeps its type.
COMMENT_SCHEMA: dict[str, pl.DataType] = {f.name: f.dtype for f in COMMENT_FIELDS}
#: Schema of an analysed frame's known columns.
ANALYSED_SCHEMA: dict[str, pl.DataType] = {**COMMENT_SCHEMA, **{f.name: f.dtype for f in ANALYSED_FIELDS}}
#: Columns of the analysed record, in the order they are written.
ANALYSED_COLUMNS = tuple(ANALYSED_SCHEMA)


@dataclass(frozen=True)
class Comment:
    """One comment. ``quotes`` lists the spans of ``text`` copied from another comment or the article.
    ``flags`` marks what a reader should know: ``deleted``, ``removed``, ``spam``, ``dead``,
    ``orphan`` (its parent is not in the thread), ``no_author``, ``bad_timestamp``, ``future_timestamp``.
    """

    thread_id: str
    id: str
    position: int
    author: str
    timestamp: str | None
    text: str
    parent_id: str | None = None
    reply_evidence: str | None = None
    reply_confidence: float | None = None
    source_format: str = ""
    author_url: str | None = None
    flags: tuple[str, ...] = ()
    quotes: tuple[QuoteSpan, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The record as written to JSONL: SPEC keys first, then the extras."""
        row = {name: getattr(self, name) for name in COMMENT_SCHEMA}
        row["flags"] = list(self.flags)
        row["quotes"] = [dict(q) for q in self.quotes]
        return row

    @classmethod
    def from_dict(cls, row: dict[str, Any]) -> "Comment":
        """Build a comment from a JSONL row or a frame row (unknown keys are ignored)."""
        values = {k: v for k, v in row.items() if k in COMMENT_SCHEMA}
        values["flags"] = tuple(values.get("flags") or ())
        values["quotes"] = tuple(QuoteSpan(**q) for q in (values.get("quotes") or ()))  # type: ignore[typeddict-item]
        return cls(**values)

    def replace(self, **changes: Any) -> "Comment":
        return dataclasses.replace(self, **changes)


#: Typed thread fields that are kept under ``extra`` on disk (where earlier versions put them).
_IN_EXTRA = ("orphans", "pingbacks", "page_warnings", "comment_page", "reply_links")


@dataclass
class Thread:
    """One discussion: its metadata and its comments in source order. Every stage, view and export reads
    thread metadata through this type."""

    thread_id: str
    source_format: str
    source: str = ""
    title: str | None = None
    url: str | None = None
    site: str | None = None
    site_url: str | None = None
    article_author: str | None = None
    article_text: str | None = None
    published: str | None = None
    declared_count: int | None = None
    comments: list[Comment] = field(default_factory=list)
    #: Comments the source knows of but did not include (Reddit "more" stubs, for example).
    missing_count: int = 0
    #: Things a reader should know about this parse (printed on stderr, kept beside the records).
    warnings: list[str] = field(default_factory=list)
    #: Replies whose parent is not in the source: comment id -> the missing parent's id (None: unknown).
    orphans: dict[str, str | None] | None = None
    #: Pingbacks and trackbacks the page listed among its comments (not emitted as comments).
    pingbacks: int | None = None
    #: Warnings that hold for one page of a thread given as several pages (superseded when merged).
    page_warnings: list[str] | None = None
    #: Which comment page (``comment-page-N``) of the thread this source is.
    comment_page: int | None = None
    #: Reply links found per cue (``markup``, ``address``, ... ``inferred``) by reply inference.
    reply_links: dict[str, int] | None = None
    #: Anything else the source says about the thread, kept verbatim.
    extra: dict[str, Any] = field(default_factory=dict)

    def metadata(self) -> dict[str, Any]:
        """Everything but the comments, as stored beside the records (the typed fields that earlier
        versions kept in ``extra`` stay there, so older readers still find them)."""
        meta = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)
                if f.name != "comments" and f.name not in _IN_EXTRA}
        meta["extra"] = {**self.extra, **{name: getattr(self, name) for name in _IN_EXTRA
                                          if getattr(self, name) is not None}}
        meta["comment_count"] = len(self.comments)
        return meta

    @classmethod
    def from_metadata(cls, meta: dict[str, Any]) -> "Thread":
        """The thread ``metadata()`` describes. Each known field must hold the JSON type its annotation
        says (TypeError otherwise): metadata edited by hand or by another tool must not reach the
        analysis as a list where text goes. Unknown keys are ignored."""
        if not isinstance(meta, dict):
            raise TypeError(f"a thread entry is {type(meta).__name__}, not an object")
        values = {k: v for k, v in meta.items() if k in _FIELD_TYPES}
        extra = values.get("extra")
        if isinstance(extra, dict):
            extra = dict(extra)
            values.update({name: extra.pop(name) for name in _IN_EXTRA if name in extra})
            values["extra"] = extra
        for name, (types, inner) in _FIELD_TYPES.items():
            value = values.get(name)
            if value is None and name not in ("thread_id", "source_format"):
                continue
            if not isinstance(value, types) or isinstance(value, bool):
                raise TypeError(f"thread field {name!r} is {json.dumps(value)[:40]}, not {types[0].__name__}")
            items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
            if inner and not all(isinstance(item, inner) and not isinstance(item, bool) for item in items):
                raise TypeError(f"thread field {name!r} holds something other than {inner[0].__name__}")
        return cls(**values)


def _json_types(annotation: Any) -> tuple[tuple[type, ...], tuple[type, ...]]:
    """The JSON types a field annotated ``annotation`` may hold, and those of its items (for a list or a
    dict of plain values): ``str | None`` -> ((str,), ()), ``dict[str, int] | None`` -> ((dict,), (int,))."""
    options = [a for a in typing.get_args(annotation) if a is not type(None)] if typing.get_origin(annotation) in (
        typing.Union, types.UnionType) else [annotation]
    outer, inner = [], []
    for option in options:
        origin = typing.get_origin(option) or option
        outer.append(origin)
        args = typing.get_args(option)
        item = args[-1] if args else Any
        for part in (typing.get_args(item) if typing.get_origin(item) in (typing.Union, types.UnionType) else (item,)):
            if isinstance(part, type) and part is not Any and origin in (list, dict):
                inner.append(part)
    return tuple(outer), tuple(inner)


#: Thread field -> (the JSON types it may hold, the types of its items), from the annotations above.
_FIELD_TYPES = {name: _json_types(hint) for name, hint in typing.get_type_hints(Thread).items()
                if name != "comments"}


def comments_frame(comments: list[Comment]) -> pl.DataFrame:
    """A polars frame of comments with the fixed ``COMMENT_SCHEMA``."""
    rows = [c.to_dict() for c in comments]
    return pl.DataFrame(rows, schema=COMMENT_SCHEMA)


def dumps(comment: Comment) -> str:
    """One JSONL line (no newline), deterministic and UTF-8 friendly."""
    return json.dumps(comment.to_dict(), ensure_ascii=False)
