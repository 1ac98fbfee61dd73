"""Streaming analysis: inputs of any size analysed in batches of whole threads, written as they finish.

    from commentscope.analysis.run.stream import analyze_files
    summary = analyze_files(["big.jsonl"], "analysed.jsonl")      # or "analysed.parquet"

The output is what ``commentscope.analysis.pipeline.analyze`` gives on the whole input, row for row (the same bytes
for JSONL): every stage works within a thread, so a batch of whole threads analyses exactly as it does
among all of them. Memory is bounded by the batch (and the ``workers`` batches in flight), not by the
input.

How a comment JSONL is read: a first pass parses it a few megabytes of whole lines at a time
(``polars.read_ndjson`` with ``commentscope.scraper.records.COMMENT_SCHEMA``), keeps only the ``thread_id``
column, checks that each thread's records are contiguous, as ``scrape`` writes them, and plans
batches of whole threads of at most ``batch_comments`` comments (a thread larger than that is a batch
of its own; threads are never split). The second pass reads the same way and cuts the records at the
planned rows, with the record checks of ``commentscope.scraper.store.read_records`` applied to each batch.
Where some thread's records are split up, each batch instead gathers its threads with a filtered
``polars.scan_ndjson`` of the file, and the analysed batches are merged back into input order at the
end through temporary files. Raw sources (pages, exports,
URLs) are parsed in memory with ``commentscope.analysis.pipeline.load``, as they are small.

Batches go to ``workers`` processes (default: the project's one policy,
``commentscope.analysis.run.pool.worker_count``: the cores from 20,000 comments; any number asked for
explicitly), each running ``analyze(..., workers=1)``, with one more batch waiting; with a pool, batches are cut smaller where that gives each process about ``BATCHES_PER_PROCESS`` of
them, so none idles at the end. Without a pool, batches run here with the sentiment stage's own
process pool. The output is written through a temporary file renamed at the end
(``commentscope.scraper.store.atomic_open``): a failed run leaves an existing output untouched.
"""

from __future__ import annotations

import sys
import tempfile
from array import array
from collections import deque
from contextlib import contextmanager
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Iterable, Iterator

import polars as pl

from commentscope.analysis.run.pool import check_workers, process_pool, worker_count
from commentscope.scraper.errors import InputError, UsageError
from commentscope.scraper.read import ReadOptions, is_local
from commentscope.scraper.records import Thread
from commentscope.scraper.atomic import atomic_open
from commentscope.scraper.timestamps import parquet_frame, records_frame
from commentscope.scraper.store import (METADATA_KEY, checked_links, collected, complete_threads, metadata_text,
                                        read_metadata, record_blocks, record_format, records_schema, scan_records,
                                        sidecar_path)

_ROW = "__commentscope_row"
#: Comments per batch by default. A process analysing a batch of comments of about 150 characters
#: holds ~30 KB per comment besides its ~150 MB of code (measured), and each of the ``workers``
#: processes analyses one: 5,000 keeps a two-process run under 800 MiB whatever the size of the input
#: (773 MiB for 1M comments, 415 MiB of JSONL; 1,078 MiB with 10,000), at no measurable cost in speed.
BATCH_COMMENTS = 5_000
#: Marks a record of a regrouped file that the record checks dropped (a repeated id).
_DROPPED = 2**32 - 1
#: With a pool, batches are cut so each process gets about this many ...
BATCHES_PER_PROCESS = 4
#: ... but no smaller than this.
MIN_BATCH = 2_000


@dataclass
class _Unit:
    """One records file, or a run of raw sources parsed together (as ``load`` parses them)."""

    specs: list[str]
    records: bool
    threads: dict[str, Thread] = field(default_factory=dict)
    sizes: list[tuple[str, int]] = field(default_factory=list)  # (thread id, comments) in first-seen order
    plan: list[list[str]] = field(default_factory=list)  # thread ids of each batch
    cuts: list[int] = field(default_factory=list)  # rows of each batch when the threads are contiguous
    contiguous: bool = True
    comments: int = 0
    schema: dict[str, pl.DataType] = field(default_factory=dict)  # the columns a records file is read with
    parsed: list[Thread] = field(default_factory=list)  # the threads of raw sources, once parsed


def analyze_files(inputs: list[str], out: str, batch_comments: int = BATCH_COMMENTS, workers: int | None = None,
                  progress: bool = False, read_options: ReadOptions | None = None,
                  reanalyze: bool = False) -> dict[str, Any]:
    """Analyse comment JSONL files (and raw sources) batch by batch into ``out``: JSONL, or Parquet
    when ``out`` ends in ``.parquet``; ``-`` writes JSONL to stdout. ``read_options`` say how raw
    sources are read (``commentscope.scraper.read.ReadOptions``); ``reanalyze`` as in ``analyze``.
    ``progress`` shows a bar on stderr. Returns a summary: output, format, comments, threads, batches
    (analysed), workers (processes that analysed them), regrouped (records files whose threads were not
    contiguous) and parsed (the threads parsed from raw sources, with their warnings and reply-link
    report, for the caller to show). Raises ``UsageError`` when the inputs hold no comments (nothing
    is written then), ``InputError`` for a file that is not comment records.
    """
    if not inputs:
        raise UsageError("no input given", None, "name one or more comment JSONL files or sources")
    if not isinstance(batch_comments, int) or isinstance(batch_comments, bool) or batch_comments < 1:
        raise UsageError(f"batch_comments must be a whole number >= 1, got {batch_comments!r}", "stream",
                         "pass a batch size such as 10000")
    check_workers(workers, "stream")
    options = read_options or ReadOptions()
    seen: set[str] = set()
    units = _plan([str(spec) for spec in inputs], options, seen)
    total = sum(u.comments for u in units if u.records)
    processes = worker_count(workers, comments=total)
    use_pool = processes > 1
    if use_pool:  # several batches per process keep every process busy to the end
        batch_comments = min(batch_comments, max(MIN_BATCH, -(-total // (processes * BATCHES_PER_PROCESS))))
    for unit in units:
        _cut(unit, batch_comments)
    batches = sum(len(u.plan) for u in units if u.records) + sum(1 for u in units if not u.records)
    pooled = use_pool and batches > 1
    kind = "jsonl" if str(out) == "-" else record_format(out)
    summary: dict[str, Any] = {"output": str(out), "format": kind, "comments": 0,
                               "threads": sum(len(m) for u in units if u.records for m in u.plan),
                               "batches": batches, "workers": processes if pooled else 1,
                               "regrouped": [u.specs[0] for u in units if u.records and not u.contiguous],
                               "parsed": [], "written": []}
    from tqdm import tqdm

    with tqdm(total=total or None, unit="comment", disable=not progress, file=sys.stderr) as bar, \
            _open_output(out) as (handle, sidecar):
        writer = _Writer(handle, kind == "parquet")
        with _Analyser(processes if pooled else 1, workers, reanalyze) as analyser:
            for unit in units:
                for analysed in _analysed_unit(unit, batch_comments, options, seen, analyser, summary):
                    writer.write(analysed)
                    summary["comments"] += analysed.height
                    bar.update(analysed.height)
        if summary["comments"] == 0:
            raise UsageError("the inputs hold no comments", ", ".join(map(str, inputs)),
                             "check that the pages include their comment section")
        threads = [t for u in units for t in (u.threads.values() if u.records else u.parsed)]
        writer.close(metadata_text(threads))
        if sidecar is not None:
            sidecar.write(metadata_text(threads))
    summary["threads_metadata"] = threads
    if str(out) != "-":
        summary["written"] = [Path(out)] + ([sidecar_path(out)] if kind == "jsonl" else [])
    return summary


def _analysed_unit(unit: _Unit, batch_comments: int, options: ReadOptions, seen: set[str],
                   analyser: "_Analyser", summary: dict[str, Any]) -> Iterator[pl.DataFrame]:
    """The analysed batches of one input unit, in input order."""
    if unit.records:
        yield from (analyser.map(_contiguous_batches(unit)) if unit.contiguous
                    else _regrouped(unit, batch_comments, analyser))
        return
    from commentscope.analysis.pipeline import load

    frame, threads = load(unit.specs, options)
    _claim(seen, threads)
    unit.parsed = threads
    summary["parsed"].extend(threads)
    summary["threads"] += frame.get_column("thread_id").n_unique()
    if frame.height == 0:
        summary["batches"] -= 1
        return
    yield from analyser.map([(frame, threads)])


@contextmanager
def _open_output(out: str) -> Iterator[tuple[IO[bytes], IO[str] | None]]:
    """The records' handle and, for a JSONL file, its sidecar's: both temporary until the block ends
    well, then renamed together (stdout has no sidecar)."""
    if str(out) == "-":
        yield sys.stdout.buffer, None
        return
    if record_format(out) == "parquet":
        with atomic_open(out, "wb") as handle:
            yield handle, None
        return
    with atomic_open(out, "wb") as handle, atomic_open(sidecar_path(out), "w") as sidecar:
        yield handle, sidecar


def _plan(specs: list[str], options: ReadOptions, seen: set[str]) -> list[_Unit]:
    """Group the inputs as ``load`` does (consecutive raw sources together) and size each records file;
    a thread found twice is an error, as in ``load`` (``seen`` collects the thread ids)."""
    from commentscope.scraper.store import looks_like_records

    units: list[_Unit] = []
    for spec in specs:
        is_records = is_local(spec) and options.format_name is None and looks_like_records(spec)
        if is_records:
            unit = _Unit([spec], True)
            _read_sizes(unit)
            _claim(seen, unit.threads.values())
            units.append(unit)
        elif units and not units[-1].records:
            units[-1].specs.append(spec)
        else:
            units.append(_Unit([spec], False))
    return units


def _claim(seen: set[str], threads: Iterable[Thread]) -> None:
    for thread in threads:
        if thread.thread_id in seen:
            raise UsageError(f"the thread {thread.thread_id!r} is given twice", thread.source or None,
                             "give each thread once")
        seen.add(thread.thread_id)


def _read_sizes(unit: _Unit) -> None:
    """Read the thread ids (every record parsed with the full schema, so a broken one fails here, before
    anything is analysed): the threads' sizes in order, and whether each is contiguous."""
    path = unit.specs[0]
    unit.schema = records_schema(path)
    parts = [block.get_column("thread_id") for block in record_blocks(path, unit.schema)]
    ids = pl.concat(parts, rechunk=True) if parts else pl.Series("thread_id", [], pl.String)
    order = ids.unique(maintain_order=True)
    threads = complete_threads(read_metadata(path), order.to_list(), path)
    unit.threads = {t.thread_id: t for t in threads}
    unit.comments = ids.len()
    runs = ids.rle()
    unit.contiguous = runs.len() == order.len()
    if unit.contiguous:
        unit.sizes = list(zip(runs.struct.field("value").to_list(), runs.struct.field("len").to_list()))
    else:
        counts = ids.value_counts(sort=False)
        size_of = dict(zip(counts.get_column("thread_id").to_list(), counts.get_column("count").to_list()))
        unit.sizes = [(thread_id, size_of[thread_id]) for thread_id in order.to_list()]


def _cut(unit: _Unit, batch_comments: int) -> None:
    """Plan batches of whole threads, each up to ``batch_comments`` comments (a bigger thread alone)."""
    unit.plan, unit.cuts = [], []
    for thread_id, size in unit.sizes:
        if not unit.plan or (unit.cuts[-1] + size > batch_comments and unit.cuts[-1] > 0):
            unit.plan.append([])
            unit.cuts.append(0)
        unit.plan[-1].append(thread_id)
        unit.cuts[-1] += size


def _contiguous_batches(unit: _Unit) -> Iterator[tuple[pl.DataFrame, list[Thread]]]:
    """Stream the records and cut them at the planned rows: each batch is whole threads."""
    path = unit.specs[0]
    pending: list[pl.DataFrame] = []
    held = 0
    plan = iter(zip(unit.cuts, unit.plan))
    cut, members = next(plan, (0, []))
    for chunk in record_blocks(path, unit.schema):
        pending.append(chunk)
        held += chunk.height
        while members and held >= cut:
            rows = pl.concat(pending, how="vertical", rechunk=False)
            batch, warnings = checked_links(rows.head(cut), path)
            for thread_id, found in warnings.items():
                unit.threads[thread_id].warnings.extend(found)
            yield batch, [unit.threads[t] for t in members]
            rest = rows.slice(cut)
            pending, held = ([rest] if rest.height else []), rest.height
            cut, members = next(plan, (0, []))
    if members or held:
        raise InputError("the file changed while it was being read", path, "analyse a file nothing is writing to")


def _regrouped(unit: _Unit, batch_comments: int, analyser: "_Analyser") -> Iterator[pl.DataFrame]:
    """Threads whose records are split up: gather each batch's threads with a filtered scan, analyse,
    keep the analysed rows in temporary JSONL parts, then read them back in input order."""
    path = unit.specs[0]
    owner = array("I", [_DROPPED]) * unit.comments
    schema: dict[str, pl.DataType] = {}

    def gathered(rows_of: list[pl.Series]) -> Iterator[tuple[pl.DataFrame, list[Thread]]]:
        for members in unit.plan:
            scan = scan_records(path, unit.schema).with_row_index(_ROW)
            batch = collected(scan.filter(pl.col("thread_id").is_in(members)).collect())
            batch, warnings = checked_links(batch, path)  # each thread's records in file order, as read_records
            for thread_id, found in warnings.items():
                unit.threads[thread_id].warnings.extend(found)
            rows_of.append(batch.get_column(_ROW))
            yield batch.drop(_ROW), [unit.threads[t] for t in members]

    with tempfile.TemporaryDirectory(prefix="commentscope-stream-") as folder:
        rows_of: list[pl.Series] = []
        names = []
        for number, analysed in enumerate(analyser.map(gathered(rows_of))):
            name = Path(folder) / f"part-{number}.jsonl"
            analysed.write_ndjson(name)
            names.append(name)
            schema = schema or dict(analysed.schema)
            for row in rows_of[number].to_list():
                owner[row] = number
        handles = [open(name, "rb") for name in names]
        try:
            block: list[bytes] = []
            for part in owner:
                if part == _DROPPED:
                    continue
                block.append(handles[part].readline())
                if len(block) >= batch_comments:
                    yield pl.read_ndjson(b"".join(block), schema=schema)
                    block = []
            if block:
                yield pl.read_ndjson(b"".join(block), schema=schema)
        finally:
            for handle in handles:
                handle.close()


def _analyse_batch(frame: pl.DataFrame, threads: list[Thread], workers: int | None, reanalyze: bool) -> pl.DataFrame:
    from commentscope.analysis.pipeline import analyze

    return analyze(frame, threads, workers=workers, reanalyze=reanalyze)


class _Analyser:
    """Runs batches through ``analyze``: here, or on a pool of processes with a few batches in flight."""

    def __init__(self, processes: int, workers: int | None, reanalyze: bool = False) -> None:
        self.processes, self.workers, self.reanalyze = processes, workers, reanalyze
        self.pool: Executor | None = None
        self._context = process_pool(processes if processes > 1 else 0)

    def __enter__(self) -> "_Analyser":
        self.pool = self._context.__enter__()  # None where no process can be had: batches run here
        return self

    def __exit__(self, *exc: object) -> None:
        self._context.__exit__(*exc)

    def map(self, batches: Iterable[tuple[pl.DataFrame, list[Thread]]]) -> Iterator[pl.DataFrame]:
        if self.pool is None:
            for frame, threads in batches:
                yield _analyse_batch(frame, threads, self.workers, self.reanalyze)
            return
        flight: deque[Future] = deque()
        for frame, threads in batches:
            flight.append(self.pool.submit(_analyse_batch, frame, threads, 1, self.reanalyze))
            if len(flight) > self.processes:
                yield flight.popleft().result()
        while flight:
            yield flight.popleft().result()


class _Writer:
    """Appends analysed batches: JSONL lines as they come, or, for Parquet, each batch to a part file in
    a temporary folder, streamed into one Parquet file by polars at the end (memory stays one batch)."""

    def __init__(self, handle: IO[bytes], parquet: bool) -> None:
        self.handle, self.parquet = handle, parquet
        self.folder: tempfile.TemporaryDirectory[str] | None = None
        self.parts: list[Path] = []

    def write(self, frame: pl.DataFrame) -> None:
        if not self.parquet:
            frame.write_ndjson(self.handle)
            return
        if self.folder is None:
            self.folder = tempfile.TemporaryDirectory(prefix="commentscope-parquet-")
        part = Path(self.folder.name) / f"part-{len(self.parts):06d}.parquet"
        parquet_frame(frame).write_parquet(part, compression="uncompressed", statistics=False)
        self.parts.append(part)

    def close(self, metadata: str) -> None:
        """Finish the output; a Parquet file gets the threads' ``metadata`` inside it."""
        try:
            if self.parts:
                if len({tuple(pl.read_parquet_schema(part).items()) for part in self.parts}) > 1:
                    for part in self.parts:  # a batch kept its times as text: every batch does, one at a time
                        records_frame(pl.read_parquet(part)).write_parquet(part, compression="uncompressed")
                pl.scan_parquet(self.parts).sink_parquet(self.handle, metadata={METADATA_KEY: metadata})
        finally:
            if self.folder is not None:
                self.folder.cleanup()
        if hasattr(self.handle, "flush"):
            self.handle.flush()
