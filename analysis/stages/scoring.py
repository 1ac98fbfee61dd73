"""How the learned model, the cue detectors and the reply tree combine into one label and a probability.

The pairwise model (``stages.pairwise``) gives each (target, comment) pair probabilities over (for,
against, neither). The cue detectors (``stance.own_evidence``, ``agreement.judge_reply``) read what a
comment says in so many words ("great article", "exactly", "you're wrong") and give scores 0..1 for each
side; they weigh in as evidence on the log-odds scale: ``p * exp(K * (for - against, against - for, 0))``,
renormalised. In a thread, a reply's stance toward the article follows from whom it answers: agreeing
with its parent keeps the parent's side, disagreeing takes the other, a neutral reply leans to no side;
that inherited belief weighs in with the exponent ``TREE``.

The constants were chosen by leave-one-corpus-out and leave-one-thread-out figures (MODEL_CARD.md), never
on one set: ``K_CUE`` = 4 raised macro-F1 on every labelled set but SemEval (-0.002), PERSPECTRUM 0.46
-> 0.50 and thread agreement 0.69 -> 0.82 among them; ``REPLY_OWN`` = 0 (a reply's own words are aimed
at its parent, not the article: the model's stance of a reply toward the article is left out) and
``TREE`` = 0.5 were the choice of every leave-one-thread-out fold; ``AUTHOR`` = 0.5 raised the labelled
threads' stance macro-F1 with a model that never saw them from 0.72 to 0.76 (inferred reply links), the
held-out thread's from 0.59 to 0.62.
"""

from __future__ import annotations

import math

import numpy as np

#: Weight of the cue detectors' evidence on a top-level comment, and on a reply.
K_CUE = 4.0
K_CUE_REPLY = 2.0
#: Exponent of the belief a reply inherits from its parent, and of the model's own stance of a reply.
TREE = 0.5
REPLY_OWN = 0.0
#: Exponent of what a commenter's other comments in the thread came to (a commenter rarely changes side).
AUTHOR = 0.5
#: What a neutral reply says of its own side: (for, against, neither).
NEUTRAL = (0.25, 0.25, 0.5)
LABELS = {"stance": ("favor", "against", "none"), "agreement": ("agree", "disagree", "neutral")}


def with_cues(p: np.ndarray, favor: np.ndarray, against: np.ndarray, k: float | np.ndarray) -> np.ndarray:
    """Rows of ``p`` (n, 3) times the cue evidence, renormalised."""
    diff = np.asarray(favor, np.float64) - np.asarray(against, np.float64)
    factor = np.exp(np.asarray(k, np.float64).reshape(-1, 1) * np.column_stack([diff, -diff, np.zeros(len(diff))]))
    q = p * factor
    return q / q.sum(1, keepdims=True)


def combine_one(p, favor: float, against: float, k: float, implied=None, author=None) -> tuple[float, float, float]:
    """One comment's (for, against, neither): ``p`` to the power ``REPLY_OWN`` when ``implied`` (a reply's
    inherited belief) is given, times ``implied`` to the power ``TREE``, times the cue evidence, times
    ``author`` (what the commenter's other comments came to) to the power ``AUTHOR``; renormalised.
    Plain floats: called once per comment, where numpy's per-call cost would dominate."""
    q = [float(v) for v in p]
    if implied is not None:
        q = [(v ** REPLY_OWN if REPLY_OWN else 1.0) * float(w) ** TREE for v, w in zip(q, implied)]
    diff = k * (favor - against)
    q = [q[0] * math.exp(diff), q[1] * math.exp(-diff), q[2]]
    if author is not None:
        q = [v * float(w) ** AUTHOR for v, w in zip(q, author)]
    total = sum(q) or 1.0
    return q[0] / total, q[1] / total, q[2] / total


def inherited(parent, agreement) -> tuple[float, float, float]:
    """What a reply's agreement (agree, disagree, neutral) with a parent of stance ``parent`` (favor,
    against, none) implies for its own stance: agreeing keeps the parent's side, disagreeing swaps favor
    and against, a neutral reply leans to ``NEUTRAL``. Plain floats, once per reply."""
    agree, disagree, neutral = (float(v) for v in agreement)
    favor, against, none = (float(v) for v in parent)
    return (agree * favor + disagree * against + neutral * NEUTRAL[0],
            agree * against + disagree * favor + neutral * NEUTRAL[1],
            agree * none + disagree * none + neutral * NEUTRAL[2])


def labelled(p: np.ndarray, task: str) -> tuple[list[str], list[float]]:
    """The most probable label of each row and its probability (rounded to 3 places)."""
    names = LABELS[task]
    best = p.argmax(1)
    return [names[b] for b in best], [round(float(v), 3) for v in p[np.arange(len(p)), best]]
