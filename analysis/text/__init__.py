"""The text toolkit every stage shares: one tokenizer, one stemmer, one stop-word list, one sentence
splitter and one way to find a commenter's own words."""
