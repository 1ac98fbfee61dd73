"""The generated pages in real headless Chromium, opened from file:// with every other request aborted:
no console errors, nothing fetched, every view drawn with the expected number of marks, the article and
the trust line in the header, every reply shown with whom it answers, the selection linked across views
and the conversation, whole-number axes on a small thread, the collection index's links, and hostile
comment text shown as text, never run. Takes the screenshots dashboard.png (the seed), dashboard-small.png
(2 comments) and dashboard-large.png (2,000 comments): into docs/, the README's pictures, with
``COMMENTSCOPE_UPDATE_DOCS=1``; else into the test's temporary folder, so a test run leaves the
checkout as it was."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from commentscope.analysis.views import chart_data as data
from commentscope.analysis.views.collection import write_collection
from commentscope.analysis.views.compare import stance_test, write_comparison
from commentscope.analysis.views.dashboard import write_dashboards
from commentscope.analysis.views.sides import side_summary
from tests.test_dashboard import ROOT, analysed, comment, make_thread, synthetic_frame, tiny_frame, xss_frame

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
DOCS = ROOT / "docs"
CHART_COUNT = 7


@dataclass
class Opened:
    page: Page
    errors: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def seed(tmp_path_factory) -> tuple[Path, pl.DataFrame]:
    """The embedded seed thread as `commentscope dashboard` draws it: raw page, replies inferred."""
    from commentscope.analysis.pipeline import analyze, load
    from commentscope.scraper import SEED_PATH

    frame, threads = load([str(SEED_PATH)])
    result = analyze(frame, threads)
    threads[0].source = "the embedded seed thread (scraper/data/seed.txt)"  # as the command names it
    [path] = write_dashboards(result, threads, tmp_path_factory.mktemp("seed"))
    return path, result


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> tuple[Path, pl.DataFrame]:
    frame, threads = xss_frame()
    [path] = write_dashboards(frame, threads, tmp_path_factory.mktemp("xss"))
    return path, frame


@pytest.fixture
def open_page(browser: Browser):
    contexts = []

    def opener(path: Path, ready: bool = True) -> Opened:
        context = browser.new_context(viewport={"width": 1400, "height": 1100})
        contexts.append(context)
        opened = Opened(context.new_page())

        def route(request_route):
            if request_route.request.url.startswith("file://"):
                request_route.continue_()
            else:
                opened.outside.append(request_route.request.url)
                request_route.abort()

        context.route("**/*", route)
        opened.page.on("request", lambda r: None if r.url.startswith("file://") else opened.outside.append(r.url))
        opened.page.on("console", lambda m: opened.errors.append(m.text) if m.type == "error" else None)
        opened.page.on("pageerror", lambda e: opened.errors.append(str(e)))
        opened.page.goto(path.as_uri())
        if ready:
            opened.page.wait_for_function("document.body.classList.contains('cs-ready')", timeout=60_000)
        return opened

    yield opener
    for context in contexts:
        context.close()


def marks(page: Page, chart: str) -> dict[str, int]:
    """Drawn marks per mark group of one view: {"symbol": n, "rule": n, ...} (layers summed)."""
    return page.evaluate("""chart => {
        const out = {};
        document.querySelectorAll(`[data-chart="${chart}"] svg g.role-mark`).forEach(g => {
            const kind = Array.from(g.classList).find(c => c.startsWith('mark-')).slice(5);
            out[kind] = (out[kind] || 0) + g.children.length;
        });
        return out;
    }""", chart)


def opacities(page: Page, chart: str, kind: str, nth: int = 0) -> list[str]:
    """The opacity of each mark of the ``nth`` mark group of ``kind`` in one view."""
    return page.evaluate("""([chart, kind, nth]) => Array.from(document.querySelectorAll(
        `[data-chart="${chart}"] svg g.role-mark.mark-${kind}`)[nth].children).map(e => e.getAttribute('opacity') || '1')""",
                         [chart, kind, nth])


def conversation(page: Page, selector: str) -> list[str]:
    """The text of ``selector`` in each shown comment of the conversation ('' where it has none)."""
    return page.evaluate("""s => Array.from(document.querySelectorAll('#cs-conversation > li')).map(li => {
        const e = li.querySelector(s); return e ? e.textContent : ''; })""", selector)


def axes(page: Page, chart: str) -> list[tuple[str, list[str]]]:
    """(title, tick labels) of every axis of one view."""
    return [tuple(pair) for pair in page.evaluate("""chart => Array.from(document.querySelectorAll(
        `[data-chart="${chart}"] svg g.role-axis`)).map(axis => [
            Array.from(axis.querySelectorAll('g.role-axis-title text')).map(t => t.textContent).join(' '),
            Array.from(axis.querySelectorAll('g.role-axis-label text')).map(t => t.textContent)])""", chart)]


def settle(page: Page, condition: str) -> None:
    page.wait_for_function(condition)
    page.wait_for_timeout(200)


def screenshot(page: Page, name: str, scratch: Path) -> None:
    folder = DOCS if os.environ.get("COMMENTSCOPE_UPDATE_DOCS") == "1" else scratch
    folder.mkdir(exist_ok=True)
    page.evaluate("window.scrollTo(0, 0); document.querySelector('.cs-talk').scrollTop = 0")
    page.screenshot(path=str(folder / name))
    assert (folder / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# ---- the seed --------------------------------------------------------------------------------------------

def test_seed_dashboard_draws_every_view_offline(open_page, seed, tmp_path):
    path, frame = seed
    opened = open_page(path)
    page = opened.page
    assert opened.errors == [] and opened.outside == []
    charts = page.eval_on_selector_all("[data-chart]", "els => els.map(e => [e.dataset.chart, e.querySelectorAll('svg').length])")
    assert [count for _, count in charts] == [1] * CHART_COUNT
    points = data.comment_points(frame)
    replies = int(points.get_column("parent_seq").is_not_null().sum())
    assert marks(page, "reply-tree") == {"rule": replies, "symbol": frame.height, "text": frame.height}
    chains = data.chain_bars(frame)
    assert marks(page, "chains") == {"rect": chains.height, "text": chains.filter(pl.col("aba") > 0)
                                     .get_column("root_id").n_unique()}
    assert marks(page, "exchanges") == {"rect": data.exchange_rows(frame).height}
    assert marks(page, "stance") == {"rect": data.stance_rows(frame).height}
    assert marks(page, "participation") == {"rect": data.participation_rows(frame).height}
    assert marks(page, "sentiment-time")["symbol"] == frame.height
    assert marks(page, "confidence")["symbol"] == data.confidence_rows(frame).height
    assert len(conversation(page, ".cs-who")) == frame.height
    screenshot(page, "dashboard.png", tmp_path)


def test_seed_header_names_the_article_its_author_and_how_far_to_trust_the_labels(open_page, seed):
    page = open_page(seed[0]).page
    header = page.eval_on_selector(".cs-header", "e => e.textContent")
    assert "by Gareth Porter" in header
    assert "comments from 21 November 2017 to 26 November 2017" in header
    assert "It opens: For many years, major U.S. institutions" in header
    assert page.eval_on_selector(".cs-byline a", "a => [a.getAttribute('href'), a.textContent]") == [
        "https://www.theamericanconservative.com", "The American Conservative"]
    trust = page.eval_on_selector("#cs-trust", "e => e.textContent")
    assert trust.startswith("How far to trust the labels: On six hand-labelled comment threads the model never saw "
                            "in training, the labels scored macro-F1 stance 0.76 (baseline 0.22) and agreement 0.77 "
                            "(baseline 0.29)")
    assert re.search(r"Here \d+ of 24 stance labels and \d+ of 14 agreement labels are below 0\.5 and drawn faded; "
                     r"0 set by a person \(✎\)\. How to correct labels$", trust)
    page.click("#cs-trust a")
    assert page.evaluate("location.hash") == "#cs-correct"
    assert "--labels my-labels.csv" in page.eval_on_selector(".cs-notes", "e => e.textContent")


def test_every_reply_in_the_conversation_shows_whom_it_answers(open_page, seed):
    path, frame = seed
    page = open_page(path).page
    rows = [json.loads(line) for line in (ROOT / "comments.jsonl").read_text(encoding="utf-8").splitlines()]
    authors = {row["id"]: row["author"] for row in rows}
    expected = {f"#{row['position']}": f"↩ answers {authors[row['parent_id']]} (#{row['parent_id']})"
                for row in rows if row["parent_id"]}
    shown = dict(zip([m.split(" ")[0] for m in conversation(page, ".cs-meta")], conversation(page, ".cs-to")))
    assert {k: v for k, v in shown.items() if v} == expected
    assert shown["#2"] == "↩ answers Lenny (#1)" and shown["#16"] == "↩ answers alex sardari (#12)"
    assert shown["#24"] == "↩ answers EliteCommInc. (#23)" and shown["#1"] == ""
    # Threaded: each reply comes right under the comment it answers or a sibling of it, indented by depth.
    order = [int(m.split(" ")[0][1:]) for m in conversation(page, ".cs-meta")]
    assert order[:8] == [1, 2, 3, 8, 9, 10, 11, 20]
    agreement = conversation(page, ".cs-labels .cs-chip:nth-child(2)")
    assert agreement[order.index(2)].startswith("disagrees with Lenny")


def test_sides_show_representative_sentences_with_their_authors(open_page, seed):
    path, frame = seed
    page = open_page(path).page
    summary = side_summary(frame)
    for side in ("favor", "against"):
        quotes = page.eval_on_selector_all(f"#cs-side-{side} li q", "qs => qs.map(q => q.textContent)")
        assert quotes == [q["sentence"] for q in summary[side]["quotes"]] and len(quotes) == 3
        who = page.eval_on_selector_all(f"#cs-side-{side} li .cs-who", "bs => bs.map(b => b.textContent)")
        assert who == [q["author"] for q in summary[side]["quotes"]]
    answered = page.eval_on_selector_all("#cs-answered li", "ls => ls.map(l => l.textContent)")
    assert answered[0].startswith("4 replies (7 below): How much does Iran contribute") and "— Lenny #1" in answered[0]
    page.click("#cs-side-favor li .cs-jump")
    page.wait_for_timeout(300)
    assert page.evaluate("document.querySelector('.cs-flash .cs-meta').textContent").startswith(
        f"#{summary['favor']['quotes'][0]['position']} ")


def test_author_dropdown_highlights_the_author_in_every_view_and_filters_the_conversation(open_page, seed):
    path, frame = seed
    page = open_page(path).page
    top = frame.group_by("author").len().sort(["len", "author"], descending=[True, False]).row(0)
    page.select_option("#cs-author", value="0")
    settle(page, "document.getElementById('cs-talk-status').textContent.includes('author:')")
    assert conversation(page, ".cs-who") == [top[0]] * top[1]
    tree_dots = opacities(page, "reply-tree", "symbol")
    assert sum(1 for o in tree_dots if o != "0.12") == top[1] and len(tree_dots) == frame.height
    bars = opacities(page, "participation", "rect")
    by_author = data.participation_rows(frame).filter(pl.col("author") == top[0]).height
    assert sum(1 for o in bars if o != "0.12") == by_author and len(bars) > by_author
    signals = page.evaluate("Object.values(window.commentscope.views).map(v => v.signal('sel_author'))")
    assert signals == [top[0]] * CHART_COUNT


def test_tiny_thread_selection_by_stance_by_click_and_by_chain(open_page, tmp_path):
    [path] = write_dashboards(tiny_frame(), [make_thread("tiny", title="Tiny")], tmp_path)
    opened = open_page(path)
    page = opened.page
    page.select_option("#cs-stance", label="against")
    settle(page, "document.getElementById('cs-talk-status').textContent.includes('stance: against')")
    assert [m.split(" ")[0] for m in conversation(page, ".cs-meta")] == ["#2", "#5", "#6"]
    assert opacities(page, "reply-tree", "symbol") == ["0.12", "1", "0.12", "0.12", "1", "1", "0.12"]
    page.click("#cs-clear")
    page.wait_for_timeout(200)
    assert opacities(page, "reply-tree", "symbol") == ["1"] * 7
    page.locator('[data-chart="reply-tree"] svg g.role-mark.mark-symbol > path').nth(2).click()
    settle(page, "window.commentscope.state.author === 'Ann'")
    assert conversation(page, ".cs-who") == ["Ann", "Ann"]
    assert page.eval_on_selector("#cs-author", "e => e.options[e.selectedIndex].textContent") == "Ann (2)"
    assert opacities(page, "reply-tree", "rule") == ["0.12", "1", "0.12", "0.12"]
    page.click("#cs-clear")
    page.locator('[data-chart="chains"] svg g.role-mark.mark-rect > path').nth(2).click()  # a bar of chain #4
    settle(page, "window.commentscope.state.chain === '4'")
    assert [m.split(" ")[0] for m in conversation(page, ".cs-meta")] == ["#4", "#5", "#6"]
    assert page.eval_on_selector("#cs-chain", "e => e.options[e.selectedIndex].textContent") == "#4 Cy · 3 comments"
    assert opacities(page, "sentiment-time", "symbol") == ["0.12", "0.12", "0.12", "1", "1", "1", "0.12"]
    page.click("#cs-clear")
    page.wait_for_timeout(200)
    page.click("#cs-conversation > li:first-child .cs-toggle")  # collapse Ann's chain
    assert [m.split(" ")[0] for m in conversation(page, ".cs-meta")] == ["#1", "#4", "#5", "#6", "#7"]
    assert opened.errors == [] and opened.outside == []


# ---- small and large threads -----------------------------------------------------------------------------

def test_a_two_comment_thread_draws_whole_number_axes(open_page, tmp_path):
    rows = [comment("two", 1, "Ann", None, 0, "1", "favor", 0.5, text="I agree with this piece, the argument holds.",
                    timestamp="2024-05-01T10:00:00"),
            comment("two", 2, "", "1", 1, "1", "against", -0.2, "disagree", "markup",
                    "No, the argument does not hold at all.", "2024-05-01T10:20:00")]
    rows[1]["flags"] = ["deleted"]
    [path] = write_dashboards(analysed(rows), [make_thread("two", title="A two-comment thread", site="Example")],
                              tmp_path)
    opened = open_page(path)
    page = opened.page
    assert opened.errors == [] and opened.outside == []
    checked = 0
    for chart in ("reply-tree", "chains", "exchanges", "stance", "participation", "sentiment-time"):
        for title, labels in axes(page, chart):
            if not labels or not all(re.fullmatch(r"−?\d+(\.\d+)?", label) for label in labels):
                continue  # a nominal axis (names, groups)
            if title.startswith("sentiment"):
                continue  # -1 to +1: fractions are its values
            assert all(re.fullmatch(r"\d+", label) for label in labels), (chart, title, labels)
            assert len(labels) == len(set(labels)), (chart, title, labels)
            checked += 1
    assert checked >= 7
    assert conversation(page, ".cs-who") == ["Ann", "[deleted]"]
    assert conversation(page, ".cs-to") == ["", "↩ answers Ann (#1)"]
    assert "[deleted]" in page.eval_on_selector('[data-chart="participation"]', "e => e.textContent")
    screenshot(page, "dashboard-small.png", tmp_path)


def worded_frame(count: int) -> pl.DataFrame:
    """``synthetic_frame``'s thread with sentences of the seed's comments for text, so it reads like one."""
    import random

    sentences = [s.strip() + "." for row in (ROOT / "comments.jsonl").read_text(encoding="utf-8").splitlines()
                 for s in json.loads(row)["text"].replace("\n", " ").split(". ") if len(s.split()) > 4]
    rng = random.Random(11)
    texts = [" ".join(rng.sample(sentences, rng.randint(1, 3))) for _ in range(count)]
    return synthetic_frame(count, authors=300).with_columns(pl.Series("text", texts))


def test_a_2000_comment_thread_draws_every_comment_and_pages_the_conversation(open_page, tmp_path):
    frame = worded_frame(2000)
    [path] = write_dashboards(frame, [make_thread("big", title="A 2,000-comment thread", site="Example")], tmp_path)
    opened = open_page(path)
    page = opened.page
    assert opened.errors == [] and opened.outside == []
    assert marks(page, "reply-tree") == {"rect": data.depth_rows(frame).height}  # 2,000 lines would be a tangle
    assert marks(page, "sentiment-time")["symbol"] == 2000
    assert marks(page, "confidence")["symbol"] == data.confidence_rows(frame).height
    assert len(conversation(page, ".cs-who")) == 300
    screenshot(page, "dashboard-large.png", tmp_path)
    assert page.eval_on_selector("#cs-more", "b => b.textContent") == "Show 300 more of the 1700 not shown"
    page.click("#cs-more")
    assert len(conversation(page, ".cs-who")) == 600


def test_aggregated_views_render_above_the_limit(open_page, tmp_path):
    frame = synthetic_frame(300, authors=60)
    [path] = write_dashboards(frame, [make_thread("big")], tmp_path, limit=50)
    opened = open_page(path)
    assert marks(opened.page, "reply-tree") == {"rect": data.depth_rows(frame).height}
    assert marks(opened.page, "confidence")["symbol"] == data.binned_confidence(frame).height
    assert opened.errors == [] and opened.outside == []


# ---- hostile input ---------------------------------------------------------------------------------------

def test_hostile_thread_runs_no_payload_and_shows_it_as_text(open_page, hostile):
    path, frame = hostile
    opened = open_page(path)
    page = opened.page
    xss = "() => typeof window.__xss"
    assert page.evaluate(xss) == "undefined"
    assert page.eval_on_selector("h1", "e => e.textContent") == \
        'Hostile </script><script>window.__xss=1</script> <img src=x onerror="window.__xss=1"> \u2028line\u2029end'
    assert page.eval_on_selector(".cs-article-author", "e => e.textContent") == "<script>window.__xss=1</script>"
    texts = {c: t for c, t in zip(conversation(page, ".cs-meta"), conversation(page, ".cs-c-text"))}
    assert sorted(texts.values()) == sorted(frame.get_column("text").to_list())
    assert sorted(conversation(page, ".cs-who")) == sorted(frame.get_column("author").to_list())
    answered = [t for t in conversation(page, ".cs-to") if t]
    assert "↩ answers <script>window.__xss=1</script> (#1)" in answered
    summary = side_summary(frame)
    quotes = page.eval_on_selector_all("#cs-side-favor q, #cs-side-against q", "qs => qs.map(q => q.textContent)")
    assert quotes == [q["sentence"] for side in ("favor", "against") for q in summary[side]["quotes"]] and quotes
    assert page.evaluate("document.querySelectorAll('script').length") == 3
    assert page.evaluate("document.querySelectorAll('img, iframe, object, embed, [onerror], [onload]').length") == 0
    assert page.eval_on_selector_all("a", "as => as.map(a => a.getAttribute('href'))") == ["#cs-correct"]
    options = page.eval_on_selector_all("#cs-author option", "os => os.map(o => o.value)")
    for value in options[1:]:
        page.select_option("#cs-author", value=value)
    page.click("#cs-clear")
    page.locator('[data-chart="reply-tree"] svg g.role-mark.mark-symbol > path').first.hover()
    page.wait_for_selector("#vg-tooltip-element.visible", timeout=5000)
    tooltip = page.eval_on_selector("#vg-tooltip-element", "e => [e.textContent, e.querySelectorAll('img, script').length]")
    assert 'onerror="window.__xss=1"' in tooltip[0] and tooltip[1] == 0
    page.locator('[data-chart="participation"] svg g.role-mark.mark-rect > path').first.click()
    page.click("#cs-answered .cs-jump")
    page.wait_for_timeout(300)
    assert page.evaluate(xss) == "undefined"
    assert opened.errors == [] and opened.outside == []


# ---- several threads -------------------------------------------------------------------------------------

def test_comparison_page_draws_its_views_offline(open_page, tmp_path):
    hostile_frame, hostile_threads = xss_frame()
    frame = pl.concat([tiny_frame("one"), synthetic_frame(80, thread="two"), hostile_frame], how="diagonal_relaxed")
    threads = [make_thread("one", title="One"), make_thread("two"), hostile_threads[0]]
    opened = open_page(write_comparison(frame, threads, tmp_path / "compare.html"))
    page = opened.page
    assert opened.errors == [] and opened.outside == []
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert marks(page, "stance-shares") == {"rule": 9, "symbol": 9}
    depth_bars = frame.group_by("thread_id", pl.col("depth").clip(0, 8)).len().height
    assert marks(page, "depth-distribution") == {"rect": depth_bars}
    assert page.eval_on_selector("#cs-stance-test", "e => e.textContent") == stance_test(frame)["statement"]
    labels = page.eval_on_selector_all(".cs-metrics tbody tr", "rows => rows.map(r => r.cells[0].textContent)")
    assert labels[:2] == ["One", "two"] and labels[2] == hostile_threads[0].title
    glossary = page.eval_on_selector(".cs-glossary", "e => e.textContent")
    assert "chains" in glossary and "reciprocity" in glossary and "answered back" in glossary


def test_collection_index_links_every_page_and_the_comparison(open_page, tmp_path):
    frame = pl.concat([tiny_frame("one"), synthetic_frame(60, thread="two"),
                       analysed([comment("three", 1, "Zed", None, 0, "1", "none", 0.0)])])
    threads = [make_thread("one", title="One <b>bold</b>"), make_thread("two", title="Two"),
               make_thread("three"), make_thread("empty", title="Nobody commented")]
    pages = write_dashboards(frame, threads, tmp_path, collection=True)
    written = write_collection(frame, threads, pages, tmp_path)
    assert [p.name for p in written] == ["comparison.html", "index.html"]
    opened = open_page(written[-1], ready=False)
    page = opened.page
    links = page.eval_on_selector_all("a", "as => as.map(a => [a.getAttribute('href'), a.textContent, a.href])")
    assert [href for href, _, _ in links] == ["comparison.html", "one.html", "two.html", "three.html", "empty.html"]
    assert [text for _, text, _ in links[1:]] == ["One <b>bold</b>", "Two", "three", "Nobody commented"]
    for _, _, url in links:
        assert Path(url.removeprefix("file://")).is_file()
    rows = page.eval_on_selector_all(".cs-index tbody tr", "rs => rs.map(r => Array.from(r.cells).map(c => c.textContent))")
    assert rows[0][2:] == ["7", "5", "4", "29%", "43%", "29%", "-0.01"]
    assert rows[3][2:] == ["0", "0", "0", "–", "–", "–", "–"]
    page.click("text=Two")
    page.wait_for_function("document.body.classList.contains('cs-ready')", timeout=60_000)
    assert page.eval_on_selector("h1", "e => e.textContent") == "Two"
    page.click(".cs-back a")
    page.wait_for_load_state()
    assert page.url.endswith("/index.html")
    page.click("#cs-compare-link")
    page.wait_for_function("document.body.classList.contains('cs-ready')", timeout=60_000)
    assert opened.errors == [] and opened.outside == []
