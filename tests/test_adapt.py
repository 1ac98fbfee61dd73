"""Corrections that teach: a user's labels recalibrate the rest, measured by cross-validation."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from commentscope.analysis.stages.adapt import MIN_LABELS, adapt, fit_recalibration, recalibrated
from tests.conftest import DATA, SEED, run_cli


def biased_frame(n: int = 60, seed: int = 0) -> tuple[pl.DataFrame, list[str]]:
    """Comments whose true stance the model gets right in order but systematically too 'against': the
    favor ones come out as against 0.55 / favor 0.35 (a site where praise reads as criticism)."""
    rng = np.random.default_rng(seed)
    truth, probabilities = [], []
    for k in range(n):
        label = ("favor", "against", "none")[k % 3]
        p = {"favor": [0.35, 0.55, 0.10], "against": [0.10, 0.80, 0.10], "none": [0.10, 0.25, 0.65]}[label]
        p = np.clip(np.array(p) + rng.normal(0, 0.03, 3), 0.01, None)
        truth.append(label)
        probabilities.append((p / p.sum()).tolist())
    frame = pl.DataFrame({"thread_id": ["t"] * n, "id": [str(k) for k in range(n)],
                          "stance": [("favor", "against", "none")[int(np.argmax(p))] for p in probabilities],
                          "stance_confidence": [max(p) for p in probabilities],
                          "stance_probabilities": probabilities})
    return frame, truth


def labels_for(frame: pl.DataFrame, truth: list[str], rows: range) -> pl.DataFrame:
    return pl.DataFrame({"thread_id": ["t"] * len(rows), "id": [frame["id"][k] for k in rows],
                         "stance": [truth[k] for k in rows]})


def test_a_systematic_bias_is_learned_from_a_few_labels_and_fixes_the_rest():
    frame, truth = biased_frame()
    before = sum(a == b for a, b in zip(frame["stance"], truth))
    adapted, report = adapt(frame, labels_for(frame, truth, range(15)))
    after = sum(a == b for a, b in zip(adapted["stance"][15:], truth[15:]))
    assert before == 40 and after == 45  # every favor comment of the other 45 is put right
    assert report.applied and report.labels == 15 and report.folds == 5
    assert report.model_accuracy == pytest.approx(10 / 15) and report.adapted_accuracy == 1.0
    assert report.relabelled == 15
    assert "5-fold cross-validated accuracy 100%" in report.summary()


def test_too_few_labels_adapt_nothing_and_say_so():
    frame, truth = biased_frame()
    adapted, report = adapt(frame, labels_for(frame, truth, range(MIN_LABELS - 1)))
    assert adapted.equals(frame) and not report.applied
    assert "too few labels" in report.summary()


def test_the_recalibration_changes_nothing_without_evidence_against_the_model():
    p = np.array([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.2, 0.2, 0.6]] * 4)
    theta = fit_recalibration(np.log(p), np.array([0, 1, 2] * 4))
    assert (recalibrated(np.log(p), theta).argmax(1) == p.argmax(1)).all()


def test_cli_labels_report_cross_validated_accuracy_and_keep_the_labels(tmp_path):
    result = run_cli("analyze", SEED, "--labels", DATA / "labels" / "seed.csv", "-o", tmp_path / "a.jsonl")
    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stderr.splitlines() if line.startswith("labels: n=24"))
    assert "the model alone agrees with" in line and "5-fold cross-validated accuracy" in line
    out = pl.read_ndjson(tmp_path / "a.jsonl")
    gold = pl.read_csv(DATA / "labels" / "seed.csv", schema_overrides={"id": pl.String})
    assert dict(out.select("id", "stance").iter_rows()) == dict(gold.select("id", "stance").iter_rows())
    assert set(out["stance_source"]) == {"human"} and set(out["stance_evidence"]) == {"set by hand"}
