"""`fundament lab`: the containerlab lab generated from the design."""

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from fundament.cli.design import design_for
from fundament.cli.options import InventoryOption, JsonOption
from fundament.console import emit_json, out
from fundament.exitcodes import ExitCode
from network.lab import control
from network.lab.fidelity import gaps
from network.lab.graph import render_graph
from network.lab.topology import lab_name

app = typer.Typer(
    help="The virtual lab: Linux + FRR switches and test hosts in containerlab, built from the design.",
    no_args_is_help=True,
)

OutputOption = Annotated[Path | None, typer.Option("--output", "-o", help="file to write")]


@app.command()
def topology(inventory: InventoryOption = None, output: OutputOption = None) -> None:
    """Write the containerlab topology file (default: <state dir>/lab/<lab name>.clab.yml)."""
    path = control.write_topology(design_for(inventory).design, output)
    out.print(f"wrote {path}")


@app.command()
def up(
    inventory: InventoryOption = None,
    timeout: Annotated[
        float | None,
        typer.Option(help="seconds to wait for every node [default: 180 as containers, 420 as machines]"),
    ] = None,
) -> None:
    """Bootstrap, build images if needed, deploy, wait until every node is ready. A no-op when it is up."""
    design = design_for(inventory).design
    result = control.up(design, timeout)
    verb = "deployed" if result.deployed else "already up"
    out.print(f"[green]lab {verb} and ready[/green]: {len(result.nodes)} nodes ({result.topology})")


@app.command()
def down(inventory: InventoryOption = None) -> None:
    """Destroy the lab, its management network and containerlab's lab directory."""
    control.down(design_for(inventory).design)
    out.print("lab destroyed")


@app.command()
def status(inventory: InventoryOption = None, as_json: JsonOption = False) -> None:
    """Every node with its container's state and management address. Exit 1 unless all run."""
    statuses = control.status(design_for(inventory).design)
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
            state = f"[{colours[entry.state.value]}]{escape(entry.detail or entry.state.value)}[/]"
            node = entry.node
            table.add_row(node.name, node.kind.value, node.role, node.site, str(node.mgmt_ipv4), state)
        out.print(table)
    if any(entry.state is not control.NodeState.RUNNING for entry in statuses):
        raise typer.Exit(ExitCode.FAILURE)


@app.command()
def graph(inventory: InventoryOption = None, output: OutputOption = None) -> None:
    """Draw the lab with Graphviz (SVG unless the file name says .png, .pdf or .dot)."""
    design = design_for(inventory).design
    path = output or control.lab_dir() / f"{lab_name(design)}.svg"
    render_graph(design, path)
    out.print(f"wrote {path}")


@app.command()
def fidelity(inventory: InventoryOption = None, as_json: JsonOption = False) -> None:
    """What of the production design the lab cannot model, and what stands in for it."""
    found = gaps(design_for(inventory).design)
    if as_json:
        emit_json(found)
        return
    table = Table("feature", "production", "in the lab", "affects", title="Lab fidelity", show_lines=True)
    for gap in found:
        table.add_row(f"[bold]{gap.feature}[/bold]", gap.production, gap.lab, "\n".join(gap.affects))
    out.print(table)
