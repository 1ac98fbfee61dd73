"""The sentiment stage and its fast VADER: exact scores, own words, long comments, bounded cost, pool."""

from __future__ import annotations

import polars as pl
import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from analysis import fast_vader, sentiment
from analysis.sentiment import (
    EMOJI_RUN_MAX,
    RUN_MAX,
    SHORT_CHARS,
    UNIT_WORDS,
    add_sentiment,
    own_words,
    score_texts,
    sentiment_label,
    split_sentences,
    units,
)
from scraper.errors import InputError, UsageError
from scraper.records import COMMENT_SCHEMA
from tests.data.sentiment.corpus import generated_texts, long_texts, realistic_comments, variants

KEYS = ("neg", "neu", "pos", "compound")


@pytest.fixture(scope="module")
def reference():
    return SentimentIntensityAnalyzer()


@pytest.fixture(scope="module")
def corpus():
    realistic = realistic_comments()
    return generated_texts(6000) + realistic + variants(realistic, 2000) + long_texts(40)


@pytest.fixture(scope="module")
def expected(reference, corpus):
    return [reference.polarity_scores(text) for text in corpus]


@pytest.fixture(autouse=True)
def fresh_caches():
    fast_vader.scores.cache_clear()
    fast_vader._token_cache.clear()
    yield
    fast_vader.scores.cache_clear()
    fast_vader._token_cache.clear()


def _differences(corpus, expected):
    found = []
    for k, (text, want) in enumerate(zip(corpus, expected)):
        got = fast_vader.polarity_scores(text)
        if any(abs(got[key] - want[key]) > 1e-9 for key in KEYS):
            found.append((k, text[:80], want, got))
    return found


def test_corpus_is_large_and_varied(corpus):
    assert len(corpus) > 8000
    joined = "\n".join(corpus)
    for needle in ("kind of", "but", "BUT", "!!!", "??", "the bomb", "least", "without", ":)", "\U0001F602"):
        assert needle in joined, needle
    assert sum(text.count("but") >= 3 for text in corpus) > 30


def test_fast_scores_equal_vader_on_the_whole_corpus(corpus, expected):
    assert _differences(corpus, expected) == []


def test_indexed_but_rewrite_equals_vader(corpus, expected, monkeypatch):
    monkeypatch.setattr(fast_vader, "BUT_INDEX_MIN", 0)
    pairs = [(text, want) for text, want in zip(corpus, expected) if "but" in text.lower()]
    assert len(pairs) > 1000
    assert _differences(*zip(*pairs)) == []


def test_long_texts_take_the_indexed_but_path(corpus):
    counts = [sum(1 for w in text.split() if w.lower().strip(",") == "but") for text in long_texts(40)]
    assert min(counts) >= 3
    common = ("good", "bad", "great", "awful")
    nonzero = [sum(1 for w in text.split() if w in common) for text in long_texts(40)]
    assert max(nonzero) > fast_vader.BUT_INDEX_MIN


def test_token_cache_eviction_keeps_scores_exact(corpus, expected, monkeypatch):
    monkeypatch.setattr(fast_vader, "TOKEN_CACHE_SIZE", 50)
    assert _differences(corpus[:1500], expected[:1500]) == []
    assert len(fast_vader._token_cache) <= 50


@pytest.mark.parametrize("text, compound", [
    ("VADER is smart, handsome, and funny.", 0.8316),
    ("VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!", 0.9469),
    ("VADER is not smart, handsome, nor funny.", -0.7424),
    ("At least it isn't a horrible book.", 0.431),
    ("The book was only kind of good.", 0.3832),
    ("The plot was good, but the characters are uncompelling and the dialog is not great.", -0.7042),
    ("Today only kinda sux! But I'll get by, lol", 0.5249),
    ("Make sure you :) or :D today!", 0.8633),
    ("Not bad at all", 0.431),
    ("Roger Dodger is one of the least compelling variations on this theme.", -0.1695),
    ("the movie was the bomb", 0.6124),
    ("NO GOOD idea", -0.5956),
])
def test_published_vader_examples(text, compound):
    assert fast_vader.compound(text) == compound


def test_repeated_texts_hit_the_cache():
    fast_vader.compound("what a lovely day")
    fast_vader.compound("what a lovely day")
    assert fast_vader.scores.cache_info().hits == 1


def test_pool_equals_in_process(corpus):
    texts = corpus[:3000] + corpus[:500]
    assert fast_vader.compounds(texts, workers=2) == fast_vader.compounds(texts, workers=1)


def test_pipeline_pool_equals_in_process(corpus):
    texts = realistic_comments() + [" ".join(long_texts(4))] + corpus[:1500]
    assert score_texts(texts, workers=2) == score_texts(texts, workers=1)


def test_bad_worker_count_is_a_usage_error():
    with pytest.raises(UsageError, match="workers"):
        score_texts(["fine"], workers=0)


def test_non_text_is_an_input_error():
    with pytest.raises(InputError, match="not a str"):
        fast_vader.compound(None)  # type: ignore[arg-type]


def test_short_texts_score_exactly_as_vader(reference, corpus):
    short = [text for text in corpus if sentiment.is_short(text)]
    assert len(short) > 8000
    assert score_texts(short, workers=1) == [reference.polarity_scores(t)["compound"] for t in short]


def test_label_thresholds():
    assert sentiment_label(0.05) == "positive"
    assert sentiment_label(0.0499) == "neutral"
    assert sentiment_label(0.0) == "neutral"
    assert sentiment_label(-0.0499) == "neutral"
    assert sentiment_label(-0.05) == "negative"
    assert sentiment_label(1.0) == "positive"
    assert sentiment_label(-1.0) == "negative"


def _frame(texts, quotes=None):
    rows = {name: [None] * len(texts) for name in COMMENT_SCHEMA}
    rows.update(thread_id=["t"] * len(texts), id=[str(k + 1) for k in range(len(texts))],
                position=list(range(1, len(texts) + 1)), author=["a"] * len(texts), text=texts,
                flags=[[] for _ in texts], quotes=quotes or [[] for _ in texts])
    return pl.DataFrame(rows, schema=COMMENT_SCHEMA)


def test_hand_checked_labels():
    frame = add_sentiment(_frame([
        "Well said, thank you for this!",
        "Worst customer service ever. I will never shop there again.",
        "Anyone know if the pharmacy on Main Street still does walk-ins?",
        "Not bad at all for a first attempt.",
        "Such a sad story. My thoughts are with the family.",
    ]))
    assert frame["sentiment_label"].to_list() == ["positive", "negative", "neutral", "positive", "negative"]
    assert frame["sentiment"].dtype == pl.Float64
    assert frame["sentiment_label"].dtype == pl.String


def test_labels_follow_the_thresholds_everywhere(corpus):
    frame = add_sentiment(_frame(corpus[:3000]))
    for score, label in zip(frame["sentiment"], frame["sentiment_label"]):
        assert label == sentiment_label(score)
        assert -1.0 <= score <= 1.0


def test_quoting_a_hostile_passage_and_agreeing_scores_positive(reference):
    hostile = "You are a disgusting liar and your ideas are stupid, hateful garbage."
    text = f"\u201c{hostile}\u201d\n\nI agree, well said."
    start = text.index(hostile)
    frame = add_sentiment(_frame([text], [[{"source_id": "3", "start": start, "end": start + len(hostile)}]]))
    assert reference.polarity_scores(text)["compound"] < -0.5
    assert frame["sentiment_label"][0] == "positive"
    assert frame["sentiment"][0] == reference.polarity_scores("I agree, well said.")["compound"]


def test_blockquote_lines_are_not_own_words():
    frame = add_sentiment(_frame(["> This plan is a terrible, corrupt disaster.\n\nThanks, great points."]))
    assert frame["sentiment_label"][0] == "positive"


def test_own_words_removes_spans_and_empty_quote_marks():
    text = 'He wrote "this is awful" and I think it is fine.'
    start = text.index("this")
    assert own_words(text, [{"source_id": "2", "start": start, "end": start + len("this is awful")}]) \
        == "He wrote \n and I think it is fine."


def test_own_words_merges_overlapping_spans():
    text = "one two three four five"
    spans = [{"source_id": "a", "start": 4, "end": 13}, {"source_id": "b", "start": 8, "end": 18}]
    assert own_words(text, spans) == "one \n five"


def test_own_words_drops_quote_lines_but_keeps_emoticon_lines():
    text = "> quoted line\n>:( annoyed\nmine"
    assert own_words(text, []) == ">:( annoyed\nmine"


def test_own_words_without_anything_to_remove_is_the_text():
    text = "  Plain comment, kept as is.  "
    assert own_words(text, []) is text
    assert own_words(text, None) is text


@pytest.mark.parametrize("span", [{"start": -1, "end": 3}, {"start": 4, "end": 2}, {"start": 0, "end": 99},
                                  {"start": None, "end": 2}])
def test_bad_quote_span_is_an_input_error(span):
    with pytest.raises(InputError, match="quote span"):
        own_words("short text", [{"source_id": "1", **span}])


def test_bad_quote_span_names_the_comment():
    frame = _frame(["ok", "short"], [[], [{"source_id": "1", "start": 2, "end": 50}]])
    with pytest.raises(InputError, match="comment 2"):
        add_sentiment(frame)


def test_add_sentiment_is_pure():
    frame = _frame(["I love it", "I hate it"])
    before = frame.clone()
    out = add_sentiment(frame, workers=1)
    assert frame.equals(before)
    assert out.columns == [*frame.columns, "sentiment", "sentiment_label"]
    assert out["sentiment_label"].to_list() == ["positive", "negative"]


def test_missing_text_and_no_quotes_column():
    frame = add_sentiment(pl.DataFrame({"text": [None, "great"]}, schema={"text": pl.String}))
    assert frame["sentiment"].to_list() == [0.0, 0.6249]
    assert frame["sentiment_label"].to_list() == ["neutral", "positive"]


def test_frame_without_text_is_an_input_error():
    with pytest.raises(InputError, match="'text'"):
        add_sentiment(pl.DataFrame({"body": ["x"]}))


def _balanced_comment() -> str:
    positive = ["The staff were friendly and the view was lovely.",
                "I really enjoyed the concert, the band was great.",
                "Thanks for the helpful explanation.", "The new park is a nice place for families."]
    negative = ["The trains were late again and the ticket price is awful.",
                "I hate how the council ignored the residents.",
                "The report was misleading and the numbers were wrong.", "What a sad waste of money."]
    sentences, k = [], 0
    while sum(len(s.split()) for s in sentences) < 2000:
        sentences.append(negative[k % 4] if k % 9 in (1, 4, 7) else positive[k % 4])
        k += 1
    return " ".join(sentences)


def test_long_balanced_comment_is_not_saturated(reference):
    text = _balanced_comment()
    assert len(text.split()) >= 2000
    assert reference.polarity_scores(text)["compound"] > 0.9
    score = score_texts([text])[0]
    assert abs(score) < 0.5
    assert score > 0


def test_long_text_is_a_length_weighted_mean_of_sentences():
    first = "I love this wonderful place. " * 20
    second = "Terrible food and awful, rude service everywhere here today honestly. " * 10
    text = (first + second).strip()
    assert len(text) > SHORT_CHARS
    good, bad = fast_vader.compound("I love this wonderful place."), \
        fast_vader.compound("Terrible food and awful, rude service everywhere here today honestly.")
    assert score_texts([text]) == [round((good * 5 * 20 + bad * 10 * 10) / (5 * 20 + 10 * 10), 4)]


def test_one_unit_long_text_keeps_its_vader_score():
    text = "good " + "plain " * 10 + "."
    padded = text + " " * (SHORT_CHARS + 10)
    assert score_texts([padded]) == [fast_vader.compound(text)]


def test_run_on_sentence_is_cut_into_bounded_units():
    words = [f"word{k}" for k in range(500)]
    pieces = units(" ".join(words) + " " + "x" * SHORT_CHARS)
    assert max(weight for _, weight in pieces) == UNIT_WORDS
    assert sum(weight for _, weight in pieces) == 501


def test_walls_of_emoji_and_but_are_collapsed():
    assert units("\U0001F602" * 5000) == [(" ".join(["\U0001F602"] * RUN_MAX), RUN_MAX)]
    mixed = units("\U0001F602\U0001F621\U0001F44D\U0001F494\U0001F389" * 1000)
    assert mixed == [("\U0001F602 \U0001F621 \U0001F44D \U0001F494 \U0001F389", EMOJI_RUN_MAX)]
    assert units("but " * 5000) == [("but but but", 3)]
    assert score_texts(["but " * 5000]) == [0.0]


def test_many_emoji_in_a_short_text_take_the_long_path():
    text = "nice " + "\U0001F44D" * 60
    assert not sentiment.is_short(text)
    assert sentiment.is_short("nice " + "\U0001F44D" * 50)


def test_split_sentences():
    text = 'Mr. Smith said hi. I think e.g. this is bad!!! Really?\nNew line "quoted." End'
    assert split_sentences(text) == ["Mr. Smith said hi.", "I think e.g. this is bad!!!", "Really?",
                                     'New line "quoted."', "End"]
    assert split_sentences("The answer is no. Done") == ["The answer is no.", "Done"]
    assert split_sentences("  \n\n ") == []
