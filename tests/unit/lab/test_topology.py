"""Topology generation: the golden file, containerlab's own schema, and the cabling plan kept exactly."""

import ipaddress
import json
from collections import Counter
from pathlib import Path

import jsonschema
import pytest
import yaml
from typer.testing import CliRunner

from fundament.app import app
from fundament.machines.uml import INJECT_DIR, machine_recipe
from inventory import Design
from network.firewall import IPTABLES_RULES, NFTABLES_RULES, render_firewall
from network.lab.images import HOST, SWITCH
from network.lab.topology import (
    CAPABILITIES,
    MACHINE_MEMORY,
    SYSCTLS,
    LabImages,
    NodeKind,
    Runtime,
    day_zero_files,
    day_zero_interfaces,
    day_zero_path,
    endpoint_mgmt_addresses,
    lab_links,
    lab_name,
    lab_nodes,
    render,
    topology,
)
from tests.golden import assert_matches_golden
from tests.unit.lab.conftest import IMAGES, SAMPLE

HERE = Path(__file__).parent
GOLDEN = HERE / "golden" / "fundament.clab.yml"
CLAB_SCHEMA = HERE / "data" / "clab-v0.79.0.schema.json"


def test_sample_topology_matches_golden_file(design: Design) -> None:
    text = render(design, IMAGES)
    assert_matches_golden(text, GOLDEN)


def validate_with_containerlabs_schema(data: object) -> None:
    # The schema's patterns are Go regexes: [\p{N}\p{L}] (a digit or letter) is [^\W_] in Python.
    schema = CLAB_SCHEMA.read_text().replace(r"[\\p{N}\\p{L}]", r"[^\\W_]")
    jsonschema.validate(data, json.loads(schema))


def test_topology_passes_containerlabs_schema(design: Design) -> None:
    validate_with_containerlabs_schema(yaml.safe_load(render(design, IMAGES)))


def test_every_node_is_unprivileged_linux_with_ipv6_and_local_images(design: Design) -> None:
    data = yaml.safe_load(render(design, IMAGES))
    defaults = data["topology"]["defaults"]
    assert data["name"] == "provincie-fundament", "the lab is named after the design"
    assert defaults["kind"] == "linux" and defaults["privileged"] is False
    assert defaults["cap-add"] == CAPABILITIES
    assert defaults["image-pull-policy"] == "Never"
    assert defaults["sysctls"]["net.ipv6.conf.all.disable_ipv6"] == "0"
    assert defaults["sysctls"]["net.ipv6.conf.default.disable_ipv6"] == "0"
    nodes = data["topology"]["nodes"]
    assert not any({"kind", "privileged", "cap-add"} & set(node) for node in nodes.values())
    assert {name for name, node in nodes.items() if node["image"] == IMAGES.switch} == {
        d.name for d in design.devices
    }
    # The firewall runs on the test hosts' image (Linux + nftables).
    assert design.security.firewall
    assert {name for name, node in nodes.items() if node["image"] == IMAGES.host} == {
        e.name for e in design.endpoints
    } | {design.security.firewall.name}


def test_links_are_exactly_the_cabling_plan_plus_the_test_hosts_and_firewall_cables(design: Design) -> None:
    links = topology(design, IMAGES)["topology"]["links"]
    cables = Counter(frozenset(link["endpoints"]) for link in links if "endpoints" in link)
    expected = Counter(
        frozenset(f"{end.device}:{end.interface}" for end in link.ends) for link in design.links
    )
    expected.update(
        frozenset({f"{e.name}:eth{index}", f"{end.device}:{end.interface}"})
        for e in design.endpoints
        for index, end in enumerate(e.ports, start=1)
    )
    assert design.security.firewall
    expected.update(
        frozenset(
            {f"{design.security.firewall.name}:{u.interface}", f"{u.attach.device}:{u.attach.interface}"}
        )
        for u in design.security.firewall.uplinks
    )
    assert cables == expected
    ports = [port for link in links for port in link.get("endpoints", [])]
    assert len(ports) == len(set(ports)), "a port is cabled twice"


def test_every_access_port_without_a_test_host_still_exists(design: Design) -> None:
    links = topology(design, IMAGES)["topology"]["links"]
    stand_ins = [link for link in links if link.get("type") == "host"]
    ports = {(link["endpoint"]["node"], link["endpoint"]["interface"]) for link in stand_ins}
    cabled = {(end.device, end.interface) for e in design.endpoints for end in e.ports}
    assert ports == {(d.name, p.interface) for d in design.devices for p in d.access_ports} - cabled
    assert ("leaf1", "eth4") in ports
    host_names = [link["host-interface"] for link in stand_ins]
    assert len(set(host_names)) == len(host_names) and all(len(name) <= 15 for name in host_names)


def test_management_addresses_come_from_the_design(design: Design) -> None:
    data = topology(design, IMAGES)
    assert data["mgmt"]["ipv4-subnet"] == str(design.management.subnet)
    assert data["mgmt"]["ipv4-gw"] == str(design.management.gateway)
    nodes = data["topology"]["nodes"]
    for device in design.devices:
        assert nodes[device.name]["mgmt-ipv4"] == str(device.mgmt_ipv4.ip)
    addresses = [ipaddress.IPv4Address(node["mgmt-ipv4"]) for node in nodes.values()]
    assert len(set(addresses)) == len(addresses)
    assert design.management.gateway not in addresses
    assert all(address in design.management.subnet for address in addresses)


def test_test_hosts_get_their_design_address_on_eth1(design: Design) -> None:
    nodes = topology(design, IMAGES)["topology"]["nodes"]
    for endpoint in design.endpoints:
        assert nodes[endpoint.name]["exec"] == [f"ip address add {endpoint.ipv4} dev eth1"]


def test_labels_carry_role_and_site_and_nornir_groups(design: Design) -> None:
    nodes = topology(design, IMAGES)["topology"]["nodes"]
    leaf1 = nodes["leaf1"]["labels"]
    assert leaf1 == {
        "fundament.role": "leaf",
        "fundament.site": "dc1",
        "nornir-group-role": "role-leaf",
        "nornir-group-site": "site-dc1",
    }


def test_the_password_is_only_an_environment_reference(design: Design) -> None:
    text = render(design, IMAGES)
    assert "'${FUNDAMENT_LAB_PASSWORD:=fundament-lab}'" in text
    assert text.count("fundament-lab") == 1


def test_test_host_management_addresses_fill_the_subnet_from_the_top(design: Design) -> None:
    addresses = endpoint_mgmt_addresses(design)
    top = design.management.subnet.broadcast_address - 1
    assert sorted(addresses.values(), reverse=True) == [top - n for n in range(len(design.endpoints))]
    assert [node.name for node in lab_nodes(design)][-len(design.endpoints) :] == [
        e.name for e in design.endpoints
    ]


def test_a_full_management_subnet_is_an_error(design: Design) -> None:
    # 172.20.20.0/29 has five addresses besides the gateway: one short for the six test hosts.
    tiny = design.management.model_copy(update={"subnet": ipaddress.IPv4Network("172.20.20.0/29")})
    with pytest.raises(ValueError, match="no address left for test host h-ot"):
        endpoint_mgmt_addresses(design.model_copy(update={"management": tiny}))


@pytest.mark.usefixtures("with_uml")
@pytest.mark.parametrize("runtime", list(Runtime))
def test_topology_command_writes_the_file_with_the_recipes_image_tags(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, runtime: Runtime
) -> None:
    monkeypatch.setenv("FUNDAMENT_LAB_RUNTIME", runtime.value)
    output = tmp_path / "lab.clab.yml"
    result = CliRunner().invoke(app, ["lab", "topology", "-i", str(SAMPLE), "-o", str(output)])
    assert result.exit_code == 0, result.output
    nodes = yaml.safe_load(output.read_text())["topology"]["nodes"]
    switch, host = (
        (SWITCH, HOST) if runtime is Runtime.CONTAINER else (machine_recipe(SWITCH), machine_recipe(HOST))
    )
    assert nodes["spine1"]["image"] == switch.reference
    assert nodes["h-srv1"]["image"] == host.reference
    # Machines take their day-0 files from beside the topology file; containers need none there.
    assert (tmp_path / "day0" / "spine1" / "etc" / "network" / "interfaces").exists() == (
        runtime is Runtime.MACHINE
    )


def test_machine_nodes_boot_with_their_day_zero_files_and_guest_sysctls(design: Design) -> None:
    machines = LabImages(IMAGES.switch, IMAGES.host, Runtime.MACHINE)
    data = yaml.safe_load(render(design, machines))
    validate_with_containerlabs_schema(data)
    defaults = data["topology"]["defaults"]
    assert defaults["cap-add"] == CAPABILITIES and defaults["privileged"] is False
    # The container's own namespace is not the guest's: the guest sets the sysctls itself. Data ports reach
    # the guest through taps (802.1Q tags survive them).
    assert "sysctls" not in defaults
    assert defaults["devices"] == ["/dev/net/tun"]
    files = day_zero_files(design)
    for node in lab_nodes(design):
        spec = data["topology"]["nodes"][node.name]
        assert "exec" not in spec, node.name
        binds = {target: source for source, target, _ in (bind.split(":") for bind in spec["binds"])}
        assert binds == {f"{INJECT_DIR}{path}": day_zero_path(node.name, path) for path in files[node.name]}
        assert all(bind.endswith(":ro") for bind in spec["binds"])
        env = spec["env"]
        assert env["MACHINE_MEM"] == MACHINE_MEMORY[node.kind]
        assert env["FUNDAMENT_LAB_PASSWORD"] == "${FUNDAMENT_LAB_PASSWORD:=fundament-lab}"
        assert dict(item.split("=") for item in env["MACHINE_SYSCTLS"].split()) == SYSCTLS
        # Test hosts route through their segment's gateway, switches and the firewall keep Docker's.
        assert (env.get("MACHINE_MGMT_DEFAULT") == "no") == (node.kind is NodeKind.HOST), node.name
    for device in design.devices:
        assert files[device.name] == {"/etc/network/interfaces": day_zero_interfaces(design, device.name)}
    assert design.security.firewall
    rendered = render_firewall(design)
    # The machines' kernel loads the iptables form of the policy; the nftables file would not load.
    assert files[design.security.firewall.name] == {p: t for p, t in rendered.items() if p != NFTABLES_RULES}
    assert IPTABLES_RULES in files[design.security.firewall.name]


def test_test_hosts_get_address_gateway_and_a_bond_when_dual_homed(design: Design) -> None:
    files = day_zero_files(design)
    bonded = [endpoint for endpoint in design.endpoints if endpoint.bond]
    assert bonded, "the sample design dual-homes a server"
    for endpoint in design.endpoints:
        text = files[endpoint.name]["/etc/network/interfaces"]
        segment = design.segment_of(endpoint)
        assert segment is not None
        if endpoint.bond:
            ports = " ".join(f"eth{index}" for index in range(1, len(endpoint.ports) + 1))
            assert f"iface bond0\n    bond-slaves {ports}\n    bond-mode balance-xor\n" in text
            # ARP-monitored on every member, so both leaves of the pair learn the server.
            assert f"post-up echo +{segment.gateway} > /sys/class/net/bond0/bonding/arp_ip_target\n" in text
            assert f"    address {endpoint.ipv4}\n    gateway {segment.gateway}\n" in text
        else:
            assert f"iface eth1\n    address {endpoint.ipv4}\n    gateway {segment.gateway}\n" in text


def test_every_port_of_bonds_and_the_firewall_is_cabled(design: Design) -> None:
    cables = {frozenset(ends) for ends in lab_links(design)}
    for endpoint in design.endpoints:
        for index, end in enumerate(endpoint.ports, start=1):
            assert frozenset({(endpoint.name, f"eth{index}"), (end.device, end.interface)}) in cables
    assert design.security.firewall
    for uplink in design.security.firewall.uplinks:
        attach = (uplink.attach.device, uplink.attach.interface)
        assert frozenset({(design.security.firewall.name, uplink.interface), attach}) in cables
    ends = [end for cable in lab_links(design) for end in cable]
    assert len(ends) == len(set(ends)), "a port is cabled twice"


def test_test_hosts_answer_on_their_services_ports(design: Design) -> None:
    nodes = topology(design, IMAGES)["topology"]["nodes"]
    for endpoint in design.endpoints:
        expected = {
            f"{name}:{design.service_by_name[name].protocol}:{design.service_by_name[name].port}"
            for name in endpoint.services
        }
        assert set(nodes[endpoint.name].get("env", {}).get("FUNDAMENT_SERVICES", "").split()) == expected


def test_the_lab_name_comes_from_the_design_unless_set(
    design: Design, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FUNDAMENT_LAB_NAME", raising=False)
    other = design.model_copy(
        update={"design": design.design.model_copy(update={"name": "Ommelanden Campus_2"})}
    )
    assert lab_name(design) == "provincie-fundament"
    assert lab_name(other) == "ommelanden-campus-2"
    assert lab_nodes(other)[0].container == f"clab-ommelanden-campus-2-{other.devices[0].name}"
    monkeypatch.setenv("FUNDAMENT_LAB_NAME", "side-lab")
    assert lab_name(design) == "side-lab" == yaml.safe_load(render(design, IMAGES))["name"]
    monkeypatch.setenv("FUNDAMENT_LAB_NAME", "Bad Name")
    with pytest.raises(ValueError, match="FUNDAMENT_LAB_NAME"):
        lab_name(design)
