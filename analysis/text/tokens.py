"""Word tokens: one rule for every stage, in a plain form and a form with character offsets.

A word is a run of letters or digits, joined across straight or typographic apostrophes ("don't",
"O’Brien"); punctuation, quotation marks, ellipses and spacing separate words and vanish. Words are
folded: lower case, accents dropped, typographic apostrophes straightened ("Café" and "cafe" are one
word). ``tokenize`` gives ``(word, start, end)`` with offsets into the text (reply inference places
names and quoted passages by them); ``words`` gives the words alone, remembered (the analysis stages
ask for the words of one text many times).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from commentscope.analysis.text import CACHE_SIZE

Token = tuple[str, int, int]

WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")


@lru_cache(maxsize=CACHE_SIZE)
def fold(word: str) -> str:
    """Case- and accent-insensitive form of a word; typographic apostrophes become straight ones."""
    decomposed = unicodedata.normalize("NFKD", word.replace("\u2019", "'").replace("\u2018", "'"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def normalise(text: str) -> str:
    """Lower case with typographic apostrophes straightened: the form cue patterns are matched on."""
    return text.lower().replace("’", "'").replace("‘", "'").replace("`", "'")


def tokenize(text: str) -> list[Token]:
    """Words of ``text`` as (folded word, start, end)."""
    return [((w.lower() if w.isascii() else fold(w)), m.start(), m.end())
            for m in WORD.finditer(text) for w in (m.group(),)]


@lru_cache(maxsize=CACHE_SIZE)
def words(text: str) -> tuple[str, ...]:
    """The folded words of ``text`` (``tokenize`` without the offsets), remembered."""
    if text.isascii():  # lower case keeps ASCII offsets and words: one C-speed pass
        return tuple(WORD.findall(text.lower()))
    return tuple(w.lower() if w.isascii() else fold(w) for w in WORD.findall(text))


@lru_cache(maxsize=CACHE_SIZE)
def word_set(text: str) -> frozenset[str]:
    """The distinct ``words`` of ``text``, remembered."""
    return frozenset(words(text))


def clear_caches() -> None:
    """Forget the remembered texts."""
    for cached in (fold, words, word_set):
        cached.cache_clear()
