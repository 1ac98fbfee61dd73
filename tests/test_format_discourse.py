"""Discourse topic JSON: post 1 is the article, replies by post number, events, hidden/deleted posts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from commentscope.scraper import SEED_PATH
from commentscope.scraper.errors import FormatError
from commentscope.scraper.formats import FORMATS, ParseOptions, detect_format, discourse
from commentscope.scraper.sources import Source, read_source

FIXTURE = Path(__file__).parent / "data" / "formats" / "discourse" / "topic.json"
MINE = ("reddit", "hn_algolia", "hn_api", "hn_html", "youtube", "discourse", "csv", "jsonl")


def _topic() -> dict:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def _thread(source: Source | None = None):
    [thread] = discourse.parse(source or read_source(str(FIXTURE)), ParseOptions())
    return thread


def _source(document, url: str | None = None) -> Source:
    return Source(name="topic.json", data=json.dumps(document, ensure_ascii=False).encode("utf-8"), url=url)


def test_fixture_is_detected_as_discourse_only():
    source = read_source(str(FIXTURE))
    assert detect_format(source) == "discourse"
    assert all(FORMATS[other].detect(source) == 0 for other in MINE if other != "discourse")


def test_seed_is_not_discourse():
    assert discourse.detect(read_source(str(SEED_PATH))) == 0


def test_post_numbers_are_ids_and_replies_to_post_one_are_top_level():
    thread = _thread()
    assert [(c.id, c.parent_id) for c in thread.comments] == [
        ("2", None), ("3", "2"), ("4", "3"), ("5", "4"), ("6", None), ("7", None), ("9", "5"), ("13", None),
    ]
    assert [c.position for c in thread.comments] == list(range(1, 9))
    assert thread.comments[1].reply_evidence == "markup"


def test_authors_timestamps_and_cooked_text():
    by_id = {c.id: c for c in _thread().comments}
    assert by_id["2"].author == "tinkerdad"
    assert by_id["2"].timestamp == "2024-03-07T09:02:10.004000+00:00"
    assert by_id["2"].text == "Same here & only the Aqara ones. Are you on the EZSP firmware 7.4?"
    assert "> only the Aqara ones" in by_id["3"].text
    assert by_id["3"].text.endswith("A fix is in zigpy#1342, shipping in 2024.3.1.")
    assert by_id["4"].text.startswith("Thanks @zha_dev — do I need to re-pair")
    assert "😬" in by_id["4"].text


def test_deleted_hidden_orphan_and_small_action_posts():
    thread = _thread()
    by_id = {c.id: c for c in thread.comments}
    assert by_id["6"].flags == ("deleted",) and by_id["6"].text == "(post deleted by author)"
    assert by_id["7"].flags == ("dead",)
    assert by_id["13"].flags == ("orphan",)
    assert thread.orphans == {"13": "12"}
    assert "8" not in by_id  # "closed the topic" is an event, not a comment
    assert thread.extra["small_actions"] == 1


def test_opening_post_is_the_article_and_topic_metadata_is_kept():
    thread = _thread()
    assert thread.thread_id == "discourse-48213"
    assert thread.title == "After upgrading to 2024.3 my Zigbee sensors show “unavailable”"
    assert thread.article_author == "marta_k"
    assert thread.article_text.startswith("Since updating to 2024.3.0 about half of my Zigbee sensors")
    assert thread.article_text.endswith("Anyone else seeing this? Rolling back fixes it.")
    assert thread.published == "2024-03-07T08:14:22.311000+00:00"
    assert thread.declared_count == 12
    assert thread.missing_count == 3
    assert thread.extra["path"] == "/t/after-upgrading-to-2024-3-my-zigbee-sensors-show-unavailable/48213"
    assert thread.extra["tags"] == ["zha", "zigbee"]
    assert any("3 post(s) of the topic are not in this file" in w for w in thread.warnings)


def test_fetched_url_gives_site_thread_url_and_author_urls():
    thread = _thread(_source(_topic(), url="https://community.home-assistant.io/t/x/48213.json"))
    assert thread.site == "community.home-assistant.io"
    assert thread.url == ("https://community.home-assistant.io/t/"
                          "after-upgrading-to-2024-3-my-zigbee-sensors-show-unavailable/48213")
    assert thread.comments[0].author_url == "https://community.home-assistant.io/u/tinkerdad"


def test_posts_json_without_topic_fields_and_without_post_one():
    topic = _topic()
    posts = [p for p in topic["post_stream"]["posts"] if p["post_number"] >= 9]
    thread = _thread(_source({"post_stream": {"posts": posts}, "id": 48213}))
    assert thread.thread_id == "discourse-48213"
    assert [(c.id, c.parent_id, c.flags) for c in thread.comments] == [("9", None, ("orphan",)),
                                                                      ("13", None, ("orphan",))]
    assert thread.article_text is None
    assert any("opening post (post 1) is not in the file" in w for w in thread.warnings)


def test_unreadable_posts_are_skipped_with_a_warning():
    topic = _topic()
    topic["post_stream"]["posts"].insert(3, "not a post")
    thread = _thread(_source(topic))
    assert len(thread.comments) == 8
    assert any("post_stream.posts[3] is not a post" in w for w in thread.warnings)


def test_json_without_post_stream_is_a_format_error():
    with pytest.raises(FormatError, match="not a Discourse topic"):
        _thread(_source({"topic_list": {"topics": []}}))
