"""The config lifecycle against the live lab: apply, plan, a deliberate change, rollback, and faults.

The module applies the sample design first; every test leaves the lab at the design again.
"""

import json
import os
import signal
import subprocess
from pathlib import Path
from typing import Any

import pytest

from inventory import load_design
from network.lifecycle import stages
from network.lifecycle.outcome import Status
from network.targets import Target, connected
from tests.lab.conftest import Lab, unjudged
from tests.lab.fundament_cli import FUNDAMENT, changed_lines, design_copy, fundament

pytestmark = pytest.mark.lab

TIMERS_CHANGED = {"routing": ("keepalive: 3\n    holdtime: 9", "keepalive: 5\n    holdtime: 15")}
LEAF1_WRONG_ASN = {"devices": ("asn: 65101", "asn: 65111")}


def _devices(result: subprocess.CompletedProcess[str]) -> dict[str, dict[str, Any]]:
    assert result.stdout, result.stderr
    return {entry["device"]: entry for entry in json.loads(result.stdout)["devices"]}


@pytest.fixture(scope="module")
def applied(lab: Lab) -> dict[str, dict[str, Any]]:
    result = fundament("net", "apply", "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    return _devices(result)


def test_apply_brings_every_device_to_the_design(applied: dict[str, dict[str, Any]], lab: Lab) -> None:
    assert set(applied) == set(lab.nodes)
    assert {entry["status"] for entry in applied.values()} <= {"applied", "unchanged"}


def test_every_designed_bgp_session_is_up_after_apply(applied: dict[str, dict[str, Any]]) -> None:
    result = fundament("net", "verify", "--tag", "bgp", "--json")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    sessions = [r for r in json.loads(result.stdout)["results"] if r["check"] == "bgp-session"]
    assert len(sessions) == len(load_design().links)


def test_plan_after_apply_shows_no_changes(applied: dict[str, dict[str, Any]]) -> None:
    result = fundament("net", "plan", "--json")
    assert result.returncode == 0, result.stdout
    assert {entry["status"] for entry in _devices(result).values()} == {"unchanged"}


def test_drift_reports_every_device_compliant_and_names_what_drifted(
    applied: dict[str, dict[str, Any]], lab: Lab
) -> None:
    clean = fundament("net", "drift", "--json")
    assert clean.returncode == 0, clean.stdout
    assert json.loads(clean.stdout)["compliant"] == len(lab.nodes)
    lab.ssh("leaf2", "sudo vtysh -c 'configure terminal' -c 'router bgp 65102' -c 'timers bgp 4 12'")
    try:
        drifted = fundament("net", "drift", "--device", "leaf2", "--json")
        assert drifted.returncode == 2
        (row,) = json.loads(drifted.stdout)["report"]
        assert row == {"device": "leaf2", "compliant": False, "differences": 2, "error": ""}
    finally:
        assert fundament("net", "apply", "--device", "leaf2").returncode == 0


def test_a_design_change_shows_exactly_that_diff(applied: dict[str, dict[str, Any]], tmp_path: Path) -> None:
    changed = design_copy(tmp_path, **TIMERS_CHANGED)
    result = fundament("net", "plan", "--device", "leaf1", "-i", str(changed), "--json")
    assert result.returncode == 2, result.stdout + result.stderr
    assert changed_lines(_devices(result)["leaf1"]["diff"]) == ["- timers bgp 3 9", "+ timers bgp 5 15"]


def test_rollback_restores_the_previous_config(applied: dict[str, dict[str, Any]], tmp_path: Path) -> None:
    changed = design_copy(tmp_path, **TIMERS_CHANGED)
    pushed = fundament("net", "apply", "--device", "leaf1", "-i", str(changed), "--json")
    assert _devices(pushed)["leaf1"]["status"] == "applied", pushed.stdout
    assert fundament("net", "plan", "--device", "leaf1").returncode == 2
    rolled = fundament("net", "rollback", "--device", "leaf1", "--json")
    assert rolled.returncode == 0 and _devices(rolled)["leaf1"]["status"] == "rolled-back", rolled.stdout
    assert fundament("net", "plan", "--device", "leaf1").returncode == 0


def test_an_as_change_the_device_cannot_take_is_undone_at_once(
    applied: dict[str, dict[str, Any]], tmp_path: Path
) -> None:
    """leaf1's own AS changed. With the zones' VRF instances depending on the default BGP instance, FRR
    8.4's frr-reload cannot make the change (bgpd refuses, then dies): the commit fails on the device and
    the driver restores the rollback point at once. A change that applies but breaks sessions and is
    reverted by commit-confirm is test_zones_lab's reviewed-catalog leak and test_migrate_lab's canary."""
    broken = design_copy(tmp_path, **LEAF1_WRONG_ASN)
    result = fundament("net", "apply", "--device", "leaf1", "-i", str(broken), "--check-wait", "30", "--json")
    assert result.returncode == 1
    leaf1 = _devices(result)["leaf1"]
    assert leaf1["status"] == "failed", leaf1["message"]
    assert "applying the candidate failed; restoring the rollback point" in leaf1["message"], leaf1["message"]
    assert fundament("net", "plan", "--device", "leaf1").returncode == 0, "leaf1 is back at the design"


def test_an_unreachable_device_fails_alone_and_leaves_nothing_half_applied(
    applied: dict[str, dict[str, Any]], tmp_path: Path, lab: Lab
) -> None:
    changed = design_copy(tmp_path, **TIMERS_CHANGED)
    container = lab.node("acc-zuid").container
    subprocess.run(["docker", "pause", container], check=True)
    try:
        result = fundament(
            "net", "apply", "--site", "sp-zuid", "-i", str(changed), "--check-wait", "20", "--json"
        )
    finally:
        subprocess.run(["docker", "unpause", container], check=True)
    devices = _devices(result)
    assert result.returncode == 1
    assert devices["acc-zuid"]["status"] == "failed"
    assert f"cannot connect to {lab.node('acc-zuid').mgmt_ipv4}" in devices["acc-zuid"]["message"]
    # wan-zuid committed, but its session to the frozen acc-zuid is down: its checks fail, so it reverted.
    assert devices["wan-zuid"]["status"] == "reverted", devices["wan-zuid"]
    plan = fundament("net", "plan", "--site", "sp-zuid", "--json")
    assert {entry["status"] for entry in _devices(plan).values()} == {"unchanged"}, plan.stdout


def test_wrong_credentials_fail_every_device_cleanly_and_change_nothing(
    applied: dict[str, dict[str, Any]], lab: Lab, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FUNDAMENT_LAB_PASSWORD", "not-the-lab-password")
    result = fundament("net", "apply", "--site", "dc1", "--json")
    monkeypatch.undo()
    assert result.returncode == 1
    devices = _devices(result)
    assert {entry["status"] for entry in devices.values()} == {"failed"}
    assert all("authentication failed" in entry["message"] for entry in devices.values()), devices
    assert "not-the-lab-password" not in result.stdout + result.stderr
    assert fundament("net", "plan", "--site", "dc1").returncode == 0


def test_a_config_the_device_rejects_fails_that_device_only(applied: dict[str, dict[str, Any]]) -> None:
    design = load_design()

    with connected(design, Target.LAB, ["leaf1", "leaf2"]) as nr:
        running = {
            name: multi[0].result
            for name, multi in nr.run(
                task=lambda task: task.host.get_connection("napalm", task.nornir.config).get_config(
                    retrieve="running"
                )["running"]
            ).items()
        }
        rejected = running["leaf1"].replace(
            "router bgp 65101", "router bgp 65101\n neighbor eth1 remote-as banana"
        )
        configs = {"leaf1": rejected, "leaf2": running["leaf2"]}
        outcomes = {o.device: o for o in stages.apply(nr, configs, unjudged, revert_in=120)}
    assert outcomes["leaf1"].status is Status.FAILED
    assert "banana" in outcomes["leaf1"].message or "reject" in outcomes["leaf1"].message.lower()
    assert outcomes["leaf2"].status is Status.UNCHANGED
    assert fundament("net", "plan", "--device", "leaf1").returncode == 0, "leaf1 untouched"


def test_sigint_at_the_first_commit_reverts_every_committed_switch_and_starts_no_other(
    applied: dict[str, dict[str, Any]], tmp_path: Path, lab: Lab
) -> None:
    """As in the issue: Ctrl-C at the first `commit:` line of an apply of every switch."""
    changed = design_copy(tmp_path, **TIMERS_CHANGED)
    run = subprocess.Popen(
        [str(FUNDAMENT), "net", "apply", "-i", str(changed), "--workers", "4", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "CI": "true"},
    )
    assert run.stderr is not None
    seen = []
    for line in run.stderr:
        seen.append(line)
        if line.startswith("commit: "):
            run.send_signal(signal.SIGINT)
            break
    stdout, stderr = run.communicate(timeout=600)
    assert run.returncode == 1, "".join(seen) + stderr
    devices = json.loads(stdout)["devices"]
    assert {d["device"] for d in devices} == set(lab.nodes)
    messages = {d["message"] for d in devices}
    assert messages <= {
        "reverted: SIGINT during the commit phase",
        "not changed: SIGINT arrived before its turn",
    }, messages
    assert {d["status"] for d in devices if d["message"].startswith("reverted")} == {"reverted"}
    assert any(d["message"].startswith("reverted") for d in devices)
    with connected(lab.design, Target.LAB, sorted(lab.nodes)) as nr:
        pending = nr.run(
            task=lambda task: task.host.get_connection("napalm", task.nornir.config).has_pending_commit()
        )
    assert not any(multi[0].result for multi in pending.values()), "a switch was left pending"
    assert fundament("net", "plan").returncode == 0, "every switch is back at the design"
