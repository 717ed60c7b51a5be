"""The lab fidelity report: every production feature the lab cannot model, with what stands in for it."""

import json

from typer.testing import CliRunner

from fundament.app import app
from inventory import Design
from network.lab.fidelity import gaps
from tests.unit.lab.conftest import SAMPLE


def test_the_sample_design_lists_every_known_gap(design: Design) -> None:
    features = [gap.feature for gap in gaps(design)]
    assert features == [
        "802.1Q trunks and VLAN tagging",
        "VRFs, L3VNIs and symmetric IRB",
        "Distributed anycast gateways",
        "Bonding, MLAG and EVPN multihoming (ESI)",
        "Hardware MTU and forwarding",
        "Production platform",
        "Management VRF",
        "TACACS+ authentication and accounting",
        "Management services (NTP, DNS, syslog)",
        "WAN carrier circuits",
    ]
    assert all(gap.production and gap.lab and gap.affects for gap in gaps(design))


def test_gaps_name_the_design_parts_they_touch(design: Design) -> None:
    by_feature = {gap.feature: gap for gap in gaps(design)}
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
    features = {gap.feature for gap in gaps(reduced)}
    assert not features & {
        "TACACS+ authentication and accounting",
        "802.1Q trunks and VLAN tagging",
        "VRFs, L3VNIs and symmetric IRB",
        "WAN carrier circuits",
    }
    assert "Management VRF" in features


def test_fidelity_command_json() -> None:
    result = CliRunner().invoke(app, ["lab", "fidelity", "--json", "-i", str(SAMPLE)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert {"feature", "production", "lab", "affects"} == set(report[0])
    assert len(report) == 10
