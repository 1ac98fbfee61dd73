"""A Hacker News item page saved from the browser (``https://news.ycombinator.com/item?id=ID``).

The page is flat: every comment is a ``tr.athing.comtr`` row whose depth is its ``td.ind[indent]``
(older pages: the width of the spacer ``img``, 40 pixels a level). A comment's parent is the nearest
earlier row one level up, so the tree is rebuilt with a stack of open rows. Each row holds the author
(``a.hnuser``), the time (``span.age[title]``: ISO time in UTC, newer pages add Unix seconds) and the
body (``.commtext``; the ``reply`` link inside it is dropped). A deleted comment shows ``[deleted]`` and
no author; ``[dead]`` and ``[flagged]`` in the header or the dead-grey ``cdd`` text mark a dead one.

The story (``table.fatitem``) gives the title (``.titleline``), author, time, comment count and, for an
Ask HN, the text (``.toptext``). On a comment's own page the fat item is that comment: it is kept as the
first comment and the rows below answer it; its ``parent`` link becomes its ``parent_id`` (flag ``orphan``:
that parent is not on the page).
"""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime, timezone

from lxml import etree
from lxml import html as lxml_html

from commentscope.scraper.errors import FormatError
from commentscope.scraper.formats.shared.hacker_news import HN_URL, gone_flags, item_url, story_article, user_url
from commentscope.scraper.formats.shared.tree import RawComment, link_comments
from commentscope.scraper.records import Thread
from commentscope.scraper.sources import Source
from commentscope.scraper.html_text import html_to_text
from commentscope.scraper.text import iso_from_epoch

NAME = "hn_html"
DESCRIPTION = "Hacker News item page HTML (news.ycombinator.com/item?id=...), as saved from a browser"

_ROW_MARK = re.compile(r"""class=["'][^"']*\bathing\b[^"']*["']""")
_THREAD_MARK = re.compile(r"""class=["'][^"']*\b(?:comtr|fatitem|comment-tree)\b""")
_ITEM_HREF = re.compile(r"item\?id=(\d+)")
_COUNT = re.compile(r"(\d[\d,]*)\s+comments?\b", re.IGNORECASE)
_INDENT_PX = 40


def _has_class(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def detect(source: Source) -> float:
    """Sniff the head for HN's ``athing`` rows with comment-tree or fat-item markup."""
    head = source.head
    if "<" not in head[:2048] or not _ROW_MARK.search(head):
        return 0.0
    if _THREAD_MARK.search(head):
        return 0.95
    return 0.0


def parse(source: Source, options: object = None) -> list[Thread]:
    """One thread: the page's story (or focus comment) and its comment rows."""
    root, warnings = _document(source)
    fat = root.xpath(f"//table[{_has_class('fatitem')}]//tr[{_has_class('athing')}]")
    focus = fat[0] if fat else None
    focus_is_comment = focus is not None and bool(focus.xpath(f".//*[{_has_class('commtext')}]"))
    rows = root.xpath(f"//tr[{_has_class('athing')} and {_has_class('comtr')}]")
    if focus is None and not rows:
        raise FormatError("is HTML with no Hacker News story or comment rows", source.name,
                          "save the page https://news.ycombinator.com/item?id=ID (File > Save Page As, HTML only)")

    raws: list[RawComment] = []
    story_id = None
    base = None
    if focus is not None and not focus_is_comment:
        story_id = focus.get("id")
    elif focus is not None:
        story_id = _onstory_id(focus)
        focus_raw = _row(focus, _parent_link(focus), source.name)
        if focus_raw.parent == story_id:
            focus_raw = dataclasses.replace(focus_raw, parent=None)
        raws.append(focus_raw)
        base = focus_raw.id
    raws.extend(_rows(rows, base, source.name, warnings))
    if not story_id:
        story_id = raws[0].id if raws else "thread"
        warnings.append(f"{source.name}: the page has no story header; the thread is named after its first "
                        f"comment ({story_id})")
    thread_id = f"hn-{story_id}"
    linked = link_comments(raws, thread_id=thread_id, source_format=NAME, where=source.name)
    if base is not None and linked.orphans.get(base):
        # The focused comment's page links its parent: the comment answers that one, which is not on the
        # page. It keeps the parent's id (and the flag orphan: the parent is not in this file).
        linked.comments[0] = linked.comments[0].replace(parent_id=linked.orphans[base], reply_evidence="markup",
                                                         reply_confidence=1.0)
    thread = Thread(thread_id=thread_id, source_format=NAME, source=source.name, url=item_url(story_id),
                    site="Hacker News", site_url=HN_URL, comments=linked.comments,
                    warnings=warnings + linked.warnings, orphans=linked.orphans or None)
    if focus is not None and not focus_is_comment:
        _story(thread, root, focus)
    elif focus is not None:
        thread.title = _first_text(focus, f".//span[{_has_class('onstory')}]//a")
        thread.extra["subthread_of"] = base
        thread.warnings.append(f"{source.name}: this is the page of comment {base}, not of its story; "
                               f"save {item_url(story_id)} for the whole thread")
    if root.xpath(f"//a[{_has_class('morelink')}]"):
        shown = len(thread.comments)
        if thread.declared_count and thread.declared_count > shown:
            thread.missing_count = thread.declared_count - shown
        thread.warnings.append(f"{source.name}: the comments continue on the next page ('More' link); "
                               "save each page and give them all")
    if not thread.title:
        page_title = _first_text(root, "//title")
        if page_title and page_title.endswith("| Hacker News"):
            thread.title = page_title[: -len("| Hacker News")].strip() or None
    return [thread]


def _document(source: Source) -> tuple[etree._Element, list[str]]:
    """The parsed page, and a warning when the parser gave up part way (libxml2 stops at 256 nested
    tags or a 10 MB text node and drops the rest of the page without failing)."""
    parser = lxml_html.HTMLParser()
    try:
        try:
            root = lxml_html.document_fromstring(source.text, parser=parser)
        except ValueError:
            root = lxml_html.document_fromstring(source.text.encode("utf-8"), parser=parser)
    except etree.ParserError as error:
        raise FormatError(f"is not readable HTML ({error})", source.name,
                          "save the page again as HTML") from None
    limits = [entry for entry in parser.error_log if entry.type_name == "ERR_RESOURCE_LIMIT"]
    warnings = [f"{source.name}:{limits[0].line}: the HTML nests too deep or holds too much text here for the "
                "parser, which stops at this point; comments after it are missing (save the page again)"
                ] if limits else []
    return root, warnings


def _rows(rows: list, base: str | None, where: str, warnings: list[str]) -> list[RawComment]:
    """Each comment row with its parent: the nearest earlier row one level up (``base`` at level 0)."""
    open_rows: list[tuple[int, str]] = []
    raws = []
    jumps = []
    unnamed = []
    for number, row in enumerate(rows, 1):
        depth = _depth(row)
        while open_rows and open_rows[-1][0] >= depth:
            open_rows.pop()
        if open_rows and open_rows[-1][0] < depth - 1 or (not open_rows and depth > 0):
            jumps.append(row.get("id") or "?")
        parent = open_rows[-1][1] if open_rows else base
        raw = _row(row, parent, where)
        if not raw.id.strip():
            # HN ids are digits, so this name is unique, and the row's replies keep their parent.
            raw = dataclasses.replace(raw, id=f"no-id-{number}", where=f"row {number}")
            unnamed.append(str(number))
        raws.append(raw)
        open_rows.append((depth, raw.id))
    if unnamed:
        warnings.append(f"{where}: {len(unnamed)} comment row(s) have no id (row {', '.join(unnamed[:5])}); "
                        "they are named no-id-N after their place among the rows")
    if jumps:
        warnings.append(f"{where}: {len(jumps)} comment row(s) are indented more than one level below the row "
                        f"before ({', '.join(jumps[:5])}); each is attached to the nearest shallower comment")
    return raws


def _row(row, parent: str | None, where: str) -> RawComment:
    row_id = row.get("id") or ""
    author = _first_text(row, f".//a[{_has_class('hnuser')}]") or ""
    header = " ".join(_text_of(node) for node in row.xpath(f".//span[{_has_class('comhead')}]"))
    body_nodes = row.xpath(f".//*[{_has_class('commtext')}]")
    body_node = body_nodes[0] if body_nodes else None
    if body_node is None:
        containers = row.xpath(f".//div[{_has_class('comment')}]")
        body_node = containers[0] if containers else None
    text = _body_text(body_node) if body_node is not None else ""
    dead = any(mark in header for mark in ("[dead]", "[flagged]")) or (
        body_node is not None and "cdd" in (body_node.get("class") or "").split())
    return RawComment(id=row_id, parent=parent, author=author, timestamp=_age(row), text=text,
                      author_url=user_url(author), flags=gone_flags(text, dead=dead), where=f"row {row_id}")


def _depth(row) -> int:
    cells = row.xpath(f".//td[{_has_class('ind')}]")
    if cells:
        indent = cells[0].get("indent")
        if indent is not None and indent.strip().isdigit():
            return int(indent)
        widths = cells[0].xpath(".//img/@width")
        if widths and widths[0].strip().isdigit():
            return int(widths[0]) // _INDENT_PX
    return 0


def _body_text(node) -> str:
    """The body's HTML as text, without the ``reply`` link block HN nests inside it."""
    parts = [node.text or ""]
    for child in node:
        if isinstance(child.tag, str) and "reply" in (child.get("class") or "").split():
            parts.append(child.tail or "")
            continue
        parts.append(etree.tostring(child, encoding="unicode", method="html", with_tail=True))
    return html_to_text("".join(parts)).strip()


def _age(row) -> str | None:
    titles = row.xpath(f".//span[{_has_class('age')}]/@title")
    return hn_time(titles[0]) if titles else None


def hn_time(title: str) -> str | None:
    """``2024-01-14T12:00:00`` or ``2025-02-07T06:23:36 1738909416`` (HN's times are UTC) -> ISO with +00:00."""
    parts = title.split()
    if len(parts) > 1 and parts[-1].isdigit():
        return iso_from_epoch(int(parts[-1]))
    if not parts:
        return None
    try:
        moment = datetime.fromisoformat(parts[0])
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.isoformat()


def _story(thread: Thread, root, focus) -> None:
    title_links = focus.xpath(f".//span[{_has_class('titleline')}]/a | .//a[{_has_class('storylink')}]")
    title = _text_of(title_links[0]).strip() if title_links else None
    href = title_links[0].get("href") if title_links else None
    link = href if href and href.startswith(("http://", "https://")) else None
    subtext = focus.getnext()
    sub_root = subtext if subtext is not None else focus
    author = _first_text(sub_root, f".//a[{_has_class('hnuser')}]")
    toptext = root.xpath(f"//table[{_has_class('fatitem')}]//div[{_has_class('toptext')}]") or _old_toptext(sub_root)
    text = _body_text(toptext[0]) if toptext else None
    thread.title = title or None
    thread.article_author = author
    thread.article_text = story_article(title, link, text or None)
    thread.published = _age(sub_root)
    for anchor in sub_root.xpath(".//a[contains(@href, 'item?id=')]"):
        count = _COUNT.search(_text_of(anchor).replace("\xa0", " "))
        if count:
            thread.declared_count = int(count.group(1).replace(",", ""))
        elif _text_of(anchor).strip().lower() == "discuss":
            thread.declared_count = 0
    if link:
        thread.extra["link_url"] = link
    score = _first_text(sub_root, f".//span[{_has_class('score')}]")
    if score and score.split()[0].isdigit():
        thread.extra["points"] = int(score.split()[0])


def _old_toptext(subtext) -> list:
    """Pages before 2022 put an Ask HN's text in a bare cell of a row after the subtext row."""
    row = subtext.getnext() if subtext is not None else None
    while row is not None:
        cells = [cell for cell in row.xpath("./td") if cell.get("colspan") is None]
        if cells and not cells[-1].xpath(".//form") and _text_of(cells[-1]).strip():
            return [cells[-1]]
        row = row.getnext()
    return []


def _onstory_id(focus) -> str | None:
    for href in focus.xpath(f".//span[{_has_class('onstory')}]//a/@href"):
        match = _ITEM_HREF.search(href)
        if match:
            return match.group(1)
    return None


def _parent_link(focus) -> str | None:
    for anchor in focus.xpath(".//a[contains(@href, 'item?id=') or starts-with(@href, '#')]"):
        if _text_of(anchor).strip().lower() == "parent":
            match = _ITEM_HREF.search(anchor.get("href") or "") or re.match(r"#(\d+)", anchor.get("href") or "")
            if match:
                return match.group(1)
    return None


def _first_text(node, path: str) -> str | None:
    found = node.xpath(path)
    return _text_of(found[0]).strip() or None if found else None


def _text_of(node) -> str:
    return node.text_content() if hasattr(node, "text_content") else str(node)
