#!/usr/bin/env python3
"""Train the pairwise stance/agreement model from the labelled corpora and threads, deterministically.

    pip install -e '.[train]'
    python scripts/train_model.py [--corpora ../shared/corpora] [--out analysis/stages/pairwise/pairwise.npz]

Prints the file's size and sha256 (the same data give the same bytes) and the largest gap between
numpy inference and the training side's probabilities. MODEL_CARD.md beside the model says what it is
trained on, under which licences, and how well it does (scripts/evaluate_model.py).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from commentscope.analysis.stages.pairwise.model import MODEL_PATH  # noqa: E402
from commentscope.analysis.stages.pairwise.training import data  # noqa: E402
from commentscope.analysis.stages.pairwise.training.train import train_file  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpora", type=Path, default=data.DEFAULT_CORPORA, help="the labelled corpora's folder")
    parser.add_argument("--threads", type=Path, default=data.DEFAULT_THREADS, help="the labelled threads' folder")
    parser.add_argument("--out", type=Path, default=MODEL_PATH, help="the model file to write")
    parser.add_argument("--limit", type=int, help="train on the first N rows of each source only (a quick check)")
    args = parser.parse_args()
    report = train_file(args.out, args.corpora, args.threads, args.limit)
    print(json.dumps(report, indent=1))
    return 0 if report["max_gap"] < 1e-3 else 1


if __name__ == "__main__":
    sys.exit(main())
