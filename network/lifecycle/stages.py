"""The lifecycle stages over a selection of devices, each a composition of the tasks in tasks.py."""

import subprocess
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from nornir.core import Nornir
from nornir.core.inventory import Host
from nornir.core.task import AggregatedResult, MultiResult, Task

from fundament.console import Step, progress
from network.lifecycle import tasks
from network.lifecycle.interrupt import Interrupt, interruptible
from network.lifecycle.outcome import CheckVerdict, DeviceOutcome, FailurePolicy, Status
from network.lifecycle.scrub import scrub

PostChecks = Callable[[list[str]], dict[str, CheckVerdict]]
"""Runs the post-change checks of the named devices together (so cross-device checks see both ends)."""


class _Progress:
    """Nornir processor: advances a progress display as each device finishes a task."""

    def __init__(self, step: Step) -> None:
        self._step = step

    def task_started(self, task: Task) -> None:
        pass

    def task_completed(self, task: Task, result: AggregatedResult) -> None:
        pass

    def task_instance_started(self, task: Task, host: Host) -> None:
        pass

    def task_instance_completed(self, task: Task, host: Host, result: MultiResult) -> None:
        found = result[0].result
        status = found.status.value if isinstance(found, DeviceOutcome) else "done"
        self._step.advance(f"{host.name} {status}")

    def subtask_instance_started(self, task: Task, host: Host) -> None:
        pass

    def subtask_instance_completed(self, task: Task, host: Host, result: MultiResult) -> None:
        pass


def _run(
    nr: Nornir, title: str, step: Callable[..., Any], stop: Interrupt | None = None, **kwargs: Any
) -> dict[str, Any]:
    """Run `step` on every host of `nr` with a progress display; per host its result value.

    With `stop`, a device whose turn comes after a stop was asked for is not started (its outcome
    says so); without, every device runs (a revert must finish whatever arrives meanwhile).
    """
    with progress(title, total=len(nr.inventory.hosts)) as shown:
        results = nr.with_processors([_Progress(shown)]).run(
            # on_failed: the hosts are chosen by the caller; one that failed a step before (a confirm
            # that did not start) must still be reverted.
            task=tasks.guarded,
            step=step,
            stop=stop,
            name=title,
            raise_on_error=False,
            on_failed=True,
            **kwargs,
        )
    return {name: multi[0].result for name, multi in results.items()}


def plan(nr: Nornir, configs: dict[str, str]) -> list[DeviceOutcome]:
    """Per device: the diff between running and intended config. Devices are left untouched."""
    return list(_run(nr, "plan", tasks.diff_candidate, configs=configs).values())


def apply(
    nr: Nornir,
    configs: dict[str, str],
    post_checks: PostChecks,
    revert_in: int,
    policy: FailurePolicy = FailurePolicy.CONTINUE,
    interrupt: Interrupt | None = None,
    check_budget: float = 0.0,
) -> list[DeviceOutcome]:
    """Commit everywhere with a revert armed, run the post-checks of all committed devices together, then
    confirm the devices whose checks pass and revert the others (or all, by policy).

    Checks run after every commit so that a session between two changed devices is judged with both ends
    changed, whatever the parallelism. A device that cannot be reached for the confirm reverts by itself.
    SIGINT or SIGTERM at any phase stops the devices not yet started and reverts every device whose
    commit went through (confirmed ones included), each outcome saying so.

    `revert_in` bounds the whole change: the first device's timer runs from its commit, through the
    other commits and the checks (which may take `check_budget` seconds), to its confirm. When the commit
    phase leaves no more than `check_budget` of it, every commit is reverted now rather than confirmed
    after its device may already have reverted by itself.
    """
    with interruptible(interrupt) as stop, stop.shield():
        started = time.monotonic()
        committed = _run(nr, "commit", tasks.commit_candidate, stop, configs=configs, revert_in=revert_in)
        took = time.monotonic() - started
        pending = {name: o for name, o in committed.items() if o.status is Status.PENDING}
        final = {name: o for name, o in committed.items() if name not in pending}
        if stop.stopped:
            return _revert_all(nr, f"{stop.signal} during the commit phase", final, pending)
        if not pending:
            return list(final.values())
        if revert_in - took <= check_budget:
            reason = (
                f"the commit phase took {took:.0f} s of the {revert_in} s revert window, leaving less than "
                f"the {check_budget:g} s the checks may take: raise --revert-in"
            )
            return _revert_all(nr, reason, final, pending)
        try:
            with stop.exposed():
                verdicts = post_checks(sorted(pending))
        except KeyboardInterrupt:
            stop.signal = stop.signal or "SIGINT"
            return _revert_all(nr, f"{stop.signal} during the post-checks", final, pending)
        except Exception as error:
            verdicts = {
                name: CheckVerdict(device=name, passed=False, summary=f"post-checks did not run: {error}")
                for name in pending
            }
        verdicts = {name: verdicts.get(name, _missing(name)) for name in pending}
        failed = {name for name in pending if not verdicts[name].passed}
        if policy is FailurePolicy.ROLLBACK_ALL and (failed or any(o.failed for o in final.values())):
            failed = set(pending)
        diffs = {name: found.diff for name, found in pending.items()}
        reasons = {
            name: "reverted by policy rollback-all: another device failed"
            if name in failed and verdicts[name].passed
            else verdicts[name].summary
            for name in pending
        }
        passed = set(pending) - failed
        if failed:
            final.update(_on(nr, failed, "revert", tasks.revert, diffs=diffs, reasons=reasons))
        if passed:
            final.update(_on(nr, passed, "confirm", tasks.confirm, stop, diffs=diffs, reasons=reasons))
        if stop.stopped:
            # Confirmed or not yet, every device that passed its checks still carries this run's commit.
            reason = f"{stop.signal} during the confirm phase"
            return _revert_all(nr, reason, final, {name: pending[name] for name in passed})
        return [final[name] for name in sorted(final)]


def _on(
    nr: Nornir,
    names: set[str],
    title: str,
    step: Callable[..., Any],
    stop: Interrupt | None = None,
    **kwargs: Any,
) -> dict[str, Any]:
    """`_run` over the named hosts of `nr` only."""
    chosen = nr.filter(filter_func=lambda host: host.name in names)
    return _run(chosen, title, step, stop, **kwargs)


def _revert_all(
    nr: Nornir, reason: str, final: dict[str, DeviceOutcome], committed: dict[str, DeviceOutcome]
) -> list[DeviceOutcome]:
    """Revert every device in `committed` now (not on its timer); called shielded, so a signal meanwhile
    does not stop it."""
    reasons = dict.fromkeys(committed, f"reverted: {reason}")
    diffs = {name: found.diff for name, found in committed.items()}
    outcomes = dict(final)
    if committed:
        outcomes.update(_on(nr, set(committed), "revert", tasks.revert, diffs=diffs, reasons=reasons))
    return [outcomes[name] for name in sorted(outcomes)]


def _missing(name: str) -> CheckVerdict:
    return CheckVerdict(device=name, passed=False, summary="no post-check verdict for this device")


def rollback(nr: Nornir) -> list[DeviceOutcome]:
    """Back to the previous committed config; SIGINT or SIGTERM stops the devices not yet started."""
    with interruptible() as stop, stop.shield():
        return list(_run(nr, "rollback", tasks.rollback, stop).values())


def backup(nr: Nornir, folder: Path, secrets: list[str]) -> list[DeviceOutcome]:
    """Running configs, secrets scrubbed, into `folder` as a git repository (one commit per backup run)."""
    folder.mkdir(parents=True, exist_ok=True)
    configs = _run(nr, "backup", tasks.running_config)
    outcomes = []
    for name, config in sorted(configs.items()):
        if isinstance(config, DeviceOutcome):
            outcomes.append(config)
            continue
        (folder / f"{name}.cfg").write_text(scrub(config, secrets), encoding="utf-8")
        outcomes.append(DeviceOutcome(device=name, status=Status.SAVED, message=str(folder / f"{name}.cfg")))
    _commit_backup(folder, [o.device for o in outcomes if o.status is Status.SAVED])
    return outcomes


def _commit_backup(folder: Path, devices: list[str]) -> None:
    def git(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, check=True)

    if not (folder / ".git").exists():
        git("init", "-q")
    git("add", "--all")
    if git("status", "--porcelain").stdout.strip():
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        git(
            "-c",
            "user.name=fundament",
            "-c",
            "user.email=fundament@localhost",
            "commit",
            "-q",
            "-m",
            f"backup {stamp}: {', '.join(devices)}",
        )
