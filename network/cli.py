"""`fundament net`: the network config lifecycle and verification. Commands live with the code they drive."""

import typer

from network.render_cli import render

app = typer.Typer(help="Network: render, plan, apply, verify, rollback, backup, drift.", no_args_is_help=True)
app.command()(render)
