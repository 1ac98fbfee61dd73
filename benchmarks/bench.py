"""Benchmark: every analysis stage and the whole pipeline at 10k, 100k and 1M comments, against VADER.

    .venv/bin/python benchmarks/bench.py [--sizes 10k,100k] [--json OUT.json] [--workdir DIR] [--keep]

Workloads (``benchmarks/bench_workload.py``) come from the project's own fixtures (the seed
``comments.jsonl``, the threads of ``tests/data/formats``, ``tests/data/labels`` and
``tests/data/gold/replies``, the texts of ``tests/data/sentiment/realistic.jsonl``), replicated and
varied: each generated thread copies one fixture thread block after block until it reaches its size
(drawn log-uniformly from 20 to 2,000 comments), every block with fresh author names (also where the
text names them, so address and mention cues still point somewhere), generic words swapped for
near-synonyms, and sentences or paragraphs of other comments spliced in. Reply structure is kept: a
copied reply answers the copy of its parent. (Copies of one fixture comment in a thread still share
long word runs, so the reply inference links many of them by ``quote``.)

For each size the generator writes a comment JSONL with its thread sidecar (what ``scrape`` writes) and
the same threads rendered as WordPress print views (flat: no parent in the markup). Each measurement
then runs in a fresh child process (``--child``), so its peak memory is its own: ``ru_maxrss`` of the
child plus the largest of its own children (the sentiment pool's worker; on two cores there is one, so
the sum bounds the tree's peak). Stages:

- ``parse``: ``commentscope.analysis.pipeline.parse_sources`` on the print views, no reply inference, the files on
  a process per core as ``scrape`` parses them from 16 MiB (generated threads can share a title, so
  they are not merged as pages of one thread).
- ``replies``: ``commentscope.analysis.pipeline.infer_all`` on the parsed (flat) threads: ``commentscope.analysis.replies.infer`` per
  thread, on a process per core from 20,000 comments (what ``scrape`` runs).
- ``sentiment``: ``commentscope.analysis.stages.sentiment.add_sentiment`` (default workers: every core from 20k comments).
- ``stance``: ``add_stance`` with agreement included (``add_agreement`` first, as the pipeline runs them),
  in one process, the whole frame at once; ``stance_2p``: the same on a process per core, in the
  batches ``analyze`` streams (whole threads, about 5,000 comments each); its processes are started and
  have loaded the model before the clock starts, the batches' trips to them and back are timed, and CPU
  is what the workers spent on their tasks plus this process.
- ``structure``: ``add_structure`` and ``thread_metrics``.
- ``tally``: ``commentscope.analysis.report.tally.tally`` by thread, author, depth and day, on the analysed output.
- ``pipeline``: ``commentscope.analysis.run.stream.analyze_files`` with its defaults (JSONL in, analysed JSONL out;
  batches of whole threads on a process per core), what ``commentscope analyze`` runs on records;
  ``in_memory``: ``load`` + ``analyze`` + write, the non-streaming path (skipped at 1M unless
  ``--in-memory-1m``). Both include starting processes, not importing this run's modules.
- ``end to end``: parse + replies + pipeline, summed per comment (what scraping and analysing costs).

The baseline is measured in the same run: a plain loop calling vaderSentiment's
``SentimentIntensityAnalyzer().polarity_scores`` once per comment on one core, on a sample of
``--baseline-sample`` generated comments; its cost is scaled per comment. ``ratio`` = baseline seconds
per comment / stage seconds per comment (above 1 is faster than the bare VADER loop). ``CPU us/c`` is the
CPU time per comment of the stage's process and its worker processes (on two cores a stage can take
less wall time than CPU time).

Targets printed beside the figures: pipeline >= 2x faster per comment than the VADER loop; stance +
agreement >= 10,000 comments/s on the machine's cores (``stance_2p``); a flat
5,000-comment thread infers in seconds (< 10 s); 1M comments end to end <= 5 min on 2 cores with peak
memory <= 2x the input JSONL (below 1M the time is projected linearly); a 10,000-character comment
costs <= 10x a 500-character one in every stage (measured on 400 comments of each length).

Never run by the tests; figures depend on the machine and its load (printed with them).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

STAGES = ("parse", "replies", "sentiment", "stance", "stance_2p", "structure", "pipeline", "tally", "in_memory")
#: Stages measured on 400 comments of 500 and of 10,000 characters.
LENGTH_STAGES = ("parse", "replies", "sentiment", "stance", "structure", "pipeline", "tally")
FLAT_THREAD = 5_000
TARGETS = {"ratio": 2.0, "stance_rate": 10_000.0, "flat_seconds": 10.0, "million_seconds": 300.0, "memory_ratio": 2.0, "length_ratio": 10.0}


# --- one measurement, in a fresh child process ------------------------------------------------------

class _PeakSampler:
    """Largest resident memory of this process and its children seen every 20 ms (psutil); where psutil
    is missing, ``ru_maxrss`` of this process plus its largest child (the pool's) is used instead."""

    def __init__(self) -> None:
        self.peak = 0
        self.stop = threading.Event()
        try:
            import psutil

            self.process = psutil.Process()
        except ImportError:
            self.process = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _tree(self) -> int:
        total = self.process.memory_info().rss
        for child in self.process.children(recursive=True):
            try:
                total += child.memory_info().rss
            except Exception:  # a child that just ended
                pass
        return total

    def _run(self) -> None:
        while not self.stop.wait(0.02):
            self.peak = max(self.peak, self._tree())

    def __enter__(self) -> "_PeakSampler":
        if self.process is not None:
            self.peak = self._tree()
            self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        if self.process is not None:
            self.thread.join()
            self.peak = max(self.peak, self._tree())
        else:
            own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            self.peak = (own + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) * 1024


def _measure(spec: dict[str, Any]) -> dict[str, Any]:
    """Set up the stage's input (not timed), then time the stage alone."""
    import polars as pl

    from commentscope.analysis.run.stream import analyze_files

    folder = Path(spec["folder"])
    records, out = str(folder / "comments.jsonl"), str(folder / "analysed.jsonl")
    views = sorted((folder / "views").glob("*.txt"))
    stage = spec["stage"]
    if stage != "pipeline":  # set-up, not stage time; the pipeline's process imports what the CLI's does
        from commentscope.analysis.stages import cues  # noqa: F401
        from commentscope.analysis.stages.agreement import add_agreement
        from commentscope.analysis.pipeline import analyze, infer_all, load
        from commentscope.analysis.replies import infer  # noqa: F401  (and numpy, which it loads)
        import numpy  # noqa: F401
        from commentscope.analysis.run.pool import process_pool, worker_count
        from commentscope.scraper.read import local_bytes, parse_sources
        from commentscope.analysis.stages.sentiment import add_sentiment
        from commentscope.analysis.stages.stance import add_stance
        from commentscope.analysis.stages.structure import add_structure, thread_metrics
        from commentscope.analysis.report.tally import GROUPINGS, tally
        from commentscope.scraper.atomic import atomic_open
    run: Callable[[], Any]
    if stage == "vader":
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        texts = pl.read_ndjson(records).get_column("text").head(spec["sample"]).to_list()
        analyzer = SentimentIntensityAnalyzer()
        run = lambda: [analyzer.polarity_scores(text) for text in texts]  # noqa: E731
        count = len(texts)
    elif stage in ("parse", "replies"):
        def parse() -> list:
            paths = [str(path) for path in views]
            # the rule read_threads applies
            processes = worker_count(spec.get("workers"), tasks=len(paths), nbytes=local_bytes(paths))
            with process_pool(processes if processes > 1 else 0) as pool:
                return parse_sources(paths, pool=pool)

        threads = parse() if stage == "replies" else []
        run = parse if stage == "parse" else lambda: infer_all(threads, workers=spec.get("workers"))
        count = sum(len(t.comments) for t in threads) if threads else None
    elif stage == "tally":
        analysed = pl.read_ndjson(out)
        run = lambda: [tally(analysed, by) for by in GROUPINGS]  # noqa: E731
        count = analysed.height
    elif stage == "pipeline":
        run = lambda: analyze_files([records], out, workers=spec.get("workers"))  # noqa: E731
        count = None
    elif stage == "in_memory":
        def in_memory() -> None:
            frame, threads = load([records])
            with atomic_open(str(folder / "analysed-in-memory.jsonl"), "wb") as handle:
                analyze(frame, threads).write_ndjson(handle)

        run, count = in_memory, None
    else:
        frame, threads = load([records])
        if stage == "stance_2p":
            pool, parts = _stance_pool(frame, threads)
            run = lambda: _stance_on(pool, parts)  # noqa: E731
        else:
            run = {"sentiment": lambda: add_sentiment(frame),
                   "stance": lambda: add_stance(frame, threads),
                   "structure": lambda: thread_metrics(add_structure(frame))}[stage]
        count = frame.height
    with _PeakSampler() as sampler:
        start, cpu = time.perf_counter(), _cpu_seconds()
        result = run()
        seconds, cpu = time.perf_counter() - start, _cpu_seconds() - cpu
    if stage == "stance_2p":
        result, worker_cpu = result
        cpu += worker_cpu
        pool.shutdown()
    if count is None:
        count = sum(len(t.comments) for t in result) if stage == "parse" else json.loads(
            (folder / "meta.json").read_text())["comments"]
    return {"seconds": seconds, "cpu_seconds": cpu, "comments": count, "peak_mb": sampler.peak / 2**20,
            "load": os.getloadavg()[0]}


def _warm_stance() -> float:
    """A stance worker's set-up: import the stage and load the model (before the clock starts)."""
    from commentscope.analysis.stages.pairwise.model import load_model
    from commentscope.analysis.stages.stance import add_stance  # noqa: F401

    load_model()
    return os.getpid()


def _stance_task(frame, threads) -> tuple[Any, float]:
    """One worker's share: stance with agreement, and the CPU seconds it took."""
    from commentscope.analysis.stages.stance import add_stance

    cpu = time.process_time()
    out = add_stance(frame, threads)
    return out, time.process_time() - cpu


def _stance_pool(frame, threads):
    """A started, warmed pool of a process per core, and the frame cut as ``analyze`` streams it:
    batches of whole threads of about ``BATCH_COMMENTS`` comments (a thread is never split)."""
    from concurrent.futures import ProcessPoolExecutor, wait
    from multiprocessing import get_context

    import polars as pl

    from commentscope.analysis.run.pool import available_cores
    from commentscope.analysis.run.stream import BATCH_COMMENTS

    cores = available_cores()
    pool = ProcessPoolExecutor(cores, mp_context=get_context("spawn"))
    wait([pool.submit(_warm_stance) for _ in range(cores * 2)])
    by_id = {t.thread_id: t for t in threads}
    batches, current, size = [], [], 0
    for thread_id, n in frame.group_by("thread_id", maintain_order=True).len().rows():
        if current and size + n > BATCH_COMMENTS:
            batches.append(current)
            current, size = [], 0
        current.append(thread_id)
        size += n
    if current:
        batches.append(current)
    parts = [(frame.filter(pl.col("thread_id").is_in(ids)), [by_id[i] for i in ids if i in by_id]) for ids in batches]
    return pool, parts


def _stance_on(pool, parts) -> tuple[list, float]:
    done = [f.result() for f in [pool.submit(_stance_task, frame, threads) for frame, threads in parts]]
    return [frame for frame, _ in done], sum(cpu for _, cpu in done)


def _cpu_seconds() -> float:
    """CPU time of this process and of its children that have ended (a stage's pool is shut down when
    the stage returns, so its workers are counted)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def measure(stage: str, folder: Path, **extra: Any) -> dict[str, Any]:
    """Run one measurement in a fresh child process and return what it reports."""
    spec = {"stage": stage, "folder": str(folder), **extra}
    done = subprocess.run([sys.executable, __file__, "--child", json.dumps(spec)], capture_output=True,
                          text=True, cwd=ROOT)
    if done.returncode != 0:
        raise RuntimeError(f"{stage} on {folder} failed:\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["rate"] = result["comments"] / result["seconds"] if result["seconds"] else float("inf")
    return result


# --- the run ------------------------------------------------------------------------------------------

def parse_size(text: str) -> int:
    """``10k`` -> 10000, ``1m`` -> 1000000, ``2500`` -> 2500."""
    text = text.strip().lower()
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    try:
        return int(float(text[:-1] if scale > 1 else text) * scale)
    except ValueError:
        raise SystemExit(f"Error: --sizes: cannot read {text!r}; give sizes like 10k,100k,1m") from None


def _workload(folder: Path, total: int, seed: int, **kwargs: Any) -> dict[str, Any]:
    from bench_workload import write_workload

    started = time.perf_counter()
    info = write_workload(total, folder, seed, **kwargs)
    info["generated_seconds"] = round(time.perf_counter() - started, 1)
    (folder / "meta.json").write_text(json.dumps(info))
    return info


def run(sizes: list[int], workdir: Path, sample: int, seed: int, in_memory_1m: bool, log=print) -> dict[str, Any]:
    """Every measurement, in one run: per size the baseline and each stage, then the flat 5,000-comment
    thread and the 500- vs 10,000-character comments."""
    from commentscope.analysis.run.pool import available_cores

    results: dict[str, Any] = {"cores": available_cores(), "load_start": os.getloadavg(), "sizes": {}}
    for total in sizes:
        folder = workdir / f"n{total}"
        info = _workload(folder, total, seed)
        log(f"# {total:,} comments in {info['threads']} threads, {info['bytes'] / 2**20:.1f} MiB JSONL, "
            f"mean {info['mean_chars']} chars, {info['unique_share']:.0%} distinct texts "
            f"(generated in {info['generated_seconds']} s)")
        entry = {"workload": info, "stages": {}}
        entry["vader"] = measure("vader", folder, sample=min(sample, total))
        log(f"  vader loop: {entry['vader']['rate']:,.0f} comments/s on one core")
        for stage in STAGES:
            if stage == "in_memory" and total >= 1_000_000 and not in_memory_1m:
                continue
            entry["stages"][stage] = found = measure(stage, folder)
            found["ratio"] = found["rate"] / entry["vader"]["rate"]
            log(f"  {stage}: {found['seconds']:.1f} s, {found['rate']:,.0f}/s, peak {found['peak_mb']:.0f} MiB")
        parts = [entry["stages"][s] for s in ("parse", "replies", "pipeline")]
        per_comment = sum(p["seconds"] / p["comments"] for p in parts)
        cpu = sum(p["cpu_seconds"] / p["comments"] for p in parts) * total
        entry["stages"]["end_to_end"] = {"seconds": per_comment * total, "cpu_seconds": cpu, "comments": total,
                                         "rate": 1 / per_comment, "ratio": 1 / per_comment / entry["vader"]["rate"],
                                         "peak_mb": max(p["peak_mb"] for p in parts), "load": os.getloadavg()[0]}
        results["sizes"][str(total)] = entry
    flat = workdir / "flat5000"
    _workload(flat, FLAT_THREAD, seed, sizes=[FLAT_THREAD])
    results["flat_thread"] = measure("replies", flat)
    log(f"# flat {FLAT_THREAD:,}-comment thread: inference {results['flat_thread']['seconds']:.1f} s")
    results["lengths"] = {}
    for chars in (500, 10_000):
        folder = workdir / f"chars{chars}"
        _workload(folder, 400, seed, sizes=[40] * 10, chars=chars)
        results["lengths"][str(chars)] = {stage: measure(stage, folder, workers=1) for stage in LENGTH_STAGES}
        log(f"# 400 comments of {chars:,} characters measured")
    results["load_end"] = os.getloadavg()
    return results


# --- the report ---------------------------------------------------------------------------------------

def _status(ok: bool, projected: bool = False) -> str:
    return ("met" if ok else "MISSED") + (" (projected)" if projected else "")


def targets(results: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(target, measured, status) rows."""
    rows = []
    sizes = results["sizes"]
    largest = max(sizes, key=int)
    ratios = ", ".join(f"{int(n):,}: {e['stages']['pipeline']['ratio']:.2f}x" for n, e in sizes.items())
    best = sizes[largest]["stages"]["pipeline"]["ratio"]
    rows.append((f"pipeline >= {TARGETS['ratio']:g}x faster/comment than the VADER loop", ratios,
                 _status(best >= TARGETS["ratio"])))
    pooled = ", ".join(f"{int(n):,}: {e['stages']['stance_2p']['rate']:,.0f}/s" for n, e in sizes.items()
                       if "stance_2p" in e["stages"])
    rate = sizes[largest]["stages"].get("stance_2p", {}).get("rate", 0.0)
    rows.append((f"stance + agreement >= {TARGETS['stance_rate']:,.0f} comments/s on {results['cores']} cores", pooled,
                 _status(rate >= TARGETS["stance_rate"])))
    flat = results["flat_thread"]["seconds"]
    rows.append((f"flat {FLAT_THREAD:,}-comment thread infers in seconds (< {TARGETS['flat_seconds']:g} s)",
                 f"{flat:.1f} s", _status(flat < TARGETS["flat_seconds"])))
    entry = sizes[largest]
    projected = int(largest) < 1_000_000
    scale = 1_000_000 / int(largest)
    for name in ("pipeline", "end_to_end"):
        seconds = entry["stages"][name]["seconds"] * scale
        label = "analyze JSONL->JSONL" if name == "pipeline" else "parse + replies + analyze"
        rows.append((f"1M comments, {label}, <= {TARGETS['million_seconds']:g} s on {results['cores']} cores",
                     f"{seconds:,.0f} s" + (f" (from {int(largest):,})" if projected else ""),
                     _status(seconds <= TARGETS["million_seconds"], projected)))
    memory = ", ".join(f"{int(n):,}: {e['stages']['pipeline']['peak_mb']:.0f} MiB = "
                       f"{e['stages']['pipeline']['peak_mb'] * 2**20 / e['workload']['bytes']:.1f}x"
                       for n, e in sizes.items())
    ratio = entry["stages"]["pipeline"]["peak_mb"] * 2**20 / entry["workload"]["bytes"]
    rows.append((f"peak memory <= {TARGETS['memory_ratio']:g}x the input JSONL (pipeline)", memory,
                 _status(ratio <= TARGETS["memory_ratio"], projected)))
    short, long = results["lengths"]["500"], results["lengths"]["10000"]
    per = {stage: (long[stage]["seconds"] / long[stage]["comments"]) / (short[stage]["seconds"] / short[stage]["comments"])
           for stage in LENGTH_STAGES}
    rows.append((f"10k-char comment <= {TARGETS['length_ratio']:g}x a 500-char one, per stage",
                 ", ".join(f"{stage} {value:.1f}x" for stage, value in per.items()),
                 _status(max(per.values()) <= TARGETS["length_ratio"])))
    return rows


def table(results: dict[str, Any]) -> str:
    """The plain-text report: one row per size and stage, then the targets."""
    lines = [f"cores: {results['cores']}   load average (1/5/15 min) at start: "
             f"{' '.join(f'{x:.2f}' for x in results['load_start'])}, at end: "
             f"{' '.join(f'{x:.2f}' for x in results['load_end'])}", ""]
    header = f"{'size':>9} {'stage':<11} {'comments':>9} {'seconds':>9} {'comments/s':>11} {'CPU us/c':>9} " \
             f"{'peak MiB':>9} {'vs VADER':>9} {'load':>5}"
    lines += [header, "-" * len(header)]
    for size, entry in results["sizes"].items():
        vader = entry["vader"]
        for stage, found in [("VADER loop", {**vader, "ratio": 1.0}), *entry["stages"].items()]:
            lines.append(f"{int(size):>9,} {stage:<11} {found['comments']:>9,} {found['seconds']:>9.2f} "
                         f"{found['rate']:>11,.0f} {found['cpu_seconds'] / found['comments'] * 1e6:>9,.0f} "
                         f"{found['peak_mb']:>9.0f} {found['ratio']:>8.2f}x {found['load']:>5.2f}")
    lines += ["", "per comment, 10,000 vs 500 characters (400 comments each, one process):"]
    for stage in LENGTH_STAGES:
        short, long = (results["lengths"][k][stage] for k in ("500", "10000"))
        lines.append(f"  {stage:<10} {short['seconds'] / short['comments'] * 1e3:8.3f} ms  "
                     f"{long['seconds'] / long['comments'] * 1e3:8.3f} ms")
    lines += ["", f"{'target':<66} {'measured':<44} status", "-" * 120]
    lines += [f"{name:<66} {measured:<44} {status}" for name, measured, status in targets(results)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 1)[1],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10k,100k", help="comma-separated sizes (default 10k,100k; 1m is slow)")
    parser.add_argument("--json", metavar="OUT", help="also write the results as JSON to OUT")
    parser.add_argument("--workdir", metavar="DIR", help="where workloads go (default: a temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the generated workloads")
    parser.add_argument("--baseline-sample", type=int, default=10_000, metavar="N",
                        help="comments the VADER loop scores (default 10000)")
    parser.add_argument("--seed", type=int, default=7, help="random seed of the workloads (default 7)")
    parser.add_argument("--in-memory-1m", action="store_true", help="also run the in-memory path at 1M and above")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_measure(json.loads(args.child))))
        return 0
    sizes = [parse_size(s) for s in args.sizes.split(",") if s.strip()]
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="commentscope-bench-"))
    try:
        results = run(sizes, workdir, args.baseline_sample, args.seed, args.in_memory_1m,
                      log=lambda text: print(text, file=sys.stderr, flush=True))
    finally:
        if not args.keep and not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    print(table(results))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
