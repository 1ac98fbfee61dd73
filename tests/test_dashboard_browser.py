"""The generated pages in real headless Chromium, opened from file:// with every other request aborted:
no console errors, nothing fetched, every view drawn with the expected number of marks, the selection
linked across views and the table, and hostile comment text shown as text, never run."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from commentscope.analysis.views import chart_data as data
from commentscope.analysis.views.compare import stance_test, write_comparison
from commentscope.analysis.views.dashboard import write_dashboards
from tests.test_dashboard import ROOT, make_thread, synthetic_frame, tiny_frame, xss_frame

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
SCREENSHOT = ROOT / "docs" / "dashboard.png"


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

    def opener(path: Path) -> Opened:
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
        opened.page.wait_for_function("document.body.classList.contains('cs-ready')", timeout=30_000)
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


def opacities(page: Page, chart: str, kind: str) -> list[str]:
    return page.evaluate("""([chart, kind]) => Array.from(document.querySelectorAll(
        `[data-chart="${chart}"] svg g.role-mark.mark-${kind} > *`)).map(e => e.getAttribute('opacity') || '1')""",
                         [chart, kind])


def table_column(page: Page, column: int) -> list[str]:
    return page.evaluate("c => Array.from(document.querySelectorAll('#cs-table tbody tr')).map(r => r.cells[c].textContent)",
                         column)


def test_seed_dashboard_draws_every_view_offline(open_page, seed):
    path, frame = seed
    opened = open_page(path)
    page = opened.page
    assert opened.errors == [] and opened.outside == []
    charts = page.eval_on_selector_all("[data-chart]", "els => els.map(e => [e.dataset.chart, e.querySelectorAll('svg').length])")
    assert [count for _, count in charts] == [1] * 7
    points = data.comment_points(frame)
    replies = int(points.get_column("parent_seq").is_not_null().sum())
    assert marks(page, "overview") == {"symbol": frame.height}
    assert marks(page, "reply-tree") == {"rule": replies, "symbol": frame.height}
    assert marks(page, "sentiment-time")["symbol"] == frame.height
    assert marks(page, "stance") == {"rect": data.stance_rows(frame).height}
    assert marks(page, "participation") == {"rect": data.participation_rows(frame).height}
    assert marks(page, "chains") == {"rect": data.chain_rows(frame).height}
    matrix = data.matrix_rows(frame).height
    assert marks(page, "reply-matrix") == ({"rect": matrix, "text": matrix} if matrix else {"text": 1})
    assert len(table_column(page, 0)) == frame.height
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT))
    assert SCREENSHOT.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_author_dropdown_highlights_the_author_in_every_view_and_filters_the_table(open_page, seed):
    path, frame = seed
    page = open_page(path).page
    top = frame.group_by("author").len().sort(["len", "author"], descending=[True, False]).row(0)
    page.select_option("#cs-author", value="0")
    page.wait_for_function("document.getElementById('cs-table-status').textContent.includes('author:')")
    page.wait_for_timeout(200)
    assert table_column(page, 1) == [top[0]] * top[1]
    overview = opacities(page, "overview", "symbol")
    assert overview.count("1") == top[1] and len(overview) == frame.height
    tree_dots = opacities(page, "reply-tree", "symbol")
    assert tree_dots.count("1") == top[1]
    bars = opacities(page, "participation", "rect")
    by_author = data.participation_rows(frame).filter(pl.col("author") == top[0]).height
    assert bars.count("1") == by_author and len(bars) > by_author
    signals = page.evaluate("Object.values(window.commentscope.views).map(v => v.signal('sel_author'))")
    assert signals == [top[0]] * 7


def test_tiny_thread_selection_by_stance_and_by_click(open_page, tmp_path):
    [path] = write_dashboards(tiny_frame(), [make_thread("tiny", title="Tiny")], tmp_path)
    opened = open_page(path)
    page = opened.page
    page.select_option("#cs-stance", label="against")
    page.wait_for_function("document.getElementById('cs-table-status').textContent.includes('stance: against')")
    page.wait_for_timeout(200)
    assert table_column(page, 0) == ["2", "5", "6"]
    assert opacities(page, "overview", "symbol") == ["0.12", "1", "0.12", "0.12", "1", "1", "0.12"]
    page.click("#cs-clear")
    page.wait_for_timeout(200)
    assert opacities(page, "overview", "symbol") == ["1"] * 7
    page.locator('[data-chart="overview"] svg g.role-mark.mark-symbol > path').nth(2).click()
    page.wait_for_function("window.commentscope.state.author === 'Ann'")
    page.wait_for_timeout(200)
    assert table_column(page, 1) == ["Ann", "Ann"]
    assert page.eval_on_selector("#cs-author", "e => e.options[e.selectedIndex].textContent") == "Ann (2)"
    assert opacities(page, "reply-tree", "rule") == ["0.12", "1", "0.12", "0.12"]
    assert opened.errors == [] and opened.outside == []


def test_hostile_thread_runs_no_payload_and_shows_it_as_text(open_page, hostile):
    path, frame = hostile
    opened = open_page(path)
    page = opened.page
    xss = "() => typeof window.__xss"
    assert page.evaluate(xss) == "undefined"
    assert page.eval_on_selector("h1", "e => e.textContent") == \
        'Hostile </script><script>window.__xss=1</script> <img src=x onerror="window.__xss=1"> \u2028line\u2029end'
    assert table_column(page, 5) == frame.sort("position").get_column("text").to_list()
    assert table_column(page, 1) == frame.sort("position").get_column("author").to_list()
    assert page.evaluate("document.querySelectorAll('script').length") == 3
    assert page.evaluate("document.querySelectorAll('img, a, iframe, [onerror], [onload]').length") == 0
    options = page.eval_on_selector_all("#cs-author option", "os => os.map(o => o.value)")
    for value in options[1:]:
        page.select_option("#cs-author", value=value)
    page.locator('[data-chart="overview"] svg g.role-mark.mark-symbol > path').first.hover()
    page.wait_for_selector("#vg-tooltip-element.visible", timeout=5000)
    tooltip = page.eval_on_selector("#vg-tooltip-element", "e => [e.textContent, e.querySelectorAll('img, script').length]")
    assert 'onerror="window.__xss=1"' in tooltip[0] and tooltip[1] == 0
    page.locator('[data-chart="participation"] svg g.role-mark.mark-rect > path').first.click()
    page.wait_for_timeout(300)
    assert page.evaluate(xss) == "undefined"
    assert opened.errors == [] and opened.outside == []


def test_aggregated_views_render_for_a_large_thread(open_page, tmp_path):
    frame = synthetic_frame(300, authors=60)
    [path] = write_dashboards(frame, [make_thread("big")], tmp_path, limit=50)
    assert data.chain_rows(frame).height > 50
    opened = open_page(path)
    assert marks(opened.page, "overview") == {"symbol": data.binned_overview(frame).height}
    assert marks(opened.page, "chains") == {"rect": data.chain_counts(data.chain_rows(frame)).height}
    assert opened.errors == [] and opened.outside == []


def test_comparison_page_draws_its_views_offline(open_page, tmp_path):
    hostile_frame, hostile_threads = xss_frame()
    frame = pl.concat([tiny_frame("one"), synthetic_frame(80, thread="two"), hostile_frame])
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
    assert labels[:2] == ["One", "two"] and labels[2].startswith("Hostile </script><script>")
