"""`fundament net`: the network config lifecycle and verification. Commands live with the code they drive."""

import typer

from network.lifecycle import cli as lifecycle
from network.render_cli import render
from network.verify.cli import app as verify_app

app = typer.Typer(help="Network: render, plan, apply, verify, rollback, backup, drift.", no_args_is_help=True)
app.command()(render)
for command in (lifecycle.plan, lifecycle.apply, lifecycle.rollback, lifecycle.backup, lifecycle.drift):
    app.command()(command)
app.add_typer(verify_app, name="verify")
