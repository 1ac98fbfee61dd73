"""What the three Hacker News readers (``hn_api``, ``hn_algolia``, ``hn_html``) share: the site's URLs,
the item types that head a thread, the article a story stands for and the flags for its placeholders.
"""

from __future__ import annotations

HN_URL = "https://news.ycombinator.com"
#: Item types that head a thread (the others are ``comment`` and ``pollopt``).
STORY_TYPES = ("story", "job", "poll")


def item_url(item_id: str) -> str:
    return f"{HN_URL}/item?id={item_id}"


def user_url(name: str) -> str | None:
    return f"{HN_URL}/user?id={name}" if name else None


def story_article(title: str | None, link: str | None, text: str | None) -> str | None:
    """The article a story stands for: its own text (Ask HN), or its title and link (a link post)."""
    if text:
        return text
    return "\n\n".join(part for part in (title, link) if part) or None


def gone_flags(text: str, deleted: bool = False, dead: bool = False) -> tuple[str, ...]:
    """Flags for Hacker News' placeholders: ``[deleted]`` is deleted; ``[dead]`` and ``[flagged]`` dead."""
    flags = []
    if deleted or text == "[deleted]":
        flags.append("deleted")
    if dead or text in ("[dead]", "[flagged]"):
        flags.append("dead")
    return tuple(flags)
