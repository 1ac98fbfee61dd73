"""What reply inference reads of a comment: all of it, or of a long one a bounded part.

Also where a comment's passages in quotation marks (straight, smart or mismatched) and on ``>`` lines
are: the quote finder weighs a copied passage by whether it is marked, and the reading of a long
comment keeps its marked passages.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

#: A comment up to READ_CHARS long is read whole (every comment of the gold, seed and benchmark
#: threads is: the longest has 1,375 characters). Of a longer one the cues read its first OPENING_CHARS
#: characters and then, in reading order and EXCERPT_CHARS at most, its marked passages (in quotation
#: marks or on ``>`` lines), each with the CONTEXT_CHARS before it (where "Name wrote:" or "In reply to
#: Name" stands), and its ``@`` addresses, each with the AT_CHARS after it (the name). The why is in
#: :mod:`commentscope.analysis.replies.infer`.
READ_CHARS = 2_000
OPENING_CHARS = 1_200
EXCERPT_CHARS = 800
CONTEXT_CHARS = 80
AT_CHARS = 60
_SNAP = 40  #: a piece's ends move at most this far to fall between words
_OPENING_QUOTES = set("\"“‘'«„‹")
_CLOSING_QUOTES = set("\"”’'»“›")
_SINGLE = set("'‘’")
#: Quote marks and paragraph breaks. A mark between two letters (the apostrophe of "don't") neither
#: opens nor closes a quotation and is not matched. One character set comes first, so the engine skips
#: quickly to the next candidate; the alternatives then check what it was.
_QUOTE_CHARS = re.compile(
    "[\"“”‘’'«»„‹›\n]"
    "(?:(?<=\n)\n"  # a paragraph break
    "|(?<!\n)(?<![^\\W_].)"  # a mark after no letter or digit
    "|(?<!\n)(?![^\\W_]))"  # a mark before none
)


def marked_regions(text: str) -> list[tuple[int, int]]:
    """Character ranges inside quotation marks (straight, smart, mismatched) or on ``>`` lines."""
    regions: list[tuple[int, int]] = []
    if ">" in text:
        offset = 0
        for line in text.split("\n"):
            body = line.lstrip()
            if body.startswith(">"):
                regions.append((offset + len(line) - len(body.lstrip("> ")), offset + len(line)))
            offset += len(line) + 1
    stack: list[tuple[str, int]] = []
    size = len(text)
    for match in _QUOTE_CHARS.finditer(text):
        at, char = match.start(), match.group()
        if char == "\n\n":
            regions.extend((start + 1, at) for mark, start in stack if mark not in _SINGLE)
            stack = []
            continue
        before = text[at - 1] if at else " "
        after = text[at + 1] if at + 1 < size else " "
        closes = char in _CLOSING_QUOTES and not before.isspace() and not after.isalnum()
        opens = char in _OPENING_QUOTES and (before.isspace() or before in "([{—–-/" or before in _OPENING_QUOTES) \
            and not after.isspace()
        if closes and stack:
            regions.append((stack.pop()[1] + 1, at))
        elif opens:
            stack.append((char, at))
    regions.extend((start + 1, size) for mark, start in stack if mark not in _SINGLE)
    return regions


@dataclass(frozen=True)
class Reading:
    """What the cues read of a comment: its pieces joined by blank lines (one piece, the whole text,
    for any comment up to ``READ_CHARS``), and where each piece starts in ``text`` and in the comment."""

    text: str
    starts: tuple[int, ...]
    origins: tuple[int, ...]

    def real(self, at: int) -> int:
        """The comment's offset for offset ``at`` of the reading (an end offset maps to its piece's)."""
        if len(self.starts) == 1:
            return at
        piece = max(0, bisect.bisect_right(self.starts, at) - 1)
        return self.origins[piece] + at - self.starts[piece]


def read(text: str) -> Reading:
    """The reading of a comment: all of it up to ``READ_CHARS``; past that its opening, then its marked
    passages and ``@`` addresses with their context, in order, within ``EXCERPT_CHARS``."""
    if len(text) <= READ_CHARS:
        return Reading(text, (0,), (0,))
    opening = _word_end(text, OPENING_CHARS)
    wanted = [(start - 1 - CONTEXT_CHARS, end + 1) for start, end in marked_regions(text) if end > opening]
    at = text.find("@", opening)
    while at >= 0:
        wanted.append((at, at + AT_CHARS))
        at = text.find("@", at + AT_CHARS)
    pieces = [[0, opening]]
    budget = EXCERPT_CHARS
    for start, end in sorted(wanted):
        start = max(_word_start(text, max(0, start)), pieces[-1][1])
        end = min(end, start + budget)
        if end <= start:
            continue
        end = _word_end(text, end)
        budget -= end - start
        if start == pieces[-1][1]:
            pieces[-1][1] = end
        else:
            pieces.append([start, end])
        if budget <= 0:
            break
    starts, at = [], 0
    for start, end in pieces:
        starts.append(at)
        at += end - start + 2
    return Reading("\n\n".join(text[start:end] for start, end in pieces), tuple(starts),
                   tuple(start for start, _ in pieces))


def _word_start(text: str, at: int) -> int:
    """``at`` moved back to the start of the word it cuts, if that is at most ``_SNAP`` back."""
    back = at
    while back > max(0, at - _SNAP) and not text[back - 1].isspace():
        back -= 1
    return back if back == 0 or text[back - 1].isspace() else at


def _word_end(text: str, at: int) -> int:
    """``at`` moved on to the end of the word it cuts, if that is at most ``_SNAP`` on (at most the
    text's end: a quotation left open runs to it, and its piece asks for one character more)."""
    if at >= len(text):
        return len(text)
    on = at
    while on < min(len(text), at + _SNAP) and not text[on].isspace():
        on += 1
    return on if on == len(text) or text[on].isspace() else at
