"""Text helpers shared by the formats: decoding bytes, HTML to plain text, slugs, timestamps."""

from __future__ import annotations

import codecs
import html
import re
import unicodedata
from datetime import datetime, timezone

from scraper.errors import InputError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def looks_binary(data: bytes) -> bool:
    """True for bytes no text format could hold: NULs or many control bytes near the start."""
    head = data[:8192]
    if any(head.startswith(bom) for bom, name in _BOMS if name.startswith("utf-16") or name.startswith("utf-32")):
        return False
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return bool(head) and controls / len(head) > 0.05


def decode(data: bytes, where: str, charset: str | None = None) -> tuple[str, list[str]]:
    """Decode a source's bytes: BOM first, then the declared charset, UTF-8, then Windows-1252.

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
    if text is None:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
            warnings.append(f"{where}: not valid UTF-8; decoded as Windows-1252")
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


_BLOCK_TAGS = {
    "p", "div", "blockquote", "pre", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "tr", "section", "article", "header", "footer", "figure", "hr", "dl", "dt", "dd",
}
_SKIP_TAGS = {"script", "style", "noscript", "template", "head", "svg", "iframe", "object"}


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment: paragraphs separated by a blank line, ``<br>`` a line break,
    blockquote lines prefixed ``> ``, entities decoded, scripts and styles dropped.
    """
    if "<" not in fragment:
        return tidy_paragraphs(html.unescape(fragment))
    from lxml import etree
    from lxml import html as lxml_html

    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return tidy_paragraphs(html.unescape(re.sub(r"<[^>]*>", " ", fragment)))
    pieces: list[str] = []

    def walk(node, quote_depth: int) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        tag = tag.lower()
        if tag in _SKIP_TAGS:
            if node.tail:
                pieces.append(node.tail)
            return
        block = tag in _BLOCK_TAGS
        depth = quote_depth + (1 if tag == "blockquote" else 0)
        if block:
            pieces.append("\n\n")
        if tag == "br":
            pieces.append("\n")
        if tag == "blockquote":
            pieces.append("\x01" * depth)
        if node.text and isinstance(node.tag, str):
            pieces.append(node.text)
        for child in node:
            walk(child, depth)
        if tag == "blockquote":
            pieces.append("\x02")
        if block:
            pieces.append("\n\n")
        if node.tail:
            pieces.append(node.tail)

    walk(root, 0)
    raw = "".join(pieces)
    return tidy_paragraphs(_apply_quote_marks(raw))


def _apply_quote_marks(raw: str) -> str:
    """Turn the blockquote markers left by ``html_to_text`` into ``> `` line prefixes."""
    out_lines: list[str] = []
    depth = 0
    for line in raw.split("\n"):
        opened = line.count("\x01")
        closed = line.count("\x02")
        depth += opened
        clean = line.replace("\x01", "").replace("\x02", "")
        clean = re.sub(r"[ \t\u00a0]+", " ", clean).strip()
        if clean and depth > 0:
            clean = "> " * depth + clean
        out_lines.append(clean)
        depth = max(0, depth - closed)
    return "\n".join(out_lines)


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
