"""Reading sources into threads: a file, ``-`` for stdin or an http(s) URL, in any known format.

    from commentscope.scraper.read import ReadOptions, read_sources
    threads = read_sources(["saved-page.html", "https://example.org/post/"], ReadOptions())

This is the whole of reading: where the bytes come from (``sources`` for files and stdin,
``fetch.fetcher`` for URLs), which format they are in (``formats.detect_format``, unless
``ReadOptions.format_name`` names one), parsing, and joining the pages of one thread given separately
(WordPress ``comment-page-N``, through the format's ``merge_pages``). Reply inference comes after, in
``commentscope.analysis.pipeline.read_threads``.
"""

from __future__ import annotations

import os
import re
from concurrent.futures import Executor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable

from commentscope.scraper.errors import UsageError
from commentscope.scraper.formats import FORMATS, ParseOptions, parse_source
from commentscope.scraper.records import Thread
from commentscope.scraper.sources import Source, read_source

if TYPE_CHECKING:  # the fetcher (httpx) is imported only when a URL is read
    from commentscope.scraper.fetch.fetcher import FetchOptions

_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")


@dataclass(frozen=True)
class ReadOptions:
    """How sources are read: the format (None: detect it from each source's content), the column
    mapping of a user's CSV/JSONL, how URLs are fetched (None: defaults, no cache), and whether reply
    links are inferred in flat threads afterwards (``infer``; read by the analysis, not here)."""

    format_name: str | None = None
    columns: ParseOptions = field(default_factory=ParseOptions)
    fetch: "FetchOptions | None" = None
    infer: bool = True


def is_url(spec: str) -> bool:
    """True for ``scheme://...`` (any case); the fetcher itself refuses schemes other than http(s)."""
    return bool(_URL.match(spec))


def is_local(spec: str) -> bool:
    """A path on this machine (not a URL, not ``-``)."""
    return spec != "-" and not is_url(spec)


def read_sources(specs: Iterable[str], options: ReadOptions | None = None, pool: Executor | None = None) -> list[Thread]:
    """The threads of every source, in order, with pages of one thread merged. Local files are parsed on
    ``pool`` when one is given (the result is the same as here); URLs are fetched one after the other.
    The first bad source in the order given is the error raised."""
    threads = parse_sources(list(specs), options, pool)
    return merge_pages(threads)


def parse_sources(specs: list[str], options: ReadOptions | None = None, pool: Executor | None = None) -> list[Thread]:
    """The threads of each source in order, as parsed (no page merging)."""
    options = options or ReadOptions()
    parsed = {}
    if pool is not None:
        try:
            for k, spec in enumerate(specs):
                if is_local(spec):
                    parsed[k] = pool.submit(parse_file, spec, options.format_name, options.columns)
        except (OSError, BrokenProcessPool):  # no process to be had: what was not sent is parsed here
            pass
    threads: list[Thread] = []
    fetcher = None
    try:
        for k, spec in enumerate(specs):
            if k in parsed:
                try:
                    threads.extend(parsed[k].result())
                    continue
                except (OSError, BrokenProcessPool):  # a worker died: parse it here
                    pass
            if is_url(spec):
                if fetcher is None:
                    from commentscope.scraper.fetch.fetcher import Fetcher

                    fetcher = Fetcher(options.fetch)
                threads.extend(parse(fetcher.fetch(spec), options.format_name, options.columns))
            else:
                threads.extend(parse_file(spec, options.format_name, options.columns))
        return threads
    finally:
        if fetcher is not None:
            fetcher.close()


def parse(source: Source, format_name: str | None, columns: ParseOptions) -> list[Thread]:
    return parse_source(source, format_name, columns)


def parse_file(path: str, format_name: str | None, columns: ParseOptions) -> list[Thread]:
    """Read and parse one file or ``-`` (a function of plain arguments, so a pool process can run it)."""
    return parse(read_source(path), format_name, columns)


def local_bytes(specs: Iterable[str]) -> int:
    """The size of the local files among ``specs`` (what cannot be read counts 0: ``read_source`` says
    what is wrong with it, in order)."""
    total = 0
    for spec in specs:
        if is_local(spec):
            try:
                total += os.stat(spec).st_size
            except OSError:
                pass
    return total


def merge_pages(threads: list[Thread]) -> list[Thread]:
    """Threads given in several pieces (the comment pages of one post) joined by their format's
    ``merge_pages``, in first-seen order; a thread given twice in a format that has no pages is an error."""
    seen: dict[str, Thread] = {}
    for thread in threads:
        if thread.thread_id in seen and getattr(FORMATS.get(thread.source_format), "merge_pages", None) is None:
            raise UsageError(f"two sources hold the same thread {thread.thread_id!r}", thread.source,
                             "give each thread once")
        seen[thread.thread_id] = thread
    if len(seen) == len(threads):
        return threads
    merged: list[Thread] = []
    for name in dict.fromkeys(t.source_format for t in threads):
        group = [t for t in threads if t.source_format == name]
        merge = getattr(FORMATS.get(name), "merge_pages", None)
        merged.extend(merge(group) if merge else group)
    return merged
