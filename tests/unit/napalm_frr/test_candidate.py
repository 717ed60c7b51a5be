"""The one-text, two-file candidate format and the merge of a partial candidate."""

from __future__ import annotations

import pytest
from napalm.base.exceptions import MergeConfigException, ReplaceConfigException

from napalm_frr import FRRDriver
from napalm_frr.candidate import (
    CandidateFormatError,
    DeviceConfig,
    merge,
    merge_interfaces,
    parse,
    strip_running_preamble,
)
from napalm_frr.parsers import sanitized

INTERFACES = "auto lo\niface lo inet loopback\n    address 10.0.0.1/32\n"
FRR = "frr version 8.4\nhostname leaf1\n!\nrouter bgp 65001\n neighbor eth1 interface remote-as external\n"
TEXT = (
    f"#### fundament-file: /etc/network/interfaces\n{INTERFACES}#### fundament-file: /etc/frr/frr.conf\n{FRR}"
)


def test_parse_and_render_round_trip() -> None:
    config = parse(TEXT)
    assert config == DeviceConfig(interfaces=INTERFACES, frr=FRR)
    assert config.render() == TEXT


def test_parts_are_rendered_in_a_fixed_order() -> None:
    swapped = f"#### fundament-file: /etc/frr/frr.conf\n{FRR}#### fundament-file: /etc/network/interfaces\n{INTERFACES}"
    assert parse(swapped).render() == TEXT


def test_further_files_keep_their_order_after_the_main_parts() -> None:
    text = f"#### fundament-file: /etc/issue.net\nHello\n{TEXT}#### fundament-file: /etc/ssh/sshd_config.d/x.conf\nA b\n"
    config = parse(text)
    assert config.others == (("/etc/issue.net", "Hello\n"), ("/etc/ssh/sshd_config.d/x.conf", "A b\n"))
    assert config.render() == (
        f"{TEXT}#### fundament-file: /etc/issue.net\nHello\n#### fundament-file: /etc/ssh/sshd_config.d/x.conf\nA b\n"
    )


def test_a_frr_only_candidate_has_no_interfaces_part() -> None:
    assert parse(f"#### fundament-file: /etc/frr/frr.conf\n{FRR}") == DeviceConfig(interfaces=None, frr=FRR)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("\n", "no .#### fundament-file: <path>. marker"),
        (f"hostname x\n{TEXT}", "line 1: text before the first"),
        ("#### fundament-file: etc/hosts\n", "line 1: 'etc/hosts' is not a plain absolute file path"),
        ("#### fundament-file: /etc/../root/x\n", "line 1: '/etc/../root/x' is not a plain absolute"),
        (f"{TEXT}#### fundament-file: /etc/frr/frr.conf\n", "line 11: /etc/frr/frr.conf appears twice"),
    ],
)
def test_malformed_candidates_are_refused_with_the_line(text: str, message: str) -> None:
    with pytest.raises(CandidateFormatError, match=message):
        parse(text)


def test_replace_needs_both_parts_before_touching_any_device() -> None:
    driver = FRRDriver("never-contacted", "fundament", "unused")
    with pytest.raises(ReplaceConfigException, match="needs both parts"):
        driver.load_replace_candidate(config=f"#### fundament-file: /etc/frr/frr.conf\n{FRR}")
    with pytest.raises(MergeConfigException, match="marker"):
        driver.load_merge_candidate(config="\n")


def test_strip_running_preamble() -> None:
    shown = "Building configuration...\n\nCurrent configuration:\n!\nfrr version 8.4.4\nhostname x\n!\nend\n"
    assert strip_running_preamble(shown) == "frr version 8.4.4\nhostname x\n!\nend\n"


def test_merge_interfaces_replaces_named_stanzas_keeps_the_rest_in_place() -> None:
    running = "# managed\nauto lo\niface lo inet loopback\n\nauto eth1\niface eth1\n    mtu 9000\n"
    addition = "auto eth1\niface eth1\n    mtu 1500\nauto br100\niface br100\n    bridge-ports eth3\n"
    assert merge_interfaces(running, addition) == (
        "# managed\nauto lo\niface lo inet loopback\n\nauto eth1\niface eth1\n    mtu 1500\n"
        "\nauto br100\niface br100\n    bridge-ports eth3\n"
    )


def test_merge_appends_frr_lines_keeps_running_interfaces_and_replaces_whole_files() -> None:
    running = DeviceConfig(interfaces=INTERFACES, frr=FRR, others=(("/etc/a", "1\n"), ("/etc/b", "2\n")))
    addition = DeviceConfig(
        interfaces=None,
        frr="router bgp 65001\n neighbor eth1 description up\n",
        others=(("/etc/b", "3\n"), ("/etc/c", "4\n")),
    )
    merged = merge(running, addition)
    assert merged.interfaces == INTERFACES
    assert merged.frr == FRR + "router bgp 65001\n neighbor eth1 description up\n"
    assert merged.others == (("/etc/a", "1\n"), ("/etc/b", "3\n"), ("/etc/c", "4\n"))


def test_sanitized_removes_the_word_after_every_secret_keyword_even_in_descriptions() -> None:
    config = (
        "router bgp 65001\n neighbor eth1 password s3cret\n neighbor eth1 description password policy\n"
        "interface eth1\n ip ospf message-digest-key 1 md5 k3y\n ip ospf authentication-key abc\n"
    )
    assert sanitized(config) == (
        "router bgp 65001\n neighbor eth1 password <removed>\n neighbor eth1 description password <removed>\n"
        "interface eth1\n ip ospf message-digest-key 1 md5 <removed>\n ip ospf authentication-key <removed>\n"
    )
