"""The comment and thread records every format produces.

Field names are the JSONL keys of SPEC.md, in code and on disk alike. A ``Thread`` is what one source
yields for one discussion: its metadata (kept losslessly in the sidecar) and its comments.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any

import polars as pl

#: Reply evidence values, strongest first (SPEC.md).
EVIDENCE = ("markup", "address", "header", "quote", "mention", "inferred")

#: The SPEC.md keys, in the order they are written.
SPEC_KEYS = (
    "thread_id",
    "id",
    "position",
    "author",
    "timestamp",
    "text",
    "parent_id",
    "reply_evidence",
    "reply_confidence",
)

QUOTE_DTYPE = pl.Struct({"source_id": pl.String, "start": pl.Int64, "end": pl.Int64})

#: Schema of a comment frame: read JSONL with it so an all-null column keeps its type.
COMMENT_SCHEMA: dict[str, pl.DataType] = {
    "thread_id": pl.String,
    "id": pl.String,
    "position": pl.Int64,
    "author": pl.String,
    "timestamp": pl.String,
    "text": pl.String,
    "parent_id": pl.String,
    "reply_evidence": pl.String,
    "reply_confidence": pl.Float64,
    "source_format": pl.String,
    "author_url": pl.String,
    "flags": pl.List(pl.String),
    "quotes": pl.List(QUOTE_DTYPE),
}


@dataclass(frozen=True)
class Comment:
    """One comment. ``quotes`` lists spans of ``text`` copied from another comment or the article:
    ``{"source_id": id or "article", "start": offset, "end": offset}`` (character offsets).
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
    quotes: tuple[dict[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The record as written to JSONL: SPEC keys first, then the extras."""
        return {
            "thread_id": self.thread_id,
            "id": self.id,
            "position": self.position,
            "author": self.author,
            "timestamp": self.timestamp,
            "text": self.text,
            "parent_id": self.parent_id,
            "reply_evidence": self.reply_evidence,
            "reply_confidence": self.reply_confidence,
            "source_format": self.source_format,
            "author_url": self.author_url,
            "flags": list(self.flags),
            "quotes": [dict(q) for q in self.quotes],
        }

    @classmethod
    def from_dict(cls, row: dict[str, Any]) -> "Comment":
        """Build a comment from a JSONL row or a frame row (unknown keys are ignored)."""
        names = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in row.items() if k in names}
        values["flags"] = tuple(values.get("flags") or ())
        values["quotes"] = tuple(dict(q) for q in (values.get("quotes") or ()))
        return cls(**values)

    def replace(self, **changes: Any) -> "Comment":
        return dataclasses.replace(self, **changes)


@dataclass
class Thread:
    """One discussion: metadata for the sidecar and the comments in source order."""

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
    #: Things a reader should know about this parse (printed on stderr, kept in the sidecar).
    warnings: list[str] = field(default_factory=list)
    #: Anything else the source says about the thread, kept verbatim.
    extra: dict[str, Any] = field(default_factory=dict)

    def metadata(self) -> dict[str, Any]:
        """Everything but the comments, as stored in the sidecar."""
        meta = {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name != "comments"}
        meta["comment_count"] = len(self.comments)
        return meta

    @classmethod
    def from_metadata(cls, meta: dict[str, Any]) -> "Thread":
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in meta.items() if k in names and k != "comments"})


def comments_frame(comments: list[Comment]) -> pl.DataFrame:
    """A polars frame of comments with the fixed ``COMMENT_SCHEMA``."""
    rows = [c.to_dict() for c in comments]
    return pl.DataFrame(rows, schema=COMMENT_SCHEMA)


def dumps(comment: Comment) -> str:
    """One JSONL line (no newline), deterministic and UTF-8 friendly."""
    return json.dumps(comment.to_dict(), ensure_ascii=False)
