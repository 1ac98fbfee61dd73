"""One-way data flow: what a user corrected or computed is never lost or silently redone.

Each test is a sequence of commands through the real CLI, as a user would type them.
"""

from __future__ import annotations

import json
import os
import stat

import polars as pl
import pytest

from tests.conftest import DATA, SEED, SEED_THREAD_ID, run_cli
from tests.test_dashboard import page_payload

LABELS = DATA / "labels" / "seed.csv"
REDDIT = DATA / "formats" / "reddit" / "link_post.json"


def tally_rows(result) -> list[dict]:
    assert result.returncode == 0, result.stderr
    return pl.read_csv(result.stdout.encode()).to_dicts()


def counts(rows: list[dict]) -> tuple[int, int, int]:
    [row] = rows
    return row["favor"], row["against"], row["none"]


@pytest.fixture(scope="module")
def scraped(tmp_path_factory):
    folder = tmp_path_factory.mktemp("flow")
    assert run_cli("scrape", SEED, "-o", folder / "c.jsonl").returncode == 0
    return folder


# --- metadata travels with the records ----------------------------------------------------------------

def test_records_on_stdout_say_they_carry_no_metadata_and_readers_say_what_they_used(tmp_path):
    piped = run_cli("scrape", SEED)
    assert piped.returncode == 0 and "carry no thread metadata" in piped.stderr
    (tmp_path / "x.jsonl").write_text(piped.stdout, encoding="utf-8")
    analysed = run_cli("analyze", "x.jsonl", "-o", "a.jsonl", cwd=tmp_path)
    assert analysed.returncode == 0
    assert "x.jsonl: has no thread metadata (no x.threads.json beside it)" in analysed.stderr
    assert "judged toward the opening comment" in analysed.stderr
    assert set(pl.read_ndjson(tmp_path / "a.jsonl")["stance_target"]) == {"opening comment"}
    assert run_cli("dashboard", "x.jsonl", "-o", "d", cwd=tmp_path).returncode == 0
    page = (tmp_path / "d" / f"{SEED_THREAD_ID}.html").read_text(encoding="utf-8")
    assert "Stance toward the opening comment" in page and "Stance toward the article" not in page


def test_records_written_with_o_keep_the_article_for_every_later_command(scraped):
    direct = counts(tally_rows(run_cli("tally", SEED)))
    result = run_cli("tally", scraped / "c.jsonl")
    assert "no thread metadata" not in result.stderr
    assert counts(tally_rows(result)) == direct
    run_cli("analyze", scraped / "c.jsonl", "-o", scraped / "a.jsonl")
    side = json.loads((scraped / "a.threads.json").read_text(encoding="utf-8"))
    assert side["threads"][0]["article_text"].startswith("For many years")
    assert set(pl.read_ndjson(scraped / "a.jsonl")["stance_target"]) == {"article"}


def test_parquet_carries_metadata_and_typed_columns_and_reads_back(scraped, tmp_path):
    out = tmp_path / "a.parquet"
    assert run_cli("analyze", scraped / "c.jsonl", "-o", out).returncode == 0
    schema = pl.read_parquet_schema(out)
    assert schema["timestamp"] == pl.Datetime("us") and schema["timestamp_utc_offset"] == pl.Int32
    assert schema["stance_confidence"] == pl.Float64 and schema["reply_confidence"] == pl.Float64
    meta = json.loads(pl.read_parquet_metadata(out)["commentscope.threads"])
    assert meta["threads"][0]["title"].startswith("Translated Doc Debunks")
    tallied = run_cli("tally", out)
    assert counts(tally_rows(tallied)) == counts(tally_rows(run_cli("tally", SEED)))
    assert "no thread metadata" not in tallied.stderr
    again = run_cli("analyze", out, "-o", tmp_path / "b.jsonl")
    assert again.returncode == 0, again.stderr
    rows = pl.read_ndjson(tmp_path / "b.jsonl")
    assert rows["timestamp"][0] == "2017-11-21T22:38:00"


def test_scraped_parquet_is_read_by_every_command(tmp_path):
    out = tmp_path / "c.parquet"
    assert run_cli("scrape", SEED, "-o", out).returncode == 0
    assert counts(tally_rows(run_cli("tally", out))) == counts(tally_rows(run_cli("tally", SEED)))
    assert run_cli("dashboard", out, "-o", tmp_path / "d").returncode == 0


def test_a_hacker_news_comment_page_keeps_the_parent_it_links_through_every_command(tmp_path):
    page = DATA / "formats" / "hn" / "comment_page.html"
    assert run_cli("scrape", page, "-o", tmp_path / "c.jsonl").returncode == 0
    assert run_cli("analyze", tmp_path / "c.jsonl", "-o", tmp_path / "a.parquet").returncode == 0
    rows = {r["id"]: r for r in pl.read_parquet(tmp_path / "a.parquet").to_dicts()}
    focus = rows["40123702"]
    assert (focus["parent_id"], focus["reply_evidence"], focus["flags"]) == ("40123601", "markup", ["orphan"])
    assert (focus["depth"], focus["root_id"]) == (0, "40123702")  # its parent is not in the file
    assert rows["40123810"]["parent_id"] == "40123702" and rows["40123810"]["depth"] == 1


# --- analysed records are the truth downstream --------------------------------------------------------

def test_hand_labels_survive_tally_dashboard_and_a_second_analyze(scraped, tmp_path):
    corrected = tmp_path / "corrected.jsonl"
    result = run_cli("analyze", scraped / "c.jsonl", "--labels", LABELS, "-o", corrected)
    assert result.returncode == 0 and "labels: n=24" in result.stderr
    gold = pl.read_csv(LABELS, schema_overrides={"id": pl.String})
    want = tuple(gold.filter(pl.col("stance") == s).height for s in ("favor", "against", "none"))
    assert counts(tally_rows(run_cli("tally", corrected))) == want
    for flags in ([], ["--reanalyze"]):
        again = tmp_path / f"again{len(flags)}.jsonl"
        assert run_cli("analyze", corrected, *flags, "-o", again).returncode == 0
        frame = pl.read_ndjson(again)
        assert set(frame["stance_source"]) == {"human"}
        assert counts(tally_rows(run_cli("tally", again))) == want
    assert run_cli("dashboard", corrected, "-o", tmp_path / "d").returncode == 0
    page = (tmp_path / "d" / f"{SEED_THREAD_ID}.html").read_text(encoding="utf-8")
    shown = {str(c["position"]): c["stance"] for c in page_payload(page)["comments"]}  # the seed's ids are positions
    assert shown == dict(gold.select("id", "stance").iter_rows())


def test_a_second_command_uses_analysed_columns_as_they_are(scraped, tmp_path):
    analysed = tmp_path / "a.jsonl"
    run_cli("analyze", scraped / "c.jsonl", "-o", analysed)
    frame = pl.read_ndjson(analysed)
    edited = frame.with_columns(pl.lit("against").alias("stance"), pl.lit(0.5).alias("sentiment"))
    edited.write_ndjson(tmp_path / "edited.jsonl")
    (tmp_path / "edited.threads.json").write_bytes((tmp_path / "a.threads.json").read_bytes())
    [row] = tally_rows(run_cli("tally", tmp_path / "edited.jsonl"))
    assert (row["against"], row["mean_sentiment"]) == (24, 0.5)
    [row] = tally_rows(run_cli("tally", tmp_path / "edited.jsonl", "--reanalyze"))
    assert row["against"] < 24 and row["mean_sentiment"] != 0.5


def test_only_what_lacks_a_label_is_classified(scraped, tmp_path):
    run_cli("analyze", scraped / "c.jsonl", "-o", tmp_path / "a.jsonl")
    frame = pl.read_ndjson(tmp_path / "a.jsonl")
    partial = frame.with_columns(pl.when(pl.col("id") == "1").then(None).otherwise(pl.lit("none")).alias("stance"))
    partial.write_ndjson(tmp_path / "p.jsonl")
    (tmp_path / "p.threads.json").write_bytes((tmp_path / "a.threads.json").read_bytes())
    assert run_cli("analyze", tmp_path / "p.jsonl", "-o", tmp_path / "q.jsonl").returncode == 0
    stances = dict(pl.read_ndjson(tmp_path / "q.jsonl").select("id", "stance").iter_rows())
    assert stances["1"] == frame.filter(pl.col("id") == "1")["stance"][0]
    assert {stances[str(k)] for k in range(2, 25)} == {"none"}


def test_analysed_records_and_raw_sources_mix_in_one_command(scraped, tmp_path):
    run_cli("analyze", scraped / "c.jsonl", "--labels", LABELS, "-o", tmp_path / "corrected.parquet")
    rows = tally_rows(run_cli("tally", tmp_path / "corrected.parquet", REDDIT))
    assert {row["thread"] for row in rows} == {SEED_THREAD_ID, "reddit-1b7x2qk"}
    gold = pl.read_csv(LABELS, schema_overrides={"id": pl.String})
    seed = next(row for row in rows if row["thread"] == SEED_THREAD_ID)
    assert seed["favor"] == gold.filter(pl.col("stance") == "favor").height


# --- formats by extension, refusals, what was written --------------------------------------------------

@pytest.mark.parametrize("command, out, known", [
    ("analyze", "out.xlsx", ".jsonl, .ndjson, .parquet"),
    ("scrape", "out.csv", ".jsonl, .ndjson, .parquet"),
    ("tally", "t.xlsx", ".csv, .json, .parquet"),
])
def test_unknown_output_extension_is_refused_and_nothing_is_written(command, out, known, tmp_path):
    result = run_cli(command, SEED, "-o", out, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1].endswith(f"name the output with one of: {known}")
    assert list(tmp_path.iterdir()) == []


def test_compare_names_the_files_the_user_gave(scraped, tmp_path):
    result = run_cli("compare", scraped / "c.jsonl", REDDIT, "-o", tmp_path / "c.html")
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "c.html").read_text(encoding="utf-8")
    assert f"<th>from</th>" in page
    assert f"<td>{scraped / 'c.jsonl'}</td>" in page and f"<td>{REDDIT}</td>" in page


def test_compare_refuses_a_page_that_is_not_html(tmp_path):
    result = run_cli("compare", SEED, REDDIT, "-o", tmp_path / "c.pdf")
    assert result.returncode == 2 and "must be an .html file" in result.stderr


def test_version_quiet_and_verbose():
    from importlib.metadata import version

    assert run_cli("--version").stdout.strip() == f"commentscope {version('commentscope')}"
    quiet = run_cli("tally", SEED, "-q")
    assert quiet.returncode == 0 and quiet.stderr == ""
    verbose = run_cli("tally", SEED, "-v")
    assert "analysed 24 comments in" in verbose.stderr


def test_every_writing_command_says_what_it_wrote_where(tmp_path):
    scrape = run_cli("scrape", SEED, "-o", tmp_path / "c.jsonl")
    assert f"wrote 24 comments in 1 thread to {tmp_path / 'c.jsonl'} (thread metadata: {tmp_path / 'c.threads.json'})" \
        in scrape.stderr
    analyze = run_cli("analyze", tmp_path / "c.jsonl", "-o", tmp_path / "a.parquet")
    assert f"wrote 24 analysed comments to {tmp_path / 'a.parquet'}" in analyze.stderr
    tally = run_cli("tally", tmp_path / "a.parquet", "--by", "author", "-o", tmp_path / "t.csv")
    assert f"wrote 19 rows to {tmp_path / 't.csv'}" in tally.stderr


def test_summary_lines_count_in_words_and_keep_source_threading_apart(tmp_path):
    seed = run_cli("scrape", SEED)
    assert (f"{SEED_THREAD_ID}: 24 comments; inferred reply links: address 3, header 1, quote 4, mention 4, "
            "inferred 2") in seed.stderr
    reddit = run_cli("scrape", REDDIT)
    assert "reddit-1b7x2qk: 8 comments; 5 reply links from the source's threading; inferred reply links: none" \
        in reddit.stderr
    one = tmp_path / "one.csv"
    one.write_text("id,author,text\n1,Ann,Only me here.\n", encoding="utf-8")
    assert "one: 1 comment; inferred reply links: none" in run_cli("scrape", one).stderr


# --- tallies of several threads --------------------------------------------------------------------------

@pytest.mark.parametrize("by", ["author", "depth", "day"])
def test_tally_of_several_threads_keeps_a_thread_column(by):
    rows = tally_rows(run_cli("tally", SEED, REDDIT, "--by", by))
    assert list(rows[0])[:2] == ["thread", by]
    assert {row["thread"] for row in rows} == {SEED_THREAD_ID, "reddit-1b7x2qk"}
    assert sum(row["total"] for row in rows) == 24 + 8


def test_shares_are_rounded_to_four_places():
    [row] = tally_rows(run_cli("tally", SEED))
    for name in ("favor_share", "against_share", "none_share", "mean_sentiment"):
        assert row[name] == round(row[name], 4)
    assert row["favor_share"] + row["against_share"] + row["none_share"] == pytest.approx(1.0, abs=2e-4)


# --- ConvoKit --------------------------------------------------------------------------------------------

def test_convokit_export_is_one_conversation_per_thread_rooted_at_the_article(tmp_path):
    result = run_cli("analyze", SEED, REDDIT, "--convokit", tmp_path / "corpus")
    assert result.returncode == 0 and result.stdout == ""
    folder = tmp_path / "corpus"
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o777 & ~mask
    utterances = [json.loads(line) for line in (folder / "utterances.jsonl").read_text(encoding="utf-8").splitlines()]
    by_id = {u["id"]: u for u in utterances}
    assert len(utterances) == 24 + 8 + 2
    conversations = json.loads((folder / "conversations.json").read_text(encoding="utf-8"))
    assert set(conversations) == {SEED_THREAD_ID, "reddit-1b7x2qk"}
    for thread_id in conversations:
        root = by_id[thread_id]
        assert root["reply-to"] is None and root["meta"]["kind"] == "article"
        members = [u for u in utterances if u["conversation_id"] == thread_id]
        assert [u for u in members if u["reply-to"] is None] == [root]
        for u in members:
            if u["reply-to"] is not None:  # every reply points inside its own conversation
                assert by_id[u["reply-to"]]["conversation_id"] == thread_id
    assert by_id[SEED_THREAD_ID]["text"].startswith("For many years")
    assert by_id[f"{SEED_THREAD_ID}/1"]["reply-to"] == SEED_THREAD_ID
    assert by_id[f"{SEED_THREAD_ID}/6"]["reply-to"] == f"{SEED_THREAD_ID}/4"
    assert by_id[f"{SEED_THREAD_ID}/1"]["timestamp"] == 1511303880  # 2017-11-21 22:38, read as UTC
    assert by_id["reddit-1b7x2qk"]["speaker"] == "cityhall_watcher"
    index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    assert index["utterances-index"]["sentiment"] == ["<class 'float'>"]
    assert index["utterances-index"]["reply_confidence"] == ["<class 'float'>"]
    assert index["utterances-index"]["depth"] == ["<class 'int'>"]
    assert index["conversations-index"]["title"] == ["<class 'str'>"]
    for u in utterances:
        for key, value in u["meta"].items():
            kind = index["utterances-index"][key][0]
            assert value is None or kind == str(type(value)), (key, value)
