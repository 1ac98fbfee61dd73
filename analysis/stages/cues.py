"""General-English cue lexicons and text helpers shared by the agreement and stance stages.

Everything here is topic-free on purpose: the stages are measured on threads about anything (abortion,
gun control, climate, vaccines, gadget reviews, sport), so the cues are the ways people agree, rebut,
praise or attack a piece of writing in any debate, never words of one debate. The lists are data; the
helpers turn a comment into sentences, stems and the commenter's own words (quoted text removed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Iterable, Iterator

from nltk.stem import PorterStemmer

from commentscope.analysis.stages import vader

#: Texts (comments, sentences, words) whose derived forms each cache remembers. The stages read one
#: comment several times (its own words for stance and for agreement, the parent's for every reply),
#: so the caches turn repeated work into look-ups; bounded, so a stream of millions stays flat.
CACHE_SIZE = 65_536
#: The agreement and stance cues read at most the first ``READ_HEAD`` and the last ``READ_TAIL``
#: characters of a commenter's own words. Positions are taken in the opening and restated in the
#: close; a 10,000-character essay costs then what a 3,000-character comment costs, not 20 times a
#: 500-character one (benchmarks/bench.py measures it). What stands only in the middle of a very long
#: comment is not read.
READ_HEAD = 2_000
READ_TAIL = 1_000


def _alternatives(phrases: Iterable[str]) -> str:
    """A regex alternation of phrases, longest first; a space matches any run of whitespace."""
    ordered = sorted(set(phrases), key=len, reverse=True)
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in ordered)


def _opener(phrases: Iterable[str]) -> re.Pattern[str]:
    """Matches a phrase at the very start of a normalised opening, as a whole word or sign."""
    return re.compile(rf"^(?:{_alternatives(phrases)})(?![a-z0-9])")


def _anywhere(phrases: Iterable[str]) -> re.Pattern[str]:
    phrases = list(phrases)
    pattern = re.compile(rf"(?<![a-z0-9])(?:{_alternatives(phrases)})(?![a-z0-9])")
    _NEEDS[id(pattern)] = _needs_phrases(phrases)
    return pattern


_ALNUM = re.compile(r"[a-z0-9]+")
#: id(pattern) -> a test on the alphanumeric runs of a normalised text that every match of it passes
#: (``may_match``): most comments hold none of a phrase list's words and skip the regex search. Keyed
#: by id, not by the pattern: hashing a compiled pattern hashes its whole program (microseconds for a
#: long alternation, on every look-up); the patterns are module constants, so their ids never change.
_NEEDS: dict[int, Callable[[frozenset[str]], bool]] = {}


def _needs_phrases(phrases: Iterable[str]) -> Callable[[frozenset[str]], bool]:
    """Some phrase has all its ``[a-z0-9]`` runs among the text's runs. Inside a phrase a run ends at a
    literal non-alphanumeric character or a space (``\\s+``), at its ends the look-arounds forbid a
    letter or digit: so each run of a matching phrase is a whole run of the text. A phrase without
    letters or digits could match anywhere."""
    by_key: dict[str, list[frozenset[str]]] = {}
    for phrase in phrases:
        found = _ALNUM.findall(phrase)
        if not found:
            return lambda present: True
        by_key.setdefault(max(found, key=len), []).append(frozenset(found))
    keys = frozenset(by_key)

    def needs(present: frozenset[str]) -> bool:
        return any(group <= present for key in keys & present for group in by_key[key])

    return needs


# --- reply openers (the first words of the commenter's own text, address and quotes removed) -------

AGREE_OPENERS = _opener([
    "agreed", "agree", "i agree", "totally agree", "completely agree", "fully agree", "strongly agree",
    "i couldn't agree more", "couldn't agree more", "could not agree more", "exactly", "precisely",
    "well said", "well put", "good point", "great point", "fair point", "excellent point", "valid point",
    "good call", "+1", "so true", "very true", "too true", "how true", "true that", "indeed", "absolutely",
    "definitely", "totally", "spot on", "nailed it", "you nailed it", "bingo", "amen", "hear hear",
    "hear, hear", "same here", "same", "same experience", "me too", "ditto", "likewise", "seconded",
    "i second that", "you're right", "you are right", "you're absolutely right", "you are absolutely right",
    "you're correct", "you are correct", "correct", "right on", "yes", "yep", "yup", "yeah", "good to hear",
    "glad to hear", "thank you for saying", "thanks for saying", "i'm with you", "i am with you",
    "fully support", "i support this", "i fully support", "support this", "truth",
])
#: "This." / "This!" / "This is so true" at the start of a reply.
THIS_OPENER = re.compile(r"^this(?:\s*[.!]+|\s*$|\s+(?:is\s+)?(?:so\s+)?(?:true|it|right|exactly)\b|\s+right\s+here)")

DISAGREE_OPENERS = _opener([
    "no", "nope", "nah", "wrong", "incorrect", "false", "not true", "that's not true", "that is not true",
    "that isn't true", "untrue", "nonsense", "rubbish", "bullshit", "bs", "baloney", "hogwash", "garbage",
    "ridiculous", "absurd", "i disagree", "disagree", "i don't agree", "i do not agree", "not really",
    "not quite", "not so", "not at all", "not necessarily", "not exactly", "hardly", "actually", "in fact",
    "on the contrary", "au contraire", "you're wrong", "you are wrong", "you're mistaken",
    "you are mistaken", "you have it backwards", "you've got it backwards", "that's wrong", "wrong again",
    "really?", "seriously?", "come on", "oh please", "please.", "get real", "sorry, but", "sorry but",
    "with respect", "with all due respect", "respectfully", "i beg to differ", "beg to differ",
    "that's a stretch", "straw man", "strawman", "so what", "and?", "huh?", "what?", "lol no", "lol what",
    "absolutely not", "definitely not", "of course not", "not even close", "i doubt it", "i doubt that",
    "i don't think so", "i don't buy it", "i don't buy that", "not so fast", "false equivalence",
])
#: "No doubt", "No kidding", "Not bad" open agreement, not disagreement.
AGREEING_NEGATIONS = _opener(["no doubt", "no kidding", "no question", "no argument", "no arguments",
                              "not bad", "no lie", "not wrong", "no disagreement"])
#: "True, but ..." / "Yes, but ..." concede and then rebut.
CONCEDE_REBUT = re.compile(r"^(?:true|right|sure|yes|yeah|fair enough|granted|ok|okay|maybe|perhaps|agreed)"
                           r"\b[^.!?]{0,40}?\b(?:but|however|yet|though)\b")
#: "I'm not so sure", "I am not convinced", "I'm not ready to ..." hedge a disagreement.
HEDGED_DISAGREE = re.compile(r"^i(?:'m| am)\s+not\s+(?:so\s+|that\s+|too\s+|entirely\s+|quite\s+|really\s+|at\s+all\s+)?"
                             r"(?:sure|convinced|certain|ready|buying|persuaded)\b")

SARCASM_OPENERS = _opener([
    "oh, poor", "oh poor", "poor, innocent", "poor innocent", "poor little", "oh sure", "oh, sure",
    "oh yes", "oh, yes", "oh yeah", "oh, yeah", "oh right", "oh, right", "oh really", "oh, really",
    "oh, so", "oh so", "yeah, right", "yeah right", "sure, because", "right, because", "because that worked",
    "how dare", "what a surprise", "shocking", "who knew", "riiight", "suuure", "cry me a river",
    "nice try", "good luck with that", "bless your heart", "wow, just wow",
])
SARCASM_ANYWHERE = _anywhere(["/s", "how dare", "yeah, right", "yeah right", "what a shock", "who would have thought",
                              "who'd have thought", "cry me a river", "bless your heart"])

# --- phrases that carry agreement or disagreement wherever they stand -------------------------------

AGREE_PHRASES = _anywhere([
    "i agree", "agree with you", "agree with this", "you're right", "you are right", "you're correct",
    "you are correct", "good point", "fair point", "great point", "valid point", "well said", "well put",
    "same experience", "same here", "me too", "i had the same", "same thing happened", "couldn't agree more",
    "could not agree more", "exactly right", "exactly this", "as you say", "as you said", "like you said",
    "you nailed", "matches what i", "matches my", "that matches", "i hadn't thought", "i had not thought",
    "never thought of it", "i stand corrected", "you've convinced me", "you have convinced me",
    "to your point", "i second", "spot on", "absolutely right", "you make a good", "you make a fair",
    "thanks for pointing", "thank you for pointing", "good catch",
])
DISAGREE_PHRASES = _anywhere([
    "i disagree", "i don't agree", "i do not agree", "not true", "isn't true", "is not true", "is false",
    "simply false", "that's wrong", "that is wrong", "you're wrong", "you are wrong", "you're mistaken",
    "you are mistaken", "you misunderstand", "you misread", "you miss the point", "you missed the point",
    "missing the point", "misses the point", "beside the point", "doesn't follow", "does not follow",
    "doesn't mean", "does not mean", "bad comparison", "false equivalence", "false analogy", "bad analogy",
    "not comparable", "apples and oranges", "straw man", "strawman", "not the case", "not how it works",
    "not how that works", "makes no sense", "doesn't make sense", "does not make sense", "i doubt",
    "i don't buy", "i don't think so", "not convinced", "on the contrary", "quite the opposite",
    "the opposite is true", "nowhere near", "your argument", "your logic", "your claim", "you claim",
    "you assume", "you ignore", "you forget", "you forgot", "you conveniently", "i'm not so sure",
    "i am not so sure", "that's a stretch", "whataboutism", "cherry picking", "cherry-picking",
])
CHALLENGE_PHRASES = _anywhere([
    "did you read", "did you even read", "did you actually read", "have you read", "have you even read",
    "did you look", "did you even look", "have you ever", "have you even", "what makes you think",
    "why do you think", "where did you get", "where is your", "where's your", "source?", "sources?",
    "citation needed", "says who", "since when", "how do you know", "how would you know", "do you even",
    "do you really think", "do you seriously", "are you serious", "are you kidding", "are you joking",
    "you do realize", "you do realise", "nobody is saying", "nobody is asking", "nobody is suggesting",
    "nobody is claiming", "nobody is forcing", "nobody is arguing", "nobody is telling", "nobody said",
    "no one is saying", "no one is asking", "no one is suggesting", "no one is forcing", "no one said",
    "no-one is saying", "who said anything", "who is saying", "can you believe",
])

#: Words that negate a clause, plus verbs and nouns that deny a claim ("debunks", "a myth").
NEGATIONS = frozenset("""not no never nothing nobody none neither nor without cannot cant hardly barely
nowhere nope""".split())
REFUTATIONS = frozenset("""debunk debunks debunked debunking myth myths false falsely falsehood fake hoax
refute refutes refuted disprove disproves disproved contradict contradicts contradicted deny denies
denied untrue baseless bogus doubt doubts doubtful dubious questionable unfounded wrong""".split())
CONTRASTS = frozenset("but however yet although though actually instead rather whereas".split())
SECOND_PERSON = frozenset("you your you're youre yours yourself you've you'd you'll u ur".split())

# --- references to the piece under discussion, and what is said about it ---------------------------

PIECE_NOUNS = ("article", "piece", "op-ed", "oped", "op ed", "editorial", "column", "post", "blog post",
               "review", "story", "essay", "write-up", "writeup", "analysis", "report", "publication",
               "site", "blog", "magazine", "paper", "outlet", "journalism", "reporting", "video",
               "podcast", "author", "writer", "reviewer", "journalist", "columnist", "reporter", "editor",
               "editors", "proposal", "post", "op", "opening post")
#: "this article", "the author", "your review": a determiner binds the noun to the piece at hand.
PIECE_REF = re.compile(rf"(?<![a-z0-9])(?:this|the|that|your|ur|today's)\s+(?:{_alternatives(PIECE_NOUNS)})(?![a-z0-9])")

_NEEDS[id(PIECE_REF)] = _needs_phrases(PIECE_NOUNS)  # the noun ends in a look-ahead, after a space

PIECE_PRAISE = _anywhere([
    "great article", "great piece", "great review", "great post", "great read", "great analysis",
    "great write-up", "great writeup", "great job", "great work", "excellent article", "excellent piece",
    "excellent review", "excellent analysis", "excellent post", "excellent work", "good article",
    "good piece", "good review", "good read", "good post", "good analysis", "good job", "fine article",
    "fine piece", "brilliant article", "brilliant piece", "superb article", "thoughtful article",
    "thoughtful piece", "insightful article", "insightful piece", "informative article",
    "helpful review", "helpful article", "important article", "important piece", "must read", "must-read",
    "well researched", "well-researched", "well written", "well-written", "well argued", "well-argued",
    "clearly argued", "well reasoned", "well-reasoned", "well sourced", "well-sourced", "well done",
    "nicely done", "bravo", "kudos", "finally someone", "finally, someone", "finally an article",
    "finally a journalist", "this needed to be said", "needed to be said", "needs to be said",
    "i agree with the author", "agree with the author", "agree with the article", "agree with this article",
    "agree with the writer", "agree with the reviewer", "agree with everything", "good call", "spot on",
    "nailed it", "hear hear", "hear, hear", "i thank", "well said", "so true", "couldn't agree more",
    "could not agree more", "great summary", "great overview", "in-depth analysis", "excellent reporting", "great reporting",
    "based on this review", "couldn't have said it better", "could not have said it better",
    "couldn't have put it better", "could not have put it better", "couldn't say it better", "truer words",
    "hits the nail on the head", "hit the nail on the head", "nail on the head", "right on the money",
    "who gets it", "finally a columnist", "finally a writer", "finally a reviewer", "finally a journalist",
    "finally somebody", "finally, somebody", "gets it right", "got it right", "great column", "good column",
    "excellent column", "great points", "excellent points", "good points", "strongest argument",
    "best argument", "best idea", "great idea", "excellent idea", "makes a lot of sense", "required reading", "because of this review", "thanks to this review", "thanks to this article",
])
PIECE_ATTACK = _anywhere([
    "hit piece", "hit job", "hatchet job", "puff piece", "propaganda piece", "fluff piece", "clickbait",
    "click bait", "fake news", "reads like an ad", "reads like an advert", "reads like a press release",
    "reads like an advertisement", "reads like propaganda", "reads like a brochure", "paid review",
    "paid reviews", "paid article", "paid shill", "sponsored post", "sponsored content", "was this sponsored",
    "is this sponsored", "was this paid", "is this paid", "who paid for this", "who paid for",
    "how much were you paid", "how much did they pay", "how much was the author paid",
    "the author ignores", "the author conveniently", "the author fails", "the author forgot",
    "the author doesn't", "the author does not", "the author clearly doesn't", "the writer ignores",
    "the reviewer ignores", "conveniently ignores", "conveniently leaves out", "conveniently omits",
    "did the author even", "did the reviewer even", "did the writer even", "did the author actually",
    "did the reviewer actually", "one-sided", "one sided", "lazy journalism", "shoddy journalism",
    "bad journalism", "yellow journalism", "agenda-driven", "this is propaganda", "pure propaganda",
    "more propaganda", "garbage article", "trash article", "terrible article", "awful article",
    "terrible review", "worst article", "biased article", "biased review", "biased piece",
    "what a joke", "disagree with the author", "disagree with the article", "disagree with this article",
    "the author is wrong", "the article is wrong", "this article is wrong", "the writer is wrong",
    "the reviewer is wrong",
])
#: Dismissals that, in a top-level comment, answer the piece itself.
TOP_LEVEL_DISMISSAL = _anywhere([
    "cherry-picked", "cherry picked", "cherry-picking", "cherry picking", "leaves out", "leaves that out",
    "left out", "fails to mention", "doesn't mention", "does not mention", "never mentions", "out of touch",
    "misses the point", "missing the point", "easy to say", "i don't see the problem", "i do not see the problem",
    "what's the problem", "what is the problem", "much ado about nothing", "overblown", "fearmongering",
    "scaremongering", "alarmist", "nothing new here", "who cares", "so what",
])
#: Thanks in a top-level comment are thanks for the piece.
THANKS = _anywhere(["thank you for", "thanks for", "thank you so much for", "thanks so much for", "many thanks",
                    "much appreciated", "i appreciate this", "appreciate the article", "appreciate the review"])
#: Attack words that only count when a piece reference stands near them ("garbage in this article").
PIECE_NEGATIVE_WORDS = frozenset("""wrong incorrect false biased bias misleading dishonest lazy sloppy garbage
rubbish trash nonsense propaganda lies lying liar shill sponsored paid advert ad advertisement hack ignores
ignore ignored omits omit misses fails failed silly ridiculous absurd stupid naive ignorant lecture
lectures preachy agenda spin clickbait drivel hogwash junk fake shallow cherry-picked cherry-picks
misrepresents distorts distorted disappointing disappointed terrible awful horrible poor weak joke
smear slanted skewed partisan unfair inaccurate flawed bad worst pathetic laughable dumb idiotic
contribute contributes funds funded funding pays""".split())
PIECE_POSITIVE_WORDS = frozenset("""right correct accurate true fair balanced honest proper thorough careful
excellent great good well brilliant helpful informative insightful thank thanks appreciate appreciated
respect agree agreed important necessary solid clear clearly sensible reasonable best superb outstanding
thoughtful useful valuable interesting wonderful fantastic terrific nailed spot impressive convincing
persuasive compelling love loved enjoyed""".split())
#: The pieces' own verdict words that a question like "Comfortable for hours? Not for me." throws back.
NEGATED_EXPERIENCE = _anywhere(["not for me", "not in my experience", "not mine", "not my experience",
                                "not in my case", "hardly", "not even close"])

POSITION_FAVOR = re.compile(
    r"(?<![a-z0-9])(?:i(?:'m| am)\s+(?:all\s+|fully\s+|cautiously\s+|strongly\s+|totally\s+|100%\s+|completely\s+)?"
    r"(?:in\s+favou?r|for\s+(?:it|this|that)|on\s+board|fine\s+with\s+(?:it|this|that)|behind\s+(?:this|it))"
    r"|count\s+me\s+in|sign\s+me\s+up|i\s+(?:fully\s+|strongly\s+|totally\s+|wholeheartedly\s+)?"
    r"(?:support|back|endorse)\s+(?:this|it|that|the\s+(?:plan|proposal|idea|policy|change|move|decision)))"
    r"(?![a-z0-9])")
POSITION_AGAINST = re.compile(
    r"(?<![a-z0-9])(?:i(?:'m| am)\s+(?:strongly\s+|totally\s+|completely\s+|firmly\s+|still\s+)?"
    r"(?:against\s+(?:it|this|that|the)|opposed)|i\s+(?:strongly\s+|firmly\s+)?oppose"
    r"|count\s+me\s+out|i\s+(?:don't|do\s+not|can't|cannot)\s+(?:support|back|endorse)\s+(?:this|it|that|the))"
    r"(?![a-z0-9])")
# Runs every match needs (see _needs_phrases): "i" and a verb of position, or "count me in/out", "sign me up".
_NEEDS[id(POSITION_FAVOR)] = lambda present: bool(
    "i" in present and present & {"favor", "favour", "for", "board", "fine", "behind", "support", "back", "endorse"}
    or {"count", "me", "in"} <= present or {"sign", "me", "up"} <= present)
_NEEDS[id(POSITION_AGAINST)] = lambda present: bool(
    "i" in present and present & {"against", "opposed", "oppose", "support", "back", "endorse"}
    or {"count", "me", "out"} <= present)
#: "both sides are exaggerating", "I'm on the fence": a declared lack of side.
NEUTRAL_MARKERS = _anywhere(["both sides", "on the fence", "i'm undecided", "i am undecided", "can see both",
                             "either way", "no strong opinion", "no opinion", "i don't really care",
                             "i do not really care", "torn on this", "mixed feelings"])

#: Words with which a writer runs down what they argue against (VADER misses most of them).
CRITICISM = frozenset("""myth myths falsehood falsehoods false falsely misleading mislead misled lie lies lying
propaganda questionable sketchy dubious flawed failed fails failure failures wrong error errors inaccurate
inaccuracy inaccuracies distort distorts distorted distortion exaggerate exaggerated exaggeration baseless
unfounded debunk debunks debunked bogus hype spin anecdote anecdotes anecdotal excuse excuses fearmongering
scaremongering hypocrisy hypocritical dishonest overpriced unjustified unjustifiable fabricate fabricated
fabrication smear misguided reckless irresponsible disaster disastrous harmful dangerous deceptive
deceive deceived doubt doubtful nonsense""".split())

#: Sentences that report what someone else claims: the article's opponents' words, not its own claims.
ATTRIBUTION = re.compile(r"(?<![a-z])(?:said|says|reported|wrote|writes|claimed|asserted|asserts|"
                         r"argued|argues|insisted|insists|according to|told|alleged|alleges)(?![a-z])")
#: Sentences in the author's own voice that state the piece's position or verdict.
CONCLUSION = re.compile(r"(?<![a-z])(?:should|must|need to|needs to|ought|evidence|shows|show|proves|prove|"
                        r"clear|clearly|in fact|the truth|the case|failed|fails|verdict|recommend|best|worst|"
                        r"therefore|thus|so the|conclusion|myth|debunk\w*|wrong|right|better|worse|"
                        r"no reason|not a reason|nor is|is not|isn't|does not|doesn't)(?![a-z])")
#: The closing author bio of a column: "Jane Doe is a planner and ...".
BIO = re.compile(r"^(?P<name>(?:[A-Z][\w.'-]+\s+){1,3}[A-Z][\w'-]+)\s+(?:is|was)\s+(?:a|an|the)\s+")

STOPWORDS = frozenset("""a about above after again against all also am an and any are aren't as at be because
been before being below between both but by can can't could couldn't did didn't do does doesn't doing don't
down during each even ever every few for from further get gets got had hadn't has hasn't have haven't having
he he'd he'll he's her here here's hers herself him himself his how how's however i i'd i'll i'm i've if in
into is isn't it it's its itself just let's like made make makes many may me might more most much must
mustn't my myself no nor not now of off on once one only or other ought our ours ourselves out over own
per quite rather really same say says said see seem seems shan't she she'd she'll she's should shouldn't
so some such than that that's the their theirs them themselves then there there's these they they'd
they'll they're they've thing things think this those though through thus to too under until up upon us
very via was wasn't way we we'd we'll we're we've well were weren't what what's when when's where where's
whether which while who who's whom why why's will with won't would wouldn't yes yet you you'd you'll you're
you've your yours yourself yourselves lot lots still back going go goes went come came know knew want
wants people anyone anything everyone everything someone something also already always never nothing
nobody none maybe perhaps actually simply literally honestly""".split())

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
#: Where a sentence ends: a sign of the end then closing marks and white space, or line breaks. The sign
#: is part of the match (``sentence_tuple`` keeps it in its sentence) rather than a look-behind: a
#: pattern that opens with a character class is searched for that class, over twice as fast.
_SENTENCE_BREAK = re.compile(r"[.!?…][\"”’)\]]*\s+|\n+")
_QUOTE_CHARS = "\"“”„«»"
_ABBREVIATION_END = re.compile(r"(?:(?<![A-Za-z])[A-Z]\.|\b(?:Mr|Mrs|Ms|Dr|St|Jr|Sr|Prof|Gen|Gov|Sen|Rep|vs|etc|"
                               r"e\.g|i\.e|approx|No|Inc|Ltd|Co|Mt|Ft)\.)$")
#: A match of ``_ABBREVIATION_END`` is at most 7 characters ("approx.") and looks one back: searching
#: the last 10 of a sentence finds exactly what searching all of it finds, without scanning it all.
_ABBREVIATION_TAIL = 10
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_WORD_CHAR = re.compile(r"\w")
_LEADING_MARKER = re.compile(r"^\s*(?:@|(?:to|re)\s*:?\s+@?|comment\s+by\s+)", re.IGNORECASE)
_LEADING_HANDLE = re.compile(r"^\s*@[\w.\-]+[\s,:;.!-]*")
_LEADING_HEADER = re.compile(r"^\s*(?:to|re|comment\s+by)\s*:?\s*[^\n:]{1,60}:\s*", re.IGNORECASE)


@lru_cache(maxsize=CACHE_SIZE)
def runs(lowered: str) -> frozenset[str]:
    """The maximal runs of ``[a-z0-9]`` in a normalised text."""
    return frozenset(_ALNUM.findall(lowered))


def may_match(pattern: re.Pattern[str], lowered: str) -> bool:
    """False only where ``pattern`` cannot match ``lowered``: it lacks words every match holds."""
    needs = _NEEDS.get(id(pattern))
    return needs is None or needs(runs(lowered))


def search(pattern: re.Pattern[str], lowered: str) -> re.Match[str] | None:
    """``pattern.search(lowered)``, skipped where ``may_match`` rules a match out."""
    return pattern.search(lowered) if may_match(pattern, lowered) else None


def finditer(pattern: re.Pattern[str], lowered: str) -> Iterator[re.Match[str]]:
    """``pattern.finditer(lowered)``, empty where ``may_match`` rules a match out."""
    return pattern.finditer(lowered) if may_match(pattern, lowered) else iter(())


def normalise(text: str) -> str:
    """Lower case with typographic apostrophes straightened, for matching cue patterns."""
    return text.lower().replace("’", "'").replace("‘", "'").replace("`", "'")


def words(text: str) -> list[str]:
    """Word tokens of ``text`` in lower case ("don't" stays one token)."""
    return list(word_tuple(text))


@lru_cache(maxsize=CACHE_SIZE)
def word_tuple(text: str) -> tuple[str, ...]:
    """``words`` as a tuple, remembered: the stages ask for the words of one text many times."""
    return tuple(_WORD.findall(normalise(text)))


@lru_cache(maxsize=CACHE_SIZE)
def word_set(text: str) -> frozenset[str]:
    """The distinct ``words`` of ``text``, remembered."""
    return frozenset(word_tuple(text))


def sentences(text: str) -> list[str]:
    """Sentences of ``text`` (a line break also ends one): short comments are often unpunctuated lines.
    A full stop after an initial or a common abbreviation ("U.S.", "Dr.") does not end a sentence."""
    return list(sentence_tuple(text))


@lru_cache(maxsize=CACHE_SIZE)
def sentence_tuple(text: str) -> tuple[str, ...]:
    """``sentences`` as a tuple, remembered."""
    found: list[str] = []
    start, joinable = 0, False
    for match in [*_SENTENCE_BREAK.finditer(text), None]:
        if match is None:
            cut = len(text)
        else:  # a break after a sign of the end keeps the sign in its sentence
            cut = match.start() if text[match.start()] == "\n" else match.start() + 1
        piece = text[start:cut].strip()
        if piece.strip(" \t-–—*•"):
            if found and joinable:
                found[-1] = f"{found[-1]} {piece}"
            else:
                found.append(piece)
            joinable = (match is not None and "\n" not in match.group(0) and piece.endswith(".")
                        and bool(_ABBREVIATION_END.search(piece[-_ABBREVIATION_TAIL:])))
        if match:
            start = match.end()
    return tuple(found)


@lru_cache(maxsize=CACHE_SIZE)
def stem(word: str) -> str:
    return _STEMMER.stem(word)


_STEMMER = PorterStemmer()


def content_stems(text: str) -> set[str]:
    """Stems of the words that carry content: no stop words, no bare numbers, three letters or more."""
    return set(stem_set(text))


#: word -> its stem where the word carries content (see ``content_stems``), else None: one look-up per
#: word instead of the length, stop-word and digit tests and a call of the stemmer's cache. Emptied when
#: it outgrows ``CACHE_SIZE`` and by ``clear_caches``.
_CONTENT_STEM: dict[str, str | None] = {}


def _content_stem(word: str) -> str | None:
    return stem(word) if len(word) >= 3 and word not in STOPWORDS and not word.isdigit() else None


@lru_cache(maxsize=CACHE_SIZE)
def stem_set(text: str) -> frozenset[str]:
    """``content_stems`` as a frozenset, remembered."""
    tokens = word_tuple(text)
    table = _CONTENT_STEM
    try:
        found = frozenset(map(table.__getitem__, tokens))
    except KeyError:  # a word not seen yet
        if len(table) >= CACHE_SIZE:
            table.clear()
        for word in tokens:
            if word not in table:
                table[word] = _content_stem(word)
        found = frozenset(map(table.__getitem__, tokens))
    return found.difference((None,)) if None in found else found


@lru_cache(maxsize=CACHE_SIZE)
def is_negated(text: str) -> bool:
    """Whether a clause denies something: a negation word, an n't, or a verb of refutation."""
    for token in word_tuple(text):
        if token in NEGATIONS or token in REFUTATIONS or token.endswith("n't"):
            return True
    return False


@lru_cache(maxsize=CACHE_SIZE)
def polarity(text: str) -> float:
    """VADER compound score of a short text, -1 to 1 (``commentscope.analysis.stages.vader``: vaderSentiment's exact
    score, computed faster)."""
    return float(vader.polarity_scores(text)["compound"])


@lru_cache(maxsize=CACHE_SIZE)
def critical_polarity(text: str) -> float:
    """Polarity of argumentative prose: VADER, pulled down by each word of criticism VADER does not know
    ("the myth of", "rests on anecdotes"), -1 to 1."""
    critical = sum(1 for w in word_tuple(text) if w in CRITICISM)
    value = polarity(text)
    if critical:
        value = min(value, 0.0) - 0.4 * critical
    return max(-1.0, min(1.0, value))


def name_tokens(name: str | None) -> set[str]:
    """Lower-case tokens by which a commenter may be addressed: the full name and a distinctive first word."""
    return set(name_token_set(name)) if name else set()


@lru_cache(maxsize=CACHE_SIZE)
def name_token_set(name: str | None) -> frozenset[str]:
    """``name_tokens`` as a frozenset, remembered (a commenter is addressed in many replies)."""
    if not name:
        return frozenset()
    tokens = [w for w in word_tuple(name) if len(w) >= 3 and w not in STOPWORDS]
    found = {" ".join(word_tuple(name))} if word_tuple(name) else set()
    if tokens:
        found.add(tokens[0])
    return frozenset(t for t in found if t)


def mentions(text_words: list[str], names: set[str]) -> bool:
    """Whether a tokenised text contains one of ``names`` (each a word or a space-joined phrase)."""
    if not names:
        return False
    # A name without a space stands in the joined text exactly where it is one of the words.
    if any(name in text_words for name in names if " " not in name):
        return True
    phrases = [name for name in names if " " in name]
    if not phrases:
        return False
    joined = " " + " ".join(text_words) + " "
    return any(f" {name} " in joined for name in phrases)


@dataclass(frozen=True)
class OwnText:
    """A comment split into the commenter's own words and what it quotes."""

    own: str
    quoted: tuple[str, ...]
    quotes_parent: bool
    opening: str


def own_text(text: str, quotes: list[dict[str, Any]] | None = None, parent_text: str | None = None,
             addressee: str | None = None) -> OwnText:
    """Separate the commenter's own words from quoted text and a leading address.

    Quoted text is what the ``quotes`` spans mark, plus paragraphs that are wholly in quotation marks
    or start with ``>`` (how people quote in plain-text comment sections). ``addressee`` is the parent's
    author, whose name is dropped from a leading ``@Name``. ``quotes_parent`` says whether
    any quoted passage comes from ``parent_text``. ``opening`` is the first own sentence, normalised,
    with a leading ``@Name``/``To Name:`` address removed, for opener cues.
    """
    if not quotes:  # most comments mark no quote span
        return _own_text(text, (), parent_text, addressee)
    spans = sorted((int(q["start"]), int(q["end"]), q.get("source_id")) for q in quotes
                   if q and q.get("start") is not None and q.get("end") is not None)
    return _own_text(text, tuple((start, end) for start, end, _ in spans), parent_text, addressee)


@lru_cache(maxsize=CACHE_SIZE)
def _own_text(text: str, spans: tuple[tuple[int, int], ...], parent_text: str | None,
              addressee: str | None) -> OwnText:
    quoted: list[str] = []
    kept: list[str] = []
    cursor = 0
    for start, end in spans:
        if start < cursor:
            continue
        kept.append(text[cursor:start])
        quoted.append(text[start:end])
        cursor = end
    kept.append(text[cursor:])
    own_parts: list[str] = []
    for paragraph in _PARAGRAPH_BREAK.split("".join(kept)):
        stripped = paragraph.strip()
        if not _WORD_CHAR.search(stripped):
            continue  # what a removed quote span leaves behind: its quotation marks
        if _is_quoted_paragraph(stripped):
            quoted.append(stripped.lstrip("> ").strip(_QUOTE_CHARS + " "))
        else:
            own_parts.append(stripped)
    own = "\n\n".join(own_parts)
    address_free = bounded(strip_address(own, addressee))
    first = [s for s in sentence_tuple(address_free) if _WORD_CHAR.search(s)]
    opening = normalise(first[0]).strip(" \t-–—*•" + _QUOTE_CHARS + "'") if first else ""
    quotes_parent = False
    if parent_text and quoted:
        parent_stems = stem_set(parent_text)
        parent_norm = _squash(parent_text)
        for passage in quoted:
            squashed = _squash(passage)
            if squashed and (squashed in parent_norm or _overlap(stem_set(passage), parent_stems) >= 0.6):
                quotes_parent = True
                break
    return OwnText(own=address_free, quoted=tuple(quoted), quotes_parent=quotes_parent, opening=opening)


def bounded(text: str) -> str:
    """``text`` when it is at most ``READ_HEAD + READ_TAIL`` characters long; else its first ``READ_HEAD``
    characters (cut back to a word boundary) and its last ``READ_TAIL`` (from a word boundary), joined as
    two paragraphs so that no sentence runs across the gap."""
    if len(text) <= READ_HEAD + READ_TAIL:
        return text
    head, tail = text[:READ_HEAD], text[-READ_TAIL:]
    cut = max(head.rfind(" "), head.rfind("\n"))
    start = min((i for i in (tail.find(" "), tail.find("\n")) if i >= 0), default=-1)
    return f"{head[:cut] if cut > 0 else head}\n\n{tail[start + 1:] if start >= 0 else tail}"


def strip_address(text: str, addressee: str | None = None) -> str:
    """Drop a leading ``@Name``, ``To Name:``, ``Comment by Name:`` so openers can be read."""
    marker = _LEADING_MARKER.match(text)
    if not marker:
        return text
    rest = text[marker.end():]
    if addressee and normalise(rest).startswith(normalise(addressee.strip())):
        return rest[len(addressee.strip()):].lstrip(" \t,:;.!-\n")
    header = _LEADING_HEADER.match(text)
    if header:
        return text[header.end():]
    handle = _LEADING_HANDLE.match(text)
    return text[handle.end():] if handle else text


def _is_quoted_paragraph(paragraph: str) -> bool:
    if paragraph.startswith(">"):
        return True
    if len(paragraph) < 3 or paragraph[0] not in _QUOTE_CHARS + "'‘":
        return False
    closing = paragraph.rstrip()[-1]
    return closing in _QUOTE_CHARS + "'’" or paragraph.rstrip()[-2:-1] in tuple(_QUOTE_CHARS)


def _squash(text: str) -> str:
    return " ".join(word_tuple(text))


def _overlap(part: set[str], whole: set[str]) -> float:
    return len(part & whole) / len(part) if part else 0.0


def scare_quotes(text: str) -> list[str]:
    """Short phrases (one to four words) set in quotation marks inside a sentence: often sarcasm."""
    return [f for f in _SCARE_QUOTE.findall(text) if 1 <= len(word_tuple(f)) <= 4]


_SCARE_QUOTE = re.compile(r"[\"“]([^\"“”\n]{1,40})[\"”]")


def clear_caches() -> None:
    """Forget every remembered text (the stages call it when they finish a frame, so the memory held
    is bounded by one frame, not by everything analysed in the process)."""
    for cached in (runs, word_tuple, word_set, sentence_tuple, stem_set, is_negated, polarity,
                   critical_polarity, name_token_set, _own_text):
        cached.cache_clear()
    _CONTENT_STEM.clear()
