"""What each side says: for ``favor`` and ``against``, the sentences most representative of that side,
picked from its comments (extractive: the commenters' own words, never rewritten).

A sentence is representative when it is close to what its side says and far from what the rest of the
thread says: each sentence is a tf-idf vector of its content stems (idf over the thread's comments),
each side a centroid of its sentences weighted by the stance's confidence, and a sentence scores its
cosine to its own side's centroid minus its cosine to the centroid of every other comment. So a
sentence every commenter could have written (the thread's shared subject) scores low, and one that
carries the side's own argument scores high. Quoted passages are left out first (``text.own``): a
side is not summarised by what it quotes from the other. Comments whose stance is uncertain are used
only when the confident ones give too few sentences, and are marked.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any, Iterable

import polars as pl

from commentscope.analysis.views import chart_data as data

SIDES = ("favor", "against")
#: Sentences shown per side.
PER_SIDE = 3
#: A sentence needs this many content words to say something; longer than ``MAX_WORDS`` it is cut.
MIN_CONTENT = 4
MAX_WORDS = 60
SENTENCE_CHARS = 320

Vector = dict[str, float]


def _own_sentences(text: str, quotes: Any) -> list[str]:
    from commentscope.analysis.text.own import own_words
    from commentscope.analysis.text.sentences import sentences
    from commentscope.scraper.errors import CommentscopeError

    try:
        own = own_words(text, quotes or None)
    except CommentscopeError:  # a quote span outside the text: read the whole text
        own = text
    return list(sentences(own))


def _unit(stems: Iterable[str], idf: dict[str, float]) -> Vector:
    vector = {stem: idf.get(stem, 1.0) for stem in stems}
    norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
    return {stem: v / norm for stem, v in vector.items()}


def _centroid(vectors: Iterable[tuple[Vector, float]]) -> Vector:
    total: dict[str, float] = {}
    for vector, weight in vectors:
        for stem, value in vector.items():
            total[stem] = total.get(stem, 0.0) + weight * value
    norm = math.sqrt(sum(v * v for v in total.values())) or 1.0
    return {stem: v / norm for stem, v in total.items()}


def _cosine(vector: Vector, centroid: Vector) -> float:
    return sum(value * centroid.get(stem, 0.0) for stem, value in vector.items())


def _clip(sentence: str) -> str:
    words = sentence.split()
    text = " ".join(words[:MAX_WORDS])
    if len(text) > SENTENCE_CHARS:
        text = text[: SENTENCE_CHARS - 1].rsplit(" ", 1)[0]
    return text + "…" if text != " ".join(words) else text


def side_summary(comments: pl.DataFrame, per_side: int = PER_SIDE) -> dict[str, dict[str, Any]]:
    """For each of ``favor`` and ``against``: ``comments`` (how many have that stance), ``uncertain``
    (how many of those are below the confidence line) and ``quotes``: up to ``per_side`` dicts with the
    ``sentence``, its comment's ``position`` and ``author``, ``uncertain`` and ``human`` (a person set
    the stance), most representative first, at most one per comment and, while others remain, one
    per author, and never the same sentence twice."""
    from commentscope.analysis.text.stems import stem_set

    norm = data.normalise(comments)
    if "quotes" not in norm.columns:
        norm = norm.with_columns(pl.lit(None).alias("quotes"))
    rows = norm.select("position", "author", "stance", "text", "quotes", "uncertain", "human",
                       "stance_confidence").to_dicts()
    sentences: list[tuple[dict[str, Any], int, str, frozenset[str]]] = []
    document_freq: Counter[str] = Counter()
    for row in rows:
        seen: set[str] = set()
        for index, sentence in enumerate(_own_sentences(row["text"], row["quotes"])):
            stems = stem_set(sentence)
            seen |= stems
            sentences.append((row, index, sentence, stems))
        document_freq.update(seen)
    count = max(1, len(rows))
    idf = {stem: math.log((count + 1) / (df + 1)) + 1.0 for stem, df in document_freq.items()}
    vectors = [_unit(stems, idf) for _, _, _, stems in sentences]
    summary: dict[str, dict[str, Any]] = {}
    for side in SIDES:
        ours = [i for i, (row, *_) in enumerate(sentences) if row["stance"] == side]
        rest = [i for i, (row, *_) in enumerate(sentences) if row["stance"] != side]
        members = [row for row in rows if row["stance"] == side]
        summary[side] = {"comments": len(members), "uncertain": sum(1 for row in members if row["uncertain"]),
                         "quotes": _pick(sentences, vectors, ours, rest, per_side)}
    return summary


def _weight(row: dict[str, Any]) -> float:
    if row["human"]:
        return 1.0
    confidence = row["stance_confidence"]
    return 0.5 if confidence is None else max(0.05, float(confidence))


def _pick(sentences: list[tuple[dict[str, Any], int, str, frozenset[str]]], vectors: list[Vector],
          ours: list[int], rest: list[int], per_side: int) -> list[dict[str, Any]]:
    if not ours:
        return []
    side = _centroid((vectors[i], _weight(sentences[i][0])) for i in ours)
    others = _centroid((vectors[i], _weight(sentences[i][0])) for i in rest) if rest else {}
    candidates = [i for i in ours if len(sentences[i][3]) >= MIN_CONTENT] or [i for i in ours if sentences[i][3]]
    scored = sorted(candidates, key=lambda i: (sentences[i][0]["uncertain"],
                                               -round(_cosine(vectors[i], side) - _cosine(vectors[i], others), 9),
                                               sentences[i][0]["position"], sentences[i][1]))
    chosen: list[int] = []
    said: set[str] = set()  # a sentence copied into several comments is shown once
    for strict in (True, False):
        for i in scored:
            row, words = sentences[i][0], " ".join(sentences[i][2].casefold().split())
            if len(chosen) == per_side:
                break
            taken = [sentences[j][0] for j in chosen]
            if words in said or any(t["position"] == row["position"] for t in taken):
                continue
            if strict and any(t["author"] == row["author"] for t in taken):
                continue
            chosen.append(i)
            said.add(words)
    return [{"sentence": _clip(sentences[i][2]), "position": sentences[i][0]["position"],
             "author": sentences[i][0]["author"], "uncertain": sentences[i][0]["uncertain"],
             "human": sentences[i][0]["human"]} for i in chosen]
