"""Hashed word n-grams of a TextBatch and the cue phrase lists as hashed look-ups (numpy only).

Why a module of its own: these are the sparse / lexical blocks, used by training (``ngram_coo``, the
phrase tables) and by inference (``ngram_scores``, ``cue_lexicon_features``) from the same index arrays,
and by explanations (``word_ngram_text`` gives the words of an n-gram).
  - word unigrams+bigrams and "opener" features (first token / first bigram of the comment), scaled by
    1/sqrt(their count in the text); char n-grams were not measured (too slow to fit, triple the cost);
  - the cue phrase lists (openers, "you're wrong", "great article", ...: ``stages.cue_words``) matched on
    token k-grams (k <= 6).
"""

from __future__ import annotations

import numpy as np

from commentscope.analysis.stages.pairwise.features import _C1, _C2, TextBatch, _mix, tokenize


# --- sparse hashed n-grams ---------------------------------------------------------------------------
# Each family is a list of parts (bucket per element, segment start and length per text): the elements of
# one text are contiguous, so inference sums them with one np.add.reduceat and training builds a sparse
# matrix from the same arrays. Each family is scaled by 1/sqrt(its element count in the text).

def _buckets(keys: np.ndarray, salt: int, shift: np.uint64) -> np.ndarray:
    return ((keys + np.uint64(salt)) * _C1) >> shift


def word_parts(tb: TextBatch, bits: int) -> tuple[list, np.ndarray]:
    """Word unigrams, bigrams (within a text), the first token and the first bigram ("openers")."""
    shift = np.uint64(64 - bits)
    h = tb.tok_hash
    first = np.searchsorted(tb.tok_row, np.arange(tb.n)).astype(np.int64)
    ntok = np.bincount(tb.tok_row, minlength=tb.n).astype(np.int64)
    nb = np.maximum(ntok - 1, 0)
    bi_keys = h[:-1] * _C2 + h[1:] if len(h) > 1 else np.zeros(0, np.uint64)
    f = np.minimum(first, max(len(h) - 1, 0))
    fb = np.minimum(first, max(len(h) - 2, 0))
    parts = [(_buckets(h, 1, shift), first, ntok),
             (_buckets(bi_keys, 2, shift), first, nb),
             (_buckets(h[f], 3, shift) if len(h) else np.zeros(tb.n, np.uint64), np.arange(tb.n), (ntok > 0).astype(np.int64)),
             (_buckets(bi_keys[fb], 4, shift) if len(bi_keys) else np.zeros(tb.n, np.uint64), np.arange(tb.n),
              (ntok > 1).astype(np.int64))]
    count = ntok + nb + (ntok > 0) + (ntok > 1)
    return parts, (1.0 / np.sqrt(np.maximum(count, 1))).astype(np.float32)


def segment_sums(values: np.ndarray, start: np.ndarray, length: np.ndarray) -> np.ndarray:
    """Sum of values[start[r] : start[r] + length[r]] for each r (values 1-D or 2-D), zero when empty."""
    k = values.shape[1:] if values.ndim > 1 else ()
    if len(start) == 0:
        return np.zeros((0, *k), values.dtype)
    padded = np.concatenate([values, np.zeros((1, *k), values.dtype)]) if (start + length).max() >= len(values) else values
    ind = np.empty(2 * len(start), np.int64)
    ind[0::2] = np.minimum(start, len(padded) - 1)
    ind[1::2] = np.minimum(start + length, len(padded) - 1)
    out = np.add.reduceat(padded, ind, axis=0)[0::2]
    out[length == 0] = 0
    return out


def ngram_scores(tb: TextBatch, bits: int, table: np.ndarray, parts: tuple[list, np.ndarray] | None = None) -> np.ndarray:
    """(n, k): scale * the sum of table[bucket] over each text's word n-grams (``table`` (2**bits, k));
    ``parts``: ``word_parts(tb, bits)`` when the caller already has them."""
    parts, scale = parts or word_parts(tb, bits)
    out = np.zeros((tb.n, table.shape[1]), np.float32)
    for idx, start, length in parts:
        out += segment_sums(table[idx], start, length)
    return out * scale[:, None]


def ngram_coo(tb: TextBatch, bits: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(row, bucket, value) of the same features, duplicates not merged (training builds a sparse matrix)."""
    rows, cols, vals = [], [], []
    parts, scale = word_parts(tb, bits)
    for idx, start, length in parts:
        r = np.repeat(np.arange(tb.n), length)
        offs = np.arange(len(r)) - np.repeat(np.cumsum(length) - length, length)
        rows.append(r)
        cols.append(idx[start[r] + offs].astype(np.int64))
        vals.append(scale[r])
    return np.concatenate(rows), np.concatenate(cols), np.concatenate(vals)


def word_ngram_text(tb: TextBatch, row: int, part: int, e: int) -> str:
    """The words of element ``e`` of word part ``part`` of text ``row`` (for explanations)."""
    first = int(np.searchsorted(tb.tok_row, row))
    k = e if part in (0, 1) else first
    span = 2 if part in (1, 3) else 1
    words = [bytes(tb.buf[tb.tok_start[k + i]: tb.tok_start[k + i] + tb.tok_len[k + i]]).decode("utf-8", "replace")
             for i in range(span) if k + i < len(tb.tok_start)]
    return "'" + " ".join(words) + "'" + (" at its start" if part >= 2 else "")


# --- the cue lexicons as numpy phrase look-ups -------------------------------------------------------
# The phrase lists of the cue detectors (openers such as "exactly" / "nonsense", phrases such as "you're
# wrong", "great article", "who paid for this") are read once at training time (training.lexicon) and
# stored as sorted hashes of their token sequences; a comment's token k-grams (k <= MAX_PHRASE) are
# looked up with searchsorted. Openers match the first k tokens of the text only.

MAX_PHRASE = 6


def _kgram_hashes(tb: TextBatch, kmax: int = MAX_PHRASE) -> list[tuple[np.ndarray, np.ndarray]]:
    """For k = 1..kmax: (hash of tokens i..i+k-1 for every i, whether they lie in one text)."""
    h = tb.tok_hash
    out = []
    cur = _mix(h ^ np.uint64(7))
    valid = np.ones(len(h), bool)
    out.append((cur, valid))
    for k in range(2, kmax + 1):
        m = len(h) - k + 1
        if m <= 0:
            out.append((np.zeros(0, np.uint64), np.zeros(0, bool)))
            continue
        cur = _mix(cur[:m] * _C2 + h[k - 1:])
        valid = valid[:m] & (tb.tok_row[k - 1:] == tb.tok_row[:m])
        out.append((cur, valid))
    return out


def phrase_table(phrases: list[str]) -> np.ndarray:
    """Sorted unique hashes of the phrases' token sequences (as _kgram_hashes computes them)."""
    tb = tokenize(phrases)
    ntok = np.bincount(tb.tok_row, minlength=tb.n)
    first = np.searchsorted(tb.tok_row, np.arange(tb.n))
    grams = _kgram_hashes(tb)
    keys = [grams[k - 1][0][first[r]] for r in range(tb.n) if 1 <= (k := int(ntok[r])) <= MAX_PHRASE]
    return np.unique(np.array(keys, np.uint64))


def cue_lexicon_features(tb: TextBatch, tables: list[tuple[str, str, np.ndarray]]) -> np.ndarray:
    """(n, len(tables)): for an "opener" table 1 if the text starts with one of its phrases, for an
    "anywhere" table min(matches, 2) / 2. All tables are merged into one sorted key array with a bit
    mask of the tables holding each key, so each k-gram length costs one searchsorted."""
    L = len(tables)
    out = np.zeros((tb.n, L), np.float32)
    if L == 0 or tb.n == 0:
        return out
    all_keys = np.concatenate([t[2] for t in tables])
    all_bits = np.concatenate([np.full(len(t[2]), 1 << j, np.int64) for j, t in enumerate(tables)])
    keys, inv = np.unique(all_keys, return_inverse=True)
    masks = np.zeros(len(keys), np.int64)
    np.bitwise_or.at(masks, inv, all_bits)
    opener = np.array([t[1] == "opener" for t in tables])
    grams = _kgram_hashes(tb)
    first = np.searchsorted(tb.tok_row, np.arange(tb.n))
    ntok = np.bincount(tb.tok_row, minlength=tb.n)
    counts = np.zeros((tb.n, L))
    start_hits = np.zeros(tb.n, np.int64)
    # exact look-up behind a 2**16-entry bitmap of the keys' low bits: only ~1% of k-grams reach searchsorted
    bitmap = np.zeros(1 << 16, bool)
    bitmap[(keys & np.uint64(0xFFFF)).astype(np.int64)] = True
    for k, (g, v) in enumerate(grams, start=1):
        if len(g) == 0:
            continue
        cand = np.flatnonzero(bitmap[(g & np.uint64(0xFFFF)).astype(np.int64)] & v)
        i = np.minimum(np.searchsorted(keys, g[cand]), len(keys) - 1)
        pos = cand[keys[i] == g[cand]]
        m = masks[i[keys[i] == g[cand]]]
        rows = tb.tok_row[pos]
        for j in np.flatnonzero(~opener):
            sel = (m >> j) & 1 > 0
            if sel.any():
                counts[:, j] += np.bincount(rows[sel], minlength=tb.n)
        at_start = pos == first[rows]
        np.bitwise_or.at(start_hits, rows[at_start], m[at_start])
    for j in np.flatnonzero(opener):
        out[:, j] = ((start_hits >> j) & 1) > 0
    anywhere = ~opener
    out[:, anywhere] = (np.minimum(counts[:, anywhere], 2) / 2).astype(np.float32)
    out[ntok == 0] = 0
    return out
