"""stages.apply and stages.rollback through the real Nornir with devices that fail, hang, lose their
session or get interrupted at a chosen step: every device ends confirmed at the new config or back at
its old one, and never left pending by the tool."""

from __future__ import annotations

import re
import signal
import threading
import time
from collections.abc import Callable

import pytest

from network.lifecycle import stages
from network.lifecycle.outcome import CheckVerdict, DeviceOutcome, FailurePolicy, Status
from tests.unit.lifecycle.faults import (
    FakeDevice,
    Fault,
    error,
    fault_nornir,
    hang,
    lose_session,
    send,
    send_to_this_thread,
)
from tests.unit.lifecycle.faults import sigterm_guard as sigterm_guard

SIGNALS = [signal.SIGINT, signal.SIGTERM]


def fleet(*names: str) -> dict[str, FakeDevice]:
    return {name: FakeDevice(name, running=f"hostname {name}\nold\n") for name in names}


def intended(devices: dict[str, FakeDevice]) -> dict[str, str]:
    return {name: f"hostname {name}\nnew\n" for name in devices}


def checks(
    failing: frozenset[str] | set[str] = frozenset(), action: Callable[[], None] | None = None
) -> stages.PostChecks:
    def run(names: list[str]) -> dict[str, CheckVerdict]:
        if action is not None:
            action()
        return {
            name: CheckVerdict(device=name, passed=name not in failing, summary=f"{name} checks")
            for name in names
        }

    return run


def by_name(outcomes: list[DeviceOutcome]) -> dict[str, DeviceOutcome]:
    return {outcome.device: outcome for outcome in outcomes}


def apply(
    devices: dict[str, FakeDevice],
    post_checks: stages.PostChecks,
    policy: FailurePolicy = FailurePolicy.CONTINUE,
    workers: int = 1,
    revert_in: int = 300,
    check_budget: float = 90.0,
) -> dict[str, DeviceOutcome]:
    nr = fault_nornir(list(devices.values()), workers)
    try:
        return by_name(
            stages.apply(nr, intended(devices), post_checks, revert_in, policy, None, check_budget)
        )
    finally:
        nr.close_connections(on_failed=True)


def assert_new(device: FakeDevice) -> None:
    assert (device.running, device.pending) == (f"hostname {device.name}\nnew\n", False)


def assert_old(device: FakeDevice) -> None:
    assert (device.running, device.pending) == (f"hostname {device.name}\nold\n", False)


def test_every_device_whose_checks_pass_is_confirmed_at_the_new_config() -> None:
    devices = fleet("a", "b")
    outcomes = apply(devices, checks())
    assert {name: o.status for name, o in outcomes.items()} == {"a": Status.APPLIED, "b": Status.APPLIED}
    assert "+new" in outcomes["a"].diff
    assert outcomes["a"].message == "a checks"
    for device in devices.values():
        assert_new(device)


def test_a_device_already_at_the_intended_config_is_not_committed() -> None:
    devices = fleet("a")
    devices["a"].running = "hostname a\nnew\n"
    outcomes = apply(devices, checks())
    assert outcomes["a"] == DeviceOutcome(device="a", status=Status.UNCHANGED)
    assert "commit_config" not in devices["a"].steps


def test_a_device_refusing_its_commit_fails_alone_and_unchanged() -> None:
    devices = fleet("a", "b")
    devices["a"].faults["commit_config"] = Fault(error("bgpd refused it"))
    outcomes = apply(devices, checks())
    assert outcomes["a"].status is Status.FAILED
    assert outcomes["a"].message == "CommitError: bgpd refused it"
    assert_old(devices["a"])
    assert outcomes["b"].status is Status.APPLIED
    assert_new(devices["b"])


def test_a_device_that_cannot_be_reached_fails_alone_saying_why() -> None:
    devices = fleet("a", "b")
    devices["a"].faults["open"] = Fault(lose_session())
    outcomes = apply(devices, checks())
    assert (outcomes["a"].status, outcomes["a"].message) == (
        Status.FAILED,
        "cannot connect to a: ConnectionClosedException: session lost",
    )
    assert outcomes["b"].status is Status.APPLIED


def test_an_error_without_a_message_is_named_by_its_type() -> None:
    def silent() -> None:
        raise RuntimeError

    devices = fleet("a")
    devices["a"].faults["load_replace_candidate"] = Fault(silent)
    outcomes = apply(devices, checks())
    assert (outcomes["a"].status, outcomes["a"].message) == (Status.FAILED, "RuntimeError: no detail")
    assert_old(devices["a"])


@pytest.mark.parametrize(("noise", "last"), [(10, "x"), (11, "(1 more lines)"), (30, "(20 more lines)")])
def test_a_many_line_error_keeps_the_lines_that_name_the_fault(noise: int, last: str) -> None:
    def rejected() -> None:
        raise RuntimeError(
            "FRR rejects the candidate:\n\n% Unknown command: neighbor x banana\n" + "x\n" * noise
        )

    devices = fleet("a")
    devices["a"].faults["load_replace_candidate"] = Fault(rejected)
    lines = apply(devices, checks())["a"].message.split("\n")
    assert lines[:2] == ["RuntimeError: FRR rejects the candidate:", "% Unknown command: neighbor x banana"]
    assert (len(lines), lines[-1]) == (min(2 + noise, 13), last)
    assert_old(devices["a"])


def test_plan_says_which_devices_differ_and_touches_none(capsys: pytest.CaptureFixture[str]) -> None:
    devices = fleet("a", "b")
    devices["b"].running = "hostname b\nnew\n"
    nr = fault_nornir(list(devices.values()))
    try:
        outcomes = by_name(stages.plan(nr, intended(devices)))
    finally:
        nr.close_connections(on_failed=True)
    assert (outcomes["a"].status, outcomes["b"].status) == (Status.PENDING, Status.UNCHANGED)
    shown = capsys.readouterr().err
    assert "plan: a pending" in shown and "plan: b unchanged" in shown
    assert "+new" in outcomes["a"].diff
    assert not any("commit_config" in device.steps for device in devices.values())


def test_a_device_failing_its_checks_is_reverted_now_and_the_other_keeps_its_change() -> None:
    devices = fleet("a", "b")
    outcomes = apply(devices, checks(failing={"a"}))
    assert (outcomes["a"].status, outcomes["a"].message) == (Status.REVERTED, "a checks")
    assert "+new" in outcomes["a"].diff
    assert_old(devices["a"])
    assert outcomes["b"].status is Status.APPLIED
    assert_new(devices["b"])


def test_post_checks_that_crash_revert_every_committed_device() -> None:
    def crash() -> None:
        raise RuntimeError("catalog broken")

    devices = fleet("a", "b")
    outcomes = apply(devices, checks(action=crash))
    for name, device in devices.items():
        assert outcomes[name].status is Status.REVERTED
        assert "post-checks did not run: catalog broken" in outcomes[name].message
        assert_old(device)


def test_a_device_without_a_verdict_is_reverted_not_confirmed() -> None:
    devices = fleet("a", "b")

    def only_b(names: list[str]) -> dict[str, CheckVerdict]:
        return {"b": CheckVerdict(device="b", passed=True, summary="ok")}

    outcomes = apply(devices, only_b)
    assert (outcomes["a"].status, outcomes["a"].message) == (
        Status.REVERTED,
        "no post-check verdict for this device",
    )
    assert_old(devices["a"])
    assert_new(devices["b"])


@pytest.mark.parametrize("failure", ["checks", "commit"])
def test_a_two_device_canary_where_only_one_fails_reverts_both(failure: str) -> None:
    devices = fleet("a", "b")
    if failure == "commit":
        devices["a"].faults["commit_config"] = Fault(error())
    outcomes = apply(
        devices, checks(failing={"a"} if failure == "checks" else set()), FailurePolicy.ROLLBACK_ALL
    )
    assert outcomes["a"].status is (Status.REVERTED if failure == "checks" else Status.FAILED)
    assert outcomes["b"].status is Status.REVERTED
    assert outcomes["b"].message == "reverted by policy rollback-all: another device failed"
    for device in devices.values():
        assert_old(device)


def test_a_session_lost_after_the_commit_went_through_is_not_confirmed() -> None:
    """The tool cannot know the commit happened: it reports the device failed and never confirms it,
    so the device's own timer takes it back (and no rollback point of an older commit is applied)."""
    devices = fleet("a", "b")
    devices["a"].faults["commit_config"] = Fault(lose_session(), when="after")
    outcomes = apply(devices, checks())
    assert outcomes["a"].status is Status.FAILED
    assert "session lost" in outcomes["a"].message
    assert devices["a"].pending
    assert "confirm_commit" not in devices["a"].steps
    assert "rollback" not in devices["a"].steps
    assert_new(devices["b"])


def test_a_session_lost_at_the_confirm_is_reported_failed() -> None:
    devices = fleet("a")
    devices["a"].faults["confirm_commit"] = Fault(lose_session())
    outcomes = apply(devices, checks())
    assert outcomes["a"].status is Status.FAILED
    assert "session lost" in outcomes["a"].message
    assert devices["a"].pending


@pytest.mark.parametrize("signum", SIGNALS)
def test_a_signal_during_the_commit_phase_stops_queued_devices_and_reverts_committed_ones(
    signum: signal.Signals,
) -> None:
    devices = fleet("a", "b", "c")
    devices["a"].faults["commit_config"] = Fault(send(signum), when="after")
    outcomes = apply(devices, checks(), workers=1)
    assert outcomes["a"].status is Status.REVERTED
    assert outcomes["a"].message == f"reverted: {signum.name} during the commit phase"
    for name in ("b", "c"):
        assert outcomes[name].status is Status.FAILED
        assert outcomes[name].message == f"not changed: {signum.name} arrived before its turn"
        assert "commit_config" not in devices[name].steps
    for device in devices.values():
        assert_old(device)


@pytest.mark.parametrize("signum", SIGNALS)
def test_a_signal_during_the_post_checks_reverts_every_committed_device(signum: signal.Signals) -> None:
    devices = fleet("a", "b")
    outcomes = apply(devices, checks(action=send(signum)))
    for name, device in devices.items():
        assert outcomes[name].status is Status.REVERTED
        assert outcomes[name].message == f"reverted: {signum.name} during the post-checks"
        assert_old(device)


@pytest.mark.parametrize("signum", SIGNALS)
def test_a_signal_during_the_confirm_phase_reverts_confirmed_and_unconfirmed_devices(
    signum: signal.Signals,
) -> None:
    devices = fleet("a", "b")
    devices["a"].faults["confirm_commit"] = Fault(send(signum), when="after")
    outcomes = apply(devices, checks(), workers=1)
    assert "confirm_commit" not in devices["b"].steps
    for name, device in devices.items():
        assert outcomes[name].status is Status.REVERTED
        assert outcomes[name].message == f"reverted: {signum.name} during the confirm phase"
        assert_old(device)


@pytest.mark.parametrize("signum", SIGNALS)
def test_a_signal_the_kernel_hands_to_a_worker_thread_stops_the_devices_queued_behind_it(
    signum: signal.Signals,
) -> None:
    """The main thread, asleep until the workers finish, never learns of it in time: the queued
    devices must learn of it themselves."""
    devices = fleet("a", "b", "c")
    devices["a"].faults["commit_config"] = Fault(send_to_this_thread(signum), when="after")
    outcomes = apply(devices, checks(), workers=1)
    assert outcomes["a"].status is Status.REVERTED
    for name in ("b", "c"):
        assert outcomes[name].message == f"not changed: {signum.name} arrived before its turn"
        assert "commit_config" not in devices[name].steps
    for device in devices.values():
        assert_old(device)


def test_a_device_hanging_in_its_commit_when_interrupted_is_waited_for_then_reverted() -> None:
    devices = fleet("a", "b", "c")
    hanging, release = threading.Event(), threading.Event()

    def hang_in_commit() -> None:
        hanging.set()
        hang(release)()

    def interrupt_then_release() -> None:
        assert hanging.wait(10)
        send(signal.SIGINT)()
        release.set()

    devices["b"].faults["commit_config"] = Fault(hang_in_commit)
    devices["a"].faults["commit_config"] = Fault(interrupt_then_release, when="after")
    outcomes = apply(devices, checks(), workers=2)
    assert {name: o.status for name, o in outcomes.items()} == {
        "a": Status.REVERTED,
        "b": Status.REVERTED,
        "c": Status.FAILED,
    }
    for device in devices.values():
        assert_old(device)


def test_a_second_signal_does_not_stop_the_revert() -> None:
    devices = fleet("a", "b")
    devices["a"].faults["rollback"] = Fault(send(signal.SIGINT))
    outcomes = apply(devices, checks(action=send(signal.SIGINT)))
    for name, device in devices.items():
        assert outcomes[name].status is Status.REVERTED
        assert_old(device)


@pytest.mark.parametrize("signum", SIGNALS)
def test_a_signal_during_rollback_stops_the_devices_not_yet_started(signum: signal.Signals) -> None:
    devices = fleet("a", "b")
    for device in devices.values():
        device.rollback_point, device.running = device.running, f"hostname {device.name}\nnew\n"
    devices["a"].faults["rollback"] = Fault(send(signum), when="after")
    nr = fault_nornir(list(devices.values()), workers=1)
    try:
        outcomes = by_name(stages.rollback(nr))
    finally:
        nr.close_connections(on_failed=True)
    assert (outcomes["a"].status, outcomes["a"].message) == (
        Status.ROLLED_BACK,
        "previous committed config restored",
    )
    assert_old(devices["a"])
    assert outcomes["b"].message == f"not changed: {signum.name} arrived before its turn"
    assert_new(devices["b"])


def test_the_signal_handlers_in_place_before_a_run_are_back_after_it() -> None:
    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    apply(fleet("a"), checks())
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before


def test_a_keyboard_interrupt_without_a_signal_handler_reverts_as_sigint() -> None:
    """From a thread other than the main one no handler is installed; Ctrl-C still reverts."""

    def interrupted() -> None:
        raise KeyboardInterrupt

    devices = fleet("a")
    outcomes = apply(devices, checks(action=interrupted))
    assert outcomes["a"].message == "reverted: SIGINT during the post-checks"
    assert_old(devices["a"])


def test_the_console_says_per_device_what_each_phase_did(capsys: pytest.CaptureFixture[str]) -> None:
    devices = fleet("a", "b")
    apply(devices, checks(failing={"b"}))
    shown = capsys.readouterr().err
    for line in ("commit: a pending", "commit: b pending", "revert: b reverted", "confirm: a applied"):
        assert line in shown


def test_the_console_says_which_devices_an_interrupt_reverted(capsys: pytest.CaptureFixture[str]) -> None:
    devices = fleet("a")
    apply(devices, checks(action=send(signal.SIGINT)))
    assert "revert: a reverted" in capsys.readouterr().err


def test_the_console_says_per_device_what_rollback_did(capsys: pytest.CaptureFixture[str]) -> None:
    devices = fleet("a")
    devices["a"].rollback_point = "hostname a\nolder\n"
    nr = fault_nornir(list(devices.values()))
    try:
        stages.rollback(nr)
    finally:
        nr.close_connections(on_failed=True)
    assert "rollback: a rolled-back" in capsys.readouterr().err


def test_a_commit_phase_that_eats_the_revert_window_reverts_every_commit_instead_of_checking() -> None:
    devices = fleet("a", "b")
    devices["b"].faults["commit_config"] = Fault(lambda: time.sleep(1.2))
    ran: list[str] = []
    outcomes = apply(devices, checks(action=lambda: ran.append("checks")), revert_in=2, check_budget=1)
    assert ran == []
    for name, device in devices.items():
        assert outcomes[name].status is Status.REVERTED
        # took is 1.2 s and more on a loaded machine: the whole figure is not asserted
        assert re.fullmatch(
            r"reverted: the commit phase took \d+ s of the 2 s revert window, leaving less than the 1 s the "
            r"checks may take: raise --revert-in",
            outcomes[name].message,
        )
        assert_old(device)


def test_a_commit_phase_within_the_revert_window_goes_on_to_the_checks() -> None:
    devices = fleet("a")
    outcomes = apply(devices, checks(), revert_in=10, check_budget=2)
    assert outcomes["a"].status is Status.APPLIED
