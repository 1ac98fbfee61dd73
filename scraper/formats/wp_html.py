"""WordPress comment section in a saved article page (core comment markup, as classic themes print it).

What is read (all optional but the comments):

- comments: ``li``/``div``/``article`` elements with id ``comment-N`` or ``li-comment-N``, or class
  ``comment``/``pingback``/``trackback``; a reply sits inside its parent (``ol.children``/``ul.children``),
  so threading is ``markup`` at confidence 1.0. Each element's author, time and body are read by
  ``commentscope.scraper.formats.shared.wordpress_comments``.
- thread: title, URL, site, article author and text, published time, declared count, post id.

Ids: ``comment-N``, the anchor WordPress gives each comment (``#comment-N``), also for ``li-comment-N``;
a comment element with no number anywhere gets its 1-based position as id. thread_id is ``wp-<post id>``
(body class ``postid-N``, ``id="post-N"``, shortlink ``?p=N`` or the form's ``comment_post_ID``), else
the slug of the title. Pingbacks and trackbacks are not comments: counted in ``Thread.pingbacks``, their
titles and links in ``extra["pingback_links"]``. A reply whose parent is not on the page (a ``depth-2``
comment at the top of a later comment page, or the answer to a pingback) is kept top-level with flag
``orphan`` and listed in ``Thread.orphans``.

Paged comments (``comment-page-N``) give one thread per page, all with the same thread_id and
``Thread.comment_page``; ``merge_pages`` (``commentscope.scraper.formats.shared.wordpress``, shared with
``wp_rest``) joins them (``Thread.page_warnings`` lists the warnings that hold for one page alone and are
worked out again for the merged thread). Speed: lexbor (selectolax) reads the page; BeautifulSoup
(html.parser) only repairs markup that hides comments from it (an unclosed ``<iframe>`` or ``<textarea>``).
"""

from __future__ import annotations

import re
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from commentscope.scraper.errors import FormatError
from commentscope.scraper.formats.shared.tree import RawComment, link_comments
# merge_pages is part of this format: the pipeline joins comment pages of one post with FORMATS["wp_html"].merge_pages.
from commentscope.scraper.formats.shared.wordpress import merge_pages, post_url, site_root
from commentscope.scraper.formats.shared.wordpress_comments import PageComments, iso_time, printed_time, read_comments
from commentscope.scraper.records import Thread
from commentscope.scraper.sources import Source
from commentscope.scraper.html_text import node_text
from commentscope.scraper.text import slugify

NAME = "wp_html"
DESCRIPTION = "WordPress article page saved as HTML with its comments (ol.comment-list, li#comment-N)"

# Site knowledge as data: selectors tried in order, the first that yields a value wins.
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

_POST_ID = re.compile(r"^post-(\d+)$")
_SHORTLINK = re.compile(r"[?&]p=(\d+)")
_COMMENT_PAGE = re.compile(r"comment-page-(\d+)")
_COUNT_TEXT = re.compile(r"^\W*(\d[\d,.]*|no|one|two|three|four|five|six|seven|eight|nine|ten)\b", re.I)
_NUMBER_WORDS = {"no": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10}
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


def parse(source: Source, options: object = None) -> list[Thread]:
    text = source.text
    if "<" not in text:
        raise FormatError("is not HTML", source.name, "give the article page saved as HTML, or name its --format")
    text, flattened = _flatten_deep_nesting(text, source.name)
    doc = LexborHTMLParser(text)
    page = read_comments(doc, source.name)
    page.warnings[:0] = flattened
    meta = _read_meta(doc, source)
    if _hides_comments(doc, source, page):
        repaired_doc = LexborHTMLParser(_repair(text))
        repaired = read_comments(repaired_doc, source.name)
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
        "published": iso_time(_first_value(doc, _PUBLISHED, attribute="datetime"))
        or printed_time(_first_value(doc, _PUBLISHED_TEXT)),
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


def _hides_comments(doc: LexborHTMLParser, source: Source, page: PageComments) -> bool:
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


def _thread(source: Source, meta: dict[str, Any], page: PageComments) -> Thread:
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
    extra: dict[str, Any] = {}
    if page.pingbacks:
        extra["pingback_links"] = page.pingbacks
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
    return Thread(thread_id=thread_id, source_format=NAME, source=source.name, title=title,
                  url=meta["url"], site=meta["site"], site_url=meta["site_url"] or site_root(meta["url"]),
                  article_author=meta["article_author"], article_text=meta.get("article_text"),
                  published=meta["published"], declared_count=declared,
                  missing_count=max(0, (declared or 0) - found), comments=linked.comments,
                  warnings=warnings + page_warnings, orphans=orphans or None, pingbacks=len(page.pingbacks),
                  page_warnings=page_warnings, comment_page=meta["page"] or 1, extra=extra)


def _nested_class(classes: frozenset[str]) -> bool:
    """True when WordPress's ``depth-N`` class says the comment is a reply (N > 1)."""
    return any(c.startswith("depth-") and c != "depth-1" for c in classes)
