"""The `fundament` command: one entry point, a sub-command per domain (the composition root).

Each domain owns its Typer app in its own package, built with the CLI kit (fundament.cli); this module only
mounts them and sets the global options.
"""

import logging
from pathlib import Path
from typing import Annotated

import typer

from fundament.cli.design import GLOBAL_OPTIONS, GlobalOptions
from fundament.cli.errors import FundamentGroup
from infra.cli import app as infra_app
from inventory.cli import app as inventory_app
from network.cli import app as net_app
from network.lab.cli import app as lab_app
from network.migrate.cli import app as migrate_app
from workplace.cli import app as workplace_app

app = typer.Typer(
    name="fundament",
    help="The province's digital foundation as code: network, datacenter and workplace from one design.",
    cls=FundamentGroup,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def _global_options(
    context: typer.Context,
    inventory: Annotated[
        Path | None,
        typer.Option(
            "--inventory",
            "-i",
            envvar="FUNDAMENT_INVENTORY",
            help="design folder for every command [default: the sample design]",
        ),
    ] = None,
    migrations: Annotated[
        Path | None,
        typer.Option(
            "--migrations",
            "-m",
            envvar="FUNDAMENT_MIGRATIONS",
            help="migration folder of the design [default: the design's migrations/ folder]",
        ),
    ] = None,
) -> None:
    """The province's digital foundation as code: network, datacenter and workplace from one design."""
    # Sub-commands read these through fundament.cli.design, where their own --inventory wins.
    token = GLOBAL_OPTIONS.set(GlobalOptions(inventory, migrations))
    context.call_on_close(lambda: GLOBAL_OPTIONS.reset(token))


app.add_typer(inventory_app, name="inventory")
app.add_typer(net_app, name="net")
app.add_typer(infra_app, name="infra")
app.add_typer(lab_app, name="lab")
app.add_typer(workplace_app, name="workplace")
app.add_typer(migrate_app, name="migrate")


def main() -> None:
    # Nornir reports skipped tasks as warnings on the root logger; fundament reports outcomes itself.
    logging.getLogger("nornir").setLevel(logging.ERROR)
    app()
