"""Training and evaluating the pairwise model (scripts/train_model.py, scripts/evaluate_model.py): the
labelled corpora and threads as pair rows (``data``), the word lists (``lexicon``), feature blocks and a
scikit-learn-free logistic regression (``blocks``), the fit and export (``train``), the figures
(``evaluate``). Needs scipy (``pip install 'commentscope[train]'``); the runtime never imports it."""
