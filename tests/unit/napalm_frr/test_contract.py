"""The driver's side of the change contract: strict arguments, and every change step named by its session.

The device side (helper.sh: the per-session candidate, the change lock, restore fallbacks) runs in the
lab test tests/lab/test_napalm_frr_live.py; here a scripted transport shows what the driver asks of it.
"""

from __future__ import annotations

import pytest

from napalm_frr import FRRDriver
from napalm_frr.transport import Result

CANDIDATE = "#### fundament-file: /etc/network/interfaces\nauto lo\n#### fundament-file: /etc/frr/frr.conf\nhostname leaf1\n"


class ScriptedTransport:
    """Answers every command with success (the helper's hash with a match) and keeps what was run."""

    def __init__(self) -> None:
        self.commands: list[str] = []

    def run(self, command: str, timeout: float) -> Result:
        self.commands.append(command)
        stdout = "/tmp/upload\n" if "mktemp" in command else ""
        return Result(command, 0, stdout, "")

    def put(self, files: dict[str, str]) -> None:
        return None

    def is_active(self) -> bool:
        return True

    def close(self) -> None:
        return None


def scripted() -> tuple[FRRDriver, ScriptedTransport]:
    driver = FRRDriver("leaf1", "fundament", "unused")
    transport = ScriptedTransport()
    driver._transport = transport
    return driver, transport


def helper_calls(transport: ScriptedTransport) -> list[list[str]]:
    return [
        cmd.split("/var/lib/napalm-frr/helper ", 1)[1].split()
        for cmd in transport.commands
        if "setsid" in cmd
    ]


def test_unknown_optional_args_are_refused() -> None:
    with pytest.raises(TypeError, match="global_delay_factor"):
        FRRDriver("leaf1", "u", "p", optional_args={"port": 22, "global_delay_factor": 2})


def test_the_optional_args_nornir_always_passes_are_accepted() -> None:
    FRRDriver("leaf1", "u", "p", optional_args={"port": 2222, "ssh_config_file": "~/.ssh/config"})


def test_a_commit_message_is_refused_as_napalm_eos_refuses_it_before_any_command() -> None:
    driver, transport = scripted()
    driver.load_replace_candidate(config=CANDIDATE)
    sent = len(transport.commands)
    with pytest.raises(NotImplementedError, match="commit messages"):
        driver.commit_config(message="fundament apply", revert_in=60)
    assert len(transport.commands) == sent


def test_every_change_step_names_the_session_and_plans_diff_their_own_candidate() -> None:
    driver, transport = scripted()
    driver.load_replace_candidate(config=CANDIDATE)
    driver.compare_config()
    driver.commit_config(revert_in=60)
    driver.confirm_commit()
    driver.rollback()
    driver.load_replace_candidate(config=CANDIDATE)
    driver.discard_config()
    steps = helper_calls(transport)
    assert [step[:2] for step in steps] == [
        ["stage", driver.session],
        ["commit", driver.session],
        ["confirm", driver.session],
        ["rollback", driver.session],
        ["stage", driver.session],
        ["discard", driver.session],
    ]
    assert steps[1] == ["commit", driver.session, "60"]
    compared = [cmd for cmd in transport.commands if "frr-reload.py --test" in cmd]
    assert compared and compared[0].endswith(f"/var/lib/napalm-frr/candidates/{driver.session}/frr.conf")


def test_two_drivers_on_one_device_are_two_sessions() -> None:
    assert FRRDriver("leaf1", "u", "p").session != FRRDriver("leaf1", "u", "p").session


def test_close_drops_a_loaded_candidate_of_its_own_session() -> None:
    driver, transport = scripted()
    driver.load_replace_candidate(config=CANDIDATE)
    driver.close()
    assert helper_calls(transport)[-1] == ["discard", driver.session]
