"""The pairwise stance/agreement model: numpy-only inference over a batch of (target, text) pairs.

``load_model().score(targets, texts, task)`` gives (n, 3) probabilities in the order (for, against,
neither): for = favor/agree, against = against/disagree, neither = none/neutral. ``task`` is
``"agreement"`` (target = the parent comment) or ``"stance"`` (target = the article: its title, lead and
close; or the opening post). Article stance is scored with the agreement weights (``stance_head`` in the
model's config): a comment answering an article is read like a reply answering its parent, which
transferred best to news threads across corpora (MODEL_CARD.md); ``head="stance"`` uses the weights
trained on claims and topic phrases (debate motions, tweets' targets). ``score_batch`` scores several
requests over one reading of every distinct string, and ``explain`` names the feature that weighed most
for each row's predicted class (for tooltips and for users who doubt a label).

The model is one multinomial logistic regression over hashed word n-grams of the text, VADER-like
scores, target-text interaction features and the cue phrase lists; the agreement task has its own
correction weights. Everything is arrays in one .npz (``pairwise.npz`` beside this module, written by
``scripts/train_model.py``); scoring imports numpy only.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np

from commentscope.analysis.stages.pairwise import features as F
from commentscope.analysis.stages.pairwise import ngrams as N

CLASSES = ("for", "against", "neither")
TASKS = ("stance", "agreement")
#: The shipped model, trained by scripts/train_model.py (MODEL_CARD.md says on what, and how well).
MODEL_PATH = Path(__file__).resolve().parent / "pairwise.npz"


class Model:
    """Arrays of a trained model (see training/blocks.export for their layout)."""

    def __init__(self, arrays: dict[str, np.ndarray]):
        self.a = arrays
        self.config = json.loads(str(arrays["config_json"]))
        self.lex = F.Lexicon({k[4:]: v for k, v in arrays.items() if k.startswith("lex_")})
        self.bits = int(self.config["bits"])
        self.names = json.loads(str(arrays["dense_names_json"]))
        self.temperature = {t: float(arrays[f"temperature_{t}"]) for t in TASKS}
        self.cue_tables = [(k, k.rsplit("_", 1)[1], v) for k, v in sorted(arrays.items()) if k.startswith("lexcue_")]

    @classmethod
    def load(cls, path: str | Path) -> "Model":
        with np.load(path, allow_pickle=False) as z:
            return cls({k: z[k] for k in z.files})

    def head(self, task: str, head: str | None = None) -> str:
        """The weights that score ``task``: agreement always the agreement head; stance the model's
        ``stance_head`` unless ``head`` names one."""
        if task not in TASKS:
            raise ValueError(f"task must be one of {TASKS}")
        if task == "agreement":
            return "agreement"
        chosen = head or self.config.get("stance_head", "stance")
        if chosen not in TASKS:
            raise ValueError(f"head must be one of {TASKS}")
        return chosen

    # --- features -------------------------------------------------------------------------------
    def _read(self, strings: list[str]) -> dict:
        """Per distinct string: tokens, n-gram logits of both heads, text features, cue look-ups."""
        tb = F.tokenize(strings, self.lex)
        parts = N.word_parts(tb, self.bits)
        return {"tb": tb, "parts": parts, "dense": F.text_dense(tb),
                "ngram": N.ngram_scores(tb, self.bits, self.a["ngram_words"], parts),
                "cues": N.cue_lexicon_features(tb, self.cue_tables)}

    def _features(self, r: dict, ci: np.ndarray, ti: np.ndarray, head: str, rt: dict | None = None) -> np.ndarray:
        """The dense features in training order (training/blocks.dense_matrix), unstandardised; texts
        are rows ``ci`` of the reading ``r``, targets rows ``ti`` of ``rt`` (default ``r``)."""
        rt = r if rt is None else rt
        inter, vpair = F.pair_dense(r["tb"], rt["tb"], ci, ti, r["dense"], rt["dense"])
        task = np.full((len(ci), 1), 1.0 if head == "agreement" else 0.0, np.float32)
        return np.hstack([task, r["dense"][ci], vpair, inter, r["cues"][ci]]).astype(np.float32)

    def _logits(self, r: dict, ci: np.ndarray, ti: np.ndarray, head: str,
                rt: dict | None = None) -> tuple[np.ndarray, np.ndarray]:
        k = TASKS.index(head)
        x = self._features(r, ci, ti, head, rt)
        return r["ngram"][ci, 3 * k:3 * k + 3] + x @ self.a[f"dense_w_{head}"] + self.a[f"bias_{head}"], x

    @staticmethod
    def _index(requests: list[tuple]) -> dict[str, int]:
        index: dict[str, int] = {}
        for targets, texts, *_ in requests:
            for s in (*targets, *texts):
                index.setdefault(s or "", len(index))
        return index

    # --- public ---------------------------------------------------------------------------------
    def score_batch(self, requests: list[tuple], calibrated: bool = True, head: str | None = None) -> list[np.ndarray]:
        """``requests``: (targets, texts, task) tuples, scored over one reading of all distinct strings.
        ``calibrated`` divides the logits by the head's temperature (fitted on held-out rows)."""
        index = self._index(requests)
        r = self._read(list(index))
        out = []
        for targets, texts, task in requests:
            chosen = self.head(task, head)
            ci = np.fromiter((index[t or ""] for t in texts), np.int64, len(texts))
            ti = np.fromiter((index[t or ""] for t in targets), np.int64, len(targets))
            logits, _ = self._logits(r, ci, ti, chosen)
            out.append(softmax(logits / (self.temperature[chosen] if calibrated else 1.0)))
        return out

    def score(self, targets: list[str], texts: list[str], task: str, calibrated: bool = True,
              head: str | None = None) -> np.ndarray:
        """(n, 3) probabilities (for, against, neither) of texts[i] toward targets[i]."""
        if len(targets) != len(texts):
            raise ValueError("targets and texts must have the same length")
        return self.score_batch([(targets, texts, task)], calibrated, head)[0]

    def explain(self, targets: list[str], texts: list[str], task: str, head: str | None = None) -> list[str]:
        """For each row, the single feature (a word n-gram, a cue phrase list, an interaction or a VADER
        score) whose contribution most favoured its predicted class over the other two, in words."""
        return self.read(targets, texts, task, head).explain()

    def read(self, targets: list[str], texts: list[str], task: str, head: str | None = None,
             universe: list[str] | None = None) -> "Scored":
        """Score a batch once and keep what explaining it needs (``Scored``). ``universe``: distinct
        strings holding every text (and maybe the targets), read once and remembered, so that two
        stages scoring the same comments (agreement, then stance) read them once; targets outside it
        are read apart."""
        chosen = self.head(task, head)
        if universe is None:
            index = self._index([(targets, texts)])
            r = rt = self._read(list(index))
            tindex = index
        else:
            index, r = self._remembered(universe)
            tindex, rt = index, r
            if any((t or "") not in index for t in targets):
                tindex = self._index([(targets, ())])
                rt = self._read(list(tindex))
        ci = np.fromiter((index[t or ""] for t in texts), np.int64, len(texts))
        ti = np.fromiter((tindex[t or ""] for t in targets), np.int64, len(targets))
        logits, x = self._logits(r, ci, ti, chosen, rt)
        return Scored(self, r, ci, chosen, logits, x)

    def _remembered(self, universe: list[str]) -> tuple[dict[str, int], dict]:
        """The reading of ``universe`` (and its string -> row index), from the last call when it read
        the same strings."""
        key = tuple(universe)
        if _LAST_READING and _LAST_READING[0] is self and _LAST_READING[1] == key:
            return _LAST_READING[2], _LAST_READING[3]
        index = {s: i for i, s in enumerate(key)}
        r = self._read(list(key))
        _LAST_READING[:] = [self, key, index, r]
        return index, r

    def _best_ngrams(self, r: dict, ci: np.ndarray, classes: np.ndarray, k: int):
        """For each requested row (text ``ci[i]`` of the reading ``r``), the word n-gram of its text that
        most favours ``classes[i]`` over the other two: its value and where it is, (part, element), or
        (-1, -1) for a text without words (``ngrams.word_ngram_text`` gives its words). Only the requested
        texts' n-grams are looked at (the batch's n-grams were hashed once, by ``_read``)."""
        table = self.a["ngram_words"][:, 3 * k:3 * k + 3]
        parts, scale = r["parts"]
        n = len(ci)
        best = np.full(n, -np.inf)
        where = np.full((n, 2), -1, np.int64)  # (part, element) of the best
        for p_no, (idx, start, length) in enumerate(parts):
            lengths = length[ci]
            owner = np.repeat(np.arange(n), lengths)
            if len(owner) == 0:
                continue
            element = start[ci][owner] + np.arange(len(owner)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
            values = table[idx[element].astype(np.int64)]
            v = (1.5 * values[np.arange(len(owner)), classes[owner]] - values.sum(1) / 2) * scale[ci][owner]
            # each row's best element, the first on a tie (owner is sorted: each row's elements are a run)
            runs = np.flatnonzero(np.concatenate([[True], owner[1:] != owner[:-1]]))
            top = np.repeat(np.maximum.reduceat(v, runs), np.diff(np.append(runs, len(v))))
            hit = np.flatnonzero(v == top)
            first = hit[np.concatenate([[True], owner[hit][1:] != owner[hit][:-1]])]
            better = v[first] > best[owner[first]]
            best[owner[first][better]] = v[first][better]
            where[owner[first][better]] = np.column_stack([np.full(int(better.sum()), p_no), element[first][better]])
        return best, where


class Scored:
    """A scored batch: its probabilities, and explanations of any rows for any class on demand (the
    strings are read once for both)."""

    def __init__(self, model: Model, r: dict, ci: np.ndarray, head: str, logits: np.ndarray, x: np.ndarray):
        self.model, self.r, self.ci, self.head, self.logits, self.x = model, r, ci, head, logits, x

    def probabilities(self, calibrated: bool = True) -> np.ndarray:
        return softmax(self.logits / (self.model.temperature[self.head] if calibrated else 1.0))

    def explain(self, rows: np.ndarray | None = None, classes: np.ndarray | None = None) -> list[str]:
        """For each of ``rows`` (default all), the feature whose contribution most favoured ``classes``
        (default: the model's predicted class) over the other two, in words. Array operations for the
        batch; the words of the winning n-grams are looked up last."""
        rows = np.arange(len(self.ci)) if rows is None else np.asarray(rows, np.int64)
        pred = self.logits[rows].argmax(1) if classes is None else np.asarray(classes, np.int64)
        if len(rows) == 0:
            return []
        model = self.model
        weights = model.a[f"dense_w_{self.head}"]  # (features, 3)
        # each row's margin per feature: its weight for the class minus the mean of the other two
        margin = (3 * weights[:, pred] - weights.sum(1, keepdims=True)).T / 2  # (n, features)
        contrib = self.x[rows] * margin
        contrib[:, [k for k, name in enumerate(model.names) if name.startswith("task:")]] = -np.inf
        best_dense = contrib.argmax(1)
        best_value = contrib[np.arange(len(rows)), best_dense]
        texts = self.ci[rows]
        gram_value, where = model._best_ngrams(self.r, texts, pred, TASKS.index(self.head))
        wins = ((gram_value > best_value) & (where[:, 0] >= 0)).tolist()
        return [f"the words {N.word_ngram_text(self.r['tb'], int(texts[i]), int(where[i, 0]), int(where[i, 1]))}"
                if wins[i] else model.names[int(best_dense[i])] for i in range(len(rows))]


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(1, keepdims=True)


#: [model, strings, index, reading] of the last ``read`` over a universe, or empty (the model itself is
#: held, not its id, so a reading never passes to another model).
_LAST_READING: list = []


def forget_readings() -> None:
    """Drop the remembered reading (the stages call it with their other caches when a frame is done)."""
    _LAST_READING.clear()


@lru_cache(maxsize=4)
def load_model(path: str | None = None) -> Model:
    """The shipped model (or the one at ``path``), loaded once per process (about 0.06 s)."""
    return Model.load(path or MODEL_PATH)
