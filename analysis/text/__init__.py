"""The text toolkit every stage shares: one tokenizer, one stemmer, one stop-word list, one sentence
splitter and one way to find a commenter's own words.

- ``tokens``: word tokens, plain (``words``) or with character offsets (``tokenize``), by one rule.
- ``stems``: the Snowball English stemmer (PyStemmer) and the content stems of a text.
- ``stopwords``, ``lexicon``: word lists as data (function words; frequent words, titles, placeholder
  names).
- ``sentences``: the sentence splitter.
- ``own``: the commenter's own words (quoted spans, ``>`` lines and quoted paragraphs removed).
- ``phrases``: regexes built from phrase lists, and the cheap test that skips most searches.
"""

#: Texts (comments, sentences, words) each cache of the toolkit remembers: the stages read one comment
#: several times (its own words for stance and for agreement, the parent's for every reply), so the
#: caches turn repeated work into look-ups; bounded, so a stream of millions stays flat.
CACHE_SIZE = 65_536
