"""The option every `fundament net` and `fundament migrate` command shares beyond the CLI kit's."""

from typing import Annotated

import typer

from network.targets import Target

TargetOption = Annotated[
    Target, typer.Option(help="lab: the containerlab lab, every device as frr; production: the real devices")
]
