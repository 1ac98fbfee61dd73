"""The Disqus export reader on an export of three threads (one without posts), a truncated export, and
small hostile or broken documents built in code."""

from __future__ import annotations

import pytest

from commentscope.scraper.errors import FormatError
from commentscope.scraper.formats import detect_format, disqus
from commentscope.scraper.sources import Source, read_source
from tests.conftest import DATA, SEED

CASES = DATA / "formats" / "disqus"
OTHER_FORMATS = [DATA / "formats" / "wp_html" / "twentyseventeen.html", DATA / "formats" / "wp_rest" / "comments.json",
                 SEED]
HEAD = ('<?xml version="1.0" encoding="utf-8"?>\n'
        '<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">\n')


def parse_xml(text: str):
    return disqus.parse(Source(name="export.xml", data=text.encode("utf-8")))


def post(dsq_id: str, thread: str = "1", parent: str | None = None, message: str = "<p>hi</p>") -> str:
    parent_ref = f'<parent dsq:id="{parent}" />' if parent else ""
    return (f'<post dsq:id="{dsq_id}"><id /><message><![CDATA[{message}]]></message>'
            f"<createdAt>2020-01-01T00:00:0{dsq_id[-1]}Z</createdAt><isDeleted>false</isDeleted><isSpam>false</isSpam>"
            f"<author><name>N{dsq_id}</name><isAnonymous>false</isAnonymous><username>u{dsq_id}</username></author>"
            f'<thread dsq:id="{thread}" />{parent_ref}</post>')


@pytest.fixture(scope="module")
def threads():
    return {t.thread_id: t for t in disqus.parse(read_source(str(CASES / "export.xml")))}


def test_threads_with_posts_only(threads):
    assert list(threads) == ["disqus-6318845012", "disqus-6320011987"]
    assert [len(t.comments) for t in threads.values()] == [8, 2]
    assert threads["disqus-6318845012"].extra["threads_without_posts"] == 1


def test_ids_and_parents_are_the_posts_dsq_ids(threads):
    ferry = threads["disqus-6318845012"]
    assert [(c.id, c.parent_id) for c in ferry.comments] == [
        ("3622871901", None), ("3622873344", "3622871901"), ("3622880012", "3622873344"),
        ("3622891277", "3622880012"), ("3622902001", None), ("3622910555", None),
        ("3622915830", "3622902001"), ("3622920000", None)]
    assert [(c.id, c.parent_id) for c in threads["disqus-6320011987"].comments] == [
        ("3622875120", None), ("3622931470", "3622875120")]


def test_deleted_spam_and_orphan_posts_are_kept_and_flagged(threads):
    ferry = {c.id: c for c in threads["disqus-6318845012"].comments}
    assert ferry["3622902001"].flags == ("deleted",)
    assert ferry["3622910555"].flags == ("spam",)
    assert ferry["3622920000"].flags == ("orphan",)
    assert threads["disqus-6318845012"].orphans == {"3622920000": "3600000001"}
    assert ferry["3622915830"].parent_id == "3622902001"  # a reply to a deleted post keeps its parent


def test_authors_timestamps_and_text(threads):
    ferry = {c.id: c for c in threads["disqus-6318845012"].comments}
    assert ferry["3622871901"].author == "Fionnuala Byrne"
    assert ferry["3622871901"].author_url == "https://disqus.com/by/fionnualab/"
    assert (ferry["3622891277"].author, ferry["3622891277"].author_url) == ("Harbour Resident", None)
    assert ferry["3622871901"].timestamp == "2017-11-21T22:38:00+00:00"
    assert ferry["3622873344"].text == ("They did a survey in the summer & only 31 people used the early boat on an "
                                        "average weekday.\n\nHard to justify a crew for that.")
    assert ferry["3622880012"].text == ("> only 31 people used the early boat\n\n31 people who have no other way to "
                                        "get there. The bus takes two hours.\nNumbers aren't the whole story.")
    assert ferry["3622891277"].text == "Agree with Fionnuala. Keep the 06:40 <at least> on weekdays."
    assert threads["disqus-6320011987"].comments[1].author == "زيد الأمين"


def test_thread_metadata(threads):
    ferry = threads["disqus-6318845012"]
    assert ferry.title == "Ferry timetable cuts: what changes in January"
    assert ferry.url == "https://harbourview-gazette.example/2017/11/21/ferry-timetable-cuts/"
    assert ferry.site == "harbourview-gazette"
    assert ferry.site_url == "https://harbourview-gazette.example/"
    assert ferry.article_author == "Harbourview Gazette"
    assert ferry.published == "2017-11-21T09:02:11+00:00"
    assert ferry.article_text == "The operator will drop the 06:40 and 21:15 sailings from 8 January."
    assert ferry.extra["identifier"] == "1187 https://harbourview-gazette.example/?p=1187"
    assert threads["disqus-6320011987"].article_text is None


def test_truncated_export_keeps_the_posts_before_the_break():
    threads = {t.thread_id: t for t in disqus.parse(read_source(str(CASES / "truncated.xml")))}
    assert [c.id for c in threads["disqus-6318845012"].comments] == ["3622871901", "3622873344", "3622880012"]
    assert [c.id for c in threads["disqus-6320011987"].comments] == ["3622875120"]
    [warning] = threads["disqus-6318845012"].warnings
    assert "truncated.xml:112" in warning and "4 posts" in warning and "\n" not in warning


def test_truncated_before_any_post_is_a_format_error():
    with pytest.raises(FormatError) as error:
        parse_xml(HEAD + '<thread dsq:id="1"><title>T</title></thread><post dsq:id="5"><message>')
    assert "no post could be read" in error.value.what
    assert error.value.where.startswith("export.xml:") and error.value.fix


def test_export_without_posts_is_a_format_error():
    with pytest.raises(FormatError) as error:
        parse_xml(HEAD + '<thread dsq:id="1"><title>T</title></thread></disqus>')
    assert "no Disqus posts" in error.value.what


def test_entities_are_not_resolved():
    doctype = ('<?xml version="1.0"?>\n<!DOCTYPE disqus [<!ENTITY secret SYSTEM "file:///etc/passwd">'
               '<!ENTITY big "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">]>\n'
               '<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">')
    body = ('<post dsq:id="7"><message>before &secret; &big; after</message><createdAt>2020-01-01T00:00:00Z</createdAt>'
            '<author><name>X</name></author><thread dsq:id="1" /></post></disqus>')
    [thread] = parse_xml(doctype + body)
    text = thread.comments[0].text
    assert "root:" not in text and "aaaa" not in text
    assert text.split() == ["before", "after"]


def test_posts_without_a_thread_are_skipped_and_unknown_threads_still_kept():
    [thread] = parse_xml(HEAD + post("1", thread="9") + post("2", parent="1", thread="9")
                         + '<post dsq:id="3"><message>x</message></post></disqus>')
    assert thread.thread_id == "disqus-9" and thread.title is None
    assert [(c.id, c.parent_id) for c in thread.comments] == [("1", None), ("2", "1")]
    assert any("post 3" in w and "skipped" in w for w in thread.warnings)
    assert any("no <thread> element" in w for w in thread.warnings)


def test_reply_listed_before_its_parent_becomes_an_orphan():
    [thread] = parse_xml(HEAD + '<thread dsq:id="1"><title>T</title></thread>'
                         + post("2", parent="1") + post("1") + "</disqus>")
    assert [(c.id, c.parent_id, c.flags) for c in thread.comments] == [("2", None, ("orphan",)), ("1", None, ())]


def test_each_fixture_is_detected_as_disqus():
    for name in ("export.xml", "truncated.xml"):
        source = read_source(str(CASES / name))
        assert disqus.detect(source) >= 0.9
        assert detect_format(source) == "disqus"


@pytest.mark.parametrize("path", OTHER_FORMATS, ids=lambda p: p.name)
def test_other_formats_are_not_disqus(path):
    assert disqus.detect(read_source(str(path))) == 0.0
