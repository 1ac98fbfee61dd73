#!/usr/bin/env python3
"""Measure design variants of the pairwise model leave-one-corpus-out, beside the shipped design: the
figures of MODEL_CARD.md's "Measured and not adopted".

    pip install -e '.[train]'              # and `pip install wordllama` for the emb variants
    python scripts/measure_variants.py shipped C=0.01 ngram_scale=1 C=0.01,ngram_scale=1 emb64

A variant is ``shipped``, a comma-separated list of ``CONFIG`` overrides (``C=0.01``), or ``embN``: the
first N dimensions of wordllama's static embeddings (text vector, its element-wise product with the
target's, their cosine) as extra dense features. For each held-out corpus, the model is fitted on the
training rows of every other source and scored on the held-out corpus's evaluation split: macro-F1 of
the model alone and combined with the cue detectors as the stages combine them. Probabilities are the
plain softmax (no temperature: it does not change the model's argmax, and barely the combination's).
With ``--threads`` (not for embN), also the stages end to end on the labelled threads with the variant's
model trained without threads, reply links inferred: stance / agreement macro-F1 of all threads pooled,
the held-out thread and the seed, as ``scripts/evaluate_model.py`` measures the shipped design.
About a minute per variant on two cores, two with ``--threads``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from commentscope.analysis.stages.pairwise.training import blocks as B  # noqa: E402
from commentscope.analysis.stages.pairwise.training import data  # noqa: E402
from commentscope.analysis.stages.pairwise.training.evaluate import (PAIR_SETS, cue_scores, f1s,  # noqa: E402
                                                                      no_threads_model, thread_figures)
from commentscope.analysis.stages.pairwise.training.lexicon import build_lexicon  # noqa: E402
from commentscope.analysis.stages.scoring import K_CUE, with_cues  # noqa: E402


def embeddings(df, dims: int) -> np.ndarray:
    """(n, 2 * dims + 1): the text's unit vector, its product with the target's, their cosine."""
    import wordllama

    model = wordllama.WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)
    texts, targets = df["text"].to_list(), df["target"].to_list()
    distinct = sorted(set(texts) | set(targets))
    vectors = model.embed([s or "" for s in distinct], norm=True, return_np=True)[:, :dims]
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-9
    row = {s: i for i, s in enumerate(distinct)}
    text = vectors[[row[s] for s in texts]]
    target = vectors[[row[s] for s in targets]]
    return np.hstack([text, text * target, (text * target).sum(1, keepdims=True)])


def measure(df, blocks: dict, scores: np.ndarray, config: dict, extra: np.ndarray | None) -> dict:
    """{set: (model macro-F1, model + cues macro-F1)}, each corpus held out in turn."""
    if extra is not None:
        blocks = {**blocks, "dense": np.hstack([blocks["dense"], extra]).astype(np.float32)}
    source, role = df["source"].to_numpy(), df["role"].to_numpy()
    y = df["y"].to_numpy().astype(int)
    out = {}
    for held_out in ("perspectrum", "semeval", "debagreement"):
        rows = np.flatnonzero((role == "train") & (source != held_out))
        X, stats = B.design(blocks, rows, config=config)
        clf = B.fit(X, y[rows], B.sample_weights(source[rows], y[rows], config), config["C"])
        for name, (corpus, split) in PAIR_SETS.items():
            if corpus != held_out:
                continue
            evaluated = np.flatnonzero((source == corpus) & (role == split))
            # every pair is scored with the agreement head, as the shipped model scores article stance
            task = blocks["task_agr"].copy()
            task[evaluated] = 1.0
            logits = clf.logits(B.design({**blocks, "task_agr": task}, evaluated, stats, config=config)[0])
            p = np.exp(logits - logits.max(1, keepdims=True))
            p /= p.sum(1, keepdims=True)
            combined = with_cues(p, scores[evaluated, 0], scores[evaluated, 1], K_CUE)
            out[name] = (f1s(y[evaluated], p.argmax(1))["macro_f1"], f1s(y[evaluated], combined.argmax(1))["macro_f1"])
    return out


@contextmanager
def configured(config: dict):
    """``blocks.CONFIG`` set to ``config`` for the training code that reads it, then restored."""
    saved = dict(B.CONFIG)
    B.CONFIG.update(config)
    try:
        yield
    finally:
        B.CONFIG.clear()
        B.CONFIG.update(saved)


def threads(df, blocks: dict, lex, ctx: dict, config: dict) -> str:
    """Pooled, held-out and seed stance / agreement macro-F1, the stages end to end, inferred links."""
    with configured(config), tempfile.TemporaryDirectory() as folder:
        figures = thread_figures(ctx, no_threads_model(df, blocks, lex, Path(folder) / "variant.npz"))
    return "\t".join(f"{group}: " + " / ".join(f"{figures[group]['inferred_links'][what]['macro_f1']:.3f}"
                                              for what in ("stance", "agreement"))
                     for group in ("all threads", "holdout_gas_stoves", "seed"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("variants", nargs="+", help="shipped | KEY=VALUE[,KEY=VALUE] | embN")
    parser.add_argument("--corpora", default=data.DEFAULT_CORPORA)
    parser.add_argument("--threads", action="store_true", help="also the labelled threads end to end")
    args = parser.parse_args()
    df, ctx = data.load_all(args.corpora, data.DEFAULT_THREADS)
    lex = build_lexicon()
    blocks = B.compute_blocks(df, lex)
    scores = cue_scores(df)
    print("variant\t" + "\t".join(f"{name} (model, +cues)" for name in PAIR_SETS))
    for variant in args.variants:
        config, extra = dict(B.CONFIG), None
        if variant.startswith("emb"):
            extra = embeddings(df, int(variant[3:]))
        elif variant != "shipped":
            for pair in variant.split(","):
                key, value = pair.split("=")
                config[key] = float(value)
        figures = measure(df, blocks, scores, config, extra)
        line = "\t".join(f"{figures[name][0]:.3f}, {figures[name][1]:.3f}" for name in PAIR_SETS)
        if args.threads and extra is None:
            line += "\t" + threads(df, blocks, lex, ctx, config)
        print(f"{variant}\t{line}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
