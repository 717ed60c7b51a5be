"""Reporters: JUnit XML that junitparser reads back, Markdown with the problems first, JSON, the table."""

import json
from pathlib import Path

from junitparser import Error, Failure, JUnitXml
from rich.console import Console

from network.verify.catalog import parse
from network.verify.observe import Observations
from network.verify.reach import RecordedReach
from network.verify.report import as_json, junit, markdown, summary, table
from network.verify.runner import Run, run
from tests.unit.verify.test_checks import bgp, peer
from tests.unit.verify.test_runner import CATALOG, GOOD


def mixed_run() -> Run:
    answers = {
        **GOOD,
        "leaf1 get_bgp_neighbors": bgp({"eth1": peer(65101, 65199)}),
        "spine1 tcp 22": {"failure": "ConnectionResetError: reset by peer"},
    }
    return run(parse(CATALOG), RecordedReach(Observations.from_json(answers)), wait=0)


def test_junit_is_valid_and_complete(tmp_path: Path) -> None:
    file = tmp_path / "verify.xml"
    file.write_text(junit(mixed_run()))
    xml = JUnitXml.fromfile(str(file))
    suites = {suite.name: suite for suite in xml}
    assert set(suites) == {"lldp-neighbors", "bgp-session", "ssh-only"}
    (bgp_case,) = list(suites["bgp-session"])
    assert bgp_case.name == "BGP spine1 (AS 65100) <-> leaf1 (AS 65101)"
    (failure,) = bgp_case.result
    assert isinstance(failure, Failure)
    assert "peer AS is 65199, the design says 65100" in failure.message
    (ssh_case,) = list(suites["ssh-only"])
    assert isinstance(ssh_case.result[0], Error)
    assert "reset by peer" in ssh_case.result[0].message
    (lldp_case,) = list(suites["lldp-neighbors"])
    assert lldp_case.is_passed
    assert "tags: cabling, fabric" in lldp_case.system_out


def test_markdown_lists_problems_before_all_checks() -> None:
    text = markdown(mixed_run())
    assert text.startswith("# Network verification: FAILED\n")
    problems, everything = text.split("## All checks")
    assert "## Problems" in problems
    assert "| ❌ fail | bgp-session | BGP spine1 (AS 65100) <-> leaf1 (AS 65101) |" in problems
    assert "| 💥 error | ssh-only |" in problems
    assert "lldp-neighbors" not in problems.split("## Problems")[1]
    rows = [line for line in everything.splitlines() if line.startswith("| ")]
    assert len(rows) == 1 + 3, "a header and one row per check"
    assert "| spine1:eth1 and leaf1:eth1 see each other |" in everything
    assert "3 checks: 1 pass, 1 fail, 0 warn, 1 error" in text


def test_markdown_escapes_pipes() -> None:
    answers = {**GOOD, "spine1 tcp 22": {"failure": "a | b"}}
    text = markdown(run(parse(CATALOG), RecordedReach(Observations.from_json(answers)), wait=0))
    assert "a \\| b" in text


def test_json_and_summary() -> None:
    finished = mixed_run()
    data = json.loads(json.dumps(as_json(finished)))
    assert data["exit_code"] == 1 and data["passed"] is False
    assert data["summary"] == {"pass": 1, "fail": 1, "warn": 0, "error": 1}
    assert data["results"][1]["devices"] == ["spine1", "leaf1"]
    assert summary(finished).startswith("3 checks: 1 pass, 1 fail, 0 warn, 1 error")


def test_table_shows_failures_first() -> None:
    console = Console(width=200, record=True)
    console.print(table(mixed_run(), all_results=False))
    text = console.export_text()
    assert text.index("fail") < text.index("error")
    assert "lldp-neighbors" not in text
