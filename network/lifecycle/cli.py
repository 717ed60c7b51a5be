"""`fundament net plan | apply | rollback | backup | drift`.

Exit codes: plan and drift 0 no difference, 2 differences, 1 error; apply, rollback and backup 0 done,
1 any device failed (reverted or unreachable).
"""

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.syntax import Syntax
from rich.table import Table

from fundament.cli.design import design_folder, design_for, migrations_for
from fundament.cli.errors import fail
from fundament.cli.options import (
    DeviceOption,
    InventoryOption,
    JsonOption,
    MigrationsOption,
    RoleOption,
    SiteOption,
    WorkersOption,
)
from fundament.console import emit_json, out
from fundament.exitcodes import ExitCode
from fundament.paths import build_dir
from inventory.model import Design, Role
from network.lifecycle.compliance import compliance
from network.lifecycle.lock import apply_lock
from network.lifecycle.outcome import CheckVerdict, DeviceOutcome, FailurePolicy, Status
from network.lifecycle.scrub import scrub
from network.lifecycle.secret_values import secret_values
from network.options import TargetOption
from network.selection import select_devices
from network.targets import Target, connected

# NAPALM, Nornir and the drivers take seconds to import: they load inside the commands that connect,
# so that `fundament --help` and `fundament inventory check` stay quick.

STATUS_STYLE = {
    Status.UNCHANGED: "green",
    Status.APPLIED: "green",
    Status.SAVED: "green",
    Status.ROLLED_BACK: "yellow",
    Status.PENDING: "yellow",
    Status.REVERTED: "red",
    Status.FAILED: "red",
}


def _selection(design: Design, device: list[str] | None, role: Role | None, site: str | None) -> list[str]:
    return select_devices(design, device or (), role, site)


def _push_configs(
    design: Design,
    target: Target,
    devices: list[str],
    inventory: Path | None,
    migrations: Path | None,
) -> dict[str, str]:
    """The configs to send (network.intended): each carries the record of the migrations that concern its
    device, so `migrate status` agrees with a network built by apply."""
    from network.intended import Intent, push_configs

    return push_configs(Intent(design, migrations_for(inventory, migrations, design)), target, devices)


def _report(outcomes: list[DeviceOutcome], design: Design, as_json: bool, show_diffs: bool = True) -> None:
    hidden = secret_values(design)
    cleaned = [
        outcome.model_copy(
            update={"diff": scrub(outcome.diff, hidden), "message": scrub(outcome.message, hidden)}
        )
        for outcome in outcomes
    ]
    if as_json:
        emit_json({"devices": [outcome.model_dump(mode="json") for outcome in cleaned]})
        return
    if show_diffs:
        for outcome in cleaned:
            if outcome.diff:
                out.rule(f"[bold]{outcome.device}")
                out.print(Syntax(outcome.diff, "diff", theme="ansi_dark", background_color="default"))
    table = Table("device", "status", "detail", title="Devices")
    for outcome in cleaned:
        style = STATUS_STYLE[outcome.status]
        detail = escape(outcome.message) or (
            f"{len(outcome.diff.splitlines())} diff lines" if outcome.diff else ""
        )
        table.add_row(outcome.device, f"[{style}]{outcome.status.value}[/{style}]", detail)
    out.print(table)


def _difference_exit(outcomes: list[DeviceOutcome]) -> ExitCode:
    if any(outcome.status is Status.FAILED for outcome in outcomes):
        return ExitCode.FAILURE
    if any(outcome.status is Status.PENDING for outcome in outcomes):
        return ExitCode.CHANGES_PENDING
    return ExitCode.OK


def _done_exit(outcomes: list[DeviceOutcome]) -> ExitCode:
    return ExitCode.FAILURE if any(outcome.failed for outcome in outcomes) else ExitCode.OK


def _compliance(outcomes: list[DeviceOutcome], design: Design, as_json: bool) -> None:
    """Drift as a compliance report: per device compliant or not, and how much differs."""
    rows = compliance(outcomes)
    compliant = sum(1 for row in rows if row.compliant)
    if as_json:
        emit_json({"compliant": compliant, "devices": len(rows), "report": rows})
        return
    table = Table("device", "compliant", "differing lines", title="Compliance: intended vs running")
    for row in rows:
        mark = "[green]yes[/green]" if row.compliant else f"[red]{escape(row.error) or 'no'}[/red]"
        table.add_row(row.device, mark, str(row.differences))
    out.print(table)
    out.print(f"{compliant} of {len(rows)} devices compliant; `fundament net plan` shows the differences")


def _compare(
    report: Callable[[list[DeviceOutcome], Design, bool], None],
    device: list[str] | None,
    role: Role | None,
    site: str | None,
    target: Target,
    workers: int,
    inventory: Path | None,
    migrations: Path | None,
    as_json: bool,
) -> None:
    from network.lifecycle import stages

    design = design_for(inventory).design
    names = _selection(design, device, role, site)
    configs = _push_configs(design, target, names, inventory, migrations)
    with connected(design, target, names, workers) as nr:
        outcomes = stages.plan(nr, configs)
    report(outcomes, design, as_json)
    raise typer.Exit(_difference_exit(outcomes))


def plan(
    device: DeviceOption = None,
    role: RoleOption = None,
    site: SiteOption = None,
    target: TargetOption = Target.LAB,
    workers: WorkersOption = 20,
    inventory: InventoryOption = None,
    migrations: MigrationsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show per device what apply would change, touching nothing. Exit 0 none, 2 changes pending, 1 error."""
    _compare(_report, device, role, site, target, workers, inventory, migrations, as_json)


def drift(
    device: DeviceOption = None,
    role: RoleOption = None,
    site: SiteOption = None,
    target: TargetOption = Target.LAB,
    workers: WorkersOption = 20,
    inventory: InventoryOption = None,
    migrations: MigrationsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Compliance: intended vs running per device. Exit 0 compliant, 2 drift found, 1 error."""
    _compare(_compliance, device, role, site, target, workers, inventory, migrations, as_json)


def apply(
    device: DeviceOption = None,
    role: RoleOption = None,
    site: SiteOption = None,
    target: TargetOption = Target.LAB,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="only show the plan (same as net plan)")] = False,
    revert_in: Annotated[
        int, typer.Option(help="seconds after which an unconfirmed commit reverts by itself on the device")
    ] = 300,
    check_wait: Annotated[
        float, typer.Option(help="seconds the post-checks may wait for the network to converge")
    ] = 90.0,
    on_failure: Annotated[
        FailurePolicy,
        typer.Option(help="continue: revert only failing devices; rollback-all: revert all"),
    ] = FailurePolicy.CONTINUE,
    workers: WorkersOption = 20,
    inventory: InventoryOption = None,
    migrations: MigrationsOption = None,
    catalog: Annotated[
        Path | None,
        typer.Option(
            help="post-checks from this catalog (`net verify catalog`) instead of those derived from the "
            "design applied: a change that contradicts a reviewed catalog (a zone leak) reverts"
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Replace-commit in parallel; each device confirms only when its post-checks pass, else it reverts.

    Exit 0 applied (or nothing to do), 1 any device failed or was reverted.
    """
    if dry_run:
        _compare(_report, device, role, site, target, workers, inventory, migrations, as_json)
    from network.lifecycle import stages
    from network.targets import reach_for

    if revert_in <= check_wait:
        fail(f"--revert-in ({revert_in} s) must exceed --check-wait ({check_wait:g} s)")
    design = design_for(inventory).design
    names = _selection(design, device, role, site)
    configs = _push_configs(design, target, names, inventory, migrations)

    from network.verify import catalog as catalogs
    from network.verify.generate import generate

    checks = generate(design, target) if catalog is None else catalogs.load(catalog)

    def post_checks(devices: list[str]) -> dict[str, CheckVerdict]:
        from network.verify.runner import post_checks as run_post_checks

        with reach_for(design, target) as reach:
            return run_post_checks(design, devices, reach, wait=check_wait, target=target, catalog=checks)

    with (
        apply_lock(design_folder(inventory), target.value),
        connected(design, target, names, workers) as nr,
    ):
        outcomes = stages.apply(nr, configs, post_checks, revert_in, on_failure, None, check_wait)
    _report(outcomes, design, as_json)
    raise typer.Exit(_done_exit(outcomes))


def rollback(
    device: DeviceOption = None,
    role: RoleOption = None,
    site: SiteOption = None,
    target: TargetOption = Target.LAB,
    workers: WorkersOption = 20,
    inventory: InventoryOption = None,
    as_json: JsonOption = False,
) -> None:
    """Return the selected devices to their previous committed config. Exit 0 done, 1 any failed."""
    from network.lifecycle import stages

    design = design_for(inventory).design
    names = _selection(design, device, role, site)
    with (
        apply_lock(design_folder(inventory), target.value),
        connected(design, target, names, workers) as nr,
    ):
        outcomes = stages.rollback(nr)
    _report(outcomes, design, as_json)
    raise typer.Exit(_done_exit(outcomes))


def backup(
    device: DeviceOption = None,
    role: RoleOption = None,
    site: SiteOption = None,
    target: TargetOption = Target.LAB,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="git-tracked folder [default: <build dir>/backups/<target>]"),
    ] = None,
    workers: WorkersOption = 20,
    inventory: InventoryOption = None,
    as_json: JsonOption = False,
) -> None:
    """Running configs, secrets scrubbed, committed into a git-tracked folder. Exit 0 done, 1 any failed."""
    from network.lifecycle import stages

    design = design_for(inventory).design
    names = _selection(design, device, role, site)
    folder = output or build_dir() / "backups" / target.value
    with connected(design, target, names, workers) as nr:
        outcomes = stages.backup(nr, folder, secret_values(design))
    _report(outcomes, design, as_json, show_diffs=False)
    raise typer.Exit(_done_exit(outcomes))
