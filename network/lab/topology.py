"""The containerlab topology of the lab, generated from the design: a pure function of `Design`.

Every design device becomes a switch node, every design endpoint a test host cabled to its access port.
The file is plain containerlab input: anyone with the two images can deploy it by hand.
"""

import base64
import hashlib
import ipaddress
import os
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import yaml

from fundament.machines.uml import CAPABILITIES as MACHINE_CAPABILITIES
from fundament.machines.uml import DEVICES as MACHINE_DEVICES
from fundament.machines.uml import INJECT_DIR, machine_env
from inventory.model import Design, Endpoint, Platform
from napalm_frr import candidate
from network.facts import device_facts
from network.firewall import NFTABLES_RULES, render_firewall
from network.render import render_device

# Unprivileged on purpose: `--privileged` fails on these machines and a lab node needs no more than this
# (the same for containers and machines).
CAPABILITIES = MACHINE_CAPABILITIES
# Docker disables IPv6 in containers, and BGP unnumbered runs over IPv6 link-local addresses; /proc/sys
# is read-only inside, so these can only be set from outside, at creation.
SYSCTLS = {
    "net.ipv6.conf.all.disable_ipv6": "0",
    "net.ipv6.conf.default.disable_ipv6": "0",
    "net.ipv4.ip_forward": "1",
    "net.ipv6.conf.all.forwarding": "1",
}
# containerlab expands ${VAR:=default} when it reads the file, so the lab password reaches the containers'
# environment without being written anywhere; the defaults are the documented lab credentials.
_LAB_NAME = r"[a-z][a-z0-9-]{0,39}"
LAB_ENV = {
    "FUNDAMENT_LAB_USER": "${FUNDAMENT_LAB_USER:=fundament}",
    "FUNDAMENT_LAB_PASSWORD": "${FUNDAMENT_LAB_PASSWORD:=fundament-lab}",
}


def lab_name(design: Design) -> str:
    """containerlab's name for the lab, the prefix of its containers: FUNDAMENT_LAB_NAME, else the design's
    name in lower case with dashes for anything but letters and digits.

    So the labs of two designs (whose management subnets differ) run side by side without any setting.
    """
    given = os.environ.get("FUNDAMENT_LAB_NAME")
    if given is not None:
        if not re.fullmatch(_LAB_NAME, given):
            raise ValueError(f"FUNDAMENT_LAB_NAME={given!r}: use lower-case letters, digits and dashes")
        return given
    name = re.sub(r"[^a-z0-9]+", "-", design.design.name.lower()).strip("-")[:40].rstrip("-")
    return name if re.fullmatch(_LAB_NAME, name) else f"lab-{name}"[:40].rstrip("-")


def mgmt_network(design: Design) -> str:
    """The Docker network containerlab creates for the lab's management addresses."""
    return f"{lab_name(design)}-mgmt"


class NodeKind(StrEnum):
    SWITCH = "switch"
    FIREWALL = "firewall"
    """The design's policy point between zones (Linux + netfilter), on the test hosts' image."""
    HOST = "host"


class Runtime(StrEnum):
    """How a lab node runs its image."""

    MACHINE = "machine"
    """Its own kernel under user-mode Linux (fundament.machines): 802.1Q, VRFs, bonds, netfilter."""
    CONTAINER = "container"
    """A container on this machine's kernel, which lacks those: the fallback without the UML package."""


# Guest memory per kind of machine (UML maps it from a tmpfs, so only what a guest touches is used).
MACHINE_MEMORY = {NodeKind.SWITCH: "256M", NodeKind.FIREWALL: "192M", NodeKind.HOST: "160M"}


@dataclass(frozen=True)
class LabImages:
    """Image references (`name:tag`) for the two kinds of node, and how they run."""

    switch: str
    host: str
    runtime: Runtime = Runtime.CONTAINER


@dataclass(frozen=True)
class LabNode:
    """One container of the lab, as status, readiness checks and tests see it."""

    name: str
    kind: NodeKind
    mgmt_ipv4: ipaddress.IPv4Address
    role: str
    site: str
    lab: str
    """The lab's name (see lab_name)."""

    @property
    def container(self) -> str:
        """containerlab's container name for the node."""
        return f"clab-{self.lab}-{self.name}"


def endpoint_mgmt_addresses(design: Design) -> dict[str, ipaddress.IPv4Address]:
    """Management addresses for the test hosts, which the design does not address on the management network.

    They are taken from the top of the management subnet downwards, skipping addresses in use, so they are
    stable for a given design and never collide with a device or the gateway.
    """
    subnet = design.management.subnet
    taken = {device.mgmt_ipv4.ip for device in design.devices} | {design.management.gateway}
    if design.security.firewall:
        taken.add(design.security.firewall.mgmt_ipv4.ip)
    free = (address for address in reversed(list(subnet.hosts())) if address not in taken)
    addresses: dict[str, ipaddress.IPv4Address] = {}
    for endpoint in design.endpoints:
        address = next(free, None)
        if address is None:
            raise ValueError(f"management subnet {subnet} has no address left for test host {endpoint.name}")
        addresses[endpoint.name] = address
    return addresses


def lab_nodes(design: Design) -> list[LabNode]:
    """Switches in design order, the firewall, then test hosts; a test host's site is its switch's, the
    firewall's that of the border leaf of its first uplink."""
    lab = lab_name(design)
    nodes = [
        LabNode(device.name, NodeKind.SWITCH, device.mgmt_ipv4.ip, device.role.value, device.site, lab)
        for device in design.devices
    ]
    firewall = design.security.firewall
    if firewall:
        site = design.device_by_name[firewall.uplinks[0].attach.device].site
        nodes.append(LabNode(firewall.name, NodeKind.FIREWALL, firewall.mgmt_ipv4.ip, "firewall", site, lab))
    host_addresses = endpoint_mgmt_addresses(design)
    for endpoint in design.endpoints:
        switch = design.device_by_name[endpoint.attach.device]
        nodes.append(
            LabNode(
                endpoint.name, NodeKind.HOST, host_addresses[endpoint.name], "test-host", switch.site, lab
            )
        )
    return nodes


def _host_interface(lab: str, device: str, interface: str) -> str:
    """A name for the machine-side end of an unused access port: unique per lab, within Linux's 15."""
    return "fl" + hashlib.sha256(f"{lab}/{device}/{interface}".encode()).hexdigest()[:12]


def day_zero_interfaces(design: Design, device: str) -> str:
    """The interfaces file of `device` at day 0 (no migration applied): what a fresh lab starts from."""
    config = render_device(device_facts(design, device, frozenset()), Platform.FRR)
    interfaces = candidate.parse(config).interfaces
    assert interfaces is not None  # the frr platform always renders the interfaces file
    return interfaces


def host_ports(endpoint: Endpoint) -> list[str]:
    """The test host's ports, in cabling order: eth1 to its attach port, eth2.. to its bond's members."""
    return [f"eth{index}" for index in range(1, len(endpoint.ports) + 1)]


def host_interfaces(design: Design, endpoint: Endpoint) -> str:
    """The interfaces file of a test host: its design address, on a bond over all its ports when
    the design dual-homes it, and a default route through its segment's (anycast) gateway."""
    ports = host_ports(endpoint)
    segment = design.segment_of(endpoint)
    lines = ["# Rendered by fundament from the design.", "auto lo", "iface lo inet loopback", ""]
    if endpoint.bond:
        lines += [f"auto {port}\niface {port}\n" for port in ports]
        lines += ["auto bond0", "iface bond0", f"    bond-slaves {' '.join(ports)}"]
        # Static, as the switches' side of it: no LACP over the machines' virtual NICs (no duplex to report).
        lines += ["    bond-mode balance-xor", "    bond-xmit-hash-policy layer3+4", "    bond-miimon 0"]
        if segment:
            # Links monitored by ARP to the gateway, which the bond sends on every member: both leaves of
            # the pair learn the server's address. They share the gateway's MAC, so the answer to a leaf's
            # own ARP request may reach the other one, and FRR 8.4 does not install the neighbour its ES
            # peer syncs over EVPN (FRRouting/frr#13934): that leaf could never route to the server.
            sysfs = "/sys/class/net/bond0/bonding"
            lines += [
                f"    post-up echo +{segment.gateway} > {sysfs}/arp_ip_target",
                f"    post-up echo 1000 > {sysfs}/arp_interval",
            ]
    else:
        lines += ["auto eth1", "iface eth1"]
    lines.append(f"    address {endpoint.ipv4}")
    if segment:
        lines.append(f"    gateway {segment.gateway}")
    return "\n".join(lines) + "\n"


def day_zero_files(design: Design) -> dict[str, dict[str, str]]:
    """Files handed to machine nodes at boot: node -> absolute path in the node -> text. Switches get
    their interfaces file at the design's day 0, the firewall its rendered config, test hosts theirs."""
    files = {
        device.name: {"/etc/network/interfaces": day_zero_interfaces(design, device.name)}
        for device in design.devices
    }
    if design.security.firewall:
        # Debian's user-mode Linux kernel has nf_tables for the bridge family only (no ip/inet tables): the
        # firewall loads the same policy through iptables, and an nftables file would fail to load.
        files[design.security.firewall.name] = {
            path: text for path, text in render_firewall(design).items() if path != NFTABLES_RULES
        }
    for endpoint in design.endpoints:
        files[endpoint.name] = {"/etc/network/interfaces": host_interfaces(design, endpoint)}
    return files


def day_zero_path(node: str, path: str) -> str:
    """Where the topology keeps a node's day-0 file, relative to the topology file."""
    return f"day0/{node}{path}"


def services_env(design: Design, endpoint: Endpoint) -> str:
    """FUNDAMENT_SERVICES of a test host: `name:protocol:port` of each service it answers on."""
    services = [design.service_by_name[name] for name in endpoint.services]
    return " ".join(f"{service.name}:{service.protocol}:{service.port}" for service in services)


def lab_links(design: Design) -> list[tuple[tuple[str, str], tuple[str, str]]]:
    """Every cable of the lab as ((node, port), (node, port)): the design's links, each test host to its
    switch ports, the firewall's uplinks to the border leaves."""
    cables = [((link.a.device, link.a.interface), (link.b.device, link.b.interface)) for link in design.links]
    for endpoint in design.endpoints:
        cables += [
            ((endpoint.name, port), (end.device, end.interface))
            for port, end in zip(host_ports(endpoint), endpoint.ports, strict=True)
        ]
    if design.security.firewall:
        firewall = design.security.firewall
        cables += [
            ((firewall.name, uplink.interface), (uplink.attach.device, uplink.attach.interface))
            for uplink in firewall.uplinks
        ]
    return cables


def _day_zero_exec(design: Design, nodes: dict[str, Any]) -> None:
    """Day-0 provisioning of container nodes: commands containerlab runs once it has cabled them."""
    for endpoint in design.endpoints:
        nodes[endpoint.name]["exec"] = [f"ip address add {endpoint.ipv4} dev eth1"]
    for device in design.devices:
        interfaces = day_zero_interfaces(design, device.name)
        encoded = base64.b64encode(interfaces.encode()).decode()
        nodes[device.name]["exec"] = [
            f"sh -c 'echo {encoded} | base64 -d >/etc/network/interfaces && ifreload -a'"
        ]


def topology(design: Design, images: LabImages) -> dict[str, Any]:
    """The containerlab topology as data (see `render` for the file)."""
    machines = images.runtime is Runtime.MACHINE
    day_zero = day_zero_files(design)
    nodes: dict[str, Any] = {}
    for node in lab_nodes(design):
        spec: dict[str, Any] = {
            "image": images.switch if node.kind is NodeKind.SWITCH else images.host,
            "mgmt-ipv4": str(node.mgmt_ipv4),
            "labels": {
                "fundament.role": node.role,
                "fundament.site": node.site,
                # containerlab copies nornir-group* labels into the groups of its Nornir inventory.
                "nornir-group-role": f"role-{node.role}",
                "nornir-group-site": f"site-{node.site}",
            },
        }
        if machines:
            # Day-0 provisioning, as zero-touch provisioning would do it: the design's config with no
            # migration applied. The image itself knows no device; the guest applies its files at boot,
            # when every port exists. The sysctls belong to the guest's kernel, not the container's.
            env = {**LAB_ENV, **machine_env(MACHINE_MEMORY[node.kind], SYSCTLS)}
            if node.kind is NodeKind.HOST:
                # A test host's default route is its segment's gateway, not the management network.
                env["MACHINE_MGMT_DEFAULT"] = "no"
            spec["env"] = env
            spec["binds"] = [
                f"{day_zero_path(node.name, path)}:{INJECT_DIR}{path}:ro" for path in day_zero[node.name]
            ]
        nodes[node.name] = spec
    for endpoint in design.endpoints:
        if endpoint.services:
            nodes[endpoint.name].setdefault("env", {})["FUNDAMENT_SERVICES"] = services_env(design, endpoint)
    if not machines:
        _day_zero_exec(design, nodes)

    cables = lab_links(design)
    links: list[dict[str, Any]] = [{"endpoints": [f"{n}:{p}" for n, p in ends]} for ends in cables]
    # An access port with no test host behind it must still exist on the switch, as on the hardware, so
    # the segment's bridge can enslave it. The kernel has no dummy interfaces: a veth whose other end
    # stays on this machine, unconnected, stands in.
    cabled = {end for ends in cables for end in ends}
    links += [
        {
            "type": "host",
            "endpoint": {"node": device.name, "interface": port.interface},
            "host-interface": _host_interface(lab_name(design), device.name, port.interface),
        }
        for device in design.devices
        for port in device.access_ports
        if (device.name, port.interface) not in cabled
    ]
    return {
        "name": lab_name(design),
        "mgmt": {
            "network": mgmt_network(design),
            "ipv4-subnet": str(design.management.subnet),
            "ipv4-gw": str(design.management.gateway),
        },
        "topology": {
            "defaults": {
                "kind": "linux",
                "image-pull-policy": "Never",
                "privileged": False,
                "cap-add": CAPABILITIES,
                **({"devices": MACHINE_DEVICES} if machines else {"sysctls": SYSCTLS, "env": LAB_ENV}),
            },
            "nodes": nodes,
            "links": links,
        },
    }


class _Dumper(yaml.SafeDumper):
    """Block style, keys in insertion order, and `${...}` references single-quoted for containerlab."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "'" if "${" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def render(design: Design, images: LabImages) -> str:
    """The topology file's text."""
    header = (
        f"# containerlab topology of the {design.design.name} lab, generated by `fundament lab topology`\n"
        "# from the inventory: edit the design, not this file.\n"
    )
    body = yaml.dump(topology(design, images), Dumper=_Dumper, sort_keys=False, default_flow_style=False)
    return header + body
