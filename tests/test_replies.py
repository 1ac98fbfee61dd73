"""Reply-reference inference: hand-annotated gold threads, one test per cue, invariants by hypothesis.

The gold threads live in tests/data/gold/replies: each ``NAME.txt`` (a WordPress print view) sits beside
``NAME.gold.csv`` (``id,parent_id,cue,note``, written by hand); the seed thread's gold is
``seed.gold.csv``. Adding a gold thread is adding those two files.
"""

from __future__ import annotations

import csv
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commentscope.analysis.replies.infer import infer_replies, infer_thread
from commentscope.analysis.replies.names import author_key
from commentscope.analysis.replies.reading import EXCERPT_CHARS, OPENING_CHARS, READ_CHARS, read
from commentscope.analysis.text.tokens import tokenize, words
from commentscope.scraper.errors import InputError
from commentscope.scraper.formats import parse_source
from commentscope.scraper.records import COMMENT_SCHEMA, Comment, Thread, comments_frame
from commentscope.scraper.sources import read_source

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "data" / "gold" / "replies"
SEED = ROOT / "scraper" / "data" / "seed.txt"
GOLD_THREADS = {"seed": SEED, **{path.stem: path for path in sorted(GOLD.glob("*.txt"))}}
EXPLICIT = {"address", "header", "quote"}
#: Measured 0.968 (91 of 94 comments) when pinned; raise it when the inference improves.
ACCURACY_FLOOR = 0.95


def _gold(name: str) -> dict[str, dict[str, str]]:
    with open(GOLD / f"{name}.gold.csv", encoding="utf-8", newline="") as handle:
        return {row["id"]: row for row in csv.DictReader(handle)}


def _inferred(name: str) -> tuple[dict[str, Comment], dict[str, int], str | None]:
    thread = parse_source(read_source(str(GOLD_THREADS[name])))[0]
    comments, report = infer_thread(thread.comments, thread.article_text)
    return {comment.id: comment for comment in comments}, report, thread.article_text


def thread(*posts: tuple[str, str], **fields) -> list[Comment]:
    """A tiny flat thread built in code: (author, text) per comment, ids "1", "2", ..."""
    return [Comment(thread_id="t", id=str(n), position=n, author=author, timestamp=None, text=text, **fields)
            for n, (author, text) in enumerate(posts, start=1)]


def parents(comments: list[Comment], article: str | None = None, infer: bool = True) -> list[tuple]:
    """(parent_id, reply_evidence) of each comment after inference."""
    return [(c.parent_id, c.reply_evidence) for c in infer_thread(comments, article, infer)[0]]


# --- gold threads ---------------------------------------------------------------------------------

def test_every_gold_thread_has_a_gold_row_per_comment():
    assert len(GOLD_THREADS) >= 4
    for name in GOLD_THREADS:
        inferred, _, _ = _inferred(name)
        assert set(_gold(name)) == set(inferred), name


@pytest.mark.parametrize("name", sorted(GOLD_THREADS))
def test_explicit_cues_match_the_gold_exactly(name):
    gold = _gold(name)
    inferred, _, _ = _inferred(name)
    wrong = []
    for comment_id, row in gold.items():
        got = inferred[comment_id]
        if row["cue"] in EXPLICIT and (got.parent_id, got.reply_evidence) != (row["parent_id"], row["cue"]):
            wrong.append(f"#{comment_id}: got {got.parent_id} {got.reply_evidence}, "
                         f"gold {row['parent_id']} {row['cue']}")
        if got.reply_evidence in EXPLICIT and got.parent_id != (row["parent_id"] or None):
            wrong.append(f"#{comment_id}: {got.reply_evidence} link to {got.parent_id}, "
                         f"gold {row['parent_id'] or 'none'}")
    assert not wrong, "; ".join(wrong)


def test_accuracy_on_all_gold_comments_stays_above_the_floor():
    right = total = 0
    per_thread = []
    for name in sorted(GOLD_THREADS):
        gold = _gold(name)
        inferred, _, _ = _inferred(name)
        hits = sum((inferred[i].parent_id or "") == row["parent_id"] for i, row in gold.items())
        per_thread.append(f"{name} {hits}/{len(gold)}")
        right, total = right + hits, total + len(gold)
    accuracy = right / total
    print(f"\nreply parent accuracy {accuracy:.3f} ({right}/{total}): {', '.join(per_thread)}")
    assert accuracy >= ACCURACY_FLOOR, f"measured accuracy {accuracy:.3f} ({right}/{total}) fell below {ACCURACY_FLOOR}"


def test_seed_report_counts_the_links_per_cue():
    inferred, report, _ = _inferred("seed")
    print(f"\nseed links per cue: {report}")
    assert report == {"markup": 0, "address": 3, "header": 1, "quote": 4, "mention": 4, "inferred": 2}
    assert sum(report.values()) == sum(c.parent_id is not None for c in inferred.values())


def test_seed_quote_spans_cover_the_quoted_words():
    inferred, _, _ = _inferred("seed")
    spans = {cid: [(q["source_id"], c.text[q["start"]:q["end"]]) for q in c.quotes] for cid, c in inferred.items()}
    assert spans["3"] == [("1", "But Iran is not our ally either, and is actively undermining our interests.")]
    assert spans["19"] == [("17", "Can you believe how twisted this is?")]
    assert spans["6"][0][0] == "4" and spans["6"][0][1].startswith("Al Qaeda/Taliban in Afghanistan")
    assert spans["17"][0][0] == "6" and spans["17"][0][1].startswith("Agreed. Iran has absolutely no need")
    assert len(spans["17"]) == 1  # the parody that follows changes words: it is #17's own text


def test_quoting_the_article_records_a_span_but_no_parent():
    inferred, _, article = _inferred("bike_lanes")
    comment = inferred["4"]
    assert comment.parent_id is None
    (span,) = comment.quotes
    assert span["source_id"] == "article"
    assert comment.text[span["start"]:span["end"]] in article


def test_a_self_quote_is_recorded_but_is_no_reply():
    inferred, _, _ = _inferred("bike_lanes")
    comment = inferred["20"]
    assert comment.parent_id is None
    assert [q["source_id"] for q in comment.quotes] == ["11"]


def test_a_quote_with_an_ellipsis_and_mismatched_marks_is_one_span():
    inferred, _, _ = _inferred("maintainers")
    comment = inferred["13"]
    (span,) = comment.quotes
    assert comment.text[span["start"]:span["end"]] == "Nobody plans their life around a grant that … might not renew"


# --- address ----------------------------------------------------------------------------------------

def test_at_name_with_a_multiword_name_and_trailing_dot():
    comments = thread(("Whine Merchant", "Ollie North was a criminal."), ("Ann", "Something else."),
                      ("Youknowho", "@Whine Merchant.\n\nI am not so ready to blast Ollie North."))
    assert parents(comments)[2] == ("1", "address")


def test_an_at_word_that_is_no_author_is_not_an_address():
    comments = thread(("Ann", "The council met."), ("Bob", "@everyone please read the report first."))
    assert parents(comments)[1] == (None, None)


def test_to_name_colon_opening():
    comments = thread(("alex sardari", "Journalists should be punished."), ("Rick", "Unrelated."),
                      ("B. Bagheri", "To alex sardari: we don't punish journalists here."))
    assert parents(comments)[2] == ("1", "address")


@pytest.mark.parametrize("opening", ["Dear Lenny, ", "Hi Lenny. ", "Re: Lenny - ", "Lenny: ", "Lenny, ", "Lenny - ",
                                     "Thanks Lenny, "])
def test_opening_address_forms(opening):
    comments = thread(("Lenny", "We have interests everywhere."), ("Kate", "Rain tomorrow."),
                      ("Bob", opening + "that is not how alliances work."))
    assert parents(comments)[2] == ("1", "address")


def test_vocative_name_set_off_by_commas():
    comments = thread(("Lenny", "Iran is not our ally."), ("Donald ( the left leaning one)", "Whose interests, Lenny?"))
    assert parents(comments)[1] == ("1", "address")


def test_an_address_inside_a_quoted_passage_belongs_to_the_quoted_writer():
    comments = thread(("Ann", "Parking is the issue."),
                      ("Bob", "@Ann parking is not the issue, the right hooks at Fifth are the issue."),
                      ("Cy", "“@Ann parking is not the issue, the right hooks at Fifth are the issue.” Agreed."))
    assert parents(comments)[2] == ("2", "quote")


def test_comment_number_reference():
    comments = thread(("Ann", "Salaries."), ("Bob", "Bosses."), ("Cy", "Re #1: a salary comes with a boss."))
    assert parents(comments)[2] == ("1", "address")


def test_a_parenthesised_aside_in_a_name_is_ignored():
    comments = thread(("Donald ( the left leaning one)", "Interests of whom?"), ("Lenny", "@Donald, ours."))
    assert parents(comments)[1] == ("1", "address")


def test_tokens_are_folded_words_at_their_offsets():
    text = "Re: José’s “café”, don't—O’Brien_2"
    assert tokenize(text) == [("re", 0, 2), ("jose's", 4, 10), ("cafe", 12, 16), ("don't", 19, 24),
                              ("o'brien", 25, 32), ("2", 33, 34)]


@given(st.text(alphabet=st.sampled_from("aZé1 _'’.\n\"“ßİ-")))
def test_plain_words_are_the_offset_tokens_words(text):
    """The stages' words and reply inference's tokens come from one rule."""
    assert words(text) == tuple(word for word, _, _ in tokenize(text))


# --- header -----------------------------------------------------------------------------------------

def test_comment_by_header():
    comments = thread(("Dieter Heymann", "ObL was their paymaster."),
                      ("Kent", "Comment by Dieter Heymann:\n\n“ObL was their paymaster.”\n\nAgreed."))
    assert parents(comments)[1] == ("1", "header")


def test_name_wrote_inside_the_body_picks_the_quoted_comment():
    comments = thread(("Priya", "Most crashes were right hooks at the Fifth Avenue intersection."),
                      ("Priya", "Later: the grant covers it."), ("Mo", "Other point."),
                      ("Mike", "Back to safety.\n\nPriya wrote:\n> Most crashes were right hooks at the Fifth Avenue "
                               "intersection\n\nThen fix the intersection."))
    assert parents(comments)[3] == ("1", "header")


@pytest.mark.parametrize("form", ["Quoting Lenny:", "In reply to Lenny", "Lenny said:", "Lenny says:"])
def test_header_forms(form):
    comments = thread(("Lenny", "We won the war."), ("Kim", "Sunny today."), ("Meow", f"{form} not alone we didn't."))
    assert parents(comments)[2] == ("1", "header")


def test_says_without_a_colon_is_a_mention_not_a_header():
    comments = thread(("Lenny", "We won the war."), ("Meow", "Lenny Says The US won WW2. Funny story."))
    assert parents(comments)[1] == ("1", "mention")


# --- quote ------------------------------------------------------------------------------------------

SENTENCE = "The coupe was an inside job by the military and the established elite of the country."


@pytest.mark.parametrize("quoted", [f"“{SENTENCE}”", f'"{SENTENCE}"', f"“{SENTENCE}’", f"> {SENTENCE}\n",
                                   SENTENCE, "“The coupe was an inside job by the army and the established elite …”"])
def test_quotes_marked_unmarked_and_edited(quoted):
    comments = thread(("Ann", SENTENCE + " Nothing we did mattered."), ("Bob", "Weather."),
                      ("Cy", quoted + "\n\nNonsense, the money came from outside."))
    inferred = infer_thread(comments)[0][2]
    assert (inferred.parent_id, inferred.reply_evidence) == ("1", "quote")
    assert inferred.quotes[0]["source_id"] == "1"
    assert 0.6 <= inferred.reply_confidence <= 0.9


def test_a_short_scare_quote_is_not_a_quotation():
    comments = thread(("Ann", "Our interests are everywhere in the world."), ("Bob", "What are “interests” anyway?"))
    assert parents(comments)[1] == (None, None)


def test_a_requoted_passage_belongs_to_its_first_writer():
    passage = "Al Qaeda in Afghanistan did not need Iranian funding at that time."
    comments = thread(("Dieter", passage), ("Kent", f"“{passage}” Agreed, no need."),
                      ("Greater Israel", f"“{passage}” Twisted."))
    assert parents(comments)[2] == ("1", "quote")


def test_quoting_a_sentence_the_quoter_wrote_goes_to_the_quoter():
    comments = thread(("Kent", "Iran has absolutely no need to hire anyone to do the job."),
                      ("Greater Israel", "“Iran has absolutely no need to hire anyone to do the job.”\n\n"
                                         "Can you believe how twisted this is?"),
                      ("EliteCommInc.", "“Can you believe how twisted this is?’\n\nI would need more than that."))
    assert parents(comments)[2] == ("2", "quote")


def test_quoting_your_own_earlier_words_falls_through_to_the_next_cue():
    own = "I still think the rush hour backups will be ugly for everyone."
    comments = thread(("Will", own), ("Grace", "They won't."), ("Will", f"“{own}” Grace, time will tell."))
    assert parents(comments)[2] == ("2", "address")


# --- mention ----------------------------------------------------------------------------------------

def test_mention_goes_to_the_latest_earlier_comment_of_that_author():
    comments = thread(("Lenny", "Iran is not our ally."), ("Bob", "Maybe."), ("Lenny", "We won the war."),
                      ("MEOW", "Lenny & Co. still believe in that."))
    assert parents(comments)[3] == ("3", "mention")


@pytest.mark.parametrize("text", ["It is offensive to people like LENNY.", "Lenny’s comments are from another era.",
                                  "Whitfield is right about rye."])
def test_mention_is_case_insensitive_and_takes_possessives_and_surnames(text):
    author = "Ben Whitfield" if "Whitfield" in text else "Lenny"
    comments = thread((author, "We have interests."), ("Kim", text))
    assert parents(comments)[1] == ("1", "mention")


def test_a_common_word_name_needs_a_capital_mid_sentence():
    base = [("Will", "Nobody rides in January."), ("Ann", "Hmm.")]
    assert parents(thread(*base, ("Bo", "It will snow and nobody will care.")))[2] == (None, None)
    assert parents(thread(*base, ("Bo", "Grace and Will both ride in January.")))[2] == ("1", "mention")


def test_a_famous_person_in_the_article_is_not_a_commenter():
    comments = thread(("Frank", "I run the deli."), ("Anonymous", "I think Frank was right to vote no."))
    assert parents(comments, "Mayor Frank Delgado voted against the plan.")[1] == (None, None)
    assert parents(comments)[1] == ("1", "mention")


def test_a_name_run_into_another_proper_noun_is_someone_else():
    comments = thread(("Donald", "Interests of whom?"), ("Kim", "Donald Trump will not answer that."),
                      ("Lee", "Yesterday Donald asked a fair question."))
    assert parents(comments)[1:] == [(None, None), ("1", "mention")]


def test_a_titled_name_is_a_public_figure():
    comments = thread(("Francis", "Mercy matters."), ("Kim", "Pope Francis said much the same thing."))
    assert parents(comments)[1] == (None, None)


def test_placeholder_authors_are_different_people():
    comments = thread(("Anonymous", "The grant can only be spent on safety improvements downtown."),
                      ("Anonymous", "“The grant can only be spent on safety improvements downtown.” Says who?"))
    assert parents(comments)[1] == ("1", "quote")


def test_a_forward_reference_is_not_a_reply():
    comments = thread(("Alvarez", "I'd like to hear from Priyanka about the fund."), ("Priyanka", "Hi all."))
    assert parents(comments)[0] == (None, None)


def test_a_shared_first_name_resolves_by_recency_with_less_confidence():
    comments = thread(("Ben Ortiz", "Juice helps."), ("Ben Whitfield", "Rye helps."), ("Hannah", "@Ben how much rye?"))
    inferred = infer_thread(comments)[0][2]
    assert inferred.parent_id == "2"
    assert inferred.reply_confidence < 0.95


def test_john_and_john_mann_are_ambiguous_until_the_full_name():
    comments = thread(("john", "Americans like baseball."), ("John Mann", "How dare they."), ("Kim", "Rain."),
                      ("Ann", "I agree with John Mann."), ("Bob", "I agree with John, it is baseball."))
    result = infer_thread(comments)[0]
    assert result[3].parent_id == "2"
    assert result[4].parent_id == "2" and result[4].reply_confidence < result[3].reply_confidence


# --- inferred ---------------------------------------------------------------------------------------

def test_a_commenter_answering_a_reply_to_them_is_inferred():
    comments = thread(("Lee", "My cheap pH meter showed the pineapple starter was more acidic."),
                      ("Dan", "Thanks Lee, real data. Did the bread taste any different?"),
                      ("Lee", "Honestly no. Nobody in my family could tell the bread apart."))
    inferred = infer_thread(comments)[0][2]
    assert (inferred.parent_id, inferred.reply_evidence) == ("2", "inferred")
    assert 0.2 <= inferred.reply_confidence <= 0.4


def test_unrelated_comments_stay_top_level():
    comments = thread(("Ann", "The library opens on Sundays now."), ("Bob", "Great news for students."),
                      ("Cy", "Parking downtown is still a mess."))
    assert parents(comments) == [(None, None)] * 3


# --- rules ------------------------------------------------------------------------------------------

def test_addressing_yourself_skips_to_the_next_cue():
    comments = thread(("Lenny", "We won."), ("Bob", "“We won the war in the desert alone” is a myth."),
                      ("Bob", "@Bob I meant the Battle of Britain. Lenny is still wrong."))
    assert parents(comments)[2] == ("1", "mention")


def test_markup_parents_are_kept_and_threaded_sources_only_take_explicit_addresses():
    comments = thread(("Ann", "Top."), ("Bob", "Reply."), ("Cy", "@Ann you are right."), ("Dee", "Ann is wrong."))
    comments[1] = comments[1].replace(parent_id="1", reply_evidence="markup", reply_confidence=1.0)
    assert parents(comments) == [(None, None), ("1", "markup"), ("1", "address"), (None, None)]


def test_a_threaded_platform_without_replies_gets_no_mention_links():
    comments = thread(("Ann", "Great build."), ("Bob", "Ann is right about the bracket."),
                      source_format="youtube")
    assert parents(comments) == [(None, None), (None, None)]


def test_infer_false_keeps_only_markup():
    comments = thread(("Ann", "Top."), ("Bob", "@Ann no."))
    assert parents(comments, infer=False) == [(None, None), (None, None)]
    comments[1] = comments[1].replace(parent_id="1", reply_evidence="markup", reply_confidence=1.0)
    assert parents(comments, infer=False)[1] == ("1", "markup")


def test_robust_to_empty_texts_missing_authors_duplicates_and_unicode():
    comments = thread(("", ""), ("", "   "), ("José Núñez", "¿Qué? 🚲 Ça va."), ("José Núñez", "Jose again."),
                      ("Zoë", "@José Núñez ¿por qué?"), ("", "@ @@ # > “"))
    result = parents(comments)
    assert result[4] == ("4", "address")
    assert result[5] == (None, None)
    assert infer_thread([]) == ([], {"markup": 0, "address": 0, "header": 0, "quote": 0, "mention": 0, "inferred": 0})


def test_the_input_comments_and_their_order_are_kept():
    comments = thread(("Ann", "First."), ("Bob", "@Ann second."))
    shuffled = [comments[1], comments[0]]
    result = infer_thread(shuffled)[0]
    assert [c.id for c in result] == ["2", "1"] and result[0].parent_id == "1"
    assert comments[1].parent_id is None


# --- long comments: a bounded reading ---------------------------------------------------------------

#: About 15,000 characters of prose naming nobody, quoting nothing and sharing no passage with the posts.
FILLER = " ".join(f"Paragraph {k} weighs drainage, zoning and bus timetables for ward {k}." for k in range(220))
PASSAGE = "bike lanes on Elm Street cut crashes by a third within two years"
POSTS = (("Marcus Bell", f"The {PASSAGE} of opening."),
         ("Priya Nair", "The library should open on Sundays for students."))


def _long_reply(text: str) -> Comment:
    assert len(text) > 10_000
    return infer_thread(thread(*POSTS, ("Tom Okafor", text)))[0][2]


def test_a_long_reply_quoting_a_passage_in_its_middle_links_to_it_with_the_span_in_its_own_text():
    text = FILLER[:6_000] + f' Someone claimed that "{PASSAGE}" and I doubt it. ' + FILLER[6_000:]
    reply = _long_reply(text)
    # marked, 13 of 15 words for full length, exact: 0.6 + 0.15 + 0.15 * 13 / 15
    assert (reply.parent_id, reply.reply_evidence, reply.reply_confidence) == ("1", "quote", 0.88)
    [span] = reply.quotes
    assert span["source_id"] == "1" and text[span["start"]:span["end"]] == PASSAGE


def test_a_long_reply_quoting_on_gt_lines_at_its_end_links_to_it():
    text = FILLER + "\n\n> The library should open on Sundays for students.\n\nWho would staff it?"
    reply = _long_reply(text)
    assert (reply.parent_id, reply.reply_evidence) == ("2", "quote")
    assert text[reply.quotes[0]["start"]:reply.quotes[0]["end"]] == "The library should open on Sundays for students."


def test_a_long_reply_addressed_at_its_start_or_with_an_at_name_in_its_middle():
    opening = _long_reply("@Priya Nair you are right. " + FILLER)
    middle = _long_reply(FILLER[:8_000] + " Ask @Marcus Bell about it. " + FILLER[8_000:])
    assert (opening.parent_id, opening.reply_evidence, opening.reply_confidence) == ("2", "address", 0.95)
    assert (middle.parent_id, middle.reply_evidence, middle.reply_confidence) == ("1", "address", 0.9)


def test_a_header_before_a_quotation_deep_in_a_long_reply_is_read():
    text = FILLER[:9_000] + f'\n\nMarcus Bell wrote:\n"The {PASSAGE}."\n\n' + FILLER[9_000:]
    reply = _long_reply(text)
    assert (reply.parent_id, reply.reply_evidence, reply.reply_confidence) == ("1", "header", 0.9)


def test_a_passage_in_the_opening_of_a_long_comment_can_be_quoted_later():
    essay = "Council money should go to " + PASSAGE + " of opening. " + FILLER
    comments = thread(("Marcus Bell", essay), ("Priya Nair", "Fine."), ("Tom Okafor", f'"{PASSAGE}" is wrong.'))
    assert parents(comments)[2] == ("1", "quote")


def test_a_long_comment_is_read_in_bounded_pieces_that_map_back_to_its_text():
    text = FILLER + "".join(f' "Quoted point number {k} here." and @Someone{k} ' + FILLER[:300] for k in range(300))
    reading = read(text)
    assert len(text) > 100_000 and len(reading.text) <= OPENING_CHARS + EXCERPT_CHARS + 200
    assert reading.text.startswith(FILLER[:OPENING_CHARS]) and len(reading.starts) > 1
    for k, (start, origin) in enumerate(zip(reading.starts, reading.origins)):
        stop = reading.starts[k + 1] - 2 if k + 1 < len(reading.starts) else len(reading.text)
        assert reading.text[start:stop] == text[origin:origin + stop - start]
        assert reading.real(start + 3) == origin + 3
    assert read(FILLER[:READ_CHARS]).text == FILLER[:READ_CHARS]


# --- frame form -------------------------------------------------------------------------------------

def test_infer_replies_keeps_row_order_and_extra_columns_per_thread():
    one = thread(("Ann", "First."), ("Bob", "@Ann second."))
    two = [c.replace(thread_id="u") for c in thread(("Bob", "Elsewhere."), ("Ann", "Bob, indeed."))]
    frame = comments_frame([one[1], two[0], one[0], two[1]]).with_columns(pl.Series("extra", [1, 2, 3, 4]))
    result = infer_replies(frame)
    assert result.columns == frame.columns
    assert result["id"].to_list() == ["2", "1", "1", "2"]
    assert result["extra"].to_list() == [1, 2, 3, 4]
    assert result["parent_id"].to_list() == ["1", None, None, "1"]
    assert result["reply_evidence"].to_list() == ["address", None, None, "address"]
    assert result.schema["quotes"] == COMMENT_SCHEMA["quotes"]


def test_infer_replies_uses_the_article_of_the_thread():
    comments = thread(("Ann", "Something."), ("Bob", "“the lanes would bring more foot traffic to the shops” — no."))
    frame = comments_frame(comments)
    article = Thread(thread_id="t", source_format="csv",
                     article_text="Owners said the lanes would bring more foot traffic to the shops on Main.")
    result = infer_replies(frame, [article])
    assert result["quotes"][1].to_list()[0]["source_id"] == "article"
    assert result["parent_id"].to_list() == [None, None]


def test_infer_replies_fills_missing_reply_columns_of_a_minimal_frame():
    frame = pl.DataFrame({"thread_id": ["t", "t"], "id": ["a", "b"], "author": ["Ann", None],
                          "text": ["Parking is the issue.", None]})
    result = infer_replies(frame.with_columns(pl.Series("text", ["Parking is the issue.", "@Ann no."])))
    assert result.columns == ["thread_id", "id", "author", "text", "parent_id", "reply_evidence",
                              "reply_confidence", "quotes"]
    assert result["parent_id"].to_list() == [None, "a"]
    assert infer_replies(frame)["parent_id"].to_list() == [None, None]


def test_infer_replies_without_the_needed_columns_is_an_input_error():
    with pytest.raises(InputError, match="no text column"):
        infer_replies(pl.DataFrame({"thread_id": ["t"], "id": ["1"]}))


# --- invariants -------------------------------------------------------------------------------------

NAMES = ["Ann", "Bob", "Will", "Grace Holloway", "Mike R.", "Mike Dawson", "José", "", "MEOW", "john", "John Mann"]
WORDS = ["iran", "the", "Will", "@Ann", "@Mike", "Bob,", "wrote:", "To", "Dear", "“", "”", ">", "\n", "Grace’s",
         "interests", "ally", "war", "#2", "Comment", "by", "said:", "John", "quote", "…", "Mike:", "ça"]


@st.composite
def random_threads(draw):
    size = draw(st.integers(min_value=0, max_value=14))
    texts = [" ".join(draw(st.lists(st.sampled_from(WORDS), max_size=30))) for _ in range(size)]
    for n in range(1, size):  # some comments copy a passage of an earlier one
        if draw(st.booleans()):
            source = texts[draw(st.integers(0, n - 1))].split()
            texts[n] = "“" + " ".join(source[:12]) + "” " + texts[n]
    markup = draw(st.lists(st.integers(0, max(0, size - 1)), max_size=2))
    comments = thread(*[(draw(st.sampled_from(NAMES)), text) for text in texts])
    for n in markup:
        if 0 < n < size:
            comments[n] = comments[n].replace(parent_id=str(n), reply_evidence="markup", reply_confidence=1.0)
    return comments


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_threads(), st.booleans())
def test_inferred_parents_are_earlier_existing_never_self_and_acyclic(comments, infer):
    result, report = infer_thread(comments, None, infer)
    by_id = {c.id: c for c in result}
    assert [c.id for c in result] == [c.id for c in comments]
    for comment in result:
        assert (comment.parent_id is None) == (comment.reply_evidence is None) == (comment.reply_confidence is None)
        if comment.parent_id is None:
            continue
        parent = by_id[comment.parent_id]
        assert parent.position < comment.position
        if comment.reply_evidence != "markup":
            assert not (author_key(comment.author) and author_key(comment.author) == author_key(parent.author))
        assert 0.0 <= comment.reply_confidence <= 1.0
        if not infer:
            assert comment.reply_evidence == "markup"
        seen, node = set(), comment
        while node.parent_id is not None:
            assert node.id not in seen
            seen.add(node.id)
            node = by_id[node.parent_id]
        for quote in comment.quotes:
            assert 0 <= quote["start"] < quote["end"] <= len(comment.text)
    assert sum(report.values()) == sum(c.parent_id is not None for c in result)
