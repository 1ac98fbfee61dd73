"""General-English cue lexicons of the agreement and stance stages: data, compiled once.

Everything here is topic-free on purpose: the stages are measured on threads about anything (abortion,
gun control, climate, vaccines, gadget reviews, sport), so the cues are the ways people agree, rebut,
praise or attack a piece of writing in any debate, never words of one debate (tests/test_agreement.py
checks it). Phrase lists become regexes over normalised text (``commentscope.analysis.text.phrases``):
``opener`` patterns match at the start of a reply's first own sentence, ``anywhere`` patterns in its
own words; search them with ``phrases.search`` so that texts lacking their words skip the regex.
"""

from __future__ import annotations

import re

from commentscope.analysis.text.phrases import alternatives, anywhere, needs_phrases, opener, requires

# --- reply openers (the first words of the commenter's own text, address and quotes removed) -------

AGREE_OPENERS = opener([
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

DISAGREE_OPENERS = opener([
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
AGREEING_NEGATIONS = opener(["no doubt", "no kidding", "no question", "no argument", "no arguments",
                              "not bad", "no lie", "not wrong", "no disagreement"])
#: "True, but ..." / "Yes, but ..." concede and then rebut.
CONCEDE_REBUT = re.compile(r"^(?:true|right|sure|yes|yeah|fair enough|granted|ok|okay|maybe|perhaps|agreed)"
                           r"\b[^.!?]{0,40}?\b(?:but|however|yet|though)\b")
#: "I'm not so sure", "I am not convinced", "I'm not ready to ..." hedge a disagreement.
HEDGED_DISAGREE = re.compile(r"^i(?:'m| am)\s+not\s+(?:so\s+|that\s+|too\s+|entirely\s+|quite\s+|really\s+|at\s+all\s+)?"
                             r"(?:sure|convinced|certain|ready|buying|persuaded)\b")

SARCASM_OPENERS = opener([
    "oh, poor", "oh poor", "poor, innocent", "poor innocent", "poor little", "oh sure", "oh, sure",
    "oh yes", "oh, yes", "oh yeah", "oh, yeah", "oh right", "oh, right", "oh really", "oh, really",
    "oh, so", "oh so", "yeah, right", "yeah right", "sure, because", "right, because", "because that worked",
    "how dare", "what a surprise", "shocking", "who knew", "riiight", "suuure", "cry me a river",
    "nice try", "good luck with that", "bless your heart", "wow, just wow",
])
SARCASM_ANYWHERE = anywhere(["/s", "how dare", "yeah, right", "yeah right", "what a shock", "who would have thought",
                              "who'd have thought", "cry me a river", "bless your heart"])

# --- phrases that carry agreement or disagreement wherever they stand -------------------------------

AGREE_PHRASES = anywhere([
    "i agree", "agree with you", "agree with this", "you're right", "you are right", "you're correct",
    "you are correct", "good point", "fair point", "great point", "valid point", "well said", "well put",
    "same experience", "same here", "me too", "i had the same", "same thing happened", "couldn't agree more",
    "could not agree more", "exactly right", "exactly this", "as you say", "as you said", "like you said",
    "you nailed", "matches what i", "matches my", "that matches", "i hadn't thought", "i had not thought",
    "never thought of it", "i stand corrected", "you've convinced me", "you have convinced me",
    "to your point", "i second", "spot on", "absolutely right", "you make a good", "you make a fair",
    "thanks for pointing", "thank you for pointing", "good catch",
])
DISAGREE_PHRASES = anywhere([
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
CHALLENGE_PHRASES = anywhere([
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
PIECE_REF = requires(  # the noun ends in a look-ahead, after a space: it needs a piece noun
    re.compile(rf"(?<![a-z0-9])(?:this|the|that|your|ur|today's)\s+(?:{alternatives(PIECE_NOUNS)})(?![a-z0-9])"),
    needs_phrases(PIECE_NOUNS))

PIECE_PRAISE = anywhere([
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
PIECE_ATTACK = anywhere([
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
TOP_LEVEL_DISMISSAL = anywhere([
    "cherry-picked", "cherry picked", "cherry-picking", "cherry picking", "leaves out", "leaves that out",
    "left out", "fails to mention", "doesn't mention", "does not mention", "never mentions", "out of touch",
    "misses the point", "missing the point", "easy to say", "i don't see the problem", "i do not see the problem",
    "what's the problem", "what is the problem", "much ado about nothing", "overblown", "fearmongering",
    "scaremongering", "alarmist", "nothing new here", "who cares", "so what",
])
#: Thanks in a top-level comment are thanks for the piece.
THANKS = anywhere(["thank you for", "thanks for", "thank you so much for", "thanks so much for", "many thanks",
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
# Runs every match needs: "i" and a verb of position, or "count me in/out", "sign me up".
requires(POSITION_FAVOR, lambda present: bool(
    "i" in present and present & {"favor", "favour", "for", "board", "fine", "behind", "support", "back", "endorse"}
    or {"count", "me", "in"} <= present or {"sign", "me", "up"} <= present))
requires(POSITION_AGAINST, lambda present: bool(
    "i" in present and present & {"against", "opposed", "oppose", "support", "back", "endorse"}
    or {"count", "me", "out"} <= present))
#: "both sides are exaggerating", "I'm on the fence": a declared lack of side.
NEUTRAL_MARKERS = anywhere(["both sides", "on the fence", "i'm undecided", "i am undecided", "can see both",
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
