"""HTML to plain text, one implementation for every format.

Conventions: paragraphs (block elements) are separated by a blank line, ``<br>`` is a line break, line
breaks in the HTML source are spaces (as a browser shows them) except inside ``<pre>``, blockquote lines
are prefixed ``> `` (one per level, and only inside the quote), entities are decoded, scripts, styles
and form controls are dropped. The walk over lexbor's tree is iterative, so markup nested thousands deep
cannot overflow the stack; fragments with absurd numbers of tags are read tag by tag instead.
"""

from __future__ import annotations

import html
import re
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from commentscope.scraper.text import tidy_paragraphs

BLOCK_TAGS = frozenset({"p", "div", "blockquote", "pre", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6",
                        "table", "tr", "section", "article", "header", "footer", "figure", "hr", "dl", "dt",
                        "dd", "main", "aside", "nav", "figcaption", "address", "details", "summary"})
SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "head", "svg", "iframe", "object", "button",
                       "select", "textarea", "input", "form"})
#: Above this many tags a fragment is read tag by tag: lexbor slows with the square of nesting depth.
MAX_FRAGMENT_TAGS = 20_000

_LINE_SPACE = re.compile(r"[ \t\u00a0]+")
_LINE_EDGE = re.compile(r" *\n *")
_BLANK_RUN = re.compile(r"\n{3,}")
_DROPPED_ELEMENT = re.compile(r"<(script|style|template|noscript)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_BREAK_TAG = re.compile(r"<br\b[^>]*>", re.IGNORECASE)
_BLOCK_TAG = re.compile(r"</?(?:%s)\b[^>]*>" % "|".join(sorted(BLOCK_TAGS)), re.IGNORECASE)
_ANY_TAG = re.compile(r"<[^>]*>")


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment (a comment body, an article) with the conventions above."""
    if "<" not in fragment:  # no markup at all: plain text whose line breaks are meant
        return tidy_paragraphs(html.unescape(fragment))
    if fragment.count("<") > MAX_FRAGMENT_TAGS:
        return strip_tags(fragment)
    body = LexborHTMLParser(fragment).body
    return node_text(body) if body is not None else strip_tags(fragment)


def strip_tags(fragment: str) -> str:
    """Plain text of HTML read tag by tag, with no tree: for fragments too deep or too big for a parser.
    Scripts and styles are dropped, block tags become paragraph breaks, ``<br>`` a line break."""
    text = _DROPPED_ELEMENT.sub(" ", fragment)
    text = _BREAK_TAG.sub("\x03", re.sub(r"\s*\n\s*", " ", text))
    text = _BLOCK_TAG.sub("\n\n", text)
    text = html.unescape(_ANY_TAG.sub("", text)).replace("\x03", "\n")
    lines = [_LINE_SPACE.sub(" ", line).strip() for line in text.split("\n")]
    return tidy_paragraphs("\n".join(lines))


def node_text(node: LexborNode, skip_classes: frozenset[str] = frozenset()) -> str:
    """Plain text of a parsed element with the conventions above: paragraphs
    separated by a blank line, ``<br>`` a line break, blockquote lines prefixed ``> ``, scripts dropped.
    Source line breaks are spaces, as a browser shows them. Walks the lexbor tree directly: re-parsing
    each comment's HTML would cost more than reading the whole page."""
    pieces: list[str] = []
    _walk(node, pieces, False, skip_classes)
    raw = "".join(pieces)
    if "  " in raw or "\t" in raw or "\xa0" in raw:
        raw = _LINE_SPACE.sub(" ", raw)
    if "\x01" not in raw:
        if " \n" in raw or "\n " in raw:
            raw = _LINE_EDGE.sub("\n", raw)
        if "\n\n\n" in raw:
            raw = _BLANK_RUN.sub("\n\n", raw)
        return _restore_pre(raw.strip("\n "))
    lines: list[str] = []
    depth = 0
    for line in raw.split("\n"):
        opened, closed = line.count("\x01"), line.count("\x02")
        depth += opened
        line = line.replace("\x01", "").replace("\x02", "").strip()
        if line:
            lines.append("> " * depth + line if depth else line)
        elif lines and lines[-1]:
            lines.append("")
        depth = max(0, depth - closed)
    while lines and not lines[-1]:
        lines.pop()
    return _restore_pre("\n".join(lines))


def _restore_pre(text: str) -> str:
    return text.replace("\x04", " ").replace("\x05", "\t") if "\x04" in text or "\x05" in text else text


def _walk(node: LexborNode, pieces: list[str], pre: bool, skip: frozenset[str]) -> None:
    """Append the text of ``node``'s children to ``pieces``, with ``\n\n`` around blocks and ``\x01``/``\x02``
    around blockquotes. Iterative, with its own stack: markup nested thousands deep must not overflow."""
    stack: list[tuple[Any, bool, str]] = [(node.iter(include_text=True), pre, "")]
    while stack:
        children, pre, closing = stack[-1]
        for child in children:
            tag = child.tag
            if tag == "-text":
                value = child.text_content or ""
                if pre:
                    pieces.append(value.replace(" ", "\x04").replace("\t", "\x05"))  # kept through the tidying
                elif not value.isspace():
                    pieces.append(value.replace("\n", " "))
                elif pieces and pieces[-1][-1:] not in ("\n", " "):
                    pieces.append(" ")
            elif tag in SKIP_TAGS or tag.startswith("-"):
                continue
            elif tag == "br":
                pieces.append("\n")
            elif skip and (classes := child.attrs.get("class")) and not skip.isdisjoint(classes.split()):
                continue
            elif tag in BLOCK_TAGS:
                _block_break(pieces)
                only = child.first_child
                if not pre and tag not in ("pre", "blockquote") and only is not None and only.next is None \
                        and only.tag == "-text":
                    pieces.append((only.text_content or "").replace("\n", " "))  # a paragraph of plain text
                    _block_break(pieces)
                    continue
                if tag == "blockquote":
                    pieces.append("\x01")
                stack.append((child.iter(include_text=True), pre or tag == "pre", tag))
                break
            else:
                stack.append((child.iter(include_text=True), pre, "inline"))
                break
        else:
            stack.pop()
            if closing == "blockquote":
                pieces.append("\x02")
            if closing and closing != "inline":
                _block_break(pieces)


def _block_break(pieces: list[str]) -> None:
    """A paragraph break, once, without the space a whitespace-only text node left before it."""
    if pieces and pieces[-1] == " ":
        pieces.pop()
    if pieces and pieces[-1] != "\n\n":
        pieces.append("\n\n")


