"""What a migration run would do, touching nothing: per wave, the exact config diff of each device."""

import difflib
from collections.abc import Sequence

from pydantic import BaseModel

from network.migrate.engine import Migrator
from network.migrate.steps import State, Step


class PlannedStep(BaseModel):
    step: str
    canary: bool
    pause: str | int
    diffs: dict[str, str]
    """Unified diff per device of the wave, from its config before the step to its config after it."""


def plan(migrator: Migrator, steps: Sequence[Step], state: State) -> list[PlannedStep]:
    """Each step's diffs, every step starting where the ones before it leave the devices."""
    planned: list[PlannedStep] = []
    current = dict(state)
    for step in steps:
        after = step.after(current)
        diffs = {}
        for device in step.devices:
            before_text = migrator.intended(device, current.get(device, ())).splitlines(keepends=True)
            after_text = migrator.intended(device, after[device]).splitlines(keepends=True)
            diffs[device] = "".join(
                difflib.unified_diff(before_text, after_text, f"{device} now", f"{device} after")
            )
        current.update(after)
        planned.append(PlannedStep(step=step.title, canary=step.canary, pause=step.wave.pause, diffs=diffs))
    return planned
