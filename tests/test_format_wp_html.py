"""The WordPress comment-page reader on saved pages of four themes (Twenty Seventeen, Twenty Ten,
Twenty Twenty-One over two comment pages, GeneratePress with broken markup) and on small pages built in
code for the edge cases, plus ``merge_pages``."""

from __future__ import annotations

import copy
import json

import pytest

from commentscope.scraper.errors import FormatError
from commentscope.scraper.formats import detect_format, wp_html
from commentscope.scraper.records import Thread
from commentscope.scraper.sources import Source, read_source
from commentscope.scraper.html_text import html_to_text, node_text
from tests.conftest import DATA, SEED

CASES = DATA / "formats" / "wp_html"
OTHER_FORMATS = [DATA / "formats" / "wp_rest" / "comments.json", DATA / "formats" / "disqus" / "export.xml", SEED]


def parse_case(name: str):
    [thread] = wp_html.parse(read_source(str(CASES / name)))
    return thread


def parse_html(html: str, name: str = "page.html"):
    return wp_html.parse(Source(name=name, data=html.encode("utf-8")))


@pytest.fixture(scope="module")
def seventeen():
    return parse_case("twentyseventeen.html")


@pytest.fixture(scope="module")
def legacy():
    return parse_case("twentyten_legacy.html")


@pytest.fixture(scope="module")
def pages():
    return [parse_case("twentytwentyone_page1.html"), parse_case("twentytwentyone_page2.html")]


def by_id(thread):
    return {c.id: c for c in thread.comments}


# --- Twenty Seventeen (html5 core markup) -------------------------------------------------------

def test_seventeen_ids_in_document_order_without_the_pingback(seventeen):
    assert [c.id for c in seventeen.comments] == [
        "comment-1021", "comment-1023", "comment-1026", "comment-1030", "comment-1024",
        "comment-1022", "comment-1027", "comment-1028"]
    assert [c.position for c in seventeen.comments] == list(range(1, 9))


def test_seventeen_parents_follow_the_nesting_four_deep(seventeen):
    parents = {c.id: c.parent_id for c in seventeen.comments}
    assert parents == {
        "comment-1021": None, "comment-1023": "comment-1021", "comment-1026": "comment-1023",
        "comment-1030": "comment-1026", "comment-1024": "comment-1021", "comment-1022": None,
        "comment-1027": None, "comment-1028": "comment-1027"}
    for comment in seventeen.comments:
        if comment.parent_id:
            assert (comment.reply_evidence, comment.reply_confidence) == ("markup", 1.0)
        else:
            assert (comment.reply_evidence, comment.reply_confidence) == (None, None)


def test_seventeen_authors_verbatim_with_entities_decoded_and_spaces_collapsed(seventeen):
    authors = [c.author for c in seventeen.comments]
    assert authors == ["Zoë Adebayo-Nakamura", "Maren Halvorsen", "Dan O’Brien", "李明 (Li Ming)",
                       "Maren Halvorsen", "José Martínez", "Мария Петрова", "José Martínez"]
    comments = by_id(seventeen)
    assert comments["comment-1021"].author_url == "https://zoe-writes.example/"
    assert comments["comment-1030"].author_url == "http://www.chen-lab.example.org"
    assert comments["comment-1023"].author_url is None


def test_seventeen_timestamps_keep_the_zone_the_page_gives(seventeen):
    comments = by_id(seventeen)
    assert comments["comment-1021"].timestamp == "2017-11-21T10:38:12+00:00"
    assert comments["comment-1030"].timestamp == "2017-11-21T15:20:59+00:00"
    assert comments["comment-1028"].timestamp == "2017-11-22T08:30:41+00:00"


def test_seventeen_text_is_the_body_only(seventeen):
    comments = by_id(seventeen)
    assert comments["comment-1021"].text == (
        "Thanks for actually publishing the counts. I ride Mill Street every day & the difference since "
        "September is obvious.\n\nWould be good to see the Station Road numbers too, though — if the traffic "
        "just moved there, that’s a cost someone pays.")
    assert comments["comment-1030"].text == (
        "@Dan — fair point, but it’s 550 on a base of 6,100, so about 9%.\n\n"
        "> 550 extra vehicles a day past a primary school is not a rounding error.\n\n"
        "Agreed it isn’t nothing. A 20 mph limit on Station Road\nwould cost far less than ripping the lanes out.")
    assert comments["comment-1022"].text.endswith("Come back with a full year <and> then we can talk.")
    for comment in seventeen.comments:
        assert "Reply" not in comment.text and "says:" not in comment.text


def test_seventeen_pingback_is_counted_not_emitted(seventeen):
    assert seventeen.pingbacks == 1
    assert seventeen.extra["pingback_links"] == [{
        "id": "comment-1025", "title": "Weekly round-up: lanes, lights and a lot of paint | Cycle City",
        "url": "https://cycle-city.example/2017/11/22/weekly-round-up-47/"}]
    assert "comment-1025" not in by_id(seventeen)


def test_seventeen_thread_metadata(seventeen):
    assert seventeen.thread_id == "wp-482"
    assert seventeen.source_format == "wp_html"
    assert seventeen.title == "Why the town’s new bike lanes matter"
    assert seventeen.url == "https://riverside-notes.example/2017/11/21/why-the-towns-new-bike-lanes-matter/"
    assert seventeen.site == "Riverside Notes"
    assert seventeen.site_url == "https://riverside-notes.example/"
    assert seventeen.article_author == "Maren Halvorsen"
    assert seventeen.published == "2017-11-21T09:15:04+00:00"
    assert seventeen.declared_count == 9
    assert seventeen.missing_count == 0
    assert seventeen.warnings == []
    assert seventeen.extra["by_post_author"] == ["comment-1023", "comment-1024"]


def test_seventeen_article_text_without_related_posts(seventeen):
    text = seventeen.article_text
    assert text.startswith("Last Tuesday the council voted 5–2 to keep the painted lanes")
    assert "> “We were told the lanes would empty the high street." in text
    assert text.endswith("start from the same set of facts.")
    assert "Related" not in text


# --- Twenty Ten (html4 walker with li-comment-N and cite.fn) -------------------------------------

def test_legacy_outer_and_inner_elements_are_one_comment(legacy):
    assert [c.id for c in legacy.comments] == [
        "comment-5512", "comment-5514", "comment-5519", "comment-5523", "comment-5517", "comment-5520"]
    assert {c.id: c.parent_id for c in legacy.comments} == {
        "comment-5512": None, "comment-5514": "comment-5512", "comment-5519": "comment-5514",
        "comment-5523": "comment-5519", "comment-5517": None, "comment-5520": "comment-5517"}


def test_legacy_times_come_from_the_permalink_text_without_a_zone(legacy):
    assert [c.timestamp for c in legacy.comments] == [
        "2012-03-03T19:41:00", "2012-03-03T20:02:00", "2012-03-04T09:15:00", "2012-03-04T12:30:00",
        "2012-03-04T08:55:00", "2012-03-04T10:03:00"]


def test_legacy_authors_text_and_links(legacy):
    comments = by_id(legacy)
    assert [c.author for c in legacy.comments] == [
        "Ngozi Okonkwo-Hall", "Tomás Ó Briain", "Ngozi Okonkwo-Hall", "Hélène Dubois-Wright",
        "Ólafur Sigurðsson", "Anonymous"]
    assert comments["comment-5512"].author_url == "http://ngozi-grows.example.com"
    assert comments["comment-5514"].text == ("Rainwater is fine – the ban is only about mains water through a hose.\n"
                                             "I’ve asked the council to put that in writing.")
    assert comments["comment-5517"].text == ("Could the association buy butts in bulk? 40 plots × 2 butts would get "
                                             "a decent discount.\n\nI can collect with my van.")
    assert all("(Edit)" not in c.text and "March" not in c.text for c in legacy.comments)


def test_legacy_metadata_from_old_markup(legacy):
    assert legacy.thread_id == "wp-1187"  # from <div id="post-1187">: no postid body class here
    assert legacy.title == "Hosepipe ban: what it means for the allotments"
    assert legacy.site == "Eastfield Growers"
    assert legacy.site_url == "http://eastfield-growers.example.org/"
    assert legacy.url == "http://eastfield-growers.example.org/2012/03/hosepipe-ban-allotments/"
    assert legacy.article_author == "Tomás Ó Briain"
    assert legacy.published == "2012-03-03"
    assert legacy.declared_count == 7
    assert legacy.pingbacks == 1 and legacy.extra["pingback_links"][0]["id"] is None
    assert legacy.warnings == []


# --- Twenty Twenty-One, two comment pages --------------------------------------------------------

def test_each_page_knows_its_number_and_says_it_is_partial(pages):
    first, second = pages
    assert (first.comment_page, second.comment_page) == (1, 2)
    assert first.extra["comment_page_count"] == second.extra["comment_page_count"] == 2
    assert first.thread_id == second.thread_id == "wp-57"
    post_url = "https://northgate-library-friends.example/2021/05/03/sunday-opening-a-trial-from-june/"
    assert first.url == second.url == post_url
    assert (len(first.comments), len(second.comments)) == (9, 5)
    assert (first.missing_count, second.missing_count) == (5, 9)
    assert any("comment page 2 of 2" in w for w in second.warnings)
    assert second.page_warnings == [w for w in second.warnings if "comment page 2 of 2" in w]


def test_merge_pages_joins_two_pages_in_page_order(pages):
    for given in (pages, pages[::-1]):
        [merged] = wp_html.merge_pages(given)
        order = (201, 202, 204, 205, 203, 206, 207, 208, 209, 210, 211, 212, 213, 214)
        assert [c.id for c in merged.comments] == [f"comment-{n}" for n in order]
        assert [c.position for c in merged.comments] == list(range(1, 15))
        assert {c.id: c.parent_id for c in merged.comments if c.parent_id} == {
            "comment-202": "comment-201", "comment-204": "comment-202", "comment-205": "comment-204",
            "comment-209": "comment-208", "comment-211": "comment-210", "comment-214": "comment-213"}
        assert merged.extra["comment_pages"] == [1, 2]
        assert (merged.comment_page, merged.pingbacks, merged.page_warnings) == (None, 0, [])
        assert merged.declared_count == 14 and merged.missing_count == 0
        assert merged.warnings == []
        assert merged.title == "Sunday opening: a trial from June"
        assert merged.article_author == "Ingrid Sæther"
        assert merged.published == "2021-05-03T09:12:44+02:00"


def test_merge_pages_reads_pages_read_back_from_their_sidecar(pages):
    """Pages stored with ``scrape -o`` and read again carry comment_page and page_warnings as fields."""
    read_back = [Thread.from_metadata(json.loads(json.dumps(page.metadata()))) for page in pages[::-1]]
    for page, thread in zip(pages[::-1], read_back):
        thread.comments = page.comments
    [merged] = wp_html.merge_pages(read_back)
    [fresh] = wp_html.merge_pages(pages)
    assert [(c.id, c.parent_id, c.position) for c in merged.comments] == \
           [(c.id, c.parent_id, c.position) for c in fresh.comments]
    assert merged.warnings == [] and merged.extra["comment_pages"] == [1, 2]


def test_merge_pages_keeps_a_comment_seen_twice_once(pages):
    [merged] = wp_html.merge_pages([pages[0], pages[1], pages[1]])
    assert len(merged.comments) == 14
    assert len({c.id for c in merged.comments}) == 14
    assert any("more than once" in w for w in merged.warnings)


def test_merge_pages_leaves_inputs_and_other_threads_alone(pages, seventeen):
    before = copy.deepcopy(pages)
    merged = wp_html.merge_pages([pages[0], seventeen, pages[1]])
    assert [t.thread_id for t in merged] == ["wp-57", "wp-482"]
    assert merged[1] is seventeen
    assert [c.position for c in pages[1].comments] == [c.position for c in before[1].comments] == [1, 2, 3, 4, 5]
    assert pages[1].warnings == before[1].warnings


# --- broken markup: the BeautifulSoup fallback -----------------------------------------------------

def test_unclosed_iframe_does_not_hide_the_comments():
    thread = parse_case("generatepress_unclosed_iframe.html")
    assert [(c.id, c.parent_id, c.author) for c in thread.comments] == [
        ("comment-88", None, "Saoirse Ní Bhriain"), ("comment-90", "comment-88", "Owain Pritchard"),
        ("comment-93", "comment-90", "Bea Lindqvist"), ("comment-91", None, "Mateus Oliveira")]
    assert thread.comments[2].timestamp == "2023-02-12T07:40:00+00:00"
    assert thread.comments[0].text == "Thanks for the warning – we had planned the ridge for Saturday."
    assert thread.declared_count == 4
    assert thread.article_author == "Rhys Morgan"
    assert thread.article_text.endswith("Use the valley route instead; it adds about forty minutes.")
    assert any("BeautifulSoup" in w for w in thread.warnings)


# --- edge cases built in code ---------------------------------------------------------------------

PAGE = """<!DOCTYPE html><html><head><title>{title}</title>
<link rel='stylesheet' href='https://blog.example/wp-content/themes/x/style.css' /></head>
<body><article><h1 class="entry-title">{title}</h1></article>
<div id="comments"><ol class="comment-list">{items}</ol></div></body></html>"""


def test_comment_without_id_author_or_time_is_kept_with_flags_and_warnings():
    items = ('<li class="comment depth-1"><div class="comment-body"><p>Nobody signed this.</p></div></li>'
             '<li id="comment-7" class="comment depth-1"><div class="comment-author"><cite class="fn">Ann</cite></div>'
             '<div class="comment-meta"><a href="#comment-7">sometime last week</a></div>'
             '<div class="comment-content"><p>Hi</p></div></li>')
    [thread] = parse_html(PAGE.format(title="A post", items=items))
    first, second = thread.comments
    assert (first.id, first.author, first.text) == ("1", "", "Nobody signed this.")
    assert set(first.flags) == {"no_author", "bad_timestamp"}
    assert (second.id, second.author, second.timestamp, second.flags) == ("comment-7", "Ann", None, ("bad_timestamp",))
    assert thread.thread_id == "a-post"
    assert any("comment-7" in w and "sometime last week" in w for w in thread.warnings)


def test_time_attribute_keeps_what_it_gives():
    items = ('<li id="comment-1" class="comment"><b class="fn">A</b><time datetime="2020-01-02">Jan 2</time>'
             '<div class="comment-content"><p>x</p></div></li><li id="comment-2" class="comment"><b class="fn">B</b>'
             '<time datetime="2020-01-02T03:04:05Z">x</time><div class="comment-content"><p>y</p></div></li>')
    [thread] = parse_html(PAGE.format(title="T", items=items))
    assert [c.timestamp for c in thread.comments] == ["2020-01-02", "2020-01-02T03:04:05+00:00"]


def test_reply_at_the_top_of_a_later_page_is_an_orphan_with_unknown_parent():
    items = ('<li id="comment-40" class="comment depth-3"><div class="comment-author"><b class="fn">Bo</b></div>'
             '<time datetime="2020-01-02T03:04:05+00:00">x</time><div class="comment-content"><p>late</p></div></li>')
    [thread] = parse_html(PAGE.format(title="T", items=items))
    [comment] = thread.comments
    assert (comment.parent_id, comment.flags) == (None, ("orphan",))
    assert thread.orphans == {"comment-40": None}


def test_reply_to_a_pingback_is_an_orphan_naming_the_pingback():
    items = ('<li id="comment-3" class="pingback depth-1"><div class="comment-body">Pingback: '
             '<a class="url" href="https://else.example/p">Elsewhere</a><ol class="children">'
             '<li id="comment-4" class="comment depth-2"><b class="fn">Cy</b>'
             '<time datetime="2020-01-02T03:04:05+00:00">x</time><div class="comment-content">'
             '<p>thanks for the link</p></div></li></ol></div></li>')
    [thread] = parse_html(PAGE.format(title="T", items=items))
    [comment] = thread.comments
    assert (comment.id, comment.parent_id, comment.flags) == ("comment-4", None, ("orphan",))
    assert thread.orphans == {"comment-4": "comment-3"}
    assert thread.pingbacks == 1


def test_title_loses_the_site_suffix_only_when_the_site_is_known():
    head = ('<!DOCTYPE html><html><head><title>Budget night &#8211; The Ledger</title>'
            '<meta property="og:site_name" content="The Ledger"></head><body>'
            '<ol class="commentlist"><li id="comment-1" class="comment"><cite class="fn">A</cite>'
            '<div class="comment-body"><p>x</p></div></li></ol></body></html>')
    [thread] = parse_html(head)
    assert (thread.title, thread.site, thread.thread_id) == ("Budget night", "The Ledger", "budget-night")


def test_page_that_is_not_html_or_not_wordpress_is_a_format_error():
    with pytest.raises(FormatError) as error:
        parse_html("just some words", "notes.txt")
    assert error.value.where == "notes.txt" and error.value.fix
    with pytest.raises(FormatError) as error:
        parse_html("<html><body><p>An article with no comment section.</p></body></html>", "plain.html")
    assert "comment" in error.value.what and error.value.fix


def test_markup_nested_very_deep_is_read_without_overflow():
    deep = "<div>" * 20_000 + "bottom" + "</div>" * 20_000
    items = (f'<li id="comment-1" class="comment"><b class="fn">A</b><div class="comment-content">'
             f'<p>top <em>and<br>more</em></p><blockquote>q<blockquote>qq</blockquote></blockquote>{deep}</div></li>')
    [thread] = parse_html(PAGE.format(title="T", items=items))
    assert thread.comments[0].text == "top and\nmore\n\n> q\n\n> > qq\n\nbottom"
    assert any("comment-1 has no time" in w for w in thread.warnings)


def test_runs_of_a_hundred_thousand_nested_tags_are_cut_before_parsing():
    deep = "<div>" * 100_000 + "inside" + "</div>" * 100_000
    items = (f'<li id="comment-1" class="comment"><article class="comment-body"><b class="fn">A</b>'
             f'<div class="comment-content"><p>top</p>{deep}</div></article><ol class="children">'
             '<li id="comment-3" class="comment"><b class="fn">C</b><div class="comment-content"><p>reply</p>'
             '</div></li></ol></li><li id="comment-2" class="comment"><b class="fn">B</b><div class="comment-content">'
             '<p>second</p></div></li>')
    [thread] = parse_html(PAGE.format(title="T", items=items))
    assert [(c.id, c.author, c.text, c.parent_id) for c in thread.comments] == [
        ("comment-1", "A", "top\n\ninside", None), ("comment-3", "C", "reply", "comment-1"),
        ("comment-2", "B", "second", None)]
    assert any("cut to 256 levels" in w for w in thread.warnings)


def test_nesting_thousands_deep_around_text_is_a_format_error():
    deep = "<div>x" * 60_000 + "</div>" * 60_000
    with pytest.raises(FormatError) as error:
        parse_html(PAGE.format(title="T", items=f'<li id="comment-1" class="comment">{deep}</li>'), "deep.html")
    assert "levels deep" in error.value.what and error.value.where == "deep.html"


def test_wordpress_page_with_no_comments_gives_an_empty_thread_with_a_warning():
    [thread] = parse_html(PAGE.format(title="Quiet post", items=""))
    assert thread.comments == [] and thread.title == "Quiet post"
    assert any("no comments" in w for w in thread.warnings)


def test_node_text_follows_html_to_text_conventions():
    from selectolax.lexbor import LexborHTMLParser

    fragment = ('<p>One &amp; two&nbsp; three</p><p>Line<br>break</p><blockquote><p>quoted</p></blockquote>'
                '<p>after <a href="x">link</a><script>var x;</script></p>')
    node = LexborHTMLParser(f"<div id='x'>{fragment}</div>").css_first("#x")
    assert node_text(node) == html_to_text(fragment) == (
        "One & two three\n\nLine\nbreak\n\n> quoted\n\nafter link")


def test_node_text_treats_source_line_breaks_as_spaces():
    from selectolax.lexbor import LexborHTMLParser

    node = LexborHTMLParser("<div id='x'><p>wrapped\nsource line<br />\nnext</p></div>").css_first("#x")
    assert node_text(node) == "wrapped source line\nnext"


# --- detection ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(p.name for p in CASES.glob("*.html")))
def test_each_fixture_is_detected_as_wp_html(name):
    source = read_source(str(CASES / name))
    assert wp_html.detect(source) >= 0.9
    assert detect_format(source) == "wp_html"


@pytest.mark.parametrize("path", OTHER_FORMATS, ids=lambda p: p.name)
def test_other_formats_are_not_wp_html(path):
    assert wp_html.detect(read_source(str(path))) == 0.0
