"""The ``commentscope`` command line: a thin layer over ``scraper`` and ``analysis``.

Exit status: 0 success; 2 bad usage or bad input (one ``Error: ...`` line on stderr); 1 an internal error.
Warnings go to stderr, data to stdout or the ``-o`` file (written atomically).
"""

from __future__ import annotations

import argparse
import sys

from scraper.errors import CommentscopeError, UsageError

from scraper import SEED_PATH


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line and exit 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message, self.prog, f"see `{self.prog} --help`")


def _warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


def _source_args(parser: argparse.ArgumentParser) -> None:
    from scraper.formats import FORMATS

    parser.add_argument("--format", choices=sorted(FORMATS), metavar="NAME",
                        help=f"skip detection and read every source as NAME ({', '.join(FORMATS)})")


def cmd_scrape(args: argparse.Namespace) -> int:
    """Parse comment pages into comment records (JSONL), one line per comment.

    Example: commentscope scrape scraper/data/seed.txt -o comments.jsonl
    """
    from scraper.writers import write_threads

    threads = _load_sources(args.sources, args.format)
    write_threads(threads, args.output)
    return 0


def _load_sources(specs: list[str], format_name: str | None) -> list:
    from scraper.formats import parse_source
    from scraper.sources import read_source

    threads = []
    for spec in specs:
        source = read_source(spec)
        for thread in parse_source(source, format_name):
            for warning in thread.warnings:
                _warn(warning)
            threads.append(thread)
    seen: set[str] = set()
    for thread in threads:
        if thread.thread_id in seen:
            raise UsageError(f"two sources hold the same thread {thread.thread_id!r}", thread.source,
                             "give each thread once")
        seen.add(thread.thread_id)
    return threads


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="commentscope", description=__doc__.splitlines()[0],
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    scrape = commands.add_parser("scrape", help="parse comment pages into comment records (JSONL)",
                                 description=cmd_scrape.__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    scrape.add_argument("sources", nargs="+", metavar="SOURCE", help="a file, an http(s) URL, or - for stdin")
    scrape.add_argument("-o", "--output", metavar="OUT.jsonl",
                        help="write here (and the thread metadata to OUT.threads.json); default stdout")
    _source_args(scrape)
    scrape.set_defaults(run=cmd_scrape)
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
