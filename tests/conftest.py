"""Shared test helpers: the repository's paths and a way to run the real CLI."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
SEED = ROOT / "scraper" / "data" / "seed.txt"
SEED_THREAD_ID = "translated-doc-debunks-narrative-of-al-qaeda-iran-alliance"


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str


def run_cli(*args: str, stdin: bytes | None = None, cwd: Path | None = None, timeout: float = 120) -> Run:
    """Run ``commentscope ARGS`` in a subprocess, as a user would."""
    done = subprocess.run([sys.executable, "-m", "commentscope.analysis.cli", *map(str, args)], input=stdin,
                          capture_output=True, cwd=cwd or ROOT, timeout=timeout)
    return Run(done.returncode, done.stdout.decode("utf-8", "replace"), done.stderr.decode("utf-8", "replace"))


@pytest.fixture
def cli():
    return run_cli
