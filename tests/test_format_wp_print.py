"""The WordPress print-view parser on the seed (checked against a hand-annotated fixture) and on pages
written to cover the format's edge cases. Adding a case is adding ``NAME.txt`` + ``NAME.expected.json``."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from commentscope.scraper.formats import detect_format, wp_print
from commentscope.scraper.sources import Source, read_source
from tests.conftest import DATA, SEED, SEED_THREAD_ID

CASES = DATA / "formats" / "wp_print"


def parse_file(path: Path):
    [thread] = wp_print.parse(read_source(str(path)))
    return thread


@pytest.fixture(scope="module")
def seed_thread():
    return parse_file(SEED)


def seed_expected() -> list[dict]:
    with open(CASES / "seed.expected.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_seed_has_24_comments_with_ids_1_to_24(seed_thread):
    assert [c.id for c in seed_thread.comments] == [str(n) for n in range(1, 25)]
    assert [c.position for c in seed_thread.comments] == list(range(1, 25))


@pytest.mark.parametrize("row", seed_expected(), ids=lambda row: f"#{row['id']}")
def test_seed_comment_matches_hand_annotation(seed_thread, row):
    comment = seed_thread.comments[int(row["id"]) - 1]
    assert comment.id == row["id"]
    assert comment.author == row["author"]
    assert comment.timestamp == row["timestamp"]
    assert comment.text.startswith(row["first_words"])
    assert comment.text.endswith(row["last_words"])
    assert len(comment.text.split("\n\n")) == int(row["paragraphs"])
    assert comment.thread_id == SEED_THREAD_ID
    assert comment.parent_id is None and comment.reply_evidence is None


def test_seed_text_has_no_leaked_header_or_footer_lines(seed_thread):
    for comment in seed_thread.comments:
        assert "Comment By" not in comment.text
        assert "Comments To" not in comment.text
        assert not comment.text.startswith("\n") and not comment.text.endswith("\n")


def test_seed_metadata(seed_thread):
    assert seed_thread.title == "Translated Doc Debunks Narrative of Al Qaeda-Iran ‘Alliance’"
    assert seed_thread.site == "The American Conservative"
    assert seed_thread.site_url == "https://www.theamericanconservative.com"
    assert seed_thread.declared_count == 24
    assert seed_thread.article_text.startswith("For many years, major U.S. institutions")
    assert seed_thread.article_text.endswith("(Just World Books, 2014).")
    assert "24 Comments" not in seed_thread.article_text
    assert seed_thread.warnings == []


def test_seed_article_author_comes_from_its_closing_bio(seed_thread):
    # No "Posted By" byline; the article ends "Gareth Porter is an independent journalist and ...".
    assert seed_thread.article_author == "Gareth Porter"
    assert seed_thread.article_text.endswith("(Just World Books, 2014).")  # the bio stays in the text


def _article(body: str, byline: str = "") -> str:
    return f"Title\n\n{byline}\n\n{body}\n\n#1 Comment By A On May 1, 2020 @ 1:00 pm\n\nhello\n"


@pytest.mark.parametrize(("body", "byline", "author"), [
    ("First paragraph.\n\nJane van Doe is a planner and writer.", "", None),  # "van": not capitalised
    ("First paragraph.\n\nJane Q. Doe is a planner and writer.", "", "Jane Q. Doe"),
    ("First paragraph.\n\nMaria Lopez was the paper's editor until 2019.", "", "Maria Lopez"),
    ("First paragraph.\n\nJane Doe is a planner.", "Posted By Sam Roe On May 1, 2020", "Sam Roe"),
    ("First paragraph.\n\nThe Pentagon is the largest office building in the world.", "", None),
    ("Jane Doe is a planner.", "", None),  # the only paragraph is the article, not a bio
    ("Jane Doe is a planner.\n\nThe end of the story.", "", None),  # a bio must close the article
    ("First.\n\nJane Doe is a planner. " + "More words here. " * 50, "", None),  # too long for a bio
])
def test_closing_bio_names_the_author_only_without_a_byline(body, byline, author):
    [thread] = wp_print.parse(Source(name="bio", data=_article(body, byline).encode()))
    assert thread.article_author == author


@pytest.mark.parametrize("name", sorted(p.name[: -len(".expected.json")] for p in CASES.glob("*.expected.json")))
def test_page_matches_expected(name):
    expected = json.loads((CASES / f"{name}.expected.json").read_text(encoding="utf-8"))
    thread = parse_file(CASES / f"{name}.txt")
    meta = thread.metadata()
    for key, value in expected["thread"].items():
        if key == "warnings":
            assert len(thread.warnings) == len(value)
            for got, fragment in zip(thread.warnings, value):
                assert fragment in got
        else:
            assert meta[key] == value, key
    assert len(thread.comments) == len(expected["comments"])
    for comment, want in zip(thread.comments, expected["comments"]):
        for key, value in want.items():
            assert getattr(comment, key) == value, (comment.id, key)
        assert comment.thread_id == expected["thread"]["thread_id"]


@pytest.mark.parametrize("path", [SEED, *sorted(CASES.glob("*.txt"))], ids=lambda p: p.name)
def test_detected_as_wp_print(path):
    assert detect_format(read_source(str(path))) == "wp_print"


def test_any_number_of_comments():
    lines = ["Generated Thread", "", "Body of the article.", ""]
    for n in range(1, 301):
        lines += [f"#{n} Comment By user {n % 17} On May {1 + n % 28}, 2022 @ {1 + n % 12}:{n % 60:02d} pm", "",
                  f"comment number {n}", ""]
    [thread] = wp_print.parse(Source(name="generated", data="\n".join(lines).encode()))
    assert len(thread.comments) == 300
    assert thread.comments[-1].text == "comment number 300"
    assert thread.comments[-1].timestamp == "2022-05-21T13:00:00"  # day 1 + 300 % 28, hour 1 + 300 % 12 pm


def test_unparseable_date_keeps_comment_and_flags_it():
    text = "T\n\n#1 Comment By A On Smarch 45, 2020 @ 9:99 pm\n\nhello\n"
    [thread] = wp_print.parse(Source(name="odd", data=text.encode()))
    [comment] = thread.comments
    assert comment.timestamp is None
    assert comment.flags == ("bad_timestamp",)
    assert any("does not parse" in w for w in thread.warnings)


def test_html_is_not_claimed():
    html = b"<html><body><p>#1 Comment By A On May 1, 2020 @ 1:00 pm</p></body></html>"
    assert wp_print.detect(Source(name="page.html", data=html)) == 0.0
