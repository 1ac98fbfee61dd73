"""The figures of the README's "how well" table and the model card, from one run.

Pairwise sets (PERSPECTRUM test, SemEval Task A test and Task B, the held-out DEBAGREEMENT 20%): the
model trained on every OTHER source (leave-one-corpus-out, LOCO: how it does on text of a kind it never
saw) and on the official training splits (in-domain), alone and combined with the cue detectors as the
stages combine them (``scoring.with_cues``), beside the majority class, VADER's sign and the cue
detectors alone. Threads (the hand-labelled ones): the real stages end to end (``add_agreement`` then
``add_stance``) with a model trained without any thread (LOCO), on the gold reply links and on the
inferred ones, beside the old cue stages' figures recorded before the model. Calibration: the expected
calibration error (10 bins, the top label's probability) on each set.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import numpy as np
import polars as pl

from commentscope.analysis.stages.pairwise.training import blocks as B
from commentscope.analysis.stages.pairwise.training import data
from commentscope.analysis.stages.pairwise.training.lexicon import build_lexicon
from commentscope.analysis.stages.pairwise.training.train import train
from commentscope.analysis.stages.scoring import K_CUE, with_cues

PAIR_SETS = {"perspectrum": ("perspectrum", "eval"), "semeval": ("semeval", "eval"),
             "semeval_b": ("semeval", "eval_b"), "debagreement": ("debagreement", "eval")}


def f1s(y: np.ndarray, pred: np.ndarray) -> dict:
    """macro-F1 over the gold classes present, F_avg over for/against (SemEval's measure), accuracy."""
    per = {}
    for c in range(3):
        tp, fp = np.sum((y == c) & (pred == c)), np.sum((y != c) & (pred == c))
        fn = np.sum((y == c) & (pred != c))
        per[c] = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    present = sorted(set(y.tolist()))
    return {"macro_f1": round(float(np.mean([per[c] for c in present])), 3),
            "f_avg": round(float((per[0] + per[1]) / 2), 3), "accuracy": round(float(np.mean(y == pred)), 3),
            "n": int(len(y))}


def ece(p: np.ndarray, y: np.ndarray, bins: int = 10) -> float:
    """Expected calibration error of the top label, equal-width bins."""
    conf, pred = p.max(1), p.argmax(1)
    total = 0.0
    for lo, hi in zip(np.linspace(0, 1, bins + 1)[:-1], np.linspace(0, 1, bins + 1)[1:]):
        m = (conf > lo) & (conf <= hi)
        if m.any():
            total += m.mean() * abs(np.mean(pred[m] == y[m]) - conf[m].mean())
    return round(float(total), 3)


def cue_scores(df: pl.DataFrame) -> np.ndarray:
    """(n, 2) cue evidence for and against each pair: the stance detector for stance rows (the target read
    as an article), the agreement detector's verdict for agreement rows."""
    from commentscope.analysis.stages.agreement import clear_caches, judge_reply
    from commentscope.analysis.stages.stance_cues import own_evidence, read_target

    out = np.zeros((df.height, 2))
    targets: dict[str, object] = {}
    for k, (task, target, text) in enumerate(df.select("task", "target", "text").iter_rows()):
        if task == "stance":
            read = targets.setdefault(target, read_target(None, target))
            scores = own_evidence(text or "", read, False)
            out[k] = scores["favor"], scores["against"]
        else:
            verdict = judge_reply(text or "", target)
            out[k] = (verdict.confidence if verdict.label == "agree" else 0.0,
                      verdict.confidence if verdict.label == "disagree" else 0.0)
    clear_caches()
    return out


def pair_figures(df: pl.DataFrame, blocks: dict, lex, scores: np.ndarray) -> dict:
    """Model, model + cues and the baselines on every pairwise set, LOCO and in-domain."""
    src, role, y = df["source"].to_numpy(), df["role"].to_numpy(), df["y"].to_numpy().astype(int)
    task = df["task"].to_numpy()
    train_rows = role == "train"
    vader = _vader_sign(df["text"].to_list())
    out: dict = {}
    fits = {"in-domain": np.flatnonzero(train_rows)}
    fits.update({f"loco {s}": np.flatnonzero(train_rows & (src != s)) for s in ("perspectrum", "semeval", "debagreement")})
    probabilities = {}
    for name, rows in fits.items():
        probabilities[name] = _predict(df, blocks, lex, rows)
    for set_name, (source, split) in PAIR_SETS.items():
        rows = np.flatnonzero((src == source) & (role == split))
        gold, head = y[rows], task[rows[0]]
        majority = np.bincount(gold, minlength=3).argmax()
        entry = {"majority": f1s(gold, np.full(len(rows), majority)), "vader_sign": f1s(gold, vader[rows]),
                 "cues": f1s(gold, _cue_labels(scores[rows]))}
        for fold in ("in-domain", f"loco {source}"):
            p = probabilities[fold](rows, head)
            combined = with_cues(p, scores[rows, 0], scores[rows, 1], K_CUE)
            key = "loco" if fold.startswith("loco") else "in_domain"
            entry[f"model_{key}"] = {**f1s(gold, p.argmax(1)), "ece": ece(p, gold)}
            entry[f"combined_{key}"] = {**f1s(gold, combined.argmax(1)), "ece": ece(combined, gold)}
        out[set_name] = entry
    return out


def _predict(df: pl.DataFrame, blocks: dict, lex, rows: np.ndarray):
    """Train on ``rows`` and return a scorer (eval rows, head) -> calibrated probabilities."""
    from commentscope.analysis.stages.pairwise.model import Model

    arrays = train(df, blocks, lex, rows)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fold.npz"
        B.save_npz(path, arrays)
        model = Model.load(path)
    targets, texts = df["target"].to_list(), df["text"].to_list()

    def score(eval_rows: np.ndarray, head: str) -> np.ndarray:
        return model.score([targets[r] for r in eval_rows], [texts[r] for r in eval_rows], head)

    return score


def _vader_sign(texts: list[str]) -> np.ndarray:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    compound = np.array([analyzer.polarity_scores(t or "")["compound"] for t in texts])
    return np.where(compound >= 0.05, 0, np.where(compound <= -0.05, 1, 2))


def _cue_labels(scores: np.ndarray) -> np.ndarray:
    diff = scores[:, 0] - scores[:, 1]
    return np.where(diff >= 0.2, 0, np.where(diff <= -0.2, 1, 2))


def no_threads_model(df: pl.DataFrame, blocks: dict, lex, path: Path) -> Path:
    """Train the model on every training row but the threads' and write it to ``path``."""
    rows = np.flatnonzero((df["role"].to_numpy() == "train") & (df["source"].to_numpy() != "threads"))
    B.save_npz(path, train(df, blocks, lex, rows))
    return path


def thread_figures(ctx: dict, model_path: Path) -> dict:
    """The stages end to end on each labelled thread with the model at ``model_path`` (for honest figures,
    one trained without threads: ``no_threads_model``), on the gold reply links and on the inferred ones."""
    from commentscope.analysis.stages.pairwise import model as model_module

    previous = model_module.MODEL_PATH
    model_module.MODEL_PATH = Path(model_path)
    model_module.load_model.cache_clear()
    try:
        per_thread = {name: {links: _end_to_end(c, inferred=links == "inferred_links")
                             for links in ("gold_links", "inferred_links")} for name, c in ctx.items()}
    finally:
        model_module.MODEL_PATH = previous
        model_module.load_model.cache_clear()
    groups = {"all threads": list(ctx), "seed": ["seed"], "holdout_gas_stoves": ["holdout_gas_stoves"],
              "team threads": [t for t in ctx if t in data.TEAM_THREADS]}
    out = {}
    for group, names in groups.items():
        out[group] = {}
        for links in ("gold_links", "inferred_links"):
            out[group][links] = {}
            for what in ("stance", "agreement"):
                pairs = [per_thread[n][links][what] for n in names if per_thread[n][links][what]]
                y = np.concatenate([p["gold"] for p in pairs]) if pairs else np.zeros(0, int)
                pred = np.concatenate([p["pred"] for p in pairs]) if pairs else np.zeros(0, int)
                prob = np.concatenate([p["prob"] for p in pairs]) if pairs else np.zeros((0, 3))
                majority = np.bincount(y, minlength=3).argmax() if len(y) else 2
                out[group][links][what] = {**f1s(y, pred), "ece": ece(prob, y),
                                           "majority": f1s(y, np.full(len(y), majority))["macro_f1"]}
    return out


def _end_to_end(c: dict, inferred: bool) -> dict:
    from commentscope.analysis.pipeline import analyze, infer_thread_replies
    from commentscope.scraper.records import Comment, comments_frame

    frame, thread, gold = c["frame"], c["thread"], c["gold"]
    if inferred:
        comments = [Comment.from_dict({**r, "parent_id": None, "reply_evidence": None, "reply_confidence": None})
                    for r in frame.to_dicts()]
        thread.comments = comments
        frame = comments_frame(infer_thread_replies(thread).comments)
        thread.comments = []
    out = analyze(frame, [thread], workers=1)
    joined = gold.join(out.select("id", pl.col("stance").alias("m_stance"), pl.col("agreement").alias("m_agreement"),
                                  "stance_confidence", "agreement_confidence"), on="id")
    label = data.LABEL_ID
    result = {}
    for what, rows in (("stance", joined.filter(pl.col("id") != (c["opening_id"] or ""))),
                       ("agreement", joined.filter(pl.col("agreement").is_not_null() & pl.col("m_agreement").is_not_null()))):
        y = np.array([label[v] for v in rows[what]], int)
        pred = np.array([label[v] for v in rows[f"m_{what}"]], int)
        sure = rows[f"{what}_confidence"].to_numpy()
        prob = np.full((len(pred), 3), 0.0)  # the top label's probability is all a label carries
        prob[np.arange(len(pred)), pred] = sure
        rest = [(1 - s_) / 2 for s_ in sure]
        for k, j in enumerate(pred):
            prob[k, [i for i in range(3) if i != j]] = rest[k]
        result[what] = {"gold": y, "pred": pred, "prob": prob} if len(y) else None
    return result


def evaluate(corpora: Path = data.DEFAULT_CORPORA, threads: Path = data.DEFAULT_THREADS, work: Path | None = None,
             threads_only: bool = False) -> dict:
    """Every figure, as a dict (scripts/evaluate_model.py prints and stores it). ``work`` keeps the
    model trained without threads and the pairwise figures, so ``threads_only`` can measure the stages
    again without refitting."""
    work = Path(work or tempfile.mkdtemp(prefix="commentscope-eval-"))
    model_path, pairs_path = work / "no-threads.npz", work / "pairs.json"
    if threads_only and model_path.exists() and pairs_path.exists():
        _, ctx = data.load_threads(threads)
        return {"pairs": json.loads(pairs_path.read_text()), "threads": thread_figures(ctx, model_path)}
    df, ctx = data.load_all(corpora, threads)
    lex = build_lexicon()
    blocks = B.compute_blocks(df, lex)
    pairs = pair_figures(df, blocks, lex, cue_scores(df))
    pairs_path.write_text(json.dumps(pairs))
    no_threads_model(df, blocks, lex, model_path)
    return {"pairs": pairs, "threads": thread_figures(ctx, model_path)}
