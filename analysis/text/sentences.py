"""The one sentence splitter.

A line break ends a sentence (short comments are often unpunctuated lines), and so does ``.``, ``!``,
``?`` or ``…`` (a run of them, with the closing quotation marks or brackets after it) before white
space, except a full stop after a single letter or a common abbreviation ("Mr.", "e.g.", "U.S.").
Needs no trained model. ``sentence_spans`` finds the sentences lazily, so a caller that needs only the
first few (the sentiment stage's sampled windows) scans only those.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterator

from commentscope.analysis.text import CACHE_SIZE

#: Words after which a full stop does not end a sentence.
ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof sr jr st vs etc e.g i.e eg ie cf al approx dept fig inc ltd co gen gov "
    "sen rep rev sgt capt col lt u.s u.k u.n a.m p.m".split())
#: The last two characters of each abbreviation.
_ABBREVIATION_ENDS = frozenset(word[-2:] for word in ABBREVIATIONS)
#: Where a sentence ends: a run of ``.!?…`` (and closing quotes or brackets) before whitespace, or a
#: run of line breaks (one end: a blank line adds no empty sentence). Written to open with one
#: character class, which the regex engine scans for quickly (three times the speed of the plain
#: ``([.!?…]+[closers]*)(?=\s)|\n+``, which it matches exactly).
_SENTENCE_END = re.compile(r"[\n.!?…](?:(?<=\n)\n*|[.!?…]*[\"'”’»)\]]*(?=\s))")
#: Characters before a full stop searched first for the start of the word it ends.
_WORD_LOOK = 16
#: What may follow a question mark at the end of a question: closing quotes, brackets, spaces.
_CLOSERS = " \t\"'”’»)]"


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text``, stripped; empty pieces are dropped."""
    return [piece for start, end in sentence_spans(text) if (piece := text[start:end].strip())]


@lru_cache(maxsize=CACHE_SIZE)
def sentences(text: str) -> tuple[str, ...]:
    """``split_sentences`` as a tuple, remembered (the cues read one comment's sentences many times)."""
    return tuple(split_sentences(text))


def sentence_spans(text: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each sentence of ``text``, unstripped (maybe blank, never empty), lazily."""
    start = 0
    for match in _SENTENCE_END.finditer(text):
        stop = match.group()
        if stop[0] == "\n":
            end = match.start()
        elif stop == "." and _is_abbreviation(text, start, match.start()):
            continue
        else:
            end = match.end()
        if end > start:  # a line break right after a stop ends nothing more
            yield start, end
        start = match.end()
    if start < len(text):
        yield start, len(text)


def is_question(sentence: str) -> bool:
    """Whether a sentence asks: it ends in ``?``, closing quotes or brackets aside."""
    return sentence.rstrip(_CLOSERS).endswith("?")


def _is_abbreviation(text: str, start: int, end: int) -> bool:
    """Whether the last word of ``text[start:end]`` is a single letter or a common abbreviation. Reads
    a short tail holding that word, so a sentence with many abbreviations is not copied once each."""
    pair = text[end - 2:end] if end - start >= 2 else ""
    if pair.isalnum() and pair.isascii() and pair.lower() not in _ABBREVIATION_ENDS:
        return False  # a word of two or more characters that ends as no abbreviation does: most
    before = text[max(start, end - _WORD_LOOK):end]
    words = before.rsplit(maxsplit=1)
    if len(words) < 2 and end - start > _WORD_LOOK and not (words and before[0].isspace()):
        words = text[start:end].rsplit(maxsplit=1)  # the tail may hold part of the last word only
    if not words:
        return False
    word = words[-1].lstrip("(\"'“‘").lower()
    return len(word) == 1 and word.isalpha() or word in ABBREVIATIONS


def clear_caches() -> None:
    """Forget the remembered texts."""
    sentences.cache_clear()
