"""Feature blocks for a table of pairs, the design matrix, the fit and the export of the arrays.

Why a module of its own: evaluation fits the same rows in several folds, so every block is computed once
for all rows (``compute_blocks``) and a fold only picks rows (``design``). ``export`` turns a fit into the
plain arrays ``model.Model`` reads, folding the standardisation and the task crossing into the weights.
The fit is a weighted multinomial logistic regression by scipy's L-BFGS (scikit-learn's objective,
several times faster on 10^6 hashed columns, deterministic).
"""

from __future__ import annotations

import io
import json
import zipfile

import numpy as np
import polars as pl

from commentscope.analysis.stages.pairwise import features as F
from commentscope.analysis.stages.pairwise import ngrams as N
from commentscope.analysis.stages.pairwise.training.lexicon import PHRASE_LISTS, PHRASE_WORDS, phrase_tables

#: The configuration chosen by the leave-one-corpus-out figures (MODEL_CARD.md): hashed word n-grams
#: (2^18 buckets, the block scaled x3), VADER-like scores, target-text interactions and the cue phrase
#: lists; L2 with C = 0.1; every feature also crossed with the agreement task; each corpus the same
#: total weight and each class the same weight within it; article stance scored with the agreement head.
CONFIG = {"bits": 18, "C": 0.1, "ngram_scale": 3.0, "task_cross": True, "balance": "corpus_class",
          "stance_head": "agreement"}


def compute_blocks(df: pl.DataFrame, lex: F.Lexicon, bits: int = CONFIG["bits"]) -> dict:
    """Every feature block for every row of ``df`` (computed once; folds pick rows from them)."""
    import scipy.sparse as sp

    texts, targets = df["text"].to_list(), df["target"].to_list()
    uniq_c, uniq_t = sorted(set(texts)), sorted(set(targets))
    cmap, tmap = {t: i for i, t in enumerate(uniq_c)}, {t: i for i, t in enumerate(uniq_t)}
    ci, ti = np.array([cmap[x] for x in texts]), np.array([tmap[x] for x in targets])
    ctb, ttb = F.tokenize(uniq_c, lex), F.tokenize(uniq_t, lex)
    r, col, v = N.ngram_coo(ctb, bits)
    words = sp.csr_matrix((v.astype(np.float64), (r, col)), shape=(ctb.n, 2 ** bits))
    words.sum_duplicates()
    cd, td = F.text_dense(ctb), F.text_dense(ttb)
    inter, vpair = F.pair_dense(ctb, ttb, ci, ti, cd, td)
    tables = phrase_tables()
    return {"n": df.height, "task_agr": (df["task"].to_numpy() == "agreement").astype(np.float32),
            "words": words[ci], "dense": np.hstack([cd[ci], vpair, inter, N.cue_lexicon_features(ctb, tables)[ci]]),
            "phrase_tables": tables}


def dense_names() -> list[str]:
    """Readable names of the dense columns, in order (explanations show them)."""
    return (["task: agreement"] + F.VADER_NAMES + F.INTER_NAMES
            + [f"cue: {PHRASE_WORDS[name]}" for name, _ in PHRASE_LISTS])


def design(blocks: dict, rows: np.ndarray, stats: tuple | None = None, config: dict = CONFIG):
    """(X, stats): the sparse n-grams, then the standardised dense features (the agreement indicator
    first); with ``task_cross`` every column again times the agreement indicator."""
    import scipy.sparse as sp

    dense = np.hstack([blocks["task_agr"][rows, None], blocks["dense"][rows]]).astype(np.float64)
    if stats is None:
        mu, sd = dense.mean(0), dense.std(0)
        mu[0], sd[0] = 0.0, 1.0
        sd[sd < 1e-6] = 1.0
        stats = (mu, sd)
    dense = (dense - stats[0]) / stats[1]
    S = sp.csr_matrix(blocks["words"][rows] * config["ngram_scale"])
    return Design(S, dense, blocks["task_agr"][rows].astype(np.float64), config["task_cross"]), stats


class Design:
    """The design matrix [S, D] (and [S, D] times the agreement indicator with task crossing), kept as
    a sparse n-gram part and a dense part, so products cost sparse + BLAS."""

    def __init__(self, S, D: np.ndarray, agr: np.ndarray, cross: bool):
        self.S, self.D, self.agr, self.cross = S, D, agr, cross
        self.ST = S.T.tocsr()
        self.ps = S.shape[1]
        self.pb = self.ps + D.shape[1]
        self.shape = (D.shape[0], self.pb * (2 if cross else 1))

    def _base(self, W: np.ndarray) -> np.ndarray:
        return self.D @ W[self.ps:self.pb] + np.asarray(self.S @ W[:self.ps])

    def __matmul__(self, W: np.ndarray) -> np.ndarray:
        Z = self._base(W[:self.pb])
        return Z + self.agr[:, None] * self._base(W[self.pb:]) if self.cross else Z

    def _tbase(self, R: np.ndarray) -> list:
        return [np.asarray(self.ST @ R), self.D.T @ R]

    def compressed(self) -> tuple["Design", np.ndarray]:
        """The same design without the hashed columns no row uses (their L2-optimal weight is exactly 0),
        and the positions of the kept columns in the full column order."""
        used = np.unique(self.S.indices)
        small = Design(self.S[:, used], self.D, self.agr, self.cross)
        keep = np.concatenate([used, np.arange(self.ps, self.pb)])
        return small, np.concatenate([keep, keep + self.pb]) if self.cross else keep

    def tdot(self, R: np.ndarray) -> np.ndarray:
        """X.T @ R."""
        parts = self._tbase(R)
        if self.cross:
            parts += self._tbase(R * self.agr[:, None])
        return np.vstack(parts)


def sample_weights(sources: np.ndarray, y: np.ndarray, config: dict = CONFIG) -> np.ndarray:
    """Per-row weights, mean 1: ``corpus_class`` gives every source the same total and every class the
    same share within it, so no corpus's size or class balance sets the others' priors."""
    w = np.ones(len(y))
    if config["balance"] == "corpus_class":
        for s in np.unique(sources):
            m = sources == s
            classes = np.unique(y[m])
            for c in classes:
                mc = m & (y == c)
                w[mc] = 1.0 / (mc.sum() * len(classes))
    return w / w.mean()


class Linear:
    """A fitted multinomial logistic regression: ``coef`` (p, 3), ``intercept`` (3,)."""

    def __init__(self, coef: np.ndarray, intercept: np.ndarray):
        self.coef, self.intercept = coef, intercept

    def logits(self, X) -> np.ndarray:
        return np.asarray(X @ self.coef) + self.intercept


def fit(X: Design, y: np.ndarray, w: np.ndarray, C: float, max_iter: int = 400) -> Linear:
    """Weighted multinomial logistic regression, penalty 1/2 ||W||^2 against C * the weighted log-loss,
    by L-BFGS from zero (deterministic)."""
    from scipy.optimize import minimize

    full_p = X.shape[1]
    X, keep = X.compressed()
    n, p = X.shape
    Y = np.zeros((n, 3))
    Y[np.arange(n), y] = 1.0
    cw = C * w

    def objective(theta):
        W, b = theta[: p * 3].reshape(p, 3), theta[p * 3:]
        Z = np.asarray(X @ W) + b
        Z -= Z.max(1, keepdims=True)
        logP = Z - np.log(np.exp(Z).sum(1, keepdims=True))
        loss = -(cw * (logP * Y).sum(1)).sum() + 0.5 * (W * W).sum()
        R = (np.exp(logP) - Y) * cw[:, None]
        return loss, np.concatenate([(X.tdot(R) + W).ravel(), R.sum(0)])

    res = minimize(objective, np.zeros(p * 3 + 3), jac=True, method="L-BFGS-B",
                   options={"maxiter": max_iter, "gtol": 1e-6, "maxcor": 10})
    coef = np.zeros((full_p, 3))
    coef[keep] = res.x[: p * 3].reshape(p, 3)
    return Linear(coef, res.x[p * 3:].copy())


def export(clf: Linear, stats: tuple, lex: F.Lexicon, temperature: dict, phrase: list, config: dict = CONFIG
           ) -> dict[str, np.ndarray]:
    """The arrays ``model.Model`` reads: the n-gram table (2**bits, 6) = [stance 3 | agreement 3], per-head
    dense weights with the standardisation folded in, biases, temperatures, lexicon, phrase tables."""
    nb = 2 ** config["bits"]
    p_base = nb + len(stats[0])
    base = clf.coef[:p_base]
    per_head = {"stance": base, "agreement": base + (clf.coef[p_base:] if config["task_cross"] else 0)}
    mu, sd = stats
    out: dict[str, np.ndarray] = {
        "ngram_words": (np.hstack([per_head[t][:nb] for t in ("stance", "agreement")]) * config["ngram_scale"]).astype(np.float32)}
    for head, W in per_head.items():
        Wd = W[nb:] / sd[:, None]
        out[f"dense_w_{head}"] = Wd.astype(np.float32)
        out[f"bias_{head}"] = (clf.intercept - mu @ Wd).astype(np.float32)
        out[f"temperature_{head}"] = np.array(temperature[head], np.float64)
    out.update({f"lex_{k}": v for k, v in lex.arrays.items()})
    out.update({f"lexcue_{j:02d}_{kind}": keys for j, (_, kind, keys) in enumerate(phrase)})
    out["config_json"] = np.array(json.dumps(config, sort_keys=True))
    out["dense_names_json"] = np.array(json.dumps(dense_names()))
    return out


def save_npz(path, arrays: dict[str, np.ndarray]) -> None:
    """Like ``np.savez_compressed`` but byte for byte reproducible (fixed zip times, sorted names)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(arrays):
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.asanyarray(arrays[name]), allow_pickle=False)
            info = zipfile.ZipInfo(name + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, buf.getvalue())
