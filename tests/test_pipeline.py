"""The Python API end to end on the seed, the analysed record contract, and the ConvoKit export."""

from __future__ import annotations

import json

import polars as pl
import pytest

from commentscope.analysis.pipeline import analyze, load, metrics
from tests.conftest import DATA, ROOT, SEED, SEED_THREAD_ID, run_cli

SPEC_ANALYSED = {
    "sentiment": pl.Float64, "sentiment_label": pl.String, "stance": pl.String, "stance_confidence": pl.Float64,
    "agreement": pl.String, "depth": pl.Int64, "root_id": pl.String,
}


@pytest.fixture(scope="module")
def seed():
    frame, threads = load([ROOT / "comments.jsonl"])
    return analyze(frame, threads), threads


def test_load_reads_records_and_sidecar():
    frame, threads = load([ROOT / "comments.jsonl"])
    assert frame.height == 24
    [thread] = threads
    assert thread.thread_id == SEED_THREAD_ID and thread.declared_count == 24
    assert thread.article_text.startswith("For many years")


def test_load_raw_page_equals_records():
    raw, _ = load([SEED])
    records, _ = load([ROOT / "comments.jsonl"])
    assert raw.equals(records)


def test_analysed_record_has_spec_fields(seed):
    analysed, _ = seed
    for column, dtype in SPEC_ANALYSED.items():
        assert analysed.schema[column] == dtype, column
    assert analysed.get_column("sentiment").is_between(-1, 1).all()
    assert set(analysed.get_column("sentiment_label")) <= {"positive", "negative", "neutral"}
    assert set(analysed.get_column("stance")) <= {"favor", "against", "none"}
    assert analysed.get_column("stance_confidence").is_between(0, 1).all()
    top = analysed.filter(pl.col("parent_id").is_null())
    assert top.get_column("agreement").is_null().all()
    assert (top.get_column("depth") == 0).all() and (top.get_column("root_id") == top.get_column("id")).all()
    replies = analysed.filter(pl.col("parent_id").is_not_null())
    assert set(replies.get_column("agreement")) <= {"agree", "disagree", "neutral"}


def test_depth_follows_the_inferred_parents(seed):
    analysed, _ = seed
    rows = {r["id"]: r for r in analysed.to_dicts()}
    assert rows["6"]["parent_id"] == "4" and rows["6"]["depth"] == 1 and rows["6"]["root_id"] == "4"
    assert rows["23"]["parent_id"] == "22" and rows["23"]["depth"] == rows["22"]["depth"] + 1
    assert rows["23"]["root_id"] == rows["21"]["id"]


def test_metrics_of_the_seed(seed):
    analysed, _ = seed
    [row] = metrics(analysed).to_dicts()
    assert row["comments"] == 24 and row["authors"] == 19
    assert row["replies"] == analysed.filter(pl.col("parent_id").is_not_null()).height
    assert row["favor_share"] + row["against_share"] + row["none_share"] == pytest.approx(1.0)


def test_analyze_cli_jsonl_and_parquet_agree(tmp_path):
    jsonl, parquet = tmp_path / "a.jsonl", tmp_path / "a.parquet"
    assert run_cli("analyze", "comments.jsonl", "-o", jsonl).returncode == 0
    assert run_cli("analyze", "comments.jsonl", "-o", parquet).returncode == 0
    from_jsonl = pl.read_ndjson(jsonl)
    from_parquet = pl.read_parquet(parquet)
    assert from_parquet.height == from_jsonl.height == 24
    assert from_parquet.get_column("stance").to_list() == from_jsonl.get_column("stance").to_list()


def test_labels_override_and_are_scored(tmp_path):
    labels = tmp_path / "labels.csv"
    labels.write_text(f"thread_id,id,stance\n{SEED_THREAD_ID},1,favor\n{SEED_THREAD_ID},2,against\n", encoding="utf-8")
    out = tmp_path / "a.jsonl"
    result = run_cli("analyze", "comments.jsonl", "--labels", labels, "-o", out)
    assert result.returncode == 0, result.stderr
    assert "labels: n=2; the model alone agrees with 0% of them (macro-F1 0.000); too few labels to adapt" \
        in result.stderr and "Cohen's kappa of the model against you" in result.stderr
    rows = {r["id"]: r for r in pl.read_ndjson(out).to_dicts()}
    assert rows["1"]["stance"] == "favor" and rows["1"]["stance_confidence"] == 1.0
    assert rows["2"]["stance"] == "against"


def test_bad_labels_file_is_a_clear_error(tmp_path):
    labels = tmp_path / "labels.csv"
    labels.write_text("thread,id,label\nx,1,yes\n", encoding="utf-8")
    result = run_cli("analyze", "comments.jsonl", "--labels", labels)
    assert result.returncode == 2 and "lacks the column(s) stance, thread_id" in result.stderr


def test_tally_cli_sums_to_comments(tmp_path):
    out = tmp_path / "t.csv"
    assert run_cli("tally", "comments.jsonl", "--by", "depth", "-o", out).returncode == 0
    assert pl.read_csv(out).get_column("total").sum() == 24


def test_compare_cli(tmp_path):
    out = tmp_path / "c.html"
    other = DATA / "formats" / "wp_print" / "library_hours.txt"
    result = run_cli("compare", "comments.jsonl", other, "-o", out)
    assert result.returncode == 0, result.stderr
    assert out.exists() and result.stdout.strip() == str(out)


def test_compare_needs_two_threads(tmp_path):
    result = run_cli("compare", "comments.jsonl", "-o", tmp_path / "c.html")
    assert result.returncode == 2 and "two or more threads" in result.stderr


def test_reply_inference_on_a_process_pool_gives_the_same_threads():
    """``infer_all`` shares threads among spawned processes (what ``scrape`` does from 20,000 comments):
    parents, evidence, quotes and the per-cue report are those of the one-process run, in input order."""
    import copy

    from commentscope.analysis.pipeline import infer_all, read_threads
    from commentscope.scraper.read import ReadOptions

    sources = [str(SEED), *map(str, sorted((DATA / "labels").glob("*.txt")))]
    flat = read_threads(sources, ReadOptions(infer=False))
    alone = infer_all(copy.deepcopy(flat), workers=1)
    pooled = infer_all(copy.deepcopy(flat), workers=2)
    assert [t.thread_id for t in pooled] == [t.thread_id for t in flat]
    assert [t.comments for t in pooled] == [t.comments for t in alone]
    assert [t.reply_links for t in pooled] == [t.reply_links for t in alone]
    assert sum(c.parent_id is not None for t in pooled for c in t.comments) > 20
    whole = read_threads(sources, workers=2)  # parsing on the pool too
    assert [(t.thread_id, t.comments, t.reply_links) for t in whole] == [(t.thread_id, t.comments, t.reply_links) for t in alone]


def test_pooled_parsing_raises_the_first_bad_source_in_order(tmp_path):
    from commentscope.analysis.pipeline import read_threads
    from commentscope.scraper.errors import InputError

    empty, binary = tmp_path / "empty.txt", tmp_path / "picture.png"
    empty.write_text("")
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    with pytest.raises(InputError) as caught:
        read_threads([str(SEED), str(empty), str(binary)], workers=2)
    assert "empty.txt" in str(caught.value) and "empty" in str(caught.value).split("empty.txt", 1)[1]


def test_stages_pause_the_garbage_collector_and_restore_it(seed):
    """commentscope.analysis.run.collector.paused: the collector is off inside the stages, back as it was after them,
    also when a stage fails."""
    import gc

    from commentscope.analysis.run.collector import paused

    frame, threads = load([ROOT / "comments.jsonl"])
    assert gc.isenabled()
    analyze(frame, threads)
    assert gc.isenabled()
    gc.disable()
    try:
        analyze(frame, threads)
        assert not gc.isenabled(), "a collector switched off by the caller stays off"
    finally:
        gc.enable()
    with pytest.raises(ZeroDivisionError):
        with paused():
            assert not gc.isenabled()
            1 / 0
    assert gc.isenabled()
