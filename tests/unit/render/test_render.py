"""Rendering: the platform table, the multi-file format, strictness, and secrets that never leave markers."""

import re

import jinja2
import pytest
from pydantic import SecretStr

from inventory import Design
from inventory.model import Platform
from network.facts import all_facts, device_facts
from network.platforms import FILE_MARKER, PLATFORMS
from network.render import SECRET_MARKER, _environment, fill_secrets, render_device

SECRETS = {
    "FUNDAMENT_NETBEHEER_PASSWORD": "golden-admin-Pw-4711",
    "FUNDAMENT_NOC_PASSWORD": "golden-noc-Pw-0815",
    "FUNDAMENT_TACACS_KEY": "golden-tacacs-Key-42",
}


@pytest.mark.parametrize(
    ("platform", "design_name", "expected"),
    [
        (Platform.FRR, "eth7", "eth7"),
        (Platform.EOS, "eth7", "Ethernet7"),
        (Platform.EOS, "eth48", "Ethernet48"),
    ],
)
def test_interface_names_come_from_the_platform_table(
    platform: Platform, design_name: str, expected: str
) -> None:
    assert PLATFORMS[platform].interface_name(design_name) == expected


def test_frr_config_is_the_files_of_the_platform_table_in_order(design: Design) -> None:
    text = render_device(device_facts(design, "leaf1"), Platform.FRR)
    paths = [line.removeprefix(FILE_MARKER) for line in text.splitlines() if line.startswith(FILE_MARKER)]
    assert paths == [f.path for f in PLATFORMS[Platform.FRR].files]
    assert text.startswith(FILE_MARKER)


def test_eos_config_is_one_text_ending_with_end(design: Design) -> None:
    text = render_device(device_facts(design, "leaf1"), Platform.EOS)
    assert FILE_MARKER not in text
    assert text.endswith("\nend\n")


def test_unnumbered_sessions_name_the_peer_asn_never_external(design: Design) -> None:
    for name, facts in all_facts(design).items():
        text = render_device(facts, Platform.FRR)
        assert "external" not in text
        peers = dict(re.findall(r"^ neighbor (eth\d+) interface remote-as (\d+)$", text, re.M))
        assert facts.bgp is not None
        expected = {n.interface: str(n.remote_as) for n in facts.bgp.neighbors if n.interface}
        assert peers == expected, name


def test_eos_peers_by_interface_with_the_peer_asn(design: Design) -> None:
    text = render_device(device_facts(design, "bl1"), Platform.EOS)
    assert "neighbor interface Ethernet1 peer-group FABRIC-UNNUMBERED remote-as 65100" in text
    assert "neighbor interface Ethernet3 peer-group FABRIC-UNNUMBERED remote-as 65200" in text
    assert "neighbor 10.254.0.1 remote-as 65301" in text
    assert "vxlan vlan 220 vni 10220" in text
    assert "switchport access vlan 220" in text


def test_vtep_bridges_hold_the_vxlan_device_and_access_ports(design: Design) -> None:
    text = render_device(device_facts(design, "leaf2"), Platform.FRR)
    assert "    bridge-ports eth3 eth4 bond1 vxlan10010 vxlan10210 vxlan10230 vxlan50010 vxlan50210\n" in text
    assert "    bridge-vids 10 210 230 4001 4004\n" in text
    assert "    vxlan-local-tunnelip 10.255.0.12\n" in text
    assert "advertise-all-vni" in text
    assert "advertise-all-vni" not in render_device(device_facts(design, "spine1"), Platform.FRR)


@pytest.mark.parametrize("platform", list(Platform))
def test_undefined_template_values_fail_instead_of_rendering_empty(
    design: Design, platform: Platform
) -> None:
    template = _environment(platform).from_string("{{ device.no_such_fact }}")
    with pytest.raises(jinja2.UndefinedError):
        template.render(device=device_facts(design, "leaf1"))


def test_no_secret_value_reaches_a_rendered_config(design: Design, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    texts = [render_device(facts, platform) for facts in all_facts(design).values() for platform in Platform]
    for text in texts:
        for value in SECRETS.values():
            assert value not in text
    eos = "".join(texts)
    assert set(SECRET_MARKER.findall(eos)) == set(SECRETS)


def test_fill_secrets_puts_the_values_in_only_for_the_push(
    design: Design, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    text = render_device(device_facts(design, "leaf1"), Platform.EOS)
    filled = fill_secrets(text)
    assert "secret 0 golden-admin-Pw-4711" in filled
    assert "key 0 golden-tacacs-Key-42" in filled
    assert not SECRET_MARKER.search(filled)
    assert fill_secrets(text, lambda name: SecretStr(name.lower())).count("fundament_noc_password") == 1


def test_a_device_name_the_platform_does_not_make_is_refused_not_guessed(design: Design) -> None:
    """EOS carries every VNI on one Vxlan1 and has no named bridge: a template asking for either must fail."""
    eos = PLATFORMS[Platform.EOS]
    with pytest.raises(ValueError, match="eos has no VXLAN interface per VNI"):
        eos.vxlan_name(10210)
    with pytest.raises(ValueError, match="eos has no named VLAN-aware bridge"):
        _environment(Platform.EOS).from_string("{{ bridge() }}").render()
    assert (eos.svi_name(210), eos.bond_name(1)) == ("Vlan210", "Port-Channel1")
