"""The sentiment stage and its fast VADER: exact scores, own words, long comments, bounded cost, pool;
and the text toolkit's sentence splitter and own words, which it reads by."""

from __future__ import annotations

import random
import re

import polars as pl
import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from commentscope.analysis.stages import sentiment, vader
from commentscope.analysis.stages.sentiment import (
    EMOJI_RUN_MAX,
    RUN_MAX,
    SAMPLE_CHARS,
    SAMPLE_UNIT_CHARS,
    SAMPLE_WINDOWS,
    SHORT_CHARS,
    UNIT_WORDS,
    add_sentiment,
    all_units,
    sample_windows,
    score_texts,
    sentiment_label,
    units,
)
from commentscope.analysis.text import sentences
from commentscope.analysis.text.own import own_words, split_own
from commentscope.analysis.text.sentences import is_question, split_sentences
from commentscope.scraper.errors import InputError, UsageError
from commentscope.scraper.records import COMMENT_SCHEMA
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
    _clear_caches()
    yield
    _clear_caches()


def _clear_caches():
    vader.scores.cache_clear()
    vader.compound_scores.cache_clear()
    vader._token_cache.clear()


def _differences(corpus, expected):
    found = []
    for k, (text, want) in enumerate(zip(corpus, expected)):
        got = vader.polarity_scores(text)
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


def test_compounds_alone_equal_vader_on_the_whole_corpus(corpus, expected):
    assert vader.compounds(corpus, workers=1) == [want["compound"] for want in expected]


def test_indexed_but_rewrite_equals_vader(corpus, expected, monkeypatch):
    monkeypatch.setattr(vader, "BUT_INDEX_MIN", 0)
    pairs = [(text, want) for text, want in zip(corpus, expected) if "but" in text.lower()]
    assert len(pairs) > 1000
    assert _differences(*zip(*pairs)) == []


def test_long_texts_take_the_indexed_but_path(corpus):
    counts = [sum(1 for w in text.split() if w.lower().strip(",") == "but") for text in long_texts(40)]
    assert min(counts) >= 3
    common = ("good", "bad", "great", "awful")
    nonzero = [sum(1 for w in text.split() if w in common) for text in long_texts(40)]
    assert max(nonzero) > vader.BUT_INDEX_MIN


def test_token_cache_eviction_keeps_scores_exact(corpus, expected, monkeypatch):
    monkeypatch.setattr(vader, "TOKEN_CACHE_SIZE", 50)
    assert _differences(corpus[:1500], expected[:1500]) == []
    assert len(vader._token_cache) <= 50


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
    assert vader.compound(text) == compound


def test_repeated_texts_hit_the_cache():
    vader.compound("what a lovely day")
    vader.compound("what a lovely day")
    assert vader.scores.cache_info().hits == 1


def test_pool_equals_in_process(corpus):
    texts = corpus[:3000] + corpus[:500]
    assert vader.compounds(texts, workers=2) == vader.compounds(texts, workers=1)


def test_pipeline_pool_equals_in_process(corpus):
    texts = realistic_comments() + [" ".join(long_texts(4))] + corpus[:1500]
    assert score_texts(texts, workers=2) == score_texts(texts, workers=1)


def test_bad_worker_count_is_a_usage_error():
    with pytest.raises(UsageError, match="workers"):
        score_texts(["fine"], workers=0)


def test_non_text_is_an_input_error():
    with pytest.raises(InputError, match="not a str"):
        vader.compound(None)  # type: ignore[arg-type]


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
    good, bad = vader.compound("I love this wonderful place."), \
        vader.compound("Terrible food and awful, rude service everywhere here today honestly.")
    assert score_texts([text]) == [round((good * 5 * 20 + bad * 10 * 10) / (5 * 20 + 10 * 10), 4)]


def test_one_unit_long_text_keeps_its_vader_score():
    text = "good " + "plain " * 10 + "."
    padded = text + " " * (SHORT_CHARS + 10)
    assert score_texts([padded]) == [vader.compound(text)]


def test_run_on_sentence_is_cut_into_bounded_units():
    words = [f"word{k}" for k in range(500)]
    pieces = all_units(" ".join(words) + " " + "x" * SHORT_CHARS)
    assert max(weight for _, weight in pieces) == UNIT_WORDS
    assert sum(weight for _, weight in pieces) == 501
    first = words[:200]
    short = " ".join(first)
    assert SHORT_CHARS < len(short) <= SAMPLE_CHARS
    pieces = [first[k:k + UNIT_WORDS] for k in range(0, 200, UNIT_WORDS)]
    assert units(short) == all_units(short) == [(" ".join(piece), len(piece)) for piece in pieces]


def test_sampled_run_on_text_reads_each_stretch_once():
    words = [f"w{k}" for k in range(3000)]
    pieces = units(" ".join(words))
    assert len(pieces) == SAMPLE_WINDOWS
    assert max(weight for _, weight in pieces) <= UNIT_WORDS
    read = [int(word[1:]) for unit, _ in pieces for word in unit.split()]
    assert read == sorted(set(read))  # in order, none twice
    assert read[0] == 0 and read[-1] > 3000 * (SAMPLE_WINDOWS - 1) / SAMPLE_WINDOWS
    # A run-on sentence after a sentence longer than the windows' spacing: a window opening in that
    # one takes the run-on from its start (its first SAMPLE_UNIT_CHARS), and the windows opening in
    # that stretch, seeing no sentence end, read on from where it stopped, not the same words again.
    longer = " ".join(f"v{k}" for k in range(150)) + "."
    run_on = [f"word{k:06d}" for k in range(1000)]  # 43 fit in SAMPLE_UNIT_CHARS: all are read
    text = " ".join(["Before it.", longer, " ".join(run_on), "After that."])
    assert len(longer) > len(text) / SAMPLE_WINDOWS
    read = [word for unit, _ in units(text) for word in unit.split()]
    assert read[2:4] == run_on[:2] and len(read) == len(set(read))


def test_walls_of_emoji_and_but_are_collapsed():
    laughing = " ".join(["\U0001F602"] * RUN_MAX)
    assert all_units("\U0001F602" * 5000) == [(laughing, RUN_MAX)]
    assert units("\U0001F602" * 5000) == [(laughing, RUN_MAX)] * SAMPLE_WINDOWS
    assert score_texts(["\U0001F602" * 5000]) == [vader.compound(laughing)]
    cycle = ["\U0001F602", "\U0001F621", "\U0001F44D", "\U0001F494", "\U0001F389"]
    mixed = "".join(cycle) * 1000
    assert all_units(mixed) == [(" ".join(cycle), EMOJI_RUN_MAX)]
    sampled = units(mixed)
    assert len(sampled) == SAMPLE_WINDOWS
    for unit, weight in sampled:  # each window opens somewhere in the cycle and keeps five of the run
        assert weight == EMOJI_RUN_MAX and sorted(unit.split()) == sorted(cycle)
    assert all_units("but " * 5000) == [("but but but", 3)]
    assert units("but " * 5000) == [("but but but", 3)] * SAMPLE_WINDOWS
    assert score_texts(["but " * 5000]) == [0.0]


POSITIVE = ["The staff were friendly and the view was lovely.",
            "I really enjoyed the concert, the band was great.", "Thanks for the helpful explanation.",
            "The new park is a nice place for families.", "What a wonderful, happy afternoon that was."]
NEGATIVE = ["The trains were late again and the ticket price is awful.",
            "I hate how the council ignored the residents.",
            "The report was misleading and the numbers were wrong.", "What a sad waste of money.",
            "The service was rude and the food was terrible."]


def _prose(sentences, chars):
    out, k, size = [], 0, 0
    while size < chars:
        out.append(sentences[k % len(sentences)])
        size += len(out[-1]) + 1
        k += 1
    return " ".join(out)


def _full_mean(text):
    """The unbounded long path: the word-weighted mean over every unit."""
    scored = [(vader.compound(unit), weight) for unit, weight in all_units(text)]
    return round(sum(c * w for c, w in scored) / sum(w for _, w in scored), 4)


def test_long_text_is_scored_on_an_evenly_spread_sample_of_its_sentences():
    sentences = [f"Item {k} stays here." for k in range(2000)]
    text = " ".join(sentences)
    assert len(text) > 10 * SAMPLE_CHARS
    sampled = units(text)
    assert len(sampled) == SAMPLE_WINDOWS
    assert {unit for unit, _ in sampled} <= {unit for unit, _ in all_units(text)}
    taken = [int(unit.split()[1]) for unit, _ in sampled]
    assert taken[0] == 0  # the first window opens the text
    starts = [text.index(sentence) for sentence in sentences]
    for k, item in enumerate(taken[1:], 1):
        # window k skips the sentence in progress at k/32 of the text and takes the next one
        point = k * len(text) // SAMPLE_WINDOWS
        following = next(n for n, start in enumerate(starts) if start > point)
        assert item in (following, following + 1)
    assert taken[-1] >= 2000 * (SAMPLE_WINDOWS - 1) / SAMPLE_WINDOWS
    opens = [begin for begin, _, _ in sample_windows(text)]
    assert opens[0] == 0 and all(text[at].isspace() for at in opens[1:])
    assert [limit for _, limit, _ in sample_windows(text)] == opens[1:] + [len(text)]


def test_sample_of_a_positive_then_negative_text_is_near_the_full_mean():
    text = _prose(POSITIVE, 6000) + " " + _prose(NEGATIVE, 6000)
    sampled = units(text)
    signs = [vader.compound(unit) > 0 for unit, _ in sampled]
    assert signs == [True] * (SAMPLE_WINDOWS // 2) + [False] * (SAMPLE_WINDOWS // 2)
    full = _full_mean(text)
    assert abs(full) < 0.05
    assert abs(score_texts([text])[0] - full) < 0.03


def test_uniformly_negative_or_positive_long_texts_keep_their_sign():
    negative, positive = _prose(NEGATIVE, 30_000), _prose(POSITIVE, 30_000)
    scores = score_texts([negative, positive])
    assert scores[0] < -0.5 and abs(scores[0] - _full_mean(negative)) < 0.1
    assert scores[1] > 0.5 and abs(scores[1] - _full_mean(positive)) < 0.1
    labels = add_sentiment(_frame([negative, positive]))["sentiment_label"].to_list()
    assert labels == ["negative", "positive"]


def test_sampled_score_is_deterministic():
    text = _prose(POSITIVE[:3] + NEGATIVE[:2], 20_000)
    first = score_texts([text], workers=1)
    assert units(text) == units(text)
    _clear_caches()
    assert score_texts(["short and sweet", text, _prose(NEGATIVE, 9000)], workers=1)[1] == first[0]
    assert score_texts([text] * 3, workers=1) == first * 3


def test_texts_at_the_sample_bound_and_short_texts(reference):
    prose = _prose(POSITIVE[:3] + NEGATIVE[:3], 2 * SAMPLE_CHARS)
    at_bound, over = prose[:SAMPLE_CHARS], prose[:SAMPLE_CHARS + 1]
    assert units(at_bound) == all_units(at_bound)  # every unit, up to SAMPLE_CHARS
    assert len(all_units(at_bound)) > SAMPLE_WINDOWS
    sampled = units(over)  # one character more: a sample of whole sentences
    assert len(sampled) <= SAMPLE_WINDOWS < len(all_units(over))
    assert {unit for unit, _ in sampled} <= {unit for unit, _ in all_units(over)}
    assert abs(score_texts([over])[0] - _full_mean(over)) < 0.1
    short = prose[:SHORT_CHARS]
    assert units(short) == [(short, 1)]
    assert score_texts([short]) == [reference.polarity_scores(short)["compound"]]


def test_a_sampled_unit_is_bounded_however_the_text_runs():
    sentence = " ".join(f"elephant{k:06d}" for k in range(200)) + "."  # 3,000 characters
    text = " ".join(sentence + " " + _prose(POSITIVE, 400) for _ in range(10))
    for begin, _, stop in sample_windows(text):
        assert stop - begin <= sentiment.WINDOW_CHARS
    sampled = units(text)
    assert all(weight <= UNIT_WORDS and len(unit) <= SAMPLE_UNIT_CHARS for unit, weight in sampled)
    assert max(len(unit) for unit, _ in sampled) > SAMPLE_UNIT_CHARS - len("elephant000000 ")
    emoji = "\U0001F44D\U0001F621" * 3000  # no sentence end, no space: a window reads its own stretch
    assert all(weight <= EMOJI_RUN_MAX for _, weight in units(emoji))


def test_many_emoji_in_a_short_text_take_the_long_path():
    text = "nice " + "\U0001F44D" * 60
    assert not sentiment.is_short(text)
    assert sentiment.is_short("nice " + "\U0001F44D" * 50)


def test_own_words_finds_quote_lines_but_not_arrows():
    text = "Prices went 3 -> 5 and x > y.\nStill fine."
    assert own_words(text) is text
    assert own_words("ok\n  > quoted here\nmine") == "ok\nmine"
    assert own_words("\n\n> quoted first\nmine") == "mine"


def test_sentence_end_pattern_equals_the_plain_one():
    plain = re.compile(r"([.!?…]+[\"'”’»)\]]*)(?=\s)|\n+")
    rng = random.Random(7)
    alphabet = list("a .!?…\n\"'”’»)]\t(") + ["  ", "\r", "\u00a0", "xy"]
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 25)))
        assert [(m.start(), m.end(), m.group(1) is None) for m in plain.finditer(text)] == \
            [(m.start(), m.end(), m.group()[0] == "\n") for m in sentences._SENTENCE_END.finditer(text)]


def test_split_sentences():
    text = 'Mr. Smith said hi. I think e.g. this is bad!!! Really?\nNew line "quoted." End'
    assert split_sentences(text) == ["Mr. Smith said hi.", "I think e.g. this is bad!!!", "Really?",
                                     'New line "quoted."', "End"]
    assert split_sentences("The answer is no. Done") == ["The answer is no.", "Done"]
    assert split_sentences("  \n\n ") == []
    assert split_sentences("a.\n\n\nb") == ["a.", "b"]
    assert split_sentences("I live in the U.S. It is big.") == ["I live in the U.S. It is big."]
    assert split_sentences("Incomprehensibilities. Next") == ["Incomprehensibilities.", "Next"]
    assert split_sentences("((((((((((((((((((Mr. Smith came") == ["((((((((((((((((((Mr. Smith came"]
    assert split_sentences('He said "no." Then left! Why? OK') == ['He said "no."', "Then left!", "Why?", "OK"]
    assert split_sentences("Ask Dr. Smith about the U.S. Army. Fine.") == ["Ask Dr. Smith about the U.S. Army.",
                                                                           "Fine."]
    assert split_sentences("Ask Dr.\nSmith now") == ["Ask Dr.", "Smith now"]
    assert split_sentences("one\n\n - \ntwo…three… four") == ["one", "-", "two…three…", "four"]
    assert sentences.sentences("e.g. this") == ("e.g. this",)


def test_a_question_may_end_in_closing_marks():
    assert is_question("Really?") and is_question('He asked "why?"') and is_question("(did he?) ")
    assert not is_question("Why? Because.") and not is_question("fine")


def test_own_words_drop_paragraphs_wholly_in_quotation_marks_unless_told_not_to():
    text = "“God, what a good subject.”\n\nI think so too.\n\n'Not quoted' and more"
    assert own_words(text) == "I think so too.\n\n'Not quoted' and more"
    assert own_words(text, quoted_paragraphs=False) is text
    assert split_own(text)[1] == ("God, what a good subject.",)
    assert split_own("plain words") == ("plain words", ())


def test_sentiment_keeps_a_saying_in_quotation_marks():
    """The sentiment stage keeps quoted paragraphs (a saying is the commenter's own): the seed's #22."""
    text = "“Oh, what a good subject, if only he had a good Prince”\n\nThe Saudis are much worse."
    assert add_sentiment(_frame([text]), workers=1)["sentiment"][0] == \
        SentimentIntensityAnalyzer().polarity_scores(text)["compound"]
