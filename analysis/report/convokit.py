"""Export analysed threads as a ConvoKit corpus directory, laid out as ConvoKit's own Reddit corpora are.

``Corpus(filename=DIR)`` loads it. As in ConvoKit's subreddit corpora (where a post is the root of its
conversation), each thread is ONE conversation whose root utterance is the article (or post): its id is
the thread id, its speaker the article's author (``[unknown author]`` where the source does not say),
its text the article text (empty where the source has none, as for a Reddit link post). Comments are
utterances ``<thread_id>/<id>`` (comment ids are unique only within a thread); a top-level comment
replies to the article, a reply to its parent, and a reply whose parent is not in the thread (an orphan)
to the article, so every conversation is one tree. Timestamps are Unix seconds (UTC where the source gave
no zone), or null.

Metadata keeps its types: utterance meta holds the analysed columns (stance, agreement, sentiment, reply
evidence, ...), conversation meta the thread's (title, URL, site, ...), and ``index.json`` names each
field's type as ConvoKit writes it (``<class 'float'>``), from the columns' types, not from a first
value that may be null. The folder is built beside the target and renamed into place, with the
permissions a new folder gets (not a temporary folder's private 0700).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import polars as pl

from commentscope.scraper.records import Thread
from commentscope.scraper.text import parse_iso_utc

#: Analysed columns kept as utterance metadata (when the frame has them), in this order.
UTTERANCE_META = (
    "id", "position", "author_url", "reply_evidence", "reply_confidence", "depth", "sentiment", "sentiment_label",
    "stance", "stance_confidence", "stance_source", "stance_target", "agreement", "agreement_confidence", "flags",
)
#: Thread fields kept as conversation metadata, with their types.
CONVERSATION_META = {"thread_id": str, "title": str, "url": str, "site": str, "site_url": str,
                     "article_author": str, "published": str, "source_format": str, "declared_count": int,
                     "comment_count": int}
UNKNOWN_AUTHOR = "[unknown author]"
ARTICLE_KIND = "article"


def _type_name(kind: type) -> str:
    return str(kind)


def _python_type(dtype: pl.DataType) -> type:
    if dtype.is_float():
        return float
    if dtype.is_integer():
        return int
    if dtype == pl.Boolean:
        return bool
    if isinstance(dtype, (pl.List, pl.Array)):
        return list
    return str


def _epoch(value: str | None) -> int | None:
    moment = parse_iso_utc(value)
    return int(moment.timestamp()) if moment is not None else None


def corpus_files(frame: pl.DataFrame, threads: list[Thread]) -> dict[str, str]:
    """The five files' contents, by file name. Reads an analysed frame (SPEC.md analysed records)."""
    by_id = {t.thread_id: t for t in threads}
    meta_columns = [c for c in UTTERANCE_META if c in frame.columns]
    utterance_types = {"kind": str, **{c: _python_type(frame.schema[c]) for c in meta_columns}}
    lines: list[str] = []
    speakers: dict[str, dict] = {}
    conversations: dict[str, dict] = {}
    for thread_id, rows in _threads_in_order(frame):
        thread = by_id.get(thread_id) or Thread(thread_id=thread_id, source_format="")
        ids = {row["id"] for row in rows}
        author = thread.article_author or UNKNOWN_AUTHOR
        lines.append(_utterance(thread_id, thread_id, author, thread.article_text or "", None,
                                _epoch(thread.published), {"kind": ARTICLE_KIND}))
        speakers.setdefault(author, {"meta": {}, "vectors": []})
        for row in rows:
            parent = row["parent_id"]
            reply_to = f"{thread_id}/{parent}" if parent is not None and parent in ids else thread_id
            speaker = row["author"] or UNKNOWN_AUTHOR
            meta = {"kind": "comment", **{c: row[c] for c in meta_columns}}
            lines.append(_utterance(f"{thread_id}/{row['id']}", thread_id, speaker, row["text"] or "", reply_to,
                                    _epoch(row["timestamp"]), meta))
            speakers.setdefault(speaker, {"meta": {}, "vectors": []})
        conversations[thread_id] = {"meta": {**{k: getattr(thread, k, None) for k in CONVERSATION_META},
                                             "comment_count": len(rows)}, "vectors": []}
    corpus_meta = {"source": "commentscope", "threads": len(conversations)}
    index = {
        "utterances-index": {key: [_type_name(kind)] for key, kind in utterance_types.items()},
        "speakers-index": {},
        "conversations-index": {key: [_type_name(kind)] for key, kind in CONVERSATION_META.items()},
        "overall-index": {"source": [_type_name(str)], "threads": [_type_name(int)]},
        "version": 1,
        "vectors": [],
    }
    return {
        "utterances.jsonl": "".join(line + "\n" for line in lines),
        "speakers.json": json.dumps(speakers, ensure_ascii=False, sort_keys=True),
        "conversations.json": json.dumps(conversations, ensure_ascii=False),
        "corpus.json": json.dumps(corpus_meta, ensure_ascii=False),
        "index.json": json.dumps(index),
    }


def _threads_in_order(frame: pl.DataFrame) -> list[tuple[str, list[dict[str, Any]]]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in frame.iter_rows(named=True):
        groups.setdefault(row["thread_id"], []).append(row)
    return list(groups.items())


def _utterance(uid: str, conversation: str, speaker: str, text: str, reply_to: str | None, timestamp: int | None,
               meta: dict[str, Any]) -> str:
    return json.dumps({"id": uid, "conversation_id": conversation, "text": text, "speaker": speaker, "meta": meta,
                       "reply-to": reply_to, "timestamp": timestamp, "vectors": []}, ensure_ascii=False)


def write_corpus(frame: pl.DataFrame, threads: list[Thread], directory: str | Path) -> Path:
    """Write the corpus directory; built in a temporary folder beside it and renamed into place,
    replacing a previous export only once the new one is complete."""
    target = Path(directory)
    parent = target.parent if str(target.parent) else Path(".")
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=parent))
    try:
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(staging, 0o777 & ~mask)
        for name, content in corpus_files(frame, threads).items():
            (staging / name).write_text(content, encoding="utf-8")
        if target.exists():
            backup = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=parent))
            backup.rmdir()
            target.rename(backup)
            staging.rename(target)
            shutil.rmtree(backup)
        else:
            staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target
