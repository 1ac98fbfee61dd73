"""Who answers whom: reply references inferred in flat comment threads.

Many comment sections (WordPress print views, exported CSVs, old forums) are flat: every comment
answers "the article" as far as the markup knows. Readers still answer each other, and say so in the
text. ``infer_thread`` reads those signs with the cues of :mod:`analysis.reply_cues`, tried strongest
first, and fills ``parent_id``, ``reply_evidence``, ``reply_confidence`` and ``quotes``.

Evidence and confidence (the confidence says how often a link of that kind and form is right):

- ``markup`` (1.0): the source's own threading, kept as given. In a threaded source a top-level comment
  that opens with an explicit address (``@Name``, ``To Name:``, ``Dear``/``Hi``/``Re:`` ``Name``) is still
  a reply and gets a parent; nothing else is inferred there.
- ``address``: 0.95 for ``@Name``, ``To Name:``, ``Dear``/``Hi``/``Re: Name``; 0.9 for ``Name:`` opening
  the comment, ``@Name`` later in it, and ``#12``/``Re #12``/``@12``; 0.85 for ``Name,``/``Name -``/
  ``Thanks Name``; 0.8 for a vocative (``Whose interests, Lenny?``, ``Grace, you don't...``).
- ``header`` (0.9): a quoted reply header anywhere, ``Comment by Name:``, ``Name wrote:``, ``In reply to
  Name``; when the comment also quotes one of that author's comments, that comment is the parent.
- ``quote`` (0.6 + 0.15 if in quotation marks or ``>`` lines + 0.15 x length (15 words = full) x
  exactness): a passage of an earlier comment, quoted (4+ shared words) or copied bare (8+ words, word
  for word). A passage belongs to the earliest comment holding it, its writer; copying the article is
  recorded as a span with ``source_id`` "article" and makes no parent.
- ``mention`` (0.65; 0.55 for a common-word name in a weak form; 0.5 to 0.7 after the deductions
  below): an earlier commenter named in the body, resolved to that author's latest earlier comment.
- ``inferred`` (0.2 to 0.4): no marker. Score = tf-idf cosine (lightly stemmed content words) with one
  of the ``WINDOW`` (10) comments before, + ``CALLOUT`` (0.3) when that comment, at most 5 back,
  answered or named this commenter, who has not spoken since. It links at ``THRESHOLD`` (0.35).

A first or last name alone costs 0.05; a name two authors share ("john", "John Mann") goes to the
one who spoke last and costs 0.15.

Calibration on the hand-annotated gold threads in ``tests/data/gold/replies`` (the seed and four
written threads, 94 comments, 52 with a parent): links made were right for address 23/23, header 7/7,
quote 7/7, mention 10/11 (the miss: "Stef said the same thing" meant Stef's earlier comment, not her
latest), inferred 5/5; parent accuracy over all comments 0.968. Those threads were written to exercise the
cues, so the explicit-cue figures are upper bounds; the ordering address > header > quote > mention >
inferred follows how direct each signal is. The inferred constants come from the 46 gold comments no
stronger cue claimed: the 39 that answer the article reached a cosine of at most 0.28 with any recent
comment, so THRESHOLD sits above it at 0.35; the five true replies that answered a callout came 1 or 2
comments after it with cosines 0.058 to 0.116, while callouts that were not answered came 3 to 10
comments back or shared no word (cosine 0 to 0.044), hence CALLOUT 0.3 (a callout needs cosine 0.05)
within 5 comments. Two true implicit replies (cosines 0.12 and 0.16, no callout) stay top-level: the cue
prefers a missing link to a wrong one.

Cost: tokens are read once; quote candidates come from a 3-word-shingle index holding, per shingle,
the first eight comments that used it (so the earliest writer of a passage is always found), names from
a dictionary of name word runs, overlap from a fixed window: near-linear in the thread's length.
"""

from __future__ import annotations

import bisect
import contextlib
import gc
import math
import re
from collections import Counter
from typing import Any, Iterator

import polars as pl

from analysis.reply_cues import ARTICLE, CUES, Link, QuoteSpan, address, named_authors, span_dict
from analysis.reply_names import STOPWORDS, NameHit, NameIndex, Token, author_key, stem, tokenize
from scraper.errors import InputError
from scraper.records import EVIDENCE, QUOTE_DTYPE, Comment

#: Formats of platforms that always thread replies themselves (``scraper.formats`` names). Any other
#: thread counts as threaded when one of its comments carries a ``markup`` parent.
THREADED_FORMATS = frozenset({"reddit", "hn_algolia", "hn_api", "hn_html", "disqus", "youtube", "discourse"})

SHINGLE = 3  #: words per shingle
POSTINGS = 8  #: comments remembered per shingle: the earliest ones, where originals are
GAP = 4  #: shingle starts may skip this many (one edited word breaks three shingles)
MIN_MARKED = 4  #: words a passage in quotation marks or ``>`` lines must share with its source
MIN_BARE = 8  #: words an unmarked copied passage must share
BARE_DENSITY = 0.95  #: and nearly word for word: one changed word in twelve is a parody, not a quote
_OPENING_QUOTES = set("\"“‘'«„‹")
_CLOSING_QUOTES = set("\"”’'»“›")
_SINGLE = set("'‘’")


#: The cues read at most this much of a comment and of the article: enough for any real comment or
#: article, and it keeps a pathological 50 MB "comment" from costing minutes of tokenising.
COMMENT_CHARS = 100_000
ARTICLE_CHARS = 200_000


class ThreadState:
    """One thread prepared for the cues (implements ``analysis.reply_cues.ThreadView``)."""

    def __init__(self, comments: list[Comment], article_text: str | None = None) -> None:
        self.comments = comments
        self.texts = [comment.text or "" for comment in comments]
        self.ids = [str(comment.id) for comment in comments]
        self.positions = [comment.position if comment.position is not None else k + 1
                          for k, comment in enumerate(comments)]
        self.by_id = {comment_id: i for i, comment_id in reversed(list(enumerate(self.ids)))}
        self.by_position = {str(position): i for i, position in reversed(list(enumerate(self.positions)))}
        self.tokens: list[list[Token]] = [tokenize(text[:COMMENT_CHARS]) for text in self.texts]
        self.author_keys = [author_key(comment.author or "") for comment in comments]
        article = (article_text or "")[:ARTICLE_CHARS]
        article_tokens = tokenize(article)
        proper = {word for word, start, _ in article_tokens if article[start].isupper()}
        lower = {word for text, tokens in zip(self.texts, self.tokens) for word, start, _ in tokens
                 if text[start].islower()}
        self.names = NameIndex(self.author_keys, proper, lower)
        self.parents: list[int | None] = [None] * len(comments)
        self.quotes: list[list[QuoteSpan]] = [[] for _ in comments]
        self.threaded = any(c.reply_evidence == "markup" or (c.source_format or "") in THREADED_FORMATS
                            for c in comments)
        self._shingles = [_shingles(tokens) for tokens in self.tokens]
        self._index: dict[int, list[int]] = {}
        self._article = set(_shingles(article_tokens))
        self._vectors = _tfidf(self.tokens)
        self._named: dict[int, frozenset[str]] = {}
        self._hits: dict[int, list[NameHit]] = {}

    def similarity(self, i: int, j: int) -> float:
        """Cosine of the two comments' tf-idf vectors."""
        small, large = sorted((self._vectors[i], self._vectors[j]), key=len)
        return sum(weight * large.get(word, 0.0) for word, weight in small.items())

    def named(self, i: int) -> frozenset[str]:
        """Authors comment ``i`` names (computed once)."""
        if i not in self._named:
            self._named[i] = named_authors(self, i)
        return self._named[i]

    def name_hits(self, i: int) -> list[NameHit]:
        """Author names in comment ``i`` (computed once)."""
        if i not in self._hits:
            self._hits[i] = self.names.scan(self.tokens[i])
        return self._hits[i]

    def remember(self, i: int) -> None:
        """Make comment ``i``'s passages findable by later comments."""
        for shingle in set(self._shingles[i]):
            postings = self._index.setdefault(shingle, [])
            if len(postings) < POSTINGS:
                postings.append(i)

    def find_quotes(self, i: int) -> list[QuoteSpan]:
        """Passages of comment ``i`` copied from earlier comments or the article, in reading order."""
        tokens, shingles = self.tokens[i], self._shingles[i]
        starts: dict[int, list[int]] = {}
        for at, shingle in enumerate(shingles):
            for source in self._index.get(shingle, ()):
                starts.setdefault(source, []).append(at)
            if shingle in self._article:
                starts.setdefault(ARTICLE, []).append(at)
        runs = [run + (source,) for source, found in starts.items() if len(found) > 1 for run in _runs(found)]
        regions = _marked_regions(self.texts[i]) if runs else []
        marked = _marked_mask(tokens, regions)
        spans = []
        for first, stop, matched, source in _originals(runs):
            words = [word for word, _, _ in tokens[first:stop]]
            content = sum(word not in STOPWORDS for word in words)
            inside = sum(marked[first:stop]) >= (stop - first) / 2
            if matched / (stop - first) < (0.6 if inside else BARE_DENSITY):
                continue
            if not ((inside and matched >= MIN_MARKED and content >= 2) or (matched >= MIN_BARE and content >= 3)):
                continue
            start, end = _span_chars(self.texts[i], tokens, first, stop, regions)
            spans.append(QuoteSpan(start, end, first, stop, source, matched, inside, matched / (stop - first)))
        return sorted(spans, key=lambda span: span.start)


def _shingles(tokens: list[Token]) -> list[int]:
    words = [word for word, _, _ in tokens]
    return [hash(tuple(words[at:at + SHINGLE])) for at in range(len(words) - SHINGLE + 1)]


def _runs(starts: list[int]) -> list[tuple[int, int, int]]:
    """Matching shingle starts -> runs (first token, stop token, tokens covered), small gaps bridged."""
    runs: list[tuple[int, int, int]] = []
    first = last = starts[0]
    covered = SHINGLE
    for at in starts[1:]:
        if at - last <= GAP:
            covered += min(SHINGLE, at - last)
        else:
            runs.append((first, last + SHINGLE, covered))
            first, covered = at, SHINGLE
        last = at
    runs.append((first, last + SHINGLE, covered))
    return [run for run in runs if run[2] >= MIN_MARKED]


def _originals(runs: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """One source per passage: among the runs covering the same words (within 80% of the best match),
    the earliest source, the article first, wins; it wrote the words the others repeat."""
    remaining = sorted(runs, key=lambda run: (-run[2], run[3]))
    chosen = []
    while remaining:
        top = remaining[0]
        group = [run for run in remaining
                 if min(run[1], top[1]) - max(run[0], top[0]) >= min(run[1] - run[0], top[1] - top[0]) / 2]
        chosen.append(min((run for run in group if run[2] >= 0.8 * top[2]), key=lambda run: run[3]))
        remaining = [run for run in remaining if run not in group]
    return chosen


_QUOTE_CHARS = re.compile("[\"“”‘’'«»„‹›]|\n\n")


def _marked_regions(text: str) -> list[tuple[int, int]]:
    """Character ranges inside quotation marks (straight, smart, mismatched) or on ``>`` lines."""
    regions: list[tuple[int, int]] = []
    if ">" in text:
        offset = 0
        for line in text.split("\n"):
            body = line.lstrip()
            if body.startswith(">"):
                regions.append((offset + len(line) - len(body.lstrip("> ")), offset + len(line)))
            offset += len(line) + 1
    stack: list[tuple[str, int]] = []
    size = len(text)
    for match in _QUOTE_CHARS.finditer(text):
        at, char = match.start(), match.group()
        if char == "\n\n":
            regions.extend((start + 1, at) for mark, start in stack if mark not in _SINGLE)
            stack = []
            continue
        before = text[at - 1] if at else " "
        after = text[at + 1] if at + 1 < size else " "
        closes = char in _CLOSING_QUOTES and not before.isspace() and not after.isalnum()
        opens = char in _OPENING_QUOTES and (before.isspace() or before in "([{—–-/" or before in _OPENING_QUOTES) \
            and not after.isspace()
        if closes and stack:
            regions.append((stack.pop()[1] + 1, at))
        elif opens:
            stack.append((char, at))
    regions.extend((start + 1, size) for mark, start in stack if mark not in _SINGLE)
    return regions


def _marked_mask(tokens: list[Token], regions: list[tuple[int, int]]) -> list[bool]:
    mask = [False] * len(tokens)
    starts = [token[1] for token in tokens]
    for start, end in regions:
        for at in range(bisect.bisect_left(starts, start), bisect.bisect_left(starts, end)):
            mask[at] = True
    return mask


def _span_chars(text: str, tokens: list[Token], first: int, stop: int,
                regions: list[tuple[int, int]]) -> tuple[int, int]:
    """The quoted passage's characters: the whole marked passage when the copy covers most of it."""
    start, end = tokens[first][1], tokens[stop - 1][2]
    starts = [token[1] for token in tokens]
    for region_start, region_end in regions:
        inner_first, inner_stop = bisect.bisect_left(starts, region_start), bisect.bisect_left(starts, region_end)
        shared = min(stop, inner_stop) - max(first, inner_first)
        if inner_stop > inner_first and shared >= 0.6 * (inner_stop - inner_first):
            body = text[region_start:region_end]
            lead = len(body) - len(body.lstrip())
            return min(start, region_start + lead), max(end, region_start + len(body.rstrip()))
    return start, end


def _tfidf(all_tokens: list[list[Token]]) -> list[dict[str, float]]:
    """Unit-length tf-idf vectors of each comment's content words."""
    counts = [Counter(stem(word) for word, _, _ in tokens
                      if len(word) > 2 and word not in STOPWORDS and not word.isdigit())
              for tokens in all_tokens]
    frequency = Counter(word for count in counts for word in count)
    total = len(counts)
    vectors = []
    for count in counts:
        vector = {word: (1 + math.log(n)) * (math.log((total + 1) / (frequency[word] + 1)) + 1)
                  for word, n in count.items()}
        norm = math.sqrt(sum(weight * weight for weight in vector.values())) or 1.0
        vectors.append({word: weight / norm for word, weight in vector.items()})
    return vectors


def _is_markup(comment: Comment) -> bool:
    return comment.reply_evidence == "markup" or (comment.parent_id is not None and comment.reply_evidence is None)


def _choose(state: ThreadState, i: int, infer: bool) -> Link | None:
    if not infer:
        return None
    cues = (address,) if state.threaded else CUES
    for cue in cues:
        link = cue(state, i)
        if link is not None and 0 <= link.parent < i and not (
                state.author_keys[i] and state.author_keys[i] == state.author_keys[link.parent]):
            return link
    return None


def infer_thread(comments: list[Comment], article_text: str | None = None,
                 infer: bool = True) -> tuple[list[Comment], dict[str, int]]:
    """New comments (same order) with parent_id, reply_evidence, reply_confidence and quotes filled, and a
    report {evidence: links}. Source threading (``markup``) is kept; ``infer=False`` infers no parent
    (quoted passages are still located: they are a fact of the text, not a guess)."""
    with _collector_paused():
        return _infer_thread(comments, article_text, infer)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector: a long thread allocates hundreds of thousands of small
    tuples and lists (tokens, shingle postings), none in a cycle, which the collector would otherwise
    rescan again and again (a third of the time on a 5,000-comment thread)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _infer_thread(comments: list[Comment], article_text: str | None,
                  infer: bool) -> tuple[list[Comment], dict[str, int]]:
    order = sorted(range(len(comments)), key=lambda k: (comments[k].position is None, comments[k].position or 0, k))
    ordered = [comments[k] for k in order]
    state = ThreadState(ordered, article_text)
    report = dict.fromkeys(EVIDENCE, 0)
    results: list[Comment] = []
    for i, comment in enumerate(ordered):
        state.quotes[i] = state.find_quotes(i)
        state.remember(i)
        quotes = _merge_quotes(state, i)
        if _is_markup(comment):
            parent_id, evidence = comment.parent_id, "markup"
            confidence = comment.reply_confidence if comment.reply_confidence is not None else 1.0
            state.parents[i] = state.by_id.get(str(parent_id)) if parent_id is not None else None
            link = None
        else:
            link = _choose(state, i, infer)
            parent_id = state.ids[link.parent] if link else None
            evidence, confidence = (link.evidence, link.confidence) if link else (None, None)
            state.parents[i] = link.parent if link else None
        if evidence is not None and parent_id is not None:
            report[evidence] += 1
        else:
            parent_id = evidence = confidence = None
        results.append(comment.replace(parent_id=parent_id, reply_evidence=evidence,
                                       reply_confidence=confidence, quotes=quotes))
    out: list[Comment] = [comment for comment in comments]
    for rank, k in enumerate(order):
        out[k] = results[rank]
    return out, report


def _merge_quotes(state: ThreadState, i: int) -> tuple[dict[str, Any], ...]:
    """The spans found now, plus spans from elsewhere (a format's markup) that still fit the text;
    spans from an earlier run of this inference (sourced in the thread or the article) are replaced."""
    text, ours = state.texts[i], state.by_id
    kept = [dict(q) for q in state.comments[i].quotes if str(q.get("source_id")) not in ours
            and q.get("source_id") != "article"
            and isinstance(q.get("start"), int) and isinstance(q.get("end"), int)
            and 0 <= q["start"] <= q["end"] <= len(text)]
    found = [span_dict(state, span) for span in state.quotes[i]]
    return tuple(sorted(kept + found, key=lambda q: (q["start"], q["end"])))


_REQUIRED = ("thread_id", "id", "text")


def infer_replies(frame: pl.DataFrame, threads: pl.DataFrame | None = None, infer: bool = True) -> pl.DataFrame:
    """Reads thread_id, id, position, author, text, parent_id, reply_evidence, reply_confidence, quotes
    (and source_format); sets parent_id, reply_evidence, reply_confidence, quotes per thread. ``threads``
    (thread_id, article_text) lets quotes of the article be told from replies. Row order and other
    columns are kept."""
    with _collector_paused():
        return _infer_frame(frame, threads, infer)


def _infer_frame(frame: pl.DataFrame, threads: pl.DataFrame | None, infer: bool) -> pl.DataFrame:
    missing = [column for column in _REQUIRED if column not in frame.columns]
    if missing:
        raise InputError(f"the comment frame has no {', '.join(missing)} column", "infer_replies",
                         "build it with scraper.records.comments_frame or read JSONL with COMMENT_SCHEMA")
    articles: dict[str, str | None] = {}
    if threads is not None and {"thread_id", "article_text"} <= set(threads.columns):
        articles = dict(zip(threads["thread_id"].to_list(), threads["article_text"].to_list()))
    wanted = [c for c in ("thread_id", "id", "position", "author", "text", "parent_id", "reply_evidence",
                          "reply_confidence", "quotes", "source_format") if c in frame.columns]
    rows = frame.select(wanted).to_dicts()
    groups: dict[str, list[int]] = {}
    for k, row in enumerate(rows):
        groups.setdefault(str(row["thread_id"]), []).append(k)
    parents: list[str | None] = [None] * len(rows)
    evidence: list[str | None] = [None] * len(rows)
    confidence: list[float | None] = [None] * len(rows)
    quotes: list[list[dict[str, Any]]] = [[] for _ in rows]
    for thread_id, members in groups.items():
        comments = [_row_comment(rows[k], k) for k in members]
        inferred, _ = _infer_thread(comments, articles.get(thread_id), infer)
        for k, comment in zip(members, inferred):
            parents[k], evidence[k] = comment.parent_id, comment.reply_evidence
            confidence[k], quotes[k] = comment.reply_confidence, list(comment.quotes)
    return frame.with_columns(
        pl.Series("parent_id", parents, dtype=pl.String),
        pl.Series("reply_evidence", evidence, dtype=pl.String),
        pl.Series("reply_confidence", confidence, dtype=pl.Float64),
        pl.Series("quotes", quotes, dtype=pl.List(QUOTE_DTYPE)),
    )


def _row_comment(row: dict[str, Any], k: int) -> Comment:
    position = row.get("position")
    return Comment(
        thread_id=str(row["thread_id"]), id=str(row["id"]),
        position=int(position) if position is not None else k + 1,
        author=row.get("author") or "", timestamp=None, text=row.get("text") or "",
        parent_id=row.get("parent_id"), reply_evidence=row.get("reply_evidence"),
        reply_confidence=row.get("reply_confidence"), source_format=row.get("source_format") or "",
        quotes=tuple(dict(q) for q in (row.get("quotes") or ())),
    )
