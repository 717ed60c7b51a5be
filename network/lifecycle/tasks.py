"""Plain functions as Nornir tasks. Each talks to one device through the NAPALM driver contract only."""

from typing import Any

from napalm.base.base import NetworkDriver
from nornir.core.task import Result, Task

from fundament.errors import FundamentError
from network.lifecycle.interrupt import Interrupt
from network.lifecycle.outcome import DeviceOutcome, Status


class DeviceError(FundamentError):
    """A device-level failure, already phrased for the engineer reading the run's output."""


def driver(task: Task) -> NetworkDriver:
    """The device's open NAPALM connection; connection failures become a one-line DeviceError."""
    try:
        connection: NetworkDriver = task.host.get_connection("napalm", task.nornir.config)
    except Exception as error:  # napalm, netmiko and paramiko each raise their own types here
        raise DeviceError(f"cannot connect to {task.host.hostname}: {_reason(error)}") from error
    return connection


REASON_LINES = 12
"""A device's error is kept to this many lines: FRR names the offending line after its own header."""


def _reason(error: BaseException) -> str:
    lines = [line for line in str(error).strip().splitlines() if line.strip()]
    if len(lines) > REASON_LINES:
        lines = [*lines[:REASON_LINES], f"({len(lines) - REASON_LINES} more lines)"]
    detail = "\n".join(lines) if lines else "no detail"
    return f"{type(error).__name__}: {detail}"


def outcome(task: Task, status: Status, diff: str = "", message: str = "") -> Result:
    """The step's DeviceOutcome as its Nornir result. Nornir's own failed/changed flags stay unset: the
    stages read the outcome alone, and every stage runs on failed hosts too (a revert must reach them)."""
    return Result(
        host=task.host,
        result=DeviceOutcome(device=task.host.name, status=status, diff=diff, message=message),
    )


def guarded(task: Task, step: Any, stop: Interrupt | None = None, **kwargs: Any) -> Result:
    """Run a step; any device failure becomes a FAILED outcome with its reason instead of a traceback
    (a FundamentError is already phrased for the reader: its message stands as it is).

    A device whose turn comes after `stop` was asked for is not started: nothing is changed on it.
    """
    if stop is not None and stop.stopped:
        return outcome(task, Status.FAILED, message=f"not changed: {stop.signal} arrived before its turn")
    try:
        result: Result = step(task, **kwargs)
    except FundamentError as error:
        return outcome(task, Status.FAILED, message=str(error))
    except Exception as error:
        return outcome(task, Status.FAILED, message=_reason(error))
    return result


def diff_candidate(task: Task, configs: dict[str, str]) -> Result:
    """Load the intended config as a replace candidate, keep the diff, discard: the device is untouched."""
    device = driver(task)
    device.load_replace_candidate(config=configs[task.host.name])
    try:
        diff = device.compare_config()
    finally:
        device.discard_config()
    return outcome(task, Status.PENDING if diff else Status.UNCHANGED, diff=diff)


def commit_candidate(task: Task, configs: dict[str, str], revert_in: int) -> Result:
    """Replace-commit with an automatic revert armed on the device; nothing is confirmed here."""
    device = driver(task)
    device.load_replace_candidate(config=configs[task.host.name])
    diff = device.compare_config()
    if not diff:
        device.discard_config()
        return outcome(task, Status.UNCHANGED)
    device.commit_config(revert_in=revert_in)
    return outcome(task, Status.PENDING, diff=diff)


def confirm(task: Task, diffs: dict[str, str], reasons: dict[str, str]) -> Result:
    driver(task).confirm_commit()
    return outcome(task, Status.APPLIED, diff=diffs[task.host.name], message=reasons[task.host.name])


def revert(task: Task, diffs: dict[str, str], reasons: dict[str, str]) -> Result:
    """Undo an unconfirmed commit now rather than waiting for the device's own timer."""
    driver(task).rollback()
    return outcome(task, Status.REVERTED, diff=diffs[task.host.name], message=reasons[task.host.name])


def rollback(task: Task) -> Result:
    driver(task).rollback()
    return outcome(task, Status.ROLLED_BACK, message="previous committed config restored")


def running_config(task: Task) -> Result:
    config = driver(task).get_config(retrieve="running")["running"]
    return Result(host=task.host, result=config)


def settled_config(task: Task) -> Result:
    """The running config, or a PENDING outcome while a commit waits for confirmation (it may revert)."""
    device = driver(task)
    if device.has_pending_commit():
        return outcome(
            task,
            Status.PENDING,
            message="a commit is waiting for confirmation and may yet revert: run again once it is "
            "confirmed or reverted (its revert timer ends it)",
        )
    config = device.get_config(retrieve="running")["running"]
    return Result(host=task.host, result=config)
