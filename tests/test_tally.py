"""Stance tallies: sums, shares, groupings, the three file formats read back by polars, and cells
that would run as spreadsheet formulas."""

from __future__ import annotations

import polars as pl
import pytest

from commentscope.analysis.report.tally import spreadsheet_safe, tally, write_table


@pytest.fixture
def analysed():
    return pl.DataFrame({
        "thread_id": ["t1", "t1", "t1", "t1", "t2", "t2"],
        "id": ["1", "2", "3", "4", "1", "2"],
        "author": ["Ann", "=HYPERLINK(\"x\")", "Ann", "Bo", "Ann", "Cy"],
        "timestamp": ["2020-01-01T10:00:00", "2020-01-01T11:00:00+02:00", None, "2020-01-02T09:00:00",
                      "not a date", "2020-01-02T12:00:00Z"],
        "depth": [0, 1, 2, 0, 0, 1],
        "stance": ["favor", "against", "favor", None, "none", "against"],
        "sentiment": [0.5, -0.5, 0.1, 0.0, 0.2, -0.4],
    })


def test_by_thread_counts_and_shares(analysed):
    rows = {r["thread"]: r for r in tally(analysed, "thread").to_dicts()}
    assert (rows["t1"]["favor"], rows["t1"]["against"], rows["t1"]["none"], rows["t1"]["total"]) == (2, 1, 1, 4)
    assert rows["t1"]["favor_share"] == 0.5
    assert rows["t2"]["mean_sentiment"] == pytest.approx(-0.1)


@pytest.mark.parametrize("by", ["thread", "author", "depth", "day"])
def test_counts_sum_to_comments(analysed, by):
    table = tally(analysed, by)
    assert table.get_column("total").sum() == analysed.height
    assert (table.get_column("favor") + table.get_column("against") + table.get_column("none")).to_list() == \
        table.get_column("total").to_list()


def test_by_day_puts_undated_comments_on_unknown(analysed):
    days = {(t, d): n for t, d, n in tally(analysed, "day").select("thread", "day", "total").iter_rows()}
    assert days == {("t1", "2020-01-01"): 2, ("t1", "2020-01-02"): 1, ("t1", "unknown"): 1,
                    ("t2", "2020-01-02"): 1, ("t2", "unknown"): 1}


def test_by_author_is_per_thread_when_there_are_several(analysed):
    """The same name in two comment sections is rarely one person: rows are per thread."""
    table = tally(analysed, "author")
    assert table.columns[:2] == ["thread", "author"]
    ann = {r["thread"]: r for r in table.filter(pl.col("author") == "Ann").to_dicts()}
    assert (ann["t1"]["favor"], ann["t1"]["none"], ann["t1"]["total"]) == (2, 0, 2)
    assert (ann["t2"]["favor"], ann["t2"]["none"], ann["t2"]["total"]) == (0, 1, 1)


def test_by_author_of_one_thread_has_no_thread_column(analysed):
    table = tally(analysed.filter(pl.col("thread_id") == "t1"), "author")
    assert table.columns[0] == "author"
    assert table.filter(pl.col("author") == "Ann").to_dicts()[0]["favor_share"] == 1.0


def test_shares_and_means_are_rounded(analysed):
    [row] = tally(analysed.filter(pl.col("thread_id") == "t1").head(3), "thread").to_dicts()
    assert (row["favor_share"], row["against_share"], row["mean_sentiment"]) == (0.6667, 0.3333, 0.0333)


@pytest.mark.parametrize("suffix", [".csv", ".json", ".parquet"])
def test_formats_read_back(tmp_path, analysed, suffix):
    table = tally(analysed, "author")
    out = tmp_path / f"tally{suffix}"
    write_table(table, out)
    back = {".csv": pl.read_csv, ".json": pl.read_json, ".parquet": pl.read_parquet}[suffix](out)
    assert back.height == table.height
    assert back.get_column("total").to_list() == table.get_column("total").to_list()


def test_csv_escapes_formula_cells(tmp_path, analysed):
    out = tmp_path / "tally.csv"
    write_table(tally(analysed, "author"), out)
    text = out.read_text(encoding="utf-8")
    assert "'=HYPERLINK" in text
    assert "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text


def test_spreadsheet_safe_leaves_numbers_and_plain_text():
    frame = pl.DataFrame({"name": ["+1 555", "-x", "@me", "ok"], "value": [-1.5, 2.0, 3.0, 4.0]})
    safe = spreadsheet_safe(frame)
    assert safe.get_column("name").to_list() == ["'+1 555", "'-x", "'@me", "ok"]
    assert safe.get_column("value").to_list() == [-1.5, 2.0, 3.0, 4.0]
