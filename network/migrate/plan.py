"""What a migration run would do, touching nothing: per wave, the exact config diff of each device."""

import difflib
from collections.abc import Sequence

from pydantic import BaseModel

from fundament.errors import FundamentError
from network.lifecycle import stages
from network.lifecycle.outcome import Status
from network.migrate.engine import Migrator
from network.migrate.steps import State, Step
from network.render import fill_secrets
from network.targets import closing


class PlannedStep(BaseModel):
    step: str
    canary: bool
    pause: str | int
    diffs: dict[str, str]
    """Unified diff per device of the wave. The first wave that changes a device: the device's own diff
    (its running config against the step's config, as the driver compares them). A later one: from the
    config the earlier steps leave it with to the config after this step."""


class DeviceUnreadableError(FundamentError):
    """A device could not be compared with the step's config."""


def plan(migrator: Migrator, steps: Sequence[Step], state: State) -> list[PlannedStep]:
    """Each step's diffs, every step starting where the ones before it leave the devices."""
    afters: list[dict[str, tuple[str, ...]]] = []
    current = dict(state)
    first: dict[str, str] = {}
    for step in steps:
        after = step.after(current)
        for device in step.devices:
            first.setdefault(device, fill_secrets(migrator.intended(device, after[device])))
        afters.append(after)
        current.update(after)
    on_device = _device_diffs(migrator, first)
    planned: list[PlannedStep] = []
    current = dict(state)
    seen: set[str] = set()
    for step, after in zip(steps, afters, strict=True):
        diffs = {}
        for device in step.devices:
            if device not in seen:
                diffs[device] = on_device[device]
                seen.add(device)
                continue
            before_text = migrator.intended(device, current.get(device, ())).splitlines(keepends=True)
            after_text = migrator.intended(device, after[device]).splitlines(keepends=True)
            diffs[device] = "".join(
                difflib.unified_diff(before_text, after_text, f"{device} now", f"{device} after")
            )
        current.update(after)
        planned.append(PlannedStep(step=step.title, canary=step.canary, pause=step.wave.pause, diffs=diffs))
    return planned


def _device_diffs(migrator: Migrator, configs: dict[str, str]) -> dict[str, str]:
    """Per device, the driver's diff of its running config against `configs` (secrets hidden); the
    device is left untouched (load, compare, discard)."""
    if not configs:
        return {}
    with closing(migrator.nornir(sorted(configs))) as nr:
        outcomes = stages.plan(nr, configs)
    failed = [o for o in outcomes if o.status not in (Status.PENDING, Status.UNCHANGED)]
    if failed:
        raise DeviceUnreadableError(
            "cannot compare with the device: "
            + "; ".join(f"{o.device}: {migrator.hide(o.message)}" for o in failed)
        )
    return {o.device: migrator.hide(o.diff) for o in outcomes}
