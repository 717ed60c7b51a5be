"""The presentation layer: the only module that writes to the terminal.

Human output goes to stdout through rich; progress and diagnostics go to stderr so that `--json`
output on stdout stays machine-readable.
"""

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pydantic import BaseModel
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)


def emit_json(data: Any) -> None:
    """Write `data` (pydantic models included) as JSON on stdout, nothing else."""

    def default(value: Any) -> Any:
        if isinstance(value, BaseModel):
            return value.model_dump(mode="json")
        return str(value)

    print(json.dumps(data, indent=2, default=default, sort_keys=False))


@contextmanager
def progress(description: str, total: int | None = None) -> Iterator["Step"]:
    """A progress bar on stderr; in CI (no terminal) it prints one line per step instead."""
    quiet = not err.is_terminal or os.environ.get("CI") == "true"
    bar = Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[status]}"),
        console=err,
        disable=quiet,
        transient=False,
    )
    with bar:
        task_id = bar.add_task(description, total=total, status="")
        yield Step(bar, task_id, description, quiet)


class Step:
    """One running progress display; `advance` moves it, `note` tells what just finished."""

    def __init__(self, bar: Progress, task_id: Any, description: str, quiet: bool) -> None:
        self._bar = bar
        self._task_id = task_id
        self._description = description
        self._quiet = quiet

    def advance(self, status: str = "", amount: int = 1) -> None:
        self._bar.update(self._task_id, advance=amount, status=status)
        if self._quiet and status:
            err.print(f"{self._description}: {status}")

    def set_total(self, total: int) -> None:
        self._bar.update(self._task_id, total=total)

    def note(self, status: str) -> None:
        self._bar.update(self._task_id, status=status)
        if self._quiet:
            err.print(f"{self._description}: {status}")
