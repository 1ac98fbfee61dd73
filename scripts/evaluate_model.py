#!/usr/bin/env python3
"""Measure the pairwise model and the stages as shipped: leave-one-corpus-out and in-domain figures on
the labelled corpora, the labelled threads end to end, calibration; beside the baselines.

    pip install -e '.[train]'
    python scripts/evaluate_model.py [--corpora ../shared/corpora] [--out analysis/stages/pairwise/evaluation.json]

Writes every figure as JSON (the README's "how well" table and MODEL_CARD.md quote it) and the figures
the dashboards' trust line shows (analysis/stages/quality.json). Takes about ten minutes on two cores
(ten fits of the model).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from commentscope.analysis.stages.pairwise.training import data  # noqa: E402
from commentscope.analysis.stages.pairwise.training.evaluate import evaluate  # noqa: E402

HERE = Path(__file__).resolve().parents[1]
DEFAULT_OUT = HERE / "analysis" / "stages" / "pairwise" / "evaluation.json"
QUALITY = HERE / "analysis" / "stages" / "quality.json"


def quality(figures: dict) -> dict:
    """The trust line's figures: the stages end to end on the labelled threads with a model that never
    saw a thread (inferred reply links, all threads pooled), beside the majority baseline."""
    pooled = figures["threads"]["all threads"]["inferred_links"]
    return {"version": 1, **{what: {"macro_f1": pooled[what]["macro_f1"], "baseline_majority": pooled[what]["majority"],
                                    "labels": pooled[what]["n"],
                                    "measured_on": "six hand-labelled comment threads the model never saw in training"}
                             for what in ("stance", "agreement")}}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpora", type=Path, default=data.DEFAULT_CORPORA)
    parser.add_argument("--threads", type=Path, default=data.DEFAULT_THREADS)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--work", type=Path, help="keep the fitted no-threads model and pairwise figures here")
    parser.add_argument("--threads-only", action="store_true",
                        help="with --work from an earlier run: measure the stages on the threads again, no refitting")
    args = parser.parse_args()
    figures = evaluate(args.corpora, args.threads, args.work, args.threads_only)
    args.out.write_text(json.dumps(figures, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    QUALITY.write_text(json.dumps(quality(figures), indent=1) + "\n", encoding="utf-8")
    print(json.dumps(figures, indent=1, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
