"""HTML to plain text, shared by every HTML-bearing format."""

from __future__ import annotations

import pytest

from commentscope.scraper.html_text import html_to_text, strip_tags


@pytest.mark.parametrize("fragment, text", [
    ("<p>one<br />\ntwo</p>", "one\ntwo"),                                  # source newline is a space
    ("<p>a  b\nc</p><p>d</p>", "a b c\n\nd"),
    ("<blockquote><p>q1</p><blockquote>q2</blockquote></blockquote><p>mine</p>", "> q1\n\n> > q2\n\nmine"),
    ("<p>x &amp; y &lt;3</p><script>alert(1)</script>", "x & y <3"),
    ("<pre>  indented\n    code</pre>", "  indented\n    code"),                # pre keeps its spaces
    ("plain\n\ntext &amp; more", "plain\n\ntext & more"),                 # no markup: line breaks kept
    ("<ul><li>one</li><li>two</li></ul>", "one\n\ntwo"),
])
def test_conventions(fragment, text):
    assert html_to_text(fragment) == text


def test_words_after_a_quote_are_not_quoted():
    text = html_to_text("<blockquote>They said this.</blockquote>I disagree.")
    assert text.splitlines()[-1] == "I disagree."


def test_deep_markup_keeps_its_words():
    fragment = "<div>" * 30_000 + "deep words" + "</div>" * 30_000
    assert html_to_text(fragment) == "deep words"


def test_strip_tags_fallback():
    assert strip_tags("<p>a<br>b</p><p>c\nd</p>") == "a\nb\n\nc d"
