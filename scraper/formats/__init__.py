"""The input formats: one module each, all with the same shape, found through ``FORMATS``.

A format module has ``NAME``, ``DESCRIPTION``, ``detect(source) -> float`` (0 = not this format,
1 = certainly this format; it looks only at ``source.head`` or cheap facts) and
``parse(source, options) -> list[Thread]``; optionally ``merge_pages(threads)`` (pages of one thread
given separately) and ``near_miss(source) -> (what, fix) | None`` (why a source that is nearly this
format was refused, and the options that would read it).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

from commentscope.scraper.errors import FormatError, UsageError
from commentscope.scraper.formats import wp_print
from commentscope.scraper.formats import disqus, wp_html, wp_rest
from commentscope.scraper.formats import discourse, hn_algolia, hn_api, hn_html, reddit, user_csv, user_jsonl, youtube
from commentscope.scraper.records import Thread
from commentscope.scraper.sources import Source


@dataclass(frozen=True)
class ParseOptions:
    """Options some formats use. Column names map a user's CSV/JSONL onto the record fields."""

    id_col: str | None = None
    parent_col: str | None = None
    author_col: str | None = None
    time_col: str | None = None
    text_col: str | None = None
    thread_col: str | None = None


#: Format name -> module, in the order detection tries them.
FORMATS: dict[str, ModuleType] = {
    wp_print.NAME: wp_print,
    wp_html.NAME: wp_html,
    wp_rest.NAME: wp_rest,
    disqus.NAME: disqus,
    reddit.NAME: reddit,
    hn_algolia.NAME: hn_algolia,
    hn_api.NAME: hn_api,
    hn_html.NAME: hn_html,
    youtube.NAME: youtube,
    discourse.NAME: discourse,
    user_csv.NAME: user_csv,
    user_jsonl.NAME: user_jsonl,
}


def detect_format(source: Source) -> str:
    """The name of the format that claims ``source`` most strongly; FormatError when none does."""
    best_name, best_score = None, 0.0
    for name, module in FORMATS.items():
        score = module.detect(source)
        if score > best_score:
            best_name, best_score = name, score
    if best_name is None:
        for module in FORMATS.values():
            hint = getattr(module, "near_miss", None)
            found = hint(source) if hint else None
            if found:
                raise FormatError(found[0], source.name, found[1])
        raise FormatError("is in no known comment format", source.name,
                          f"use --format to name one of: {', '.join(FORMATS)}")
    return best_name


def parse_source(source: Source, format_name: str | None = None,
                 options: ParseOptions | None = None) -> list[Thread]:
    """Parse a source in the named format, or the detected one."""
    if format_name is None:
        format_name = detect_format(source)
    module = FORMATS.get(format_name)
    if module is None:
        raise UsageError(f"unknown format {format_name!r}", None, f"choose one of: {', '.join(FORMATS)}")
    threads = module.parse(source, options or ParseOptions())
    for thread in threads:
        thread.source = thread.source or source.name
        thread.warnings[:0] = source.warnings
    return threads
