"""Which commands take the change lock: apply, rollback and migrate up/down are refused while another
change holds it, before they touch any device; plan, drift, backup and migrate status/plan take none and
run beside a change. Run through the recorded EOS devices, so "touch" is every eAPI request."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fundament.cli.design import design_folder
from network.lifecycle.lock import apply_lock
from tests.unit.eos_driver.eapi import EosDevice
from tests.unit.eos_driver.test_eos_commands import FIRST, fundament, services_catalog
from tests.unit.eos_driver.test_eos_commands import devices as devices

TARGET = ["--target", "production"]


@pytest.fixture
def change_in_flight(devices: dict[str, EosDevice]) -> Iterator[None]:
    """Another change holds the lock for the sample design on the production target."""
    with apply_lock(design_folder(None), "production"):
        yield


def untouched(devices: dict[str, EosDevice]) -> bool:
    return not any(device.requests for device in devices.values())


@pytest.mark.usefixtures("change_in_flight")
@pytest.mark.parametrize(
    "command",
    [
        ["net", "apply", "-d", "leaf1", "--catalog", "CATALOG"],
        ["net", "rollback", "-d", "leaf1"],
        ["migrate", "up", "--to", FIRST.id, "--approve"],
        ["migrate", "down", "--to", "0", "--approve"],
    ],
    ids=["net apply", "net rollback", "migrate up", "migrate down"],
)
def test_a_change_is_refused_while_another_holds_the_lock(
    command: list[str], devices: dict[str, EosDevice], tmp_path: Path
) -> None:
    catalog = str(services_catalog(tmp_path, ["leaf1"]))
    result = fundament(*[catalog if part == "CATALOG" else part for part in command], *TARGET)
    assert result.exit_code == 1
    assert "another apply on target production" in result.output
    assert untouched(devices)


@pytest.mark.usefixtures("change_in_flight")
@pytest.mark.parametrize(
    ("command", "exit_code"),
    [
        (["net", "plan", "-d", "leaf1"], 2),
        (["net", "drift", "-d", "leaf1"], 2),
        (["net", "backup", "-d", "leaf1"], 0),
        (["migrate", "status"], 0),
        (["migrate", "plan", "--to", FIRST.id], 2),
    ],
    ids=["net plan", "net drift", "net backup", "migrate status", "migrate plan"],
)
def test_a_read_only_command_runs_beside_a_change(
    command: list[str], exit_code: int, devices: dict[str, EosDevice], tmp_path: Path
) -> None:
    result = fundament(*command, *TARGET, *(["-o", str(tmp_path / "backup")] if "backup" in command else []))
    assert result.exit_code == exit_code, result.output
    assert not untouched(devices)
    assert all(not device.sessions for device in devices.values())
