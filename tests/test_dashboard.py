"""Dashboard and comparison page, tested as data: the rows each view embeds, the chart specs, the page's
markers, escaping, file names, determinism. (The pages in a real browser: test_dashboard_browser.py.)"""

from __future__ import annotations

import html
import json
import random
import re
from pathlib import Path

import polars as pl
import pytest

from commentscope.analysis.views import chart_data as data
from commentscope.analysis.views.charts import CHARTS, HELP
from commentscope.analysis.views.chart_data import MAX_ROWS
from commentscope.analysis.views.compare import build_comparison, comparison_metrics, stance_test, write_comparison
from commentscope.analysis.views.dashboard import build_dashboard, safe_name, write_dashboards
from commentscope.analysis.views.page import ROOT as VIEWS, render, script_json
from commentscope.scraper.errors import CommentscopeError, InputError, UsageError
from commentscope.scraper.records import COMMENT_SCHEMA, EVIDENCE, Thread
from commentscope.scraper.store import read_records
from tests.conftest import assert_same

ROOT = Path(__file__).resolve().parent.parent
XSS = ROOT / "tests" / "data" / "xss" / "analysed.jsonl"
CHART_NAMES = ["reply-tree", "chains", "exchanges", "stance", "participation", "sentiment-time", "confidence"]
ANALYSED_SCHEMA = {**COMMENT_SCHEMA, "sentiment": pl.Float64, "sentiment_label": pl.String, "stance": pl.String,
                   "stance_confidence": pl.Float64, "agreement": pl.String, "agreement_confidence": pl.Float64,
                   "depth": pl.Int64, "root_id": pl.String}


# ---- analysed frames built in code ---------------------------------------------------------------------

def comment(thread: str, i: int, author: str, parent: str | None, depth: int, root: str, stance: str,
            sentiment: float, agreement: str | None = None, evidence: str | None = None, text: str = "",
            timestamp: str | None = None) -> dict:
    """One analysed record with every field written out."""
    label = "positive" if sentiment > 0.05 else "negative" if sentiment < -0.05 else "neutral"
    return {"thread_id": thread, "id": str(i), "position": i, "author": author, "timestamp": timestamp,
            "text": text or f"comment {i} by {author}", "parent_id": parent, "reply_evidence": evidence,
            "reply_confidence": None if evidence is None else 1.0 if evidence == "markup" else 0.6,
            "source_format": "test", "author_url": None, "flags": [], "quotes": [], "sentiment": sentiment,
            "sentiment_label": label, "stance": stance, "stance_confidence": 0.7, "agreement": agreement,
            "agreement_confidence": None if agreement is None else 0.8, "depth": depth, "root_id": root}


def make_thread(thread_id: str, **meta: str) -> Thread:
    """A thread's metadata as the views take it."""
    return Thread(thread_id=thread_id, source_format="test", **meta)


def analysed(rows: list[dict]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=ANALYSED_SCHEMA)


def tiny_rows(thread: str = "tiny") -> list[dict]:
    """Ann opens, Bob disagrees, Ann answers Bob (A-B-A); Cy asks, Bob answers, Dee agrees with Bob."""
    return [
        comment(thread, 1, "Ann", None, 0, "1", "favor", 0.5, text="I agree with the article entirely, it is right."),
        comment(thread, 2, "Bob", "1", 1, "1", "against", -0.4, "disagree", "markup", "No, that is wrong."),
        comment(thread, 3, "Ann", "2", 2, "1", "favor", 0.1, "disagree", "address", "@Bob it is right."),
        comment(thread, 4, "Cy", None, 0, "4", "none", 0.0, text="What time is it?"),
        comment(thread, 5, "Bob", "4", 1, "4", "against", -0.6, "neutral", "inferred", "Time to go."),
        comment(thread, 6, "Dee", "5", 2, "4", "against", 0.3, "agree", "mention", "Bob is right."),
        comment(thread, 7, "Eve", None, 0, "7", "none", 0.0, text="First!"),
    ]


def tiny_frame(thread: str = "tiny") -> pl.DataFrame:
    return analysed(tiny_rows(thread))


def synthetic_frame(count: int, thread: str = "big", seed: int = 7, authors: int = 120,
                    stance_weights: tuple[float, float, float] = (0.3, 0.3, 0.4)) -> pl.DataFrame:
    """A random but fixed thread of ``count`` analysed comments with consistent depth/root links."""
    rng = random.Random(seed)
    names = [f"user{k:03d}" for k in range(authors)]
    rows, depth, root, author_of = [], {}, {}, {}
    for i in range(1, count + 1):
        parent = str(rng.randint(max(1, i - 40), i - 1)) if i > 1 and rng.random() < 0.6 else None
        depth[str(i)] = depth[parent] + 1 if parent else 0
        root[str(i)] = root[parent] if parent else str(i)
        author = names[min(int(rng.paretovariate(1.2)) - 1, authors - 1)] if rng.random() < 0.5 else rng.choice(names)
        author_of[str(i)] = author
        stance = rng.choices(["favor", "against", "none"], weights=stance_weights)[0]
        evidence = rng.choice(EVIDENCE) if parent else None
        agreement = rng.choice(["agree", "disagree", "neutral"]) if parent else None
        minute = i * 3
        stamp = f"2024-03-{1 + minute // 1440:02d}T{(minute // 60) % 24:02d}:{minute % 60:02d}:00"
        rows.append(comment(thread, i, author, parent, depth[str(i)], root[str(i)], stance,
                            round(rng.uniform(-1, 1), 3), agreement, evidence,
                            " ".join(rng.choice(["yes", "no", "maybe", "the", "article", "is", "wrong", "right"])
                                     for _ in range(rng.randint(3, 60))), stamp))
    return analysed(rows)


def xss_frame() -> tuple[pl.DataFrame, list[Thread]]:
    frame = pl.read_ndjson(XSS, schema=ANALYSED_SCHEMA)
    _, threads = read_records(XSS)
    return frame, threads


def rows_of(spec: dict) -> dict[str, int]:
    return {name: len(values) for name, values in spec.get("datasets", {}).items()}


def page_payload(page: str) -> dict:
    match = re.search(r'<script type="application/json" id="cs-data">(.*?)</script>', page, re.S)
    assert match is not None
    return json.loads(match.group(1))


# ---- the rows each view is drawn from ------------------------------------------------------------------

def test_comment_points_link_each_reply_to_its_parent_row():
    points = data.comment_points(tiny_frame())
    assert points.get_column("parent_seq").to_list() == [None, 1, 2, None, 4, 5, None]
    assert points.get_column("parent_depth").to_list() == [None, 0, 1, None, 0, 1, None]
    assert points.get_column("snippet").to_list()[0] == "I agree with the article entirely, it is right."


def test_snippet_keeps_the_first_twelve_words():
    rows = tiny_rows()
    rows[0]["text"] = "one two three four five six seven eight nine ten eleven twelve thirteen"
    snippet = data.comment_points(analysed(rows)).get_column("snippet")[0]
    assert snippet == "one two three four five six seven eight nine ten eleven twelve…"


def test_time_axis_only_when_every_comment_has_a_timestamp():
    assert not data.has_times(tiny_frame())
    assert data.has_times(synthetic_frame(30))


def test_stance_rows_tally_overall_and_per_depth_by_author():
    rows = data.stance_rows(tiny_frame())
    overall = rows.filter(pl.col("group") == "all comments")
    assert dict(overall.group_by("stance").agg(pl.col("n").sum()).iter_rows()) == {"favor": 2, "against": 3, "none": 2}
    depth2 = rows.filter(pl.col("group") == "depth 2").select("stance", "author", "n").rows()
    assert depth2 == [("favor", "Ann", 1), ("against", "Dee", 1)]


def test_participation_counts_comments_per_author_and_stance_split_by_chain():
    rows = data.participation_rows(tiny_frame())
    totals = rows.group_by("author", "stance", maintain_order=True).agg(pl.col("n").sum()).rows()
    assert totals == [("Ann", "favor", 2), ("Bob", "against", 2), ("Cy", "none", 1), ("Dee", "against", 1), ("Eve", "none", 1)]
    assert rows.filter(pl.col("author") == "Bob").select("root_id", "n").rows() == [("1", 1), ("4", 1)]
    assert rows.get_column("rank").unique(maintain_order=True).to_list() == [0, 1, 2, 3, 4]


def test_participation_pools_authors_beyond_the_limit():
    frame = synthetic_frame(300, authors=80)
    rows = data.participation_rows(frame, author_limit=10, detailed=False)
    assert rows.get_column("author").n_unique() == 11
    assert rows.get_column("n").sum() == 300
    assert rows.get_column("root_id").null_count() == rows.height
    pooled = rows.filter(pl.col("grouped")).get_column("author").unique().to_list()
    others = frame.get_column("author").n_unique() - 10
    assert pooled == [f"other ({others} authors)"]


def test_exchanges_count_replies_per_author_pair_and_agreement():
    rows = data.exchange_rows(tiny_frame())
    assert rows.select("pair", "agreement", "n", "total", "n_against").rows() == [
        ("Bob → Ann", "disagree", 1, 1, 1), ("Ann → Bob", "disagree", 1, 1, 0), ("Bob → Cy", "neutral", 1, 1, 1),
        ("Dee → Bob", "agree", 1, 1, 1)]
    assert rows.get_column("chains").to_list() == [["1"], ["1"], ["4"], ["4"]]


def test_exchanges_keep_the_busiest_pairs():
    rows = data.exchange_rows(synthetic_frame(400, authors=30), pair_limit=5)
    totals = rows.unique("pair", keep="first", maintain_order=True).get_column("total").to_list()
    assert len(totals) == 5 and totals == sorted(totals, reverse=True)
    assert rows.group_by("pair").agg(pl.col("n").sum(), pl.col("total").first()).filter(
        pl.col("n") != pl.col("total")).height == 0


def test_chains_measure_longest_path_and_back_and_forth():
    rows = data.chain_rows(tiny_frame())
    assert rows.select("root_id", "length", "size", "aba", "back_and_forth").rows() == [
        ("1", 3, 3, 1, True), ("4", 3, 3, 0, False), ("7", 1, 1, 0, False)]
    assert rows.get_column("pairs").to_list()[0] == ["against:Bob", "favor:Ann"]


def test_chain_bars_show_the_chains_that_drew_replies_by_stance():
    rows = data.chain_bars(tiny_frame())
    assert rows.select("label", "stance", "n", "size", "aba").rows() == [
        ("#1 Ann", "favor", 2, 3, 1), ("#1 Ann", "against", 1, 3, 1), ("#4 Cy", "against", 2, 3, 0),
        ("#4 Cy", "none", 1, 3, 0)]


def test_deleted_authors_are_named_never_blank():
    rows = tiny_rows()
    rows[1]["author"], rows[1]["flags"] = "", ["deleted"]
    rows[4]["author"], rows[4]["flags"] = None, ["removed"]
    rows[6]["author"] = "  "
    authors = data.normalise(analysed(rows)).get_column("author").to_list()
    assert authors == ["Ann", "[deleted]", "Ann", "Cy", "[removed]", "Dee", "[deleted]"]


def test_low_confidence_labels_are_marked_uncertain_unless_a_person_set_them():
    rows = tiny_rows()
    rows[0]["stance_confidence"], rows[1]["stance_confidence"], rows[2]["stance_confidence"] = 0.3, 0.49, None
    frame = analysed(rows).with_columns(
        pl.Series("stance_source", ["model", "human", "model", "model", "model", "model", "model"]))
    norm = data.normalise(frame)
    assert norm.get_column("uncertain").to_list() == [True, False, False, False, False, False, False]
    assert norm.get_column("human").to_list() == [False, True, False, False, False, False, False]


def test_day_marks_fall_where_a_new_day_starts():
    marks = data.day_marks(synthetic_frame(600))  # a comment every 3 minutes from 1 March
    assert marks.select("seq", "day").rows() == [(480, "2024-03-02")]
    assert marks.get_column("label").to_list() == ["2 Mar"]
    assert data.day_marks(tiny_frame()).height == 0


def test_missing_analysed_columns_are_an_input_error_with_a_fix():
    with pytest.raises(InputError) as error:
        build_dashboard(tiny_frame().drop("stance", "depth"), make_thread("tiny"))
    assert "stance, depth" in str(error.value) and "commentscope analyze" in str(error.value)


# ---- chart specs -----------------------------------------------------------------------------------------

def test_registry_names_every_view():
    assert list(CHARTS) == CHART_NAMES


@pytest.mark.parametrize("name", CHART_NAMES)
def test_every_view_declares_the_shared_selection_params(name):
    spec = CHARTS[name](tiny_frame()).to_dict()
    assert {p["name"]: p.get("value") for p in spec["params"]} == {"sel_author": None, "sel_stance": None,
                                                                    "sel_chain": None}


def test_every_view_has_plain_words_help():
    assert set(HELP) == set(CHART_NAMES) and all(len(HELP[name]) > 40 for name in CHART_NAMES)


def test_reply_tree_colours_edges_by_agreement_styles_them_by_evidence_and_names_authors():
    spec = CHARTS["reply-tree"](tiny_frame()).to_dict()
    edges, nodes, names = spec["layer"]
    assert edges["mark"]["type"] == "rule" and edges["transform"] == [{"filter": "datum.parent_seq != null"}]
    assert edges["encoding"]["color"]["field"] == "reply_label"
    assert edges["encoding"]["color"]["scale"]["domain"] == ["agree", "neutral", "disagree"]
    dash = edges["encoding"]["strokeDash"]
    assert dash["field"] == "link"
    assert dash["scale"]["domain"] == ["the source's threading", "explicit cue (@name, quote, header)",
                                       "weak cue (a name, shared words)"]
    assert len({tuple(d) for d in dash["scale"]["range"]}) == 3
    assert (edges["encoding"]["x2"]["field"], edges["encoding"]["y2"]["field"]) == ("depth", "seq")
    assert nodes["encoding"]["color"]["field"] == "stance"
    assert names["mark"]["type"] == "text" and names["encoding"]["text"]["field"] == "author"
    assert spec["resolve"] == {"scale": {"color": "independent"}}


def test_faded_marks_show_labels_below_the_confidence_line():
    opacity = CHARTS["reply-tree"](tiny_frame()).to_dict()["layer"][1]["encoding"]["opacity"]
    assert opacity["condition"][0]["value"] == 0.12 and opacity["condition"][0]["test"].startswith("!(")
    assert opacity["condition"][1] == {"test": "datum.uncertain", "value": 0.4}
    assert opacity["value"] == 1.0


def test_per_comment_views_share_one_dataset():
    names = {name: set(rows_of(CHARTS[name](tiny_frame()).to_dict())) for name in ("reply-tree", "sentiment-time")}
    assert names["reply-tree"] & names["sentiment-time"]


def test_sentiment_runs_in_reading_order_with_a_rule_where_each_day_starts():
    timed = CHARTS["sentiment-time"](synthetic_frame(600)).to_dict()
    dots = next(layer for layer in timed["layer"] if layer["mark"]["type"] == "circle")
    assert dots["encoding"]["x"]["field"] == "seq"
    rules = [layer for layer in timed["layer"] if layer["mark"].get("strokeDash") == [3, 3]]
    assert len(rules) == 1
    untimed = CHARTS["sentiment-time"](tiny_frame()).to_dict()
    assert not any(layer["mark"].get("strokeDash") for layer in untimed["layer"])


@pytest.mark.parametrize("name", ["reply-tree", "chains", "exchanges", "stance", "participation", "sentiment-time"])
def test_count_axes_of_a_small_thread_list_whole_numbers(name):
    rows = [comment("two", 1, "Ann", None, 0, "1", "favor", 0.5),
            comment("two", 2, "Bob", "1", 1, "1", "against", -0.2, "disagree", "markup")]
    spec = json.dumps(CHARTS[name](analysed(rows)).to_dict())
    lists = [json.loads(v) for v in re.findall(r'"values": (\[[^\]]*\])', spec)]
    assert lists and all(all(isinstance(v, int) for v in values) for values in lists)
    assert '"tickMinStep"' not in spec


def test_thread_without_replies_gets_placeholders_for_the_reply_views():
    rows = [comment("flat", i, f"a{i}", None, 0, str(i), "none", 0.0) for i in range(1, 4)]
    spec = CHARTS["exchanges"](analysed(rows)).to_dict()
    assert spec["mark"]["type"] == "text"
    assert list(spec["datasets"].values())[0] == [
        {"message": "No replies in this thread: every comment answers the article."}]
    chains = CHARTS["chains"](analysed(rows)).to_dict()
    assert list(chains["datasets"].values())[0][0]["message"].startswith("No comment drew a reply")


def test_confidence_view_draws_every_label_with_the_fading_line():
    spec = CHARTS["confidence"](tiny_frame()).to_dict()
    marks, rule, _ = spec["layer"]
    rows = spec["datasets"][marks["data"]["name"]]
    assert len(rows) == 7 + 4  # a stance for every comment, an agreement for every reply
    assert {row["row"] for row in rows} >= {"stance: favor", "agreement: disagree"}
    assert spec["datasets"][rule["data"]["name"]][0]["x"] == 0.5


def test_large_threads_switch_to_aggregated_views_under_the_row_limit():
    frame = synthetic_frame(6000, authors=900)
    for name, build in CHARTS.items():
        spec = build(frame).to_dict()
        assert max(rows_of(spec).values()) <= MAX_ROWS, name
    tree = CHARTS["reply-tree"](frame).to_dict()
    assert tree["mark"]["type"] == "bar" and tree["encoding"]["y"]["field"] == "depth"
    binned = spec_rows(CHARTS["confidence"](frame).to_dict(), "circle")
    assert sum(row["n"] for row in binned) == 6000 + int(frame.get_column("parent_id").is_not_null().sum())


def test_limit_switches_views_to_aggregated_forms():
    frame = synthetic_frame(120)
    detailed = CHARTS["sentiment-time"](frame, limit=500).to_dict()
    binned = CHARTS["sentiment-time"](frame, limit=50).to_dict()
    assert any(layer["mark"]["type"] == "circle" for layer in detailed["layer"])
    assert any(layer["mark"]["type"] == "area" for layer in binned["layer"])


def spec_rows(spec: dict, mark: str) -> list[dict]:
    """The rows of the layer drawn with ``mark``."""
    layer = next(layer for layer in spec["layer"] if layer["mark"]["type"] == mark)
    return spec["datasets"][layer["data"]["name"]]


# ---- the page --------------------------------------------------------------------------------------------

def test_page_is_self_contained_and_names_every_view():
    page = build_dashboard(tiny_frame(), make_thread("tiny", title="Tiny thread", site="Example"))
    assert re.findall(r'data-chart="([^"]+)"', page) == CHART_NAMES
    assert not re.search(r"<script[^>]+src=", page, re.I)
    assert not re.search(r"<link\b", page, re.I)
    assert not re.search(r"@import|@font-face|url\(http", page, re.I)
    assert "window.vegaEmbed" in page and "connect-src 'none'" in page


def test_page_is_deterministic():
    page = build_dashboard(tiny_frame(), make_thread("tiny", title="Tiny"))
    assert page == build_dashboard(tiny_frame(), make_thread("tiny", title="Tiny"))
    assert not re.search(r'"(param|view)_\d+"', page)


def test_page_payload_carries_specs_once_and_comments_verbatim():
    payload = page_payload(build_dashboard(tiny_frame(), make_thread("tiny")))
    assert [chart["name"] for chart in payload["charts"]] == CHART_NAMES
    assert all("datasets" not in chart["spec"] for chart in payload["charts"])
    used = {name for chart in payload["charts"] for name in chart["spec"]["usermeta"]["datasets"]}
    assert used == set(payload["datasets"])
    assert [c["text"] for c in payload["comments"]] == [r["text"] for r in tiny_rows()]
    assert payload["authors"][:2] == [["Ann", 2], ["Bob", 2]]


def test_script_json_escapes_everything_that_could_end_the_script():
    hostile = ['</script><script>x=1</script>', '<!--', '"}]</script>', "a\u2028b\u2029c", "&amp;"]
    text = script_json({"v": hostile})
    assert not re.search("[<>&\u2028\u2029]", text)
    assert json.loads(text) == {"v": hostile}


def test_every_value_in_the_markup_is_escaped_by_the_template_engine():
    hostile = make_thread("t", title='<b>"Q" & A</b>', site="<i>s</i>", url='https://x.test/?a=1&b="2"')
    head = build_dashboard(tiny_frame("t"), hostile).split('<script type="application/json"', 1)[0]
    assert "<title>&lt;b&gt;&#34;Q&#34; &amp; A&lt;/b&gt; — commentscope</title>" in head
    assert "<h1>&lt;b&gt;&#34;Q&#34; &amp; A&lt;/b&gt;</h1>" in head
    assert ('<p class="cs-source">site: <span class="cs-value">&lt;i&gt;s&lt;/i&gt;</span> · URL: <span class="cs-value">'
            'https://x.test/?a=1&amp;b=&#34;2&#34;</span> · format: <span class="cs-value">test</span></p>') in head


def test_pages_inline_our_style_and_script_verbatim():
    page = build_dashboard(tiny_frame(), make_thread("tiny"))
    for tag, name in (("style", "dashboard.css"), ("script", "dashboard.js")):
        assert f"<{tag}>{(VIEWS / 'static' / name).read_text(encoding='utf-8')}</{tag}>" in page


def test_templates_refuse_a_missing_value_and_a_missing_file():
    import jinja2

    with pytest.raises(jinja2.UndefinedError):
        render("comparison.html", title="x", charts=[], payload={})
    with pytest.raises(CommentscopeError, match="reinstall commentscope"):
        render("missing.html")


def test_hostile_thread_is_escaped_in_the_header_and_the_payload():
    frame, threads = xss_frame()
    page = build_dashboard(frame, threads[0])
    head = page.split('<script type="application/json"', 1)[0]
    assert "<script>window" not in head and "<img src=x" not in head
    assert "Hostile &lt;/script&gt;&lt;script&gt;window.__xss=1&lt;/script&gt;" in head
    assert re.findall(r"href=", head) == ["href="] and 'href="#cs-correct"' in head  # no link from a javascript: URL
    assert "by <b class=\"cs-article-author\">&lt;script&gt;window.__xss=1&lt;/script&gt;</b>" in head
    payload = page_payload(page)
    assert [c["author"] for c in payload["comments"]] == frame.get_column("author").to_list()
    assert payload["comments"][3]["text"].endswith("line\u2028separator\u2029paragraph")
    assert page.count("</script>") == 3


def test_safe_name_never_leaves_the_folder():
    assert safe_name("wp-123") == "wp-123"
    hostile = safe_name("../../etc/passwd")
    assert re.fullmatch(r"etc-passwd-[0-9a-f]{8}", hostile)
    assert safe_name("CON").startswith("thread-CON-")
    assert re.fullmatch(r"thread-[0-9a-f]{8}", safe_name("../.."))
    assert safe_name("a/b") != safe_name("a?b")
    assert len(safe_name("x" * 500)) <= 109


def test_write_dashboards_writes_one_file_per_thread_inside_the_folder(tmp_path):
    frame, threads = xss_frame()
    both = pl.concat([frame, tiny_frame()])
    paths = write_dashboards(both, threads, tmp_path / "out")
    assert [p.parent for p in paths] == [tmp_path / "out"] * 2
    assert paths[1].name == "tiny.html"
    assert re.fullmatch(r"xss-[A-Za-z0-9._-]*-[0-9a-f]{8}\.html", paths[0].name) and ".." not in paths[0].name
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(p.name for p in paths)
    assert all(p.stat().st_size > 100_000 for p in paths)


def test_write_dashboards_writes_each_view_as_png_and_svg(tmp_path):
    paths = write_dashboards(tiny_frame(), [make_thread("tiny")], tmp_path, png=True, svg=True)
    assert paths == [tmp_path / "tiny.html"]
    for name in CHART_NAMES:
        assert (tmp_path / f"tiny-{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert "<svg" in (tmp_path / f"tiny-{name}.svg").read_text(encoding="utf-8")[:500]


def test_thread_without_comments_still_gets_a_page():
    page = build_dashboard(tiny_frame(), make_thread("empty", title="Nobody commented"))
    payload = page_payload(page)
    assert payload["comments"] == []
    assert '<li title="comments in this thread"><b>0</b> comments</li>' in page
    assert payload["sides"]["favor"] == {"comments": 0, "uncertain": 0, "quotes": []} and payload["answered"] == []


def test_large_thread_page_stays_bounded():
    frame = synthetic_frame(6000, authors=900)
    page = build_dashboard(frame, make_thread("big"))
    payload = page_payload(page)
    assert len(payload["comments"]) == 6000
    assert max(len(rows) for rows in payload["datasets"].values()) <= MAX_ROWS
    assert len(page.encode("utf-8")) < 6_000_000


# ---- comparison ------------------------------------------------------------------------------------------

def two_threads() -> pl.DataFrame:
    return pl.concat([tiny_frame("one"), synthetic_frame(60, thread="two", seed=3)])


def test_comparison_metrics_count_structure_and_wilson_intervals():
    metrics = comparison_metrics(tiny_frame())
    row = metrics.row(0, named=True)
    assert (row["comments"], row["authors"], row["max_depth"], row["chains"], row["back_and_forth"]) == (7, 5, 2, 2, 1)
    assert row["reciprocity"] == pytest.approx(0.5)
    assert row["favor"] == 2 and row["favor_share"] == pytest.approx(2 / 7)
    rows = [comment("w", i, f"a{i}", None, 0, str(i), "favor" if i <= 2 else "none", 0.0) for i in range(1, 6)]
    wilson = comparison_metrics(analysed(rows)).row(0, named=True)
    assert (round(wilson["favor_lo"], 4), round(wilson["favor_hi"], 4)) == (0.1176, 0.7693)
    assert wilson["against_lo"] == pytest.approx(0.0) and round(wilson["against_hi"], 4) == 0.4345


def test_stance_test_chi_square_when_counts_are_large():
    rows = []
    for thread, counts in (("a", (30, 10, 10)), ("b", (10, 30, 10))):
        stances = ["favor"] * counts[0] + ["against"] * counts[1] + ["none"] * counts[2]
        rows += [comment(thread, i, f"u{i}", None, 0, str(i), s, 0.0) for i, s in enumerate(stances, 1)]
    result = stance_test(analysed(rows))
    assert result["test"] == "chi-square" and result["df"] == 2
    assert result["statistic"] == pytest.approx(20.0)
    assert result["statement"] == "The stance distributions differ across the 2 threads (chi² = 20.0, df = 2, p < 0.001)."


def test_stance_test_says_no_evidence_for_similar_threads():
    rows = []
    for thread in ("a", "b"):
        stances = ["favor"] * 20 + ["against"] * 20 + ["none"] * 10
        rows += [comment(thread, i, f"u{i}", None, 0, str(i), s, 0.0) for i, s in enumerate(stances, 1)]
    result = stance_test(analysed(rows))
    assert result["p_value"] == pytest.approx(1.0)
    assert result["statement"].startswith("No evidence that the stance distributions differ across the 2 threads (")


def test_stance_test_small_counts_use_fisher_or_permutation():
    small = stance_test(two_threads().filter(pl.col("position") <= 7))
    assert small["test"] == "permutation" and "permutation p" in small["statement"]
    assert stance_test(two_threads().filter(pl.col("position") <= 7)) == small
    rows = [comment("a", i, "x", None, 0, str(i), s, 0.0) for i, s in enumerate(["favor"] * 3 + ["against"], 1)]
    rows += [comment("b", i, "y", None, 0, str(i), s, 0.0) for i, s in enumerate(["against"] * 4, 1)]
    fisher = stance_test(analysed(rows))
    assert fisher["test"] == "fisher" and fisher["p_value"] == pytest.approx(1 / 7)


def test_stance_test_cannot_test_one_thread():
    result = stance_test(tiny_frame())
    assert result["test"] is None and result["statement"].startswith("Cannot test")


def test_comparison_page_has_metrics_test_and_views(tmp_path):
    threads = [make_thread("one", title="One <b>&</b>"), make_thread("two", title="Two")]
    frame = two_threads()
    page = build_comparison(frame, threads)
    assert re.findall(r'data-chart="([^"]+)"', page) == ["stance-shares", "sentiment-distribution", "depth-distribution"]
    assert "<td>One &lt;b&gt;&amp;&lt;/b&gt;</td>" in page
    assert html.unescape(re.search(r'id="cs-stance-test">(.*?)</p>', page).group(1)) == stance_test(frame)["statement"]
    assert_same(write_comparison(frame, threads, tmp_path / "c.html").read_text(encoding="utf-8"), page, "c.html")


def test_comparison_needs_two_threads_with_comments():
    with pytest.raises(UsageError):
        build_comparison(tiny_frame(), [make_thread("tiny")])


# ---- the seed through the real pipeline ------------------------------------------------------------------

def test_seed_dashboard_through_the_pipeline(tmp_path):
    from commentscope.analysis.pipeline import analyze, load

    frame, threads = load([str(ROOT / "comments.jsonl")])
    result = analyze(frame, threads)
    paths = write_dashboards(result, threads, tmp_path)
    assert len(paths) == len(threads) == 1
    payload = page_payload(paths[0].read_text(encoding="utf-8"))
    tree = next(c for c in payload["charts"] if c["name"] == "reply-tree")
    [rows] = [payload["datasets"][name] for name in tree["spec"]["usermeta"]["datasets"]]
    assert len(rows) == result.height
    assert [r["author"] for r in rows] == result.sort("position").get_column("author").to_list()
    assert sorted(c["position"] for c in payload["comments"]) == list(range(1, 25))
