"""Every labelled source as one table of (target, text) pairs with a common label set.

Why one table: the model is ONE pairwise scorer for both tasks (stance toward an article or claim,
agreement of a reply with its parent), so every source becomes rows of ``source, task, target, text,
y (0 = for: favor/agree, 1 = against: against/disagree, 2 = neither: none/neutral), role, group``.
``role`` says what a row may be used for:

- ``train``: PERSPECTRUM train+dev, SemEval train, DEBAGREEMENT outside a hashed 20% of its submissions,
  every labelled thread;
- ``eval``: PERSPECTRUM test, SemEval Task A test, the DEBAGREEMENT 20% (evaluation only);
- ``eval_b``: SemEval Task B (the unseen target "Donald Trump"), evaluation only.

The corpora are read from their folder (``../shared/corpora``: perspectrum, semeval2016_stance,
debagreement_partial; licenses and splits in its README), never copied into the project. The labelled
threads are the project's own (``tests/data/labels``: a print view and a CSV of stance, agreement and
gold parents per thread). Rows are sorted by (source, id) so that training is deterministic.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import polars as pl

from commentscope.scraper import SEED_PATH

REPO = Path(__file__).resolve().parents[4]


def _default_corpora() -> Path:
    """$COMMENTSCOPE_CORPORA, else ``shared/corpora`` beside the repository, else /work/shared/corpora."""
    if os.environ.get("COMMENTSCOPE_CORPORA"):
        return Path(os.environ["COMMENTSCOPE_CORPORA"])
    for candidate in (REPO.parent / "shared" / "corpora", Path("/work/shared/corpora")):
        if (candidate / "perspectrum" / "data.jsonl").exists():
            return candidate
    return REPO.parent / "shared" / "corpora"


#: Where the corpora are looked for unless told.
DEFAULT_CORPORA = _default_corpora()
DEFAULT_THREADS = REPO / "tests" / "data" / "labels"
LABEL_ID = {"favor": 0, "agree": 0, "against": 1, "disagree": 1, "none": 2, "neutral": 2}
#: Threads the team wrote while tuning the cue detectors (their figures flatter the cues).
TEAM_THREADS = ("bike_lanes", "headphones", "flu_shots", "playoffs")
#: The share of DEBAGREEMENT submissions held out for evaluation (whole submissions, by md5 of the id).
HELD_OUT = 0.2
_LABEL_SCHEMA = {"thread_id": pl.String, "id": pl.String, "parent_id": pl.String, "stance": pl.String,
                 "agreement": pl.String, "note": pl.String}


def hash_fraction(key: str) -> float:
    """A stable number in [0, 1) from a string (md5, not Python's salted hash)."""
    return int(hashlib.md5(key.encode("utf-8")).hexdigest()[:8], 16) / 2 ** 32


def load_corpora(root: Path = DEFAULT_CORPORA) -> pl.DataFrame:
    """perspectrum, semeval2016_stance and debagreement_partial as pair rows."""
    rows = []
    p = pl.read_ndjson(root / "perspectrum" / "data.jsonl")
    meta = pl.read_ndjson(root / "perspectrum" / "meta.jsonl").select("id", "claim_id")
    p = p.join(meta, on="id", how="left")
    rows.append(p.select(
        pl.lit("perspectrum").alias("source"), pl.lit("stance").alias("task"), "id", "target", "text", "label",
        pl.when(pl.col("split") == "test").then(pl.lit("eval")).otherwise(pl.lit("train")).alias("role"),
        pl.col("claim_id").cast(pl.String).alias("group"), pl.lit(1.0).alias("confidence")))
    s = pl.read_ndjson(root / "semeval2016_stance" / "data.jsonl")
    s = s.with_columns(pl.col("text").str.replace_all(r"\s*#SemST\s*$", ""))  # the annotators never saw it
    rows.append(s.select(
        pl.lit("semeval").alias("source"), pl.lit("stance").alias("task"), "id", "target", "text", "label",
        pl.col("split").replace_strict({"train": "train", "test": "eval", "test_taskB": "eval_b"}).alias("role"),
        pl.col("topic").alias("group"), pl.lit(1.0).alias("confidence")))
    d = pl.read_ndjson(root / "debagreement_partial" / "data.jsonl")
    dm = pl.read_ndjson(root / "debagreement_partial" / "meta.jsonl").select("id", "submission_id", "agreement_fraction")
    d = d.join(dm, on="id", how="left")
    d = d.with_columns(pl.Series("held", [hash_fraction(sid) < HELD_OUT for sid in d["submission_id"].to_list()]))
    rows.append(d.select(
        pl.lit("debagreement").alias("source"), pl.lit("agreement").alias("task"), "id",
        pl.col("parent").alias("target"), pl.col("reply").alias("text"), "label",
        pl.when(pl.col("held")).then(pl.lit("eval")).otherwise(pl.lit("train")).alias("role"),
        pl.col("topic").alias("group"), pl.col("agreement_fraction").cast(pl.Float64).alias("confidence")))
    out = pl.concat(rows, how="vertical_relaxed")
    return out.with_columns(pl.col("label").replace_strict(LABEL_ID, return_dtype=pl.Int8).alias("y")).sort(["source", "id"])


def thread_sources(folder: Path = DEFAULT_THREADS) -> dict[str, tuple[Path, Path]]:
    """name -> (print view, labels CSV) of each labelled thread (the seed's print view is the embedded one)."""
    out = {}
    for labels in sorted(folder.glob("*.csv")):
        source = SEED_PATH if labels.stem == "seed" else labels.with_suffix(".txt")
        out[labels.stem] = (source, labels)
    return out


def load_thread(source: Path, labels: Path):
    """(comment frame with the gold parents, its Thread, the gold labels) of one labelled thread."""
    from commentscope.scraper.formats import parse_source
    from commentscope.scraper.records import comments_frame
    from commentscope.scraper.sources import read_source

    thread = parse_source(read_source(str(source)))[0]
    gold = pl.read_csv(labels, schema=_LABEL_SCHEMA)
    parents = dict(zip(gold["id"].to_list(), gold["parent_id"].to_list()))
    frame = comments_frame(thread.comments).with_columns(
        pl.col("id").replace_strict(parents, default=None, return_dtype=pl.String).alias("parent_id"))
    frame = frame.with_columns(pl.when(pl.col("parent_id").is_null()).then(None)
                               .otherwise(pl.lit("markup")).alias("reply_evidence"),
                               pl.when(pl.col("parent_id").is_null()).then(None)
                               .otherwise(pl.lit(1.0)).alias("reply_confidence"))
    thread.comments = []
    return frame, thread, gold


def load_threads(folder: Path = DEFAULT_THREADS) -> tuple[pl.DataFrame, dict]:
    """The labelled threads as stance and agreement pair rows, and each thread's frame, metadata and
    stance target ({name: {"frame", "thread", "gold", "opening_id", "target"}}). Stance target: the
    stage's own (``stance.model_target``); where a thread has no article, the opening post, which is
    the target and not a scored row. Agreement target: the gold parent."""
    from commentscope.analysis.stages.stance import model_target

    rows, context = [], {}
    for name, (source, labels) in thread_sources(folder).items():
        frame, thread, gold = load_thread(source, labels)
        label = {r["id"]: r for r in gold.to_dicts()}
        recs = frame.to_dicts()
        by_id = {r["id"]: r for r in recs}
        opening = None
        if not (thread.article_text or "").strip():
            opening = min((r for r in recs if r["parent_id"] is None), key=lambda r: r["position"])["id"]
        target = model_target(thread.title, by_id[opening]["text"] if opening else thread.article_text)
        context[name] = {"frame": frame, "thread": thread, "gold": gold, "opening_id": opening, "target": target}
        for r in recs:
            g = label[r["id"]]
            parent = by_id.get(r["parent_id"]) if r["parent_id"] else None
            base = {"source": "threads", "id": f"{name}/{r['id']}", "role": "train", "group": name, "confidence": 1.0,
                    "thread": name, "comment_id": r["id"]}
            if r["id"] != opening:
                rows.append({**base, "task": "stance", "target": target, "text": r["text"], "label": g["stance"]})
            if parent is not None and g["agreement"]:
                rows.append({**base, "id": base["id"] + "/agr", "task": "agreement", "target": parent["text"],
                             "text": r["text"], "label": g["agreement"]})
    out = pl.DataFrame(rows).with_columns(pl.col("label").replace_strict(LABEL_ID, return_dtype=pl.Int8).alias("y"))
    return out.sort(["source", "id"]), context


def load_all(corpora: Path | None = DEFAULT_CORPORA, threads: Path = DEFAULT_THREADS) -> tuple[pl.DataFrame, dict]:
    """Corpora and threads in one table (thread-only columns null for corpus rows), and the threads'
    context; ``corpora`` None: the threads alone. Long texts are read as the stages read them: their
    opening and close (``cues.bounded``)."""
    from commentscope.analysis.stages.cues import bounded

    if corpora is not None and not (corpora / "perspectrum" / "data.jsonl").exists():
        from commentscope.scraper.errors import UsageError

        raise UsageError("the labelled corpora are not there", str(corpora),
                         "give their folder with --corpora or $COMMENTSCOPE_CORPORA (perspectrum, "
                         "semeval2016_stance, debagreement_partial)")
    t, ctx = load_threads(threads)
    table = pl.concat([load_corpora(corpora), t], how="diagonal_relaxed") if corpora is not None else t
    table = table.sort(["source", "id"])
    return table.with_columns(pl.col("text").map_elements(bounded, return_dtype=pl.String),
                              pl.col("target").map_elements(bounded, return_dtype=pl.String)), ctx
