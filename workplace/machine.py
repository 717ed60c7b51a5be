"""The PoC booted as a machine: the base root file system under user-mode Linux (the lab's node runner,
`fundament.machines.uml`), systemd as PID 1, SSH on an address of the design's management prefixes.

The machine sits on a Docker network of its own, a /28 carved from a prefix the design allows SSH from
(`management.ssh.allowed_from`): the build host reaches it from the network's gateway address, so the
firewall the baseline loads lets the provisioning SSH sessions in, as it does the real management hosts.
Ansible logs in as the provisioning user with a key made for this build (put in place when the machine
starts, never in the image). Every start is a fresh boot of the base image: the guest writes to a
copy-on-write layer that ends with the container.
"""

import ipaddress
import secrets
import shlex
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from fundament.errors import FundamentError
from fundament.machines.uml import CAPABILITIES, INJECT_DIR, machine_env
from workplace import container
from workplace.image import AUTHORIZED_KEYS_DIR, PROVISIONING_USER
from workplace.runner import SshTarget

# Enough for the desktop packages to install without swapping (the guest has no swap).
MEMORY = "1536M"
BOOT_TIMEOUT = 300
_SUBNET_PREFIX = 28


class MachineError(FundamentError, RuntimeError):
    """The machine could not be started or reached; the message says which step and why."""


@dataclass(frozen=True)
class Machine:
    name: str
    network: str
    address: str
    ssh: SshTarget
    boot_seconds: float

    def run(self, command: str, timeout: float = 600) -> subprocess.CompletedProcess[bytes]:
        """`command` on the machine through SSH as the provisioning user (sudo for root)."""
        return subprocess.run(
            [*ssh_command(self.ssh), command], capture_output=True, timeout=timeout, check=False
        )


def ssh_command(target: SshTarget) -> list[str]:
    return ["ssh", "-F", str(target.config), "-p", str(target.port), "-o", "ConnectTimeout=5",
            f"{target.user}@{target.host}"]  # fmt: skip


def candidate_subnets(
    allowed_from: Iterable[str], avoid: Iterable[str] = ()
) -> Iterator[ipaddress.IPv4Network]:
    """/28 networks inside the prefixes SSH is allowed from, highest first (away from gateways), none
    overlapping `avoid` (the lab's management subnet: containerlab creates its network there)."""
    avoided = [ipaddress.ip_network(prefix) for prefix in avoid]
    for prefix in allowed_from:
        network = ipaddress.ip_network(prefix)
        if not isinstance(network, ipaddress.IPv4Network) or network.prefixlen > _SUBNET_PREFIX:
            continue
        for subnet in reversed(list(network.subnets(new_prefix=_SUBNET_PREFIX))):
            if not any(subnet.overlaps(other) for other in avoided):
                yield subnet


def create_network(
    name: str, allowed_from: Iterable[str], avoid: Iterable[str] = ()
) -> ipaddress.IPv4Network:
    """A Docker network on the first free /28 of the management prefixes (others may hold the rest)."""
    refused = "none left"
    for subnet in candidate_subnets(allowed_from, avoid):
        gateway = next(subnet.hosts())
        try:
            container.docker(
                "network", "create", "--driver", "bridge", "--subnet", str(subnet),
                "--gateway", str(gateway), name,
            )  # fmt: skip
        except container.ContainerError as error:
            refused = str(error)
            continue
        return subnet
    raise MachineError(f"no free /28 in the management prefixes for the machine's network ({refused})")


def guest_resolv_conf(host_resolv_conf: str) -> str:
    """This host's resolvers for the guest: Docker's embedded resolver lives in the container's network
    namespace, which the guest (its own kernel) does not share; loopback resolvers are the host's own."""
    servers = [
        line.split()[1]
        for line in host_resolv_conf.splitlines()
        if line.startswith("nameserver") and len(line.split()) > 1
        and not ipaddress.ip_address(line.split()[1]).is_loopback
    ]  # fmt: skip
    if not servers:
        raise MachineError(
            "this host has no non-loopback resolver in /etc/resolv.conf for the machine to use"
        )
    return "".join(f"nameserver {server}\n" for server in servers)


def network_subnet(network: str) -> ipaddress.IPv4Network:
    subnet = container.docker("network", "inspect", "--format", "{{(index .IPAM.Config 0).Subnet}}", network)
    return ipaddress.IPv4Network(subnet.strip())


def free_address(network: str, subnet: ipaddress.IPv4Network) -> str:
    """The highest address of `subnet` that no container on `network` holds (the gateway is the lowest)."""
    taken = container.docker(
        "network", "inspect", "--format", "{{range .Containers}}{{.IPv4Address}} {{end}}", network
    ).split()
    used = {entry.split("/")[0] for entry in taken}
    return next(str(host) for host in reversed(list(subnet.hosts())) if str(host) not in used)


def disable_offloads(name: str) -> None:
    """Segmentation and checksum offloads off on the host side of the container's eth0: the guest reads
    the interface through a raw socket, where offloaded packets arrive oversized or with checksums left
    to hardware; it drops them, and TCP into the guest crawls at a few KB/s (measured: apt-get update
    took over 9 minutes for 2 MB, seconds without)."""
    peer = container.docker("exec", name, "cat", "/sys/class/net/eth0/iflink").strip()
    host_side = next(
        (
            path.parent.name
            for path in Path("/sys/class/net").glob("*/ifindex")
            if path.read_text().strip() == peer
        ),
        None,
    )
    if host_side is None:
        raise MachineError(f"the host side of {name}'s eth0 (ifindex {peer}) was not found")
    result = subprocess.run(
        ["ethtool", "-K", host_side, "tx", "off", "sg", "off", "tso", "off", "gso", "off"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        raise MachineError(
            f"ethtool -K {host_side} failed: {(result.stderr or result.stdout).strip()[-200:]}"
        )


def _wait_for_ssh(target: SshTarget, name: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        state = subprocess.run(
            ["docker", "inspect", "--format", "{{.State.Running}}", name], capture_output=True, text=True
        )
        if state.stdout.strip() != "true":
            logs = subprocess.run(["docker", "logs", "--tail", "15", name], capture_output=True, text=True)
            tail = " / ".join((logs.stdout + logs.stderr).strip().splitlines()[-5:])
            raise MachineError(f"machine {name} stopped while booting: {tail}")
        try:
            with socket.create_connection((target.host, target.port), timeout=2):
                pass
        except OSError as error:
            last = str(error)
            time.sleep(1)
            continue
        probe = subprocess.run([*ssh_command(target), "sudo systemctl is-system-running --wait"],
                               capture_output=True, text=True, timeout=120, check=False)  # fmt: skip
        if probe.returncode == 0 or probe.stdout.strip() in ("running", "degraded"):
            return
        last = (probe.stderr or probe.stdout).strip() or f"ssh exit {probe.returncode}"
        time.sleep(1)
    raise MachineError(f"machine {name} did not answer SSH within {timeout:.0f} s ({last})")


@contextmanager
def booted(
    reference: str,
    name: str,
    allowed_from: Iterable[str],
    key_dir: Path,
    network: str | None = None,
    avoid: Iterable[str] = (),
    timeout: float = BOOT_TIMEOUT,
) -> Iterator[Machine]:
    """Boot `reference` (a machine image of the base recipe) with systemd as PID 1 and wait until it
    answers SSH with a key made in `key_dir`. On `network` when given (the caller's), else on a network of
    its own; the machine, and a network of its own, are removed afterwards."""
    key_dir.mkdir(parents=True, exist_ok=True)
    key = key_dir / "id_ed25519"
    key.unlink(missing_ok=True)
    key.with_suffix(".pub").unlink(missing_ok=True)
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)], check=True)
    resolv = key_dir / "resolv.conf"
    resolv.write_text(guest_resolv_conf(Path("/etc/resolv.conf").read_text()), encoding="utf-8")
    subnet = create_network(name, allowed_from, avoid) if network is None else network_subnet(network)
    try:
        address = free_address(network or name, subnet)
        env = [arg for key_, value in machine_env(MEMORY).items() for arg in ("--env", f"{key_}={value}")]
        caps = [arg for cap in CAPABILITIES for arg in ("--cap-add", cap)]
        target = SshTarget(address, PROVISIONING_USER, key, key_dir / "ssh_config", control=_control_path())
        target.write_config()
        started = time.monotonic()
        container.docker(
            "run", "--detach", "--name", name, "--hostname", name, *caps, *env,
            "--volume", f"{key.with_suffix('.pub')}:{INJECT_DIR}{AUTHORIZED_KEYS_DIR}/{PROVISIONING_USER}:ro",
            "--volume", f"{resolv}:{INJECT_DIR}/etc/resolv.conf:ro",
            "--network", network or name, "--ip", address, reference, "/lib/systemd/systemd",
        )  # fmt: skip
        try:
            disable_offloads(name)
            _wait_for_ssh(target, name, timeout)
            yield Machine(
                name=name,
                network=name,
                address=address,
                ssh=target,
                boot_seconds=round(time.monotonic() - started, 1),
            )
        finally:
            _close_shared_connection(target)
            container.remove(name)
    finally:
        if network is None:
            subprocess.run(["docker", "network", "rm", name], capture_output=True, check=False)


def _control_path() -> Path:
    """A socket path for the machine's shared SSH connection: unique to this machine, so a login never
    reaches a machine that had the same address before, and short, as a Unix socket path must be (ssh
    adds a suffix of its own while it sets the socket up)."""
    return Path(tempfile.gettempdir()) / f"fundament-ssh-{secrets.token_hex(6)}"


def _close_shared_connection(target: SshTarget) -> None:
    """End the shared connection before its machine goes, rather than leave it waiting on a gone peer."""
    *options, login = ssh_command(target)
    subprocess.run([*options, "-O", "exit", login], capture_output=True, timeout=10, check=False)
    target.control.unlink(missing_ok=True)


def export_tree(machine: Machine, tree: Path, exclude: Iterable[str]) -> None:
    """The machine's root file system (that file system only: no /proc, /run, /tmp) unpacked into `tree`,
    owners, modes and capabilities kept; `exclude` paths are left out."""
    tree.mkdir(parents=True, exist_ok=True)
    excludes = " ".join(f"--exclude={shlex.quote('.' + path)}" for path in exclude)
    pack = subprocess.Popen(
        [*ssh_command(machine.ssh),
         f"sudo tar -C / --one-file-system --numeric-owner --xattrs --xattrs-include='*' {excludes} -cf - ."],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        unpack = subprocess.run(
            ["tar", "-x", "--numeric-owner", "--xattrs", "--xattrs-include=*", "-C", str(tree)],
            stdin=pack.stdout, capture_output=True, check=False,
        )  # fmt: skip
    finally:
        if pack.stdout is not None:
            pack.stdout.close()
        pack.wait()
    # tar exits 1 when a file changed while it was read (a log being written): the copy is still whole.
    if pack.returncode not in (0, 1) or unpack.returncode != 0:
        stderr = pack.stderr.read() if pack.stderr is not None else b""
        detail = (stderr or unpack.stderr).decode(errors="replace").strip().splitlines()[-3:]
        raise MachineError(f"copying the root file system off {machine.name} failed: " + " / ".join(detail))
