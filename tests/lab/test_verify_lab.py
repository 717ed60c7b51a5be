"""Verification against the live lab: the sample design applied with `fundament net apply` (commit-confirm,
this catalog's post-checks deciding), then `fundament net verify` passes every check and writes
valid JUnit and Markdown; each deliberate break is caught by the check meant for it, naming both ends.

Every break is undone in a finalizer and the test waits until the affected checks pass again, so the
tests leave the lab as applied.
"""

import contextlib
import json
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from junitparser import JUnitXml
from nornir.core import Nornir
from typer.testing import CliRunner

from fundament.app import app
from fundament.paths import SAMPLE_DESIGN
from inventory import Design
from inventory.migrations import load_migrations
from network.intended import Intent, push_configs
from network.targets import Target, reach_for
from network.verify.check import Check, CheckResult, Status
from network.verify.generate import generate
from network.verify.reach import LiveReach, NornirConnections
from network.verify.runner import run, select
from tests.lab.conftest import Lab

pytestmark = pytest.mark.lab

CONVERGE = 120.0
"""Seconds a restored lab gets to pass again (BGP hold time 9 s, LLDP every 30 s at worst)."""


@dataclass(frozen=True)
class Applied:
    lab: Lab
    design: Design
    nr: Nornir
    reach: LiveReach
    catalog: list[Check[Any]]
    configs: dict[str, str]

    def checks(self, names: Sequence[str], devices: Sequence[str]) -> list[Check[Any]]:
        return select(self.catalog, names=names, devices=devices)

    def restore(self, device: str) -> None:
        """Put the intended config back on `device` with a plain replace-commit."""
        driver = NornirConnections(self.nr).driver(device)
        driver.load_replace_candidate(config=self.configs[device])
        if driver.compare_config():
            driver.commit_config()
        else:
            driver.discard_config()


@pytest.fixture(scope="module")
def applied(lab: Lab) -> Iterator[Applied]:
    """The sample design applied with `fundament net apply`: each device confirmed only when this
    catalog's post-checks pass for it."""
    design = lab.design
    result = CliRunner().invoke(app, ["net", "apply", "--json", "--check-wait", str(CONVERGE)])
    assert result.exit_code == 0, f"fundament net apply did not confirm every device:\n{result.output}"
    nr = lab.nornir()
    intent = Intent(design, load_migrations(SAMPLE_DESIGN / "migrations", design))
    configs = push_configs(intent, Target.LAB, [device.name for device in design.devices])
    yield Applied(lab, design, nr, reach_for(design, Target.LAB), generate(design), configs)
    nr.close_connections()


def until(
    applied: Applied, checks: Sequence[Check[Any]], done: Callable[[list[CheckResult]], bool]
) -> list[CheckResult]:
    """Run `checks` until `done` holds for the results or CONVERGE seconds pass; the last results."""
    deadline = time.monotonic() + CONVERGE
    while True:
        results = run(checks, applied.reach, wait=0).results
        if done(results) or time.monotonic() > deadline:
            return results
        time.sleep(2)


def by_title(results: list[CheckResult]) -> dict[str, CheckResult]:
    return {result.title: result for result in results}


def all_pass(results: list[CheckResult]) -> bool:
    return all(result.status is Status.PASS for result in results)


def test_verify_passes_on_the_applied_lab(applied: Applied, tmp_path: Path) -> None:
    junit, markdown = tmp_path / "verify.xml", tmp_path / "verify.md"
    result = CliRunner().invoke(
        app,
        [
            "net",
            "verify",
            "--json",
            "--wait",
            str(CONVERGE),
            "--junit",
            str(junit),
            "--markdown",
            str(markdown),
        ],
    )
    report = json.loads(result.stdout)
    problems = [
        f"{r['status']} {r['title']}: {r['message']}" for r in report["results"] if r["status"] != "pass"
    ]
    assert result.exit_code == 0, "\n".join(problems)
    assert report["summary"]["pass"] == len(applied.catalog)
    suites = list(JUnitXml.fromfile(str(junit)))
    assert sum(suite.tests for suite in suites) == len(applied.catalog)
    assert sum(suite.failures + suite.errors for suite in suites) == 0
    assert markdown.read_text().startswith("# Network verification: passed\n")


def test_shut_link_is_caught_on_both_ends(applied: Applied) -> None:
    checks = applied.checks(["lldp-neighbors", "bgp-session", "interfaces"], ["spine1", "leaf1"])
    lldp, bgp = "LLDP spine1:eth1 <-> leaf1:eth1", "BGP spine1 (AS 65100) <-> leaf1 (AS 65101)"
    status, _ = applied.lab.ssh("spine1", "sudo ip link set eth1 down")
    assert status == 0
    both_ends = {
        lldp: (
            "spine1:eth1 should see leaf1:eth1, sees no LLDP neighbor",
            "leaf1:eth1 should see spine1:eth1",
        ),
        bgp: ("spine1 eth1 -> leaf1 is not established", "leaf1 eth1 -> spine1 is not established"),
    }

    def seen_from_both_ends(results: list[CheckResult]) -> bool:
        # A machine's link down does not reach its peer's kernel as lost carrier: leaf1 loses spine1 only
        # when the LLDP advertisement and the BGP hold time run out, each in its own time.
        found = by_title(results)
        return all(all(end in found[title].message for end in ends) for title, ends in both_ends.items())

    try:
        results = by_title(until(applied, checks, seen_from_both_ends))
        for title, ends in both_ends.items():
            assert results[title].status is Status.FAIL
            assert all(end in results[title].message for end in ends), results[title].message
        assert (
            "spine1:eth1 (to leaf1:eth1) is administratively down" in results["interfaces of spine1"].message
        )
        assert results["LLDP spine1:eth2 <-> leaf2:eth1"].status is Status.PASS, "only the shut link fails"
    finally:
        applied.lab.ssh("spine1", "sudo ip link set eth1 up")
        assert all_pass(until(applied, checks, all_pass))


def test_wrong_peer_as_is_caught(applied: Applied) -> None:
    checks = applied.checks(["bgp-session"], ["leaf1"])
    title = "BGP spine1 (AS 65100) <-> leaf1 (AS 65101)"
    status, _ = applied.lab.ssh(
        "leaf1",
        "sudo vtysh -c 'configure terminal' -c 'router bgp 65101' -c 'neighbor eth1 interface remote-as 65999'",
    )
    assert status == 0
    try:
        result = by_title(until(applied, checks, lambda r: by_title(r)[title].status is Status.FAIL))[title]
        assert result.status is Status.FAIL
        assert "leaf1 eth1 -> spine1: peer AS is 65999, the design says 65100" in result.message
        assert "spine1 eth1 -> leaf1 is not established" in result.message
    finally:
        applied.restore("leaf1")
        assert all_pass(until(applied, checks, all_pass))


def test_stopped_endpoint_is_caught(applied: Applied) -> None:
    """The endpoint leaves its segment (its port goes down). Pausing the container would not do: the
    kernel answers pings without any process running. leaf2's port stays up: a machine's link down does
    not reach its peer's kernel as lost carrier."""
    checks = applied.checks(["endpoint-reachability", "interfaces"], ["leaf1", "leaf2"])
    title = "h-srv1 reaches h-srv2"
    status, _ = applied.lab.ssh("h-srv2", "sudo ip link set eth1 down")
    assert status == 0
    try:
        results = by_title(until(applied, checks, lambda r: by_title(r)[title].status is Status.FAIL))
        assert results[title].status is Status.FAIL
        assert (
            "h-srv1 (leaf1:eth3, segment server) cannot reach h-srv2 (leaf2:eth3, segment server)"
            in results[title].message
        )
        back = results["h-srv2 reaches h-srv1"]
        assert back.status is Status.FAIL
        assert (
            "h-srv2 (leaf2:eth3, segment server) cannot reach h-srv1 (leaf1:eth3, segment server)"
            in back.message
        )
        assert results["h-ws1 does not reach h-srv1"].status is Status.PASS, "isolation still holds"
    finally:
        # The kernel dropped the default route with the link; the host's own config puts it back.
        applied.lab.ssh("h-srv2", "sudo ip link set eth1 up && sudo ifreload -a")
        assert all_pass(until(applied, checks, all_pass))


def test_lost_device_session_is_opened_again_on_a_retry(applied: Applied) -> None:
    checks = applied.checks(["interfaces"], ["spine1"])
    assert all_pass(run(checks, applied.reach, wait=0).results), "the session to spine1 is open"
    # Ends every session of the lab user on spine1, this command's own included: its status is lost.
    with contextlib.suppress(Exception):
        applied.lab.ssh("spine1", "sudo pkill -f 'sshd: fundament'")
    # The first attempt may still meet the dead session; a retry opens a new one.
    results = run(checks, applied.reach, wait=30, interval=1).results
    assert all_pass(results), results[0].message
