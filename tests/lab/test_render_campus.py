"""The example campus's frr configs (OSPF, 802.1Q trunks, a VLAN-aware bridge, gateways as VLAN interfaces)
applied on a real kernel: the lab switch image booted as a machine (user-mode Linux), which has the bridge
VLAN filtering and 802.1Q this machine's own kernel lacks.

One guest per device, no lab (tests/lab/switch_machine.py): veth ports named like the device's cabled ports,
`ifreload -a` on the rendered interfaces file, FRR (with ospfd) booted from the rendered frr.conf. The test
reads the bridge's VLANs per port, the addresses, OSPF's interfaces and what
`frr-reload.py --test` would still change after one reload (as the driver applies a config).
"""

from pathlib import Path

import pytest

from fundament.paths import SAMPLE_DESIGN
from inventory import load_design
from inventory.model import Platform
from network.facts import device_facts
from network.platforms import PLATFORMS
from tests.lab.switch_machine import APPLY_THEN_TEST, reload_changes, run_steps, switch_image

pytestmark = pytest.mark.docker

CAMPUS = load_design(SAMPLE_DESIGN.parent / "examples" / "campus")

STEPS = {
    "ifreload": "mkdir -p /run/network && ifreload -a",
    "vlan_filtering": "cat /sys/class/net/br0/bridge/vlan_filtering",
    "bridge": "bridge vlan show",
    "addresses": "ip -br -4 addr",
    "frr": "sed -i 's/^ospfd=no/ospfd=yes/' /etc/frr/daemons && chown frr:frr /etc/frr/frr.conf && "
    "/usr/lib/frr/frrinit.sh start >/dev/null",
    "reload": APPLY_THEN_TEST,
    # After the reload's seconds, no wait of its own: ospfd has read its config and seen the interfaces.
    "ospf": "vtysh -c 'show ip ospf interface'",
}


@pytest.fixture(scope="module")
def image() -> str:
    return switch_image()


@pytest.mark.parametrize("device", ["core-a", "acc-a2"])
def test_campus_frr_config_runs_on_a_real_kernel(image: str, device: str, tmp_path: Path) -> None:
    facts = device_facts(CAMPUS, device)
    seen = run_steps(image, facts, STEPS, tmp_path)
    assert seen["ifreload"].status == 0, seen["ifreload"].output
    assert seen["vlan_filtering"].output.strip() == "1"
    vlans: dict[str, set[int]] = {}
    port = ""
    for line in seen["bridge"].output.splitlines()[1:]:
        fields = line.split()
        if line and not line[0].isspace():
            port, fields = fields[0], fields[1:]
        if fields and fields[0].isdigit():
            vlans.setdefault(port, set()).add(int(fields[0]))
    for trunk in facts.trunks:
        assert vlans[trunk.name] - {1} == set(trunk.vlans), (trunk.name, vlans)
    for access in facts.access_ports:
        assert vlans[access.name] == {access.vlan}, (access.name, vlans)
    addresses = seen["addresses"].output
    for vlan in facts.vlans:
        assert (str(vlan.gateway) in addresses) == (vlan.gateway is not None), vlan.name
    assert seen["frr"].status == 0, seen["frr"].output
    assert seen["reload"].status == 0, seen["reload"].output
    assert reload_changes(seen["reload"].output) == [], seen["reload"].output
    ospf = seen["ospf"].output
    if facts.ospf is None:
        assert "OSPF" not in ospf or "not enabled" in ospf or not ospf.strip(), ospf
        return
    for interface in facts.interfaces:
        block = ospf.split(f"{interface.name} is up", 1)[1].split("\n\n", 1)[0]
        assert "Area 0.0.0.0" in block and "Network Type POINTOPOINT" in block, block
    for vlan in facts.vlans:
        assert f"{PLATFORMS[Platform.FRR].svi_name(vlan.vlan)} is up" in ospf
