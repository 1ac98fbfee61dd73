"""Hacker News in its three shapes: Algolia item JSON, Firebase items, and the item page HTML."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from commentscope.scraper import SEED_PATH
from commentscope.scraper.errors import FormatError
from commentscope.scraper.formats import FORMATS, ParseOptions, detect_format, hn_algolia, hn_api, hn_html
from commentscope.scraper.sources import Source, read_source

DATA = Path(__file__).parent / "data" / "formats" / "hn"
MINE = ("reddit", "hn_algolia", "hn_api", "hn_html", "youtube", "discourse", "csv", "jsonl")


def _parse(module, name: str):
    return module.parse(read_source(str(DATA / name)), ParseOptions())


def _source(text: str, name: str = "items.json") -> Source:
    return Source(name=name, data=text.encode("utf-8"))


@pytest.mark.parametrize("name, expected", [
    ("algolia_story.json", "hn_algolia"),
    ("algolia_subthread.json", "hn_algolia"),
    ("firebase_items.json", "hn_api"),
    ("item_page.html", "hn_html"),
    ("item_page_2020.html", "hn_html"),
])
def test_fixture_is_detected_as_its_own_format_only(name, expected):
    source = read_source(str(DATA / name))
    assert detect_format(source) == expected
    assert all(FORMATS[other].detect(source) == 0 for other in MINE if other != expected)


def test_seed_is_no_hacker_news_format():
    seed = read_source(str(SEED_PATH))
    assert (hn_algolia.detect(seed), hn_api.detect(seed), hn_html.detect(seed)) == (0, 0, 0)


# --- Algolia ---------------------------------------------------------------------------------------

def test_algolia_tree_parents_authors_and_times():
    [thread] = _parse(hn_algolia, "algolia_story.json")
    assert [(c.id, c.parent_id, c.author) for c in thread.comments] == [
        ("39103120", None, "dbtinkerer"),
        ("39103977", "39103120", "mkovach"),
        ("39104410", "39103977", "sqlite_fan"),
        ("39103300", None, "pgr0ss"),
        ("39103650", "39103300", "mkovach"),
        ("39104002", "39103650", ""),
        ("39105501", "39104002", "joran_w"),
        ("39106000", None, "throwaway_8812"),
    ]
    assert thread.comments[0].timestamp == "2024-01-23T12:49:05+00:00"
    assert thread.comments[0].author_url == "https://news.ycombinator.com/user?id=dbtinkerer"


def test_algolia_text_is_plain_with_entities_decoded():
    [thread] = _parse(hn_algolia, "algolia_story.json")
    by_id = {c.id: c for c in thread.comments}
    assert by_id["39103120"].text == ("How does this compare to the spellfix1 extension? I've used that for years."
                                      "\n\nAlso: what's the complexity > 1M rows?")
    assert by_id["39104410"].text == "Same here / same result. Thanks!"
    assert "SELECT * FROM docs" in by_id["39103977"].text
    assert "<" not in by_id["39103650"].text and "intentionally" in by_id["39103650"].text


def test_algolia_deleted_and_flagged_comments_are_flagged():
    [thread] = _parse(hn_algolia, "algolia_story.json")
    by_id = {c.id: c for c in thread.comments}
    assert by_id["39104002"].text == "[deleted]"
    assert by_id["39104002"].flags == ("deleted", "no_author")
    assert by_id["39106000"].flags == ("dead",)
    assert by_id["39105501"].flags == ()


def test_algolia_story_metadata():
    [thread] = _parse(hn_algolia, "algolia_story.json")
    assert thread.thread_id == "hn-39102834"
    assert thread.title == "Show HN: Fuzzy – a tiny fuzzy-search extension for SQLite"
    assert thread.url == "https://news.ycombinator.com/item?id=39102834"
    assert thread.site == "Hacker News"
    assert thread.article_author == "mkovach"
    assert thread.article_text == thread.title + "\n\nhttps://github.com/mkovach/sqlite-fuzzy"
    assert thread.published == "2024-01-23T12:19:05+00:00"
    assert thread.extra["points"] == 231


def test_algolia_subthread_is_named_after_its_story_and_starts_with_an_orphan():
    [thread] = _parse(hn_algolia, "algolia_subthread.json")
    assert thread.thread_id == "hn-39102834"
    assert [(c.id, c.parent_id, c.flags) for c in thread.comments] == [
        ("39103650", None, ("orphan",)),
        ("39104002", "39103650", ("deleted", "no_author")),
        ("39105501", "39104002", ()),
    ]
    assert thread.orphans == {"39103650": "39103300"}
    assert any("starts at comment 39103650" in w for w in thread.warnings)


def test_algolia_search_hits_are_put_in_time_order():
    hits = {"hits": [
        {"objectID": "502", "author": "b", "comment_text": "reply", "created_at_i": 1700000600, "parent_id": 501,
         "story_id": 500, "story_title": "A story", "_tags": ["comment", "author_b", "story_500"]},
        {"objectID": "501", "author": "a", "comment_text": "<p>first &amp; top</p>", "created_at_i": 1700000000,
         "parent_id": 500, "story_id": 500, "story_title": "A story", "_tags": ["comment", "author_a", "story_500"]},
    ], "nbHits": 5, "page": 0, "nbPages": 1, "hitsPerPage": 2}
    [thread] = hn_algolia.parse(_source(json.dumps(hits), "search.json"), ParseOptions())
    assert [(c.id, c.parent_id, c.text) for c in thread.comments] == [("501", None, "first & top"),
                                                                     ("502", "501", "reply")]
    assert thread.title == "A story"
    assert thread.missing_count == 3


def test_algolia_truncated_json_is_a_format_error():
    text = (DATA / "algolia_story.json").read_text(encoding="utf-8")[:-40]
    with pytest.raises(FormatError, match="truncated"):
        hn_algolia.parse(_source(text), ParseOptions())


# --- Firebase ---------------------------------------------------------------------------------------

def test_firebase_items_are_ordered_as_displayed_with_exact_parents():
    [thread] = _parse(hn_api, "firebase_items.json")
    assert [(c.id, c.parent_id) for c in thread.comments] == [
        ("38811500", None),
        ("38811655", "38811500"),
        ("38811377", None),
        ("38811720", "38811377"),
        ("38811901", "38811720"),
        ("38811990", "38811901"),
        ("38812050", None),
        ("38812400", None),
    ]


def test_firebase_deleted_dead_and_orphan():
    [thread] = _parse(hn_api, "firebase_items.json")
    by_id = {c.id: c for c in thread.comments}
    assert by_id["38811901"].text == "[deleted]" and by_id["38811901"].flags == ("deleted", "no_author")
    assert by_id["38811655"].author == "spamlord99" and by_id["38811655"].flags == ("dead",)
    assert by_id["38812400"].flags == ("orphan",)
    assert thread.orphans == {"38812400": "38812333"}
    assert by_id["38811990"].timestamp == "2023-12-29T13:55:00+00:00"
    assert by_id["38811990"].text.endswith("restic check --read-data-subset=5% monthly.")


def test_firebase_story_metadata():
    [thread] = _parse(hn_api, "firebase_items.json")
    assert thread.thread_id == "hn-38811234"
    assert thread.title == "Ask HN: How do you back up your family photos?"
    assert thread.article_author == "anna_k"
    assert thread.article_text == ("My parents have ~40k photos on a single 2TB USB drive. I'd like something that "
                                   "survives the drive dying and me forgetting about it.\n\nWhat do you actually use?")
    assert thread.declared_count == 9
    assert thread.published == "2023-12-29T13:03:20+00:00"


def test_firebase_accepts_jsonl_and_an_id_keyed_object():
    items = json.loads((DATA / "firebase_items.json").read_text(encoding="utf-8"))
    expected = [c.id for c in _parse(hn_api, "firebase_items.json")[0].comments]
    as_lines = "\n".join(json.dumps(item) for item in items) + "\n"
    keyed = json.dumps({str(item["id"]): item for item in items})
    for text in (as_lines, keyed):
        source = _source(text)
        assert detect_format(source) == "hn_api"
        [thread] = hn_api.parse(source, ParseOptions())
        assert [c.id for c in thread.comments] == expected


def test_firebase_nested_kid_objects_are_read_as_a_tree():
    story = {"id": 1, "type": "story", "by": "op", "time": 1700000000, "title": "T", "kids": [
        {"id": 2, "type": "comment", "by": "x", "time": 1700000100, "text": "top", "kids": [
            {"id": 3, "type": "comment", "by": "y", "time": 1700000200, "text": "deeper"}]}]}
    [thread] = hn_api.parse(_source(json.dumps(story)), ParseOptions())
    assert [(c.id, c.parent_id) for c in thread.comments] == [("2", None), ("3", "2")]


def test_firebase_single_story_with_only_kid_ids_is_refused_with_a_fix():
    story = {"id": 8863, "type": "story", "by": "dhouston", "time": 1175714200, "kids": [9224, 8917]}
    with pytest.raises(FormatError, match="replies are only ids") as caught:
        hn_api.parse(_source(json.dumps(story)), ParseOptions())
    assert "fetch each id in kids" in str(caught.value)


def test_firebase_entries_that_are_not_items_are_skipped_with_warnings():
    items = json.loads((DATA / "firebase_items.json").read_text(encoding="utf-8"))
    junk = [None, 42, {"type": "comment", "author": "algolia-shaped"}, {"by": "x", "time": 1700000000}]
    [thread] = hn_api.parse(_source(json.dumps(items + junk)), ParseOptions())
    assert len(thread.comments) == 8
    assert any("an entry is int, not an item" in w for w in thread.warnings)
    assert any("an entry has none of the fields of a Hacker News item" in w for w in thread.warnings)
    assert any("an item has no id" in w for w in thread.warnings)


def test_algolia_json_forced_as_firebase_is_a_format_error():
    with pytest.raises(FormatError, match="holds no Hacker News items"):
        _parse(hn_api, "algolia_story.json")


# --- item page HTML -----------------------------------------------------------------------------------

def test_item_page_depth_stack_gives_exact_parents():
    [thread] = _parse(hn_html, "item_page.html")
    assert [(c.id, c.parent_id) for c in thread.comments] == [
        ("40123601", None),
        ("40123702", "40123601"),
        ("40123755", "40123702"),
        ("40123810", "40123755"),
        ("40123866", "40123810"),
        ("40123990", None),
        ("40124050", None),
        ("40124111", "40124050"),
    ]


def test_item_page_authors_times_text_and_flags():
    [thread] = _parse(hn_html, "item_page.html")
    by_id = {c.id: c for c in thread.comments}
    first = by_id["40123601"]
    assert first.author == "ferrous_fred"
    assert first.timestamp == "2024-04-17T10:43:20+00:00"
    assert first.text.endswith("That said, no lithium, no cobalt is a big deal for grid storage.")
    assert "reply" not in first.text
    assert by_id["40123702"].text.endswith("https://doi.org/10.1038/s41560-023-01234-5")
    assert by_id["40123755"].text == "[deleted]" and by_id["40123755"].flags == ("deleted", "no_author")
    assert by_id["40123810"].text.startswith("> cycle life at 45 °C\n\nCATL claims")
    assert by_id["40123990"].flags == ("dead",)
    assert by_id["40124050"].flags == ("dead",)
    assert by_id["40124111"].flags == ()


def test_item_page_story_metadata():
    [thread] = _parse(hn_html, "item_page.html")
    assert thread.thread_id == "hn-40123456"
    assert thread.title == "Sodium-ion batteries are finally going into production"
    assert thread.article_author == "elektrik"
    assert thread.published == "2024-04-17T10:33:20+00:00"
    assert thread.declared_count == 9
    assert thread.extra == {"link_url": "https://spectrum.ieee.org/sodium-ion-battery-production", "points": 312}


def test_older_item_page_uses_spacer_widths_and_bare_toptext():
    [thread] = _parse(hn_html, "item_page_2020.html")
    assert thread.thread_id == "hn-23456789"
    assert [(c.id, c.parent_id, c.author) for c in thread.comments] == [
        ("23456901", None, "paperlover"),
        ("23457022", "23456901", "compiler_carl"),
        ("23457190", "23457022", "paperlover"),
        ("23457333", None, "ml_mira"),
    ]
    assert all(c.timestamp is None for c in thread.comments)  # the page only says "5 hours ago"
    assert thread.comments[0].text == "Reflections on Trusting Trust – three pages, and it still unsettles me."
    assert thread.title == "Ask HN: What's your favourite paper of all time?"
    assert thread.article_text == "Any field. I'll start: Shannon's 1948 paper.\n\nWhat made it click for you?"
    assert thread.declared_count == 4


def test_age_titles_with_and_without_epoch_are_utc():
    assert hn_html.hn_time("2025-02-07T06:23:36 1738909416") == "2025-02-07T06:23:36+00:00"
    assert hn_html.hn_time("2022-03-30T17:03:25") == "2022-03-30T17:03:25+00:00"
    assert hn_html.hn_time("yesterday") is None


def test_comment_page_keeps_the_focus_comment_and_the_parent_its_page_links():
    page = (DATA / "item_page.html").read_text(encoding="utf-8")
    focus = ('<table class="fatitem" border="0"><tr class="athing" id="40123702"><td class="default">'
             '<span class="comhead"><a href="user?id=cell_chemist" class="hnuser">cell_chemist</a> '
             '<span class="age" title="2024-04-17T10:58:20 1713351500"><a href="item?id=40123702">1 day ago</a></span>'
             '<span class="navs"> | <a href="item?id=40123601">parent</a> | <span class="onstory">on: '
             '<a href="item?id=40123456">Sodium-ion batteries are finally going into production</a></span></span>'
             '</span><div class="comment"><div class="commtext c00">Cycle life at 45 °C is the issue.</div></div>'
             '</td></tr></table><table border="0" class="comment-tree">'
             '<tr class="athing comtr" id="40123810"><td class="ind" indent="0"></td><td>'
             '<a href="user?id=gridwatcher" class="hnuser">gridwatcher</a><div class="comment">'
             '<div class="commtext c00">CATL claims otherwise.</div></div></td></tr></table></body></html>')
    start = page.index('<table class="fatitem"')
    [thread] = hn_html.parse(_source(page[:start] + focus, "comment.html"), ParseOptions())
    assert thread.thread_id == "hn-40123456"
    assert [(c.id, c.parent_id, c.reply_evidence, c.flags) for c in thread.comments] == [
        ("40123702", "40123601", "markup", ("orphan",)),
        ("40123810", "40123702", "markup", ()),
    ]
    assert thread.orphans == {"40123702": "40123601"}


def test_html_without_hacker_news_rows_is_a_format_error():
    with pytest.raises(FormatError, match="no Hacker News story or comment rows"):
        hn_html.parse(_source("<html><body><p>hello</p></body></html>", "x.html"), ParseOptions())
