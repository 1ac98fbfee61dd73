"""Reading what HTTP headers (and an HTML page's head) say about a fetched body.

Charset labels follow the WHATWG Encoding Standard where it differs from Python's codecs: pages labelled
ISO-8859-1 are really Windows-1252 (curly quotes, dashes, euro sign), as every browser assumes.
"""

from __future__ import annotations

import codecs
import email.utils
import re
from datetime import datetime, timezone

import httpx

from commentscope.scraper.errors import FetchError

_REFUSED_PREFIXES = ("image/", "video/", "audio/", "font/")
_REFUSED_TYPES = frozenset({
    "application/octet-stream", "application/zip", "application/pdf", "application/gzip",
    "application/x-gzip", "application/x-tar", "application/x-7z-compressed", "application/vnd.rar",
    "application/x-rar-compressed", "application/wasm", "application/x-msdownload",
})
#: The WHATWG Encoding Standard reads these labels as windows-1252, as every browser does.
_WINDOWS_1252_LABELS = frozenset({"iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1", "cp819"})
_META_CHARSET = re.compile(rb"<meta[^>]{0,300}?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]{1,40})", re.IGNORECASE)


def content_type(headers: httpx.Headers) -> tuple[str | None, str | None]:
    """The media type (lower case, no parameters) and a usable charset label, each None when absent."""
    media_type, _, params = headers.get("content-type", "").partition(";")
    media_type = media_type.strip().lower()
    charset = re.search(r"charset\s*=\s*[\"']?([^\"';\s]+)", params, re.IGNORECASE)
    return (media_type if "/" in media_type else None), _usable_charset(charset.group(1) if charset else None)


def _usable_charset(label: str | None) -> str | None:
    """A label Python can decode with (Latin-1 labels read as Windows-1252); None for unknown labels."""
    if not label:
        return None
    label = label.strip("\"' ").lower()
    if label in _WINDOWS_1252_LABELS:
        return "windows-1252"
    try:
        codecs.lookup(label)
    except LookupError:
        return None
    return label


def meta_charset(data: bytes) -> str | None:
    """An HTML ``<meta charset>`` (or http-equiv) label from the first 4 KiB; UTF-16 labels mean UTF-8."""
    match = _META_CHARSET.search(data[:4096])
    if not match:
        return None
    label = _usable_charset(match.group(1).decode("ascii", errors="replace"))
    if label and codecs.lookup(label).name.startswith(("utf-16", "utf-32")):
        return "utf-8"
    return label


def refuse_non_text(headers: httpx.Headers, where: str) -> None:
    """FetchError for a media type no comment page has (images, video, archives, PDF); before any read."""
    media_type, _ = content_type(headers)
    if media_type and (media_type.startswith(_REFUSED_PREFIXES) or media_type in _REFUSED_TYPES):
        raise FetchError(f"content type {media_type} is not a text page", where,
                         "give the URL of the comment page itself")


def retry_after_seconds(value: str | None) -> float | None:
    """A Retry-After header (delta seconds or an HTTP date) as seconds from now; None when unusable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())
