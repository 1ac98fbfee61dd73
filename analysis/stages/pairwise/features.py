"""Numpy-only text features of the pairwise model, shared by training and inference.

Why numpy, and why a tokenizer of its own (beside ``analysis/text``): the model must score tens of
thousands of comments a second, so there are no per-token Python loops. Every text of a batch is lower-cased,
UTF-8 encoded and concatenated into one byte array; tokens, sentences, hashes, lexicon look-ups and
per-text sums are then array operations over that buffer (``np.add.reduceat``, ``np.bincount``,
``np.searchsorted``). Training builds its scipy matrices from exactly these index arrays, so train and
inference compute the same features bit for bit.

The tokens are hashed byte runs whose hashes index the model's weights: the tokenizer is part of the
model (training and inference must cut words identically), not a second general-purpose tokenizer.
The word lists (stop words, negations, VADER's lexicon) are stored in the model file, built at training
time from the project's lists (``training.lexicon``). Blocks; the hashed n-grams and the cue phrase
look-ups are in ngrams.py:
  - ``vader``: a vectorised VADER (lexicon, negation, boosters, "but", '!' emphasis) per text;
  - ``inter``: target-comment interactions: shared content stems (6-byte prefixes) both ways,
    negation near shared terms on either side, polarity of the sentences holding shared terms, contrast
    words, questions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_M64 = np.uint64(0xFFFFFFFFFFFFFFFF)
_C1 = np.uint64(0x9E3779B97F4A7C15)
_C2 = np.uint64(0xBF58476D1CE4E5B9)
_R = (np.random.default_rng(20240601).integers(1, 2 ** 63, size=64, dtype=np.uint64) | np.uint64(1))
STEM_BYTES = 6
#: Characters of a text the model reads: the stages pass a long comment's opening and close (``cues.bounded``).
MAX_CHARS = 3100
PAD = 5  # NUL bytes after each text: >= the longest char n-gram
CHAR_N = (3, 4, 5)

_TOKEN_BYTE = np.zeros(256, bool)
for _c in b"abcdefghijklmnopqrstuvwxyz0123456789'":
    _TOKEN_BYTE[_c] = True
_TOKEN_BYTE[128:] = True  # UTF-8 multibyte letters
_BREAK_BYTE = np.zeros(256, bool)
for _c in b".!?\n\x00":
    _BREAK_BYTE[_c] = True
_SPACE_MAP = np.arange(256, dtype=np.uint8)
for _c in b"\t\r\n":
    _SPACE_MAP[_c] = ord(" ")
_APOS = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})

def _mix(h: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser on uint64 arrays (wrapping arithmetic)."""
    h = h ^ (h >> np.uint64(30))
    h = h * _C2
    h = h ^ (h >> np.uint64(27))
    h = h * _C1
    return h ^ (h >> np.uint64(31))


@dataclass
class TextBatch:
    """Byte buffer, tokens and per-text VADER-lite values of a list of texts."""

    n: int
    buf: np.ndarray          # uint8, texts joined by b"\\x00"
    starts: np.ndarray       # int64 start of each text in buf
    lens: np.ndarray         # int64 bytes per text
    row_of_byte: np.ndarray  # int64 text of each byte (a separator belongs to the text before it)
    tok_row: np.ndarray      # int64 text of each token
    tok_start: np.ndarray    # int64 byte offset of each token
    tok_len: np.ndarray
    tok_pos: np.ndarray      # position of the token in its text
    tok_hash: np.ndarray     # uint64 full-token hash
    tok_stem: np.ndarray     # uint32 hash of the first STEM_BYTES bytes
    tok_sent: np.ndarray     # global sentence number
    tok_neg_near: np.ndarray  # a negation among the 3 tokens before, same sentence
    tok_valence: np.ndarray  # VADER-lite valence after negation/boosters/but
    tok_content: np.ndarray  # content word (not a stop word, 3+ bytes, not a number)
    tok_flags: np.ndarray    # uint8 bit flags: 1 negation, 2 contrast, 4 second person
    row_vader: np.ndarray    # (n, 4) compound, pos, neg, neu


def encode(texts: list[str], max_chars: int = MAX_CHARS) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Lower-cased UTF-8 bytes of all texts, each followed by PAD NUL bytes (so a char n-gram starting in
    a text never reaches the next one), with each text's start and length."""
    enc = [(t or "")[:max_chars].lower().translate(_APOS).encode("utf-8", "replace").replace(b"\x00", b" ")
           for t in texts]
    lens = np.fromiter(map(len, enc), np.int64, len(enc))
    sep = b"\x00" * PAD
    buf = np.frombuffer(sep.join(enc) + sep, np.uint8)
    starts = np.zeros(len(enc), np.int64)
    if len(enc) > 1:
        starts[1:] = np.cumsum(lens[:-1] + PAD)
    return buf, starts, lens


class Lexicon:
    """Hashed word lists (stop words, negations, ...) and the VADER lexicon, as sorted arrays."""

    def __init__(self, arrays: dict[str, np.ndarray]):
        self.arrays = arrays
        # one merged sorted table, so a token needs one searchsorted: valence, booster, flag bits
        # (1 negation, 2 contrast, 4 second person, 8 stop word, 16 "but"); a final all-zero entry for misses
        names = ("vader", "boost", "neg", "contrast", "second", "stop", "but")
        self.keys = np.unique(np.concatenate([arrays[f"{n}_keys"] for n in names]))
        m = len(self.keys)
        self.val = np.zeros(m + 1, np.float32)
        self.boost = np.zeros(m + 1, np.float32)
        self.flags = np.zeros(m + 1, np.uint8)
        self.val[np.searchsorted(self.keys, arrays["vader_keys"])] = arrays["vader_vals"]
        self.boost[np.searchsorted(self.keys, arrays["boost_keys"])] = arrays["boost_vals"]
        for bit, n in zip((1, 2, 4, 8, 16), ("neg", "contrast", "second", "stop", "but")):
            self.flags[np.searchsorted(self.keys, arrays[f"{n}_keys"])] |= bit

    def index(self, h: np.ndarray) -> np.ndarray:
        """Position of each hash in the merged table, or the final all-zero entry when absent (exact
        look-up behind a 2**20-entry bitmap of the keys' low bits)."""
        out = np.full(len(h), len(self.keys), np.int64)
        if len(h) == 0:
            return out
        if not hasattr(self, "_bitmap"):
            self._bitmap = np.zeros(1 << 20, bool)
            self._bitmap[(self.keys & np.uint64(0xFFFFF)).astype(np.int64)] = True
        cand = np.flatnonzero(self._bitmap[(h & np.uint64(0xFFFFF)).astype(np.int64)])
        i = np.minimum(np.searchsorted(self.keys, h[cand]), len(self.keys) - 1)
        hit = self.keys[i] == h[cand]
        out[cand[hit]] = i[hit]
        return out


def _in(keys: np.ndarray, table: np.ndarray) -> np.ndarray:
    if len(table) == 0 or len(keys) == 0:
        return np.zeros(len(keys), bool)
    i = np.minimum(np.searchsorted(table, keys), len(table) - 1)
    return table[i] == keys


def _lookup(keys: np.ndarray, table: np.ndarray, values: np.ndarray) -> np.ndarray:
    out = np.zeros(len(keys), np.float32)
    if len(table) == 0 or len(keys) == 0:
        return out
    i = np.minimum(np.searchsorted(table, keys), len(table) - 1)
    hit = table[i] == keys
    out[hit] = values[i[hit]]
    return out


def _token_hashes(buf: np.ndarray, tstart: np.ndarray, tlen: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Full-token hash (sum of byte * _R[min(offset, 63)], mixed with the length) and the 32-bit hash of
    the first STEM_BYTES bytes, accumulated offset by offset over the tokens still that long (most tokens
    are short, so this touches each token byte once without per-byte index arrays)."""
    nt = len(tstart)
    acc = np.zeros(nt, np.uint64)
    stem = np.zeros(nt, np.uint64)
    idx = np.arange(nt)
    for j in range(64):
        if j:
            idx = idx[tlen[idx] > j]
        if len(idx) == 0:
            break
        c = buf[tstart[idx] + j].astype(np.uint64) * _R[j]
        acc[idx] += c
        if j < STEM_BYTES:
            stem[idx] += c
    long = np.flatnonzero(tlen > 64)
    if len(long):  # bytes past offset 63 all weigh _R[63]: R * sum(bytes) in wrapping arithmetic
        csum = np.concatenate([np.zeros(1, np.uint64), np.cumsum(buf.astype(np.uint64))])
        acc[long] += (csum[tstart[long] + tlen[long]] - csum[tstart[long] + 64]) * _R[63]
    tok_hash = _mix(acc + tlen.astype(np.uint64))
    tok_stem = (_mix(stem + np.minimum(tlen, STEM_BYTES).astype(np.uint64)) >> np.uint64(32)).astype(np.uint32)
    return tok_hash, tok_stem


def row_of_byte(tb: "TextBatch") -> np.ndarray:
    """The text of each byte of the buffer (a text's NUL padding belongs to it); computed on demand."""
    if tb.row_of_byte is None:
        tb.row_of_byte = np.repeat(np.arange(tb.n), tb.lens + PAD)
    return tb.row_of_byte


def _rows_of(tb: "TextBatch", positions: np.ndarray) -> np.ndarray:
    return np.searchsorted(tb.starts, positions, side="right") - 1


def tokenize(texts: list[str], lex: Lexicon | None = None, max_chars: int = MAX_CHARS) -> TextBatch:
    """Tokens ([a-z0-9'] runs and non-ASCII letters), their hashes, sentences and, given a lexicon,
    negation scope and VADER-lite valences, all as flat arrays."""
    buf, starts, lens = encode(texts, max_chars)
    n = len(lens)
    is_tok = _TOKEN_BYTE[buf]
    prev = np.concatenate([[False], is_tok[:-1]])
    nxt = np.concatenate([is_tok[1:], [False]])
    tstart = np.flatnonzero(is_tok & ~prev)
    tend = np.flatnonzero(is_tok & ~nxt) + 1
    tlen = tend - tstart
    tok_row = (np.searchsorted(starts, tstart, side="right") - 1) if len(tstart) else np.zeros(0, np.int64)
    tok_hash, tok_stem = _token_hashes(buf, tstart, tlen)
    breaks = np.flatnonzero(_BREAK_BYTE[buf])
    tok_sent = np.searchsorted(breaks, tstart, side="right") if len(tstart) else np.zeros(0, np.int64)
    row_first_tok = np.searchsorted(tok_row, np.arange(n))
    tok_pos = np.arange(len(tstart)) - row_first_tok[tok_row] if len(tstart) else np.zeros(0, np.int64)
    tb = TextBatch(n, buf, starts, lens, None, tok_row, tstart, tlen, tok_pos, tok_hash, tok_stem, tok_sent,
                   np.zeros(len(tstart), bool), np.zeros(len(tstart), np.float32), np.zeros(len(tstart), bool),
                   np.zeros(len(tstart), np.uint8), np.zeros((n, 4), np.float32))
    if lex is not None:
        _annotate(tb, lex)
    return tb


def _annotate(tb: TextBatch, lex: Lexicon) -> None:
    """Negation scope, content words, flags and VADER-lite valences/row scores."""
    h = tb.tok_hash
    li = lex.index(h)
    flags = lex.flags[li]
    is_neg = (flags & 1) > 0
    tb.tok_flags = flags & 7
    near = np.zeros(len(h), bool)
    for k in (1, 2, 3):
        same = np.zeros(len(h), bool)
        same[k:] = (tb.tok_sent[k:] == tb.tok_sent[:-k]) & is_neg[:-k]
        near |= same
    tb.tok_neg_near = near
    digits = (tb.buf[tb.tok_start] >= 48) & (tb.buf[tb.tok_start] <= 57)
    tb.tok_content = (tb.tok_len >= 3) & ((flags & 9) == 0) & ~digits
    val = lex.val[li]
    boost = lex.boost[li]
    prev_boost = np.zeros(len(h), np.float32)
    prev_boost[1:] = np.where(tb.tok_row[1:] == tb.tok_row[:-1], boost[:-1], 0)
    val = np.where(val != 0, val + np.sign(val) * prev_boost, 0).astype(np.float32)
    val = np.where(near, val * -0.74, val).astype(np.float32)
    # "but": words before the first "but" of a text count half, words after it 1.5 times
    is_but = (flags & 16) > 0
    first_but = np.full(tb.n, np.iinfo(np.int64).max)
    np.minimum.at(first_but, tb.tok_row[is_but], tb.tok_pos[is_but])
    fb = first_but[tb.tok_row]
    val = np.where(tb.tok_pos < fb, np.where(fb < np.iinfo(np.int64).max, val * 0.5, val), val * 1.5).astype(np.float32)
    val[is_but] = 0
    tb.tok_valence = val
    s = np.bincount(tb.tok_row, weights=val, minlength=tb.n)
    bang = np.bincount(_rows_of(tb, np.flatnonzero(tb.buf == 33)), minlength=tb.n)
    s = np.where(s != 0, s + np.sign(s) * np.minimum(bang, 4) * 0.292, s)
    compound = s / np.sqrt(s * s + 15.0)
    pos = np.bincount(tb.tok_row, weights=np.where(val > 0, val + 1, 0), minlength=tb.n)
    neg = np.bincount(tb.tok_row, weights=np.where(val < 0, -val + 1, 0), minlength=tb.n)
    neu = np.bincount(tb.tok_row, weights=(val == 0).astype(np.float64), minlength=tb.n)
    total = np.maximum(pos + neg + neu, 1e-9)
    tb.row_vader = np.stack([compound, pos / total, neg / total, neu / total], 1).astype(np.float32)


# --- dense per-text and pair features ----------------------------------------------------------------

#: What each dense feature is, in the words an explanation shows ("the target" is the article or parent).
VADER_NAMES = ["its tone (VADER)", "its share of positive words", "its share of negative words",
               "its share of neutral words", "the tone of its first sentence", "its most negative sentence",
               "its most positive sentence", "its negations", "its question marks", "its exclamation marks",
               "its length", "it speaks to 'you'", "the target's tone", "its tone against the target's"]
INTER_NAMES = ["its words found in the target", "the target's words found in it", "the words they share",
               "it negates the words they share", "the target negates the words they share",
               "a negation on one side only", "its tone where they share words",
               "the target's tone where they share words", "the same tone on the words they share",
               "a contrast word (but, however)", "the target asks a question", "no word in common"]


def _sentence_stats(tb: TextBatch) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per-text compound of the first sentence, min and max sentence compound, and per-token sentence
    compound (sentence numbers are non-decreasing along the tokens, so runs, not np.unique). Cached."""
    cached = getattr(tb, "_sentence_cache", None)
    if cached is not None:
        return cached
    if len(tb.tok_sent) == 0:
        z = np.zeros(tb.n, np.float32)
        return z, z, z, np.zeros(0, np.float32)
    new = np.concatenate([[True], tb.tok_sent[1:] != tb.tok_sent[:-1]])
    inv = np.cumsum(new) - 1
    s = np.bincount(inv, weights=tb.tok_valence)
    comp = s / np.sqrt(s * s + 15.0)
    srow = tb.tok_row[new]
    first = np.full(tb.n, 0.0)
    firsts = np.concatenate([[True], srow[1:] != srow[:-1]])
    first[srow[firsts]] = comp[firsts]
    lo = np.zeros(tb.n); hi = np.zeros(tb.n)
    np.minimum.at(lo, srow, comp)
    np.maximum.at(hi, srow, comp)
    out = (first, lo, hi, comp[inv].astype(np.float32))
    tb._sentence_cache = out
    return out


def text_dense(tb: TextBatch) -> np.ndarray:
    """Per-text VADER-lite and surface features (the first 12 of VADER_NAMES)."""
    first, lo, hi, _ = _sentence_stats(tb)
    ntok = np.maximum(np.bincount(tb.tok_row, minlength=tb.n), 1)
    negs = np.bincount(tb.tok_row, weights=(tb.tok_flags & 1).astype(np.float64), minlength=tb.n) / ntok
    second = np.bincount(tb.tok_row, weights=((tb.tok_flags >> 2) & 1).astype(np.float64), minlength=tb.n) > 0
    qrow = _rows_of(tb, np.flatnonzero(tb.buf == 63))
    brow = _rows_of(tb, np.flatnonzero(tb.buf == 33))
    q = np.minimum(np.bincount(qrow, minlength=tb.n), 3) / 3
    b = np.minimum(np.bincount(brow, minlength=tb.n), 3) / 3
    return np.column_stack([tb.row_vader, first, lo, hi, negs, q, b, np.log1p(tb.lens) / 7, second]).astype(np.float32)


def _member(pair_a: np.ndarray, key_a: np.ndarray, pair_b: np.ndarray, key_b: np.ndarray) -> np.ndarray:
    """For each (pair_a, key_a): whether the same pair has key_a among its (pair_b, key_b)."""
    kb = np.sort((pair_b.astype(np.uint64) << np.uint64(32)) | key_b.astype(np.uint64))
    ka = (pair_a.astype(np.uint64) << np.uint64(32)) | key_a.astype(np.uint64)
    return _in(ka, kb)


def _expand(tb: TextBatch, rows_for_pairs: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Token indices (where ``mask``) of the texts ``rows_for_pairs`` and the pair each copy belongs to."""
    sel = np.flatnonzero(mask)
    sel_rows = tb.tok_row[sel]
    counts = np.bincount(sel_rows, minlength=tb.n)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    per_pair = counts[rows_for_pairs]
    total = int(per_pair.sum())
    pair = np.repeat(np.arange(len(rows_for_pairs)), per_pair)
    offset = np.arange(total) - np.repeat(np.cumsum(per_pair) - per_pair, per_pair)
    tok = sel[starts[rows_for_pairs][pair] + offset]
    return tok, pair


def pair_dense(ctb: TextBatch, ttb: TextBatch, c_rows: np.ndarray, t_rows: np.ndarray,
               c_dense: np.ndarray, t_dense: np.ndarray) -> np.ndarray:
    """Interaction features (INTER_NAMES) and the two target VADER features (VADER_NAMES[12:]), for pairs
    (comment ``c_rows[k]`` of ``ctb``, target ``t_rows[k]`` of ``ttb``)."""
    npair = len(c_rows)
    _, _, _, c_sent = _sentence_stats(ctb)
    _, _, _, t_sent = _sentence_stats(ttb)
    ctok, cpair = _expand(ctb, c_rows, ctb.tok_content)
    ttok, tpair = _expand(ttb, t_rows, ttb.tok_content)
    c_in_t = _member(cpair, ctb.tok_stem[ctok], tpair, ttb.tok_stem[ttok])
    t_in_c = _member(tpair, ttb.tok_stem[ttok], cpair, ctb.tok_stem[ctok])
    nc = np.maximum(np.bincount(cpair, minlength=npair), 1)
    nt = np.maximum(np.bincount(tpair, minlength=npair), 1)
    shared_c = np.bincount(cpair, weights=c_in_t.astype(np.float64), minlength=npair)
    shared_t = np.bincount(tpair, weights=t_in_c.astype(np.float64), minlength=npair)
    has = shared_c > 0
    denom_c = np.maximum(shared_c, 1)
    denom_t = np.maximum(shared_t, 1)
    neg_c = np.bincount(cpair, weights=(c_in_t & ctb.tok_neg_near[ctok]).astype(np.float64), minlength=npair) / denom_c
    neg_t = np.bincount(tpair, weights=(t_in_c & ttb.tok_neg_near[ttok]).astype(np.float64), minlength=npair) / denom_t
    pol_c = np.bincount(cpair, weights=np.where(c_in_t, c_sent[ctok], 0), minlength=npair) / denom_c
    pol_t = np.bincount(tpair, weights=np.where(t_in_c, t_sent[ttok], 0), minlength=npair) / denom_t
    contrast = np.bincount(ctb.tok_row, weights=((ctb.tok_flags >> 1) & 1).astype(np.float64), minlength=ctb.n) > 0
    t_q = ttb.buf[np.maximum(ttb.starts + ttb.lens - 1, 0)] == 63
    tv = t_dense[t_rows, 0]
    cv = c_dense[c_rows, 0]
    inter = np.column_stack([
        shared_c / nc, shared_t / nt, np.log1p(shared_c) / 3, neg_c, neg_t, neg_c * (1 - neg_t) + neg_t * (1 - neg_c),
        pol_c, pol_t, pol_c * pol_t, contrast[c_rows], t_q[t_rows], ~has]).astype(np.float32)
    return inter, np.column_stack([tv, cv * tv]).astype(np.float32)
