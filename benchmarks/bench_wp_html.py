"""Benchmark: the WordPress comment-page reader against a plain BeautifulSoup (html.parser) reading.

Builds a page of about 5,000 comments from the Twenty Seventeen fixture: its comment threads (nested four
deep, with a pingback) are replicated with fresh ids, rotated authors and varied text, inside the
fixture's own page. Then times, in one run, ``commentscope.scraper.formats.wp_html.parse`` and a straightforward bs4
extraction of the same fields (id, parent, author, author URL, time, text), interleaved so both see the
same machine load, and prints the best time of each and the ratio.

Run: .venv/bin/python benchmarks/bench_wp_html.py [--comments 5000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import gc
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from commentscope.scraper.formats import wp_html  # noqa: E402
from commentscope.scraper.sources import Source  # noqa: E402

FIXTURE = ROOT / "tests" / "data" / "formats" / "wp_html" / "twentyseventeen.html"
_ID = re.compile(r"\b10(2[1-9]|30)\b")
_AUTHORS = ["Zoë Adebayo-Nakamura", "Maren Halvorsen", "Dan O&#8217;Brien", "李明 (Li Ming)", "José Martínez",
            "Мария Петрова", "Kwame Mensah", "Saoirse Ní Bhriain", "Łukasz Wiśniewski",
            "Amélie Laurent"]
_FN = re.compile(r'(<b class="fn">(?:<a [^>]*>)?)([^<]*)')
_PARAGRAPH = re.compile(r"(<div class=\"comment-content\">\s*<p>)")


def build_page(comments: int) -> tuple[str, int]:
    """The fixture page with its comment list replicated to at least ``comments`` comments."""
    page = FIXTURE.read_text(encoding="utf-8")
    start = page.index('<ol class="comment-list">') + len('<ol class="comment-list">')
    end = page.index("</ol><!-- .comment-list -->")
    block = page[start:end]
    per_block = len(re.findall(r'<li id="comment-', block)) - block.count('class="pingback')
    copies = -(-comments // per_block)
    parts = []
    for copy in range(copies):
        base = 100000 + copy * 100
        text = _ID.sub(lambda m: str(base + int(m[1])), block)
        turn = iter(range(10_000))
        text = _FN.sub(lambda m: m[1] + _AUTHORS[(copy + next(turn)) % len(_AUTHORS)], text)
        text = _PARAGRAPH.sub(lambda m: m[1] + f"Reply {copy}: ", text)
        parts.append(text)
    return page[:start] + "".join(parts) + page[end:], copies * per_block


def ours(data: bytes) -> int:
    """Our reader, from the page's bytes as a file read gives them (decoding included)."""
    [thread] = wp_html.parse(Source(name="bench.html", data=data))
    return len(thread.comments)


def bs4_baseline(html: str) -> int:
    """The same fields with BeautifulSoup and html.parser, written plainly (given the decoded text)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    rows = []
    for node in soup.find_all("li", class_="comment"):
        parent = node.find_parent("li", class_="comment")
        body = node.find(class_="comment-body")
        author = body.find(class_="fn")
        link = author.find("a") if author else None
        stamp = body.find("time")
        content = body.find(class_="comment-content")
        rows.append({
            "id": node.get("id"),
            "parent": parent.get("id") if parent else None,
            "author": author.get_text(" ", strip=True) if author else "",
            "author_url": link.get("href") if link else None,
            "time": stamp.get("datetime") if stamp else None,
            "text": "\n\n".join(p.get_text(" ", strip=True) for p in content.find_all(["p", "blockquote"]))
            if content else "",
        })
    return len(rows)


def timed(function, page: str | bytes) -> tuple[float, int]:
    """One run of ``function``. The garbage of earlier runs is collected first, so a run does not pay
    for the reference cycles BeautifulSoup's tree leaves behind."""
    gc.collect()
    started = time.perf_counter()
    count = function(page)
    return time.perf_counter() - started, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3, help="rounds of both; the fastest run of each counts")
    args = parser.parse_args()
    html, expected = build_page(args.comments)
    data = html.encode("utf-8")
    fast_times, slow_times, counts = [], [], set()
    for _ in range(args.repeat):  # interleaved, so both see the same machine load; the fastest run counts
        fast, fast_count = timed(ours, data)
        slow, slow_count = timed(bs4_baseline, html)
        fast_times.append(fast)
        slow_times.append(slow)
        counts.update((fast_count, slow_count))
    fast, slow = min(fast_times), min(slow_times)
    print(f"page: {len(data) / 1e6:.1f} MB, {expected} comments, best of {args.repeat} interleaved runs")
    print(f"wp_html.parse (lexbor):   {fast * 1000:8.1f} ms")
    print(f"bs4 html.parser baseline: {slow * 1000:8.1f} ms")
    print(f"ratio: {slow / fast:.1f}x faster")
    if counts != {expected}:
        raise SystemExit(f"comment counts differ: expected {expected}, got {sorted(counts)}")


if __name__ == "__main__":
    main()
