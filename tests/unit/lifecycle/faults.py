"""A fault-injecting NAPALM driver behind the real Nornir and nornir_napalm, for the lifecycle stages.

Each FakeDevice keeps what a commit-confirm device keeps (running config, rollback point, a pending
commit) and can fail, hang, lose its session or deliver a signal at any driver step, before or after
the step took effect on the device. The driver refuses what NAPALM's strictest drivers refuse (a commit
message, unknown optional_args), so the stages are held to the real contract.
"""

from __future__ import annotations

import difflib
import os
import signal
import sys
import threading
import time
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import FrameType
from typing import Any, Literal

import pytest
from napalm.base import NetworkDriver
from napalm.base.exceptions import CommitError, ConnectionClosedException
from nornir.core import Nornir
from nornir.core.inventory import ConnectionOptions, Defaults, Groups, Host, Hosts, Inventory
from nornir.core.plugins.connections import ConnectionPluginRegister
from nornir.plugins.runners import ThreadedRunner

PLATFORM = "fault"


class StrayTerminationError(Exception):
    """SIGTERM reached the test's own guard: nothing in the code under test handled it."""


@pytest.fixture(autouse=True)
def sigterm_guard() -> Iterator[None]:
    """Without a handler of the code under test, SIGTERM would end the whole test run."""

    def guard(signum: int, frame: FrameType | None) -> None:
        raise StrayTerminationError

    previous = signal.signal(signal.SIGTERM, guard)
    yield
    signal.signal(signal.SIGTERM, previous)


@dataclass
class Fault:
    """What happens at one driver step: `action` runs before the step (it never happens if the action
    raises) or after it (the device did it; the caller may not learn of it)."""

    action: Callable[[], None]
    when: Literal["before", "after"] = "before"


def error(message: str = "device refused") -> Callable[[], None]:
    def act() -> None:
        raise CommitError(message)

    return act


def lose_session() -> Callable[[], None]:
    def act() -> None:
        raise ConnectionClosedException("session lost")

    return act


def send(signum: signal.Signals) -> Callable[[], None]:
    """Deliver a signal to this process, as Ctrl-C or `kill` would, and give the main thread (where
    Python runs handlers) up to 30 s to note it (a loaded machine is slow to schedule it), so that what
    the next device does is not a race."""

    def act() -> None:
        os.kill(os.getpid(), signum)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            handler = getattr(signal.getsignal(signum), "__self__", None)
            if getattr(handler, "stopped", False):
                return
            time.sleep(0.01)

    return act


def send_to_this_thread(signum: signal.Signals) -> Callable[[], None]:
    """Deliver a signal to the calling (worker) thread, as the kernel may do with a signal sent to the
    process: its C-level handler runs here, and the main thread, asleep waiting for the workers, is
    not woken to run the Python handler."""

    def act() -> None:
        signal.pthread_kill(threading.get_ident(), signum)

    return act


def hang(until: threading.Event, seconds: float = 30.0) -> Callable[[], None]:
    def act() -> None:
        if not until.wait(seconds):
            raise TimeoutError("hung step was never released")

    return act


@dataclass
class FakeDevice:
    name: str
    running: str
    rollback_point: str | None = None
    pending: bool = False
    faults: dict[str, Fault] = field(default_factory=dict)
    steps: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def step(self, name: str, effect: Callable[[], Any]) -> Any:
        fault = self.faults.pop(name, None)
        self.steps.append(name)
        if fault is not None and fault.when == "before":
            fault.action()
        with self.lock:
            value = effect()
        if fault is not None and fault.when == "after":
            fault.action()
        return value


class FaultDriver(NetworkDriver):  # type: ignore[misc]  # napalm has no type information
    def __init__(
        self,
        hostname: str,
        username: str,
        password: str,
        timeout: int = 60,
        optional_args: dict[str, Any] | None = None,
    ) -> None:
        args = dict(optional_args or {})
        args.pop("ssh_config_file", None)
        self.device: FakeDevice = args.pop("device")
        if args:
            raise TypeError(f"unknown optional_args: {sorted(args)}")
        self.hostname = hostname
        self._candidate: str | None = None

    def open(self) -> None:
        self.device.step("open", lambda: None)

    def close(self) -> None:
        self.device.step("close", lambda: None)

    def load_replace_candidate(self, filename: str | None = None, config: str | None = None) -> None:
        def load() -> None:
            self._candidate = config

        self.device.step("load_replace_candidate", load)

    def compare_config(self) -> str:
        def compare() -> str:
            if self._candidate is None or self._candidate == self.device.running:
                return ""
            lines = difflib.unified_diff(
                self.device.running.splitlines(keepends=True), self._candidate.splitlines(keepends=True)
            )
            return "".join(lines)

        value: str = self.device.step("compare_config", compare)
        return value

    def discard_config(self) -> None:
        def discard() -> None:
            self._candidate = None

        self.device.step("discard_config", discard)

    def commit_config(self, message: str = "", revert_in: int | None = None) -> None:
        if message:
            raise NotImplementedError("Commit message not implemented for this platform")

        def commit() -> None:
            if self.device.pending:
                raise CommitError(f"{self.hostname}: a commit is waiting for confirmation")
            if self._candidate is None:
                raise CommitError(f"{self.hostname}: no candidate loaded")
            self.device.rollback_point, self.device.running = self.device.running, self._candidate
            self.device.pending = revert_in is not None
            self._candidate = None

        self.device.step("commit_config", commit)

    def confirm_commit(self) -> None:
        def confirm() -> None:
            if not self.device.pending:
                raise CommitError(f"{self.hostname}: no commit is waiting for confirmation")
            self.device.pending = False

        self.device.step("confirm_commit", confirm)

    def has_pending_commit(self) -> bool:
        pending: bool = self.device.step("has_pending_commit", lambda: self.device.pending)
        return pending

    def rollback(self) -> None:
        def rollback() -> None:
            if self.device.rollback_point is None:
                raise CommitError(f"{self.hostname}: no rollback point")
            self.device.running = self.device.rollback_point
            self.device.pending = False

        self.device.step("rollback", rollback)

    def get_config(
        self, retrieve: str = "all", full: bool = False, sanitized: bool = False, format: str = "text"
    ) -> dict[str, str]:
        if retrieve not in ("all", "running", "startup", "candidate"):
            raise ValueError(f"Wrong retrieve filter: {retrieve}")  # as napalm's eos driver says
        running: str = self.device.step("get_config", lambda: self.device.running)
        return {"running": running if retrieve in ("all", "running") else "", "startup": "", "candidate": ""}


def _register() -> None:
    """napalm finds community drivers as the module napalm_<platform>."""
    if "napalm_fault" not in sys.modules:
        module = types.ModuleType("napalm_fault")
        module.FaultDriver = FaultDriver  # type: ignore[attr-defined]
        sys.modules["napalm_fault"] = module
    ConnectionPluginRegister.auto_register()


def fault_nornir(devices: list[FakeDevice], workers: int = 1) -> Nornir:
    """The real Nornir (threaded runner, nornir_napalm connections) over fake devices."""
    _register()
    hosts = Hosts(
        {
            device.name: Host(
                name=device.name,
                hostname=device.name,
                platform=PLATFORM,
                connection_options={
                    "napalm": ConnectionOptions(extras={"optional_args": {"device": device}})
                },
            )
            for device in devices
        }
    )
    inventory = Inventory(hosts=hosts, groups=Groups(), defaults=Defaults())
    return Nornir(inventory=inventory, runner=ThreadedRunner(num_workers=workers))
