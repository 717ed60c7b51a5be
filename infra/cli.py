"""`fundament infra`: the datacenter as a Pulumi program — plan without an engine, preview/up with one."""

from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from fundament.cli.design import design_for
from fundament.cli.options import InventoryOption, JsonOption
from fundament.console import emit_json, err, out, progress
from fundament.exitcodes import ExitCode

if TYPE_CHECKING:
    from infra.plan import Plan

# Pulumi's SDK takes seconds to import: it loads inside the commands, so other commands stay quick.

app = typer.Typer(
    help="The relocated datacenter (vSphere) as a Pulumi program: plan, preview, up, refresh, outputs.",
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


def _run(action: str, stack: str, as_json: bool) -> None:
    from infra import engine

    result = engine.outputs(stack) if action == "outputs" else getattr(engine, action)(stack, _stream)
    if as_json:
        emit_json(vars(result))
    else:
        changes = ", ".join(f"{op} {count}" for op, count in result.changes.items())
        if result.action != "outputs":
            out.print(f"{result.action} of stack {result.stack}: {changes or 'no changes'}")
        elif not result.outputs:
            out.print(f"stack {result.stack} has no outputs (not deployed yet)")
        for key, value in result.outputs.items():
            out.print(f"{key}: {escape(str(value))}")
    if result.action == "preview" and result.pending:
        raise typer.Exit(ExitCode.CHANGES_PENDING)


def _stream(line: str) -> None:
    """The engine's own progress lines, on stderr so that --json output stays clean."""
    err.out(line.rstrip("\n"), highlight=False)


@app.command("preview")
def preview_command(stack: EngineStackOption, as_json: JsonOption = False) -> None:
    """What `up` would change, with the policy pack enforced. Exit 0 nothing to do, 2 changes pending."""
    _run("preview", stack, as_json)


@app.command("up")
def up_command(stack: EngineStackOption, as_json: JsonOption = False) -> None:
    """Create or update the stack's resources in vCenter, with the policy pack enforced."""
    _run("up", stack, as_json)


@app.command("refresh")
def refresh_command(stack: EngineStackOption, as_json: JsonOption = False) -> None:
    """Read the real state of the stack's resources from vCenter into the Pulumi state."""
    _run("refresh", stack, as_json)


@app.command("outputs")
def outputs_command(stack: EngineStackOption, as_json: JsonOption = False) -> None:
    """The stack's outputs (port groups, workloads, folders) as the last update left them."""
    _run("outputs", stack, as_json)
