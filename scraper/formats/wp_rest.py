"""WordPress REST API comments: the JSON array ``/wp-json/wp/v2/comments`` returns, saved to a file.

Each item has ``id``, ``post``, ``parent`` (0 = answers the post), ``author_name``, ``author_url``,
``date`` (site local time, no zone), ``date_gmt`` (UTC), ``content.rendered`` (HTML), ``link``, ``type``
and ``status``. One array may hold several posts: each post becomes its own thread ``wp-<post>``.

Ids are written ``comment-<id>``, the form a WordPress page gives the same comment (``id="comment-3"``,
``#comment-3`` in ``link``), so a thread read from its REST export and from its saved page agree.
The API lists newest first, so comments are put in date order (ties by id): a reply then follows its
parent. A reply whose parent is not in the array (the API pages at 10 a page by default) is kept with
flag ``orphan`` and no parent, its parent's id in ``Thread.orphans``; several saved pages of one post
merge with ``merge_pages`` (``commentscope.scraper.formats.shared.wordpress``, shared with ``wp_html``),
which links such replies again. ``status`` spam is flagged ``spam``, trash ``deleted``; pingbacks and
trackbacks are counted in ``Thread.pingbacks``.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from commentscope.scraper.errors import FormatError
from commentscope.scraper.formats.shared.tree import RawComment, link_comments
# merge_pages is part of this format: the pipeline joins saved pages of one post with FORMATS["wp_rest"].merge_pages.
from commentscope.scraper.formats.shared.wordpress import merge_pages, post_url, site_root
from commentscope.scraper.records import Thread
from commentscope.scraper.sources import Source
from commentscope.scraper.html_text import html_to_text

NAME = "wp_rest"
DESCRIPTION = "WordPress REST API comments JSON (/wp-json/wp/v2/comments)"

_REST_KEYS = ('"author_name"', '"content"', '"rendered"', '"post"')
_SKIPPED_TYPES = ("pingback", "trackback")
_STATUS_FLAGS = {"spam": "spam", "trash": "deleted"}


def detect(source: Source) -> float:
    head = source.head.lstrip()
    if not head.startswith(("[", "{")):
        return 0.0
    if all(key in head for key in _REST_KEYS) and '"date' in head:
        return 0.95
    return 0.0


def parse(source: Source, options: object = None) -> list[Thread]:
    items, warnings = _read_items(source)
    by_post: dict[str, list[dict[str, Any]]] = {}
    skipped_pings: dict[str, int] = {}
    for index, item in enumerate(items):
        where = f"{source.name}: item {index + 1}"
        if not isinstance(item, dict) or item.get("id") in (None, ""):
            warnings.append(f"{where} is not a comment object with an id; skipped")
            continue
        post = item.get("post")
        if post in (None, ""):
            warnings.append(f"{where} (comment {item['id']}) names no post; skipped")
            continue
        if str(item.get("type") or "comment") in _SKIPPED_TYPES:
            skipped_pings[str(post)] = skipped_pings.get(str(post), 0) + 1
            continue
        by_post.setdefault(str(post), []).append(item)
    if not by_post:
        raise FormatError("holds no WordPress comments", source.name,
                          "give the JSON array that /wp-json/wp/v2/comments returns")
    threads = [_thread(source, post, post_items, skipped_pings.get(post, 0)) for post, post_items in by_post.items()]
    threads[0].warnings[:0] = warnings
    return threads


def _read_items(source: Source) -> tuple[list[Any], list[str]]:
    """The JSON items; a truncated or broken array yields the items before the break, with a warning."""
    text = source.text.strip()
    try:
        data = json.loads(text)
    except RecursionError:
        raise FormatError("nests JSON too deeply to read", source.name,
                          "give the JSON that /wp-json/wp/v2/comments returns") from None
    except json.JSONDecodeError as error:
        if not text.startswith("["):
            raise FormatError(f"is not valid JSON ({error.msg} at line {error.lineno} column {error.colno})",
                              source.name, "give the JSON that /wp-json/wp/v2/comments returns") from None
        items, where = _salvage_array(text)
        if not items:
            raise FormatError(f"is not valid JSON and no comment could be read ({error.msg} at line "
                              f"{error.lineno} column {error.colno})", source.name,
                              "save the REST response again; it looks truncated") from None
        return items, [f"{source.name}: JSON breaks at {where}; read the {len(items)} items before it"]
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise FormatError("is JSON but not a list of comments", source.name,
                          "give the JSON array that /wp-json/wp/v2/comments returns")
    return data, []


def _salvage_array(text: str) -> tuple[list[Any], str]:
    """Decode array items one by one until the text breaks; returns them and where it broke."""
    decoder = json.JSONDecoder()
    items: list[Any] = []
    index = 1
    while True:
        while index < len(text) and text[index] in " \t\n\r,":
            index += 1
        try:
            item, index = decoder.raw_decode(text, index)
        except json.JSONDecodeError as error:
            return items, f"line {error.lineno} column {error.colno}"
        items.append(item)


def _thread(source: Source, post: str, items: list[dict[str, Any]], pings: int) -> Thread:
    thread_id = f"wp-{post}"
    warnings: list[str] = []
    when = [_timestamp(item) for item in items]
    order = sorted(range(len(items)), key=lambda i: (when[i] is None, (when[i] or "")[:19], _numeric(items[i]["id"])))
    raws: list[RawComment] = []
    for index in order:
        item, comment_id = items[index], f"comment-{items[index]['id']}"
        flags = [_STATUS_FLAGS[status]] if (status := str(item.get("status") or "")) in _STATUS_FLAGS else []
        if when[index] is None:
            flags.append("bad_timestamp")
            warnings.append(f"{source.name}: {comment_id} has no readable date "
                            f"({item.get('date_gmt') or item.get('date')!r}); its timestamp is left empty")
        raws.append(RawComment(
            id=comment_id, parent=_parent(item), author=str(item.get("author_name") or "").strip(),
            timestamp=when[index], text=html_to_text(_rendered(item.get("content"))),
            author_url=str(item.get("author_url") or "").strip() or None, flags=tuple(flags), where=comment_id))
    linked = link_comments(raws, thread_id=thread_id, source_format=NAME, where=f"{source.name}: {thread_id}")
    link = next((str(item["link"]) for item in items if item.get("link")), None)
    url = post_url(link)
    extra: dict[str, Any] = {"post": _numeric(post) if post.isdigit() else post}
    held = [f"comment-{item['id']}" for item in items if item.get("status") == "hold"]
    if held:
        extra["held_for_moderation"] = held
    return Thread(thread_id=thread_id, source_format=NAME, source=source.name, url=url,
                  site_url=site_root(url), comments=linked.comments, warnings=warnings + linked.warnings,
                  orphans=linked.orphans or None, pingbacks=pings, page_warnings=linked.warnings, extra=extra)


def _parent(item: dict[str, Any]) -> str | None:
    parent = item.get("parent")
    if parent in (None, "", 0, "0"):
        return None
    return f"comment-{parent}"


def _rendered(content: Any) -> str:
    if isinstance(content, dict):
        content = content.get("rendered", "")
    return content if isinstance(content, str) else ""


def _timestamp(item: dict[str, Any]) -> str | None:
    """``date_gmt`` with ``+00:00`` when present; else the site-local ``date`` as given, with no zone."""
    for key, suffix in (("date_gmt", "+00:00"), ("date", "")):
        value = item.get(key)
        if isinstance(value, str) and value.strip():
            try:
                parsed = datetime.fromisoformat(value.strip().removesuffix("Z"))
            except ValueError:
                continue
            return parsed.replace(tzinfo=None).isoformat() + suffix
    return None


def _numeric(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
