"""Reply inference in batches: the thread-wide passes give what the comment-by-comment ones gave.

``PINNED`` is the full output of the inference on every gold thread (parent, evidence, confidence and
quote spans of each comment) as the comment-by-comment implementation gave it before the passes were
batched; any change to it is a change of behaviour, to be made on purpose. The other tests compare
each batch pass with a plain reference on generated input: the tokenizer, the quote finder (against
a walk that finds a comment's passages, then remembers its shingles) and the regex pre-tests.
"""

from __future__ import annotations

import bisect
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commentscope.analysis.replies import cues, quotes
from commentscope.analysis.replies.cues import ARTICLE
from commentscope.analysis.replies.infer import ThreadState, infer_thread
from commentscope.analysis.replies.reading import read
from commentscope.analysis.text.tokens import tokenize, tokenize_all, words
from commentscope.scraper.formats import parse_source
from commentscope.scraper.records import Comment
from commentscope.scraper.sources import read_source

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "data" / "gold" / "replies"
THREADS = {"seed": ROOT / "scraper" / "data" / "seed.txt", **{path.stem: path for path in sorted(GOLD.glob("*.txt"))}}

#: id, parent ("-" for none), evidence, confidence, quote spans (source:start-end) of every comment.
PINNED: dict[str, list[str]] = {
    'seed': [
        '1 - - -',
        '2 1 address 0.8',
        '3 1 quote 0.88 1:1-76',
        '4 - - -',
        '5 - - -',
        '6 4 header 0.9 4:29-184',
        '7 - - -',
        '8 1 mention 0.65',
        '9 1 mention 0.65',
        '10 9 inferred 0.203',
        '11 10 mention 0.65',
        '12 - - -',
        '13 - - -',
        '14 - - -',
        '15 - - -',
        '16 12 address 0.95',
        '17 6 quote 0.9 6:1-166',
        '18 - - -',
        '19 17 quote 0.82 17:1-37',
        '20 10 mention 0.65',
        '21 - - -',
        '22 21 address 0.95',
        '23 22 quote 0.9 22:1-213',
        '24 23 inferred 0.206',
    ],
    'bike_lanes': [
        '1 - - -',
        '2 - - -',
        '3 2 address 0.95',
        '4 - - - article:18-105',
        '5 4 quote 0.86 4:2-63',
        '6 - - -',
        '7 6 address 0.85',
        '8 - - -',
        '9 7 address 0.65',
        '10 9 address 0.8',
        '11 3 mention 0.5',
        '12 2 header 0.9 2:14-42',
        '13 5 address 0.9',
        '14 13 address 0.75',
        '15 12 mention 0.6',
        '16 15 address 0.75',
        '17 10 mention 0.65',
        '18 5 header 0.9 5:83-160',
        '19 18 address 0.6',
        '20 - - - 11:19-68',
        '21 10 address 0.9',
        '22 - - -',
    ],
    'library_hours': [
        '1 - - -',
        '2 - - -',
        '3 - - -',
        '4 - - -',
        '5 - - -',
        '6 - - -',
        '7 - - -',
        '8 - - -',
        '9 - - -',
        '10 - - -',
    ],
    'maintainers': [
        '1 - - -',
        '2 - - -',
        '3 - - - article:1-32',
        '4 3 address 0.9',
        '5 4 address 0.9',
        '6 1 address 0.85',
        '7 6 address 0.95',
        '8 2 quote 0.75 2:0-103',
        '9 8 address 0.95',
        '10 2 mention 0.65',
        '11 9 inferred 0.203',
        '12 10 address 0.95',
        '13 12 quote 0.86 12:1-62',
        '14 - - -',
        '15 13 mention 0.65',
        '16 14 inferred 0.218',
        '17 16 address 0.85',
        '18 - - -',
    ],
    'sourdough': [
        '1 - - -',
        '2 - - -',
        '3 - - -',
        '4 1 header 0.9 1:20-88',
        '5 - - - article:18-58',
        '6 5 address 0.8',
        '7 3 header 0.9 3:12-101',
        '8 - - -',
        '9 8 address 0.75',
        '10 9 address 0.85',
        '11 6 header 0.9',
        '12 10 mention 0.6',
        '13 11 address 0.85',
        '14 13 inferred 0.212',
        '15 - - - article:1-115',
        '16 - - -',
        '17 16 mention 0.65',
        '18 10 header 0.9 10:21-70',
        '19 - - -',
        '20 - - -',
    ],
}


def _row(comment: Comment) -> str:
    spans = " ".join(f"{q['source_id']}:{q['start']}-{q['end']}" for q in comment.quotes)
    confidence = repr(comment.reply_confidence) if comment.reply_confidence is not None else "-"
    return " ".join([comment.id, comment.parent_id or "-", comment.reply_evidence or "-", confidence, spans]).rstrip()


def test_every_gold_thread_is_pinned():
    assert set(PINNED) == set(THREADS)


@pytest.mark.parametrize("name", sorted(THREADS))
def test_gold_thread_output_is_unchanged(name):
    thread = parse_source(read_source(str(THREADS[name])))[0]
    comments, report = infer_thread(thread.comments, thread.article_text)
    assert [_row(comment) for comment in comments] == PINNED[name]
    assert sum(report.values()) == sum(row.split()[1] != "-" for row in PINNED[name])


# --- the tokenizer --------------------------------------------------------------------------------

@given(st.lists(st.text(alphabet=st.sampled_from("aZé1 _'’‘.\n\"“ßİıſK-—🚲?²٣"), max_size=40), max_size=6))
def test_tokenize_all_gives_the_tokens_of_tokenize(texts):
    assert tokenize_all(texts) == [tokenize(text) for text in texts]


@given(st.text(alphabet=st.sampled_from("aZé1 _'’‘.\n\"“ßİıſK-—🚲?²٣Ⓐ"), max_size=60))
def test_words_are_the_words_of_tokenize(text):
    words.cache_clear()
    assert words(text) == tuple(word for word, _, _ in tokenize(text))


def test_tokenize_all_on_plain_curly_and_accented_texts():
    texts = ["", "Don't", "Re: José’s “café”, don’t—O’Brien_2", "a’’b ’a’ 'a' a' '", "x_y__z  TEST", "٣٤ 🚲 a_b"]
    assert tokenize_all(texts) == [tokenize(text) for text in texts]
    assert tokenize_all([]) == []


# --- the quote finder -----------------------------------------------------------------------------

def _reference_spans(state: ThreadState, article_words: list[str]) -> list[list]:
    """The comment-by-comment walk: find comment i's runs from an index of the shingles of comments
    0..i-1 (each shingle's first POSTINGS comments), then remember comment i's shingles."""
    index: dict[tuple, list[int]] = {}
    article = {tuple(article_words[k:k + quotes.SHINGLE]) for k in range(len(article_words) - quotes.SHINGLE + 1)}
    found = []
    for i, tokens in enumerate(state.tokens):
        words = [word for word, _, _ in tokens]
        cuts = quotes._breaks(state.readings[i], tokens)
        shingles = [tuple(words[k:k + quotes.SHINGLE]) for k in range(len(words) - quotes.SHINGLE + 1)]
        for start in cuts:
            for at in range(max(0, start - quotes.SHINGLE + 1), min(start, len(shingles))):
                shingles[at] = None
        starts: dict[int, list[int]] = {}
        for at, shingle in enumerate(shingles):
            if shingle is None:
                continue
            for source in index.get(shingle, ()):
                starts.setdefault(source, []).append(at)
            if shingle in article:
                starts.setdefault(ARTICLE, []).append(at)
        runs = []
        for source, positions in starts.items():
            pieces: dict[int, list[int]] = {}
            for at in positions:
                pieces.setdefault(bisect.bisect_right(cuts, at), []).append(at)
            for piece in pieces.values():
                first = last = piece[0]
                covered = quotes.SHINGLE
                for at in piece[1:] + [None]:
                    if at is not None and at - last <= quotes.GAP:
                        covered += min(at - last, quotes.SHINGLE)
                    else:
                        if covered >= quotes.MIN_MARKED:
                            runs.append((first, last + quotes.SHINGLE, covered, source))
                        if at is not None:
                            first, covered = at, quotes.SHINGLE
                    if at is not None:
                        last = at
        found.append(quotes._passages(state.readings[i], tokens, words, runs) if runs else [])
        for shingle in set(shingles) - {None}:
            if len(index.setdefault(shingle, [])) < quotes.POSTINGS:
                index[shingle].append(i)
    return found


PHRASES = ["the council voted", "for the bike lanes", "on Main Street last week", "and nobody asked us",
           "which is the point", "of the whole plan", "rain", "we", "said it"]


@st.composite
def copying_threads(draw):
    """Comments made of a few phrases, some copied from earlier comments, marked or not, some long."""
    texts: list[str] = []
    for n in range(draw(st.integers(1, 9))):
        text = " ".join(draw(st.lists(st.sampled_from(PHRASES), min_size=1, max_size=6)))
        if texts and draw(st.booleans()):
            copied = draw(st.sampled_from(texts))[:draw(st.integers(10, 120))]
            mark = draw(st.sampled_from(["", "“", '"', "> "]))
            text = f"{mark}{copied}{'”' if mark == '“' else mark.strip()}\n\n{text}"
        if draw(st.integers(0, 5)) == 0:
            text = text + " filler words here." * 150 + f' "{draw(st.sampled_from(PHRASES))} {text[:60]}"'
        texts.append(text)
    article = " ".join(draw(st.lists(st.sampled_from(PHRASES), max_size=5)))
    return texts, article


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(copying_threads())
def test_thread_wide_quote_finder_equals_the_comment_by_comment_walk(case):
    texts, article = case
    comments = [Comment(thread_id="t", id=str(n), position=n, author=f"a{n}", timestamp=None, text=text)
                for n, text in enumerate(texts, start=1)]
    state = ThreadState(comments, article)
    assert state.quotes == _reference_spans(state, [word for word, _, _ in tokenize(article)])


def test_a_long_comment_read_in_pieces_keeps_its_passages_apart():
    passage = "the council voted for the bike lanes on Main Street last week"
    long = "Opening words. " * 100 + "x " * 400 + f'He said "{passage}" and left.'
    assert len(read(long).starts) > 1
    comments = [Comment(thread_id="t", id=str(n), position=n, author=f"a{n}", timestamp=None, text=text)
                for n, text in enumerate([passage, long, f"“{passage}” indeed"], start=1)]
    state = ThreadState(comments)
    assert state.quotes == _reference_spans(state, [])
    assert [span.source for span in state.quotes[1]] == [0]


# --- the regex pre-tests ----------------------------------------------------------------------------

PIECES = ["@", "#12", "Re", " ", "\n", ":", "wrote", "WROTE", "says", "by", "Comment", "quoting", "in reply to",
          "responding", "Bob", "İ", "ı", "ſ", "K", "QUOTİNG", "ſaid", "“", "to", "post"]


@given(st.lists(st.sampled_from(PIECES), max_size=12).map("".join))
def test_the_pre_tests_never_skip_a_comment_a_pattern_matches(text):
    for pattern in cues._NEEDS:
        assert [m.span() for m in cues._matches(pattern, text, text.lower())] == \
               [m.span() for m in pattern.finditer(text)]


def test_a_long_comment_ending_in_an_open_quotation_is_read_to_its_end():
    text = "word " * 500 + '"the end'  # the quotation's piece asked for a character past the end
    reading = read(text)
    assert reading.text.endswith('"the end')
    assert reading.origins[-1] + len(reading.text) - reading.starts[-1] == len(text)
