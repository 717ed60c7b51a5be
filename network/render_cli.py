"""`fundament net render`: intended configs of the selected devices into the build folder."""

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from fundament.console import emit_json, err, out, progress
from fundament.exitcodes import ExitCode
from fundament.paths import build_dir
from inventory.cli import InventoryOption, JsonOption, MigrationsOption, load_or_exit, migrations_or_exit
from inventory.model import Platform
from network.intended import Intent, write_configs
from network.selection import DeviceOption, RoleOption, SelectionError, SiteOption, select_devices


class RenderPlatform(StrEnum):
    FRR = "frr"
    EOS = "eos"
    DESIGN = "design"


def render(
    device: DeviceOption = None,
    role: RoleOption = None,
    site: SiteOption = None,
    platform: Annotated[
        RenderPlatform,
        typer.Option(help="frr: the lab; eos: Arista EOS; design: each device's platform in the design"),
    ] = RenderPlatform.FRR,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="folder (default: <build dir>/configs)")
    ] = None,
    inventory: InventoryOption = None,
    migrations: MigrationsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Render intended configs to <output>/<platform>/<device>.cfg (secrets stay markers).

    Each is what `net apply` pushes: the whole design, opened by the record of the migrations concerning
    the device.
    """
    design = load_or_exit(inventory, as_json).design
    intent = Intent(design, migrations_or_exit(inventory, migrations, design, as_json))
    try:
        names = select_devices(design, device or (), role, site)
    except SelectionError as error:
        err.print(f"[red]{error}[/red]")
        raise typer.Exit(ExitCode.FAILURE) from None
    directory = output or build_dir() / "configs"
    target = None if platform is RenderPlatform.DESIGN else Platform(platform.value)
    with progress("render", total=len(names)) as step:
        written = write_configs(intent, names, target, directory, done=step.advance)
    if as_json:
        emit_json({"configs": {name: str(path) for name, path in zip(names, written, strict=True)}})
    else:
        out.print(f"rendered {len(written)} config(s) into {directory}")
