"""Carry migration steps out through the config lifecycle: each wave is one commit-confirm apply whose
post-checks are the verification catalog's checks for the state the wave leads to."""

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from nornir.core import Nornir
from pydantic import BaseModel

from inventory.migrations import MigrationFile
from inventory.model import Design
from network.intended import Intent
from network.lifecycle import stages, tasks
from network.lifecycle.interrupt import Interrupt, Interrupted, interruptible
from network.lifecycle.outcome import CheckVerdict, DeviceOutcome, FailurePolicy, Status
from network.lifecycle.scrub import Hide
from network.lifecycle.secret_values import hider
from network.migrate.state import features, read_record
from network.migrate.steps import State, Step
from network.render import fill_secrets
from network.targets import Target, closing, nornir_for, platform_for, reach_for
from network.verify.check import Check
from network.verify.generate import generate
from network.verify.runner import post_checks, select


@dataclass(frozen=True)
class Migrator:
    """Everything a migration run needs; one per command."""

    design: Design
    migrations: Sequence[MigrationFile]
    target: Target = Target.LAB
    workers: int = 20
    revert_in: int = 300
    check_wait: float = 90.0
    intent: Intent = field(init=False)
    hide: Hide = field(init=False)
    """Every diff and message of a run goes through it: the design's secrets never reach an output."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "intent", Intent(self.design, self.migrations))
        object.__setattr__(self, "hide", hider(self.design))

    @property
    def by_id(self) -> Mapping[str, MigrationFile]:
        return self.intent.by_id

    def intended(self, device: str, applied: Sequence[str]) -> str:
        """The config of `device` with exactly `applied` migrations, and its record; secrets as markers."""
        return self.intent.config(device, platform_for(self.design, self.target, device), applied)

    def nornir(self, devices: Sequence[str]) -> Nornir:
        """A Nornir over `devices` of the target."""
        return nornir_for(self.design, self.target, list(devices), self.workers)

    def read_state(self, devices: Sequence[str]) -> tuple[dict[str, tuple[str, ...]], list[DeviceOutcome]]:
        """The applied migrations per device, read from each device's running config.

        A device with a commit waiting for confirmation has no settled record: the commit may yet be
        reverted by its timer. It is returned among the failures, with status PENDING, not as applied.
        """
        with closing(self.nornir(devices)) as nr:
            results = nr.run(task=tasks.guarded, step=tasks.settled_config, name="read state")
        state: dict[str, tuple[str, ...]] = {}
        failures = []
        for name, multi in results.items():
            value = multi[0].result
            if isinstance(value, DeviceOutcome):
                failures.append(value)
            else:
                state[name] = read_record(value)
        return state, failures

    def checks_for(self, state: State, devices: Sequence[str], tags: Sequence[str]) -> list[Check[Any]]:
        """The catalog's checks about `devices` with any of `tags`, for the design as far as `state` has
        rolled it out (a session is not expected up while one end lacks its underlay).

        A device about which no check has those tags (a spine whose only change in a zones migration is the
        record line) is judged by every check about it instead: it was committed, so it is confirmed only
        on what proves it still does its job, never on zero checks.
        """
        live = {
            device.name: features(state.get(device.name, ()), self.by_id) for device in self.design.devices
        }
        catalog = generate(self.design, self.target, live)
        tagged = select(catalog, tags=tags, devices=devices)
        uncovered = [device for device in devices if not any(device in check.devices for check in tagged)]
        if not uncovered:
            return tagged
        return tagged + [check for check in select(catalog, devices=uncovered) if check not in tagged]

    def judge(self, state: State, devices: Sequence[str], tags: Sequence[str]) -> dict[str, CheckVerdict]:
        checks = self.checks_for(state, devices, tags)
        with reach_for(self.design, self.target) as reach:
            return post_checks(
                self.design, list(devices), reach, wait=self.check_wait, target=self.target, catalog=checks
            )


class StepStatus(StrEnum):
    DONE = "done"
    HALTED = "halted"
    """A check failed: the wave's failing devices (all of them for a canary) are back where they were."""
    BLOCKED = "blocked"
    """Pre-checks failed or approval was not given: nothing was changed."""


class StepResult(BaseModel):
    step: str
    status: StepStatus
    devices: list[DeviceOutcome] = []
    message: str = ""


class Approval(StrEnum):
    GO = "go"
    STOP = "stop"


def run(
    migrator: Migrator,
    steps: Sequence[Step],
    state: dict[str, tuple[str, ...]],
    approve: Callable[[Step], Approval],
    report: Callable[[StepResult], None],
) -> list[StepResult]:
    """Carry out `steps` in order, stopping at the first that does not finish; `state` is kept current.

    SIGINT or SIGTERM stops the run: during a wave's change, that wave's committed devices are reverted
    (stages.apply); before or between changes (pre-checks, pauses), nothing is left to undo.
    """
    results: list[StepResult] = []
    with interruptible() as interrupt:
        for number, step in enumerate(steps):
            try:
                result = _run_step(migrator, step, state, interrupt)
            except Interrupted as stopped:
                result = StepResult(
                    step=step.title,
                    status=StepStatus.BLOCKED,
                    message=f"{stopped}: stopped before any change",
                )
            results.append(result)
            report(result)
            if result.status is not StepStatus.DONE:
                break
            try:
                if number + 1 < len(steps) and not _pause(step, approve, report, results):
                    break
            except Interrupted as stopped:
                blocked = StepResult(
                    step=f"after {step.title}", status=StepStatus.BLOCKED, message=f"{stopped}"
                )
                results.append(blocked)
                report(blocked)
                break
    return results


def _pause(
    step: Step,
    approve: Callable[[Step], Approval],
    report: Callable[[StepResult], None],
    results: list[StepResult],
) -> bool:
    pause = step.wave.pause
    if isinstance(pause, int):
        time.sleep(pause)
        return True
    if pause == "approval" and approve(step) is Approval.STOP:
        blocked = StepResult(
            step=f"after {step.title}", status=StepStatus.BLOCKED, message="waiting for approval (--approve)"
        )
        results.append(blocked)
        report(blocked)
        return False
    return True


def _run_step(
    migrator: Migrator, step: Step, state: dict[str, tuple[str, ...]], interrupt: Interrupt
) -> StepResult:
    result = _carry_out(migrator, step, state, interrupt)
    hide = migrator.hide
    devices = [
        o.model_copy(update={"diff": hide(o.diff), "message": hide(o.message)}) for o in result.devices
    ]
    return result.model_copy(update={"devices": devices, "message": hide(result.message)})


def _carry_out(
    migrator: Migrator, step: Step, state: dict[str, tuple[str, ...]], interrupt: Interrupt
) -> StepResult:
    migration = step.migration.migration
    pre = migrator.judge(state, step.devices, migration.pre_checks.tags)
    refused = [verdict for verdict in pre.values() if not verdict.passed]
    if refused:
        return StepResult(
            step=step.title,
            status=StepStatus.BLOCKED,
            message="pre-checks failed, nothing changed: " + "; ".join(v.summary for v in refused),
        )
    after = step.after(state)
    configs = {device: fill_secrets(migrator.intended(device, after[device])) for device in step.devices}
    wanted = {**state, **after}

    def checks(devices: list[str]) -> dict[str, CheckVerdict]:
        return migrator.judge(wanted, devices, migration.post_checks.tags)

    # A canary proves the wave as a whole: if one canary device fails, every canary device goes back.
    policy = FailurePolicy.ROLLBACK_ALL if step.canary else FailurePolicy.CONTINUE
    with closing(migrator.nornir(step.devices)) as nr:
        outcomes = stages.apply(
            nr, configs, checks, migrator.revert_in, policy, interrupt, migrator.check_wait
        )
    if interrupt.stopped:
        return StepResult(
            step=step.title,
            status=StepStatus.HALTED,
            devices=outcomes,
            message=f"{interrupt.signal}: every device this wave committed is reverted; the run stops here",
        )
    for outcome in outcomes:
        if outcome.status in (Status.APPLIED, Status.UNCHANGED):
            state[outcome.device] = after[outcome.device]
    failed = [outcome for outcome in outcomes if outcome.failed]
    if not failed:
        return StepResult(step=step.title, status=StepStatus.DONE, devices=outcomes)
    names = ", ".join(outcome.device for outcome in failed)
    if step.canary:
        message = f"canary failed on {names}: every canary device reverted; later waves untouched"
    else:
        message = f"failed on {names} (reverted); the wave's other devices keep the change"
    return StepResult(step=step.title, status=StepStatus.HALTED, devices=outcomes, message=message)
