"""Stance toward the article: how the piece is read, each kind of evidence on tiny threads built in code,
the reply tree, user labels and the metrics (checked against hand-computed tables), and macro-F1 on every
hand-labelled thread next to two baselines (majority class; VADER sign as stance)."""

from __future__ import annotations

import sys
from collections import Counter
from functools import lru_cache
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent / "data" / "labels"))
import fixtures  # noqa: E402

from commentscope.analysis.stages.agreement import add_agreement  # noqa: E402
from commentscope.analysis.stages.labels import accuracy, cohen_kappa, confusion, macro_f1, score_labels  # noqa: E402
from commentscope.analysis.stages.stance import TARGET_ARTICLE, TARGET_OPENING, add_stance, apply_labels, read_target  # noqa: E402
from commentscope.analysis.stages.stance_cues import own_evidence  # noqa: E402
from commentscope.scraper.errors import InputError  # noqa: E402
from commentscope.scraper.records import COMMENT_SCHEMA, Thread  # noqa: E402

#: Measured stance macro-F1 on each labelled thread, scored by the model trained without any thread
#: (gold reply links), floors pinned just under it (raise, never lower).
FLOORS = {"seed": 0.35, "bike_lanes": 0.92, "headphones": 0.80, "flu_shots": 0.79, "playoffs": 0.98,
          "holdout_gas_stoves": 0.61}
POOLED_FLOOR = 0.75
#: Threads where the labels score below VADER's sign (README, "how well": the seed's commenters agree with
#: an article that attacks a narrative by attacking it too, which the model reads as opposition).
BELOW_VADER = {"seed"}

ARTICLE = ("The river park plan deserves a yes vote.\n\n"
           "The developers behind the rival tower spread false numbers about flooding. The developers ignored "
           "the flood reports, a reckless failure that the council should not reward.\n\n"
           "The park would cost less than one road repair and would open next spring. The council should "
           "approve the park.\n\n"
           "Jane Roe is a planner and writes about parks.")


def frame(rows: list[dict], thread_id: str = "t") -> pl.DataFrame:
    base = {"thread_id": thread_id, "position": None, "author": "someone", "timestamp": None, "parent_id": None,
            "reply_evidence": None, "reply_confidence": None, "source_format": "test", "author_url": None,
            "flags": [], "quotes": []}
    return pl.DataFrame([{**base, "position": i + 1, **row} for i, row in enumerate(rows)], schema=COMMENT_SCHEMA)


def threads(article: str | None = ARTICLE, title: str = "Approve the River Park") -> list[Thread]:
    return [Thread(thread_id="t", source_format="test", title=title, article_text=article)]


def stances(rows: list[dict], meta: list[Thread] | None = None) -> dict[str, tuple[str, float]]:
    out = add_stance(add_agreement(frame(rows)), threads() if meta is None else meta)
    return {r["id"]: (r["stance"], r["stance_confidence"]) for r in out.to_dicts()}


def test_read_target_takes_claims_bio_and_criticised_terms():
    target = read_target("Approve the River Park", ARTICLE)
    claims = [c[0] for c in target.claims]
    assert target.kind == TARGET_ARTICLE
    assert target.author == "Jane Roe"
    assert "Approve the River Park" in claims and "The council should approve the park." in claims
    assert not any("Jane Roe" in c for c in claims)
    assert target.term_polarity["develop"] < 0 and target.term_polarity["flood"] < 0
    assert {"jane roe", "jane"} <= target.names


def test_attributed_sentences_are_not_the_articles_claims():
    target = read_target(None, "Critics said the bridge is unsafe. The bridge is safe and should stay open.")
    claims = [c[0] for c in target.claims]
    assert "Critics said the bridge is unsafe." not in claims
    assert "The bridge is safe and should stay open." in claims


@pytest.mark.parametrize("text, expected", [
    ("Great article, thank you for writing it.", "favor"),
    ("Well researched and clearly argued.", "favor"),
    ("This is nothing but a hit piece.", "against"),
    ("The author conveniently ignores the cost.", "against"),
    ("Reads like an ad. Was this sponsored?", "against"),
    ("I'm strongly in favour of this.", "favor"),
    ("What time does the library open on Sundays?", "none"),
])
def test_explicit_cues_about_the_piece(text, expected):
    assert stances([{"id": "1", "text": text}])["1"][0] == expected


def test_tone_is_not_stance():
    """Angry words at whom the article criticises echo the article: favour, though VADER calls them negative."""
    text = "Those developers are shameless liars and their flood numbers were a disgrace."
    assert stances([{"id": "1", "text": text}])["1"][0] == "favor"


def test_reply_tree_inherits_and_flips():
    got = stances([
        {"id": "1", "author": "Ann", "text": "Great article, thank you for writing it."},
        {"id": "2", "author": "Kim", "text": "No, this article is one-sided garbage.", "parent_id": "1"},
        {"id": "3", "author": "Lou", "text": "Exactly.", "parent_id": "2"},
        {"id": "4", "author": "Max", "text": "Well said.", "parent_id": "1"},
    ])
    assert [got[i][0] for i in "1234"] == ["favor", "against", "against", "favor"]
    assert got["3"][1] < got["2"][1], "inherited confidence decays"


def test_strong_own_evidence_is_kept_against_the_tree():
    got = stances([
        {"id": "1", "author": "Ann", "text": "Great article, thank you for writing it."},
        {"id": "2", "author": "Bob", "text": "No, and I disagree with you, but this piece is well researched and "
                                             "I agree with the author.", "parent_id": "1"},
    ])
    assert got["2"][0] == "favor"


def test_thread_without_article_is_judged_toward_the_opening_comment():
    rows = [
        {"id": "1", "author": "Sandra", "text": "I propose we close the car park on weekends for a market."},
        {"id": "2", "author": "Tom", "text": "Fully support this.", "parent_id": "1"},
        {"id": "3", "author": "Lin", "text": "No. Terrible idea, the shops need the parking.", "parent_id": "1"},
        {"id": "4", "author": "Ed", "text": "Anyone know when the next meeting is?"},
    ]
    out = add_stance(add_agreement(frame(rows)), threads(article=None, title="Weekend market"))
    assert out["stance_target"].unique().to_list() == [TARGET_OPENING]
    assert out["stance"].to_list() == ["favor", "favor", "against", "none"]
    assert out["stance_confidence"][0] == 1.0


def test_add_stance_without_agreement_column_computes_it_but_does_not_add_it():
    comments = frame([{"id": "1", "text": "Great article."}, {"id": "2", "text": "Exactly.", "parent_id": "1"}])
    out = add_stance(comments, threads())
    assert "agreement" not in out.columns
    assert out["stance"].to_list() == ["favor", "favor"]
    assert out.schema["stance_confidence"] == pl.Float64 and out["stance_target"].to_list() == ["article"] * 2


def test_thread_missing_from_metadata_uses_its_opening_comment():
    out = add_stance(frame([{"id": "1", "text": "Ban fireworks in town."}]), None)
    assert out["stance_target"].to_list() == [TARGET_OPENING]


def test_empty_frame_gets_the_columns():
    out = add_stance(pl.DataFrame(schema=COMMENT_SCHEMA), threads())
    assert out.height == 0 and {"stance", "stance_confidence", "stance_target"} <= set(out.columns)


# --- user labels and metrics ------------------------------------------------------------------------

def test_apply_labels_overrides_and_marks_the_source():
    machine = add_stance(frame([{"id": "1", "text": "Great article."}, {"id": "2", "text": "Hit piece."}]), threads())
    labels = pl.DataFrame({"thread_id": ["t", "t", "other"], "id": [2, 1, 9], "stance": ["favor", "none", "against"]})
    out = apply_labels(machine, labels)
    assert out["stance"].to_list() == ["none", "favor"]
    assert out["stance_source"].to_list() == ["human", "human"]
    assert out["stance_confidence"].to_list() == [1.0, 1.0]
    partial = apply_labels(machine, labels.filter(pl.col("id") == 2))
    assert partial["stance_source"].to_list() == ["model", "human"]
    assert partial["stance_confidence"][0] == machine["stance_confidence"][0]


def test_apply_labels_rejects_unknown_values():
    machine = add_stance(frame([{"id": "1", "text": "Great article."}]), threads())
    with pytest.raises(InputError, match="'maybe'"):
        apply_labels(machine, pl.DataFrame({"thread_id": ["t"], "id": ["1"], "stance": ["maybe"]}))
    with pytest.raises(InputError, match="stance"):
        apply_labels(machine, pl.DataFrame({"thread_id": ["t"], "id": ["1"]}))


def _table(cells: dict[tuple[str, str], int]) -> tuple[list[str], list[str]]:
    gold, predicted = [], []
    for (g, p), count in cells.items():
        gold += [g] * count
        predicted += [p] * count
    return gold, predicted


def test_kappa_of_a_2x2_table():
    # gold a: 20 a, 5 b; gold b: 10 a, 15 b. po = 0.7, pe = (25*30 + 25*20)/50^2 = 0.5, kappa = 0.4
    gold, predicted = _table({("a", "a"): 20, ("a", "b"): 5, ("b", "a"): 10, ("b", "b"): 15})
    assert cohen_kappa(gold, predicted) == pytest.approx(0.4)
    assert accuracy(gold, predicted) == pytest.approx(0.7)


def test_metrics_of_a_3x3_table():
    cells = {("x", "x"): 10, ("x", "y"): 2, ("x", "z"): 3, ("y", "x"): 1, ("y", "y"): 8, ("y", "z"): 1,
             ("z", "x"): 4, ("z", "z"): 21}
    gold, predicted = _table(cells)
    # po = 39/50; pe = (15*15 + 10*10 + 25*25)/2500 = 0.38; kappa = 0.40/0.62
    assert cohen_kappa(gold, predicted) == pytest.approx(0.40 / 0.62)
    # F1: x 20/30, y 16/20, z 42/50
    assert macro_f1(gold, predicted) == pytest.approx((20 / 30 + 16 / 20 + 42 / 50) / 3)
    assert confusion(gold, predicted)["z"] == {"x": 4, "y": 0, "z": 21}


def test_kappa_when_both_raters_use_one_label():
    assert cohen_kappa(["a", "a"], ["a", "a"]) == 1.0
    assert cohen_kappa([], []) == 0.0


def test_score_labels_joins_on_thread_and_id():
    machine = pl.DataFrame({"thread_id": ["t"] * 4, "id": ["1", "2", "3", "4"],
                            "stance": ["favor", "against", None, "favor"]})
    labels = pl.DataFrame({"thread_id": ["t"] * 3 + ["u"], "id": [1, 2, 3, 1],
                           "stance": ["favor", "favor", "none", "against"]})
    scores = score_labels(machine, labels)
    assert scores["n"] == 3
    assert scores["accuracy"] == pytest.approx(2 / 3)
    assert scores["confusion"]["favor"] == {"favor": 1, "against": 1, "none": 0}
    assert scores["confusion"]["none"]["none"] == 1, "a machine null counts as none"
    # F1 favor 2/3, against 0, none 1
    assert scores["macro_f1"] == pytest.approx((2 / 3 + 0 + 1) / 3)


def test_score_labels_errors_are_ours():
    machine = pl.DataFrame({"thread_id": ["t"], "id": ["1"], "stance": ["favor"]})
    with pytest.raises(InputError, match="no labelled comment"):
        score_labels(machine, pl.DataFrame({"thread_id": ["x"], "id": ["1"], "stance": ["favor"]}))
    with pytest.raises(InputError, match="labelled twice"):
        score_labels(machine, pl.DataFrame({"thread_id": ["t", "t"], "id": ["1", "1"], "stance": ["favor", "none"]}))


# --- hand-labelled threads ---------------------------------------------------------------------------

@lru_cache(maxsize=None)
def machine_thread(name: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    comments, meta, gold = fixtures.load(name)
    with fixtures.held_out_model():
        return add_stance(add_agreement(comments), meta), gold


def _baselines(out: pl.DataFrame, gold: pl.DataFrame) -> dict[str, float]:
    joined = gold.join(out.select("thread_id", "id", "sentiment"), on=["thread_id", "id"])
    truth = joined["stance"].to_list()
    majority = Counter(truth).most_common(1)[0][0]
    vader = ["favor" if s >= 0.05 else "against" if s <= -0.05 else "none" for s in joined["sentiment"].to_list()]
    return {"majority": macro_f1(truth, [majority] * len(truth), sorted(set(truth))),
            "vader": macro_f1(truth, vader, sorted(set(truth) | set(vader)))}


def test_seed_stances_hand_checked():
    out, _gold = machine_thread("seed")
    got = dict(zip(out["id"].to_list(), out["stance"].to_list()))
    assert got["1"] == "against"   # "How much does Iran contribute to this publication?"
    assert got["12"] == "favor"    # "I thank and respect the in dept analysis of Gareth Porter"
    assert got["14"] == "against"  # "the rest of the garbage in this article"
    assert got["2"] == "favor" and got["9"] == "favor"  # disagree with #1
    assert set(out["stance_target"].to_list()) == {"article"}


@pytest.mark.parametrize("name", list(fixtures.THREADS))
def test_stance_macro_f1_on_labelled_thread(name):
    out, gold = machine_thread(name)
    scores = score_labels(out, gold)
    base = _baselines(out, gold)
    print(f"\nstance {name}: n={scores['n']} macro-F1={scores['macro_f1']:.3f} accuracy={scores['accuracy']:.3f} "
          f"kappa={scores['kappa']:.3f} | majority {base['majority']:.3f} | VADER sign {base['vader']:.3f}")
    assert scores["n"] == gold.height
    assert scores["macro_f1"] >= FLOORS[name]
    assert scores["macro_f1"] > base["majority"]
    if name not in BELOW_VADER:
        assert scores["macro_f1"] > base["vader"]


def test_stance_macro_f1_pooled():
    outs, golds = zip(*(machine_thread(name) for name in fixtures.THREADS))
    pooled, gold = pl.concat(outs, how="diagonal_relaxed"), pl.concat(golds)
    scores = score_labels(pooled, gold)
    base = _baselines(pooled, gold)
    print(f"\nstance pooled: n={scores['n']} macro-F1={scores['macro_f1']:.3f} kappa={scores['kappa']:.3f} "
          f"| majority {base['majority']:.3f} | VADER sign {base['vader']:.3f}")
    assert scores["macro_f1"] >= POOLED_FLOOR
    assert scores["macro_f1"] > base["majority"] and scores["macro_f1"] > base["vader"]


def test_opening_comment_thread_says_so():
    out, _gold = machine_thread("flu_shots")
    assert set(out["stance_target"].to_list()) == {TARGET_OPENING}
    assert out.filter(pl.col("id") == "1")["stance"].to_list() == ["favor"]


def test_long_comments_are_read_at_their_opening_and_close():
    """The cues and the model read the first READ_HEAD and last READ_TAIL characters of a comment's own
    words: a position stated at the start or the end of a 12,000-character comment counts, one only in
    its middle does not (the documented price of a bounded cost per comment)."""
    from commentscope.analysis.stages import cues

    filler = " ".join(["The meeting lasted three hours and many residents spoke about parking."] * 160)
    assert len(filler) > 10_000
    target = read_target("Approve the River Park", ARTICLE)
    start = own_evidence("Great article, thank you for writing it.\n\n" + filler, target, False)
    end = own_evidence(filler + "\n\nThis is nothing but a hit piece.", target, False)
    middle = own_evidence(filler[:5_000] + "\n\nThis is nothing but a hit piece.\n\n" + filler[:5_000], target, False)
    assert start["favor"] >= 0.8 and end["against"] >= 0.8
    assert middle == {"favor": 0.0, "against": 0.0}
    text = " ".join(["word"] * 3_000)
    short = cues.bounded(text)
    assert len(short) <= cues.READ_HEAD + cues.READ_TAIL + 2
    assert short.startswith("word word") and short.endswith("word")
    assert all(token == "word" for token in short.split()), "cut at word boundaries"
    assert cues.bounded("short text") == "short text"


@pytest.mark.parametrize("text", [
    "jane doe is right", "jane's doe is right", "janedoe is right", "jane  doe!", "doe, jane", "café jane doe",
    "o'brien wrote well", "o brien wrote well", "obrien wrote well", "don't trust jane", "nothing here",
    "the example site says so", "jané doe", "jane doe’s", "ＪＡＮＥ doe", "jane_doe wrote", "jane2 doe",
])
def test_a_name_is_found_by_its_words_in_any_text(text):
    """``_may_refer`` rules names out by the text's letter-digit runs where the text is ASCII; it must
    come to what the text's words say, in every case (apostrophes, accents, non-ASCII letters)."""
    from commentscope.analysis.stages.stance_cues import _may_refer
    from commentscope.analysis.text.tokens import normalise, word_set

    target = read_target("A title", "Some text.", "Jane Doe", "example site")
    target.names |= {"o'brien"}
    lowered = normalise(text)
    expected = any(word_set(lowered).issuperset(name.split()) for name in target.names)
    assert _may_refer(lowered, target) is expected


def _cue_phrase_pieces() -> list[str]:
    from commentscope.analysis.stages import cue_words

    found = []
    for name in ("PIECE_PRAISE", "PIECE_ATTACK", "THANKS", "AGREE_PHRASES", "DISAGREE_PHRASES", "CHALLENGE_PHRASES",
                 "TOP_LEVEL_DISMISSAL", "NEUTRAL_MARKERS", "SARCASM_ANYWHERE"):
        found += getattr(cue_words, name).pattern.split("(?:", 1)[1].rsplit(")(?!", 1)[0].replace(r"\s+", " ").split("|")[:12]
    return [p.replace("\\", "") for p in found] + ["this article", "the author", "i'm all for it", "i oppose this",
                                                    "not", "great", "you", "the", " ", ", ", "x", "é"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_cue_phrase_pieces()), max_size=8).map(" ".join))
def test_the_phrase_gate_never_hides_a_match(text):
    """``search`` skips a regex only where it cannot match: on texts made of cue phrases and their
    pieces it finds exactly what the bare regex finds, for every registered pattern."""
    from commentscope.analysis.stages import cue_words
    from commentscope.analysis.text import phrases
    from commentscope.analysis.text.tokens import normalise

    lowered = normalise(text)
    for name in dir(cue_words):
        pattern = getattr(cue_words, name)
        if hasattr(pattern, "search") and id(pattern) in phrases._NEEDS:
            found = phrases.search(pattern, lowered)
            bare = pattern.search(lowered)
            assert (found and found.group(0)) == (bare and bare.group(0)), (name, lowered)
