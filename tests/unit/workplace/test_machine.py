"""The machine's network and resolvers, from the design's management prefixes and this host's resolvers."""

import ipaddress

import pytest

from workplace.machine import MachineError, candidate_subnets, guest_resolv_conf


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
