"""WordPress comment section in a saved article page (core comment markup, as classic themes print it).

What is read (all optional but the comments):

- comments: ``li``/``div``/``article`` elements with id ``comment-N`` or ``li-comment-N``, or class
  ``comment``/``pingback``/``trackback``; a reply sits inside its parent (``ol.children``/``ul.children``),
  so threading is ``markup`` at confidence 1.0. An outer ``li-comment-N`` wrapping an inner ``comment-N``
  (Twenty Ten/Eleven) is one comment.
- per comment: author ``.comment-author .fn``/``cite.fn`` (verbatim, whitespace runs as one space) and
  its link; time ``<time datetime>`` or the permalink text ("November 21, 2017 at 10:38 pm", no zone);
  body ``.comment-content``, else ``.comment-body``, minus author/meta/reply parts.
- thread: title, URL, site, article author and text, published time, declared count, post id.

Ids: ``comment-N``, the anchor WordPress gives each comment (``#comment-N``), also for ``li-comment-N``;
a comment element with no number anywhere gets its 1-based position as id. thread_id is ``wp-<post id>``
(body class ``postid-N``, ``id="post-N"``, shortlink ``?p=N`` or the form's ``comment_post_ID``), else
the slug of the title. Pingbacks and trackbacks are not comments: counted in ``extra["pingbacks"]``.
A reply whose parent is not on the page (a ``depth-2`` comment at the top of a later comment page, or
the answer to a pingback) is kept top-level with flag ``orphan``.

Paged comments (``comment-page-N``) give one thread per page, all with the same thread_id and
``extra["comment_page"]``; ``merge_pages`` joins them (``extra["page_warnings"]`` lists the warnings that
hold for one page alone and are worked out again for the merged thread). Speed: lexbor (selectolax) reads the page; BeautifulSoup (html.parser)
only repairs markup that hides comments from it (an unclosed ``<iframe>`` or ``<textarea>``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from selectolax.lexbor import LexborHTMLParser, LexborNode

from commentscope.scraper.errors import FormatError
from commentscope.scraper.formats.shared.tree import RawComment, link_comments
from commentscope.scraper.formats.wp_rest import post_url, site_root
from commentscope.scraper.records import Thread
from commentscope.scraper.sources import Source
from commentscope.scraper.html_text import node_text
from commentscope.scraper.text import iso_from_text, slugify

NAME = "wp_html"
DESCRIPTION = "WordPress article page saved as HTML with its comments (ol.comment-list, li#comment-N)"

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
_TITLE = ('meta[property="og:title"]', "h1.entry-title", ".entry-title", "article h1", "title")
_URL = ('link[rel="canonical"]', 'meta[property="og:url"]')
_SITE = ('meta[property="og:site_name"]', ".site-title", "#site-title")
_SITE_URL = ('.site-title a[rel="home"]', '#site-title a[rel="home"]', 'a[rel="home"]')
_ARTICLE_AUTHOR = ('meta[name="author"]', ".byline .author", ".entry-meta .author", ".author.vcard",
                   'a[rel="author"]')
_ARTICLE_TEXT = (".entry-content", ".post-content", '[itemprop="articleBody"]', ".post-body", ".article-content")
_ARTICLE_NOISE = frozenset({"sharedaddy", "jp-relatedposts", "addtoany_share_save_container", "wp-block-comments",
                            "comments-area"})
_PUBLISHED = ('meta[property="article:published_time"]', "time.entry-date.published", "time.entry-date",
              "time.published")
_PUBLISHED_TEXT = (".entry-date", ".post-date", ".posted-on")
_COUNT = (".comments-title", "#comments-title", "#comments h2", "#comments h3", ".comments-area h2")
_PAGE_NAV = (".comments-pagination", ".comment-navigation", "#comment-nav-above", "#comment-nav-below",
             ".comment-pagination")

_COMMENT_ID = re.compile(r"^(?:li-)?comment-(\d+)$")
_LIST_CLASSES = frozenset({"children", "comment-list", "commentlist"})
_PING_CLASSES = frozenset({"pingback", "trackback"})
_POST_ID = re.compile(r"^post-(\d+)$")
_SHORTLINK = re.compile(r"[?&]p=(\d+)")
_COMMENT_PAGE = re.compile(r"comment-page-(\d+)")
_COUNT_TEXT = re.compile(r"^\W*(\d[\d,.]*|no|one|two|three|four|five|six|seven|eight|nine|ten)\b", re.I)
_NUMBER_WORDS = {"no": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10}
_SAYS = re.compile(r"\s*\b(says|said|wrote)\s*:?\s*$", re.I)
_WORDPRESS_SIGNS = ("/wp-content/", "/wp-includes/", 'content="WordPress', "https://api.w.org/", "wp-json")
_COMMENT_SIGNS = ("comment-list", "commentlist", 'id="comments"', "li-comment-", 'id="comment-', "comment-body")
_HTML_START = re.compile(r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|"
                         r"title|link|div|article|ol|ul)\b", re.I | re.S)
_RAW_COMMENT_ID = re.compile(r"""<(?:li|div|article|section)\b[^>]*?\bid\s*=\s*["']?(?:li-)?comment-(\d+)\b""", re.I)

_RAWTEXT_TAGS = ["textarea", "title", "iframe", "noscript", "xmp", "noembed", "noframes", "plaintext"]
_RAWTEXT_SELECTOR = ", ".join(_RAWTEXT_TAGS)
_SPACE_RUN = re.compile(r"[ \t\n\r\f]+")
_NEST_CHUNK = 1 << 16
_NEST_ALLOWANCE = 400
_NEST_LIMIT = 4000
_FLAT_DEPTH = 256
_DEEP_OPEN = re.compile(r"(<[A-Za-z][^<>]*>)(?:\s*\1){%d,}" % _FLAT_DEPTH)
_DEEP_CLOSE = re.compile(r"(</[A-Za-z][^<>]*>)(?:\s*\1){%d,}" % _FLAT_DEPTH)
_CANONICAL_TIME = re.compile(r"^\d{4}-\d\d-\d\d(?:T\d\d:\d\d:\d\d(?:[+-]\d\d:\d\d)?)?$")


def detect(source: Source) -> float:
    head = source.head
    if not _HTML_START.match(head[:4096]):
        return 0.0
    wordpress = any(sign in head for sign in _WORDPRESS_SIGNS)
    comments = any(sign in head for sign in _COMMENT_SIGNS)
    if wordpress and comments:
        return 0.9
    if wordpress:
        return 0.6
    return 0.5 if comments else 0.0


class _Read(NamedTuple):
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
class _Page:
    """What one reading of the page found: its comments, pingbacks and problems."""

    records: list[_Read]
    #: candidate index -> the candidate index of the comment it belongs to (itself, or its outer element).
    owners: list[int]
    #: comment's candidate index -> "comment-N", for every comment read or skipped (pingbacks too).
    labels: dict[int, str]
    pingbacks: list[dict[str, str | None]]
    warnings: list[str]


def parse(source: Source, options: object = None) -> list[Thread]:
    text = source.text
    if "<" not in text:
        raise FormatError("is not HTML", source.name, "give the article page saved as HTML, or name its --format")
    text, flattened = _flatten_deep_nesting(text, source.name)
    doc = LexborHTMLParser(text)
    page = _read_comments(doc, source.name)
    page.warnings[:0] = flattened
    meta = _read_meta(doc, source)
    if _hides_comments(doc, source, page):
        repaired_doc = LexborHTMLParser(_repair(text))
        repaired = _read_comments(repaired_doc, source.name)
        repaired_meta = _read_meta(repaired_doc, source)
        if len(repaired.records) + len(repaired.pingbacks) > len(page.records) + len(page.pingbacks):
            meta = repaired_meta
            repaired.warnings.append(f"{source.name}: markup the HTML5 parser reads as raw text (an unclosed "
                                     "<iframe> or <textarea>?) hid comments; read with BeautifulSoup instead")
            page = repaired
    if not page.records and not page.pingbacks and not meta["wordpress"]:
        raise FormatError("has no WordPress comment markup (li.comment, id=\"comment-N\")", source.name,
                          "save the article page with its comments shown, or name another --format")
    return [_thread(source, meta, page)]


def _flatten_deep_nesting(text: str, where: str) -> tuple[str, list[str]]:
    """The page with runs of thousands of one nested tag cut to ``_FLAT_DEPTH`` levels, and a warning.

    lexbor's tree builder slows down with the square of the nesting depth (100,000 nested ``<div>`` take
    minutes), so the depth is estimated first from two counts per 64 KiB: ``<`` and ``</`` (a chunk may
    leave ``_NEST_ALLOWANCE`` elements open: void elements, HTML comments). Raises FormatError when runs
    of one tag are not what makes the page that deep (tags each wrapped around text, mixed tags)."""
    if _nesting_excess(text) <= _NEST_LIMIT:
        return text, []
    # A run of one start tag keeps _FLAT_DEPTH copies, a run of one end tag half as many: an end tag too
    # few is implied when an outer element closes, one too many would close an outer element early.
    flat = _DEEP_OPEN.sub(lambda run: run[1] * _FLAT_DEPTH, text)
    flat = _DEEP_CLOSE.sub(lambda run: run[1] * (_FLAT_DEPTH // 2), flat)
    if _nesting_excess(flat) > _NEST_LIMIT:
        raise FormatError(f"nests markup more than {_NEST_LIMIT} levels deep", where,
                          "this is not a saved WordPress page as a browser writes it; save the page again")
    return flat, [f"{where}: markup nested thousands of levels deep was cut to {_FLAT_DEPTH} levels"]


def _nesting_excess(text: str) -> int:
    """How far unclosed tags pile up beyond what ordinary markup leaves open, chunk by chunk."""
    level = peak = 0
    for start in range(0, len(text), _NEST_CHUNK):
        end = start + _NEST_CHUNK
        level = max(0, level + text.count("<", start, end) - 2 * text.count("</", start, end) - _NEST_ALLOWANCE)
        peak = max(peak, level)
    return peak


def _read_meta(doc: LexborHTMLParser, source: Source) -> dict[str, Any]:
    """Thread metadata from the page once its comments are taken out: the selectors then search a small
    tree (fast) and cannot match inside a comment."""
    site = _first_value(doc, _SITE)
    raw_url = _first_value(doc, _URL) or source.url
    page_hint = " ".join(filter(None, [raw_url, source.url, source.name]))
    meta: dict[str, Any] = {
        "title": _clean_title(_first_value(doc, _TITLE), site),
        "raw_url": raw_url,
        "url": post_url(raw_url),
        "site": site,
        "site_url": _first_value(doc, _SITE_URL, attribute="href"),
        "article_author": _first_value(doc, _ARTICLE_AUTHOR),
        "published": _iso(_first_value(doc, _PUBLISHED, attribute="datetime"))
        or _timestamp_text(_first_value(doc, _PUBLISHED_TEXT)),
        "declared_count": _declared_count(doc),
        "post_id": _post_id(doc),
        "wordpress": any(sign in source.head for sign in _WORDPRESS_SIGNS),
    }
    meta["page"], meta["pages"] = _comment_page(doc, page_hint)
    body = next((node for node in map(doc.css_first, _ARTICLE_TEXT) if node is not None), None)
    if body is not None:
        meta["article_text"] = node_text(body, _ARTICLE_NOISE) or None
    return meta


def _first_value(doc: LexborHTMLParser, selectors: tuple[str, ...], attribute: str | None = None) -> str | None:
    """The first non-empty value: a meta's ``content``, a link's ``href``, else the attribute asked for or
    the element's text."""
    for selector in selectors:
        for node in doc.css(selector):
            attrs = node.attributes
            if node.tag in ("meta", "link"):
                value = attrs.get("content") if node.tag == "meta" else attrs.get("href")
            else:
                value = attrs.get(attribute) if attribute else node.text(deep=True)
            value = _SPACE_RUN.sub(" ", value or "").strip()
            if value:
                return value
    return None


def _clean_title(title: str | None, site: str | None) -> str | None:
    """``<title>`` text ends with ``– Site``; drop that when the site's name is known."""
    if title and site:
        for separator in (" – ", " — ", " - ", " | ", " · ", " » ", " :: "):
            if title.endswith(separator + site):
                return title[: -len(separator + site)].strip()
    return title


def _declared_count(doc: LexborHTMLParser) -> int | None:
    for selector in _COUNT:
        for node in doc.css(selector):
            match = _COUNT_TEXT.match(node.text(deep=True))
            if match:
                word = match[1].lower()
                return _NUMBER_WORDS[word] if word in _NUMBER_WORDS else int(re.sub(r"\D", "", word))
    return None


def _post_id(doc: LexborHTMLParser) -> str | None:
    body = doc.body
    for token in ((body.attributes.get("class") or "").split() if body is not None else ()):
        if token.startswith("postid-") and token[7:].isdigit():
            return token[7:]
    for node in doc.css('article[id^="post-"], div[id^="post-"]'):
        match = _POST_ID.match(node.attributes.get("id") or "")
        if match:
            return match[1]
    for selector, attribute, pattern in (('link[rel="shortlink"]', "href", _SHORTLINK),
                                         ('input[name="comment_post_ID"]', "value", re.compile(r"^(\d+)$"))):
        node = doc.css_first(selector)
        match = pattern.search(node.attributes.get(attribute) or "") if node is not None else None
        if match:
            return match[1]
    return None


def _comment_page(doc: LexborHTMLParser, hint: str) -> tuple[int | None, int | None]:
    """This page's comment-page number and the number of pages, where the page says."""
    page = int(match[1]) if (match := _COMMENT_PAGE.search(hint)) else None
    numbers: list[int] = []
    for selector in _PAGE_NAV:
        for nav in doc.css(selector):
            for node in nav.css(".page-numbers"):
                value = node.text(deep=True).strip()
                if value.isdigit():
                    numbers.append(int(value))
                    if page is None and "current" in (node.attributes.get("class") or ""):
                        page = int(value)
    pages = max(numbers) if numbers else None
    return page, pages


def _hides_comments(doc: LexborHTMLParser, source: Source, page: _Page) -> bool:
    """True when markup the HTML5 parser read as raw text (an unclosed ``<iframe>``, ``<textarea>``...)
    holds comment markup, or when no comment was found though the page names comment ids. Run once the
    comments are out of the tree, so the query is cheap."""
    for node in doc.css(_RAWTEXT_SELECTOR):
        if "comment-" in (node.text(deep=True) or ""):
            return True
    if not page.records and not page.pingbacks:
        return _RAW_COMMENT_ID.search(source.text) is not None
    return False


def _repair(text: str) -> str:
    """Re-serialise the page through BeautifulSoup's html.parser, which does not treat an unclosed
    ``<iframe>``/``<textarea>`` as raw text to the end of the page; such elements that hold markup are
    unwrapped so lexbor reads their content as elements too."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(text, "html.parser")
    for tag in soup.find_all(_RAWTEXT_TAGS):
        if tag.find(True) is not None:
            tag.unwrap()
    return str(soup)


def _read_comments(doc: LexborHTMLParser, where: str) -> _Page:
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
    records: list[_Read] = []
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
                records.append(_Read(i, numbers[i], classes[i], outer, *_read_comment(nodes[i])))
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
    return _Page(records, owners, labels, pingbacks, warnings)


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
    timestamp = _iso(raw_time)
    if timestamp is None:
        for selector in _PERMALINK:
            link = node.css_first(selector)
            if link is not None and (raw_time := _SPACE_RUN.sub(" ", link.text(deep=True)).strip()):
                timestamp = _timestamp_text(raw_time)
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


def _iso(value: str | None) -> str | None:
    """An ISO 8601 attribute value, normalised; None when it is not one."""
    if not value:
        return None
    if _CANONICAL_TIME.match(value):
        return value  # already what we write: the common case, checked first for speed
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00")).isoformat()
    except ValueError:
        return iso_from_text(value)


def _timestamp_text(raw: str | None) -> str | None:
    """``November 21, 2017 at 10:38 pm`` -> ``2017-11-21T22:38:00`` (the page gives no zone);
    ``March 3, 2012`` -> ``2012-03-03``."""
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


def _thread(source: Source, meta: dict[str, Any], page: _Page) -> Thread:
    title = meta["title"]
    thread_id = f"wp-{meta['post_id']}" if meta["post_id"] else slugify(title or meta["site"] or source.name)
    warnings = list(page.warnings)
    ids = [f"comment-{r.number}" if r.number else str(p) for p, r in enumerate(page.records, start=1)]
    id_of = {r.index: comment_id for r, comment_id in zip(page.records, ids)}
    raws: list[RawComment] = []
    unknown_parents: list[str] = []
    for record, comment_id in zip(page.records, ids):
        flags: tuple[str, ...] = ()
        above = page.owners[record.parent] if record.parent is not None else None
        parent = id_of.get(above) or page.labels.get(above)
        if parent is None and (record.parent is not None or _nested_class(record.classes)):
            flags = ("orphan",)
            unknown_parents.append(comment_id)
        if record.timestamp is None:
            flags += ("bad_timestamp",)
            problem = f"a time that does not parse ({record.raw_time!r})" if record.raw_time else "no time"
            warnings.append(f"{source.name}: {comment_id} has {problem}; its timestamp is left empty")
        raws.append(RawComment(comment_id, parent, record.author, record.timestamp, record.text,
                               record.author_url, flags))
    linked = link_comments(raws, thread_id=thread_id, source_format=NAME, where=f"{source.name}: {thread_id}")
    page_warnings = list(linked.warnings)
    orphans: dict[str, str | None] = {**linked.orphans, **dict.fromkeys(unknown_parents)}
    if unknown_parents:
        page_warnings.append(f"{source.name}: {len(unknown_parents)} replies answer comments not on this page "
                             "and the page does not say which; kept as top-level with flag 'orphan'")
    extra: dict[str, Any] = {"pingbacks": len(page.pingbacks), "comment_page": meta["page"] or 1}
    if page.pingbacks:
        extra["pingback_links"] = page.pingbacks
    if orphans:
        extra["orphans"] = orphans
    by_author = [i for r, i in zip(page.records, ids) if "bypostauthor" in r.classes]
    if by_author:
        extra["by_post_author"] = by_author
    if meta["pages"]:
        extra["comment_page_count"] = meta["pages"]
    if meta["raw_url"] and meta["raw_url"] != meta["url"]:
        extra["page_url"] = meta["raw_url"]
    declared, found = meta["declared_count"], len(linked.comments) + len(page.pingbacks)
    if meta["pages"] and meta["pages"] > 1:
        page_warnings.append(f"{source.name}: comment page {meta['page'] or 1} of {meta['pages']}; give every "
                             "page of the thread to read all of it")
    elif declared is not None and declared != found:
        page_warnings.append(f"{source.name}: the page declares {declared} comments but {found} were found "
                             "(pingbacks included); comments may be paged, held for moderation or removed")
    if not linked.comments:
        warnings.append(f"{source.name}: no comments found on the page")
    extra["page_warnings"] = page_warnings
    return Thread(thread_id=thread_id, source_format=NAME, source=source.name, title=title,
                  url=meta["url"], site=meta["site"], site_url=meta["site_url"] or site_root(meta["url"]),
                  article_author=meta["article_author"], article_text=meta.get("article_text"),
                  published=meta["published"], declared_count=declared,
                  missing_count=max(0, (declared or 0) - found), comments=linked.comments,
                  warnings=warnings + page_warnings, extra=extra)


def _nested_class(classes: frozenset[str]) -> bool:
    """True when WordPress's ``depth-N`` class says the comment is a reply (N > 1)."""
    return any(c.startswith("depth-") and c != "depth-1" for c in classes)


def merge_pages(threads: list[Thread]) -> list[Thread]:
    """Join threads that share a thread_id (the comment pages of one post, or several saved API pages)
    into one, in first-seen order; other threads pass through unchanged.

    Comments go in page order (``extra["comment_page"]``), then position; threads without comment pages
    (saved pages of the REST API, which lists newest first) go in time order instead. Positions are
    renumbered, a comment seen on two pages is kept once (its first copy), and a reply
    whose parent was missing from its own page (flag ``orphan``, ``extra["orphans"]``) gets its parent
    back when another page has it. The inputs are not changed.
    """
    groups: dict[str, list[Thread]] = {}
    for thread in threads:
        groups.setdefault(thread.thread_id, []).append(thread)
    return [group[0] if len(group) == 1 else _merge(group) for group in groups.values()]


def _merge(group: list[Thread]) -> Thread:
    pages = sorted(group, key=lambda t: t.extra.get("comment_page") or 1)
    first = pages[0]
    superseded = {w for t in pages for w in t.extra.get("page_warnings", ())}
    warnings = [w for t in pages for w in t.warnings if w not in superseded]
    paged = any("comment_page" in t.extra for t in pages)
    entries = [(comment, t.extra.get("orphans") or {}) for t in pages for comment in t.comments]
    if not paged:
        entries.sort(key=lambda entry: (entry[0].timestamp or "")[:19])
    raws: list[RawComment] = []
    unknown_parents: list[str] = []
    for comment, lost in entries:
        parent = comment.parent_id or lost.get(comment.id)
        orphan_unknown = "orphan" in comment.flags and parent is None
        if orphan_unknown:
            unknown_parents.append(comment.id)
        raws.append(RawComment(id=comment.id, parent=parent, author=comment.author, timestamp=comment.timestamp,
                               text=comment.text, author_url=comment.author_url,
                               flags=tuple(f for f in comment.flags if f != "orphan" or orphan_unknown)))
    linked = link_comments(raws, thread_id=first.thread_id, source_format=first.source_format,
                           where=f"{' + '.join(t.source for t in pages)}: {first.thread_id}")
    extra: dict[str, Any] = {}
    for thread in reversed(pages):
        extra.update(thread.extra)
    for key in ("comment_page", "page_url", "orphans", "page_warnings"):
        extra.pop(key, None)
    extra.update(pingbacks=sum(t.extra.get("pingbacks", 0) for t in pages),
                 comment_pages=[t.extra.get("comment_page") for t in pages], sources=[t.source for t in pages])
    orphans = {**linked.orphans, **dict.fromkeys(c for c in unknown_parents if c not in linked.orphans)}
    if orphans:
        extra["orphans"] = orphans

    def pick(name: str) -> Any:
        return next((getattr(t, name) for t in pages if getattr(t, name) is not None), None)

    declared, found = pick("declared_count"), len(linked.comments) + extra["pingbacks"]
    page_warnings = list(linked.warnings)
    if declared is not None and declared != found:
        page_warnings.append(f"{first.thread_id}: the pages declare {declared} comments but {found} were found "
                             "(pingbacks included); a page may be missing")
    extra["page_warnings"] = page_warnings
    return Thread(thread_id=first.thread_id, source_format=first.source_format, source=first.source,
                  title=pick("title"), url=pick("url"), site=pick("site"), site_url=pick("site_url"),
                  article_author=pick("article_author"), article_text=pick("article_text"),
                  published=pick("published"), declared_count=declared, missing_count=max(0, (declared or 0) - found),
                  comments=linked.comments, warnings=warnings + page_warnings, extra=extra)
