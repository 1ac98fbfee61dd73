"""Shared test helpers: the repository's paths and a way to run the real CLI."""

from __future__ import annotations

import contextlib
import io
import os
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


def run_cli(*args: str, stdin: bytes | None = None, cwd: Path | None = None, timeout: float | None = None) -> Run:
    """Run ``commentscope ARGS`` as a user would, through the CLI's own ``main(argv)``: in this process,
    with stdin, stdout and stderr captured and ``cwd`` as the working folder (fast: no interpreter to
    start, no imports to repeat). With a ``timeout`` it runs in a real process instead, since bounding
    the time is then the point of the test."""
    argv = [str(arg) for arg in args]
    if timeout is not None:
        done = subprocess.run([sys.executable, "-m", "commentscope.analysis.cli", *argv], input=stdin,
                              capture_output=True, cwd=cwd or ROOT, timeout=timeout)
        return Run(done.returncode, done.stdout.decode("utf-8", "replace"), done.stderr.decode("utf-8", "replace"))
    from commentscope.analysis.cli import main

    streams = [io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", newline="") for data in (stdin or b"", b"", b"")]
    saved, here = (sys.stdin, sys.stdout, sys.stderr), os.getcwd()
    try:
        sys.stdin, sys.stdout, sys.stderr = streams
        os.chdir(cwd or ROOT)
        try:
            code = main(argv)
        except SystemExit as stop:  # --help and argparse's own exits
            code = stop.code if isinstance(stop.code, int) else 0 if stop.code is None else 2
    finally:
        for stream in streams[1:]:
            with contextlib.suppress(ValueError):
                stream.flush()
        sys.stdin, sys.stdout, sys.stderr = saved
        os.chdir(here)
    out, err = (stream.buffer.getvalue().decode("utf-8", "replace") for stream in streams[1:])
    return Run(code, out, err)


def assert_same(got: bytes | str, want: bytes | str, what: str) -> None:
    """Fail unless ``got == want``, naming the first differing offset and the text around it. Big outputs
    (pages, JSONL) are compared through this rather than a bare ``assert a == b``: on CI pytest diffs the
    two values character by character, which for a one-line megabyte page runs for hours."""
    if got == want:
        return
    at = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))
    pytest.fail(f"{what} differs from offset {at} (lengths {len(got)} and {len(want)}): "
                f"got {got[max(0, at - 80):at + 80]!r}, expected {want[max(0, at - 80):at + 80]!r}", pytrace=False)


@pytest.fixture
def cli():
    return run_cli
