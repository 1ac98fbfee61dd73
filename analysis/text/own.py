"""The commenter's own words: a comment without what it quotes.

What a comment quotes is not what its writer says: a reply that quotes a hostile passage and answers
"I agree, well said" is positive, and agrees. Three kinds of quotation are removed:

- the spans its ``quotes`` mark (``{source_id, start, end}`` character offsets, found by reply
  inference or given by the source), each with the quotation marks or brackets left empty around it;
- lines opening with ``>`` (how plain-text comment sections quote), except a line that opens with a
  VADER emoticon such as ``>:(``;
- paragraphs wholly in quotation marks (``quoted_paragraphs``).

The agreement and stance cues read the own words, and what was removed (``split_own``'s quoted
passages) tells them whether a reply quotes its parent. They need the quoted paragraphs out: a reply
often quotes its parent in quotation marks without a span (the labelled threads carry none), and
without the rule the seed's agreement macro-F1 falls from 0.619 to 0.246. The sentiment stage keeps
them (``quoted_paragraphs=False``): a paragraph in quotation marks that reply inference did not trace
to the thread or the article is most often a saying the commenter makes their own ("God, what a good
subject, if only he had a good Prince": taking it out would move the seed's comment #22 from 0.89 to
0.46).
"""

from __future__ import annotations

import re
from typing import Any, Iterable

from commentscope.scraper.errors import InputError

Span = tuple[int, int]

#: Characters around a removed quote that are dropped with it when they pair up.
_QUOTE_PAIRS = {'"': '"', "“": "”", "'": "'", "‘": "’", "«": "»", "„": "“", "(": ")", "[": "]"}
#: Quotation marks that open or close a quoted paragraph.
_QUOTE_CHARS = "\"“”„«»"
#: A ``>`` that opens the text's first non-blank line, or a line after a line break (after blanks):
#: found at C speed, so that a long text whose ``>`` are arrows or comparisons is not split in lines.
_OPENS_QUOTE = re.compile(r"\s*>")
_QUOTE_LINE = re.compile(r"\n[^\S\n]*>")
#: A paragraph opening with a quotation mark: the text's first, or one after a blank line (a pattern
#: that opens with a literal character is searched for it, at C speed).
_FIRST_QUOTED = re.compile(rf"\s*[{_QUOTE_CHARS}'‘]")
_LATER_QUOTED = re.compile(rf"\n[^\S\n]*\n\s*[{_QUOTE_CHARS}'‘]")
_PARAGRAPH_BREAK = re.compile(r"(\n[^\S\n]*\n\s*)")
_BLANK_LINES = re.compile(r"\n\s*\n(?:\s*\n)+")


def own_words(text: str, quotes: Iterable[dict[str, Any]] | None = None,
              quoted_paragraphs: bool = True) -> str:
    """``text`` without what it quotes (see the module docstring). Each removed span becomes a line
    break, so the words on either side never join into one phrase; runs of blank lines left behind
    become one. A text with nothing to remove is returned unchanged. Raises ``InputError`` for a span
    outside the text."""
    if not quotes and not may_quote(text, quoted_paragraphs):
        return text
    return split_own(text, quote_spans(text, quotes or ()), quoted_paragraphs)[0]


def may_quote(text: str, quoted_paragraphs: bool = True) -> bool:
    """False only where ``text`` holds no ``>`` line and (with ``quoted_paragraphs``) no paragraph
    opening with a quotation mark: then it is all the commenter's own words (most comments)."""
    if ">" in text and (_OPENS_QUOTE.match(text) or _QUOTE_LINE.search(text)):
        return True  # a ">" inside a line (an arrow, "a > b") makes no quote line
    return quoted_paragraphs and _quoted_start(text)


def quote_spans(text: str, quotes: Iterable[dict[str, Any]]) -> tuple[Span, ...]:
    """Validated quote spans, widened over the quote marks or brackets they leave empty, merged where
    they overlap, in order. Raises ``InputError`` for a span outside the text."""
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
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)


def split_own(text: str, spans: tuple[Span, ...] = (),
              quoted_paragraphs: bool = True) -> tuple[str, tuple[str, ...]]:
    """(the own words of ``text``, the passages removed from it in order of kind: the ``spans``
    (from ``quote_spans``), each run of ``>`` lines, each quoted paragraph); ``text`` itself and no
    passage when there is nothing to remove."""
    if not spans and not may_quote(text, quoted_paragraphs):
        return text, ()
    quoted = [text[start:end] for start, end in spans]
    if spans:
        pieces, at = [], 0
        for start, end in spans:
            pieces.append(text[at:start])
            pieces.append("\n")
            at = end
        pieces.append(text[at:])
        text = "".join(pieces)
    if ">" in text:
        text = _drop_quote_lines(text, quoted)
    if quoted_paragraphs and _quoted_start(text):
        text = _drop_quoted_paragraphs(text, quoted)
    if not quoted:
        return text, ()
    return _BLANK_LINES.sub("\n\n", text).strip(), tuple(quoted)


def _quoted_start(text: str) -> bool:
    return _FIRST_QUOTED.match(text) is not None or _LATER_QUOTED.search(text) is not None


def _drop_quote_lines(text: str, quoted: list[str]) -> str:
    kept, run = [], []
    for line in text.split("\n"):
        if _is_quote_line(line):
            run.append(line.lstrip().lstrip("> "))
            continue
        if run:
            quoted.append("\n".join(run))
            run = []
        kept.append(line)
    if run:
        quoted.append("\n".join(run))
    return "\n".join(kept)


def _is_quote_line(line: str) -> bool:
    stripped = line.lstrip()
    if not stripped.startswith(">"):
        return False
    from commentscope.analysis.stages import vader  # only for a text with a ">" line

    return stripped.split(maxsplit=1)[0].lower() not in vader.tables().lexicon


def _drop_quoted_paragraphs(text: str, quoted: list[str]) -> str:
    parts = _PARAGRAPH_BREAK.split(text)  # paragraph, break, paragraph, ...
    kept = []
    for k, part in enumerate(parts):
        if k % 2 == 0 and _is_quoted_paragraph(part.strip()):
            quoted.append(part.strip().strip(_QUOTE_CHARS + " "))
            part = ""
        kept.append(part)
    return "".join(kept)


def _is_quoted_paragraph(paragraph: str) -> bool:
    """Wholly in quotation marks: it opens with one and closes with one (or with one and a sign)."""
    if len(paragraph) < 3 or paragraph[0] not in _QUOTE_CHARS + "'‘":
        return False
    return paragraph[-1] in _QUOTE_CHARS + "'’" or paragraph[-2] in _QUOTE_CHARS
