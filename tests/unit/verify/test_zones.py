"""The zone checks the catalog derives (the service matrix from security.allowed, gateways, zone
interfaces) and the probes behind the matrix, run as a test host runs them. The zone checks' verdicts on answers
are cases of tests/unit/verify/test_checks.py."""

import socket
import subprocess
import threading
from collections import Counter
from itertools import permutations
from typing import Literal

import pytest

from inventory import Design, load_design
from inventory.model.migration import Feature
from network.verify.checks.zones import ZoneInterfaces, ZoneService
from network.verify.generate import generate
from network.verify.observe import EndpointProbe
from network.verify.reach import _command


@pytest.fixture(scope="module")
def design() -> Design:
    return load_design()


def test_the_matrix_probes_every_service_of_every_host_from_every_other_both_ways(design: Design) -> None:
    checks = [c for c in generate(design) if isinstance(c, ZoneService)]
    probed = Counter((c.inputs.source.name, c.inputs.target.name, c.inputs.service.name) for c in checks)
    expected = Counter(
        (source.name, target.name, service)
        for source, target in permutations(design.endpoints, 2)
        for service in target.services
    )
    assert probed == expected
    for check in checks:
        source, target, service = check.inputs.source, check.inputs.target, check.inputs.service.name
        rule = {(r.source, r.destination): r.services for r in design.security.allowed}
        allowed = source.zone == target.zone or service in rule.get((source.zone, target.zone), [])
        assert check.inputs.expect == ("open" if allowed else "blocked"), check.title


def test_the_matrix_spans_sites_and_holds_allowed_and_denied_flows(design: Design) -> None:
    checks = {c.title: c for c in generate(design) if isinstance(c, ZoneService)}
    # kantoor at a steunpunt opens https in the datacenter's server zone, and not ssh there
    assert checks["h-ws2 opens https (tcp/443) on h-srv1"].inputs.expect == "open"
    assert checks["h-ws2 cannot open ssh (tcp/22) on h-srv1"].inputs.expect == "blocked"
    # the reverse direction is not allowed: server never opens kantoor
    assert checks["h-srv1 cannot open ssh (tcp/22) on h-ws2"].inputs.expect == "blocked"
    # beheer reaches ot by ssh; guests reach nothing outside their zone
    assert checks["h-beheer2 opens ssh (tcp/22) on h-ot"].inputs.expect == "open"
    assert all(c.inputs.expect == "blocked" for c in checks.values() if c.inputs.source.zone == "gast")


def test_pings_between_zones_must_fail_once_zones_are_live(design: Design) -> None:
    pings = [c for c in generate(design) if c.name == "endpoint-reachability"]
    for check in pings:
        same_zone = check.inputs.source.zone == check.inputs.target.zone
        assert check.inputs.expect == ("reachable" if same_zone else "unreachable"), check.title


def test_no_zone_checks_where_zones_are_not_live(design: Design) -> None:
    without = {device.name: frozenset(Feature) - {Feature.ZONES} for device in design.devices}
    names = {check.name for check in generate(design, features=without)}
    assert names.isdisjoint({"zone-service", "anycast-gateway", "zone-interfaces"})


def test_zone_interfaces_name_gateways_l3vni_bonds_and_legs(design: Design) -> None:
    checks = {c.inputs.device: c for c in generate(design) if isinstance(c, ZoneInterfaces)}
    leaf1 = {i.name: i.mac for i in checks["leaf1"].inputs.interfaces}
    assert leaf1 == {
        "vlan210": "02:00:00:00:01:01",
        "vlan230": "02:00:00:00:01:01",
        "vlan4004": None,
        "bond1": None,
    }
    bl1 = [i.name for i in checks["bl1"].inputs.interfaces]
    assert {"eth6.3010", "eth6.3110", "eth6.3210", "eth6.3220", "eth6.3310"} <= set(bl1)
    assert "spine1" not in checks


def _run_probe(protocol: Literal["tcp", "udp"], port: int) -> bool:
    command = _command(EndpointProbe("here", "127.0.0.1", protocol, port))
    done = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=10, check=False)
    return "fundament-open" in done.stdout


def test_probes_tell_an_open_service_from_a_closed_one() -> None:
    """The probe commands a test host runs, here against real sockets on this machine."""
    with socket.socket() as listening, socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as echo:
        listening.bind(("127.0.0.1", 0))
        listening.listen()
        echo.bind(("127.0.0.1", 0))

        def answer() -> None:
            data, peer = echo.recvfrom(100)
            echo.sendto(data, peer)

        responder = threading.Thread(target=answer, daemon=True)
        responder.start()
        assert _run_probe("tcp", listening.getsockname()[1])
        assert _run_probe("udp", echo.getsockname()[1])
        responder.join(timeout=5)
        # Nobody answers any more: a silent UDP port is closed, as is a TCP port nobody listens on.
        assert not _run_probe("udp", echo.getsockname()[1])
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        free = unused.getsockname()[1]
    assert not _run_probe("tcp", free)
