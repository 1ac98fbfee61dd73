"""Streaming analysis (commentscope.analysis.run.stream.analyze_files) against the in-memory path: the same bytes for
JSONL, the same frame for Parquet, whole threads in every batch, atomic output when a run fails."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polars as pl
import pytest

from commentscope.analysis.run import stream
from commentscope.analysis.pipeline import analyze, load, read_threads
from commentscope.analysis.run.stream import analyze_files
from commentscope.scraper.errors import InputError, UsageError
from commentscope.scraper.records import COMMENT_SCHEMA
from commentscope.scraper.store import read_records, write_threads
from commentscope.scraper.timestamps import records_frame
from tests.conftest import DATA, SEED, assert_same

#: Six wp_print threads of 16 to 24 comments (the seed and the hand-labelled ones).
SOURCES = [SEED, *sorted((DATA / "labels").glob("*.txt"))]


@pytest.fixture(scope="module")
def records(tmp_path_factory) -> Path:
    """A comment JSONL (with its sidecar) holding every labelled thread, as `scrape -o` writes it."""
    path = tmp_path_factory.mktemp("records") / "threads.jsonl"
    write_threads(read_threads([str(p) for p in SOURCES]), path)
    return path


@pytest.fixture(scope="module")
def in_memory(records) -> pl.DataFrame:
    frame, threads = load([str(records)])
    return analyze(frame, threads, workers=1)


def _sizes(records: Path) -> dict[str, int]:
    frame = pl.read_ndjson(records, schema=COMMENT_SCHEMA)
    return dict(frame.group_by("thread_id").len().iter_rows())


def _spy_batches(monkeypatch) -> list[list[str]]:
    """Record the thread ids of every batch the stream analyses (in this process: workers=1)."""
    seen: list[list[str]] = []
    real = stream._analyse_batch

    def spy(frame, threads, *rest):
        seen.append(frame.get_column("thread_id").to_list())
        return real(frame, threads, *rest)

    monkeypatch.setattr(stream, "_analyse_batch", spy)
    return seen


def test_input_has_several_threads_of_different_sizes(records):
    sizes = _sizes(records)
    assert len(sizes) == 6 and min(sizes.values()) >= 10 and len(set(sizes.values())) >= 3


def test_jsonl_is_byte_identical_to_the_in_memory_path(records, in_memory, tmp_path):
    out = tmp_path / "analysed.jsonl"
    summary = analyze_files([str(records)], str(out), batch_comments=40, workers=1)
    assert_same(out.read_bytes(), in_memory.write_ndjson().encode("utf-8"), "the analysed JSONL")
    assert summary["comments"] == in_memory.height and summary["threads"] == 6
    assert summary["batches"] >= 3 and summary["regrouped"] == []


def test_parquet_holds_the_in_memory_frame(records, in_memory, tmp_path):
    out = tmp_path / "analysed.parquet"
    analyze_files([str(records)], str(out), batch_comments=50, workers=1)
    written = pl.read_parquet(out)
    assert written.schema["timestamp"] == pl.Datetime("us")  # typed on disk, text again when read
    assert records_frame(written).equals(in_memory)
    assert read_records(out)[0].equals(in_memory)


def test_batches_hold_whole_threads_and_respect_the_size(records, monkeypatch, tmp_path):
    batches = _spy_batches(monkeypatch)
    sizes = _sizes(records)
    analyze_files([str(records)], str(tmp_path / "out.jsonl"), batch_comments=45, workers=1)
    owners = {}
    for number, batch in enumerate(batches):
        for thread_id in set(batch):
            assert thread_id not in owners, f"{thread_id} split over batches {owners[thread_id]} and {number}"
            owners[thread_id] = number
            assert batch.count(thread_id) == sizes[thread_id]
        assert len(batch) <= 45
    assert set(owners) == set(sizes) and len(batches) >= 3


def test_a_thread_larger_than_the_batch_is_a_batch_of_its_own(records, monkeypatch, tmp_path):
    batches = _spy_batches(monkeypatch)
    analyze_files([str(records)], str(tmp_path / "out.jsonl"), batch_comments=5, workers=1)
    assert len(batches) == 6 and all(len(set(batch)) == 1 for batch in batches)


def test_split_threads_are_regrouped_and_written_in_input_order(records, monkeypatch, tmp_path):
    frame = pl.read_ndjson(records, schema=COMMENT_SCHEMA)
    interleaved = frame.with_row_index("r").sort("position", "r").drop("r")  # threads' rows alternate
    source = tmp_path / "interleaved.jsonl"
    interleaved.write_ndjson(source)
    shutil.copy(records.with_name("threads.threads.json"), tmp_path / "interleaved.threads.json")
    batches = _spy_batches(monkeypatch)
    out = tmp_path / "out.jsonl"
    summary = analyze_files([str(source)], str(out), batch_comments=45, workers=1)
    expected = analyze(*load([str(source)]), workers=1).write_ndjson().encode("utf-8")
    assert_same(out.read_bytes(), expected, "the analysed JSONL")
    assert summary["regrouped"] == [str(source)]
    assert sum(len(batch) for batch in batches) == frame.height
    assert len({t for batch in batches for t in set(batch)}) == sum(len(set(batch)) for batch in batches)


@pytest.mark.parametrize("interleave", [False, True], ids=["contiguous", "interleaved"])
def test_records_breaking_the_rules_are_repaired_as_in_load(records, tmp_path, interleave):
    """A repeated id is dropped and a parent that is not an earlier comment is unlinked, as read_records
    does; the interleaved file goes through the regrouping path, dropped record and all."""
    frame = pl.read_ndjson(records, schema=COMMENT_SCHEMA).with_row_index("r")
    repeat = frame.filter(pl.col("r") == 30)
    forward = frame.filter(pl.col("r") == 5).with_columns(pl.lit("999").alias("parent_id"))
    frame = pl.concat([frame.filter(pl.col("r") != 5), forward, repeat]).sort("r")
    if interleave:
        frame = frame.sort("position", "r")
    source = tmp_path / "repaired.jsonl"
    frame.drop("r").write_ndjson(source)
    out = tmp_path / "out.jsonl"
    summary = analyze_files([str(source)], str(out), batch_comments=45, workers=1)
    expected = analyze(*load([str(source)]), workers=1)
    assert expected.height == frame.height - 1
    assert_same(out.read_bytes(), expected.write_ndjson().encode("utf-8"), "the analysed JSONL")
    assert summary["regrouped"] == ([str(source)] if interleave else [])


def test_worker_processes_give_the_same_bytes(records, in_memory, tmp_path):
    out = tmp_path / "analysed.jsonl"
    summary = analyze_files([str(records)], str(out), batch_comments=40, workers=2)
    assert summary["workers"] == 2
    assert_same(out.read_bytes(), in_memory.write_ndjson().encode("utf-8"), "the analysed JSONL")


def test_raw_sources_and_records_mix_as_in_load(records, tmp_path):
    raw = DATA / "gold" / "replies" / "sourdough.txt"
    out = tmp_path / "mixed.jsonl"
    summary = analyze_files([str(raw), str(records)], str(out), batch_comments=40, workers=1)
    expected = analyze(*load([str(raw), str(records)]), workers=1).write_ndjson().encode("utf-8")
    assert_same(out.read_bytes(), expected, "the analysed JSONL")
    assert [t.source_format for t in summary["parsed"]] == ["wp_print"] and summary["threads"] == 7


def test_a_failure_leaves_the_existing_output_untouched(records, monkeypatch, tmp_path):
    out = tmp_path / "analysed.jsonl"
    out.write_text("previous run\n", encoding="utf-8")
    calls = []
    real = stream._analyse_batch

    def fail_on_third(frame, threads, *rest):
        calls.append(frame.height)
        if len(calls) == 3:
            raise RuntimeError("disk on fire")
        return real(frame, threads, *rest)

    monkeypatch.setattr(stream, "_analyse_batch", fail_on_third)
    with pytest.raises(RuntimeError, match="disk on fire"):
        analyze_files([str(records)], str(out), batch_comments=40, workers=1)
    assert out.read_text(encoding="utf-8") == "previous run\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["analysed.jsonl"]  # no sidecar without records


def test_a_broken_line_is_an_input_error_and_writes_nothing(records, tmp_path):
    broken = tmp_path / "broken.jsonl"
    lines = records.read_text(encoding="utf-8").splitlines()
    broken.write_text("\n".join(lines[:30] + ['{"thread_id": "x", "id": '] + lines[30:]) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    with pytest.raises(InputError, match="is not a comment records file"):
        analyze_files([str(broken)], str(out), batch_comments=40, workers=1)
    assert not out.exists()


def test_a_thread_given_twice_is_refused_like_load(records, tmp_path):
    with pytest.raises(UsageError, match="is given twice"):
        load([str(records), str(records)])
    with pytest.raises(UsageError, match="is given twice"):
        analyze_files([str(records), str(records)], str(tmp_path / "out.jsonl"), workers=1)
    assert list(tmp_path.iterdir()) == []


def test_inputs_without_comments_are_refused(tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_text(json.dumps({"thread_id": "t", "id": "1", "position": 1, "author": "a", "timestamp": None,
                                 "text": "x", "parent_id": None, "reply_evidence": None,
                                 "reply_confidence": None}) + "\n", encoding="utf-8")
    with pytest.raises(UsageError, match="batch_comments"):
        analyze_files([str(empty)], str(tmp_path / "out.jsonl"), batch_comments=0)
    article_only = tmp_path / "article.txt"
    article_only.write_text("- Site - https://x.example -\n\nA Title\n\nPosted By Ann On November 21, 2017 @ "
                            "10:38 pm In News | No Comments\n\nThe article body.\n", encoding="utf-8")
    with pytest.raises(UsageError, match="no comments"):
        analyze_files([str(article_only)], str(tmp_path / "out.jsonl"), workers=1)
    assert not (tmp_path / "out.jsonl").exists()
