"""Measure the sentiment stage against a plain vaderSentiment loop (run by hand, never by the tests).

    .venv/bin/python tests/data/sentiment/bench.py [COUNT] [--no-shapes] [--no-throughput] [--no-sample]

(The reference needs minutes on the 5,000-emoji inputs: its emoji step is quadratic.)

Prints: per-comment cost of the reference and of ``score_texts`` on a normal 500-character comment,
a 10,000-character comment, 5,000 emoji (one repeated, and a mix), 5,000 "but" and others, each beside
``score_texts`` on ordinary prose of the same length (ratio = ours / that); then the time for
COUNT (default 50,000) realistic comments: the reference loop on one core, ``vader.compounds``
with 1 and 2 workers, and the whole ``add_sentiment`` stage with 1 and 2 workers; then the price of
the sample a text over ``SAMPLE_CHARS`` is scored by: per length and kind of long text (the realistic
comments joined, see ``joined_texts``), how far ``score_texts`` lies from the weighted mean over every
unit (``all_units``), the words read and the labels kept (``sample_price``); last, ``score_texts``'
cost per text by length, 500 to 100,000 characters (``cost_by_length``).
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

import polars as pl  # noqa: E402
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer  # noqa: E402

from commentscope.analysis.stages import vader  # noqa: E402
from commentscope.analysis.stages.sentiment import (  # noqa: E402
    SAMPLE_CHARS,
    SHORT_CHARS,
    add_sentiment,
    all_units,
    score_texts,
    sentiment_label,
    units,
)
from tests.data.sentiment.corpus import realistic_comments, variants  # noqa: E402


def _clock(run, repeat: int = 1) -> float:
    best = float("inf")
    for _ in range(repeat):
        vader.scores.cache_clear()
        vader.compound_scores.cache_clear()
        vader._token_cache.clear()
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
        "vader.compounds, workers=1": lambda: vader.compounds(texts, workers=1),
        "vader.compounds, workers=2": lambda: vader.compounds(texts, workers=2),
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


def joined_texts(chars: int, count: int, seed: int = 5) -> dict[str, list[str]]:
    """``count`` texts of about ``chars`` characters of each kind, made of the realistic comments
    joined as paragraphs: ``shuffled`` (a random order: the full mean is near zero), ``drifting``
    (sorted by VADER compound, ascending or descending from a random start, wrapping round: the tone
    moves from one end of the text to the other) and ``leaning`` (drawn three to one from the
    positive or from the negative comments: a clear lean, to see whether the label holds)."""
    comments = realistic_comments()
    ranked = sorted(comments, key=vader.compound)
    positive = [c for c in comments if vader.compound(c) >= 0.05]
    negative = [c for c in comments if vader.compound(c) <= -0.05]
    rng = random.Random(seed + chars)

    def join(pieces: list[str]) -> str:
        out, size = [], 0
        for piece in pieces:
            if size >= chars:
                break
            out.append(piece)
            size += len(piece) + 2
        return "\n\n".join(out)

    def cycle(order: list[str]) -> list[str]:
        return order * (chars // sum(map(len, order)) + 2)

    shuffled = [join(cycle(rng.sample(comments, len(comments)))) for _ in range(count)]
    drifting, leaning = [], []
    for k in range(count):
        order = ranked if k % 2 == 0 else ranked[::-1]
        at = rng.randrange(len(order))
        drifting.append(join(cycle(order[at:] + order[:at])))
        major, minor = (positive, negative) if k % 2 == 0 else (negative, positive)
        drawn = [rng.choice(major if rng.random() < 0.75 else minor) for _ in range(chars // 20)]
        leaning.append(join(drawn))
    return {"shuffled": shuffled, "drifting": drifting, "leaning": leaning}


def _weighted(plan: list[tuple[str, int]]) -> float:
    """``score_texts``' mean for a list of units."""
    scored = [(vader.compound(unit), weight) for unit, weight in plan]
    total = sum(weight for _, weight in scored)
    return round(sum(c * weight for c, weight in scored) / total, 4) if total else 0.0


def sample_price(lengths: tuple[int, ...] = (3_000, 5_000, 10_000, 20_000, 50_000), count: int = 100) -> None:
    """How far the sampled score lies from the score over every unit (mean, 95th percentile and
    largest absolute difference), the mean absolute full score, the words read and the share of
    texts whose label the sample keeps."""
    print(f"\n{'kind':9} {'chars':>6} {'texts':>5} {'mean |diff|':>11} {'p95':>6} {'max':>6} "
          f"{'mean |full|':>11} {'words read':>10} {'of':>6} {'same label':>10}")
    for chars in lengths:
        for kind, texts in joined_texts(chars, count).items():
            diffs, fulls, read, total, same = [], [], 0, 0, 0
            for text in texts:
                sampled, full = units(text), all_units(text)
                assert score_texts([text], workers=1)[0] == _weighted(sampled)
                got, want = _weighted(sampled), _weighted(full)
                diffs.append(abs(got - want))
                fulls.append(abs(want))
                read += sum(weight for _, weight in sampled)
                total += sum(weight for _, weight in full)
                same += sentiment_label(got) == sentiment_label(want)
            diffs.sort()
            print(f"{kind:9} {chars:6d} {len(texts):5d} {sum(diffs) / len(diffs):11.4f} "
                  f"{diffs[int(0.95 * len(diffs))]:6.3f} {diffs[-1]:6.3f} {sum(fulls) / len(fulls):11.3f} "
                  f"{read / len(texts):10.0f} {total / len(texts):6.0f} {same / len(texts):10.0%}")


def cost_by_length(lengths: tuple[int, ...] = (500, 1_000, 1_001, 2_000, 2_500, 2_501, 5_000, 10_000, 20_000,
                                                50_000, 100_000), count: int = 40) -> None:
    """``score_texts``' cost per text (fresh caches, best of three) by length, on realistic comments
    joined in a shuffled order and cut to the length: flat from ``SAMPLE_CHARS`` on."""
    print(f"\n{'chars':>7} {'path':>8} {'ms/text':>8} {'units':>6}")
    for chars in lengths:
        texts = [text[:chars] for text in joined_texts(chars + 200, count)["shuffled"]]
        took = _clock(lambda: score_texts(texts, workers=1), 3)
        path = "short" if chars <= SHORT_CHARS else "all" if chars <= SAMPLE_CHARS else "sample"
        read = sum(map(len, map(units, texts))) / count
        print(f"{chars:7d} {path:>8} {took / count * 1000:8.3f} {read:6.0f}")


if __name__ == "__main__":
    arguments = [a for a in sys.argv[1:] if not a.startswith("--")]
    if "--no-shapes" not in sys.argv:
        shapes()
    if "--no-throughput" not in sys.argv:
        throughput(int(arguments[0]) if arguments else 50_000)
    if "--no-sample" not in sys.argv:
        sample_price()
        cost_by_length()
