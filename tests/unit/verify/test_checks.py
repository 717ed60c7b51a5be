"""Each check on answers in NAPALM's shapes: pass, fail and error cases, table-driven.

Cases name the answers by request key, as `fundament net verify --record` writes them.
"""

from pathlib import Path
from typing import Any

import pytest

from network.verify.catalog import parse
from network.verify.check import Status
from network.verify.checks.zones import EVPN_ES_COMMAND
from network.verify.observe import Observations

LINK = {"a": {"device": "spine1", "interface": "eth1"}, "b": {"device": "leaf1", "interface": "eth1"}}


def lldp(*neighbors: tuple[str, str, str]) -> dict[str, list[dict[str, str]]]:
    table: dict[str, list[dict[str, str]]] = {}
    for interface, hostname, port in neighbors:
        table.setdefault(interface, []).append({"hostname": hostname, "port": port})
    return table


def peer(local_as: int, remote_as: int, up: bool = True, ipv4: int = 5, evpn: int = 3) -> dict[str, Any]:
    return {
        "local_as": local_as,
        "remote_as": remote_as,
        "remote_id": "10.255.0.1",
        "is_up": up,
        "is_enabled": True,
        "description": "",
        "uptime": 100 if up else -1,
        "address_family": {
            "ipv4": {"received_prefixes": ipv4, "accepted_prefixes": ipv4, "sent_prefixes": 4},
            "l2vpn evpn": {"received_prefixes": evpn, "accepted_prefixes": evpn, "sent_prefixes": 2},
        },
    }


def bgp(peers: dict[str, Any]) -> dict[str, Any]:
    return {"global": {"router_id": "10.255.0.1", "peers": peers}}


def interface(up: bool, enabled: bool = True) -> dict[str, Any]:
    return {
        "is_up": up,
        "is_enabled": enabled,
        "description": "",
        "last_flapped": -1.0,
        "mtu": 9214,
        "speed": 10000.0,
        "mac_address": "AA:C1:AB:00:00:01",
    }


def ping(sent: int, lost: int) -> dict[str, Any]:
    return {
        "success": {
            "probes_sent": sent,
            "packet_loss": lost,
            "rtt_min": 0.05,
            "rtt_max": 0.09,
            "rtt_avg": 0.07,
            "rtt_stddev": 0.01,
            "results": [{"ip_address": "10.255.0.2", "rtt": 0.07}] * (sent - lost),
        }
    }


BGP_ENTRY = {
    "a": {"device": "spine1", "asn": 65100, "peer": "eth1"},
    "b": {"device": "leaf1", "asn": 65101, "peer": "eth1"},
    "prefixes": {"ipv4": {"min": 1, "max": 13}, "evpn": {"min": 1}},
}
GOOD_BGP = {
    "spine1 get_bgp_neighbors": bgp({"eth1": peer(65100, 65101)}),
    "leaf1 get_bgp_neighbors": bgp({"eth1": peer(65101, 65100)}),
}
VNI_ENTRY = {
    "device": "leaf1",
    "segments": [
        {"segment": "server", "vni": 10210, "interface": "vxlan10210"},
        {"segment": "opslag", "vni": 10230, "interface": "vxlan10230"},
    ],
}
HOST_A = {"name": "h-srv1", "attach": "leaf1:eth3", "segment": "server", "zone": "server"}
HOST_B = {
    "name": "h-srv2",
    "attach": "leaf2:eth3",
    "segment": "server",
    "zone": "server",
    "ipv4": "10.20.210.12",
}
SAME_SEGMENT = {"source": HOST_A, "target": HOST_B, "expect": "reachable", "reason": "same segment server"}
OTHER_ZONE = {**SAME_SEGMENT, "expect": "unreachable", "reason": "zone gast may not reach zone server"}
EOS_NTP = {"device": "spine1", "service": "ntp", "lines": [r"^ntp server\b.*\b10\.20\.210\.123\b"]}

HOST_A = {"name": "h-a", "attach": "leaf1:eth3", "segment": "kantoor", "zone": "kantoor"}
HOST_B = {
    "name": "h-b",
    "attach": "leaf2:eth3",
    "segment": "server",
    "zone": "server",
    "ipv4": "10.20.210.11",
}
HTTPS = {"name": "https", "protocol": "tcp", "port": 443}
ZONE_INTERFACES = {
    "device": "leaf1",
    "interfaces": [
        {"name": "vlan210", "purpose": "gateway of server", "mac": "02:00:00:00:01:01"},
        {"name": "bond1", "purpose": "bond, ES 1"},
    ],
}
UP_ANYCAST = {"is_up": True, "is_enabled": True, "mac_address": "02:00:00:00:01:01"}


def vlan(*ports: str) -> dict[str, Any]:
    return {"name": "vlan", "interfaces": list(ports)}


VLAN_PORTS = {
    "device": "leaf1",
    "ports": [
        {"port": "eth3", "vlans": [210], "purpose": "access port of server"},
        {"port": "bond1", "vlans": [210], "purpose": "bond of h-srv3"},
        {"port": "vx-210", "vlans": [210], "purpose": "VNI 10210"},
    ],
}


def routes(*entries: tuple[str, str]) -> dict[str, list[dict[str, Any]]]:
    table: dict[str, list[dict[str, Any]]] = {}
    for vrf, prefix in entries:
        table.setdefault(prefix, []).append({"protocol": "bgp", "current_active": True, "routing_table": vrf})
    return table


VRF_TABLES = {
    "device": "leaf1",
    "vrfs": [{"vrf": "server", "present": ["10.20.210.0/24", "0.0.0.0/0"], "absent": ["10.10.110.0/24"]}],
}

ES_INPUT = {
    "device": "leaf1",
    "segments": [{"bond": "bond1", "esi": "03:02:00:00:00:00:01:00:00:01", "peers": ["10.255.0.12"]}],
}
# What leaf1 of the live lab answered (tests/unit/napalm_frr/mocked_data/cli/lab_leaf_zones).
RECORDED_ES = (
    Path(__file__).parents[1]
    / "napalm_frr/mocked_data/cli/lab_leaf_zones/vtysh_-c_show_evpn_es_detail_json.txt"
).read_text()

CASES: list[tuple[str, str, dict[str, Any], dict[str, Any], Status, list[str]]] = [
    # id, check, inputs, answers, status, fragments of the message
    (
        "lldp both ends",
        "lldp-neighbors",
        LINK,
        {
            "spine1 get_lldp_neighbors": lldp(("eth1", "leaf1", "eth1"), ("eth2", "leaf2", "eth1")),
            "leaf1 get_lldp_neighbors": lldp(("eth1", "spine1.corp.provincie.internal", "eth1")),
        },
        Status.PASS,
        ["spine1:eth1 and leaf1:eth1 see each other"],
    ),
    (
        "lldp extra neighbor",
        "lldp-neighbors",
        LINK,
        {
            "spine1 get_lldp_neighbors": lldp(("eth1", "leaf1", "eth1"), ("eth1", "tap7", "eth0")),
            "leaf1 get_lldp_neighbors": lldp(("eth1", "spine1", "eth1")),
        },
        Status.WARN,
        ["spine1:eth1 and leaf1:eth1 see each other; spine1:eth1 also sees tap7:eth0"],
    ),
    (
        "lldp miscabled",
        "lldp-neighbors",
        LINK,
        {
            "spine1 get_lldp_neighbors": lldp(("eth1", "leaf2", "eth1")),
            "leaf1 get_lldp_neighbors": lldp(("eth1", "spine1", "eth1")),
        },
        Status.FAIL,
        ["spine1:eth1 should see leaf1:eth1, sees leaf2:eth1"],
    ),
    (
        "lldp link down",
        "lldp-neighbors",
        LINK,
        {"spine1 get_lldp_neighbors": lldp(), "leaf1 get_lldp_neighbors": lldp()},
        Status.FAIL,
        ["spine1:eth1 should see leaf1:eth1, sees no LLDP neighbor", "leaf1:eth1 should see spine1:eth1"],
    ),
    (
        "lldp device unreachable",
        "lldp-neighbors",
        LINK,
        {
            "spine1 get_lldp_neighbors": lldp(("eth1", "leaf1", "eth1")),
            "leaf1 get_lldp_neighbors": {"failure": "ConnectionException: leaf1: timed out"},
        },
        Status.ERROR,
        ["leaf1 get_lldp_neighbors", "timed out"],
    ),
    (
        "interfaces up",
        "interfaces",
        {"device": "leaf1", "up": {"eth1": "spine1:eth1", "eth3": "segment server"}},
        {
            "leaf1 get_interfaces": {
                "eth0": interface(True),
                "eth1": interface(True),
                "eth3": interface(True),
                "br10210": interface(True),
                "eth9": interface(False),
            }
        },
        Status.PASS,
        ["2 designed ports up on leaf1"],
    ),
    (
        "interface down names its peer",
        "interfaces",
        {"device": "leaf1", "up": {"eth1": "spine1:eth1", "eth2": "spine2:eth1"}},
        {"leaf1 get_interfaces": {"eth1": interface(False), "eth2": interface(True, enabled=False)}},
        Status.FAIL,
        ["leaf1:eth1 (to spine1:eth1) is down", "leaf1:eth2 (to spine2:eth1) is administratively down"],
    ),
    (
        "unexpected port up",
        "interfaces",
        {"device": "leaf1", "up": {"eth1": "spine1:eth1"}},
        {"leaf1 get_interfaces": {"eth1": interface(True), "eth7": interface(True)}},
        Status.FAIL,
        ["leaf1: eth7 up but not in the design"],
    ),
    (
        "interfaces getter of another shape",
        "interfaces",
        {"device": "leaf1", "up": {"eth1": "spine1:eth1"}},
        {"leaf1 get_interfaces": {"eth1": {"up": True}}},
        Status.ERROR,
        ["unexpected shape", "eth1.is_up"],
    ),
    (
        "bgp established",
        "bgp-session",
        BGP_ENTRY,
        GOOD_BGP,
        Status.PASS,
        ["established, ASNs as designed", "ipv4 1..13"],
    ),
    (
        "bgp wrong peer AS",
        "bgp-session",
        BGP_ENTRY,
        {**GOOD_BGP, "spine1 get_bgp_neighbors": bgp({"eth1": peer(65100, 65199, up=False)})},
        Status.FAIL,
        ["spine1 eth1 -> leaf1 is not established", "peer AS is 65199, the design says 65101"],
    ),
    (
        "bgp session missing",
        "bgp-session",
        BGP_ENTRY,
        {**GOOD_BGP, "leaf1 get_bgp_neighbors": bgp({})},
        Status.FAIL,
        ["leaf1 has no BGP session eth1 to spine1"],
    ),
    (
        "bgp no evpn routes",
        "bgp-session",
        BGP_ENTRY,
        {**GOOD_BGP, "leaf1 get_bgp_neighbors": bgp({"eth1": peer(65101, 65100, evpn=0)})},
        Status.FAIL,
        ["leaf1 eth1 -> spine1: 0 evpn prefixes received, expected >= 1"],
    ),
    (
        "bgp too many prefixes",
        "bgp-session",
        BGP_ENTRY,
        {**GOOD_BGP, "leaf1 get_bgp_neighbors": bgp({"eth1": peer(65101, 65100, ipv4=400)})},
        Status.FAIL,
        ["400 ipv4 prefixes received, expected 1..13"],
    ),
    (
        "loopback lossy",
        "loopback-reachability",
        {
            "device": "leaf1",
            "source": "10.255.0.11",
            "targets": {"spine1": "10.255.0.1", "leaf2": "10.255.0.12"},
        },
        {
            "leaf1 ping 10.255.0.1 from 10.255.0.11": ping(2, 0),
            "leaf1 ping 10.255.0.12 from 10.255.0.11": ping(2, 1),
        },
        Status.WARN,
        ["leaf1 (10.255.0.11) reaches every loopback, but with loss: leaf2 10.255.0.12 (1 of 2 probes lost)"],
    ),
    (
        "loopback lost",
        "loopback-reachability",
        {
            "device": "leaf1",
            "source": "10.255.0.11",
            "targets": {"spine1": "10.255.0.1", "leaf2": "10.255.0.12"},
        },
        {
            "leaf1 ping 10.255.0.1 from 10.255.0.11": ping(2, 2),
            "leaf1 ping 10.255.0.12 from 10.255.0.11": ping(2, 1),
        },
        Status.FAIL,
        ["cannot reach spine1 10.255.0.1 (all 2 probes lost), leaf2 10.255.0.12 (1 of 2 probes lost)"],
    ),
    (
        "loopbacks all reached",
        "loopback-reachability",
        {"device": "leaf1", "source": "10.255.0.11", "targets": {"spine1": "10.255.0.1"}},
        {"leaf1 ping 10.255.0.1 from 10.255.0.11": ping(2, 0)},
        Status.PASS,
        ["leaf1 reaches all 1 loopbacks"],
    ),
    (
        "loopback ping error",
        "loopback-reachability",
        {"device": "leaf1", "source": "10.255.0.11", "targets": {"spine1": "10.255.0.1"}},
        {"leaf1 ping 10.255.0.1 from 10.255.0.11": {"error": "connect: Network is unreachable"}},
        Status.FAIL,
        ["spine1 10.255.0.1 (connect: Network is unreachable)"],
    ),
    (
        "vnis up",
        "evpn-vni",
        VNI_ENTRY,
        {"leaf1 get_interfaces": {"vxlan10210": interface(True), "vxlan10230": interface(True)}},
        Status.PASS,
        ["leaf1 carries server 10210, opslag 10230, VXLAN interfaces up"],
    ),
    (
        "vni missing and down",
        "evpn-vni",
        VNI_ENTRY,
        {"leaf1 get_interfaces": {"vxlan10230": interface(False)}},
        Status.FAIL,
        [
            "leaf1:vxlan10210 (VNI 10210, segment server) does not exist",
            "leaf1:vxlan10230 (VNI 10230, segment opslag) is down",
        ],
    ),
    (
        "vni getter failed",
        "evpn-vni",
        VNI_ENTRY,
        {"leaf1 get_interfaces": {"failure": "ConnectionClosedException: session lost"}},
        Status.ERROR,
        ["'leaf1 get_interfaces' failed: ConnectionClosedException: session lost"],
    ),
    (
        "endpoints reach over evpn",
        "endpoint-reachability",
        SAME_SEGMENT,
        {"h-srv1 endpoint-ping 10.20.210.12": 0},
        Status.PASS,
        ["h-srv1 (leaf1:eth3, segment server) reaches h-srv2 (leaf2:eth3, segment server)"],
    ),
    (
        "endpoint stopped",
        "endpoint-reachability",
        SAME_SEGMENT,
        {"h-srv1 endpoint-ping 10.20.210.12": 100},
        Status.FAIL,
        ["h-srv1 (leaf1:eth3, segment server) cannot reach h-srv2 (leaf2:eth3, segment server)"],
    ),
    (
        "zones kept apart",
        "endpoint-reachability",
        OTHER_ZONE,
        {"h-srv1 endpoint-ping 10.20.210.12": 100},
        Status.PASS,
        ["does not reach", "may not reach zone server"],
    ),
    (
        "zones leak",
        "endpoint-reachability",
        OTHER_ZONE,
        {"h-srv1 endpoint-ping 10.20.210.12": 50},
        Status.FAIL,
        ["but should not"],
    ),
    (
        "endpoint login fails",
        "endpoint-reachability",
        SAME_SEGMENT,
        {"h-srv1 endpoint-ping 10.20.210.12": {"failure": "cannot log in to endpoint h-srv1"}},
        Status.ERROR,
        ["cannot log in to endpoint h-srv1"],
    ),
    (
        "ssh only",
        "ssh-only",
        {"device": "spine1"},
        {"spine1 tcp 22": True, "spine1 tcp 23": False, "spine1 tcp 80": False},
        Status.PASS,
        ["ssh answers, telnet (23), http (80) closed"],
    ),
    (
        "telnet open",
        "ssh-only",
        {"device": "spine1"},
        {"spine1 tcp 22": True, "spine1 tcp 23": True, "spine1 tcp 80": False},
        Status.FAIL,
        ["spine1: telnet (23) is listening"],
    ),
    (
        "default login refused",
        "no-default-credentials",
        {"device": "spine1"},
        {
            "spine1 login admin #8c6976e5": False,
            "spine1 login root #4813494d": False,
            "spine1 login cisco #e73b79a0": False,
            "spine1 login admin #e3b0c442": False,
        },
        Status.PASS,
        ["refuses all 4 default logins"],
    ),
    (
        "default login accepted",
        "no-default-credentials",
        {"device": "spine1"},
        {
            "spine1 login admin #8c6976e5": False,
            "spine1 login root #4813494d": True,
            "spine1 login cisco #e73b79a0": False,
            "spine1 login admin #e3b0c442": True,
        },
        Status.FAIL,
        ["spine1 accepts root with its default password, admin with an empty password"],
    ),
    (
        "ntp configured",
        "service-configured",
        EOS_NTP,
        {
            "spine1 get_config": {
                "running": "hostname spine1\nntp server vrf MGMT 10.20.210.123 iburst\n",
                "startup": "",
                "candidate": "",
            }
        },
        Status.PASS,
        ["all 1 ntp lines present"],
    ),
    (
        "an allowed service opens",
        "zone-service",
        {
            "source": HOST_A,
            "target": HOST_B,
            "service": HTTPS,
            "expect": "open",
            "reason": "kantoor -> server",
        },
        {"h-a endpoint-tcp 10.20.210.11:443": True},
        Status.PASS,
        ["h-a (leaf1:eth3, segment kantoor) opens https", "kantoor -> server"],
    ),
    (
        "a denied service opens: a zone leaks",
        "zone-service",
        {"source": HOST_A, "target": HOST_B, "service": HTTPS, "expect": "blocked", "reason": "no rule"},
        {"h-a endpoint-tcp 10.20.210.11:443": True},
        Status.FAIL,
        ["opens https on h-b", "but must not: no rule"],
    ),
    (
        "an allowed service stays closed",
        "zone-service",
        {"source": HOST_A, "target": HOST_B, "service": HTTPS, "expect": "open", "reason": "rule"},
        {"h-a endpoint-tcp 10.20.210.11:443": False},
        Status.FAIL,
        ["cannot open https"],
    ),
    (
        "gateway on the anycast MAC",
        "anycast-gateway",
        {"host": HOST_A, "gateway": "10.10.110.1", "mac": "02:00:00:00:01:01"},
        {"h-a endpoint-neighbor 10.10.110.1": "02:00:00:00:01:01"},
        Status.PASS,
        ["answers with the anycast MAC"],
    ),
    (
        "gateway answers with its own MAC",
        "anycast-gateway",
        {"host": HOST_A, "gateway": "10.10.110.1", "mac": "02:00:00:00:01:01"},
        {"h-a endpoint-neighbor 10.10.110.1": "0e:bb:2f:5b:0a:0e"},
        Status.FAIL,
        ["answers with 0e:bb:2f:5b:0a:0e, not the anycast MAC"],
    ),
    (
        "gateway silent",
        "anycast-gateway",
        {"host": HOST_A, "gateway": "10.10.110.1", "mac": "02:00:00:00:01:01"},
        {"h-a endpoint-neighbor 10.10.110.1": ""},
        Status.FAIL,
        ["does not answer"],
    ),
    (
        "zone interfaces up, gateway on the anycast MAC",
        "zone-interfaces",
        ZONE_INTERFACES,
        {"leaf1 get_interfaces": {"vlan210": UP_ANYCAST, "bond1": UP_ANYCAST}},
        Status.PASS,
        ["2 zone interfaces up"],
    ),
    (
        "gateway with another MAC, bond down",
        "zone-interfaces",
        ZONE_INTERFACES,
        {
            "leaf1 get_interfaces": {
                "vlan210": {"is_up": True, "is_enabled": True, "mac_address": "0E:00:00:00:00:01"},
                "bond1": {"is_up": False, "is_enabled": True, "mac_address": ""},
            }
        },
        Status.FAIL,
        ["has MAC 0e:00:00:00:00:01, not 02:00:00:00:01:01", "bond1"],
    ),
    (
        "bridge ports carry exactly their VLANs",
        "vlan-membership",
        VLAN_PORTS,
        {"leaf1 get_vlans": {210: vlan("eth3", "bond1", "vx-210"), 4001: vlan("vx-4001")}},
        Status.PASS,
        ["3 bridge ports carry exactly their VLANs"],
    ),
    (
        "an access port in the wrong segment, a VNI without its VLAN",
        "vlan-membership",
        VLAN_PORTS,
        {"leaf1 get_vlans": {110: vlan("eth3"), 210: vlan("bond1"), 4001: vlan("vx-4001")}},
        Status.FAIL,
        [
            "leaf1:eth3 (access port of server) carries VLANs 110, not 210",
            "vx-210 (VNI 10210) carries VLANs none",
        ],
    ),
    (
        "each VRF routes its zone and its way out",
        "vrf-routes",
        VRF_TABLES,
        {
            "leaf1 get_route_to": routes(
                ("server", "10.20.210.0/24"), ("server", "0.0.0.0/0"), ("kantoor", "10.10.110.0/24")
            )
        },
        Status.PASS,
        ["1 VRFs route their 2 prefixes and no other zone's"],
    ),
    (
        "a VRF routes another zone's subnet and misses its default",
        "vrf-routes",
        VRF_TABLES,
        {"leaf1 get_route_to": routes(("server", "10.20.210.0/24"), ("server", "10.10.110.0/24"))},
        Status.FAIL,
        ["VRF server on leaf1 has no route to 0.0.0.0/0", "routes another zone's 10.10.110.0/24"],
    ),
    (
        "the bond's Ethernet segment is up and shared with the pair",
        "evpn-es",
        ES_INPUT,
        {f"leaf1 cli {EVPN_ES_COMMAND}": RECORDED_ES},
        Status.PASS,
        ["1 Ethernet segments up and shared"],
    ),
    (
        "the segment is down and the other leaf does not share it",
        "evpn-es",
        ES_INPUT,
        {
            f"leaf1 cli {EVPN_ES_COMMAND}": RECORDED_ES.replace('"operUp",', "").replace(
                '"vtep":"10.255.0.12"', '"vtep":"10.255.0.99"'
            )
        },
        Status.FAIL,
        ["is down", "is not shared with 10.255.0.12"],
    ),
    (
        "no Ethernet segment at all",
        "evpn-es",
        ES_INPUT,
        {f"leaf1 cli {EVPN_ES_COMMAND}": "[]"},
        Status.FAIL,
        ["no Ethernet segment 03:02:00:00:00:00:01:00:00:01 (bond1)"],
    ),
    (
        "ntp missing",
        "service-configured",
        EOS_NTP,
        {
            "spine1 get_config": {
                "running": "hostname spine1\nntp server 10.20.210.124\n",
                "startup": "",
                "candidate": "",
            }
        },
        Status.FAIL,
        ["no running-config line matches"],
    ),
]


@pytest.mark.parametrize(
    ("check_name", "inputs", "answers", "status", "fragments"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_check(
    check_name: str, inputs: dict[str, Any], answers: dict[str, Any], status: Status, fragments: list[str]
) -> None:
    (check,) = parse({"checks": [{"check": check_name, "inputs": inputs}]})
    requested = {request.key for request in check.requests()}
    assert requested == set(answers), "the case answers exactly what the check asks"
    result = check.run(Observations.from_json(answers))
    assert result.status is status, result.message
    for fragment in fragments:
        assert fragment in result.message


def test_every_check_has_cases() -> None:
    from network.verify.checks import REGISTRY

    assert {case[1] for case in CASES} == set(REGISTRY)


def test_missing_answer_is_an_error_not_a_crash() -> None:
    (check,) = parse({"checks": [{"check": "lldp-neighbors", "inputs": LINK}]})
    result = check.run(Observations())
    assert result.status is Status.ERROR
    assert "no answer recorded for 'spine1 get_lldp_neighbors'" in result.message


def test_baseline_checks_carry_bio_controls() -> None:
    checks = parse(
        {
            "checks": [
                {"check": "ssh-only", "inputs": {"device": "spine1"}},
                {"check": "no-default-credentials", "inputs": {"device": "spine1"}},
                {"check": "service-configured", "inputs": EOS_NTP, "tags": ["extra"]},
            ]
        }
    )
    tags = [check.all_tags for check in checks]
    assert "bio:13.1.1" in tags[0]
    assert "bio:9.4.3" in tags[1]
    assert tags[2] == ("baseline", "bio:12.4.4", "extra")
