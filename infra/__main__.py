"""The Pulumi program (Pulumi.yaml `main`): run by the engine through `fundament infra preview|up`."""

import pulumi

from infra.program import run

for key, value in run().items():
    pulumi.export(key, value)
