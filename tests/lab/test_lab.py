"""The live lab: every node answers SSH with the lab login, LLDP sees the cabling plan on every link end,
test hosts carry their design address, `up` on a running lab changes nothing, and Nornir reaches it."""

import json
import os
import shlex
import subprocess
import time

import pytest
from nornir.core.task import Result, Task
from typer.testing import CliRunner

from fundament.app import app
from fundament.machines.images import ImageBuildError, ImageRecipe, ensure_image, image_exists
from inventory import load_design
from network.lab import control
from network.lab.ready import FRR_DAEMONS, lab_credentials
from network.lab.topology import Runtime, lab_links
from tests.lab.conftest import Lab

pytestmark = pytest.mark.lab

_DESIGN = load_design()
SWITCHES = [device.name for device in _DESIGN.devices]
HOSTS = [endpoint.name for endpoint in _DESIGN.endpoints]
FIREWALLS = [_DESIGN.security.firewall.name] if _DESIGN.security.firewall else []
# lldpd advertises every 5 s in the lab image; a neighbor missing after this long is a cabling fault.
LLDP_WAIT = 30.0


def cabling_plan() -> dict[str, dict[str, tuple[str, str]]]:
    """node -> its port -> (neighbor, neighbor's port), from both ends of every cable."""
    plan: dict[str, dict[str, tuple[str, str]]] = {}
    for (a, a_port), (b, b_port) in lab_links(_DESIGN):
        plan.setdefault(a, {})[a_port] = (b, b_port)
        plan.setdefault(b, {})[b_port] = (a, a_port)
    return plan


def lldp_neighbors(lab: Lab, node: str) -> dict[str, tuple[str, str]]:
    """port -> (neighbor's system name, neighbor's port id), as lldpd on `node` sees it."""
    status, output = lab.ssh(node, "sudo -n lldpcli -f json0 show neighbors")
    assert status == 0, output
    seen = {}
    for entry in json.loads(output)["lldp"][0].get("interface", []):
        chassis = entry["chassis"][0]["name"][0]["value"]
        port = entry["port"][0]["id"][0]["value"]
        seen[entry["name"]] = (chassis, port)
    return seen


@pytest.mark.parametrize("name", SWITCHES + FIREWALLS + HOSTS)
def test_every_node_answers_ssh_with_the_lab_login(lab: Lab, name: str) -> None:
    status, output = lab.ssh(name, "hostname; id -nG")
    assert status == 0
    hostname, groups = output.split("\n", 1)
    assert hostname == name
    if name in lab.nodes:
        assert {"frr", "frrvty"} <= set(groups.split())


@pytest.mark.parametrize("name", SWITCHES)
def test_frr_daemons_run_on_every_switch(lab: Lab, name: str) -> None:
    status, output = lab.ssh(name, "vtysh -c 'show daemons'")
    assert status == 0 and set(FRR_DAEMONS) <= set(output.split())


@pytest.mark.parametrize("name", sorted(cabling_plan()))
def test_lldp_shows_the_cabling_plans_neighbor_on_every_port(lab: Lab, name: str) -> None:
    expected = cabling_plan()[name]
    deadline = time.monotonic() + LLDP_WAIT
    while True:
        seen = lldp_neighbors(lab, name)
        if all(seen.get(port) == peer for port, peer in expected.items()) or time.monotonic() > deadline:
            break
        time.sleep(2)
    assert {port: seen.get(port) for port in expected} == expected
    assert set(seen) <= set(expected), f"LLDP neighbors on ports the plan does not cable: {seen}"


@pytest.mark.parametrize("name", HOSTS)
def test_test_hosts_carry_their_design_address(lab: Lab, name: str) -> None:
    endpoint = next(e for e in lab.design.endpoints if e.name == name)
    # A dual-homed host carries it on its bond where the nodes have a kernel with bonding.
    device = "bond0" if endpoint.bond and lab.runtime is Runtime.MACHINE else "eth1"
    status, output = lab.ssh(name, f"ip -4 -o address show dev {device}")
    assert status == 0 and f"inet {endpoint.ipv4} " in output


@pytest.mark.parametrize("name", SWITCHES + FIREWALLS + HOSTS)
def test_every_node_runs_its_own_kernel(lab: Lab, name: str) -> None:
    if lab.runtime is not Runtime.MACHINE:
        pytest.skip("this machine runs the lab as containers (no user-mode-linux); CI never does")
    status, output = lab.ssh(name, "uname -r; cat /proc/cmdline")
    release, cmdline = output.split("\n", 1)
    assert status == 0 and release != os.uname().release
    assert "ubd0=" in cmdline and "vec0:transport=raw,ifname=eth0" in cmdline


def test_switch_kernels_have_vlans_vrfs_bonds_and_vlan_aware_bridges(lab: Lab) -> None:
    if lab.runtime is not Runtime.MACHINE:
        pytest.skip("this machine runs the lab as containers (no user-mode-linux); CI never does")
    node = SWITCHES[0]
    create = (
        "sudo -n ip link add fdtbr type bridge vlan_filtering 1 && sudo -n ip link add fdtvrf type vrf table 4242"
        " && sudo -n ip link add fdtbond type bond mode 802.3ad && sudo -n ip link add link fdtbond name fdtbond.42"
        " type vlan id 42 && ip -d -o link show type vrf && ip -d -o link show fdtbr && ip -d -o link show fdtbond.42"
    )
    try:
        status, output = lab.ssh(node, create)
        assert status == 0, output
        assert "fdtvrf" in output and "vlan_filtering 1" in output and "vlan protocol 802.1Q id 42" in output
    finally:
        lab.ssh(node, "for d in fdtbond.42 fdtbond fdtvrf fdtbr; do sudo -n ip link del $d; done")


def test_dual_homed_hosts_bond_their_ports_statically(lab: Lab) -> None:
    """balance-xor, not 802.3ad: user-mode Linux NICs report no duplex, so LACP never selects a port
    (`fundament lab fidelity` lists the gap)."""
    if lab.runtime is not Runtime.MACHINE:
        pytest.skip("this machine runs the lab as containers (no user-mode-linux); CI never does")
    bonded = [endpoint for endpoint in lab.design.endpoints if endpoint.bond]
    assert bonded, "the sample design dual-homes a server"
    for endpoint in bonded:
        status, output = lab.ssh(endpoint.name, "cat /proc/net/bonding/bond0")
        assert status == 0 and "Bonding Mode: load balancing (xor)" in output, output
        members = [line.split(": ")[1] for line in output.splitlines() if line.startswith("Slave Interface")]
        assert members == [f"eth{index}" for index in range(1, len(endpoint.ports) + 1)]


@pytest.mark.parametrize("name", [e.name for e in _DESIGN.endpoints if e.services])
def test_test_hosts_answer_on_their_services_ports(lab: Lab, name: str) -> None:
    endpoint = next(e for e in lab.design.endpoints if e.name == name)
    services = [lab.design.service_by_name[service] for service in endpoint.services]
    probe = "; ".join(f"{service.name}={service.protocol}:{service.port}" for service in services)
    script = (
        "import socket, sys\n"
        f"address = '{endpoint.ipv4.ip}'\n"
        f"for spec in '{probe}'.split('; '):\n"
        "    name, rest = spec.split('=')\n"
        "    protocol, port = rest.split(':')\n"
        "    kind = socket.SOCK_STREAM if protocol == 'tcp' else socket.SOCK_DGRAM\n"
        "    with socket.socket(socket.AF_INET, kind) as s:\n"
        "        s.settimeout(3)\n"
        "        s.connect((address, int(port)))\n"
        "        if protocol == 'udp':\n"
        "            s.send(b'?')\n"
        "        print(name, s.recv(200).decode().strip())\n"
    )
    status, output = lab.ssh(name, f"python3 -c {shlex.quote(script)}", timeout=20)
    assert status == 0, output
    for service in services:
        expected = "SSH-2.0" if service.name == "ssh" else f"{name} {service.name}"
        assert any(line.startswith(service.name) and expected in line for line in output.splitlines()), output


def test_the_firewall_runs_its_rendered_legs_and_rule_set(lab: Lab) -> None:
    if lab.runtime is not Runtime.MACHINE:
        pytest.skip("this machine runs the lab as containers (no user-mode-linux); CI never does")
    firewall = lab.design.security.firewall
    assert firewall, "the sample design names a firewall"
    # iptables, not nftables: the user-mode Linux kernel has no nf_tables for inet/ip (lab fidelity).
    status, output = lab.ssh(firewall.name, "sudo -n iptables-legacy -S FORWARD; ip -o -4 address show")
    assert status == 0, output
    assert "-P FORWARD DROP" in output and "-A FORWARD" in output, output
    for uplink in firewall.uplinks:
        for leg in firewall.legs:
            assert f" {uplink.interface}.{leg.vlan} " in output, f"{uplink.interface}.{leg.vlan} missing"


def test_root_cannot_log_in(lab: Lab) -> None:
    node = lab.nodes[SWITCHES[0]]
    # The lab password is the one thing root might have been given too.
    _, password = lab_credentials()
    options = [
        "-o",
        "StrictHostKeyChecking=no",
        "-o",
        "UserKnownHostsFile=/dev/null",
        "-o",
        "ConnectTimeout=5",
    ]
    result = subprocess.run(
        ["sshpass", "-e", "ssh", *options, f"root@{node.mgmt_ipv4}", "true"],
        env={**os.environ, "SSHPASS": password},
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    )
    assert result.returncode != 0 and "Permission denied" in result.stderr


def test_up_on_the_running_lab_changes_nothing(lab: Lab) -> None:
    def started() -> dict[str, str]:
        return {entry.node.name: entry.detail for entry in control.status(lab.design)}

    containers = [node.container for node in [*lab.nodes.values(), *lab.hosts.values()]]
    inspect = ["docker", "inspect", "--format", "{{.Id}} {{.State.StartedAt}}", *containers]
    before = subprocess.run(inspect, capture_output=True, text=True, check=True).stdout
    result = control.up(lab.design)
    assert result.deployed is False
    assert subprocess.run(inspect, capture_output=True, text=True, check=True).stdout == before
    assert set(started().values()) == {"running"}


def test_nornir_reaches_every_switch_with_the_frr_driver(lab: Lab) -> None:
    def facts(task: Task) -> Result:
        driver = task.host.get_connection("napalm", task.nornir.config)
        return Result(host=task.host, result=driver.get_facts())

    nornir = lab.nornir()
    results = nornir.run(task=facts)
    nornir.close_connections()
    assert not results.failed, {name: str(r.exception) for name, r in results.items() if r.failed}
    assert {name: r.result["hostname"] for name, r in results.items()} == {name: name for name in SWITCHES}


def test_status_command_reports_every_node_running(lab: Lab) -> None:
    result = CliRunner().invoke(app, ["lab", "status", "--json"])
    assert result.exit_code == 0, result.output
    report = {entry["name"]: entry for entry in json.loads(result.stdout)}
    assert set(report) == set(lab.nodes) | set(lab.hosts) | set(lab.firewalls)
    assert {entry["state"] for entry in report.values()} == {"running"}
    assert report["spine1"]["mgmt_ipv4"] == str(lab.nodes["spine1"].mgmt_ipv4)


@pytest.mark.docker
def test_a_failed_image_build_tags_nothing() -> None:
    recipe = ImageRecipe(name="fundament/test-broken", setup="echo half-way; exit 3")
    with pytest.raises(ImageBuildError, match=r"setup script failed \(exit 3\)"):
        ensure_image(recipe)
    assert not image_exists(recipe.reference)


TEST_IFACES = "fdtestvx fdtestbr"
IFUPDOWN2_TEST = """\
auto fdtestvx
iface fdtestvx
    vxlan-id 16000001
    vxlan-local-tunnelip 192.0.2.1
    bridge-learning off
    mtu 9000

auto fdtestbr
iface fdtestbr
    bridge-ports fdtestvx
    bridge-stp off
    mtu 9000
"""


def test_ifupdown2_applies_bridges_and_vxlan_in_the_unprivileged_switch(lab: Lab) -> None:
    """The lab platform's interface config (ifupdown2) works without --privileged, MTU included (that
    needs the writable /sys the entry point provides). A file of its own, so the node's config stays."""
    node = SWITCHES[0]
    path = "/tmp/fundament-ifupdown2-test"
    write = f"printf %s {shlex.quote(IFUPDOWN2_TEST)} >{path}"
    try:
        _, output = lab.ssh(node, f"{write} && sudo -n ifup -i {path} {TEST_IFACES} 2>&1; echo rc=$?")
        assert output.strip().endswith("rc=0"), output
        assert "error" not in output.lower() and "warning" not in output.lower(), output
        status, output = lab.ssh(node, "ip -d -o link show fdtestvx && ip -o link show fdtestbr")
        assert status == 0, output
        vxlan, bridge = output.splitlines()
        assert "vxlan id 16000001" in vxlan and "master fdtestbr" in vxlan and "mtu 9000" in vxlan
        assert "mtu 9000" in bridge
    finally:
        # By name: `ifdown -a` takes down every interface ifupdown2 has brought up, the switch's ports too.
        lab.ssh(node, f"sudo -n ifdown -i {path} {TEST_IFACES}; rm -f {path}")
    _, output = lab.ssh(node, "ip -br link show up")
    up = {line.split()[0] for line in output.splitlines() if line.strip()}
    assert set(cabling_plan()[node]) <= up, f"the switch's cabled ports stay up:\n{output}"
    status, _ = lab.ssh(node, "ip link show fdtestbr")
    assert status != 0, "ifdown left the bridge behind"
