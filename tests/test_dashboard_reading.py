"""What a reader gets from a thread page besides the charts, tested as data: the conversation in threaded
order with whom each comment answers, what each side says, the most answered comments, the article in
the header, the trust line's figures, and the collection index. (In a real browser:
test_dashboard_browser.py.)"""

from __future__ import annotations

import json
import re

import polars as pl
import pytest

from commentscope.analysis.views import trust
from commentscope.analysis.views.collection import write_collection, write_index
from commentscope.analysis.views.conversation import conversation_rows, most_answered, threaded_order
from commentscope.analysis.views.dashboard import build_dashboard, safe_name, write_dashboards
from commentscope.analysis.views.header import article_context, header_counts, long_date, safe_link
from commentscope.analysis.views.chart_data import normalise
from commentscope.analysis.views.sides import side_summary
from commentscope.scraper.errors import UsageError
from tests.conftest import SEED, SEED_THREAD_ID, run_cli
from tests.test_dashboard import analysed, comment, make_thread, page_payload, synthetic_frame, tiny_frame, tiny_rows


@pytest.fixture(scope="module")
def seed():
    from commentscope.analysis.pipeline import analyze, load

    frame, threads = load([str(SEED)])
    return analyze(frame, threads), threads[0]


# ---- the conversation ------------------------------------------------------------------------------------

def test_threaded_order_puts_each_reply_under_the_comment_it_answers():
    ids = ["1", "2", "3", "4", "5", "6"]
    parents = [None, "1", None, "2", "1", "missing"]
    assert threaded_order(ids, parents) == [0, 1, 3, 4, 2, 5]


def test_threaded_order_never_follows_a_parent_that_comes_later():
    assert threaded_order(["1", "2"], ["2", None]) == [0, 1]


def test_conversation_rows_say_whom_each_comment_answers():
    rows = conversation_rows(tiny_frame())
    assert [(r["position"], r["parent"], r["replies_to"], r["replies"], r["root"]) for r in rows] == [
        (1, None, None, 1, "1"), (2, 1, "Ann", 1, "1"), (3, 2, "Bob", 0, "1"), (4, None, None, 1, "4"),
        (5, 4, "Cy", 1, "4"), (6, 5, "Bob", 0, "4"), (7, None, None, 0, "7")]
    assert rows[1]["agreement"] == "disagree" and rows[1]["agreement_confidence"] == 0.8
    assert rows[1]["reply_evidence"] == "markup" and rows[1]["stance_evidence"] is None


def test_conversation_rows_carry_the_classifier_evidence_when_present():
    frame = tiny_frame().with_columns(
        pl.Series("stance_evidence", ["'I agree with the article'", None, None, None, None, None, None]),
        pl.Series("agreement_evidence", [None, "'No, that is wrong'", None, None, None, None, None]))
    rows = conversation_rows(frame)
    assert rows[0]["stance_evidence"] == "'I agree with the article'"
    assert rows[1]["agreement_evidence"] == "'No, that is wrong'"


def test_seed_conversation_answers_match_the_records(seed):
    frame, _ = seed
    rows = conversation_rows(frame)
    by_id = {row["id"]: row for row in rows}
    for record in frame.iter_rows(named=True):
        row = by_id[record["id"]]
        expected = by_id[record["parent_id"]]["author"] if record["parent_id"] else None
        assert row["replies_to"] == expected
    assert by_id["24"]["replies_to"] == "EliteCommInc." and by_id["16"]["replies_to"] == "alex sardari"


def test_large_threads_cut_long_texts_in_the_conversation():
    frame = synthetic_frame(40).with_columns(pl.lit("word " * 100).alias("text"))
    rows = conversation_rows(frame, limit=10)
    assert all(len(r["text"]) == 281 and r["text"].endswith("…") for r in rows)


def test_most_answered_ranks_by_replies_then_by_the_chain_below():
    rows = tiny_rows()
    rows.append(comment("tiny", 8, "Fay", "1", 1, "1", "none", 0.0, "neutral", "markup", "Me too."))
    answered = most_answered(analysed(rows))
    assert [(a["position"], a["replies"], a["below"]) for a in answered] == [(1, 2, 3), (4, 1, 2), (2, 1, 1)]
    assert answered[0]["snippet"] == "I agree with the article entirely, it is right."


# ---- what each side says ---------------------------------------------------------------------------------

def side_thread() -> pl.DataFrame:
    texts = [
        ("Ann", "favor", "The bridge plan saves commuters hours every week. Traffic is bad everywhere."),
        ("Bob", "favor", "Commuters save hours with the bridge plan, and buses run faster. Traffic is bad everywhere."),
        ("Cy", "against", "The bridge plan costs too much money for taxpayers. Traffic is bad everywhere."),
        ("Dee", "against", "Taxpayers cannot afford this money pit of a bridge. Traffic is bad everywhere."),
        ("Eve", "none", "Traffic is bad everywhere, I think."),
        ("Ann", "favor", "Buses would run faster and commuters save hours."),
    ]
    return analysed([comment("s", i, a, None, 0, str(i), s, 0.0, text=t) for i, (a, s, t) in enumerate(texts, 1)])


def test_sides_pick_sentences_typical_of_their_side_not_of_the_whole_thread():
    summary = side_summary(side_thread())
    favor = [q["sentence"] for q in summary["favor"]["quotes"]]
    against = [q["sentence"] for q in summary["against"]["quotes"]]
    assert summary["favor"]["comments"] == 3 and summary["against"]["comments"] == 2
    assert all("Traffic is bad everywhere" not in s for s in favor + against)
    assert all("commuters" in s.lower() or "buses" in s.lower() for s in favor)
    assert all("money" in s or "axpayers" in s for s in against)


def test_sides_show_one_sentence_per_comment_and_author_while_others_remain():
    quotes = side_summary(side_thread())["favor"]["quotes"]
    assert [q["author"] for q in quotes][:2] in (["Bob", "Ann"], ["Ann", "Bob"])
    assert len({q["position"] for q in quotes}) == len(quotes) == 3


def test_sides_never_repeat_a_sentence_copied_into_several_comments():
    rows = [comment("c", i, f"u{i}", None, 0, str(i), "favor", 0.0, text="The plan saves money for every family.")
            for i in range(1, 5)]
    assert len(side_summary(analysed(rows))["favor"]["quotes"]) == 1


def test_uncertain_comments_speak_for_their_side_last():
    frame = side_thread().with_columns(pl.Series("stance_confidence", [0.2, 0.9, 0.9, 0.9, 0.9, 0.9]))
    quotes = side_summary(frame)["favor"]["quotes"]
    assert quotes[-1]["position"] == 1 and quotes[-1]["uncertain"] and not quotes[0]["uncertain"]


def test_a_side_with_no_comments_says_so():
    frame = side_thread().filter(pl.col("stance") != "against")
    assert side_summary(frame)["against"] == {"comments": 0, "uncertain": 0, "quotes": []}


def test_sides_leave_out_what_a_comment_quotes():
    rows = [comment("q", 1, "Ann", None, 0, "1", "against", 0.0, text="The levy is a tax on the poor."),
            comment("q", 2, "Bob", "1", 1, "1", "favor", 0.0, "disagree", "quote",
                    "> The levy is a tax on the poor.\n\nThe levy funds clinics for the poor families here.")]
    [quote] = side_summary(analysed(rows))["favor"]["quotes"]
    assert quote["sentence"] == "The levy funds clinics for the poor families here."


# ---- the header and the trust line -----------------------------------------------------------------------

def test_seed_header_names_the_article_author_lead_and_close(seed):
    frame, thread = seed
    article = article_context(thread, normalise(frame))
    assert article["author"] == "Gareth Porter"
    assert article["lead"].startswith("For many years, major U.S. institutions") and len(article["lead"]) <= 420
    assert article["close"].startswith("What has not changed is the determination")
    assert article["link"] == "https://www.theamericanconservative.com" and article["target"] == "article"
    assert article["span"] == "comments from 21 November 2017 to 26 November 2017"
    page = build_dashboard(frame, thread)
    head = page.split('<script type="application/json"', 1)[0]
    assert 'by <b class="cs-article-author">Gareth Porter</b>' in head


@pytest.mark.parametrize(("url", "safe"), [
    ("https://example.org/a?b=1&c=2", True), ("http://x.test/", True), ("javascript:alert(1)", False),
    ("https://x.test/\"onmouseover=alert(1)", False), ("data:text/html,<script>", False), (None, False),
    (" JavaScript:alert(1)", False), ("https://x.test/a b", False)])
def test_only_plain_web_addresses_become_links(url, safe):
    assert (safe_link(url) is not None) == safe


def test_long_dates_and_header_counts():
    assert long_date("2017-11-21T22:38:00") == "21 November 2017" and long_date("yesterday") is None
    rows = [comment("one", 1, "", None, 0, "1", "favor", 0.1)]
    rows[0]["flags"] = ["deleted"]
    counts = header_counts(normalise(analysed(rows)))
    assert [(v, label) for v, label, _ in counts] == [
        ("1", "comment"), ("1", "author"), ("0", "replies"), ("1", "top-level"), ("0", "deepest level"),
        ("1", "favor"), ("0", "against"), ("0", "none"), ("1", "deleted")]


def test_quality_figures_come_from_one_file():
    figures = trust.read_quality()
    assert figures["stance"]["macro_f1"] == pytest.approx(0.762) and figures["stance"]["baseline_majority"] == 0.217
    assert figures["agreement"]["macro_f1"] == pytest.approx(0.765)
    raw = json.loads(trust.QUALITY_PATH.read_text(encoding="utf-8"))
    assert set(raw) == {"version", "stance", "agreement"}
    assert trust.trust_sentence(figures) == (
        "On six hand-labelled comment threads the model never saw in training, the labels scored macro-F1 stance "
        "0.76 (baseline 0.22) and agreement 0.77 (baseline 0.29); the baseline always guesses the commonest label.")
    below = {"stance": {**figures["stance"], "macro_f1": 0.1}, "agreement": figures["agreement"]}
    assert "stance 0.10, below that baseline (0.22)" in trust.trust_sentence(below)


def test_missing_or_broken_quality_figures_say_so(tmp_path):
    assert trust.read_quality(tmp_path / "absent.json") == {}
    (tmp_path / "bad.json").write_text('{"stance": {"macro_f1": "high"}, "agreement": [1]}', encoding="utf-8")
    assert trust.read_quality(tmp_path / "bad.json") == {}
    assert "not been measured" in trust.trust_sentence({})
    half = {"stance": {"macro_f1": 0.7, "baseline_majority": 0.3, "labels": 9, "measured_on": "x"}}
    assert "stance 0.70 (baseline 0.30) and agreement: not measured" in trust.trust_sentence(half)


def test_page_counts_faded_and_hand_set_labels():
    frame = tiny_frame().with_columns(pl.Series("stance_confidence", [0.3, 0.9, 0.2, 0.9, 0.9, 0.9, 0.9]),
                                      pl.Series("stance_source", ["model", "model", "human", *["model"] * 4]))
    page = build_dashboard(frame, make_thread("tiny"))
    text = re.sub(r"<[^>]+>", "", page.split('id="cs-trust">', 1)[1].split("</p>", 1)[0])
    assert "Here 1 of 7 stance labels and 0 of 4 agreement labels are below 0.5 and drawn faded; 1 set by a " \
           "person (✎)." in text
    payload = page_payload(page)
    assert [c["uncertain"] for c in payload["comments"]] == [True, False, False, False, False, False, False]
    assert payload["confident"] == 0.5


def test_page_payload_offers_sides_answered_and_chains():
    payload = page_payload(build_dashboard(tiny_frame(), make_thread("tiny")))
    assert payload["chains"] == [["1", "#1 Ann · 3 comments"], ["4", "#4 Cy · 3 comments"]]
    assert [a["position"] for a in payload["answered"]] == [1, 4, 2]  # ties: the longer chain below first
    assert set(payload["sides"]) == {"favor", "against"}


# ---- the collection --------------------------------------------------------------------------------------

def three_threads() -> tuple[pl.DataFrame, list]:
    frame = pl.concat([tiny_frame("one"), synthetic_frame(30, thread="two")])
    return frame, [make_thread("one", title="One"), make_thread("two", title="Two"), make_thread("none", title="Empty")]


def test_collection_writes_comparison_and_an_index_linking_every_page(tmp_path):
    frame, threads = three_threads()
    pages = write_dashboards(frame, threads, tmp_path, collection=True)
    written = write_collection(frame, threads, pages, tmp_path)
    assert [p.name for p in written] == ["comparison.html", "index.html"]
    index = written[-1].read_text(encoding="utf-8")
    assert re.findall(r'href="([^"]+)"', index) == ["comparison.html", "one.html", "two.html", "none.html"]
    assert "<script" not in index and "connect-src 'none'" in index
    assert '<p class="cs-back"><a href="index.html">← all threads</a></p>' in pages[0].read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in [*pages, *written])


def test_collection_without_two_threads_with_comments_writes_no_comparison(tmp_path):
    frame = tiny_frame("one")
    threads = [make_thread("one"), make_thread("empty")]
    pages = write_dashboards(frame, threads, tmp_path, collection=True)
    assert [p.name for p in write_collection(frame, threads, pages, tmp_path)] == ["index.html"]


def test_index_refuses_pages_outside_its_folder(tmp_path):
    frame, threads = three_threads()
    pages = write_dashboards(frame, threads, tmp_path / "a")
    with pytest.raises(UsageError):
        write_index(frame, threads, pages, tmp_path / "b")


def test_thread_ids_cannot_take_the_collection_pages_names():
    assert safe_name("index") != "index" and safe_name("comparison").startswith("thread-comparison")


def test_dashboard_command_writes_the_collection_for_several_threads(tmp_path):
    other = tmp_path / "other.csv"
    other.write_text("id,author,text\n1,Ann,Good point about the plan.\n2,Bob,I disagree with Ann.\n",
                     encoding="utf-8")
    result = run_cli("dashboard", SEED, other, "-o", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    printed = [line for line in result.stdout.splitlines() if line.strip()]
    assert printed[0] == str(tmp_path / "out" / f"{SEED_THREAD_ID}.html")
    assert [p.rsplit("/", 1)[-1] for p in printed[2:]] == ["comparison.html", "index.html"]
    assert all((tmp_path / "out" / p.rsplit("/", 1)[-1]).is_file() for p in printed)
    single = run_cli("dashboard", SEED, "-o", tmp_path / "one")
    assert [p.name for p in (tmp_path / "one").iterdir()] == [f"{SEED_THREAD_ID}.html"]
    assert len(single.stdout.split()) == 1
