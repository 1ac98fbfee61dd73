"""The WordPress REST comments reader on saved API responses (view and edit context, a truncated one)
and on arrays built in code for the edge cases."""

from __future__ import annotations

import json

import pytest

from commentscope.scraper.errors import FormatError
from commentscope.scraper.formats import detect_format, wp_rest
from commentscope.scraper.records import Thread
from commentscope.scraper.sources import Source, read_source
from tests.conftest import DATA, SEED

CASES = DATA / "formats" / "wp_rest"
OTHER_FORMATS = [DATA / "formats" / "wp_html" / "twentyseventeen.html", DATA / "formats" / "disqus" / "export.xml",
                 SEED]


def parse_case(name: str):
    return wp_rest.parse(read_source(str(CASES / name)))


def parse_items(items, name: str = "comments.json"):
    return wp_rest.parse(Source(name=name, data=json.dumps(items).encode("utf-8")))


def item(cid, parent=0, post=7, **fields):
    base = {"id": cid, "post": post, "parent": parent, "author_name": f"User {cid}", "author_url": "",
            "date": "2020-05-01T10:00:00", "date_gmt": "2020-05-01T08:00:00",
            "content": {"rendered": f"<p>comment {cid}</p>\n"}, "link": f"https://b.example/p/#comment-{cid}",
            "status": "approved", "type": "comment"}
    return base | fields


@pytest.fixture(scope="module")
def threads():
    return {t.thread_id: t for t in parse_case("comments.json")}


def test_one_thread_per_post_in_first_seen_order(threads):
    assert list(threads) == ["wp-1302", "wp-1297"]
    assert [len(t.comments) for t in threads.values()] == [8, 2]


def test_comments_are_in_time_order_with_exact_parents(threads):
    thread = threads["wp-1302"]
    assert [(c.id, c.parent_id) for c in thread.comments] == [
        ("comment-8830", None), ("comment-8832", "comment-8830"), ("comment-8833", None),
        ("comment-8835", "comment-8832"), ("comment-8836", None), ("comment-8838", "comment-8835"),
        ("comment-8840", None), ("comment-8841", "comment-8838")]
    assert [c.position for c in thread.comments] == list(range(1, 9))
    assert all(c.reply_evidence == "markup" and c.reply_confidence == 1.0 for c in thread.comments if c.parent_id)


def test_orphan_is_kept_flagged_and_counted(threads):
    thread = threads["wp-1302"]
    orphan = next(c for c in thread.comments if c.id == "comment-8836")
    assert orphan.flags == ("orphan",) and orphan.parent_id is None
    assert thread.orphans == {"comment-8836": "comment-8801"}
    assert any("1 comment(s)" in w and "comment-8836" in w for w in thread.warnings)


def test_timestamps_use_date_gmt_as_utc(threads):
    first = threads["wp-1302"].comments[0]
    assert first.timestamp == "2017-11-21T22:38:12+00:00"  # date 17:38:12 in Toronto
    assert threads["wp-1297"].comments[1].timestamp == "2017-11-22T14:14:00+00:00"


def test_local_date_without_gmt_has_no_zone_and_a_bad_date_is_flagged():
    [thread] = parse_items([item(1, date="2020-05-01T10:00:00", date_gmt=None),
                            item(2, date="yesterday", date_gmt="")])
    first, second = thread.comments
    assert first.timestamp == "2020-05-01T10:00:00"
    assert (second.timestamp, second.flags) == (None, ("bad_timestamp",))
    assert any("comment-2" in w and "yesterday" in w for w in thread.warnings)


def test_authors_text_and_links(threads):
    comments = {c.id: c for c in threads["wp-1302"].comments}
    assert comments["comment-8841"].author == "Siobhán Nic Aodha"
    assert comments["comment-8841"].author_url is None
    assert comments["comment-8840"].author_url == "https://emilie-tremblay.example.ca"
    assert comments["comment-8841"].text == "Same on Carlaw. It’s been “two more weeks” since August."
    assert comments["comment-8838"].text == ("Agree with Dariusz & the shops on Queen East are hurting.\n"
                                             "Three closed on my block alone.")
    assert comments["comment-8830"].text == ("Extended AGAIN? This is the third time.\n\n"
                                             "Who is actually accountable for the schedule?")
    assert threads["wp-1297"].comments[0].author == "Jenna O'Neill"
    assert threads["wp-1297"].comments[1].text.endswith("My terrier <3 it.")


def test_thread_metadata_from_the_links(threads):
    thread = threads["wp-1302"]
    assert thread.url == "https://leslieville-local.example/2017/11/21/queen-street-streetcar-diversion-extended/"
    assert thread.site_url == "https://leslieville-local.example/"
    assert thread.source_format == "wp_rest"
    assert thread.extra["post"] == 1302 and thread.pingbacks == 0


def test_moderation_statuses_become_flags_and_pingbacks_are_counted():
    [thread] = parse_case("moderation_edit_context.json")
    assert thread.thread_id == "wp-1310"
    flags = {c.id: c.flags for c in thread.comments}
    assert flags == {"comment-8857": (), "comment-8859": ("deleted",), "comment-8860": (),
                     "comment-8861": ("spam",), "comment-8862": ()}
    assert thread.pingbacks == 1
    assert thread.extra["held_for_moderation"] == ["comment-8862"]
    assert {c.id: c.parent_id for c in thread.comments}["comment-8862"] == "comment-8860"


def test_truncated_array_keeps_the_items_before_the_break():
    threads = {t.thread_id: t for t in parse_case("truncated.json")}
    assert [c.id for c in threads["wp-1302"].comments] == ["comment-8838", "comment-8840", "comment-8841"]
    assert [c.id for c in threads["wp-1297"].comments] == ["comment-8837"]
    assert threads["wp-1302"].comments[0].flags == ("orphan",)
    assert any("JSON breaks at line" in w and "4 items" in w for w in threads["wp-1302"].warnings)


@pytest.mark.parametrize("text, words", [
    ('[{"id": 1, "post": 2, "content": {"rend', "no comment could be read"),
    ("{not json", "not valid JSON"),
    ('{"comments": 3}', "no WordPress comments"),
    ('"just a string"', "not a list"),
    ("[]", "no WordPress comments"),
    ("[" * 100_000, "too deeply"),
    ('[{"id": 1, "post": 2, "content": {"rendered": "x"}}, ' + "[" * 100_000, "too deeply"),
])
def test_unreadable_sources_are_format_errors(text, words):
    with pytest.raises(FormatError) as error:
        wp_rest.parse(Source(name="api.json", data=text.encode()))
    assert words in error.value.what
    assert error.value.where == "api.json" and error.value.fix


def test_markup_nested_very_deep_keeps_its_words():
    deep = "<div>" * 20_000 + "deep words" + "</div>" * 20_000
    [thread] = parse_items([item(1, content={"rendered": f"<p>top</p>{deep}"})])
    assert thread.comments[0].text.split() == ["top", "deep", "words"]


def test_items_that_are_not_comments_are_skipped_with_a_warning():
    [thread] = parse_items([item(1), "junk", {"post": 7}, item(2, post=None), item(3, parent=1)])
    assert [c.id for c in thread.comments] == ["comment-1", "comment-3"]
    assert sum("skipped" in w for w in thread.warnings) == 3


def test_merge_pages_relinks_replies_split_over_api_pages():
    items = json.loads((CASES / "comments.json").read_text(encoding="utf-8"))
    newest = wp_rest.parse(Source(name="page1.json", data=json.dumps(items[:5]).encode()))
    oldest = wp_rest.parse(Source(name="page2.json", data=json.dumps(items[5:]).encode()))
    page1 = next(t for t in newest if t.thread_id == "wp-1302")
    assert "orphan" in next(c for c in page1.comments if c.id == "comment-8838").flags
    merged = {t.thread_id: t for t in wp_rest.merge_pages(newest + oldest)}
    whole = {t.thread_id: t for t in parse_case("comments.json")}
    for thread_id in ("wp-1302", "wp-1297"):
        assert [(c.id, c.parent_id, c.flags) for c in merged[thread_id].comments] == \
               [(c.id, c.parent_id, c.flags) for c in whole[thread_id].comments]
    assert merged["wp-1302"].orphans == {"comment-8836": "comment-8801"}


def test_merge_pages_relinks_replies_on_pages_read_back_from_their_sidecar():
    """A page stored with ``scrape -o`` and read again keeps its orphans' parents in ``Thread.orphans``."""
    items = json.loads((CASES / "comments.json").read_text(encoding="utf-8"))
    pages = [*wp_rest.parse(Source(name="page1.json", data=json.dumps(items[:5]).encode())),
             *wp_rest.parse(Source(name="page2.json", data=json.dumps(items[5:]).encode()))]
    read_back = [Thread.from_metadata(json.loads(json.dumps(page.metadata()))) for page in pages]
    for page, thread in zip(pages, read_back):
        thread.comments = page.comments
    merged = {t.thread_id: t for t in wp_rest.merge_pages(read_back)}
    fresh = {t.thread_id: t for t in wp_rest.merge_pages(pages)}
    assert [(c.id, c.parent_id, c.flags) for c in merged["wp-1302"].comments] == \
           [(c.id, c.parent_id, c.flags) for c in fresh["wp-1302"].comments]
    assert "orphan" not in next(c for c in merged["wp-1302"].comments if c.id == "comment-8838").flags


@pytest.mark.parametrize("name", sorted(p.name for p in CASES.glob("*.json")))
def test_each_fixture_is_detected_as_wp_rest(name):
    source = read_source(str(CASES / name))
    assert wp_rest.detect(source) >= 0.9
    assert detect_format(source) == "wp_rest"


@pytest.mark.parametrize("path", OTHER_FORMATS, ids=lambda p: p.name)
def test_other_formats_are_not_wp_rest(path):
    assert wp_rest.detect(read_source(str(path))) == 0.0
