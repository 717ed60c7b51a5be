"""Pure functions from device command output to NAPALM's data models (no I/O, easy to test)."""

from __future__ import annotations

import ipaddress
import json
import re
from typing import Any

from napalm.base import models
from napalm.base.helpers import mac as normal_mac

# FRR's JSON address-family keys and the names this driver reports them under.
ADDRESS_FAMILIES = {
    "ipv4Unicast": "ipv4",
    "ipv6Unicast": "ipv6",
    "l2VpnEvpn": "l2vpn evpn",
}
UNKNOWN = -1.0


def _json(text: str) -> Any:
    return json.loads(text) if text.strip() else {}


def facts(
    *,
    hostname: str,
    domainname: str,
    proc_uptime: str,
    os_release: str,
    machine: str,
    show_version: str,
    links_json: str,
) -> models.FactsDict:
    """Facts from /proc, /etc/os-release, `uname -m`, `vtysh -c 'show version'` and `ip -j link`."""
    host = hostname.strip()
    domain = domainname.strip()
    release = dict(re.findall(r'^(\w+)="?([^"\n]*)"?$', os_release, re.M))
    version = re.search(r"FRRouting (\S+)", show_version)
    return {
        "hostname": host,
        "fqdn": f"{host}.{domain}" if domain and domain != "(none)" else host,
        "vendor": "FRRouting",
        "model": f"{release.get('PRETTY_NAME', 'Linux')} {machine.strip()}".strip(),
        "os_version": f"FRRouting {version.group(1)}" if version else "FRRouting",
        "serial_number": "",
        "uptime": float(proc_uptime.split()[0]),
        "interface_list": sorted(link["ifname"] for link in _json(links_json)),
    }


def _speeds(sys_speeds: str) -> dict[str, float]:
    """`grep -H . /sys/class/net/*/speed` lines; the kernel says -1 when a link has no speed."""
    found: dict[str, float] = {}
    for line in sys_speeds.splitlines():
        match = re.fullmatch(r"/sys/class/net/([^/]+)/speed:(-?\d+)", line.strip())
        if match and int(match.group(2)) >= 0:
            found[match.group(1)] = float(match.group(2))
    return found


def interfaces(links_json: str, sys_speeds: str) -> dict[str, models.InterfaceDict]:
    """From `ip -j -d link show`; Linux keeps no flap time, so last_flapped is -1.0 (unknown)."""
    speeds = _speeds(sys_speeds)
    result: dict[str, models.InterfaceDict] = {}
    for link in _json(links_json):
        flags = link.get("flags", [])
        name = link["ifname"]
        result[name] = {
            "is_enabled": "UP" in flags,
            "is_up": "LOWER_UP" in flags and link.get("operstate") != "DOWN",
            "description": link.get("ifalias", ""),
            "last_flapped": UNKNOWN,
            "mtu": int(link.get("mtu", 0)),
            "speed": speeds.get(name, UNKNOWN),
            "mac_address": normal_mac(link["address"]) if link.get("address") else "",
        }
    return result


def interfaces_ip(addrs_json: str) -> dict[str, models.InterfacesIPDict]:
    """From `ip -j addr show`: every address, link-local ones included, per interface."""
    result: dict[str, models.InterfacesIPDict] = {}
    for link in _json(addrs_json):
        entry: models.InterfacesIPDict = {}
        for addr in link.get("addr_info", []):
            family = {"inet": "ipv4", "inet6": "ipv6"}.get(addr.get("family", ""))
            if family == "ipv4":
                entry.setdefault("ipv4", {})[addr["local"]] = {"prefix_length": int(addr["prefixlen"])}
            elif family == "ipv6":
                entry.setdefault("ipv6", {})[addr["local"]] = {"prefix_length": int(addr["prefixlen"])}
        if entry:
            result[link["ifname"]] = entry
    return result


def bgp_neighbors(summary_json: str, neighbors_json: str) -> dict[str, models.BGPStateNeighborsPerVRFDict]:
    """From `show bgp vrf all summary json` + `show bgp vrf all neighbors json`.

    A peer is named as FRR names it: its address, or its interface for unnumbered peers ("eth1").
    FRR counts prefixes after inbound policy, so received_prefixes equals accepted_prefixes.
    """
    details = _json(neighbors_json)
    result: dict[str, models.BGPStateNeighborsPerVRFDict] = {}
    for vrf, families in _json(summary_json).items():
        vrf_name = "global" if vrf == "default" else vrf
        vrf_details = details.get(vrf, {})
        for family_key, family in families.items():
            if family_key not in ADDRESS_FAMILIES or not isinstance(family, dict):
                continue
            vrf_entry = result.setdefault(vrf_name, {"router_id": family.get("routerId", ""), "peers": {}})
            for peer_name, peer in family.get("peers", {}).items():
                detail = vrf_details.get(peer_name, {})
                state = str(peer.get("state", ""))
                entry = vrf_entry["peers"].setdefault(
                    peer_name,
                    {
                        "local_as": int(peer.get("localAs", family.get("as", 0))),
                        "remote_as": int(peer.get("remoteAs", detail.get("remoteAs", 0))),
                        "remote_id": str(detail.get("remoteRouterId", "")),
                        "is_up": state == "Established",
                        "is_enabled": "Admin" not in state and not detail.get("adminShutDown", False),
                        "description": str(peer.get("desc", detail.get("nbrDesc", ""))),
                        "uptime": int(peer.get("peerUptimeMsec", 0)) // 1000,
                        "address_family": {},
                    },
                )
                entry["address_family"][ADDRESS_FAMILIES[family_key]] = {
                    "received_prefixes": _count(peer.get("pfxRcd")),
                    "accepted_prefixes": _count(peer.get("pfxRcd")),
                    "sent_prefixes": _count(peer.get("pfxSnt")),
                }
    return result


def _count(value: object) -> int:
    """FRR leaves prefix counters out for peers that are not established."""
    return int(value) if isinstance(value, int | str) and str(value).isdigit() else -1


def _first(items: list[dict[str, Any]] | None) -> str:
    """lldpcli json0 wraps every value in a list of {"value": ...}; the first one counts."""
    return str(items[0].get("value", "")) if items else ""


def _lldp_neighbors(lldp_json0: str) -> list[tuple[str, str, models.LLDPNeighborDetailDict]]:
    """(local port, remote port id type, details) for each neighbor lldpcli lists."""
    found = []
    for section in _json(lldp_json0).get("lldp", []):
        for interface in section.get("interface", []):
            chassis = (interface.get("chassis") or [{}])[0]
            port = (interface.get("port") or [{}])[0]
            capabilities = chassis.get("capability", [])
            port_id = (port.get("id") or [{}])[0]
            detail: models.LLDPNeighborDetailDict = {
                "parent_interface": "",
                "remote_port": str(port_id.get("value", "")),
                "remote_port_description": _first(port.get("descr")),
                "remote_chassis_id": _first(chassis.get("id")),
                "remote_system_name": _first(chassis.get("name")),
                "remote_system_description": _first(chassis.get("descr")),
                "remote_system_capab": sorted(str(cap["type"]).lower() for cap in capabilities),
                "remote_system_enable_capab": sorted(
                    str(cap["type"]).lower() for cap in capabilities if cap.get("enabled")
                ),
            }
            found.append((str(interface["name"]), str(port_id.get("type", "")), detail))
    return found


def lldp_neighbors_detail(lldp_json0: str) -> models.LLDPNeighborsDetailDict:
    """From `lldpcli -f json0 show neighbors details` (json0 keeps lists even for one item)."""
    result: models.LLDPNeighborsDetailDict = {}
    for local, _, detail in _lldp_neighbors(lldp_json0):
        result.setdefault(local, []).append(detail)
    return result


def lldp_neighbors(lldp_json0: str) -> dict[str, list[models.LLDPNeighborDict]]:
    """The remote port is its id when that is an interface name; lldpd's default id for a Linux
    port is its MAC, and then the port description (the name, unless an alias is set) says more."""
    result: dict[str, list[models.LLDPNeighborDict]] = {}
    for local, id_type, detail in _lldp_neighbors(lldp_json0):
        port = detail["remote_port"] if id_type == "ifname" else detail["remote_port_description"]
        result.setdefault(local, []).append(
            {"hostname": detail["remote_system_name"], "port": port or detail["remote_port"]}
        )
    return result


_REPLY = re.compile(r"^\d+ bytes from ([^\s:]+).*?time=([\d.]+) ms", re.M)
_TOTALS = re.compile(r"(\d+) packets transmitted, (\d+) (?:packets )?received")
_RTT = re.compile(r"= ([\d.]+)/([\d.]+)/([\d.]+)/([\d.]+) ms")


def vlans(bridge_vlans_json: str, bridges_json: str) -> dict[int, models.VlanDict]:
    """From `bridge -j vlan show` and `ip -j link show type bridge`: each VLAN with the ports that carry it
    (tagged or not); a bridge's entry for itself is not a port. Linux VLANs have no names: each is vlanN."""
    # Where the kernel has no bridge at all (a switch at day 0), iproute2 6.1 answers `[{},{},...]`: an empty
    # object per link.
    bridges = {link["ifname"] for link in _json(bridges_json) if "ifname" in link}
    ports: dict[int, set[str]] = {}
    for port in _json(bridge_vlans_json):
        for entry in port.get("vlans", []):
            first = int(entry["vlan"])
            for vid in range(first, int(entry.get("vlanEnd", first)) + 1):
                members = ports.setdefault(vid, set())
                if port["ifname"] not in bridges:
                    members.add(port["ifname"])
    return {vid: {"name": f"vlan{vid}", "interfaces": sorted(ports[vid])} for vid in sorted(ports)}


def _json_objects(text: str) -> list[Any]:
    """Every top-level JSON value in `text`: vtysh prints one object per VRF for `vrf all`."""
    decoder, values, position = json.JSONDecoder(), [], 0
    while remaining := text[position:].lstrip():
        value, length = decoder.raw_decode(remaining)
        values.append(value)
        position = len(text) - len(remaining) + length
    return values


def routes(
    vrf_routes_json: str, destination: str = "", protocol: str = "", longer: bool = False
) -> dict[str, list[models.RouteDict]]:
    """IPv4, from `show ip route vrf all json` (one prefix -> routes object per VRF): one entry per next
    hop, as NAPALM reports them, `routing_table` naming the VRF ("default" for the global table)."""
    wanted = ipaddress.IPv4Network(destination, strict=False) if destination else None
    result: dict[str, list[models.RouteDict]] = {}
    for table in _json_objects(vrf_routes_json):
        for prefix, candidates in table.items():
            network = ipaddress.IPv4Network(prefix, strict=False)
            if wanted is not None and not (network == wanted or (longer and network.subnet_of(wanted))):
                continue
            for route in candidates:
                if protocol and route.get("protocol") != protocol:
                    continue
                for hop in route.get("nexthops") or [{}]:
                    result.setdefault(prefix, []).append(
                        {
                            "protocol": str(route.get("protocol", "")),
                            "current_active": bool(route.get("selected", False)),
                            "last_active": bool(route.get("selected", False)),
                            "age": _uptime_seconds(str(route.get("uptime", ""))),
                            "next_hop": str(hop.get("ip", "")),
                            "outgoing_interface": str(hop.get("interfaceName", "")),
                            "selected_next_hop": bool(hop.get("active", False) and hop.get("fib", False)),
                            "preference": int(route.get("distance", 0)),
                            "inactive_reason": "" if route.get("selected") else "not selected",
                            "routing_table": str(route.get("vrfName", "default")),
                            "protocol_attributes": {},
                        }
                    )
    return result


def _uptime_seconds(uptime: str) -> int:
    """FRR's route uptime: "01:02:03" under a day, "1d02h03m" or "2w1d03h" beyond."""
    if match := re.fullmatch(r"(\d+):(\d+):(\d+)", uptime):
        hours, minutes, seconds = (int(part) for part in match.groups())
        return hours * 3600 + minutes * 60 + seconds
    units = {"w": 604800, "d": 86400, "h": 3600, "m": 60, "s": 1}
    return sum(int(amount) * units[unit] for amount, unit in re.findall(r"(\d+)([wdhms])", uptime))


def ping(output: str) -> models.PingResultDict:
    """From iputils `ping` output (stdout and stderr together)."""
    totals = _TOTALS.search(output)
    if not totals:
        return {"error": output.strip() or "ping gave no output"}
    sent, received = int(totals.group(1)), int(totals.group(2))
    rtt = _RTT.search(output)
    rtt_min, rtt_avg, rtt_max, rtt_dev = (float(value) for value in rtt.groups()) if rtt else (0.0,) * 4
    return {
        "success": {
            "probes_sent": sent,
            "packet_loss": sent - received,
            "rtt_min": rtt_min,
            "rtt_max": rtt_max,
            "rtt_avg": rtt_avg,
            "rtt_stddev": rtt_dev,
            "results": [
                {"ip_address": address, "rtt": float(time)} for address, time in _REPLY.findall(output)
            ],
        }
    }


_SECRET = re.compile(r"(\b(?:password|authentication-key|key-string|md5)\s+(?:\d\s+)?)\S+")


def sanitized(config: str) -> str:
    """The configuration with every password and key replaced by <removed>."""
    return _SECRET.sub(r"\1<removed>", config)
