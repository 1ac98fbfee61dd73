"""The comment elements of a saved WordPress page, read out of the lexbor tree (for ``wp_html``).

WordPress themes print a comment as an ``li``/``div``/``article`` with id ``comment-N`` or
``li-comment-N``, or class ``comment``/``pingback``/``trackback``; a reply sits inside its parent's
element (in ``ol.children``/``ul.children``). ``read_comments`` reads them last to first, taking each out
of the tree once read, so the queries on a comment see only its own parts. An outer ``li-comment-N``
wrapping an inner ``comment-N`` (Twenty Ten/Eleven) is one comment.

Per comment: author ``.comment-author .fn``/``cite.fn`` (verbatim, whitespace runs as one space) and its
link; time ``<time datetime>`` or the permalink text ("November 21, 2017 at 10:38 pm", no zone); body
``.comment-content``, else ``.comment-body``, minus author/meta/reply parts. Pingbacks and trackbacks are
read apart (their title and link): they are not comments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from selectolax.lexbor import LexborHTMLParser, LexborNode

from commentscope.scraper.html_text import node_text
from commentscope.scraper.text import iso_from_text

# Site knowledge as data: selectors tried in order, the first that yields a value wins.
_BY_ID = ':is([id^="comment-"], [id^="li-comment-"])'
#: Elements that may be a comment, each matched by one branch only (lexbor lists a node once per branch).
_CANDIDATES = (f'{_BY_ID}, :is(.comment, .pingback, .trackback):not({_BY_ID})')
_AUTHOR = (".comment-author .fn", "cite.fn", ".fn", ".comment-author-name", ".comment-author", "cite")
_PERMALINK = (".comment-metadata a", ".commentmetadata a", ".comment-meta a", ".comment-date", ".comment-time",
              'a[href*="#comment-"]')
_USUAL_PARTS = ".fn, time[datetime], .comment-content"
_BODY = (".comment-content", ".comment-text", ".comment-entry", ".comment-body")
#: Elements with these classes are not the body's text (author, meta and reply parts; sharing widgets).
_BODY_NOISE = frozenset({"comment-author", "comment-meta", "commentmetadata", "comment-metadata", "reply",
                         "comment-reply-link", "says", "edit-link", "comment-edit-link", "comment-awaiting-moderation",
                         "children", "comment-likes", "sharedaddy"})

_COMMENT_ID = re.compile(r"^(?:li-)?comment-(\d+)$")
_LIST_CLASSES = frozenset({"children", "comment-list", "commentlist"})
_PING_CLASSES = frozenset({"pingback", "trackback"})
_SAYS = re.compile(r"\s*\b(says|said|wrote)\s*:?\s*$", re.I)
_SPACE_RUN = re.compile(r"[ \t\n\r\f]+")
_CANONICAL_TIME = re.compile(r"^\d{4}-\d\d-\d\d(?:T\d\d:\d\d:\d\d(?:[+-]\d\d:\d\d)?)?$")


class ReadComment(NamedTuple):
    """One comment element as read: where it sits (candidate index, parent's index) and what it says."""

    index: int
    number: str | None
    classes: frozenset[str]
    parent: int | None
    author: str
    author_url: str | None
    timestamp: str | None
    raw_time: str | None
    text: str


@dataclass
class PageComments:
    """What one reading of the page found: its comments, pingbacks and problems."""

    records: list[ReadComment]
    #: candidate index -> the candidate index of the comment it belongs to (itself, or its outer element).
    owners: list[int]
    #: comment's candidate index -> "comment-N", for every comment read or skipped (pingbacks too).
    labels: dict[int, str]
    pingbacks: list[dict[str, str | None]]
    warnings: list[str]


def read_comments(doc: LexborHTMLParser, where: str) -> PageComments:
    """Every comment element, read last to first: a comment's replies are read and taken out of the tree
    before it is, so the queries on it see only its own parts."""
    nodes: list[LexborNode] = []
    numbers: list[str | None] = []
    classes: list[frozenset[str]] = []
    for node in doc.css(_CANDIDATES):
        if node.tag not in ("li", "div", "article", "section"):
            continue
        attrs = node.attrs
        identifier = attrs.get("id")
        match = _COMMENT_ID.match(identifier) if identifier else None
        tokens = frozenset((attrs.get("class") or "").split())
        if match or "comment" in tokens or not _PING_CLASSES.isdisjoint(tokens):
            nodes.append(node)
            numbers.append(match[1] if match else None)
            classes.append(tokens)
    index = {node.mem_id: i for i, node in enumerate(nodes)}
    memo: dict[int, tuple[int | None, bool]] = {}
    part_of: list[int | None] = [None] * len(nodes)
    records: list[ReadComment] = []
    pingbacks: list[dict[str, str | None]] = []
    warnings: list[str] = []
    for i in reversed(range(len(nodes))):
        outer, crossed = _nearest(nodes[i], index, memo)
        if outer is not None and _same_comment(numbers[i], numbers[outer], crossed):
            part_of[i] = outer  # an inner element of the outer one's comment (li-comment-N > comment-N)
            numbers[outer] = numbers[outer] or numbers[i]
            classes[outer] = classes[outer] | classes[i]
            continue
        try:
            if not _PING_CLASSES.isdisjoint(classes[i]):
                pingbacks.append(_read_pingback(nodes[i], numbers[i]))
            else:
                records.append(ReadComment(i, numbers[i], classes[i], outer, *_read_comment(nodes[i])))
        except (ValueError, TypeError, AttributeError, KeyError, IndexError) as error:
            label = f"comment-{numbers[i]}" if numbers[i] else f"comment element {i + 1}"
            warnings.append(f"{where}: {label} could not be read ({error}); skipped")
        nodes[i].decompose(recursive=False)  # unlinked, not freed: the document frees it all at once
    records.reverse()
    pingbacks.reverse()
    owners = list(range(len(nodes)))
    for i in range(len(nodes)):  # in document order an outer element is settled before its inner ones
        if part_of[i] is not None:
            owners[i] = owners[part_of[i]]
    labels = {i: f"comment-{numbers[i]}" for i in range(len(nodes)) if owners[i] == i and numbers[i]}
    return PageComments(records, owners, labels, pingbacks, warnings)


def _nearest(node: LexborNode, index: dict[int, int],
             memo: dict[int, tuple[int | None, bool]]) -> tuple[int | None, bool]:
    """The nearest comment element around ``node`` and whether a list (``ol.children``) lies between;
    the answer for each ancestor passed is remembered, as many comments share them."""
    path: list[LexborNode] = []
    step = node.parent
    while step is not None and (key := step.mem_id) not in memo and key not in index:
        path.append(step)
        step = step.parent
    state = (None, False) if step is None else memo.get(step.mem_id, (index.get(step.mem_id), False))
    for step in reversed(path):
        crossed = step.tag in ("ul", "ol") or (
            step.tag == "div" and not _LIST_CLASSES.isdisjoint((step.attrs.get("class") or "").split()))
        state = (state[0], state[1] or crossed)
        memo[step.mem_id] = state
    return state


def _same_comment(number: str | None, outer_number: str | None, crossed: bool) -> bool:
    """A comment element nested in another is part of it when both carry the same number, or when one has
    none and no list separates them; otherwise it is a reply."""
    if number is not None and number == outer_number:
        return True
    return not crossed and (number is None or outer_number is None)


def _read_comment(node: LexborNode) -> tuple[str, str | None, str | None, str | None, str]:
    """Author, its link, time (ISO and as written) and text of one comment whose replies have already
    been taken out.

    One query finds the usual parts (``.fn``, ``time[datetime]``, ``.comment-content``); the selector
    tables are the fallback for themes that lack them."""
    name_node = time_node = body = None
    for found in node.css(_USUAL_PARTS):
        if found.tag == "time":
            if time_node is None:
                time_node = found
            continue
        tokens = (found.attrs.get("class") or "").split()
        if name_node is None and "fn" in tokens:
            name_node = found
        elif body is None and "comment-content" in tokens:
            body = found
    author, author_url = _author(node, name_node)
    raw_time = time_node.attrs.get("datetime") if time_node is not None else None
    timestamp = iso_time(raw_time)
    if timestamp is None:
        for selector in _PERMALINK:
            link = node.css_first(selector)
            if link is not None and (raw_time := _SPACE_RUN.sub(" ", link.text(deep=True)).strip()):
                timestamp = printed_time(raw_time)
                break
    if body is None:
        body = next((found for found in map(node.css_first, _BODY[1:]) if found is not None), node)
    return author, author_url, timestamp, raw_time, node_text(body, _BODY_NOISE)


def _author(node: LexborNode, found: LexborNode | None) -> tuple[str, str | None]:
    """The displayed name and its link: ``found`` (the comment's ``.fn``) or the first selector that
    yields a name."""
    if found is not None and (name := " ".join(found.text(deep=True).split())):
        return name, _link_of(found)
    for selector in _AUTHOR:
        element = node.css_first(selector)
        if element is None:
            continue
        name = " ".join(element.text(deep=True).split())
        if selector == ".comment-author":
            name = _SAYS.sub("", name)
        if name:
            return name, _link_of(element)
    return "", None


def _link_of(element: LexborNode) -> str | None:
    """The href of the element, of its link child, or of a link inside it (looked for only when the
    element holds more than one text)."""
    link: LexborNode | None = element
    if element.tag != "a":
        child = element.first_child
        if child is not None and child.tag == "a":
            link = child
        elif child is not None and child.tag == "-text" and child.next is None:
            return None
        else:
            link = element.css_first("a")
    href = link.attrs.get("href") if link is not None else None
    return (href.strip() or None) if href else None


def _read_pingback(node: LexborNode, number: str | None) -> dict[str, str | None]:
    link = node.css_first("a.url") or node.css_first("a[href]")
    return {"id": f"comment-{number}" if number else None,
            "title": _SPACE_RUN.sub(" ", link.text(deep=True)).strip() if link is not None else None,
            "url": link.attributes.get("href") if link is not None else None}


def iso_time(value: str | None) -> str | None:
    """An ISO 8601 attribute value (a comment's or the article's ``<time datetime>``), normalised; None when
    it is not one."""
    if not value:
        return None
    if _CANONICAL_TIME.match(value):
        return value  # already what we write: the common case, checked first for speed
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00")).isoformat()
    except ValueError:
        return iso_from_text(value)


def printed_time(raw: str | None) -> str | None:
    """A time as a theme prints it (a comment's permalink, the article's date): ``November 21, 2017 at
    10:38 pm`` -> ``2017-11-21T22:38:00`` (the page gives no zone); ``March 3, 2012`` -> ``2012-03-03``."""
    if not raw:
        return None
    cleaned = re.sub(r"\b([ap])\.?m\.?(?!\w)", r"\1m", raw, flags=re.I)
    cleaned = re.sub(r"\s+", " ", re.sub(r"\b(at|um|à)\b|@|,(?= \d{1,2}:)", " ", cleaned)).strip()
    for pattern in ("%B %d, %Y %I:%M %p", "%b %d, %Y %I:%M %p", "%d %B %Y %H:%M", "%B %d, %Y %H:%M", "%Y-%m-%d %H:%M"):
        try:
            return datetime.strptime(cleaned, pattern).isoformat()
        except ValueError:
            continue
    for pattern in ("%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(cleaned, pattern).date().isoformat()
        except ValueError:
            continue
    return iso_from_text(cleaned)
