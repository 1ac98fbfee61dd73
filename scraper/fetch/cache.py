"""The fetch cache: each fetched page's bytes plus a small JSON of what is known of it.

The CLI keeps it beside the output (``OUT.fetch-cache/``) so the same run can be repeated offline. File
names are the SHA-256 of the URL, never the URL's text, so no URL can reach outside the folder.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from pathlib import Path

from commentscope.scraper.errors import CommentscopeError, FetchError
from commentscope.scraper.sources import Source
from commentscope.scraper.atomic import atomic_write_bytes


def cache_paths(cache_dir: Path, url: str) -> tuple[Path, Path]:
    """The body and metadata files for ``url``: named by its SHA-256, so no URL text reaches a path."""
    digest = hashlib.sha256(url.encode("utf-8")).hexdigest()
    return cache_dir / f"{digest}.body", cache_dir / f"{digest}.json"


def write_cached(cache_dir: Path, url: str, source: Source, warnings: list[str]) -> None:
    """Store a fetched page; the metadata is written last, so a half-written entry is never read."""
    body_path, meta_path = cache_paths(cache_dir, url)
    meta = {"version": 1, "url": url, "final_url": source.url, "content_type": source.content_type,
            "charset": source.charset, "sha256": hashlib.sha256(source.data).hexdigest(),
            "size": len(source.data), "warnings": warnings,
            "fetched_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(body_path, source.data)
        atomic_write_bytes(meta_path, (json.dumps(meta, indent=1) + "\n").encode("utf-8"))
    except (OSError, CommentscopeError) as error:
        raise FetchError(f"the fetch cache cannot be written ({getattr(error, 'strerror', None) or error})",
                         str(cache_dir), "choose another output folder or free some space") from None


def read_cached(cache_dir: Path | None, url: str, name: str) -> Source:
    """The cached copy of ``url`` as a Source; FetchError when it was never fetched or is damaged."""
    if cache_dir is None:
        raise FetchError("no fetch cache to read offline", name, "run once online with a cache first")
    body_path, meta_path = cache_paths(cache_dir, url)
    if not meta_path.is_file():
        raise FetchError(f"was never fetched into the cache {cache_dir}", name,
                         "run once without --offline to fetch it")
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        data = body_path.read_bytes()
        intact = (isinstance(meta, dict) and meta.get("url") == url
                  and meta.get("sha256") == hashlib.sha256(data).hexdigest())
    except (OSError, ValueError):
        intact = False
    if not intact:
        raise FetchError(f"the cached copy in {cache_dir} is damaged", name, "fetch it again without --offline")
    return Source(name=name, data=data, url=meta.get("final_url") or url, charset=meta.get("charset"),
                  content_type=meta.get("content_type"), warnings=[str(w) for w in meta.get("warnings") or []])
