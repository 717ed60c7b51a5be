"""`fundament infra`: the datacenter as a Pulumi program — plan without an engine, preview/up with one."""

from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from fundament.cli.design import design_for
from fundament.cli.options import InventoryOption, JsonOption
from fundament.console import emit_json, out, progress
from fundament.errors import FundamentError
from fundament.exitcodes import ExitCode

if TYPE_CHECKING:
    from pathlib import Path

    from infra import engine
    from infra.plan import Plan
    from infra.sim import SimStatus
    from inventory import LoadedDesign

# Pulumi's SDK takes seconds to import: it loads inside the commands, so other commands stay quick.

app = typer.Typer(
    help="The relocated datacenter (vSphere) as a Pulumi program: plan without an engine; preview, up, "
    "refresh, destroy, outputs with one; sim for the lab's simulated vCenter.",
    no_args_is_help=True,
)

StackOption = Annotated[str, typer.Option("--stack", help="stack: infra/Pulumi.<stack>.yaml (prod, lab)")]
EngineStackOption = Annotated[
    str,
    typer.Option("--stack", help="infra/Pulumi.<stack>.yaml: prod or lab (required: it touches vCenter)"),
]
MOCK_LABEL = "mock runtime — no engine, no vCenter"


@app.command("plan")
def plan_command(
    stack: StackOption = "prod", inventory: InventoryOption = None, as_json: JsonOption = False
) -> None:
    """Run the program under Pulumi's mock runtime and show every declared resource and policy violation.

    Exit 0 when the datacenter passes the policies, 1 on an invalid design or a violation.
    """
    from infra.plan import plan
    from infra.program import verify

    loaded = design_for(inventory)
    # A design that disagrees with the network raises DesignError: the same report as `inventory check`.
    verify(loaded)
    with progress(f"declaring stack {stack} ({MOCK_LABEL})") as step:
        result = plan(loaded.design, stack)
        step.note(f"{len(result.resources)} resources")
    if as_json:
        emit_json(result.as_dict())
    else:
        _show_plan(result)
    if result.violations:
        raise typer.Exit(ExitCode.FAILURE)


def _show_plan(result: "Plan") -> None:
    table = Table(
        title=f"infra plan — stack {result.stack} — {MOCK_LABEL}", title_justify="left", show_lines=True
    )
    table.add_column("type", no_wrap=True)
    table.add_column("name", style="bold", no_wrap=True)
    table.add_column("key properties")
    for row in result.rows():
        shown = {key: value for key, value in row["properties"].items() if value not in ("", None)}
        kind = "Provider" if row["type"].startswith("pulumi:providers:") else row["type"].rsplit(":", 1)[-1]
        table.add_row(kind, row["name"], escape("\n".join(f"{key}: {value}" for key, value in shown.items())))
    out.print(table)
    out.print(
        f"{len(result.resources)} resources in {len(result.components)} components; "
        f"reads {len(result.lookups)} existing objects: "
        + ", ".join(lookup.name for lookup in result.lookups)
    )
    for violation in result.violations:
        out.print(f"[red]policy {violation.policy}[/red]: {violation.resource} {escape(violation.message)}")
    if not result.violations:
        out.print("[green]policies: no violations[/green]")


def _run(action: str, stack: str, as_json: bool, inventory: "Path | None" = None) -> None:
    """Every failure below is a FundamentError (engine, stack file, simulator, vCenter, design): the kit's
    one error handler reports it and exits 1."""
    from infra import engine
    from infra.program import verify

    loaded = design_for(inventory) if action in ("preview", "up") else None
    if loaded is not None:
        verify(loaded)
    with progress(f"infra {action} --stack {stack}") as bar:

        def on_step(step: "engine.Step") -> None:
            bar.advance(step.line())

        if action == "outputs":
            result = engine.outputs(stack)
        elif loaded is not None:
            result = getattr(engine, action)(stack, loaded.design, on_step)
        else:
            result = getattr(engine, action)(stack, on_step)
    network = _network_check(action, stack, loaded)
    if as_json:
        emit_json({**result.as_dict(), **({"network_check": network} if network else {})})
    else:
        for step in result.steps:
            out.print(escape(step.line()))
        changes = ", ".join(f"{op} {count}" for op, count in result.changes.items())
        if result.action != "outputs":
            out.print(f"{result.action} of stack {result.stack}: {changes or 'no changes'}")
        elif not result.outputs:
            out.print(f"stack {result.stack} has no outputs (not deployed yet)")
        for key, value in result.outputs.items():
            out.print(f"{key}: {escape(str(value))}")
        if network:
            out.print(f"[green]datacenter <-> network, read back from vCenter: {network}[/green]")
    if result.action == "preview" and result.pending:
        raise typer.Exit(ExitCode.CHANGES_PENDING)


@app.command("preview")
def preview_command(
    stack: EngineStackOption, inventory: InventoryOption = None, as_json: JsonOption = False
) -> None:
    """What `up` would change, per resource and property, after the policy gate.

    Exit 0 nothing to do, 2 changes pending, 1 failure (policy violation, engine error, simulator down).
    """
    _run("preview", stack, as_json, inventory)


@app.command("up")
def up_command(
    stack: EngineStackOption, inventory: InventoryOption = None, as_json: JsonOption = False
) -> None:
    """Create or update the stack's resources in vCenter (or the simulator), after the policy gate."""
    _run("up", stack, as_json, inventory)


@app.command("refresh")
def refresh_command(stack: EngineStackOption, as_json: JsonOption = False) -> None:
    """Read the stack's resources from vCenter into the state; lists what changed behind Pulumi's back."""
    _run("refresh", stack, as_json)


@app.command("destroy")
def destroy_command(stack: EngineStackOption, as_json: JsonOption = False) -> None:
    """Delete every resource of the stack (the objects the program only reads stay)."""
    _run("destroy", stack, as_json)


@app.command("outputs")
def outputs_command(stack: EngineStackOption, as_json: JsonOption = False) -> None:
    """The stack's outputs (port groups, workloads, folders) as the last update left them."""
    _run("outputs", stack, as_json)


def _network_check(action: str, stack: str, loaded: "LoadedDesign | None") -> str:
    """After `up` on the simulator: each port group's VLAN and each VM's port group, as vCenter has them."""
    from infra import engine

    if action != "up" or loaded is None or engine.stack_settings(stack).backend != "vcsim":
        return ""
    loaded.fail_on(engine.live_network_problems(loaded.design))
    dc = loaded.design.datacenter
    assert dc is not None
    return (
        f"{len(dc.port_groups)} port groups carry their segment's VLAN, "
        f"{len(dc.workloads)} VMs sit on their segment"
    )


sim_app = typer.Typer(
    help="The lab's vCenter: vcsim on 127.0.0.1, seeded with the datacenter, clusters, hosts and datastores "
    "the design says exist.",
    no_args_is_help=True,
)
app.add_typer(sim_app, name="sim")


@sim_app.command("up")
def sim_up_command(inventory: InventoryOption = None, as_json: JsonOption = False) -> None:
    """Start the simulator (unless it runs) and seed it from datacenter.yaml. Exit 0 ready, 1 failure."""
    from infra import sim
    from infra.vcenter import Session

    dc = design_for(inventory).design.datacenter
    if dc is None:
        raise FundamentError("the design has no datacenter section: there is nothing to simulate")
    steps = sim.seed_steps(dc)
    with progress("infra sim up", total=len(steps) + 1) as bar:
        status = sim.start()
        bar.advance(f"vcsim at {status.url}")
        session = Session(status.endpoint())
        try:
            sim.seed(session, dc, bar.advance)
        finally:
            session.close()
    _show_sim(sim.status(), as_json)


@sim_app.command("down")
def sim_down_command(as_json: JsonOption = False) -> None:
    """Stop the simulator and remove its state: nothing keeps running."""
    from infra import sim

    was_running = sim.stop()
    if as_json:
        emit_json({"stopped": was_running})
    else:
        out.print("simulator stopped" if was_running else "no simulator was running")


@sim_app.command("status")
def sim_status_command(as_json: JsonOption = False) -> None:
    """Whether the simulator runs, and where. Exit 0 running, 1 not running."""
    from infra import sim

    status = sim.status()
    _show_sim(status, as_json)
    if not status.running:
        raise typer.Exit(ExitCode.FAILURE)


def _show_sim(status: "SimStatus", as_json: bool) -> None:
    if as_json:
        emit_json(vars(status))
    elif status.running:
        out.print(f"simulator running at {status.url} (pid {status.pid}, state in {status.state_dir})")
    else:
        out.print(f"simulator not running (state in {status.state_dir})")
