"""The sentiment stage: a VADER compound score of each commenter's own words.

``add_sentiment`` reads ``text`` and ``quotes`` and adds ``sentiment`` (Float64, -1..1) and
``sentiment_label`` (``positive`` at >= 0.05, ``negative`` at <= -0.05, else ``neutral``: VADER's
usual thresholds). What a comment quotes is removed first (its quote spans and ``>`` lines:
``commentscope.analysis.text.own``): a reply that quotes a hostile passage and answers "I agree, well
said" is positive.

How a text is scored (``score_texts``):

- A short text (own words of at most ``SHORT_CHARS`` characters holding at most ``SHORT_EMOJI``
  emoji) gets exactly vaderSentiment's ``compound``. Nearly every comment is short.
- A longer text is cut into units (sentences; a sentence over ``UNIT_WORDS`` words is cut into pieces
  of that many words) and scores the mean of the units' compounds weighted by their number of words
  (an emoji counts as a word), rounded to 4 places as VADER rounds. Why: VADER sums valences over the
  whole text and squashes the sum with ``x / sqrt(x^2 + 15)``, so its compound saturates as sentiment
  words pile up: a 2,000-word comment reads ±0.99 whatever its balance. A length-weighted mean keeps
  the scale of a sentence and reports the balance; a long text that is one unit scores that unit's
  compound. The price is a step at ``SHORT_CHARS``: a sentence mean is usually milder than the
  whole-text compound, so a comment just over the limit scores nearer zero than VADER would.
- A text over ``SAMPLE_CHARS`` characters scores the same mean over a sample of its units, so that
  its cost stops growing with its length. ``SAMPLE_WINDOWS`` windows open at evenly spaced points,
  the first at the start (systematic sampling: beginning, middle and end are all read), and each
  gives one unit: the first sentence that starts in it after the one in progress where it opens.
  Only the windows are read, never the whole text, each at most ``WINDOW_CHARS`` characters and its
  unit at most ``SAMPLE_UNIT_CHARS`` characters and ``SAMPLE_UNIT_EMOJI`` emoji. So a comment of
  5,000 or 100,000 characters reads about 28 sentences (~320 words) and costs the same: about what
  2,500 characters scored whole cost, six times a 500-character comment (tests/data/sentiment/
  bench.py prints the cost by length). The same text always reads the same units and scores the same.
  The price: the sample estimates the mean over every unit (``all_units``, the unbounded path). On
  long texts made of the realistic test comments (tests/data/sentiment/bench.py: shuffled, drifting
  from one tone to the other, leaning three to one; 100 of each at 3,000 to 50,000 characters) the
  mean absolute difference is 0.06 to 0.10 (0.07 at 3,000 characters, 0.08 at 10,000), the 95th
  percentile at most 0.24 and the largest 0.37, on the -1..1 scale. That is the error of a sample
  of ~28 sentences (the spread of sentence compounds over the square root of 28): it does not grow
  with length, and shrinks where neighbouring sentences agree. A label near the ±0.05 thresholds
  can flip: the three-to-one texts (full means ±0.13 on average) keep theirs in 70 to 90 in 100; a
  text of one tone keeps its sign. No bound holds for a text built against the windows (sentences
  of one tone exactly where the windows fall). More windows buy accuracy at proportional cost: 32
  give a mean difference of ~0.075, 48 ~0.055 (1.7 times the cost), 24 ~0.09.
- Cost bounds: VADER expands each emoji into a three-to-four-word description, and the reference
  code is quadratic in places: it lower-cases the whole word list again, four times, for every
  sentiment word (5,000 emoji bring thousands of them: minutes for one comment), and its ``but``
  rule searches the list once per word. ``vader`` has neither; in addition the long path
  spaces emoji out so each is a word, keeps ``RUN_MAX`` of a run of identical tokens and the first
  ``EMOJI_RUN_MAX`` of a run of emoji, and bounds units by ``UNIT_WORDS``. A wall of 5,000 emoji
  or 5,000 "but" then costs at most about twice what ordinary prose of its length costs (measured
  by tests/data/sentiment/bench.py).
"""

from __future__ import annotations

import operator
import re
from typing import Iterable

import polars as pl

from commentscope.analysis.run.pool import worker_count
from commentscope.analysis.stages import vader
from commentscope.analysis.text.own import own_words
from commentscope.analysis.text.sentences import sentence_spans, split_sentences
from commentscope.scraper.errors import InputError

#: Own words up to this many characters ...
SHORT_CHARS = 1_000
#: ... holding at most this many emoji are scored whole, exactly as vaderSentiment does.
SHORT_EMOJI = 50
#: A unit (sentence) longer than this many words is cut into pieces of this many words.
UNIT_WORDS = 60
#: A long text of more than this many characters is scored on a sample of its units: ...
SAMPLE_CHARS = 2_500
#: ... one unit from each of this many windows spread evenly over it, ...
SAMPLE_WINDOWS = 28
#: ... where a window's sentence may run on to at most this many characters from its opening ...
WINDOW_CHARS = 1_000
#: ... and gives a unit read from at most this many characters of its sentence (``UNIT_WORDS`` words
#: of seven letters) ...
SAMPLE_UNIT_CHARS = 480
#: ... holding at most this many emoji (a sentence seldom holds more, a wall of emoji holds no
#: sentence end): no window costs more than that, however its text runs.
SAMPLE_UNIT_EMOJI = 20
#: In a long text, a run of more identical tokens than this keeps this many.
RUN_MAX = 3
#: In a long text, a run of more emoji than this keeps the first this many.
EMOJI_RUN_MAX = 5
#: VADER's usual label thresholds on the compound score.
POSITIVE_AT = 0.05
NEGATIVE_AT = -0.05

#: One whitespace character (what ``str.split`` splits on).
_SPACE = re.compile(r"\s")
#: The code points that may be emoji (the inside of ``vader.MAYBE_EMOJI``'s class) ...
_MAYBE = vader.MAYBE_EMOJI.pattern[1:-1]
#: ... and a text up to its ``SAMPLE_UNIT_EMOJI``-th one (one C-speed match).
_MANY_EMOJI = re.compile(f"(?:[^{_MAYBE}]*+[{_MAYBE}]){{{SAMPLE_UNIT_EMOJI}}}")
#: Marks that glue emoji into one picture (zero-width joiner, emoji presentation selector).
_EMOJI_GLUE = frozenset("\u200d\ufe0f")


def sentiment_label(score: float) -> str:
    """``positive``, ``negative`` or ``neutral`` for a compound score (VADER's ±0.05 thresholds)."""
    if score >= POSITIVE_AT:
        return "positive"
    if score <= NEGATIVE_AT:
        return "negative"
    return "neutral"


def is_short(text: str) -> bool:
    """Whether ``text`` is scored whole, exactly as vaderSentiment does."""
    if len(text) > SHORT_CHARS:
        return False
    if len(text) <= SHORT_EMOJI or text.isascii():
        return True
    candidates = vader.MAYBE_EMOJI.findall(text)
    if len(candidates) <= SHORT_EMOJI:
        return True
    emojis = vader.tables().emojis
    return sum(1 for char in candidates if char in emojis) <= SHORT_EMOJI


def space_emoji(text: str) -> str:
    """``text`` with a space on both sides of every emoji, so that each is a word of its own."""
    if text.isascii():
        return text
    emojis = vader.tables().emojis
    return vader.MAYBE_EMOJI.sub(lambda m: f" {m.group()} " if m.group() in emojis else m.group(), text)


def collapse_runs(tokens: list[str]) -> list[str]:
    """``tokens`` with a run of more than ``RUN_MAX`` identical tokens cut to ``RUN_MAX`` and a run of
    more than ``EMOJI_RUN_MAX`` emoji (after ``space_emoji``) cut to its first ``EMOJI_RUN_MAX``."""
    emojis = vader.tables().emojis
    if not any(map(operator.eq, tokens, tokens[1:])) and _EMOJI_GLUE.isdisjoint(tokens) \
            and emojis.keys().isdisjoint(tokens):
        return list(tokens)  # no two equal neighbours and no emoji: nothing to cut (most sentences)
    kept: list[str] = []
    same = emoji_run = 0
    for token in tokens:
        same = same + 1 if kept and token == kept[-1] else 1
        is_emoji = token in emojis or token in _EMOJI_GLUE
        emoji_run = emoji_run + 1 if is_emoji else 0
        if same <= RUN_MAX and (not is_emoji or emoji_run <= EMOJI_RUN_MAX):
            kept.append(token)
    return kept


def units(text: str) -> list[tuple[str, int]]:
    """The (unit, weight) pairs a text is scored by: itself when short; else its sentences, emoji
    spaced out and runs collapsed, each cut into pieces of at most ``UNIT_WORDS`` words: all of them
    up to ``SAMPLE_CHARS`` characters, one from each of the ``sample_windows`` beyond. The weight is
    the unit's number of words (an emoji is a word)."""
    if is_short(text):
        return [(text, 1)]
    if len(text) <= SAMPLE_CHARS:
        return all_units(text)
    found, read_to = [], 0
    for begin, limit, stop in sample_windows(text):
        taken = _window_unit(text[begin:stop], limit - begin, begin == 0, max(0, read_to - begin))
        if taken is not None:
            found.append(taken[0])
            read_to = begin + taken[1]
    return found


def all_units(text: str) -> list[tuple[str, int]]:
    """Every unit of a long text: the unbounded long path, whatever the text's length."""
    found = []
    for sentence in split_sentences(space_emoji(text)):
        tokens = _tokens(sentence)
        for k in range(0, len(tokens), UNIT_WORDS):
            piece = tokens[k:k + UNIT_WORDS]
            found.append((" ".join(piece), len(piece)))
    return found


def _tokens(sentence: str) -> list[str]:
    """The words of a sentence whose emoji are spaced out, runs collapsed."""
    tokens = sentence.split()
    if sentence.isascii() and not any(map(operator.eq, tokens, tokens[1:])):
        return tokens  # no emoji and no two equal neighbours: nothing to collapse (most sentences)
    return collapse_runs(tokens)


def sample_windows(text: str) -> list[tuple[int, int, int]]:
    """``(begin, limit, stop)`` of the ``SAMPLE_WINDOWS`` windows a long text's sample is read from.

    Window k opens (``begin``) at the first whitespace at or after ``k / SAMPLE_WINDOWS`` of the
    text (looked for within ``WINDOW_CHARS``), the first at the text's start, so no window cuts a
    word. Its sentence must start before the next window opens (``limit``), so no two windows take
    the same one, and is read up to ``stop``: ``WINDOW_CHARS`` on, pulled back to a space or line
    break, or the text's end.
    """
    n = len(text)
    points = [k * n // SAMPLE_WINDOWS for k in range(SAMPLE_WINDOWS)] + [n]
    opens = [0]
    for at, following in zip(points[1:-1], points[2:]):
        space = _SPACE.search(text, at, min(following, at + WINDOW_CHARS))
        opens.append(space.start() if space else at)
    opens.append(n)
    windows = []
    for begin, limit in zip(opens, opens[1:]):
        stop = begin + WINDOW_CHARS
        if stop >= n:
            stop = n
        else:
            cut = max(text.rfind(" ", begin, stop), text.rfind("\n", begin, stop))
            stop = cut if cut > begin else stop
        windows.append((begin, limit, stop))
    return windows


def _window_unit(window: str, limit: int, opening: bool, after: int) -> tuple[tuple[str, int], int] | None:
    """The unit a window gives, and where in the window its reading stopped; ``None`` if none.

    The unit is the first (up to ``UNIT_WORDS`` words, ``SAMPLE_UNIT_CHARS`` characters, pulled back
    to a space, and ``SAMPLE_UNIT_EMOJI`` emoji) of the first sentence that starts in the window
    before ``limit``, after the sentence in progress where the window opens (the first window keeps
    that one: it opens the text). A window that holds no sentence end lies inside one long sentence:
    it reads its own stretch, from ``after`` (where the previous window's reading stopped, so no
    text is read twice) to ``limit``. Sentences are found lazily, so the scan stops at the one taken,
    and before emoji are spaced out (then the sentence is split again: spacing can end a sentence).
    """
    for start, end in sentence_spans(window):
        if start >= limit:
            return None
        if start == 0 and end == len(window):
            start, end = after, limit
        elif start == 0 and not opening:
            continue
        if end > start + SAMPLE_UNIT_CHARS:
            end = start + SAMPLE_UNIT_CHARS
            cut = max(window.rfind(" ", start, end), window.rfind("\n", start, end))
            end = cut if cut > start else end
        sentence = window[start:end]
        if not sentence.isascii():
            many = _MANY_EMOJI.match(sentence)
            spaced = space_emoji(sentence[:many.end()] if many else sentence)
            sentence = next(iter(split_sentences(spaced)), "")
        tokens = _tokens(sentence)[:UNIT_WORDS]
        if tokens:
            return (" ".join(tokens), len(tokens)), end
    return None


def score_texts(texts: Iterable[str | None] | pl.Series, workers: int | None = None) -> list[float]:
    """Sentiment of each text (see the module docstring): VADER's compound for short texts, the
    length-weighted mean of unit compounds (rounded to 4 places, as VADER rounds) for long ones.
    ``None`` scores 0.0. ``workers`` as in ``vader.compounds``, decided by the number of texts (not
    of units)."""
    plans = [units(text or "") for text in texts]
    flat = [unit for plan in plans for unit, _ in plan]
    compounds = iter(vader.compounds(flat, worker_count(workers, comments=len(plans))))
    results = []
    for plan in plans:
        scored = [(next(compounds), weight) for _, weight in plan]
        if len(scored) == 1:
            results.append(scored[0][0])
        elif not scored:
            results.append(0.0)
        else:
            total = sum(weight for _, weight in scored)
            results.append(round(sum(c * weight for c, weight in scored) / total, 4))
    return results


def add_sentiment(frame: pl.DataFrame, workers: int | None = None) -> pl.DataFrame:
    """A new frame with ``sentiment`` (Float64) and ``sentiment_label`` (String) added.

    Reads ``text`` and ``quotes`` (absent or null means no quotes). ``workers``: processes for
    scoring; ``None`` follows the project's worker policy: every core for batches of
    ``commentscope.analysis.run.pool.POOL_MIN_COMMENTS`` comments or more (see ``vader.compounds``).
    """
    if "text" not in frame.columns:
        raise InputError("the frame has no 'text' column", "sentiment stage",
                         "pass a comment frame (commentscope.scraper.records.COMMENT_SCHEMA)")
    texts = [text or "" for text in frame["text"].to_list()]
    if "quotes" in frame.columns and frame["quotes"].dtype != pl.Null:
        has_quotes = pl.col("quotes").list.len().fill_null(0) > 0
        quoting = frame.select(pl.arg_where(has_quotes)).to_series().to_list()
        spans = frame["quotes"].gather(quoting).to_list() if quoting else []
    else:
        quoting, spans = [], []
    # A paragraph in quotation marks stays: see commentscope.analysis.text.own.
    own = [own_words(text, quoted_paragraphs=False) for text in texts]
    for row, quotes in zip(quoting, spans):
        try:
            own[row] = own_words(texts[row], quotes, quoted_paragraphs=False)
        except InputError as error:
            comment_id = frame["id"][row] if "id" in frame.columns else row + 1
            raise InputError(error.what, f"quotes of comment {comment_id}", error.fix) from None
    scores = score_texts(own, workers)
    return frame.with_columns(
        pl.Series("sentiment", scores, dtype=pl.Float64),
        pl.Series("sentiment_label", [sentiment_label(s) for s in scores], dtype=pl.String),
    )
