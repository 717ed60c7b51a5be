"""NAPALM conformance for napalm_frr: recorded device output, and one switch to run live instead.

Layout, as in napalm's own driver tests::

    mocked_data/<getter>/<case>/arguments.json      keyword arguments for the getter ({} if absent)
    mocked_data/<getter>/<case>/<command>.txt       stdout of each command the getter ran
    mocked_data/<getter>/<case>/<command>.exit      its exit status, when not 0
    mocked_data/<getter>/<case>/expected_result.json

The .txt files are recorded from a live FRR node with `python -m tests.unit.napalm_frr.record`,
never written by hand. Set NAPALM_FRR_TEST_LIVE=host[:port] to run the getters against a live node
instead (credentials: NAPALM_FRR_TEST_USERNAME / NAPALM_FRR_TEST_PASSWORD, lab defaults).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from napalm.base import models
from napalm.base.test import helpers

from napalm_frr.frr import FRRDriver
from napalm_frr.transport import Result, Transport

MOCKED_DATA = Path(__file__).parent / "mocked_data"
SUDO = "sudo -n "


def command_file(command: str) -> str:
    """File name for a command's recorded output; the sudo prefix is left out."""
    command = command.removeprefix(SUDO)
    return re.sub(r"[^A-Za-z0-9.=-]+", "_", command).strip("_") + ".txt"


class RecordedTransport:
    """Answers each command with the output recorded for it; unrecorded commands fail loudly."""

    def __init__(self, case_dir: Path) -> None:
        self._case_dir = case_dir

    def run(self, command: str, timeout: float) -> Result:
        path = self._case_dir / command_file(command)
        if not path.exists():
            raise FileNotFoundError(f"no recorded output for {command!r} ({path})")
        status = path.with_suffix(".exit")
        return Result(command, int(status.read_text()) if status.exists() else 0, path.read_text(), "")

    def put(self, files: dict[str, str]) -> None:
        raise NotImplementedError("recorded data covers read-only getters only")

    def is_active(self) -> bool:
        return True

    def close(self) -> None:
        return None


class RecordingTransport:
    """Runs commands on a live transport and keeps a copy of each output in a case directory."""

    def __init__(self, inner: Transport, case_dir: Path) -> None:
        self._inner = inner
        self._case_dir = case_dir

    def run(self, command: str, timeout: float) -> Result:
        result = self._inner.run(command, timeout)
        if command != f"{SUDO}true":
            self._case_dir.mkdir(parents=True, exist_ok=True)
            path = self._case_dir / command_file(command)
            path.write_text(result.stdout)
            if not result.ok:
                path.with_suffix(".exit").write_text(f"{result.exit_status}\n")
        return result

    def put(self, files: dict[str, str]) -> None:
        self._inner.put(files)

    def is_active(self) -> bool:
        return self._inner.is_active()

    def close(self) -> None:
        self._inner.close()


def recorded_driver(case_dir: Path) -> FRRDriver:
    """The real driver, its SSH session replaced by the output recorded in case_dir."""
    driver = FRRDriver("recorded", "fundament", "unused")
    driver._transport = RecordedTransport(case_dir)
    return driver


def live_target() -> tuple[str, int] | None:
    value = os.environ.get("NAPALM_FRR_TEST_LIVE", "")
    if not value:
        return None
    host, _, port = value.rpartition(":") if value.count(":") == 1 else (value, "", "22")
    return host, int(port)


def live_driver(host: str, port: int = 22, credentials: tuple[str, str] | None = None) -> FRRDriver:
    username, password = credentials or (
        os.environ.get("NAPALM_FRR_TEST_USERNAME", "fundament"),
        os.environ.get("NAPALM_FRR_TEST_PASSWORD", "fundament-lab"),
    )
    driver = FRRDriver(host, username, password, timeout=60, optional_args={"port": port})
    driver.open()
    return driver


def _model_ok(model: Any, data: Any) -> bool:
    return bool(helpers.test_model(model, data))


def check_facts(data: Any) -> None:
    assert _model_ok(models.FactsDict, data)
    assert data["hostname"] and data["interface_list"]
    assert all(isinstance(name, str) for name in data["interface_list"])


def check_interfaces(data: Any) -> None:
    assert data
    for values in data.values():
        assert _model_ok(models.InterfaceDict, values)


def check_interfaces_ip(data: Any) -> None:
    assert data
    for families in data.values():
        assert set(families) <= {"ipv4", "ipv6"}
        for addresses in families.values():
            for entry in addresses.values():
                assert _model_ok(models.InterfacesIPDictEntry, entry)


def check_bgp_neighbors(data: Any) -> None:
    # Cases and live runs are taken where BGP runs: an empty result must not pass as conformant.
    assert data["global"]["peers"], "no BGP peers: run against a device with BGP configured"
    for vrf in data.values():
        assert isinstance(vrf["router_id"], str)
        for peer in vrf["peers"].values():
            assert _model_ok(models.PeerDict, peer)
            for family in peer["address_family"].values():
                assert _model_ok(models.AFDict, family)


def check_lldp_neighbors(data: Any) -> None:
    assert data, "no LLDP neighbors: every lab switch has cabled neighbors"
    for neighbors in data.values():
        for neighbor in neighbors:
            assert _model_ok(models.LLDPNeighborDict, neighbor)


def check_lldp_neighbors_detail(data: Any) -> None:
    assert data, "no LLDP neighbors: every lab switch has cabled neighbors"
    for neighbors in data.values():
        for neighbor in neighbors:
            assert _model_ok(models.LLDPNeighborDetailDict, neighbor)


def check_config(data: Any) -> None:
    assert _model_ok(models.ConfigDict, data)
    assert data["running"] or data["startup"] or data["candidate"], "every store is empty"


def check_ping(data: Any) -> None:
    # PingResultDict nests TypedDicts, which helpers.test_model cannot check, so: as napalm does.
    assert set(data) in ({"success"}, {"error"})
    if "success" in data:
        assert _model_ok(models.PingDict, data["success"])
        for reply in data["success"]["results"]:
            assert _model_ok(models.PingResultDictEntry, reply)
    else:
        assert isinstance(data["error"], str)


def check_vlans(data: Any) -> None:
    assert data, "no VLANs: record on a VTEP with zones live (a VLAN-aware bridge)"
    for vid, vlan in data.items():
        assert 1 <= int(vid) <= 4094  # int keys; recorded JSON gives them as strings
        assert _model_ok(models.VlanDict, vlan)


def check_route_to(data: Any) -> None:
    assert data, "no routes: record on a switch with routing live"
    for routes in data.values():
        for route in routes:
            assert _model_ok(models.RouteDict, route)
    assert any(route["routing_table"] != "default" for routes in data.values() for route in routes), (
        "routes of the global table only: record on a VTEP with zones (VRFs) live"
    )


def check_cli(data: Any) -> None:
    assert data and all(isinstance(text, str) and text for text in data.values())


def check_is_alive(data: Any) -> None:
    assert _model_ok(models.AliveDict, data)


# Every getter under test, with the check its result must pass and its arguments when run live.
GETTERS: dict[str, tuple[Callable[[Any], None], dict[str, Any]]] = {
    "is_alive": (check_is_alive, {}),
    "get_facts": (check_facts, {}),
    "get_interfaces": (check_interfaces, {}),
    "get_interfaces_ip": (check_interfaces_ip, {}),
    "get_bgp_neighbors": (check_bgp_neighbors, {}),
    "get_lldp_neighbors": (check_lldp_neighbors, {}),
    "get_lldp_neighbors_detail": (check_lldp_neighbors_detail, {}),
    "get_config": (check_config, {}),
    "get_vlans": (check_vlans, {}),
    "get_route_to": (check_route_to, {}),
    "cli": (check_cli, {"commands": ["show evpn es detail json"]}),
    "ping": (check_ping, {"destination": "127.0.0.1", "count": 2}),
}


def recorded_cases() -> list[tuple[str, str]]:
    return sorted(
        (getter, case.name)
        for getter in GETTERS
        if (MOCKED_DATA / getter).is_dir()
        for case in (MOCKED_DATA / getter).iterdir()
        if case.is_dir()
    )


def arguments(getter: str, case: str) -> dict[str, Any]:
    path = MOCKED_DATA / getter / case / "arguments.json"
    return dict(json.loads(path.read_text())) if path.exists() else {}


def as_json(data: Any) -> Any:
    """Results as they read back from JSON (tuples become lists, int keys become strings)."""
    return json.loads(json.dumps(data))
