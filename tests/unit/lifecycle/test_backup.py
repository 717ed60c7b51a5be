"""stages.backup through the real Nornir over fault-injecting devices: a device that cannot be read is
reported failed and the others are still saved, secrets masked, in one git commit naming them."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from network.lifecycle import stages
from network.lifecycle.outcome import Status
from tests.unit.lifecycle.faults import FakeDevice, Fault, fault_nornir, lose_session
from tests.unit.lifecycle.faults import sigterm_guard as sigterm_guard

SECRET = "s3cr3t-bgp-password"


def test_an_unreadable_device_fails_alone_and_the_others_are_saved_masked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    devices = [
        FakeDevice("a", running=f"hostname a\n neighbor fabric password {SECRET}\n"),
        FakeDevice("b", running="hostname b\n"),
    ]
    devices[1].faults["get_config"] = Fault(lose_session())
    nr = fault_nornir(devices)
    try:
        outcomes = {o.device: o for o in stages.backup(nr, tmp_path, [SECRET])}
    finally:
        nr.close_connections(on_failed=True)
    assert (outcomes["a"].status, outcomes["b"].status) == (Status.SAVED, Status.FAILED)
    shown = capsys.readouterr().err
    assert "backup: a done" in shown and "backup: b failed" in shown
    assert "session lost" in outcomes["b"].message
    saved = (tmp_path / "a.cfg").read_text(encoding="utf-8")
    assert SECRET not in saved and "hostname a" in saved
    assert not (tmp_path / "b.cfg").exists()
    subjects = subprocess.run(
        ["git", "-C", str(tmp_path), "log", "--format=%s"], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert len(subjects) == 1 and subjects[0].endswith(": a")
