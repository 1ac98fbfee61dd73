"""Hostile and broken inputs through the real CLI: `commentscope scrape FILE -o OUT`.

Every input ends in one of two ways, in bounded time: exit 0 with a correct partial result (the records
we expect, warnings on stderr), or exit 2 with exactly one ``Error: `` line that names the file and says
what to do. Never exit 1, never a traceback, never a hang.

The small corpus is checked in under tests/data/bad/ with one entry per file in expectations.json:
adding a case is adding a file and its entry. The big cases (50 MB pages, markup 100,000 levels deep,
JSON 1,000,000 levels deep, a 10 MB CSV cell) are generated here into tmp_path.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any, Callable

import pytest

from tests.conftest import DATA, run_cli

BAD = DATA / "bad"
FORMATS = DATA / "formats"
EXPECTATIONS: dict[str, dict[str, Any]] = {
    name: spec for name, spec in json.loads((BAD / "expectations.json").read_text(encoding="utf-8")).items()
    if not name.startswith("_")
}
#: An error line is one sentence for a person, not a dump of the input.
MAX_ERROR_LINE = 1000


def check_records(rows: list[dict[str, Any]]) -> None:
    """The record invariants: per thread, unique ids, positions 1..n, parents earlier in the thread."""
    by_thread: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_thread.setdefault(row["thread_id"], []).append(row)
    for thread_id, members in by_thread.items():
        ids = [row["id"] for row in members]
        assert len(ids) == len(set(ids)), f"{thread_id}: duplicate ids"
        assert [row["position"] for row in members] == list(range(1, len(members) + 1))
        for index, row in enumerate(members):
            if row["parent_id"] is not None:
                assert row["parent_id"] in ids[:index], f"{thread_id}/{row['id']}: parent is not earlier"
                assert row["reply_evidence"] is not None


def scrape(path: Path, out: Path, args: list[str], timeout: float):
    """Run the CLI on ``path`` and return the result and how long it took."""
    started = time.monotonic()
    result = run_cli("scrape", path, "-o", out, *args, timeout=timeout)
    return result, time.monotonic() - started


def check_outcome(path: Path, out: Path, spec: dict[str, Any], result) -> list[dict[str, Any]]:
    """Assert ``result`` is what ``spec`` (an expectations.json entry) promises; return the records."""
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    assert result.returncode == spec["exit"], result.stderr[-2000:]
    fragments = spec.get("stderr", [])
    rows: list[dict[str, Any]] = []
    if spec["exit"] == 2:
        errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
        assert len(errors) == 1, result.stderr
        line = errors[0]
        assert str(path) in line, f"the error does not name the file: {line}"
        assert re.match(r"^Error: .+: .+; .+", line), f"what, where and what to do: {line}"
        assert len(line) < MAX_ERROR_LINE, f"{len(line)} characters"
        for fragment in fragments:
            assert fragment in line
        assert not out.exists(), "a failed run wrote its output"
    else:
        for fragment in fragments:
            assert fragment in result.stderr
        rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        assert len(rows) == spec["comments"]
        check_records(rows)
        if "threads" in spec:
            assert len({row["thread_id"] for row in rows}) == spec["threads"]
        for index, expected in enumerate(spec.get("records", [])):
            actual = rows[index]
            assert {key: actual[key] for key in expected} == expected, f"record {index}"
        sidecar = json.loads(out.with_name(out.stem + ".threads.json").read_text(encoding="utf-8"))
        assert sorted(t["thread_id"] for t in sidecar["threads"]) == sorted({row["thread_id"] for row in rows})
    for secret in spec.get("absent", []):
        assert secret not in result.stderr
        if out.exists():
            assert secret not in out.read_text(encoding="utf-8")
    return rows


def test_the_corpus_has_an_expectation_for_every_file():
    files = {path.name for path in BAD.iterdir() if path.name != "expectations.json"}
    assert files == set(EXPECTATIONS)
    assert len(files) >= 30


@pytest.mark.parametrize("name", sorted(EXPECTATIONS))
def test_bad_input(name, tmp_path):
    spec = EXPECTATIONS[name]
    path = BAD / name
    out = tmp_path / "out.jsonl"
    result, _ = scrape(path, out, spec.get("args", []), timeout=60)
    check_outcome(path, out, spec, result)


def test_binary_on_stdin_is_refused_naming_stdin():
    result = run_cli("scrape", "-", stdin=(BAD / "image.png").read_bytes())
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "Error: <stdin>: is a binary file, not a comment page; "
        "give a text, HTML, JSON, XML or CSV export of the comments"]


# ---- generated big inputs ------------------------------------------------------------------------

def _wp_html_50mb(tmp: Path) -> Path:
    """The twentyseventeen page with 50 MB of article paragraphs before its comments."""
    page = (FORMATS / "wp_html" / "twentyseventeen.html").read_text(encoding="utf-8")
    cut = page.index('<ol class="comment-list">')
    paragraph = "<p>Filler paragraph about nothing in particular, repeated to make the page large &amp; slow.</p>\n"
    path = tmp / "page50.html"
    path.write_text(page[:cut] + paragraph * (50 * 2**20 // len(paragraph)) + page[cut:], encoding="utf-8")
    return path


def _wp_print_50mb(tmp: Path) -> Path:
    """A print view whose article is 50 MB long: the first comment header is far beyond the head."""
    whole = (BAD / "declared_count_mismatch.txt").read_text(encoding="utf-8").replace("7 Comment", "3 Comment")
    cut = whole.index("3 Comments To")
    line = "Filler line of the article, long enough to add up quickly to fifty megabytes.\n"
    path = tmp / "print50.txt"
    path.write_text(whole[:cut] + line * (50 * 2**20 // len(line)) + whole[cut:], encoding="utf-8")
    return path


def _nested(open_tag: str, close_tag: str, levels: int, inner: str = "deep") -> str:
    return open_tag * levels + inner + close_tag * levels


def _deep_wp_html(tmp: Path) -> Path:
    """A WordPress page whose first comment nests 100,000 <div>s."""
    page = (FORMATS / "wp_html" / "twentyseventeen.html").read_text(encoding="utf-8")
    cut = page.index("<p>", page.index('class="comment-content"'))
    path = tmp / "deep_wp.html"
    path.write_text(page[:cut] + _nested("<div>", "</div>", 100_000) + page[cut:], encoding="utf-8")
    return path


def _deep_hn_html(tmp: Path) -> Path:
    """A Hacker News page whose first comment nests 100,000 <i>s: the parser stops there."""
    page = (FORMATS / "hn" / "item_page.html").read_text(encoding="utf-8")
    cut = page.index(">", page.index('class="commtext')) + 1
    path = tmp / "deep_hn.html"
    path.write_text(page[:cut] + _nested("<i>", "</i>", 100_000) + page[cut:], encoding="utf-8")
    return path


def _deep_csv_cell(tmp: Path) -> Path:
    """A CSV comment whose HTML nests 100,000 <div>s, then goes on."""
    path = tmp / "deep_cell.csv"
    path.write_text('id,author,text\n1,Ann,"<p>top</p>' + _nested("<div>", "</div>", 100_000)
                    + '<p>after</p>"\n2,Bo,<b>plain</b>\n', encoding="utf-8")
    return path


def _deep_disqus(tmp: Path) -> Path:
    path = tmp / "deep_disqus.xml"
    path.write_text('<?xml version="1.0"?><disqus xmlns="http://disqus.com">' + _nested("<a>", "</a>", 100_000)
                    + "</disqus>", encoding="utf-8")
    return path


def _big_html_cell(tmp: Path) -> Path:
    """A CSV whose first comment is a 10 MB HTML paragraph (libxml2's text-node limit is 10 MB)."""
    path = tmp / "big_cell.csv"
    path.write_text('id,author,text\n1,Ann,"<p>' + "word " * 2_100_000 + '</p>"\n2,Bo,short\n', encoding="utf-8")
    return path


def _deep_json(tmp: Path) -> Path:
    path = tmp / "deep.json"
    path.write_text("[" * 1_000_000 + "]" * 1_000_000, encoding="utf-8")
    return path


#: name -> (build the file, extra CLI args, expectation, timeout in seconds)
BIG: dict[str, tuple[Callable[[Path], Path], list[str], dict[str, Any], float]] = {
    "wp_html_50mb": (_wp_html_50mb, [], {"exit": 0, "comments": 8, "records": [
        {"id": "comment-1021", "author": "Zoë Adebayo-Nakamura", "parent_id": None},
        {"id": "comment-1023", "parent_id": "comment-1021"}]}, 60),
    # Reply inference reads the whole 50 MB article: about 30 s alone on one core (see the report).
    "wp_print_50mb_article": (_wp_print_50mb, [], {"exit": 0, "comments": 3, "records": [
        {"id": "1", "author": "baker_bob"}, {"id": "2"}, {"id": "3", "author": "Zoë"}]}, 120),
    "wp_html_100k_deep": (_deep_wp_html, [], {"exit": 0, "comments": 8, "records": [
        {"id": "comment-1021"}, {"id": "comment-1023", "parent_id": "comment-1021"}]}, 60),
    "hn_html_100k_deep": (_deep_hn_html, [], {"exit": 0, "comments": 1, "records": [{"id": "40123601"}],
                                              "stderr": ["nests too deep", "comments after it are missing"]}, 60),
    "csv_cell_100k_deep": (_deep_csv_cell, [], {"exit": 0, "comments": 2, "records": [
        {"id": "1", "text": "top\n\ndeep\n\nafter"}, {"id": "2", "text": "plain"}]}, 60),
    "disqus_100k_deep": (_deep_disqus, ["--format", "disqus"], {"exit": 2, "stderr": ["Excessive depth"]}, 60),
    "csv_10mb_html_cell": (_big_html_cell, [], {"exit": 0, "comments": 2, "records": [
        {"id": "1", "author": "Ann"}, {"id": "2", "text": "short"}]}, 90),
    **{f"json_1e6_deep_{name}": (_deep_json, ["--format", name], {"exit": 2, "stderr": ["nests JSON too deeply"]}, 60)
       for name in ("reddit", "hn_algolia", "hn_api", "youtube", "discourse", "wp_rest", "jsonl")},
    "json_1e6_deep_detected": (_deep_json, [], {"exit": 2, "stderr": ["is in no known comment format"]}, 60),
}


@pytest.mark.parametrize("name", sorted(BIG))
def test_big_generated_input(name, tmp_path):
    build, args, spec, timeout = BIG[name]
    path = build(tmp_path)
    out = tmp_path / "out.jsonl"
    result, _ = scrape(path, out, args, timeout=timeout)
    rows = check_outcome(path, out, spec, result)
    if name == "csv_10mb_html_cell":
        assert len(rows[0]["text"]) == len("word " * 2_100_000) - 1, "the 10 MB comment was cut"


# ---- URLs that are not http(s) -------------------------------------------------------------------

@pytest.mark.parametrize("url, fragment", [
    ("file:///etc/passwd", "only http and https URLs can be fetched, not file:"),
    ("FILE:///etc/passwd", "only http and https URLs can be fetched"),
    ("ftp://example.org/comments.json", "only http and https URLs can be fetched, not ftp:"),
    ("gopher://example.org/1", "only http and https URLs can be fetched, not gopher:"),
    ("javascript:alert(document.cookie)", "give an http(s) URL"),
    ("data:text/html,<script>alert(1)</script>", "give an http(s) URL"),
])
def test_only_http_and_https_are_fetched(url, fragment, tmp_path):
    out = tmp_path / "out.jsonl"
    result = run_cli("scrape", url, "-o", out, "--offline", "--cache-dir", tmp_path / "cache", timeout=30)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert fragment in lines[0]
    assert "root:" not in result.stderr + result.stdout
    assert not out.exists() and not (tmp_path / "cache").exists()


# ---- comment records (JSONL + sidecar) from elsewhere, read by `analyze` -------------------------

_RECORD = {"thread_id": "t", "author": "A", "timestamp": None, "text": "I agree with the plan.",
           "reply_evidence": None, "reply_confidence": None}


def _records(folder: Path, rows: list[dict[str, Any]], sidecar: str | None = None) -> Path:
    path = folder / "records.jsonl"
    path.write_text("".join(json.dumps({**_RECORD, **row}) + "\n" for row in rows), encoding="utf-8")
    if sidecar is not None:
        (folder / "records.threads.json").write_text(sidecar, encoding="utf-8")
    return path


def test_records_whose_parents_loop_or_point_forward_are_repaired(tmp_path):
    from commentscope.scraper.store import read_records

    path = _records(tmp_path, [
        {"id": "1", "position": 1, "parent_id": "2", "reply_evidence": "markup", "reply_confidence": 1.0},
        {"id": "2", "position": 2, "parent_id": "1", "reply_evidence": "markup", "reply_confidence": 1.0},
        {"id": "3", "position": 3, "parent_id": "3", "flags": ["deleted"]},
        {"id": "2", "position": 4, "parent_id": None},
    ])
    frame, threads = read_records(path)
    assert threads[0].warnings[1:] == [
        f"{path}: t: 1 record id(s) appear more than once (2); the first of each is kept",
        f"{path}: t: 2 record(s) name a parent that is not an earlier comment of the thread (1, 3); "
        "they are read as top-level and flagged orphan"]
    out = tmp_path / "analysed.jsonl"
    result = run_cli("analyze", path, "-o", out)
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["id"], r["parent_id"], r["reply_evidence"], r["flags"], r["depth"], r["root_id"]) for r in rows] == [
        ("1", None, None, ["orphan"], 0, "1"),
        ("2", "1", "markup", None, 1, "1"),
        ("3", None, None, ["deleted", "orphan"], 0, "3"),
    ]


@pytest.mark.parametrize("rows, sidecar, fragment", [
    ([{"id": None, "position": 1, "parent_id": None}], None, "record number 1 has no thread_id or id"),
    ([{"id": "1", "position": "first", "parent_id": None}], None, "is not a comment records file"),
    ([{"id": "1", "position": 1, "parent_id": None}], '{"version": 1, "threads": [{"thread_id": "t", '
     '"source_format": "csv", "title": ["a", "list"]}]}', "thread field 'title' is [\"a\", \"list\"], not str"),
    ([{"id": "1", "position": 1, "parent_id": None}], '{"version": 1, "threads": [{"thread_id": "t", '
     '"source_format": 5}]}', "thread field 'source_format' is 5, not str"),
    ([{"id": "1", "position": 1, "parent_id": None}], '{"version": 1, "threads": ["t"]}',
     "a thread entry is str, not an object"),
    ([{"id": "1", "position": 1, "parent_id": None}], '{"version": 1, "threads": [', "thread metadata is not valid"),
], ids=["no-id", "position-text", "title-list", "format-number", "entry-text", "sidecar-cut"])
def test_broken_records_are_refused_in_one_line(tmp_path, rows, sidecar, fragment):
    path = _records(tmp_path, rows, sidecar)
    result = run_cli("analyze", path, "-o", tmp_path / "out.jsonl")
    assert result.returncode == 2, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1 and fragment in errors[0] and "records" in errors[0]
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out.jsonl").exists()


def test_url_scheme_case_does_not_bypass_offline(tmp_path):
    """RFC 3986 schemes are case-insensitive: ``HTTP://`` is fetched like ``http://``, so --offline and
    --cache-dir must hold for it too (no network; the cache is the only source)."""
    cache = tmp_path / "cache"
    for url in ("http://127.0.0.1:9/thread", "HTTP://127.0.0.1:9/thread"):
        result = run_cli("scrape", url, "--offline", "--cache-dir", cache, "-o", tmp_path / "out.jsonl", timeout=30)
        assert result.returncode == 2
        assert "was never fetched into the cache" in result.stderr, result.stderr
