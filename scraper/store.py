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
import stat
import sys
import tempfile
from pathlib import Path
from typing import IO, Iterator

import polars as pl

from commentscope.scraper.errors import InputError
from commentscope.scraper.records import COMMENT_SCHEMA, SPEC_KEYS, Thread, dumps

SIDECAR_SUFFIX = ".threads.json"


def sidecar_path(jsonl_path: str | Path) -> Path:
    """``comments.jsonl`` -> ``comments.threads.json`` (any final suffix is replaced)."""
    path = Path(jsonl_path)
    stem = path.name[: -len(path.suffix)] if path.suffix else path.name
    return path.with_name(stem + SIDECAR_SUFFIX)


def _new_file_mode(target: Path) -> int:
    """The permissions the output should have: those of the file it replaces, else what ``open``
    would give (0666 less the umask); ``mkstemp`` alone would leave every output private (0600)."""
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


@contextlib.contextmanager
def atomic_open(path: str | Path, mode: str = "w") -> Iterator[IO]:
    """Open a temporary file beside ``path``; rename it over ``path`` only if the block succeeds.

    An output that cannot be written (its folder is missing or read-only, ``path`` is a folder, the
    disk is full) raises InputError; the temporary file is removed and the old ``path`` is untouched.
    """
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise InputError("the output's folder does not exist", str(directory), "create it first or choose another -o")
    if target.is_dir():
        raise InputError("is a folder, not a file name", str(target), "give the file to write, such as OUT.jsonl")
    try:
        handle_fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as error:
        raise InputError(f"cannot write in this folder ({error.strerror})", str(directory),
                         "check its permissions or choose another -o") from None
    try:
        os.chmod(temp_name, _new_file_mode(target))
        encoding = None if "b" in mode else "utf-8"
        newline = None if "b" in mode else "\n"
        with os.fdopen(handle_fd, mode, encoding=encoding, newline=newline) as handle:
            yield handle
        os.replace(temp_name, target)
    except BaseException as error:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        if isinstance(error, OSError) and not isinstance(error, BrokenPipeError):
            raise InputError(f"could not be written ({error.strerror or error})", str(target),
                             "check free space and permissions; any earlier file there is unchanged") from None
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
    # Both temporaries are complete before either replaces its target, and both targets are checked
    # (a folder, a missing folder) before anything is written, so a failure leaves the old pair as it was.
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
    threads = read_sidecar(path)
    frame, warnings = checked_links(frame, str(path))
    known = {thread.thread_id for thread in threads}
    for thread_id in frame.get_column("thread_id").unique(maintain_order=True).to_list():
        if thread_id not in known:
            threads.append(Thread(thread_id=thread_id, source_format="jsonl", source=str(path)))
    for thread in threads:
        thread.warnings.extend(warnings.get(thread.thread_id, []))
    return frame, threads


def read_sidecar(path: str | Path) -> list[Thread]:
    """The threads of a records file's sidecar (none when it has no sidecar), each entry type-checked."""
    side = sidecar_path(path)
    if not side.exists():
        return []
    try:
        payload = json.loads(side.read_text(encoding="utf-8"))
        return [Thread.from_metadata(meta) for meta in payload.get("threads", [])]
    except (json.JSONDecodeError, AttributeError, TypeError, ValueError, UnicodeDecodeError) as error:
        raise InputError(f"thread sidecar is not valid ({error})", str(side),
                         "delete it or write it again with `commentscope scrape -o`") from None


def checked_links(frame: pl.DataFrame, where: str) -> tuple[pl.DataFrame, dict[str, list[str]]]:
    """Records from elsewhere (edited by hand, written by another tool) held to the record rules: an id
    once per thread (later repeats are dropped) and a parent that is an earlier comment of the thread
    (else the parent is dropped and the comment flagged ``orphan``), so no chain can loop. Returns the
    frame (unchanged when it keeps the rules) and warnings by thread id."""
    threads, ids, parents = (frame.get_column(name).to_list() for name in ("thread_id", "id", "parent_id"))
    missing = [number for number, (thread, comment) in enumerate(zip(threads, ids), 1) if thread is None or comment is None]
    if missing:
        raise InputError(f"record number {', '.join(map(str, missing[:5]))} has no thread_id or id", where,
                         "give records written by `commentscope scrape`")
    seen: dict[str, set[str]] = {}
    keep, bad_parent = [True] * len(ids), [False] * len(ids)
    repeats: dict[str, list[str]] = {}
    unlinked: dict[str, list[str]] = {}
    for row, (thread, comment, parent) in enumerate(zip(threads, ids, parents)):
        earlier = seen.setdefault(thread, set())
        if comment in earlier:
            keep[row] = False
            repeats.setdefault(thread, []).append(comment)
            continue
        if parent is not None and parent not in earlier:
            bad_parent[row] = True
            unlinked.setdefault(thread, []).append(comment)
        earlier.add(comment)
    if not repeats and not unlinked:
        return frame, {}
    warnings: dict[str, list[str]] = {}
    for thread, found in repeats.items():
        warnings.setdefault(thread, []).append(
            f"{where}: {thread}: {len(found)} record id(s) appear more than once ({', '.join(found[:5])}); "
            "the first of each is kept")
    for thread, found in unlinked.items():
        warnings.setdefault(thread, []).append(
            f"{where}: {thread}: {len(found)} record(s) name a parent that is not an earlier comment of the thread "
            f"({', '.join(found[:5])}); they are read as top-level and flagged orphan")
    unlink = pl.Series(bad_parent)
    fixed = frame.with_columns(
        *[pl.when(unlink).then(None).otherwise(pl.col(name)).alias(name)
          for name in ("parent_id", "reply_evidence", "reply_confidence")],
        pl.when(unlink).then(pl.col("flags").fill_null([]).list.concat(pl.lit(["orphan"])).list.unique(maintain_order=True))
        .otherwise(pl.col("flags")).alias("flags"),
    ).filter(pl.Series(keep))
    return fixed, warnings
