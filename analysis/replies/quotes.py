"""Passages a comment copies from earlier comments or the article: shingles hashed over the thread at once.

Each comment's reading (``commentscope.analysis.replies.reading``) is cut into shingles, runs of
``SHINGLE`` words; a shingle is remembered for the first ``POSTINGS`` comments that used it, so the
earliest writer of a passage is always found. A comment's passages are the runs of shingles it shares
with one source, small gaps bridged; among sources sharing the same words the earliest wins, the
article first: it wrote the words the others repeat. A passage in quotation marks or on ``>`` lines
needs ``MIN_MARKED`` shared words, an unmarked copy ``MIN_BARE`` nearly word for word.

The work is done for the whole thread in a few array passes (numpy), not comment by comment: the
thread's words are hashed three by three in one pass (a shingle is known by a 64-bit hash of its
words, as a tuple's hash knew it before); one stable sort of the shingles by hash lines up each
shingle's comments in order, which gives every occurrence the earlier comments among the shingle's
first ``POSTINGS``; one sort of the (comment, source, start) matches and a difference of neighbours
cut them into runs. Only the runs long enough to be a passage come back to Python, one per span and
source: of runs alike but for their source only the earliest source's (see ``_thread_runs``). There
``_originals`` chooses the passages' sources and the marks are read.
The result equals a walk that finds each comment's passages, then remembers its shingles (tested
against one in ``tests/test_replies_batch.py``).
"""

from __future__ import annotations

import bisect
from itertools import chain
from operator import itemgetter

import numpy as np

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

#: odd, so no two words' order is lost in a shingle's hash
_MULTIPLIER = np.int64(0x100000001B3)
Run = tuple[int, int, int, int]  #: first token, stop token, tokens covered, source


def find_passages(readings: list[Reading], tokens: list[list[Token]], words: list[list[str]],
                  article_words: list[str]) -> list[list[QuoteSpan]]:
    """For each comment, the passages it copies from earlier comments or the article, in reading order
    (a passage never spans two pieces of a long comment's reading)."""
    breaks = [_breaks(reading, comment_tokens) for reading, comment_tokens in zip(readings, tokens)]
    runs = _thread_runs(words, breaks, article_words)
    return [_passages(readings[i], tokens[i], words[i], found) if found else [] for i, found in enumerate(runs)]


def _hashes(words: list[str]) -> np.ndarray:
    """A 64-bit hash of each run of ``SHINGLE`` words, by its first word's index: the words' own hashes
    combined as a polynomial (wrapping int64 arithmetic), so that a thread's shingles hash in one array
    pass rather than a tuple each."""
    count = max(0, len(words) - SHINGLE + 1)
    single = np.fromiter(map(hash, words), dtype=np.int64, count=len(words))
    combined = np.zeros(count, dtype=np.int64)
    for k in range(SHINGLE):
        combined = combined * _MULTIPLIER + single[k:k + count]
    return combined


def _thread_runs(words: list[list[str]], breaks: list[list[int]], article_words: list[str]) -> list[list[Run]]:
    """Per comment, its runs of shingles shared with one earlier comment or the article (at least
    ``MIN_MARKED`` tokens covered), grouped by source, each source's in order."""
    count = len(words)
    runs: list[list[Run]] = [[] for _ in range(count)]
    lengths = np.fromiter(map(len, words), dtype=np.int64, count=count)
    if count == 0 or not lengths.any():
        return runs
    # every shingle of the thread in one pass over its words; those straddling two comments, or two
    # pieces of a long comment's reading, are dropped
    hashes = _hashes(list(chain.from_iterable(words)))
    offsets = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    owner = np.repeat(np.arange(count), lengths)[:len(hashes)]
    at = np.arange(len(hashes)) - offsets[owner]
    valid = at <= (lengths - SHINGLE)[owner]
    for i, cuts in ((i, cuts) for i, cuts in enumerate(breaks) if cuts):
        low, high = int(offsets[i]), int(offsets[i]) + max(0, int(lengths[i]) - SHINGLE + 1)
        local = at[low:high]
        for start in cuts:  # a shingle starting less than SHINGLE words before a cut straddles it
            valid[low:high] &= ~((local >= start - SHINGLE + 1) & (local < start))
    hashes, owner, at = hashes[valid], owner[valid], at[valid]
    # Sorted by shingle (a stable sort keeps each shingle's comments in order), an occurrence's
    # earlier comments are the distinct comments before it in its shingle's group: the first POSTINGS
    # of them are remembered.
    by_shingle = np.argsort(hashes, kind="stable")
    grouped, writers = hashes[by_shingle], owner[by_shingle]
    new_shingle = np.ones(len(grouped), dtype=bool)
    new_shingle[1:] = grouped[1:] != grouped[:-1]
    new_pair = new_shingle.copy()
    new_pair[1:] |= writers[1:] != writers[:-1]
    pair = np.cumsum(new_pair) - 1
    first_pair = pair[new_shingle][np.cumsum(new_shingle) - 1]
    sizes = np.minimum(pair - first_pair, POSTINGS)
    occurrence = np.repeat(by_shingle, sizes)
    offset = np.arange(len(occurrence)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    source = writers[new_pair][np.repeat(first_pair, sizes) + offset]
    in_article = np.isin(hashes, _hashes(article_words)) if len(article_words) >= SHINGLE else np.zeros(0, bool)
    quoted = np.flatnonzero(in_article)
    source = np.concatenate((np.full(len(quoted), ARTICLE), source))
    occurrence = np.concatenate((quoted, occurrence))
    if not len(occurrence):
        return runs
    # one sort of (comment, source, start) keys: runs are cut where the comment, the source or the
    # piece of a reading changes, or the gap is too wide
    span, pairs = int(at.max()) + 1, count + 2
    keys = np.sort((owner[occurrence] * pairs + source + 1) * span + at[occurrence])
    pair, start = np.divmod(keys, span)
    comment, source = np.divmod(pair, pairs)
    source -= 1
    step = np.diff(start)
    new = np.ones(len(start), dtype=bool)
    new[1:] = (step > GAP) | (np.diff(pair) != 0)
    for i, cuts in ((i, cuts) for i, cuts in enumerate(breaks) if cuts):
        low, high = np.searchsorted(comment, [i, i + 1])
        part = np.searchsorted(cuts, start[low:high], side="right")
        new[low + 1:high] |= np.diff(part) != 0
    gained = np.full(len(start), SHINGLE, dtype=np.int64)
    gained[1:] = np.where(new[1:], SHINGLE, np.minimum(step, SHINGLE))
    heads = np.flatnonzero(new)
    tails = np.concatenate((heads[1:], [len(start)])) - 1
    covered = np.add.reduceat(gained, heads)
    kept = covered >= MIN_MARKED
    heads, tails, covered = heads[kept], tails[kept], covered[kept]
    comment, first, stop, source = comment[heads], start[heads], start[tails] + SHINGLE, source[heads]
    # Of runs alike but for their source (copies of one passage in several earlier comments) only the
    # earliest source's can be chosen or matter (see _originals): the others are dropped here.
    order = np.lexsort((source, covered, stop, first, comment))
    alike = np.ones(len(order), dtype=bool)
    for column in (comment, first, stop, covered):
        ordered = column[order]
        alike[1:] &= ordered[1:] == ordered[:-1]
    alike[:1] = False
    order = order[~alike]
    order = order[np.lexsort((first[order], source[order], comment[order]))]
    for i, first_at, stop_at, matched, from_ in zip(comment[order].tolist(), first[order].tolist(),
                                                     stop[order].tolist(), covered[order].tolist(),
                                                     source[order].tolist()):
        runs[i].append((first_at, stop_at, matched, from_))
    return runs


def _passages(reading: Reading, tokens: list[Token], words: list[str], runs: list[Run]) -> list[QuoteSpan]:
    """The runs that make a passage (long, exact and content-bearing enough), as quote spans."""
    text = reading.text
    regions = marked_regions(text)
    marked = _marked_mask(tokens, regions)
    offsets = list(map(itemgetter(1), tokens))
    real = reading.real
    spans = []
    for first, stop, matched, source in _originals(runs):
        inside = sum(marked[first:stop]) >= (stop - first) / 2
        if matched / (stop - first) < (0.6 if inside else BARE_DENSITY):
            continue
        content = stop - first - sum(map(STOPWORDS.__contains__, words[first:stop]))
        if not ((inside and matched >= MIN_MARKED and content >= 2) or (matched >= MIN_BARE and content >= 3)):
            continue
        start, end = _span_chars(text, tokens, offsets, first, stop, regions)
        spans.append(QuoteSpan(real(start), real(end), first, stop, source, matched, inside,
                               matched / (stop - first)))
    return sorted(spans, key=lambda span: span.start)


def _breaks(reading: Reading, tokens: list[Token]) -> list[int]:
    """The index of the first token of each piece of the reading after the first."""
    if len(reading.starts) == 1:
        return []
    offsets = list(map(itemgetter(1), tokens))
    return [bisect.bisect_left(offsets, start) for start in reading.starts[1:]]


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
