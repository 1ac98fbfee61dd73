"""WordPress "print" text view (WP-Print and its copies), as saved from a browser.

Layout, every part but the comment headers optional::

    - Site Name - https://site.example -
    Title
    Posted By Author On November 21, 2017 @ 10:38 pm In Category | 24 Comments
    article body ...
    Author Name is a journalist and ...   (a closing bio: the article's author when no byline named one)
    24 Comments (Open | Close)
    24 Comments To "Title"
    #1 Comment By AUTHOR On November 21, 2017 @ 10:38 pm
    comment body ...
    Article printed from Site: https://...
    URL to article: https://...
    URLs in this post:
    [1] label: https://...
    Click here to print.

The view is flat: no comment carries a parent. A line shaped like a comment header is taken as one only
when its number continues the sequence (the next number, or the smallest later one where comments are
missing), so a comment that quotes another's header keeps it as text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone

from commentscope.scraper.formats.shared.tree import in_future
from commentscope.scraper.records import Comment, Thread
from commentscope.scraper.sources import Source
from commentscope.scraper.text import iso_from_text, slugify, tidy_paragraphs

NAME = "wp_print"
DESCRIPTION = "WordPress print view saved as text (#N Comment By AUTHOR On DATE @ TIME)"

_DATE = r"[A-Za-z]{3,9}\.? \d{1,2}, \d{4}"
_TIME = r"\d{1,2}:\d{2}(?::\d{2})? ?[AaPp]\.?[Mm]\.?"
_HEADER = re.compile(
    rf"^#(?P<number>\d+) Comment By (?P<author>.*\S) On (?P<date>{_DATE})(?: @ (?P<time>{_TIME}))?\s*$",
    re.IGNORECASE | re.MULTILINE,
)
_SITE_LINE = re.compile(r"^-\s*(?P<site>.*?)\s*-\s*(?P<url>https?://\S+?)\s*-?\s*$")
_BYLINE = re.compile(
    rf"^Posted By (?P<author>.+?) On (?P<date>{_DATE})(?: @ (?P<time>{_TIME}))?"
    r"(?: In (?P<category>.+?))?(?:\s*\|\s*(?P<count>\d+|No) Comments?(?: \(Open \| Close\))?)?\s*$",
    re.IGNORECASE,
)
_COUNT_TOGGLE = re.compile(r"^(?P<count>\d+|No) Comments? \(Open \| Close\)\s*$", re.IGNORECASE)
_COUNT_TO = re.compile(r"^(?P<count>\d+|No) Comments? To [\"“](?P<title>.*)[\"”]\s*$", re.IGNORECASE)
_FOOTER_START = re.compile(
    r"^(Article printed from .+|URL to article: .+|URLs in this post:\s*|Click here to print\.?\s*)$",
    re.IGNORECASE,
)
_FOOTNOTE = re.compile(r"^\[(?P<n>\d+)\]\s*(?:(?P<label>.*?):\s*)?(?P<url>\S+://\S+)\s*$")
_PRINTED_FROM = re.compile(r"^Article printed from (?P<site>.+?): (?P<url>\S+)\s*$", re.IGNORECASE)
_URL_TO_ARTICLE = re.compile(r"^URL to article: (?P<url>\S+)\s*$", re.IGNORECASE)
#: A column's closing author bio, "Gareth Porter is an independent journalist ...": a name of two to four
#: capitalised words, then "is/was a/an/the". (The stance stage reads the same shape to name the
#: article's author: ``analysis/stages/cue_words.BIO``.)
_BIO = re.compile(r"^(?P<name>(?:[A-Z][\w.'-]+\s+){1,3}[A-Z][\w'-]+)\s+(?:is|was)\s+(?:a|an|the)\s+")
#: Opening words that make a sentence's subject, not a person's name ("The Pentagon is a ...").
_NOT_A_NAME = frozenset({"the", "this", "that", "these", "those", "a", "an", "it", "its", "he", "she", "they", "we",
                         "our", "his", "her", "their", "in", "on", "at", "for", "if", "but", "and", "so", "what",
                         "who", "why", "how", "there", "here", "my", "your", "one", "no", "all", "every"})
_BIO_CHARS = 600


def detect(source: Source) -> float:
    head = source.head
    if head.lstrip().startswith("<"):
        return 0.0
    if _HEADER.search(head):
        return 0.9
    lines = head.lstrip().split("\n", 3)
    if lines and _SITE_LINE.match(lines[0].strip()) and (
            re.search(r"^Article printed from ", head, re.M | re.I)
            or any(_BYLINE.match(line.strip()) for line in head.split("\n", 12)[:12])):
        # A long article pushes the first comment header and the footer out of the head: the site
        # line and the "Posted By ... On DATE" byline are enough.
        return 0.6
    return 0.0


@dataclass(frozen=True)
class _Header:
    line: int
    number: int
    author: str
    timestamp: str | None
    raw_time: str


def parse(source: Source, options: object = None) -> list[Thread]:
    lines = source.text.split("\n")
    warnings: list[str] = []
    headers = _sequence(_candidate_headers(lines))
    first_comment_line = headers[0].line if headers else len(lines)
    footer_line = _footer_start(lines, headers[-1].line + 1 if headers else 0)

    meta = _read_front_matter(lines[:first_comment_line], warnings)
    meta.update(_read_footer(lines[footer_line:]))
    if not meta.get("site"):
        meta["site"] = meta.get("site_printed")

    title = meta.get("title")
    thread_id = slugify(title) if title else slugify(meta.get("site") or "wp-print-thread")
    comments: list[Comment] = []
    now = datetime.now(timezone.utc)
    for index, header in enumerate(headers):
        end = headers[index + 1].line if index + 1 < len(headers) else footer_line
        text = tidy_paragraphs("\n".join(lines[header.line + 1:end]))
        flags: tuple[str, ...] = ()
        if header.timestamp is None:
            flags = ("bad_timestamp",)
            warnings.append(f"{source.name}:{header.line + 1}: comment #{header.number} has a date "
                            f"that does not parse ({header.raw_time!r}); its timestamp is left empty")
        elif in_future(header.timestamp, now):
            flags = ("future_timestamp",)
        author = header.author.strip()
        comments.append(Comment(
            thread_id=thread_id,
            id=str(header.number),
            position=index + 1,
            author=author,
            timestamp=header.timestamp,
            text=text,
            source_format=NAME,
            flags=flags,
        ))

    declared = meta.get("declared_count")
    if declared is not None and declared != len(comments):
        warnings.append(f"{source.name}: the page declares {declared} comments but {len(comments)} were found; "
                        "the page may be truncated or a comment may have been removed")
    return [Thread(
        thread_id=thread_id,
        source_format=NAME,
        source=source.name,
        title=title,
        url=meta.get("url") or source.url,
        site=meta.get("site"),
        site_url=meta.get("site_url"),
        article_author=meta.get("article_author"),
        article_text=meta.get("article_text"),
        published=meta.get("published"),
        declared_count=declared,
        comments=comments,
        warnings=warnings,
        extra={k: v for k, v in meta.items() if k in ("category", "footnotes")},
    )]


def _candidate_headers(lines: list[str]) -> list[_Header]:
    found = []
    for number, line in enumerate(lines):
        if not line.startswith("#"):
            continue
        match = _HEADER.match(line.strip())
        if match:
            raw_time = f"{match['date']} {match['time'] or ''}".strip()
            found.append(_Header(number, int(match["number"]), match["author"], _timestamp(raw_time), raw_time))
    return found


def _sequence(candidates: list[_Header]) -> list[_Header]:
    """Keep the headers whose numbers continue the sequence; the rest are quoted text."""
    accepted: list[_Header] = []
    for index, header in enumerate(candidates):
        previous = accepted[-1].number if accepted else None
        if previous is None:
            later_smaller = any(c.number < header.number for c in candidates[index + 1:])
            if header.number == 1 or not later_smaller:
                accepted.append(header)
            continue
        if header.number == previous + 1:
            accepted.append(header)
        elif header.number > previous + 1:
            skipped = any(previous < c.number < header.number for c in candidates[index + 1:])
            if not skipped:
                accepted.append(header)
    return accepted


def _footer_start(lines: list[str], start: int) -> int:
    for number in range(start, len(lines)):
        if _FOOTER_START.match(lines[number].strip()):
            return number
    return len(lines)


def _read_front_matter(lines: list[str], warnings: list[str]) -> dict:
    meta: dict = {}
    body_start = 0
    nonblank = [i for i, line in enumerate(lines) if line.strip()]
    cursor = 0
    if nonblank:
        site = _SITE_LINE.match(lines[nonblank[0]].strip())
        if site:
            meta["site"] = site["site"] or None
            meta["site_url"] = site["url"]
            cursor = 1
    if cursor < len(nonblank):
        candidate = lines[nonblank[cursor]].strip()
        if not (_COUNT_TOGGLE.match(candidate) or _COUNT_TO.match(candidate)):
            meta["title"] = candidate
            body_start = nonblank[cursor] + 1
            cursor += 1
    if cursor < len(nonblank):
        byline = _BYLINE.match(lines[nonblank[cursor]].strip())
        if byline:
            meta["article_author"] = byline["author"]
            meta["published"] = _timestamp(f"{byline['date']} {byline['time'] or ''}".strip())
            if byline["category"]:
                meta["category"] = byline["category"].strip()
            if byline["count"]:
                meta["declared_count"] = _count(byline["count"])
            body_start = nonblank[cursor] + 1

    body_end = len(lines)
    for number in range(body_start, len(lines)):
        line = lines[number].strip()
        toggle, count_to = _COUNT_TOGGLE.match(line), _COUNT_TO.match(line)
        if toggle or count_to:
            body_end = min(body_end, number)
            meta["declared_count"] = _count((toggle or count_to)["count"])
            if count_to and not meta.get("title"):
                meta["title"] = count_to["title"]
    article = tidy_paragraphs("\n".join(lines[body_start:body_end]))
    meta["article_text"] = article or None
    if not meta.get("article_author") and article:
        meta["article_author"] = _bio_author(article)
    return meta


def _bio_author(article: str) -> str | None:
    """The name a closing bio paragraph opens with ("Jane Doe is a planner and ..."), or None: the last
    of two or more paragraphs, short, opening with two to four capitalised words that are not a
    sentence's subject ("The Pentagon is the ...")."""
    paragraphs = [p.strip() for p in article.split("\n\n") if p.strip()]
    if len(paragraphs) < 2 or len(paragraphs[-1]) > _BIO_CHARS:
        return None
    match = _BIO.match(paragraphs[-1])
    if not match or match["name"].split()[0].lower() in _NOT_A_NAME:
        return None
    return " ".join(match["name"].split())


def _read_footer(lines: list[str]) -> dict:
    meta: dict = {}
    footnotes = []
    for line in lines:
        stripped = line.strip()
        if match := _PRINTED_FROM.match(stripped):
            meta.setdefault("site_printed", match["site"])
        elif match := _URL_TO_ARTICLE.match(stripped):
            meta["url"] = match["url"]
        elif match := _FOOTNOTE.match(stripped):
            footnotes.append({"n": int(match["n"]), "label": match["label"], "url": match["url"]})
    if footnotes:
        meta["footnotes"] = footnotes
    return meta


def _count(value: str) -> int:
    return 0 if value.lower() == "no" else int(value)


def _timestamp(raw: str) -> str | None:
    """``November 21, 2017 10:38 pm`` -> ``2017-11-21T22:38:00``; no zone, the page gives none."""
    cleaned = re.sub(r"\s+", " ", raw.replace(".", "")).strip()
    for pattern in ("%B %d, %Y %I:%M %p", "%b %d, %Y %I:%M %p", "%B %d, %Y %I:%M:%S %p", "%B %d, %Y", "%b %d, %Y"):
        try:
            return datetime.strptime(cleaned, pattern).isoformat()
        except ValueError:
            continue
    return iso_from_text(cleaned)
