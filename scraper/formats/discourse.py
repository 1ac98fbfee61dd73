"""A Discourse topic's JSON (``https://forum.example/t/SLUG/ID.json``), or its ``/t/ID/posts.json``.

The topic has ``id``, ``title``, ``slug``, ``posts_count`` and ``post_stream``: ``posts`` (the first
twenty or so) and ``stream`` (the ids of every post). Each post has ``post_number`` (1, 2, ...),
``username``, ``name``, ``created_at`` (ISO, UTC), ``cooked`` (HTML) and ``reply_to_post_number``.

Post 1 opens the topic: it is the article, not a comment. A post answering post 1, or none, is
top-level; a post answering a post that is not in the file is an orphan. Small-action posts (``post_type``
3: "closed the topic", "split this topic") are events, not comments. Deleted posts keep their place and
are flagged ``deleted``; posts hidden by community flags are flagged ``dead``. Posts named in ``stream`` but
not sent are counted in ``Thread.missing_count``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from commentscope.scraper.errors import FormatError
from commentscope.scraper.formats.shared.tree import RawComment, as_id, first_char, json_keys, link_comments, load_json
from commentscope.scraper.records import Thread
from commentscope.scraper.sources import Source
from commentscope.scraper.html_text import html_to_text
from commentscope.scraper.text import iso_from_text

NAME = "discourse"
DESCRIPTION = "Discourse forum topic JSON (/t/slug/ID.json or /t/ID/posts.json)"

_SMALL_ACTION = 3


def detect(source: Source) -> float:
    """Sniff the head for ``post_stream``/``post_number``/``cooked``, the keys of a topic."""
    head = source.head
    if first_char(head) != "{":
        return 0.0
    keys = json_keys(head)
    if "post_number" not in keys:
        return 0.0
    if "post_stream" in keys and keys & {"cooked", "posts"}:
        return 0.95
    if {"cooked", "topic_id"} <= keys:
        return 0.85
    return 0.0


def parse(source: Source, options: object = None) -> list[Thread]:
    """One thread: post 1 as the article, the other posts as comments."""
    topic = load_json(source, "a Discourse topic's .json")
    stream = topic.get("post_stream") if isinstance(topic, dict) else None
    posts = stream.get("posts") if isinstance(stream, dict) else None
    if not isinstance(posts, list):
        raise FormatError("is JSON but not a Discourse topic (no post_stream.posts)", source.name,
                          "give the topic's JSON: its URL with .json added (/t/slug/ID.json)")
    warnings: list[str] = []
    topic_id = as_id(topic.get("id")) or _topic_id_of_posts(posts)
    if topic_id is None:
        raise FormatError("has posts but no topic id", source.name,
                          "give the topic's JSON: its URL with .json added (/t/slug/ID.json)")
    thread_id = f"discourse-{topic_id}"
    site_url = _site_url(source.url)
    opening: dict | None = None
    raws: list[RawComment] = []
    events = 0
    for index, post in enumerate(posts):
        place = f"post_stream.posts[{index}]"
        number = as_id(post.get("post_number")) if isinstance(post, dict) else None
        if number is None:
            warnings.append(f"{source.name}: {place} is not a post with a post_number; skipped")
            continue
        if post.get("post_type") == _SMALL_ACTION or post.get("action_code"):
            events += 1
            continue
        if number == "1":
            opening = post
            continue
        raws.append(_raw(post, number, site_url, place))
    linked = link_comments(raws, thread_id=thread_id, source_format=NAME, where=source.name)
    warnings.extend(linked.warnings)

    missing = _missing(topic, posts)
    if missing:
        warnings.append(f"{source.name}: {missing} post(s) of the topic are not in this file (Discourse sends "
                        "the first 20); fetch the rest from /t/ID/posts.json?post_ids[]=... and give them too")
    slug = topic.get("slug") if isinstance(topic.get("slug"), str) else None
    path = f"/t/{slug}/{topic_id}" if slug else f"/t/{topic_id}"
    posts_count = topic.get("posts_count") if isinstance(topic.get("posts_count"), int) else None
    extra: dict[str, Any] = {"path": path}
    for key in ("category_id", "tags", "views", "like_count", "posts_count", "closed", "archived"):
        if key in topic:
            extra[key] = topic[key]
    if events:
        extra["small_actions"] = events
    thread = Thread(
        thread_id=thread_id,
        source_format=NAME,
        source=source.name,
        title=_str(topic.get("title")),
        url=f"{site_url}{path}" if site_url else None,
        site=site_url and urlsplit(site_url).hostname,
        site_url=site_url,
        declared_count=posts_count - 1 if posts_count else None,
        comments=linked.comments,
        missing_count=missing,
        warnings=warnings,
        orphans=linked.orphans or None,
        extra=extra,
    )
    if opening is not None:
        thread.article_author = _str(opening.get("username"))
        thread.article_text = html_to_text(opening["cooked"]) if isinstance(opening.get("cooked"), str) else None
        thread.published = _time(opening.get("created_at"))
    else:
        thread.published = _time(topic.get("created_at"))
        warnings.append(f"{source.name}: the opening post (post 1) is not in the file; the article text is unknown")
    return [thread]


def _raw(post: dict, number: str, site_url: str | None, place: str) -> RawComment:
    reply_to = as_id(post.get("reply_to_post_number"))
    username = (_str(post.get("username")) or "").strip()
    flags = []
    if post.get("deleted_at") or post.get("user_deleted"):
        flags.append("deleted")
    if post.get("hidden"):
        flags.append("dead")
    return RawComment(
        id=number,
        parent=None if reply_to in (None, "1") else reply_to,
        author=username,
        timestamp=_time(post.get("created_at")),
        text=html_to_text(post["cooked"]) if isinstance(post.get("cooked"), str) else "",
        author_url=f"{site_url}/u/{username}" if site_url and username else None,
        flags=tuple(flags),
        where=place,
    )


def _missing(topic: dict, posts: list) -> int:
    """Posts the topic names but did not send: ids in ``stream`` absent from ``posts``."""
    sent = {as_id(post.get("id")) for post in posts if isinstance(post, dict)}
    stream = topic["post_stream"].get("stream")
    if isinstance(stream, list):
        return sum(1 for post_id in stream if as_id(post_id) not in sent)
    count = topic.get("posts_count")
    return max(0, count - len(posts)) if isinstance(count, int) else 0


def _topic_id_of_posts(posts: list) -> str | None:
    for post in posts:
        if isinstance(post, dict) and as_id(post.get("topic_id")):
            return as_id(post.get("topic_id"))
    return None


def _site_url(url: str | None) -> str | None:
    if not url:
        return None
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else None


def _time(value: Any) -> str | None:
    return iso_from_text(value) if isinstance(value, str) else None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None
