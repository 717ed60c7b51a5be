"""The generated catalog on answers recorded from the live sample lab (`fundament net verify --record`).

lab-before-apply.json: the lab freshly deployed, no configuration pushed yet. The cabling, the management
plane and the isolation between segments already hold; routing and the overlay do not.
lab-applied.json: the same lab after `fundament net apply`: every check passes.
lab-broken.json: the applied lab with spine1:eth1 shut and leaf1's session to spine2 set to peer AS 65999,
recorded with `--device spine1 --device leaf1`: leaf1 is cut off.

design/: the sample design as it was when these were recorded (the lab's test hosts and ports of then).
That lab ran as containers and did not cable the design's firewall: the replay leaves it out.
"""

import json
from collections import defaultdict
from pathlib import Path

import pytest

from inventory import load_design
from inventory.model.migration import Feature
from network.verify.check import CheckResult, Status
from network.verify.generate import generate
from network.verify.observe import Observations
from network.verify.reach import RecordedReach
from network.verify.runner import run, select

RECORDED = Path(__file__).parent / "recorded"
_RECORDED_DESIGN = load_design(RECORDED / "design")
DESIGN = _RECORDED_DESIGN.model_copy(
    update={"security": _RECORDED_DESIGN.security.model_copy(update={"firewall": None})}
)
# The recorded lab ran the design without zones (its kernels had no VLANs or VRFs).
FEATURES = {device.name: frozenset(Feature) - {Feature.ZONES} for device in DESIGN.devices}


def replay(name: str, devices: list[str] | None = None) -> list[CheckResult]:
    recording = Observations.from_json(json.loads((RECORDED / name).read_text()))
    return run(
        select(generate(DESIGN, features=FEATURES), devices=devices), RecordedReach(recording), wait=0
    ).results


@pytest.fixture(scope="module")
def before_apply() -> dict[str, list[CheckResult]]:
    by_check: dict[str, list[CheckResult]] = defaultdict(list)
    for result in replay("lab-before-apply.json"):
        by_check[result.check].append(result)
    return by_check


def test_every_check_passes_on_the_applied_lab() -> None:
    results = replay("lab-applied.json")
    assert len(results) == len(generate(DESIGN, features=FEATURES))
    assert [f"{r.title}: {r.message}" for r in results if r.status is not Status.PASS] == []
    spine1 = next(r for r in results if r.title == "loopbacks from spine1 (10.255.0.1)")
    assert spine1.message == (
        "spine1 reaches all 5 loopbacks (not expected: spine2: same AS 65100, eBGP drops its routes)"
    )


@pytest.mark.parametrize("check", ["lldp-neighbors", "interfaces", "ssh-only", "no-default-credentials"])
def test_cabling_and_management_hold_before_apply(
    before_apply: dict[str, list[CheckResult]], check: str
) -> None:
    assert before_apply[check]
    assert [r.message for r in before_apply[check] if r.status is not Status.PASS] == []


def test_no_bgp_before_apply(before_apply: dict[str, list[CheckResult]]) -> None:
    sessions = before_apply["bgp-session"]
    assert {r.status for r in sessions} == {Status.FAIL}
    wan = next(r for r in sessions if r.title == "BGP bl1 (AS 65103) <-> wan-noord (AS 65301)")
    assert "bl1 has no BGP session 10.254.0.1 to wan-noord" in wan.message
    assert "wan-noord has no BGP session 10.254.0.0 to bl1" in wan.message


def test_no_vnis_before_apply(before_apply: dict[str, list[CheckResult]]) -> None:
    leaf1 = next(r for r in before_apply["evpn-vni"] if r.title == "VNIs on leaf1")
    assert leaf1.status is Status.FAIL
    assert "leaf1:vxlan10210 (VNI 10210, segment server) does not exist" in leaf1.message


def test_loopbacks_unreachable_before_apply(before_apply: dict[str, list[CheckResult]]) -> None:
    spine1 = next(
        r for r in before_apply["loopback-reachability"] if r.title.startswith("loopbacks from spine1")
    )
    assert spine1.status is Status.FAIL
    assert (
        "spine1 (10.255.0.1) cannot reach leaf1 10.255.0.11 (ping: bind: Cannot assign requested address)"
        in (spine1.message)
    )


def test_segments_isolated_but_not_stretched_before_apply(before_apply: dict[str, list[CheckResult]]) -> None:
    results = {r.title: r for r in before_apply["endpoint-reachability"]}
    assert results["h-srv1 reaches h-srv2"].status is Status.FAIL
    assert results["h-ws1 reaches h-ws2"].status is Status.FAIL
    assert results["h-gast does not reach h-srv1"].status is Status.PASS
    failing = {title for title, r in results.items() if r.status is not Status.PASS}
    assert failing == {
        "h-srv1 reaches h-srv2",
        "h-srv2 reaches h-srv1",
        "h-ws1 reaches h-ws2",
        "h-ws2 reaches h-ws1",
    }


def test_each_break_fails_the_check_meant_for_it() -> None:
    results = {r.title: r for r in replay("lab-broken.json", ["spine1", "leaf1"])}
    failed = {title: r.message for title, r in results.items() if r.status is not Status.PASS}
    assert failed == {
        "LLDP spine1:eth1 <-> leaf1:eth1": (
            "spine1:eth1 should see leaf1:eth1, sees no LLDP neighbor; "
            "leaf1:eth1 should see spine1:eth1, sees no LLDP neighbor"
        ),
        "interfaces of spine1": "spine1:eth1 (to leaf1:eth1) is administratively down",
        "interfaces of leaf1": "leaf1:eth1 (to spine1:eth1) is down",
        "BGP spine1 (AS 65100) <-> leaf1 (AS 65101)": (
            "spine1 eth1 -> leaf1 is not established; leaf1 eth1 -> spine1 is not established"
        ),
        "BGP spine2 (AS 65100) <-> leaf1 (AS 65101)": (
            "spine2 eth1 -> leaf1 is not established; leaf1 eth2 -> spine2 is not established; "
            "leaf1 eth2 -> spine2: peer AS is 65999, the design says 65100"
        ),
        "loopbacks from spine1 (10.255.0.1)": "spine1 (10.255.0.1) cannot reach leaf1 10.255.0.11 (all 2 probes lost)",
        "loopbacks from leaf1 (10.255.0.11)": failed["loopbacks from leaf1 (10.255.0.11)"],
        "h-srv1 reaches h-srv2": failed["h-srv1 reaches h-srv2"],
        "h-srv2 reaches h-srv1": failed["h-srv2 reaches h-srv1"],
    }
    assert failed["loopbacks from leaf1 (10.255.0.11)"].startswith(
        "leaf1 (10.255.0.11) cannot reach spine1 10.255.0.1 (all 2 probes lost)"
    )
    assert "cannot reach h-srv2 (leaf2:eth3, segment server)" in failed["h-srv1 reaches h-srv2"]
    assert results["LLDP spine2:eth1 <-> leaf1:eth2"].status is Status.PASS, "the cable is fine, BGP is not"
