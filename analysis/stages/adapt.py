"""Corrections that teach: a user's stance labels adapt the model to the rest of their collection.

Comment sections differ (a site's regulars, its sarcasm, how many comments take no side), and a model
trained elsewhere errs on each in its own way. Given hand labels for some comments (``--labels``), the
labelled comments keep them (``stance_source`` "human"), and a small recalibration is fitted on them:
new log-odds = W · log p + b over the stage's (favor, against, none) probabilities, a multinomial
logistic regression of 12 numbers pulled toward "change nothing" (W = identity, b = 0) by an L2 penalty
(``PULL``), fitted by Newton's method in numpy. It fixes what is systematic (too many ``against`` here,
``none`` too rare) and cannot memorise comments. The unlabelled comments are then relabelled with it.

How far to trust it is measured, not assumed: k-fold cross-validation on the user's labels (each fold's
labels predicted by a recalibration fitted on the others) gives the accuracy and macro-F1 of the adapted
model beside the unadapted one's on the same labels. The adaptation is applied only where it does not
do worse than the model alone in that cross-validation, and never from fewer than ``MIN_LABELS`` labels
or from labels of one class.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from commentscope.analysis.stages.labels import accuracy, macro_f1
from commentscope.analysis.stages.scoring import LABELS

STANCES = LABELS["stance"]
#: Strength of the pull toward the identity recalibration (per label: more labels, freer fit).
PULL = 2.0
#: Fewer labels than this are kept as labels but adapt nothing.
MIN_LABELS = 6
FOLDS = 5


@dataclass(frozen=True)
class Adaptation:
    """What adapting to a user's labels did and how well it is measured to do."""

    labels: int
    folds: int
    model_accuracy: float
    model_macro_f1: float
    adapted_accuracy: float | None
    adapted_macro_f1: float | None
    applied: bool
    relabelled: int
    reason: str

    def summary(self) -> str:
        """One line for the user."""
        line = (f"labels: n={self.labels}; the model alone agrees with {self.model_accuracy:.0%} of them "
                f"(macro-F1 {self.model_macro_f1:.3f})")
        if self.adapted_accuracy is None:
            return f"{line}; {self.reason}"
        line += (f"; adapted to your labels, {self.folds}-fold cross-validated accuracy {self.adapted_accuracy:.0%} "
                 f"(macro-F1 {self.adapted_macro_f1:.3f})")
        if self.applied:
            return f"{line}; {self.relabelled} of the other comments changed label"
        return f"{line}; {self.reason}"


def fit_recalibration(log_p: np.ndarray, y: np.ndarray, pull: float = PULL, iterations: int = 50) -> np.ndarray:
    """(4, 3) parameters [W; b] maximising the labels' log-likelihood minus pull/2 * ||[W - I; b]||^2."""
    n = len(y)
    X = np.hstack([log_p, np.ones((n, 1))])
    prior = np.vstack([np.eye(3), np.zeros((1, 3))])
    theta = prior.copy()
    Y = np.zeros((n, 3))
    Y[np.arange(n), y] = 1.0
    for _ in range(iterations):
        P = _softmax(X @ theta)
        grad = X.T @ (P - Y) + pull * (theta - prior)
        hessian = np.zeros((12, 12))
        for k in range(n):  # the multinomial Hessian, summed over the (few) labelled rows
            s = np.diag(P[k]) - np.outer(P[k], P[k])
            hessian += np.kron(s, np.outer(X[k], X[k]))
        hessian += pull * np.eye(12)
        step = np.linalg.solve(hessian, grad.T.reshape(-1)).reshape(3, 4).T
        theta -= step
        if np.abs(step).max() < 1e-8:
            break
    return theta


def recalibrated(log_p: np.ndarray, theta: np.ndarray) -> np.ndarray:
    return _softmax(np.hstack([log_p, np.ones((len(log_p), 1))]) @ theta)


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(1, keepdims=True)


def cross_validated(log_p: np.ndarray, y: np.ndarray, folds: int = FOLDS) -> tuple[np.ndarray, int]:
    """Each labelled row's adapted prediction from a recalibration fitted without its fold (folds by
    position, ``folds`` of them, fewer when there are fewer labels)."""
    k = min(folds, len(y))
    fold = np.arange(len(y)) % k
    predicted = np.zeros(len(y), int)
    for f in range(k):
        held = fold == f
        theta = fit_recalibration(log_p[~held], y[~held])
        predicted[held] = recalibrated(log_p[held], theta).argmax(1)
    return predicted, k


def adapt(frame: pl.DataFrame, labels: pl.DataFrame) -> tuple[pl.DataFrame, Adaptation]:
    """``frame`` (analysed, with ``stance_probabilities``) relabelled by the recalibration the user's
    ``labels`` (thread_id, id, stance) teach, where cross-validation says it helps; and what was done.
    The labels themselves are applied afterwards (``labels.apply_labels``)."""
    p = np.array(frame.get_column("stance_probabilities").to_list(), dtype=np.float64)
    log_p = np.log(np.clip(p, 1e-6, 1.0))
    keys = {key: row for row, key in enumerate(zip(frame["thread_id"].to_list(), frame["id"].to_list()))}
    pairs = [(keys[(t, i)], STANCES.index(s)) for t, i, s in labels.select("thread_id", "id", "stance").iter_rows()
             if (t, i) in keys and s in STANCES]
    rows = np.array([r for r, _ in pairs], int)
    y = np.array([c for _, c in pairs], int)
    model_pred = p[rows].argmax(1) if len(rows) else np.zeros(0, int)
    gold = [STANCES[c] for c in y]
    base = (len(y), 0, accuracy(gold, [STANCES[c] for c in model_pred]) if len(y) else 0.0,
            macro_f1(gold, [STANCES[c] for c in model_pred]) if len(y) else 0.0)
    if len(y) < MIN_LABELS or len(set(y.tolist())) < 2:
        why = (f"too few labels to adapt the rest (at least {MIN_LABELS}, of two stances or more)")
        return frame, Adaptation(base[0], 0, base[2], base[3], None, None, False, 0, why)
    predicted, k = cross_validated(log_p[rows], y)
    cv_acc = accuracy(gold, [STANCES[c] for c in predicted])
    cv_f1 = macro_f1(gold, [STANCES[c] for c in predicted])
    if cv_acc < base[2]:
        return frame, Adaptation(base[0], k, base[2], base[3], cv_acc, cv_f1, False, 0,
                                 "the adaptation did worse in cross-validation, so the model's labels are kept")
    theta = fit_recalibration(log_p[rows], y)
    q = recalibrated(log_p, theta)
    new = [STANCES[c] for c in q.argmax(1)]
    old = frame.get_column("stance").to_list()
    labelled = set(rows.tolist())
    changed = sum(1 for r, (a, b) in enumerate(zip(old, new)) if a != b and r not in labelled)
    adapted = frame.with_columns(
        pl.Series("stance", new, dtype=pl.String),
        pl.Series("stance_confidence", [round(float(v), 3) for v in q.max(1)], dtype=pl.Float64),
        pl.Series("stance_probabilities", q.tolist(), dtype=pl.List(pl.Float64)),
    )
    return adapted, Adaptation(base[0], k, base[2], base[3], cv_acc, cv_f1, True, changed, "")
