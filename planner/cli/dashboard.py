"""``planner dashboard``: start the Streamlit dashboard of this checkout, warmed while the browser loads.

Streamlit runs a page's script only when a browser connects, so a first visit paid for importing the planning
stack, loading the price book and the first plan's derived tables (about a second and a half on two vCPUs) after
the browser had already spent a second on Streamlit's own scripts. Started from here, the server process does
that work in a background thread as it starts, and the first page finds it done.
"""

from __future__ import annotations

import os
import sys
import threading
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


def warm(app: Path) -> None:
    """Import what the pages import and plan the default workload once (price book, candidate tables, the
    figure code): the first visit's script run then only draws. Best effort: a failure here is the page's to
    report, with the page's message."""
    try:
        if str(app.parent) not in sys.path:
            sys.path.insert(0, str(app.parent))
        from pages._ui import DEFAULT  # the dashboard's shared plumbing: the planning stack, the forms

        from planner.plan.model import make_plan
        from planner.pricing import default_book
        from planner.report.figures import cost_breakdown_figure

        cost_breakdown_figure(make_plan(DEFAULT, default_book()))
    except Exception:  # noqa: BLE001 - the page reports it
        pass


def dashboard(
    port: int = typer.Option(8501, min=1, max=65535, help="Port to serve on."),
    address: str = typer.Option("localhost", help="Address to listen on."),
) -> int:
    """Open the dashboard (streamlit run app.py, warmed while the browser loads)."""
    app = find_app()
    from streamlit.web import cli as streamlit_cli

    os.chdir(app.parent)  # Streamlit reads the checkout's .streamlit/config.toml from the working folder
    threading.Thread(target=warm, args=(app,), name="planner-warm", daemon=True).start()
    sys.argv = ["streamlit", "run", str(app), "--server.port", str(port), "--server.address", address]
    try:
        streamlit_cli.main()  # serves until interrupted
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else 0
    return 0
