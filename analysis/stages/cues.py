"""What the agreement and stance cues read of a comment, and the scores they read it by.

A comment is read as the commenter's own words (``commentscope.analysis.text.own``: quoted text
removed) with a leading address dropped, bounded to its opening and close (``bounded``); its first own
sentence is the *opening* the opener cues look at. Polarity is VADER's, pulled down by words of
criticism VADER does not know. The cue lexicons are in ``commentscope.analysis.stages.cue_words``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from commentscope.analysis.stages import vader
from commentscope.analysis.stages.cue_words import CRITICISM, NEGATIONS, REFUTATIONS
from commentscope.analysis.text import CACHE_SIZE, own, phrases, sentences, stems, tokens
from commentscope.analysis.text.stems import stem_set
from commentscope.analysis.text.stopwords import STOPWORDS
from commentscope.analysis.text.tokens import normalise, words

#: The agreement and stance cues read at most the first ``READ_HEAD`` and the last ``READ_TAIL``
#: characters of a commenter's own words. Positions are taken in the opening and restated in the
#: close; a 10,000-character essay costs then what a 3,000-character comment costs, not 20 times a
#: 500-character one (benchmarks/bench.py measures it). What stands only in the middle of a very long
#: comment is not read.
READ_HEAD = 2_000
READ_TAIL = 1_000

_QUOTE_CHARS = "\"“”„«»"
_WORD_CHAR = re.compile(r"\w")
_LEADING_MARKER = re.compile(r"^\s*(?:@|(?:to|re)\s*:?\s+@?|comment\s+by\s+)", re.IGNORECASE)
_LEADING_HANDLE = re.compile(r"^\s*@[\w.\-]+[\s,:;.!-]*")
_LEADING_HEADER = re.compile(r"^\s*(?:to|re|comment\s+by)\s*:?\s*[^\n:]{1,60}:\s*", re.IGNORECASE)
_SCARE_QUOTE = re.compile(r"[\"“]([^\"“”\n]{1,40})[\"”]")


@dataclass(frozen=True)
class OwnText:
    """A comment split into the commenter's own words and what it quotes."""

    own: str
    quoted: tuple[str, ...]
    quotes_parent: bool
    opening: str


def own_text(text: str, quotes: list[dict[str, Any]] | None = None, parent_text: str | None = None,
             addressee: str | None = None) -> OwnText:
    """The commenter's own words (``commentscope.analysis.text.own.split_own``), read for the cues.

    ``own`` has a leading ``@Name``/``To Name:`` address removed (``addressee``, the parent's author,
    is dropped from a leading ``@Name``) and is ``bounded``. ``quoted`` holds the removed passages;
    ``quotes_parent`` says whether one of them comes from ``parent_text``. ``opening`` is the first own
    sentence, normalised, for opener cues. Raises ``InputError`` for a quote span outside the text.
    """
    spans = own.quote_spans(text, quotes) if quotes else ()  # most comments mark no quote span
    return _own_text(text, spans, parent_text, addressee)


@lru_cache(maxsize=CACHE_SIZE)
def _own_text(text: str, spans: tuple[own.Span, ...], parent_text: str | None,
              addressee: str | None) -> OwnText:
    mine, quoted = own.split_own(text, spans)
    address_free = bounded(strip_address(mine, addressee))
    first = next((s for s in sentences.sentences(address_free) if _WORD_CHAR.search(s)), "")
    opening = normalise(first).strip(" \t-–—*•" + _QUOTE_CHARS + "'")
    quotes_parent = False
    if parent_text and quoted:
        parent_stems = stem_set(parent_text)
        parent_norm = _squash(parent_text)
        for passage in quoted:
            squashed = _squash(passage)
            if squashed and (squashed in parent_norm or _overlap(stem_set(passage), parent_stems) >= 0.6):
                quotes_parent = True
                break
    return OwnText(own=address_free, quoted=quoted, quotes_parent=quotes_parent, opening=opening)


def bounded(text: str) -> str:
    """``text`` when it is at most ``READ_HEAD + READ_TAIL`` characters long; else its first ``READ_HEAD``
    characters (cut back to a word boundary) and its last ``READ_TAIL`` (from a word boundary), joined as
    two paragraphs so that no sentence runs across the gap."""
    if len(text) <= READ_HEAD + READ_TAIL:
        return text
    head, tail = text[:READ_HEAD], text[-READ_TAIL:]
    cut = max(head.rfind(" "), head.rfind("\n"))
    start = min((i for i in (tail.find(" "), tail.find("\n")) if i >= 0), default=-1)
    return f"{head[:cut] if cut > 0 else head}\n\n{tail[start + 1:] if start >= 0 else tail}"


def strip_address(text: str, addressee: str | None = None) -> str:
    """Drop a leading ``@Name``, ``To Name:``, ``Comment by Name:`` so openers can be read."""
    marker = _LEADING_MARKER.match(text)
    if not marker:
        return text
    rest = text[marker.end():]
    if addressee and normalise(rest).startswith(normalise(addressee.strip())):
        return rest[len(addressee.strip()):].lstrip(" \t,:;.!-\n")
    header = _LEADING_HEADER.match(text)
    if header:
        return text[header.end():]
    handle = _LEADING_HANDLE.match(text)
    return text[handle.end():] if handle else text


def _squash(text: str) -> str:
    return " ".join(words(text))


def _overlap(part: frozenset[str], whole: frozenset[str]) -> float:
    return len(part & whole) / len(part) if part else 0.0


@lru_cache(maxsize=CACHE_SIZE)
def is_negated(text: str) -> bool:
    """Whether a clause denies something: a negation word, an n't, or a verb of refutation."""
    for token in words(text):
        if token in NEGATIONS or token in REFUTATIONS or token.endswith("n't"):
            return True
    return False


@lru_cache(maxsize=CACHE_SIZE)
def polarity(text: str) -> float:
    """VADER compound score of a short text, -1 to 1 (``commentscope.analysis.stages.vader``:
    vaderSentiment's exact score, computed faster)."""
    return float(vader.polarity_scores(text)["compound"])


@lru_cache(maxsize=CACHE_SIZE)
def critical_polarity(text: str) -> float:
    """Polarity of argumentative prose: VADER, pulled down by each word of criticism VADER does not know
    ("the myth of", "rests on anecdotes"), -1 to 1."""
    critical = sum(1 for w in words(text) if w in CRITICISM)
    value = polarity(text)
    if critical:
        value = min(value, 0.0) - 0.4 * critical
    return max(-1.0, min(1.0, value))


@lru_cache(maxsize=CACHE_SIZE)
def name_tokens(name: str | None) -> frozenset[str]:
    """Lower-case tokens by which a commenter may be addressed: the full name and a distinctive first
    word (remembered: a commenter is addressed in many replies)."""
    if not name:
        return frozenset()
    found = {" ".join(words(name))} if words(name) else set()
    distinctive = [w for w in words(name) if len(w) >= 3 and w not in STOPWORDS]
    if distinctive:
        found.add(distinctive[0])
    return frozenset(t for t in found if t)


def mentions(text_words: tuple[str, ...], names: frozenset[str]) -> bool:
    """Whether a tokenised text contains one of ``names`` (each a word or a space-joined phrase)."""
    if not names:
        return False
    # A name without a space stands in the joined text exactly where it is one of the words.
    if any(name in text_words for name in names if " " not in name):
        return True
    multiword = [name for name in names if " " in name]
    if not multiword:
        return False
    joined = " " + " ".join(text_words) + " "
    return any(f" {name} " in joined for name in multiword)


def scare_quotes(text: str) -> list[str]:
    """Short phrases (one to four words) set in quotation marks inside a sentence: often sarcasm."""
    return [f for f in _SCARE_QUOTE.findall(text) if 1 <= len(words(f)) <= 4]


def clear_caches() -> None:
    """Forget every remembered text, here and in the text toolkit (the stages call it when they finish
    a frame, so the memory held is bounded by one frame, not by everything analysed in the process)."""
    for cached in (_own_text, is_negated, polarity, critical_polarity, name_tokens):
        cached.cache_clear()
    for module in (tokens, stems, sentences, phrases):
        module.clear_caches()
