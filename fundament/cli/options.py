"""The options commands share: one flag name, one short flag, one meaning, wherever it appears.

| flag | meaning |
| --- | --- |
| `--inventory` / `-i` | design folder |
| `--migrations` / `-m` | migration folder of the design |
| `--json` | machine-readable output on stdout (errors too: `{"ok": false, ...}`) |
| `--output` / `-o` | where to write (each command says what) |
| `--target` | which network: `lab` or `production` (network.options: a network concept) |
| `--device` / `-d`, `--role` / `-r`, `--site` / `-s` | which devices |
| `--workers` | devices handled in parallel |
"""

from pathlib import Path
from typing import Annotated

import typer

from fundament.cli.errors import JSON_WANTED
from inventory.model import Role


def _json_wanted(value: bool) -> bool:
    if value:
        JSON_WANTED.set(True)
    return value


InventoryOption = Annotated[
    Path | None,
    typer.Option(
        "--inventory", "-i", help="design folder [default: FUNDAMENT_INVENTORY or the sample design]"
    ),
]
MigrationsOption = Annotated[
    Path | None,
    typer.Option(
        "--migrations",
        "-m",
        help="migration folder [default: FUNDAMENT_MIGRATIONS, else the design's migrations/ folder]",
    ),
]
JsonOption = Annotated[
    bool, typer.Option("--json", help="machine-readable output on stdout", callback=_json_wanted)
]
WorkersOption = Annotated[int, typer.Option(help="devices handled in parallel")]
DeviceOption = Annotated[
    list[str] | None, typer.Option("--device", "-d", help="device name (repeat for several)")
]
RoleOption = Annotated[Role | None, typer.Option("--role", "-r", help="only devices of this role")]
SiteOption = Annotated[str | None, typer.Option("--site", "-s", help="only devices at this site")]
