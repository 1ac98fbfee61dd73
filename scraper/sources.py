"""Reading a source (a file, ``-`` for stdin, or an http(s) URL) into bytes plus what is known of it."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from functools import cached_property

from commentscope.scraper.errors import InputError
from commentscope.scraper.text import decode, looks_binary

#: Sources larger than this are refused: no comment page is this big, and reading it would hang.
MAX_SOURCE_BYTES = 512 * 1024 * 1024


@dataclass
class Source:
    """The raw bytes of one input and what is known about where they came from."""

    name: str
    data: bytes
    url: str | None = None
    charset: str | None = None
    content_type: str | None = None
    warnings: list[str] = field(default_factory=list)

    @cached_property
    def text(self) -> str:
        """The decoded text (BOM dropped, ``\\n`` line endings)."""
        text, warnings = decode(self.data, self.name, self.charset)
        self.warnings.extend(warnings)
        return text

    @cached_property
    def head(self) -> str:
        """The first 64 KiB of text, for format detection."""
        return self.text[:65536]


def read_source(spec: str) -> Source:
    """Read a file path or ``-`` (stdin). URLs go through ``commentscope.scraper.fetch.fetcher``.

    Raises InputError for a missing file, a directory, an empty or a binary file.
    """
    if spec == "-":
        data = sys.stdin.buffer.read()
        name = "<stdin>"
    else:
        if not os.path.exists(spec):
            raise InputError("no such file", spec, "check the path, or give an http(s) URL or - for stdin")
        if os.path.isdir(spec):
            raise InputError("is a directory, not a comment page", spec, "give the file inside it")
        size = os.path.getsize(spec)
        if size > MAX_SOURCE_BYTES:
            raise InputError(f"file is {size // (1024 * 1024)} MiB, over the {MAX_SOURCE_BYTES // (1024 * 1024)} MiB limit",
                             spec, "split it into one file per thread")
        try:
            with open(spec, "rb") as handle:
                data = handle.read()
        except OSError as error:
            raise InputError(f"cannot be read ({error.strerror})", spec, "check its permissions") from None
        name = spec
    if not data.strip():
        raise InputError("is empty", name, "give a saved comment page or an export with comments in it")
    if looks_binary(data):
        raise InputError("is a binary file, not a comment page", name,
                         "give a text, HTML, JSON, XML or CSV export of the comments")
    return Source(name=name, data=data)
