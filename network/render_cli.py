"""`fundament net render`: intended configs of the selected devices into the build folder."""

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from fundament.cli.design import design_for, migrations_for
from fundament.cli.options import (
    DeviceOption,
    InventoryOption,
    JsonOption,
    MigrationsOption,
    RoleOption,
    SiteOption,
)
from fundament.console import emit_json, out, progress
from fundament.paths import build_dir
from inventory.model import Platform
from network.intended import Intent, write_configs
from network.selection import select_devices


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
    design = design_for(inventory).design
    intent = Intent(design, migrations_for(inventory, migrations, design))
    names = select_devices(design, device or (), role, site)
    directory = output or build_dir() / "configs"
    target = None if platform is RenderPlatform.DESIGN else Platform(platform.value)
    with progress("render", total=len(names)) as step:
        written = write_configs(intent, names, target, directory, done=step.advance)
    if as_json:
        emit_json({"configs": {name: str(path) for name, path in zip(names, written, strict=True)}})
    else:
        out.print(f"rendered {len(written)} config(s) into {directory}")
