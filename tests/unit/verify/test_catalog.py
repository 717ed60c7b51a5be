"""The catalog generated from the sample design: what it holds, its YAML round trip, hand edits and errors."""

import tempfile
from collections import Counter
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from inventory import Design, load_design
from inventory import generate as generator
from inventory.model import Platform
from inventory.model.migration import Feature
from network.facts import device_facts
from network.render import render_device
from network.targets import Target
from network.verify.catalog import CatalogError, dump, load, parse
from network.verify.check import Status
from network.verify.generate import generate, header
from network.verify.observe import Observations


@pytest.fixture(scope="module")
def design() -> Design:
    return load_design()


def test_lab_catalog_covers_the_design(design: Design) -> None:
    checks = generate(design, Target.LAB)
    counts = Counter(check.name for check in checks)
    assert counts["lldp-neighbors"] == counts["bgp-session"] == len(design.links)
    assert counts["interfaces"] == counts["loopback-reachability"] == len(design.devices)
    assert counts["ssh-only"] == counts["no-default-credentials"] == len(design.devices)
    vteps = {name for segment in design.segments for name in segment.present_on}
    assert counts["evpn-vni"] == len(vteps)
    assert counts["endpoint-reachability"] == len(design.endpoints) * (len(design.endpoints) - 1)
    # The lab platform carries no NTP/DNS/syslog configuration: no such checks, and the header says why.
    assert counts["service-configured"] == 0
    assert "no NTP/DNS/syslog checks" in header(design, Target.LAB)


def test_production_catalog_uses_platform_names_and_services(design: Design) -> None:
    checks = generate(design, Target.PRODUCTION)
    counts = Counter(check.name for check in checks)
    assert counts["endpoint-reachability"] == 0, "endpoints are lab test hosts"
    assert counts["service-configured"] == 3 * len(design.devices)
    lldp = next(check for check in checks if check.name == "lldp-neighbors")
    assert lldp.entry()["inputs"]["a"] == {"device": "spine1", "interface": "Ethernet1"}


def test_numbered_and_unnumbered_sessions(design: Design) -> None:
    sessions = {
        (check.inputs.a.device, check.inputs.b.device): check.inputs
        for check in generate(design)
        if check.name == "bgp-session"
    }
    assert (sessions[("spine1", "leaf1")].a.peer, sessions[("spine1", "leaf1")].b.peer) == ("eth1", "eth1")
    wan = sessions[("bl1", "wan-noord")]
    assert (wan.a.peer, wan.b.peer) == ("10.254.0.1", "10.254.0.0")
    assert (wan.a.asn, wan.b.asn) == (65103, 65301)


def test_endpoint_expectations_follow_segments_and_zones(design: Design) -> None:
    # Before zones are live, segments are layer 2 only.
    without_zones = {device.name: frozenset(Feature) - {Feature.ZONES} for device in design.devices}
    pairs = {
        (check.inputs.source.name, check.inputs.target.name): check.inputs
        for check in generate(design, features=without_zones)
        if check.name == "endpoint-reachability"
    }
    assert pairs[("h-srv1", "h-srv2")].expect == "reachable"
    assert "stretched over EVPN-VXLAN between leaf1 and leaf2" in pairs[("h-srv1", "h-srv2")].reason
    assert pairs[("h-ws1", "h-ws2")].expect == "reachable"
    denied = pairs[("h-gast", "h-srv1")]
    assert denied.expect == "unreachable"
    assert "may not reach zone server" in denied.reason
    allowed = pairs[("h-ws1", "h-srv1")]
    assert allowed.expect == "unreachable"
    assert "may reach zone server (https, smb, ldap) by design" in allowed.reason
    assert "layer 2 only" in allowed.reason
    zoned = {
        (check.inputs.source.name, check.inputs.target.name): check.inputs
        for check in generate(design)
        if check.name == "endpoint-reachability"
    }
    assert zoned[("h-srv1", "h-srv2")].expect == "reachable"
    assert zoned[("h-ws1", "h-srv1")].expect == "unreachable"
    assert "never ICMP" in zoned[("h-ws1", "h-srv1")].reason


def test_yaml_round_trip(design: Design, tmp_path: Path) -> None:
    checks = generate(design)
    file = tmp_path / "catalog.yaml"
    file.write_text(dump(checks, header(design, Target.LAB)))
    again = load(file)
    assert [check.entry() for check in again] == [check.entry() for check in checks]
    assert [check.title for check in again] == [check.title for check in checks]
    assert file.read_text().startswith("# Verification catalog for provincie-fundament")


def test_hand_written_entry_extends_the_catalog(design: Design, tmp_path: Path) -> None:
    file = tmp_path / "catalog.yaml"
    text = dump(generate(design))
    text += """\
- check: ssh-only
  tags: [hand-written]
  inputs: {device: spine1, open: [22], closed: [23, 80, 8080]}
"""
    file.write_text(text)
    checks = load(file)
    extra = checks[-1]
    assert extra.inputs.closed == [23, 80, 8080]
    assert "hand-written" in extra.all_tags and "bio:13.1.1" in extra.all_tags


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"checks": [{"check": "nope", "inputs": {}}]}, "checks[0]: unknown check 'nope'"),
        (
            {"checks": [{"check": "ssh-only", "inputs": {"device": "spine1", "telnet": True}}]},
            "checks[0] (ssh-only): telnet: Extra inputs are not permitted",
        ),
        (
            {
                "checks": [
                    {"check": "bgp-session", "inputs": {"a": {"device": "x", "asn": 0, "peer": "eth1"}}}
                ]
            },
            "a.asn: Input should be greater than or equal to 1",
        ),
        ({"check": []}, "checks: Field required"),
    ],
)
def test_catalog_errors_name_entry_and_field(raw: object, message: str) -> None:
    with pytest.raises(CatalogError) as caught:
        parse(raw)
    assert message in str(caught.value)


def test_yaml_syntax_error(tmp_path: Path) -> None:
    file = tmp_path / "bad.yaml"
    file.write_text("checks: [\n")
    with pytest.raises(CatalogError, match=r"bad\.yaml"):
        load(file)


def test_production_round_trip(design: Design, tmp_path: Path) -> None:
    checks = generate(design, Target.PRODUCTION)
    file = tmp_path / "production.yaml"
    file.write_text(dump(checks, header(design, Target.PRODUCTION)))
    assert [check.entry() for check in load(file)] == [check.entry() for check in checks]


def test_eos_service_checks_pass_on_the_rendered_eos_config(design: Design) -> None:
    """The expected lines are what the EOS templates write: a device running its intended config passes."""
    for name in ("spine1", "acc-zuid"):
        running = render_device(device_facts(design, name), Platform.EOS)
        answers = Observations.from_json(
            {f"{name} get_config": {"running": running, "startup": "", "candidate": ""}}
        )
        services = [
            c
            for c in generate(design, Target.PRODUCTION)
            if c.name == "service-configured" and c.devices == (name,)
        ]
        assert len(services) == 3
        for check in services:
            result = check.run(answers)
            assert result.status is Status.PASS, result.message
        # Without the servers the same checks fail.
        stripped = "\n".join(line for line in running.splitlines() if "10.20.210." not in line)
        answers = Observations.from_json(
            {f"{name} get_config": {"running": stripped, "startup": "", "candidate": ""}}
        )
        assert {check.run(answers).status for check in services} == {Status.FAIL}


def test_eos_front_ports_pattern(design: Design) -> None:
    (spine1,) = [
        c for c in generate(design, Target.PRODUCTION) if c.name == "interfaces" and c.devices == ("spine1",)
    ]
    assert spine1.inputs.port_pattern == "^Ethernet[1-9][0-9]*$"
    up = {"is_up": True, "is_enabled": True}
    answers = dict.fromkeys(
        ("Ethernet1", "Ethernet2", "Ethernet3", "Ethernet4", "Management1", "Ethernet9"), up
    )
    result = spine1.run(Observations.from_json({"spine1 get_interfaces": answers}))
    assert result.status is Status.FAIL
    assert result.message == "spine1: Ethernet9 up but not in the design"


def test_same_asn_loopbacks_are_not_expected(design: Design) -> None:
    loopbacks = {c.inputs.device: c.inputs for c in generate(design) if c.name == "loopback-reachability"}
    assert "spine2" not in loopbacks["spine1"].targets
    assert loopbacks["spine1"].not_expected == {"spine2": "same AS 65100, eBGP drops its routes"}
    assert set(loopbacks["core2"].not_expected) == {"core1"}
    assert loopbacks["leaf1"].not_expected == {}


@settings(max_examples=15, deadline=None)
@given(st.integers(1, 6), st.integers(1, 4), st.sampled_from(list(Target)))
def test_catalogs_of_generated_designs_round_trip(sites: int, leaves: int, target: Target) -> None:
    """Any valid design gives a catalog that loads back unchanged, with both ends of every link checked."""
    with tempfile.TemporaryDirectory() as folder:
        generator.write(generator.generate(sites, leaves), Path(folder))
        generated = load_design(Path(folder))
    checks = generate(generated, target)
    again = parse(yaml.safe_load(dump(checks, header(generated, target))))
    assert [check.entry() for check in again] == [check.entry() for check in checks]
    lldp = [check for check in checks if check.name == "lldp-neighbors"]
    assert len(lldp) == len(generated.links)
    assert all(len(check.devices) == 2 for check in lldp)
