"""Writing and reading comment files: JSONL records plus the thread-metadata sidecar.

For ``OUT.jsonl`` the sidecar is ``OUT.threads.json`` beside it: ``{"version": 1, "threads": [...]}``
with one object per thread (title, URL, site, article author and text, declared count, warnings, ...).
Every file is written to a temporary file in the same directory and renamed into place, so a failed
run leaves what was there before untouched.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import IO, Iterator

import polars as pl

from scraper.errors import InputError
from scraper.records import COMMENT_SCHEMA, SPEC_KEYS, Thread, dumps

SIDECAR_SUFFIX = ".threads.json"


def sidecar_path(jsonl_path: str | Path) -> Path:
    """``comments.jsonl`` -> ``comments.threads.json`` (any final suffix is replaced)."""
    path = Path(jsonl_path)
    stem = path.name[: -len(path.suffix)] if path.suffix else path.name
    return path.with_name(stem + SIDECAR_SUFFIX)


@contextlib.contextmanager
def atomic_open(path: str | Path, mode: str = "w") -> Iterator[IO]:
    """Open a temporary file beside ``path``; rename it over ``path`` only if the block succeeds."""
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise InputError("the output's folder does not exist", str(directory), "create it first or choose another -o")
    handle_fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        encoding = None if "b" in mode else "utf-8"
        newline = None if "b" in mode else "\n"
        with os.fdopen(handle_fd, mode, encoding=encoding, newline=newline) as handle:
            yield handle
        os.replace(temp_name, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    with atomic_open(path, "wb") as handle:
        handle.write(data)


def jsonl_text(threads: list[Thread]) -> str:
    return "".join(dumps(comment) + "\n" for thread in threads for comment in thread.comments)


def sidecar_text(threads: list[Thread]) -> str:
    payload = {"version": 1, "threads": [thread.metadata() for thread in threads]}
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def write_threads(threads: list[Thread], out: str | Path | None) -> None:
    """Write records to ``out`` (and its sidecar), or records only to stdout when ``out`` is None."""
    if out is None or str(out) == "-":
        sys.stdout.write(jsonl_text(threads))
        sys.stdout.flush()
        return
    records, sidecar = jsonl_text(threads), sidecar_text(threads)
    # Both temporaries are complete before either replaces its target.
    with atomic_open(out) as records_handle, atomic_open(sidecar_path(out)) as sidecar_handle:
        records_handle.write(records)
        sidecar_handle.write(sidecar)


def looks_like_records(path: str | Path) -> bool:
    """True when the file's first non-blank line is a JSON object with the SPEC.md record keys."""
    try:
        with open(path, encoding="utf-8-sig") as handle:
            for line in handle:
                if line.strip():
                    row = json.loads(line)
                    return isinstance(row, dict) and all(key in row for key in SPEC_KEYS)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False
    return False


def read_records(path: str | Path) -> tuple[pl.DataFrame, list[Thread]]:
    """Read a comment JSONL (with the fixed schema) and its sidecar's threads, if there is one."""
    try:
        frame = pl.read_ndjson(path, schema=COMMENT_SCHEMA)
    except (pl.exceptions.ComputeError, pl.exceptions.SchemaError, OSError) as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise InputError(f"is not a comment JSONL file ({first_line})", str(path),
                         "give records written by `commentscope scrape`") from None
    threads: list[Thread] = []
    side = sidecar_path(path)
    if side.exists():
        try:
            payload = json.loads(side.read_text(encoding="utf-8"))
            threads = [Thread.from_metadata(meta) for meta in payload.get("threads", [])]
        except (json.JSONDecodeError, AttributeError, TypeError) as error:
            raise InputError(f"thread sidecar is not valid ({error})", str(side),
                             "delete it or write it again with `commentscope scrape -o`") from None
    known = {thread.thread_id for thread in threads}
    for thread_id in frame.get_column("thread_id").unique(maintain_order=True).to_list():
        if thread_id not in known:
            threads.append(Thread(thread_id=thread_id, source_format="jsonl", source=str(path)))
    return frame, threads
