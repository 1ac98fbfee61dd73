"""The ``commentscope`` command line: a thin layer over ``scraper`` and ``commentscope.analysis.pipeline``.

Exit status: 0 success; 2 bad usage or bad input (one ``Error: ...`` line on stderr); 1 an internal error.
Warnings go to stderr, data to stdout or the ``-o`` file (written atomically).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from commentscope.scraper import SEED_PATH
from commentscope.scraper.errors import CommentscopeError, UsageError
from commentscope.scraper.read import ReadOptions, is_url

_COLUMNS = ("id", "parent", "author", "time", "text", "thread")


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line and exit 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message, self.prog, f"see `{self.prog} --help`")


def _warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


def _input_args(parser: argparse.ArgumentParser) -> None:
    """The options shared by every command that reads sources."""
    from commentscope.scraper.formats import FORMATS

    group = parser.add_argument_group("reading sources")
    group.add_argument("--format", choices=sorted(FORMATS), metavar="NAME",
                       help=f"skip detection and read every raw source as NAME ({', '.join(FORMATS)})")
    group.add_argument("--no-infer", dest="infer", action="store_false",
                       help="keep only the source's own threading; do not infer who answers whom")
    for field in _COLUMNS:
        group.add_argument(f"--{field}-col", metavar="COLUMN",
                           help=f"CSV/JSONL input: the column holding the comment's {field}")
    group.add_argument("--ignore-robots", action="store_true", help="fetch URLs even where robots.txt forbids it")
    group.add_argument("--offline", action="store_true", help="read URLs only from the fetch cache")
    group.add_argument("--cache-dir", metavar="DIR",
                       help="where fetched pages are kept (default: OUT.fetch-cache beside the output)")


def _read_options(args: argparse.Namespace, inputs: list[str], output: str | None) -> ReadOptions:
    from commentscope.scraper.formats import ParseOptions

    columns = ParseOptions(**{f"{f}_col": getattr(args, f"{f}_col") for f in _COLUMNS})
    fetch = None
    if any(is_url(spec) for spec in inputs):
        from commentscope.scraper.fetch.fetcher import FetchOptions

        default_cache = f"{output}.fetch-cache" if output and output != "-" else "commentscope.fetch-cache"
        fetch = FetchOptions(respect_robots=not args.ignore_robots, offline=args.offline,
                             cache_dir=Path(args.cache_dir or default_cache))
    return ReadOptions(format_name=args.format, columns=columns, fetch=fetch, infer=args.infer)


def _report(threads: list) -> None:
    """Every thread's warnings, and the per-cue reply-link counts of threads parsed in this run (threads
    read back from a records file carry no comments; their links were reported when they were scraped)."""
    for thread in threads:
        for warning in thread.warnings:
            _warn(warning)
        links = thread.reply_links
        if links is not None and thread.comments:
            summary = ", ".join(f"{cue} {count}" for cue, count in links.items() if count) or "none"
            print(f"{thread.thread_id}: {len(thread.comments)} comments; inferred reply links: {summary}",
                  file=sys.stderr)


def _load(args: argparse.Namespace, inputs: list[str], output: str | None):
    from commentscope.analysis.pipeline import load

    frame, threads = load(inputs, _read_options(args, inputs, output))
    _report(threads)
    if frame.height == 0:
        raise UsageError("the inputs hold no comments", ", ".join(inputs),
                         "check that the pages include their comment section")
    return frame, threads


def _analysed(args: argparse.Namespace, inputs: list[str], output: str | None):
    from commentscope.analysis.pipeline import analyze

    frame, threads = _load(args, inputs, output)
    return analyze(frame, threads, workers=getattr(args, "workers", None)), threads


def cmd_scrape(args: argparse.Namespace) -> int:
    """Parse comment pages into comment records (JSONL), one line per comment. Who answers whom is
    inferred for flat threads (see --no-infer). With -o, thread metadata goes to OUT.threads.json.

    Example: commentscope scrape scraper/data/seed.txt -o comments.jsonl
    """
    from commentscope.analysis.pipeline import read_threads
    from commentscope.scraper.store import write_threads

    threads = read_threads(args.sources, _read_options(args, args.sources, args.output))
    _report(threads)
    write_threads(threads, args.output)
    return 0


def cmd_analyze(args: argparse.Namespace) -> int:
    """Add sentiment, stance, agreement, depth and root to every comment. Writes JSONL, or Parquet when
    OUT ends in .parquet. --labels CSV (thread_id,id,stance) overrides the machine's stance and reports how
    well the machine agreed with it.

    Example: commentscope analyze comments.jsonl -o analysed.parquet
    """
    from commentscope.analysis.pipeline import analyze
    from commentscope.scraper.store import atomic_open

    if args.scheduler and args.engine != "dask":
        raise UsageError("--scheduler needs --engine dask", "analyze", "add --engine dask or drop --scheduler")
    if args.engine == "local" and not args.labels and not args.convokit:
        from commentscope.analysis.run.stream import analyze_files

        summary = analyze_files(args.inputs, args.output or "-", workers=args.workers,
                                progress=sys.stderr.isatty(),
                                read_options=_read_options(args, args.inputs, args.output))
        _report(summary["parsed"])
        return 0
    frame, threads = _load(args, args.inputs, args.output)
    labels = _read_labels(args.labels) if args.labels else None
    if args.engine == "dask":
        from commentscope.analysis.run.dask import analyze_on_dask

        analysed = analyze_on_dask(frame, threads, scheduler=args.scheduler, labels=labels)
    else:
        analysed = analyze(frame, threads, labels=labels, workers=args.workers)
    if labels is not None:
        from commentscope.analysis.stages.labels import score_labels

        machine = analyze(frame, threads, workers=args.workers)
        scores = score_labels(machine, labels)
        print(f"labels: n={scores['n']} accuracy={scores['accuracy']:.3f} macro-F1={scores['macro_f1']:.3f} "
              f"kappa={scores['kappa']:.3f}", file=sys.stderr)
    if args.convokit:
        from commentscope.analysis.report.convokit import write_corpus

        print(f"ConvoKit corpus: {write_corpus(analysed, threads, args.convokit)}", file=sys.stderr)
    if args.output is None or args.output == "-":
        sys.stdout.write(analysed.write_ndjson())
    else:
        with atomic_open(args.output, "wb") as handle:
            if args.output.lower().endswith(".parquet"):
                analysed.write_parquet(handle)
            else:
                analysed.write_ndjson(handle)
    return 0


def _read_labels(path: str):
    import polars as pl

    from commentscope.scraper.sources import read_source

    source = read_source(path)
    try:
        labels = pl.read_csv(source.data, schema_overrides={"thread_id": pl.String, "id": pl.String, "stance": pl.String})
    except pl.exceptions.PolarsError as error:
        raise UsageError(f"labels file is not a CSV ({str(error).splitlines()[0]})", path,
                         "give a CSV with the columns thread_id,id,stance") from None
    missing = {"thread_id", "id", "stance"} - set(labels.columns)
    if missing:
        raise UsageError(f"labels file lacks the column(s) {', '.join(sorted(missing))}", path,
                         "give a CSV with the columns thread_id,id,stance")
    bad = labels.filter(~pl.col("stance").is_in(["favor", "against", "none"]))
    if bad.height:
        raise UsageError(f"labels file has stance {bad.get_column('stance')[0]!r}", path,
                         "use favor, against or none")
    return labels.select("thread_id", "id", "stance")


def cmd_tally(args: argparse.Namespace) -> int:
    """Stance counts and shares (favor/against/none, total, mean sentiment) by thread, author, depth or
    day. CSV by default and for .csv, JSON for .json, Parquet for .parquet; stdout when no -o.

    Example: commentscope tally comments.jsonl --by author -o by-author.csv
    """
    from commentscope.analysis.report.tally import tally, write_table

    analysed, _ = _analysed(args, args.inputs, args.output)
    write_table(tally(analysed, args.by), args.output)
    return 0


def cmd_dashboard(args: argparse.Namespace) -> int:
    """Write one self-contained HTML dashboard per thread into DIR (default dashboards/) and print each
    path. With no input, the embedded seed thread. --png/--svg also write each chart as an image.

    Example: commentscope dashboard comments.jsonl -o dashboards/
    """
    from commentscope.analysis.views.dashboard import write_dashboards

    inputs = args.inputs or [str(SEED_PATH)]
    analysed, threads = _analysed(args, inputs, None)
    if not args.inputs:
        for thread in threads:
            thread.source = "the embedded seed thread (scraper/data/seed.txt)"
    out_dir = Path(args.output)
    out_dir.mkdir(parents=True, exist_ok=True)
    for path in write_dashboards(analysed, threads, out_dir, png=args.png, svg=args.svg):
        print(path)
        print(f"{path}: {path.stat().st_size / 1024:.0f} KiB", file=sys.stderr)
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    """One comparison page for two or more threads: metrics with confidence intervals, side-by-side
    views on shared scales and a test of whether their stance distributions differ.

    Example: commentscope compare comments.jsonl other-thread.json -o comparison.html
    """
    from commentscope.analysis.views.compare import write_comparison

    analysed, threads = _analysed(args, args.inputs, args.output)
    if len(threads) < 2:
        raise UsageError(f"compare needs two or more threads; the inputs hold {len(threads)}",
                         ", ".join(args.inputs), "give another thread")
    print(write_comparison(analysed, threads, Path(args.output)))
    return 0


def _command(commands, name: str, run, help_text: str) -> argparse.ArgumentParser:
    parser = commands.add_parser(name, help=help_text, description=run.__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.set_defaults(run=run)
    return parser


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="commentscope", description="Turn a comment section into evidence: who said what, to whom, "
                     "for or against the article, in what mood. Run `commentscope COMMAND --help` for each command.",
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    scrape = _command(commands, "scrape", cmd_scrape, "parse comment pages into comment records (JSONL)")
    scrape.add_argument("sources", nargs="+", metavar="SOURCE", help="a file, an http(s) URL, or - for stdin")
    scrape.add_argument("-o", "--output", metavar="OUT.jsonl",
                        help="write here (and thread metadata to OUT.threads.json); default stdout")
    _input_args(scrape)

    analyze = _command(commands, "analyze", cmd_analyze, "add sentiment, stance, agreement and chains")
    analyze.add_argument("inputs", nargs="+", metavar="IN", help="comment JSONL files or raw sources")
    analyze.add_argument("-o", "--output", metavar="OUT", help="OUT.jsonl or OUT.parquet; default JSONL on stdout")
    analyze.add_argument("--labels", metavar="CSV", help="hand labels (thread_id,id,stance) that override stance")
    analyze.add_argument("--convokit", metavar="DIR", help="also export the threads as a ConvoKit corpus in DIR")
    analyze.add_argument("--workers", type=int, metavar="N", help="sentiment worker processes (default: the cores)")
    analyze.add_argument("--engine", choices=("local", "dask"), default="local",
                         help="run the per-thread work here (default) or on a Dask cluster")
    analyze.add_argument("--scheduler", metavar="ADDRESS",
                         help="with --engine dask: the scheduler (tcp://host:8786); default a local cluster")
    _input_args(analyze)

    tally = _command(commands, "tally", cmd_tally, "stance tallies as CSV, JSON or Parquet")
    tally.add_argument("inputs", nargs="+", metavar="IN", help="comment JSONL files or raw sources")
    tally.add_argument("--by", choices=("thread", "author", "depth", "day"), default="thread",
                       help="one row per thread (default), author, depth or day")
    tally.add_argument("-o", "--output", metavar="OUT", help="OUT.csv, OUT.json or OUT.parquet; default CSV on stdout")
    _input_args(tally)

    dashboard = _command(commands, "dashboard", cmd_dashboard, "write an offline HTML dashboard per thread")
    dashboard.add_argument("inputs", nargs="*", metavar="IN", help="comment JSONL files or raw sources (default: the seed)")
    dashboard.add_argument("-o", "--output", metavar="DIR", default="dashboards", help="output folder (default dashboards/)")
    dashboard.add_argument("--png", action="store_true", help="also write each chart as PNG")
    dashboard.add_argument("--svg", action="store_true", help="also write each chart as SVG")
    _input_args(dashboard)

    compare = _command(commands, "compare", cmd_compare, "compare two or more threads on one page")
    compare.add_argument("inputs", nargs="+", metavar="IN", help="comment JSONL files or raw sources")
    compare.add_argument("-o", "--output", metavar="OUT.html", default="dashboards/comparison.html",
                         help="the page to write (default dashboards/comparison.html)")
    _input_args(compare)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        return args.run(args)
    except CommentscopeError as error:
        print(f"Error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Error: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as error:  # noqa: BLE001 - the last line of defence: no traceback for users
        print(f"Error: internal error ({type(error).__name__}: {error}); "
              "please report it with the input that caused it", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
