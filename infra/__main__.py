"""The Pulumi program (Pulumi.yaml `main`) when the engine runs it through the Python language host."""

from infra.program import main

main()
