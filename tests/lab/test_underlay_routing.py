"""The underlay choices, rendered for frr, route on real FRR: a few switches of a design as containers of the
lab switch image (no lab, no network but their own cables), only the underlay feature live.

- OSPF: the example campus's three cores in a triangle of numbered links;
- iBGP: the sample in one AS, a spine reflecting between two leaves (next-hop-self force);
- eBGP with two cores sharing an ASN linked: the second core reaches what only the first one hears.
Each switch gets its rendered /etc/network/interfaces (`ifreload -a`) and frr.conf, and must reach every
other switch's loopback from its own.
"""

import os
import subprocess
import time
from collections.abc import Iterator

import pytest

from fundament.machines.images import ensure_image
from fundament.paths import SAMPLE_DESIGN
from inventory import Design, load_design
from inventory.model import Platform
from inventory.model.migration import Feature
from napalm_frr.candidate import parse
from network.facts import device_facts
from network.lab.images import SWITCH
from network.render import render_device
from tests.unit.render.test_underlays import cores_linked, ibgp  # noqa: F401 - fixtures

pytestmark = pytest.mark.docker

CAMPUS = SAMPLE_DESIGN.parent / "examples" / "campus"
UNDERLAY = frozenset({Feature.UNDERLAY})
SYSCTLS = [
    "net.ipv6.conf.all.disable_ipv6=0",
    "net.ipv6.conf.default.disable_ipv6=0",
    "net.ipv6.conf.all.forwarding=1",
    "net.ipv4.ip_forward=1",
]


def _run(*command: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, input=stdin, capture_output=True, text=True, check=False, timeout=120)


def _container(device: str) -> str:
    return f"fundament-underlay-{device}-{os.getpid()}"


@pytest.fixture
def switches() -> Iterator[list[str]]:
    """Names of the containers started; every one is removed at the end."""
    started: list[str] = []
    yield started
    for name in started:
        _run("docker", "rm", "-f", name)


def _boot(design: Design, devices: list[str], started: list[str]) -> None:
    image = ensure_image(SWITCH)
    for device in devices:
        name = _container(device)
        caps = [arg for cap in ("NET_ADMIN", "SYS_ADMIN", "NET_RAW") for arg in ("--cap-add", cap)]
        sysctls = [arg for sysctl in SYSCTLS for arg in ("--sysctl", sysctl)]
        run = ["docker", "run", "-d", "--rm", "--name", name, "--hostname", device, "--network", "none"]
        assert _run(*run, *caps, *sysctls, "--entrypoint", "sleep", image, "infinity").returncode == 0
        started.append(name)
    pids = {
        d: _run("docker", "inspect", "-f", "{{.State.Pid}}", _container(d)).stdout.strip() for d in devices
    }
    for number, link in enumerate(design.links):
        if not {link.a.device, link.b.device} <= set(devices):
            continue
        ends = [
            (end, f"fu{os.getpid() % 10000}x{number}{side}")
            for end, side in zip(link.ends, "ab", strict=True)
        ]
        assert (
            _run("ip", "link", "add", ends[0][1], "type", "veth", "peer", "name", ends[1][1]).returncode == 0
        )
        for end, temporary in ends:
            assert _run("ip", "link", "set", temporary, "netns", pids[end.device]).returncode == 0
            rename = f"ip link set {temporary} name {end.interface} && ip link set {end.interface} up"
            assert _run("docker", "exec", _container(end.device), "sh", "-c", rename).returncode == 0
    for device in devices:
        config = parse(render_device(device_facts(design, device, UNDERLAY), Platform.FRR))
        files = {"/etc/network/interfaces": config.interfaces or "", "/etc/frr/frr.conf": config.frr or ""}
        name = _container(device)
        for path in ("/etc/network/interfaces", "/etc/frr/frr.conf"):
            assert (
                _run("docker", "exec", "-i", name, "sh", "-c", f"cat > {path}", stdin=files[path]).returncode
                == 0
            )
        start = (
            "mkdir -p /run/network && ifreload -a && sed -i 's/^ospfd=no/ospfd=yes/' /etc/frr/daemons && "
            "chown frr:frr /etc/frr/frr.conf && /usr/lib/frr/frrinit.sh start"
        )
        started_frr = _run("docker", "exec", name, "sh", "-c", start)
        assert started_frr.returncode == 0, started_frr.stdout + started_frr.stderr


def _all_reach(design: Design, devices: list[str], within: float = 90.0) -> dict[str, list[str]]:
    """The devices that cannot ping every other device's loopback from their own after at most `within` s,
    with the ones they miss."""
    loopbacks = {d: str(design.device_by_name[d].loopback) for d in devices}
    deadline = time.monotonic() + within
    while True:
        missing = {
            device: [
                other
                for other in devices
                if other != device
                and _run(
                    "docker", "exec", _container(device),
                    "ping", "-c", "1", "-W", "1", "-I", loopbacks[device], loopbacks[other],
                ).returncode != 0
            ]
            for device in devices
        }  # fmt: skip
        failing = {device: others for device, others in missing.items() if others}
        if not failing or time.monotonic() > deadline:
            return failing
        # A round with failures took a second per unanswered ping already.
        time.sleep(1)


def _routes(device: str, protocol: str) -> str:
    return _run("docker", "exec", _container(device), "vtysh", "-c", f"show ip route {protocol}").stdout


def test_ospf_cores_reach_each_other(switches: list[str]) -> None:
    design = load_design(CAMPUS)
    cores = ["core-a", "core-b", "core-c"]
    _boot(design, cores, switches)
    assert _all_reach(design, cores) == {}
    assert "O>* 10.250.0.2/32" in _routes("core-a", "ospf")


def test_ibgp_reflector_passes_routes_between_clients(ibgp: Design, switches: list[str]) -> None:  # noqa: F811
    devices = ["spine1", "leaf1", "leaf2"]
    _boot(ibgp, devices, switches)
    assert _all_reach(ibgp, devices) == {}
    assert "B>* 10.255.0.12/32" in _routes("leaf1", "bgp"), "leaf2's loopback, reflected by spine1"


def test_cores_sharing_an_asn_pass_on_what_they_hear(cores_linked: Design, switches: list[str]) -> None:  # noqa: F811
    devices = ["bl1", "core1", "core2"]
    _boot(cores_linked, devices, switches)
    assert _all_reach(cores_linked, devices) == {}
    assert "10.255.0.21/32" in _routes("core2", "bgp"), "bl1's loopback, over core1 (iBGP)"
