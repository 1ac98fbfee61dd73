"""The word lists the model stores (training time only): VADER's lexicon and boosters, the project's stop
words, negations, contrasts and second-person words, and the cue detectors' phrase lists.

Inference reads them from the model file as sorted hashes, so the model stays what it was trained
with whatever later edits to the lists. They come from the project's single sources
(``analysis.text.stopwords``, ``analysis.stages.cue_words``), plus the contracted negations ("don't"),
which the model's tokenizer keeps as one word and the cue detectors test by their "n't" ending.
"""

from __future__ import annotations

import os
import re

import numpy as np

from commentscope.analysis.stages import cue_words
from commentscope.analysis.stages.pairwise import features as F
from commentscope.analysis.stages.pairwise import ngrams as N
from commentscope.analysis.text.stopwords import STOPWORDS

CONTRACTED_NEGATIONS = """ain't aren't can't couldn't didn't doesn't don't hadn't hasn't haven't isn't mightn't
mustn't needn't shouldn't wasn't weren't won't wouldn't aint arent couldnt didnt doesnt dont hadnt hasnt havent
isnt mightnt mustnt neednt shouldnt wasnt werent wont wouldnt""".split()
#: The cue phrase lists looked up as features: (name in cue_words, "opener" | "anywhere").
PHRASE_LISTS = (("AGREE_OPENERS", "opener"), ("DISAGREE_OPENERS", "opener"), ("SARCASM_OPENERS", "opener"),
                ("AGREEING_NEGATIONS", "opener"), ("AGREE_PHRASES", "anywhere"), ("DISAGREE_PHRASES", "anywhere"),
                ("CHALLENGE_PHRASES", "anywhere"), ("SARCASM_ANYWHERE", "anywhere"), ("PIECE_PRAISE", "anywhere"),
                ("PIECE_ATTACK", "anywhere"), ("TOP_LEVEL_DISMISSAL", "anywhere"), ("THANKS", "anywhere"),
                ("NEUTRAL_MARKERS", "anywhere"))
#: How each phrase list reads in an explanation.
PHRASE_WORDS = {"AGREE_OPENERS": "opens by agreeing", "DISAGREE_OPENERS": "opens by disagreeing",
                "SARCASM_OPENERS": "opens sarcastically", "AGREEING_NEGATIONS": "opens with 'no doubt'-style agreement",
                "AGREE_PHRASES": "agreeing phrase", "DISAGREE_PHRASES": "disagreeing phrase",
                "CHALLENGE_PHRASES": "challenging phrase", "SARCASM_ANYWHERE": "sarcasm", "PIECE_PRAISE": "praises the piece",
                "PIECE_ATTACK": "attacks the piece", "TOP_LEVEL_DISMISSAL": "dismisses the piece",
                "THANKS": "thanks", "NEUTRAL_MARKERS": "sits on the fence"}


def word_hashes(words) -> np.ndarray:
    """The full-token hash of each single-token word (others dropped), sorted and unique."""
    tb = F.tokenize(list(words))
    one = np.bincount(tb.tok_row, minlength=tb.n) == 1
    return np.unique(tb.tok_hash[one[tb.tok_row]])


def build_lexicon() -> F.Lexicon:
    """The model's lexicon: vaderSentiment's lexicon file and booster words, and the project's lists."""
    import vaderSentiment.vaderSentiment as V

    words, values = [], []
    with open(os.path.join(os.path.dirname(V.__file__), "vader_lexicon.txt"), encoding="utf-8") as handle:
        for line in handle:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 2:
                words.append(parts[0])
                values.append(float(parts[1]))
    arrays = {}
    for name, (ws, vs) in {"vader": (words, values), "boost": (list(V.BOOSTER_DICT), list(V.BOOSTER_DICT.values()))}.items():
        tb = F.tokenize(ws)
        one = np.bincount(tb.tok_row, minlength=tb.n) == 1
        rows_tok = np.flatnonzero(one[tb.tok_row])  # single-token entries only (":)" has no token)
        keys, vals = tb.tok_hash[rows_tok], np.asarray(vs, np.float32)[tb.tok_row[rows_tok]]
        order = np.lexsort((vals, keys))
        keys, vals = keys[order], vals[order]
        first = np.concatenate([[True], keys[1:] != keys[:-1]]) if len(keys) else np.zeros(0, bool)
        arrays[f"{name}_keys"], arrays[f"{name}_vals"] = keys[first], vals[first]
    lists = {"stop": sorted(STOPWORDS), "neg": sorted(cue_words.NEGATIONS) + CONTRACTED_NEGATIONS,
             "contrast": sorted(cue_words.CONTRASTS), "second": sorted(cue_words.SECOND_PERSON), "but": ["but"]}
    for name, ws in lists.items():
        arrays[f"{name}_keys"] = word_hashes(ws)
    return F.Lexicon(arrays)


def phrase_lists() -> list[tuple[str, str, list[str]]]:
    """(name, "opener" | "anywhere", phrases) read back from the alternations ``cue_words`` compiled
    (``text.phrases.opener``/``anywhere`` build them from plain phrase lists)."""
    out = []
    for name, kind in PHRASE_LISTS:
        pattern = getattr(cue_words, name).pattern
        inner = pattern[pattern.index("(?:") + 3: pattern.rindex(")(?!")]
        phrases = [re.sub(r"\\(.)", r"\1", p.replace(r"\s+", " ")) for p in inner.split("|")]
        out.append((name, kind, sorted(set(phrases))))
    return out


def phrase_tables() -> list[tuple[str, str, np.ndarray]]:
    """(name, kind, sorted phrase hashes) of every cue phrase list."""
    return [(name, kind, N.phrase_table(phrases)) for name, kind, phrases in phrase_lists()]
