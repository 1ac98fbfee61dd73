"""The sentiment stage: a VADER compound score of each commenter's own words.

``add_sentiment`` reads ``text`` and ``quotes`` and adds ``sentiment`` (Float64, -1..1) and
``sentiment_label`` (``positive`` at >= 0.05, ``negative`` at <= -0.05, else ``neutral``: VADER's
usual thresholds). Quoted spans and ``>`` lines are removed first: a reply that quotes a hostile
passage and answers "I agree, well said" is positive.

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
- Cost bounds: VADER expands each emoji into a three-to-four-word description, and the reference
  code is quadratic in places: it lower-cases the whole word list again, four times, for every
  sentiment word (5,000 emoji bring thousands of them: minutes for one comment), and its ``but``
  rule searches the list once per word. ``fast_vader`` has neither; in addition the long path
  spaces emoji out so each is a word, keeps ``RUN_MAX`` of a run of identical tokens and the first
  ``EMOJI_RUN_MAX`` of a run of emoji, and bounds units by ``UNIT_WORDS``. A wall of 5,000 emoji
  or 5,000 "but" then costs about what ordinary prose of its length costs (measured by
  tests/data/sentiment/bench.py).
"""

from __future__ import annotations

import re
from typing import Any, Iterable

import polars as pl

from analysis import fast_vader
from scraper.errors import InputError

#: Own words up to this many characters ...
SHORT_CHARS = 1_000
#: ... holding at most this many emoji are scored whole, exactly as vaderSentiment does.
SHORT_EMOJI = 50
#: A unit (sentence) longer than this many words is cut into pieces of this many words.
UNIT_WORDS = 60
#: In a long text, a run of more identical tokens than this keeps this many.
RUN_MAX = 3
#: In a long text, a run of more emoji than this keeps the first this many.
EMOJI_RUN_MAX = 5
#: VADER's usual label thresholds on the compound score.
POSITIVE_AT = 0.05
NEGATIVE_AT = -0.05

#: Characters around a removed quote that are dropped with it when they pair up.
_QUOTE_PAIRS = {'"': '"', "“": "”", "'": "'", "‘": "’", "«": "»", "„": "“", "(": ")", "[": "]"}
#: Words after which a full stop does not end a sentence.
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof sr jr st vs etc e.g i.e eg ie cf al approx dept fig inc ltd co gen gov "
    "sen rep rev sgt capt col lt u.s u.k u.n a.m p.m".split())
_SENTENCE_END = re.compile(r"([.!?…]+[\"'”’»)\]]*)(?=\s)|\n")
#: Marks that glue emoji into one picture (zero-width joiner, emoji presentation selector).
_EMOJI_GLUE = frozenset("\u200d\ufe0f")


def sentiment_label(score: float) -> str:
    """``positive``, ``negative`` or ``neutral`` for a compound score (VADER's ±0.05 thresholds)."""
    if score >= POSITIVE_AT:
        return "positive"
    if score <= NEGATIVE_AT:
        return "negative"
    return "neutral"


def own_words(text: str, quotes: Iterable[dict[str, Any]] | None = None) -> str:
    """``text`` without the spans it copies (``quotes``: ``{source_id, start, end}`` character offsets)
    and without lines starting with ``>`` (a line opening with a VADER emoticon such as ``>:(`` stays).

    Each removed span becomes a line break, so the words on either side never join into one phrase;
    quote marks or brackets left empty around a span go with it. A text with nothing to remove is
    returned unchanged. Raises ``InputError`` for a span outside the text.
    """
    if not quotes and ">" not in text:
        return text
    spans = _spans(text, quotes or ())
    lines = text.split("\n")
    quoted_lines = [_is_quote_line(line) for line in lines]
    if not spans and not any(quoted_lines):
        return text
    if spans:
        pieces, at = [], 0
        for start, end in spans:
            pieces.append(text[at:start])
            pieces.append("\n")
            at = end
        pieces.append(text[at:])
        lines = "".join(pieces).split("\n")
        quoted_lines = [_is_quote_line(line) for line in lines]
    kept = "\n".join(line for line, quoted in zip(lines, quoted_lines) if not quoted)
    return re.sub(r"\n\s*\n(?:\s*\n)+", "\n\n", kept).strip()


def _spans(text: str, quotes: Iterable[dict[str, Any]]) -> list[tuple[int, int]]:
    """Validated quote spans, widened over empty quote marks, merged where they overlap."""
    spans = []
    for quote in quotes:
        start, end = quote.get("start"), quote.get("end")
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= len(text)):
            raise InputError(f"quote span {start!r}..{end!r} does not lie within the comment's "
                             f"{len(text)} characters", "quotes",
                             "give character offsets with 0 <= start <= end <= len(text)")
        if start > 0 and end < len(text) and _QUOTE_PAIRS.get(text[start - 1]) == text[end]:
            start, end = start - 1, end + 1
        if end > start:
            spans.append((start, end))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _is_quote_line(line: str) -> bool:
    stripped = line.lstrip()
    if not stripped.startswith(">"):
        return False
    first = stripped.split(maxsplit=1)[0]
    return first.lower() not in fast_vader.tables().lexicon


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text``: a line break ends one, and so does ``.``, ``!``, ``?`` or ``…`` (with
    closing quotes or brackets) before whitespace, except after a single letter or a common
    abbreviation ("Mr.", "e.g."). Needs no trained model. Empty pieces are dropped."""
    sentences, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        if match.group(1):
            if match.group(1) == "." and _is_abbreviation(text[start:match.start()]):
                continue
            end = match.end(1)
        else:
            end = match.start()
        piece = text[start:end].strip()
        if piece:
            sentences.append(piece)
        start = match.end()
    rest = text[start:].strip()
    if rest:
        sentences.append(rest)
    return sentences


def _is_abbreviation(before: str) -> bool:
    words = before.rsplit(maxsplit=1)
    if not words:
        return False
    word = words[-1].lstrip("(\"'“‘").lower()
    return len(word) == 1 and word.isalpha() or word in _ABBREVIATIONS


def is_short(text: str) -> bool:
    """Whether ``text`` is scored whole, exactly as vaderSentiment does."""
    if len(text) > SHORT_CHARS:
        return False
    if len(text) <= SHORT_EMOJI or text.isascii():
        return True
    candidates = fast_vader.MAYBE_EMOJI.findall(text)
    if len(candidates) <= SHORT_EMOJI:
        return True
    emojis = fast_vader.tables().emojis
    return sum(1 for char in candidates if char in emojis) <= SHORT_EMOJI


def space_emoji(text: str) -> str:
    """``text`` with a space on both sides of every emoji, so that each is a word of its own."""
    if text.isascii():
        return text
    emojis = fast_vader.tables().emojis
    return fast_vader.MAYBE_EMOJI.sub(lambda m: f" {m.group()} " if m.group() in emojis else m.group(), text)


def collapse_runs(tokens: list[str]) -> list[str]:
    """``tokens`` with a run of more than ``RUN_MAX`` identical tokens cut to ``RUN_MAX`` and a run of
    more than ``EMOJI_RUN_MAX`` emoji (after ``space_emoji``) cut to its first ``EMOJI_RUN_MAX``."""
    emojis = fast_vader.tables().emojis
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
    spaced out and runs collapsed, each cut into pieces of at most ``UNIT_WORDS`` words; the weight
    is the unit's number of words (an emoji is a word)."""
    if is_short(text):
        return [(text, 1)]
    found = []
    for sentence in split_sentences(space_emoji(text)):
        tokens = collapse_runs(sentence.split())
        for k in range(0, len(tokens), UNIT_WORDS):
            piece = tokens[k:k + UNIT_WORDS]
            found.append((" ".join(piece), len(piece)))
    return found


def score_texts(texts: Iterable[str | None] | pl.Series, workers: int | None = None) -> list[float]:
    """Sentiment of each text (see the module docstring): VADER's compound for short texts, the
    length-weighted mean of unit compounds (rounded to 4 places, as VADER rounds) for long ones.
    ``None`` scores 0.0. ``workers`` as in ``fast_vader.compounds``."""
    plans = [units(text or "") for text in texts]
    flat = [unit for plan in plans for unit, _ in plan]
    compounds = iter(fast_vader.compounds(flat, fast_vader.resolve_workers(len(plans), workers)))
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
    scoring; ``None`` uses every core for batches of ``fast_vader.POOL_MIN_TEXTS`` comments or more
    (see ``fast_vader.compounds``).
    """
    if "text" not in frame.columns:
        raise InputError("the frame has no 'text' column", "sentiment stage",
                         "pass a comment frame (scraper.records.COMMENT_SCHEMA)")
    own = [text or "" for text in frame["text"].to_list()]
    if "quotes" in frame.columns and frame["quotes"].dtype != pl.Null:
        has_quotes = pl.col("quotes").list.len().fill_null(0) > 0
        quoting = frame.select(pl.arg_where(has_quotes)).to_series().to_list()
        spans = frame["quotes"].gather(quoting).to_list() if quoting else []
    else:
        quoting, spans = [], []
    for row, quotes in zip(quoting, spans):
        try:
            own[row] = own_words(own[row], quotes)
        except InputError as error:
            comment_id = frame["id"][row] if "id" in frame.columns else row + 1
            raise InputError(error.what, f"quotes of comment {comment_id}", error.fix) from None
    own = [own_words(text) if ">" in text else text for text in own]
    scores = score_texts(own, workers)
    return frame.with_columns(
        pl.Series("sentiment", scores, dtype=pl.Float64),
        pl.Series("sentiment_label", [sentiment_label(s) for s in scores], dtype=pl.String),
    )
