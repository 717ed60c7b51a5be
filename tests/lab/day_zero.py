"""The lab at day 0 as this test session found it, for the lab modules that change configs.

The modules run in the order the lab's state flows (conftest.MODULE_ORDER): test_migrate_lab starts from
day 0 and ends with every migration up, the modules after it run on the whole design, and the session's
last lab test (test_zones_lab's) takes every device down to zero and compares with this. It is taken once
per session, by whichever of those modules runs first, before it changes anything.
"""

from dataclasses import dataclass

from nornir.core.task import Result, Task

from fundament.paths import SAMPLE_DESIGN
from inventory import Design, load_design
from inventory.migrations import load_migrations
from network.lab import control
from network.lifecycle import tasks
from network.lifecycle.outcome import DeviceOutcome
from network.migrate.engine import Migrator
from network.render import fill_secrets
from network.targets import Target, connected
from tests.lab.conftest import Lab

BASELINE_FILES = "cat /etc/issue.net; ls /etc/ssh/sshd_config.d"
"""The files the baseline migration takes over, as a switch has them."""


@dataclass(frozen=True)
class DayZero:
    configs: dict[str, str]
    """The running config of every switch."""
    files: str
    """BASELINE_FILES on leaf1."""


_taken: list[DayZero] = []


def running_configs() -> dict[str, str]:
    design = load_design()
    with connected(design, Target.LAB, [device.name for device in design.devices]) as nr:
        results = nr.run(task=tasks.running_config)
    assert not results.failed, {name: str(r.exception) for name, r in results.failed_hosts.items()}
    return {name: multi[0].result for name, multi in results.items()}


def _look(task: Task, day_zero: dict[str, str]) -> Result:
    """Why the device is not at day 0 ("" when it is), and its running config."""
    running = tasks.settled_config(task).result
    if isinstance(running, DeviceOutcome):
        return Result(host=task.host, result=("a commit waits for confirmation", ""))
    diff = tasks.diff_candidate(task, day_zero).result.diff
    return Result(host=task.host, result=(f"not its day-0 config:\n{diff}" if diff else "", running))


def _at_day_zero(design: Design) -> tuple[dict[str, str], list[str]]:
    """The running config of every switch, and why any is not provably at day 0: a commit pending, or
    the driver finding something to change against its config with no migration applied (a record too)."""
    migrator = Migrator(design=design, migrations=load_migrations(SAMPLE_DESIGN / "migrations", design))
    devices = [device.name for device in design.devices]
    configs = {name: fill_secrets(migrator.intended(name, ())) for name in devices}
    with connected(design, Target.LAB, devices) as nr:
        results = nr.run(task=_look, day_zero=configs)
    reasons = [f"{name}: {result.exception}" for name, result in results.failed_hosts.items()]
    running = {}
    for name, multi in results.items():
        if name not in results.failed_hosts:
            reason, running[name] = multi[0].result
            reasons += [f"{name}: {reason}"] if reason else []
    return running, reasons


def day_zero(lab: Lab) -> DayZero:
    """The day-0 state of the lab, taken once per session. A lab not provably at day 0 (an earlier
    session kept it, or a module changed it) is deployed afresh first: about as long as `lab up`."""
    if not _taken:
        configs, reasons = _at_day_zero(lab.design)
        if reasons:
            with control.lab_lock(lab.design):
                control.down(lab.design)
                control.up(lab.design)
            configs, reasons = _at_day_zero(lab.design)
            assert not reasons, "a freshly deployed lab is not at day 0:\n" + "\n".join(reasons)
        _taken.append(DayZero(configs, lab.ssh("leaf1", BASELINE_FILES)[1]))
    return _taken[0]
