"""How far a page's labels can be trusted: the measured figures and the confidence below which a label
is drawn faded.

The figures live in ONE file, ``analysis/stages/quality.json``, which whoever measures the stance and
agreement classifiers updates (schema: ``{"version": 1, "stance": FIGURES, "agreement": FIGURES}``, each
``FIGURES`` being ``{"macro_f1": float, "baseline_majority": float, "labels": int, "measured_on": str}``).
Pages read it when they are drawn; a missing or malformed file makes the page say the figures are
unknown, never fail.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

#: The measured figures (see the module docstring for the schema).
QUALITY_PATH = Path(__file__).resolve().parent.parent / "stages" / "quality.json"
#: A label whose confidence is below this is drawn faded: the model gives it less than an even chance
#: of being right (confidences are meant as calibrated probabilities). Hand labels are never faded.
CONFIDENT = 0.5
#: What the faded marks mean, in the words every page uses.
FADED_MEANS = (f"faded = the label's confidence is below {CONFIDENT:g}: the model gives it less than an even "
               "chance of being right")
KINDS = ("stance", "agreement")


def read_quality(path: Path = QUALITY_PATH) -> dict[str, dict[str, Any]]:
    """The measured figures by kind (``stance``, ``agreement``); a kind whose figures are missing or not
    numbers is left out."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    found: dict[str, dict[str, Any]] = {}
    for kind in KINDS:
        figures = raw.get(kind) if isinstance(raw, dict) else None
        if not isinstance(figures, dict):
            continue
        scores = [figures.get(key) for key in ("macro_f1", "baseline_majority")]
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in scores):
            found[kind] = {"macro_f1": float(scores[0]), "baseline_majority": float(scores[1]),
                           "labels": figures.get("labels") if isinstance(figures.get("labels"), int) else None,
                           "measured_on": str(figures.get("measured_on") or "")}
    return found


def _kind_words(kind: str, figures: dict[str, Any] | None) -> str:
    if figures is None:
        return f"{kind}: not measured"
    score, baseline = figures["macro_f1"], figures["baseline_majority"]
    if score < baseline:
        return f"{kind} {score:.2f}, below that baseline ({baseline:.2f})"
    return f"{kind} {score:.2f} (baseline {baseline:.2f})"


def trust_sentence(quality: dict[str, dict[str, Any]]) -> str:
    """The measured figures in one sentence, e.g. "On six hand-labelled comment threads the model never
    saw in training, the labels scored macro-F1 stance 0.76 (baseline 0.22) and agreement 0.77 (baseline
    0.29)." The baseline is always guessing the commonest label."""
    if not quality:
        return "The labels' accuracy has not been measured (analysis/stages/quality.json is missing)."
    parts = " and ".join(_kind_words(kind, quality.get(kind)) for kind in KINDS)
    where = next((f["measured_on"] for f in quality.values() if f and f.get("measured_on")), "")
    return (f"On {where or 'hand-labelled threads'}, the labels scored macro-F1 {parts}; "
            "the baseline always guesses the commonest label.")


def faded_counts(comments: Any) -> dict[str, int]:
    """How many of the page's labels are faded or were set by a person: ``stance``, ``stance_of``,
    ``agreement``, ``agreement_of``, ``human``. ``comments`` is ``chart_data.normalise``'s frame."""
    import polars as pl

    stance = comments.filter(pl.col("stance_source") != "human")
    agreement = comments.filter(pl.col("agreement").is_not_null())
    return {
        "stance": int(stance.filter(pl.col("stance_confidence") < CONFIDENT).height),
        "stance_of": comments.height,
        "agreement": int(agreement.filter(pl.col("agreement_confidence") < CONFIDENT).height),
        "agreement_of": agreement.height,
        "human": int((comments.get_column("stance_source") == "human").sum()),
    }
