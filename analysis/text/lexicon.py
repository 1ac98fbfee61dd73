"""English word lists that reply inference reads names by: frequent words, titles, placeholder names.

Data only. An author whose name is an ordinary word needs stronger evidence to count as named; a name
after a title is a public figure; a placeholder name is nobody in particular.
"""

from __future__ import annotations

from commentscope.analysis.text.stopwords import STOPWORDS

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

#: Words of a longer name that never stand for its bearer alone ("de", "van", "Jr").
NAME_PARTICLES = frozenset({"mr", "mrs", "ms", "dr", "the", "a", "an", "of", "de", "la", "le", "van", "von",
                            "der", "jr", "sr", "ii", "iii", "st", "el", "al", "du", "da", "di"})
