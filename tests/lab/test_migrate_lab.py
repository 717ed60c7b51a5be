"""The sample rollout from day 0: pre-checks refuse a design the network contradicts, a canary that breaks
BGP halts and reverts alone, every migration goes up and verifies, the record on the devices tells the truth.

The module leaves the lab with every migration up, which is the design: the modules after it run on that,
and the session's last lab test (test_zones_lab's) goes down to zero and compares with the day-0 configs.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from fundament.paths import SAMPLE_DESIGN
from network.migrate.state import read_record
from tests.lab.conftest import Lab
from tests.lab.day_zero import DayZero, day_zero, running_configs
from tests.lab.fundament_cli import design_copy, fundament, not_done

pytestmark = pytest.mark.lab

UNDERLAY = ("0001_beheer_en_hardening", "0002_rekencentrum_underlay")
WAVE_DEVICES = ("spine1", "spine2", "leaf1", "leaf2", "bl1", "bl2")
WRONG_ASN = {"devices": ("asn: 65101", "asn: 65111")}


def records() -> dict[str, tuple[str, ...]]:
    return {name: read_record(config) for name, config in running_configs().items()}


def migrate(*args: str, wait: int = 60) -> subprocess.CompletedProcess[str]:
    # Every migration up from 0002 is 8 waves on user-mode-Linux switches: it took over 900 s in the lab.
    # The revert timer outlasts the longest wait (300 s, the zones' flows across sites on a loaded machine).
    return fundament("migrate", *args, "--check-wait", str(wait), "--revert-in", "900", timeout=2400)


@pytest.fixture(scope="module")
def start(lab: Lab) -> DayZero:
    """The lab at day 0 (deployed afresh only when it is not provably there), as it starts."""
    return day_zero(lab)


def test_a_fresh_lab_has_no_migration_applied(start: DayZero) -> None:
    result = fundament("migrate", "status", "--json")
    assert result.returncode == 0, result.stderr
    assert {row["state"] for row in json.loads(result.stdout)["migrations"]} == {"pending"}


def test_pre_checks_refuse_a_design_that_contradicts_the_network(start: DayZero, tmp_path: Path) -> None:
    assert migrate("up", "--to", "0002").returncode == 0
    before = running_configs()
    broken = design_copy(tmp_path, **WRONG_ASN)
    # The network has just passed 0002's post-checks and the contradiction does not go away: a retry of
    # the failed pre-checks would only be waited for.
    result = migrate("up", "--to", "0003", "-i", str(broken), "--json", wait=0)
    assert result.returncode == 1
    (step,) = json.loads(result.stdout)["steps"]
    assert step["status"] == "blocked" and step["message"].startswith("pre-checks failed, nothing changed")
    assert "AS 65111" in step["message"]
    assert running_configs() == before


def test_a_canary_that_breaks_bgp_halts_and_reverts_with_later_waves_untouched(
    start: DayZero, tmp_path: Path
) -> None:
    before = running_configs()
    assert {name for name, ids in records().items() if ids == UNDERLAY} == set(WAVE_DEVICES)
    broken = design_copy(tmp_path, **WRONG_ASN)
    # A migration whose author gates it on baseline checks only, with leaf1 alone as canary: the wrong ASN
    # reaches leaf1, whose spines still expect AS 65101.
    migrations = tmp_path / "migrations"
    shutil.copytree(SAMPLE_DESIGN / "migrations", migrations)
    overlay = migrations / "0003_evpn_overlay.yaml"
    text = overlay.read_text().replace("{devices: [spine1, leaf1, leaf2]}", "{devices: [leaf1]}")
    overlay.write_text(text + "pre_checks: {tags: [baseline]}\n")
    # The broken session is retried for the whole wait before the canary reverts: 30 s shows it broken.
    result = migrate("up", "--to", "0003", "-i", str(broken), "-m", str(migrations), "--json", wait=30)
    assert result.returncode == 1
    steps = json.loads(result.stdout)["steps"]
    assert [step["status"] for step in steps] == ["halted"]
    assert "canary failed on leaf1" in steps[0]["message"]
    (leaf1,) = steps[0]["devices"]
    assert leaf1["status"] == "reverted" and "spine1" in leaf1["message"] and "AS 65111" in leaf1["message"]
    assert running_configs() == before, "canary reverted and the second wave never started"
    assert {name for name, ids in records().items() if ids == UNDERLAY} == set(WAVE_DEVICES)


def test_every_migration_goes_up_and_the_network_verifies(start: DayZero) -> None:
    # The zones' flows cross sites, the firewall and two EVPN hops: 60 s was not enough in one run.
    result = migrate("up", "--json", wait=300)
    assert result.returncode == 0, not_done(result.stdout) + result.stderr[-2000:]
    assert all(step["status"] == "done" for step in json.loads(result.stdout)["steps"])
    verify = fundament("net", "verify", "--json")
    assert verify.returncode in (0, 3), verify.stdout[-4000:]
    status = json.loads(fundament("migrate", "status", "--json").stdout)
    assert {row["state"] for row in status["migrations"]} == {"applied"}
    assert fundament("net", "plan").returncode == 0, "all migrations together are the design net apply pushes"
