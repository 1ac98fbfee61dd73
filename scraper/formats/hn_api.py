"""Hacker News items from the official Firebase API (``https://hacker-news.firebaseio.com/v0/item/ID.json``).

One item is not a thread: a story lists only the ids of its replies (``kids``). Accepted shapes, each
holding the story and the descendants a user fetched:

- a JSON array of items, in any order (``[story, comment, comment, ...]``);
- a JSON object mapping ids to items (``{"8863": {...}, "8952": {...}}``), as a fetch loop keyed by id writes;
- JSON Lines, one item per line;
- one item whose ``kids`` (or ``replies``/``children``) hold the child items themselves, nested.

Items carry ``id``, ``type`` (story, comment, job, poll, pollopt), ``by``, ``time`` (Unix seconds),
``text`` (HTML), ``parent``, ``kids`` (ids in ranked display order), ``deleted`` and ``dead``. Comments are
ordered as the site shows them: depth first through each item's ``kids``; replies missing from a
``kids`` list follow their listed siblings. Items whose parent was not fetched are orphans. A file with
no story (a sub-thread) is one thread named after its topmost comment.
"""

from __future__ import annotations

import json
import re

from commentscope.scraper.errors import FormatError
from commentscope.scraper.formats.shared.hacker_news import (HN_URL, STORY_TYPES, gone_flags, item_url, story_article,
                                                            user_url)
from commentscope.scraper.formats.shared.tree import (RawComment, as_id, epoch_iso, first_char, json_keys,
                                                     link_comments, load_json)
from commentscope.scraper.records import Thread
from commentscope.scraper.sources import Source
from commentscope.scraper.html_text import html_to_text

NAME = "hn_api"
DESCRIPTION = "Hacker News Firebase API items: a story and its descendants (JSON array, {id: item} or JSONL)"

_TYPE = re.compile(r'"type"\s*:\s*"(?:story|comment|job|poll)"')
_NESTED_KEYS = ("kids", "replies", "children")
#: Every Firebase item has one of these (Algolia's nodes say ``author`` and ``created_at_i`` instead).
_ITEM_KEYS = {"by", "time", "deleted"}


def detect(source: Source) -> float:
    """Sniff the head for Firebase item keys (``by``, ``time``, ``id``, a ``type`` and ``kids``/``parent``)."""
    head = source.head
    if first_char(head) not in ("[", "{"):
        return 0.0
    keys = json_keys(head)
    if not {"by", "time", "id"} <= keys or not _TYPE.search(head):
        return 0.0
    if keys & {"kids", "parent", "descendants"}:
        return 0.9
    return 0.0


def parse(source: Source, options: object = None) -> list[Thread]:
    """One thread per story in the file (items under no story join the first, or form one of their own)."""
    warnings: list[str] = []
    items = _flatten(_read_items(source, warnings), warnings, source.name)
    by_id: dict[str, dict] = {}
    for item in items:
        item_id = as_id(item.get("id"))
        if item_id is None:
            warnings.append(f"{source.name}: an item has no id; skipped")
        elif item_id in by_id:
            warnings.append(f"{source.name}: item {item_id} appears twice; the first is kept")
        else:
            by_id[item_id] = item
    if not by_id:
        raise FormatError("holds no Hacker News items (objects with id and by or time)", source.name,
                          "give the story and its comments as fetched from /v0/item/ID.json, as a JSON array")
    stories = [i for i, item in by_id.items() if item.get("type") in STORY_TYPES or "parent" not in item]
    if len(stories) == 1 and _is_single_unfetched(by_id[stories[0]], by_id):
        raise FormatError("is one story whose replies are only ids", source.name,
                          "fetch each id in kids (and theirs) and save the story and all of them as a JSON array")
    children = _children_index(by_id)
    threads = []
    placed: set[str] = set(stories)
    for story_id in stories:
        order = _depth_first(children[story_id], children, placed)
        threads.append(_thread(source, story_id, by_id, order, warnings if not threads else []))
    leftovers = [i for i in by_id if i not in placed]
    if leftovers:
        tops = [i for i in leftovers if as_id(by_id[i].get("parent")) not in by_id]
        order = _depth_first(tops, children, placed)
        order += [i for i in leftovers if i not in placed]
        root = order[0]
        if threads:
            first = threads[0]
            _merge(first, _thread(source, root, by_id, order, [], story=False))
            first.warnings.append(f"{source.name}: {len(order)} item(s) are not under any story in the file; "
                                  f"they are added to {first.thread_id}")
        else:
            threads.append(_thread(source, root, by_id, order, warnings, story=False))
    return threads


def _read_items(source: Source, warnings: list[str]) -> list:
    try:
        document = json.loads(source.text)
    except json.JSONDecodeError as error:
        if error.msg != "Extra data":
            load_json(source, "Hacker News items as a JSON array")
        lines = [line for line in source.text.split("\n") if line.strip()]
        return _read_lines(lines, source.name, warnings)
    except RecursionError:
        load_json(source, "Hacker News items as a JSON array")
    if isinstance(document, list):
        return document
    if isinstance(document, dict) and "id" in document and "type" in document:
        return [document]
    if isinstance(document, dict):
        return list(document.values())
    raise FormatError("is JSON but not Hacker News items", source.name,
                      "give the story and its comments as a JSON array of /v0/item/ID.json objects")


def _read_lines(lines: list[str], where: str, warnings: list[str]) -> list:
    items = []
    for number, line in enumerate(lines, 1):
        try:
            items.append(json.loads(line))
        except json.JSONDecodeError as error:
            warnings.append(f"{where}: item line {number} is not JSON ({error.msg}); skipped")
        except RecursionError:
            warnings.append(f"{where}: item line {number} nests JSON too deeply to read; skipped")
    return items


def _flatten(items: list, warnings: list[str], where: str) -> list[dict]:
    """Items in file order, with nested child items (``kids`` holding objects) pulled out after them."""
    out: list[dict] = []
    stack = list(reversed(items))
    while stack:
        item = stack.pop()
        if not isinstance(item, dict):
            if item is not None:
                warnings.append(f"{where}: an entry is {type(item).__name__}, not an item; skipped")
            continue
        if not _ITEM_KEYS & item.keys():
            warnings.append(f"{where}: an entry has none of the fields of a Hacker News item "
                            f"({', '.join(sorted(_ITEM_KEYS))}); skipped")
            continue
        nested = [kid for key in _NESTED_KEYS if isinstance(item.get(key), list)
                  for kid in item[key] if isinstance(kid, dict)]
        if nested:
            item = {**item, "kids": [kid.get("id") for kid in nested]}
            nested = [{**kid, "parent": kid.get("parent", item.get("id"))} for kid in nested]
        out.append(item)
        stack.extend(reversed(nested))
    return out


def _is_single_unfetched(story: dict, by_id: dict[str, dict]) -> bool:
    kids = story.get("kids")
    return len(by_id) == 1 and isinstance(kids, list) and bool(kids)


def _children_index(by_id: dict[str, dict]) -> dict[str, list[str]]:
    """Each item's replies: its ``kids`` order first, then unlisted replies by id."""
    children: dict[str, list[str]] = {}
    for item_id, item in by_id.items():
        listed = item.get("kids") if isinstance(item.get("kids"), list) else []
        kids = [as_id(kid) for kid in listed if not isinstance(kid, dict)]
        children[item_id] = [kid for kid in kids if kid in by_id and as_id(by_id[kid].get("parent")) in (item_id, None)]
    for item_id, item in by_id.items():
        parent = as_id(item.get("parent"))
        if parent in children and item_id not in children[parent]:
            children[parent].append(item_id)
    return children


def _depth_first(roots: list[str], children: dict[str, list[str]], placed: set[str]) -> list[str]:
    """Ids under and including ``roots`` in display order, skipping any already placed."""
    order: list[str] = []
    stack = list(reversed(roots))
    while stack:
        item_id = stack.pop()
        if item_id in placed:
            continue
        placed.add(item_id)
        order.append(item_id)
        stack.extend(reversed(children.get(item_id, [])))
    return order


def _thread(source: Source, root: str, by_id: dict[str, dict], order: list[str], warnings: list[str],
            story: bool = True) -> Thread:
    thread_id = f"hn-{root}"
    raws = []
    skipped = 0
    for item_id in order:
        item = by_id[item_id]
        if item.get("type") == "pollopt":
            skipped += 1
            continue
        parent = as_id(item.get("parent"))
        if story and parent == root:
            parent = None
        raws.append(_raw(item_id, item, parent))
    linked = link_comments(raws, thread_id=thread_id, source_format=NAME, where=source.name)
    thread = Thread(thread_id=thread_id, source_format=NAME, source=source.name, comments=linked.comments,
                    site="Hacker News", site_url=HN_URL, url=item_url(root),
                    warnings=list(warnings) + linked.warnings, orphans=linked.orphans or None)
    if skipped:
        thread.extra["poll_options"] = skipped
    if story:
        _story_metadata(thread, by_id[root])
    return thread


def _raw(item_id: str, item: dict, parent: str | None) -> RawComment:
    author = (item.get("by") or "").strip() if isinstance(item.get("by"), str) else ""
    body = item.get("text")
    deleted = bool(item.get("deleted"))
    text = html_to_text(body) if isinstance(body, str) else ""
    if not text and deleted:
        text = "[deleted]"
    elif not text and item.get("dead"):
        text = "[dead]"
    timestamp, bad_time = epoch_iso(item.get("time"))
    flags = gone_flags(text, deleted, bool(item.get("dead"))) + (("bad_timestamp",) if bad_time else ())
    return RawComment(id=item_id, parent=parent, author=author, timestamp=timestamp, text=text,
                      author_url=user_url(author), flags=flags, where=f"item {item_id}")


def _story_metadata(thread: Thread, story: dict) -> None:
    title = story.get("title") if isinstance(story.get("title"), str) else None
    link = story.get("url") if isinstance(story.get("url"), str) else None
    text = html_to_text(story["text"]) if isinstance(story.get("text"), str) else None
    thread.title = title
    thread.article_author = story.get("by") if isinstance(story.get("by"), str) else None
    thread.article_text = story_article(title, link, text)
    thread.published = epoch_iso(story.get("time"))[0]
    if isinstance(story.get("descendants"), int):
        thread.declared_count = story["descendants"]
    if link:
        thread.extra["link_url"] = link
    for key in ("score", "type", "dead", "deleted"):
        if key in story:
            thread.extra[key] = story[key]


def _merge(thread: Thread, other: Thread) -> None:
    """Append ``other``'s comments to ``thread`` (renumbered, re-labelled) and its orphans and warnings."""
    start = len(thread.comments)
    for offset, comment in enumerate(other.comments, 1):
        thread.comments.append(comment.replace(thread_id=thread.thread_id, position=start + offset))
    if other.orphans:
        thread.orphans = {**(thread.orphans or {}), **other.orphans}
    thread.warnings.extend(other.warnings)
