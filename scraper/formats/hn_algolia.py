"""Hacker News through the Algolia API: an item tree (``https://hn.algolia.com/api/v1/items/ID``) or a
search for a story's comments (``/api/v1/search?tags=comment,story_ID``).

The item tree nests every reply in its parent's ``children``; each node has ``id``, ``type`` (story,
comment, poll, pollopt), ``author``, ``created_at_i`` (Unix seconds), ``text`` (HTML), ``parent_id`` and
``story_id``. A deleted comment keeps its place with a null author and text; it becomes ``[deleted]``,
flagged ``deleted``. The tree of a comment (not a story) is a sub-thread whose first comment answers a
comment that is not there: an orphan.

Search results are flat ``hits`` (``objectID``, ``comment_text``, ``parent_id``, ``story_id``,
``story_title``); they come newest first, so they are put in time order, which puts parents first.
"""

from __future__ import annotations

from typing import Any

from commentscope.scraper.errors import FormatError
from commentscope.scraper.formats.shared.hacker_news import (HN_URL, STORY_TYPES, gone_flags, item_url, story_article,
                                                            user_url)
from commentscope.scraper.formats.shared.tree import (RawComment, as_id, epoch_iso, epoch_seconds, first_char,
                                                     json_keys, link_comments, load_json)
from commentscope.scraper.records import Thread
from commentscope.scraper.sources import Source
from commentscope.scraper.html_text import html_to_text
from commentscope.scraper.text import iso_from_text

NAME = "hn_algolia"
DESCRIPTION = "Hacker News item tree or comment search from the Algolia API (hn.algolia.com/api/v1)"


def detect(source: Source) -> float:
    """Sniff the head for Algolia keys: ``created_at_i`` with a ``children`` tree or search ``hits``."""
    head = source.head
    if first_char(head) != "{":
        return 0.0
    keys = json_keys(head)
    if "created_at_i" not in keys:
        return 0.0
    if "children" in keys and "author" in keys and keys & {"story_id", "parent_id"}:
        return 0.95
    if "hits" in keys and keys & {"comment_text", "story_id"}:
        return 0.85
    return 0.0


def parse(source: Source, options: object = None) -> list[Thread]:
    """One thread per item tree, or per story among search hits."""
    document = load_json(source, "the JSON of hn.algolia.com/api/v1/items/ID")
    if isinstance(document, dict) and isinstance(document.get("children"), list):
        return [_item_tree(document, source)]
    if isinstance(document, dict) and isinstance(document.get("hits"), list):
        return _search_hits(document, source)
    raise FormatError("is JSON but neither an Algolia item tree nor search hits", source.name,
                      "give the JSON of https://hn.algolia.com/api/v1/items/STORY_ID as downloaded")


def _item_tree(root: dict, source: Source) -> Thread:
    warnings: list[str] = []
    is_story = root.get("type") in STORY_TYPES or ("title" in root and root.get("parent_id") is None)
    root_id = as_id(root.get("id"))
    story_id = root_id if is_story else as_id(root.get("story_id")) or root_id
    if story_id is None:
        raise FormatError("has an item tree without ids", source.name,
                          "give the JSON of https://hn.algolia.com/api/v1/items/STORY_ID as downloaded")
    raws: list[RawComment] = []
    options_skipped = _walk(root["children"] if is_story else [root], root_id if is_story else None,
                            story_id, raws, warnings, source.name, "children")
    thread_id = f"hn-{story_id}"
    linked = link_comments(raws, thread_id=thread_id, source_format=NAME, where=source.name)
    thread = Thread(thread_id=thread_id, source_format=NAME, source=source.name, url=item_url(story_id),
                    site="Hacker News", site_url=HN_URL, comments=linked.comments,
                    warnings=warnings + linked.warnings, orphans=linked.orphans or None)
    if options_skipped:
        thread.extra["poll_options"] = options_skipped
    if is_story:
        title = root.get("title") if isinstance(root.get("title"), str) else None
        link = root.get("url") if isinstance(root.get("url"), str) else None
        text = html_to_text(root["text"]) if isinstance(root.get("text"), str) else None
        thread.title = title
        thread.article_author = root.get("author") if isinstance(root.get("author"), str) else None
        thread.article_text = story_article(title, link, text)
        thread.published = _timestamp(root)
        if link:
            thread.extra["link_url"] = link
        if isinstance(root.get("points"), int):
            thread.extra["points"] = root["points"]
    else:
        thread.extra["subthread_of"] = root_id
        thread.warnings.append(f"{source.name}: the tree starts at comment {root_id}, not at its story; "
                               "fetch /api/v1/items/STORY_ID for the whole thread")
    return thread


def _walk(nodes: list, enclosing: str | None, story_id: str, raws: list[RawComment], warnings: list[str],
          where: str, path: str) -> int:
    """Add the comments under ``nodes`` depth first; returns how many poll options were skipped."""
    skipped = 0
    for index, node in enumerate(nodes):
        place = f"{path}[{index}]"
        if not isinstance(node, dict):
            warnings.append(f"{where}: {place} is not an item; skipped")
            continue
        if node.get("type") == "pollopt":
            skipped += 1
            continue
        node_id = as_id(node.get("id"))
        if node_id is None:
            warnings.append(f"{where}: {place} has no id; skipped with its replies")
            continue
        parent = as_id(node.get("parent_id")) or enclosing
        raws.append(_raw(node_id, parent if parent != story_id else None, node.get("author"),
                         node.get("text"), _timestamp(node), place))
        if isinstance(node.get("children"), list):
            skipped += _walk(node["children"], node_id, story_id, raws, warnings, where, f"{place}.children")
    return skipped


def _raw(node_id: str, parent: str | None, author: Any, body: Any, timestamp: str | None, place: str) -> RawComment:
    name = author.strip() if isinstance(author, str) else ""
    deleted = not name and body is None
    text = html_to_text(body) if isinstance(body, str) else ""
    if deleted:
        text = "[deleted]"
    return RawComment(id=node_id, parent=parent, author=name, timestamp=timestamp, text=text,
                      author_url=user_url(name), flags=gone_flags(text, deleted), where=place)


def _timestamp(node: dict) -> str | None:
    stamp, _ = epoch_iso(node.get("created_at_i"))
    if stamp is not None:
        return stamp
    created = node.get("created_at")
    return iso_from_text(created) if isinstance(created, str) else None


def _search_hits(document: dict, source: Source) -> list[Thread]:
    by_story: dict[str, list[dict]] = {}
    stories: dict[str, dict] = {}
    for hit in document["hits"]:
        if not isinstance(hit, dict):
            continue
        tags = hit.get("_tags") if isinstance(hit.get("_tags"), list) else []
        story_id = as_id(hit.get("story_id")) or (as_id(hit.get("objectID")) if "story" in tags else None)
        if story_id is None:
            continue
        if "story" in tags and "comment" not in tags:
            stories[story_id] = hit
        else:
            by_story.setdefault(story_id, []).append(hit)
    if not by_story and not stories:
        raise FormatError("holds no Hacker News comments among its search hits", source.name,
                          "search with tags=comment,story_ID, or give /api/v1/items/STORY_ID instead")
    threads = []
    for story_id in list(dict.fromkeys([*by_story, *stories])):
        hits = sorted(by_story.get(story_id, []),
                      key=lambda h: (epoch_seconds(h.get("created_at_i")) or 0, _numeric(h.get("objectID"))))
        raws = []
        for hit in hits:
            hit_id = as_id(hit.get("objectID"))
            if hit_id is None:
                continue
            parent = as_id(hit.get("parent_id"))
            raws.append(_raw(hit_id, None if parent == story_id else parent, hit.get("author"),
                             hit.get("comment_text"), _timestamp(hit), f"hit {hit_id}"))
        thread_id = f"hn-{story_id}"
        linked = link_comments(raws, thread_id=thread_id, source_format=NAME, where=source.name)
        first = hits[0] if hits else {}
        story = stories.get(story_id, {})
        title = story.get("title") or first.get("story_title")
        link = story.get("url") or first.get("story_url")
        text = html_to_text(story["story_text"]) if isinstance(story.get("story_text"), str) else None
        declared = story.get("num_comments")
        thread = Thread(thread_id=thread_id, source_format=NAME, source=source.name, url=item_url(story_id),
                        site="Hacker News", site_url=HN_URL, title=title, comments=linked.comments,
                        article_author=story.get("author"), article_text=story_article(title, link, text),
                        declared_count=declared if isinstance(declared, int) else None, warnings=linked.warnings,
                        orphans=linked.orphans or None)
        if link:
            thread.extra["link_url"] = link
        threads.append(thread)
    total = document.get("nbHits")
    if isinstance(total, int) and total > len(document["hits"]):
        threads[0].warnings.append(f"{source.name}: the search found {total} hits but this page holds "
                                   f"{len(document['hits'])}; fetch the other pages (&page=N, hitsPerPage=1000)")
        threads[0].missing_count = total - len(document["hits"])
    return threads


def _numeric(value: Any) -> int:
    text = as_id(value) or ""
    return int(text) if text.isdigit() else 0
