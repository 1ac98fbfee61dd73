"""The pairwise model: the shipped file, numpy-only scoring, explanations, and a training run that
reproduces itself.

The training test trains on the labelled threads alone (always in the repository) and, where the public
corpora are found (../shared/corpora or $COMMENTSCOPE_CORPORA), on a 150-row sample of each as well.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from commentscope.analysis.stages.pairwise.model import MODEL_PATH, Model, load_model
from commentscope.analysis.stages.pairwise.training import data
from commentscope.analysis.stages.pairwise.training.train import train_file

ARTICLE = "The council should ban gas stoves in new buildings."
PAIRS = [(ARTICLE, "Great article, I agree completely."), (ARTICLE, "No, this is a terrible idea and plainly wrong."),
         (ARTICLE, "What time is the council meeting on Tuesday?")]


def test_the_shipped_model_is_small_and_says_what_it_was_trained_on():
    assert MODEL_PATH.stat().st_size < 30 * 2**20
    model = load_model()
    provenance = json.loads(str(model.a["provenance_json"]))
    assert any("PERSPECTRUM" in source for source in provenance["trained_on"])
    assert set(model.temperature) == {"stance", "agreement"}
    assert (MODEL_PATH.parent / "MODEL_CARD.md").exists()


def test_probabilities_sum_to_one_and_order_the_obvious_cases():
    p = load_model().score(*zip(*PAIRS), "stance")
    assert np.allclose(p.sum(1), 1.0)
    assert list(p.argmax(1)) == [0, 1, 2]  # for, against, neither


def test_explanations_name_the_feature_that_weighed_most():
    reasons = load_model().explain(*zip(*PAIRS), "stance")
    assert len(reasons) == 3 and all(isinstance(r, str) and r for r in reasons)
    assert reasons[0].startswith(("cue:", "the words"))


def test_scoring_imports_numpy_only():
    code = ("import sys; from commentscope.analysis.stages.pairwise.model import load_model; "
            "load_model().score(['a claim'], ['a reply'], 'agreement'); "
            "print(sorted(m for m in ('scipy', 'sklearn', 'vaderSentiment', 'nltk') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    folder = tmp_path_factory.mktemp("train")
    corpora = data.DEFAULT_CORPORA if (data.DEFAULT_CORPORA / "perspectrum" / "data.jsonl").exists() else None
    runs = [train_file(folder / f"run{k}.npz", corpora, limit=150 if corpora else None) for k in (1, 2)]
    return runs, corpora


def test_training_writes_the_same_bytes_twice(trained):
    (first, second), _ = trained
    assert first["sha256"] == second["sha256"] and first["bytes"] == second["bytes"]


def test_numpy_inference_computes_what_training_fitted(trained):
    (first, _), _ = trained
    assert first["max_gap"] < 1e-6


def test_a_trained_model_scores_as_the_shipped_code_reads_it(trained):
    (first, _), corpora = trained
    model = Model.load(Path(first["out"]))
    p = model.score(*zip(*PAIRS), "agreement")
    assert np.allclose(p.sum(1), 1.0) and p.shape == (3, 3)
    assert first["rows"] >= (150 if corpora is None else 300)
