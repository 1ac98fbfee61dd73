"""Passages a comment copies from earlier comments or the article: a shingle index and the finder.

Each comment's reading (``commentscope.analysis.replies.reading``) is cut into shingles, runs of
``SHINGLE`` words; the index keeps, per shingle, the first ``POSTINGS`` comments that used it, so the
earliest writer of a passage is always found. A comment's passages are the runs of shingles it shares
with one source, small gaps bridged; among sources sharing the same words the earliest wins, the
article first: it wrote the words the others repeat. A passage in quotation marks or on ``>`` lines
needs ``MIN_MARKED`` shared words, an unmarked copy ``MIN_BARE`` nearly word for word.
"""

from __future__ import annotations

import bisect
from operator import itemgetter

from commentscope.analysis.replies.cues import ARTICLE, QuoteSpan
from commentscope.analysis.replies.reading import Reading, marked_regions
from commentscope.analysis.text.stopwords import STOPWORDS
from commentscope.analysis.text.tokens import Token

SHINGLE = 3  #: words per shingle
POSTINGS = 8  #: comments remembered per shingle: the earliest ones, where originals are
GAP = 4  #: shingle starts may skip this many (one edited word breaks three shingles)
MIN_MARKED = 4  #: words a passage in quotation marks or ``>`` lines must share with its source
MIN_BARE = 8  #: words an unmarked copied passage must share
BARE_DENSITY = 0.95  #: and nearly word for word: one changed word in twelve is a parody, not a quote


class PassageIndex:
    """The shingles of a thread's comments and of its article, and the comments remembered so far by
    the shingles they used (comments are remembered in position order, after their own passages are
    found)."""

    def __init__(self, readings: list[Reading], tokens: list[list[Token]], words: list[list[str]],
                 article_words: list[str]) -> None:
        self.readings = readings
        self.tokens = tokens
        self._breaks = [_breaks(reading, comment_tokens) for reading, comment_tokens in zip(readings, tokens)]
        self._shingles = [_shingles(comment_words, breaks) for comment_words, breaks in zip(words, self._breaks)]
        self._index: dict[int, tuple[int, ...]] = {}
        self._article = set(_shingles(article_words, []))

    def remember(self, i: int) -> None:
        """Make comment ``i``'s passages findable by later comments (new shingles go in as one bulk
        update; a posting list is a tuple, shared until it grows)."""
        index = self._index
        shingles = set(self._shingles[i])
        shingles.discard(None)
        known = set(filter(index.__contains__, shingles))
        index.update(dict.fromkeys(shingles - known, (i,)))
        for shingle in known:
            postings = index[shingle]
            if len(postings) < POSTINGS:
                index[shingle] = postings + (i,)

    def find(self, i: int) -> list[QuoteSpan]:
        """Passages of comment ``i`` copied from earlier comments or the article, in reading order (a
        passage never spans two pieces of a long comment's reading)."""
        reading, tokens, shingles, breaks = self.readings[i], self.tokens[i], self._shingles[i], self._breaks[i]
        text = reading.text
        index, article = self._index, self._article
        starts: dict[int, list[int]] = {}
        for at, shingle in enumerate(shingles):
            for source in index.get(shingle, ()):
                starts.setdefault(source, []).append(at)
            if shingle in article:
                starts.setdefault(ARTICLE, []).append(at)
        runs = [run + (source,) for source, found in starts.items() if len(found) > 1
                for piece in _split(found, breaks) for run in _runs(piece)]
        if not runs:
            return []
        regions = marked_regions(text)
        marked = _marked_mask(tokens, regions)
        offsets = list(map(itemgetter(1), tokens))
        real = reading.real
        spans = []
        for first, stop, matched, source in _originals(runs):
            words = [word for word, _, _ in tokens[first:stop]]
            content = sum(word not in STOPWORDS for word in words)
            inside = sum(marked[first:stop]) >= (stop - first) / 2
            if matched / (stop - first) < (0.6 if inside else BARE_DENSITY):
                continue
            if not ((inside and matched >= MIN_MARKED and content >= 2) or (matched >= MIN_BARE and content >= 3)):
                continue
            start, end = _span_chars(text, tokens, offsets, first, stop, regions)
            spans.append(QuoteSpan(real(start), real(end), first, stop, source, matched, inside,
                                   matched / (stop - first)))
        return sorted(spans, key=lambda span: span.start)


def _shingles(words: list[str], breaks: list[int]) -> list[int | None]:
    """Hash of each run of ``SHINGLE`` words, by its first word's index; None for the runs that
    straddle two pieces of a reading (those words are not next to each other in the comment)."""
    shingles: list[int | None] = list(map(hash, zip(*(words[k:] for k in range(SHINGLE)))))
    for start in breaks:
        for at in range(max(0, start - SHINGLE + 1), min(start, len(shingles))):
            shingles[at] = None
    return shingles


def _breaks(reading: Reading, tokens: list[Token]) -> list[int]:
    """The index of the first token of each piece of the reading after the first."""
    if len(reading.starts) == 1:
        return []
    offsets = list(map(itemgetter(1), tokens))
    return [bisect.bisect_left(offsets, start) for start in reading.starts[1:]]


def _split(found: list[int], breaks: list[int]) -> list[list[int]]:
    """Shingle starts, ascending, cut where a new piece of the reading begins."""
    if not breaks:
        return [found]
    pieces, first = [], 0
    for start in breaks:
        stop = bisect.bisect_left(found, start, first)
        if stop > first:
            pieces.append(found[first:stop])
        first = stop
    if first < len(found):
        pieces.append(found[first:])
    return pieces


def _runs(starts: list[int]) -> list[tuple[int, int, int]]:
    """Matching shingle starts -> runs (first token, stop token, tokens covered), small gaps bridged."""
    runs: list[tuple[int, int, int]] = []
    first = last = starts[0]
    covered = SHINGLE
    for at in starts[1:]:
        step = at - last
        if step <= GAP:
            covered += step if step < SHINGLE else SHINGLE
        else:
            runs.append((first, last + SHINGLE, covered))
            first, covered = at, SHINGLE
        last = at
    runs.append((first, last + SHINGLE, covered))
    return [run for run in runs if run[2] >= MIN_MARKED]


def _originals(runs: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """One source per passage: among the runs covering the same words (within 80% of the best match),
    the earliest source, the article first, wins; it wrote the words the others repeat.

    Runs are taken best first; a run's group is the runs still unclaimed that overlap it by half the
    shorter one. Only runs starting less than the longest run's length before it can overlap, so the
    group comes from a bisection of the runs sorted by start, not a scan of all of them: a long comment
    made of many copied phrases has thousands of runs."""
    if len(runs) == 1:
        return runs
    ranked = sorted(runs, key=lambda run: (-run[2], run[3]))
    by_first = sorted(range(len(ranked)), key=lambda k: ranked[k][0])
    firsts = [ranked[k][0] for k in by_first]
    longest = max((run[1] - run[0] for run in ranked), default=0)
    claimed = [False] * len(ranked)
    chosen = []
    for k, top in enumerate(ranked):
        if claimed[k]:
            continue
        low, high = bisect.bisect_left(firsts, top[0] - longest + 1), bisect.bisect_left(firsts, top[1])
        group = sorted(m for m in by_first[low:high] if not claimed[m] and min(ranked[m][1], top[1])
                       - max(ranked[m][0], top[0]) >= min(ranked[m][1] - ranked[m][0], top[1] - top[0]) / 2)
        chosen.append(min((ranked[m] for m in group if ranked[m][2] >= 0.8 * top[2]), key=lambda run: run[3]))
        for m in group:
            claimed[m] = True
    return chosen


def _marked_mask(tokens: list[Token], regions: list[tuple[int, int]]) -> list[bool]:
    mask = [False] * len(tokens)
    starts = list(map(itemgetter(1), tokens))
    for start, end in regions:
        first, stop = bisect.bisect_left(starts, start), bisect.bisect_left(starts, end)
        mask[first:stop] = [True] * (stop - first)
    return mask


def _span_chars(text: str, tokens: list[Token], starts: list[int], first: int, stop: int,
                regions: list[tuple[int, int]]) -> tuple[int, int]:
    """The quoted passage's characters: the whole marked passage when the copy covers most of it."""
    start, end = tokens[first][1], tokens[stop - 1][2]
    for region_start, region_end in regions:
        inner_first, inner_stop = bisect.bisect_left(starts, region_start), bisect.bisect_left(starts, region_end)
        shared = min(stop, inner_stop) - max(first, inner_first)
        if inner_stop > inner_first and shared >= 0.6 * (inner_stop - inner_first):
            body = text[region_start:region_end]
            lead = len(body) - len(body.lstrip())
            return min(start, region_start + lead), max(end, region_start + len(body.rstrip()))
    return start, end
