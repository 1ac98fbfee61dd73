"""Words and author names in comment text: word lists, folding, tokens, stems, the thread's name index,
the passages in quotation marks, and what of a long comment is read.

Names are matched as runs of folded words (casefold, accents and smart apostrophes normalised), only
against the thread's own authors, so an ``@word`` that is nobody's name is not an address. A name that is
also an ordinary English word ("Will", "Grace", "Frank", "Guest", "MEOW") is *weak*: it counts only with
stronger evidence (a capital mid-sentence, a possessive, an address form). A name the article uses as a
proper noun is *blocked*: a famous person, not a commenter.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import compress
from operator import itemgetter

Token = tuple[str, int, int]

#: Function words: never content, never enough to make a quote or an overlap.
STOPWORDS = frozenset("""
a about above after again against all also although am an and any are aren't as at be because been before
being below between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down
during each either even few for from further get got had hadn't has hasn't have haven't having he he'd he'll
he's her here here's hers herself him himself his how how's however i i'd i'll i'm i've if in into is isn't it
it's its itself just let's may me might more most much must mustn't my myself neither no nor not of off on
once only or other ought our ours ourselves out over own same shall shan't she she'd she'll she's should
shouldn't so some such than that that's the their theirs them themselves then there there's these they
they'd they'll they're they've this those though through to too under until up upon us very was wasn't we
we'd we'll we're we've were weren't what what's when when's where where's whether which while who who's
whom why why's will with won't would wouldn't yet you you'd you'll you're you've your yours yourself
yourselves still many one ok okay
""".split())

#: Frequent English words, words that are also given names, and common commenter handles. An author
#: whose name is one of these ("Will", "Grace", "Frank", "Guest", "MEOW") is only taken as named in the
#: text with stronger evidence: a capital mid-sentence, a possessive, or an address form.
COMMON_WORDS = STOPWORDS | frozenset("""
able accept act add age ago agree air allow almost alone along already always amount answer anyone anything
appear area argue arm around art ask away back bad bank base bear beat become bed begin behind believe best
better big bill black blue body book born bring brother build business buy call care carry case catch cause
center central centralist chance change charge check child choice city claim class clear close cold come
common company consider continue control cost country course court cover create cross cut dark data day dead
deal death decide deep degree die different direction doctor dog door draw dream drive drop early earth east
easy eat economy effect end enjoy enough enter evening event ever every evidence exactly example expect
experience explain eye face fact fair faith fall family far farm fast father fear feel field fight figure
fill final find fine fire first fish fit floor fly follow food foot force forget form forward frank free
friend front full fun fund future game garden general girl give glad go god gold good grace great greater
green ground group grow guard guess guest gun guy hair half hall hand hang happen happy hard head health hear
heart heat heavy help high hill history hit hold home hope horse hot hour house huge human hunt idea
important increase interest issue job join joy judge keep key kid kill kind king know land large last late
later law lay lead learn least leave left less letter level lie life light like likely line list listen
little live long look lord lose lot love low main major make man mark market matter mean meet member memory
mention merchant middle mind miss model moment money month moon morning mother move music name nation
nature near need never new news next nice night none normal north note nothing notice now number offer
office often oil old open order others page pain paper part party pass past pay peace people perhaps person
pick piece place plan play point police poor popular position possible power present president press pretty
price private problem program prove public pull put question quick quite race rain raise range rather reach
read ready real reason record red remember report rest result return rich right ring rise river road rock
role room rose round rule run safe save say school sea season second see seem sell send sense serve set
several shape share ship short show side sign simple since sing single sister sit size skip sky small smile
social soft soldier son soon sort sound south space speak special spend spring stand star start state stay
step stock stone stop story street strong student study stuff subject success summer sun support sure system
table take talk tax teach team tell term test thank thing think thought time today together tomorrow top
total touch toward town trade train tree trouble true trust truth try turn type understand unit use usual
value view visit voice vote wait walk wall want war warm watch water way wear week well west white whole
wide wife win wind window winter wish without woman wonder wood word work world worry write wrong yard year
yes young
will bill mark frank grace rick kent guest anonymous anon admin moderator meow hope dawn april june august
pat sue ray rob jack chuck buck rusty dusty sandy woody hunter chase cash crystal amber ruby pearl ivy holly
heather daisy violet lily iris storm brook glen dale wolf fox drake earl duke prince queen baron don sunny
lol wow yeah yep nope hmm ha haha meh ugh oops omg captain sir mister lady doc professor observer reader
citizen patriot realist skeptic sceptic conservative liberal libertarian progressive centrist moderate
independent veteran taxpayer voter american european whine
""".split())


@lru_cache(maxsize=1 << 16)
def fold(word: str) -> str:
    """Case- and accent-insensitive form of a word; smart apostrophes become straight ones."""
    decomposed = unicodedata.normalize("NFKD", word.replace("\u2019", "'").replace("\u2018", "'"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """A light suffix stripper: enough to meet "ally"/"allies", "believe"/"believed"."""
    if word.endswith("'s"):
        word = word[:-2]
    for suffix, keep in (("ies", "y"), ("ied", "y"), ("ing", ""), ("ed", ""), ("ly", ""), ("es", "e"), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            word = word[:-len(suffix)] + keep
            break
    return word[:-1] if word.endswith("e") and len(word) > 4 else word


_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")


def tokenize(text: str) -> list[tuple[str, int, int]]:
    """Words of ``text`` as (folded word, start, end): punctuation, quote marks, ellipses and spacing vanish."""
    return [((w.lower() if w.isascii() else fold(w)), m.start(), m.end())
            for m in _WORD.finditer(text) for w in (m.group(),)]


#: Words that put a title before a name: a titled person ("Pope Francis", "Mayor Frank") is a public
#: figure, not a commenter.
TITLES = frozenset("""
mr mrs ms miss dr prof professor president senator sen governor gov mayor pope king queen prince princess
general gen judge justice chairman minister secretary saint st sir lord lady rep representative congressman
congresswoman councillor councilman councilwoman commissioner chancellor ambassador bishop cardinal father
rev reverend captain capt colonel col sergeant sgt lieutenant lt admiral officer detective inspector chief
director ceo coach uncle aunt
""".split())

#: Placeholder names many different people post under: no identity, so never "the same author".
GENERIC_AUTHORS = frozenset({"anonymous", "anon", "guest", "unknown", "deleted", "removed", "user", "visitor",
                             "anonymous coward", "name withheld", "a reader", "reader"})


def author_key(author: str) -> str:
    """An author's identity for matching: folded words, parenthesised asides dropped
    ("Donald ( the left leaning one)" -> "donald"); "" for no author and for placeholders such as
    "Anonymous" or "Guest", which many people share."""
    cleaned = re.sub(r"\([^)]*(?:\)|$)|\[[^\]]*(?:\]|$)", " ", author or "")
    key = " ".join(word for word, _, _ in tokenize(cleaned))
    return "" if key in GENERIC_AUTHORS else key


def is_common(word: str) -> bool:
    """An ordinary English word, inflections included ("says", "marked", "hoping")."""
    if word in COMMON_WORDS:
        return True
    return any(word.endswith(end) and (word[:-len(end)] in COMMON_WORDS or word[:-len(end)] + "e" in COMMON_WORDS)
               for end in ("s", "es", "ed", "d", "ing", "er", "ly") if len(word) > len(end) + 2)


@dataclass(frozen=True)
class Candidate:
    """One author a run of text tokens may name."""

    key: str
    partial: bool  #: only the first or last word of a longer name
    weak: bool  #: the name is also an ordinary word: needs a capital, a possessive or an address form
    blocked: bool  #: the name appears capitalised in the article: a famous person, not a commenter


@dataclass(frozen=True)
class NameHit:
    start: int  #: first token index
    stop: int  #: one past the last token index
    candidates: tuple[Candidate, ...]
    possessive: bool


@dataclass
class NameIndex:
    """The thread's authors by the token runs that name them: full name, run-together name, first word,
    last word. Lookups are dictionary probes: a word that starts no name costs one probe.
    """

    keys: list[str]
    article_words: set[str] = field(default_factory=set)
    lowercase_words: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.by_author: dict[str, list[int]] = {}
        self._merged: dict[tuple[str, ...], tuple[list[int], list[int]]] = {}
        for index, key in enumerate(self.keys):
            if key:
                self.by_author.setdefault(key, []).append(index)
        self.variants: dict[tuple[str, ...], list[Candidate]] = {}
        for key in self.by_author:
            words = tuple(key.split())
            self._add(words, key, partial=False)
            if len(words) > 1:
                self._add(("".join(words),), key, partial=False)
                for word in {words[0], words[-1]}:
                    if len(word) > 1 and not word.isdigit() and word not in _NAME_PARTICLES:
                        self._add((word,), key, partial=True)
        #: word -> the longest name it starts / ends: most words start none, and are passed in one probe
        self.starts: dict[str, int] = {}
        self.ends: dict[str, int] = {}
        for words in self.variants:
            self.starts[words[0]] = max(self.starts.get(words[0], 0), len(words))
            self.ends[words[-1]] = max(self.ends.get(words[-1], 0), len(words))
        #: the words ``match_at`` can start a name at: a name's first word, or it with "'s"
        self._openers = set(self.starts) | {word + "'s" for word in self.starts}

    def _add(self, words: tuple[str, ...], key: str, partial: bool) -> None:
        if len(words) == 1 and len(words[0]) < 2:
            return
        common = all(is_common(w) or (partial and w in self.lowercase_words) for w in words)
        blocked = all(w in self.article_words for w in words)
        self.variants.setdefault(words, []).append(Candidate(key, partial, common, blocked))

    def _lookup(self, words: list[str]) -> tuple[tuple[Candidate, ...], bool]:
        found = self.variants.get(tuple(words))
        if found:
            return tuple(found), False
        last = words[-1]
        if last.endswith("'s") and len(last) > 2:
            found = self.variants.get(tuple(words[:-1]) + (last[:-2],))
            if found:
                return tuple(found), True
        return (), False

    def match_at(self, tokens: list[Token], start: int) -> NameHit | None:
        """The longest author name beginning at token ``start``."""
        if start >= len(tokens):
            return None
        first = tokens[start][0]
        longest = self.starts.get(first, 0)
        if first.endswith("'s"):
            longest = max(longest, 1 if first[:-2] in self.starts else 0)
        for length in range(min(longest, len(tokens) - start), 0, -1):
            found, possessive = self._lookup([t[0] for t in tokens[start:start + length]])
            if found:
                return NameHit(start, start + length, found, possessive)
        return None

    def scan(self, tokens: list[Token]) -> list[NameHit]:
        """Every author name in a text, longest first, left to right, not overlapping. Only the tokens
        that can open a name are tried, found by set lookups: most words open none."""
        hits: list[NameHit] = []
        stop = 0
        words = map(itemgetter(0), tokens)
        for at in compress(range(len(tokens)), map(self._openers.__contains__, words)):
            if at < stop:
                continue
            hit = self.match_at(tokens, at)
            if hit is not None:
                hits.append(hit)
                stop = hit.stop
        return hits

    def match_ending_at(self, tokens: list[Token], stop: int) -> NameHit | None:
        """The longest author name whose last token is ``stop - 1``."""
        if stop < 1:
            return None
        last = tokens[stop - 1][0]
        longest = max(self.ends.get(last, 0), self.ends.get(last[:-2], 0) if last.endswith("'s") else 0)
        for length in range(min(longest, stop), 0, -1):
            found, possessive = self._lookup([t[0] for t in tokens[stop - length:stop]])
            if found:
                return NameHit(stop - length, stop, found, possessive)
        return None

    def latest(self, keys: list[str], before: int, self_key: str) -> tuple[int, bool] | None:
        """The latest comment before index ``before`` by any of ``keys`` (never ``self_key``), and
        whether more than one of those authors had commented (an ambiguous name). A name many authors
        share ("john") is answered from one merged, cached list: a bisection, not a loop over authors."""
        group = tuple(sorted({key for key in keys if key and key != self_key and key in self.by_author}))
        if not group:
            return None
        if group not in self._merged:
            comments = sorted(index for key in group for index in self.by_author[key])
            self._merged[group] = (comments, sorted(self.by_author[key][0] for key in group))
        comments, firsts = self._merged[group]
        at = bisect.bisect_left(comments, before) - 1
        if at < 0:
            return None
        return comments[at], bisect.bisect_left(firsts, before) > 1


_NAME_PARTICLES = {"mr", "mrs", "ms", "dr", "the", "a", "an", "of", "de", "la", "le", "van", "von", "der",
                   "jr", "sr", "ii", "iii", "st", "el", "al", "du", "da", "di"}


# --- what of a comment is read ----------------------------------------------------------------------

#: A comment up to READ_CHARS long is read whole (every comment of the gold, seed and benchmark
#: threads is: the longest has 1,375 characters). Of a longer one the cues read its first OPENING_CHARS
#: characters and then, in reading order and EXCERPT_CHARS at most, its marked passages (in quotation
#: marks or on ``>`` lines), each with the CONTEXT_CHARS before it (where "Name wrote:" or "In reply to
#: Name" stands), and its ``@`` addresses, each with the AT_CHARS after it (the name). The why is in
#: :mod:`commentscope.analysis.replies.infer`.
READ_CHARS = 2_000
OPENING_CHARS = 1_200
EXCERPT_CHARS = 800
CONTEXT_CHARS = 80
AT_CHARS = 60
_SNAP = 40  #: a piece's ends move at most this far to fall between words
_OPENING_QUOTES = set("\"“‘'«„‹")
_CLOSING_QUOTES = set("\"”’'»“›")
_SINGLE = set("'‘’")
#: Quote marks and paragraph breaks. A mark between two letters (the apostrophe of "don't") neither
#: opens nor closes a quotation and is not matched. One character set comes first, so the engine skips
#: quickly to the next candidate; the alternatives then check what it was.
_QUOTE_CHARS = re.compile(
    "[\"“”‘’'«»„‹›\n]"
    "(?:(?<=\n)\n"  # a paragraph break
    "|(?<!\n)(?<![^\\W_].)"  # a mark after no letter or digit
    "|(?<!\n)(?![^\\W_]))"  # a mark before none
)


def marked_regions(text: str) -> list[tuple[int, int]]:
    """Character ranges inside quotation marks (straight, smart, mismatched) or on ``>`` lines."""
    regions: list[tuple[int, int]] = []
    if ">" in text:
        offset = 0
        for line in text.split("\n"):
            body = line.lstrip()
            if body.startswith(">"):
                regions.append((offset + len(line) - len(body.lstrip("> ")), offset + len(line)))
            offset += len(line) + 1
    stack: list[tuple[str, int]] = []
    size = len(text)
    for match in _QUOTE_CHARS.finditer(text):
        at, char = match.start(), match.group()
        if char == "\n\n":
            regions.extend((start + 1, at) for mark, start in stack if mark not in _SINGLE)
            stack = []
            continue
        before = text[at - 1] if at else " "
        after = text[at + 1] if at + 1 < size else " "
        closes = char in _CLOSING_QUOTES and not before.isspace() and not after.isalnum()
        opens = char in _OPENING_QUOTES and (before.isspace() or before in "([{—–-/" or before in _OPENING_QUOTES) \
            and not after.isspace()
        if closes and stack:
            regions.append((stack.pop()[1] + 1, at))
        elif opens:
            stack.append((char, at))
    regions.extend((start + 1, size) for mark, start in stack if mark not in _SINGLE)
    return regions


@dataclass(frozen=True)
class Reading:
    """What the cues read of a comment: its pieces joined by blank lines (one piece, the whole text,
    for any comment up to ``READ_CHARS``), and where each piece starts in ``text`` and in the comment."""

    text: str
    starts: tuple[int, ...]
    origins: tuple[int, ...]

    def real(self, at: int) -> int:
        """The comment's offset for offset ``at`` of the reading (an end offset maps to its piece's)."""
        if len(self.starts) == 1:
            return at
        piece = max(0, bisect.bisect_right(self.starts, at) - 1)
        return self.origins[piece] + at - self.starts[piece]


def read(text: str) -> Reading:
    """The reading of a comment: all of it up to ``READ_CHARS``; past that its opening, then its marked
    passages and ``@`` addresses with their context, in order, within ``EXCERPT_CHARS``."""
    if len(text) <= READ_CHARS:
        return Reading(text, (0,), (0,))
    opening = _word_end(text, OPENING_CHARS)
    wanted = [(start - 1 - CONTEXT_CHARS, end + 1) for start, end in marked_regions(text) if end > opening]
    at = text.find("@", opening)
    while at >= 0:
        wanted.append((at, at + AT_CHARS))
        at = text.find("@", at + AT_CHARS)
    pieces = [[0, opening]]
    budget = EXCERPT_CHARS
    for start, end in sorted(wanted):
        start = max(_word_start(text, max(0, start)), pieces[-1][1])
        end = min(end, start + budget)
        if end <= start:
            continue
        end = _word_end(text, end)
        budget -= end - start
        if start == pieces[-1][1]:
            pieces[-1][1] = end
        else:
            pieces.append([start, end])
        if budget <= 0:
            break
    starts, at = [], 0
    for start, end in pieces:
        starts.append(at)
        at += end - start + 2
    return Reading("\n\n".join(text[start:end] for start, end in pieces), tuple(starts),
                   tuple(start for start, _ in pieces))


def _word_start(text: str, at: int) -> int:
    """``at`` moved back to the start of the word it cuts, if that is at most ``_SNAP`` back."""
    back = at
    while back > max(0, at - _SNAP) and not text[back - 1].isspace():
        back -= 1
    return back if back == 0 or text[back - 1].isspace() else at


def _word_end(text: str, at: int) -> int:
    """``at`` moved on to the end of the word it cuts, if that is at most ``_SNAP`` on."""
    on = at
    while on < min(len(text), at + _SNAP) and not text[on].isspace():
        on += 1
    return on if on == len(text) or text[on].isspace() else at
