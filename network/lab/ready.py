"""Readiness of lab nodes, judged the way the later stages use them: an SSH login with the lab credentials,
then the daemons the node must run (FRR's on switches, lldpd everywhere)."""

import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

import paramiko

from fundament.secrets import resolve
from network.lab.topology import LabNode, NodeKind

# `show daemons` lists what watchfrr supervises; these are the ones the image enables.
FRR_DAEMONS = ("zebra", "bgpd", "staticd", "bfdd")
_CHECKS = {
    NodeKind.SWITCH: "vtysh -c 'show daemons' && pgrep -x lldpd >/dev/null",
    # The rule set is loaded when the forward policy is drop (iptables: the machines' kernel has no ip/inet
    # nf_tables).
    NodeKind.FIREWALL: "pgrep -x lldpd >/dev/null && sudo -n iptables-legacy -S FORWARD | grep -qx -- "
    "'-P FORWARD DROP'",
    NodeKind.HOST: "pgrep -x lldpd >/dev/null",
}


def lab_credentials() -> tuple[str, str]:
    """The lab login: FUNDAMENT_LAB_USER / FUNDAMENT_LAB_PASSWORD, else the documented lab defaults."""
    user = resolve("FUNDAMENT_LAB_USER", "fundament").get_secret_value()
    password = resolve("FUNDAMENT_LAB_PASSWORD", "fundament-lab").get_secret_value()
    return user, password


def open_ssh(address: str, timeout: float = 5.0) -> paramiko.SSHClient:
    """An SSH session to a lab node as the lab user; close it when done."""
    user, password = lab_credentials()
    client = paramiko.SSHClient()
    # Host keys are made fresh in every container at start; there is nothing to pin them against.
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    try:
        client.connect(
            address,
            username=user,
            password=password,
            timeout=timeout,
            auth_timeout=timeout,
            banner_timeout=timeout,
            allow_agent=False,
            look_for_keys=False,
        )
    except BaseException:
        client.close()
        raise
    return client


def run_over_ssh(node: LabNode, command: str, timeout: float = 5.0) -> tuple[int, str]:
    """Log in to `node` with the lab credentials and run `command`: (exit status, stdout)."""
    client = open_ssh(str(node.mgmt_ipv4), timeout)
    try:
        _, stdout, _ = client.exec_command(command, timeout=timeout)
        output = stdout.read().decode(errors="replace")
        return stdout.channel.recv_exit_status(), output
    finally:
        client.close()


def probe(node: LabNode) -> str | None:
    """None when `node` is ready, else why not (one short line)."""
    try:
        # A guest still booting on a loaded machine takes seconds to answer a login.
        status, output = run_over_ssh(node, _CHECKS[node.kind], timeout=15.0)
    except (OSError, paramiko.SSHException) as error:
        return f"ssh: {error or type(error).__name__}"
    if status != 0:
        return f"check exited {status}"
    if node.kind is NodeKind.SWITCH:
        missing = [daemon for daemon in FRR_DAEMONS if daemon not in output.split()]
        if missing:
            return f"FRR daemons not running: {', '.join(missing)}"
    return None


def wait_until_ready(
    nodes: Sequence[LabNode],
    timeout: float,
    on_ready: Callable[[LabNode], None] = lambda node: None,
    interval: float = 0.5,
    stop: threading.Event | None = None,
) -> dict[str, str]:
    """Probe every node until it is ready, `timeout` seconds have passed or `stop` is set.

    Returns the nodes that did not become ready, each with the last reason; empty when all are ready.
    """
    deadline = time.monotonic() + timeout
    stopped = stop or threading.Event()

    def wait(node: LabNode) -> str | None:
        while True:
            reason = probe(node)
            if reason is None:
                on_ready(node)
                return None
            if time.monotonic() + interval > deadline or stopped.wait(interval):
                return reason

    with ThreadPoolExecutor(max_workers=max(1, min(len(nodes), 32))) as pool:
        reasons = dict(zip((node.name for node in nodes), pool.map(wait, nodes), strict=True))
    return {name: reason for name, reason in reasons.items() if reason is not None}
