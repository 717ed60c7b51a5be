"""`fundament net verify`: run the check catalog against the lab (or a recording) and report.

Exit codes: 0 every check passed, 1 any check failed or could not run, 3 warnings only.
"""

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from fundament.cli.design import design_for
from fundament.cli.errors import fail
from fundament.cli.options import (
    DeviceOption,
    InventoryOption,
    JsonOption,
    RoleOption,
    SiteOption,
)
from fundament.console import emit_json, err, out, progress
from fundament.errors import FundamentError
from inventory.model import Design
from network.options import TargetOption
from network.selection import select_devices
from network.targets import Target
from network.verify import catalog as catalogs
from network.verify import report
from network.verify.check import Check
from network.verify.generate import generate, header
from network.verify.observe import Observations
from network.verify.runner import run, select

if TYPE_CHECKING:
    from network.verify.reach import Reach

app = typer.Typer(
    help="Verify the network against the design: a check catalog derived from it, run in parallel.",
    invoke_without_command=True,
)


def _checks(design: Design, catalog: Path | None, target: Target) -> list[Check[Any]]:
    if catalog is None:
        return generate(design, target)
    return catalogs.load(catalog)


def _reach(design: Design, target: Target, replay: Path | None) -> "Reach":
    # NAPALM, Nornir and paramiko take seconds to import: only when verify really connects.
    from network.verify.reach import RecordedReach

    if replay is not None:
        try:
            return RecordedReach.from_file(replay.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            fail(f"cannot read the recording {replay}: {error}")
    from network.targets import reach_for

    try:
        return reach_for(design, target)
    except (FundamentError, OSError) as error:
        fail(f"cannot reach the {target.value} network: {error}")


@app.callback()
def verify(
    ctx: typer.Context,
    catalog: Annotated[
        Path | None, typer.Option("--catalog", "-c", help="catalog file [default: generated from the design]")
    ] = None,
    target: TargetOption = Target.LAB,
    device: DeviceOption = None,
    role: RoleOption = None,
    site: SiteOption = None,
    tag: Annotated[
        list[str] | None, typer.Option("--tag", "-t", help="only checks with this tag (repeat: any of them)")
    ] = None,
    check: Annotated[
        list[str] | None, typer.Option("--check-name", help="only checks of this name (repeat)")
    ] = None,
    wait: Annotated[
        float,
        typer.Option(help="retry failed checks for up to this many seconds while the network converges"),
    ] = 60.0,
    interval: Annotated[float, typer.Option(help="seconds between retries")] = 5.0,
    workers: Annotated[int, typer.Option(help="connections in parallel (sessions, probes, logins)")] = 64,
    junit_file: Annotated[Path | None, typer.Option("--junit", help="write JUnit XML here")] = None,
    markdown_file: Annotated[
        Path | None, typer.Option("--markdown", help="write a Markdown report here")
    ] = None,
    record: Annotated[
        Path | None, typer.Option(help="write every device answer as JSON (for --replay and test fixtures)")
    ] = None,
    replay: Annotated[
        Path | None, typer.Option(help="evaluate on a recording instead of the network (no connections)")
    ] = None,
    show_passed: Annotated[bool, typer.Option(help="list passed checks in the table too")] = False,
    inventory: InventoryOption = None,
    as_json: JsonOption = False,
) -> None:
    """Run the checks (filtered by device, role, site, tag, name); exit 0 all pass, 1 any fail, 3 warnings."""
    if ctx.invoked_subcommand is not None:
        return
    design = design_for(inventory).design
    devices = select_devices(design, device or (), role, site) if (device or role or site) else None
    chosen = select(_checks(design, catalog, target), tags=tag or (), devices=devices, names=check or ())
    if not chosen:
        fail("no check matches the filters")
    reach = _reach(design, target, replay)
    seen = Observations()
    with progress(f"verify {len(chosen)} checks", total=None) as step:
        finished = run(chosen, reach, wait=wait, interval=interval, workers=workers, step=step, seen=seen)
    if record is not None:
        record.write_text(json.dumps(seen.as_json(), indent=1, sort_keys=True) + "\n", encoding="utf-8")
    if junit_file is not None:
        junit_file.write_text(report.junit(finished), encoding="utf-8")
    if markdown_file is not None:
        markdown_file.write_text(report.markdown(finished), encoding="utf-8")
    if as_json:
        emit_json(report.as_json(finished))
    else:
        shown = report.table(finished, all_results=show_passed)
        if shown.row_count:
            out.print(shown)
        out.print(report.summary(finished))
    raise typer.Exit(finished.exit_code)


@app.command("catalog")
def write_catalog(
    output: Annotated[Path | None, typer.Option("--output", "-o", help="file [default: stdout]")] = None,
    target: TargetOption = Target.LAB,
    inventory: InventoryOption = None,
) -> None:
    """Write the check catalog generated from the design as YAML, to edit, extend and run with --catalog."""
    design = design_for(inventory).design
    text = catalogs.dump(generate(design, target), header(design, target))
    if output is None:
        out.print(text, end="", markup=False, highlight=False, soft_wrap=True)
    else:
        output.write_text(text, encoding="utf-8")
        err.print(f"wrote {text.count('- check:')} checks to {output}")


@app.command("checks")
def list_checks(as_json: JsonOption = False) -> None:
    """Every check a catalog may name: what it checks, its tags and what it asks the network (--json: with
    the JSON schema of its inputs)."""
    checks = catalogs.reference()
    if as_json:
        emit_json(checks)
        return
    table = Table("check", "tags", "asks", "checks that", box=None)
    for check in checks:
        table.add_row(
            check["check"], ", ".join(check["tags"]), ", ".join(check["needs"]), check["description"]
        )
    out.print(table)
