"""Agreement of a reply with its parent comment: ``agree``, ``disagree`` or ``neutral``.

Why a stage of its own: agreement is what the stance stage propagates along the reply tree (agreeing
with a comment that favours the article is favouring it), and a dashboard shows who argues with whom.

The label comes from the learned pairwise model (reply against parent) combined with the cue detector
below (``scoring``). The detector reads the reply for general-English cues only, each adding evidence
for one side:
openers ("Agreed", "Exactly", "+1" / "No,", "Nonsense", "Really?"), sarcasm ("Oh, poor ..."),
rebuttal and challenge phrases anywhere ("did you even read", "doesn't mean", "bad comparison"),
quoting the parent and then denying it, denying a claim of the parent (shared content words, one side
negated), opposite sentiment about the same thing, a short question throwing the parent's words back
("Doored twice?"), negative words aimed at the addressee, and the parent's words in scare quotes.
Evidence for a side combines as a noisy-or; the stronger side wins when it is clear enough.
An answer to a question ("Yes, it moved to ...") is neutral, not agreement.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import polars as pl

from commentscope.analysis.run.collector import paused
from commentscope.analysis.stages import cue_words, cues
from commentscope.analysis.stages.cues import bounded
from commentscope.analysis.stages.pairwise.model import forget_readings, load_model
from commentscope.analysis.stages.scoring import K_CUE, labelled, with_cues
from commentscope.analysis.text import CACHE_SIZE
from commentscope.analysis.text.phrases import search
from commentscope.analysis.text.sentences import is_question, sentences
from commentscope.analysis.text.stems import stem, stem_set
from commentscope.analysis.text.tokens import normalise, words
from commentscope.scraper.errors import InputError

LABELS = ("agree", "disagree", "neutral")

#: Openers so short or common that they answer a question as often as they agree with a claim.
_WEAK_AGREE = {"yes", "yep", "yup", "yeah", "right", "absolutely", "definitely", "totally", "indeed", "correct",
               "same", "truth"}
_ANSWERS = {"yes", "yep", "yup", "yeah", "no", "nope", "nah", "actually", "in fact", "absolutely", "definitely",
            "correct", "right", "not really", "not exactly", "not necessarily", "hardly"}


@dataclass(frozen=True)
class Verdict:
    """A reply's agreement with its parent, how sure, and the cues that decided it."""

    label: str
    confidence: float
    cues: tuple[str, ...]


class _Evidence:
    def __init__(self) -> None:
        self.scores = {"agree": 0.0, "disagree": 0.0}
        self.cues: list[str] = []

    def add(self, label: str, weight: float, cue: str) -> None:
        if weight <= 0:
            return
        self.scores[label] = 1.0 - (1.0 - self.scores[label]) * (1.0 - min(weight, 0.95))
        self.cues.append(f"{label}:{cue}")


def judge_reply(text: str, parent_text: str | None, parent_author: str | None = None,
                quotes: list[dict[str, Any]] | None = None) -> Verdict:
    """Judge whether ``text`` agrees with ``parent_text`` (the comment it replies to)."""
    parent_text = parent_text or ""
    own = cues.own_text(text or "", quotes, parent_text, parent_author)
    parent_own = cues.own_text(parent_text).own
    evidence = _Evidence()
    parent_is_question = _mostly_asks(parent_text)
    _opening_cues(own.opening, parent_is_question, evidence)
    _phrase_cues(normalise(own.own), evidence)
    if own.quotes_parent:
        _quote_cues(own, evidence)
    if not parent_is_question:
        _claim_cues(own.own, parent_own, evidence)
    _question_cues(own.own, parent_own, cues.name_tokens(parent_author), parent_is_question, evidence)
    _addressee_cues(own.own, cues.name_tokens(parent_author), evidence)
    _scare_quote_cues(own.own, parent_own, evidence)
    return _decide(evidence)


def _opening_cues(opening: str, parent_is_question: bool, evidence: _Evidence) -> None:
    if not opening:
        return
    match_agree = cue_words.AGREE_OPENERS.match(opening) or cue_words.THIS_OPENER.match(opening)
    match_disagree = cue_words.DISAGREE_OPENERS.match(opening)
    if cue_words.AGREEING_NEGATIONS.match(opening):
        evidence.add("agree", 0.6, "agreeing negation opener")
    elif cue_words.CONCEDE_REBUT.match(opening):
        evidence.add("disagree", 0.5, "concede then rebut")
    elif cue_words.HEDGED_DISAGREE.match(opening):
        evidence.add("disagree", 0.6, "hedged disagreement")
    elif cue_words.SARCASM_OPENERS.match(opening):
        evidence.add("disagree", 0.75, "sarcasm opener")
    elif match_disagree:
        word = match_disagree.group(0).strip()
        if parent_is_question and word in _ANSWERS:
            return
        weight = 0.55 if word in {"actually", "in fact"} else 0.8
        evidence.add("disagree", weight, f"opener '{word}'")
    elif match_agree:
        word = match_agree.group(0).strip(" .!")
        if parent_is_question and (word in _WEAK_AGREE or word in _ANSWERS):
            return
        evidence.add("agree", 0.5 if word in _WEAK_AGREE else 0.8, f"opener '{word}'")


def _phrase_cues(own: str, evidence: _Evidence) -> None:
    if match := search(cue_words.DISAGREE_PHRASES, own):
        evidence.add("disagree", 0.5, f"phrase '{match.group(0)}'")
    if match := search(cue_words.CHALLENGE_PHRASES, own):
        evidence.add("disagree", 0.6, f"challenge '{match.group(0)}'")
    if match := search(cue_words.SARCASM_ANYWHERE, own):
        evidence.add("disagree", 0.5, f"sarcasm '{match.group(0)}'")
    if match := search(cue_words.AGREE_PHRASES, own):
        evidence.add("agree", 0.5, f"phrase '{match.group(0)}'")


def _quote_cues(own: cues.OwnText, evidence: _Evidence) -> None:
    """People quote a comment mostly to rebut it: a denial right after the quote makes it clear."""
    if evidence.scores["agree"] >= 0.5:
        return
    first = sentences(own.own)[:2]
    rebuts = any(cues.is_negated(s) or set(words(s)) & cue_words.CONTRASTS for s in first)
    evidence.add("disagree", 0.6 if rebuts else 0.25, "quotes the parent then denies it" if rebuts else "quotes the parent")


def _claim_cues(own: str, parent_text: str, evidence: _Evidence) -> None:
    """A sentence sharing content words with a parent sentence but negated the other way contradicts it;
    negated alike, the opposite sentiment contradicts it and the same sentiment echoes it."""
    parent, index = _parent_claims(parent_text)
    best_negation = best_opposite = best_echo = 0.0
    for sentence in sentences(own):
        if is_question(sentence):
            continue
        stems = stem_set(sentence)
        if not stems:
            continue
        # Only the parent sentences sharing a stem can count (the bests are maxima: order is free).
        # A strength that cannot raise a best needs no sentiment (VADER) read.
        for number in sorted({n for shared_stem in stems for n in index.get(shared_stem, ())}):
            parent_sentence, parent_stems = parent[number]
            shared = stems & parent_stems
            strength = min(1.0, (len(shared) + 1) / 3)
            if cues.is_negated(sentence) != cues.is_negated(parent_sentence):
                best_negation = max(best_negation, strength)
                continue
            if strength <= best_opposite and strength <= best_echo:
                continue
            mine, theirs = cues.polarity(sentence), cues.polarity(parent_sentence)
            if abs(mine) >= 0.3 and abs(theirs) >= 0.3:
                if mine * theirs < 0:
                    best_opposite = max(best_opposite, strength)
                else:
                    best_echo = max(best_echo, strength)
    evidence.add("disagree", 0.45 * best_negation, "denies a claim of the parent")
    evidence.add("disagree", 0.4 * best_opposite, "opposite sentiment on the same point")
    evidence.add("agree", 0.25 * best_echo, "same sentiment on the same point")


@lru_cache(maxsize=CACHE_SIZE)
def _parent_claims(parent_text: str) -> tuple[list[tuple[str, frozenset[str]]], dict[str, list[int]]]:
    """The parent's statements (sentences not ending in "?", with content stems) and a stem -> their
    numbers index, so a long reply to a long parent is not compared sentence by sentence with it all."""
    parent = [(s, stem_set(s)) for s in sentences(parent_text) if not is_question(s)]
    parent = [(s, stems) for s, stems in parent if stems]
    index: dict[str, list[int]] = defaultdict(list)  # read with .get: a missing stem adds no entry
    for number, (_, stems) in enumerate(parent):
        for claim_stem in stems:
            index[claim_stem].append(number)
    return parent, index


def _question_cues(own: str, parent_text: str, names: frozenset[str], parent_is_question: bool,
                   evidence: _Evidence) -> None:
    parent_stems = None  # built at the first question: most replies ask none
    for sentence in sentences(own):
        if not is_question(sentence):
            continue
        if parent_stems is None:
            parent_stems = stem_set(parent_text) | {stem(n) for n in names if " " not in n}
        tokens = words(sentence)
        stems = stem_set(sentence)
        if tokens and len(tokens) <= 6 and stems and stems <= parent_stems:
            evidence.add("disagree", 0.6, "throws the parent's words back as a question")
            return
        if not parent_is_question and (not cue_words.SECOND_PERSON.isdisjoint(tokens) or cues.mentions(tokens, names)):
            evidence.add("disagree", 0.35, "question put to the addressee")
            return


def _addressee_cues(own: str, names: frozenset[str], evidence: _Evidence) -> None:
    for sentence in sentences(own):
        tokens = words(sentence)
        if (not cue_words.SECOND_PERSON.isdisjoint(tokens) or cues.mentions(tokens, names)) and cues.polarity(sentence) <= -0.3:
            evidence.add("disagree", 0.35, "negative words aimed at the addressee")
            return


def _scare_quote_cues(own: str, parent_text: str, evidence: _Evidence) -> None:
    phrases = cues.scare_quotes(own)
    if not phrases:  # most replies: the parent's words need not be joined
        return
    parent_norm = " ".join(words(parent_text))
    for phrase in phrases:
        squashed = " ".join(words(phrase))
        if squashed and f" {squashed} " in f" {parent_norm} ":
            evidence.add("disagree", 0.4, "the parent's words in scare quotes")
            return


@lru_cache(maxsize=CACHE_SIZE)
def _mostly_asks(text: str) -> bool:
    """A comment that mostly asks (half its sentences or more are questions): replies answer it."""
    parts = sentences(cues.own_text(text).own)
    if not parts:
        return False
    asked = sum(1 for s in parts if is_question(s))
    return asked * 2 >= len(parts)


def _decide(evidence: _Evidence) -> Verdict:
    agree, disagree = evidence.scores["agree"], evidence.scores["disagree"]
    best_label = "agree" if agree > disagree else "disagree"
    best, other = max(agree, disagree), min(agree, disagree)
    # Replies that take a side mostly disagree (argument is why people reply), so less evidence suffices.
    floor = 0.4 if best_label == "agree" else 0.3
    if best >= floor and best - other >= 0.15:
        confidence = min(0.95, 0.45 + 0.5 * (best - other))
        return Verdict(best_label, round(confidence, 3), tuple(evidence.cues))
    return Verdict("neutral", round(max(0.3, 0.7 - 0.6 * best), 3), tuple(evidence.cues))


def universe(texts: list[str | None]) -> list[str]:
    """The distinct comment texts of a frame as the model reads them (``bounded``), in frame order: the
    strings agreement and stance both read, so the model reads them once for the two."""
    return list(dict.fromkeys(bounded(text or "") for text in texts))


def clear_caches() -> None:
    """Forget the remembered texts of this stage, of the cues (see ``cues.clear_caches``) and the
    model's remembered reading."""
    forget_readings()
    cues.clear_caches()
    _mostly_asks.cache_clear()
    _parent_claims.cache_clear()


def require_columns(frame: pl.DataFrame, columns: tuple[str, ...], stage: str) -> None:
    """Raise InputError naming the missing columns a stage needs."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(f"the comment frame lacks column(s) {', '.join(missing)} needed by {stage}",
                         "analysis frame", "build it from comment records (commentscope.scraper.records.COMMENT_SCHEMA)")


@paused()  # see commentscope.analysis.run.collector
def add_agreement(frame: pl.DataFrame, clear: bool = True) -> pl.DataFrame:
    """Add ``agreement`` (agree/disagree/neutral; null for a top-level comment),
    ``agreement_confidence`` (its probability) and ``agreement_evidence`` (what weighed most). Reads
    thread_id, id, text, parent_id, and author and quotes when present.

    Each reply is scored by the pairwise model against its parent's text and by the cue detector
    (``judge_reply``); the two combine as ``scoring.with_cues`` says. ``clear=False`` keeps the texts
    read (own words, words, stems) for the stance stage that follows, which reads most of them again
    and clears them when it is done (about a tenth of the two stages' time).
    """
    require_columns(frame, ("thread_id", "id", "text", "parent_id"), "add_agreement")
    height = frame.height
    threads, ids, texts, parents = (frame.get_column(c).to_list() for c in ("thread_id", "id", "text", "parent_id"))
    authors = frame.get_column("author").to_list() if "author" in frame.columns else [None] * height
    quotes = frame.get_column("quotes").to_list() if "quotes" in frame.columns else [None] * height
    by_id = {key: k for k, key in enumerate(zip(threads, ids))}
    # A reply whose parent the frame lacks (a page showing one comment of a thread) is read against an
    # empty parent: its own words ("Agreed, well said") still say something.
    pairs = [(k, by_id.get((threads[k], parents[k]))) for k in range(height) if parents[k] is not None]
    labels: list[str | None] = [None] * height
    confidences: list[float | None] = [None] * height
    reasons: list[str | None] = [None] * height
    if pairs:
        replies = [bounded(texts[k] or "") for k, _ in pairs]
        targets = [bounded(texts[p] or "") if p is not None else "" for _, p in pairs]
        verdicts = [judge_reply(texts[k] or "", texts[p] if p is not None else None,
                                authors[p] if p is not None else None, quotes[k]) for k, p in pairs]
        cue_agree = np.array([v.confidence if v.label == "agree" else 0.0 for v in verdicts])
        cue_disagree = np.array([v.confidence if v.label == "disagree" else 0.0 for v in verdicts])
        scored = load_model().read(targets, replies, "agreement", universe=universe(texts))
        probabilities = with_cues(scored.probabilities(), cue_agree, cue_disagree, K_CUE)
        names, sure = labelled(probabilities, "agreement")
        explained = explain_rows(scored, names, verdicts)
        for n, (k, _) in enumerate(pairs):
            labels[k], confidences[k], reasons[k] = names[n], sure[n], explained[n]
    if clear:
        clear_caches()  # what the caches hold belongs to this frame: the next one starts empty
    return frame.with_columns(
        pl.Series("agreement", labels, dtype=pl.String),
        pl.Series("agreement_confidence", confidences, dtype=pl.Float64),
        pl.Series("agreement_evidence", reasons, dtype=pl.String),
    )


def explain_rows(scored, names: list[str], verdicts) -> list[str]:
    """A short reason for each label: the cue detector's where it fired for that label, else the model's
    strongest feature for it."""
    out: list[str | None] = [None] * len(names)
    need = []
    for n, (name, verdict) in enumerate(zip(names, verdicts)):
        fired = [c.split(":", 1)[1] for c in verdict.cues if c.split(":", 1)[0] == name]
        if fired:
            out[n] = fired[0]
        else:
            need.append(n)
    if need:
        classes = np.array([LABELS.index(names[n]) for n in need])
        for n, reason in zip(need, scored.explain(np.array(need), classes)):
            out[n] = reason
    return out  # type: ignore[return-value]
