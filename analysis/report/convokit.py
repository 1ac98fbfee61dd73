"""Export analysed threads as a ConvoKit corpus directory, so users can continue in ConvoKit.

Layout (ConvoKit's own): ``utterances.jsonl``, ``speakers.json``, ``conversations.json``, ``corpus.json``,
``index.json``; ``Corpus(filename=DIR)`` loads it. Utterance ids are ``<thread_id>/<id>`` (comment ids are
only unique within a thread). A ConvoKit conversation has one root, so each reply chain (a top-level
comment and its replies) is one conversation, identified by its root's utterance id; the thread it belongs
to is in the conversation's and the utterance's metadata. Timestamps are Unix seconds (UTC where the
source gave no zone), or null.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import polars as pl

from commentscope.scraper.records import Thread
from commentscope.scraper.text import parse_iso_utc

_UTTERANCE_META = (
    "thread_id", "position", "reply_evidence", "reply_confidence", "sentiment", "sentiment_label", "stance",
    "stance_confidence", "agreement", "depth", "flags",
)


def _epoch(value: str | None) -> int | None:
    moment = parse_iso_utc(value)
    return int(moment.timestamp()) if moment is not None else None


def _type_name(value: Any) -> str:
    return str(type(value))


def corpus_files(frame: pl.DataFrame, threads: list[Thread]) -> dict[str, str]:
    """The five files' contents, by file name. Reads an analysed frame (SPEC.md analysed records)."""
    titles = {t.thread_id: t.title for t in threads}
    utterance_lines: list[str] = []
    utterance_index: dict[str, list[str]] = {}
    speakers: dict[str, dict] = {}
    conversations: dict[str, dict] = {}
    for row in frame.iter_rows(named=True):
        uid = f"{row['thread_id']}/{row['id']}"
        meta = {key: row[key] for key in _UTTERANCE_META if key in row}
        for key, value in meta.items():
            utterance_index.setdefault(key, [_type_name(value)])
        root = f"{row['thread_id']}/{row.get('root_id') or row['id']}"
        utterance_lines.append(json.dumps({
            "id": uid,
            "conversation_id": root,
            "text": row["text"],
            "speaker": row["author"],
            "meta": meta,
            "reply-to": f"{row['thread_id']}/{row['parent_id']}" if row["parent_id"] is not None else None,
            "timestamp": _epoch(row["timestamp"]),
            "vectors": [],
        }, ensure_ascii=False))
        speakers.setdefault(row["author"], {"meta": {}, "vectors": []})
        conversations.setdefault(root, {
            "meta": {"thread_id": row["thread_id"], "title": titles.get(row["thread_id"])}, "vectors": []})
    corpus_meta = {"source": "commentscope", "threads": [t.metadata() | {"article_text": None} for t in threads]}
    index = {
        "utterances-index": utterance_index,
        "speakers-index": {},
        "conversations-index": {"thread_id": ["<class 'str'>"], "title": ["<class 'str'>"]},
        "overall-index": {"source": ["<class 'str'>"], "threads": ["<class 'list'>"]},
        "version": 1,
        "vectors": [],
    }
    return {
        "utterances.jsonl": "".join(line + "\n" for line in utterance_lines),
        "speakers.json": json.dumps(speakers, ensure_ascii=False, sort_keys=True),
        "conversations.json": json.dumps(conversations, ensure_ascii=False),
        "corpus.json": json.dumps(corpus_meta, ensure_ascii=False),
        "index.json": json.dumps(index),
    }


def write_corpus(frame: pl.DataFrame, threads: list[Thread], directory: str | Path) -> Path:
    """Write the corpus directory; built in a temporary folder and renamed into place, replacing a
    previous export only once the new one is complete."""
    target = Path(directory)
    parent = target.parent if str(target.parent) else Path(".")
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=parent))
    try:
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
