"""Text helpers shared by the formats: decoding bytes, HTML to plain text, slugs, timestamps."""

from __future__ import annotations

import codecs
import re
import unicodedata
from datetime import datetime, timezone

from commentscope.scraper.errors import InputError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def looks_binary(data: bytes) -> bool:
    """True for bytes no text format could hold: NULs or many control bytes near the start.

    UTF-16 text (with or without a byte order mark) is text, though half its bytes are NUL.
    """
    head = data[:8192]
    if any(head.startswith(bom) for bom, name in _BOMS if name.startswith("utf-16") or name.startswith("utf-32")):
        return False
    if b"\x00" in head and bomless_utf16(head) is None:
        return True
    controls = sum(1 for b in head if b < 32 and b not in (0, 9, 10, 12, 13, 27))
    return bool(head) and controls / len(head) > 0.05


def bomless_utf16(data: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` when ``data`` reads as UTF-16 text without a byte order mark
    (Windows tools write it): mostly-Latin text has a NUL as every other byte, on one side only."""
    head = data[:4096]
    if len(head) < 4:
        return None
    even, odd = head[0::2], head[1::2]
    zero_even, zero_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    if zero_odd >= 0.6 and zero_even <= 0.02:
        name = "utf-16-le"
    elif zero_even >= 0.6 and zero_odd <= 0.02:
        name = "utf-16-be"
    else:
        return None
    sample = head[: len(head) // 2 * 2].decode(name, errors="replace")
    unreadable = sum(1 for ch in sample if ch == "\ufffd" or (ch < " " and ch not in "\t\n\r\f"))
    return name if unreadable <= len(sample) * 0.02 else None


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: bytes that are not UTF-8 are read one by one as Windows-1252."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start:error.end]
    return bad.decode("cp1252", errors="replace"), error.end


codecs.register_error("commentscope-cp1252", _cp1252_fallback)


def decode(data: bytes, where: str, charset: str | None = None) -> tuple[str, list[str]]:
    """Decode a source's bytes: BOM first, then the declared charset, UTF-8 (with Windows-1252 for the
    bytes that are not UTF-8), or UTF-16 without a BOM.

    Returns the text (BOM removed, line endings normalised to ``\\n``) and warnings.
    """
    warnings: list[str] = []
    text: str | None = None
    for bom, name in _BOMS:
        if data.startswith(bom):
            text = data[len(bom):].decode(name, errors="replace")
            break
    if text is None and charset:
        try:
            text = data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            warnings.append(f"{where}: declared charset {charset!r} does not decode the content; trying UTF-8")
    if text is None and b"\x00" in data[:8192] and (utf16 := bomless_utf16(data)):
        text = data[: len(data) // 2 * 2].decode(utf16, errors="replace")
        warnings.append(f"{where}: has no byte order mark but reads as {utf16.upper()}; decoded as such")
    if text is None:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            # Valid UTF-8 stays as it is and only the bytes that are not UTF-8 are read as Windows-1252:
            # a page mixing both (a Latin-1 paragraph pasted into a UTF-8 page) keeps every character,
            # and a wholly Windows-1252 file decodes as it would with that codec.
            text = data.decode("utf-8", errors="commentscope-cp1252")
            warnings.append(f"{where}: not valid UTF-8 (first at byte {error.start}); "
                            "the bytes that are not UTF-8 were read as Windows-1252")
    if "\x00" in text:
        raise InputError("binary content (NUL characters) where text was expected", where,
                         "give a text, HTML, JSON, XML or CSV export of the comments")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, warnings


def tidy_paragraphs(text: str) -> str:
    """Trim lines' trailing spaces, collapse runs of blank lines to one, strip the ends."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    out: list[str] = []
    for line in lines:
        if not line.strip():
            if out and out[-1] != "":
                out.append("")
        else:
            out.append(line)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out)


def slugify(text: str, max_length: int = 80) -> str:
    """A stable ASCII slug: lower case, hyphens, no leading or trailing hyphen; ``thread`` if empty."""
    normalized = unicodedata.normalize("NFKD", text)
    ascii_text = normalized.encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    return slug or "thread"


def iso_from_epoch(seconds: float | int | str) -> str:
    """ISO 8601 in UTC with an explicit offset, from Unix seconds."""
    value = datetime.fromtimestamp(float(seconds), tz=timezone.utc)
    return value.isoformat()


def iso_from_text(value: str) -> str | None:
    """Parse a date string with dateutil; keep the zone only where the string gives one.

    Returns None when the string is not a date.
    """
    from dateutil import parser as date_parser

    value = value.strip()
    if not value:
        return None
    try:
        parsed = date_parser.parse(value)
    except (ValueError, OverflowError, TypeError):
        return None
    return parsed.isoformat()


def parse_iso_utc(value: str | None) -> datetime | None:
    """An ISO 8601 string as an aware datetime (a zone-less time read as UTC); None if it is not one."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)
