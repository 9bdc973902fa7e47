"""The ``planner`` command line: parse, call ``planner``, render.

Errors a user can cause (bad arguments, unknown names, bad files) print one
line to stderr and exit with status 2; nothing prints a traceback.
"""

from __future__ import annotations

import sys

import typer
import typer.main

from planner import __version__
from planner.base.errors import PlannerError
from planner.cli.batch import batch
from planner.cli.dashboard import dashboard
from planner.cli.diff import diff
from planner.cli.fit import fit
from planner.cli.plan import example, plan
from planner.cli.prices import prices_app
from planner.cli.scenarios import scenarios_app
from planner.cli.sweep import sweep

EXIT_USAGE = 2

# Typer ships its own copy of click in newer releases; take the exception
# classes from wherever typer's own BadParameter lives.
_click_exceptions = sys.modules[typer.BadParameter.__module__]
UsageError = _click_exceptions.UsageError
NoArgsIsHelpError = getattr(_click_exceptions, "NoArgsIsHelpError", ())

app = typer.Typer(
    name="planner",
    help="Cost & capacity planning for backend systems on the cloud.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(prices_app, name="prices")
app.add_typer(scenarios_app, name="scenarios")
app.command("plan")(plan)
app.command("example")(example)
app.command("batch")(batch)
app.command("diff")(diff)
app.command("sweep")(sweep)
app.command("fit")(fit)
app.command("dashboard")(dashboard)


def _version(value: bool) -> None:
    if value:
        print(f"planner {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
    price_book: str | None = typer.Option(
        None, "--price-book", help="Which price book plans use: auto (your refreshed cache when there is a valid "
                                   "one, else the bundled book), bundled, cache, or a price-table folder. Default: "
                                   "$PLANNER_PRICE_BOOK, else auto."),
) -> None:
    """Cost & capacity planning for backend systems on the cloud."""
    if price_book is not None:
        import os

        from planner.pricing.user_cache import ENV_CHOICE

        os.environ[ENV_CHOICE] = price_book
        from planner.pricing.user_cache import choice

        choice()  # a bad value is one line and exit 2


def _fail(message: str) -> int:
    from planner.report.escaping import terminal_text

    # messages quote what the user gave (names, paths, URLs): shown, never obeyed by the terminal
    print(f"planner: error: {terminal_text(message, keep_newlines=True)}", file=sys.stderr)
    return EXIT_USAGE


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script; returns the exit status."""
    command = typer.main.get_command(app)
    try:
        result = command.main(args=argv, prog_name="planner", standalone_mode=False)
    except NoArgsIsHelpError:
        return 0  # typer has already printed the help
    except UsageError as exc:
        hint = f" (see: {exc.ctx.command_path} --help)" if exc.ctx else ""
        return _fail(exc.format_message() + hint)
    except (typer.Abort, KeyboardInterrupt):
        print("planner: interrupted", file=sys.stderr)
        return 130
    except PlannerError as exc:  # incl. price-table and workload errors, which list one problem per line
        return _fail(str(exc))
    except OSError as exc:
        return _fail(f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc))
    return result if isinstance(result, int) else 0


def run() -> None:
    sys.exit(main())
