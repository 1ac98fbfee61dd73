"""Author names in comment text: who a commenter is for matching, and the thread's name index.

Names are matched as runs of folded words (``commentscope.analysis.text.tokens``: casefold, accents and
smart apostrophes normalised), only against the thread's own authors, so an ``@word`` that is nobody's
name is not an address. A name that is also an ordinary English word ("Will", "Grace", "Frank", "Guest",
"MEOW") is *weak*: it counts only with stronger evidence (a capital mid-sentence, a possessive, an
address form). A name the article uses as a proper noun is *blocked*: a famous person, not a commenter.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import compress
from operator import itemgetter

from commentscope.analysis.text import CACHE_SIZE
from commentscope.analysis.text.lexicon import COMMON_WORDS, GENERIC_AUTHORS, NAME_PARTICLES
from commentscope.analysis.text.tokens import Token, tokenize


@lru_cache(maxsize=CACHE_SIZE)
def author_key(author: str) -> str:
    """An author's identity for matching: folded words, parenthesised asides dropped
    ("Donald ( the left leaning one)" -> "donald"); "" for no author and for placeholders such as
    "Anonymous" or "Guest", which many people share. Remembered: an author writes many comments."""
    cleaned = re.sub(r"\([^)]*(?:\)|$)|\[[^\]]*(?:\]|$)", " ", author or "")
    key = " ".join(word for word, _, _ in tokenize(cleaned))
    return "" if key in GENERIC_AUTHORS else key


@lru_cache(maxsize=CACHE_SIZE)
def is_common(word: str) -> bool:
    """An ordinary English word, inflections included ("says", "marked", "hoping"); remembered (the same
    names come back thread after thread)."""
    if word in COMMON_WORDS:
        return True
    return any(word.endswith(end) and (word[:-len(end)] in COMMON_WORDS or word[:-len(end)] + "e" in COMMON_WORDS)
               for end in ("s", "es", "ed", "d", "ing", "er", "ly") if len(word) > len(end) + 2)


@dataclass(frozen=True)
class Candidate:
    """One author a run of text tokens may name."""

    key: str
    partial: bool  #: only the first or last word of a longer name
    weak: bool  #: the name is also an ordinary word: needs a capital, a possessive or an address form
    blocked: bool  #: the name appears capitalised in the article: a famous person, not a commenter


@dataclass(frozen=True)
class NameHit:
    start: int  #: first token index
    stop: int  #: one past the last token index
    candidates: tuple[Candidate, ...]
    possessive: bool


@dataclass
class NameIndex:
    """The thread's authors by the token runs that name them: full name, run-together name, first word,
    last word. Lookups are dictionary probes: a word that starts no name costs one probe.
    """

    keys: list[str]
    article_words: set[str] = field(default_factory=set)
    lowercase_words: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.by_author: dict[str, list[int]] = {}
        self._merged: dict[tuple[str, ...], tuple[list[int], list[int]]] = {}
        for index, key in enumerate(self.keys):
            if key:
                self.by_author.setdefault(key, []).append(index)
        self.variants: dict[tuple[str, ...], list[Candidate]] = {}
        for key in self.by_author:
            words = tuple(key.split())
            self._add(words, key, partial=False)
            if len(words) > 1:
                self._add(("".join(words),), key, partial=False)
                for word in {words[0], words[-1]}:
                    if len(word) > 1 and not word.isdigit() and word not in NAME_PARTICLES:
                        self._add((word,), key, partial=True)
        #: word -> the longest name it starts / ends: most words start none, and are passed in one probe
        self.starts: dict[str, int] = {}
        self.ends: dict[str, int] = {}
        for words in self.variants:
            self.starts[words[0]] = max(self.starts.get(words[0], 0), len(words))
            self.ends[words[-1]] = max(self.ends.get(words[-1], 0), len(words))
        #: the words ``match_at`` can start a name at: a name's first word, or it with "'s"
        self._openers = set(self.starts) | {word + "'s" for word in self.starts}

    def _add(self, words: tuple[str, ...], key: str, partial: bool) -> None:
        if len(words) == 1 and len(words[0]) < 2:
            return
        common = all(is_common(w) or (partial and w in self.lowercase_words) for w in words)
        blocked = all(w in self.article_words for w in words)
        self.variants.setdefault(words, []).append(Candidate(key, partial, common, blocked))

    def _lookup(self, words: list[str]) -> tuple[tuple[Candidate, ...], bool]:
        found = self.variants.get(tuple(words))
        if found:
            return tuple(found), False
        last = words[-1]
        if last.endswith("'s") and len(last) > 2:
            found = self.variants.get(tuple(words[:-1]) + (last[:-2],))
            if found:
                return tuple(found), True
        return (), False

    def match_at(self, tokens: list[Token], start: int) -> NameHit | None:
        """The longest author name beginning at token ``start``."""
        if start >= len(tokens):
            return None
        first = tokens[start][0]
        longest = self.starts.get(first, 0)
        if first.endswith("'s"):
            longest = max(longest, 1 if first[:-2] in self.starts else 0)
        for length in range(min(longest, len(tokens) - start), 0, -1):
            found, possessive = self._lookup([t[0] for t in tokens[start:start + length]])
            if found:
                return NameHit(start, start + length, found, possessive)
        return None

    def scan(self, tokens: list[Token]) -> list[NameHit]:
        """Every author name in a text, longest first, left to right, not overlapping. Only the tokens
        that can open a name are tried, found by set lookups: most words open none."""
        hits: list[NameHit] = []
        stop = 0
        words = map(itemgetter(0), tokens)
        for at in compress(range(len(tokens)), map(self._openers.__contains__, words)):
            if at < stop:
                continue
            hit = self.match_at(tokens, at)
            if hit is not None:
                hits.append(hit)
                stop = hit.stop
        return hits

    def match_ending_at(self, tokens: list[Token], stop: int) -> NameHit | None:
        """The longest author name whose last token is ``stop - 1``."""
        if stop < 1:
            return None
        last = tokens[stop - 1][0]
        longest = max(self.ends.get(last, 0), self.ends.get(last[:-2], 0) if last.endswith("'s") else 0)
        for length in range(min(longest, stop), 0, -1):
            found, possessive = self._lookup([t[0] for t in tokens[stop - length:stop]])
            if found:
                return NameHit(stop - length, stop, found, possessive)
        return None

    def latest(self, keys: list[str], before: int, self_key: str) -> tuple[int, bool] | None:
        """The latest comment before index ``before`` by any of ``keys`` (never ``self_key``), and
        whether more than one of those authors had commented (an ambiguous name). A name many authors
        share ("john") is answered from one merged, cached list: a bisection, not a loop over authors."""
        group = tuple(sorted({key for key in keys if key and key != self_key and key in self.by_author}))
        if not group:
            return None
        if group not in self._merged:
            comments = sorted(index for key in group for index in self.by_author[key])
            self._merged[group] = (comments, sorted(self.by_author[key][0] for key in group))
        comments, firsts = self._merged[group]
        at = bisect.bisect_left(comments, before) - 1
        if at < 0:
            return None
        return comments[at], bisect.bisect_left(firsts, before) > 1
