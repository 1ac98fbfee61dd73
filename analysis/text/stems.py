"""The one stemmer, and the content stems of a text.

Stems are the Snowball English stemmer's (PyStemmer: C, fast), so "believed"/"believe",
"allies"/"ally" and "Laden's"/"Laden" meet. A word carries content when it has three letters or more,
is no stop word (``commentscope.analysis.text.stopwords``) and is not a bare number: the stance and
agreement stages compare texts by their content stems, reply inference weighs them by tf-idf.
"""

from __future__ import annotations

from functools import lru_cache

import Stemmer

from commentscope.analysis.text import CACHE_SIZE
from commentscope.analysis.text.stopwords import STOPWORDS
from commentscope.analysis.text.tokens import words

_STEMMER = Stemmer.Stemmer("english")
_STEMMER.maxCacheSize = 0  # ``stem`` and ``_CONTENT`` remember the words already
#: word -> its stem where the word carries content, else None: one look-up per word instead of the
#: length, stop-word and digit tests and a call of the stemmer. Emptied when it outgrows
#: ``CACHE_SIZE`` and by ``clear_caches``.
_CONTENT: dict[str, str | None] = {}


@lru_cache(maxsize=CACHE_SIZE)
def stem(word: str) -> str:
    """The Snowball English stem of a folded word."""
    return _STEMMER.stemWord(word)


def content_stem(word: str) -> str | None:
    """The stem of a folded word that carries content; None for a stop word, a number or a word of
    one or two letters."""
    try:
        return _CONTENT[word]
    except KeyError:
        if len(_CONTENT) >= CACHE_SIZE:
            _CONTENT.clear()
        found = _CONTENT[word] = (stem(word) if len(word) >= 3 and word not in STOPWORDS
                                  and not word.isdigit() else None)
        return found


@lru_cache(maxsize=CACHE_SIZE)
def stem_set(text: str) -> frozenset[str]:
    """The content stems of ``text``, remembered."""
    tokens = words(text)
    try:
        found = frozenset(map(_CONTENT.__getitem__, tokens))
    except KeyError:  # a word not seen yet
        found = frozenset(map(content_stem, tokens))
    return found.difference((None,)) if None in found else found


def clear_caches() -> None:
    """Forget the remembered words and texts."""
    stem.cache_clear()
    stem_set.cache_clear()
    _CONTENT.clear()
