"""The conversation as a reader follows it: every comment in threaded order (each reply right after the
comment it answers, indented by depth) with whom it answers, its labels, their confidence and the
evidence behind them; and the comments that drew the most replies.

These rows travel to the page as JSON data (``page.script_json``) and the page's script shows them with
``textContent`` only.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from commentscope.analysis.views import chart_data as data

#: Comment text in the conversation is cut to this many characters in threads above the detail limit.
LARGE_TEXT_CHARS = 280
#: The fields of each conversation row, in the order they are written.
FIELDS = ("position", "id", "author", "time", "depth", "parent", "replies_to", "root", "replies", "stance",
          "stance_confidence", "stance_source", "stance_evidence", "uncertain", "agreement", "agreement_confidence",
          "agreement_evidence", "agreement_uncertain", "sentiment", "reply_evidence", "reply_confidence", "flags", "text")


def threaded_order(ids: list[str], parents: list[str | None]) -> list[int]:
    """Indexes of the comments depth first: each top-level comment (or one whose parent is not in the
    list) in list order, then its replies in list order, each followed by its own replies."""
    index = {comment_id: i for i, comment_id in enumerate(ids)}
    children: dict[int, list[int]] = {}
    roots: list[int] = []
    for i, parent in enumerate(parents):
        at = index.get(parent) if parent is not None else None
        if at is None or at >= i:
            roots.append(i)
        else:
            children.setdefault(at, []).append(i)
    order: list[int] = []
    stack = list(reversed(roots))
    while stack:
        i = stack.pop()
        order.append(i)
        stack.extend(reversed(children.get(i, [])))
    return order


def _replies_per_comment(norm: pl.DataFrame) -> pl.DataFrame:
    counts = norm.filter(pl.col("parent_id").is_not_null()).group_by("parent_id").len("replies")
    return norm.select("id").join(counts.rename({"parent_id": "id"}), on="id", how="left", maintain_order="left") \
        .select(pl.col("replies").fill_null(0).cast(pl.Int64))


def conversation_rows(comments: pl.DataFrame, limit: int = data.DETAIL_LIMIT) -> list[dict[str, Any]]:
    """One dict per comment (keys ``FIELDS``) in threaded order: ``parent`` is the answered comment's
    position and ``replies_to`` its author (both null for a comment that answers the article),
    ``root`` the chain's root id, ``replies`` the direct replies it drew. Above ``limit`` comments each
    text is cut to ``LARGE_TEXT_CHARS`` characters."""
    norm = data.normalise(comments)
    if norm.height == 0:
        return []
    parents = norm.select(pl.col("id").alias("parent_id"), pl.col("position").alias("parent"),
                          pl.col("author").alias("replies_to"))
    text = pl.col("text")
    if norm.height > limit:
        text = pl.when(text.str.len_chars() > LARGE_TEXT_CHARS).then(text.str.slice(0, LARGE_TEXT_CHARS) + "…").otherwise(text)
    rows = (
        norm.join(parents, on="parent_id", how="left", maintain_order="left")
        .with_columns(_replies_per_comment(norm).to_series().alias("replies"))
        .select(
            "position", "id", "author", data.wall_time().alias("time"), "depth", "parent", "replies_to",
            pl.col("root_id").alias("root"), "replies", "stance", "stance_confidence", "stance_source",
            "stance_evidence", "uncertain", "agreement", "agreement_confidence", "agreement_evidence",
            "agreement_uncertain", "sentiment", "reply_evidence", pl.col("reply_confidence").round(2), "flags",
            text.alias("text"),
        )
    )
    order = threaded_order(norm.get_column("id").to_list(), norm.get_column("parent_id").to_list())
    return rows[order].to_dicts()


def most_answered(comments: pl.DataFrame, count: int = 3) -> list[dict[str, Any]]:
    """The ``count`` comments that drew the most direct replies (at least one; ties: more comments in
    their chain below them, then thread order): ``position``, ``author``, ``stance``, ``uncertain``,
    ``replies``, ``below`` (all replies under it) and ``snippet`` (its first words)."""
    norm = data.normalise(comments)
    if norm.height == 0:
        return []
    counts = norm.with_columns(_replies_per_comment(norm).to_series().alias("replies"))
    below = _descendants(norm.get_column("id").to_list(), norm.get_column("parent_id").to_list())
    ranked = (
        counts.with_columns(pl.Series("below", below, dtype=pl.Int64))
        .filter(pl.col("replies") > 0)
        .sort(["replies", "below", "position"], descending=[True, True, False])
        .head(count)
    )
    # A line break without punctuation before it reads as " / ", so lines do not run together.
    lines = pl.col("text").str.replace_all(r"([^.!?…:;,\s])[ \t]*\n\s*", "$1 / ")
    return ranked.with_columns(lines).select("position", "author", "stance", "uncertain", "replies", "below",
                                             data.snippet(words=40, chars=240).alias("snippet")).to_dicts()


def _descendants(ids: list[str], parents: list[str | None]) -> list[int]:
    """For each comment, how many comments sit below it (replies, their replies, ...)."""
    index = {comment_id: i for i, comment_id in enumerate(ids)}
    below = [0] * len(ids)
    for i in reversed(range(len(ids))):  # parents come before their replies
        at = index.get(parents[i]) if parents[i] is not None else None
        if at is not None and at < i:
            below[at] += below[i] + 1
    return below
