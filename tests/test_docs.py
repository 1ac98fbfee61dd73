"""The README stays true to the code: every command and every format is documented, and the Quick
start holds exactly two commands."""

from __future__ import annotations

import re

from commentscope.scraper.formats import FORMATS
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_quick_start_has_exactly_two_commands():
    block = re.search(r"^## Quick start\n.*?```sh\n(.*?)```", README, re.S | re.M).group(1)
    commands = [line for line in block.splitlines() if line.strip() and not line.startswith("#")]
    assert len(commands) == 2
    assert "commentscope scrape scraper/data/seed.txt -o comments.jsonl" in commands[0]
    assert "commentscope dashboard" in commands[0]
    assert commands[1] == "./scripts/test.sh"


def test_every_command_is_documented():
    from commentscope.analysis.cli import build_parser

    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices  # argparse keeps them here
    for name in commands:
        assert f"`commentscope {name}" in README, name


def test_every_format_is_documented_with_an_existing_example():
    for name in FORMATS:
        row = re.search(rf"^\| `{name}` \|.*\| `([^`]+)` \|$", README, re.M)
        assert row, name
        assert (ROOT / row.group(1)).exists(), row.group(1)
