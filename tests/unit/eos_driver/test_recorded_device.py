"""What the recorded EOS device does with NAPALM's eos driver beyond the commands' happy paths: the
commit timer reverts by itself, and a second session cannot commit while a timer is pending (the
device-side change lock that EOS configuration sessions give, whichever machine the session is from)."""

from typing import Any

import pytest
from napalm import get_network_driver
from napalm.base.exceptions import CommitError

from tests.unit.eos_driver.eapi import EosDevice, RecordedEapi


def session(device: EosDevice) -> Any:
    driver = get_network_driver("eos")(
        device.hostname, "u", "p", optional_args={"transport": RecordedEapi, "device": device}
    )
    driver.open()
    return driver


def test_an_unconfirmed_commit_reverts_when_its_timer_ends() -> None:
    device = EosDevice("192.0.2.1", running=["hostname a"], startup=["hostname a"])
    driver = session(device)
    driver.load_replace_candidate(config="hostname b\n")
    driver.commit_config(revert_in=300)
    assert (driver.has_pending_commit(), device.running) == (True, ["hostname b"])
    device.booted -= 301  # the device's uptime, which its commit timer counts, moves on 301 s
    assert (driver.has_pending_commit(), device.running) == (False, ["hostname a"])
    driver.close()


def test_a_second_session_cannot_commit_while_a_timer_is_pending() -> None:
    device = EosDevice("192.0.2.1", running=["hostname a"], startup=["hostname a"])
    first, second = session(device), session(device)
    first.load_replace_candidate(config="hostname b\n")
    first.commit_config(revert_in=300)
    second.load_replace_candidate(config="hostname c\n")
    with pytest.raises(CommitError, match="Pending commit confirm already in process"):
        second.commit_config(revert_in=300)
    second.discard_config()
    first.confirm_commit()
    assert device.running == device.startup == ["hostname b"]
    first.close()
    second.close()
