"""Zones in the live lab: the design applied with zones live passes the whole catalog, the service-level
zone matrix included; the dual-homed server keeps its flows over one leaf; a change that leaks a zone is
caught by `net verify` and reverted by `net apply`'s commit-confirm when a reviewed catalog decides.

The module runs last of the lab modules (conftest.MODULE_ORDER) on the design test_migrate_lab rolled out,
so its apply has nothing to do; its last test, the session's last lab test, takes every migration down to
zero and finds every switch as the session found it at day 0.

The leak: the guest segment put in the office zone's VRF (segments.yaml, zone gast -> kantoor), so guests
reach office workstations, which no rule allows.
"""

import json
from pathlib import Path
from typing import Any

import pytest

from fundament.paths import SAMPLE_DESIGN
from inventory import load_design
from inventory.migrations import load_migrations
from network.intended import Intent, push_configs
from network.lab.topology import day_zero_interfaces
from network.lifecycle import stages
from network.lifecycle.outcome import Status
from network.targets import Target, connected
from tests.lab.conftest import Lab, unjudged
from tests.lab.day_zero import BASELINE_FILES, DayZero, day_zero, running_configs
from tests.lab.fundament_cli import design_copy, fundament, not_applied, not_done

pytestmark = pytest.mark.lab

LEAK = {"segments": ("zone: gast", "zone: kantoor")}
# Applies that must succeed may wait long for the network to converge: 26 user-mode-Linux guests on 2 cores.
CONVERGE = ("--check-wait", "300", "--revert-in", "900")
LEAKING = ("acc2", "acc-noord")
LEAKING_DEVICES = tuple(arg for name in LEAKING for arg in ("--device", name))


def verify(wait: int = 60) -> dict[str, Any]:
    result = fundament("net", "verify", "--json", "--wait", str(wait))
    report: dict[str, Any] = json.loads(result.stdout)
    report["exit"] = result.returncode
    return report


def failing(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in report["results"] if r["status"] != "pass"]


@pytest.fixture(scope="module")
def start(lab: Lab) -> DayZero:
    """Day 0 as the session found it: taken before this module changes anything when it runs alone."""
    return day_zero(lab)


@pytest.fixture(scope="module")
def applied(start: DayZero) -> dict[str, Any]:
    result = fundament("net", "apply", *CONVERGE, "--json")
    assert result.returncode == 0, not_applied(result.stdout) + result.stderr[-2000:]
    return verify()


def test_the_whole_catalog_passes_with_zones_live(applied: dict[str, Any]) -> None:
    assert applied["exit"] == 0, failing(applied)[:10]
    checks = {r["check"] for r in applied["results"]}
    assert {"zone-service", "anycast-gateway", "zone-interfaces"} <= checks
    matrix = [r for r in applied["results"] if r["check"] == "zone-service"]
    assert any("cannot open" in r["title"] for r in matrix) and any(" opens " in r["title"] for r in matrix)


@pytest.mark.xfail(
    strict=False,
    reason="known, issue 11: passed alone (2026-12-03); in the full CI run of 2026-12-03 verify caught the "
    "leak, but the apply that undoes it reverted: acc2 and acc-noord received more prefixes than designed "
    "(14 and 21, expected 1..13) and kantoor's flows through the firewall stayed shut for 300 s",
)
def test_a_zone_leak_made_past_the_checks_is_caught_by_verify_and_undone_by_apply(
    applied: dict[str, Any], tmp_path: Path
) -> None:
    """The leak reaches acc2 and acc-noord as a change made behind fundament's back would: committed through
    the driver with no post-checks (`net apply` of the leaky design would revert it: its own checks expect
    the firewall to file guests under the office zone too). Only the reviewed design can tell it is a leak."""
    leaky = load_design(design_copy(tmp_path, **LEAK))
    intent = Intent(leaky, load_migrations(SAMPLE_DESIGN / "migrations", leaky))
    with connected(leaky, Target.LAB, list(LEAKING)) as nr:
        pushed = stages.apply(nr, push_configs(intent, Target.LAB, LEAKING), unjudged, revert_in=900)
    assert {o.device: o.status for o in pushed} == dict.fromkeys(LEAKING, Status.APPLIED), pushed
    # A retry re-runs only failed checks, which the leak keeps failing: a wait would only be spent.
    caught = verify(wait=0)
    assert caught["exit"] == 1
    leaks = [r for r in failing(caught) if r["check"] == "zone-service"]
    assert any(r["title"].startswith("h-gast") and "but must not" in r["message"] for r in leaks), leaks
    restored = fundament("net", "apply", *LEAKING_DEVICES, *CONVERGE, "--json")
    assert restored.returncode == 0, restored.stdout[-4000:]
    assert verify()["exit"] == 0


@pytest.mark.xfail(
    strict=False,
    reason="known, issue 11: failed in the full CI run of 2026-12-02 (after test_lifecycle_lab and "
    "test_verify_lab); its cause is not found yet",
)
def test_a_leak_against_a_reviewed_catalog_reverts_by_commit_confirm(
    applied: dict[str, Any], tmp_path: Path, lab: Lab
) -> None:
    catalog = tmp_path / "catalog.yaml"
    assert fundament("net", "verify", "catalog", "-o", str(catalog)).returncode == 0
    leaky = design_copy(tmp_path, **LEAK)
    result = fundament(
        "net",
        "apply",
        "-i",
        str(leaky),
        *LEAKING_DEVICES,
        "--catalog",
        str(catalog),
        # The leak fails its checks at once (wrong VRF, flows open): retrying them only delays the revert.
        "--check-wait",
        "10",
        "--json",
    )
    assert result.returncode == 1, result.stdout[-4000:]
    outcomes = {o["device"]: o for o in json.loads(result.stdout)["devices"]}
    assert {outcomes[name]["status"] for name in ("acc2", "acc-noord")} == {"reverted"}, outcomes
    assert fundament("net", "plan", *LEAKING_DEVICES).returncode == 0, "nothing of the leak stays on them"
    assert verify()["exit"] == 0


@pytest.mark.xfail(
    strict=False,
    reason="known, issue 11: failed in the full CI run of 2026-12-02: routed flows to the dual-homed "
    "h-srv3 depend on both leaves holding its neighbour entry, which FRR 8.4 does not sync "
    "(FRRouting/frr#13934)",
)
def test_the_dual_homed_server_keeps_its_flows_with_one_uplink_down(
    applied: dict[str, Any], lab: Lab
) -> None:
    assert lab.ssh("leaf1", "sudo ip link set eth5 down")[0] == 0
    try:
        result = fundament("net", "verify", "--check", "zone-service", "--json", "--wait", "60")
        flows = [r for r in json.loads(result.stdout)["results"] if "h-srv3" in r["title"]]
        assert flows and [r for r in flows if r["status"] != "pass"] == [], "over leaf2 alone"
    finally:
        lab.ssh("leaf1", "sudo ip link set eth5 up")


@pytest.mark.xfail(
    strict=False,
    reason="known, issue 11: taking migration 0006 down, FRR 8.4's frr-reload removes `router bgp .. vrf X` "
    "before `vrf X / vni N` ('% Please unconfigure l3vni'); the driver restores that switch and the wave "
    "is reverted, so the rollout stops (seen on bl1 in the 2026-12-02 runs)",
)
def test_migrate_down_to_zero_returns_every_switch_to_its_day_zero_config(
    applied: dict[str, Any], start: DayZero, lab: Lab
) -> None:
    """The session's last lab test: what every migration built, taken down in reverse, leaves nothing."""
    assert "Toegang uitsluitend" in lab.ssh("leaf1", "cat /etc/issue.net")[1], "baseline is up"
    result = fundament("migrate", "down", "--to", "0", *CONVERGE, "--json")
    assert result.returncode == 0, not_done(result.stdout) + result.stderr[-2000:]
    status = json.loads(fundament("migrate", "status", "--json").stdout)
    assert {row["state"] for row in status["migrations"]} == {"pending"}
    assert running_configs() == start.configs
    assert lab.ssh("leaf1", BASELINE_FILES)[1] == start.files, "banner and sshd drop-in as they were"
    for name in lab.nodes:
        assert lab.ssh(name, "cat /etc/network/interfaces")[1] == day_zero_interfaces(lab.design, name), name
        # No VRF, bond or VLAN-aware bridge is left behind in the kernel.
        assert (
            lab.ssh(name, "ip -br link show type vrf; ip -br link show type bond | grep -v ^bond0")[1] == ""
        )
