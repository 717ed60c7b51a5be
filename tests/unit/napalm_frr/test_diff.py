"""compare_config's text, from frr-reload.py --test output recorded on an FRR 8.4 node."""

from __future__ import annotations

from pathlib import Path

from napalm_frr.diff import file_diff, frr_reload_diff

RECORDED = Path(__file__).parent / "frr_reload"


def test_changes_sit_under_their_context_deletions_first() -> None:
    assert frr_reload_diff((RECORDED / "change_and_new_context.txt").read_text()) == (
        "--- /etc/frr/frr.conf\n"
        "+++ /etc/frr/frr.conf (candidate)\n"
        "-no ipv6 forwarding\n"
        " interface eth1\n"
        "- description p2p to nfrr2\n"
        " router bgp 65001\n"
        "- neighbor eth1 description uplink\n"
        "+ no bgp ebgp-requires-policy\n"
        "+ neighbor eth1 description spine-link\n"
        "  address-family ipv4 unicast\n"
        "+  network 10.9.9.0/24\n"
        "+router bgp 65002 vrf blue\n"
        "+ bgp router-id 1.1.1.1\n"
        "+ neighbor 10.1.1.1 remote-as 5\n"
        "+ address-family ipv4 unicast\n"
        "+  network 10.1.0.0/16\n"
    )


def test_a_removed_context_shows_its_header_and_the_version_line_is_no_change() -> None:
    assert frr_reload_diff((RECORDED / "remove_context.txt").read_text()) == (
        "--- /etc/frr/frr.conf\n+++ /etc/frr/frr.conf (candidate)\n-router bgp 65001\n"
    )


def test_nothing_to_do_is_an_empty_string() -> None:
    assert (RECORDED / "no_change.txt").read_text() == ""
    assert frr_reload_diff("") == ""
    assert frr_reload_diff("\nLines To Add\n============\nfrr version 8.4\n") == ""


def test_interfaces_diff_is_a_unified_diff_and_empty_when_equal() -> None:
    running = "auto lo\niface lo inet loopback\n\nauto eth1\niface eth1\n    mtu 9000\n"
    candidate = running.replace("mtu 9000", "mtu 1500")
    assert file_diff("/etc/network/interfaces", running, running) == ""
    assert file_diff("/etc/network/interfaces", running, candidate) == (
        "--- /etc/network/interfaces\n"
        "+++ /etc/network/interfaces (candidate)\n"
        "@@ -3,4 +3,4 @@\n"
        " \n"
        " auto eth1\n"
        " iface eth1\n"
        "-    mtu 9000\n"
        "+    mtu 1500\n"
    )


def test_a_new_file_and_a_file_without_final_newline_give_whole_lines() -> None:
    assert file_diff("/etc/issue.net", "", "Authorised use only") == (
        "--- /etc/issue.net\n+++ /etc/issue.net (candidate)\n@@ -0,0 +1 @@\n+Authorised use only\n"
    )
