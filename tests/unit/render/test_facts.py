"""Design facts of the sample design: the decisions the templates only format."""

from collections import Counter

import pytest

from inventory import Design
from network.facts import Bgp, DeviceFacts, all_facts, device_facts


def bgp(facts: DeviceFacts) -> Bgp:
    """The sample's underlay is eBGP: every device has BGP facts."""
    assert facts.bgp is not None, facts.hostname
    return facts.bgp


@pytest.fixture(scope="module")
def facts(design: Design) -> dict[str, DeviceFacts]:
    return all_facts(design)


def test_every_link_is_a_session_on_both_ends_with_the_peer_asn(
    design: Design, facts: dict[str, DeviceFacts]
) -> None:
    for link in design.links:
        for local, remote in ((link.a, link.b), (link.b, link.a)):
            sessions = [n for n in bgp(facts[local.device]).neighbors if n.peer_device == remote.device]
            assert len(sessions) == 1, f"{local.device} -> {remote.device}"
            session = sessions[0]
            assert session.remote_as == design.device_by_name[remote.device].asn
            if link.numbered:
                assert remote.ipv4 is not None
                assert (session.interface, session.address) == (None, remote.ipv4.ip)
            else:
                assert (session.interface, session.address) == (local.interface, None)


def test_sessions_count_matches_the_cabling_plan(design: Design, facts: dict[str, DeviceFacts]) -> None:
    ends = Counter(end.device for link in design.links for end in link.ends)
    assert {name: len(bgp(f).neighbors) for name, f in facts.items()} == {
        device.name: ends[device.name] for device in design.devices
    }


def test_shared_asn_roles_peer_with_the_shared_asn(facts: dict[str, DeviceFacts]) -> None:
    leaf1 = bgp(facts["leaf1"]).neighbors
    assert {(n.peer_device, n.remote_as) for n in leaf1} == {("spine1", 65100), ("spine2", 65100)}
    acc1 = bgp(facts["acc1"]).neighbors
    assert {(n.peer_device, n.remote_as) for n in acc1} == {("core1", 65200), ("core2", 65200)}


def test_every_present_on_gives_the_vtep_its_vni(design: Design, facts: dict[str, DeviceFacts]) -> None:
    for segment in design.segments:
        for name in segment.present_on:
            carried = {s.name: s for s in facts[name].segments}
            assert carried[segment.name].vni == segment.vni
            assert carried[segment.name].vlan == segment.vlan
    carried_total = sum(len(f.segments) for f in facts.values())
    assert carried_total == sum(len(s.present_on) for s in design.segments)


def test_only_vteps_advertise_vnis(design: Design, facts: dict[str, DeviceFacts]) -> None:
    assert design.routing.overlay is not None
    vtep_roles = design.routing.overlay.vtep_roles
    for name, device in facts.items():
        assert device.vtep == (device.role in vtep_roles), name
        assert bgp(device).advertise_all_vni == device.vtep
        if not device.vtep:
            assert device.segments == []
    assert not facts["spine1"].vtep
    assert facts["leaf1"].vtep


def test_access_ports_join_their_segment(design: Design, facts: dict[str, DeviceFacts]) -> None:
    for device in design.devices:
        bridges = {s.name: s.access_ports for s in facts[device.name].segments}
        for port in device.access_ports:
            assert port.interface in bridges[port.segment]
    assert {s.name: s.access_ports for s in facts["leaf1"].segments} == {
        "server": ["eth3", "eth5"],
        "opslag": ["eth4"],
    }


def test_link_mtu_is_the_smaller_end(facts: dict[str, DeviceFacts]) -> None:
    by_peer = {i.peer_device: i.mtu for i in facts["core1"].interfaces}
    assert by_peer == {"bl1": 9214, "acc1": 9000, "acc2": 9000}


def test_loopback_is_router_id_and_the_only_network(facts: dict[str, DeviceFacts]) -> None:
    for device in facts.values():
        assert bgp(device).router_id == device.loopback
        assert [str(n) for n in bgp(device).networks] == [f"{device.loopback}/32"]


def test_services_carry_secret_references_only(facts: dict[str, DeviceFacts]) -> None:
    services = facts["leaf1"].services
    assert [u.password.secret for u in services.users] == [
        "FUNDAMENT_NETBEHEER_PASSWORD",
        "FUNDAMENT_NOC_PASSWORD",
    ]
    assert [t.key.secret for t in services.tacacs] == ["FUNDAMENT_TACACS_KEY"]


def test_device_facts_equal_all_facts_and_unknown_devices_fail(
    design: Design, facts: dict[str, DeviceFacts]
) -> None:
    assert device_facts(design, "bl2") == facts["bl2"]
    with pytest.raises(KeyError):
        device_facts(design, "nope")


def test_facts_are_frozen(facts: dict[str, DeviceFacts]) -> None:
    with pytest.raises(ValueError, match="frozen"):
        facts["leaf1"].asn = 1  # type: ignore[misc]
