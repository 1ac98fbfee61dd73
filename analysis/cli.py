"""The ``commentscope`` command line: a thin layer over ``commentscope.scraper`` and ``commentscope.analysis``.

Exit status: 0 success; 2 bad usage or bad input (one ``Error: ...`` line on stderr); 1 an internal error.
Data goes to stdout or the ``-o`` file (written atomically, its format chosen by its extension); what was
written where, warnings and progress go to stderr (``-q`` keeps only errors, ``-v`` adds timings).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from commentscope.scraper import SEED_PATH
from commentscope.scraper.errors import CommentscopeError, UsageError
from commentscope.scraper.read import ReadOptions, is_url

_COLUMNS = ("id", "parent", "author", "time", "text", "thread")
_VERBOSITY = {"level": 1}  # 0 quiet, 1 normal, 2 verbose; set once per run by ``main``


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line and exit 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message, self.prog, f"see `{self.prog} --help`")


def _say(message: str, level: int = 1) -> None:
    """A line on stderr, shown from verbosity ``level`` on (1: what was written, warnings; 2: detail)."""
    if _VERBOSITY["level"] >= level:
        print(message, file=sys.stderr)


def _warn(message: str) -> None:
    _say(f"warning: {message}")


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def _input_args(parser: argparse.ArgumentParser, reanalyze: bool = True) -> None:
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
    if reanalyze:
        group.add_argument("--reanalyze", action="store_true",
                           help="classify again what analysed records already hold (stances people gave are kept)")


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
    """Every thread's warnings, and the reply links of threads parsed in this run (threads read back from
    a records file carry no comments; their links were reported when they were scraped)."""
    for thread in threads:
        for warning in thread.warnings:
            _warn(warning)
        links = thread.reply_links
        if links is not None and thread.comments:
            found = ", ".join(f"{cue} {count}" for cue, count in links.items() if count and cue != "markup")
            parts = [f"{thread.thread_id}: {_plural(len(thread.comments), 'comment')}"]
            if links.get("markup"):
                parts.append(f"{_plural(links['markup'], 'reply link')} from the source's threading")
            parts.append(f"inferred reply links: {found or 'none'}")
            _say("; ".join(parts))


def _wrote(paths: list[Path], what: str) -> None:
    if paths:
        extra = f" (thread metadata: {paths[1]})" if len(paths) > 1 else ""
        _say(f"wrote {what} to {paths[0]}{extra}")


def _no_metadata_on_stdout(output: str | None) -> None:
    if output is None or output == "-":
        _warn("records on stdout carry no thread metadata (title, article text); "
              "use -o FILE.jsonl or FILE.parquet to keep it with them")


def _load(args: argparse.Namespace, inputs: list[str], output: str | None):
    from commentscope.analysis.pipeline import load

    frame, threads = load(inputs, _read_options(args, inputs, output))
    _report(threads)
    if frame.height == 0:
        raise UsageError("the inputs hold no comments", ", ".join(inputs),
                         "check that the pages include their comment section")
    return frame, threads


def _analysed(args: argparse.Namespace, inputs: list[str], output: str | None, labels=None):
    from commentscope.analysis.pipeline import analyze

    frame, threads = _load(args, inputs, output)
    started = time.perf_counter()
    analysed = analyze(frame, threads, labels=labels, workers=getattr(args, "workers", None),
                       reanalyze=args.reanalyze)
    _say(f"analysed {_plural(analysed.height, 'comment')} in {time.perf_counter() - started:.1f} s", 2)
    return analysed, threads


def cmd_scrape(args: argparse.Namespace) -> int:
    """Parse comment pages into comment records, one per comment: JSONL (OUT.jsonl, with the thread
    metadata in OUT.threads.json beside it) or Parquet (OUT.parquet, metadata inside), or JSONL on
    stdout without -o. Who answers whom is inferred for flat threads (see --no-infer).

    Example: commentscope scrape scraper/data/seed.txt -o comments.jsonl
    """
    from commentscope.analysis.pipeline import read_threads
    from commentscope.scraper.store import record_format, write_threads

    if args.output not in (None, "-"):
        record_format(args.output)
    threads = read_threads(args.sources, _read_options(args, args.sources, args.output))
    _report(threads)
    written = write_threads(threads, args.output)
    comments = sum(len(t.comments) for t in threads)
    _wrote(written, f"{_plural(comments, 'comment')} in {_plural(len(threads), 'thread')}")
    _no_metadata_on_stdout(args.output)
    return 0


def cmd_analyze(args: argparse.Namespace) -> int:
    """Add sentiment, stance, agreement, depth and root to every comment: JSONL or Parquet by the
    extension of OUT (with the thread metadata), JSONL on stdout without -o (unless --convokit is the
    only output asked for). Records already analysed keep their labels (see --reanalyze). --labels CSV
    (thread_id,id,stance) sets those stances by hand and reports how well the machine agreed.

    Example: commentscope analyze comments.jsonl -o analysed.parquet
    """
    from commentscope.scraper.store import record_format, write_frame

    if args.scheduler and args.engine != "dask":
        raise UsageError("--scheduler needs --engine dask", "analyze", "add --engine dask or drop --scheduler")
    output = args.output if args.output is not None or not args.convokit else None
    to_stdout = args.output in (None, "-") and not args.convokit
    if output not in (None, "-"):
        record_format(output)
    if args.engine == "local" and not args.labels and not args.convokit:
        from commentscope.analysis.run.stream import analyze_files

        summary = analyze_files(args.inputs, output or "-", workers=args.workers, progress=sys.stderr.isatty(),
                                read_options=_read_options(args, args.inputs, output), reanalyze=args.reanalyze)
        _report(summary["threads_metadata"])
        _wrote(summary["written"], _plural(summary["comments"], "analysed comment"))
        _no_metadata_on_stdout(output)
        return 0
    from commentscope.analysis.pipeline import adapt_to_labels
    from commentscope.analysis.stages.labels import read_labels, score_labels

    labels = read_labels(args.labels) if args.labels else None
    if args.engine == "dask":
        from commentscope.analysis.run.dask import analyze_on_dask

        frame, threads = _load(args, args.inputs, output)
        analysed = analyze_on_dask(frame, threads, scheduler=args.scheduler, reanalyze=args.reanalyze)
    else:
        analysed, threads = _analysed(args, args.inputs, output)
    if labels is not None:
        kappa = score_labels(analysed, labels)["kappa"]
        analysed, adaptation = adapt_to_labels(analysed, threads, labels)
        _say(f"{adaptation.summary()}; Cohen's kappa of the model against you {kappa:.3f}")
    if args.convokit:
        from commentscope.analysis.report.convokit import write_corpus

        _say(f"wrote a ConvoKit corpus to {write_corpus(analysed, threads, args.convokit)}")
    if to_stdout or output not in (None, "-"):
        _wrote(write_frame(analysed, threads, output), _plural(analysed.height, "analysed comment"))
        _no_metadata_on_stdout(output)
    return 0


def cmd_tally(args: argparse.Namespace) -> int:
    """Stance counts and shares (favor/against/none, total, mean sentiment) by thread, author, depth or
    day; with several threads, rows by author, depth or day are per thread. CSV by default and for .csv,
    JSON for .json, Parquet for .parquet; stdout when no -o.

    Example: commentscope tally comments.jsonl --by author -o by-author.csv
    """
    from commentscope.analysis.report.tally import table_format, tally, write_table

    table_format(args.output)
    analysed, _ = _analysed(args, args.inputs, args.output)
    table = tally(analysed, args.by)
    if write_table(table, args.output):
        _say(f"wrote {_plural(table.height, 'row')} to {args.output}")
    return 0


def cmd_dashboard(args: argparse.Namespace) -> int:
    """Write one self-contained HTML dashboard per thread into DIR (default dashboards/) and print each
    path. With no input, the embedded seed thread. --png/--svg also write each chart as an image. Given
    two or more threads, also write comparison.html (when two have comments) and index.html, which
    links every page with one line of figures per thread.

    Example: commentscope dashboard comments.jsonl other.jsonl -o dashboards/
    """
    from commentscope.analysis.views.collection import write_collection
    from commentscope.analysis.views.dashboard import checked_threads, write_dashboards

    inputs = args.inputs or [str(SEED_PATH)]
    analysed, threads = _analysed(args, inputs, None)
    if not args.inputs:
        for thread in threads:
            thread.source = "the embedded seed thread (scraper/data/seed.txt)"
    out_dir = Path(args.output)
    out_dir.mkdir(parents=True, exist_ok=True)
    threads = checked_threads(threads, analysed.get_column("thread_id").unique(maintain_order=True))
    several = len(threads) >= 2
    pages = write_dashboards(analysed, threads, out_dir, png=args.png, svg=args.svg, collection=several)
    written = [*pages, *(write_collection(analysed, threads, pages, out_dir) if several else [])]
    for path in written:
        print(path)
        _say(f"wrote {path} ({path.stat().st_size / 1024:.0f} KiB)")
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    """One comparison page for two or more threads: metrics with confidence intervals, side-by-side
    views on shared scales and a test of whether their stance distributions differ.

    Example: commentscope compare comments.jsonl other-thread.json -o comparison.html
    """
    from commentscope.analysis.views.compare import write_comparison

    if Path(args.output).suffix.lower() not in (".html", ".htm"):
        raise UsageError("the comparison page must be an .html file", args.output, "name the output FILE.html")
    analysed, threads = _analysed(args, args.inputs, args.output)
    if len(threads) < 2:
        raise UsageError(f"compare needs two or more threads; the inputs hold {len(threads)}",
                         ", ".join(args.inputs), "give another thread")
    print(write_comparison(analysed, threads, Path(args.output)))
    return 0


def _command(commands, name: str, run, help_text: str, common: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser = commands.add_parser(name, help=help_text, description=run.__doc__, parents=[common],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.set_defaults(run=run)
    return parser


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("commentscope")
    except PackageNotFoundError:
        return "unknown (not installed)"


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    talk = common.add_mutually_exclusive_group()
    talk.add_argument("-q", "--quiet", action="store_const", const=0, dest="verbosity",
                      help="say nothing on stderr but errors")
    talk.add_argument("-v", "--verbose", action="store_const", const=2, dest="verbosity",
                      help="also say how long each step took")
    parser = _Parser(prog="commentscope", description="Turn a comment section into evidence: who said what, to whom, "
                     "for or against the article, in what mood. Run `commentscope COMMAND --help` for each command.",
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"commentscope {_version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    scrape = _command(commands, "scrape", cmd_scrape, "parse comment pages into comment records", common)
    scrape.add_argument("sources", nargs="+", metavar="SOURCE", help="a file, an http(s) URL, or - for stdin")
    scrape.add_argument("-o", "--output", metavar="OUT",
                        help="OUT.jsonl (metadata in OUT.threads.json) or OUT.parquet; default JSONL on stdout")
    _input_args(scrape, reanalyze=False)

    analyze = _command(commands, "analyze", cmd_analyze, "add sentiment, stance, agreement and chains", common)
    analyze.add_argument("inputs", nargs="+", metavar="IN", help="comment records (.jsonl, .parquet) or raw sources")
    analyze.add_argument("-o", "--output", metavar="OUT", help="OUT.jsonl or OUT.parquet; default JSONL on stdout")
    analyze.add_argument("--labels", metavar="CSV", help="hand labels (thread_id,id,stance) that set stance")
    analyze.add_argument("--convokit", metavar="DIR", help="export the threads as a ConvoKit corpus in DIR")
    analyze.add_argument("--workers", type=int, metavar="N", help="worker processes (default: the cores, for big inputs)")
    analyze.add_argument("--engine", choices=("local", "dask"), default="local",
                         help="run the per-thread work here (default) or on a Dask cluster")
    analyze.add_argument("--scheduler", metavar="ADDRESS",
                         help="with --engine dask: the scheduler (tcp://host:8786); default a local cluster")
    _input_args(analyze)

    tally = _command(commands, "tally", cmd_tally, "stance tallies as CSV, JSON or Parquet", common)
    tally.add_argument("inputs", nargs="+", metavar="IN", help="comment records (.jsonl, .parquet) or raw sources")
    tally.add_argument("--by", choices=("thread", "author", "depth", "day"), default="thread",
                       help="one row per thread (default), author, depth or day")
    tally.add_argument("-o", "--output", metavar="OUT", help="OUT.csv, OUT.json or OUT.parquet; default CSV on stdout")
    _input_args(tally)

    dashboard = _command(commands, "dashboard", cmd_dashboard, "write an offline HTML dashboard per thread", common)
    dashboard.add_argument("inputs", nargs="*", metavar="IN", help="comment records or raw sources (default: the seed)")
    dashboard.add_argument("-o", "--output", metavar="DIR", default="dashboards", help="output folder (default dashboards/)")
    dashboard.add_argument("--png", action="store_true", help="also write each chart as PNG")
    dashboard.add_argument("--svg", action="store_true", help="also write each chart as SVG")
    _input_args(dashboard)

    compare = _command(commands, "compare", cmd_compare, "compare two or more threads on one page", common)
    compare.add_argument("inputs", nargs="+", metavar="IN", help="comment records or raw sources")
    compare.add_argument("-o", "--output", metavar="OUT.html", default="dashboards/comparison.html",
                         help="the page to write (default dashboards/comparison.html)")
    _input_args(compare)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        _VERBOSITY["level"] = 1 if args.verbosity is None else args.verbosity
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
    finally:
        _VERBOSITY["level"] = 1


if __name__ == "__main__":
    sys.exit(main())
