"""`fundament lab`: the containerlab lab generated from the design."""

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from fundament.console import emit_json, err, out
from fundament.exitcodes import ExitCode
from inventory.cli import InventoryOption, JsonOption, load_or_exit
from network.lab import control
from network.lab.fidelity import gaps
from network.lab.graph import GraphError, render_graph
from network.lab.topology import lab_name

app = typer.Typer(
    help="The virtual lab: Linux + FRR switches and test hosts in containerlab, built from the design.",
    no_args_is_help=True,
)

OutputOption = Annotated[Path | None, typer.Option("--output", "-o", help="file to write")]


def _fail(error: Exception) -> typer.Exit:
    err.print(f"[red]{error}[/red]")
    return typer.Exit(ExitCode.FAILURE)


@app.command()
def topology(inventory: InventoryOption = None, output: OutputOption = None) -> None:
    """Write the containerlab topology file (default: <state dir>/lab/<lab name>.clab.yml)."""
    path = control.write_topology(load_or_exit(inventory).design, output)
    out.print(f"wrote {path}")


@app.command()
def up(
    inventory: InventoryOption = None,
    timeout: Annotated[float, typer.Option(help="seconds to wait for every node to be ready")] = 180.0,
) -> None:
    """Bootstrap, build images if needed, deploy, wait until every node is ready. A no-op when it is up."""
    design = load_or_exit(inventory).design
    try:
        result = control.up(design, timeout)
    except control.LabError as error:
        raise _fail(error) from None
    verb = "deployed" if result.deployed else "already up"
    out.print(f"[green]lab {verb} and ready[/green]: {len(result.nodes)} nodes ({result.topology})")


@app.command()
def down(inventory: InventoryOption = None) -> None:
    """Destroy the lab, its management network and containerlab's lab directory."""
    try:
        control.down(load_or_exit(inventory).design)
    except control.LabError as error:
        raise _fail(error) from None
    out.print("lab destroyed")


@app.command()
def status(inventory: InventoryOption = None, as_json: JsonOption = False) -> None:
    """Every node with its container's state and management address. Exit 1 unless all run."""
    try:
        statuses = control.status(load_or_exit(inventory, as_json).design)
    except control.LabError as error:
        raise _fail(error) from None
    if as_json:
        emit_json(
            [
                {
                    "name": entry.node.name,
                    "kind": entry.node.kind.value,
                    "role": entry.node.role,
                    "site": entry.node.site,
                    "mgmt_ipv4": str(entry.node.mgmt_ipv4),
                    "container": entry.node.container,
                    "state": entry.state.value,
                    "detail": entry.detail,
                }
                for entry in statuses
            ]
        )
    else:
        table = Table("node", "kind", "role", "site", "management", "state")
        colours = {"running": "green", "stopped": "red", "absent": "yellow"}
        for entry in statuses:
            state = f"[{colours[entry.state.value]}]{entry.detail or entry.state.value}[/]"
            node = entry.node
            table.add_row(node.name, node.kind.value, node.role, node.site, str(node.mgmt_ipv4), state)
        out.print(table)
    if any(entry.state is not control.NodeState.RUNNING for entry in statuses):
        raise typer.Exit(ExitCode.FAILURE)


@app.command()
def graph(inventory: InventoryOption = None, output: OutputOption = None) -> None:
    """Draw the lab with Graphviz (SVG unless the file name says .png, .pdf or .dot)."""
    design = load_or_exit(inventory).design
    path = output or control.lab_dir() / f"{lab_name(design)}.svg"
    try:
        render_graph(design, path)
    except GraphError as error:
        raise _fail(error) from None
    out.print(f"wrote {path}")


@app.command()
def fidelity(inventory: InventoryOption = None, as_json: JsonOption = False) -> None:
    """What of the production design the lab cannot model, and what stands in for it."""
    found = gaps(load_or_exit(inventory, as_json).design)
    if as_json:
        emit_json(found)
        return
    table = Table("feature", "production", "in the lab", "affects", title="Lab fidelity", show_lines=True)
    for gap in found:
        table.add_row(f"[bold]{gap.feature}[/bold]", gap.production, gap.lab, "\n".join(gap.affects))
    out.print(table)
