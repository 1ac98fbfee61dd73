"""The stance cue detector: what a comment says of the article in so many words, and how it echoes or
denies the article's claims.

It reads the article (or, where a thread has no article text, its opening post): its claims (title,
lead, closing, sentences in the author's own voice that state a conclusion) and the terms it speaks of
warmly or critically. Each comment then gets its own evidence, scores 0..1 for each side:
  - what it says about the piece or its author ("great article", "thank you for this", "hit piece",
    "the author ignores", "reads like an ad"), and evaluative words next to "this article"/the author;
  - a declared position ("I'm in favour", "I oppose this"), or, at top level, an opener that answers
    the article ("Exactly." / "Nonsense.");
  - echoing a claim of the article or denying it (shared content words, negated the other way);
  - speaking of the article's criticised terms critically (echo) or warmly (defence), and the reverse
    for the terms it favours.
Tone is not stance: an angry comment may be angry at whoever the article criticises. The evidence is one
input of the stance stage (``stance``), beside the learned model and the reply tree, and the words of
its strongest cue explain a label. Everything is general English (``cue_words``); no word of any topic.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from itertools import chain
from dataclasses import dataclass, field

from commentscope.analysis.stages import cue_words, cues
from commentscope.analysis.text.phrases import finditer, runs, search
from commentscope.analysis.text.sentences import is_question, sentences
from commentscope.analysis.text.stems import stem_set
from commentscope.analysis.text.tokens import normalise, word_set, words

TARGET_ARTICLE = "article"
TARGET_OPENING = "opening comment"
#: A name whose words are all runs of [a-z0-9] (``_may_refer`` can rule it out by the text's runs).
_ALNUM_WORDS = re.compile(r"^[a-z0-9]+(?: [a-z0-9]+)*$")


@dataclass
class Target:
    """What the comments of one thread take a stance toward."""

    kind: str
    #: (sentence, content stems, negated, critical polarity)
    claims: list[tuple[str, set[str], bool, float]] = field(default_factory=list)
    claim_stems: set[str] = field(default_factory=set)
    term_polarity: dict[str, float] = field(default_factory=dict)
    #: Words of the subject itself (in many of the piece's sentences or many comments): shared by everyone,
    #: whatever their side, so they say nothing about agreeing with a claim.
    topic: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)
    opening_id: str | None = None
    author: str | None = None
    #: stem -> numbers of the claims holding it (and None -> how many claims it covers), built on first use.
    claim_index: dict = field(default_factory=dict, repr=False, compare=False)


def read_target(title: str | None, text: str | None, author: str | None = None, site: str | None = None,
                opening_id: str | None = None, comments: list[str] | None = None) -> Target:
    """Read an article (or opening post) into claims, term polarities and the names it goes by.
    ``comments`` (the thread's comment texts) tell which words are the subject everyone shares."""
    kind = TARGET_OPENING if opening_id is not None else TARGET_ARTICLE
    paragraphs = [p.strip() for p in (text or "").split("\n\n") if p.strip()]
    if paragraphs and (bio := cue_words.BIO.match(paragraphs[-1])):
        author = author or bio["name"]
        paragraphs = paragraphs[:-1]
    target = Target(kind=kind, opening_id=opening_id, author=author)
    lead = set(sentences(paragraphs[0])) if paragraphs else set()
    closing = set(sentences(paragraphs[-1])) if paragraphs else set()
    voiced: list[str] = []
    for paragraph in paragraphs:
        for sentence in sentences(paragraph):
            lowered = normalise(sentence)
            if cue_words.ATTRIBUTION.search(lowered) or any(q in sentence for q in "\"“”"):
                continue
            voiced.append(sentence)
            is_claim = (kind == TARGET_OPENING or sentence in lead or sentence in closing
                        or cue_words.CONCLUSION.search(lowered))
            if is_claim and not is_question(sentence):
                _add_claim(target, sentence)
    if title:
        _add_claim(target, title)
    target.topic = _topic_stems([s for p in paragraphs for s in sentences(p)], comments or [])
    target.term_polarity = _term_polarity(voiced + ([title] if title else []), title, target.topic)
    target.names = set(cues.name_tokens(author))
    if site:
        target.names.add(" ".join(words(site)))
    return target


def _add_claim(target: Target, sentence: str) -> None:
    stems = set(stem_set(sentence))
    if stems:
        target.claims.append((sentence, stems, cues.is_negated(sentence), cues.critical_polarity(sentence)))
        target.claim_stems |= stems


def _topic_stems(article_sentences: list[str], comments: list[str]) -> set[str]:
    """Stems in more than an eighth of the piece's sentences or a quarter of the comments (each counted
    only when there are enough of them to tell)."""
    topic: set[str] = set()
    for texts, share in ((article_sentences, 0.125), (comments, 0.25)):
        if len(texts) < 8:
            continue
        counts = Counter(chain.from_iterable(stem_set(cues.bounded(text)) for text in texts))
        topic |= {stem for stem, n in counts.items() if n > share * len(texts)}
    return topic


def _term_polarity(voiced: list[str], title: str | None, topic: set[str]) -> dict[str, float]:
    """Whom or what the piece runs down or speaks up for: the mean critical polarity of the evaluative
    sentences (a word of criticism, or clearly warm) each specific term stands in (VADER alone reads
    reported bad news as criticism, so a negative sentence must criticise in words), for terms seen
    at least twice (or in the title) with a clear sign."""
    seen: dict[str, list[float]] = defaultdict(list)
    for sentence in voiced:
        value = cues.critical_polarity(sentence)
        critical = any(w in cue_words.CRITICISM for w in words(sentence))
        if not (critical or value >= 0.5):
            continue
        for term in stem_set(sentence) - topic:
            seen[term].append(value)
    title_stems = stem_set(title) if title else frozenset()
    polar = {}
    for term, values in seen.items():
        mean = sum(values) / len(values)
        if (len(values) >= 2 or term in title_stems) and abs(mean) >= 0.3:
            polar[term] = mean
    return polar


class Evidence:
    """Scores 0..1 for each side (noisy-or of the cues' weights) and the strongest cue behind each."""

    def __init__(self) -> None:
        self.scores = {"favor": 0.0, "against": 0.0}
        #: The strongest cue seen for each side, and its weight.
        self.reasons: dict[str, tuple[float, str]] = {}

    def add(self, label: str, weight: float, reason: str) -> None:
        if weight > 0:
            self.scores[label] = 1.0 - (1.0 - self.scores[label]) * (1.0 - min(weight, 0.95))
            if weight > self.reasons.get(label, (0.0, ""))[0]:
                self.reasons[label] = (weight, reason)


def own_evidence(text: str, target: Target, is_reply: bool, quotes: list | None = None,
                 parent_text: str | None = None, parent_author: str | None = None) -> dict[str, float]:
    """Scores (0..1) for favour and against from the comment's own words, before the reply tree."""
    return cue_evidence(text, target, is_reply, quotes, parent_text, parent_author).scores


def cue_evidence(text: str, target: Target, is_reply: bool, quotes: list | None = None,
                 parent_text: str | None = None, parent_author: str | None = None) -> Evidence:
    """The evidence of ``own_evidence`` with the words of the strongest cue for each side."""
    own = cues.own_text(text or "", quotes, parent_text, parent_author)
    lowered = normalise(own.own)
    evidence = Evidence()
    _piece_cues(lowered, target, is_reply, evidence)
    if not is_reply:
        _opener_cues(own.opening, evidence)
        _top_level_phrase_cues(lowered, evidence)
    if search(cue_words.POSITION_FAVOR, lowered):
        evidence.add("favor", 0.5 if is_reply else 0.7, "declares support")
    if search(cue_words.POSITION_AGAINST, lowered):
        evidence.add("against", 0.5 if is_reply else 0.7, "declares opposition")
    _claim_cues(own.own, target, evidence)
    _term_cues(own.own, target, evidence)
    if search(cue_words.NEUTRAL_MARKERS, lowered):
        evidence.scores = {k: v * 0.4 for k, v in evidence.scores.items()}
    return evidence


def _mentions_piece(phrase: str) -> bool:
    return any(noun in phrase for noun in ("article", "piece", "review", "author", "writer", "post", "op-ed",
                                            "publication", "journalis", "report", "analysis", "column"))


def _piece_cues(lowered: str, target: Target, is_reply: bool, evidence: Evidence) -> None:
    for match in finditer(cue_words.PIECE_PRAISE, lowered):
        if not is_reply or _mentions_piece(match.group(0)):
            evidence.add("favor", 0.8, f"praises the piece: '{match.group(0)}'")
            break
    for match in finditer(cue_words.PIECE_ATTACK, lowered):
        evidence.add("against", 0.6 if is_reply and not _mentions_piece(match.group(0)) else 0.8,
                     f"attacks the piece: '{match.group(0)}'")
        break
    if not is_reply and search(cue_words.THANKS, lowered):
        evidence.add("favor", 0.6, "thanks the author")
    if not _may_refer(lowered, target):
        return
    for sentence in sentences(lowered):
        tokens = words(sentence)
        for position in _reference_positions(sentence, tokens, target):
            favor, against = _evaluations(tokens, position)
            if favor and not against:
                evidence.add("favor", 0.6, "speaks well of the piece")
            elif against and not favor:
                evidence.add("against", 0.6, "speaks ill of the piece")


def _may_refer(lowered: str, target: Target) -> bool:
    """Whether any sentence of ``lowered`` can refer to the piece: a reference phrase somewhere in it, or
    every word of one of the piece's names. A sentence's words are words of the whole text and a
    reference inside a sentence is one in the whole text, so a comment failing this has no reference
    position in any sentence, and most comments skip the sentence-by-sentence search."""
    if search(cue_words.PIECE_REF, lowered):
        return True
    if not target.names:
        return False
    if lowered.isascii():
        # In ASCII text a word made of [a-z0-9] is also a whole [a-z0-9] run: a name with a part no run
        # equals cannot be among the words, and the runs are already read (most comments name no one).
        found = runs(lowered)
        names = [name for name in target.names if found.issuperset(name.split()) or not _ALNUM_WORDS.match(name)]
        if not names:
            return False
    else:
        names = list(target.names)
    present = word_set(lowered)
    return any(present.issuperset(name.split()) for name in names)


def _reference_positions(sentence: str, tokens: tuple[str, ...], target: Target) -> list[int]:
    """Token positions where a sentence refers to the piece ("this article", its author, its site)."""
    positions = [len(words(sentence[:m.end()])) - 1 for m in cue_words.PIECE_REF.finditer(sentence)]
    joined = " ".join(tokens)
    for name in target.names:
        index = f" {joined} ".find(f" {name} ")
        if index >= 0:
            positions.append(len(joined[:index].split()) + len(name.split()) - 1)
    return positions


def _evaluations(tokens: tuple[str, ...], position: int) -> tuple[bool, bool]:
    """Whether positive or negative evaluative words stand near a reference (3 before, 5 after)."""
    favor = against = False
    for index in range(max(0, position - 4), min(len(tokens), position + 6)):
        word = tokens[index]
        negated = any(t in cue_words.NEGATIONS or t.endswith("n't") for t in tokens[max(0, index - 3):index])
        if word in cue_words.PIECE_POSITIVE_WORDS:
            favor, against = (favor, True) if negated else (True, against)
        elif word in cue_words.PIECE_NEGATIVE_WORDS:
            favor, against = (True, against) if negated else (favor, True)
    return favor, against


def _opener_cues(opening: str, evidence: Evidence) -> None:
    """A top-level comment answers the article: "Exactly." favours it, "Nonsense." is against it."""
    if not opening or cue_words.AGREEING_NEGATIONS.match(opening):
        return
    if cue_words.DISAGREE_OPENERS.match(opening) and not cue_words.CONCEDE_REBUT.match(opening):
        word = cue_words.DISAGREE_OPENERS.match(opening).group(0)
        if word not in ("actually", "in fact", "really?", "and?", "huh?", "what?", "so what"):
            evidence.add("against", 0.6, f"opens with '{word}'")
    elif (match := cue_words.AGREE_OPENERS.match(opening) or cue_words.THIS_OPENER.match(opening)):
        if match.group(0).strip(" .!") not in ("yes", "yep", "yup", "yeah", "right", "same", "truth", "correct"):
            evidence.add("favor", 0.6, f"opens with '{match.group(0).strip()}'")


def _top_level_phrase_cues(lowered: str, evidence: Evidence) -> None:
    """A top-level comment replies to the piece: its "I agree"/"you're wrong" speak to the piece, and a
    dismissal ("cherry-picked", "easy to say") dismisses it."""
    if found := search(cue_words.AGREE_PHRASES, lowered):
        evidence.add("favor", 0.5, f"agrees: '{found.group(0)}'")
    match = search(cue_words.DISAGREE_PHRASES, lowered)
    if match and set(words(match.group(0))) & ({"disagree", "agree"} | cue_words.SECOND_PERSON):
        evidence.add("against", 0.5, f"disagrees: '{match.group(0)}'")
    if found := search(cue_words.TOP_LEVEL_DISMISSAL, lowered):
        evidence.add("against", 0.5, f"dismisses the piece: '{found.group(0)}'")


def _claim_cues(own: str, target: Target, evidence: Evidence) -> None:
    """Echoing a claim of the piece favours it; denying it or throwing its words back as a short question
    is against it. Where both sentences carry clear sentiment, the same sign echoes (VADER reads "not
    good" itself); otherwise a negation on one side only denies."""
    best_echo = best_denial = 0.0
    for sentence in sentences(own):
        stems = stem_set(sentence) - target.topic
        if not stems:
            continue
        if is_question(sentence):
            if len(words(sentence)) <= 6 and len(stems & target.claim_stems) >= max(2, len(stems) - 1):
                evidence.add("against", 0.45, "throws the article's words back as a question")
            continue
        shared, claim = _best_claim(stems, target)
        if shared < 2 or claim is None:
            continue
        strength = min(1.0, shared / 4)
        mine, theirs = cues.critical_polarity(sentence), claim[3]
        if abs(mine) >= 0.3 and abs(theirs) >= 0.3:
            echoes = (mine > 0) == (theirs > 0)
        else:
            echoes = cues.is_negated(sentence) == claim[2]
        if echoes:
            best_echo = max(best_echo, strength)
        else:
            best_denial = max(best_denial, strength)
    if best_echo > best_denial:
        evidence.add("favor", 0.35 * best_echo, "echoes a claim of the article")
    elif best_denial > best_echo:
        evidence.add("against", 0.35 * best_denial, "denies a claim of the article")


def _best_claim(stems: frozenset[str] | set[str], target: Target) -> tuple[int, tuple | None]:
    """The claim sharing most stems with ``stems`` (the first such claim on a tie) and how many it shares;
    ``(0, None)`` when none shares any. Counts through a stem -> claims index instead of intersecting
    the sentence with every claim of the piece."""
    index = target.claim_index
    if index.get(None) != len(target.claims):
        index.clear()
        for number, claim in enumerate(target.claims):
            for claim_stem in claim[1]:
                index.setdefault(claim_stem, []).append(number)
        index[None] = len(target.claims)
    counts: dict[int, int] = {}
    for sentence_stem in stems:
        for number in index.get(sentence_stem, ()):
            counts[number] = counts.get(number, 0) + 1
    if not counts:
        return 0, None
    best = max(counts.values())
    return best, target.claims[min(number for number, count in counts.items() if count == best)]


def _term_cues(own: str, target: Target, evidence: Evidence) -> None:
    """Speaking of the piece's criticised terms critically, or of its favoured terms warmly, favours it;
    the reverse defends what it criticises."""
    if not target.term_polarity:
        return
    for sentence in sentences(own):
        # The terms first: most sentences name none, and then their polarity (VADER) is not needed.
        terms = [target.term_polarity[t] for t in stem_set(sentence) if t in target.term_polarity]
        if not terms:
            continue
        value = cues.critical_polarity(sentence)
        if abs(value) < 0.3:
            continue
        agreement = sum(value * t for t in terms) / len(terms)
        weight = 0.3 * min(1.0, abs(agreement) * 2) * min(1.0, len(terms) / 2)
        evidence.add("favor" if agreement > 0 else "against", weight,
                     "judges what the article judges the same way" if agreement > 0
                     else "judges what the article judges the other way")
