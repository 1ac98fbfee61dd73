"""Reddit's JSON for a post and its comments (``https://www.reddit.com/r/SUB/comments/ID/.json``).

The document is a two-element array of listings: the first holds the post (kind ``t3``), the second the
comment tree (kind ``t1``), each comment's replies nested in its ``replies`` listing (``""`` when none).
A ``more`` child stands for comments Reddit did not send; they are counted in ``Thread.missing_count``,
never invented. A comment permalink's ``.json`` has the same shape with only part of the tree: its first
comment answers a comment that is not there, so it becomes an orphan.

Text is the comment's markdown ``body``, whose ``&``, ``<`` and ``>`` Reddit sends as entities.
``[deleted]`` and ``[removed]`` bodies are kept and flagged ``deleted``/``removed``; an author shown as
``[deleted]`` over a surviving body (the account was deleted) is flagged ``no_author``.
"""

from __future__ import annotations

import html
import re
from typing import Any

from commentscope.scraper.errors import FormatError
from commentscope.scraper.formats.shared.tree import RawComment, epoch_iso, first_char, link_comments, load_json
from commentscope.scraper.records import Thread
from commentscope.scraper.sources import Source
from commentscope.scraper.text import tidy_paragraphs

NAME = "reddit"
DESCRIPTION = "Reddit post JSON (the .json of a post or comment permalink: listings of t3 and t1 things)"

SITE_URL = "https://www.reddit.com"
_LISTING = re.compile(r'"kind"\s*:\s*"Listing"')
_POST = re.compile(r'"kind"\s*:\s*"t3"')
_COMMENT = re.compile(r'"kind"\s*:\s*"t1"')
_GONE = {"[deleted]": "deleted", "[removed]": "removed"}
#: "[ Removed by Reddit ]" and its longer forms, left where Reddit's own staff removed a comment.
_REMOVED_BY_REDDIT = re.compile(r"\[\s*removed by reddit\b[^\]]*\]", re.IGNORECASE)


def detect(source: Source) -> float:
    """Sniff the head for a Reddit ``Listing`` holding a post (t3) and/or comments (t1)."""
    head = source.head
    if first_char(head) not in ("[", "{") or not _LISTING.search(head):
        return 0.0
    if _POST.search(head) and _COMMENT.search(head):
        return 0.95
    if _POST.search(head) or _COMMENT.search(head):
        return 0.85
    return 0.0


def parse(source: Source, options: object = None) -> list[Thread]:
    """One thread: the post's metadata and its comment tree in page order; stubs counted, not invented."""
    document = load_json(source, "a Reddit post's .json")
    post, comment_things = _split_listings(document, source.name)
    warnings: list[str] = []
    raws: list[RawComment] = []
    stubs = _Stubs()
    _walk(comment_things, None, raws, stubs, warnings, source.name, "comments")

    post_id = _text(post.get("id")) if post else None
    if not post_id:
        post_id = _post_id_from_comments(comment_things)
    if not post_id:
        raise FormatError("has Reddit comments but no post id", source.name,
                          "save the post's .json (the URL of the post with .json added)")
    thread_id = f"reddit-{post_id}"
    linked = link_comments(raws, thread_id=thread_id, source_format=NAME, where=source.name)
    warnings.extend(linked.warnings)
    if stubs.count:
        warnings.append(f"{source.name}: {stubs.count} comment(s) sit behind {stubs.stubs} 'load more' stub(s) "
                        "and are not in this file; add ?limit=500 to the URL or fetch them with /api/morechildren")
    if stubs.continued:
        warnings.append(f"{source.name}: {len(stubs.continued)} reply chain(s) continue on another page "
                        "('continue this thread'); save those comments' permalink .json to include them")

    extra: dict[str, Any] = {}
    if stubs.continued:
        extra["continued_under"] = stubs.continued
    declared = post.get("num_comments") if post else None
    thread = Thread(
        thread_id=thread_id,
        source_format=NAME,
        source=source.name,
        comments=linked.comments,
        missing_count=stubs.count,
        declared_count=declared if isinstance(declared, int) else None,
        warnings=warnings,
        orphans=linked.orphans or None,
        extra=extra,
    )
    if post:
        _add_post_metadata(thread, post)
    return [thread]


def _split_listings(document: Any, where: str) -> tuple[dict, list]:
    """The post's data and the top-level comment things, whichever listing holds them."""
    listings = document if isinstance(document, list) else [document]
    post: dict = {}
    comments: list = []
    for listing in listings:
        children = _children(listing)
        for child in children:
            kind = child.get("kind") if isinstance(child, dict) else None
            if kind == "t3" and not post and isinstance(child.get("data"), dict):
                post = child["data"]
        if any(isinstance(c, dict) and c.get("kind") in ("t1", "more") for c in children):
            comments.extend(children)
    if not post and not comments:
        raise FormatError("holds no Reddit post or comment listing", where,
                          "give the .json of a Reddit post (its URL with .json added), as downloaded")
    return post, comments


def _children(listing: Any) -> list:
    if isinstance(listing, dict) and listing.get("kind") == "Listing":
        data = listing.get("data")
        if isinstance(data, dict) and isinstance(data.get("children"), list):
            return data["children"]
    return []


class _Stubs:
    """What the ``more`` stubs stand for: comments not sent, and chains continued elsewhere."""

    def __init__(self) -> None:
        self.count = 0
        self.stubs = 0
        self.continued: list[str] = []


def _walk(things: list, parent: str | None, raws: list[RawComment], stubs: _Stubs,
          warnings: list[str], where: str, path: str) -> None:
    for index, thing in enumerate(things):
        place = f"{path}[{index}]"
        kind = thing.get("kind") if isinstance(thing, dict) else None
        data = thing.get("data") if isinstance(thing, dict) else None
        if not isinstance(data, dict):
            warnings.append(f"{where}: {place} is not a Reddit thing; skipped")
            continue
        if kind == "more":
            children = data.get("children") if isinstance(data.get("children"), list) else []
            count = data.get("count") if isinstance(data.get("count"), int) else 0
            if count == 0 and not children:
                stubs.continued.append(_text(data.get("parent_id")) or parent or "")
            else:
                stubs.count += max(count, len(children))
                stubs.stubs += 1
            continue
        if kind != "t1":
            warnings.append(f"{where}: {place} is a {kind!r} thing, not a comment; skipped")
            continue
        raw = _comment(data, parent, place)
        if raw is None:
            warnings.append(f"{where}: {place} has no comment id; skipped with its replies")
            continue
        raws.append(raw)
        replies = data.get("replies")
        if isinstance(replies, dict):
            _walk(_children(replies), raw.id, raws, stubs, warnings, where, f"{place}.replies")


def _comment(data: dict, enclosing: str | None, place: str) -> RawComment | None:
    name = _text(data.get("name"))
    if not name and _text(data.get("id")):
        name = f"t1_{_text(data.get('id'))}"
    if not name:
        return None
    parent = _text(data.get("parent_id")) or enclosing
    if parent and parent.startswith("t3_"):
        parent = None
    author = (_text(data.get("author")) or "").strip()
    body = tidy_paragraphs(html.unescape(data.get("body") if isinstance(data.get("body"), str) else ""))
    flags: list[str] = []
    if body in _GONE:
        flags.append(_GONE[body])
    elif _REMOVED_BY_REDDIT.fullmatch(body):
        flags.append("removed")
    elif author in _GONE:
        flags.append("no_author")
    timestamp, bad_time = epoch_iso(data.get("created_utc"))
    if bad_time:
        flags.append("bad_timestamp")
    return RawComment(
        id=name,
        parent=parent,
        author=author,
        timestamp=timestamp,
        text=body,
        author_url=f"{SITE_URL}/user/{author}/" if author and author not in _GONE else None,
        flags=tuple(flags),
        where=place,
    )


def _post_id_from_comments(things: list) -> str | None:
    for thing in things:
        data = thing.get("data") if isinstance(thing, dict) else None
        link = _text(data.get("link_id")) if isinstance(data, dict) else None
        if link and link.startswith("t3_"):
            return link[3:]
    return None


def _add_post_metadata(thread: Thread, post: dict) -> None:
    title = html.unescape(_text(post.get("title")) or "") or None
    permalink = _text(post.get("permalink"))
    subreddit = _text(post.get("subreddit"))
    link = html.unescape(_text(post.get("url")) or "") or None
    raw_selftext = post.get("selftext")
    selftext = tidy_paragraphs(html.unescape(raw_selftext)) if isinstance(raw_selftext, str) else ""
    is_self = bool(post.get("is_self")) or (not link and bool(selftext))
    if is_self:
        article = selftext or title
    else:
        article = "\n\n".join(part for part in (title, link, selftext) if part)
    thread.title = title
    thread.url = f"{SITE_URL}{permalink}" if permalink and permalink.startswith("/") else permalink
    thread.site = _text(post.get("subreddit_name_prefixed")) or (f"r/{subreddit}" if subreddit else None)
    thread.site_url = f"{SITE_URL}/r/{subreddit}/" if subreddit else SITE_URL
    thread.article_author = _text(post.get("author"))
    thread.article_text = article or None
    thread.published = epoch_iso(post.get("created_utc"))[0]
    thread.extra.update({key: post[key] for key in ("score", "upvote_ratio", "domain", "subreddit_id",
                                                     "over_18", "locked", "link_flair_text") if key in post})
    if link and not is_self:
        thread.extra["link_url"] = link
    thread.extra["is_self"] = is_self


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None
