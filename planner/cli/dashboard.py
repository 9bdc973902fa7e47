"""``planner dashboard``: start the Streamlit dashboard of this checkout."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import typer

from planner.base.errors import PlannerError


def find_app() -> Path:
    """``app.py`` in the current folder or beside the installed package (a checkout)."""
    for folder in (Path.cwd(), Path(__file__).resolve().parents[2]):
        if (folder / "app.py").is_file() and (folder / "pages").is_dir():
            return folder / "app.py"
    raise PlannerError("app.py not found: run `planner dashboard` from a clone of the planner repository "
                       "(the dashboard lives beside the package, in app.py and pages/)")


def dashboard(
    port: int = typer.Option(8501, min=1, max=65535, help="Port to serve on."),
    address: str = typer.Option("localhost", help="Address to listen on."),
) -> int:
    """Open the dashboard (streamlit run app.py)."""
    app = find_app()
    return subprocess.call([sys.executable, "-m", "streamlit", "run", str(app), "--server.port", str(port),
                            "--server.address", address], cwd=app.parent)
