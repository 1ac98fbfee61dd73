"""Reply chains: each comment's depth and root, and per-thread structure metrics.

A thread is a forest: several top-level comments, each the root of its chain. Orphans (a parent that
is not in the thread) and cycles are accepted, never an integrity error: such a comment is treated as
top-level (depth 0, its own root), which is what a reader of the page sees too.
"""

from __future__ import annotations

import polars as pl


def add_structure(frame: pl.DataFrame) -> pl.DataFrame:
    """Add ``depth`` (0 top-level, parent's depth + 1 otherwise) and ``root_id`` (the top-level
    comment its chain starts from). Reads ``thread_id``, ``id``, ``parent_id``."""
    threads = frame.get_column("thread_id").to_list()
    ids = frame.get_column("id").to_list()
    parents = frame.get_column("parent_id").to_list()
    parent_of = {(t, i): p for t, i, p in zip(threads, ids, parents)}
    resolved: dict[tuple[str, str], tuple[int, str]] = {}

    def resolve(key: tuple[str, str]) -> tuple[int, str]:
        path: list[tuple[str, str]] = []
        on_path: set[tuple[str, str]] = set()
        current = key
        while current not in resolved:
            parent = parent_of.get(current)
            parent_key = (current[0], parent) if parent is not None else None
            if parent_key is None or parent_key not in parent_of or parent_key in on_path or parent_key == current:
                resolved[current] = (0, current[1])
                break
            path.append(current)
            on_path.add(current)
            current = parent_key
        depth, root = resolved[current]
        for node in reversed(path):
            depth += 1
            resolved[node] = (depth, root)
        return resolved[key]

    depths, roots = [], []
    for key in zip(threads, ids):
        depth, root = resolve(key)
        depths.append(depth)
        roots.append(root)
    return frame.with_columns(pl.Series("depth", depths, dtype=pl.Int64), pl.Series("root_id", roots, dtype=pl.String))


def _gini(counts: list[int]) -> float:
    """Gini coefficient of comments per author: 0 everyone equal, towards 1 one author dominates."""
    values = sorted(counts)
    n, total = len(values), sum(values)
    if n == 0 or total == 0:
        return 0.0
    weighted = sum((index + 1) * value for index, value in enumerate(values))
    return (2 * weighted) / (n * total) - (n + 1) / n


def thread_metrics(frame: pl.DataFrame) -> pl.DataFrame:
    """One row per thread: comments, authors, replies, reply_share, chains (top-level comments that
    got at least one reply), top_level, max_depth, longest_chain (comments on the longest root-to-leaf
    path), back_and_forth (replies whose grandparent has the replier's author: A-B-A), reciprocity
    (share of author pairs A->B with B->A too), author_gini, first_reply_minutes (median time from a
    comment to its first reply, null without timestamps). Reads the structure columns; adds them if absent.
    """
    if "depth" not in frame.columns:
        frame = add_structure(frame)
    keyed = frame.select("thread_id", "id", "parent_id", "author", "timestamp", "depth", "root_id")
    parents = keyed.select(
        "thread_id",
        pl.col("id").alias("parent_id"),
        pl.col("author").alias("parent_author"),
        pl.col("parent_id").alias("grandparent_id"),
        pl.col("timestamp").alias("parent_timestamp"),
    )
    grandparents = keyed.select("thread_id", pl.col("id").alias("grandparent_id"), pl.col("author").alias("grandparent_author"))
    linked = (
        keyed.join(parents, on=["thread_id", "parent_id"], how="left")
        .join(grandparents, on=["thread_id", "grandparent_id"], how="left")
        .with_columns(
            (pl.col("depth") > 0).alias("is_reply"),
            ((pl.col("depth") >= 2) & (pl.col("grandparent_author") == pl.col("author"))
             & (pl.col("parent_author") != pl.col("author"))).alias("is_aba"),
            (_parse_time("timestamp") - _parse_time("parent_timestamp")).dt.total_seconds().alias("reply_seconds"),
        )
    )
    replies = linked.filter(pl.col("is_reply"))
    first_reply = (
        replies.filter(pl.col("reply_seconds").is_not_null() & (pl.col("reply_seconds") >= 0))
        .group_by("thread_id", "parent_id").agg(pl.col("reply_seconds").min())
        .group_by("thread_id").agg((pl.col("reply_seconds").median() / 60).alias("first_reply_minutes"))
    )
    chains = replies.group_by("thread_id").agg(pl.col("root_id").n_unique().alias("chains"))
    pairs = replies.filter(pl.col("parent_author").is_not_null() & (pl.col("parent_author") != pl.col("author"))).select(
        "thread_id", pl.col("author").alias("a"), pl.col("parent_author").alias("b")).unique()
    reverse = pairs.select("thread_id", pl.col("b").alias("a"), pl.col("a").alias("b"), pl.lit(True).alias("mutual"))
    reciprocity = (
        pairs.join(reverse, on=["thread_id", "a", "b"], how="left")
        .group_by("thread_id").agg((pl.col("mutual").fill_null(False).sum() / pl.len()).alias("reciprocity"))
    )
    per_author = frame.group_by("thread_id", "author").len()
    gini = pl.DataFrame(
        [{"thread_id": t, "author_gini": _gini(g.get_column("len").to_list())}
         for (t,), g in per_author.group_by("thread_id")],
        schema={"thread_id": pl.String, "author_gini": pl.Float64},
    )
    base = linked.group_by("thread_id", maintain_order=True).agg(
        pl.len().alias("comments"),
        pl.col("author").n_unique().alias("authors"),
        pl.col("is_reply").sum().alias("replies"),
        (~pl.col("is_reply")).sum().alias("top_level"),
        pl.col("depth").max().alias("max_depth"),
        (pl.col("depth").max() + 1).alias("longest_chain"),
        pl.col("is_aba").sum().alias("back_and_forth"),
    )
    return (
        base.join(chains, on="thread_id", how="left")
        .join(reciprocity, on="thread_id", how="left")
        .join(gini, on="thread_id", how="left")
        .join(first_reply, on="thread_id", how="left")
        .with_columns(
            (pl.col("replies") / pl.col("comments")).alias("reply_share"),
            pl.col("chains").fill_null(0).cast(pl.Int64),
            pl.col("reciprocity").fill_null(0.0),
        )
        .select("thread_id", "comments", "authors", "replies", "reply_share", "top_level", "chains", "max_depth",
                "longest_chain", "back_and_forth", "reciprocity", "author_gini", "first_reply_minutes")
    )


def _parse_time(column: str) -> pl.Expr:
    """ISO strings with or without an offset -> naive UTC-less datetimes, null where unparseable."""
    text = pl.col(column).str.slice(0, 19)
    return text.str.to_datetime("%Y-%m-%dT%H:%M:%S", strict=False)
