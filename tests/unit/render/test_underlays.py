"""The underlay choices and the campus without EVPN: facts and rendered configs (golden files).

The designs are the example campus (OSPF between the cores, no overlay, access switches on trunks) and two
variants of the sample made here: iBGP with route reflectors instead of eBGP, and eBGP with the two campus
cores (one ASN) linked. FUNDAMENT_UPDATE_GOLDEN=1 rewrites the golden files (review the git diff).
"""

import re
import shutil
from pathlib import Path

import pytest

from fundament.paths import SAMPLE_DESIGN
from inventory import Design, load_design
from inventory.model import Platform
from network.facts import device_facts
from network.render import render_device
from tests.golden import assert_matches_golden

CAMPUS = SAMPLE_DESIGN.parent / "examples" / "campus"
GOLDEN = Path(__file__).parent / "underlays"


def _sample_copy(folder: Path) -> Path:
    shutil.copytree(SAMPLE_DESIGN, folder, ignore=shutil.ignore_patterns("migrations"))
    return folder


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture(scope="module")
def ibgp(tmp_path_factory: pytest.TempPathFactory) -> Design:
    """The sample in one AS: spines, border leaves, cores and WAN edges reflect; every device's own ASN removed."""
    folder = _sample_copy(tmp_path_factory.mktemp("ibgp") / "design")
    _replace(
        folder / "routing.yaml",
        "protocol: ebgp\n    asn_range: {first: 65000, last: 65499}\n    shared_asn_roles: [spine, core]\n",
        "protocol: ibgp\n    asn: 65000\n    route_reflector_roles: [spine, border-leaf, core, wan-edge]\n",
    )
    devices = folder / "devices.yaml"
    text = re.sub(r", asn: \d+\}", "}", devices.read_text(encoding="utf-8"))
    devices.write_text(re.sub(r"\n    asn: \d+", "", text), encoding="utf-8")
    return load_design(folder)


@pytest.fixture(scope="module")
def cores_linked(tmp_path_factory: pytest.TempPathFactory) -> Design:
    """The sample (eBGP) with a link between its two campus cores, which share AS 65200."""
    folder = _sample_copy(tmp_path_factory.mktemp("cores") / "design")
    _replace(
        folder / "links.yaml",
        '  - {a: "core1:eth2", b: "acc1:eth1", kind: campus}\n',
        '  - {a: "core1:eth2", b: "acc1:eth1", kind: campus}\n  - {a: "core1:eth9", b: "core2:eth9", kind: campus}\n',
    )
    return load_design(folder)


@pytest.fixture(scope="module")
def campus() -> Design:
    return load_design(CAMPUS)


def test_ibgp_route_reflectors_reflect_to_clients_only(ibgp: Design) -> None:
    spine1 = device_facts(ibgp, "spine1")
    assert spine1.bgp is not None and spine1.asn == spine1.bgp.asn == 65000
    sessions = {n.peer_device: (n.remote_as, n.session, n.next_hop_self) for n in spine1.bgp.neighbors}
    assert sessions == {
        "leaf1": (65000, "client", True),
        "leaf2": (65000, "client", True),
        "bl1": (65000, "internal", True),
        "bl2": (65000, "internal", True),
    }
    leaf1 = device_facts(ibgp, "leaf1")
    assert leaf1.bgp is not None
    assert {n.session for n in leaf1.bgp.neighbors} == {"internal"}


def test_cores_sharing_an_asn_talk_ibgp_over_their_link(cores_linked: Design) -> None:
    core1 = device_facts(cores_linked, "core1")
    assert core1.bgp is not None
    by_peer = {n.peer_device: n for n in core1.bgp.neighbors}
    assert (by_peer["core2"].remote_as, by_peer["core2"].session) == (65200, "internal")
    assert by_peer["core2"].next_hop_self, "core2 cannot resolve the next hops core1 learnt over eBGP"
    assert (by_peer["acc1"].session, by_peer["acc1"].next_hop_self) == ("external", False)
    config = render_device(core1, Platform.EOS)
    assert "   neighbor FABRIC-UNNUMBERED-IBGP next-hop-self\n" in config
    assert "neighbor interface Ethernet9 peer-group FABRIC-UNNUMBERED-IBGP remote-as 65200\n" in config


def test_campus_trunks_carry_what_both_ends_have(campus: Design) -> None:
    core = device_facts(campus, "core-a")
    assert [(t.name, t.peer_device, t.vlans) for t in core.trunks] == [
        ("eth3", "acc-a1", [110]),
        ("eth4", "acc-a2", [110, 120]),
    ]
    assert [i.name for i in core.interfaces] == ["eth1", "eth2"], "the WAN circuits stay routed"
    access = device_facts(campus, "acc-a2")
    assert [(t.name, t.vlans) for t in access.trunks] == [("eth1", [110, 120])]
    assert [(p.name, p.vlan) for p in access.access_ports] == [("eth3", 110), ("eth4", 120)]


def test_campus_core_routes_its_segments_and_access_only_switches(campus: Design) -> None:
    core = device_facts(campus, "core-a")
    assert core.bgp is None and core.ospf is not None
    assert (str(core.ospf.router_id), core.ospf.interfaces) == ("10.250.0.1", ["eth1", "eth2"])
    assert [(v.vlan, str(v.gateway)) for v in core.vlans] == [
        (110, "10.61.110.1/24"),
        (120, "10.61.120.1/24"),
    ]
    access = device_facts(campus, "acc-a1")
    assert (access.routes, access.loopback, access.asn, access.bgp, access.ospf) == (
        False,
        None,
        None,
        None,
        None,
    )
    assert [(v.vlan, v.gateway) for v in access.vlans] == [(110, None)]
    assert not access.segments and not access.vtep
    other_site = device_facts(campus, "core-b")
    assert [(v.name, v.vlan) for v in other_site.vlans] == [("kantoor-b", 110)], "VLAN 110 again, its own"


GOLDEN_CASES = [
    ("ibgp", "spine1"),
    ("ibgp", "leaf1"),
    ("ibgp", "bl1"),
]
"""The example campus has golden files of its own (tests/unit/inventory/test_example_design.py)."""


@pytest.mark.parametrize("platform", [Platform.EOS, Platform.FRR])
@pytest.mark.parametrize(("name", "device"), GOLDEN_CASES, ids=[f"{n}-{d}" for n, d in GOLDEN_CASES])
def test_underlay_configs_match_golden_files(
    request: pytest.FixtureRequest, name: str, device: str, platform: Platform
) -> None:
    design: Design = request.getfixturevalue(name)
    rendered = render_device(device_facts(design, device), platform)
    assert_matches_golden(rendered, GOLDEN / name / platform.value / f"{device}.cfg")
