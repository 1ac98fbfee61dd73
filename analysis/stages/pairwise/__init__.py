"""The learned pairwise model that scores stance (a comment toward the article) and agreement (a reply
toward its parent): inference in numpy (``model``, ``features``, ``ngrams``), the shipped weights
(``pairwise.npz``) and their card (``MODEL_CARD.md``); ``training`` fits and evaluates it (needs the
``train`` extra)."""
