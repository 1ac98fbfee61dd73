"""Record files: comment and analysed records on disk, with the thread metadata they depend on.

The output's extension chooses the format (``record_format``); any other extension is refused:
- JSONL (``.jsonl``, ``.ndjson``): one record a line (SPEC.md), readable by ``polars.read_ndjson``. The
  thread metadata (title, URL, site, article author and text, declared count, warnings, ...) goes to
  the sidecar ``OUT.threads.json`` beside it: ``{"version": 1, "threads": [...]}``. JSONL has no room
  for it in-band: a thread line among the records would break "one row per comment".
- Parquet (``.parquet``): typed columns (``timestamp`` a datetime, see ``parquet_frame``) and the same
  metadata document inside the file, as the key-value metadata ``commentscope.threads``.
Records written to stdout are JSONL without metadata; a reader that finds no metadata says so in the
threads' warnings (stance is then judged toward each thread's opening comment, and says so).

Every file is written to a temporary file in the same directory and renamed into place (``atomic``), a
records file and its sidecar both complete before either replaces its target.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Iterator

import polars as pl

from commentscope.scraper.atomic import atomic_open
from commentscope.scraper.errors import InputError, UsageError
from commentscope.scraper.records import ANALYSED_SCHEMA, COMMENT_SCHEMA, SPEC_KEYS, Thread, dumps
from commentscope.scraper.timestamps import OFFSET, parquet_frame, records_frame

SIDECAR_SUFFIX = ".threads.json"
#: Bytes of whole JSONL lines parsed at a time when records are read in blocks (and sampled for types).
READ_BYTES = 4 * 2**20
#: Rows of a Parquet file read at a time when records are read in blocks.
PARQUET_ROWS = 20_000
#: Output extension -> record format.
RECORD_SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet"}
#: Parquet key-value metadata key holding the metadata document.
METADATA_KEY = "commentscope.threads"
_PARQUET_MAGIC = b"PAR1"


def record_format(out: str | Path) -> str:
    """``jsonl`` or ``parquet`` by the extension of ``out``; UsageError naming the known ones otherwise
    (InputError for a folder, as ``atomic_open`` says it)."""
    if Path(out).is_dir():
        raise InputError("is a folder, not a file name", str(out), "give the file to write, such as OUT.jsonl")
    suffix = Path(out).suffix.lower()
    if suffix not in RECORD_SUFFIXES:
        raise UsageError(f"cannot write records as {suffix or 'a file without an extension'}", str(out),
                         f"name the output with one of: {', '.join(RECORD_SUFFIXES)}")
    return RECORD_SUFFIXES[suffix]


def sidecar_path(jsonl_path: str | Path) -> Path:
    """``comments.jsonl`` -> ``comments.threads.json`` (any final suffix is replaced)."""
    path = Path(jsonl_path)
    stem = path.name[: -len(path.suffix)] if path.suffix else path.name
    return path.with_name(stem + SIDECAR_SUFFIX)


def metadata_text(threads: list[Thread]) -> str:
    """The metadata document: the sidecar's text, and the Parquet key-value value."""
    payload = {"version": 1, "threads": [thread.metadata() for thread in threads]}
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def jsonl_text(threads: list[Thread]) -> str:
    return "".join(dumps(comment) + "\n" for thread in threads for comment in thread.comments)


def write_threads(threads: list[Thread], out: str | Path | None) -> list[Path]:
    """Write the threads' comment records to ``out`` with their metadata (JSONL + sidecar, or Parquet),
    or the records alone to stdout when ``out`` is None or ``-``. Returns the files written."""
    if out is None or str(out) == "-":
        sys.stdout.write(jsonl_text(threads))
        sys.stdout.flush()
        return []
    if record_format(out) == "parquet":
        from commentscope.scraper.records import comments_frame

        return write_frame(comments_frame([c for t in threads for c in t.comments]), threads, out)
    return _write_pair(out, jsonl_text(threads).encode("utf-8"), threads)


def write_frame(frame: pl.DataFrame, threads: list[Thread], out: str | Path | None) -> list[Path]:
    """Write a frame of records (comment or analysed) to ``out`` with the threads' metadata, or as JSONL
    to stdout when ``out`` is None or ``-``. Returns the files written."""
    if out is None or str(out) == "-":
        sys.stdout.flush()
        frame.write_ndjson(sys.stdout.buffer)
        sys.stdout.buffer.flush()
        return []
    if record_format(out) == "parquet":
        with atomic_open(out, "wb") as handle:
            parquet_frame(frame).write_parquet(handle, metadata={METADATA_KEY: metadata_text(threads)})
        return [Path(out)]
    return _write_pair(out, frame.write_ndjson().encode("utf-8"), threads)


def _write_pair(out: str | Path, records: bytes, threads: list[Thread]) -> list[Path]:
    # Both temporaries are complete before either replaces its target, and both targets are checked
    # (a folder, a missing folder) before anything is written, so a failure leaves the old pair as it was.
    side = sidecar_path(out)
    with atomic_open(out, "wb") as records_handle, atomic_open(side, "w") as sidecar_handle:
        records_handle.write(records)
        sidecar_handle.write(metadata_text(threads))
    return [Path(out), side]


def is_parquet(path: str | Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(4) == _PARQUET_MAGIC
    except OSError:
        return False


def first_record_keys(path: str | Path) -> list[str] | None:
    """The keys of a JSONL file's first record (None when its first non-blank line is not a JSON object)."""
    try:
        with open(path, encoding="utf-8-sig") as handle:
            for line in handle:
                if line.strip():
                    row = json.loads(line)
                    return list(row) if isinstance(row, dict) else None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    return None


def looks_like_records(path: str | Path) -> bool:
    """True for a Parquet file, or a JSONL file whose first record has the SPEC.md record keys."""
    if is_parquet(path):
        return True
    keys = first_record_keys(path)
    return keys is not None and all(key in keys for key in SPEC_KEYS)


def records_schema(path: str | Path) -> dict[str, pl.DataType]:
    """The columns a records file is read with. JSONL: every comment column, typed as SPEC.md says (so
    an all-null ``parent_id`` stays text and a key first seen late is not lost), then the other keys its
    first ``READ_BYTES`` hold: analysed columns with their types, anything else with the type those lines
    show (text where they show only nulls). Parquet: the file's own types, ``timestamp`` as text again."""
    if is_parquet(path):
        schema = dict(pl.read_parquet_schema(path))
        schema.pop(OFFSET, None)
        if "timestamp" in schema:
            schema["timestamp"] = pl.String
        return schema
    with open(path, "rb") as handle:
        head = handle.read(READ_BYTES)
    head = head[: head.rfind(b"\n") + 1] or head
    try:
        sample = pl.read_ndjson(head, infer_schema_length=None).schema if head.strip() else {}
    except pl.exceptions.PolarsError as error:
        raise not_records(path, error) from None
    schema: dict[str, pl.DataType] = dict(COMMENT_SCHEMA)
    for key, dtype in sample.items():
        if key not in schema:
            schema[key] = ANALYSED_SCHEMA.get(key, pl.String if dtype == pl.Null else dtype)
    return schema


def record_blocks(path: str | Path, schema: dict[str, pl.DataType] | None = None) -> Iterator[pl.DataFrame]:
    """The records of a file in order, a block at a time: a JSONL ``READ_BYTES`` of whole lines at a time
    (read here, not by ``scan_ndjson(...).collect_batches()``, which reads ahead of a slow consumer
    without bound: +4 MB for every 10,000 records while the analysis works), a Parquet file
    ``PARQUET_ROWS`` rows at a time. Every block has the columns of ``records_schema``."""
    schema = schema or records_schema(path)
    try:
        if is_parquet(path):
            rows = pl.scan_parquet(path).select(pl.len()).collect().item()
            for start in range(0, rows, PARQUET_ROWS):
                yield collected(pl.scan_parquet(path).slice(start, PARQUET_ROWS).collect())
            return
        rest = b""
        with open(path, "rb") as handle:
            while block := handle.read(READ_BYTES):
                block = rest + block
                cut = block.rfind(b"\n") + 1
                rest = block[cut:]
                if cut:
                    yield collected(pl.read_ndjson(block[:cut], schema=schema))
        if rest.strip():
            yield collected(pl.read_ndjson(rest, schema=schema))
    except (pl.exceptions.PolarsError, OSError) as error:
        raise not_records(path, error) from None


def scan_records(path: str | Path, schema: dict[str, pl.DataType]) -> pl.LazyFrame:
    """A lazy scan of a records file (``schema`` from ``records_schema``); what it collects goes through
    ``collected`` to look as ``record_blocks``' blocks do."""
    return pl.scan_parquet(path) if is_parquet(path) else pl.scan_ndjson(path, schema=schema)


def collected(frame: pl.DataFrame) -> pl.DataFrame:
    """Records as read from a file, with text timestamps and every comment column."""
    return with_comment_columns(records_frame(frame))


def not_records(path: str | Path, error: Exception) -> InputError:
    first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return InputError(f"is not a comment records file ({first_line})", str(path),
                      "give records written by `commentscope scrape` or `analyze` (.jsonl or .parquet)")


def read_records(path: str | Path) -> tuple[pl.DataFrame, list[Thread]]:
    """Read records (JSONL or Parquet, comment or analysed: every column kept, the known ones typed) and
    the metadata of their threads. The record checks of ``checked_links`` are applied; a thread with no
    metadata gets a bare ``Thread`` and a warning saying what that means."""
    where = str(path)
    try:
        raw = pl.read_parquet(path) if is_parquet(path) else pl.read_ndjson(path, schema=records_schema(path))
    except (pl.exceptions.PolarsError, OSError) as error:
        raise not_records(path, error) from None
    frame = collected(raw)
    threads = read_metadata(path)
    frame, warnings = checked_links(frame, where)
    return frame, complete_threads(threads, frame.get_column("thread_id").unique(maintain_order=True).to_list(),
                                   where, warnings)


def with_comment_columns(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with every comment column (null where a file lacks it), SPEC order first."""
    missing = [pl.lit(None, dtype).alias(name) for name, dtype in COMMENT_SCHEMA.items() if name not in frame.columns]
    frame = frame.with_columns(missing) if missing else frame
    first = [name for name in ANALYSED_SCHEMA if name in frame.columns]
    return frame.select(*first, *[c for c in frame.columns if c not in ANALYSED_SCHEMA])


def complete_threads(threads: list[Thread] | None, thread_ids: list[str], where: str,
                     warnings: dict[str, list[str]] | None = None) -> list[Thread]:
    """The metadata of every thread in ``thread_ids``: the threads read, plus a bare one (and a warning)
    for each thread the metadata does not describe. ``source`` becomes ``where``, the file read now (what
    a user gave, and what pages and messages name); where the thread was first read from is kept in
    ``extra["scraped_from"]``."""
    found = list(threads or [])
    for thread in found:
        if thread.source and thread.source != where:
            thread.extra.setdefault("scraped_from", thread.source)
        thread.source = where
    known = {thread.thread_id for thread in found}
    for thread_id in thread_ids:
        if thread_id not in known:
            bare = Thread(thread_id=thread_id, source_format="jsonl", source=where)
            bare.warnings.append(no_metadata_warning(where, thread_id, threads is None))
            found.append(bare)
    for thread in found:
        thread.warnings.extend((warnings or {}).get(thread.thread_id, []))
    return found


def no_metadata_warning(where: str, thread_id: str, no_file: bool) -> str:
    what = (f"has no thread metadata (no {sidecar_path(where).name} beside it)" if no_file
            else f"has no metadata for thread {thread_id!r}")
    return (f"{where}: {what}, so its title and article are unknown and stance is judged toward the opening "
            "comment; write records with -o FILE.jsonl or FILE.parquet to keep the metadata with them")


def read_metadata(path: str | Path) -> list[Thread] | None:
    """The threads described beside (JSONL: the sidecar) or inside (Parquet) a records file; None when
    there is no metadata at all."""
    where = str(path)
    if is_parquet(path):
        try:
            text = pl.read_parquet_metadata(path).get(METADATA_KEY)
        except (pl.exceptions.PolarsError, OSError):
            text = None
        return None if text is None else _parse_metadata(text, where)
    side = sidecar_path(path)
    if not side.exists():
        return None
    try:
        text = side.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"thread sidecar cannot be read ({error})", str(side), "delete it or write it again") from None
    return _parse_metadata(text, str(side))


def read_sidecar(path: str | Path) -> list[Thread]:
    """The threads a records file's metadata describes (none when it has none), each entry type-checked."""
    return read_metadata(path) or []


def _parse_metadata(text: str, where: str) -> list[Thread]:
    try:
        payload = json.loads(text)
        return [Thread.from_metadata(meta) for meta in payload.get("threads", [])]
    except (json.JSONDecodeError, AttributeError, TypeError, ValueError) as error:
        raise InputError(f"thread metadata is not valid ({error})", where,
                         "delete it or write the records again with `commentscope scrape -o`") from None


def checked_links(frame: pl.DataFrame, where: str) -> tuple[pl.DataFrame, dict[str, list[str]]]:
    """Records from elsewhere (edited by hand, written by another tool) held to the record rules: an id
    once per thread (later repeats are dropped) and a parent that is an earlier comment of the thread,
    or, for a comment flagged ``orphan``, one the source named but did not include (no comment of the
    thread); any other parent is dropped and the comment flagged ``orphan``, so no chain can loop.
    Returns the frame (unchanged when it keeps the rules) and warnings by thread id."""
    threads, ids, parents = (frame.get_column(name).to_list() for name in ("thread_id", "id", "parent_id"))
    flags = frame.get_column("flags").to_list() if "flags" in frame.columns else [None] * len(ids)
    missing = [number for number, (thread, comment) in enumerate(zip(threads, ids), 1) if thread is None or comment is None]
    if missing:
        raise InputError(f"record number {', '.join(map(str, missing[:5]))} has no thread_id or id", where,
                         "give records written by `commentscope scrape`")
    every: dict[str, set[str]] = {}
    for thread, comment in zip(threads, ids):
        every.setdefault(thread, set()).add(comment)
    seen: dict[str, set[str]] = {}
    keep, bad_parent = [True] * len(ids), [False] * len(ids)
    repeats: dict[str, list[str]] = {}
    unlinked: dict[str, list[str]] = {}
    for row, (thread, comment, parent, marks) in enumerate(zip(threads, ids, parents, flags)):
        earlier = seen.setdefault(thread, set())
        if comment in earlier:
            keep[row] = False
            repeats.setdefault(thread, []).append(comment)
            continue
        dangling = parent not in every[thread] and "orphan" in (marks or ())
        if parent is not None and parent not in earlier and not dangling:
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
