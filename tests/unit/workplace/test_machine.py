"""The machine's network and resolvers (design prefixes, host resolvers) and its SSH login."""

import ipaddress
import subprocess
from pathlib import Path

import pytest

from workplace.machine import MachineError, candidate_subnets, guest_resolv_conf
from workplace.runner import SshTarget


def test_machine_networks_lie_within_the_ssh_management_prefixes() -> None:
    subnets = list(candidate_subnets(["172.20.20.0/24", "10.10.10.0/24", "2001:db8::/64"]))
    assert subnets[0] == ipaddress.IPv4Network("172.20.20.240/28")
    assert len(subnets) == 32
    for subnet in subnets:
        assert any(subnet.subnet_of(ipaddress.IPv4Network(p)) for p in ("172.20.20.0/24", "10.10.10.0/24"))
    assert list(candidate_subnets(["10.1.2.3/32"])) == []
    # The lab's management subnet is containerlab's: a machine network there would keep the lab from starting.
    kept = list(candidate_subnets(["172.20.20.0/24", "10.10.10.0/24"], avoid=["172.20.20.0/24"]))
    assert kept[0] == ipaddress.IPv4Network("10.10.10.240/28") and len(kept) == 16


def test_guest_gets_the_hosts_resolvers_but_not_loopback_ones() -> None:
    host = "# comment\nnameserver 127.0.0.53\nnameserver 10.255.255.53\nsearch example\n"
    assert guest_resolv_conf(host) == "nameserver 10.255.255.53\n"
    with pytest.raises(MachineError, match="no non-loopback resolver"):
        guest_resolv_conf("nameserver 127.0.0.11\n")


def test_logins_to_a_machine_share_one_connection(tmp_path: Path) -> None:
    """ssh itself reads the written config (`ssh -G`): every login (testinfra's commands, verify's) goes
    through one connection to this machine, with the build's key and no host key kept."""
    control = tmp_path / "control"
    target = SshTarget("10.10.10.254", "fundament", tmp_path / "id_ed25519", tmp_path / "ssh_config", control)
    target.write_config()
    effective = subprocess.run(
        ["ssh", "-G", "-F", str(target.config), f"{target.user}@{target.host}"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    settings = dict(line.split(" ", 1) for line in effective.splitlines() if " " in line)
    assert settings["controlmaster"] == "auto"
    assert settings["controlpath"] == str(control)
    assert settings["controlpersist"] == "yes"
    assert settings["serveraliveinterval"] == "15"
    assert settings["identityfile"] == str(target.key)
    assert settings["userknownhostsfile"] == "/dev/null"
