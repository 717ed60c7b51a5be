"""The rendered frr configs on the real switch image: every file is accepted by the daemon that reads it.

One container per device (no network: nothing leaves it) with veth ports named like the device's cabled
ports. ifupdown2 applies /etc/network/interfaces and checks the result (`ifquery -a -c`); FRR boots from
frr.conf and `frr-reload.py --test` must find nothing to change, which is what `plan` after `apply` sees;
sshd checks its drop-in.
"""

import os
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from fundament.machines.images import ensure_image
from inventory import Design, load_design
from inventory.model import Platform
from network.facts import device_facts
from network.lab.images import SWITCH
from network.platforms import FILE_MARKER, PLATFORMS
from network.render import render_device

pytestmark = pytest.mark.docker

DEVICES = [device.name for device in load_design().devices]


@dataclass(frozen=True)
class Node:
    name: str

    def run(self, script: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["docker", "exec", "-i", self.name, "sh", "-c", script],
            input=stdin,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )


@pytest.fixture(scope="module")
def image() -> str:
    return ensure_image(SWITCH)


@pytest.fixture(scope="module")
def design() -> Design:
    return load_design()


@pytest.fixture(params=DEVICES)
def node(request: pytest.FixtureRequest, image: str, design: Design) -> Iterator[tuple[Node, str]]:
    device = request.param
    name = f"fundament-render-{device}-{os.getpid()}"
    sysctls = [
        "net.ipv6.conf.all.disable_ipv6=0",
        "net.ipv6.conf.default.disable_ipv6=0",
        "net.ipv6.conf.all.forwarding=1",
    ]
    subprocess.run(
        ["docker", "run", "-d", "--rm", "--name", name, "--hostname", device, "--network", "none"]
        + [arg for cap in ("NET_ADMIN", "SYS_ADMIN", "NET_RAW") for arg in ("--cap-add", cap)]
        + [arg for sysctl in sysctls for arg in ("--sysctl", sysctl)]
        + ["--entrypoint", "sleep", image, "infinity"],
        check=True,
        capture_output=True,
    )
    try:
        yield Node(name), device
    finally:
        subprocess.run(["docker", "rm", "-f", name], capture_output=True, check=False)


def _files(text: str) -> dict[str, str]:
    parts = text.split(FILE_MARKER)[1:]
    return dict(part.split("\n", 1) for part in parts)


def _reload_changes(output: str) -> list[str]:
    """The lines frr-reload.py --test would delete or add (its sections, without the headers)."""
    changes = []
    for section in re.split(r"^Lines To (?:Delete|Add)\n=+\n", output, flags=re.M)[1:]:
        changes += [line for line in section.splitlines() if line.strip()]
    return changes


def test_frr_platform_files_are_accepted_by_their_daemons(node: tuple[Node, str], design: Design) -> None:
    container, device = node
    facts = device_facts(design, device)
    files = _files(render_device(facts, Platform.FRR))
    assert list(files) == [f.path for f in PLATFORMS[Platform.FRR].files]

    ports = [i.name for i in facts.interfaces] + [p.name for p in facts.access_ports]
    setup = "".join(f"ip link add {port} type veth peer name peer-{port}\n" for port in ports)
    assert container.run(setup).returncode == 0
    for path, body in files.items():
        written = container.run(f"mkdir -p $(dirname {path}) && cat > {path}", stdin=body)
        assert written.returncode == 0, written.stderr

    dry = container.run("vtysh --dryrun -f /etc/frr/frr.conf")
    assert dry.returncode == 0, dry.stdout + dry.stderr

    # ifupdown2 takes its lock in /run/network and fails ("already running") when the folder is missing.
    applied = container.run("mkdir -p /run/network && ifreload -a")
    assert applied.returncode == 0, applied.stderr
    check = container.run("ifquery -a -c")
    assert check.returncode == 0, check.stdout
    assert "[fail]" not in check.stdout
    for segment in facts.segments:
        assert f"bridge-ports {' '.join([segment.vxlan_device, *segment.access_ports])}" in check.stdout
    addresses = container.run("ip -br -4 addr show").stdout
    assert f"{facts.loopback}/32" in addresses
    for interface in facts.interfaces:
        if interface.ipv4 is not None:
            assert str(interface.ipv4) in addresses

    booted = container.run("chown frr:frr /etc/frr/frr.conf && /usr/lib/frr/frrinit.sh start")
    assert booted.returncode == 0, booted.stdout + booted.stderr
    reload_test = container.run("python3 /usr/lib/frr/frr-reload.py --test /etc/frr/frr.conf 2>/dev/null")
    assert reload_test.returncode == 0, reload_test.stdout
    assert _reload_changes(reload_test.stdout) == []
    running = container.run("vtysh -c 'show running-config bgpd'").stdout
    for neighbor in facts.bgp.neighbors:
        if neighbor.interface is not None:
            assert f"neighbor {neighbor.interface} interface remote-as {neighbor.remote_as}" in running

    sshd = container.run(
        "mkdir -p /run/sshd && ssh-keygen -q -t ed25519 -N '' -f /etc/ssh/ssh_host_ed25519_key && sshd -t"
    )
    assert sshd.returncode == 0, sshd.stderr
