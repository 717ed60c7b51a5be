"""The loopback reachability plan: linear in the design, and a broken device still fails checks."""

import tempfile
from pathlib import Path

import pytest

from inventory import Design, load_design
from inventory import generate as generator
from network.targets import Target
from network.verify.check import Status
from network.verify.checks.routing import LoopbackReachability
from network.verify.generate import generate
from network.verify.observe import Observations, Ping
from network.verify.reachability import loopback_plans


@pytest.fixture(scope="module")
def design() -> Design:
    return load_design()


@pytest.fixture(scope="module")
def generated() -> Design:
    with tempfile.TemporaryDirectory() as folder:
        generator.write(generator.generate(sites=40, access_per_site=3), Path(folder))
        return load_design(Path(folder))


def _loopback_checks(design: Design) -> list[LoopbackReachability]:
    return [check for check in generate(design, Target.LAB) if isinstance(check, LoopbackReachability)]


def test_sample_leaf_reaches_its_site_the_next_site_and_the_hub(design: Design) -> None:
    plans = {plan.device.name: plan for plan in loopback_plans(design, {d.name for d in design.devices})}
    dc1 = {d.name for d in design.devices if d.site == "dc1"}
    ph = [d for d in design.devices if d.site == "ph"]
    assert set(plans["leaf1"].targets) == (dc1 - {"leaf1"}) | {ph[0].name}
    # the last site's ring neighbour is the first site, which is also the hub
    last_site = design.sites[-1].name
    last = next(d for d in design.devices if d.site == last_site)
    assert set(plans[last.name].targets) - {d.name for d in design.devices if d.site == last_site} == {
        "spine1"
    }


def test_plan_grows_with_devices_times_site_size_not_the_square(generated: Design) -> None:
    site_size = {site.name: sum(d.site == site.name for d in generated.devices) for site in generated.sites}
    targets = 0
    for plan in loopback_plans(generated, {d.name for d in generated.devices}):
        own = {d.name for d in generated.devices if d.site == plan.device.site}
        outside = set(plan.targets) | set(plan.not_expected)
        assert len(outside - own) <= 2, plan.device.name
        assert len(plan.targets) + len(plan.not_expected) <= site_size[plan.device.site] + 1
        targets += len(plan.targets)
    devices = len(generated.devices)
    assert targets <= devices * (max(site_size.values()) + 1) < devices * (devices - 1) // 4


@pytest.mark.parametrize("fixture", ["design", "generated"])
def test_every_device_is_a_target_of_another_device(fixture: str, request: pytest.FixtureRequest) -> None:
    chosen: Design = request.getfixturevalue(fixture)
    reached = {name for check in _loopback_checks(chosen) for name in check.inputs.targets}
    assert reached == {d.name for d in chosen.devices}


def _network_with_broken(design: Design, broken: str | None) -> Observations:
    """Ping answers of a network where `broken` neither sends nor is reached; everything else works."""
    lost = str(design.device_by_name[broken].loopback) if broken else None
    seen = Observations()
    for check in _loopback_checks(design):
        for request in check.requests():
            assert isinstance(request, Ping)
            fails = check.inputs.device == broken or request.destination == lost
            answer = {"error": "timeout"} if fails else {"success": {"probes_sent": 1, "packet_loss": 0}}
            seen.record(request, answer)
    return seen


@pytest.mark.parametrize("broken", ["leaf1", "spine2", "acc-noord", "wan-zuid"])
def test_a_broken_device_fails_its_own_check_and_its_site_neighbours(design: Design, broken: str) -> None:
    seen = _network_with_broken(design, broken)
    failed = {
        check.inputs.device for check in _loopback_checks(design) if check.run(seen).status is Status.FAIL
    }
    device = design.device_by_name[broken]
    neighbours = {
        d.name for d in design.devices if d.site == device.site and d.asn != device.asn and d.name != broken
    }
    assert broken in failed
    assert neighbours <= failed
    healthy = _network_with_broken(design, None)
    assert all(check.run(healthy).status is Status.PASS for check in _loopback_checks(design))
