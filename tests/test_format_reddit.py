"""Reddit post JSON: the listing pair, nested replies, `more` stubs, deleted/removed, permalink orphans."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from commentscope.scraper.errors import FormatError
from commentscope.scraper.formats import FORMATS, ParseOptions, detect_format, parse_source, reddit
from commentscope.scraper.sources import Source, read_source
from commentscope.scraper import SEED_PATH

DATA = Path(__file__).parent / "data" / "formats" / "reddit"
MINE = ("reddit", "hn_algolia", "hn_api", "hn_html", "youtube", "discourse", "csv", "jsonl")


def _thread(name: str):
    threads = parse_source(read_source(str(DATA / name)), "reddit", ParseOptions())
    assert len(threads) == 1
    return threads[0]


def _source(document, name: str = "post.json") -> Source:
    return Source(name=name, data=json.dumps(document).encode("utf-8"))


@pytest.mark.parametrize("name", ["link_post.json", "self_post_permalink.json"])
def test_fixture_is_detected_as_reddit_only(name):
    source = read_source(str(DATA / name))
    assert detect_format(source) == "reddit"
    assert all(FORMATS[other].detect(source) == 0 for other in MINE if other != "reddit")


def test_seed_is_not_reddit():
    assert reddit.detect(read_source(str(SEED_PATH))) == 0


def test_link_post_comments_in_tree_order_with_exact_parents():
    thread = _thread("link_post.json")
    assert [(c.id, c.parent_id) for c in thread.comments] == [
        ("t1_ktbq1a1", None),
        ("t1_ktbr7x2", "t1_ktbq1a1"),
        ("t1_ktbs1x3", "t1_ktbr7x2"),
        ("t1_ktbu2p9", "t1_ktbs1x3"),
        ("t1_ktbw0f4", "t1_ktbu2p9"),
        ("t1_ktbq9zz", None),
        ("t1_ktbrr55", "t1_ktbq9zz"),
        ("t1_ktbt4k0", None),
    ]
    assert [c.position for c in thread.comments] == list(range(1, 9))
    replies = [c for c in thread.comments if c.parent_id]
    assert all(c.reply_evidence == "markup" and c.reply_confidence == 1.0 for c in replies)
    assert all(c.reply_evidence is None for c in thread.comments if c.parent_id is None)


def test_link_post_authors_timestamps_and_decoded_text():
    thread = _thread("link_post.json")
    first, second = thread.comments[0], thread.comments[1]
    assert first.author == "concrete_jungle_42"
    assert first.timestamp == "2024-03-05T15:07:10+00:00"
    assert first.author_url == "https://www.reddit.com/user/concrete_jungle_42/"
    assert "low base & ignores interest rates" in first.text
    assert "\n\nNot saying the reform is bad" in first.text
    assert second.text.startswith("> Most of the new buildings would have been built anyway\n\n")
    assert "<https://www.sightline.org/>" in second.text
    assert "naïve" in thread.comments[4].text and "🚲" in thread.comments[4].text
    assert all(c.source_format == "reddit" and c.thread_id == "reddit-1b7x2qk" for c in thread.comments)


def test_deleted_removed_and_authorless_comments_are_kept_and_flagged():
    by_id = {c.id: c for c in _thread("link_post.json").comments}
    assert by_id["t1_ktbs1x3"].text == "[deleted]" and by_id["t1_ktbs1x3"].flags == ("deleted",)
    assert by_id["t1_ktbq9zz"].text == "[removed]" and by_id["t1_ktbq9zz"].flags == ("removed",)
    assert by_id["t1_ktbt4k0"].author == "[deleted]" and by_id["t1_ktbt4k0"].flags == ("no_author",)
    assert by_id["t1_ktbt4k0"].author_url is None
    assert by_id["t1_ktbq1a1"].flags == ()


def test_removed_by_reddit_placeholder_is_flagged_removed():
    document = json.loads((DATA / "self_post_permalink.json").read_text(encoding="utf-8"))
    document[1]["data"]["children"][0]["data"]["body"] = "[ Removed by Reddit ]"
    thread = reddit.parse(_source(document), ParseOptions())[0]
    assert thread.comments[0].flags == ("removed", "orphan")


def test_more_stubs_are_counted_not_invented():
    thread = _thread("link_post.json")
    assert thread.missing_count == 8  # a stub of 3 under t1_ktbr7x2 and one of 5 at the top
    assert thread.extra["continued_under"] == ["t1_ktbw0f4"]
    assert any("8 comment(s) sit behind 2 'load more' stub(s)" in w for w in thread.warnings)
    assert any("continue this thread" in w for w in thread.warnings)


def test_link_post_metadata():
    thread = _thread("link_post.json")
    assert thread.thread_id == "reddit-1b7x2qk"
    assert thread.title == "Minneapolis eliminated parking minimums citywide in 2021 & here's what got built"
    assert thread.url == ("https://www.reddit.com/r/urbanplanning/comments/1b7x2qk/"
                          "minneapolis_eliminated_parking_minimums_citywide/")
    assert thread.site == "r/urbanplanning"
    assert thread.site_url == "https://www.reddit.com/r/urbanplanning/"
    assert thread.article_author == "cityhall_watcher"
    assert thread.article_text == (thread.title + "\n\n"
                                   "https://www.minnpost.com/metro/2024/03/parking-minimums-three-years-later/")
    assert thread.published == "2024-03-05T14:46:40+00:00"
    assert thread.declared_count == 16
    assert thread.extra["link_url"].startswith("https://www.minnpost.com/")
    assert thread.extra["is_self"] is False


def test_self_post_permalink_orphan_and_selftext():
    thread = _thread("self_post_permalink.json")
    assert thread.thread_id == "reddit-18qk2mv"
    assert [(c.id, c.parent_id, c.flags) for c in thread.comments] == [
        ("t1_kez8c1d", None, ("orphan",)),
        ("t1_kez9z2e", "t1_kez8c1d", ()),
    ]
    assert thread.orphans == {"t1_kez8c1d": "t1_kez7q0a"}
    assert any("1 comment(s) reply to a comment that is not in the thread" in w for w in thread.warnings)
    assert thread.article_text.startswith("I live in Hà Nội")
    assert "humidity > 80%" in thread.article_text
    assert thread.comments[1].text == "Trying this tonight, cảm ơn!"
    assert thread.declared_count == 43


def test_comments_listing_without_post_takes_id_from_link_id():
    listing = json.loads((DATA / "self_post_permalink.json").read_text(encoding="utf-8"))[1]
    threads = reddit.parse(_source(listing), ParseOptions())
    assert threads[0].thread_id == "reddit-18qk2mv"
    assert threads[0].title is None
    assert len(threads[0].comments) == 2


def test_unreadable_children_are_skipped_with_a_warning():
    document = json.loads((DATA / "self_post_permalink.json").read_text(encoding="utf-8"))
    document[1]["data"]["children"].insert(0, {"kind": "t1", "data": "oops"})
    document[1]["data"]["children"].append({"kind": "t5", "data": {"display_name": "castiron"}})
    thread = reddit.parse(_source(document), ParseOptions())[0]
    assert len(thread.comments) == 2
    assert any("comments[0] is not a Reddit thing" in w for w in thread.warnings)
    assert any("comments[2] is a 't5' thing, not a comment" in w for w in thread.warnings)


def test_truncated_json_is_a_format_error_saying_so():
    text = (DATA / "link_post.json").read_text(encoding="utf-8")[:5000]
    with pytest.raises(FormatError) as caught:
        reddit.parse(Source(name="cut.json", data=text.encode("utf-8")), ParseOptions())
    assert "truncated" in str(caught.value)
    assert str(caught.value).startswith("cut.json:1:")


def test_json_that_is_not_reddit_is_a_format_error():
    with pytest.raises(FormatError, match="no Reddit post or comment listing"):
        reddit.parse(_source({"kind": "Listing", "data": {"children": []}}), ParseOptions())
