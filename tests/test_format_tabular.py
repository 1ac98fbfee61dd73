"""A user's own CSV / JSON Lines: column guessing and options, parents, orphans, dates, detection."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commentscope.scraper import SEED_PATH
from commentscope.scraper.errors import FormatError
from commentscope.scraper.formats import FORMATS, ParseOptions, detect_format, user_csv, user_jsonl, wp_print
from commentscope.scraper.formats.shared.tabular import time_value
from commentscope.scraper.formats.shared.tree import RawComment, link_comments
from commentscope.scraper.records import dumps
from commentscope.scraper.sources import Source, read_source

DATA = Path(__file__).parent / "data" / "formats" / "tabular"
MINE = ("reddit", "hn_algolia", "hn_api", "hn_html", "youtube", "discourse", "csv", "jsonl")


def _source(text: str, name: str = "comments.csv") -> Source:
    return Source(name=name, data=text.encode("utf-8"))


def _csv(name: str, options: ParseOptions | None = None):
    return user_csv.parse(read_source(str(DATA / name)), options or ParseOptions())


@pytest.mark.parametrize("name, expected", [
    ("moderation_export.csv", "csv"),
    ("forum_semicolon.csv", "csv"),
    ("discussion.jsonl", "jsonl"),
])
def test_fixture_is_detected_as_its_own_format_only(name, expected):
    source = read_source(str(DATA / name))
    assert detect_format(source) == expected
    assert all(FORMATS[other].detect(source) == 0 for other in MINE if other != expected)


def test_seed_is_neither_csv_nor_jsonl():
    seed = read_source(str(SEED_PATH))
    assert (user_csv.detect(seed), user_jsonl.detect(seed)) == (0, 0)


def test_jsonl_detection_leaves_commentscope_records_alone():
    [thread] = wp_print.parse(read_source(str(SEED_PATH)))
    records = "".join(dumps(comment) + "\n" for comment in thread.comments)
    assert user_jsonl.detect(_source(records, "comments.jsonl")) == 0


# --- CSV ---------------------------------------------------------------------------------------------

def test_csv_rows_become_one_thread_per_thread_column_value():
    budget, library = _csv("moderation_export.csv")
    assert (budget.thread_id, library.thread_id) == ("budget-2025", "library-hours")
    assert budget.title == "Council approves 2025 budget, raises transit fares"
    assert [c.position for c in library.comments] == [1, 2, 3]
    assert budget.extra["columns"] == {"id": "comment_id", "parent": "parent_id", "author": "author",
                                       "time": "created_utc", "text": "body", "thread": "thread_id"}


def test_csv_parents_forward_and_missing_parents_and_duplicates():
    budget, library = _csv("moderation_export.csv")
    assert [(c.id, c.parent_id, c.flags) for c in budget.comments] == [
        ("c-1001", None, ()),
        ("c-1002", "c-1001", ()),
        ("c-1003", "c-1002", ()),
        ("c-1004", "c-1003", ()),
        ("c-1005", None, ("orphan",)),  # names c-1009, which comes later in the file
        ("c-1006", None, ("orphan",)),  # names c-0999, which is not in the file
        ("c-1009", None, ()),
    ]
    assert budget.orphans == {"c-1005": "c-1009", "c-1006": "c-0999"}
    assert any("1 comment id(s) appear more than once (c-1002)" in w for w in budget.warnings)
    assert any("name a parent that comes after them (c-1005)" in w for w in budget.warnings)
    assert any("1 comment(s) reply to a comment that is not in the thread (c-1006)" in w for w in budget.warnings)
    assert budget.comments[1].text.endswith("costs have.")  # the first of the duplicates is kept
    assert [(c.id, c.parent_id) for c in library.comments] == [("c-1007", None), ("c-1008", "c-1007"),
                                                              ("c-1010", "c-1008")]


def test_csv_text_authors_and_times():
    budget, library = _csv("moderation_export.csv")
    first = budget.comments[0]
    assert first.author == "Dana Whitfield"
    assert first.timestamp == "2025-01-01T10:00:00+00:00"
    assert first.text == "Raising fares while cutting service hours is backwards.\n\nFix the service first."
    assert budget.comments[2].text == "Fair point & I'd accept a rise tied to inflation, say 3%."
    assert budget.comments[3].text == '"Tied to inflation" is exactly what they did, read page 12.'
    assert budget.comments[6].text == "Budget docs: https://example.gov/budget?year=2025&para=4, pages 10-14"
    assert budget.comments[5].author == "José Álvarez"
    deleted, bad_time = library.comments[1], library.comments[2]
    assert deleted.flags == ("deleted",) and deleted.text == "[deleted]"
    assert bad_time.timestamp is None and bad_time.flags == ("bad_timestamp",)
    assert any("1 time value(s) are not dates (line 14)" in w for w in library.warnings)


def test_semicolon_csv_with_bom_and_quoted_newline():
    [thread] = _csv("forum_semicolon.csv")
    assert thread.thread_id == "forum-semicolon"
    assert [(c.id, c.parent_id, c.author) for c in thread.comments] == [
        ("1", None, "Hanna"), ("2", "1", "Marco"), ("3", "2", "Hanna"), ("4", None, "Jürgen")]
    assert thread.comments[1].text == "Super? Der Lieferverkehr parkt trotzdem drauf.\nGestern dreimal."
    assert thread.comments[0].timestamp == "2024-03-07T14:05:00"  # the file gives no zone
    assert thread.comments[3].text == "Zu teuer: 1,2 Mio € für 800 m."


def test_csv_options_name_the_columns():
    text = "who,said,when,re,cid\nAna,First!,2024-05-01T10:00:00Z,,a1\nBo,Second,2024-05-01T11:00:00Z,a1,b2\n"
    options = ParseOptions(author_col="who", text_col="said", time_col="when", parent_col="re", id_col="cid")
    [thread] = user_csv.parse(_source(text), options)
    assert [(c.id, c.parent_id, c.author, c.text, c.timestamp) for c in thread.comments] == [
        ("a1", None, "Ana", "First!", "2024-05-01T10:00:00+00:00"),
        ("b2", "a1", "Bo", "Second", "2024-05-01T11:00:00+00:00"),
    ]


def test_option_naming_an_absent_column_lists_the_columns_found():
    with pytest.raises(FormatError) as caught:
        _csv("forum_semicolon.csv", ParseOptions(text_col="Kommentar"))
    message = str(caught.value)
    assert "has no column 'Kommentar' (given with --text-col)" in message
    assert "columns found: ID, Reply To, User, Date, Message" in message


def test_missing_text_column_is_a_format_error_naming_the_flag():
    with pytest.raises(FormatError) as caught:
        user_csv.parse(_source("id,author,score\n1,Ana,3\n"), ParseOptions())
    assert "no column of comment text" in str(caught.value)
    assert "columns found: id, author, score" in str(caught.value)
    assert "--text-col" in str(caught.value)


def test_tab_separated_without_ids_numbers_rows_and_warns():
    text = "user\tcomment\nAna\tFirst line\nBo\t\"Two\tcells\"\n"
    source = _source(text, "notes.tsv")
    assert detect_format(source) == "csv"
    [thread] = user_csv.parse(source, ParseOptions())
    assert [(c.id, c.author, c.text, c.parent_id) for c in thread.comments] == [
        ("1", "Ana", "First line", None), ("2", "Bo", "Two\tcells", None)]
    assert thread.thread_id == "notes"
    assert any("no id column" in w for w in thread.warnings)
    assert any("no parent column" in w for w in thread.warnings)


def test_header_only_csv_is_a_format_error():
    with pytest.raises(FormatError, match="no rows"):
        user_csv.parse(_source("id,author,text\n"), ParseOptions())


def test_time_values():
    assert time_value(1717236000) == ("2024-06-01T10:00:00+00:00", False)
    assert time_value("1717236000000") == ("2024-06-01T10:00:00+00:00", False)  # milliseconds
    assert time_value("20240601") == ("2024-06-01T00:00:00", False)
    assert time_value("2024-06-01T10:00:00Z") == ("2024-06-01T10:00:00+00:00", False)
    assert time_value("01 Jun 2024 10:00 GMT") == ("2024-06-01T10:00:00+00:00", False)
    assert time_value("2024-06-01 12:00 +02:00") == ("2024-06-01T12:00:00+02:00", False)
    assert time_value("") == (None, False)
    assert time_value("soon") == (None, True)


# --- JSONL -------------------------------------------------------------------------------------------

def test_jsonl_guesses_columns_reads_nested_user_and_skips_bad_lines():
    [thread] = user_jsonl.parse(read_source(str(DATA / "discussion.jsonl")), ParseOptions())
    assert thread.thread_id == "rfc-42"
    assert [(c.id, c.parent_id, c.author, c.flags) for c in thread.comments] == [
        ("m-01", None, "octo_ana", ()),
        ("m-02", "m-01", "pkgmaint", ()),
        ("m-03", "m-02", "enterprise_eve", ()),
        ("m-04", "m-03", "octo_ana", ()),
        ("m-05", None, "lurker", ("orphan",)),
    ]
    assert thread.comments[0].timestamp == "2024-06-01T09:15:00+02:00"
    assert thread.comments[1].text == "Yes. It's EOL in October and it blocks us from using match."
    assert thread.comments[2].text == "Please no — half our fleet is on RHEL 8 with 3.8."
    assert thread.orphans == {"m-05": "m-00"}
    assert any("1 line(s) are not JSON objects (line 4)" in w for w in thread.warnings)


def test_jsonl_dotted_column_option_and_json_array_form():
    rows = [{"cid": 7, "who": {"handle": "zed"}, "msg": "hi", "ts": 1717236000000},
            {"cid": 8, "who": {"handle": "amy"}, "msg": "hello", "ts": 1717236060000, "re": 7}]
    options = ParseOptions(id_col="cid", author_col="who.handle", text_col="msg", time_col="ts", parent_col="re")
    [thread] = user_jsonl.parse(_source(json.dumps(rows), "chat.json"), options)
    assert [(c.id, c.parent_id, c.author, c.timestamp) for c in thread.comments] == [
        ("7", None, "zed", "2024-06-01T10:00:00+00:00"),
        ("8", "7", "amy", "2024-06-01T10:01:00+00:00"),
    ]


def test_reddit_dump_fullname_parents_are_matched_to_bare_ids():
    rows = [{"id": "kq1", "parent_id": "t3_18qk2mv", "link_id": "t3_18qk2mv", "author": "a", "body": "top",
             "created_utc": 1703415500},
            {"id": "kq2", "parent_id": "t1_kq1", "link_id": "t3_18qk2mv", "author": "b", "body": "reply",
             "created_utc": 1703415600}]
    source = _source("\n".join(json.dumps(row) for row in rows), "RC_2023-12.jsonl")
    assert detect_format(source) == "jsonl"
    [thread] = user_jsonl.parse(source, ParseOptions())
    assert thread.thread_id == "t3_18qk2mv"
    assert [(c.id, c.parent_id, c.flags) for c in thread.comments] == [("kq1", None, ()), ("kq2", "kq1", ())]


def test_jsonl_with_no_objects_is_a_format_error():
    with pytest.raises(FormatError, match="holds no JSON objects"):
        user_jsonl.parse(_source("42\nnot json\n", "x.jsonl"), ParseOptions())


# --- the shared linking rules, on a tiny tree built in code -----------------------------------------

def test_link_comments_rules():
    now = datetime(2024, 6, 1, tzinfo=timezone.utc)
    raws = [
        RawComment("a", None, "Ana", "2024-05-01T00:00:00+00:00", "root"),
        RawComment("b", "a", "Bo", "2024-05-01T01:00:00+00:00", "reply"),
        RawComment("b", "a", "Bo", None, "duplicate"),
        RawComment("c", "c", "", None, "names itself"),
        RawComment("d", "b", "Di", "2030-01-01T00:00:00+00:00", "from the future"),
    ]
    linked = link_comments(raws, thread_id="t", source_format="csv", where="x.csv", now=now)
    assert [(c.id, c.position, c.parent_id, c.flags) for c in linked.comments] == [
        ("a", 1, None, ()),
        ("b", 2, "a", ()),
        ("c", 3, None, ("orphan", "no_author")),
        ("d", 4, "b", ("future_timestamp",)),
    ]
    assert linked.orphans == {"c": "c"}
    assert len(linked.warnings) == 2


@given(st.lists(st.tuples(st.integers(0, 12), st.one_of(st.none(), st.integers(0, 14))), min_size=1, max_size=25))
@settings(max_examples=150, deadline=None)
def test_csv_parents_always_point_to_earlier_rows(rows):
    text = "id,parent,author,text\n" + "".join(
        f"{cid},{'' if parent is None else parent},u{cid},comment {cid}\n" for cid, parent in rows)
    [thread] = user_csv.parse(_source(text), ParseOptions())
    seen: set[str] = set()
    first_rows: dict[str, int | None] = {}
    for cid, parent in rows:
        first_rows.setdefault(str(cid), parent)
    assert [c.position for c in thread.comments] == list(range(1, len(first_rows) + 1))
    for comment in thread.comments:
        given = first_rows[comment.id]
        if comment.parent_id is not None:
            assert comment.parent_id in seen and comment.parent_id == str(given)
        expected_orphan = given is not None and str(given) not in seen and not (given == 0 and "0" not in first_rows)
        assert ("orphan" in comment.flags) == expected_orphan
        seen.add(comment.id)
