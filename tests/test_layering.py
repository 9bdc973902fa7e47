"""Nothing under planner/ imports streamlit: the library stays usable without the dashboard."""

from __future__ import annotations

import ast
from pathlib import Path

PLANNER = Path(__file__).resolve().parents[1] / "planner"


def test_library_never_imports_streamlit():
    offenders = []
    for path in PLANNER.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.relative_to(PLANNER)}: {n}" for n in names if n.split(".")[0] == "streamlit"]
    assert offenders == []
