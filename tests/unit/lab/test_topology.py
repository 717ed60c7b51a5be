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
from inventory import Design
from network.lab.images import HOST, SWITCH
from network.lab.topology import (
    CAPABILITIES,
    endpoint_mgmt_addresses,
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


def test_topology_passes_containerlabs_schema(design: Design) -> None:
    # The schema's patterns are Go regexes: [\p{N}\p{L}] (a digit or letter) is [^\W_] in Python.
    schema = CLAB_SCHEMA.read_text().replace(r"[\\p{N}\\p{L}]", r"[^\\W_]")
    jsonschema.validate(yaml.safe_load(render(design, IMAGES)), json.loads(schema))


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
    assert {name for name, node in nodes.items() if node["image"] == IMAGES.host} == {
        e.name for e in design.endpoints
    }


def test_links_are_exactly_the_cabling_plan_plus_one_cable_per_test_host(design: Design) -> None:
    links = topology(design, IMAGES)["topology"]["links"]
    cables = Counter(frozenset(link["endpoints"]) for link in links if "endpoints" in link)
    expected = Counter(
        frozenset(f"{end.device}:{end.interface}" for end in link.ends) for link in design.links
    )
    expected.update(
        frozenset({f"{e.name}:eth1", f"{e.attach.device}:{e.attach.interface}"}) for e in design.endpoints
    )
    assert cables == expected
    ports = [port for link in links for port in link.get("endpoints", [])]
    assert len(ports) == len(set(ports)), "a port is cabled twice"


def test_every_access_port_without_a_test_host_still_exists(design: Design) -> None:
    links = topology(design, IMAGES)["topology"]["links"]
    stand_ins = [link for link in links if link.get("type") == "host"]
    ports = {(link["endpoint"]["node"], link["endpoint"]["interface"]) for link in stand_ins}
    cabled = {(e.attach.device, e.attach.interface) for e in design.endpoints}
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


def test_topology_command_writes_the_file_with_the_recipes_image_tags(tmp_path: Path) -> None:
    output = tmp_path / "lab.clab.yml"
    result = CliRunner().invoke(app, ["lab", "topology", "-i", str(SAMPLE), "-o", str(output)])
    assert result.exit_code == 0, result.output
    nodes = yaml.safe_load(output.read_text())["topology"]["nodes"]
    assert nodes["spine1"]["image"] == SWITCH.reference
    assert nodes["h-srv1"]["image"] == HOST.reference


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
