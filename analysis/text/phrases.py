"""Regexes built from phrase lists, and the cheap test that lets most texts skip them.

A cue lexicon is a list of phrases ("i agree", "hit piece"); ``opener`` and ``anywhere`` compile one
into a regex over normalised text (``tokens.normalise``). Most comments hold none of a list's words,
so each compiled pattern carries a test on the alphanumeric runs of a text that every match passes:
``search`` and ``finditer`` run the regex only where the test allows a match. The tests of every
pattern built from phrases are one index (a key word -> the patterns and word groups needing it), read
once per text for all of them: a comment is searched for a dozen cue lists.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable, Iterable, Iterator

from commentscope.analysis.text import CACHE_SIZE

Needs = Callable[[frozenset[str]], bool]

_ALNUM = re.compile(r"[a-z0-9]+")
#: id(pattern) -> a test on the alphanumeric runs of a normalised text that every match of it passes
#: (``may_match``). Keyed by id, not by the pattern: hashing a compiled pattern hashes its whole
#: program (microseconds for a long alternation, on every look-up); the patterns are module
#: constants, so their ids never change.
_NEEDS: dict[int, Needs] = {}
#: For the patterns whose test is ``needs_phrases``: key run -> (pattern id, the runs one of its phrases
#: needs), and the ids of those patterns (``_possible`` reads them for all at once).
_BY_KEY: dict[str, list[tuple[int, frozenset[str]]]] = {}
_INDEXED: set[int] = set()


def alternatives(phrases: Iterable[str]) -> str:
    """A regex alternation of phrases, longest first; a space matches any run of whitespace."""
    ordered = sorted(set(phrases), key=len, reverse=True)
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in ordered)


def opener(phrases: Iterable[str]) -> re.Pattern[str]:
    """Matches a phrase at the very start of a normalised opening, as a whole word or sign."""
    return re.compile(rf"^(?:{alternatives(phrases)})(?![a-z0-9])")


def anywhere(phrases: Iterable[str]) -> re.Pattern[str]:
    """Matches a phrase anywhere in a normalised text, as whole words; ``search`` skips texts lacking
    the words every phrase needs."""
    phrases = list(phrases)
    pattern = re.compile(rf"(?<![a-z0-9])(?:{alternatives(phrases)})(?![a-z0-9])")
    return requires(pattern, needs_phrases(phrases))


def requires(pattern: re.Pattern[str], needs: Needs) -> re.Pattern[str]:
    """``pattern``, registered with the test ``needs`` that every text it matches passes."""
    _NEEDS[id(pattern)] = needs
    groups = getattr(needs, "groups", None)
    if groups is not None:  # a test of needs_phrases: read through the shared index
        _INDEXED.add(id(pattern))
        for key, group in groups:
            _BY_KEY.setdefault(key, []).append((id(pattern), group))
        _possible.cache_clear()
    return pattern


def needs_phrases(phrases: Iterable[str]) -> Needs:
    """Some phrase has all its ``[a-z0-9]`` runs among the text's runs. Inside a phrase a run ends at a
    literal non-alphanumeric character or a space (``\\s+``), at its ends the look-arounds forbid a
    letter or digit: so each run of a matching phrase is a whole run of the text. A phrase without
    letters or digits could match anywhere."""
    by_key: dict[str, list[frozenset[str]]] = {}
    for phrase in phrases:
        found = _ALNUM.findall(phrase)
        if not found:
            return lambda present: True
        by_key.setdefault(max(found, key=len), []).append(frozenset(found))
    keys = frozenset(by_key)

    def needs(present: frozenset[str]) -> bool:
        return any(group <= present for key in keys & present for group in by_key[key])

    needs.groups = [(key, group) for key, groups in by_key.items() for group in groups]  # type: ignore[attr-defined]
    return needs


@lru_cache(maxsize=CACHE_SIZE)
def runs(lowered: str) -> frozenset[str]:
    """The maximal runs of ``[a-z0-9]`` in a normalised text."""
    return frozenset(_ALNUM.findall(lowered))


@lru_cache(maxsize=CACHE_SIZE)
def _possible(lowered: str) -> frozenset[int]:
    """The ids of the indexed patterns (``_INDEXED``) whose test ``lowered`` passes, in one pass: for
    each of its runs that is a key, the groups needing that key."""
    present = runs(lowered)
    found = set()
    for key in present.intersection(_BY_KEY):
        for pattern_id, group in _BY_KEY[key]:
            if group <= present:
                found.add(pattern_id)
    return frozenset(found)


def may_match(pattern: re.Pattern[str], lowered: str) -> bool:
    """False only where ``pattern`` cannot match ``lowered``: it lacks words every match holds."""
    pattern_id = id(pattern)
    if pattern_id in _INDEXED:
        return pattern_id in _possible(lowered)
    needs = _NEEDS.get(pattern_id)
    return needs is None or needs(runs(lowered))


def search(pattern: re.Pattern[str], lowered: str) -> re.Match[str] | None:
    """``pattern.search(lowered)``, skipped where ``may_match`` rules a match out."""
    return pattern.search(lowered) if may_match(pattern, lowered) else None


def finditer(pattern: re.Pattern[str], lowered: str) -> Iterator[re.Match[str]]:
    """``pattern.finditer(lowered)``, empty where ``may_match`` rules a match out."""
    return pattern.finditer(lowered) if may_match(pattern, lowered) else iter(())


def clear_caches() -> None:
    """Forget the remembered texts."""
    runs.cache_clear()
    _possible.cache_clear()
