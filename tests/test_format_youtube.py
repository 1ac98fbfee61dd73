"""YouTube comments from yt-dlp's info JSON (--write-comments)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from commentscope.scraper import SEED_PATH
from commentscope.scraper.errors import FormatError
from commentscope.scraper.formats import FORMATS, ParseOptions, detect_format, youtube
from commentscope.scraper.sources import Source, read_source

DATA = Path(__file__).parent / "data" / "formats" / "youtube"
FIXTURE = DATA / "bike_rack [q3Rk7pWbX0c].info.json"
MINE = ("reddit", "hn_algolia", "hn_api", "hn_html", "youtube", "discourse", "csv", "jsonl")
PARENT = "UgzB7vK3fX9pQm2Lr1N4AaABAg"


def _info() -> dict:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def _source(document, name: str = "video.info.json") -> Source:
    return Source(name=name, data=json.dumps(document, ensure_ascii=False).encode("utf-8"))


def _thread():
    [thread] = youtube.parse(read_source(str(FIXTURE)), ParseOptions())
    return thread


def test_fixture_is_detected_as_youtube_only():
    source = read_source(str(FIXTURE))
    assert detect_format(source) == "youtube"
    assert all(FORMATS[other].detect(source) == 0 for other in MINE if other != "youtube")


def test_detected_when_comments_lie_beyond_the_sniffed_head():
    info = _info()
    info["formats"] = info["formats"] * 150  # real info JSONs carry hundreds of KiB of formats first
    source = _source(info)
    assert source.text.index('"comments"') > 65536
    assert youtube.detect(source) == 0.95
    assert detect_format(source) == "youtube"


def test_seed_is_not_youtube():
    assert youtube.detect(read_source(str(SEED_PATH))) == 0


def test_comments_parents_and_order():
    thread = _thread()
    assert [(c.id, c.parent_id) for c in thread.comments] == [
        ("Ugz9pLr5Tk2vNw8Xc3M4AaABAg", None),
        (PARENT, None),
        (PARENT + ".A3q9Zb1Xk7dA3qAbCdEfGh", PARENT),
        (PARENT + ".A3qAa2Yl8eB4rBcDeFgHiJ", PARENT),
        ("Ugw0hT5sYd8eJk3Vq6R4AaABAg", None),
        ("UgxY2mN8cZ4wTq7Hb1K4AaABAg", None),
        ("UgyQw3Ev5Rt7Yu9Io1P4AaABAg.A3rXy0Lm2nPQ8sTuVwXyZa", None),
    ]
    assert [c.position for c in thread.comments] == list(range(1, 8))
    assert thread.comments[2].reply_evidence == "markup" and thread.comments[2].reply_confidence == 1.0


def test_authors_timestamps_and_text():
    comments = _thread().comments
    assert comments[1].author == "@sourdough_sven"
    assert comments[1].author_url == "https://www.youtube.com/@sourdough_sven"
    assert comments[1].timestamp == "2024-05-06T10:13:20+00:00"
    assert comments[1].text == ("The part where the bracket snapped at 12:40 made me laugh way too hard 😂\n"
                                "What infill did you use?")
    assert comments[4].author == "@ナオキ工作室"
    assert comments[5].text.endswith("does the same job & won't creep under load.")
    assert all(c.source_format == "youtube" and c.thread_id == "youtube-q3Rk7pWbX0c" for c in comments)


def test_reply_to_an_unsaved_comment_is_an_orphan():
    thread = _thread()
    orphan = thread.comments[-1]
    assert orphan.flags == ("orphan",)
    assert thread.orphans == {orphan.id: "UgyQw3Ev5Rt7Yu9Io1P4AaABAg"}
    assert any("1 comment(s) reply to a comment that is not in the thread" in w for w in thread.warnings)


def test_video_metadata_and_counts():
    thread = _thread()
    assert thread.thread_id == "youtube-q3Rk7pWbX0c"
    assert thread.title == "I 3D-printed a wall-mounted bike rack (and it almost worked)"
    assert thread.url == "https://www.youtube.com/watch?v=q3Rk7pWbX0c"
    assert thread.site == "YouTube"
    assert thread.article_author == "Maker Mornings"
    assert thread.article_text.startswith("Designing and printing a wall-mounted bike rack from PETG & PLA.\n\n")
    assert thread.published == "2024-04-26T11:13:20+00:00"
    assert thread.declared_count == 212
    assert thread.missing_count == 205
    assert thread.extra["pinned"] == ["Ugz9pLr5Tk2vNw8Xc3M4AaABAg"]
    assert thread.extra["timestamps_estimated"] is True
    assert any("estimates" in w for w in thread.warnings)
    assert any("reports 212 comments but yt-dlp saved 7" in w for w in thread.warnings)


def test_info_json_without_comments_says_how_to_get_them():
    info = _info()
    del info["comments"]
    with pytest.raises(FormatError, match="--write-comments"):
        youtube.parse(_source(info), ParseOptions())


def test_playlist_gives_one_thread_per_video_with_comments():
    first, second = _info(), _info()
    second["id"], second["comments"] = "aaaaaaaaaaa", second["comments"][:2]
    third = {"id": "bbbbbbbbbbb", "title": "no comments fetched"}
    playlist = {"_type": "playlist", "id": "PLx", "entries": [first, second, third]}
    threads = youtube.parse(_source(playlist), ParseOptions())
    assert [(t.thread_id, len(t.comments)) for t in threads] == [("youtube-q3Rk7pWbX0c", 7),
                                                                ("youtube-aaaaaaaaaaa", 2)]
    assert any("1 video(s) have no comments" in w for w in threads[0].warnings)


def test_other_sites_are_named_after_their_extractor():
    info = _info()
    info.update(extractor="vimeo", extractor_key="Vimeo", id="76979871")
    [thread] = youtube.parse(_source(info), ParseOptions())
    assert thread.thread_id == "vimeo-76979871"
    assert thread.site == "Vimeo"


def test_malformed_comments_are_skipped_with_warnings():
    info = _info()
    info["comments"] = [42, {"text": "no id"}] + info["comments"][:2]
    [thread] = youtube.parse(_source(info), ParseOptions())
    assert len(thread.comments) == 2
    assert sum("is not a comment with an id" in w for w in thread.warnings) == 2


def test_truncated_info_json_is_a_format_error():
    text = FIXTURE.read_text(encoding="utf-8")[:3000]
    with pytest.raises(FormatError, match="truncated"):
        youtube.parse(Source(name="cut.info.json", data=text.encode("utf-8")), ParseOptions())
