"""Stance of each comment toward the article's position: ``favor``, ``against`` or ``none``.

The article (or, where a thread has no article text, its opening post, and ``stance_target`` says so)
is what every comment of a thread is judged toward. Three things weigh in (``scoring`` says how):
  - the learned pairwise model (``pairwise``): the comment read against the article's title, lead and
    close (``model_target``), as a reply is read against its parent;
  - the cue detector (``stance_cues``): what the comment says of the piece in so many words, and how it
    echoes or denies the article's claims;
  - the reply tree: a reply's stance is what its agreement with its parent implies, given the parent's
    stance (the model's own reading of a reply toward the article is left out: its words are aimed at
    the parent).
Each label's probability is ``stance_confidence``; ``stance_evidence`` names what weighed most.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Iterable

import numpy as np
import polars as pl

from commentscope.analysis.run.collector import paused
from commentscope.analysis.stages import cue_words
from commentscope.analysis.stages.cues import bounded
from commentscope.analysis.stages.agreement import LABELS, add_agreement, clear_caches, require_columns, universe
from commentscope.analysis.stages.pairwise.model import load_model
from commentscope.analysis.stages.scoring import AUTHOR, K_CUE, K_CUE_REPLY, combine_one, inherited, labelled
from commentscope.analysis.stages.labels import apply_labels
from commentscope.analysis.stages.stance_cues import TARGET_ARTICLE, TARGET_OPENING, Target, cue_evidence, own_evidence, read_target
from commentscope.analysis.text.tokens import normalise
from commentscope.scraper.records import Thread

__all__ = ["STANCES", "TARGET_ARTICLE", "TARGET_OPENING", "Target", "add_stance", "apply_labels",
           "model_target", "own_evidence", "read_target"]

STANCES = ("favor", "against", "none")  # in the order of the model's classes (for, against, neither)


def _opening_id(rows: list[dict]) -> str | None:
    top = [r for r in rows if r["parent_id"] is None] or rows
    return min(top, key=lambda r: r["position"] if r.get("position") is not None else math.inf)["id"] if top else None


def model_target(title: str | None, text: str | None, max_chars: int = 1500) -> str:
    """What the pairwise model reads as the article: its title, lead paragraph and closing paragraph (a
    closing author bio "Jane Doe is a ..." left out), at most ``max_chars``: where a piece states its
    position. For a thread without article, the opening post's text in its place."""
    paragraphs = [p.strip() for p in (text or "").split("\n\n") if p.strip()]
    if len(paragraphs) > 1 and len(paragraphs[-1]) < 400 and cue_words.BIO.match(paragraphs[-1]):
        paragraphs = paragraphs[:-1]
    parts = [title or "", *paragraphs[:1], *(paragraphs[-1:] if len(paragraphs) > 1 else [])]
    return "\n\n".join(p for p in parts if p)[:max_chars]


@paused()  # see commentscope.analysis.run.collector
def add_stance(frame: pl.DataFrame, threads: Iterable[Thread] | None = None, probabilities: bool = False) -> pl.DataFrame:
    """Add ``stance`` (favor/against/none), ``stance_confidence`` (its probability), ``stance_target``
    ("article", or "opening comment" for a thread without article text, judged toward its first
    top-level comment) and ``stance_evidence`` (what weighed most). Reads thread_id, id, position,
    author, text, parent_id, quotes, and ``agreement``/``agreement_confidence`` (computed here when
    absent); ``threads`` give each thread's title, article text, article author and site.

    A top-level comment: the pairwise model's stance toward the article, times the cue detector's
    evidence (``own_evidence``). A reply: what its agreement with its parent implies, given the parent's
    stance, times the cue evidence of its own words (``scoring``); the opening post a thread's stance is
    judged toward is ``favor`` by definition, and a comment by the article's author favours it. With
    ``probabilities``, also ``stance_probabilities``: (favor, against, none) of each comment, which
    adapting to a user's labels refits (``adapt``).
    """
    require_columns(frame, ("thread_id", "id", "text", "parent_id"), "add_stance")
    working = frame if "agreement" in frame.columns else add_agreement(frame, clear=False)
    meta = {thread.thread_id: thread for thread in threads or ()}
    columns = [c for c in ("thread_id", "id", "position", "author", "text", "parent_id", "quotes", "agreement",
                           "agreement_confidence", "agreement_evidence") if c in working.columns]
    values = [working.get_column(c).to_list() for c in columns]
    by_thread: dict[str, list[int]] = defaultdict(list)
    for k, thread_id in enumerate(values[0]):
        by_thread[thread_id].append(k)
    prepared = []
    for thread_id, members in by_thread.items():
        rows = [{c: column[k] for c, column in zip(columns, values)} for k in members]
        info = meta.get(thread_id) or Thread(thread_id=thread_id, source_format="")
        prepared.append((thread_id, rows, _thread_target(info, rows)))
    pairs = [(target_text, bounded(row["text"] or "")) for _, rows, (_, target_text) in prepared for row in rows]
    scored = (load_model().read([t for t, _ in pairs], [x for _, x in pairs], "stance",
                                universe=universe(values[columns.index("text")])) if pairs else None)
    own_model = scored.probabilities() if scored is not None else np.zeros((0, 3))
    result: dict[tuple[str, str], tuple] = {}
    at = 0
    for thread_id, rows, (target, _) in prepared:
        resolved = _resolve(rows, target, own_model[at:at + len(rows)], scored, at)
        at += len(rows)
        for row, (label, confidence, reason, p) in zip(rows, resolved):
            result[(thread_id, row["id"])] = (label, confidence, target.kind, reason, p)
    clear_caches()  # what the caches hold belongs to this frame: the next one starts empty
    keys = list(zip(frame["thread_id"].to_list(), frame["id"].to_list()))
    columns = [
        pl.Series("stance", [result[k][0] for k in keys], dtype=pl.String),
        pl.Series("stance_confidence", [result[k][1] for k in keys], dtype=pl.Float64),
        pl.Series("stance_target", [result[k][2] for k in keys], dtype=pl.String),
        pl.Series("stance_evidence", [result[k][3] for k in keys], dtype=pl.String),
    ]
    if probabilities:
        columns.append(pl.Series("stance_probabilities", [list(result[k][4]) for k in keys], dtype=pl.List(pl.Float64)))
    return frame.with_columns(columns)


def _thread_target(info: Thread, rows: list[dict]) -> tuple[Target, str]:
    """The cue detectors' reading of what the thread's comments take a stance toward, and the text the
    model reads as it."""
    texts = [r["text"] or "" for r in rows]
    article = info.article_text
    if article and article.strip():
        return (read_target(info.title, article, info.article_author, info.site, comments=texts),
                model_target(info.title, article))
    opening = _opening_id(rows)
    post = next((r for r in rows if r["id"] == opening), None)
    text = post["text"] if post else ""
    return (read_target(info.title, text, post["author"] if post else None, None, opening, texts),
            model_target(info.title, text))


def _resolve(rows: list[dict], target: Target, own_model: np.ndarray, scored, at: int
             ) -> list[tuple[str, float, str | None, tuple[float, float, float]]]:
    """Each comment's stance, parents first: the model and the cues for a top-level comment, the parent's
    stance through the reply's agreement and the cues for a reply. With ``AUTHOR`` > 0 a second pass
    adds, to each comment, what its author's other comments in the thread came to in the first."""
    index = {r["id"]: i for i, r in enumerate(rows)}
    order = _parents_first(rows, index)
    evidence = [_cues_of(rows, i, index, target) for i in range(len(rows))]
    final, reasons = _pass(rows, index, order, evidence, target, own_model, None)
    if AUTHOR > 0:
        final, reasons = _pass(rows, index, order, evidence, target, own_model, _author_priors(rows, final))
    need = [i for i, reason in reasons.items() if reason is None]
    if need:  # the model's words for the side each comment was given
        sides = [_side(final[i]) for i in need]
        for i, reason in zip(need, scored.explain(np.array(need) + at, np.array(sides))):
            reasons[i] = reason
    names, sure = labelled(np.array([final[i] for i in range(len(rows))]).reshape(-1, 3), "stance")
    return [(names[i], sure[i], reasons[i], final[i]) for i in range(len(rows))]


def _side(q: tuple[float, float, float]) -> int:
    """The index of the largest of (favor, against, none), the first on a tie (as numpy's argmax)."""
    return 0 if q[0] >= q[1] and q[0] >= q[2] else 1 if q[1] >= q[2] else 2


def _cues_of(rows: list[dict], i: int, index: dict[str, int], target: Target):
    """The cue detector's evidence of comment ``i`` (a comment by the article's author favours it)."""
    row = rows[i]
    p = index.get(row["parent_id"]) if row["parent_id"] is not None else None
    parent = rows[p] if p is not None else None
    evidence = cue_evidence(row["text"], target, parent is not None, row.get("quotes"),
                            parent["text"] if parent else None, parent["author"] if parent else None)
    if target.author and row.get("author") and normalise(row["author"]) == normalise(target.author):
        evidence.scores["favor"] = max(evidence.scores["favor"], 0.8)
        evidence.reasons["favor"] = (1.0, "written by the article's author")
    return evidence


def _pass(rows, index, order, evidence, target, own_model, priors) -> tuple[dict, dict]:
    """One pass over the thread, parents first: each comment's (favor, against, none) and, where a cue or
    the parent explains it, why (None: the model's words will)."""
    final: dict[int, tuple[float, float, float]] = {}
    reasons: dict[int, str | None] = {}
    for i in order:
        row = rows[i]
        if target.opening_id is not None and row["id"] == target.opening_id:
            final[i], reasons[i] = (1.0, 0.0, 0.0), "the opening post: what stance is judged toward"
            continue
        p = index.get(row["parent_id"]) if row["parent_id"] is not None else None
        favor, against = evidence[i].scores["favor"], evidence[i].scores["against"]
        agreement = _agreement_probabilities(row)
        implied = inherited(final[p], agreement) if p is not None and agreement is not None and p in final else None
        prior = priors.get(i) if priors is not None else None
        q = combine_one(own_model[i], favor, against, K_CUE_REPLY if implied is not None else K_CUE, implied, prior)
        final[i] = q
        label = _side(q)
        side = STANCES[label]
        if side != "none" and evidence[i].reasons.get(side, (0.0, ""))[0] >= 0.3:
            reasons[i] = evidence[i].reasons[side][1]
        elif implied is not None and _side(implied) == label and row.get("agreement") in ("agree", "disagree"):
            reasons[i] = (f"{row['agreement']}s with {rows[p].get('author') or 'its parent'}, "
                          f"read as {STANCES[_side(final[p])]}")
        else:
            reasons[i] = None
    return final, reasons


def _author_priors(rows: list[dict], final: dict[int, tuple]) -> dict[int, tuple[float, float, float]]:
    """For each comment whose author wrote others in the thread, the mean stance of those others (the
    author's total less the comment's own: linear in a prolific author's comments)."""
    by_author: dict[str, list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        if row.get("author"):
            by_author[normalise(row["author"]).strip()].append(i)
    priors = {}
    for members in by_author.values():
        if len(members) < 2:
            continue
        total = [sum(final[j][c] for j in members) for c in range(3)]
        for i in members:
            priors[i] = tuple((total[c] - final[i][c]) / (len(members) - 1) for c in range(3))
    return priors


def _agreement_probabilities(row: dict) -> tuple[float, float, float] | None:
    """(agree, disagree, neutral) of a reply from its agreement label and confidence: the label takes its
    confidence, the other two share the rest."""
    label, confidence = row.get("agreement"), row.get("agreement_confidence")
    if label not in LABELS or confidence is None:
        return None
    rest = (1.0 - confidence) / 2
    k = LABELS.index(label)
    return (confidence if k == 0 else rest, confidence if k == 1 else rest, confidence if k == 2 else rest)


def _parents_first(rows: list[dict], index: dict[str, int]) -> list[int]:
    """Row indices with every parent before its replies (a reply to a missing comment counts as a root)."""
    order: list[int] = []
    placed: set[int] = set()
    for start in range(len(rows)):
        chain = []
        current: int | None = start
        while current is not None and current not in placed and current not in chain:
            chain.append(current)
            parent_id = rows[current]["parent_id"]
            current = index.get(parent_id) if parent_id is not None else None
        for i in reversed(chain):
            placed.add(i)
            order.append(i)
    return order
