"""The house plan holds: the package reads as the pipeline and stays small enough to follow.

The import graph is read from the source (every ``import`` and ``from ... import``, at module level or
inside functions), so a lazy import counts as much as one at the top.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
ROOTS = {"commentscope.analysis": REPO / "analysis", "commentscope.scraper": REPO / "scraper"}
MAX_LINES = 450
MAX_ANALYSIS_MODULES = 8


def _modules() -> dict[str, Path]:
    found = {}
    for package, root in ROOTS.items():
        for path in sorted(root.rglob("*.py")):
            parts = path.with_suffix("").relative_to(root).parts
            name = ".".join((package, *parts)).removesuffix(".__init__")
            found[name] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """The project modules ``name`` imports (a ``from package import module`` names the module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_package = path.name == "__init__.py"
    targets: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            targets.add(module)
            targets.update(f"{module}.{alias.name}" for alias in node.names)
    return {t for t in targets if t in MODULES and t != name}


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def test_the_import_graph_has_no_cycle():
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for target in sorted(GRAPH[node]):
            if state.get(target) == 1:
                cycles.append(trail[trail.index(target):] + [target] if target in trail else [node, target])
            elif target not in state:
                visit(target, trail + [target])
        state[node] = 2

    for start in sorted(GRAPH):
        if start not in state:
            visit(start, [start])
    assert cycles == []


def test_scraper_never_imports_analysis():
    """Reading comes before analysing: the readers know nothing of the analyses."""
    wrong = {name: sorted(t for t in targets if t.startswith("commentscope.analysis"))
             for name, targets in GRAPH.items() if name.startswith("commentscope.scraper")}
    assert {name: found for name, found in wrong.items() if found} == {}


def test_formats_import_shared_helpers_never_each_other():
    formats = {name for name in MODULES if name.startswith("commentscope.scraper.formats.")
               and ".shared" not in name}
    wrong = {name: sorted(GRAPH[name] & formats) for name in formats}
    assert {name: found for name, found in wrong.items() if found} == {}


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_is_over_the_line_limit(name):
    lines = MODULES[name].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{MODULES[name].relative_to(REPO)} has {lines} lines"


def test_analysis_keeps_its_rooms():
    direct = sorted(p.name for p in (REPO / "analysis").glob("*.py"))
    assert len(direct) <= MAX_ANALYSIS_MODULES, direct
    rooms = {p.name for p in (REPO / "analysis").iterdir() if (p / "__init__.py").exists()}
    assert {"replies", "stages", "text", "run", "views", "report"} <= rooms


def test_nothing_imports_the_bare_folder_names():
    """Installed, the folders are ``commentscope.analysis`` and ``commentscope.scraper``: a bare
    ``import analysis`` would work only from the repository root, and clash with other packages."""
    bare = []
    for path in [*MODULES.values(), *REPO.joinpath("tests").rglob("*.py"), *REPO.joinpath("benchmarks").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else [])
            bare += [f"{path.relative_to(REPO)}: {n}" for n in names if n.split(".")[0] in ("analysis", "scraper")]
    assert bare == []


def test_every_package_folder_is_installed():
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    packages = {name for name, path in MODULES.items() if path.name == "__init__.py"}
    assert packages == listed
