"""The zone policy as a workplace sees it: probes derived from security.allowed, and the suite's probe run
against real sockets on this machine (`local://`): an open port and a closed one, each as expected or not."""

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from inventory import Design
from workplace.profile import select_profile
from workplace.verify import VALIDATION_DIR
from workplace.zones import ZoneProbe, zone_probes


def test_a_kantoor_machine_opens_what_security_allowed_permits_and_nothing_else(design: Design) -> None:
    probes = zone_probes(design, select_profile(design, "kantoor"))
    opened = {(probe.host, probe.service) for probe in probes if probe.expect == "open"}
    assert opened == {
        *((server, service) for server in ("h-srv1", "h-srv2") for service in ("https", "smb", "ldap")),
        ("h-srv3", "https"),
        ("h-srv3", "smb"),
        ("h-dmz", "https"),
    }
    blocked = {(probe.host, probe.service) for probe in probes if probe.expect == "blocked"}
    assert {("h-srv1", "ssh"), ("h-ot", "ssh"), ("h-beheer1", "ssh")} <= blocked
    # UDP cannot be told apart (no answer either way); the machine's own zone is not the policy's business.
    assert all(probe.service != "snmp" for probe in probes)
    assert not {probe.host for probe in probes} & {"h-ws1", "h-ws2"}
    assert {probe.zone for probe in probes} == {"server", "dmz", "beheer", "ot"}


@pytest.fixture
def listening() -> Iterator[int]:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        yield server.getsockname()[1]


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _run(tmp_path: Path, probes: list[ZoneProbe]) -> tuple[int, str]:
    variables = tmp_path / "vars.json"
    variables.write_text(json.dumps({"workplace_zone_probes": [probe.model_dump() for probe in probes]}))
    log = tmp_path / "junit.xml"
    code = pytest.main(
        [str(VALIDATION_DIR), "-k", "test_zone_policy", "-c", str(VALIDATION_DIR / "pytest.ini"),
         "--rootdir", str(VALIDATION_DIR), "--hosts=local://", f"--workplace-vars={variables}",
         f"--junitxml={log}", "-q"],
    )  # fmt: skip
    return int(code), log.read_text()


def _probe(port: int, expect: str) -> ZoneProbe:
    return ZoneProbe(
        host="h-test", address="127.0.0.1", zone="server", service=f"svc{port}", port=port,
        expect="open" if expect == "open" else "blocked", reason="test",
    )  # fmt: skip


def test_probes_pass_when_the_network_does_what_the_policy_says(tmp_path: Path, listening: int) -> None:
    code, _ = _run(tmp_path, [_probe(listening, "open"), _probe(_closed_port(), "blocked")])
    assert code == 0


def test_probes_name_every_service_the_network_gets_wrong(tmp_path: Path, listening: int) -> None:
    closed = _closed_port()
    code, log = _run(tmp_path, [_probe(listening, "blocked"), _probe(closed, "open")])
    assert code == 1
    assert f"svc{listening} ({listening}/tcp) on h-test 127.0.0.1 (server): open, expected blocked" in log
    assert f"svc{closed} ({closed}/tcp) on h-test 127.0.0.1 (server): blocked, expected open" in log


def test_without_probes_the_zone_audit_is_not_collected(tmp_path: Path) -> None:
    """A machine away from its segment has no probes: no zones group at all, not a pass of nothing."""
    code, _ = _run(tmp_path, [])
    assert code == pytest.ExitCode.NO_TESTS_COLLECTED
