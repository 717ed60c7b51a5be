"""napalm_frr against a live lab node: the getters' models and the whole config lifecycle.

Every test leaves the node as it found it (a finalizer replaces back whatever a failing test
left). The change used is harmless: a prefix-list nothing refers to, a bridge with no ports and a
file of its own under /etc; the getters' BGP peer on eth1, VLAN-aware bridge over a dummy port and
VRF with a documentation address go when their test ends.
NAPALM_FRR_TEST_LIVE=host[:port] points the tests at another node (development without the lab).
"""

from __future__ import annotations

import shlex
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest
from napalm.base.exceptions import CommitConfirmException, CommitError, ReplaceConfigException

from napalm_frr import FRRDriver
from napalm_frr.candidate import DeviceConfig, parse
from network.lab.ready import lab_credentials
from tests.unit.napalm_frr.conformance import GETTERS, as_json, live_driver, live_target

if TYPE_CHECKING:
    from tests.lab.conftest import Lab

pytestmark = pytest.mark.lab

PREFIX_LIST = "ip prefix-list NAPALM-FRR-TEST seq 5 permit 192.0.2.0/24"
BRIDGE = ["auto napfrrtest0", "iface napfrrtest0", "    bridge-ports none"]
EXTRA_FILE = "/etc/napalm-frr-test.conf"
FRR_ADDED = f"--- /etc/frr/frr.conf\n+++ /etc/frr/frr.conf (candidate)\n+{PREFIX_LIST}\n"
EXTRA_ADDED = f"--- {EXTRA_FILE}\n+++ {EXTRA_FILE} (candidate)\n@@ -0,0 +1 @@\n+managed by a test\n"
RELOAD = "/usr/lib/frr/frr-reload.py"
# frr-reload.py fails once, then puts the real one back: a restore that relies on it alone fails.
BREAK_RELOAD_ONCE = (
    f"mv {RELOAD} {RELOAD}.real && printf '%s\\n' 'import os, sys' "
    f'\'os.replace("{RELOAD}.real", "{RELOAD}")\' \'sys.exit("broken once by a test")\' >{RELOAD}'
)


@dataclass(frozen=True)
class Node:
    host: str
    port: int
    credentials: tuple[str, str] | None

    def connect(self) -> FRRDriver:
        return live_driver(self.host, self.port, self.credentials)


@pytest.fixture(scope="module")
def node(request: pytest.FixtureRequest) -> Node:
    """A switch of the lab (the first by name), or the node NAPALM_FRR_TEST_LIVE names."""
    target = live_target()
    if target is not None:
        return Node(*target, credentials=None)
    lab: Lab = request.getfixturevalue("lab")
    return Node(str(lab.nodes[sorted(lab.nodes)[0]].mgmt_ipv4), 22, lab_credentials())


@pytest.fixture
def device(node: Node) -> Iterator[FRRDriver]:
    driver = node.connect()
    before = running(driver)
    yield driver
    if not driver.is_alive()["is_alive"]:
        driver = node.connect()
    if driver.has_pending_commit():
        # A test may have left a change of another session (its own driver, since closed) pending.
        owner = driver._helper("pending").stdout.strip()
        driver._helper("confirm", owner)
    driver._run(as_root_shell(f"! test -e {RELOAD}.real || mv {RELOAD}.real {RELOAD}"), root=True)
    if running(driver) != before:
        driver.load_replace_candidate(config=before)
        driver.commit_config()
    driver.discard_config()
    driver.close()


def as_root_shell(script: str) -> str:
    """One command line for sudo that runs a whole shell script (redirections included) as root."""
    return f"sh -c {shlex.quote(script)}"


def running(driver: FRRDriver) -> str:
    return str(driver.get_config(retrieve="running")["running"])


def changed(base: str) -> str:
    """The running config plus the test's prefix-list, bridge and file, as one replace candidate."""
    config = parse(base)
    interfaces = (config.interfaces or "") + "\n" + "\n".join(BRIDGE) + "\n"
    frr = (config.frr or "").replace("\nend\n", "\n") + PREFIX_LIST + "\n"
    others = (*config.others, (EXTRA_FILE, "managed by a test\n"))
    return DeviceConfig(interfaces=interfaces, frr=frr, others=others).render()


def assert_applied(driver: FRRDriver) -> None:
    config = running(driver)
    assert PREFIX_LIST in config
    assert f"#### fundament-file: {EXTRA_FILE}\nmanaged by a test\n" in config
    assert "napfrrtest0" in driver.get_interfaces()


def wait_for(condition: Any, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return bool(condition())


# At day 0 a lab switch runs no BGP, no VLAN-aware bridge and no VRF. Those getters are judged with what they
# report configured (the fixture puts the config back afterwards), so an empty result can never pass as
# conformant: BGP peers; a VLAN-aware bridge with a port (a dummy) in a VLAN; a VRF with an address of its own.
BGP_PEERS = "router bgp 64999\n no bgp ebgp-requires-policy\n neighbor eth1 interface remote-as external\n"
ZONE = """
auto napfrrport0
iface napfrrport0
    link-type dummy
    bridge-access 2001

auto napfrrbr0
iface napfrrbr0
    bridge-vlan-aware yes
    bridge-ports napfrrport0
    bridge-vids 2001

auto napfrrvrf
iface napfrrvrf
    vrf-table auto
    address 192.0.2.1/32
"""
NEEDS = {
    "get_bgp_neighbors": ("router bgp", f"#### fundament-file: /etc/frr/frr.conf\n{BGP_PEERS}"),
    "get_vlans": ("bridge-vlan-aware", f"#### fundament-file: /etc/network/interfaces\n{ZONE}"),
    "get_route_to": ("vrf-table", f"#### fundament-file: /etc/network/interfaces\n{ZONE}"),
}


@pytest.mark.parametrize("getter", sorted(GETTERS))
def test_getter_matches_napalm_model(device: FRRDriver, getter: str) -> None:
    check, kwargs = GETTERS[getter]
    if getter in NEEDS:
        sign, addition = NEEDS[getter]
        config = running(device)
        if getter == "get_vlans" and "bridge-ports" not in config:
            assert device.get_vlans() == {}, "a switch without a bridge has no VLANs"
        if sign not in config:
            device.load_merge_candidate(config=addition)
            device.commit_config()
    check(as_json(getattr(device, getter)(**kwargs)))


def test_running_config_as_candidate_is_no_change(device: FRRDriver) -> None:
    device.load_replace_candidate(config=running(device))
    assert device.compare_config() == ""


def test_compare_shows_the_exact_change_and_discard_keeps_the_device(device: FRRDriver) -> None:
    before = running(device)
    device.load_replace_candidate(config=changed(before))
    diff = device.compare_config()
    interfaces_part, frr_part = diff.split("--- /etc/frr/frr.conf\n")
    assert "--- /etc/frr/frr.conf\n" + frr_part == FRR_ADDED + EXTRA_ADDED
    changed_lines = [line for line in interfaces_part.splitlines() if line.startswith(("+", "-"))]
    assert changed_lines == [
        "--- /etc/network/interfaces",
        "+++ /etc/network/interfaces (candidate)",
        "+",
        *(f"+{line}" for line in BRIDGE),
    ]
    assert device.get_config(retrieve="candidate")["candidate"] == changed(before)
    device.discard_config()
    assert device.compare_config() == ""
    assert running(device) == before
    assert not device.has_pending_commit()


def test_commit_applies_then_rollback_restores(device: FRRDriver) -> None:
    before = running(device)
    device.load_replace_candidate(config=changed(before))
    device.commit_config()
    assert_applied(device)
    assert not device.has_pending_commit()
    device.load_replace_candidate(config=changed(before))
    assert device.compare_config() == ""
    device.discard_config()
    device.rollback()
    assert running(device) == before
    assert "napfrrtest0" not in device.get_interfaces()
    assert EXTRA_FILE not in running(device)


def test_a_file_the_next_replace_drops_goes_back_to_before_it_was_managed(device: FRRDriver) -> None:
    before = running(device)
    device.load_replace_candidate(config=changed(before))
    device.commit_config()
    assert device._file(EXTRA_FILE) == "managed by a test\n"
    device.load_replace_candidate(config=before)
    device.commit_config()
    assert device._file(EXTRA_FILE) is None
    assert running(device) == before


def test_merge_of_a_frr_only_candidate(device: FRRDriver) -> None:
    before = running(device)
    device.load_merge_candidate(config=f"#### fundament-file: /etc/frr/frr.conf\n{PREFIX_LIST}\n")
    assert device.compare_config() == FRR_ADDED
    device.commit_config()
    assert PREFIX_LIST in running(device)
    device.rollback()
    assert running(device) == before


def test_revert_in_reverts_by_itself_after_the_session_is_gone(device: FRRDriver, node: Node) -> None:
    before = running(device)
    device.load_replace_candidate(config=changed(before))
    # Long enough that the second commit below finds it pending even on a loaded machine.
    device.commit_config(revert_in=15)
    assert device.has_pending_commit()
    assert_applied(device)
    with pytest.raises(CommitError, match="waiting for confirmation"):
        device.load_replace_candidate(config=changed(before))
        device.commit_config()
    device.discard_config()
    device.close()
    later = node.connect()
    try:
        assert wait_for(lambda: not later.has_pending_commit(), 60)
        assert running(later) == before
    finally:
        later.close()


def test_a_commit_whose_revert_timer_died_is_reverted_at_the_next_look(device: FRRDriver) -> None:
    """As after a restart of the device: the timer is gone, the commit was never confirmed."""
    before = running(device)
    device.load_replace_candidate(config=changed(before))
    device.commit_config(revert_in=600)
    timer_pid = int(device._out("cat /var/lib/napalm-frr/pending", root=True).split()[0])
    device._run(f"kill -TERM -- -{timer_pid}", root=True)
    assert not device.has_pending_commit()
    assert running(device) == before


def test_confirm_keeps_the_change(device: FRRDriver) -> None:
    before = running(device)
    device.load_replace_candidate(config=changed(before))
    device.commit_config(revert_in=2)
    device.confirm_commit()
    assert not device.has_pending_commit()
    time.sleep(4)  # past the revert time: the timer must be gone, not merely late
    assert_applied(device)
    device.rollback()
    assert running(device) == before


def test_a_config_frr_rejects_is_refused_at_load(device: FRRDriver) -> None:
    before = running(device)
    broken = changed(before).replace(PREFIX_LIST, "router bgp 65001\n neighbor eth9 no-such-keyword")
    with pytest.raises(ReplaceConfigException, match="Unknown command"):
        device.load_replace_candidate(config=broken)
    assert running(device) == before


def test_an_sshd_config_sshd_rejects_is_refused_at_load(device: FRRDriver) -> None:
    before = running(device)
    config = parse(before)
    broken = (*config.others, ("/etc/ssh/sshd_config.d/napalm-frr-test.conf", "NoSuchOption yes\n"))
    with pytest.raises(ReplaceConfigException, match="sshd rejects"):
        device.load_replace_candidate(config=DeviceConfig(config.interfaces, config.frr, broken).render())
    assert running(device) == before


def test_a_config_failing_during_apply_restores_the_rollback_point(device: FRRDriver) -> None:
    """vtysh's syntax check passes this; bgpd refuses it while applying, after other lines went in.
    (The neighbor is never created, so bgpd sends nothing to its documentation-range address.)"""
    before = running(device)
    base = parse(changed(before))
    asn = next(
        (line for line in (base.frr or "").splitlines() if line.startswith("router bgp ")), "router bgp 64512"
    )
    frr = (base.frr or "") + f"{asn}\n neighbor 192.0.2.1 peer-group NOPG\n"
    device.load_replace_candidate(config=DeviceConfig(base.interfaces, frr, base.others).render())
    with pytest.raises(CommitError, match="peer-group"):
        device.commit_config()
    # The restore restarts FRR from the restored file; the first restart after boot may list the top-level
    # lines in another order (`log syslog`, `no ipv6 forwarding`), so the driver's own diff judges the state.
    device.load_replace_candidate(config=before)
    assert device.compare_config() == ""
    device.discard_config()
    assert "napfrrtest0" not in device.get_interfaces()


def test_a_session_lost_mid_commit_leaves_a_whole_commit(device: FRRDriver, node: Node) -> None:
    """The SSH session drops once the helper runs on the device; the commit still completes there."""
    before = running(device)
    device.load_replace_candidate(config=changed(before))
    transport = device._transport
    assert transport is not None
    later = node.connect()

    helper_seen: list[bool] = []

    def helper_runs() -> bool:
        return later._run("pgrep -f '^/bin/sh /var/lib/napalm-frr/helper commit'", check=False).ok

    def cut_when_the_helper_runs() -> None:
        helper_seen.append(wait_for(helper_runs, 30))
        transport.close()

    watcher = threading.Thread(target=cut_when_the_helper_runs)
    watcher.start()
    try:
        with pytest.raises(CommitError, match="session lost"):
            device.commit_config()
        watcher.join()
        assert helper_seen == [True]
        assert wait_for(lambda: not helper_runs(), 30)
        assert_applied(later)
        later.load_replace_candidate(config=changed(before))
        assert later.compare_config() == ""
        later.rollback()
        assert running(later) == before
    finally:
        watcher.join()
        later.close()


def test_a_second_session_neither_disturbs_nor_takes_over_a_change(device: FRRDriver, node: Node) -> None:
    """A plan beside an apply: its own candidate; then the commit holds the device for its session
    only, whoever else connects (another checkout, another machine), until it is confirmed."""
    before = running(device)
    device.load_replace_candidate(config=changed(before))
    other = node.connect()
    try:
        other.load_replace_candidate(config=before)
        assert other.compare_config() == ""
        other.discard_config()
        assert PREFIX_LIST in device.compare_config()
        device.commit_config(revert_in=120)
        assert_applied(other)
        other.load_replace_candidate(config=before)
        with pytest.raises(CommitError, match="another change holds this device"):
            other.commit_config(revert_in=60)
        with pytest.raises(CommitConfirmException, match="another change holds this device"):
            other.confirm_commit()
        with pytest.raises(CommitError, match="another change holds this device"):
            other.rollback()
        assert device.has_pending_commit()
        assert_applied(other)
        device.confirm_commit()
        other.commit_config(revert_in=60)
        other.confirm_commit()
        assert running(other) == before
    finally:
        other.close()


def test_a_rollback_whose_reload_fails_once_still_ends_at_the_previous_config(device: FRRDriver) -> None:
    before = running(device)
    device.load_replace_candidate(config=changed(before))
    device.commit_config(revert_in=120)
    assert_applied(device)
    device._run(as_root_shell(BREAK_RELOAD_ONCE), root=True)
    device.rollback()
    assert not device.has_pending_commit()
    assert running(device) == before
    assert "napfrrtest0" not in device.get_interfaces()
    assert "restarting FRR" in device._out("cat /var/lib/napalm-frr/last.log", root=True)


def test_a_timer_revert_whose_reload_fails_once_still_ends_at_the_previous_config(device: FRRDriver) -> None:
    before = running(device)
    device.load_replace_candidate(config=changed(before))
    device.commit_config(revert_in=3)
    device._run(as_root_shell(BREAK_RELOAD_ONCE), root=True)
    assert wait_for(lambda: not device.has_pending_commit(), 60)
    assert running(device) == before
    log = device._out("cat /var/lib/napalm-frr/last.log", root=True)
    assert "restarting FRR" in log
    assert "reverted unconfirmed commit" in log
