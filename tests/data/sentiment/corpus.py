"""Test corpora for the sentiment stage: generated texts that hit every VADER rule, and realistic
comments with variants. Deterministic (seeded), so a failing text can be reproduced by its index.

Used by tests/test_sentiment.py and by bench.py beside this file.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from vaderSentiment.vaderSentiment import (
    BOOSTER_DICT,
    NEGATE,
    SENTIMENT_LADEN_IDIOMS,
    SPECIAL_CASES,
    SentimentIntensityAnalyzer,
)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent.parent

FILLER = ("the", "a", "movie", "was", "and", "or", "nor", "of", "kind", "sort", "this", "so", "it", "is",
          "at", "very", "least", "never", "without", "doubt", "no", "i", "you", "they", "to", "for",
          "just", "enough", "right", "yeah", "bus", "stop", "kiss", "death", "die", "beating", "heart",
          "ass", "bad", "shit", "bomb", "ok", "x", "2", "100%", "http://example.com/a?b=1", "U.S.", "etc.")
PHRASES = ("kind of", "sort of", "just enough", "at least", "very least", "never so", "never this",
           "without doubt", "without a doubt", "no or", "no nor", "not at all", "yeah right", "bad ass",
           "the bomb", "the shit", "kiss of death", "to die for", "beating heart", "bus stop",
           "can't stand", "fed up", "screwed up", "cut the mustard", "in the red", "on the ball")
EMOTICONS = (":)", ":(", ":-)", ":-(", ":D", ":P", ";)", "<3", ":/", ">:(", "(:", "):", ":'(", "xD", "^_^")
SUFFIXES = ("", "", "", "", ",", ".", "!", "!!", "!!!", "!!!!!", "?", "??", "???", "?!", "...", ";", ":")
PREFIXES = ("", "", "", "", "\"", "(", "'", "“", "*", "--")
SEPARATORS = (" ", " ", " ", " ", "  ", "\n", "\n\n", "\t", "\u00a0", "")
BUTS = ("but", "But", "BUT", "but,")


def _emoji() -> tuple[list[str], list[str]]:
    reference = SentimentIntensityAnalyzer()
    keys = sorted(reference.emojis)
    return [k for k in keys if len(k) == 1], [k for k in keys if len(k) > 1]


def _casing(rng: random.Random, token: str) -> str:
    roll = rng.random()
    if roll < 0.12:
        return token.upper()
    if roll < 0.2:
        return token.title()
    return token


def generated_texts(count: int = 6000, seed: int = 7) -> list[str]:
    """``count`` texts assembled from VADER's own lexicon, boosters, negations, idioms, ``but``,
    caps, punctuation, emoji (single, multi-code-point, glued to words) and emoticons."""
    rng = random.Random(seed)
    lexicon = sorted(SentimentIntensityAnalyzer().lexicon)
    single_emoji, multi_emoji = _emoji()
    boosters = sorted(BOOSTER_DICT)
    negations = sorted(NEGATE)
    idioms = sorted(SPECIAL_CASES) + sorted(SENTIMENT_LADEN_IDIOMS)
    pools = [
        (0.30, lambda: rng.choice(lexicon)),
        (0.16, lambda: rng.choice(FILLER)),
        (0.10, lambda: rng.choice(boosters)),
        (0.09, lambda: rng.choice(negations)),
        (0.06, lambda: rng.choice(PHRASES)),
        (0.04, lambda: rng.choice(idioms)),
        (0.06, lambda: rng.choice(BUTS)),
        (0.06, lambda: rng.choice(single_emoji) * rng.choice((1, 1, 2, 3))),
        (0.03, lambda: rng.choice(multi_emoji)),
        (0.03, lambda: rng.choice(lexicon) + rng.choice(single_emoji)),
        (0.07, lambda: rng.choice(EMOTICONS)),
    ]
    weights = [w for w, _ in pools]
    texts = ["", "   ", "!!!", "??", "no", "NO", "but", "kind of", "😀", " 😀 😀", "least good"]
    while len(texts) < count:
        length = rng.choice((1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 30, 45, 70))
        shout = rng.random() < 0.05
        parts = []
        for _ in range(length):
            make = rng.choices(pools, weights)[0][1]
            token = rng.choice(PREFIXES) + _casing(rng, make()) + rng.choice(SUFFIXES)
            parts.append(token.upper() if shout else token)
            parts.append(rng.choice(SEPARATORS))
        texts.append("".join(parts))
    return texts[:count]


def long_texts(count: int = 40, seed: int = 11) -> list[str]:
    """Long texts dense with sentiment words and several ``but``: they take the indexed ``but`` path
    (more than 64 non-zero scores) and the long-comment path of the sentiment stage."""
    rng = random.Random(seed)
    lexicon = sorted(SentimentIntensityAnalyzer().lexicon)
    common = ["good", "bad", "great", "awful", "nice", "sad", "happy", "love", "hate", "fine"]
    texts = []
    for _ in range(count):
        words = []
        for _ in range(rng.randint(150, 600)):
            roll = rng.random()
            if roll < 0.35:
                words.append(rng.choice(common))
            elif roll < 0.55:
                words.append(rng.choice(lexicon))
            elif roll < 0.6:
                words.append(rng.choice(BUTS))
            else:
                words.append(rng.choice(FILLER) + rng.choice(SUFFIXES))
        texts.append(" ".join(words))
    return texts


def realistic_comments() -> list[str]:
    """Hand-written comments (tests/data/sentiment/realistic.jsonl) and the seed thread's comments."""
    texts = [json.loads(line)["text"] for line in (HERE / "realistic.jsonl").read_text("utf-8").splitlines()]
    seed = ROOT / "comments.jsonl"
    if seed.exists():
        texts += [json.loads(line)["text"] for line in seed.read_text("utf-8").splitlines() if line.strip()]
    return texts


def variants(texts: list[str], count: int, seed: int = 3) -> list[str]:
    """``count`` realistic comments made by varying ``texts``: joining two or three, shouting a word,
    adding ``!!!``, an emoji, an emoticon, a ``but`` clause, a quoted ``>`` line, a typo-like repeat."""
    rng = random.Random(seed)
    single_emoji, _ = _emoji()
    sentences = [s for text in texts for s in text.replace("\n", " ").split(". ") if s.strip()]
    out = []
    for k in range(count):
        base = " ".join(rng.sample(sentences, rng.choice((1, 2, 2, 3, 4, 6))))
        words = base.split(" ")
        for _ in range(rng.choice((0, 1, 2))):
            at = rng.randrange(len(words))
            words[at] = rng.choice((words[at].upper(), words[at] + "!!!", words[at] + " " + words[at],
                                    words[at] + " " + rng.choice(single_emoji), rng.choice(EMOTICONS)))
        text = " ".join(words)
        roll = rng.random()
        if roll < 0.15:
            text = f"{text} but {rng.choice(sentences).lower()}"
        elif roll < 0.22:
            text = f"> {rng.choice(sentences)}\n\n{text}"
        out.append(f"{text} #{k}" if rng.random() < 0.5 else text)
    return out
