"""The package's layers: nothing under planner/ imports streamlit (but the command that launches it) or the CLI,
no module imports itself back through others, and the import-linter contracts in pyproject.toml hold."""

from __future__ import annotations

import ast
from pathlib import Path

PLANNER = Path(__file__).resolve().parents[1] / "planner"


# the one interface that starts Streamlit: ``planner dashboard`` runs its server in-process (to warm the planning
# stack while the browser loads); no other module, and nothing of the library, imports it
LAUNCHER = PLANNER / "cli" / "dashboard.py"


def test_library_never_imports_streamlit():
    offenders = []
    for path in PLANNER.rglob("*.py"):
        if path == LAUNCHER:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.relative_to(PLANNER)}: {n}" for n in names if n.split(".")[0] == "streamlit"]
    assert offenders == []


def _runtime_imports() -> dict[str, set[str]]:
    """Each planner module's imports of other planner modules that run, function-level ones included (those under
    ``if TYPE_CHECKING:`` only name types for annotations and never execute): grimp's graph, as import-linter
    builds it."""
    import pytest

    grimp = pytest.importorskip("grimp", reason="grimp is not installed (pip install '.[test]': import-linter)")
    graph = grimp.build_graph("planner", exclude_type_checking_imports=True)
    return {m: set(graph.find_modules_directly_imported_by(m)) for m in graph.modules}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycles():
    # there were four: the price book, its cache and the overlay; the batch reader and the Parquet reader; the
    # plan and its JSON contract; the CLI's plan and diff commands sharing private helpers
    assert _cycles(_runtime_imports()) == []


def test_the_library_never_imports_its_interfaces():
    # the CLI and the dashboard call the library; nothing outside planner.cli (and ``python -m planner``) imports it
    graph = _runtime_imports()
    assert [(m, t) for m, targets in graph.items() for t in targets
            if t.startswith("planner.cli") and not m.startswith(("planner.cli", "planner.__main__"))] == []


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_import_contracts_hold():
    # import-linter's contracts in pyproject.toml (the layers from the interfaces down to the base; the library
    # never imports its interfaces; sizing reads prices through the book's queries); the check CI runs as
    # `lint-imports`
    import contextlib
    import io
    import os

    import pytest

    cli = pytest.importorskip("importlinter.cli", reason="import-linter is not installed (pip install '.[test]')")
    repo = PLANNER.parent
    before = os.getcwd()
    out = io.StringIO()
    try:
        os.chdir(repo)
        with contextlib.redirect_stdout(out):
            status = cli.lint_imports(config_filename=str(repo / "pyproject.toml"))
    finally:
        os.chdir(before)
    assert status == 0, out.getvalue()[-3000:]


def test_the_interface_contract_lists_every_library_module():
    import tomllib

    config = tomllib.loads((PLANNER.parent / "pyproject.toml").read_text())["tool"]["importlinter"]
    (contract,) = [c for c in config["contracts"] if c.get("forbidden_modules", [""])[0] == "planner.cli"]
    top_level = {f"planner.{p.stem if p.suffix == '.py' else p.name}" for p in PLANNER.iterdir()
                 if (p.suffix == ".py" or (p / "__init__.py").exists()) and p.stem not in ("__init__", "__main__")}
    assert set(contract["source_modules"]) == top_level - {"planner.cli"}


def test_every_module_lives_in_a_folder_that_says_what_it_holds():
    # the top level holds the package and its ``python -m`` entry only; each folder's docstring says what it holds
    # and what it may import (the layers contract in pyproject.toml checks the imports)
    loose = sorted(p.name for p in PLANNER.glob("*.py") if p.name not in ("__init__.py", "__main__.py"))
    assert loose == []
    for folder in (p for p in PLANNER.iterdir() if (p / "__init__.py").exists()):
        doc = ast.get_docstring(ast.parse((folder / "__init__.py").read_text())) or ""
        assert len(doc) > 80, f"planner/{folder.name}/__init__.py says nothing of what it holds"
    for layer in ("base", "workload", "engine", "plan", "running"):
        assert "May import" in ast.get_docstring(ast.parse((PLANNER / layer / "__init__.py").read_text()))


def test_the_public_names_still_resolve():
    # the public API of the flat layout: planner.plan.make_plan, planner.workload.Workload, planner.engine.run
    import planner.engine
    import planner.plan
    import planner.workload
    from planner.engine.chain import run
    from planner.plan.model import make_plan
    from planner.workload.model import Workload

    assert planner.plan.make_plan is make_plan and planner.workload.Workload is Workload and planner.engine.run is run
