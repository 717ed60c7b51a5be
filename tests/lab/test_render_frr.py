"""The rendered frr configs on the real switch image: every file is accepted by the daemon that reads it.

One machine (tests/lab/switch_machine.py: the switch image under user-mode Linux, whose kernel has the
802.1Q, VLAN filtering, VRFs and bonds the zones need) per role of the sample design, the first device of
each: the devices of one role differ only in numbers and in which ports they cable. ifupdown2 applies
/etc/network/interfaces and checks the result (`ifquery -a -c`); FRR boots from frr.conf, and after one
reload as the driver applies, `frr-reload.py --test` must find nothing left to change, which is what `plan`
after `apply` sees; sshd checks its drop-in.
"""

import json
from pathlib import Path

import pytest

from inventory import load_design
from inventory.model import Platform
from network.facts import device_facts
from network.platforms import PLATFORMS
from tests.lab.switch_machine import APPLY_THEN_TEST, reload_changes, rendered_files, run_steps, switch_image

pytestmark = pytest.mark.docker

DESIGN = load_design()


def _first_of_each_role() -> list[str]:
    first: dict[str, str] = {}
    for device in DESIGN.devices:
        first.setdefault(device.role, device.name)
    return list(first.values())


STEPS = {
    "dryrun": "vtysh --dryrun -f /etc/frr/frr.conf",
    # ifupdown2 takes its lock in /run/network and fails ("already running") when the folder is missing.
    "ifreload": "mkdir -p /run/network && ifreload -a",
    "ifquery": "ifquery -a -c",
    "addresses": "ip -br -4 addr show",
    "links": "ip -j link show",
    "frr": "chown frr:frr /etc/frr/frr.conf && /usr/lib/frr/frrinit.sh start >/dev/null",
    "reload": APPLY_THEN_TEST,
    "bgpd": "vtysh -c 'show running-config bgpd'",
    "sshd": "mkdir -p /run/sshd && ssh-keygen -q -t ed25519 -N '' -f /etc/ssh/ssh_host_ed25519_key && sshd -t",
}


@pytest.fixture(scope="module")
def image() -> str:
    return switch_image()


@pytest.mark.parametrize("device", _first_of_each_role())
def test_frr_platform_files_are_accepted_by_their_daemons(image: str, device: str, tmp_path: Path) -> None:
    facts = device_facts(DESIGN, device)
    assert list(rendered_files(facts)) == [f.path for f in PLATFORMS[Platform.FRR].files]
    seen = run_steps(image, facts, STEPS, tmp_path)

    assert seen["dryrun"].status == 0, seen["dryrun"].output
    assert seen["ifreload"].status == 0, seen["ifreload"].output
    assert seen["ifquery"].status == 0, seen["ifquery"].output
    assert "[fail]" not in seen["ifquery"].output
    masters = {link["ifname"]: link.get("master") for link in json.loads(seen["links"].output)}
    frr = PLATFORMS[Platform.FRR]
    bonded = {member: frr.bond_name(bond.es_id) for bond in facts.bonds for member in bond.members}
    for segment in facts.segments:
        for port in [frr.vxlan_name(segment.vni), *(bonded.get(port, port) for port in segment.access_ports)]:
            assert masters.get(port) == frr.bridge_name(), (segment.name, port, masters)
    addresses = seen["addresses"].output
    assert f"{facts.loopback}/32" in addresses
    for interface in facts.interfaces:
        if interface.ipv4 is not None:
            assert str(interface.ipv4) in addresses

    assert seen["frr"].status == 0, seen["frr"].output
    assert seen["reload"].status == 0, seen["reload"].output
    assert reload_changes(seen["reload"].output) == []
    assert facts.bgp is not None
    for neighbor in facts.bgp.neighbors:
        if neighbor.interface is not None:
            assert (
                f"neighbor {neighbor.interface} interface remote-as {neighbor.remote_as}"
                in seen["bgpd"].output
            )

    assert seen["sshd"].status == 0, seen["sshd"].output
