"""Synthetic designs of any size, for benchmarks and scale tests.

A datacenter (two spines, `leaves` leaves, two border leaves) and `sites` regional sites, each a WAN edge
(numbered /31 to a border leaf) with `access_per_site` access switches carrying the site's office segment.
"""

import ipaddress
from pathlib import Path
from typing import Any

import yaml

from fundament.errors import writing

SCHEMA_HEADER = "# yaml-language-server: $schema=../schema/design.schema.json\n"
MANAGEMENT = ipaddress.IPv4Network("172.16.0.0/16")
ASN_BASE = 4_200_000_000


def device_count(sites: int, leaves: int = 4, access_per_site: int = 2) -> int:
    return 4 + leaves + sites * (1 + access_per_site)


def generate(sites: int, leaves: int = 4, access_per_site: int = 2) -> dict[str, dict[str, Any]]:
    """The design as file name -> YAML data, in the layout of the sample design."""
    if not 1 <= sites <= 1900 or not 1 <= leaves <= 400 or not 1 <= access_per_site <= 8:
        raise ValueError("sites must be 1..1900, leaves 1..400, access_per_site 1..8")
    devices: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    segments: list[dict[str, Any]] = []
    next_port: dict[str, int] = {}

    def add_device(name: str, role: str, site: str, **extra: Any) -> None:
        index = len(devices)
        mgmt = MANAGEMENT.network_address + 10 + index
        loopback = ipaddress.IPv4Address("10.255.0.0") + 1 + index
        devices.append(
            {
                "name": name,
                "role": role,
                "site": site,
                "mgmt_ipv4": f"{mgmt}/16",
                "loopback": str(loopback),
                **extra,
            }
        )

    def port(device: str) -> str:
        next_port[device] = next_port.get(device, 0) + 1
        return f"eth{next_port[device]}"

    def cable(a: str, b: str, **extra: Any) -> None:
        links.append({"a": f"{a}:{port(a)}", "b": f"{b}:{port(b)}", **extra})

    for spine in ("spine1", "spine2"):
        add_device(spine, "spine", "dc1", asn=ASN_BASE)
    border = ["bl1", "bl2"]
    for number, name in enumerate([f"leaf{n}" for n in range(1, leaves + 1)] + border, start=1):
        add_device(name, "border-leaf" if name in border else "leaf", "dc1", asn=ASN_BASE + number)
        for spine in ("spine1", "spine2"):
            cable(spine, name)
    server_leaves = [f"leaf{n}" for n in range(1, leaves + 1)]
    segments.append(_segment("server", 2, 0, "server", server_leaves))
    asn = ASN_BASE + leaves + 10
    for site_number in range(1, sites + 1):
        site = f"site{site_number}"
        wan = f"{site}-wan"
        add_device(wan, "wan-edge", site, asn=asn)
        asn += 1
        p2p = ipaddress.IPv4Network((int(ipaddress.IPv4Address("10.254.0.0")) + 2 * (site_number - 1), 31))
        edge = border[site_number % 2]
        links.append(
            {
                "a": {"device": edge, "interface": port(edge), "ipv4": f"{p2p[0]}/31"},
                "b": {"device": wan, "interface": port(wan), "ipv4": f"{p2p[1]}/31"},
                "kind": "wan",
            }
        )
        access = [f"{site}-acc{n}" for n in range(1, access_per_site + 1)]
        for name in access:
            add_device(
                name,
                "access",
                site,
                asn=asn,
                access_ports=[{"interface": "eth9", "segment": f"{site}-kantoor"}],
            )
            asn += 1
            cable(wan, name, kind="campus")
        segments.append(_segment(f"{site}-kantoor", 10, site_number, "kantoor", access))
    return {
        "design.yaml": {
            "design": {
                "name": f"generated-{sites}-sites",
                "description": "synthetic scale design",
                "version": "0",
            },
            "defaults": {"platform": "eos"},
            "roles": {
                "spine": {"model": "spine"},
                "leaf": {"model": "leaf"},
                "border-leaf": {"model": "border"},
                "wan-edge": {"model": "wan"},
                "access": {"model": "access", "mtu": 9000},
            },
        },
        "sites.yaml": {
            "sites": [
                {
                    "name": "dc1",
                    "kind": "datacenter",
                    "location": "provincie Groningen",
                    "description": "datacenter",
                }
            ]
            + [
                {
                    "name": f"site{n}",
                    "kind": "regional",
                    "location": f"plaats {n}",
                    "description": "steunpunt",
                }
                for n in range(1, sites + 1)
            ]
        },
        "devices.yaml": {"devices": devices},
        "links.yaml": {"links": links},
        "segments.yaml": {"segments": segments},
        "routing.yaml": {
            "routing": {
                "underlay": {
                    "asn_range": {"first": ASN_BASE, "last": ASN_BASE + 99_999},
                    "loopback_pool": "10.255.0.0/16",
                    "p2p_pool": "10.254.0.0/16",
                },
                "overlay": {},
            }
        },
        "management.yaml": {
            "management": {
                "subnet": str(MANAGEMENT),
                "gateway": str(MANAGEMENT.network_address + 1),
                "domain": "generated.internal",
                "ntp": ["10.20.0.123"],
                "dns": ["10.20.0.53"],
                "syslog": [{"host": "10.20.0.51"}],
                "ssh": {"allowed_from": [str(MANAGEMENT)]},
                "aaa": {
                    "users": [
                        {
                            "name": "netbeheer",
                            "role": "network-admin",
                            "password": {"secret": "FUNDAMENT_NETBEHEER_PASSWORD"},
                        }
                    ]
                },
                "banner": "Toegang uitsluitend voor bevoegden.",
            },
            "security": {
                "zones": [
                    {"name": "kantoor", "description": "werkplekken", "bio_classification": "BBN2"},
                    {"name": "server", "description": "servers", "bio_classification": "BBN2"},
                ]
            },
        },
    }


def _segment(name: str, octet: int, number: int, zone: str, present_on: list[str]) -> dict[str, Any]:
    subnet = ipaddress.IPv4Network((int(ipaddress.IPv4Address(f"10.{octet}.0.0")) + 256 * number, 24))
    vlan = 100 + number
    return {
        "name": name,
        "vlan": vlan,
        "vni": 10_000 + vlan,
        "subnet": str(subnet),
        "gateway": str(subnet.network_address + 1),
        "zone": zone,
        "present_on": present_on,
    }


def write(files: dict[str, dict[str, Any]], directory: Path) -> None:
    with writing(directory):
        directory.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        text = yaml.dump(data, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper), sort_keys=False)
        with writing(directory / name):
            (directory / name).write_text(SCHEMA_HEADER + text, encoding="utf-8")
