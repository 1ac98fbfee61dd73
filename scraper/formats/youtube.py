"""YouTube comments as yt-dlp writes them (``yt-dlp --write-comments --skip-download --write-info-json URL``).

The info JSON describes the video (``id``, ``title``, ``channel``/``uploader``, ``description``,
``webpage_url``, ``timestamp``, ``comment_count``) and, with ``--write-comments``, lists ``comments`` flat:
each ``{id, parent, text, author, author_id, author_url, timestamp, like_count, is_pinned, ...}`` where
``parent`` is ``"root"`` for a top-level comment or the id of the comment it answers, and replies follow
their parent. YouTube shows times only as "3 weeks ago", so yt-dlp's comment timestamps are estimates
(it keeps the label in ``_time_text``); the thread says so. A playlist's info JSON (``entries``) gives one
thread per video. Other sites' yt-dlp comments have the same shape and are read the same way.
"""

from __future__ import annotations

import re
from typing import Any

from commentscope.scraper.errors import FormatError
from commentscope.scraper.formats.shared.tree import RawComment, as_id, epoch_iso, first_char, json_keys, link_comments, load_json
from commentscope.scraper.records import Thread
from commentscope.scraper.sources import Source
from commentscope.scraper.text import slugify, tidy_paragraphs

NAME = "youtube"
DESCRIPTION = "YouTube (or other yt-dlp) comments: the info JSON of yt-dlp --write-comments"

_ROOT_PARENT = re.compile(r'"parent"\s*:\s*"root"')
_YTDLP_KEYS = {"webpage_url", "extractor_key", "format_id", "_version", "webpage_url_domain", "original_url"}
_YOUTUBE_EXTRACTORS = {None, "", "youtube", "youtubetab"}
_TAIL = 65536


def detect(source: Source) -> float:
    """Sniff head and tail (comments come last, after hundreds of KiB of formats) for yt-dlp keys."""
    head = source.head
    if first_char(head) != "{":
        return 0.0
    tail = source.text[-_TAIL:] if len(source.text) > len(head) else ""
    keys = json_keys(head) | json_keys(tail)
    root_replies = bool(_ROOT_PARENT.search(head) or _ROOT_PARENT.search(tail))
    ytdlp = len(keys & _YTDLP_KEYS) >= 2
    if "comments" in keys and root_replies:
        return 0.95
    if ytdlp and keys & {"comments", "comment_count"}:
        return 0.8
    if ytdlp:
        return 0.6
    return 0.0


def parse(source: Source, options: object = None) -> list[Thread]:
    """One thread per video with comments (a playlist gives several)."""
    document = load_json(source, "the .info.json yt-dlp wrote")
    if not isinstance(document, dict):
        raise FormatError("is JSON but not a yt-dlp info JSON", source.name,
                          "give the VIDEO.info.json of yt-dlp --write-comments --write-info-json")
    videos = document.get("entries") if isinstance(document.get("entries"), list) else [document]
    threads = []
    skipped = []
    for index, video in enumerate(videos):
        if not isinstance(video, dict) or not isinstance(video.get("comments"), list):
            skipped.append(str(video.get("id")) if isinstance(video, dict) else f"entries[{index}]")
            continue
        threads.append(_video_thread(video, source))
    if not threads:
        raise FormatError("holds no comments (yt-dlp writes them only when asked)", source.name,
                          "run yt-dlp again with --write-comments --skip-download --write-info-json")
    if skipped:
        threads[0].warnings.append(f"{source.name}: {len(skipped)} video(s) have no comments in the file "
                                   f"({', '.join(skipped[:5])}); run yt-dlp with --write-comments for them")
    return threads


def _video_thread(video: dict, source: Source) -> Thread:
    video_id = as_id(video.get("id")) or slugify(str(video.get("title") or "video"))
    extractor = _str(video.get("extractor_key")) or _str(video.get("extractor"))
    is_youtube = (extractor or "").lower() in _YOUTUBE_EXTRACTORS
    thread_id = f"youtube-{video_id}" if is_youtube else f"{slugify(extractor or 'video')}-{video_id}"
    warnings: list[str] = []
    raws = []
    estimated = False
    pinned: list[str] = []
    for index, comment in enumerate(video["comments"]):
        place = f"video {video_id} comments[{index}]"
        if not isinstance(comment, dict) or as_id(comment.get("id")) is None:
            warnings.append(f"{source.name}: {place} is not a comment with an id; skipped")
            continue
        estimated = estimated or bool(comment.get("_time_text"))
        raws.append(_raw(comment, place))
        if comment.get("is_pinned") is True:
            pinned.append(raws[-1].id)
    linked = link_comments(raws, thread_id=thread_id, source_format=NAME, where=source.name)
    warnings.extend(linked.warnings)
    declared = video.get("comment_count") if isinstance(video.get("comment_count"), int) else None
    missing = max(0, declared - len(linked.comments)) if declared is not None else 0
    if missing:
        warnings.append(f"{source.name}: the video reports {declared} comments but yt-dlp saved "
                        f"{len(linked.comments)}; raise --extractor-args youtube:max_comments to get more")
    if estimated:
        warnings.append(f"{source.name}: comment times are yt-dlp's estimates from labels like '3 weeks ago'; "
                        "read them as approximate")
    published, _ = epoch_iso(video.get("timestamp"))
    extra: dict[str, Any] = {key: video[key] for key in ("channel_id", "channel_url", "uploader_id", "view_count",
                                                          "like_count", "duration", "extractor") if key in video}
    extra["timestamps_estimated"] = estimated
    if pinned:
        extra["pinned"] = pinned
    return Thread(
        thread_id=thread_id,
        source_format=NAME,
        source=source.name,
        title=_str(video.get("title")) or _str(video.get("fulltitle")),
        url=_str(video.get("webpage_url")) or _str(video.get("original_url")),
        site="YouTube" if is_youtube else extractor,
        site_url="https://www.youtube.com" if is_youtube else None,
        article_author=_str(video.get("channel")) or _str(video.get("uploader")),
        article_text=tidy_paragraphs(video["description"]) if isinstance(video.get("description"), str) else None,
        published=published or _upload_date(video.get("upload_date")),
        declared_count=declared,
        comments=linked.comments,
        missing_count=missing,
        warnings=warnings,
        orphans=linked.orphans or None,
        extra=extra,
    )


def _raw(comment: dict, place: str) -> RawComment:
    parent = comment.get("parent")
    parent_id = None if parent in (None, "", "root") else as_id(parent)
    timestamp, bad_time = epoch_iso(comment.get("timestamp"))
    author = (_str(comment.get("author")) or "").strip()
    author_url = _str(comment.get("author_url"))
    if not author_url and _str(comment.get("author_id")):
        author_url = f"https://www.youtube.com/channel/{comment['author_id']}"
    text = comment.get("text")
    return RawComment(
        id=as_id(comment.get("id")) or "",
        parent=parent_id,
        author=author,
        timestamp=timestamp,
        text=tidy_paragraphs(text) if isinstance(text, str) else "",
        author_url=author_url,
        flags=("bad_timestamp",) if bad_time else (),
        where=place,
    )


def _upload_date(value: Any) -> str | None:
    """yt-dlp's ``YYYYMMDD`` as an ISO date."""
    text = _str(value)
    if text and re.fullmatch(r"\d{8}", text):
        return f"{text[:4]}-{text[4:6]}-{text[6:]}"
    return None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None
