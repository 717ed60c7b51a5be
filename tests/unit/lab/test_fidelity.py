"""The lab fidelity report: every production feature the lab cannot model, with what stands in for it."""

import json

import pytest
from typer.testing import CliRunner

from fundament.app import app
from inventory import Design
from network.firewall import IPTABLES_RULES
from network.lab.control import RuntimeChoice
from network.lab.fidelity import LabPlatform, gaps, lab_platform
from network.lab.topology import Runtime
from tests.unit.lab.conftest import SAMPLE

MACHINES = RuntimeChoice(Runtime.MACHINE, None)
CONTAINERS = RuntimeChoice(Runtime.CONTAINER, "user-mode Linux is not installed")
ZONE_FEATURES = {
    "802.1Q trunks and VLAN tagging",
    "VRFs, L3VNIs and symmetric IRB",
    "Distributed anycast gateways",
    "Bonding, MLAG and EVPN multihoming (ESI)",
}


def test_containers_say_plainly_that_nodes_lack_their_own_kernel(design: Design) -> None:
    found = gaps(design, lab_platform(design, CONTAINERS))
    first = found[0]
    assert first.feature == "Each node's own kernel"
    assert "user-mode Linux is not installed" in first.lab and "user-mode-linux" in first.lab
    features = {gap.feature for gap in found}
    assert ZONE_FEATURES | {"Policy point between zones"} <= features


def test_machines_list_zone_features_only_while_the_templates_do_not_render_them(design: Design) -> None:
    unrendered = gaps(design, LabPlatform(MACHINES, rendered=""))
    by_feature = {gap.feature: gap for gap in unrendered}
    assert "Each node's own kernel" not in by_feature
    for feature in ZONE_FEATURES:
        assert "templates do not render it yet" in by_feature[feature].lab
    markers = "bridge-vlan-aware yes\nvrf-table auto\nhwaddress x\nes-id 1\n"
    rendered = {gap.feature for gap in gaps(design, LabPlatform(MACHINES, rendered=markers))}
    assert not rendered & ZONE_FEATURES
    assert "Hardware MTU and forwarding" in rendered


def test_the_sample_as_the_frr_templates_render_it_lists_no_zone_feature_on_machines(design: Design) -> None:
    listed = {gap.feature for gap in gaps(design, lab_platform(design, MACHINES))}
    assert not listed & ZONE_FEATURES, listed


def test_a_feature_needs_both_the_kernel_and_the_rendering(design: Design) -> None:
    markers = "bridge-vlan-aware yes\nvrf-table auto\nhwaddress x\nes-id 1\n"
    found = {gap.feature for gap in gaps(design, LabPlatform(CONTAINERS, rendered=markers))}
    assert found >= ZONE_FEATURES


def test_the_sample_design_lists_every_known_gap(design: Design) -> None:
    features = [gap.feature for gap in gaps(design, LabPlatform(MACHINES, rendered=""))]
    assert features == [
        "802.1Q trunks and VLAN tagging",
        "VRFs, L3VNIs and symmetric IRB",
        "Distributed anycast gateways",
        "Bonding, MLAG and EVPN multihoming (ESI)",
        "Policy point between zones",
        "LACP negotiation",
        "Hardware MTU and forwarding",
        "Production platform",
        "Management VRF",
        "TACACS+ authentication and accounting",
        "Management services (NTP, DNS, syslog)",
        "WAN carrier circuits",
    ]
    for lab in (lab_platform(design, MACHINES), lab_platform(design, CONTAINERS)):
        assert all(gap.production and gap.lab and gap.affects for gap in gaps(design, lab))


def test_gaps_name_the_design_parts_they_touch(design: Design) -> None:
    by_feature = {gap.feature: gap for gap in gaps(design, LabPlatform(CONTAINERS, rendered=""))}
    assert by_feature["VRFs, L3VNIs and symmetric IRB"].affects == sorted({s.zone for s in design.segments})
    platform = by_feature["Production platform"]
    assert "eos" in platform.production
    named = ", ".join(platform.affects)
    assert all(device.name in named for device in design.devices if device.platform == "eos")
    assert by_feature["TACACS+ authentication and accounting"].affects == ["10.20.210.49"]


def test_gaps_the_design_does_not_have_are_left_out(design: Design) -> None:
    no_tacacs = design.management.model_copy(
        update={"aaa": design.management.aaa.model_copy(update={"tacacs": []})}
    )
    reduced = design.model_copy(update={"management": no_tacacs, "segments": [], "links": []})
    features = {gap.feature for gap in gaps(reduced, LabPlatform(CONTAINERS, rendered=""))}
    assert not features & {
        "TACACS+ authentication and accounting",
        "802.1Q trunks and VLAN tagging",
        "VRFs, L3VNIs and symmetric IRB",
        "WAN carrier circuits",
    }
    assert "Management VRF" in features


@pytest.mark.usefixtures("without_uml")
def test_fidelity_command_json_says_when_the_lab_falls_back_to_containers(design: Design) -> None:
    result = CliRunner().invoke(app, ["lab", "fidelity", "--json", "-i", str(SAMPLE)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert {"feature", "production", "lab", "affects"} == set(report[0])
    assert report[0]["feature"] == "Each node's own kernel"
    assert [gap["feature"] for gap in report] == [
        gap.feature for gap in gaps(design, lab_platform(design, CONTAINERS))
    ]


def test_the_machines_firewall_is_a_gap_only_in_its_rule_syntax(design: Design) -> None:
    firewall = {gap.feature: gap for gap in gaps(design, lab_platform(design, MACHINES))}[
        "Policy point between zones"
    ]
    assert IPTABLES_RULES in firewall.lab and "same policy" in firewall.lab
    assert "passes nothing" not in firewall.lab
    fallback = {gap.feature: gap for gap in gaps(design, lab_platform(design, CONTAINERS))}
    assert "passes nothing" in fallback["Policy point between zones"].lab
