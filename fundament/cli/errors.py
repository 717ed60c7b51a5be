"""The one error handler: a `FundamentError` anywhere in a command ends it with one line (or, with `--json`,
the one JSON error shape) and exit 1. Anything else is a bug and keeps its traceback."""

from contextvars import ContextVar
from typing import Any, NoReturn

import typer
from rich.markup import escape
from typer.core import TyperGroup

from fundament.console import emit_json, err
from fundament.errors import FundamentError
from fundament.exitcodes import ExitCode

# Set by the --json option of the running command (see options.JsonOption).
JSON_WANTED: ContextVar[bool] = ContextVar("fundament_json_wanted", default=False)


def report(error: FundamentError) -> None:
    """Print `error` as the person running fundament should see it: JSON on stdout with --json, else one
    line on stderr (device text included, escaped so that rich shows "[sudo]" as it is)."""
    if JSON_WANTED.get():
        emit_json({"ok": False, "error": error.headline, "problems": error.problems_as_data()})
    else:
        err.print(f"[red]{escape(str(error))}[/red]", soft_wrap=True)


def fail(message: str) -> NoReturn:
    """End the command with `message` as its error (exit 1)."""
    raise FundamentError(message)


class FundamentGroup(TyperGroup):
    """The root command: turns a `FundamentError` raised by any sub-command into its report and exit 1."""

    def invoke(self, ctx: Any) -> Any:
        token = JSON_WANTED.set(False)
        try:
            return super().invoke(ctx)
        except FundamentError as error:
            report(error)
            raise typer.Exit(ExitCode.FAILURE) from None
        finally:
            JSON_WANTED.reset(token)
