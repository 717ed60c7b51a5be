"""`net plan/apply/rollback` and `migrate up/down/status` on the production target, through NAPALM's real
`eos` driver and pyeapi's real client, with only the eAPI exchange answered by recorded devices
(eapi.py). The lab's napalm_frr is nowhere in these runs: what passes here passes NAPALM's EOS
contract (no commit message, a config session per change, commit timer, abort, confirm)."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from nornir.core.inventory import ConnectionOptions, Inventory
from typer.testing import CliRunner

from fundament.app import app
from fundament.paths import SAMPLE_DESIGN
from inventory import load_design
from inventory.migrations import load_migrations
from network import targets
from network.lifecycle.scrub import secret_names
from network.migrate.engine import Migrator
from network.migrate.state import read_record
from network.verify.check import Check
from network.verify.checks.baseline import ServiceConfigured, ServiceInput
from tests.unit.eos_driver.eapi import EosDevice, RecordedEapi

DESIGN = load_design(SAMPLE_DESIGN)
MIGRATIONS = load_migrations(SAMPLE_DESIGN / "migrations", DESIGN)
FIRST = MIGRATIONS[0]
DAY0 = ["hostname {name}", "username netbeheer privilege 15 role network-admin secret 0 day0"]


@pytest.fixture
def devices(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[dict[str, EosDevice]]:
    """Every device of the sample at a day-0 config, reached through the production Nornir."""
    for name in secret_names(DESIGN) | {"FUNDAMENT_NET_USERNAME", "FUNDAMENT_NET_PASSWORD"}:
        monkeypatch.setenv(name, f"secret-value-{name.lower()}")
    monkeypatch.setenv("FUNDAMENT_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("FUNDAMENT_BUILD_DIR", str(tmp_path / "build"))
    found = {}
    for device in DESIGN.devices:
        day0 = [line.format(name=device.name) for line in DAY0]
        found[device.name] = EosDevice(str(device.mgmt_ipv4.ip), running=day0, startup=list(day0))
    load = targets.DesignInventory.load

    def over_recorded_eapi(self: targets.DesignInventory) -> Inventory:
        inventory = load(self)
        for name, host in inventory.hosts.items():
            assert host.platform == "eos"
            args = {"transport": RecordedEapi, "device": found[name]}
            host.connection_options["napalm"] = ConnectionOptions(extras={"optional_args": args})
        return inventory

    monkeypatch.setattr(targets.DesignInventory, "load", over_recorded_eapi)
    yield found
    for recorded in found.values():
        assert recorded.opened == recorded.closed, f"{recorded.hostname}: a NAPALM session was left open"


def fundament(*args: str) -> Any:
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def services_catalog(folder: Path, devices: list[str], ntp: str = r"^ntp server\b") -> Path:
    """A catalog of checks the recorded devices can serve (their running config); the design's own
    production catalog also pings, reads LLDP and BGP and logs in over SSH."""
    checks = [
        {"check": "service-configured", "inputs": {"device": name, "service": "ntp", "lines": [ntp]}}
        for name in devices
    ]
    path = folder / "catalog.yaml"
    path.write_text(json.dumps({"checks": checks}), encoding="utf-8")
    return path


def assert_no_secret(text: str) -> None:
    for name in secret_names(DESIGN):
        assert os.environ[name] not in text


def settled(device: EosDevice) -> bool:
    """No configuration session left open or waiting for confirmation."""
    return all(session.state == "aborted" for session in device.sessions.values())


def test_plan_shows_the_device_diff_and_leaves_no_session(devices: dict[str, EosDevice]) -> None:
    result = fundament("net", "plan", "--target", "production", "-d", "leaf1", "--json")
    assert result.exit_code == 2, result.output
    (outcome,) = json.loads(result.stdout)["devices"]
    assert (outcome["device"], outcome["status"]) == ("leaf1", "pending")
    assert "+ntp server vrf MGMT 10.20.210.123" in outcome["diff"]
    assert "-username netbeheer privilege 15 role network-admin secret 0 day0" in outcome["diff"]
    assert_no_secret(result.output)
    assert devices["leaf1"].running == [line.format(name="leaf1") for line in DAY0]
    assert settled(devices["leaf1"])


def test_apply_commits_with_a_timer_and_confirms_through_the_eos_driver(
    devices: dict[str, EosDevice], tmp_path: Path
) -> None:
    catalog = services_catalog(tmp_path, ["leaf1", "leaf2"])
    result = fundament(
        "net", "apply", "--target", "production", "-d", "leaf1", "-d", "leaf2", "--catalog", str(catalog),
        "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    statuses = {o["device"]: o["status"] for o in json.loads(result.stdout)["devices"]}
    assert statuses == {"leaf1": "applied", "leaf2": "applied"}
    assert_no_secret(result.output)
    for name in ("leaf1", "leaf2"):
        device = devices[name]
        assert settled(device)
        assert device.startup == device.running
        assert os.environ["FUNDAMENT_TACACS_KEY"] in device.running_text
        assert read_record(device.running_text) == tuple(m.id for m in MIGRATIONS if name in m.devices)
        sent = [command for request in device.requests for command in request]
        assert any(command.endswith("commit timer 00:05:00") for command in sent)
    again = fundament("net", "plan", "--target", "production", "-d", "leaf1", "-d", "leaf2")
    assert again.exit_code == 0, again.output


def test_apply_reverts_the_device_whose_checks_fail_by_aborting_its_session(
    devices: dict[str, EosDevice], tmp_path: Path
) -> None:
    catalog = services_catalog(tmp_path, ["leaf1"], ntp=r"^ntp server vrf MGMT 192\.0\.2\.1$")
    result = fundament(
        "net", "apply", "--target", "production", "-d", "leaf1", "--catalog", str(catalog), "--json",
        "--check-wait", "0",
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    (outcome,) = json.loads(result.stdout)["devices"]
    assert outcome["status"] == "reverted"
    assert "192" in outcome["message"]
    leaf1 = devices["leaf1"]
    assert leaf1.running == [line.format(name="leaf1") for line in DAY0]
    assert settled(leaf1)
    assert any(c.startswith("configure session") and c.endswith(" abort") for r in leaf1.requests for c in r)


def test_rollback_returns_to_the_config_before_the_last_apply(
    devices: dict[str, EosDevice], tmp_path: Path
) -> None:
    catalog = services_catalog(tmp_path, ["leaf1"])
    applied = fundament("net", "apply", "--target", "production", "-d", "leaf1", "--catalog", str(catalog))
    assert applied.exit_code == 0, applied.output
    assert devices["leaf1"].running != [line.format(name="leaf1") for line in DAY0]
    result = fundament("net", "rollback", "--target", "production", "-d", "leaf1", "--json")
    assert result.exit_code == 0, result.output
    assert [o["status"] for o in json.loads(result.stdout)["devices"]] == ["rolled-back"]
    assert devices["leaf1"].running == [line.format(name="leaf1") for line in DAY0]
    assert devices["leaf1"].startup == devices["leaf1"].running


@pytest.fixture
def service_checks_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """The migrations' baseline checks, less those that log in or probe ports (not recorded), and one
    on the hostname line, so that a device at day 0 (no service lines yet) has a pre-check too."""
    derived = Migrator.checks_for

    def served(self: Migrator, state: Any, devices: Sequence[str], tags: Any) -> list[Check[Any]]:
        hostname = [
            ServiceConfigured(ServiceInput(device=name, service="dns", lines=[r"^hostname \S+$"]))
            for name in devices
        ]
        found = derived(self, state, devices, tags)
        return [check for check in found if check.name == "service-configured"] + hostname

    monkeypatch.setattr(Migrator, "checks_for", served)


@pytest.mark.usefixtures("service_checks_only")
def test_migrate_up_then_down_through_the_eos_driver(devices: dict[str, EosDevice]) -> None:
    up = fundament("migrate", "up", "--to", FIRST.id, "--target", "production", "--approve", "--json")
    assert up.exit_code == 0, up.output
    steps = json.loads(up.stdout)["steps"]
    assert [s["status"] for s in steps] == ["done", "done"]
    assert_no_secret(up.output)
    for name in FIRST.devices:
        assert read_record(devices[name].running_text) == (FIRST.id,)
        assert settled(devices[name])
    status = fundament("migrate", "status", "--target", "production", "--json")
    assert status.exit_code == 0, status.output
    assert json.loads(status.stdout)["migrations"][0]["state"] == "applied"
    down = fundament("migrate", "down", "--to", "0", "--target", "production", "--approve", "--json")
    assert down.exit_code == 0, down.output
    assert_no_secret(down.output)
    for name in FIRST.devices:
        assert read_record(devices[name].running_text) == ()
        assert settled(devices[name])


@pytest.mark.usefixtures("service_checks_only")
def test_migrate_status_and_up_see_a_commit_waiting_for_confirmation(devices: dict[str, EosDevice]) -> None:
    from napalm import get_network_driver

    leaf1 = devices["leaf1"]
    driver = get_network_driver("eos")(
        leaf1.hostname, "u", "p", optional_args={"transport": RecordedEapi, "device": leaf1}
    )
    driver.open()
    driver.load_replace_candidate(config=f"hostname leaf1\n!! fundament-migrations: {FIRST.id}\n")
    driver.commit_config(revert_in=300)
    status = fundament("migrate", "status", "--target", "production", "--json")
    assert status.exit_code == 0, status.output
    assert json.loads(status.stdout)["pending_commit"] == ["leaf1"]
    up = fundament("migrate", "up", "--to", FIRST.id, "--target", "production", "--approve")
    assert up.exit_code == 1
    assert "leaf1" in up.output and "waiting for confirmation" in up.output
    driver.rollback()
    driver.close()


def test_migrate_plan_shows_the_diff_against_each_device(devices: dict[str, EosDevice]) -> None:
    result = fundament("migrate", "plan", "--to", FIRST.id, "--target", "production", "--json")
    assert result.exit_code == 2, result.output
    canary = json.loads(result.stdout)["steps"][0]["diffs"]["leaf1"]
    assert "-username netbeheer privilege 15 role network-admin secret 0 day0" in canary
    assert f"+!! fundament-migrations: {FIRST.id}" in canary
    assert_no_secret(result.output)
    assert all(settled(device) for device in devices.values())
    assert devices["leaf1"].running == [line.format(name="leaf1") for line in DAY0]


def test_backup_commits_every_running_config_with_its_secrets_masked(
    devices: dict[str, EosDevice], tmp_path: Path
) -> None:
    catalog = services_catalog(tmp_path, ["leaf1"])
    applied = fundament("net", "apply", "--target", "production", "-d", "leaf1", "--catalog", str(catalog))
    assert applied.exit_code == 0, applied.output
    folder = tmp_path / "backups"
    result = fundament("net", "backup", "--target", "production", "-d", "leaf1", "-o", str(folder), "--json")
    assert result.exit_code == 0, result.output
    assert_no_secret(result.output)
    saved = (folder / "leaf1.cfg").read_text(encoding="utf-8")
    assert_no_secret(saved)
    assert "<removed>" in saved
    assert read_record(saved) == read_record(devices["leaf1"].running_text) != ()
    log = subprocess.run(["git", "-C", str(folder), "log", "--format=%s"], capture_output=True, text=True)
    assert log.stdout.count("backup ") == 1 and "leaf1" in log.stdout
    again = fundament("net", "backup", "--target", "production", "-d", "leaf1", "-o", str(folder))
    assert again.exit_code == 0
    log = subprocess.run(["git", "-C", str(folder), "log", "--format=%s"], capture_output=True, text=True)
    assert log.stdout.count("backup ") == 1, "an unchanged backup makes no commit"
