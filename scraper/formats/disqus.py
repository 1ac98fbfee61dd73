"""Disqus export XML: the file Disqus mails a site owner (Admin > Moderate > Export).

Shape: ``<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">`` holding
``<category>``s, then ``<thread dsq:id>`` (id, forum, link, title, message, createdAt, author, isClosed,
isDeleted), then ``<post dsq:id>`` (id, message as HTML in CDATA, createdAt in UTC, isDeleted, isSpam,
author (name, username, isAnonymous), ``<thread dsq:id>`` and, for a reply, ``<parent dsq:id>``).

Each thread with posts becomes a Thread ``disqus-<thread dsq:id>``; a comment's id is its post's dsq:id.
Deleted and spam posts are kept, flagged ``deleted``/``spam``. The XML comes from strangers: lxml reads
it without entities, DTDs or network (``resolve_entities=False, no_network=True, huge_tree=False``),
element by element so a large export does not fill memory and a truncated one yields what came before
the break.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from lxml import etree

from commentscope.scraper.errors import FormatError
from commentscope.scraper.formats.shared.tree import RawComment, link_comments
from commentscope.scraper.formats.shared.wordpress import site_root
from commentscope.scraper.html_text import html_to_text
from commentscope.scraper.records import Thread
from commentscope.scraper.sources import Source

NAME = "disqus"
DESCRIPTION = "Disqus export XML (<disqus xmlns=\"http://disqus.com\"> with <thread> and <post>)"

_NS = "{http://disqus.com}"
_DSQ_ID = "{http://disqus.com/disqus-internals}id"
_ROOT = re.compile(r"<(?:[A-Za-z_][\w.-]*:)?disqus\b[^>]*>")


def detect(source: Source) -> float:
    head = source.head[:8192]
    root = _ROOT.search(head)
    if root is None:
        return 0.0
    if "http://disqus.com" in root.group(0):
        return 0.95
    return 0.7 if "dsq:id" in source.head else 0.0


@dataclass
class _ThreadInfo:
    """What a ``<thread>`` element says about one discussion."""

    dsq_id: str
    fields: dict[str, Any] = field(default_factory=dict)
    posts: list[RawComment] = field(default_factory=list)


def parse(source: Source, options: object = None) -> list[Thread]:
    threads: dict[str, _ThreadInfo] = {}
    warnings: list[str] = []
    posts_seen = 0
    try:
        for _event, element in _elements(source.data):
            parent = element.getparent()
            if parent is None or parent.tag != f"{_NS}disqus":
                continue  # a post's own <thread dsq:id> reference, read with its post
            tag = element.tag
            if tag == f"{_NS}thread" and element.get(_DSQ_ID):
                info = threads.setdefault(element.get(_DSQ_ID), _ThreadInfo(element.get(_DSQ_ID)))
                info.fields = _thread_fields(element)
            elif tag == f"{_NS}post":
                posts_seen += 1
                _add_post(element, posts_seen, threads, warnings, source.name)
            _release(element)
    except etree.XMLSyntaxError as error:
        where = f"{source.name}:{error.lineno}" if error.lineno else source.name
        reason = (error.msg or "not XML").splitlines()[0]
        read = sum(len(info.posts) for info in threads.values())
        if not read:
            raise FormatError(f"is not readable Disqus XML ({reason}) and no post could be read", where,
                              "export the comments from Disqus again (the file looks truncated or damaged), "
                              "or name the right --format") from None
        warnings.append(f"{where}: the XML breaks here ({reason}); kept the {read} posts read before it")
    if not any(info.posts for info in threads.values()):
        raise FormatError("holds no Disqus posts", source.name,
                          "give the XML export Disqus mails you (it has <post> elements)")
    result = [_thread(source, info) for info in threads.values() if info.posts]
    result[0].warnings[:0] = warnings
    omitted = sum(1 for info in threads.values() if not info.posts)
    if omitted:
        result[0].extra["threads_without_posts"] = omitted
    return result


def _elements(data: bytes):
    """``<thread>`` and ``<post>`` elements as each one ends, from a parser that loads nothing external."""
    return etree.iterparse(io.BytesIO(data), events=("end",), tag=(f"{_NS}thread", f"{_NS}post"),
                           resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
                           dtd_validation=False, remove_comments=True, remove_pis=True)


def _release(element: Any) -> None:
    """Free a top-level element once read, and the siblings before it."""
    element.clear()
    while element.getprevious() is not None:
        del element.getparent()[0]


def _child_text(element: Any, name: str) -> str | None:
    """The text of a child element; references to entities the parser did not resolve are left out."""
    child = element.find(f"{_NS}{name}")
    if child is None:
        return None
    text = (child.text or "") + "".join(node.tail or "" for node in child)
    return text.strip() or None


def _flag(element: Any, name: str) -> bool:
    return (_child_text(element, name) or "").lower() == "true"


def _thread_fields(element: Any) -> dict[str, Any]:
    author = element.find(f"{_NS}author")
    return {
        "identifier": _child_text(element, "id"),
        "forum": _child_text(element, "forum"),
        "link": _child_text(element, "link"),
        "title": _child_text(element, "title"),
        "message": _child_text(element, "message"),
        "created": _timestamp(_child_text(element, "createdAt")),
        "author": _child_text(author, "name") if author is not None else None,
        "closed": _flag(element, "isClosed"),
        "deleted": _flag(element, "isDeleted"),
    }


def _add_post(element: Any, number: int, threads: dict[str, _ThreadInfo], warnings: list[str], name: str) -> None:
    post_id = element.get(_DSQ_ID)
    thread_ref = element.find(f"{_NS}thread")
    thread_id = thread_ref.get(_DSQ_ID) if thread_ref is not None else None
    where = f"{name}: post {post_id or f'number {number}'}"
    if not post_id or not thread_id:
        warnings.append(f"{where} has no dsq:id or names no thread; skipped")
        return
    if thread_id not in threads:
        threads[thread_id] = _ThreadInfo(thread_id)
    parent_ref = element.find(f"{_NS}parent")
    parent = parent_ref.get(_DSQ_ID) if parent_ref is not None else None
    author = element.find(f"{_NS}author")
    author_name = (_child_text(author, "name") or "") if author is not None else ""
    username = _child_text(author, "username") if author is not None else None
    anonymous = author is not None and _flag(author, "isAnonymous")
    flags = [flag for flag, on in (("deleted", _flag(element, "isDeleted")), ("spam", _flag(element, "isSpam"))) if on]
    raw_time = _child_text(element, "createdAt")
    timestamp = _timestamp(raw_time)
    if timestamp is None:
        flags.append("bad_timestamp")
        warnings.append(f"{where} has a createdAt that does not parse ({raw_time!r}); its timestamp is left empty")
    threads[thread_id].posts.append(RawComment(
        id=post_id, parent=parent or None, author=author_name, timestamp=timestamp,
        text=html_to_text(_child_text(element, "message") or ""),
        author_url=f"https://disqus.com/by/{username}/" if username and not anonymous else None,
        flags=tuple(flags), where=where))


def _timestamp(value: str | None) -> str | None:
    """``2017-11-21T22:38:00Z`` -> ``2017-11-21T22:38:00+00:00`` (Disqus writes UTC)."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.isoformat() if parsed.tzinfo else parsed.isoformat() + "+00:00"


def _thread(source: Source, info: _ThreadInfo) -> Thread:
    thread_id = f"disqus-{info.dsq_id}"
    fields = info.fields
    linked = link_comments(info.posts, thread_id=thread_id, source_format=NAME, where=f"{source.name}: {thread_id}")
    extra: dict[str, Any] = {key: fields[key] for key in ("identifier", "forum", "closed", "deleted")
                             if fields.get(key) not in (None, False)}
    warnings = list(linked.warnings)
    if not fields:
        warnings.append(f"{source.name}: {thread_id} has posts but no <thread> element; its title and link are unknown")
    link = fields.get("link")
    return Thread(thread_id=thread_id, source_format=NAME, source=source.name, title=fields.get("title"),
                  url=link, site=fields.get("forum"), site_url=site_root(link),
                  article_author=fields.get("author"), published=fields.get("created"),
                  article_text=html_to_text(fields["message"]) if fields.get("message") else None,
                  comments=linked.comments, warnings=warnings, orphans=linked.orphans or None, extra=extra)
