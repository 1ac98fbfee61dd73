"""Measure the sentiment stage against a plain vaderSentiment loop (run by hand, never by the tests).

    .venv/bin/python tests/data/sentiment/bench.py [COUNT] [--no-shapes]

(The reference needs minutes on the 5,000-emoji inputs: its emoji step is quadratic.)

Prints: per-comment cost of the reference and of ``score_texts`` on a normal 500-character comment,
a 10,000-character comment, 5,000 emoji (one repeated, and a mix), 5,000 "but" and others, each beside
``score_texts`` on ordinary prose of the same length (ratio = ours / that); then the time for
COUNT (default 50,000) realistic comments: the reference loop on one core, ``fast_vader.compounds``
with 1 and 2 workers, and the whole ``add_sentiment`` stage with 1 and 2 workers.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

import polars as pl  # noqa: E402
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer  # noqa: E402

from analysis import fast_vader  # noqa: E402
from analysis.sentiment import add_sentiment, score_texts  # noqa: E402
from tests.data.sentiment.corpus import realistic_comments, variants  # noqa: E402


def _clock(run, repeat: int = 1) -> float:
    best = float("inf")
    for _ in range(repeat):
        fast_vader.scores.cache_clear()
        fast_vader._token_cache.clear()
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def shapes() -> None:
    reference = SentimentIntensityAnalyzer()
    prose = " ".join(realistic_comments())
    prose = (prose + " ") * (25_000 // len(prose) + 1)
    cases = {
        "normal 500 chars": prose[:500],
        "normal 10k chars": prose[:10_000],
        "5k identical emoji": "\U0001F602" * 5_000,
        "5k mixed emoji": "\U0001F602\U0001F621\U0001F44D\U0001F494\U0001F389" * 1_000,
        "5k 'but'": "but " * 5_000,
        "1.7k 'good but bad'": "good but bad " * 1_700,
        "10k-char word": "a" * 10_000,
    }
    print(f"{'input':20} {'chars':>6} {'reference ms':>13} {'ours ms':>9} {'normal ms':>10} {'ratio':>6}")
    for name, text in cases.items():
        repeat = 3 if len(text) > 1000 else 50
        ref = _clock(lambda: reference.polarity_scores(text), 1 if len(text) > 1000 else repeat)
        ours = _clock(lambda: score_texts([text], workers=1), repeat)
        normal = _clock(lambda: score_texts([prose[:len(text)]], workers=1), repeat)
        print(f"{name:20} {len(text):6d} {ref * 1000:13.2f} {ours * 1000:9.3f} {normal * 1000:10.3f} "
              f"{ours / normal:6.2f}")


def throughput(count: int, rounds: int = 2) -> None:
    """Each contender runs ``rounds`` times, interleaved with the others (the machine is shared, so
    load comes and goes); the best time of each is reported."""
    texts = variants(realistic_comments(), count)
    mean = sum(map(len, texts)) / count
    print(f"\n{count} realistic comments, {len(set(texts))} distinct, mean {mean:.0f} chars")
    reference = SentimentIntensityAnalyzer()
    frame = pl.DataFrame({"id": [str(k) for k in range(count)], "text": texts,
                          "quotes": [[] for _ in texts]},
                         schema={"id": pl.String, "text": pl.String,
                                 "quotes": pl.List(pl.Struct({"source_id": pl.String, "start": pl.Int64,
                                                              "end": pl.Int64}))})
    contenders = {
        "reference loop, 1 core": lambda: [reference.polarity_scores(t)["compound"] for t in texts],
        "fast_vader.compounds, workers=1": lambda: fast_vader.compounds(texts, workers=1),
        "fast_vader.compounds, workers=2": lambda: fast_vader.compounds(texts, workers=2),
        "add_sentiment, workers=1": lambda: add_sentiment(frame, workers=1),
        "add_sentiment, workers=2": lambda: add_sentiment(frame, workers=2),
    }
    best = {name: float("inf") for name in contenders}
    for _ in range(rounds):
        for name, run in contenders.items():
            best[name] = min(best[name], _clock(run))
    ref = best["reference loop, 1 core"]
    for name, took in best.items():
        print(f"{name:32} {took:6.2f} s  {took / count * 1e6:5.0f} us/comment  "
              f"{ref / took:5.2f}x the reference")


if __name__ == "__main__":
    arguments = [a for a in sys.argv[1:] if not a.startswith("--")]
    if "--no-shapes" not in sys.argv:
        shapes()
    throughput(int(arguments[0]) if arguments else 50_000)
