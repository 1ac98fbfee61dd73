"""What the two WordPress readers (``wp_html``, a saved page; ``wp_rest``, a saved API response) share:
a post's URL from a comment or comment-page URL, a site's root URL, and ``merge_pages``, which joins the
pages of one post into one thread.

A long comment section comes in pages: ``comment-page-N`` pages of the article, or REST responses of
10 comments each. Each page is read as a thread of its own, all with the same thread_id; a reply whose
parent is on another page is an orphan there (``Thread.orphans`` keeps the parent's id when the source
names it). Merged, the comments are one thread again and those replies get their parents back.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from commentscope.scraper.formats.shared.tree import RawComment, link_comments
from commentscope.scraper.records import Thread


def post_url(url: str | None) -> str | None:
    """A WordPress post's own URL from a comment link or a comment page's URL: no fragment, no
    ``comment-page-N/``, no ``cpage`` query; None for a URL that does not parse."""
    try:
        parts = urlsplit(url or "")
    except ValueError:
        return None
    path = re.sub(r"/comment-page-\d+/?$", "/", parts.path)
    query = "&".join(p for p in parts.query.split("&") if p and not p.startswith("cpage="))
    return urlunsplit((parts.scheme, parts.netloc, path, query, "")) or None


def site_root(url: str | None) -> str | None:
    """``https://host/`` of a URL; None when it has no scheme and host."""
    try:
        parts = urlsplit(url or "")
    except ValueError:
        return None
    return f"{parts.scheme}://{parts.netloc}/" if parts.scheme and parts.netloc else None


def merge_pages(threads: list[Thread]) -> list[Thread]:
    """Join threads that share a thread_id (the comment pages of one post, or several saved API pages)
    into one, in first-seen order; other threads pass through unchanged.

    Comments go in page order (``Thread.comment_page``), then position; threads without comment pages
    (saved pages of the REST API, which lists newest first) go in time order instead. Positions are
    renumbered, a comment seen on two pages is kept once (its first copy), and a reply whose parent was
    missing from its own page (flag ``orphan``, ``Thread.orphans``) gets its parent back when another
    page has it. Each page's ``Thread.page_warnings`` (a declared count that one page cannot meet, say)
    are dropped and worked out again for the merged thread. The inputs are not changed.
    """
    groups: dict[str, list[Thread]] = {}
    for thread in threads:
        groups.setdefault(thread.thread_id, []).append(thread)
    return [group[0] if len(group) == 1 else _merge(group) for group in groups.values()]


def _merge(group: list[Thread]) -> Thread:
    pages = sorted(group, key=lambda t: t.comment_page or 1)
    first = pages[0]
    superseded = {w for t in pages for w in t.page_warnings or ()}
    warnings = [w for t in pages for w in t.warnings if w not in superseded]
    paged = any(t.comment_page is not None for t in pages)
    entries = [(comment, t.orphans or {}) for t in pages for comment in t.comments]
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
    extra.pop("page_url", None)
    extra.update(comment_pages=[t.comment_page for t in pages], sources=[t.source for t in pages])
    pingbacks = sum(t.pingbacks or 0 for t in pages)
    orphans = {**linked.orphans, **dict.fromkeys(c for c in unknown_parents if c not in linked.orphans)}

    def pick(name: str) -> Any:
        return next((getattr(t, name) for t in pages if getattr(t, name) is not None), None)

    declared, found = pick("declared_count"), len(linked.comments) + pingbacks
    page_warnings = list(linked.warnings)
    if declared is not None and declared != found:
        page_warnings.append(f"{first.thread_id}: the pages declare {declared} comments but {found} were found "
                             "(pingbacks included); a page may be missing")
    return Thread(thread_id=first.thread_id, source_format=first.source_format, source=first.source,
                  title=pick("title"), url=pick("url"), site=pick("site"), site_url=pick("site_url"),
                  article_author=pick("article_author"), article_text=pick("article_text"),
                  published=pick("published"), declared_count=declared, missing_count=max(0, (declared or 0) - found),
                  comments=linked.comments, warnings=warnings + page_warnings, orphans=orphans or None,
                  pingbacks=pingbacks, page_warnings=page_warnings, extra=extra)
