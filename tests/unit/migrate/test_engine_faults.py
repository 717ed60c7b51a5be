"""The migration engine through the real Nornir over fault-injecting devices: a pending commit is not
"applied", a failing canary stops the run, and a signal stops it with nothing left half-done."""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pytest
from nornir.core import Nornir

from fundament.paths import SAMPLE_DESIGN
from inventory import load_design
from inventory.migrations import load_migrations
from network.lifecycle.outcome import CheckVerdict, Status
from network.lifecycle.scrub import secret_names
from network.migrate.engine import Approval, Migrator, StepResult, StepStatus, run
from network.migrate.state import read_record
from network.migrate.steps import State, Step, steps_up
from network.render import fill_secrets
from network.targets import Target
from tests.unit.lifecycle.faults import FakeDevice, Fault, error, fault_nornir, send
from tests.unit.lifecycle.faults import sigterm_guard as sigterm_guard

DESIGN = load_design(SAMPLE_DESIGN)
MIGRATIONS = load_migrations(SAMPLE_DESIGN / "migrations", DESIGN)
FIRST = MIGRATIONS[0].id


@dataclass(frozen=True)
class FaultMigrator(Migrator):
    """The real engine; devices are FakeDevices; post-checks (judging a state where the device has the
    first migration) fail on `failing` devices and call `on_judge`; pre-checks pass."""

    devices: dict[str, FakeDevice] = field(default_factory=dict)
    failing: frozenset[str] = frozenset()
    on_judge: Callable[[], None] | None = None
    on_pre_checks: Callable[[], None] | None = None

    def intended_with_secrets(self, device: str, applied: tuple[str, ...]) -> str:
        return fill_secrets(self.intended(device, applied))

    def nornir(self, devices: Sequence[str]) -> Nornir:
        return fault_nornir([self.devices[name] for name in devices], workers=1)

    def judge(self, state: State, devices: Sequence[str], tags: Sequence[str]) -> dict[str, CheckVerdict]:
        post = any(FIRST in state.get(name, ()) for name in devices)
        if post and self.on_judge is not None:
            self.on_judge()
        if not post and self.on_pre_checks is not None:
            self.on_pre_checks()
        return {
            name: CheckVerdict(device=name, passed=not post or name not in self.failing, summary=f"{name}")
            for name in devices
        }


@pytest.fixture(autouse=True)
def secrets(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("FUNDAMENT_NETBEHEER_PASSWORD", "FUNDAMENT_NOC_PASSWORD", "FUNDAMENT_TACACS_KEY"):
        monkeypatch.setenv(name, f"test-value-of-{name.lower()}")
    yield


def migrator(**kwargs: Any) -> FaultMigrator:
    devices = {d.name: FakeDevice(d.name, running=f"hostname {d.name}\n") for d in DESIGN.devices}
    return FaultMigrator(design=DESIGN, migrations=MIGRATIONS, devices=devices, **kwargs)


def go(m: FaultMigrator, steps: list[Step]) -> list[StepResult]:
    return run(m, steps, {}, lambda step: Approval.GO, lambda result: None)


def first_migration(state: State | None = None) -> list[Step]:
    return steps_up(MIGRATIONS, state or {}, to=FIRST)


def test_a_device_with_a_pending_commit_is_not_read_as_applied() -> None:
    m = migrator()
    leaf1 = m.devices["leaf1"]
    leaf1.running = m.intended("leaf1", (FIRST,))
    leaf1.pending = True
    state, unsettled = m.read_state(["leaf1", "spine1"])
    assert FIRST in read_record(leaf1.running)
    assert "leaf1" not in state
    assert [(o.device, o.status) for o in unsettled] == [("leaf1", Status.PENDING)]
    assert unsettled[0].message == (
        "a commit is waiting for confirmation and may yet revert: run again once it is confirmed or "
        "reverted (its revert timer ends it)"
    )
    assert state["spine1"] == ()


def test_a_confirmed_device_is_read_as_applied() -> None:
    m = migrator()
    m.devices["leaf1"].running = m.intended("leaf1", (FIRST,))
    state, unsettled = m.read_state(["leaf1"])
    assert (state, unsettled) == ({"leaf1": (FIRST,)}, [])


def test_every_wave_goes_up_and_every_device_is_confirmed_with_its_record() -> None:
    m = migrator()
    results = go(m, first_migration())
    assert [r.status for r in results] == [StepStatus.DONE] * len(results)
    for name in MIGRATIONS[0].devices:
        assert read_record(m.devices[name].running) == (FIRST,)
        assert not m.devices[name].pending


def test_a_failing_canary_is_reverted_and_later_waves_are_untouched() -> None:
    m = migrator(failing=frozenset({"leaf1"}))
    results = go(m, first_migration())
    assert [r.status for r in results] == [StepStatus.HALTED]
    assert "canary failed on leaf1" in results[0].message
    for device in m.devices.values():
        assert device.running == f"hostname {device.name}\n"
        assert not device.pending


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_during_a_waves_checks_reverts_it_and_stops_the_run(signum: signal.Signals) -> None:
    m = migrator(on_judge=send(signum))
    results = go(m, first_migration())
    assert [r.status for r in results] == [StepStatus.HALTED]
    assert results[0].message.startswith(f"{signum.name}: every device this wave committed is reverted")
    assert {o.status for o in results[0].devices} == {Status.REVERTED}
    for device in m.devices.values():
        assert device.running == f"hostname {device.name}\n"
        assert not device.pending


def test_a_signal_during_a_commit_stops_the_wave_and_the_run() -> None:
    m = migrator()
    canary = first_migration()[0]
    second = first_migration()[1]
    first_of_wave = m.devices[second.devices[0]]
    first_of_wave.faults["commit_config"] = Fault(send(signal.SIGINT), when="after")
    results = go(m, first_migration())
    assert [r.status for r in results] == [StepStatus.DONE, StepStatus.HALTED]
    assert read_record(m.devices[canary.devices[0]].running) == (FIRST,)
    for name in second.devices:
        assert m.devices[name].running == f"hostname {name}\n"
        assert not m.devices[name].pending
        assert "commit_config" not in m.devices[name].steps or name == first_of_wave.name


def test_a_signal_during_pre_checks_stops_the_run_before_any_change() -> None:
    m = migrator(on_pre_checks=send(signal.SIGTERM))
    results = go(m, first_migration())
    assert [(r.status, r.message) for r in results] == [
        (StepStatus.BLOCKED, "SIGTERM: stopped before any change")
    ]
    assert not any("commit_config" in device.steps for device in m.devices.values())


def test_no_secret_of_the_design_reaches_a_step_result_diff_or_its_json() -> None:
    """The production platform renders the TACACS key and local user secrets into the config."""
    m = migrator(target=Target.PRODUCTION)
    results = go(m, first_migration())
    assert results and results[0].devices
    dumped = json.dumps([r.model_dump(mode="json") for r in results])
    assert "+" in dumped
    for name in secret_names(DESIGN):
        assert os.environ[name] not in dumped
    assert os.environ["FUNDAMENT_TACACS_KEY"] in m.intended_with_secrets("leaf1", (FIRST,))


def with_pause(steps: list[Step], pause: str | int) -> list[Step]:
    return [replace(step, wave=step.wave.model_copy(update={"pause": pause})) for step in steps]


def test_a_wave_pausing_for_approval_stops_the_run_when_it_is_not_given() -> None:
    m = migrator()
    steps = with_pause(first_migration(), "approval")
    asked: list[str] = []
    reported: list[StepResult] = []

    def refuse(step: Step) -> Approval:
        asked.append(step.title)
        return Approval.STOP

    results = run(m, steps, {}, refuse, reported.append)
    assert asked == [steps[0].title]
    assert [(r.step, r.status, r.message) for r in results] == [
        (steps[0].title, StepStatus.DONE, ""),
        (f"after {steps[0].title}", StepStatus.BLOCKED, "waiting for approval (--approve)"),
    ]
    assert reported == results
    assert not any("commit_config" in m.devices[name].steps for name in steps[1].devices)


def test_an_approved_wave_goes_on_and_the_last_wave_asks_nothing() -> None:
    m = migrator()
    steps = with_pause(first_migration(), "approval")
    asked: list[str] = []

    def approve(step: Step) -> Approval:
        asked.append(step.title)
        return Approval.GO

    results = run(m, steps, {}, approve, lambda result: None)
    assert [r.status for r in results] == [StepStatus.DONE, StepStatus.DONE]
    assert asked == [steps[0].title]


@pytest.mark.parametrize("pause", ["none", 0])
def test_a_wave_without_an_approval_pause_asks_nothing(pause: str | int) -> None:
    m = migrator()

    def never(step: Step) -> Approval:
        raise AssertionError("approval asked for")

    results = run(m, with_pause(first_migration(), pause), {}, never, lambda result: None)
    assert [r.status for r in results] == [StepStatus.DONE, StepStatus.DONE]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_while_waiting_for_approval_stops_the_run_between_waves(signum: signal.Signals) -> None:
    m = migrator()
    steps = with_pause(first_migration(), "approval")
    reported: list[StepResult] = []

    def interrupted(step: Step) -> Approval:
        send(signum)()
        return Approval.GO

    results = run(m, steps, {}, interrupted, reported.append)
    assert [(r.step, r.status, r.message) for r in results] == [
        (steps[0].title, StepStatus.DONE, ""),
        (f"after {steps[0].title}", StepStatus.BLOCKED, signum.name),
    ]
    assert reported == results
    assert read_record(m.devices["leaf1"].running) == (FIRST,)
    assert not any("commit_config" in m.devices[name].steps for name in steps[1].devices)


def test_a_secret_in_a_devices_error_is_hidden_in_the_step_result() -> None:
    m = migrator()
    key = os.environ["FUNDAMENT_TACACS_KEY"]
    m.devices["leaf1"].faults["commit_config"] = Fault(error(f"rejected line: key 7 {key}"))
    results = go(m, first_migration())
    (failed,) = results[0].devices
    assert failed.status is Status.FAILED and "rejected line" in failed.message
    assert key not in failed.message
