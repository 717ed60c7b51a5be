"""The sample rollout on a fresh lab: a canary that breaks BGP halts and reverts alone, every migration
goes up and verifies, the record on the devices tells the truth, and down to zero restores the start."""

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from fundament.paths import SAMPLE_DESIGN
from inventory import load_design
from network.lab import control
from network.lifecycle import tasks
from network.migrate.state import read_record
from network.targets import Target, nornir_for
from tests.lab.conftest import Lab
from tests.lab.fundament_cli import design_copy, fundament

pytestmark = pytest.mark.lab

UNDERLAY = ("0001_beheer_en_hardening", "0002_rekencentrum_underlay")
WAVE_DEVICES = ("spine1", "spine2", "leaf1", "leaf2", "bl1", "bl2")


def running_configs() -> dict[str, str]:
    design = load_design()
    nr = nornir_for(design, Target.LAB, [device.name for device in design.devices])
    try:
        results = nr.run(task=tasks.running_config)
    finally:
        nr.close_connections(on_failed=True)
    assert not results.failed, {name: str(r.exception) for name, r in results.failed_hosts.items()}
    return {name: multi[0].result for name, multi in results.items()}


def records() -> dict[str, tuple[str, ...]]:
    return {name: read_record(config) for name, config in running_configs().items()}


def migrate(*args: str) -> subprocess.CompletedProcess[str]:
    return fundament("migrate", *args, "--check-wait", "60")


BASELINE_FILES = "cat /etc/issue.net; ls /etc/ssh/sshd_config.d"


@pytest.fixture(scope="module")
def fresh_lab(lab: Lab) -> Iterator[dict[str, str]]:
    """A freshly deployed lab and the running config of every device as it started."""
    with control.lab_lock(lab.design):
        control.down(lab.design)
        control.up(lab.design)
    yield running_configs()


@pytest.fixture(scope="module")
def fresh_files(fresh_lab: dict[str, str], lab: Lab) -> str:
    """The files the baseline migration takes over, as the fresh lab has them (on one switch)."""
    return lab.ssh("leaf1", BASELINE_FILES)[1]


def test_a_fresh_lab_has_no_migration_applied(fresh_lab: dict[str, str], fresh_files: str) -> None:
    result = fundament("migrate", "status", "--json")
    assert result.returncode == 0, result.stderr
    assert {row["state"] for row in json.loads(result.stdout)["migrations"]} == {"pending"}


def test_pre_checks_refuse_a_design_that_contradicts_the_network(
    fresh_lab: dict[str, str], tmp_path: Path
) -> None:
    assert migrate("up", "--to", "0002").returncode == 0
    before = running_configs()
    broken = design_copy(tmp_path, devices=("asn: 65101", "asn: 65111"))
    result = migrate("up", "--to", "0003", "-i", str(broken), "--json")
    assert result.returncode == 1
    (step,) = json.loads(result.stdout)["steps"]
    assert step["status"] == "blocked" and step["message"].startswith("pre-checks failed, nothing changed")
    assert "AS 65111" in step["message"]
    assert running_configs() == before


def test_a_canary_that_breaks_bgp_halts_and_reverts_with_later_waves_untouched(
    fresh_lab: dict[str, str], tmp_path: Path
) -> None:
    before = running_configs()
    assert {name for name, ids in records().items() if ids == UNDERLAY} == set(WAVE_DEVICES)
    broken = design_copy(tmp_path, devices=("asn: 65101", "asn: 65111"))
    # A migration whose author gates it on baseline checks only, with leaf1 alone as canary: the wrong ASN
    # reaches leaf1, whose spines still expect AS 65101.
    migrations = tmp_path / "migrations"
    shutil.copytree(SAMPLE_DESIGN / "migrations", migrations)
    overlay = migrations / "0003_evpn_overlay.yaml"
    text = overlay.read_text().replace("{devices: [spine1, leaf1, leaf2]}", "{devices: [leaf1]}")
    overlay.write_text(text + "pre_checks: {tags: [baseline]}\n")
    result = migrate("up", "--to", "0003", "-i", str(broken), "-m", str(migrations), "--json")
    assert result.returncode == 1
    steps = json.loads(result.stdout)["steps"]
    assert [step["status"] for step in steps] == ["halted"]
    assert "canary failed on leaf1" in steps[0]["message"]
    (leaf1,) = steps[0]["devices"]
    assert leaf1["status"] == "reverted" and "spine1" in leaf1["message"] and "AS 65111" in leaf1["message"]
    assert running_configs() == before, "canary reverted and the second wave never started"
    assert {name for name, ids in records().items() if ids == UNDERLAY} == set(WAVE_DEVICES)


def test_every_migration_goes_up_and_the_network_verifies(fresh_lab: dict[str, str]) -> None:
    result = migrate("up", "--json")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert all(step["status"] == "done" for step in json.loads(result.stdout)["steps"])
    verify = fundament("net", "verify", "--json")
    assert verify.returncode in (0, 3), verify.stdout[-4000:]
    status = json.loads(fundament("migrate", "status", "--json").stdout)
    assert {row["state"] for row in status["migrations"]} == {"applied"}
    assert fundament("net", "plan").returncode == 0, "all migrations together are the design net apply pushes"


def test_down_to_zero_returns_every_device_to_its_starting_config(
    fresh_lab: dict[str, str], fresh_files: str, lab: Lab
) -> None:
    assert "Toegang uitsluitend" in lab.ssh("leaf1", "cat /etc/issue.net")[1], "baseline is up"
    result = migrate("down", "--to", "0", "--json")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    now = running_configs()
    assert now == fresh_lab
    assert lab.ssh("leaf1", BASELINE_FILES)[1] == fresh_files, "banner and sshd drop-in as they were"
    status = json.loads(fundament("migrate", "status", "--json").stdout)
    assert {row["state"] for row in status["migrations"]} == {"pending"}
