"""vaderSentiment 3.3.2's scores, computed faster and identically.

``polarity_scores(text)`` returns exactly ``SentimentIntensityAnalyzer().polarity_scores(text)`` (the
same ``neg``/``neu``/``pos``/``compound``, same rounding), odd corners included on purpose: a token is
stripped of punctuation only when three or more characters remain (``"no,"`` misses the lexicon);
capitalised lexicon keys (``":D"``) are unreachable; an all-caps zero-valence word gets -0.733; the
one-word idiom ``"badass"`` never matches; the ``kind of``/``sort of`` n-gram bonus is unsigned; the
``but`` rule rewrites the *first* equal score (``list.index`` while it walks the list); emoji are
replaced one code point at a time, a space before the description unless a space precedes.

Why it is faster: the tables load once; each distinct token is stripped, lower-cased and classified
once (bounded cache); only sentiment words are visited, and one with no booster, negation or rule
word among the three before it skips the window rules, which could not change it; the word list is
lower-cased once, not four times per sentiment word; idiom strings are built only where an idiom's
first two words occur; the ``but`` rewrite runs on non-zero scores with a value index, linear where
the reference is quadratic; ASCII text skips the emoji pass; ``compounds`` skips the ``neg``/``neu``/
``pos`` shares it does not return; repeated texts hit an LRU cache; large batches go to a process pool
whose workers load the tables once.
"""

from __future__ import annotations

import heapq
import math
import re
import string
from concurrent.futures.process import BrokenProcessPool
from functools import lru_cache
from typing import Iterable

from commentscope.analysis.run.pool import process_pool, worker_count
from commentscope.scraper.errors import InputError
from vaderSentiment.vaderSentiment import (
    BOOSTER_DICT,
    C_INCR,
    N_SCALAR,
    NEGATE,
    SPECIAL_CASES,
    SentimentIntensityAnalyzer,
)

#: Texts per task sent to a pool worker.
POOL_CHUNK = 2_000
#: Distinct raw tokens remembered before the token cache is emptied.
TOKEN_CACHE_SIZE = 200_000
#: Distinct texts remembered by the text cache.
TEXT_CACHE_SIZE = 65_536
#: Above this many non-zero scores, the ``but`` rewrite uses a value index instead of ``list.index``.
BUT_INDEX_MIN = 64

_NEGATE = frozenset(NEGATE)
_SO_THIS = ("so", "this")
_OR_NOR = ("or", "nor")
#: The first two words of every multi-word special case and booster n-gram ("the bomb", "kind of"):
#: an idiom can only match where one of these pairs starts.
_IDIOM_PAIRS = frozenset(tuple(key.split()[:2]) for key in (*SPECIAL_CASES, *BOOSTER_DICT) if " " in key)
_IDIOM_FIRST = frozenset(first for first, _ in _IDIOM_PAIRS)
#: Words a rule looks for within three words before a sentiment word (besides boosters and negations).
_WINDOW_WORDS = frozenset({"no", "least", "never", "without", "so", "this", "or", "nor", "doubt", "at",
                           "very"})
_PUNCTUATION = string.punctuation
#: Code points that may be emoji: (c)/(R) and everything from U+203C on; the table has the final say.
MAYBE_EMOJI = re.compile("[\u00a9\u00ae\u203c-\U0010ffff]")

# A token's class. _PLAIN: neither a sentiment word, a booster, a negation nor a window word: no rule
# but the idiom check looks at it. _MODIFIER: any other word outside the lexicon. _LEXICON: a sentiment
# word. _LEXICON_RULE: a sentiment word that is also a window word ("no", "doubt").
_PLAIN, _MODIFIER, _LEXICON, _LEXICON_RULE = 0, 1, 2, 3
#: A sentiment word in the bytes of a text's token classes.
_SENTIMENT_WORD = re.compile(b"[\x02\x03]")

Scores = tuple[float, float, float, float]  # neg, neu, pos, compound


@lru_cache(maxsize=1)
def tables() -> SentimentIntensityAnalyzer:
    """The reference, for its ``lexicon`` and ``emojis`` tables, loaded once per process."""
    return SentimentIntensityAnalyzer()


_token_cache: dict[str, tuple[str, str, bool, int]] = {}


def _learn(raw: str) -> tuple[str, str, bool, int]:
    """(word, lower-cased word, is all caps, class) of a whitespace-separated token, remembered."""
    lexicon = tables().lexicon
    stripped = raw.strip(_PUNCTUATION)
    word = raw if len(stripped) <= 2 else stripped
    low = word.lower()
    if low in BOOSTER_DICT:  # the reference scores a booster 0 before looking at the lexicon
        kind = _MODIFIER
    elif low in lexicon:
        kind = _LEXICON_RULE if low in _WINDOW_WORDS else _LEXICON
    elif low in _NEGATE or "n't" in low or low in _WINDOW_WORDS:
        kind = _MODIFIER
    else:
        kind = _PLAIN
    info = (word, low, word.isupper(), kind)
    if len(_token_cache) >= TOKEN_CACHE_SIZE:
        _token_cache.clear()
    _token_cache[raw] = info
    return info


def replace_emoji(text: str) -> str:
    """The reference's emoji step: each emoji code point becomes its description, then strip.

    A space goes before a description unless the text's preceding character is a space (or there is
    none), whatever that character is (an emoji too). ASCII text holds no emoji.
    """
    if text.isascii():
        return text.strip()
    emojis = tables().emojis
    pieces, last = [], 0
    for match in MAYBE_EMOJI.finditer(text):
        at = match.start()
        description = emojis.get(text[at])
        if description is not None:
            pieces.append(text[last:at])
            pieces.append(" " + description if at > 0 and text[at - 1] != " " else description)
            last = at + 1
    if not pieces:
        return text.strip()
    pieces.append(text[last:])
    return "".join(pieces).strip()


def _negated(low: str) -> bool:
    return low in _NEGATE or "n't" in low


def _scalar(low: str, upper: bool, valence: float, cap_diff: bool) -> float:
    """The reference's ``scalar_inc_dec`` for one preceding word."""
    scalar = BOOSTER_DICT.get(low)
    if scalar is None:
        return 0.0
    if valence < 0:
        scalar *= -1
    if upper and cap_diff:
        scalar = scalar + C_INCR if valence > 0 else scalar - C_INCR
    return scalar


def _idioms(valence: float, lows: tuple[str, ...], i: int) -> float:
    """The reference's ``_special_idioms_check`` (only reached when ``i > 2``). Every n-gram it tries
    starts at i-3, i-2, i-1 or i, so unless an idiom's first two words start there nothing matches."""
    first = _IDIOM_FIRST
    if not (lows[i] in first or lows[i - 1] in first or lows[i - 2] in first or lows[i - 3] in first):
        return valence
    pairs = _IDIOM_PAIRS
    if not ((lows[i - 3], lows[i - 2]) in pairs or (lows[i - 2], lows[i - 1]) in pairs
            or (lows[i - 1], lows[i]) in pairs or (i + 1 < len(lows) and (lows[i], lows[i + 1]) in pairs)):
        return valence
    onezero = f"{lows[i - 1]} {lows[i]}"
    twoonezero = f"{lows[i - 2]} {lows[i - 1]} {lows[i]}"
    twoone = f"{lows[i - 2]} {lows[i - 1]}"
    threetwoone = f"{lows[i - 3]} {lows[i - 2]} {lows[i - 1]}"
    threetwo = f"{lows[i - 3]} {lows[i - 2]}"
    for seq in (onezero, twoonezero, twoone, threetwoone, threetwo):
        if seq in SPECIAL_CASES:
            valence = SPECIAL_CASES[seq]
            break
    n = len(lows)
    if n - 1 > i:
        zeroone = f"{lows[i]} {lows[i + 1]}"
        if zeroone in SPECIAL_CASES:
            valence = SPECIAL_CASES[zeroone]
    if n - 1 > i + 1:
        zeroonetwo = f"{lows[i]} {lows[i + 1]} {lows[i + 2]}"
        if zeroonetwo in SPECIAL_CASES:
            valence = SPECIAL_CASES[zeroonetwo]
    for n_gram in (threetwoone, threetwo, twoone):
        if n_gram in BOOSTER_DICT:
            valence = valence + BOOSTER_DICT[n_gram]
    return valence


def _valence(i: int, lows: tuple[str, ...], ups: tuple[bool, ...], lexicon: dict[str, float],
             cap_diff: bool) -> float:
    """The reference's ``sentiment_valence`` for the lexicon word at ``i``."""
    low = lows[i]
    n = len(lows)
    base = lexicon[low]
    valence = base
    if low == "no" and i != n - 1 and lows[i + 1] in lexicon:
        valence = 0.0
    if (i > 0 and lows[i - 1] == "no") or (i > 1 and lows[i - 2] == "no") \
            or (i > 2 and lows[i - 3] == "no" and lows[i - 1] in _OR_NOR):
        valence = base * N_SCALAR
    if ups[i] and cap_diff:
        valence = valence + C_INCR if valence > 0 else valence - C_INCR
    if i > 0 and lows[i - 1] not in lexicon:
        valence = valence + _scalar(lows[i - 1], ups[i - 1], valence, cap_diff)
        if _negated(lows[i - 1]):
            valence = valence * N_SCALAR
    if i > 1 and lows[i - 2] not in lexicon:
        s = _scalar(lows[i - 2], ups[i - 2], valence, cap_diff)
        if s != 0:
            s = s * 0.95
        valence = valence + s
        if lows[i - 2] == "never" and lows[i - 1] in _SO_THIS:
            valence = valence * 1.25
        elif lows[i - 2] == "without" and lows[i - 1] == "doubt":
            pass
        elif _negated(lows[i - 2]):
            valence = valence * N_SCALAR
    if i > 2 and lows[i - 3] not in lexicon:
        s = _scalar(lows[i - 3], ups[i - 3], valence, cap_diff)
        if s != 0:
            s = s * 0.9
        valence = valence + s
        if (lows[i - 3] == "never" and lows[i - 2] in _SO_THIS) or lows[i - 1] in _SO_THIS:
            valence = valence * 1.25
        elif lows[i - 3] == "without" and (lows[i - 2] == "doubt" or lows[i - 1] == "doubt"):
            pass
        elif _negated(lows[i - 3]):
            valence = valence * N_SCALAR
        valence = _idioms(valence, lows, i)
    if i > 0 and lows[i - 1] == "least":  # "least" is not in the lexicon
        if i == 1 or (lows[i - 2] != "at" and lows[i - 2] != "very"):
            valence = valence * N_SCALAR
    return valence


def _but_rewrite(hits: list[int], scores: list[float], but_at: int) -> None:
    """The reference's ``_but_check``, in place, on the scores of the words at ``hits``.

    The reference visits every word k and rewrites the *first* word whose score equals k's (halved
    before the first "but", times 1.5 after it). A word is only rewritten by a visit at or after it, so
    each visit sees the original score; zeros stay zero and never equal a non-zero score, so only the
    non-zero scores take part.
    """
    members = [m for m, v in enumerate(scores) if v != 0]
    slots = [hits[m] for m in members]
    values = [scores[m] for m in members]
    if len(values) <= BUT_INDEX_MIN:
        for value in values:
            first = values.index(value)
            at = slots[first]
            if at < but_at:
                values[first] = value * 0.5
            elif at > but_at:
                values[first] = value * 1.5
    else:  # the same walk, finding the first equal value with a heap of slots per value
        heaps: dict[float, list[int]] = {}
        for m, value in enumerate(values):
            heaps.setdefault(value, []).append(m)  # ascending order is already a valid heap
        for m in range(len(values)):
            value = values[m]  # never rewritten before its own visit
            heap = heaps[value]  # a rewritten slot leaves its heap at once: the top is the first
            first = heap[0]
            at = slots[first]
            if at == but_at:
                continue
            new = value * 0.5 if at < but_at else value * 1.5
            values[first] = new
            heapq.heappop(heap)
            heapq.heappush(heaps.setdefault(new, []), first)
    for m, value in zip(members, values):
        scores[m] = value


def _amplifier(text: str) -> float:
    """The reference's punctuation emphasis: ``!`` up to four, ``?`` from two on."""
    qm_count = text.count("?")
    qm_amplifier = 0 if qm_count <= 1 else qm_count * 0.18 if qm_count <= 3 else 0.96
    return min(text.count("!"), 4) * 0.292 + qm_amplifier


def _score(text: str) -> Scores:
    values, n, text = _valences(text)
    if n == 0:
        return (0.0, 0.0, 0.0, 0.0)
    return _score_valence(values, n, text)


def _compound(text: str) -> float:
    """``_score(text)[3]`` without the ``neg``/``neu``/``pos`` shares (the same steps, the same bits)."""
    values, _, text = _valences(text)
    if not values:
        return 0.0
    sum_s, _ = _emphasis(values, text)
    return round(_squash(sum_s), 4)


def _valences(text: str) -> tuple[list[float], int, str]:
    """(the scores of the sentiment words in order, the number of words, the text after the emoji
    step): everything ``score_valence`` reads."""
    lexicon = tables().lexicon
    text = replace_emoji(text)
    raws = text.split()
    n = len(raws)
    if n == 0:
        return [], 0, text
    infos = list(map(_token_cache.get, raws))
    if None in infos:
        infos = [info or _learn(raw) for info, raw in zip(infos, raws)]
    _, lows, ups, kinds = zip(*infos)
    allcaps = sum(ups)
    cap_diff = 0 < n - allcaps < n
    hits: list[int] = []
    values: list[float] = []
    for found in _SENTIMENT_WORD.finditer(bytes(kinds)):
        i = found.start()
        if lows[i] == "kind" and i < n - 1 and lows[i + 1] == "of":
            continue
        if i > 2 and kinds[i] == _LEXICON and not (kinds[i - 1] or kinds[i - 2] or kinds[i - 3]):
            # No booster, negation or window word within reach: only caps and idioms can apply.
            valence = lexicon[lows[i]]
            if ups[i] and cap_diff:
                valence = valence + C_INCR if valence > 0 else valence - C_INCR
            valence = _idioms(valence, lows, i)
        else:
            valence = _valence(i, lows, ups, lexicon, cap_diff)
        hits.append(i)
        values.append(valence)
    if values and "but" in lows:
        _but_rewrite(hits, values, lows.index("but"))
    return values, n, text


def _score_valence(values: list[float], n: int, text: str) -> Scores:
    """The reference's ``score_valence`` over ``n`` words whose non-plain scores are ``values``.

    The reference sums all ``n`` scores; adding a zero never changes a float sum that starts at +0.0,
    so summing the sentiment words alone in the same order gives the same bits.
    """
    sum_s, amplifier = _emphasis(values, text)
    compound = _squash(sum_s)
    pos_sum = 0.0
    neg_sum = 0.0
    neu_count = n - len(values)
    for score in values:
        if score > 0:
            pos_sum += (float(score) + 1)
        elif score < 0:
            neg_sum += (float(score) - 1)
        else:
            neu_count += 1
    if pos_sum > math.fabs(neg_sum):
        pos_sum += amplifier
    elif pos_sum < math.fabs(neg_sum):
        neg_sum -= amplifier
    total = pos_sum + math.fabs(neg_sum) + neu_count
    return (round(math.fabs(neg_sum / total), 3), round(math.fabs(neu_count / total), 3),
            round(math.fabs(pos_sum / total), 3), round(compound, 4))


def _emphasis(values: list[float], text: str) -> tuple[float, float]:
    """(the sum of ``values`` pushed away from zero by the punctuation emphasis, that emphasis)."""
    sum_s = float(sum(values))
    amplifier = _amplifier(text)
    if sum_s > 0:
        sum_s += amplifier
    elif sum_s < 0:
        sum_s -= amplifier
    return sum_s, amplifier


def _squash(sum_s: float) -> float:
    """The reference's ``normalize`` (alpha 15), unrounded."""
    compound = sum_s / math.sqrt((sum_s * sum_s) + 15)
    return -1.0 if compound < -1.0 else 1.0 if compound > 1.0 else compound


#: ``scores(text) -> (neg, neu, pos, compound)``, remembered for repeated texts.
scores = lru_cache(maxsize=TEXT_CACHE_SIZE)(_score)
#: ``compound_scores(text) -> compound``, what ``compounds`` scores by: it skips the shares and has
#: its own memory of repeated texts.
compound_scores = lru_cache(maxsize=TEXT_CACHE_SIZE)(_compound)


def polarity_scores(text: str) -> dict[str, float]:
    """Exactly ``SentimentIntensityAnalyzer().polarity_scores(text)``."""
    _check_text(text)
    neg, neu, pos, compound = scores(text)
    return {"neg": neg, "neu": neu, "pos": pos, "compound": compound}


def compound(text: str) -> float:
    """Exactly the reference's ``compound`` for ``text``."""
    _check_text(text)
    return scores(text)[3]


def _check_text(text: object) -> None:
    if not isinstance(text, str):
        raise InputError(f"a text to score is a {type(text).__name__}, not a str", "sentiment",
                         "pass strings (use '' for a missing text)")


def _init_worker() -> None:
    tables()


def _compound_chunk(texts: list[str]) -> list[float]:
    return [compound_scores(text) for text in texts]


def compounds(texts: Iterable[str], workers: int | None = None) -> list[float]:
    """The reference's ``compound`` of each text, in order.

    Duplicates are scored once. ``workers=1`` scores in this process. With more, this process and
    ``workers - 1`` spawned ones (``commentscope.analysis.run.pool.process_pool``; each loads the
    tables once) share the distinct texts in chunks: the pool takes chunks from the front, this
    process takes back the ones not yet started from the end. Where no process can be started, this
    one scores them all. ``None`` follows the project's one worker policy
    (``commentscope.analysis.run.pool.worker_count``: every core from ``POOL_MIN_COMMENTS`` texts,
    else 1). As with any ``spawn`` pool, a script calling this with more than one worker needs the
    usual ``if __name__ == "__main__":`` guard (the CLI has it).
    """
    texts = list(texts)
    for text in texts:
        _check_text(text)
    unique = list(dict.fromkeys(texts))
    count = worker_count(workers, comments=len(texts))
    found: dict[str, float] = {}
    if count > 1 and len(unique) > 1:
        size = max(1, min(POOL_CHUNK, -(-len(unique) // (count * 8))))
        chunks = [unique[k:k + size] for k in range(0, len(unique), size)]
        try:
            with process_pool(count - 1, initializer=_init_worker) as pool:
                futures = [pool.submit(_compound_chunk, chunk) for chunk in chunks] if pool else []
                for chunk, future in zip(reversed(chunks), reversed(futures)):
                    if future.cancel():
                        found.update(zip(chunk, _compound_chunk(chunk)))
                for chunk, future in zip(chunks, futures):
                    if not future.cancelled():
                        found.update(zip(chunk, future.result()))
        except (OSError, BrokenProcessPool):  # no process to be had here: this one scores the rest
            pass
    for text in unique:
        if text not in found:
            found[text] = compound_scores(text)
    return [found[text] for text in texts]
