"""A thread page's header: the article it discusses (author, date, source link, the lead and the close
that stance is judged against) and the thread's own counts, each with its meaning in plain words.

Everything here is text for the template, which escapes it; a link is given only for an ``http(s)``
address (a ``javascript:`` URL from a hostile source never becomes one).
"""

from __future__ import annotations

import re
from typing import Any

import polars as pl

from commentscope.analysis.views.chart_data import STANCES
from commentscope.scraper.records import Thread

LEAD_CHARS = 420
_SAFE_URL = re.compile(r"https?://[^\s<>\"'`\\\x00-\x1f\x7f]+", re.IGNORECASE)
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
#: What each count in the header means.
COUNT_HELP = {
    "comments": "comments in this thread",
    "authors": "different names that commented",
    "replies": "comments that answer another comment",
    "top-level": "comments that answer the article itself",
    "deepest level": "the longest run of replies to replies (0: nobody replied to anyone)",
    "favor": "comments labelled as supporting the article",
    "against": "comments labelled as opposing the article",
    "none": "comments labelled as taking no side",
    "deleted": "comments deleted or removed at the source (kept, named [deleted])",
}


def safe_link(url: str | None) -> str | None:
    """``url`` when it is a plain http(s) address, else None."""
    return url if url and _SAFE_URL.fullmatch(url.strip()) else None


def long_date(value: str | None) -> str | None:
    """``2017-11-21T22:38:00`` -> ``21 November 2017``; None when it does not start with a date."""
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})", value or "")
    if not match or not 1 <= int(match[2]) <= 12:
        return None
    return f"{int(match[3])} {_MONTHS[int(match[2]) - 1]} {match[1]}"


def _clip(text: str, chars: int = LEAD_CHARS) -> str:
    text = " ".join(text.split())
    if len(text) <= chars:
        return text
    return text[: chars - 1].rsplit(" ", 1)[0] + "…"


def _lead_and_close(article: str | None) -> tuple[str | None, str | None]:
    """The article's first paragraph and its last sentence (a closing author bio left out)."""
    from commentscope.analysis.stages.cue_words import BIO
    from commentscope.analysis.text.sentences import sentences

    paragraphs = [p.strip() for p in (article or "").split("\n\n") if p.strip()]
    if len(paragraphs) > 1 and BIO.match(paragraphs[-1]):
        paragraphs = paragraphs[:-1]
    if not paragraphs:
        return None, None
    lead = _clip(paragraphs[0])
    closing = sentences(paragraphs[-1]) if len(paragraphs) > 1 else ()
    return lead, _clip(closing[-1], 300) if closing else None


def article_context(thread: Thread, comments: pl.DataFrame) -> dict[str, Any]:
    """The article as the header shows it: ``author``, ``published``, ``span`` (first to last comment
    date), ``link`` and ``link_text``, ``lead``, ``close``, and ``target`` with ``opening`` (what stance
    is judged toward; ``comments`` is ``chart_data.normalise``'s frame)."""
    link = safe_link(thread.url) or safe_link(thread.site_url)
    targets = set(comments.get_column("stance_target").drop_nulls()) if "stance_target" in comments.columns else set()
    target = "opening comment" if targets == {"opening comment"} else "article"
    lead, close = _lead_and_close(thread.article_text) if target == "article" else (None, None)
    opening = None
    if target == "opening comment" and comments.height:
        first = comments.row(0, named=True)
        opening = f"#{first['position']} by {first['author']}"
        lead = _clip(first["text"] or "")
    days = comments.get_column("timestamp").drop_nulls().str.slice(0, 10).sort() if comments.height else pl.Series([], dtype=pl.String)
    first_day, last_day = (long_date(days[0]), long_date(days[-1])) if len(days) else (None, None)
    span = None
    if first_day:
        span = f"comments on {first_day}" if first_day == last_day else f"comments from {first_day} to {last_day}"
    return {"author": thread.article_author, "published": long_date(thread.published), "span": span, "link": link,
            "link_text": thread.site or link, "lead": lead, "close": close, "target": target, "opening": opening}


def header_counts(comments: pl.DataFrame) -> list[tuple[str, str, str]]:
    """(value, label, meaning) for the header: comments, authors, replies, top-level, deepest level,
    each stance, and deleted comments when there are any. ``comments`` is ``normalise``'s frame."""
    replies = int(comments.get_column("depth").gt(0).sum())
    deepest = int(comments.get_column("depth").max() or 0) if comments.height else 0
    tally = {s: int((comments.get_column("stance") == s).sum()) for s in STANCES}
    gone = int(comments.get_column("flags").list.eval(pl.element().is_in(["deleted", "removed"])).list.any().sum()) \
        if comments.height else 0
    rows = [(f"{comments.height:,}", "comments"), (f"{comments.get_column('author').n_unique():,}", "authors"),
            (f"{replies:,}", "replies"), (f"{comments.height - replies:,}", "top-level"), (str(deepest), "deepest level"),
            *[(f"{tally[s]:,}", s) for s in STANCES]]
    if gone:
        rows.append((f"{gone:,}", "deleted"))
    singular = {"comments": "comment", "authors": "author", "replies": "reply"}
    return [(value, singular.get(label, label) if value == "1" else label, COUNT_HELP[label]) for value, label in rows]
