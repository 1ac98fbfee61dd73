"""Who answers whom: reply references inferred in flat comment threads.

Many comment sections (WordPress print views, exported CSVs, old forums) are flat: every comment
answers "the article" as far as the markup knows. Readers still answer each other, and say so in the
text. ``infer_thread`` reads those signs with the cues of :mod:`commentscope.analysis.replies.cues`, tried strongest
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
- ``inferred`` (0.2 to 0.4): no marker. Score = tf-idf cosine (content stems, ``commentscope.analysis.text.stems``) with one
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
comments after it with cosines 0.06 to 0.108, while callouts that were not answered came 3 to 10
comments back (cosines 0 to 0.082), hence CALLOUT 0.3 (a callout needs cosine 0.05) within 5 comments.
Two true implicit replies (cosines 0.074 and 0.124, no callout) stay top-level: the cue prefers a
missing link to a wrong one. (Cosines as measured with the Snowball stems and the one stop-word list of
``commentscope.analysis.text``; no link changed from the light stemmer they replaced.)

What of a long comment is read: a comment of up to ``READ_CHARS`` (2,000) characters is read whole;
that is every comment of the gold, seed and benchmark threads (the longest has 1,375). Of a longer one
the cues read a bounded part, its *reading* (:func:`commentscope.analysis.replies.reading.read`): the first
``OPENING_CHARS`` (1,200) characters, then its passages in quotation marks or on ``>`` lines, each with
the 80 characters before it (where "Name wrote:" stands), and its ``@`` addresses, ``EXCERPT_CHARS``
(800) characters of these at most, in reading order, joined by blank lines. Why: the signs of whom a
comment answers stand at its start (an address, a header, the passage it answers) or are marked
wherever they are (quotation marks, ``>``, ``@``), while the cost of every cue grows with the words
read. Read whole, a 10,000-character comment cost 13 to 20 times a 500-character one (70 times while
grouping its copied passages was quadratic); read so, about four times, and a 100,000-character one
little more. What a long comment gives up: unmarked copies, plain name mentions, ``#12`` references and
headers past its opening and away from its marked passages; its tf-idf vector holds the words of its
reading only; and a later comment quoting it past its reading is not linked by ``quote`` (it may still
be by name or overlap). Quote spans keep their offsets in the comment's full text.

Cost: the thread is prepared in batch passes before any cue runs. Its texts are tokenized together
(``commentscope.analysis.text.tokens.tokenize_all``: a few array passes over the joined texts, no
Python step per word); the passages every comment copies are found for the whole thread at once
(:mod:`commentscope.analysis.replies.quotes`: shingles hashed over the thread in one pass, the first
eight comments that used each shingle and every comment's matches from sorts of arrays, so the
earliest writer of a passage is always found); the tf-idf vectors share one table of stems and idf
weights and are made only for the comments the ``inferred`` cue compares. The address and header
patterns scan only the comments that hold the characters or words a match needs (a few substring
searches). Names come from a dictionary of name word runs, overlap from a fixed window: near-linear
in the thread's length, and bounded per comment by the reading.
"""

from __future__ import annotations

import math
from collections import Counter
from itertools import chain, compress, repeat
from operator import itemgetter, mul
from typing import Any, Iterable

import polars as pl

from commentscope.analysis.replies.cues import CUES, Link, QuoteSpan, address, named_authors, span_dict
from commentscope.analysis.replies.names import NameHit, NameIndex, author_key
from commentscope.analysis.replies.quotes import find_passages
from commentscope.analysis.replies.reading import read
from commentscope.analysis.run.collector import paused
from commentscope.analysis.text.stems import content_stem
from commentscope.analysis.text.tokens import Token, tokenize, tokenize_all
from commentscope.scraper.errors import InputError
from commentscope.scraper.records import EVIDENCE, QUOTE_DTYPE, Comment, Thread

#: Formats of platforms that always thread replies themselves (``commentscope.scraper.formats`` names). Any other
#: thread counts as threaded when one of its comments carries a ``markup`` parent.
THREADED_FORMATS = frozenset({"reddit", "hn_algolia", "hn_api", "hn_html", "disqus", "youtube", "discourse"})

#: At most this much of a comment is scanned for the passages its reading takes, and of the article
#: read (whole, for quotes and proper nouns): it keeps a pathological 50 MB "comment" or article from
#: costing minutes.
COMMENT_CHARS = 100_000
ARTICLE_CHARS = 200_000


class ThreadState:
    """One thread prepared for the cues (implements ``commentscope.analysis.replies.cues.ThreadView``)."""

    def __init__(self, comments: list[Comment], article_text: str | None = None) -> None:
        self.comments = comments
        self.ids = [str(comment.id) for comment in comments]
        self.positions = [comment.position if comment.position is not None else k + 1
                          for k, comment in enumerate(comments)]
        self.by_id = {comment_id: i for i, comment_id in reversed(list(enumerate(self.ids)))}
        self.by_position = {str(position): i for i, position in reversed(list(enumerate(self.positions)))}
        self.readings = [read((comment.text or "")[:COMMENT_CHARS]) for comment in comments]
        #: what the cues read of each comment: all of it unless it is long (see the module docstring)
        self.texts = [reading.text for reading in self.readings]
        self.tokens: list[list[Token]] = tokenize_all(self.texts)
        words = [list(map(itemgetter(0), tokens)) for tokens in self.tokens]
        self.author_keys = [author_key(comment.author or "") for comment in comments]
        article = (article_text or "")[:ARTICLE_CHARS]
        article_tokens = tokenize(article)
        proper = {word for word, start, _ in article_tokens if article[start].isupper()}
        self.names = NameIndex(self.author_keys, proper, _lowercase_name_words(self.author_keys, self.texts,
                                                                              self.tokens, words))
        self.parents: list[int | None] = [None] * len(comments)
        self.threaded = any(c.reply_evidence == "markup" or (c.source_format or "") in THREADED_FORMATS
                            for c in comments)
        #: the passages each comment copies, found for the whole thread at once
        self.quotes: list[list[QuoteSpan]] = find_passages(self.readings, self.tokens, words,
                                                            [word for word, _, _ in article_tokens])
        self._tfidf = TfIdf(words)
        self._named: dict[int, frozenset[str]] = {}
        self._hits: dict[int, list[NameHit]] = {}

    def similarity(self, i: int, j: int) -> float:
        """Cosine of the two comments' tf-idf vectors."""
        return self._tfidf.similarity(i, j)

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


def _lowercase_name_words(keys: list[str], texts: list[str], tokens: list[list[Token]],
                          words: list[list[str]]) -> set[str]:
    """The words of author names that some comment writes in lower case ("rice" for "Condoleezza
    Rice" is a word, not a name). Only name words are looked at: the name index asks about no other."""
    name_words = {word for key in keys for word in key.split()}
    lower: set[str] = set()
    for text, comment_tokens, comment_words in zip(texts, tokens, words):
        if name_words.isdisjoint(comment_words):
            continue
        lower.update(word for word, start, _ in compress(comment_tokens, map(name_words.__contains__, comment_words))
                     if text[start].islower())
    return lower


class TfIdf:
    """Unit-length tf-idf vectors of the comments' content stems (``content_stem``). The stems come from
    one look-up table of the thread's distinct words and the document frequencies from one count; a
    comment's vector is made when first asked for (only the comments the ``inferred`` cue compares
    need one), with the same arithmetic, in the same order, as when all were made up front."""

    def __init__(self, all_words: list[list[str]]) -> None:
        stems = {word: content_stem(word) for word in set(chain.from_iterable(all_words))}
        self._counts = [Counter(filter(None, map(stems.__getitem__, words))) for words in all_words]
        total = len(all_words)
        self._idf = {word: math.log((total + 1) / (n + 1)) + 1
                     for word, n in Counter(chain.from_iterable(self._counts)).items()}
        self._vectors: dict[int, dict[str, float]] = {}

    def vector(self, i: int) -> dict[str, float]:
        """Comment ``i``'s vector."""
        found = self._vectors.get(i)
        if found is None:
            idf = self._idf
            vector = {word: (1 + math.log(n)) * idf[word] for word, n in self._counts[i].items()}
            norm = math.sqrt(sum(weight * weight for weight in vector.values())) or 1.0
            found = self._vectors[i] = {word: weight / norm for word, weight in vector.items()}
        return found

    def similarity(self, i: int, j: int) -> float:
        """Cosine of comments ``i`` and ``j``: the products summed in the shorter vector's order."""
        small, large = sorted((self.vector(i), self.vector(j)), key=len)
        return sum(map(mul, small.values(), map(large.get, small, repeat(0.0))))


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
    with paused():
        return _infer_thread(comments, article_text, infer)


def _infer_thread(comments: list[Comment], article_text: str | None,
                  infer: bool) -> tuple[list[Comment], dict[str, int]]:
    order = sorted(range(len(comments)), key=lambda k: (comments[k].position is None, comments[k].position or 0, k))
    ordered = [comments[k] for k in order]
    state = ThreadState(ordered, article_text)
    report = dict.fromkeys(EVIDENCE, 0)
    results: list[Comment] = []
    for i, comment in enumerate(ordered):
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
    text, ours = state.comments[i].text or "", state.by_id
    kept = [dict(q) for q in state.comments[i].quotes if str(q.get("source_id")) not in ours
            and q.get("source_id") != "article"
            and isinstance(q.get("start"), int) and isinstance(q.get("end"), int)
            and 0 <= q["start"] <= q["end"] <= len(text)]
    found = [span_dict(state, span) for span in state.quotes[i]]
    return tuple(sorted(kept + found, key=lambda q: (q["start"], q["end"])))


_REQUIRED = ("thread_id", "id", "text")


def infer_replies(frame: pl.DataFrame, threads: Iterable[Thread] | None = None, infer: bool = True) -> pl.DataFrame:
    """Reads thread_id, id, position, author, text, parent_id, reply_evidence, reply_confidence, quotes
    (and source_format); sets parent_id, reply_evidence, reply_confidence, quotes per thread. The
    ``threads``' article texts let quotes of the article be told from replies. Row order and other
    columns are kept."""
    with paused():
        return _infer_frame(frame, threads, infer)


def _infer_frame(frame: pl.DataFrame, threads: Iterable[Thread] | None, infer: bool) -> pl.DataFrame:
    missing = [column for column in _REQUIRED if column not in frame.columns]
    if missing:
        raise InputError(f"the comment frame has no {', '.join(missing)} column", "infer_replies",
                         "build it with commentscope.scraper.records.comments_frame or read JSONL with COMMENT_SCHEMA")
    articles = {thread.thread_id: thread.article_text for thread in threads or ()}
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
