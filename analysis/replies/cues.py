"""Reply cues: small detectors that find whom a flat-thread comment answers, strongest first.

A cue is ``cue(view, i) -> Link | None``. ``view`` is the thread prepared once by
:mod:`commentscope.analysis.replies.infer` (tokens, author keys, the name index, the quote spans already found for comment
``i``, the parents chosen so far); ``i`` is the comment's index in position order. A ``Link`` names the
parent's index, the evidence, a confidence and the quote spans that support it. ``CUES`` lists the
detectors in the order they are tried: adding a cue is one function there and one test.

Rules every cue keeps: the parent has a lower index (an earlier comment of the same thread) and is never
by the commenter (same author key); when the best candidate is the commenter, the next candidate or the
next cue is tried. Names are looked up only among the thread's authors
(:class:`commentscope.analysis.replies.names.NameIndex`). The confidences are explained in :mod:`commentscope.analysis.replies.infer`.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, Callable, Iterator, Protocol

from commentscope.analysis.replies.names import Candidate, NameHit, NameIndex, is_common
from commentscope.analysis.text.lexicon import TITLES
from commentscope.analysis.text.tokens import Token

ARTICLE = -1  #: the quote-span source index of the article

#: Forms that count as an explicit address even in sources that have their own threading.
_EXPLICIT_OPENERS = {("to",), ("dear",), ("re",), ("hi",), ("hello",), ("hey",), ("greetings",), ("howdy",)}
#: Words that, opening a comment, are followed by the name of the person answered ("Thanks Bob, ...").
_OPENERS = _EXPLICIT_OPENERS | {
    ("thanks",), ("thank", "you"), ("cheers",), ("agreed",), ("sorry",), ("yes",), ("no",), ("nope",),
    ("yep",), ("ok",), ("okay",), ("exactly",), ("well", "said"), ("good", "point"), ("great", "point"),
    ("fair", "point"), ("congrats",), ("yo",), ("oh",), ("ah",), ("wow",), ("look",), ("listen",), ("sir",),
}
_AT = re.compile(r"@\s?(?=[^\W_])")
#: ``@12``, ``Re #12``, ``to #12``, ``comment #12`` anywhere; ``#12:`` opening the comment.
_NUMBER_REF = re.compile(
    r"(?:@\s?#?|\b(?:re|to|reply\s+to|replying\s+to|in\s+reply\s+to|comment|responding\s+to)\s*:?\s*#)"
    r"(?P<n>\d{1,6})\b|^\s*#(?P<lead>\d{1,6})\s*[:,.)\-–—]",
    re.IGNORECASE,
)
_HEADER_AFTER = re.compile(
    r"(?:\b(?:comment|reply|response|post|posted|message|answer)\s+by|\bquoting|\bin\s+reply\s+to"
    r"|\breplying\s+to|\bin\s+response\s+to|\bresponding\s+to)\s*:?\s*(?=[@\w])",
    re.IGNORECASE,
)
_HEADER_BEFORE = re.compile(
    r"[ \t]+(?:wrote|writes|said|says|posted|commented|opined|stated)"
    r"(?:\s*:|[ \t]*,?[ \t]*(?=\n|$)|[ \t]*,?[ \t]*(?=[\"“‘«>]))",
    re.IGNORECASE | re.MULTILINE,
)
#: What a comment must hold for each pattern to match in it (lower-cased): one of the first words, or
#: the second's first word and one of its others. A few substring searches spare most comments a regex
#: scan, which costs far more (it tries the pattern at every character). Exact: every match holds them.
_NEEDS: dict[re.Pattern[str], tuple[tuple[str, ...], tuple[str, ...]]] = {
    _AT: (("@",), ()),
    _NUMBER_REF: (("@", "#"), ()),
    _HEADER_AFTER: (("quoting", "repl", "respon"), ("by", "comment", "post", "message", "answer")),
    _HEADER_BEFORE: (("wrote", "writes", "said", "says", "posted", "commented", "opined", "stated"), ()),
}
#: The characters a case-insensitive pattern matches to an ASCII letter although ``str.lower`` does not
#: give that letter (İ, ı and K to i, i and k; ſ to s): a text holding one is always scanned.
_FOLDS_TO_ASCII = ("\u0130", "\u0131", "\u017f", "\u212a")
_ADDRESS_END = set(",:;.!?-–—)")
_SENTENCE_END = set(".!?:;…\n")
_LEADING_MARKS = set(" \t\"“”‘’'«»()*_>")


@dataclass(frozen=True)
class QuoteSpan:
    """A passage of a comment copied from an earlier comment (``source`` index) or the article (-1)."""

    start: int  #: character offset in the quoting comment's (full) text
    end: int
    first: int  #: first token index (in the tokens of the comment's reading)
    stop: int  #: one past the last token index
    source: int
    matched: int  #: tokens the copy shares with its source
    marked: bool  #: inside quotation marks or ``>`` lines
    density: float  #: matched / tokens in the span (edits lower it)


@dataclass(frozen=True)
class Link:
    """A parent found by a cue: its index in position order, the evidence, a confidence 0..1."""

    parent: int
    evidence: str
    confidence: float
    quotes: tuple[QuoteSpan, ...] = ()


class ThreadView(Protocol):
    """What the cues read; built by ``commentscope.analysis.replies.infer.ThreadState``."""

    texts: list[str]  #: what is read of each comment: all of it unless it is long (``reading.read``)
    tokens: list[list[Token]]
    author_keys: list[str]
    ids: list[str]
    positions: list[int]
    by_id: dict[str, int]
    by_position: dict[str, int]
    names: NameIndex
    quotes: list[list[QuoteSpan]]
    parents: list[int | None]
    threaded: bool

    def similarity(self, i: int, j: int) -> float: ...

    def named(self, i: int) -> frozenset[str]: ...

    def name_hits(self, i: int) -> list[NameHit]: ...


def _is_self(view: ThreadView, i: int, j: int) -> bool:
    key = view.author_keys[i]
    return bool(key) and key == view.author_keys[j]


def _starts(tokens: list[Token]) -> list[int]:
    return list(map(itemgetter(1), tokens))


def _capitalised(text: str, token: Token) -> bool:
    return text[token[1]].isupper()


def _sentence_start(text: str, token: Token) -> bool:
    at = token[1] - 1
    while at >= 0 and text[at] in _LEADING_MARKS:
        at -= 1
    return at < 0 or text[at] in _SENTENCE_END


def _previous_char(text: str, at: int) -> str:
    """The last non-space character before offset ``at`` ("" at the start)."""
    at -= 1
    while at >= 0 and text[at] in " \t":
        at -= 1
    return text[at] if at >= 0 else ""


def _char_after(text: str, hit: NameHit, tokens: list[Token]) -> str:
    rest = text[tokens[hit.stop - 1][2]:].lstrip(" \t")
    return rest[:1] or "\n"


def _matches(pattern: re.Pattern[str], text: str, low: str) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)``, skipped where ``low`` (the text lower-cased) lacks what it needs."""
    words, pair = _NEEDS[pattern]
    if any(map(low.__contains__, words)) or (pair and pair[0] in low and any(map(low.__contains__, pair[1:]))) or (
            not text.isascii() and any(map(text.__contains__, _FOLDS_TO_ASCII))):
        return pattern.finditer(text)
    return iter(())


def _quoted_mask(view: ThreadView, i: int) -> list[bool]:
    mask = [False] * len(view.tokens[i])
    for span in view.quotes[i]:
        for at in range(span.first, span.stop):
            mask[at] = True
    return mask


def _link_to(view: ThreadView, i: int, candidates: list[Candidate], evidence: str,
             confidence: float) -> Link | None:
    """Resolve named authors to a comment: the one of theirs this comment quotes, else their latest
    earlier comment. A first or last name alone costs 0.05; a name two authors share costs 0.15 and
    goes to the one who spoke last."""
    keys = [c.key for c in candidates]
    if any(c.partial for c in candidates):
        confidence -= 0.05
    found = view.names.latest(keys, i, view.author_keys[i])
    if found is None:
        return None
    parent, ambiguous = found
    for span in view.quotes[i]:
        if span.source >= 0 and view.author_keys[span.source] in keys and not _is_self(view, i, span.source):
            return Link(span.source, evidence, round(confidence - 0.15 * ambiguous, 3), (span,))
    return Link(parent, evidence, round(confidence - 0.15 * ambiguous, 3))


def _by_number(view: ThreadView, i: int, number: str) -> int | None:
    """An earlier comment by its id, else by its position ("#12")."""
    for j in (view.by_id.get(number), view.by_position.get(number)):
        if j is not None and j < i and not _is_self(view, i, j):
            return j
    return None


def address(view: ThreadView, i: int) -> Link | None:
    """``@Name`` anywhere; ``To Name:``, ``Dear Name``, ``Re: Name``, ``Hi Name`` (and ``Thanks Name``,
    ``Name:``, ``Name,``, ``Name -`` in flat threads) opening the comment; in flat threads also ``#12``
    references and a vocative ``..., Name?``. In threaded sources only the explicit forms count."""
    text, tokens = view.texts[i], view.tokens[i]
    if not tokens:
        return None
    skip = _quoted_mask(view, i)  # an address inside a quoted passage was the quoted writer's
    starts = _starts(tokens) if "@" in text or "#" in text else []
    for match in _matches(_AT, text, text):
        at = bisect.bisect_left(starts, match.end())
        hit = None if at >= len(tokens) or skip[at] else view.names.match_at(tokens, at)
        if hit:
            link = _link_to(view, i, list(hit.candidates), "address", 0.95 if hit.start <= 2 else 0.9)
            if link:
                return link
    for match in () if view.threaded else _matches(_NUMBER_REF, text, text):
        at = bisect.bisect_left(starts, match.start())
        parent = None if at < len(tokens) and skip[at] else _by_number(view, i, match["n"] or match["lead"])
        if parent is not None:
            return Link(parent, "address", 0.9)
    link = None if skip[0] else _opening(view, i)
    if link or view.threaded:
        return link
    return _vocative(view, i)


def _opening(view: ThreadView, i: int) -> Link | None:
    text, tokens = view.texts[i], view.tokens[i]
    words = [t[0] for t in tokens[:2]]
    openers = _EXPLICIT_OPENERS if view.threaded else _OPENERS
    for size in (2, 1):
        opener = tuple(words[:size])
        if len(opener) == size and opener in openers:
            hit = view.names.match_at(tokens, size)
            if hit is None:
                continue
            after = _char_after(text, hit, tokens)
            if opener == ("to",) and after not in _ADDRESS_END and after != "\n":
                continue
            candidates = [c for c in hit.candidates
                          if not c.weak or (_capitalised(text, tokens[hit.start]) and after in _ADDRESS_END | {"\n"})]
            if candidates:
                explicit = opener in _EXPLICIT_OPENERS
                return _link_to(view, i, candidates, "address", 0.95 if explicit else 0.85)
    if view.threaded:
        return None
    hit = view.names.match_at(tokens, 0)
    if hit is None:
        return None
    rest = text[tokens[hit.stop - 1][2]:]
    if not re.match(r"(?:'s)?\s*(?::|,|\s[-–—]\s)", rest) or hit.possessive:
        return None
    candidates = [c for c in hit.candidates if not c.weak or _capitalised(text, tokens[0])]
    if not candidates:
        return None
    return _link_to(view, i, candidates, "address", 0.9 if rest.lstrip().startswith(":") else 0.85)


def _vocative(view: ThreadView, i: int) -> Link | None:
    """``Whose interests, Lenny?`` or ``Grace, you don't ...``: a name set off by commas (or opening a
    sentence and followed by a comma) and closed by punctuation."""
    text, tokens = view.texts[i], view.tokens[i]
    for hit in _unquoted_hits(view, i):
        token = tokens[hit.start]
        after_comma = _previous_char(text, token[1]) == ","
        if hit.possessive or not (after_comma or (hit.start and _sentence_start(text, token))):
            continue
        if _char_after(text, hit, tokens) not in ("?!.,\n" if after_comma else ","):
            continue
        candidates = [c for c in hit.candidates if not c.weak or _capitalised(text, token)]
        link = _link_to(view, i, candidates, "address", 0.8) if candidates else None
        if link:
            return link
    return None


def _unquoted_hits(view: ThreadView, i: int) -> list[NameHit]:
    skip = _quoted_mask(view, i)
    return [hit for hit in view.name_hits(i) if not skip[hit.start]]


def _mentioned(view: ThreadView, i: int, hit: NameHit) -> list[Candidate]:
    """The candidates a name in running text can stand for; a common-word name needs a strong form.
    A name run into another proper noun ("Donald Trump" for commenter Donald) or after a title ("Pope
    Francis", "Mayor Frank") names someone else: commenters are not given titles."""
    text, tokens = view.texts[i], view.tokens[i]
    token = tokens[hit.start]
    before, after = hit.start - 1, hit.stop
    if (after < len(tokens) and _proper_noun(text, tokens, after, before=after - 1)) or (
            before >= 0 and (tokens[before][0] in TITLES or (_proper_noun(text, tokens, before, before=before + 1)
                                                            and not _sentence_start(text, tokens[before])))):
        return []
    strong = hit.possessive or (_capitalised(text, token) and not _sentence_start(text, token))
    return [c for c in hit.candidates if not c.blocked and (strong or not c.weak)]


def _proper_noun(text: str, tokens: list[Token], at: int, before: int) -> bool:
    """Token ``at`` is a capitalised, uncommon word with only spaces between it and token ``before``."""
    low, high = sorted((at, before))
    return (_capitalised(text, tokens[at]) and not is_common(tokens[at][0])
            and text[tokens[low][2]:tokens[high][1]].strip(" \t") == "")


def header(view: ThreadView, i: int) -> Link | None:
    """Quoted reply headers anywhere in the body: ``Comment by Name:``, ``Quoting Name:``, ``In reply to
    Name``, ``Name wrote:``, ``Name says:``, ``Name said:`` (a colon, a line end or a quote mark must
    follow the verb, so "Lenny says the US won" is a mention, not a header)."""
    text, tokens = view.texts[i], view.tokens[i]
    low = text.lower()
    after, before = list(_matches(_HEADER_AFTER, text, low)), list(_matches(_HEADER_BEFORE, text, low))
    if not (after or before):
        return None
    skip = _quoted_mask(view, i)
    hits: list[NameHit] = []
    starts = _starts(tokens)
    for match in after:
        hit = view.names.match_at(tokens, bisect.bisect_left(starts, match.end()))
        if hit:
            hits.append(hit)
    for match in before:
        hit = view.names.match_ending_at(tokens, bisect.bisect_left(starts, match.start() + 1))
        if hit:
            hits.append(hit)
    for hit in sorted(hits, key=lambda h: h.start):
        if skip[hit.start]:
            continue
        candidates = [c for c in hit.candidates if not c.blocked]
        link = _link_to(view, i, candidates, "header", 0.9) if candidates else None
        if link:
            return link
    return None


def quote_confidence(span: QuoteSpan) -> float:
    """0.6 for a bare 8-token copy up to 0.9 for a long, exact, marked quotation."""
    length = min(1.0, span.matched / 15)
    return round(0.6 + 0.15 * span.marked + 0.15 * length * span.density, 3)


def quote(view: ThreadView, i: int) -> Link | None:
    """The first passage (in reading order) copied from another commenter's earlier comment. The span
    finder has already given each passage to the earliest comment that contains it."""
    for span in view.quotes[i]:
        if span.source >= 0 and not _is_self(view, i, span.source):
            return Link(span.source, "quote", quote_confidence(span), (span,))
    return None


def mention(view: ThreadView, i: int) -> Link | None:
    """An earlier commenter named in the body (outside quoted passages), resolved to that author's
    latest earlier comment. Names that are ordinary words need a capital mid-sentence or a possessive;
    names the article uses as proper nouns are famous people, not commenters."""
    for hit in _unquoted_hits(view, i):
        candidates = _mentioned(view, i, hit)
        confidence = 0.55 if any(c.weak for c in candidates) else 0.65
        link = _link_to(view, i, candidates, "mention", confidence) if candidates else None
        if link:
            return Link(link.parent, link.evidence, max(0.5, min(0.7, link.confidence)))
    return None


#: Inferred links: candidates are the WINDOW comments before; score = similarity + CALLOUT when the
#: candidate, at most CALLOUT_WINDOW comments back, answered or named the commenter and the commenter has
#: not spoken since. A link needs THRESHOLD. See commentscope.analysis.replies.infer for how these were chosen.
WINDOW = 10
CALLOUT_WINDOW = 5
CALLOUT = 0.3
THRESHOLD = 0.35


def inferred(view: ThreadView, i: int) -> Link | None:
    """No surface marker: the recent comment this one shares the most rare words with (tf-idf cosine),
    helped when that comment answered or named this commenter. A comment that quotes the article has
    shown what it answers: it gets no inferred parent. Low confidence by design."""
    if any(span.source == ARTICLE for span in view.quotes[i]):
        return None
    best, best_score = None, 0.0
    key = view.author_keys[i]
    for j in range(i - 1, max(-1, i - WINDOW - 1), -1):
        if _is_self(view, i, j):
            continue
        score = view.similarity(i, j)
        parent = view.parents[j]
        called = key and ((parent is not None and view.author_keys[parent] == key) or key in view.named(j))
        if called and i - j <= CALLOUT_WINDOW and _silent_since(view, i, j):
            score += CALLOUT
        if score > best_score + 1e-9:
            best, best_score = j, score
    if best is None or best_score < THRESHOLD:
        return None
    return Link(best, "inferred", round(0.2 + 0.2 * min(1.0, (best_score - THRESHOLD) / (1 - THRESHOLD)), 3))


def named_authors(view: ThreadView, i: int) -> frozenset[str]:
    """The author keys comment ``i`` names outside quoted passages, with the evidence ``mention`` asks;
    a name two authors share counts for the one who spoke last (for both when neither has yet)."""
    found: set[str] = set()
    for hit in _unquoted_hits(view, i):
        keys = [c.key for c in _mentioned(view, i, hit)]
        resolved = view.names.latest(keys, i, view.author_keys[i])
        found.update([view.author_keys[resolved[0]]] if resolved else keys)
    return frozenset(found)


def _silent_since(view: ThreadView, i: int, j: int) -> bool:
    key = view.author_keys[i]
    return all(view.author_keys[k] != key for k in range(j + 1, i))


Cue = Callable[[ThreadView, int], "Link | None"]

#: The cues in the order they are tried, strongest evidence first.
CUES: tuple[Cue, ...] = (address, header, quote, mention, inferred)


def span_dict(view: ThreadView, span: QuoteSpan) -> dict[str, Any]:
    """A quote span as the record stores it."""
    source = "article" if span.source == ARTICLE else view.ids[span.source]
    return {"source_id": source, "start": span.start, "end": span.end}
