"""Word tokens: one rule for every stage, in a plain form and a form with character offsets.

A word is a run of letters or digits, joined across straight or typographic apostrophes ("don't",
"O’Brien"); punctuation, quotation marks, ellipses and spacing separate words and vanish. Words are
folded: lower case, accents dropped, typographic apostrophes straightened ("Café" and "cafe" are one
word). ``tokenize`` gives ``(word, start, end)`` with offsets into the text (reply inference places
names and quoted passages by them), ``tokenize_all`` the same for many texts at once; ``words`` gives the
words alone, remembered (the analysis stages ask for the words of one text many times).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from commentscope.analysis.text import CACHE_SIZE

Token = tuple[str, int, int]

WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
_ASCII = frozenset(map(chr, range(128)))
#: the ASCII letters and digits (WORD's [^\W_]), as bytes
_WORD_BYTES = bytes(code for code in range(128) if chr(code).isalnum())


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


def tokenize_all(texts: list[str]) -> list[list[Token]]:
    """``tokenize`` of each text (the same tokens), for many texts at once. The texts whose letters and
    digits are all ASCII (most: curly quotes, dashes and emoji are not letters) are made ASCII with
    their lengths kept (typographic apostrophes straightened, other characters ``?``), joined, and
    read in a few array passes: a byte is a word byte, or an apostrophe between two; words start and
    end where that changes; one ``split`` gives the lower-cased words. A text with other letters is
    tokenized word by word."""
    found: list[list[Token] | None] = [None] * len(texts)
    plain: list[int] = []
    for i, text in enumerate(texts):
        if text.isascii() or not any(char.isalnum() for char in set(text).difference(_ASCII)):
            plain.append(i)  # WORD's [^\W_] is str.isalnum()
        else:
            found[i] = tokenize(text)
    if plain:
        import numpy as np  # here: importing the toolkit stays cheap

        data = "\n".join(texts[i] for i in plain).replace("\u2019", "'").encode("ascii", "replace").lower()
        codes = np.frombuffer(data, dtype=np.uint8)
        word = np.zeros(256, dtype=bool)
        word[np.frombuffer(_WORD_BYTES, dtype=np.uint8)] = True
        word = word[codes]
        inner = np.zeros(len(codes), dtype=bool)  # an apostrophe between two word bytes joins them
        inner[1:-1] = (codes[1:-1] == 39) & word[:-2] & word[2:]
        word |= inner
        edges = np.flatnonzero(np.diff(word, prepend=False, append=False))
        starts, ends = edges[0::2], edges[1::2]
        words = np.where(word, codes, 32).astype(np.uint8).tobytes().decode("ascii").split()
        text_starts = np.cumsum([0] + [len(texts[i]) + 1 for i in plain])
        cut = np.searchsorted(starts, text_starts).tolist()
        owner = np.repeat(text_starts[:-1], np.diff(cut))
        starts, ends = (starts - owner).tolist(), (ends - owner).tolist()
        for k, i in enumerate(plain):
            low, high = cut[k], cut[k + 1]
            found[i] = list(zip(words[low:high], starts[low:high], ends[low:high]))
    return found  # type: ignore[return-value]


@lru_cache(maxsize=CACHE_SIZE)
def words(text: str) -> tuple[str, ...]:
    """The folded words of ``text`` (``tokenize`` without the offsets), remembered."""
    if text.isascii():  # lower case keeps ASCII offsets and words: one C-speed pass
        return tuple(WORD.findall(text.lower()))
    if not any(char.isalnum() for char in set(text).difference(_ASCII)):
        # Letters and digits all ASCII (curly quotes, dashes, emoji are not letters): folding a word is
        # lower-casing it with ’ straightened, so the whole text can be, in one C-speed pass.
        return tuple(WORD.findall(text.replace("\u2019", "'").lower()))
    return tuple([w.lower() if w.isascii() else fold(w) for w in WORD.findall(text)])


@lru_cache(maxsize=CACHE_SIZE)
def word_set(text: str) -> frozenset[str]:
    """The distinct ``words`` of ``text``, remembered."""
    return frozenset(words(text))


def clear_caches() -> None:
    """Forget the remembered texts."""
    for cached in (fold, words, word_set):
        cached.cache_clear()
