"""`fundament migrate status | plan | up | down`: the design's migrations rolled out in waves with canaries.

Exit codes: status 0 (1 when a device cannot be read); plan 0 nothing to do, 2 steps pending, 1 error;
up and down 0 every step done, 1 a step halted or was blocked (see its message).
"""

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from fundament.cli.design import design_folder, design_for, migrations_for
from fundament.cli.errors import fail
from fundament.cli.options import InventoryOption, JsonOption, MigrationsOption
from fundament.console import emit_json, err, out
from fundament.exitcodes import ExitCode
from inventory.model import Design
from network.options import TargetOption
from network.targets import Target

if TYPE_CHECKING:
    from network.migrate.engine import Migrator, StepResult
    from network.migrate.steps import Step

app = typer.Typer(
    help="Migrations: ordered, reversible rollout steps in waves with canaries.", no_args_is_help=True
)

ToOption = Annotated[str | None, typer.Option("--to", help="migration number or id (0: before the first)")]


def _migrator(inventory: Path | None, folder: Path | None, target: Target) -> "Migrator":
    from network.migrate.engine import Migrator

    design: Design = design_for(inventory).design
    migrations = migrations_for(inventory, folder, design)
    return Migrator(design=design, migrations=migrations, target=target)


def _state(migrator: "Migrator", pending: list[str] | None = None) -> dict[str, tuple[str, ...]]:
    """The record per device. A device whose commit waits for confirmation has none settled: `status`
    passes `pending` to be told of it; every other command refuses to go on."""
    from network.lifecycle.outcome import Status

    state, unreadable = migrator.read_state([device.name for device in migrator.design.devices])
    if pending is not None:
        pending += [o.device for o in unreadable if o.status is Status.PENDING]
        unreadable = [o for o in unreadable if o.status is not Status.PENDING]
    if unreadable:
        fail(
            "cannot read the migration record of: "
            + "; ".join(f"{o.device}: {o.message}" for o in unreadable)
        )
    return state


def _steps(
    migrator: "Migrator", state: dict[str, tuple[str, ...]], to: str | None, down: bool
) -> list["Step"]:
    from network.migrate.steps import steps_down, steps_up

    return steps_down(migrator.migrations, state, to) if down else steps_up(migrator.migrations, state, to)


@app.command()
def status(
    migrations: MigrationsOption = None,
    target: TargetOption = Target.LAB,
    inventory: InventoryOption = None,
    as_json: JsonOption = False,
) -> None:
    """Which migrations are applied where, read from the record in each device's running config."""
    migrator = _migrator(inventory, migrations, target)
    pending: list[str] = []
    state = _state(migrator, pending)
    from network.migrate.status import status as migration_status

    rows = [migration_status(migration, state) for migration in migrator.migrations]
    if as_json:
        devices = {name: list(ids) for name, ids in state.items()}
        emit_json({"migrations": rows, "devices": devices, "pending_commit": sorted(pending)})
        return
    table = Table("migration", "ticket", "enables", "state", "waves (applied/devices)", title="Migrations")
    for row in rows:
        style = {"applied": "green", "partial": "yellow", "pending": "dim"}[row.state]
        waves = ", ".join(f"{w.name} {w.applied}/{w.devices}" for w in row.waves)
        table.add_row(row.id, row.ticket, row.enables, f"[{style}]{row.state}", waves)
    out.print(table)
    for name in sorted(pending):
        out.print(f"[yellow]{name}: a commit is waiting for confirmation; not counted as applied[/yellow]")


@app.command()
def plan(
    to: ToOption = None,
    down: Annotated[bool, typer.Option("--down", help="plan going back to --to instead of up")] = False,
    migrations: MigrationsOption = None,
    target: TargetOption = Target.LAB,
    inventory: InventoryOption = None,
    as_json: JsonOption = False,
) -> None:
    """Per wave, the exact config diff each device will get. Exit 0 nothing to do, 2 steps pending."""
    from network.migrate.plan import plan as plan_steps

    migrator = _migrator(inventory, migrations, target)
    state = _state(migrator)
    planned = plan_steps(migrator, _steps(migrator, state, to, down), state)
    if as_json:
        emit_json({"steps": planned})
    else:
        from rich.syntax import Syntax

        for entry in planned:
            out.rule(f"[bold]{entry.step}[/bold]" + (" (canary)" if entry.canary else ""))
            for device, diff in entry.diffs.items():
                out.print(f"[bold]{device}[/bold]")
                out.print(
                    Syntax(diff or "(no change)\n", "diff", theme="ansi_dark", background_color="default")
                )
        out.print(f"{len(planned)} wave(s) to run" if planned else "nothing to do")
    raise typer.Exit(ExitCode.CHANGES_PENDING if planned else ExitCode.OK)


def _go(
    to: str | None,
    down: bool,
    approve: bool,
    migrations: Path | None,
    target: Target,
    revert_in: int,
    check_wait: float,
    inventory: Path | None,
    as_json: bool,
) -> None:
    from dataclasses import replace

    from network.lifecycle.lock import apply_lock
    from network.migrate.engine import Approval, StepStatus, run

    if revert_in <= check_wait:
        fail(f"--revert-in ({revert_in} s) must exceed --check-wait ({check_wait:g} s)")
    migrator = replace(_migrator(inventory, migrations, target), revert_in=revert_in, check_wait=check_wait)
    interactive = sys.stdin.isatty() and os.environ.get("CI") != "true"

    def approval(step: "Step") -> Approval:
        if approve:
            return Approval.GO
        if interactive and typer.confirm(f"{step.title} is done. Go on with the next wave?"):
            return Approval.GO
        return Approval.STOP

    def report(result: "StepResult") -> None:
        if not as_json:
            style = {StepStatus.DONE: "green", StepStatus.HALTED: "red", StepStatus.BLOCKED: "yellow"}[
                result.status
            ]
            devices = ", ".join(f"{o.device} {o.status.value}" for o in result.devices)
            line = f"{result.step}: {devices} {result.message}".rstrip()
            err.print(f"[{style}]{result.status.value}[/{style}] {escape(line)}")

    with apply_lock(design_folder(inventory), target.value):
        state = _state(migrator)
        steps = _steps(migrator, state, to, down)
        results = run(migrator, steps, state, approval, report)
    if as_json:
        emit_json({"steps": [r.model_dump(mode="json") for r in results], "state": state})
    elif not steps:
        out.print("nothing to do: every device already has what --to asks for")
    finished = all(result.status is StepStatus.DONE for result in results)
    raise typer.Exit(ExitCode.OK if finished else ExitCode.FAILURE)


RevertOption = Annotated[int, typer.Option(help="seconds after which an unconfirmed wave reverts by itself")]
WaitOption = Annotated[float, typer.Option(help="seconds post-checks may wait for the network to converge")]
ApproveOption = Annotated[bool, typer.Option("--approve", help="approve every wave that pauses for approval")]


@app.command()
def up(
    to: ToOption = None,
    approve: ApproveOption = False,
    migrations: MigrationsOption = None,
    target: TargetOption = Target.LAB,
    revert_in: RevertOption = 300,
    check_wait: WaitOption = 90.0,
    inventory: InventoryOption = None,
    as_json: JsonOption = False,
) -> None:
    """Apply migrations in order, wave by wave; a failed canary is reverted and the run stops.

    Resumes where the devices' records say the last run stopped.
    """
    _go(to, False, approve, migrations, target, revert_in, check_wait, inventory, as_json)


@app.command()
def down(
    to: Annotated[
        str, typer.Option("--to", help="migration number or id to go back to (0: before the first)")
    ],
    approve: ApproveOption = False,
    migrations: MigrationsOption = None,
    target: TargetOption = Target.LAB,
    revert_in: RevertOption = 300,
    check_wait: WaitOption = 90.0,
    inventory: InventoryOption = None,
    as_json: JsonOption = False,
) -> None:
    """Reverse migrations newest first, last wave first, through the same checked apply."""
    _go(to, True, approve, migrations, target, revert_in, check_wait, inventory, as_json)
