"""Property tests: every parser, fed arbitrary or damaged input, either refuses it with our own error
type or returns records that keep the thread invariants; reply inference and reply chains keep them too.

Thread invariants (docs/CONTRACTS.md): ids unique per thread, positions 1..n in order, every parent_id is
the id of an EARLIER comment of the same thread (so no self-parent and no cycle), or, for a comment flagged
``orphan``, of a comment the source named but did not include, ``markup`` evidence
with confidence 1.0 exactly where the source gave a parent, flags and quotes well formed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from commentscope.scraper.errors import CommentscopeError
from commentscope.scraper.formats import FORMATS, ParseOptions, parse_source
from commentscope.scraper.records import EVIDENCE, Comment, Thread, comments_frame
from commentscope.scraper.sources import Source

FIXTURES = Path(__file__).parent / "data" / "formats"
SEED = Path(__file__).parent.parent / "scraper" / "data" / "seed.txt"

#: Each format's real fixtures (the mutation seeds).
FORMAT_FIXTURES: dict[str, list[Path]] = {
    "wp_print": sorted((FIXTURES / "wp_print").glob("*.txt")) + [SEED],
    "wp_html": sorted((FIXTURES / "wp_html").glob("*.html")),
    "wp_rest": sorted((FIXTURES / "wp_rest").glob("*.json")),
    "disqus": sorted((FIXTURES / "disqus").glob("*.xml")),
    "reddit": sorted((FIXTURES / "reddit").glob("*.json")),
    "hn_algolia": sorted((FIXTURES / "hn").glob("algolia_*.json")),
    "hn_api": sorted((FIXTURES / "hn").glob("firebase_*.json")),
    "hn_html": sorted((FIXTURES / "hn").glob("*.html")),
    "youtube": sorted((FIXTURES / "youtube").glob("*.json")),
    "discourse": sorted((FIXTURES / "discourse").glob("*.json")),
    "csv": sorted((FIXTURES / "tabular").glob("*.csv")),
    "jsonl": sorted((FIXTURES / "tabular").glob("*.jsonl")),
}
JSON_FORMATS = ("wp_rest", "reddit", "hn_algolia", "hn_api", "youtube", "discourse")
FUZZ = settings(max_examples=25, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def check_thread(thread: Thread) -> None:
    """Assert the record invariants of one parsed thread."""
    assert isinstance(thread.thread_id, str) and thread.thread_id
    seen: list[str] = []
    for number, comment in enumerate(thread.comments, 1):
        assert isinstance(comment, Comment)
        assert comment.thread_id == thread.thread_id
        assert isinstance(comment.id, str) and comment.id, comment
        assert comment.id not in seen, f"duplicate id {comment.id!r}"
        assert comment.position == number
        assert isinstance(comment.author, str) and isinstance(comment.text, str)
        assert comment.timestamp is None or isinstance(comment.timestamp, str)
        assert all(isinstance(flag, str) for flag in comment.flags)
        if comment.parent_id is not None:
            dangling = "orphan" in comment.flags and comment.parent_id not in {c.id for c in thread.comments}
            assert comment.parent_id in seen or dangling, f"{comment.id}: parent {comment.parent_id!r} is not earlier"
            assert comment.reply_evidence in EVIDENCE
            assert comment.reply_confidence is not None and 0.0 <= comment.reply_confidence <= 1.0
        else:
            assert comment.reply_evidence is None and comment.reply_confidence is None
        for quote in comment.quotes:
            assert 0 <= quote["start"] <= quote["end"] <= len(comment.text)
        seen.append(comment.id)
    # The records make a polars frame of the fixed schema (what `scrape` writes and `analyze` reads).
    assert comments_frame(thread.comments).height == len(thread.comments)


def parse_or_refuse(name: str, data: bytes) -> list[Thread] | None:
    """Parse ``data`` as format ``name``: None when refused with our own error, else checked threads."""
    source = Source(name=f"fuzz.{name}", data=data)
    try:
        threads = FORMATS[name].parse(source, ParseOptions())
    except CommentscopeError as error:
        assert str(error).strip() and "\n" not in str(error)
        return None
    assert isinstance(threads, list)
    for thread in threads:
        check_thread(thread)
    ids = [thread.thread_id for thread in threads]
    assert len(ids) == len(set(ids)), f"one source gave the thread ids {ids}"
    return threads


def _fixture_cases() -> list[tuple[str, Path]]:
    return [(name, path) for name, paths in FORMAT_FIXTURES.items() for path in paths]


@pytest.mark.parametrize("name, path", _fixture_cases(), ids=lambda v: getattr(v, "name", v))
def test_every_fixture_parses_into_valid_records(name, path):
    threads = parse_or_refuse(name, path.read_bytes())
    assert threads is not None and sum(len(t.comments) for t in threads) > 0


# ---- arbitrary text ------------------------------------------------------------------------------

_MARKUP_BITS = st.sampled_from([
    "<", ">", "</", "/>", "<li id=\"comment-7\" class=\"comment\">", "<div class=\"comment-content\">",
    "<tr class=\"athing comtr\" id=\"5\">", "<span class=\"commtext\">", "<post dsq:id=\"1\">", "<thread>",
    "<parent dsq:id=\"1\"/>", "{", "}", "[", "]", "\"", ":", ",", "\n", "#1 Comment By A On May 1, 2020",
    "comment_id,author,text\n", "id;parent;user;message\n", "\"body\": ", "\"kind\": \"t1\"", "&amp;", "&#0;",
    "null", "1e999", "-0", "\u202e", "\ufeff", "\ud7ff", "é", "<!--", "-->", "<![CDATA[", "]]>",
])
ARBITRARY_TEXT = st.lists(st.one_of(_MARKUP_BITS, st.text(max_size=12)), max_size=40).map("".join)


@pytest.mark.parametrize("name", list(FORMATS))
@FUZZ
@given(text=ARBITRARY_TEXT)
def test_arbitrary_text_is_parsed_or_refused(name, text):
    parse_or_refuse(name, text.encode("utf-8", "surrogatepass"))


@FUZZ
@given(data=st.binary(max_size=300))
def test_arbitrary_bytes_through_detection_are_parsed_or_refused(data):
    source = Source(name="fuzz.bin", data=data)
    try:
        threads = parse_source(source)
    except CommentscopeError:
        return
    for thread in threads:
        check_thread(thread)


# ---- arbitrary JSON structures -------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=False) | st.text(max_size=8)
    | st.sampled_from(["t1_a", "t3_b", "more", "comment", "story", "[deleted]", "", "0", "1"]),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(
        st.sampled_from(["id", "parent", "parent_id", "kids", "children", "replies", "data", "kind", "body",
                         "text", "author", "by", "time", "created_utc", "comments", "post_stream", "posts",
                         "name", "username", "cooked", "reply_to_post_number", "post_number", "type",
                         "content", "rendered", "post", "date_gmt", "timestamp", "title", "story_id"]),
        children, max_size=5),
    max_leaves=20,
)


@pytest.mark.parametrize("name", JSON_FORMATS + ("jsonl",))
@FUZZ
@given(document=JSON_VALUES)
def test_arbitrary_json_is_parsed_or_refused(name, document):
    parse_or_refuse(name, json.dumps(document).encode())


# ---- mutations of the real fixtures --------------------------------------------------------------

def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path (keys and indexes) to a node of a JSON document."""
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found.extend(_paths(value, prefix + (key,)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found.extend(_paths(value, prefix + (index,)))
    return found


def _replace(node: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(node, dict):
        return {**node, head: _replace(node[head], rest, value)}
    copy = list(node)
    copy[head] = _replace(copy[head], rest, value)
    return copy


def _loads_or_none(line: str) -> Any:
    try:
        return json.loads(line)
    except json.JSONDecodeError:  # the fixture's deliberately cut-off line
        return None


@st.composite
def json_mutant(draw, path: Path) -> bytes:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".jsonl":
        document: Any = [_loads_or_none(line) for line in text.splitlines() if line.strip()]
    else:
        document = json.loads(text)
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(document)
        target = draw(st.sampled_from(paths))
        document = _replace(document, target, draw(JSON_VALUES))
    if path.suffix == ".jsonl" and isinstance(document, list):
        return "\n".join(json.dumps(row) for row in document).encode()
    return json.dumps(document).encode()


@st.composite
def byte_mutant(draw, path: Path) -> bytes:
    data = path.read_bytes()
    for _ in range(draw(st.integers(1, 4))):
        size = len(data)
        start = draw(st.integers(0, size))
        end = draw(st.integers(start, min(size, start + 400)))
        action = draw(st.sampled_from(["delete", "duplicate", "insert", "truncate", "swap"]))
        if action == "delete":
            data = data[:start] + data[end:]
        elif action == "duplicate":
            data = data[:end] + data[start:end] + data[end:]
        elif action == "insert":
            data = data[:start] + draw(ARBITRARY_TEXT).encode("utf-8", "surrogatepass") + data[start:]
        elif action == "truncate":
            data = data[:start]
        else:  # move the slice to the front
            data = data[start:end] + data[:start] + data[end:]
    return data


def _json_fixtures() -> list[tuple[str, Path]]:
    """The JSON fixtures that are whole documents (not the deliberately truncated ones)."""
    return [(name, path) for name, path in _fixture_cases()
            if (name in JSON_FORMATS or name == "jsonl") and not path.stem.startswith("truncated")]


@pytest.mark.parametrize("name, path", _json_fixtures(), ids=lambda v: getattr(v, "name", v))
@FUZZ
@given(data=st.data())
def test_structural_mutations_of_json_fixtures(name, path, data):
    parse_or_refuse(name, data.draw(json_mutant(path)))


@pytest.mark.parametrize("name, path", _fixture_cases(), ids=lambda v: getattr(v, "name", v))
@FUZZ
@given(data=st.data())
def test_byte_mutations_of_fixtures(name, path, data):
    parse_or_refuse(name, data.draw(byte_mutant(path)))


# ---- reply inference and reply chains ------------------------------------------------------------

AUTHORS = ("Ann", "Bob", "Cy Young", "dee", "", "María José", "O'Brien", "a")
WORDS = st.text(alphabet="abcdefghij klmnop,.?!'\"", max_size=60)


@st.composite
def random_thread(draw) -> tuple[list[Comment], str | None]:
    """A thread of comments that address, quote, name and number each other, some with source parents."""
    size = draw(st.integers(1, 20))
    id_style = draw(st.sampled_from(["{n}", "comment-{n}", "t1_{n}x", "{n}.0", "c {n}"]))
    article = draw(st.one_of(st.none(), WORDS))
    comments: list[Comment] = []
    for index in range(size):
        earlier = comments[draw(st.integers(0, index - 1))] if index else None
        pieces = []
        for kind in draw(st.lists(st.sampled_from(["words", "at", "header", "quote", "bare", "number", "vocative",
                                                     "article"]), max_size=4)):
            if kind == "words" or earlier is None:
                pieces.append(draw(WORDS))
            elif kind == "at":
                pieces.append(f"@{earlier.author} ")
            elif kind == "header":
                pieces.append(f"Comment by {earlier.author}:\n")
            elif kind == "quote":
                pieces.append(f'"{earlier.text[:80]}"')
            elif kind == "bare":
                pieces.append(earlier.text)
            elif kind == "number":
                pieces.append(f"#{draw(st.integers(0, size + 2))} ")
            elif kind == "vocative":
                pieces.append(f"{earlier.author}, you are wrong about that. ")
            elif article:
                pieces.append(article)
        markup = earlier is not None and draw(st.booleans()) and draw(st.booleans())
        comments.append(Comment(
            thread_id="t", id=id_style.format(n=index + 1), position=index + 1, author=draw(st.sampled_from(AUTHORS)),
            timestamp=None, text=" ".join(pieces), parent_id=earlier.id if markup else None,
            reply_evidence="markup" if markup else None, reply_confidence=1.0 if markup else None,
            source_format=draw(st.sampled_from(["csv", "wp_print", "reddit"])),
        ))
    return comments, article


@settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(thread=random_thread(), infer=st.booleans())
def test_reply_inference_keeps_the_thread_invariants(thread, infer):
    from commentscope.analysis.replies.infer import infer_thread

    comments, article = thread
    inferred, report = infer_thread(comments, article, infer=infer)
    assert [(c.id, c.position, c.author, c.text) for c in inferred] == [
        (c.id, c.position, c.author, c.text) for c in comments]
    check_thread(Thread(thread_id="t", source_format="csv", comments=inferred))
    ids = [c.id for c in comments]
    for before, after in zip(comments, inferred):
        if before.reply_evidence == "markup":
            assert (after.parent_id, after.reply_evidence) == (before.parent_id, "markup")
        elif not infer:
            assert after.parent_id is None
        for quote in after.quotes:
            assert quote["source_id"] == "article" or quote["source_id"] in ids[: ids.index(after.id)]
    used = [c.reply_evidence for c in inferred if c.reply_evidence is not None]
    assert report == {evidence: used.count(evidence) for evidence in EVIDENCE}


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.lists(st.tuples(st.sampled_from(["t1", "t2"]), st.one_of(st.none(), st.integers(0, 15))),
                min_size=1, max_size=30))
def test_reply_chains_are_well_founded_for_any_parents(rows):
    """Cycles, self-parents, missing and later parents: every comment still gets a depth and a root."""
    from commentscope.analysis.stages.structure import add_structure

    frame = pl.DataFrame({
        "thread_id": [thread for thread, _ in rows],
        "id": [str(index) for index in range(len(rows))],
        "parent_id": [None if parent is None else str(parent) for _, parent in rows],
    })
    out = add_structure(frame)
    depth = {(t, i): d for t, i, d in zip(out["thread_id"], out["id"], out["depth"])}
    root = {(t, i): r for t, i, r in zip(out["thread_id"], out["id"], out["root_id"])}
    for thread, comment, parent in zip(out["thread_id"], out["id"], out["parent_id"]):
        key = (thread, comment)
        assert depth[key] >= 0 and (thread, root[key]) in depth
        if depth[key] == 0:
            assert root[key] == comment
        else:
            assert (thread, parent) in depth and parent != comment
            assert depth[key] == depth[(thread, parent)] + 1
            assert root[key] == root[(thread, parent)]


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.lists(st.tuples(st.sampled_from(["1", "2", "3", "x", "", " ", "no-id-1"]),
                          st.one_of(st.none(), st.sampled_from(["1", "2", "3", "x", "", " ", "missing"])),
                          st.sampled_from(["Ann", "", "Bob"]),
                          st.one_of(st.none(), st.sampled_from(["2020-01-01T00:00:00", "2999-01-01T00:00:00+00:00",
                                                                "not a time"]))),
                max_size=12))
def test_shared_linking_rules_hold_for_any_ids_and_parents(rows):
    """``tree.link_comments`` (every threaded format ends in it): blank, repeated, self, later and missing
    ids all give valid records; blank ids get a name, authorless comments ``no_author``."""
    from commentscope.scraper.formats.shared.tree import RawComment, link_comments

    raws = [RawComment(id=i, parent=p, author=a, timestamp=t, text=f"comment {n}")
            for n, (i, p, a, t) in enumerate(rows)]
    linked = link_comments(raws, thread_id="t", source_format="csv", where="x")
    check_thread(Thread(thread_id="t", source_format="csv", comments=linked.comments))
    assert all(c.id.strip() for c in linked.comments)
    assert len(linked.comments) == len({r.id for r in raws if r.id.strip()}) + sum(1 for r in raws if not r.id.strip())
    for comment in linked.comments:
        assert ("no_author" in comment.flags) == (comment.author == "")
        assert ("future_timestamp" in comment.flags) == (comment.timestamp == "2999-01-01T00:00:00+00:00")
        assert ("orphan" in comment.flags) == (comment.id in linked.orphans)
