"""Build analysis frames for the hand-labelled threads in this folder.

Each thread is a source file (``NAME.txt``, WordPress print view) beside its hand labels (``NAME.csv``:
thread_id, id, parent_id, stance, agreement, note). The labels file also carries the gold parents, so the
stance and agreement stages are measured on the true reply tree, not on another stage's guesses.
The frame gets the columns the upstream stages would add (depth, root_id, sentiment, sentiment_label),
computed here in the plainest way: walking parent_id and VADER on the comment text.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import polars as pl
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from commentscope.scraper.formats import parse_source
from commentscope.scraper.records import Thread, comments_frame
from commentscope.scraper.sources import read_source

HERE = Path(__file__).parent
REPO = HERE.parents[2]
#: name -> (source file, labels file)
THREADS = {
    "seed": (REPO / "scraper" / "data" / "seed.txt", HERE / "seed.csv"),
    "bike_lanes": (HERE / "bike_lanes.txt", HERE / "bike_lanes.csv"),
    "headphones": (HERE / "headphones.txt", HERE / "headphones.csv"),
    "flu_shots": (HERE / "flu_shots.txt", HERE / "flu_shots.csv"),
    "playoffs": (HERE / "playoffs.txt", HERE / "playoffs.csv"),
    "holdout_gas_stoves": (HERE / "holdout_gas_stoves.txt", HERE / "holdout_gas_stoves.csv"),
}
LABEL_SCHEMA = {"thread_id": pl.String, "id": pl.String, "parent_id": pl.String, "stance": pl.String,
                "agreement": pl.String, "note": pl.String}


#: The pairwise model trained without any labelled thread (scripts/evaluate_model.py writes it): the
#: threads' figures measured with it are figures on text the model never saw. The shipped model was
#: trained on these threads too, so its own figures here would flatter it.
HELD_OUT_MODEL = REPO / "tests" / "data" / "models" / "no_threads.npz"


@contextlib.contextmanager
def held_out_model():
    """Score with ``HELD_OUT_MODEL`` inside the block, the shipped model again after it."""
    from commentscope.analysis.stages.pairwise import model

    previous = model.MODEL_PATH
    model.MODEL_PATH = HELD_OUT_MODEL
    model.load_model.cache_clear()
    try:
        yield
    finally:
        model.MODEL_PATH = previous
        model.load_model.cache_clear()


def read_gold(name: str) -> pl.DataFrame:
    return pl.read_csv(THREADS[name][1], schema=LABEL_SCHEMA)


def load(name: str) -> tuple[pl.DataFrame, list[Thread], pl.DataFrame]:
    """(comment frame with gold parents and upstream columns, the thread's metadata, gold labels)."""
    source, _ = THREADS[name]
    thread = parse_source(read_source(str(source)))[0]
    gold = read_gold(name)
    frame = comments_frame(thread.comments)
    parents = dict(zip(gold["id"].to_list(), gold["parent_id"].to_list()))
    frame = frame.with_columns(
        pl.col("id").replace_strict(parents, default=None, return_dtype=pl.String).alias("parent_id"))
    frame = frame.with_columns(
        pl.when(pl.col("parent_id").is_null()).then(None).otherwise(pl.lit("inferred")).alias("reply_evidence"))
    frame = _structure(frame).pipe(_sentiment)
    thread.comments = []
    return frame, [thread], gold


def _structure(frame: pl.DataFrame) -> pl.DataFrame:
    parents = dict(zip(frame["id"].to_list(), frame["parent_id"].to_list()))
    depths, roots = [], []
    for comment_id in frame["id"].to_list():
        depth, current = 0, comment_id
        while parents.get(current) is not None:
            current = parents[current]
            depth += 1
        depths.append(depth)
        roots.append(current)
    return frame.with_columns(pl.Series("depth", depths, dtype=pl.Int64), pl.Series("root_id", roots, dtype=pl.String))


def _sentiment(frame: pl.DataFrame) -> pl.DataFrame:
    analyzer = SentimentIntensityAnalyzer()
    scores = [analyzer.polarity_scores(t or "")["compound"] for t in frame["text"].to_list()]
    labels = ["positive" if s >= 0.05 else "negative" if s <= -0.05 else "neutral" for s in scores]
    return frame.with_columns(pl.Series("sentiment", scores, dtype=pl.Float64),
                              pl.Series("sentiment_label", labels, dtype=pl.String))
