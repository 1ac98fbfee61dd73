"""Depth, roots and per-thread structure metrics on tiny trees built in code, with the expected
values written out."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from commentscope.analysis.stages.structure import add_structure, thread_metrics
from commentscope.scraper.records import COMMENT_SCHEMA


def thread(*rows, thread_id="t"):
    """rows: (id, parent_id, author[, timestamp])."""
    records = []
    for position, row in enumerate(rows, start=1):
        cid, parent, author, *rest = row
        records.append({"thread_id": thread_id, "id": cid, "position": position, "author": author,
                        "timestamp": rest[0] if rest else None, "text": f"comment {cid}", "parent_id": parent,
                        "reply_evidence": "markup" if parent else None, "reply_confidence": 1.0 if parent else None,
                        "source_format": "test", "author_url": None, "flags": [], "quotes": []})
    return pl.DataFrame(records, schema=COMMENT_SCHEMA)


def test_depth_and_root_of_a_forest():
    frame = thread(("1", None, "A"), ("2", "1", "B"), ("3", "2", "A"), ("4", None, "C"), ("5", "4", "A"),
                   ("6", "3", "B")).pipe(add_structure)
    assert frame.get_column("depth").to_list() == [0, 1, 2, 0, 1, 3]
    assert frame.get_column("root_id").to_list() == ["1", "1", "1", "4", "4", "1"]


def test_orphan_and_cycle_are_top_level_not_errors():
    frame = thread(("1", "99", "A"), ("2", "3", "B"), ("3", "2", "C"), ("4", "4", "D")).pipe(add_structure)
    depths = dict(zip(frame.get_column("id"), frame.get_column("depth")))
    assert depths["1"] == 0 and depths["4"] == 0
    assert sorted([depths["2"], depths["3"]]) == [0, 1]


def test_threads_do_not_mix():
    frame = pl.concat([thread(("1", None, "A"), ("2", "1", "B"), thread_id="x"),
                       thread(("2", None, "A"), ("1", "2", "B"), thread_id="y")]).pipe(add_structure)
    assert frame.get_column("depth").to_list() == [0, 1, 0, 1]
    assert frame.get_column("root_id").to_list() == ["1", "1", "2", "2"]


def test_thread_metrics_values():
    frame = thread(
        ("1", None, "A", "2020-01-01T10:00:00"),
        ("2", "1", "B", "2020-01-01T10:30:00"),
        ("3", "2", "A", "2020-01-01T11:00:00"),   # A-B-A exchange
        ("4", None, "C", "2020-01-01T12:00:00"),
        ("5", "1", "C", "2020-01-01T13:00:00"),
        ("6", None, "A", "2020-01-01T14:00:00"),
    )
    [row] = thread_metrics(frame).to_dicts()
    assert row["comments"] == 6 and row["authors"] == 3
    assert row["replies"] == 3 and row["top_level"] == 3
    assert row["reply_share"] == 0.5
    assert row["chains"] == 1                      # only comment 1 got replies
    assert row["max_depth"] == 2 and row["longest_chain"] == 3
    assert row["back_and_forth"] == 1
    # pairs: B->A, A->B, C->A : A<->B mutual (2 of 3 directed pairs)
    assert abs(row["reciprocity"] - 2 / 3) < 1e-12
    # comments per author 3,1,2 -> Gini = 2*(1*1+2*2+3*3)/(3*6) - 4/3
    assert abs(row["author_gini"] - (2 * 14 / 18 - 4 / 3)) < 1e-12
    # first replies: to 1 after 30 min, to 2 after 30 min -> median 30
    assert row["first_reply_minutes"] == 30.0


def test_metrics_without_timestamps_or_replies():
    [row] = thread_metrics(thread(("1", None, "A"), ("2", None, "A"))).to_dicts()
    assert row["chains"] == 0 and row["reciprocity"] == 0.0 and row["first_reply_minutes"] is None
    assert row["author_gini"] == 0.0 and row["longest_chain"] == 1


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=-1, max_value=40), min_size=1, max_size=40))
def test_depth_is_parent_depth_plus_one(parent_choices):
    rows = []
    for index, choice in enumerate(parent_choices):
        parent = str(choice) if 0 <= choice < len(parent_choices) and choice != index else None
        rows.append((str(index), parent, f"a{index % 3}"))
    frame = thread(*rows).pipe(add_structure)
    by_id = {r["id"]: r for r in frame.to_dicts()}
    for r in by_id.values():
        parent = by_id.get(r["parent_id"]) if r["parent_id"] else None
        if r["depth"] > 0:
            assert parent is not None and r["depth"] == parent["depth"] + 1 and r["root_id"] == parent["root_id"]
        else:
            assert r["root_id"] == r["id"]
