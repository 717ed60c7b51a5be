"""`fundament workplace`: build a PoC image of a profile, or verify an image or machine against it."""

import json
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from fundament.cli.design import design_for
from fundament.cli.errors import fail
from fundament.cli.options import InventoryOption, JsonOption
from fundament.console import emit_json, err, out, progress
from fundament.exitcodes import ExitCode
from fundament.paths import build_dir
from workplace.build import BuildError, build
from workplace.profile import ProfileError, playbook_vars, select_profile
from workplace.verify import VerifyError, VerifyReport, run_validation
from workplace.zones import zone_probes

app = typer.Typer(
    help="Workplace PoC images: built with Ansible, proven with testinfra, exported with a manifest.",
    no_args_is_help=True,
)

ProfileOption = Annotated[
    str | None, typer.Option("--profile", "-p", help="workplace profile [default: the design's default]")
]

_STATUS = {
    "pass": "[green]pass[/green]",
    "fail": "[red]FAIL[/red]",
    "exception": "[yellow]exception[/yellow]",
}


def _show_report(report: VerifyReport) -> None:
    table = Table(title=f"validation of {report.target}", title_justify="left")
    for column in ("result", "control", "reference", "tests", "notes"):
        table.add_column(column)
    for group in report.groups:
        table.add_row(
            _STATUS[group.status],
            f"{group.group}\n[dim]{group.title}[/dim]",
            group.reference,
            f"{group.passed}/{group.passed + group.failed}",
            escape("\n".join(group.notes)),
        )
    out.print(table)
    failed = report.failed_groups
    verdict = f"[red]failing: {', '.join(failed)}[/red]" if failed else "[green]all pass[/green]"
    out.print(f"{len(report.groups)} groups, {len(report.tests)} tests in {report.seconds} s: {verdict}")


@app.command("build")
def build_command(
    profile: ProfileOption = None,
    on: Annotated[
        str,
        typer.Option(
            "--on",
            help="container: converge a container of the base image (no services run there); machine: boot "
            "it under user-mode Linux (systemd, SSH) and provision it over SSH (its kernel cannot load the "
            "nftables baseline: see workplace/README.md)",
        ),
    ] = "container",
    inventory: InventoryOption = None,
    as_json: JsonOption = False,
) -> None:
    """Converge the base image, prove idempotence, validate, then export the image and the disk image
    (build/workplace/PROFILE/: tarball, disk images, manifest.json, ansible-runner artifacts). Exit 0 built,
    1 not."""
    design = design_for(inventory).design
    if on not in ("container", "machine"):
        fail(f"--on {on}: expected container or machine")
    try:
        outcome = build(design, profile, on="machine" if on == "machine" else "container")
    except (ProfileError, BuildError) as error:
        report = getattr(error, "report", None)
        if as_json:
            emit_json({"ok": False, "error": str(error), "problems": [], "validation": report})
        else:
            if report is not None:
                _show_report(report)
            err.print(f"[red]build failed[/red]: {escape(str(error))}")
        raise typer.Exit(ExitCode.FAILURE) from None
    manifest = outcome.manifest
    if as_json:
        emit_json({"built": True, "manifest": str(outcome.manifest_path), **manifest.model_dump(mode="json")})
        return
    _show_report(outcome.report)
    converge, second = manifest.converge, manifest.idempotence
    out.print(
        f"converge: ok={converge.ok} changed={converge.changed} ({converge.seconds} s); "
        f"idempotence: changed={second.changed} ({second.seconds} s)"
    )
    where = (
        f"on a booted machine (SSH after {manifest.boot_seconds} s)"
        if manifest.built_on == "machine"
        else "in a container (no services run there: the running-state audits were skipped)"
    )
    out.print(f"[green]built[/green] {manifest.image} ({len(manifest.packages)} packages) {where}")
    out.print(f"  image:    {outcome.tarball}")
    for file in manifest.disk.files:
        out.print(f"  disk:     {outcome.manifest_path.parent / file.file} ({file.format})")
    out.print(f"  manifest: {outcome.manifest_path}")


@app.command()
def verify(
    machine: Annotated[str, typer.Option("--machine", help="docker://CONTAINER or ssh://[user@]host")],
    profile: ProfileOption = None,
    sudo: Annotated[bool, typer.Option("--sudo", help="audit with sudo (SSH as a non-root user)")] = False,
    log_host: Annotated[
        str | None,
        typer.Option("--log-host", help="the central log host (docker:// or ssh://): prove that logs arrive"),
    ] = None,
    zones: Annotated[
        bool,
        typer.Option(
            "--zones",
            help="probe the zone policy from the machine (on its profile's segment): the services of other "
            "zones' hosts that security.allowed permits open, the rest not",
        ),
    ] = False,
    inventory: InventoryOption = None,
    as_json: JsonOption = False,
) -> None:
    """Audit an image or PoC machine against a profile: pass/fail per baseline control. Exit 0 pass, 1 not."""
    design = design_for(inventory).design
    try:
        chosen = select_profile(design, profile)
        workdir = build_dir() / "workplace" / "verify" / chosen.name
        variables = playbook_vars(design, chosen)
        if zones:
            variables["workplace_zone_probes"] = [
                probe.model_dump(mode="json") for probe in zone_probes(design, chosen)
            ]
        with progress(f"verify {machine}") as step:
            report = run_validation(
                machine,
                variables,
                workdir,
                sudo=sudo,
                log_host=log_host,
                on_result=lambda result: step.advance(f"{result.group} {result.outcome}"),
            )
    except (ProfileError, VerifyError) as error:
        fail(f"verify failed: {error}")
    if as_json:
        emit_json(report)
    else:
        _show_report(report)
    if not report.passed:
        raise typer.Exit(ExitCode.FAILURE)


@app.command()
def profiles(inventory: InventoryOption = None, as_json: JsonOption = False) -> None:
    """The design's workplace profiles and the variables each gives the playbook."""
    design = design_for(inventory).design
    if design.workplace is None:
        fail("the design has no workplace section")
    found = {profile.name: playbook_vars(design, profile) for profile in design.workplace.profiles}
    if as_json:
        emit_json(found)
        return
    for name, variables in found.items():
        default = " (default)" if name == design.workplace.default_profile else ""
        out.print(f"[bold]{name}[/bold]{default}")
        out.print(json.dumps(variables, indent=2), markup=False)
