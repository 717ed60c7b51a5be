"""`fundament inventory`: check, show, schema and generate designs."""

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from fundament.cli.design import design_for
from fundament.cli.errors import fail
from fundament.cli.options import InventoryOption, JsonOption
from fundament.console import emit_json, err, out
from fundament.exitcodes import ExitCode
from inventory import generate as generator
from inventory.schema import schema_text, schema_texts
from inventory.summary import summarize

app = typer.Typer(help="The source of truth: validate, summarise and generate designs.", no_args_is_help=True)


@app.command()
def check(inventory: InventoryOption = None, as_json: JsonOption = False) -> None:
    """Validate schema and cross-references: each problem with file, line, key path. Exit 0 valid, 1 not."""
    started = time.perf_counter()
    loaded = design_for(inventory)
    seconds = time.perf_counter() - started
    design = loaded.design
    if as_json:
        emit_json(
            {
                "valid": True,
                "design": design.design.name,
                "devices": len(design.devices),
                "seconds": seconds,
                "warnings": [warning.as_dict() for warning in loaded.unset_secrets()],
            }
        )
    else:
        out.print(
            f"[green]valid[/green]: {design.design.name} {design.design.version} — "
            f"{len(design.devices)} devices, {len(design.links)} links, {len(design.segments)} segments "
            f"({seconds:.2f} s)"
        )


@app.command()
def show(inventory: InventoryOption = None, as_json: JsonOption = False) -> None:
    """A readable summary: sites, devices per role, segments per zone."""
    summary = summarize(design_for(inventory).design)
    if as_json:
        emit_json(summary)
        return
    out.print(f"[bold]{summary.name}[/bold] {summary.version}")
    sites = Table("site", "kind", "location", "devices", title="Sites")
    for site in summary.sites:
        sites.add_row(
            site.name,
            site.kind,
            site.location,
            ", ".join(f"{n} {r}" for r, n in sorted(site.devices.items())),
        )
    out.print(sites)
    roles = Table("role", "devices", title="Devices per role")
    for role, count in sorted(summary.devices_per_role.items()):
        roles.add_row(role, str(count))
    out.print(roles)
    zones = Table("zone", "segment", "VLAN", "VNI", "subnet", "devices", title="Segments per zone")
    for zone, segments in summary.segments_per_zone.items():
        for number, segment in enumerate(segments):
            zones.add_row(
                zone if number == 0 else "",
                segment.name,
                str(segment.vlan),
                "-" if segment.vni is None else str(segment.vni),
                segment.subnet,
                str(segment.devices),
            )
    out.print(zones)
    links = ", ".join(f"{count} {kind}" for kind, count in sorted(summary.links.items()))
    out.print(f"Links: {links}")
    out.print(
        f"Lab test hosts: {summary.endpoints}; datacenter workloads: {summary.workloads}; "
        f"workplace profiles: {', '.join(summary.workplace_profiles) or 'none'}"
    )


@app.command()
def schema(
    write: Annotated[bool, typer.Option("--write", help="rewrite the committed schema files")] = False,
    check_only: Annotated[
        bool, typer.Option("--check", help="exit 1 if a committed schema is stale")
    ] = False,
) -> None:
    """The JSON Schemas of design and migration files, generated from the models (the YAML files name them).

    Without options: print the design file schema.
    """
    texts = schema_texts()
    if check_only:
        stale = [path for path, text in texts.items() if not path.exists() or path.read_text("utf-8") != text]
        for path in stale:
            err.print(f"[red]{path} is stale[/red]: run `fundament inventory schema --write`")
        if stale:
            raise typer.Exit(ExitCode.FAILURE)
        out.print("schema files are up to date")
    elif write:
        for path, text in texts.items():
            path.write_text(text, encoding="utf-8")
            err.print(f"wrote {path}")
    else:
        out.out(schema_text(), end="")


@app.command()
def generate(
    output: Annotated[Path, typer.Option("--output", "-o", help="folder to write the design files into")],
    sites: Annotated[int, typer.Option(help="regional sites (1..1900)")] = 10,
    leaves: Annotated[int, typer.Option(help="datacenter leaves")] = 4,
    access_per_site: Annotated[int, typer.Option(help="access switches per regional site")] = 2,
) -> None:
    """Write a valid synthetic design (10 to 10,000+ devices) for benchmarks and scale tests."""
    try:
        files = generator.generate(sites, leaves, access_per_site)
    except ValueError as error:
        fail(str(error))
    generator.write(files, output)
    count = generator.device_count(sites, leaves, access_per_site)
    out.print(f"wrote a design of {count} devices to {output}")
