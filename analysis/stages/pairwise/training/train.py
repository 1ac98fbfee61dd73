"""Fit the pairwise model and write it as one reproducible .npz.

Steps: every training row (``data.load_all``), the feature blocks, a fit on the training rows minus a
hashed 15% calibration slice of the corpora, one temperature per head fitted on that slice (the
negative log-likelihood on a grid), then the fit on all training rows and the export. Deterministic:
rows sorted by (source, id), md5-based slices, L-BFGS from zero, zip entries with fixed times; the same
data gives the same bytes. ``check`` compares numpy inference with the training side's probabilities.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import polars as pl

from commentscope.analysis.stages.pairwise.training import blocks as B
from commentscope.analysis.stages.pairwise.training import data
from commentscope.analysis.stages.pairwise.training.lexicon import build_lexicon

TEMPERATURES = np.exp(np.linspace(np.log(0.25), np.log(6.0), 241))
CALIBRATION_SHARE = 0.15
PROVENANCE = [
    "PERSPECTRUM (Chen et al. 2019, NAACL), CC BY-SA 4.0: official train and dev splits",
    "SemEval-2016 Task 6 stance (Mohammad et al. 2016), research use: Task A train split",
    "DEBAGREEMENT, 20% partial release (Pougue-Biyong et al. 2021, NeurIPS Datasets), licence unverified: "
    "all but a hashed 20% of its submissions",
    "commentscope's hand-labelled threads (tests/data/labels)",
]


def fit_temperature(logits: np.ndarray, y: np.ndarray) -> float:
    """The temperature on a fixed grid that minimises the mean negative log-likelihood."""
    best, best_t = np.inf, 1.0
    for t in TEMPERATURES:
        z = logits / t
        z = z - z.max(1, keepdims=True)
        nll = -(z[np.arange(len(y)), y] - np.log(np.exp(z).sum(1))).mean()
        if nll < best - 1e-12:
            best, best_t = nll, float(t)
    return best_t


def fit_rows(blocks: dict, df: pl.DataFrame, rows: np.ndarray) -> tuple[B.Linear, tuple]:
    """A fit on ``rows`` of the table (and the standardisation it used)."""
    X, stats = B.design(blocks, rows)
    src, y = df["source"].to_numpy(), df["y"].to_numpy().astype(int)
    return B.fit(X, y[rows], B.sample_weights(src[rows], y[rows]), B.CONFIG["C"]), stats


def train(df: pl.DataFrame, blocks: dict, lex, rows: np.ndarray) -> dict[str, np.ndarray]:
    """Fit on ``rows`` (after fitting the temperatures on their corpora's calibration slice) and return
    the exported arrays."""
    src, y, task = df["source"].to_numpy(), df["y"].to_numpy().astype(int), df["task"].to_numpy()
    groups = df["group"].to_list()
    slice_ = np.array([data.hash_fraction("calib/" + (groups[r] or "")) < CALIBRATION_SHARE for r in rows])
    calibration = rows[slice_ & (src[rows] != "threads")]
    clf, stats = fit_rows(blocks, df, rows[~np.isin(rows, calibration)])
    logits = clf.logits(B.design(blocks, calibration, stats)[0])
    temperature = {}
    for head in ("stance", "agreement"):
        m = task[calibration] == head
        temperature[head] = fit_temperature(logits[m], y[calibration][m]) if m.sum() > 20 else 1.0
    clf, stats = fit_rows(blocks, df, rows)
    arrays = B.export(clf, stats, lex, temperature, blocks["phrase_tables"])
    arrays["provenance_json"] = np.array(json.dumps({"trained_on": PROVENANCE, "rows": int(len(rows)),
                                                     "temperature": temperature}, sort_keys=True))
    return arrays


def build(corpora: Path | None = data.DEFAULT_CORPORA, threads: Path = data.DEFAULT_THREADS,
          limit: int | None = None) -> tuple[pl.DataFrame, dict, object]:
    """The pair table (the first ``limit`` rows of each source when given: a small reproducible sample;
    the threads alone when ``corpora`` is None), its feature blocks and the lexicon."""
    df, _ = data.load_all(corpora, threads)
    if limit is not None:
        df = df.group_by("source", maintain_order=True).head(limit).sort(["source", "id"])
    lex = build_lexicon()
    return df, B.compute_blocks(df, lex), lex


def train_file(out: Path, corpora: Path | None = data.DEFAULT_CORPORA, threads: Path = data.DEFAULT_THREADS,
               limit: int | None = None) -> dict:
    """Train on every training row and write ``out``; returns its size, sha256 and the largest gap between
    numpy inference and the training side's probabilities on a sample of rows."""
    df, blocks, lex = build(corpora, threads, limit)
    rows = np.flatnonzero(df["role"].to_numpy() == "train")
    arrays = train(df, blocks, lex, rows)
    B.save_npz(out, arrays)
    return {"out": str(out), "bytes": out.stat().st_size, "sha256": hashlib.sha256(out.read_bytes()).hexdigest(),
            "rows": int(len(rows)), "max_gap": check(out, df, blocks, rows)}


def check(path: Path, df: pl.DataFrame, blocks: dict, rows: np.ndarray) -> float:
    """The largest difference between ``model.Model``'s probabilities and the training side's (refit
    arrays) on every 50th training row: the two paths must compute the same features."""
    from commentscope.analysis.stages.pairwise.model import Model, softmax

    model = Model.load(path)
    sample = rows[::50]
    worst = 0.0
    for head in ("stance", "agreement"):
        m = df["task"].to_numpy()[sample] == head
        if not m.any():
            continue
        picked = sample[m]
        got = model.score(df["target"].to_numpy()[picked].tolist(), df["text"].to_numpy()[picked].tolist(), head,
                          calibrated=False, head=head)
        arrays = model.a
        logits = (np.asarray(blocks["words"][picked] @ arrays["ngram_words"][:, 3 * (head == "agreement"):][:, :3])
                  + np.hstack([np.full((len(picked), 1), float(head == "agreement")), blocks["dense"][picked]])
                  @ arrays[f"dense_w_{head}"] + arrays[f"bias_{head}"])
        worst = max(worst, float(np.abs(got - softmax(logits)).max()))
    return worst
